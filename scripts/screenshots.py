#!/usr/bin/env python3
"""Screenshots of the dock in a real QGIS window, as a first-time user sees it.

Builds the plugin zip, unpacks it into a fresh QGIS profile (what *Install from ZIP* does) and
enables it there, starts QGIS under Xvfb with the venv's Python packages on PYTHONPATH, and runs
``scripts/screenshots_in_qgis.py`` inside it: the real SEN12MS-CR pair loaded (temporary
copies), the panel opened from the plugin's toolbar, Decloud pressed with the shipped weights.
Writes ``dock_before.png`` and ``dock_after.png`` (the QGIS window), ``dock_running.png`` and
``dock.png`` (the panel during and after the run), ``mask_layer.png`` (the saved cloud mask over
the result), ``toolbox_dialog.png`` (the algorithm's dialog with its guessed inputs) and
``batch.png`` / ``batch_layers.png`` (a two-row batch run with *Load layers on completion*: its
log and the layers it added) into ``--out``, and prints when each stage and progress step
reached the panel, in seconds from the click. Needs ``xvfb-run``
(Debian: ``apt-get install xvfb xauth``).

    .venv/bin/python scripts/screenshots.py [--out docs/img] [--locale de]
"""

import argparse
import os
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))

from package import PLUGIN_NAME, version  # noqa: E402

SCREEN = "1680x1050x24"
#: A fresh profile with the plugin enabled and QGIS's first-start questions answered.
PROFILE_INI = """[PythonPlugins]
{name}=true

[qgis]
checkVersion=false
showTips322=false
"""


def fresh_profile(root: Path, plugin_zip: Path, locale: str) -> None:
    """``root`` as QGIS's ``--profiles-path``: its profile ``default`` with the plugin unpacked
    and enabled."""
    profile = root / "profiles" / "default"
    plugins = profile / "python" / "plugins"
    plugins.mkdir(parents=True)
    with zipfile.ZipFile(plugin_zip) as archive:
        archive.extractall(plugins)
    ini = profile / "QGIS" / "QGIS3.ini"
    ini.parent.mkdir(parents=True)
    text = PROFILE_INI.format(name=PLUGIN_NAME)
    if locale:
        text += f"\n[locale]\noverrideFlag=true\nuserLocale={locale}\n"
    ini.write_text(text, encoding="utf-8")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"))
    parser.add_argument("--locale", default="", help="QGIS locale, e.g. de (default: system)")
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "sen12mscr"))
    args = parser.parse_args(argv)
    if shutil.which("xvfb-run") is None:
        print("xvfb-run not found: apt-get install xvfb xauth", file=sys.stderr)
        return 1
    from conftest import WINTER, pair

    summer = ("ROIs1868_summer", 19, 30)  # the partly cloudy pair: the dock's run

    subprocess.run([sys.executable, str(ROOT / "scripts" / "package.py")], check=True)
    plugin_zip = ROOT / "dist" / f"{PLUGIN_NAME}-{version()}.zip"
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="mmcanet-shots-") as tmp:
        tmp = Path(tmp)
        fresh_profile(tmp / "qgis", plugin_zip, args.locale)
        data = tmp / "data"
        data.mkdir()
        for roi in (summer, WINTER):
            for path in pair(Path(args.data), roi):
                shutil.copy(path, data)
        env = dict(os.environ, PYTHONPATH=sysconfig.get_paths()["purelib"],
                   MMCANET_SHOTS_OUT=str(out), MMCANET_SHOTS_DATA=str(data),
                   XDG_RUNTIME_DIR=str(tmp))
        env.pop("QT_QPA_PLATFORM", None)  # a real X window under Xvfb, not offscreen
        for name in ("QGIS_PLUGINPATH", "QGIS_CUSTOM_CONFIG_PATH"):  # only the zip's plugin
            env.pop(name, None)
        command = ["xvfb-run", "-a", "-s", f"-screen 0 {SCREEN}", "qgis",
                   "--profiles-path", str(tmp / "qgis"), "--profile", "default",
                   "--nologo", "--noversioncheck",
                   "--code", str(ROOT / "scripts" / "screenshots_in_qgis.py")]
        run = subprocess.run(command, env=env, timeout=900)
    shots = sorted(p.name for p in out.glob("*.png") if p.stat().st_mtime > started)
    print(f"screenshots in {out}: {', '.join(shots)}")
    return run.returncode


if __name__ == "__main__":
    sys.exit(main())
