"""The plugin loads the way QGIS loads it, registers its provider, and unloads cleanly."""

import os
import subprocess
import sys

from qgis.core import QgsApplication

from conftest import PLUGIN_DIR, ROOT


def test_plugin_loads_and_registers_provider(plugin_path, qgis_iface):
    import qgis.utils

    assert qgis.utils.loadPlugin("mmcanet")
    assert qgis.utils.startPlugin("mmcanet")
    try:
        provider = QgsApplication.processingRegistry().providerById("mmcanet")
        assert provider is not None
        assert provider.name()
        assert os.path.isfile(provider.svgIconPath())
    finally:
        assert qgis.utils.unloadPlugin("mmcanet")
    assert QgsApplication.processingRegistry().providerById("mmcanet") is None


def test_qgis_process_enables_plugin(tmp_path):
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        QGIS_PLUGINPATH=str(PLUGIN_DIR),
        QGIS_CUSTOM_CONFIG_PATH=str(tmp_path),
        PYTHONPATH=os.pathsep.join(p for p in sys.path if "site-packages" in p),
    )
    run = subprocess.run(
        ["qgis_process.bin", "plugins", "enable", "mmcanet"],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    listing = subprocess.run(
        ["qgis_process.bin", "list"], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=300,
    )
    assert listing.returncode == 0, listing.stderr
    assert "MMCANet" in listing.stdout
