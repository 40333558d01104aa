"""The algorithm's cloud, scale and backend parameters reach the engine: each one run through
processing.run on the real SEN12MS-CR pair (tiny weights, or the shipped ONNX model on a crop)."""

import numpy as np
import pytest
import rasterio
from affine import Affine
from qgis.core import QgsApplication, QgsProcessingException
from test_plugin_first_run import Lines

from conftest import ROOT, pair

RGB = [4, 3, 2]  # the output has every input band; B4, B3, B2 at their input positions
ALG = "mmcanet:removeclouds"
ONNX = ROOT / "mmcanet_core" / "checkpoints" / "mmcanet_demo_rgb.onnx"
#: The user mask below marks the left half of the scene as cloud. Columns this far from its
#: edge are beyond any dilation, feathering and tile blending of the compositing.
EDGE_MARGIN = 48
#: The partly cloudy real pair: the default automatic mask calls 25.2 % of it cloud, method
#: ``gee`` 31.4 %.
SUMMER = ("ROIs1868_summer", 19, 30)


@pytest.fixture(scope="module")
def plugin(plugin_path, qgis_iface, qgis_processing):
    import qgis.utils

    assert qgis.utils.loadPlugin("mmcanet") and qgis.utils.startPlugin("mmcanet")
    yield qgis.utils.plugins["mmcanet"]
    assert qgis.utils.unloadPlugin("mmcanet")


def _run(params, feedback=None):
    import processing

    return processing.run(ALG, params, feedback=feedback)


def half_mask(optical, path, cloud: int, clear: int):
    """A mask on a 20 m grid (half the optical resolution) over the same extent: ``cloud`` in
    the left half, ``clear`` in the right half."""
    with rasterio.open(optical) as src:
        profile = dict(driver="GTiff", width=src.width // 2, height=src.height // 2, count=1,
                       dtype="uint8", crs=src.crs,
                       transform=src.transform @ Affine.scale(2))
    values = np.full((profile["height"], profile["width"]), clear, np.uint8)
    values[:, : profile["width"] // 2] = cloud
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(values, 1)
    return path


def read(path, bands=None):
    with rasterio.open(path) as src:
        return src.read(bands).astype(np.float64)


@pytest.fixture(scope="module")
def raw_run(plugin, sen12mscr, tiny_weights, tmp_path_factory):
    """The network output everywhere (RAW), the reference of the composite runs."""
    sar, optical = pair(sen12mscr)
    out = tmp_path_factory.mktemp("raw") / "raw.tif"
    result = _run({"SAR": str(sar), "OPTICAL": str(optical), "WEIGHTS": str(tiny_weights),
                   "DEVICE": 1, "TILE": 128, "RAW": True, "OUTPUT": str(out)})
    assert "CLOUD_COVER" not in result  # no mask was computed: no cover to report
    return read(out, RGB)


@pytest.mark.parametrize("values, cloud, clear", [("binary", 1, 0), ("scl", 9, 4),
                                                  ("3,8", 8, 5)])
def test_user_mask_composites_network_only_where_cloudy(plugin, sen12mscr, tiny_weights,
                                                        tmp_path, raw_run, values, cloud,
                                                        clear):
    sar, optical = pair(sen12mscr)
    mask = half_mask(optical, tmp_path / "mask.tif", cloud, clear)
    out, mask_out = tmp_path / "composite.tif", tmp_path / "mask_out.tif"
    result = _run({"SAR": str(sar), "OPTICAL": str(optical), "WEIGHTS": str(tiny_weights),
                   "DEVICE": 1, "TILE": 128, "MASK": str(mask), "MASK_VALUES": values,
                   "OUTPUT": str(out), "MASK_OUTPUT": str(mask_out)})
    composite, source = read(out, RGB), read(optical, RGB)
    half = composite.shape[2] // 2
    clear_part = np.s_[:, :, half + EDGE_MARGIN:]
    cloudy_part = np.s_[:, :, : half - EDGE_MARGIN]
    assert np.array_equal(composite[clear_part], source[clear_part])  # clear: the input, exactly
    # cloud: the network (batches of other sizes than the raw run's: float rounding, 1 DN)
    assert np.abs(composite[cloudy_part] - raw_run[cloudy_part]).max() <= 1
    assert not np.array_equal(raw_run[clear_part], source[clear_part])  # RAW rewrites clear ones
    written = read(mask_out)[0]
    assert result["MASK_OUTPUT"] == str(mask_out)
    assert set(np.unique(written[:, :half])) == {1} and set(np.unique(written[:, half:])) == {0}
    assert result["CLOUD_COVER"] == pytest.approx(50.0, abs=0.01)


def test_automatic_mask_reports_cover_and_raw_rewrites_clear_pixels(plugin, sen12mscr,
                                                                    tiny_weights, tmp_path):
    sar, optical = pair(sen12mscr, SUMMER)
    outputs = {raw: (tmp_path / f"raw{raw}.tif", tmp_path / f"mask{raw}.tif")
               for raw in (False, True)}
    logs = {raw: Lines() for raw in outputs}
    results = {raw: _run({"SAR": str(sar), "OPTICAL": str(optical),
                          "WEIGHTS": str(tiny_weights), "DEVICE": 1, "TILE": 128, "RAW": raw,
                          "OUTPUT": str(out), "MASK_OUTPUT": str(mask)}, logs[raw])
               for raw, (out, mask) in outputs.items()}
    cover = (f"Cloud cover: {results[False]['CLOUD_COVER']:.1f} %, cloud shadow: "
             f"{results[False]['SHADOW_COVER']:.1f} % of the valid pixels.")
    assert cover in logs[False].lines and cover in logs[True].lines  # the engine's, translated
    assert ("Automatic cloud and shadow mask from the L1C bands (method parallax)."
            in logs[False].lines)
    classes = read(outputs[False][1])[0]
    assert np.array_equal(classes, read(outputs[True][1])[0])  # RAW writes the same mask
    for result in results.values():
        assert result["CLOUD_COVER"] == pytest.approx(100 * (classes == 1).mean(), abs=0.01)
        assert result["SHADOW_COVER"] == pytest.approx(100 * (classes == 2).mean(), abs=0.01)
    assert 10 < results[False]["CLOUD_COVER"] < 50  # the real summer patch is partly cloudy
    source = read(optical, [4, 3, 2])
    kept = {raw: np.all(read(out, RGB) == source, axis=0) for raw, (out, _) in outputs.items()}
    clear = classes == 0
    # clear pixels stay as they were, but for a few px of feather around clouds (89.6 % kept)
    assert kept[False][clear].mean() > 0.85 and not kept[False][~clear].any()
    assert kept[True].mean() < 0.01  # RAW: the network everywhere


def test_onnxruntime_backend_runs_the_shipped_onnx_model(plugin, sen12mscr, tmp_path):
    from osgeo import gdal

    sar, optical = pair(sen12mscr)
    crops = [tmp_path / "s1.tif", tmp_path / "s2.tif"]
    for source, crop in zip((sar, optical), crops):
        gdal.Translate(str(crop), str(source), srcWin=[96, 96, 64, 64])
    out = tmp_path / "onnx.tif"
    result = _run({"SAR": str(crops[0]), "OPTICAL": str(crops[1]), "WEIGHTS": str(ONNX),
                   "BACKEND": 2, "DEVICE": 1, "TILE": 64, "RAW": True, "OUTPUT": str(out)})
    restored = read(out)
    assert restored.shape == (13, 64, 64) and np.ptp(restored) > 0  # every input band
    assert not np.array_equal(restored, read(crops[1]))
    assert "CPU" in result["DEVICE_USED"]


@pytest.mark.parametrize("change, expected", [
    ({"OPTICAL_SCALE": 7}, "OPTICAL_SCALE '7' is not an option"),
    ({"OPTICAL_SCALE": "percent"}, "3 reflectance"),
    ({"BACKEND": 5}, "2 onnxruntime"),
    ({"MASK_METHOD": 3}, "0 parallax, 1 swir-cirrus, 2 gee"),
    ({"WEIGHTS": "folder"}, "is a folder"),
    ({"OUTPUT": "weights"}, "a file this run reads"),
    ({"OUTPUT": "optical"}, "a file this run reads"),
    ({"MASK_VALUES": "clouds"}, "mask values 'clouds'"),
    ({"OPTICAL_BANDS": "4,4,3"}, "repeats band 4"),
    ({"BACKEND": 1, "WEIGHTS": "onnx"}, "ONNX model"),
])
def test_bad_option_stops_before_any_output(plugin, sen12mscr, tiny_weights, tmp_path, change,
                                            expected):
    sar, optical = pair(sen12mscr)
    work = tmp_path / "work"
    work.mkdir()
    weights = work / "w.safetensors"
    weights.write_bytes(tiny_weights.read_bytes())
    out = work / "restored.tif"
    named = {"folder": str(work), "weights": str(weights), "optical": str(optical),
             "onnx": str(ONNX)}
    params = {"SAR": str(sar), "OPTICAL": str(optical), "WEIGHTS": str(weights),
              "OUTPUT": str(out), "MASK_OUTPUT": str(work / "mask.tif")}
    params.update({key: named.get(value, value) for key, value in change.items()})
    before = {path: path.read_bytes() for path in (weights, optical)}
    with pytest.raises(QgsProcessingException) as error:
        _run(params)
    assert expected.lower() in str(error.value).lower()
    assert sorted(p.name for p in work.iterdir()) == ["w.safetensors"]
    assert all(path.read_bytes() == data for path, data in before.items())


def test_enum_values_are_the_engines(plugin):
    """The algorithm's option lists are the engine's names, in a fixed order (models and
    scripts store the numbers)."""
    from mmcanet_core import options

    alg = QgsApplication.processingRegistry().algorithmById(ALG)
    # one option per engine choice, in the engine's order (the plugin reads options.py)
    assert len(alg.parameterDefinition("BACKEND").options()) == len(options.BACKENDS)
    assert len(alg.parameterDefinition("OPTICAL_SCALE").options()) == len(options.OPTICAL_SCALES)
    assert len(alg.parameterDefinition("DEVICE").options()) == len(options.DEVICES)
    method = alg.parameterDefinition("MASK_METHOD")
    # each option names its method, the default (the engine's) first and preselected
    assert [label.split(":")[0] for label in method.options()] == list(options.MASK_METHODS)
    assert method.defaultValue() == 0 and options.MASK_METHODS[0] == "parallax"
    assert method.flags() & method.FlagOptional and method.flags() & method.FlagAdvanced
    weights = alg.parameterDefinition("WEIGHTS")
    assert "*.onnx" in weights.fileFilter() and "*.safetensors" in weights.fileFilter()


def test_optical_scale_reaches_the_engine(plugin, sen12mscr, tiny_weights, tmp_path):
    """Digital numbers declared as reflectance: the engine checks the claim against the values
    and refuses it before writing anything."""
    sar, optical = pair(sen12mscr)
    with pytest.raises(QgsProcessingException) as error:
        _run({"SAR": str(sar), "OPTICAL": str(optical), "WEIGHTS": str(tiny_weights),
              "DEVICE": 1, "OPTICAL_SCALE": 3, "OUTPUT": str(tmp_path / "out.tif")})
    assert "reflectance" in str(error.value)
    assert list(tmp_path.iterdir()) == []


def test_mask_method_reaches_the_engine(plugin, sen12mscr, tiny_weights, tmp_path):
    """On the real summer pair the two methods differ (bright ground): the run's cover, its
    mask output and its log line are those of the method chosen; left out, the default."""
    from mmcanet_core import options
    from mmcanet_core.clouds import cloudmask

    sar, optical = pair(sen12mscr, SUMMER)
    expected = {method: cloudmask.classify_l1c(read(optical).astype(np.float32), method=method)
                for method in options.MASK_METHODS}
    assert not np.array_equal(expected["parallax"], expected["gee"])  # they differ here
    for method, choice in ((options.MASK_METHODS[0], {}),
                           ("gee", {"MASK_METHOD": options.MASK_METHODS.index("gee")})):
        out, mask, log = tmp_path / f"{method}.tif", tmp_path / f"{method}_mask.tif", Lines()
        result = _run({"SAR": str(sar), "OPTICAL": str(optical), "WEIGHTS": str(tiny_weights),
                       "DEVICE": 1, "TILE": 128, "OUTPUT": str(out), "MASK_OUTPUT": str(mask),
                       **choice}, log)
        assert np.array_equal(read(mask)[0], expected[method])
        cover = 100 * (expected[method] == cloudmask.CLOUD).mean()
        assert result["CLOUD_COVER"] == pytest.approx(cover, abs=0.01)
        assert (f"Automatic cloud and shadow mask from the L1C bands (method {method})."
                in log.lines)
