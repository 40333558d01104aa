"""``python -m mmcanet_core evaluate``: paper-style metric tables for one or more weights files.

    python -m mmcanet_core evaluate --weights A.safetensors [B.safetensors ...] \\
        --data SEN12MSCR_ROOT [--protocol paper --split test] [--out eval/]

``--data`` is a SEN12MS-CR folder or a plain triplet folder (``s1/``, ``s2_cloudy/``, ``s2/``,
optional ``cloudmask/``; :mod:`mmcanet_core.data.folders`, split by id, cover from the masks).
For every test patch (SEN12MS-CR triplets of the chosen split, preprocessed as in training:
Section IV-B, RGB or the weights' bands, 256 -> 128 area resize by default) it computes PSNR,
SSIM, MAE and SAM (Section III-D, eqs. 17-20, :mod:`mmcanet_core.training.metrics`) of each model's
output
(clamped to [0, 1]) and of the **identity baseline** (the cloudy input itself, always a row), then
averages them per season (the paper's Tables I-IV) and per cloud-cover bin (0-10 ... 80-100 %,
Section V; cover estimated by :mod:`mmcanet_core.data.cloud_cover`). It prints the tables and
writes ``results.md``, ``results.csv`` (long format), ``per_patch.csv`` and ``grid.png`` (SAR,
cloudy, each model's output, ground truth) into ``--out``.

Without ``--weights`` only the identity baseline is computed, and then patches without SAR count
too (the identity baseline never looks at SAR).

Bad input (weights, data folder, an empty split, bands, device, ``--out``) is reported by ``run``
as one line without a traceback, exit status 2, before any file is written.
"""

import csv
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from torch.utils.data import DataLoader

from mmcanet_core.data.cloud_cover import bin_labels, cover_bin
from mmcanet_core.data.folders import (
    TripletFolder,
    find_folder_triplets,
    is_triplet_folder,
    select_ids,
)
from mmcanet_core.data.sen12mscr import SEASONS, SEN12MSCR, find_triplets
from mmcanet_core.data.splits import select
from mmcanet_core.errors import EvaluateError

IDENTITY = "identity (cloudy input)"
METRICS = ("PSNR", "SSIM", "MAE", "SAM")
PSNR_CAP = 100.0  # identical images have infinite PSNR; capped so that means stay finite


def load_models(paths: Sequence[str], device) -> List[tuple]:
    """[(label, model, metadata)] for each weights file (labels made unique)."""
    from mmcanet_core.weights.checkpoint import load_weights

    out, seen = [], defaultdict(int)
    for path in paths:
        model, meta = load_weights(path, device=device)
        label = f"{meta['model']['name']} ({Path(path).stem})"
        seen[label] += 1
        if seen[label] > 1:
            label = f"{label} #{seen[label]}"
        out.append((label, model, meta))
    return out


def _bands_of(models, requested: Optional[str]):
    if requested is not None:
        return requested
    if not models:
        return "rgb"
    sets = {tuple(meta["optical_bands"]["indices"]) for _, _, meta in models}
    if len(sets) > 1:
        raise EvaluateError(f"the weights use different optical bands {sorted(sets)}; evaluate "
                            "them in separate runs")  # fmt: skip
    return list(sets.pop())


@torch.no_grad()
def evaluate(
    root,
    weights: Sequence[str] = (),
    *,
    protocol="paper",
    split="test",
    bands=None,
    size=128,
    size_mode="resize",
    batch_size=8,
    device="auto",
    max_patches=None,
) -> Dict[str, list]:
    """Per-patch metrics: {"patches": [{key, season, cover, bin, method: {metric: value}}]}."""
    from mmcanet_core.inference import resolve_device

    if not Path(root).is_dir():
        raise EvaluateError(
            f"data folder {root} {'is not a folder' if Path(root).exists() else 'does not exist'}"
            "; pass --data pointing at a SEN12MS-CR folder (ROIs*_<season>_<kind>/...) or a "
            "triplet folder (s1/, s2_cloudy/, s2/)."
        )
    if size is not None and (size < 16 or size % 16):
        raise EvaluateError(f"--size {size} must be a multiple of 16, e.g. 128 (the paper).")
    dev, _ = resolve_device(device)
    models = load_models(weights, dev)
    dataset = _dataset(root, models, protocol=protocol, split=split, bands=bands, size=size,
                       size_mode=size_mode, max_patches=max_patches)  # fmt: skip
    rows = []
    for batch in DataLoader(dataset, batch_size=batch_size):
        rows += _patch_rows(batch, models, dev)
    return {
        "patches": rows,
        "methods": [IDENTITY] + [label for label, _, _ in models],
        "models": models,
        "dataset": dataset,
    }


def _dataset(root, models, *, protocol, split, bands, size, size_mode, max_patches):
    """The test patches of ``split`` (with SAR when models run), as the models' bands."""
    require = ("s1", "s2", "s2_cloudy") if models else ("s2", "s2_cloudy")
    if is_triplet_folder(root):
        triplets = select_ids(find_folder_triplets(root, require=require)[0], split, protocol)
        kind = TripletFolder
    else:
        triplets, kind = select(find_triplets(root, require=require)[0], split, protocol), SEN12MSCR
    triplets = triplets[:max_patches]
    if not triplets:
        raise EvaluateError(
            f"no patches in split {split!r} (protocol {protocol}) under {root}"
            f"{' with SAR' if models else ''}; check --data, --protocol and --split."
        )
    try:
        return kind(triplets=triplets, bands=_bands_of(models, bands), size=size,
                    size_mode=size_mode, require_sar=bool(models))  # fmt: skip
    except ValueError as exc:
        raise EvaluateError(f"{exc}.") from None


def _patch_rows(batch, models, dev) -> List[dict]:
    """One row per patch of ``batch``: every method's metrics (outputs clamped to [0, 1])."""
    from mmcanet_core.training.metrics import all_metrics

    sar, cloudy, target = (batch[k].to(dev) for k in ("sar", "cloudy", "target"))
    outputs = {IDENTITY: cloudy}
    for label, model, _ in models:
        outputs[label] = model(sar, cloudy).float().clamp(0, 1)
    values = {m: all_metrics(o, target, reduction="none") for m, o in outputs.items()}
    return [{
        "key": batch["key"][i], "season": batch["season"][i],
        "cover": float(batch["cloud_cover"][i]),
        "bin": cover_bin(float(batch["cloud_cover"][i])),
        "metrics": {m: {k: min(float(v[i]), PSNR_CAP) if k == "PSNR" else float(v[i])
                        for k, v in vals.items()} for m, vals in values.items()},
    } for i in range(len(target))]  # fmt: skip


def summarise(result) -> List[dict]:
    """Long table: one row per (method, grouping, group) with n and the four mean metrics."""
    out = []
    for method in result["methods"]:
        groups = defaultdict(list)
        for row in result["patches"]:
            groups[("season", row["season"])].append(row["metrics"][method])
            groups[("cover", row["bin"])].append(row["metrics"][method])
            groups[("all", "all")].append(row["metrics"][method])
        for (kind, group), values in groups.items():
            means = {k: float(np.mean([v[k] for v in values])) for k in METRICS}
            out.append(
                {"method": method, "grouping": kind, "group": group, "n": len(values), **means}
            )
    return out


def markdown_table(
    summary: List[dict], methods: Sequence[str], grouping: str, groups: Sequence[str], title: str
) -> str:
    """A table shaped like the paper's: one row per method, PSNR/SSIM/MAE/SAM per group."""
    index = {(r["method"], r["group"]): r for r in summary if r["grouping"] == grouping}
    groups = [g for g in groups if any((m, g) in index for m in methods)]
    counts = {g: next(index[(m, g)]["n"] for m in methods if (m, g) in index) for g in groups}
    head = ["Model"] + [f"{g} (n={counts[g]}) {k}" for g in groups for k in METRICS]
    lines = [f"### {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for m in methods:
        cells = [m]
        for g in groups:
            r = index.get((m, g))
            cells += [f"{r[k]:.4f}" if r else "" for k in METRICS]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_outputs(result, out: Path, description: str) -> str:
    out.mkdir(parents=True, exist_ok=True)
    summary = summarise(result)
    with open(out / "results.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["method", "grouping", "group", "n", *METRICS])
        writer.writeheader()
        writer.writerows(summary)
    with open(out / "per_patch.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["key", "season", "cloud_cover", "bin", "method", *METRICS])
        for row in result["patches"]:
            for m, v in row["metrics"].items():
                writer.writerow([row["key"], row["season"], f"{row['cover']:.4f}", row["bin"], m,
                                 *[v[k] for k in METRICS]])  # fmt: skip
    methods = result["methods"]
    text = (f"## Evaluation\n\n{description}\n\n"
            + markdown_table(summary, methods, "season", [*SEASONS, "unknown"],
                             "Per season (Tables I-IV)")
            + "\n" + markdown_table(summary, methods, "cover", bin_labels(),
                                    "Per cloud(+shadow)-cover bin, % (Section V)")
            + "\n" + markdown_table(summary, methods, "all", ["all"], "All patches"))  # fmt: skip
    (out / "results.md").write_text(text)
    return text


def picture_grid(result, path: Path, keys: Optional[Sequence[str]] = None, device="cpu") -> Path:
    """Rows = patches; columns = SAR (VV), cloudy, each model's output, ground truth (RGB)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    dataset, models = result["dataset"], result["models"]
    by_key = {t.key: i for i, t in enumerate(dataset.triplets)}
    keys = list(keys) if keys else [t.key for t in dataset.triplets[:4]]
    rgb_pos = _rgb_positions(dataset.bands)
    cols = ["SAR (VV)", "cloudy"] + [label for label, _, _ in models] + ["ground truth"]
    fig, axes = plt.subplots(len(keys), len(cols), figsize=(2.6 * len(cols), 2.7 * len(keys)),
                             squeeze=False)  # fmt: skip
    for r, key in enumerate(keys):
        item = dataset[by_key[key]]
        sar, cloudy = item["sar"][None].to(device), item["cloudy"][None].to(device)
        with torch.no_grad():
            outs = [m(sar, cloudy)[0].float().clamp(0, 1).cpu() for _, m, _ in models]
        images = [item["sar"][0].numpy(), item["cloudy"]] + outs + [item["target"]]
        for c, img in enumerate(images):
            ax = axes[r, c]
            if c == 0:
                ax.imshow(img, cmap="gray", vmin=0, vmax=1)
            else:
                ax.imshow(np.clip(np.moveaxis(img[rgb_pos].numpy(), 0, -1) / 0.3, 0, 1))
            ax.set_title(cols[c] if r == 0 else "", fontsize=8)
            ax.set_axis_off()
        axes[r, 0].text(0, -0.08, f"{key} ({item['cloud_cover']:.0%} cover)", fontsize=7,
                        transform=axes[r, 0].transAxes, va="top")  # fmt: skip
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
    return path


def _rgb_positions(bands: Sequence[int]) -> List[int]:
    """Positions of B4, B3, B2 (0-based 3, 2, 1) among the dataset's bands (else the first 3)."""
    if all(b in bands for b in (3, 2, 1)):
        return [list(bands).index(b) for b in (3, 2, 1)]
    return [0, 0, 0] if len(bands) < 3 else [0, 1, 2]
