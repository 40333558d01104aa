"""The dock's Clouds group (mask layer, its values, raw, save the mask) and backend choice: what
they pass to mmcanet:removeclouds, and a run that adds the mask and says the cover."""

from pathlib import Path

import numpy as np
import pytest
import rasterio
from qgis.core import QgsApplication, QgsProcessingContext, QgsProject, QgsRasterLayer
from test_plugin_clouds import SUMMER, half_mask, read

from mmcanet_core import options
from mmcanet_core.clouds import cloudmask

from conftest import copies, wait_for


@pytest.fixture()
def mask_layer(layers, tmp_path):
    """A 0/1 mask layer (left half cloud) on a coarser grid than the optical layer."""
    _, optical = layers
    layer = QgsRasterLayer(str(half_mask(optical.source(), tmp_path / "mask01.tif", 1, 0)),
                           "clouds 0/1")
    assert layer.isValid()
    QgsProject.instance().addMapLayer(layer)
    return layer


def test_clouds_group_defaults_and_parameters(started, layers, mask_layer, tiny_weights):
    dock = started.dock
    sar, optical = layers
    assert dock.mask_combo.currentLayer() is None  # never guessed: the automatic mask
    assert not dock.mask_values_combo.isEnabled()
    assert not dock.raw_check.isChecked() and not dock.save_mask_check.isChecked()
    dock.sar_combo.setLayer(sar)
    dock.optical_combo.setLayer(optical)
    dock.weights_widget.setFilePath(str(tiny_weights))
    params = dock.parameters()
    assert params["RAW"] is False and params["BACKEND"] == 0
    assert params["MASK_METHOD"] == 0 and dock.mask_method_combo.isEnabled()
    assert not {"MASK", "MASK_VALUES", "MASK_OUTPUT"} & set(params)
    dock.mask_combo.setLayer(mask_layer)
    assert dock.mask_values_combo.isEnabled()
    assert not dock.mask_method_combo.isEnabled()  # a mask layer: no automatic mask
    dock.mask_values_combo.setEditText("3, 8,9")
    dock.raw_check.setChecked(True)
    dock.save_mask_check.setChecked(True)
    dock.backend_combo.setCurrentIndex(2)
    params = dock.parameters()
    assert params["MASK"] == mask_layer.source() and params["MASK_VALUES"] == "3, 8,9"
    assert params["RAW"] is True and params["BACKEND"] == 2
    assert params["MASK_OUTPUT"] == params["OUTPUT"][:-len(".tif")] + "_mask.tif"
    dock.temporary_check.setChecked(True)
    assert dock.parameters()["MASK_OUTPUT"] == "TEMPORARY_OUTPUT"
    alg = QgsApplication.processingRegistry().algorithmById("mmcanet:removeclouds")
    ok, message = alg.checkParameterValues(dock.parameters(), QgsProcessingContext())
    assert ok, message


def test_dock_run_with_a_mask_adds_it_and_says_the_cover(started, layers, mask_layer,
                                                         tiny_weights):
    dock = started.dock
    sar, optical = layers
    dock.sar_combo.setLayer(sar)
    dock.optical_combo.setLayer(optical)
    dock.weights_widget.setFilePath(str(tiny_weights))
    dock.device_combo.setCurrentIndex(1)  # CPU
    dock.mask_combo.setLayer(mask_layer)
    dock.save_mask_check.setChecked(True)
    run = dock.start()
    assert run is not None, dock.status_label.text()
    wait_for(lambda: run.done)
    assert run.ok, dock.status_label.text()
    assert "Cloud cover 50.0 %" in dock.status_label.text().replace("\u200b", "")
    result, mask = Path(run.layer.source()), Path(run.mask_layer.source())
    assert mask == result.with_name(result.stem + "_mask.tif")
    with rasterio.open(mask) as src:
        assert src.colormap(1)[1][:3] == (255, 255, 255)  # clouds white: styled as written
    classes = read(mask)[0]
    assert (classes[:, :128] == 1).all() and (classes[:, 128:] == 0).all()
    source = read(optical.source())  # every band comes back
    assert np.array_equal(read(result)[:, :, 200:], source[:, :, 200:])  # clear half: input
    tree = [node.layer() for node in QgsProject.instance().layerTreeRoot().findLayers()]
    assert tree.index(run.mask_layer) + 1 == tree.index(run.layer)  # right above the result


def test_dock_mask_method_reaches_the_engine(started, sen12mscr, tmp_path, tiny_weights):
    """The dock's method choice (the engine's list, default first) decides the cover of a run
    on the real summer pair, where the two methods differ."""
    dock = started.dock
    assert [dock.mask_method_combo.itemData(i) for i in range(dock.mask_method_combo.count())
            ] == list(options.MASK_METHODS)
    sar_path, optical_path = copies(sen12mscr, tmp_path / "data", SUMMER)
    sar, optical = QgsRasterLayer(str(sar_path), "S1"), QgsRasterLayer(str(optical_path), "S2")
    QgsProject.instance().addMapLayers([sar, optical])
    dock.sar_combo.setLayer(sar)
    dock.optical_combo.setLayer(optical)
    dock.weights_widget.setFilePath(str(tiny_weights))
    dock.device_combo.setCurrentIndex(1)  # CPU
    dock.mask_method_combo.setCurrentIndex(options.MASK_METHODS.index("gee"))
    assert dock.parameters()["MASK_METHOD"] == options.MASK_METHODS.index("gee") == 2
    run = dock.start()
    assert run is not None, dock.status_label.text()
    wait_for(lambda: run.done)
    assert run.ok, dock.status_label.text()
    classes = cloudmask.classify_l1c(read(optical_path).astype(np.float32), method="gee")
    cover = 100 * (classes == cloudmask.CLOUD).mean()  # 31.4 %; the default method: 25.2 %
    assert f"Cloud cover {cover:.1f} %" in dock.status_label.text().replace("\u200b", "")


def test_backend_choice_decides_which_packages_are_needed(started, layers, monkeypatch):
    import mmcanet.plugin.deps as deps

    dock = started.dock
    monkeypatch.setattr(deps, "installed", lambda name: name != "onnxruntime")
    dock.backend_combo.setCurrentIndex(2)  # onnxruntime: missing here
    assert not dock.decloud_button.isEnabled() and dock.install_button.isVisibleTo(dock)
    assert "onnxruntime" in dock.status_label.text()
    dock.backend_combo.setCurrentIndex(1)  # PyTorch: everything there
    assert dock.decloud_button.isEnabled() and not dock.install_button.isVisibleTo(dock)


def test_dock_names_the_onnxruntime_provider_before_a_run(started):
    dock = started.dock
    dock.backend_combo.setCurrentIndex(2)
    started.toggle_action.trigger()
    wait_for(lambda: "checking" not in dock.device_label.text(), limit_s=60)
    assert dock.device_label.text() == "Device: CPUExecutionProvider (onnxruntime)"


@pytest.fixture(autouse=True)
def _no_layers_left():
    yield
    QgsProject.instance().removeAllMapLayers()
