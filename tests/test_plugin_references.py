"""Other dates (issue 23) through the plugin: REFERENCES and SOURCE_OUTPUT of
mmcanet:removeclouds via processing.run, a model built in the modeler's classes and qgis_process
(the dock's list: test_plugin_dock_references.py). Real data: a cloudy date of SEN12MS-CR-TS
ROIs2017_146 (2018-07-05) and two clear dates of the same place; the set has no Sentinel-1, so
the SAR input is a constant raster (SYNTHETIC)."""

from pathlib import Path

import numpy as np
import pytest
import rasterio
from qgis.core import (
    QgsProcessingModelAlgorithm,
    QgsProcessingModelChildAlgorithm,
    QgsProcessingModelChildParameterSource,
    QgsProcessingModelOutput,
    QgsProcessingModelParameter,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterRasterLayer,
)
from test_plugin_first_run import Lines
from test_plugin_processing import qgis_process

from conftest import reference_dates

ALG = "mmcanet:removeclouds"


@pytest.fixture()
def dates(tmp_path):
    return reference_dates(tmp_path / "data")


@pytest.fixture(scope="module")
def plugin(plugin_path, qgis_iface, qgis_processing):
    import qgis.utils

    assert qgis.utils.loadPlugin("mmcanet") and qgis.utils.startPlugin("mmcanet")
    yield qgis.utils.plugins["mmcanet"]
    assert qgis.utils.unloadPlugin("mmcanet")


def _read(path, bands=None):
    with rasterio.open(path) as src:
        return src.read(bands)


def _check_filled(target, out, source):
    """Input where the source says 0, the nearest date (06-25) fills most clouds."""
    codes = _read(source)[0]
    inp, result = _read(target, [4, 3, 2]), _read(out, [4, 3, 2])
    assert np.array_equal(result[:, codes == 0], inp[:, codes == 0])
    assert (codes == 1).mean() > 0.05 and set(np.unique(codes)) <= {0, 1, 2, 254}


def test_processing_run_fills_from_other_dates(plugin, dates, tiny_weights, tmp_path):
    import processing

    sar, target, refs = dates
    out, source = tmp_path / "out.tif", tmp_path / "source.tif"
    log = Lines()
    result = processing.run(ALG, {
        "SAR": str(sar), "OPTICAL": str(target), "WEIGHTS": str(tiny_weights), "DEVICE": 1,
        "REFERENCES": [str(r) for r in refs], "OUTPUT": str(out),
        "SOURCE_OUTPUT": str(source)}, feedback=log)
    assert result["SOURCE_OUTPUT"] == str(source)
    _check_filled(target, out, source)
    assert ("2 other date(s), tried nearest date first: ref_2018-06-25.tif (-10 d), "
            "ref_2018-07-20.tif (+15 d).") in log.lines
    assert any(line.startswith("Sources of the valid pixels: input") for line in log.lines)


def test_an_other_date_is_never_an_output(plugin, dates, tiny_weights, tmp_path):
    import processing
    from qgis.core import QgsProcessingException

    sar, target, refs = dates
    before = refs[0].read_bytes()
    with pytest.raises(QgsProcessingException, match="read"):
        processing.run(ALG, {"SAR": str(sar), "OPTICAL": str(target),
                             "WEIGHTS": str(tiny_weights), "REFERENCES": [str(refs[0])],
                             "OUTPUT": str(tmp_path / "out.tif"),
                             "SOURCE_OUTPUT": str(refs[0])})
    assert refs[0].read_bytes() == before and not (tmp_path / "out.tif").exists()


def test_a_model_feeds_other_dates(plugin, dates, tiny_weights, tmp_path):
    """The modeler's classes: a model whose multiple-layers input goes to REFERENCES."""
    import processing
    from mmcanet.plugin.compat import RASTER_SOURCES  # the layer type's enum moved in 3.36

    model = QgsProcessingModelAlgorithm("other dates", "tests")
    for name, definition in (
            ("sar", QgsProcessingParameterRasterLayer("sar", "SAR")),
            ("optical", QgsProcessingParameterRasterLayer("optical", "optical")),
            ("others", QgsProcessingParameterMultipleLayers("others", "other dates",
                                                            RASTER_SOURCES))):
        model.addModelParameter(definition, QgsProcessingModelParameter(name))
    child = QgsProcessingModelChildAlgorithm(ALG)
    child.setChildId("remove_clouds")
    for param, source in (("SAR", "sar"), ("OPTICAL", "optical"), ("REFERENCES", "others")):
        child.addParameterSources(param, [QgsProcessingModelChildParameterSource
                                          .fromModelParameter(source)])
    # Static values, as the modeler's dialog fills them with the defaults.
    for param, value in (("WEIGHTS", str(tiny_weights)), ("DEVICE", 1), ("TILE", 0),
                         ("OVERLAP", -1), ("BATCH_SIZE", 4), ("HALF", False)):
        child.addParameterSources(param, [QgsProcessingModelChildParameterSource
                                          .fromStaticValue(value)])

    outputs = {}
    for name in ("OUTPUT", "SOURCE_OUTPUT"):
        output = QgsProcessingModelOutput(name.lower())
        output.setChildOutputName(name)
        output.setChildId("remove_clouds")
        outputs[name.lower()] = output
    child.setModelOutputs(outputs)
    model.addChildAlgorithm(child)
    assert model.validate()[0], model.validate()
    sar, target, refs = dates
    out, source = tmp_path / "model.tif", tmp_path / "model_source.tif"
    result = processing.run(model, {"sar": str(sar), "optical": str(target),
                                    "others": [str(r) for r in refs],
                                    "remove_clouds:output": str(out),
                                    "remove_clouds:source_output": str(source)})
    assert Path(result["remove_clouds:source_output"]) == source
    _check_filled(target, out, source)


def test_qgis_process_takes_other_dates(plugin_path, dates, tiny_weights, tmp_path):
    sar, target, refs = dates
    out, source = tmp_path / "cli.tif", tmp_path / "cli_source.tif"
    run = qgis_process(tmp_path / "profile", "run", ALG, "--", f"SAR={sar}",
                       f"OPTICAL={target}", f"WEIGHTS={tiny_weights}", "DEVICE=1",
                       f"REFERENCES={refs[0]}", f"REFERENCES={refs[1]}", f"OUTPUT={out}",
                       f"SOURCE_OUTPUT={source}")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "2 other date(s), tried nearest date first" in run.stdout
    _check_filled(target, out, source)
