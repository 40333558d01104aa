"""Retrain the shipped demonstrator checkpoint (``make train-demo``) and its DSen2-CR baseline.

Both networks are trained for the same number of optimizer STEPS (``STEPS``), with the same batch,
crop, data, schedule and seed, so the result does not depend on how loaded the machine is. By
default the two run side by side (one process and one thread each, ``nice``); on a quiet 2-core
CPU that takes about 35 minutes (the model card has the measured times).

- ``mmcanet``: MMCANet at a reduced size, ``MMCANET_OPTIONS``;
- ``dsen2cr``: the DSen2-CR-style baseline at a reduced size, ``DSEN2CR_OPTIONS``.

Data: every real Sentinel-1 / Sentinel-2 pair this project holds (RGB = bands 4, 3, 2; nothing is
copied into the project), minus the held-out set. Each step draws whole images from the sources
with the probabilities ``SOURCE_WEIGHTS``, then a random ``--crop`` px crop with a random flip /
90-degree rotation:

- ``real_clouds``: the real triplets of ``../shared/data/sen12mscr_nogeo`` (REAL clouds, REAL
  SAR; s2_cloudy as input, s2 as target) except the held-out ids;
- ``synthetic``: real clear SAR/optical pairs with SYNTHETIC clouds
  (:func:`mmcanet_core.data.cloud_simulation.simulate`, drawn anew every step): the s1 + s2 of
  those same
  triplets, SEN12MS-CR ROIs1158_spring 101 p30-p32, the Sen1Floods11 chip Spain_7370579 (nearly
  clear L1C, cut into four 256 px tiles) and the 6 BigEarthNet pairs of ``bigearthnet-common``
  (S2 L2A, brought to L1C-like values by ``L2A_TO_L1C``);
- ``no_sar``: the 45 real SEN12MS-CR cloudy/clear pairs that have no Sentinel-1 (REAL clouds),
  with the SAR input ZERO, i.e. "no SAR" (the value a missing SAR pixel gets everywhere in this
  package), never an unrelated place's SAR.

Every other optical image is paired with ITS OWN SAR. Why the pairs without SAR get zeros and not
an unrelated SAR (an unrelated SAR taught the previous demonstrator to ignore SAR): measured on
the validation data, ``docs/model_card.md``, "Choices".

HELD OUT, never trained on (``scripts/demo_eval.py``): the real triplets with real clouds
``HELD_OUT`` (five sen12mscr_nogeo ids, every third by cloud-mask cover, and SEN12MS-CR
ROIs2017_winter 112 p797). Recipe choices were made on ``VALIDATION`` (two more nogeo ids, left
out of training only in trial runs, ``--validate``) and never on the held-out set.

Outputs under ``--out`` (default ``runs/demo``, gitignored): ``<model>/last.safetensors``,
``<model>/log.csv``, ``<model>.log``; at the end the MMCANet weights are copied to
``mmcanet_core/checkpoints/mmcanet_demo_rgb.safetensors`` (the plugin's default) and
``scripts/demo_eval.py`` writes the held-out table.

    python scripts/train_demo.py                       # both models, STEPS steps, side by side
    python scripts/train_demo.py --steps 300 --validate --no-ship --out runs/trial   # a trial
    python scripts/train_demo.py --model mmcanet --threads 2   # one model, in this process
"""

import argparse
import csv
import json
import math
import shutil
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch

from mmcanet_core.options import CHECKPOINT_DIR

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DATA = SHARED / "sen12mscr"
NOGEO = SHARED / "sen12mscr_nogeo"
FLOODS = SHARED / "sen1floods11"
SHIPPED = CHECKPOINT_DIR / "mmcanet_demo_rgb.safetensors"

# MMCANet reduced from the paper size (width 32, blocks (2, 2, 4, 8) / (2, 2), 32 bases): the
# same increasing block counts, ASPP rates 1:2:3 as in the paper but small enough that every tap
# of every branch reaches the image on the training crop's 12 x 12 high-level map (the paper's
# 6, 12, 18 would leave the outer taps of rates 12 and 18 untrained; ``models/aspp.py``).
MMCANET_OPTIONS = {"width": 16, "enc_blocks": [1, 1, 1, 2], "dec_blocks": [1, 1],
                   "num_bases": 8, "aspp_rates": [2, 4, 6], "fusion": "softmax"}  # fmt: skip
DSEN2CR_OPTIONS = {"width": 64, "blocks": 8}
OPTIONS = {"mmcanet": MMCANET_OPTIONS, "dsen2cr": DSEN2CR_OPTIONS}
STEPS, BATCH, CROP, LR = 1000, 4, 96, 5e-4
WARMUP = 20

RGB = ("B4", "B3", "B2")  # bands 4, 3, 2 (1-based)
# Held out: real triplets with REAL clouds and REAL SAR. sen12mscr_nogeo ids: sorted by the cover
# of their cloud mask (0 % ... 100 %), every third from the second.
HELD_OUT_NOGEO = ("2729", "5254", "4065", "7264", "6780")
HELD_OUT_SEN12MSCR = (
    "ROIs2017_winter_s1/s1_112/ROIs2017_winter_s1_112_p797.tif",
    "ROIs2017_winter_s2/s2_112/ROIs2017_winter_s2_112_p797.tif",
    "ROIs2017_winter_s2_cloudy/s2_cloudy_112/ROIs2017_winter_s2_cloudy_112_p797.tif",
)
# Validation for recipe choices (trials with --validate leave them out of training).
VALIDATION_NOGEO = ("581", "6317")
# Real clear SEN12MS-CR s1 + s2 pairs (open water and shore), relative to DATA.
CLEAR_SEN12MSCR = [
    (f"ROIs1158_spring_s1/s1_101/ROIs1158_spring_s1_101_p{p}.tif",
     f"ROIs1158_spring_s2/s2_101/ROIs1158_spring_s2_101_p{p}.tif") for p in (30, 31, 32)
]  # fmt: skip
FLOODS_CHIP = ("Spain_7370579_S1Hand.tif", "Spain_7370579_S2Hand.tif")
FLOODS_TILE = 256
# BigEarthNet's S2 is L2A: DN / 10000 is surface reflectance (no offset in these 2017-18 products),
# which lacks the atmosphere's path reflectance that L1C (top of atmosphere) has. Added per band:
# the median over patches of the 1st percentile (dark objects) of our clear SEN12MS-CR L1C
# patches minus that of the six BigEarthNet L2A patches (B4 0.074 - 0.019, B3 0.097 - 0.034,
# B2 0.130 - 0.015): the haze of L1C, roughly, so that their colours match the L1C the model sees.
L2A_TO_L1C = {"B4": 0.056, "B3": 0.063, "B2": 0.115}
SOURCE_WEIGHTS = {"real_clouds": 0.375, "synthetic": 0.375, "no_sar": 0.25}
# Default inference tile of the shipped weights: whole 256 px patches, as in the held-out table.
INFERENCE_TILE = 256
TRAIN_SEED = 0


def rgb_indices():
    from mmcanet_core.preprocess import S2_BANDS

    return [S2_BANDS.index(b) for b in RGB]


def load_pair(s1_path, s2_path):
    """(sar (2, H, W), RGB reflectance (3, H, W)) float32 in [0, 1] from an s1 and an s2 file."""
    from rasterio.errors import NotGeoreferencedWarning

    from mmcanet_core.data.sen12mscr import read_dn, read_sar, to_unit

    with warnings.catch_warnings():  # sen12mscr_nogeo has no georeference; none is needed
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        sar = read_sar(s1_path)
        rgb = to_unit(read_dn(s2_path))[rgb_indices()]
    return sar.astype(np.float32), rgb.astype(np.float32)


def nogeo_triplets(ids):
    """[(name, sar, cloudy RGB, clear RGB)] of sen12mscr_nogeo ids (REAL clouds, REAL SAR)."""
    from mmcanet_core.data.folders import find_folder_triplets

    found = {t.id: t for t in find_folder_triplets(NOGEO)[0]}
    out = []
    for i in ids:
        t = found[i]
        sar, clear = load_pair(t.paths["s1"], t.paths["s2"])
        out.append((f"nogeo_{i}", sar, load_pair(t.paths["s1"], t.paths["s2_cloudy"])[1], clear))
    return out


def held_out_triplets():
    """The held-out real triplets [(name, sar, cloudy RGB, clear RGB)] (see module docstring)."""
    s1, s2, s2c = (DATA / p for p in HELD_OUT_SEN12MSCR)
    sar, clear = load_pair(s1, s2)
    winter = ("ROIs2017_winter_112_p797", sar, load_pair(s1, s2c)[1], clear)
    return nogeo_triplets(HELD_OUT_NOGEO) + [winter]


def training_ids(validate: bool):
    """The sen12mscr_nogeo ids trained on: all but the held-out (and, with ``validate``, val)."""
    from mmcanet_core.data.folders import find_folder_triplets

    left_out = set(HELD_OUT_NOGEO) | (set(VALIDATION_NOGEO) if validate else set())
    return [t.id for t in find_folder_triplets(NOGEO)[0] if t.id not in left_out]


def floods_tiles():
    """[(name, sar, clear RGB)]: the Sen1Floods11 chip cut into four 256 px tiles."""
    sar, rgb = load_pair(*(FLOODS / f for f in FLOODS_CHIP))
    t = FLOODS_TILE
    return [(f"Spain_7370579_{y}_{x}", sar[:, y:y + t, x:x + t], rgb[:, y:y + t, x:x + t])
            for y in range(0, rgb.shape[1] - t + 1, t)
            for x in range(0, rgb.shape[2] - t + 1, t)]  # fmt: skip


def no_sar_pairs():
    """[(name, cloudy RGB, clear RGB)]: the SEN12MS-CR cloudy/clear pairs that lack s1."""
    from mmcanet_core.data.sen12mscr import find_triplets, read_dn, to_unit

    found, _ = find_triplets(DATA, require=("s2", "s2_cloudy"), warn=False)
    return [(t.key, *(to_unit(read_dn(t.paths[k]))[rgb_indices()].astype(np.float32)
                      for k in ("s2_cloudy", "s2")))
            for t in found if "s1" not in t.paths]  # fmt: skip


def bigearthnet_pairs():
    """[(name, sar, L1C-like RGB)]: the 6 BigEarthNet pairs, L2A + ``L2A_TO_L1C``."""
    from mmcanet_core.data.bigearthnet import load_pairs
    from mmcanet_core.data.sen12mscr import to_unit

    offset = np.array([L2A_TO_L1C[b] for b in RGB], np.float32)[:, None, None]
    return [(p.name, p.sar.astype(np.float32),
             np.clip(to_unit(p.dn)[rgb_indices()] + offset, 0, 1).astype(np.float32))
            for p in load_pairs()]  # fmt: skip


class TrainingData:
    """The demonstrator's training sources (module docstring) and a sampler of whole images."""

    def __init__(self, validate: bool = False):
        triplets = nogeo_triplets(training_ids(validate))
        clear = [(name, sar, target) for name, sar, _, target in triplets]
        clear += [(Path(s2).stem, *load_pair(DATA / s1, DATA / s2)) for s1, s2 in CLEAR_SEN12MSCR]
        self.sources = {
            "real_clouds": triplets,
            "synthetic": clear + floods_tiles() + bigearthnet_pairs(),
            "no_sar": no_sar_pairs(),
        }

    def describe(self) -> str:
        return "; ".join(f"{k}: {len(v)} images" for k, v in self.sources.items())

    def names(self) -> set:
        return {item[0] for items in self.sources.values() for item in items}

    def sample(self, rng: np.random.Generator):
        """One whole (sar, cloudy, clear) image triple, float32 arrays (C, H, W) in [0, 1]."""
        from mmcanet_core.data.cloud_simulation import simulate

        kinds = list(SOURCE_WEIGHTS)
        kind = kinds[int(rng.choice(len(kinds), p=[SOURCE_WEIGHTS[k] for k in kinds]))]
        items = self.sources[kind]
        item = items[int(rng.integers(len(items)))]
        if kind == "real_clouds":
            return item[1], item[2], item[3]
        if kind == "no_sar":  # SAR zero: "no SAR" (module docstring)
            _, cloudy, clear = item
            return np.zeros((2, *clear.shape[1:]), np.float32), cloudy, clear
        _, sar, clear = item
        cloudy, _ = simulate(clear, rng, bands=RGB)  # clouds on the whole image, then the crop
        return sar, cloudy.astype(np.float32), clear


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


def trained_on(data: TrainingData, steps: int, batch: int, crop: int) -> str:
    real = ", ".join(name for name, *_ in data.sources["real_clouds"])
    clear = ", ".join(name for name, *_ in data.sources["synthetic"])
    held = ", ".join(f"nogeo_{i}" for i in HELD_OUT_NOGEO)
    weights = ", ".join(f"{k} {v:g}" for k, v in SOURCE_WEIGHTS.items())
    return (
        f"real images, RGB B4,B3,B2. (a) REAL clouds + own REAL SAR: sen12mscr_nogeo triplets "
        f"{real}. (b) SYNTHETIC clouds (mmcanet_core.data.cloud_simulation) on real clear "
        f"SAR/optical pairs: {clear} (BigEarthNet L2A + L1C haze offset). (c) REAL clouds, no SAR "
        f"(input "
        f"zero): the {len(data.sources['no_sar'])} SEN12MS-CR s2_cloudy/s2 pairs without s1. "
        f"Sampled {weights}. {steps} steps of batch {batch}, random {crop} px crops, identity "
        f"initialisation. Held out: {held}, ROIs2017_winter_112_p797. Recipe: "
        "scripts/train_demo.py (make train-demo)."
    )


def lr_at(step: int, steps: int, lr: float) -> float:
    """Linear warm-up over ``WARMUP`` steps, then cosine decay to 1 % at the last step."""
    return lr * min(1.0, (step + 1) / WARMUP) * (
        0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * step / steps))
    )


def train_one(name: str, steps: int, out: Path, crop: int, batch: int, lr: float, threads: int,
              validate: bool = False, options=None) -> Path:  # fmt: skip
    """Train ``name`` for ``steps`` optimizer steps; returns the weights path."""
    from mmcanet_core.models import build_model
    from mmcanet_core.training.losses import RestorationLoss
    from mmcanet_core.weights.checkpoint import save_weights

    torch.set_num_threads(threads)
    torch.manual_seed(TRAIN_SEED)
    rng = np.random.default_rng(TRAIN_SEED)
    run = out / name
    run.mkdir(parents=True, exist_ok=True)
    data = TrainingData(validate)
    options = dict(options or OPTIONS[name], in_channels=3)
    model = build_model(name, **options)
    # Start from the identity: both networks add a predicted residual to the cloudy input, so a
    # zero last convolution makes the untrained network return its input unchanged.
    torch.nn.init.zeros_(model.tail.weight)
    torch.nn.init.zeros_(model.tail.bias)
    params = sum(p.numel() for p in model.parameters())
    print(f"[{name}] {params} parameters, options {options}; {data.describe()}; {steps} steps, "
          f"crop {crop}, batch {batch}, lr {lr}, {threads} thread(s)", flush=True)  # fmt: skip
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    loss_fn = RestorationLoss(ssim_weight=1.0)
    weights = run / "last.safetensors"
    meta = dict(name=name, options=options, optical_bands=(4, 3, 2), patch_size=crop,
                trained_on=trained_on(data, steps, batch, crop),
                inference_tile=INFERENCE_TILE)  # fmt: skip
    wall, cpu = time.perf_counter(), time.process_time()
    ema = None
    with open(run / "log.csv", "w", newline="") as f:
        log = csv.writer(f)
        log.writerow(["step", "seconds", "cpu_seconds", "lr", "loss", "loss_ema"])
        for step in range(steps):
            for group in optimizer.param_groups:
                group["lr"] = lr_at(step, steps, lr)
            sar, cloudy, target = sample_batch(data, rng, batch, crop)
            loss = loss_fn(model.forward_stages(sar, cloudy), target)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            value = loss.item()
            ema = value if ema is None else 0.95 * ema + 0.05 * value
            seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
            log.writerow([step + 1, round(seconds, 1), round(cpu_seconds, 1),
                          f"{lr_at(step, steps, lr):.3g}", f"{value:.4f}",
                          f"{ema:.4f}"])  # fmt: skip
            f.flush()
            if (step + 1) % 50 == 0:
                print(f"[{name}] step {step + 1}/{steps}, {seconds / 60:.1f} min "
                      f"({cpu_seconds / 60:.1f} CPU), loss ema {ema:.4f}", flush=True)  # fmt: skip
            if (step + 1) % 500 == 0 and step + 1 < steps:
                save_weights(weights, model.eval(), steps=step + 1, **meta)
                model.train()
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    save_weights(weights, model.eval(), steps=steps, train_seconds=round(seconds, 1),
                 train_cpu_seconds=round(cpu_seconds, 1), final_loss_ema=round(ema, 4),
                 parameters=params, **meta)  # fmt: skip
    print(f"[{name}] done: {steps} steps in {seconds / 60:.1f} min ({cpu_seconds / 60:.1f} CPU "
          f"min), loss ema {ema:.4f}; wrote {weights}", flush=True)  # fmt: skip
    return weights


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", choices=sorted(OPTIONS), help="train only this one (in-process)")
    p.add_argument("--steps", type=int, default=STEPS, help="optimizer steps per model")
    p.add_argument("--crop", type=int, default=CROP, help="training crop size, px (<= 120)")
    p.add_argument("--batch", type=int, default=BATCH)
    p.add_argument("--lr", type=float, default=LR)
    p.add_argument("--threads", type=int, default=None, help="torch threads per model")
    p.add_argument("--sequential", action="store_true", help="one model after the other")
    p.add_argument("--validate", action="store_true",
                   help="trial run: leave the VALIDATION ids out and evaluate on them")
    p.add_argument("--options", type=json.loads, help="model options (JSON), for trials")
    p.add_argument("--out", default=str(ROOT / "runs" / "demo"))
    p.add_argument("--no-ship", dest="ship", action="store_false",
                   help="do not copy the MMCANet weights to mmcanet_core/checkpoints/")
    p.add_argument("--no-eval", dest="evaluate", action="store_false")
    args = p.parse_args(argv)
    out = Path(args.out)
    missing = [d for d in (DATA, NOGEO, FLOODS) if not d.is_dir()]
    if missing:
        print(f"data not found: {', '.join(map(str, missing))} (the shared data beside the "
              "checkout, ../shared/data)")  # fmt: skip
        return 2
    if args.model:
        train_one(args.model, args.steps, out, args.crop, args.batch, args.lr, args.threads or 2,
                  args.validate, args.options)  # fmt: skip
        return 0
    out.mkdir(parents=True, exist_ok=True)
    cmd = ["nice", sys.executable, __file__, "--steps", str(args.steps), "--crop", str(args.crop),
           "--batch", str(args.batch), "--lr", str(args.lr), "--out", str(out)]  # fmt: skip
    cmd += ["--validate"] if args.validate else []
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
        evaluation = [sys.executable, str(ROOT / "scripts" / "demo_eval.py"),
                      "--mmcanet", str(out / "mmcanet" / "last.safetensors"),
                      "--dsen2cr", str(out / "dsen2cr" / "last.safetensors")]  # fmt: skip
        evaluation += ["--validation", "--out", str(out / "eval")] if args.validate else []
        return subprocess.call(evaluation)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
