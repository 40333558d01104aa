"""Shared fixtures. pytest-qgis starts one real, offscreen QgsApplication for the session."""

import os
import shutil
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The real SEN12MS-CR subset lives beside the checkout, never inside it.
SHARED_DATA = Path(os.environ.get("MMCANET_SHARED_DATA", ROOT.parent / "shared" / "data"))
SEN12MSCR = SHARED_DATA / "sen12mscr"
# `make setup` links the checkout here under the folder name QGIS knows it by.
PLUGIN_DIR = ROOT / "build" / "qgis" / "plugins"
# Pictures the tests write for people to look at (the dock screenshot, previews).
ARTIFACTS = ROOT / "test-artifacts"


def require_shared_data() -> Path:
    """Return the real data folder; under CI its absence is a failure, elsewhere a stated skip."""
    if SEN12MSCR.is_dir():
        return SEN12MSCR
    message = f"real SEN12MS-CR subset not found at {SEN12MSCR} (it lives in ../shared/data)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def sen12mscr() -> Path:
    return require_shared_data()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def plugin_path(qgis_app) -> Path:
    """Put the plugin folder on sys.path the way QGIS does for QGIS_PLUGINPATH entries."""
    assert (PLUGIN_DIR / "mmcanet" / "metadata.txt").is_file(), "run `make setup` first"
    import qgis.utils

    if str(PLUGIN_DIR) not in sys.path:
        sys.path.insert(0, str(PLUGIN_DIR))
    if str(PLUGIN_DIR) not in qgis.utils.plugin_paths:
        qgis.utils.plugin_paths.append(str(PLUGIN_DIR))
    qgis.utils.updateAvailablePlugins()
    assert "mmcanet" in qgis.utils.available_plugins
    return PLUGIN_DIR


#: Tiny network configuration for fast tests (the real file format, untrained weights).
TINY = dict(width=8, enc_blocks=(1, 1, 1, 1), dec_blocks=(1, 1))


@pytest.fixture(scope="session")
def tiny_weights(tmp_path_factory) -> Path:
    """Untrained tiny MMCANet weights (RGB, bands 4, 3, 2): fast, real file format."""
    import torch

    from mmcanet_core import build_model
    from mmcanet_core.weights.checkpoint import save_weights

    torch.manual_seed(0)
    options = dict(TINY, in_channels=3)
    path = tmp_path_factory.mktemp("weights") / "tiny.safetensors"
    save_weights(path, build_model("mmcanet", **options), name="mmcanet", options=options,
                 optical_bands=(4, 3, 2), trained_on="untrained (tests)", patch_size=64)
    return path


# -- the plugin's tests ----------------------------------------------------------------------
#: The real SEN12MS-CR triplet the plugin tests run on (256 x 256 px).
WINTER = ("ROIs2017_winter", 112, 797)


def pair(root: Path, roi=WINTER):
    """(SAR, cloudy optical) paths of one SEN12MS-CR triplet."""
    name, scene, patch = roi
    s1 = root / f"{name}_s1" / f"s1_{scene}" / f"{name}_s1_{scene}_p{patch}.tif"
    s2 = (root / f"{name}_s2_cloudy" / f"s2_cloudy_{scene}"
          / f"{name}_s2_cloudy_{scene}_p{patch}.tif")
    assert s1.is_file() and s2.is_file(), (s1, s2)
    return s1, s2


def copies(root: Path, folder: Path, roi=WINTER):
    """Temporary copies of a real SAR/optical pair: QGIS writes .aux.xml beside the rasters it
    styles, and the dock writes its result beside the optical raster."""
    folder.mkdir(exist_ok=True)
    return [Path(shutil.copy(path, folder)) for path in pair(root, roi)]


def wait_for(predicate, limit_s=180.0):
    """Process Qt events until ``predicate()`` holds; fail (not hang) after ``limit_s``."""
    from qgis.PyQt.QtCore import QCoreApplication

    end = time.monotonic() + limit_s
    while not predicate():
        assert time.monotonic() < end, "the background task did not finish"
        QCoreApplication.processEvents()
        time.sleep(0.01)


@pytest.fixture()
def started(plugin_path, qgis_iface, qgis_processing, qgis_new_project):
    """The plugin loaded and started as QGIS does it (dock, toolbar, provider)."""
    import qgis.utils
    from qgis.core import QgsProject

    assert qgis.utils.loadPlugin("mmcanet") and qgis.utils.startPlugin("mmcanet")
    plugin = qgis.utils.plugins["mmcanet"]
    yield plugin
    assert qgis.utils.unloadPlugin("mmcanet")
    QgsProject.instance().removeAllMapLayers()


@pytest.fixture()
def layers(sen12mscr, qgis_new_project, tmp_path):
    """(SAR, optical) project layers on temporary copies of the real pair."""
    from qgis.core import QgsProject, QgsRasterLayer

    sar_path, optical_path = copies(sen12mscr, tmp_path / "data")
    sar = QgsRasterLayer(str(sar_path), "S1 VV VH")
    optical = QgsRasterLayer(str(optical_path), "S2 cloudy")
    assert sar.isValid() and optical.isValid()
    QgsProject.instance().addMapLayers([sar, optical])
    return sar, optical


@pytest.fixture()
def user_locale():
    """Set QGIS's locale setting for one test; restored after."""
    from qgis.core import QgsSettings

    settings = QgsSettings()
    previous = settings.value("locale/userLocale", None)

    def set_locale(value):
        settings.setValue("locale/userLocale", value)

    yield set_locale
    if previous is None:
        settings.remove("locale/userLocale")
    else:
        settings.setValue("locale/userLocale", previous)


#: 30 real dates of one place (SEN12MS-CR-TS ROIs2017_146), for the other-date tests.
SERIES = SHARED_DATA / "sen12mscrts_roi146" / "timeseries"


def reference_dates(folder: Path):
    """Copies (QGIS writes .aux.xml beside what it loads) of the cloudy date 2018-07-05 and two
    clear dates of the same place, 2018-07-20 and 2018-06-25 (the farthest first), and a
    constant SAR raster on their grid (SYNTHETIC: the set has no Sentinel-1):
    ``(sar, target, [references])``."""
    import numpy as np
    import rasterio

    require_shared_data()
    folder.mkdir(parents=True, exist_ok=True)

    def copy(day: str, name: str) -> Path:
        source, = SERIES.glob(f"*_{day}_patch_0.tif")
        return Path(shutil.copy(source, folder / name))

    target = copy("2018-07-05", "target_2018-07-05.tif")
    refs = [copy("2018-07-20", "ref_2018-07-20.tif"), copy("2018-06-25", "ref_2018-06-25.tif")]
    with rasterio.open(target) as ds:
        profile = dict(ds.profile, count=2, dtype="float32")
    sar = folder / "sar.tif"
    with rasterio.open(sar, "w", **profile) as out:
        out.write(np.stack([np.full((256, 256), -10.0), np.full((256, 256), -17.0)])
                  .astype(np.float32))
    return sar, target, refs
