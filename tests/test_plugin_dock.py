"""The dock: load/unload cleanly, one-click decloud on a background task, cancel, errors, and a
screenshot to look at."""

import threading
from pathlib import Path

import numpy as np
import pytest
import rasterio
from qgis.core import QgsApplication, QgsProject
from qgis.PyQt.QtCore import QCoreApplication, Qt
from qgis.PyQt.QtWidgets import QAction, QDockWidget

from conftest import copies, wait_for

#: The partly cloudy real pair (the automatic mask calls about a third of it cloud): the
#: network certainly runs, unlike on the winter pair, whose output equals its input.
SUMMER = ("ROIs1868_summer", 19, 30)


@pytest.fixture()
def cloudy_layers(sen12mscr, qgis_new_project, tmp_path):
    """(SAR, optical) project layers on temporary copies of the cloudy summer pair."""
    from qgis.core import QgsRasterLayer

    sar_path, optical_path = copies(sen12mscr, tmp_path / "data", SUMMER)
    sar = QgsRasterLayer(str(sar_path), "S1 summer")
    optical = QgsRasterLayer(str(optical_path), "S2 summer")
    assert sar.isValid() and optical.isValid()
    QgsProject.instance().addMapLayers([sar, optical])
    return sar, optical


def read(path, bands=None):
    with rasterio.open(path) as src:
        return src.read(bands)


def plugin_widgets(window):
    actions = [a for a in window.findChildren(QAction) if a.objectName().startswith("mmcanet")]
    docks = [d for d in window.findChildren(QDockWidget) if d.objectName() == "MMCANetDock"]
    return actions, docks


def test_load_unload_twice_leaves_nothing_behind(plugin_path, qgis_iface, qgis_processing):
    import qgis.utils

    window = qgis_iface.mainWindow()
    for _ in range(2):
        assert qgis.utils.loadPlugin("mmcanet") and qgis.utils.startPlugin("mmcanet")
        plugin = qgis.utils.plugins["mmcanet"]
        actions, docks = plugin_widgets(window)
        assert len(actions) == 2 and len(docks) == 1
        assert QgsApplication.processingRegistry().algorithmById("mmcanet:removeclouds")
        toggle = plugin.toggle_action
        assert not toggle.icon().isNull()
        toggle.trigger()
        assert docks[0].isVisibleTo(window)
        toggle.trigger()
        assert not docks[0].isVisibleTo(window)
        assert qgis.utils.unloadPlugin("mmcanet")
        assert plugin_widgets(window) == ([], [])
        assert QgsApplication.processingRegistry().providerById("mmcanet") is None


def test_dock_filters_raster_layers(started, layers):
    from qgis.core import QgsVectorLayer

    vector = QgsVectorLayer("Point?crs=EPSG:4326", "points", "memory")
    QgsProject.instance().addMapLayer(vector)
    combo = started.dock.sar_combo
    names = {combo.itemText(i) for i in range(combo.count())}
    assert {"S1 VV VH", "S2 cloudy"} <= names and "points" not in names


def test_dock_decloud_adds_layer_and_screenshot(started, cloudy_layers, tiny_weights, artifacts,
                                                tmp_path):
    """On a cloudy pair: the dock's result is, pixel for pixel, what predict_raster writes with
    the same options, and the network did change the cloudy pixels."""
    from mmcanet_core.inference import predict_raster

    sar, optical = cloudy_layers
    dock = started.dock
    dock.resize(380, 640)
    dock.sar_combo.setLayer(sar)
    dock.optical_combo.setLayer(optical)
    dock.weights_widget.setFilePath(str(tiny_weights))
    dock.device_combo.setCurrentIndex(1)  # CPU
    dock.temporary_check.setChecked(True)
    before = set(QgsProject.instance().mapLayers())
    dock.decloud_button.click()
    assert not dock.decloud_button.isEnabled() and dock.cancel_button.isEnabled()
    wait_for(lambda: dock.run.done)
    assert dock.run.ok, dock.status_label.text()
    added = [QgsProject.instance().mapLayer(i) for i in set(QgsProject.instance().mapLayers())
             - before]
    assert len(added) == 1
    layer = added[0]
    assert layer.name() == "S2 summer (cloud-free)"
    assert layer.source().endswith(".tif") and Path(layer.source()).is_file()
    assert Path(layer.source()).parent != Path(optical.source()).parent  # temporary, as asked
    assert "temporary" in dock.status_label.text()
    assert layer.crs() == optical.crs() and layer.extent() == optical.extent()
    assert dock.progress_bar.value() == 100
    assert "CPU" in dock.device_label.text()
    assert dock.decloud_button.isEnabled() and not dock.cancel_button.isEnabled()
    reference = tmp_path / "reference.tif"
    predict_raster(sar.source(), optical.source(), reference, weights=tiny_weights,
                   device="cpu")
    restored, expected = read(layer.source()), read(reference)
    assert restored.dtype == expected.dtype and np.array_equal(restored, expected)
    changed = np.any(restored != read(optical.source()), axis=0).mean()
    assert 0.2 < changed < 0.8  # the clouds (a third of the scene) were filled, the rest kept
    dock.grab().save(str(artifacts / "dock.png"))
    assert (artifacts / "dock.png").stat().st_size > 5000


def test_dock_cancel_during_run_leaves_no_output(started, layers, tiny_weights,
                                                 tmp_path):
    sar, optical = layers
    dock = started.dock
    dock.sar_combo.setLayer(sar)
    dock.optical_combo.setLayer(optical)
    dock.weights_widget.setFilePath(str(tiny_weights))
    (tmp_path / "out").mkdir()
    output = tmp_path / "out" / "cancelled.tif"
    dock.output_widget.setFilePath(str(output))
    before = set(QgsProject.instance().mapLayers())

    # Hold the worker at its first progress report until the Cancel button has been pressed,
    # so that the cancel certainly lands in the middle of the run.
    reached, release = threading.Event(), threading.Event()

    def hold(_value):
        if not reached.is_set():
            reached.set()
            release.wait(60)

    dock.run_created.connect(
        lambda run: run.feedback.progressChanged.connect(hold, Qt.DirectConnection))
    run = dock.start()
    wait_for(reached.is_set)
    dock.cancel_button.click()
    release.set()
    wait_for(lambda: run.done)
    assert not run.ok and run.cancelled
    assert "Cancelled" in dock.status_label.text()
    assert set(QgsProject.instance().mapLayers()) == before
    assert not output.exists() and list((tmp_path / "out").iterdir()) == []


def _bar_texts(bar):
    return [item.text() for item in bar.items()]


def test_dock_shows_errors_in_dock_and_message_bar(started, layers, tmp_path, qgis_iface):
    sar, optical = layers
    dock = started.dock
    bar = qgis_iface.messageBar()
    bar.clearWidgets()
    dock.sar_combo.setLayer(None)
    assert not dock.decloud_button.isEnabled()  # nothing to run on: no button to press
    assert dock.start() is None and dock.run is None  # refused before any task
    assert "Choose both" in dock.status_label.text()
    assert any("Choose both" in text for text in _bar_texts(bar))
    dock.sar_combo.setLayer(sar)  # fixed: the stale error goes from the dock and the bar
    assert dock.decloud_button.isEnabled()
    assert "Choose both" not in dock.status_label.text()
    assert not any("Choose both" in text for text in _bar_texts(bar))

    fake = tmp_path / "broken.safetensors"
    fake.write_bytes(b"not weights")
    dock.optical_combo.setLayer(optical)
    dock.weights_widget.setFilePath(str(fake))
    dock.decloud_button.click()
    wait_for(lambda: dock.run.done)
    assert not dock.run.ok
    assert "broken.safetensors" in dock.status_label.text()
    assert any("broken.safetensors" in text for text in _bar_texts(bar))
    assert dock.decloud_button.isEnabled()


def test_unload_during_a_run_cancels_it_and_adds_nothing(plugin_path, qgis_iface,
                                                          qgis_processing, layers,
                                                          tiny_weights, tmp_path):
    import qgis.utils

    sar, optical = layers
    assert qgis.utils.loadPlugin("mmcanet") and qgis.utils.startPlugin("mmcanet")
    dock = qgis.utils.plugins["mmcanet"].dock
    dock.sar_combo.setLayer(sar)
    dock.optical_combo.setLayer(optical)
    dock.weights_widget.setFilePath(str(tiny_weights))
    dock.output_widget.setFilePath(str(tmp_path / "unloaded.tif"))
    before = set(QgsProject.instance().mapLayers())
    run = dock.start()
    feedback = run.feedback
    assert qgis.utils.unloadPlugin("mmcanet")
    assert feedback.isCanceled()
    wait_for(lambda: QgsApplication.taskManager().countActiveTasks() == 0)
    QCoreApplication.processEvents()
    assert set(QgsProject.instance().mapLayers()) == before
    assert not (tmp_path / "unloaded.tif").exists()
