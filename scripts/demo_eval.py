"""The model card's held-out table and SAR check: real clouds, real SAR, patches never trained on.

    python scripts/demo_eval.py                                   # shipped MMCANet + runs/demo
    python scripts/demo_eval.py --mmcanet A.safetensors --dsen2cr B.safetensors --out runs/eval
    python scripts/demo_eval.py --validation --out runs/trial/eval  # recipe trials (never held out)
    python scripts/demo_eval.py --bench                           # + CPU time on a 1024^2 scene

Held-out set (``scripts/train_demo.py``: ``HELD_OUT``): the real triplets with REAL clouds and
their own REAL Sentinel-1, each whole (256 x 256 px, 10 m, no resize), RGB = bands 4, 3, 2: the
sen12mscr_nogeo ids 2729, 5254, 4065, 7264, 6780 and SEN12MS-CR ROIs2017_winter 112 p797. Input:
s2_cloudy and s1; reference: s2 (taken on another day, so even a perfect cloud removal does not
reach it exactly). Cover: the mean of the nogeo cloud mask; for p797 the
:mod:`mmcanet_core.data.cloud_cover` estimate.

Methods (rows): the identity (the cloudy input itself), then each model's RAW output; a method is
any ``f(sar, cloudy) -> restored`` on (1, C, H, W) tensors, so more rows (e.g. a composited output)
are one more entry in ``methods()``.

SAR check: each model again with ANOTHER PLACE's SAR, that of the next held-out patch in the list
(a cyclic shift, so every patch gets a real SAR image of somewhere else); the mean PSNR difference
own - other says how much the model uses its SAR.

Metrics: ``mmcanet_core.training.metrics`` (the paper's eqs. 17-20: PSNR dB, SSIM, MAE, SAM
degrees, on
[0, 1] reflectance; outputs clamped to [0, 1]; PSNR capped at 100). Writes ``results.md`` and
``per_case.csv`` into ``--out`` and a picture of held-out patches to ``--img``; ``--docs`` also
rewrites the generated blocks (between ``<!-- demo_eval:NAME -->`` and ``<!-- /demo_eval -->``)
of ``docs/model_card.md``, ``README.md`` and ``mmcanet_core/checkpoints/README.md``.
"""

import argparse
import csv
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import train_demo as recipe  # noqa: E402

IDENTITY = "identity (cloudy input)"
BASELINE = "DSen2-CR baseline"
MMCANET = "MMCANet (ours)"
METRICS = ("PSNR", "SSIM", "MAE", "SAM")
VALIDATION_DRAWS = 4  # SYNTHETIC cloud draws per validation pair (recipe trials only)
VALIDATION_SEED = 20250


def case(name, sar, cloudy, clear, cover, group="real"):
    return dict(name=name, sar=sar, cloudy=cloudy, clear=clear, cover=float(cover), group=group)


def cover_of(name: str) -> float:
    """A nogeo id's cloud-mask cover; for p797 the :mod:`.cloud_cover` estimate (13 bands)."""
    from mmcanet_core.data.cloud_cover import cloud_cover
    from mmcanet_core.data.folders import read_mask
    from mmcanet_core.data.sen12mscr import read_dn

    if name.startswith("nogeo_"):
        return float(read_mask(recipe.NOGEO / "cloudmask" / f"{name[6:]}_cloudmask.tif").mean())
    _, s2, s2c = (recipe.DATA / p for p in recipe.HELD_OUT_SEN12MSCR)
    return float(cloud_cover(read_dn(s2c), read_dn(s2)))


def heldout_cases():
    """The held-out set: [case] with float32 arrays (C, H, W) in [0, 1]."""
    return [case(n, s, c, t, cover_of(n)) for n, s, c, t in recipe.held_out_triplets()]


def validation_cases():
    """Recipe trials only: the VALIDATION triplets (REAL clouds) and their clear image + SAR with
    ``VALIDATION_DRAWS`` fixed SYNTHETIC cloud draws each (thick cover spread over 0-95 %)."""
    from mmcanet_core.data.cloud_simulation import simulate

    cases = []
    for i, (name, sar, cloudy, clear) in enumerate(recipe.nogeo_triplets(recipe.VALIDATION_NOGEO)):
        cases.append(case(name, sar, cloudy, clear, cover_of(name)))
        for k in range(VALIDATION_DRAWS):
            rng = np.random.default_rng([VALIDATION_SEED, i, k])
            thick = 0.95 * (k + 0.5) / VALIDATION_DRAWS
            synthetic, info = simulate(clear, rng, bands=recipe.RGB, cover=thick)
            cover = ((info.alpha > 0.5) | (info.shadow > 0.25)).mean()
            cases.append(case(f"{name} draw {k}", sar, synthetic.astype(np.float32), clear,
                              cover, "synthetic"))  # fmt: skip
    return cases


def other_place_sar(cases):
    """For case i, the SAR of the next case (cyclically) that comes from another place."""
    place = [c["name"].split(" ")[0] for c in cases]
    out = []
    for i in range(len(cases)):
        j = next(k % len(cases) for k in range(i + 1, i + len(cases) + 1)
                 if place[k % len(cases)] != place[i])  # fmt: skip
        out.append(cases[j]["sar"])
    return out


def methods(models):
    """[(label, f(sar, cloudy) -> restored)]: the identity, then each model's raw output."""
    rows = [(IDENTITY, lambda sar, cloudy: cloudy)]
    return rows + [(label, model) for label, model in models]


@torch.no_grad()
def evaluate(cases, rows, sar_of=None):
    """Per-case metric rows [{group, case, cover, method, PSNR, SSIM, MAE, SAM}] and outputs."""
    from mmcanet_core.training.metrics import all_metrics

    results, outputs = [], []
    for i, c in enumerate(cases):
        sar = c["sar"] if sar_of is None else sar_of[i]
        s, x, t = (torch.from_numpy(np.ascontiguousarray(a))[None]
                   for a in (sar, c["cloudy"], c["clear"]))  # fmt: skip
        outputs.append({})
        for label, method in rows:
            pred = method(s, x).float().clamp(0, 1)
            outputs[-1][label] = pred[0].numpy()
            vals = {k: float(v[0]) for k, v in all_metrics(pred.double(), t.double(),
                                                            reduction="none").items()}
            vals["PSNR"] = min(vals["PSNR"], 100.0)
            results.append(dict(group=c["group"], case=c["name"], cover=c["cover"],
                                method=label, **vals))  # fmt: skip
    return results, outputs


def mean_row(results, method, group=None):
    sel = [r for r in results if r["method"] == method and (group is None or r["group"] == group)]
    return {k: float(np.mean([r[k] for r in sel])) for k in (*METRICS, "cover")}, len(sel)


def table(results, labels, groups) -> str:
    lines = ["| set | n | mean cover | method | PSNR (dB) ↑ | SSIM ↑ | MAE ↓ | SAM (°) ↓ |",
             "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for group, title in groups:
        for label in labels:
            m, n = mean_row(results, label, group)
            if n:
                lines.append(f"| {title} | {n} | {m['cover']:.0%} | {label} | {m['PSNR']:.2f} | "
                             f"{m['SSIM']:.4f} | {m['MAE']:.4f} | {m['SAM']:.2f} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def per_case_table(results, labels) -> str:
    cases = list(dict.fromkeys(r["case"] for r in results))
    cover = {r["case"]: r["cover"] for r in results}
    psnr = {(r["case"], r["method"]): r["PSNR"] for r in results}
    lines = ["| patch | cover | " + " | ".join(f"{label} PSNR" for label in labels) + " |",
             "|---|---|" + "---|" * len(labels)]  # fmt: skip
    for c in cases:
        cells = [f"{psnr[(c, label)]:.2f}" for label in labels]
        lines.append(f"| {c} | {cover[c]:.0%} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def sar_check(own, other, labels) -> str:
    """Mean PSNR with the own SAR vs another place's SAR, per model, and the per-case gaps."""
    lines = ["| model | PSNR own SAR (dB) | PSNR other place's SAR (dB) | own - other (dB) "
             "| per patch own - other (dB) |", "|---|---|---|---|---|"]  # fmt: skip
    for label in labels:
        a = [r["PSNR"] for r in own if r["method"] == label]
        b = [r["PSNR"] for r in other if r["method"] == label]
        gaps = ", ".join(f"{x - y:+.2f}" for x, y in zip(a, b))
        lines.append(f"| {label} | {np.mean(a):.2f} | {np.mean(b):.2f} | "
                     f"{np.mean(a) - np.mean(b):+.2f} | {gaps} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def picture(cases, outputs, others, labels, path: Path, picks) -> None:
    """Rows: picked cases; columns: SAR, cloudy, each model, MMCANet with another place's SAR,
    clear reference; one 2-98 % stretch per row (cloudy input and reference together)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mmcanet_core.engine.preview import percentiles, stretch

    models = [label for label in labels if label != IDENTITY]
    cols = ["SAR VV", "cloudy input", *models, f"{MMCANET},\nanother place's SAR",
            "clear reference (other day)"]  # fmt: skip
    fig, axes = plt.subplots(len(picks), len(cols), figsize=(2.3 * len(cols), 2.5 * len(picks)),
                             squeeze=False)  # fmt: skip
    for r, i in enumerate(picks):
        c = cases[i]
        low, high = percentiles(np.concatenate([c["clear"], c["cloudy"]], axis=2))
        images = [c["sar"][0], c["cloudy"], *(outputs[i][m] for m in models),
                  others[i].get(MMCANET), c["clear"]]  # fmt: skip
        for k, img in enumerate(images):
            ax = axes[r, k]
            ax.set_axis_off()
            if img is None:
                continue
            if k == 0:
                ax.imshow(img, cmap="gray", vmin=np.percentile(img, 2), vmax=np.percentile(img, 98))
            else:
                ax.imshow(stretch(img, low, high))
            ax.set_title(cols[k] if r == 0 else "", fontsize=7)
        axes[r, 0].text(0, -0.04, f"{c['name']} (REAL clouds, {c['cover']:.0%} cover)",
                        fontsize=7, transform=axes[r, 0].transAxes, va="top")  # fmt: skip
    fig.subplots_adjust(left=0.01, right=0.99, top=0.93, bottom=0.05, wspace=0.04, hspace=0.25)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def summary(results, other) -> str:
    """One paragraph with the held-out means and the SAR check, for the READMEs."""
    mean = {label: mean_row(results, label)[0] for label in (IDENTITY, BASELINE, MMCANET)}
    gap = {label: mean_row(results, label)[0]["PSNR"] - mean_row(other, label)[0]["PSNR"]
           for label in (BASELINE, MMCANET)}  # fmt: skip
    n = mean_row(results, IDENTITY)[1]
    return (
        f"On the {n} held-out real triplets (REAL clouds, each with its own Sentinel-1; never "
        f"trained on; `python scripts/demo_eval.py`, CPU), PSNR / SAM: cloudy input "
        f"{mean[IDENTITY]['PSNR']:.2f} dB / {mean[IDENTITY]['SAM']:.2f}°, DSen2-CR-style baseline "
        f"{mean[BASELINE]['PSNR']:.2f} dB / {mean[BASELINE]['SAM']:.2f}°, MMCANet "
        f"{mean[MMCANET]['PSNR']:.2f} dB / {mean[MMCANET]['SAM']:.2f}° (both trained the same "
        f"way, raw network output). SAR check: PSNR with each patch's own SAR minus PSNR with "
        f"another place's SAR is {gap[MMCANET]:+.2f} dB for MMCANet, {gap[BASELINE]:+.2f} dB for "
        "the baseline."
    )


def goals(results, other) -> str:
    """Issue 10's three goals on the held-out set, met or not, with the numbers."""
    mean = {label: mean_row(results, label)[0] for label in (IDENTITY, BASELINE, MMCANET)}
    ours, inp, base = mean[MMCANET], mean[IDENTITY], mean[BASELINE]
    gap = ours["PSNR"] - mean_row(other, MMCANET)[0]["PSNR"]
    beats_base = ours["PSNR"] > base["PSNR"] and ours["SAM"] < base["SAM"]

    def verdict(ok: bool) -> str:
        return "met" if ok else "**not met**"

    return "\n".join([
        "Goals (issue 10), on these held-out triplets:",
        "",
        f"- MMCANet beats the cloudy input in PSNR ({ours['PSNR']:.2f} vs {inp['PSNR']:.2f} dB) "
        f"and SAM ({ours['SAM']:.2f} vs {inp['SAM']:.2f}°): "
        f"{verdict(ours['PSNR'] > inp['PSNR'] and ours['SAM'] < inp['SAM'])}.",
        f"- Own SAR minus another place's SAR: {gap:+.2f} dB (goal >= +0.5 dB): "
        f"{verdict(gap >= 0.5)}.",
        f"- MMCANet beats the DSen2-CR-style baseline trained the same way in PSNR "
        f"({ours['PSNR']:.2f} vs {base['PSNR']:.2f} dB) and SAM ({ours['SAM']:.2f} vs "
        f"{base['SAM']:.2f}°): {verdict(beats_base)}.",
    ]) + "\n"


def update_block(path: Path, name: str, text: str) -> None:
    """Replace the text between ``<!-- demo_eval:name -->`` and ``<!-- /demo_eval -->``."""
    source = path.read_text()
    pattern = re.compile(rf"(<!-- demo_eval:{name} -->\n).*?(<!-- /demo_eval -->)", re.S)
    if not pattern.search(source):
        raise ValueError(f"{path} has no <!-- demo_eval:{name} --> block")
    path.write_text(pattern.sub(lambda m: m.group(1) + text.rstrip() + "\n" + m.group(2),
                                source))  # fmt: skip


def bench_1024(weights: str, threads: int = 2) -> float:
    """Seconds for predict_raster (raw) on a 1024^2 scene (the real p797 pair mirrored 4 x 4)."""
    import rasterio

    from mmcanet_core.inference import predict_raster

    torch.set_num_threads(threads)
    s1, _, s2c = (recipe.DATA / p for p in recipe.HELD_OUT_SEN12MSCR)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for src_path, name in ((s1, "sar.tif"), (s2c, "optical.tif")):
            with rasterio.open(src_path) as src:
                data = src.read()
                profile = src.profile
            data = np.pad(data, ((0, 0), (0, 768), (0, 768)), mode="reflect")[:, :1024, :1024]
            profile.update(width=1024, height=1024, tiled=True, blockxsize=256, blockysize=256)
            out = Path(tmp) / name
            with rasterio.open(out, "w", **profile) as dst:
                dst.write(data)
            paths.append(out)
        started = time.perf_counter()
        # raw: every tile through the network (p797 is nearly clear, so the default
        # compositing would skip most of them)
        predict_raster(paths[0], paths[1], Path(tmp) / "restored.tif", weights=weights,
                       device="cpu", raw=True)  # fmt: skip
        return time.perf_counter() - started


def load_models(paths):
    from mmcanet_core.weights.checkpoint import load_weights

    models = []
    for label, path in paths:
        if path and Path(path).is_file():
            model, meta = load_weights(path)
            n = sum(t.numel() for t in model.parameters())
            models.append((label, model))
            print(f"{label}: {path} ({n} parameters, {meta.get('steps')} steps, "
                  f"{meta.get('train_seconds')} s)")  # fmt: skip
        else:
            print(f"{label}: no weights at {path}; skipped")
    return models


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mmcanet", default=str(recipe.SHIPPED))
    p.add_argument("--dsen2cr", default=str(ROOT / "runs/demo/dsen2cr/last.safetensors"))
    p.add_argument("--out", default=str(ROOT / "runs" / "demo" / "eval"))
    p.add_argument("--img", default=str(ROOT / "docs" / "img" / "model_heldout.png"))
    p.add_argument("--validation", action="store_true",
                   help="evaluate on the recipe's VALIDATION data instead (recipe trials)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--bench", action="store_true", help="also time MMCANet on a 1024^2 scene")
    p.add_argument("--docs", action="store_true",
                   help="rewrite the generated blocks of the model card and the READMEs")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    models = load_models([(BASELINE, args.dsen2cr), (MMCANET, args.mmcanet)])
    cases = validation_cases() if args.validation else heldout_cases()
    rows = methods(models)
    labels = [label for label, _ in rows]
    results, outputs = evaluate(cases, rows)
    other, other_outputs = evaluate(cases, rows[1:], other_place_sar(cases))
    groups = [("real", "REAL clouds, own SAR"), ("synthetic", "SYNTHETIC clouds, own SAR")]
    text = (table(results, labels, groups) + "\n" + per_case_table(results, labels)
            + "\nSAR check (PSNR with each patch's own SAR vs the next patch's SAR):\n\n"
            + sar_check(results, other, labels[1:]))  # fmt: skip
    if len(models) == 2:
        text += "\n" + goals(results, other)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.md").write_text(text)
    with open(out / "per_case.csv", "w", newline="") as f:
        fields = ["sar", "group", "case", "cover", "method", *METRICS]
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows({"sar": "own", **r} for r in results)
        writer.writerows({"sar": "other place", **r} for r in other)
    print(text)
    if not args.validation:
        real = sorted(range(len(cases)), key=lambda i: cases[i]["cover"])
        picks = [real[len(real) // 2], real[-2], real[-1]]  # a middle, and the two cloudiest
        picture(cases, outputs, other_outputs, labels, Path(args.img), picks)
        print(f"wrote {args.img}")
    if args.docs and not args.validation and len(models) == 2:
        update_block(ROOT / "docs" / "model_card.md", "results", text)
        paragraph = summary(results, other)
        print(paragraph)
        for path in (ROOT / "README.md", ROOT / "mmcanet_core" / "checkpoints" / "README.md"):
            update_block(path, "summary", paragraph)
        print("rewrote the generated blocks of docs/model_card.md and the READMEs")
    print(f"wrote {out / 'results.md'}, {out / 'per_case.csv'}")
    if args.bench and Path(args.mmcanet).is_file():
        seconds = bench_1024(args.mmcanet, args.threads)
        print(f"MMCANet on a 1024 x 1024 scene (CPU, {args.threads} threads, default tiling): "
              f"{seconds:.1f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
