"""Cloud mask against real SEN12MS-CR cloud masks; cover of a real time series; a Markdown report.

    .venv/bin/python scripts/mask_eval.py [--data ../shared/data]

Data: ``sen12mscr_nogeo/`` (14 real triplets, each with a real per-pixel cloud mask, 0-100 %
cover; the masks are cloud only: see docs/cloud_mask.md) and ``sen12mscrts_roi146/timeseries/``
(30 real dates of one place, no masks). Scores are pooled over pixels: F1 = 2 TP / (2 TP + FP +
FN), IoU = TP / (TP + FP + FN), overall and per cover bin of the real mask (the paper's bins).

Detectors: ``cloud`` = :mod:`mmcanet_core.clouds.cloudmask` on 13 bands (cloud class, default
method), ``cloud+shadow`` = the same with its shadow class counted as positive, ``rgb`` = the
RGB-only fallback on bands 4, 3, 2, ``swir-cirrus`` = the default before the parallax veto
(method ``swir-cirrus``), ``gee`` = the published GEE score alone (method ``gee``),
``s2cloudless`` = Sentinel Hub's detector (threshold 0.4, average_over 4, dilation 2)
when it can be imported, e.g. from a scratch venv put after the project's on the path::

    PYTHONPATH=.:.venv/lib/python3.11/site-packages:/tmp/s2c/lib/python3.11/site-packages \\
        /tmp/s2c/bin/python scripts/mask_eval.py

Rows: the paper's cover bins, all 14, and apart the 9 triplets the mask was tuned on and the 5
held out for the model card (``HELD_OUT_NOGEO`` of ``scripts/train_demo.py``; never tuned on).

It also reports what compositing with the default feather changes: the share of the pixels the
real masks call clear that get any network weight, and of real cloud pixels left below full
network weight. The same measured through the engine with real weights, against the clear
references, is ``scripts/composite_eval.py``.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from mmcanet_core.clouds import cloudmask
from mmcanet_core.clouds.composite import DILATE, FEATHER, feather_weight
from mmcanet_core.data.cloud_cover import COVER_BINS, cover_bin

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from docblock import read_raster  # noqa: E402
from train_demo import HELD_OUT_NOGEO  # noqa: E402


def load_triplets(folder: Path):
    """[(id, cloudy (13, H, W) float32, real mask (H, W) bool)] sorted by id."""
    out = []
    for mask_path in sorted((folder / "cloudmask").glob("*_cloudmask.tif")):
        key = mask_path.name.split("_")[0]
        cloudy = read_raster(folder / "s2_cloudy" / f"{key}_s2_cloudy.tif").astype(np.float32)
        out.append((key, cloudy, read_raster(mask_path)[0] == 1))
    return out


def s2cloudless_detector():
    try:
        from s2cloudless import S2PixelCloudDetector
    except ImportError:
        return None
    return S2PixelCloudDetector(threshold=0.4, all_bands=True, average_over=4, dilation_size=2)


def detectors():
    """name -> function (13, H, W) DN -> (H, W) bool."""
    rgb_index = [b - 1 for b in (4, 3, 2)]
    found = {
        "cloud": lambda dn: cloudmask.classify_l1c(dn) == cloudmask.CLOUD,
        "cloud+shadow": lambda dn: np.isin(cloudmask.classify_l1c(dn),
                                           (cloudmask.CLOUD, cloudmask.SHADOW)),
        "rgb": lambda dn: cloudmask.classify_rgb(dn[rgb_index]) == cloudmask.CLOUD,
        "swir-cirrus": lambda dn: (cloudmask.classify_l1c(dn, method="swir-cirrus")
                                   == cloudmask.CLOUD),
        "gee": lambda dn: cloudmask.classify_l1c(dn, method="gee") == cloudmask.CLOUD,
    }
    s2c = s2cloudless_detector()
    if s2c is not None:
        found["s2cloudless"] = lambda dn: s2c.get_cloud_masks(
            np.moveaxis(dn / 10000.0, 0, -1)[None])[0] > 0
    return found


def scores(pairs):
    """[(predicted, real)] bool arrays -> (F1, IoU) pooled over pixels; NaN without positives."""
    tp = sum(int(np.count_nonzero(p & r)) for p, r in pairs)
    fp = sum(int(np.count_nonzero(p & ~r)) for p, r in pairs)
    fn = sum(int(np.count_nonzero(~p & r)) for p, r in pairs)
    if tp + fp + fn == 0:
        return float("nan"), float("nan")
    return 2 * tp / (2 * tp + fp + fn), tp / (tp + fp + fn)


def agreement_table(triplets, found) -> str:
    predicted, seconds = {}, {}
    for name, detect in found.items():
        start = time.perf_counter()
        predicted[name] = [detect(dn) for _, dn, _ in triplets]
        seconds[name] = (time.perf_counter() - start) / len(triplets)
    bins = [cover_bin(real.mean()) for *_, real in triplets]
    head = "| cover bin (real mask) | triplets | " + " | ".join(
        f"{n} F1 | {n} IoU" for n in found) + " |"
    lines = [head, "|" + "---|" * (2 + 2 * len(found))]
    held = [key in HELD_OUT_NOGEO for key, *_ in triplets]
    groups = {f"{lo}-{hi}": [i for i, b in enumerate(bins) if b == f"{lo}-{hi}"]
              for lo, hi in COVER_BINS}
    groups["all"] = list(range(len(triplets)))
    groups["tuning (not held out)"] = [i for i, h in enumerate(held) if not h]
    groups["held out (model card)"] = [i for i, h in enumerate(held) if h]
    for label, idx in groups.items():
        cells = []
        for name in found:
            f1, iou = scores([(predicted[name][i], triplets[i][2]) for i in idx])
            cells += [f"{f1:.3f}", f"{iou:.3f}"]
        lines.append(f"| {label} | {len(idx)} | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("CPU seconds per 256 x 256 patch: " + ", ".join(
        f"{n} {s:.3f}" for n, s in seconds.items()))
    return "\n".join(lines)


def per_triplet_table(triplets) -> str:
    lines = ["| id | real cloud % | cloud % | shadow % | cloud F1 | shadow pixels the real mask "
             "calls cloud % |", "|---|---|---|---|---|---|"]
    for key, dn, real in triplets:
        classes = cloudmask.classify_l1c(dn)
        cloud, shadow = classes == cloudmask.CLOUD, classes == cloudmask.SHADOW
        f1, _ = scores([(cloud, real)])
        in_real = f"{100 * real[shadow].mean():.1f}" if shadow.any() else "-"
        lines.append(f"| {key} | {100 * real.mean():.1f} | {100 * cloud.mean():.1f} | "
                     f"{100 * shadow.mean():.1f} | {f1:.3f} | {in_real} |")
    return "\n".join(lines)


def compositing_table(triplets) -> str:
    lines = [f"| mask used (dilate {DILATE}, feather {FEATHER}) | real-clear pixels changed % | "
             "real-cloud pixels below full network weight % |", "|---|---|---|"]
    for label, classes in (("cloud", (cloudmask.CLOUD,)),
                           ("cloud+shadow", (cloudmask.CLOUD, cloudmask.SHADOW))):
        changed = clear = kept = cloud = 0
        for _, dn, real in triplets:
            weight = feather_weight(np.isin(cloudmask.classify_l1c(dn), classes))
            changed += int(np.count_nonzero((weight > 0) & ~real))
            clear += int(np.count_nonzero(~real))
            kept += int(np.count_nonzero((weight < 1) & real))
            cloud += int(np.count_nonzero(real))
        lines.append(f"| {label} | {100 * changed / clear:.1f} | {100 * kept / cloud:.1f} |")
    return "\n".join(lines)


def timeseries_table(folder: Path) -> str:
    paths = sorted(folder.glob("*.tif"), key=lambda p: int(p.name.split("ImgNo_")[1].split("_")[0]))
    lines = ["| date | image | cloud % | shadow % | rgb cloud % |", "|---|---|---|---|---|"]
    for path in paths:
        dn = read_raster(path).astype(np.float32)
        dn[:, np.all(dn == 0, axis=0)] = np.nan  # L1C: DN 0 in every band is no data
        classes = cloudmask.classify_l1c(dn)
        rgb = cloudmask.classify_rgb(dn[[3, 2, 1]])
        valid = classes != cloudmask.NODATA
        date, number = path.stem.split("_")[5], path.stem.split("_")[4]
        lines.append(f"| {date} | {number} | {100 * (classes[valid] == 1).mean():.1f} | "
                     f"{100 * (classes[valid] == 2).mean():.1f} | "
                     f"{100 * (rgb[valid] == 1).mean():.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()
    triplets = load_triplets(args.data / "sen12mscr_nogeo")
    found = detectors()
    print("## Cloud mask vs real SEN12MS-CR cloud masks (14 triplets, pooled pixels)\n")
    print(agreement_table(triplets, found))
    if "s2cloudless" not in found:
        print("\ns2cloudless: not importable here (see the docstring for a scratch venv).")
    print("\n## Per triplet\n")
    print(per_triplet_table(triplets))
    print("\n## What compositing changes (same 14 triplets)\n")
    print(compositing_table(triplets))
    print("\n## Real time series ROIs2017_146 patch 0 (no masks): predicted cover per date\n")
    print(timeseries_table(args.data / "sen12mscrts_roi146" / "timeseries"))


if __name__ == "__main__":
    main()
