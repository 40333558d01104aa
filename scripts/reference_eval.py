"""Issue 23's goals: fill a date's clouds from another date of the same place, matched
(:mod:`mmcanet_core.clouds.reference`) vs a plain copy vs the network alone, on real dates.

    .venv/bin/python scripts/reference_eval.py [--split tune|report|all] [--block 64]
        [--max-gap 30] [--update-docs]

Data (``../shared/data``): the 30 real Sentinel-2 L1C dates of SEN12MS-CR-TS ROIs2017_146
patch 0 (``sen12mscrts_roi146/timeseries``, central Italy, 2018, dates in the file names).
**Clear dates** are chosen without the cloud detector: under 0.5 % of the pixels with B2 above
2000 DN (bright cloud) and a mean cirrus band B10 under 250 DN; the contact sheet confirms it by
eye. On a clear **target** the cloud shapes of a real mask are hidden (the 9 ``sen12mscr_nogeo``
cloud masks covering 15 % to 85 %; REAL shapes, SYNTHETIC placement), and the pixels the
composite touches there (the mask dilated 1 px and feathered 3 px, the engine's defaults) are
filled from a clear **reference** date:

- matched: the reference mapped per band onto the target (local blocks, robust fit) on the
  pixels clear in both (the target outside the hidden mask; the reference where the automatic
  mask says clear), as the engine does;
- copy: the reference's values as they are;
- network: the shipped demonstrator (RGB) on the target with the real cloudy pixels of the
  mask's own ``s2_cloudy`` image pasted into the hidden shape, and **no SAR** (this set has
  none; SAR input zero, the "no SAR" input the demonstrator was trained with).

All three go through the same feathered composite. Metrics on the filled pixels, bands 4, 3, 2
(DN / 10000 clipped to [0, 1]): PSNR (dB) and SAM (degrees); seam: the mean absolute RGB step
between 4-neighbours whose composite weights differ (the ramp across the fill edge) divided by
the same in the truth. Means over the masks per pair, then over the pairs within ``--max-gap``
days (both directions count as pairs).

Split (so that nothing is tuned on what is reported): ``tune``: both dates January to June
(block size chosen there, ``--block``); ``report``: both dates July to December (the goals).

The matched fill here calls the library's functions on whole patches
(:func:`~mmcanet_core.clouds.reference.fit_matching`, the composite); that the engine's strips
and tiles give the same values is tested (``tests/test_predict_references.py``).

``--picture PNG`` runs ``predict_raster`` (shipped weights, CPU) on the real cloudy date
2018-07-05 with the clear 2018-06-25 as reference and draws cloudy | other date | plain copy |
filled | source. ``--update-docs`` writes the table and goals into README.md between
``<!-- reference_eval:summary -->`` markers.
"""

import argparse
import sys
import warnings
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Dict, List, Tuple

import numpy as np
import rasterio
from rasterio.windows import Window

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from mmcanet_core.clouds import cloudmask, composite  # noqa: E402
from mmcanet_core.clouds.reference import fit_matching, parse_date  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SERIES = DATA / "sen12mscrts_roi146" / "timeseries"
NOGEO = DATA / "sen12mscr_nogeo"
WEIGHTS = ROOT / "mmcanet_core" / "checkpoints" / "mmcanet_demo_rgb.safetensors"
RGB = [3, 2, 1]  # 0-based B4, B3, B2
SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring",
           6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"}
METHODS = ("matched", "copy", "network")


@dataclass
class Date:
    day: date
    path: Path
    dn: np.ndarray  # (13, H, W) float32


def load_dates() -> List[Date]:
    out = [Date(parse_date(p.name), p, rasterio.open(p).read().astype(np.float32))
           for p in SERIES.glob("*.tif")]
    return sorted(out, key=lambda d: d.day)


def is_clear(dn: np.ndarray) -> bool:
    """Bright-cloud and cirrus tests on raw bands (not the detector the fill uses)."""
    return float((dn[1] > 2000).mean()) < 0.005 and float(dn[10].mean()) < 250


def load_masks(low=0.15, high=0.85) -> List[Tuple[str, np.ndarray, np.ndarray]]:
    """(id, (H, W) bool real cloud mask, (13, H, W) the real cloudy image it belongs to)."""
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        for path in sorted(NOGEO.glob("cloudmask/*_cloudmask.tif")):
            ident = path.name.split("_")[0]
            mask = rasterio.open(path).read(1) > 0
            if low <= mask.mean() <= high:
                cloudy = rasterio.open(NOGEO / "s2_cloudy" / f"{ident}_s2_cloudy.tif").read()
                out.append((ident, mask, cloudy.astype(np.float32)))
    return out


_NETWORK: Dict[Tuple[date, str], np.ndarray] = {}


def network(model, target: "Date", ident: str, hidden: np.ndarray, cloudy: np.ndarray
            ) -> np.ndarray:
    """The demonstrator's (3, H, W) DN for ``target`` with the real clouds of mask ``ident``
    pasted into its hidden shape, SAR zero (the same for every reference: computed once)."""
    key = (target.day, ident)
    if key not in _NETWORK:
        _NETWORK[key] = _run_network(model, np.where(hidden, cloudy, target.dn)[RGB])
    return _NETWORK[key]


def _run_network(model, dn_rgb: np.ndarray) -> np.ndarray:
    """(3, H, W) DN -> the demonstrator's (3, H, W) DN, SAR zero."""
    import torch

    from mmcanet_core.preprocess import denormalize_optical, normalize_optical

    optical = torch.from_numpy(normalize_optical(dn_rgb))[None]
    sar = torch.zeros((1, 2) + dn_rgb.shape[1:])
    with torch.no_grad():
        out = model(sar, optical).clamp(0, 1)[0].numpy()
    return denormalize_optical(out)


def metrics(pred: np.ndarray, truth: np.ndarray, where: np.ndarray) -> Tuple[float, float]:
    """PSNR (dB) and SAM (degrees) of (3, H, W) DN on the ``where`` pixels."""
    p = np.clip(pred[:, where] / 10000, 0, 1)
    t = np.clip(truth[:, where] / 10000, 0, 1)
    psnr = 10 * np.log10(1.0 / max(float(np.mean((p - t) ** 2)), 1e-12))
    cos = (p * t).sum(0) / np.maximum(np.linalg.norm(p, axis=0) * np.linalg.norm(t, axis=0),
                                      1e-12)
    return psnr, float(np.degrees(np.arccos(np.clip(cos, -1, 1))).mean())


def seam(out: np.ndarray, truth: np.ndarray, weight: np.ndarray) -> float:
    """Mean |step| of (3, H, W) across neighbours whose weights differ, out / truth."""
    steps = []
    for axis in (1, 2):
        differ = np.diff(weight, axis=axis - 1) != 0
        for image in (out, truth):
            step = np.abs(np.diff(image / 10000, axis=axis)).mean(0)
            steps.append(step[differ])
    out_step = np.concatenate(steps[0::2]).mean()
    truth_step = np.concatenate(steps[1::2]).mean()
    return float(out_step / max(truth_step, 1e-12))


def fill_pair(target: Date, ref: Date, ident: str, hidden: np.ndarray, cloudy: np.ndarray,
              model, block: int) -> Dict[str, Tuple[float, float, float]]:
    """One target, one reference, one hidden mask -> {method: (PSNR, SAM, seam ratio)}."""
    weight = composite.feather_weight(hidden, composite.DILATE, composite.FEATHER)
    touched = weight > 0
    ref_clear = cloudmask.classify_l1c(ref.dn) == cloudmask.CLEAR
    matching = fit_matching(target.dn, ref.dn, ~touched & ref_clear, block=block)
    h, w = hidden.shape
    values = {"matched": matching.apply(ref.dn, Window(0, 0, w, h))[RGB],
              "copy": ref.dn[RGB]}
    if model is not None:
        values["network"] = network(model, target, ident, hidden, cloudy)
    truth = target.dn[RGB]
    out = {}
    for name, fill in values.items():
        result = composite.composite(truth.astype(np.uint16), fill, weight, 0).astype(np.float32)
        out[name] = (*metrics(result, truth, touched), seam(result, truth, weight))
    return out


def pairs(dates: List[Date], split: str, max_gap: int) -> List[Tuple[Date, Date]]:
    def part(d: Date) -> str:
        return "tune" if d.day.month <= 6 else "report"

    return [(t, r) for t in dates for r in dates if t is not r
            and abs((r.day - t.day).days) <= max_gap
            and (split == "all" or part(t) == part(r) == split)]


def run(split: str, block: int, max_gap: int, use_network: bool) -> List[str]:
    dates = [d for d in load_dates() if is_clear(d.dn)]
    print("clear dates:", ", ".join(str(d.day) for d in dates), file=sys.stderr)
    masks = load_masks()
    model = None
    if use_network:
        from mmcanet_core.weights.checkpoint import load_weights

        model = load_weights(WEIGHTS)[0]
    rows, means = [], {m: [] for m in METHODS}
    for target, ref in pairs(dates, split, max_gap):
        per = [fill_pair(target, ref, ident, mask, cloudy, model, block)
               for ident, mask, cloudy in masks]
        mean = {m: np.mean([p[m] for p in per], axis=0) for m in per[0]}
        for m in mean:
            means[m].append(mean[m])
        gap = (ref.day - target.day).days
        cells = " | ".join(f"{mean[m][0]:.2f} / {mean[m][1]:.2f} / {mean[m][2]:.2f}"
                           if m in mean else "-" for m in METHODS)
        rows.append(f"| {target.day} | {ref.day} | {gap:+d} | {SEASONS[target.day.month]} | "
                    f"{cells} |")
    total = {m: np.mean(v, axis=0) for m, v in means.items() if v}
    head = ["| target | reference | gap (days) | season | matched PSNR / SAM / seam | "
            "copy PSNR / SAM / seam | network PSNR / SAM / seam |", "|---" * 7 + "|"]
    cells = " | ".join(f"**{total[m][0]:.2f} / {total[m][1]:.2f} / {total[m][2]:.2f}**"
                       if m in total else "-" for m in METHODS)
    foot = [f"| mean of {len(rows)} pairs | | | | {cells} |"]
    return head + rows + foot


GOALS = "pairs within {gap} days, July to December (the report split)"


def summary(lines: List[str], gap: int) -> List[str]:
    """The goals under the table: matched vs network and copy, SAM, seam."""
    cells = lines[-1].split("|")[5:8]
    means = [[float(x) for x in c.replace("*", "").split("/")] for c in cells]
    (mp, ms, mseam), (cp, cs, _), (np_, ns, _) = means
    ok = {True: "met", False: "**not met**"}
    return [
        f"- Matched fill vs network alone: {mp - np_:+.2f} dB (goal >= +5 dB): "
        f"{ok[mp - np_ >= 5]}.",
        f"- Matched fill vs plain copy: {mp - cp:+.2f} dB (goal >= +1 dB): {ok[mp - cp >= 1]}.",
        f"- SAM {ms:.2f} deg vs copy {cs:.2f} and network {ns:.2f}: "
        f"{ok[ms < cs and ms < ns]}.",
        f"- Seam: mean step across the fill edge {mseam:.2f} x the truth's (goal <= 1.5): "
        f"{ok[mseam <= 1.5]}.",
        "",
        f"Command: `.venv/bin/python scripts/reference_eval.py --max-gap {gap}` (CPU; the "
        "network is the shipped demonstrator with SAR input zero).",
    ]


def update_docs(block: List[str]) -> None:
    from docblock import update_block

    update_block(ROOT / "README.md", "reference_eval", "summary", "\n".join(block))


def picture(path: Path) -> None:
    """The README picture, through the engine (see the module docstring)."""
    import shutil
    import tempfile

    from PIL import Image, ImageDraw

    from mmcanet_core.inference import predict_raster

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        target = Path(shutil.copy(next(SERIES.glob("*_2018-07-05_*")), tmp / "2018-07-05.tif"))
        ref = Path(shutil.copy(next(SERIES.glob("*_2018-06-25_*")), tmp / "2018-06-25.tif"))
        with rasterio.open(target) as ds:
            profile = dict(ds.profile, count=2, dtype="float32")
        with rasterio.open(tmp / "sar.tif", "w", **profile) as out:  # no SAR in this set
            out.write(np.stack([np.full((256, 256), -10.0), np.full((256, 256), -17.0)])
                      .astype(np.float32))
        result = predict_raster(tmp / "sar.tif", target, tmp / "out.tif", weights=WEIGHTS,
                                device="cpu", references=[ref],
                                source_output=tmp / "source.tif")
        print("\n".join(result.log), file=sys.stderr)
        cloudy, other = _rgb(target), _rgb(ref)
        with rasterio.open(tmp / "out.tif") as ds:
            filled = _stretch(ds.read().astype(np.float32))
        with rasterio.open(tmp / "source.tif") as ds:
            codes = ds.read(1)
    copy = np.where((codes > 0)[..., None], other, cloudy)
    source = np.zeros(codes.shape + (3,), np.uint8)
    source[codes == 1], source[codes == 254] = (60, 140, 230), (230, 80, 60)
    titles = ["cloudy 2018-07-05", "other date 2018-06-25", "plain copy (no matching, no feather)",
              "matched fill (the engine's output)",
              "source: blue other date, red network"]
    panels = [Image.fromarray(a).resize((384, 384), Image.NEAREST)
              for a in (cloudy, other, copy, filled, source)]
    sheet = Image.new("RGB", (384 * 5 + 8 * 4, 384 + 24), "white")
    draw = ImageDraw.Draw(sheet)
    for i, (panel, title) in enumerate(zip(panels, titles)):
        sheet.paste(panel, (i * 392, 24))
        draw.text((i * 392 + 4, 5), title, fill="black")
    sheet.save(path)


def _stretch(rgb: np.ndarray) -> np.ndarray:
    """(3, H, W) DN -> (H, W, 3) uint8, one fixed stretch for every panel."""
    return np.clip(rgb / 2500 * 255, 0, 255).astype(np.uint8).transpose(1, 2, 0)


def _rgb(path: Path) -> np.ndarray:
    with rasterio.open(path) as ds:
        return _stretch(ds.read([4, 3, 2]).astype(np.float32))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--split", default="report", choices=["tune", "report", "all"])
    parser.add_argument("--block", type=int, default=None)
    parser.add_argument("--max-gap", type=int, default=30)
    parser.add_argument("--no-network", action="store_true")
    parser.add_argument("--picture", type=Path, help="write the README picture here and stop")
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args(argv)
    if args.picture:
        picture(args.picture)
        return 0
    from mmcanet_core.clouds.reference import BLOCK

    lines = run(args.split, args.block or BLOCK, args.max_gap, not args.no_network)
    if not args.no_network and args.split == "report":
        lines += [""] + summary(lines, args.max_gap)
    print("\n".join(lines))
    if args.update_docs:
        update_docs(lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
