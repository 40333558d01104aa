"""Shared fixtures. pytest-qgis starts one real, offscreen QgsApplication for the session."""

import os
import sys
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
    from mmcanet_core.weights import save_weights

    torch.manual_seed(0)
    options = dict(TINY, in_channels=3)
    path = tmp_path_factory.mktemp("weights") / "tiny.safetensors"
    save_weights(path, build_model("mmcanet", **options), name="mmcanet", options=options,
                 optical_bands=(4, 3, 2), trained_on="untrained (tests)", patch_size=64)
    return path
