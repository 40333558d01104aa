"""``make demo``: decloud the real demo scene through ``qgis_process`` with the shipped weights.

Scene: SEN12MS-CR ROIs1868_summer 19 p30 from ``../shared/data/sen12mscr`` (real Sentinel-1 SAR
+ real Sentinel-2 L1C with thick cumulus over farmland; it has no cloud-free reference). Steps:

1. ``qgis_process.bin plugins enable mmcanet``;
2. ``qgis_process.bin run mmcanet:removeclouds -- SAR=... OPTICAL=...
   OUTPUT=build/demo/restored.tif`` with the algorithm's default weights,
   ``mmcanet_core/checkpoints/*.safetensors``;
3. ``build/demo/before_after.png``: SAR VV | cloudy RGB | restored RGB (the two optical panels
   share the restored image's 2-98 % stretch); ``--docs`` also copies it to
   ``docs/img/demo_before_after.png`` (the README's picture).

Run it with the Makefile's QGIS environment (``make demo``); run directly, it sets the same
variables (offscreen Qt, the venv's site-packages, ``build/qgis/plugins``, ``build/qgis/config``).
"""

import argparse
import glob
import os
import shutil
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "sen12mscr"
SAR = DATA / "ROIs1868_summer_s1/s1_19/ROIs1868_summer_s1_19_p30.tif"
OPTICAL = DATA / "ROIs1868_summer_s2_cloudy/s2_cloudy_19/ROIs1868_summer_s2_cloudy_19_p30.tif"
OUT = ROOT / "build" / "demo"
DOCS_PNG = ROOT / "docs" / "img" / "demo_before_after.png"


def qgis_env() -> dict:
    """The Makefile's QGIS_ENV, filling in what the caller did not set."""
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.setdefault("PYTHONPATH", sysconfig.get_paths()["purelib"])
    env.setdefault("QGIS_PLUGINPATH", str(ROOT / "build" / "qgis" / "plugins"))
    env.setdefault("QGIS_CUSTOM_CONFIG_PATH", str(ROOT / "build" / "qgis" / "config"))
    return env


def qgis_process() -> str:
    for name in ("qgis_process.bin", "qgis_process"):
        found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists()
                                       else None)  # fmt: skip
        if found:
            return found
    raise SystemExit("qgis_process not found: install QGIS (`make setup` does it from apt)")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sar", default=str(SAR))
    p.add_argument("--optical", default=str(OPTICAL))
    p.add_argument("--out", default=str(OUT))
    p.add_argument("--weights", help="a .safetensors file instead of the algorithm's default")
    p.add_argument("--docs", action="store_true", help=f"copy the PNG to {DOCS_PNG}")
    args = p.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from mmcanet_core.engine.preview import write_preview
    from mmcanet_core.weights.checkpoint import read_metadata

    for path in (args.sar, args.optical):
        if not Path(path).is_file():
            print(f"demo scene not found: {path} (the shared SEN12MS-CR subset beside the "
                  "checkout)")
            return 2
    weights = [args.weights] if args.weights else sorted(
        glob.glob(str(ROOT / "mmcanet_core" / "checkpoints" / "*.safetensors"))
    )
    if not weights:
        print("no shipped weights in mmcanet_core/checkpoints/: run `make train-demo` first")
        return 2
    meta = read_metadata(weights[0])
    bands = list(meta["optical_bands"]["indices"])
    print(f"weights: {weights[0]} ({meta['model']['name']}, bands {bands})")
    print(f"trained on: {meta.get('trained_on')}")

    env, exe = qgis_env(), qgis_process()
    plugin_link = Path(env["QGIS_PLUGINPATH"]) / "mmcanet"
    if not plugin_link.exists():
        plugin_link.parent.mkdir(parents=True, exist_ok=True)
        Path(env["QGIS_CUSTOM_CONFIG_PATH"]).mkdir(parents=True, exist_ok=True)
        plugin_link.symlink_to(ROOT, target_is_directory=True)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    restored = out / "restored.tif"
    if restored.exists():
        restored.unlink()
    # Exit status 1 with "Plugin is already enabled!" is fine; a broken plugin fails below.
    subprocess.run([exe, "plugins", "enable", "mmcanet"], env=env)
    cmd = [exe, "run", "mmcanet:removeclouds", "--", f"SAR={args.sar}",
           f"OPTICAL={args.optical}", f"OUTPUT={restored}"]  # fmt: skip
    if args.weights:
        cmd.append(f"WEIGHTS={args.weights}")
    print("$ " + " ".join(cmd), flush=True)
    started = time.perf_counter()
    result = subprocess.run(cmd, env=env)
    seconds = time.perf_counter() - started
    if result.returncode != 0 or not restored.is_file():
        print(f"qgis_process failed (exit {result.returncode}); no {restored}")
        return result.returncode or 1
    png = write_preview(out / "before_after.png", args.sar, args.optical, restored, bands)
    if args.docs:
        DOCS_PNG.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, DOCS_PNG)
        print(f"copied the picture to {DOCS_PNG}")
    print(f"\nrestored GeoTIFF: {restored}  ({seconds:.1f} s through qgis_process)")
    print(f"before/after PNG: {png}  (SAR VV | cloudy RGB | restored RGB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
