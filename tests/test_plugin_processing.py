"""mmcanet:removeclouds through processing.run, a .model3 and qgis_process, on real data."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from qgis.core import (
    QgsApplication,
    QgsProcessingException,
    QgsProcessingModelAlgorithm,
    QgsRasterLayer,
    QgsRectangle,
)

from conftest import PLUGIN_DIR, ROOT, copies, pair

ALG = "mmcanet:removeclouds"
MODEL = ROOT / "examples" / "clip_and_decloud.model3"
@pytest.fixture(scope="module")
def plugin(plugin_path, qgis_iface, qgis_processing):
    """The plugin started the way QGIS starts it (provider registered), unloaded after."""
    import qgis.utils

    assert qgis.utils.loadPlugin("mmcanet")
    assert qgis.utils.startPlugin("mmcanet")
    yield qgis.utils.plugins["mmcanet"]
    assert qgis.utils.unloadPlugin("mmcanet")


def _run(params):
    import processing

    return processing.run(ALG, params)


def test_algorithm_listed_with_parameters(plugin):
    alg = QgsApplication.processingRegistry().algorithmById(ALG)
    assert alg is not None
    names = [p.name() for p in alg.parameterDefinitions()]
    for name in ("SAR", "OPTICAL", "WEIGHTS", "OPTICAL_BANDS", "DEVICE", "TILE", "OVERLAP",
                 "BATCH_SIZE", "HALF", "OUTPUT", "MASK", "MASK_VALUES", "RAW", "MASK_OUTPUT",
                 "OPTICAL_SCALE", "BACKEND", "MASK_METHOD"):
        assert name in names
    advanced = {p.name() for p in alg.parameterDefinitions()
                if p.flags() & p.FlagAdvanced}
    assert advanced == {"TILE", "OVERLAP", "BATCH_SIZE", "HALF", "RAW", "OPTICAL_SCALE",
                        "BACKEND", "MASK_METHOD"}
    optional = {p.name() for p in alg.parameterDefinitions() if p.flags() & p.FlagOptional}
    assert {"MASK", "MASK_VALUES", "MASK_OUTPUT"} <= optional
    assert {o.name() for o in alg.outputDefinitions()} >= {"CLOUD_COVER", "SHADOW_COVER",
                                                            "MASK_OUTPUT", "DEVICE_USED"}
    help_text = alg.shortHelpString()
    assert "co-registered" in help_text and "VV" in help_text and "CPU" in help_text
    from qgis.PyQt.QtCore import QUrl

    # every link of the help opens documentation shipped inside the plugin (no web address)
    links = [alg.helpUrl()] + re.findall(r'href="([^"]+)"', help_text)
    assert len(links) >= 3
    for link in links:
        assert link.startswith("file://") and Path(QUrl(link).toLocalFile()).is_file(), link


def test_weights_default_is_the_shipped_checkpoint(plugin, tmp_path):
    from mmcanet.plugin.algorithm import shipped_weights

    assert shipped_weights(str(tmp_path)) is None
    (tmp_path / "b.safetensors").write_bytes(b"")
    (tmp_path / "a.safetensors").write_bytes(b"")
    assert shipped_weights(str(tmp_path)) == str(tmp_path / "a.safetensors")
    alg = QgsApplication.processingRegistry().algorithmById(ALG)
    assert alg.parameterDefinition("WEIGHTS").defaultValue() == shipped_weights()


#: The partly cloudy real pair: the automatic mask calls about a third of it cloud, so the
#: network certainly runs (on the winter pair nothing is masked and the output is the input).
SUMMER = ("ROIs1868_summer", 19, 30)


def same_as_predict_raster(out, sar, optical, weights, folder, **options):
    """``out`` holds exactly what ``predict_raster`` writes with the same options, and the
    network changed a good part of the scene (the clouds), not all of it."""
    import numpy as np
    import rasterio

    from mmcanet_core.inference import predict_raster

    reference = folder / "reference.tif"
    predict_raster(str(sar), str(optical), str(reference), weights=str(weights), **options)
    with rasterio.open(out) as a, rasterio.open(reference) as b, rasterio.open(optical) as c:
        restored, expected, source = a.read(), b.read(), c.read()
    assert restored.dtype == expected.dtype and np.array_equal(restored, expected)
    changed = np.any(restored != source, axis=0).mean()
    assert 0.2 < changed < 0.8, changed


def test_removeclouds_on_real_pair(plugin, sen12mscr, tiny_weights, tmp_path):
    sar, optical = pair(sen12mscr, SUMMER)
    out = tmp_path / "restored.tif"
    result = _run({"SAR": str(sar), "OPTICAL": str(optical), "WEIGHTS": str(tiny_weights),
                   "DEVICE": 1, "TILE": 128, "OUTPUT": str(out)})
    assert Path(result["OUTPUT"]) == out and out.is_file()
    assert "CPU" in result["DEVICE_USED"]
    restored, source = QgsRasterLayer(str(out), "restored"), QgsRasterLayer(str(optical), "s2")
    assert restored.isValid() and source.isValid()
    assert restored.crs() == source.crs()
    assert restored.extent() == source.extent()
    assert (restored.width(), restored.height()) == (source.width(), source.height()) == (256, 256)
    assert restored.bandCount() == 13  # every input band (the weights restore 4, 3, 2)
    same_as_predict_raster(out, sar, optical, tiny_weights, tmp_path, device="cpu", tile=128)


@pytest.mark.parametrize("change, expected", [
    ({"OPTICAL_BANDS": "red,green"}, "1-based band numbers"),
    ({"OPTICAL_BANDS": "4,3,99"}, "99"),
    ({"WEIGHTS": "/nonexistent/weights.safetensors"}, "weights"),
    ({"OUTPUT": "restored.png"}, "GeoTIFF"),
    ({"SAR": "optical"}, "SAR"),  # a 13-band optical raster given as SAR
])
def test_bad_input_raises_clear_error_and_writes_nothing(plugin, sen12mscr, tiny_weights,
                                                         tmp_path, change, expected):
    sar, optical = pair(sen12mscr)
    params = {"SAR": str(sar), "OPTICAL": str(optical), "WEIGHTS": str(tiny_weights),
              "OUTPUT": str(tmp_path / "restored.tif")}
    if change.get("SAR") == "optical":
        change = {"SAR": str(optical)}
    if "OUTPUT" in change:
        change = {"OUTPUT": str(tmp_path / change["OUTPUT"])}
    params.update(change)
    with pytest.raises(QgsProcessingException) as error:
        _run(params)
    assert expected.lower() in str(error.value).lower()
    assert list(tmp_path.iterdir()) == []


def test_weights_that_are_not_safetensors_are_refused(plugin, sen12mscr, tmp_path):
    sar, optical = pair(sen12mscr)
    fake = tmp_path / "fake.safetensors"
    fake.write_bytes(b"this is not a weights file")
    with pytest.raises(QgsProcessingException) as error:
        _run({"SAR": str(sar), "OPTICAL": str(optical), "WEIGHTS": str(fake),
              "OUTPUT": str(tmp_path / "out.tif")})
    assert "fake.safetensors" in str(error.value)
    assert not (tmp_path / "out.tif").exists()


def test_missing_torch_keeps_algorithm_listed_and_explains_install(plugin, sen12mscr,
                                                                   tiny_weights, tmp_path,
                                                                   monkeypatch):
    import mmcanet.plugin.deps as deps

    monkeypatch.setattr(deps, "missing_packages", lambda *a, **k: ["torch"])
    assert QgsApplication.processingRegistry().algorithmById(ALG) is not None
    sar, optical = pair(sen12mscr)
    with pytest.raises(QgsProcessingException) as error:
        _run({"SAR": str(sar), "OPTICAL": str(optical), "WEIGHTS": str(tiny_weights),
              "OUTPUT": str(tmp_path / "out.tif")})
    message = str(error.value)
    assert "torch" in message and "Install Python dependencies" in message
    assert "--no-deps" in message  # the pip command the installer would run
    assert not (tmp_path / "out.tif").exists()


def test_example_model_clips_then_removes_clouds(plugin, sen12mscr, tiny_weights, tmp_path):
    import processing

    model = QgsProcessingModelAlgorithm()
    assert model.fromFile(str(MODEL))
    assert model.validate() == (True, [])  # every mandatory child value is set (OVERCRS)
    children = {c.algorithmId() for c in model.childAlgorithms().values()}
    assert children == {"gdal:cliprasterbyextent", ALG}
    mandatory = {p.name() for p in model.parameterDefinitions()
                 if not p.flags() & p.FlagOptional and not p.isDestination()}
    assert mandatory == {"sar", "optical", "extent"}  # the weights default to the shipped ones
    sar, optical = pair(sen12mscr)
    part, extent = central_extent(optical)
    out = tmp_path / "model_out.tif"
    result = processing.run(model, {"sar": str(sar), "optical": str(optical), "extent": extent,
                                    "weights": str(tiny_weights),
                                    "remove_clouds:cloud_free": str(out)})
    layer = QgsRasterLayer(result["remove_clouds:cloud_free"], "model")
    assert layer.isValid() and out.is_file()
    assert (layer.width(), layer.height()) == (128, 128)
    assert layer.extent() == part


def test_example_model_is_under_models_and_takes_onnx_weights(plugin, tmp_path):
    """Listed by the toolbox's Models provider while the plugin is loaded (not only in a
    profile folder), and its weights field takes an .onnx export too."""
    models = QgsApplication.processingRegistry().providerById("model")
    listed = [a for a in models.algorithms() if a.displayName() == "Clip and remove clouds"]
    assert len(listed) == 1
    weights = listed[0].parameterDefinition("weights")
    onnx = tmp_path / "w.onnx"
    onnx.write_bytes(b"")
    assert weights.checkValueIsAcceptable(str(onnx))
    assert "*.onnx" in weights.fileFilter() and "*.safetensors" in weights.fileFilter()


def central_extent(optical: Path):
    """The central 128 x 128 pixels (10 m) of the 256 x 256 patch, and as Processing text."""
    layer = QgsRasterLayer(str(optical), "s2")
    full = layer.extent()
    part = QgsRectangle(full.xMinimum() + 640, full.yMinimum() + 640,
                        full.xMinimum() + 1920, full.yMinimum() + 1920)
    return part, (f"{part.xMinimum()},{part.xMaximum()},{part.yMinimum()},{part.yMaximum()}"
                  f" [{layer.crs().authid()}]")


def qgis_process(profile: Path, *args: str, first: Path = None) -> subprocess.CompletedProcess:
    """``qgis_process.bin ARGS`` headless in a fresh process, with the venv's packages and this
    plugin enabled in ``profile`` (see the Makefile); ``first``: a folder put before them on
    the Python path."""
    paths = [str(first)] if first else []
    env = dict(
        os.environ, QT_QPA_PLATFORM="offscreen", QGIS_PLUGINPATH=str(PLUGIN_DIR),
        QGIS_CUSTOM_CONFIG_PATH=str(profile),
        PYTHONPATH=os.pathsep.join(paths + [p for p in sys.path if "site-packages" in p]),
    )
    if not profile.is_dir():
        enable = subprocess.run(["qgis_process.bin", "plugins", "enable", "mmcanet"], env=env,
                                cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert enable.returncode == 0, enable.stdout + enable.stderr
    return subprocess.run(["qgis_process.bin", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_qgis_process_runs_the_example_model_with_defaults(plugin_path, sen12mscr, tmp_path):
    """Headless, the model needs only the two rasters and an extent: the shipped weights are
    its default, and the log says they are the demonstrator."""
    sar, optical = copies(sen12mscr, tmp_path / "data")
    part, extent = central_extent(optical)
    out = tmp_path / "model.tif"
    run = qgis_process(tmp_path / "profile", "run", str(MODEL), "--", f"sar={sar}",
                       f"optical={optical}", f"extent={extent}",
                       f"remove_clouds:cloud_free={out}")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "demonstrator weights" in run.stdout
    assert run.stdout.count("Device: CPU (") == 1
    layer = QgsRasterLayer(str(out), "model")
    assert layer.isValid() and (layer.width(), layer.height()) == (128, 128)
    # every band of the optical raster comes back (the shipped default restores all 13)
    assert layer.extent() == part and layer.bandCount() == QgsRasterLayer(str(optical)).bandCount()


def test_qgis_process_runs_removeclouds(plugin_path, sen12mscr, tiny_weights, tmp_path):
    """The headless command line, in a fresh process: plugin enable, then run on real data."""
    sar, optical = pair(sen12mscr, SUMMER)
    out = tmp_path / "cli.tif"
    profile = tmp_path / "profile"
    run = qgis_process(profile, "run", ALG, "--", f"SAR={sar}", f"OPTICAL={optical}",
                       f"WEIGHTS={tiny_weights}", "DEVICE=0", f"OUTPUT={out}")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count("Device: CPU (") == 1  # said once, before the model loads
    assert "device: cpu" not in run.stdout  # the engine's own line is not repeated
    assert "DEVICE_USED" in run.stdout and str(out) in run.stdout
    restored, source = QgsRasterLayer(str(out), "cli"), QgsRasterLayer(str(optical), "s2")
    assert restored.isValid()
    assert restored.crs() == source.crs() and restored.extent() == source.extent()
    assert (restored.width(), restored.height()) == (256, 256)
    same_as_predict_raster(out, sar, optical, tiny_weights, tmp_path, device="cpu")

    bad = qgis_process(profile, "run", ALG, "--", f"SAR={sar}", f"OPTICAL={optical}",
                       f"WEIGHTS={tiny_weights}", "OPTICAL_BANDS=4,3,99",
                       f"OUTPUT={tmp_path / 'bad.tif'}")
    assert bad.returncode != 0
    assert "99" in bad.stdout + bad.stderr
    assert not (tmp_path / "bad.tif").exists()

    folder = qgis_process(profile, "run", ALG, "--", f"SAR={sar}", f"OPTICAL={optical}",
                          f"WEIGHTS={tmp_path}", f"OUTPUT={tmp_path / 'bad.tif'}")
    assert folder.returncode != 0
    assert "is a folder, not a weights file" in folder.stdout + folder.stderr
    assert not (tmp_path / "bad.tif").exists()


def test_an_existing_output_is_replaced_as_qgis_does(plugin, sen12mscr, tiny_weights,
                                                     tmp_path):
    """QGIS manages its destinations: Processing replaces an existing output (the CLI asks for
    --overwrite); an input never."""
    sar, optical = pair(sen12mscr)
    out = tmp_path / "restored.tif"
    out.write_bytes(b"an older result")
    _run({"SAR": str(sar), "OPTICAL": str(optical), "WEIGHTS": str(tiny_weights),
          "DEVICE": 1, "RAW": True, "OUTPUT": str(out)})
    layer = QgsRasterLayer(str(out), "replaced")
    assert layer.isValid() and (layer.width(), layer.height()) == (256, 256)


#: Loaded by Python at start-up from the first folder of PYTHONPATH: PyTorch cannot be found or
#: imported, as in a QGIS where only the light set (onnxruntime) is installed.
NO_TORCH = """
import sys


class NoTorch:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "torch":
            raise ModuleNotFoundError("No module named 'torch' (hidden by the test)", name=name)
        return None


sys.meta_path.insert(0, NoTorch())
"""


def test_qgis_process_without_torch_runs_the_shipped_onnx(plugin_path, sen12mscr, tmp_path):
    """Only onnxruntime: the default weights are the shipped .onnx and the run works."""
    from osgeo import gdal

    hide = tmp_path / "hide_torch"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text(NO_TORCH)
    crops = [tmp_path / "s1.tif", tmp_path / "s2.tif"]
    for source, crop in zip(pair(sen12mscr), crops):
        gdal.Translate(str(crop), str(source), srcWin=[96, 96, 64, 64])
    out = tmp_path / "onnx.tif"
    run = qgis_process(tmp_path / "profile", "run", ALG, "--", f"SAR={crops[0]}",
                       f"OPTICAL={crops[1]}", "TILE=64", f"OUTPUT={out}", first=hide)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "onnxruntime" in run.stdout and "demonstrator weights" in run.stdout
    assert "Device: CPU (onnxruntime CPUExecutionProvider)" in run.stdout
    restored = QgsRasterLayer(str(out), "onnx")
    assert restored.isValid() and restored.bandCount() == 13
    assert (restored.width(), restored.height()) == (64, 64)
