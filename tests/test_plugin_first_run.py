"""An analyst's first run (issue 14): a result that stays, styled like its input and next to
it; progress and the device from the start; a calm state without PyTorch; layer guesses in the
dock and the toolbox dialog; the engine's lines in German, the device said once; the toolbar."""

import re
import threading
from pathlib import Path

import pytest
from qgis.core import (
    Qgis,
    QgsApplication,
    QgsLayerTreeModel,
    QgsMultiBandColorRenderer,
    QgsProcessingFeedback,
    QgsProject,
    QgsRasterLayer,
    QgsSettings,
)
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtWidgets import QToolBar

from conftest import copies, wait_for

ALG = "mmcanet:removeclouds"
LAST_PATH = "Processing/LastInputPath"


def rgb(layer):
    """(band, min, max) for red, green, blue of a multiband colour layer."""
    renderer = layer.renderer()
    assert isinstance(renderer, QgsMultiBandColorRenderer)
    pairs = ((renderer.redBand(), renderer.redContrastEnhancement()),
             (renderer.greenBand(), renderer.greenContrastEnhancement()),
             (renderer.blueBand(), renderer.blueContrastEnhancement()))
    return [(band, ce.minimumValue(), ce.maximumValue()) for band, ce in pairs]


def run_dock(dock, sar, optical, weights):
    """Press Decloud with these inputs on the CPU; record (what, value) in worker order."""
    events = []
    lock = threading.Lock()

    def record(kind):
        def add(value):
            with lock:
                events.append((kind, value))
        return add

    def watch(run):
        feedback = run.feedback
        feedback.progressChanged.connect(record("progress"), Qt.ConnectionType.DirectConnection)
        feedback.stage_reported.connect(record("stage"), Qt.ConnectionType.DirectConnection)
        feedback.device_reported.connect(record("device"), Qt.ConnectionType.DirectConnection)

    dock.run_created.connect(watch)
    dock.sar_combo.setLayer(sar)
    dock.optical_combo.setLayer(optical)
    dock.weights_widget.setFilePath(str(weights))
    dock.device_combo.setCurrentIndex(1)  # CPU
    run = dock.start()
    assert run is not None, dock.status_label.text()
    wait_for(lambda: run.done)
    dock.run_created.disconnect(watch)
    assert run.ok, dock.status_label.text()
    return run, events


# -- 1, 3: a result that stays, styled like its input, next to it -------------------------------
def test_result_is_kept_next_to_the_optical_raster_styled_and_placed(started, layers,
                                                                     tiny_weights):
    sar, optical = layers
    dock = started.dock
    source = Path(optical.source())
    expected = str(source.with_name(f"{source.stem}_cloudfree.tif"))
    assert dock.output_widget.filePath() == ""  # empty: the default below, not a temp file
    assert dock.default_output() == expected
    assert dock.output_widget.lineEdit().placeholderText() == f"{source.stem}_cloudfree.tif"
    assert optical.bandCount() == 13 and rgb(optical)[0][0] == 1  # QGIS's default look

    run, _ = run_dock(dock, sar, optical, tiny_weights)
    layer = run.layer
    assert layer.source() == expected
    assert expected in dock.status_label.toolTip()  # the success message names the file
    assert expected in run.message and dock.status_label.text().replace("\u200b", "") == \
        run.message
    # the layer tree's tooltip shows where the file is
    model = QgsLayerTreeModel(QgsProject.instance().layerTreeRoot())
    node = QgsProject.instance().layerTreeRoot().findLayer(layer.id())
    tooltip = model.data(model.node2index(node), Qt.ItemDataRole.ToolTipRole)
    assert expected in tooltip
    # right above its input: one checkbox from before/after
    order = [n.layerId() for n in QgsProject.instance().layerTreeRoot().findLayers()]
    assert order.index(layer.id()) + 1 == order.index(optical.id())
    # the input showed QGIS's default bands 1, 2, 3 (not restored): both now show the restored
    # 4, 3, 2 (the output has every band at its input position) with the same min/max
    source_look, result_look = rgb(optical), rgb(layer)
    assert [band for band, _, _ in source_look] == [4, 3, 2]
    assert [band for band, _, _ in result_look] == [4, 3, 2]
    assert [limits for _, *limits in source_look] == [limits for _, *limits in result_look]
    assert "4, 3, 2" in dock.status_label.text()

    # a second run never overwrites the first result
    assert dock.default_output() == expected.replace("_cloudfree.tif", "_cloudfree_2.tif")


def test_result_copies_a_look_the_user_chose(plugin_path, qgis_new_project, sen12mscr,
                                              tmp_path):
    """An input already showing restored bands keeps its look, and the result gets it."""
    from mmcanet.plugin.result import style_like

    sar_path, optical_path = copies(sen12mscr, tmp_path)
    source = QgsRasterLayer(str(optical_path), "s2")
    renderer = source.renderer().clone()
    renderer.setRedBand(2)
    renderer.setGreenBand(3)
    renderer.setBlueBand(4)
    renderer.redContrastEnhancement().setMinimumValue(1000)
    renderer.redContrastEnhancement().setMaximumValue(2000)
    source.setRenderer(renderer)
    result = QgsRasterLayer(str(optical_path), "same grid, 13 bands")
    assert style_like(result, source, [4, 3, 2]) is None
    assert [b for b, _, _ in rgb(source)] == [2, 3, 4]  # untouched
    # every band at its input position: the result shows the same bands as the source
    assert rgb(result) == [(2, 1000, 2000), (3,) + rgb(source)[1][1:], (4,) + rgb(source)[2][1:]]

    false_colour = source.renderer().clone()  # bands 8, 4, 3: not all restored, not default
    false_colour.setRedBand(8)
    source.setRenderer(false_colour)
    style_like(result, source, [4, 3, 2])
    assert [b for b, _, _ in rgb(source)] == [8, 3, 4]  # still the user's choice
    assert [b for b, _, _ in rgb(result)] == [4, 3, 2]  # the restored bands, in place


def test_default_output_never_overwrites_and_falls_back(plugin_path, tmp_path):
    from mmcanet.plugin.result import default_output

    optical = tmp_path / "data" / "scene.tif"
    optical.parent.mkdir()
    optical.write_bytes(b"")
    assert default_output(str(optical)) == str(tmp_path / "data" / "scene_cloudfree.tif")
    (tmp_path / "data" / "scene_cloudfree.tif").write_bytes(b"")
    (tmp_path / "data" / "scene_cloudfree_2.tif").write_bytes(b"")
    assert default_output(str(optical)) == str(tmp_path / "data" / "scene_cloudfree_3.tif")
    project = tmp_path / "project"
    project.mkdir()
    read_only = str(optical.parent)  # chmod does not stop root: say which folder is writable
    assert default_output(str(optical), str(project),
                          writable=lambda f: f and f != read_only) == str(
                              project / "scene_cloudfree.tif")


# -- 4: progress from the start, the device before the first tile ------------------------------
def test_progress_moves_from_the_start_and_device_comes_first(started, layers, tiny_weights):
    sar, optical = layers
    _, events = run_dock(started.dock, sar, optical, tiny_weights)
    values = [value for kind, value in events if kind == "progress"]
    stages = [value for kind, value in events if kind == "stage"]
    first_tile = next(i for i, (kind, text) in enumerate(events)
                      if kind == "stage" and text.startswith("Removing clouds"))
    device = next(i for i, (kind, _) in enumerate(events) if kind == "device")
    assert device < first_tile
    total = int([s for s in stages if s.startswith("Removing")][-1].split("/")[1].split()[0])
    assert stages[:5] == ["Starting the cloud removal...", "Loading the model weights...",
                          "Reading the rasters...",
                          f"Preparing the network for {total} tile(s)...",
                          f"Removing clouds: 0/{total} tiles"]  # the stages, from the events
    assert stages[-1] == f"Removing clouds: {total}/{total} tiles"
    assert values == sorted(values) and values[-1] == 100
    assert values[:5] == [1, 3, 5, 8, 12]  # the bar moves with each stage before any tile
    tile_steps = [v for v in values if 12 < v < 100]
    assert len(tile_steps) >= 3  # one step per batch of tiles (tiny weights: 64-px tiles)


def test_one_batch_shows_a_busy_bar(started, layers, tiny_weights):
    """All tiles in one batch: no steps between its start and its end, so the dock's bar is
    busy (not stuck at a number) until the batch is done."""
    dock = started.dock
    ranges = []
    dock.run_created.connect(lambda run: run.feedback.busy_reported.connect(  # after the dock's
        lambda: ranges.append(("busy", dock.progress_bar.maximum()))))
    sar, optical = layers
    dock.advanced_values = lambda: {"DEVICE": 1, "BACKEND": 0, "TILE": 256}  # one tile
    run, _ = run_dock(dock, sar, optical, tiny_weights)
    assert ranges == [("busy", 0)]  # a busy bar (range 0..0) while the one batch runs
    assert dock.progress_bar.maximum() == 100 and dock.progress_bar.value() == 100


def test_dock_names_the_device_before_a_run(started):
    dock = started.dock
    started.toggle_action.trigger()  # shown: the probe resolves the choice off the GUI thread
    wait_for(lambda: "checking" not in dock.device_label.text(), limit_s=60)
    assert dock.device_label.text().startswith("Device: CPU (") or "CUDA" in \
        dock.device_label.text()
    assert dock.run is None


# -- 5: a calm state without the Python packages -----------------------------------------------
def test_missing_dependencies_disable_decloud_with_one_line(plugin_path, qgis_iface,
                                                            qgis_processing, monkeypatch):
    import mmcanet.plugin.deps as deps
    import qgis.utils

    monkeypatch.setattr(deps, "missing_packages", lambda *a, **k: ["torch"])
    logged = []

    def collect(message, tag, level):
        logged.append((tag, message))

    QgsApplication.messageLog().messageReceived.connect(collect)
    bar = qgis_iface.messageBar()
    bar.clear_messages()
    assert qgis.utils.loadPlugin("mmcanet") and qgis.utils.startPlugin("mmcanet")
    try:
        dock = qgis.utils.plugins["mmcanet"].dock
        assert not dock.decloud_button.isEnabled()
        assert dock.install_button.isVisibleTo(dock)
        status = dock.status_label.text()
        assert "torch" in status and "pip" not in status and "\n" not in status
        assert len(status) < 160
        assert dock.start() is None
        warnings = bar.get_messages(Qgis.MessageLevel.Warning)
        assert warnings and all("pip" not in m and len(m) < 200 for m in warnings)
        QCoreApplication.processEvents()
        details = [m for tag, m in logged if tag == "MMCANet"]
        assert any("--no-deps" in m and "torch" in m for m in details)  # the pip command
    finally:
        QgsApplication.messageLog().messageReceived.disconnect(collect)
        assert qgis.utils.unloadPlugin("mmcanet")


# -- 6: layer guesses in the dock and the toolbox dialog ---------------------------------------
def test_dock_and_dialog_guess_sar_and_optical(started, layers, qgis_iface, monkeypatch):
    import processing
    from qgis.gui import QgsBrowserGuiModel

    sar, optical = layers
    dock = started.dock
    assert dock.sar_combo.currentLayer() == sar  # filled when the layers were added
    assert dock.optical_combo.currentLayer() == optical

    qgis_iface.setActiveLayer(optical)  # the toolbox used to preset both to the active layer
    browser = QgsBrowserGuiModel()
    # pytest-qgis's QgisInterface stand-in lacks browserModel(), which the real QGIS dialog
    # needs; qgis.core and the dialog itself are real.
    monkeypatch.setattr(qgis_iface, "browserModel", lambda: browser, raising=False)
    settings = QgsSettings()
    remembered = settings.value(LAST_PATH)  # the file widgets write it; leave it as it was
    dialog = processing.createAlgorithmDialog(ALG)
    try:
        wrappers = dialog.mainWidget().wrappers
        assert wrappers["SAR"].parameterValue() == sar.id()
        assert wrappers["OPTICAL"].parameterValue() == optical.id()
    finally:
        dialog.deleteLater()
        if remembered is None:
            settings.remove(LAST_PATH)
        else:
            settings.setValue(LAST_PATH, remembered)
    # only the dialog's default: processing.run still needs the layers named
    alg = QgsApplication.processingRegistry().createAlgorithmById(ALG)
    assert alg.parameterDefinition("SAR").defaultValue() is None


# -- 7: the engine's lines in German, the device said once -------------------------------------
class Lines(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.lines = []

    def pushInfo(self, info):  # noqa: N802 (QGIS's name)
        self.lines.append(info)
        super().pushInfo(info)


def test_engine_lines_in_german_and_device_once(plugin_path, qgis_iface, qgis_processing,
                                                user_locale, sen12mscr, tiny_weights,
                                                tmp_path):
    import processing
    import qgis.utils
    from qgis.PyQt.QtCore import QLocale

    user_locale("de_DE")
    QLocale.setDefault(QLocale("de_DE"))  # as QGIS does at start for a German profile
    assert qgis.utils.loadPlugin("mmcanet") and qgis.utils.startPlugin("mmcanet")
    try:
        sar, optical = copies(sen12mscr, tmp_path)
        feedback = Lines()
        processing.run(ALG, {"SAR": str(sar), "OPTICAL": str(optical),
                             "WEIGHTS": str(tiny_weights), "DEVICE": 1, "TILE": 128,
                             "OUTPUT": str(tmp_path / "de.tif")}, feedback=feedback)
    finally:
        QLocale.setDefault(QLocale.c())
        assert qgis.utils.unloadPlugin("mmcanet")
    lines = [line for line in feedback.lines if not line.startswith("Results:")]  # processing's
    text = "\n".join(lines)
    device_lines = [line for line in lines if "CPU" in line]
    assert device_lines == ["Gerät: CPU (CPU gewählt)"], text
    assert "SAR-Werte sehen nach dB aus." in lines, text
    assert any("Kachel" in line and "Pixel" in line for line in lines), text
    assert any(line.startswith("Geschrieben in ") for line in lines), text
    assert not any(line.startswith(("device:", "SAR values", "wrote ")) for line in lines), text
    assert "Optische Werte: Digitalwerte (Reflexion x 10000)." in lines, text
    assert any(line.startswith("Speicher: ") for line in lines), text
    written = next(line for line in lines if line.startswith("Geschrieben in "))
    assert re.match(r"Geschrieben in \d+,\d s: ", written), written  # a decimal comma
    english = ("digital numbers", "memory", "values below", "cloud-free", "no offset")
    assert not any(word in line for line in lines for word in english), text


def test_engine_events_are_translated_by_kind_not_by_text(plugin_path):
    from mmcanet.plugin.engine_text import _event_templates, event_text

    from mmcanet_core.events import TEMPLATES, Event

    # Every kind the engine can report has a template in the plugin (None: said by the plugin).
    assert set(TEMPLATES) <= set(_event_templates())
    assert event_text(Event("device", {"device": "cpu", "reason": "CPU requested"})) is None
    planned = Event("planned", {"width": 256, "height": 256, "bands": [4, 3, 2], "tiles": 4,
                                "tile": 256, "overlap": 64, "batch": 4})
    assert event_text(planned).startswith("256 x 256 pixels, bands 4, 3, 2: 4 tile")
    # The English log line may be reworded freely: the plugin never reads it.
    assert planned.text() != event_text(planned)


# -- 8: reachable in a fresh profile -----------------------------------------------------------
def test_own_toolbar_holds_the_panel_button(started, qgis_iface):
    toolbars = [t for t in qgis_iface.mainWindow().findChildren(QToolBar)
                if t.objectName() == "mmcanetToolBar"]
    assert len(toolbars) == 1 and not toolbars[0].isHidden()
    assert started.toggle_action in toolbars[0].actions()


# -- 3: the demonstrator named where it is used ------------------------------------------------
def test_demonstrator_is_named_in_dock_and_help(started, tiny_weights):
    from mmcanet.plugin.demonstrator import shipped_weights

    dock = started.dock
    assert shipped_weights(), "no checkpoint ships in mmcanet_core/checkpoints"
    dock.weights_widget.setFilePath(shipped_weights())
    assert dock.notice_label.isVisibleTo(dock) and "Demonstrator" in dock.notice_label.text()
    assert "training.md" in dock.notice_label.text()
    dock.weights_widget.setFilePath(str(tiny_weights))
    assert not dock.notice_label.isVisibleTo(dock)
    help_text = QgsApplication.processingRegistry().algorithmById(ALG).shortHelpString()
    assert "demonstrator" in help_text and "training.md" in help_text


@pytest.fixture(autouse=True)
def _no_layers_left():
    yield
    QgsProject.instance().removeAllMapLayers()
