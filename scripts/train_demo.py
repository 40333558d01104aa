"""Retrain the shipped demonstrator checkpoint (``make train-demo``) and its DSen2-CR baseline.

What it trains, on the CPU, within a fixed WALL-CLOCK budget per model (not a number of epochs):

- ``mmcanet`` (the default MMCANet) at a reduced width, ``MMCANET_OPTIONS``;
- ``dsen2cr`` (the DSen2-CR-style baseline) at a reduced size, ``DSEN2CR_OPTIONS``;

both on EXACTLY the same data, the same recipe and the same wall-time budget. By default the two
run side by side (one process each, ``torch.set_num_threads(1)`` each), so that they share the
same machine load; ``--sequential`` runs them one after the other with 2 threads each instead.

Data (real Sentinel-1/-2, RGB = bands 4, 3, 2, SYNTHETIC clouds from
``mmcanet_core.data.clouds.simulate``; nothing is copied into the project):

- TRAIN (``TRAIN_SEN12MSCR`` + ``TRAIN_BIGEARTHNET``): the cloud-free SEN12MS-CR s1+s2 pairs
  ROIs1158_spring 101 p30 and p31 (256 px, 10 m) from ``../shared/data/sen12mscr`` and the
  BigEarthNet pairs 1-5 of ``bigearthnet-common`` (120 px, 10 m; S2 is L2A there). Every step draws
  new SYNTHETIC clouds (thick fractal clouds, haze, shadows) on the whole clear image, then takes
  a random ``--crop`` px crop with a random flip / 90-degree rotation.
- HELD OUT, never seen in training (``scripts/demo_eval.py``):
  (i) SEN12MS-CR ROIs1158_spring 101 p32 and BigEarthNet S2B_MSIL2A_20180204T94161_57_38 with
  SYNTHETIC clouds drawn from fixed seeds (``EVAL_DRAWS`` draws each, full patch);
  (ii) the one real complete cloudy triplet ROIs2017_winter 112 p797 (REAL clouds: s2_cloudy vs
  s2, taken on different days).

Outputs under ``--out`` (default ``runs/demo``, gitignored): ``<model>/last.safetensors``,
``<model>/log.csv``, ``<model>/train.log``; at the end the MMCANet weights are copied to
``mmcanet_core/checkpoints/mmcanet_demo_rgb.safetensors`` (the plugin's default) and
``scripts/demo_eval.py`` writes the held-out table.

    python scripts/train_demo.py                      # both models, 28 min each, side by side
    python scripts/train_demo.py --minutes 5 --no-ship  # a quick try
    python scripts/train_demo.py --model mmcanet --minutes 28 --threads 2   # one model
"""

import argparse
import csv
import math
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "sen12mscr"
SHIPPED = ROOT / "mmcanet_core" / "checkpoints" / "mmcanet_demo_rgb.safetensors"

MMCANET_OPTIONS = {"width": 16, "enc_blocks": [1, 1, 1, 1], "dec_blocks": [1, 1], "num_bases": 8}
DSEN2CR_OPTIONS = {"width": 64, "blocks": 8}
OPTIONS = {"mmcanet": MMCANET_OPTIONS, "dsen2cr": DSEN2CR_OPTIONS}

RGB = ("B4", "B3", "B2")  # bands 4, 3, 2 (1-based)
# Real cloud-free SEN12MS-CR s1 + s2 pairs, relative to ../shared/data/sen12mscr.
TRAIN_SEN12MSCR = [
    ("ROIs1158_spring_s1/s1_101/ROIs1158_spring_s1_101_p30.tif",
     "ROIs1158_spring_s2/s2_101/ROIs1158_spring_s2_101_p30.tif"),
    ("ROIs1158_spring_s1/s1_101/ROIs1158_spring_s1_101_p31.tif",
     "ROIs1158_spring_s2/s2_101/ROIs1158_spring_s2_101_p31.tif"),
]  # fmt: skip
TEST_SEN12MSCR = [
    ("ROIs1158_spring_s1/s1_101/ROIs1158_spring_s1_101_p32.tif",
     "ROIs1158_spring_s2/s2_101/ROIs1158_spring_s2_101_p32.tif"),
]  # fmt: skip
# Real BigEarthNet pairs in bigearthnet-common 2.8.0 (named by their S2 patch).
TRAIN_BIGEARTHNET = [
    "S2A_MSIL2A_20170613T101031_87_48",
    "S2A_MSIL2A_20170617T113321_36_85",
    "S2A_MSIL2A_20170617T113321_4_55",
    "S2B_MSIL2A_20170924T93020_69_24",
    "S2A_MSIL2A_20171221T112501_56_35",
]
TEST_BIGEARTHNET = ["S2B_MSIL2A_20180204T94161_57_38"]
# The one real complete cloudy triplet (REAL clouds), s1, s2 (clear), s2_cloudy.
TEST_REAL_TRIPLET = (
    "ROIs2017_winter_s1/s1_112/ROIs2017_winter_s1_112_p797.tif",
    "ROIs2017_winter_s2/s2_112/ROIs2017_winter_s2_112_p797.tif",
    "ROIs2017_winter_s2_cloudy/s2_cloudy_112/ROIs2017_winter_s2_cloudy_112_p797.tif",
)
EVAL_DRAWS = 8  # fixed synthetic cloud draws per held-out clear pair
EVAL_SEED = 20250
TRAIN_SEED = 0


def rgb_indices():
    from mmcanet_core.preprocess import S2_BANDS

    return [S2_BANDS.index(b) for b in RGB]


def load_sen12mscr_pair(s1_rel, s2_rel):
    """(sar (2, H, W), clear RGB reflectance (3, H, W)) in [0, 1], float32."""
    from mmcanet_core.data.sen12mscr import read_dn, read_sar, to_unit

    sar = read_sar(DATA / s1_rel)
    rgb = to_unit(read_dn(DATA / s2_rel))[rgb_indices()]
    return sar.astype(np.float32), rgb.astype(np.float32)


def load_bigearthnet_pair(name):
    from mmcanet_core.data.bigearthnet import load_pairs
    from mmcanet_core.data.sen12mscr import to_unit

    pair = next(p for p in load_pairs() if p.name == name)
    return pair.sar.astype(np.float32), to_unit(pair.dn)[rgb_indices()].astype(np.float32)


def load_train_pairs():
    pairs = [(Path(s2).stem, *load_sen12mscr_pair(s1, s2)) for s1, s2 in TRAIN_SEN12MSCR]
    pairs += [(n, *load_bigearthnet_pair(n)) for n in TRAIN_BIGEARTHNET]
    return pairs


def trained_on(minutes: float, crop: int) -> str:
    files = [Path(s2).name for _, s2 in TRAIN_SEN12MSCR] + [Path(s1).name for s1, _ in
                                                             TRAIN_SEN12MSCR]  # fmt: skip
    return (
        "real Sentinel-1/-2 pairs with SYNTHETIC clouds (mmcanet_core.data.clouds.simulate), "
        f"RGB B4,B3,B2: SEN12MS-CR cloud-free s1+s2 {', '.join(sorted(files))}; BigEarthNet "
        f"(bigearthnet-common 2.8.0) S1/S2-L2A pairs {', '.join(TRAIN_BIGEARTHNET)}. "
        f"Budget: {minutes:g} min wall clock on 2 shared CPU cores, random {crop} px crops. "
        "Held out: SEN12MS-CR ROIs1158_spring_101_p32, BigEarthNet "
        f"{TEST_BIGEARTHNET[0]}, real cloudy triplet ROIs2017_winter_112_p797. "
        "Recipe: scripts/train_demo.py (make train-demo)."
    )


def sample_batch(pairs, rng: np.random.Generator, batch: int, crop: int):
    """A batch of (sar, cloudy, target) crops with fresh SYNTHETIC clouds."""
    from mmcanet_core.data.clouds import simulate

    sars, cloudies, targets = [], [], []
    for _ in range(batch):
        _, sar, clear = pairs[int(rng.integers(len(pairs)))]
        cloudy, _ = simulate(clear, rng, bands=RGB)  # clouds over the whole patch, then crop
        h, w = clear.shape[-2:]
        y, x = int(rng.integers(0, h - crop + 1)), int(rng.integers(0, w - crop + 1))
        stack = np.concatenate([sar, cloudy, clear])[:, y : y + crop, x : x + crop]
        stack = np.rot90(stack, int(rng.integers(4)), axes=(1, 2))
        if rng.random() < 0.5:
            stack = stack[:, :, ::-1]
        stack = torch.from_numpy(np.ascontiguousarray(stack))
        sars.append(stack[:2])
        cloudies.append(stack[2:5])
        targets.append(stack[5:])
    return torch.stack(sars), torch.stack(cloudies), torch.stack(targets)


def train_one(name: str, minutes: float, out: Path, crop: int, batch: int, lr: float,
              threads: int) -> Path:  # fmt: skip
    """Train ``name`` for ``minutes`` of wall clock; returns the weights path."""
    from mmcanet_core.losses import RestorationLoss
    from mmcanet_core.models import build_model
    from mmcanet_core.weights import save_weights

    torch.set_num_threads(threads)
    torch.manual_seed(TRAIN_SEED)
    rng = np.random.default_rng(TRAIN_SEED)
    run = out / name
    run.mkdir(parents=True, exist_ok=True)
    pairs = load_train_pairs()
    options = dict(OPTIONS[name], in_channels=3)
    model = build_model(name, **options)
    params = sum(p.numel() for p in model.parameters())
    print(f"[{name}] {params} parameters, options {options}; {len(pairs)} training pairs: "
          f"{[p[0] for p in pairs]}; budget {minutes} min, crop {crop}, batch {batch}, "
          f"lr {lr}, {threads} thread(s)", flush=True)  # fmt: skip
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = RestorationLoss(ssim_weight=1.0)
    weights = run / "last.safetensors"
    meta = dict(name=name, options=options, optical_bands=(4, 3, 2),
                trained_on=trained_on(minutes, crop), patch_size=crop)  # fmt: skip
    budget, warmup = minutes * 60.0, 20
    started = last_save = time.perf_counter()
    step, ema, rows = 0, None, []
    with open(run / "log.csv", "w", newline="") as f:
        log = csv.writer(f)
        log.writerow(["step", "seconds", "lr", "loss", "loss_ema"])
        while True:
            elapsed = time.perf_counter() - started
            if elapsed >= budget:
                break
            # Time-based schedule: linear warm-up, then cosine decay to 1 % at the budget's end.
            scale = min(1.0, (step + 1) / warmup) * (
                0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * elapsed / budget))
            )
            for group in optimizer.param_groups:
                group["lr"] = lr * scale
            sar, cloudy, target = sample_batch(pairs, rng, batch, crop)
            loss = loss_fn(model.forward_stages(sar, cloudy), target)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            step += 1
            value = loss.item()
            ema = value if ema is None else 0.95 * ema + 0.05 * value
            rows.append(value)
            log.writerow([step, round(elapsed, 1), f"{lr * scale:.3g}", f"{value:.4f}",
                          f"{ema:.4f}"])  # fmt: skip
            f.flush()
            if step % 10 == 0:
                print(f"[{name}] step {step}, {elapsed / 60:.1f} min, loss {value:.4f} "
                      f"(ema {ema:.4f}), lr {lr * scale:.2e}", flush=True)  # fmt: skip
            if time.perf_counter() - last_save > 180:
                save_weights(weights, model.eval(), steps=step, **meta)
                model.train()
                last_save = time.perf_counter()
    total = time.perf_counter() - started
    save_weights(weights, model.eval(), steps=step, train_seconds=round(total, 1),
                 final_loss_ema=round(ema or 0.0, 4), parameters=params, **meta)  # fmt: skip
    print(f"[{name}] done: {step} steps in {total / 60:.1f} min, loss ema {ema:.4f}; "
          f"wrote {weights}", flush=True)  # fmt: skip
    return weights


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", choices=sorted(OPTIONS), help="train only this one (in-process)")
    p.add_argument("--minutes", type=float, default=28.0, help="wall-clock budget per model")
    p.add_argument("--crop", type=int, default=64, help="training crop size, px (<= 120)")
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--threads", type=int, default=None, help="torch threads per model")
    p.add_argument("--sequential", action="store_true", help="one model after the other")
    p.add_argument("--out", default=str(ROOT / "runs" / "demo"))
    p.add_argument("--no-ship", dest="ship", action="store_false",
                   help="do not copy the MMCANet weights to mmcanet_core/checkpoints/")
    p.add_argument("--no-eval", dest="evaluate", action="store_false")
    args = p.parse_args(argv)
    out = Path(args.out)
    if not DATA.is_dir():
        print(f"data not found: {DATA} (the shared SEN12MS-CR subset beside the checkout)")
        return 2
    if args.model:
        train_one(args.model, args.minutes, out, args.crop, args.batch, args.lr,
                  args.threads or 2)  # fmt: skip
        return 0
    out.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, __file__, "--minutes", str(args.minutes), "--crop", str(args.crop),
           "--batch", str(args.batch), "--lr", str(args.lr), "--out", str(out)]  # fmt: skip
    threads = args.threads or (2 if args.sequential else 1)
    procs = []
    for name in ("mmcanet", "dsen2cr"):
        full = cmd + ["--model", name, "--threads", str(threads)]
        log = open(out / f"{name}.log", "w")
        print(f"training {name}: log {out / f'{name}.log'}", flush=True)
        proc = subprocess.Popen(full, stdout=log, stderr=subprocess.STDOUT)
        if args.sequential:
            proc.wait()
        procs.append((name, proc))
    failed = [name for name, proc in procs if proc.wait() != 0]
    if failed:
        print(f"training failed: {failed}; see the logs under {out}")
        return 1
    if args.ship:
        SHIPPED.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out / "mmcanet" / "last.safetensors", SHIPPED)
        print(f"shipped {SHIPPED} ({SHIPPED.stat().st_size / 1e6:.1f} MB)")
    if args.evaluate:
        return subprocess.call([sys.executable, str(ROOT / "scripts" / "demo_eval.py"),
                                "--mmcanet", str(out / "mmcanet" / "last.safetensors"),
                                "--dsen2cr", str(out / "dsen2cr" / "last.safetensors")])
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
