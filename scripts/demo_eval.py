"""The model card's held-out table: identity vs DSen2-CR vs MMCANet on patches never trained on.

    python scripts/demo_eval.py                                   # shipped MMCANet + runs/demo
    python scripts/demo_eval.py --mmcanet A.safetensors --dsen2cr B.safetensors --out runs/eval
    python scripts/demo_eval.py --bench                           # + CPU time on a 1024^2 scene

Held-out data (see ``scripts/train_demo.py`` for the training list), RGB = bands 4, 3, 2, each
patch whole at its native 10 m resolution (no resize):

(i)  SYNTHETIC clouds on real clear pairs: SEN12MS-CR ROIs1158_spring 101 p32 (256 px) and
     BigEarthNet S2B_MSIL2A_20180204T94161_57_38 (120 px), ``EVAL_DRAWS`` fixed cloud draws each
     (``numpy.random.default_rng([EVAL_SEED, pair, draw])``, thick-cloud fraction
     0.95 (draw + 0.5) / EVAL_DRAWS, i.e. spread evenly over 0-95 %);
(ii) REAL clouds: the complete SEN12MS-CR triplet ROIs2017_winter 112 p797 (s2_cloudy as input,
     s2 as reference; the two were taken on different days, so even a perfect cloud removal
     does not reach the reference exactly).
(iii) REAL clouds, no SAR: the real cloudy/clear SEN12MS-CR pairs of the held-out ROIs
     ``REAL_TEST_ROIS`` (one ROI per season, each a place never trained on). They have no SAR;
     as in training, an UNRELATED real SAR image is given instead: ``UNRELATED_SAR``, the lone
     s1 patch ROIs1158_spring 100 p102 (never trained on either).

Metrics: ``mmcanet_core.metrics`` (the paper's eqs. 17-20: PSNR dB, SSIM, MAE, SAM degrees, on
[0, 1] reflectance; outputs clamped to [0, 1]; PSNR capped at 100). Writes ``results.md`` and
``per_case.csv`` into ``--out`` and a picture of held-out patches to ``--img``.
"""

import argparse
import csv
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
UNRELATED_SAR = "ROIs1158_spring_s1/s1_100/ROIs1158_spring_s1_100_p102.tif"
METRICS = ("PSNR", "SSIM", "MAE", "SAM")


def heldout_cases():
    """[(group, name, sar, cloudy, clear, cover)], float32 arrays (C, H, W) in [0, 1]."""
    from mmcanet_core.data.cloud_cover import cloud_cover
    from mmcanet_core.data.clouds import simulate
    from mmcanet_core.data.sen12mscr import read_dn, read_sar

    sources = [(Path(s2).stem, *recipe.load_sen12mscr_pair(s1, s2))
               for s1, s2 in recipe.TEST_SEN12MSCR]  # fmt: skip
    sources += [(n, *recipe.load_bigearthnet_pair(n)) for n in recipe.TEST_BIGEARTHNET]
    cases = []
    for i, (name, sar, clear) in enumerate(sources):
        for k in range(recipe.EVAL_DRAWS):
            rng = np.random.default_rng([recipe.EVAL_SEED, i, k])
            # Thick-cloud fraction spread evenly over 0-95 % (the paper's cover bins); the
            # rest (haze, shadows, texture) drawn from the fixed-seed generator.
            thick = 0.95 * (k + 0.5) / recipe.EVAL_DRAWS
            cloudy, info = simulate(clear, rng, bands=recipe.RGB, cover=thick)
            cover = float(((info.alpha > 0.5) | (info.shadow > 0.25)).mean())
            cases.append(("synthetic", f"{name} draw {k}", sar, cloudy.astype(np.float32),
                          clear, cover))  # fmt: skip
    s1, s2, s2c = (recipe.DATA / p for p in recipe.TEST_REAL_TRIPLET)
    sar, clear = recipe.load_sen12mscr_pair(s1, s2)
    _, cloudy = recipe.load_sen12mscr_pair(s1, s2c)
    cover = float(cloud_cover(read_dn(s2c), read_dn(s2)))
    cases.append(("real", "ROIs2017_winter_112_p797", sar, cloudy, clear, cover))
    unrelated = read_sar(recipe.DATA / UNRELATED_SAR).astype(np.float32)
    for name, cloudy, clear, triplet in recipe.load_real_cloud_pairs(recipe.REAL_TEST_ROIS):
        cover = cloud_cover(read_dn(triplet.paths["s2_cloudy"]), read_dn(triplet.paths["s2"]))
        cases.append(("real_nosar", name, unrelated, cloudy, clear, cover))
    return cases


@torch.no_grad()
def run_models(cases, models):
    """{case index: {method: restored (3, H, W)}} and per-case metric rows."""
    from mmcanet_core.metrics import all_metrics

    outputs, rows = [], []
    for group, name, sar, cloudy, clear, cover in cases:
        s, c, t = (torch.from_numpy(x)[None] for x in (sar, cloudy, clear))
        out = {IDENTITY: c}
        for label, model in models:
            out[label] = model(s, c).float().clamp(0, 1)
        outputs.append({k: v[0].numpy() for k, v in out.items()})
        for method, pred in out.items():
            vals = all_metrics(pred.double(), t.double(), reduction="none")
            row = {k: float(v[0]) for k, v in vals.items()}
            row["PSNR"] = min(row["PSNR"], 100.0)
            rows.append({"group": group, "case": name, "cover": cover, "method": method, **row})
    return outputs, rows


@torch.no_grad()
def sar_check(cases, models) -> str:
    """Does the network use the SAR? Set (ii) with its own SAR and with ``UNRELATED_SAR``."""
    from mmcanet_core.metrics import psnr

    _, name, sar, cloudy, clear, _ = next(c for c in cases if c[0] == "real")
    unrelated = next(c for c in cases if c[0] == "real_nosar")[2]  # set (iii)'s UNRELATED_SAR
    c, t = (torch.from_numpy(x)[None] for x in (cloudy, clear))
    lines = [f"SAR check on {name} (PSNR dB): own SAR vs unrelated SAR (ROIs1158_spring 100 p102)"]
    for label, model in models:
        own, other = (float(psnr(model(torch.from_numpy(s)[None], c).clamp(0, 1).double(),
                                 t.double())) for s in (sar, unrelated))  # fmt: skip
        lines.append(f"  {label}: {own:.2f} vs {other:.2f}")
    return "\n".join(lines)


def table(rows, methods) -> str:
    groups = [("synthetic", None, "(i) held-out clear pairs + SYNTHETIC clouds, all"),
              ("synthetic", "ROIs1158", "(i-a) SEN12MS-CR ROIs1158_spring_101_p32"),
              ("synthetic", "S2B_", "(i-b) BigEarthNet S2B_MSIL2A_20180204T94161_57_38"),
              ("real", None, "(ii) REAL clouds: ROIs2017_winter_112_p797"),
              ("real_nosar", None, "(iii) REAL clouds, unrelated SAR: 4 held-out ROIs, all"),
              ("real_nosar", "ROIs1158", "(iii-a) spring ROI 39"),
              ("real_nosar", "ROIs1868", "(iii-b) summer ROI 101"),
              ("real_nosar", "ROIs1970", "(iii-c) fall ROI 148"),
              ("real_nosar", "ROIs2017", "(iii-d) winter ROI 102")]  # fmt: skip
    lines = ["| held-out set | n | mean cover | method | PSNR (dB) ↑ | SSIM ↑ | MAE ↓ "
             "| SAM (°) ↓ |",
             "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for group, prefix, title in groups:
        for m in methods:
            sel = [r for r in rows if r["group"] == group and r["method"] == m
                   and (prefix is None or r["case"].startswith(prefix))]  # fmt: skip
            if not sel:
                continue
            mean = {k: float(np.mean([r[k] for r in sel])) for k in (*METRICS, "cover")}
            lines.append(f"| {title} | {len(sel)} | {mean['cover']:.0%} | {m} | "
                         f"{mean['PSNR']:.2f} | {mean['SSIM']:.4f} | {mean['MAE']:.4f} | "
                         f"{mean['SAM']:.2f} |")  # fmt: skip
    return "\n".join(lines) + "\n"


def picture(cases, outputs, methods, path: Path, picks) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mmcanet_core.preview import percentiles, stretch

    cols = ["SAR VV", "cloudy input"] + [m for m in methods if m != IDENTITY] + ["clear reference"]
    fig, axes = plt.subplots(len(picks), len(cols), figsize=(2.4 * len(cols), 2.6 * len(picks)),
                             squeeze=False)  # fmt: skip
    for r, i in enumerate(picks):
        group, name, sar, cloudy, clear, cover = cases[i]
        low, high = percentiles(np.concatenate([clear, cloudy], axis=2))  # shared stretch
        images = [sar[0]] + [outputs[i][m] for m in methods] + [clear]
        for c, img in enumerate(images):
            ax = axes[r, c]
            if c == 0:
                ax.imshow(img, cmap="gray", vmin=np.percentile(img, 2), vmax=np.percentile(img, 98))
            else:
                ax.imshow(stretch(img, low, high))
            ax.set_title(cols[c] if r == 0 else "", fontsize=8)
            ax.set_axis_off()
        tag = "SYNTHETIC clouds" if group == "synthetic" else "REAL clouds"
        tag += ", unrelated SAR" if group == "real_nosar" else ""
        axes[r, 0].text(0, -0.04, f"{name}\n({tag}, {cover:.0%} cover)", fontsize=7,
                        transform=axes[r, 0].transAxes, va="top")  # fmt: skip
    fig.subplots_adjust(left=0.01, right=0.99, top=0.95, bottom=0.06, wspace=0.05, hspace=0.3)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def bench_1024(weights: str, threads: int = 2) -> float:
    """Seconds for predict_raster on a 1024 x 1024 scene (the real p797 pair mirrored 4 x 4)."""
    import rasterio
    from rasterio.transform import Affine

    from mmcanet_core.inference import predict_raster

    torch.set_num_threads(threads)
    s1, _, s2c = (recipe.DATA / p for p in recipe.TEST_REAL_TRIPLET)
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for src_path, name in ((s1, "sar.tif"), (s2c, "optical.tif")):
            with rasterio.open(src_path) as src:
                data = src.read()
                profile = src.profile
            data = np.pad(data, ((0, 0), (0, 768), (0, 768)), mode="reflect")[:, :1024, :1024]
            t = profile["transform"]
            profile.update(width=1024, height=1024, tiled=True, blockxsize=256, blockysize=256,
                           transform=Affine(t.a, t.b, t.c, t.d, t.e, t.f))  # fmt: skip
            out = Path(tmp) / name
            with rasterio.open(out, "w", **profile) as dst:
                dst.write(data)
            paths.append(out)
        started = time.perf_counter()
        predict_raster(paths[0], paths[1], Path(tmp) / "restored.tif", weights=weights,
                       device="cpu")  # fmt: skip
        return time.perf_counter() - started


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mmcanet", default=str(recipe.SHIPPED))
    p.add_argument("--dsen2cr", default=str(ROOT / "runs/demo/dsen2cr/last.safetensors"))
    p.add_argument("--out", default=str(ROOT / "runs" / "demo" / "eval"))
    p.add_argument("--img", default=str(ROOT / "docs" / "img" / "model_heldout.png"))
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--bench", action="store_true", help="also time MMCANet on a 1024^2 scene")
    args = p.parse_args(argv)
    torch.set_num_threads(args.threads)
    from mmcanet_core.weights import load_weights

    models = []
    for label, path in (("DSen2-CR baseline", args.dsen2cr), ("MMCANet (ours)", args.mmcanet)):
        if path and Path(path).is_file():
            model, meta = load_weights(path)
            n = sum(t.numel() for t in model.parameters())
            models.append((label, model))
            print(f"{label}: {path} ({n} parameters, {meta.get('steps')} steps, "
                  f"{meta.get('train_seconds')} s)")  # fmt: skip
        else:
            print(f"{label}: no weights at {path}; skipped")
    cases = heldout_cases()
    outputs, rows = run_models(cases, models)
    methods = [IDENTITY] + [label for label, _ in models]
    text = table(rows, methods)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.md").write_text(text)
    with open(out / "per_case.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=["group", "case", "cover", "method", *METRICS])
        writer.writeheader()
        writer.writerows(rows)
    print(text)
    check = sar_check(cases, models)
    (out / "sar_check.txt").write_text(check + "\n")
    print(check)
    # One draw of each clear pair, the real triplet and the cloudiest real no-SAR pair.
    real = [i for i, c in enumerate(cases) if c[0] == "real"]
    nosar = [i for i, c in enumerate(cases) if c[0] == "real_nosar"]
    picks = [0, recipe.EVAL_DRAWS, *real, max(nosar, key=lambda i: cases[i][5])]
    picture(cases, outputs, methods, Path(args.img), picks)
    print(f"wrote {out / 'results.md'}, {out / 'per_case.csv'}, {args.img}")
    if args.bench and Path(args.mmcanet).is_file():
        seconds = bench_1024(args.mmcanet, args.threads)
        print(f"MMCANet on a 1024 x 1024 scene (CPU, {args.threads} threads, default tiling): "
              f"{seconds:.1f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
