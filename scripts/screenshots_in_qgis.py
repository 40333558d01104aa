"""Runs inside QGIS (``qgis --code``), started by ``scripts/screenshots.py``: a first-time
user's run of the dock, photographed, then QGIS quits.

Steps, each after the GUI has settled: load the cloudy SAR and optical pair, open the panel
with the plugin's toolbar button, wait until it names the device, photograph (before), press
Decloud with "Save the cloud mask", photograph the panel while it removes clouds, wait for the
result, photograph (after, the mask over the result, the input alone); open the toolbox dialog
and photograph it; load a second pair and run a two-row batch with "Load layers on
completion", photograph its log and the layers.
"""

import os
import time
import traceback
from pathlib import Path

from qgis.core import QgsApplication, QgsProject, QgsRasterLayer
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QToolBar
from qgis.utils import iface

OUT = Path(os.environ["MMCANET_SHOTS_OUT"])
DATA = Path(os.environ["MMCANET_SHOTS_DATA"])
LIMIT_S = 600


def quit_qgis(code=0):
    """Close QGIS the way its menu does (the project cleared first, no question asked)."""
    def close():
        QgsProject.instance().clear()
        if code:
            QgsApplication.exit(code)
        else:
            iface.actionExit().trigger()
    QTimer.singleShot(500, close)


def wait_until(predicate, then, limit_s=LIMIT_S, every=None):
    """Poll ``predicate`` on the GUI loop; call ``then()`` once it holds."""
    end = time.monotonic() + limit_s

    def poll():
        try:
            if every is not None:
                every()
            if predicate():
                QTimer.singleShot(1500, guarded(then))  # let the window repaint first
            elif time.monotonic() > end:
                print("screenshots: timed out", flush=True)
                quit_qgis(1)
            else:
                QTimer.singleShot(200, poll)
        except Exception:  # noqa: BLE001 - report and leave, never hang
            traceback.print_exc()
            quit_qgis(1)

    poll()


def guarded(step):
    def run():
        try:
            step()
        except Exception:  # noqa: BLE001
            traceback.print_exc()
            quit_qgis(1)
    return run


def shoot(widget, name):
    path = OUT / name
    widget.grab().save(str(path))
    print(f"screenshots: {path}", flush=True)


def dock():
    import qgis.utils

    return qgis.utils.plugins["mmcanet"].dock


def load_layers():
    window = iface.mainWindow()
    window.setGeometry(0, 0, 1680, 1050)
    sar, optical = (sorted(DATA.glob(f"*summer_{kind}_*.tif"))[0] for kind in ("s1", "s2"))
    iface.addRasterLayer(str(sar), "S1 summer")
    layer = iface.addRasterLayer(str(optical), "S2 summer")
    iface.setActiveLayer(layer)
    QTimer.singleShot(2000, guarded(open_panel))


def open_panel():
    toolbar = iface.mainWindow().findChild(QToolBar, "mmcanetToolBar")
    if toolbar is None:
        import qgis.utils

        print(f"screenshots: the plugin is not running; active plugins "
              f"{qgis.utils.active_plugins}, found {qgis.utils.available_plugins}", flush=True)
        quit_qgis(1)
        return
    button = [a for a in toolbar.actions() if a.objectName() == "mmcanetToggleDock"][0]
    button.trigger()
    panel = dock()
    wait_until(lambda: "..." not in panel.device_label.text(), before)


def before():
    shoot(iface.mainWindow(), "dock_before.png")
    panel = dock()
    clicked = time.monotonic()

    def timeline(run):  # when each stage and progress step reached the GUI, from the click
        def say(what):
            return lambda value: print(f"screenshots: {time.monotonic() - clicked:5.1f} s "
                                       f"{what} {value}", flush=True)
        run.feedback.stage_reported.connect(say("stage"))
        run.feedback.progressChanged.connect(say("progress"))
        run.feedback.device_reported.connect(say("device"))

    panel.run_created.connect(timeline)
    panel.save_mask_check.setChecked(True)
    panel.decloud_button.click()
    seen = {"running": False}

    def running():
        if not seen["running"] and "/" in panel.status_label.text():
            seen["running"] = True
            shoot(panel, "dock_running.png")

    wait_until(lambda: panel.run is not None and panel.run.done, after, every=running)


def after():
    panel = dock()
    if not panel.run.ok:
        print(f"screenshots: the run failed: {panel.status_label.text()}", flush=True)
    mask = panel.run.mask_layer
    if mask is not None:  # the result first, the mask over it afterwards
        visible(mask, False)
    canvas = iface.mapCanvas()
    canvas.refreshAllLayers()
    wait_until(lambda: not canvas.isDrawing(), lambda: finish(panel))


def visible(layer, shown):
    QgsProject.instance().layerTreeRoot().findLayer(layer.id()).setItemVisibilityChecked(shown)


def finish(panel):
    shoot(iface.mainWindow(), "dock_after.png")
    shoot(panel, "dock.png")
    mask = panel.run.mask_layer
    if mask is not None:  # the mask over the result: clouds white, shadows purple, clear seen
        visible(mask, True)
        iface.setActiveLayer(mask)
        canvas = iface.mapCanvas()
        canvas.refreshAllLayers()
        wait_until(lambda: not canvas.isDrawing(), lambda: masked(panel))
    else:
        masked(panel)


def masked(panel):
    shoot(iface.mainWindow(), "mask_layer.png")
    # before/after is one checkbox: hide the result, the input shows in the same colours
    root = QgsProject.instance().layerTreeRoot()
    for layer in (panel.run.layer, panel.run.mask_layer):
        if layer is not None:
            root.findLayer(layer.id()).setItemVisibilityChecked(False)
    canvas = iface.mapCanvas()
    canvas.refreshAllLayers()
    wait_until(lambda: not canvas.isDrawing(), lambda: compared(panel))


def compared(panel):
    shoot(iface.mainWindow(), "dock_compare.png")
    names = [n.name() for n in QgsProject.instance().layerTreeRoot().findLayers()]
    print(f"screenshots: layers top to bottom: {names}", flush=True)
    result = [layer for layer in QgsProject.instance().mapLayers().values()
              if isinstance(layer, QgsRasterLayer) and layer.customProperty("mmcanet/result")]
    print(f"screenshots: result file: {[r.source() for r in result]}", flush=True)
    if not panel.run.ok:
        quit_qgis(1)
        return
    import processing

    dialog = processing.createAlgorithmDialog("mmcanet:removeclouds")
    dialog.resize(900, 760)
    dialog.show()
    QTimer.singleShot(2500, guarded(lambda: toolbox(dialog)))


def toolbox(dialog):
    shoot(dialog, "toolbox_dialog.png")
    dialog.close()
    sar, optical = (sorted(DATA.glob(f"*winter_{kind}_*.tif"))[0] for kind in ("s1", "s2"))
    iface.addRasterLayer(str(sar), "S1 winter")
    iface.addRasterLayer(str(optical), "S2 winter")
    QTimer.singleShot(2000, guarded(batch))


def batch():
    """Two rows (the summer and the winter pair), Load layers on completion, the mask column
    left empty: as the analyst ran it."""
    from processing.gui.BatchAlgorithmDialog import BatchAlgorithmDialog
    from processing.tools import dataobjects

    project = QgsProject.instance()
    algorithm = QgsApplication.processingRegistry().createAlgorithmById("mmcanet:removeclouds")
    dialog = BatchAlgorithmDialog(algorithm, iface.mainWindow())
    dialog.resize(1300, 700)
    dialog.show()
    table = dialog.mainWidget()
    while table.batchRowCount() < 2:
        table.addRow()
    context = dataobjects.createContext()
    for row, season in enumerate(("summer", "winter")):
        for name, layer in (("SAR", f"S1 {season}"), ("OPTICAL", f"S2 {season}")):
            column = table.parameter_to_column[name]
            table.wrappers[row][column].setParameterValue(
                project.mapLayersByName(layer)[0].id(), context)
        column = table.parameter_to_column["OUTPUT"]
        table.tblParameters.cellWidget(row + 1, column).setValue(
            str(DATA / f"batch_{season}.tif"))
    table.checkLoadLayersOnCompletion.setChecked(True)
    dialog.runAlgorithm()  # runs the rows one after the other, then loads their layers
    QTimer.singleShot(2000, guarded(lambda: batched(dialog)))


def batched(dialog):
    shoot(dialog, "batch.png")
    dialog.close()
    canvas = iface.mapCanvas()
    canvas.refreshAllLayers()
    names = [n.name() for n in QgsProject.instance().layerTreeRoot().findLayers()]
    print(f"screenshots: layers after the batch, top to bottom: {names}", flush=True)
    wait_until(lambda: not canvas.isDrawing(), lambda: (
        shoot(iface.mainWindow(), "batch_layers.png"), quit_qgis(0)))


QTimer.singleShot(3000, guarded(load_layers))
