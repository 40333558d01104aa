"""The uncertainty output in QGIS: the Processing destination ``UNCERTAINTY_OUTPUT`` and the
dock's option that adds it as a styled layer, on copies of the real cloudy demo scene
(ROIs1868_summer 19 p30) with a tiny untrained network that has the uncertainty head."""

import shutil
from pathlib import Path

import numpy as np
import pytest
import rasterio
from qgis.core import QgsProcessingException, QgsProject, QgsRasterLayer

from conftest import pair, wait_for

ALG = "mmcanet:removeclouds"
SUMMER = ("ROIs1868_summer", 19, 30)


@pytest.fixture(scope="module")
def head_weights(tmp_path_factory):
    """Tiny untrained RGB weights with the uncertainty head (its last layer perturbed so that
    the scale varies), and the same without the head."""
    import torch

    from mmcanet_core import build_model
    from mmcanet_core.weights.checkpoint import save_weights

    from conftest import TINY

    folder = tmp_path_factory.mktemp("uncertainty_weights")
    paths = []
    for head in (True, False):
        torch.manual_seed(0)
        options = dict(TINY, in_channels=3, uncertainty=head)
        model = build_model("mmcanet", **options)
        if head:
            with torch.no_grad():
                model.scale_head.body[2].weight.normal_(0, 0.3)
        paths.append(save_weights(folder / f"head_{head}.safetensors", model, name="mmcanet",
                                  options=options, optical_bands=(4, 3, 2),
                                  trained_on="untrained (tests)", patch_size=64))
    return paths


@pytest.fixture()
def cloudy(sen12mscr, tmp_path):
    """Temporary copies of the cloudy demo pair (QGIS writes .aux.xml beside rasters)."""
    folder = tmp_path / "data"
    folder.mkdir()
    return [Path(shutil.copy(p, folder)) for p in pair(sen12mscr, SUMMER)]


@pytest.fixture(scope="module")
def plugin(plugin_path, qgis_iface, qgis_processing):
    import qgis.utils

    assert qgis.utils.loadPlugin("mmcanet") and qgis.utils.startPlugin("mmcanet")
    yield qgis.utils.plugins["mmcanet"]
    assert qgis.utils.unloadPlugin("mmcanet")


def test_processing_writes_the_uncertainty_output(plugin, cloudy, head_weights, tmp_path):
    import processing

    from mmcanet_core.inference import predict_raster

    sar, optical = cloudy
    head, plain = head_weights
    out, unc = tmp_path / "out.tif", tmp_path / "unc.tif"
    params = {"SAR": str(sar), "OPTICAL": str(optical), "WEIGHTS": str(head), "DEVICE": 1,
              "TILE": 128, "OUTPUT": str(out), "UNCERTAINTY_OUTPUT": str(unc)}
    result = processing.run(ALG, params)
    assert Path(result["UNCERTAINTY_OUTPUT"]) == unc and unc.is_file()
    # The same run through the engine gives the same file.
    reference = tmp_path / "ref_unc.tif"
    predict_raster(sar, optical, tmp_path / "ref.tif", weights=head, tile=128, device="cpu",
                   uncertainty_output=reference)
    with rasterio.open(unc) as a, rasterio.open(reference) as b:
        got, want = a.read(1), b.read(1)
        assert a.dtypes[0] == "float32" and (a.crs, a.transform) == (b.crs, b.transform)
    np.testing.assert_array_equal(got, want)
    assert (got == 0).mean() > 0.3 and (got > 0).mean() > 0.1  # kept and restored pixels
    with rasterio.open(out) as o:
        assert o.count == 13  # every band of the L1C input
    # Weights without the head: a clear refusal, nothing written.
    for path in (out, unc):
        path.unlink()
    with pytest.raises(QgsProcessingException, match="no uncertainty head"):
        processing.run(ALG, dict(params, WEIGHTS=str(plain)))
    assert not out.exists() and not unc.exists()


def render(layers, path: Path, size=256):
    """Draw ``layers`` (top first) into a PNG."""
    from qgis.core import QgsMapRendererParallelJob, QgsMapSettings
    from qgis.PyQt.QtCore import QSize

    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(layers[-1].crs())
    settings.setExtent(layers[-1].extent())
    settings.setOutputSize(QSize(size, size))
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(str(path))
    return job.renderedImage()


def test_dock_option_adds_a_styled_uncertainty_layer(plugin, qgis_new_project, cloudy,
                                                     head_weights, artifacts):
    from qgis.core import QgsSingleBandPseudoColorRenderer

    try:
        sar_path, optical_path = cloudy
        sar = QgsRasterLayer(str(sar_path), "S1")
        optical = QgsRasterLayer(str(optical_path), "S2 cloudy")
        QgsProject.instance().addMapLayers([sar, optical])
        dock = plugin.dock
        dock.sar_combo.setLayer(sar)
        dock.optical_combo.setLayer(optical)
        dock.weights_widget.setFilePath(str(head_weights[0]))
        dock.device_combo.setCurrentIndex(1)  # CPU
        dock.uncertainty_check.setChecked(True)
        assert dock.parameters()["UNCERTAINTY_OUTPUT"].endswith("_cloudfree_uncertainty.tif")
        dock.decloud_button.click()
        wait_for(lambda: dock.run.done)
        assert dock.run.ok, dock.status_label.text()
        layer = dock.run.uncertainty_layer
        assert layer is not None and layer.name() == "S2 cloudy (cloud-free) (uncertainty)"
        assert QgsProject.instance().mapLayer(layer.id()) is layer
        assert Path(layer.source()).parent == optical_path.parent  # next to the result
        renderer = layer.renderer()
        assert isinstance(renderer, QgsSingleBandPseudoColorRenderer)
        items = renderer.shader().rasterShaderFunction().colorRampItemList()
        assert items[0].value == 0 and items[0].color.alpha() == 0  # kept pixels transparent
        assert items[-1].value > items[1].value > 0
        image = render([layer, dock.run.layer], artifacts / "uncertainty_layer.png")
        with rasterio.open(layer.source()) as ds:
            values = ds.read(1)
        # A kept pixel shows the result beneath; a restored one the ramp's colour.
        kept = np.argwhere(values == 0)[0]
        unsure = np.unravel_index(np.nanargmax(values), values.shape)
        colour = image.pixelColor(int(unsure[1]), int(unsure[0]))
        assert colour.red() > 150 and colour.blue() < 120  # red end: unsure
        assert image.pixelColor(int(kept[1]), int(kept[0])).name() != "#d7191c"
    finally:
        QgsProject.instance().removeAllMapLayers()
