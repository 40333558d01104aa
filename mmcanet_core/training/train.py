"""``python -m mmcanet_core train``: train any registered model on SEN12MS-CR or SYNTHETIC clouds.

Defaults are the paper's (Section IV-A): Adam, lr 1e-4 multiplied by 0.1 every 25 epochs,
50 epochs, batch 32, loss L1 + (1 - SSIM) (eqs. 13-16) on every stage of multi-stage models
(:class:`mmcanet_core.training.losses.RestorationLoss`), RGB at 128 x 128 (Section IV-B).

Configuration: built-in defaults < ``--config FILE`` (JSON, TOML or YAML) < command-line options;
the resolved configuration is saved as ``config.json`` in the run folder. The shipped
demonstrator is one such file (``configs/demo.json``, ``make train-demo``): data ``mixture``
(several real sources drawn with given probabilities, :mod:`mmcanet_core.data.mixture`), a
step-based run (``epochs`` x ``max_steps`` steps) with ``warmup_steps`` and ``schedule``
"cosine", ``init`` "identity", the uncertainty head trained with the Laplace NLL
(``nll_weight``). The run folder receives:

- ``best.safetensors`` — the best model by validation PSNR (``mmcanet_core.weights.checkpoint``
  format), ``last.safetensors`` — the weights after the last epoch (``ship`` copies them);
- ``resume.safetensors`` — model, optimizer (flattened to tensors + JSON), scheduler, history,
  written atomically after every epoch; ``--resume`` continues from it at the next epoch;
- ``log.csv`` (one row per epoch: loss, val loss/PSNR/SSIM/MAE/SAM, lr, seconds; row 0 is the
  untrained model), ``curves.png`` at the end, TensorBoard events if tensorboard is installed;
- with several processes, ``ranks.json``: per epoch, each rank's sample indices and a checksum
  of its weights (the data is split between ranks; the weights stay identical).

Devices: CUDA when present (``--device``), ``--amp`` for mixed precision (bfloat16 autocast; float16
with a GradScaler on GPUs without bfloat16, see ``amp_settings``), several GPUs
with ``torchrun --nproc_per_node N -m mmcanet_core train ...`` (DDP, DistributedSampler, process
group initialised from the environment; rank 0 validates and writes).

Errors: the configuration, the data folder and the model are checked (:func:`check_config`) and
the datasets built before anything is written; ``run`` prints bad input as one line and exits
with status 2. A run folder that already holds a run is not reused without ``--resume``, and a
run that fails or is interrupted before its first epoch is saved removes what it created
(``config.json``, ``log.csv``, TensorBoard events, the folder itself), nothing else.
"""

import csv
import hashlib
import json
import math
import os
import random
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional

import numpy as np
import torch
import torch.distributed as dist
from torch.utils.data import DataLoader, DistributedSampler
from tqdm import tqdm

from mmcanet_core.errors import ConfigError, WeightsError

DEFAULTS: Dict[str, Any] = {
    "model": "mmcanet",
    "model_options": {},
    "data": "sen12mscr",  # or "synthetic", "folders", "mixture" (see DATA_KINDS)
    "root": None,
    "sources": None,  # data "mixture": the weighted sources (mmcanet_core.data.mixture)
    "held_out": [],  # data "mixture": image names never loaded (held-out evaluation set)
    "validation": None,  # data "mixture": a "triplets" source of whole validation images
    "protocol": "paper",
    "train_split": "train",
    "val_split": "val",
    "val_data": None,  # defaults to `data`
    "bigearthnet": False,
    "bands": "rgb",
    "size": 128,
    "size_mode": "resize",
    "epochs": 50,
    "batch_size": 32,
    "lr": 1e-4,
    "lr_step": 25,
    "lr_gamma": 0.1,
    "schedule": "step",  # "step" (lr x lr_gamma every lr_step epochs) or "cosine" (per step)
    "warmup_steps": 0,
    "init": "default",  # or "identity": zero terminal convolutions (output = cloudy input)
    "nll_weight": 1.0,  # Laplace NLL weight for models with the uncertainty head
    "ssim_weight": 1.0,
    "seed": 0,
    "workers": 2,
    "amp": False,
    "device": "auto",
    "out": "runs/train",
    "resume": False,
    "max_steps": None,  # per epoch; data "mixture" draws exactly this many batches per epoch
    "max_patches": None,
    "val_max_patches": None,
    "ship": None,  # also write the last weights here at the end (the shipped checkpoint)
    "inference_tile": None,  # the tile the weights name for inference (recorded in them)
}
#: Files and folders a run writes into its folder (cleaned up if it fails before epoch 1 is saved).
RUN_FILES = ("config.json", "log.csv", "tensorboard", "curves.png", "best.safetensors",
             "last.safetensors", "resume.safetensors", "ranks.json")
DATA_KINDS = ["sen12mscr", "synthetic", "folders", "mixture"]
CSV_FIELDS = ["epoch", "train_loss", "val_loss", "val_psnr", "val_ssim", "val_mae", "val_sam",
              "lr", "seconds"]  # fmt: skip


def load_config_file(path) -> Dict[str, Any]:
    """Options from a JSON or YAML file; :class:`ConfigError` when it is missing or malformed."""
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"config file {path} does not exist; check the path.")
    try:
        text = path.read_text()
        if path.suffix.lower() in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text) or {}
        elif path.suffix.lower() == ".toml":
            try:
                import tomllib  # Python >= 3.11
            except ImportError:
                raise ConfigError(f"config file {path}: TOML needs Python 3.11 or later; use "
                                  "the JSON form of the same options.") from None
            data = tomllib.loads(text)
        else:
            data = json.loads(text)
    except Exception as exc:  # noqa: BLE001 - JSON, YAML and decoding errors alike
        raise ConfigError(
            f"config file {path} cannot be parsed ({type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}); fix its syntax (JSON, or YAML for "
            ".yaml/.yml)."
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(f"config file {path} must hold a mapping of options, not "
                          f"{type(data).__name__}.")
    data = {str(k).replace("-", "_"): v for k, v in data.items()}
    unknown = set(data) - set(DEFAULTS)
    if unknown:
        raise ConfigError(f"{path}: unknown options {sorted(unknown)}; the options are "
                          f"{', '.join(sorted(DEFAULTS))}.")
    return data


def resolve_config(args) -> Dict[str, Any]:
    """Defaults < config file < command line."""
    config = dict(DEFAULTS)
    if getattr(args, "config", None):
        config.update(load_config_file(args.config))
    for key in DEFAULTS:
        value = getattr(args, key, None)
        if value is not None:
            config[key] = value
    if config["root"] is None:
        raise ConfigError("no data folder: give --root (or `root` in the config file)")
    return config


def check_config(config: Dict[str, Any]) -> None:
    """Refuse a configuration that cannot train, before anything is created."""
    root = Path(str(config["root"]))
    if not root.is_dir():
        raise ConfigError(
            f"data folder {root} {'is not a folder' if root.exists() else 'does not exist'}; "
            "pass --root pointing at a SEN12MS-CR folder (ROIs*_<season>_<kind>/...) or a "
            "triplet folder (s1/, s2_cloudy/, s2/)."
        )
    for key in ("data", "val_data"):
        if config.get(key) not in (None, *DATA_KINDS):
            raise ConfigError(f"{key} {config[key]!r} is not one of {', '.join(DATA_KINDS)}.")
    for key, allowed in (("schedule", ("step", "cosine")), ("init", ("default", "identity"))):
        if config[key] not in allowed:
            raise ConfigError(f"{key} {config[key]!r} is not one of {', '.join(allowed)}.")
    if config["data"] == "mixture":
        _check_mixture(config)
    _check_numbers(config)
    _check_model_config(config)
    _check_device(str(config["device"]))
    _check_run_folder(Path(str(config["out"])), bool(config["resume"]))


def _check_numbers(config: Dict[str, Any]) -> None:
    rules = [("epochs", 1), ("batch_size", 1), ("lr_step", 1), ("workers", 0), ("warmup_steps", 0),
             ("max_steps", 1), ("max_patches", 1), ("val_max_patches", 1)]
    for key, low in rules:
        value = config[key]
        if value is None and key.startswith(("max_", "val_max_")):
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ConfigError(f"{key} {value!r} must be a whole number of at least {low}.")
    zero_ok = ("ssim_weight", "nll_weight")
    for key, low, high in (("lr", 0.0, 1.0), ("lr_gamma", 0.0, 1.0), ("ssim_weight", 0.0, 100.0),
                           ("nll_weight", 0.0, 100.0)):
        value = config[key]
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not number or not low <= value <= high or (value == 0 and key not in zero_ok):
            raise ConfigError(f"{key} {value!r} must be a number from {low:g} to {high:g}"
                              f"{'' if key in zero_ok else ' (not 0)'}.")
    size = config["size"]
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or size < 16
                             or size % 16):
        raise ConfigError(f"size {size!r} must be a multiple of 16 (the networks downsample by "
                          "16), e.g. 128 (the paper).")
    from mmcanet_core.data.sen12mscr import band_indices

    try:
        band_indices(config["bands"])
    except (ValueError, TypeError) as exc:
        raise ConfigError(str(exc)) from None


def _check_model_config(config: Dict[str, Any]) -> None:
    """The model is registered and builds with its options, within a sane size (no memory)."""
    from mmcanet_core.data.sen12mscr import band_indices
    from mmcanet_core.models import list_models
    from mmcanet_core.weights.checkpoint import check_model

    name, options = config["model"], config["model_options"]
    if not isinstance(name, str) or name.lower() not in list_models():
        raise ConfigError(f"unknown model {name!r}; choose one of {', '.join(list_models())}.")
    if not isinstance(options, dict):
        raise ConfigError(f"model_options {options!r} must be a mapping, e.g. {{\"width\": 8}}.")
    channels = len(band_indices(config["bands"]))
    model = {"name": name.lower(), "options": dict(options, in_channels=channels)}
    try:
        check_model("model_options", model, channels, fix="fix --model-options")
    except WeightsError as exc:
        raise ConfigError(str(exc)) from None


def _check_device(requested: str) -> None:
    try:
        device = torch.device("cuda" if requested == "auto" else requested)
    except RuntimeError:
        raise ConfigError(f"device {requested!r} is not auto, cpu, cuda or cuda:N.") from None
    if requested != "auto" and device.type == "cuda" and not torch.cuda.is_available():
        raise ConfigError(f"device {requested!r} requested but PyTorch sees no CUDA GPU; use "
                          "--device cpu or auto.")


def _check_run_folder(out: Path, resume: bool) -> None:
    if out.exists() and not out.is_dir():
        raise ConfigError(f"run folder {out} is a file; choose another --out.")
    held = [name for name in RUN_FILES if (out / name).exists()]
    if held and not resume:
        raise ConfigError(
            f"run folder {out} already holds a run ({', '.join(held)}); pass --resume to "
            "continue it, or choose another --out."
        )
    existing = next(p for p in [out, *out.parents] if p.exists())
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"cannot create run folder {out}: {existing} is not writable.")


def _check_mixture(config: Dict[str, Any]) -> None:
    """Data ``mixture``: every source is a mapping of a known kind and layout over an existing
    folder with a positive weight; a validation source and ``max_steps`` are given."""
    from mmcanet_core.data.mixture import KINDS

    sources, root = config["sources"], Path(str(config["root"]))
    if not isinstance(sources, list) or not sources:
        raise ConfigError("data mixture needs `sources`: a list of {kind, layout, root, weight} "
                          "(see mmcanet_core.data.mixture and configs/demo.json).")
    if not isinstance(config["validation"], dict):
        raise ConfigError("data mixture needs `validation`: a triplets source, e.g. {\"kind\": "
                          "\"triplets\", \"layout\": \"folders\", \"root\": ..., \"ids\": [...]}.")
    if config["max_steps"] is None:
        raise ConfigError("data mixture needs max_steps: the optimizer steps per epoch.")
    for i, spec in enumerate([*sources, dict(config["validation"], weight=1)]):
        where = "validation" if i == len(sources) else f"sources[{i}]"
        if not isinstance(spec, dict):
            raise ConfigError(f"{where} must be a mapping, not {spec!r}.")
        kind, layout = spec.get("kind"), spec.get("layout")
        if kind not in KINDS or layout not in KINDS[kind]:
            choices = ", ".join(f"{k} ({'/'.join(v)})" for k, v in KINDS.items())
            raise ConfigError(f"{where}: kind {kind!r} / layout {layout!r} is not one of "
                              f"{choices}.")
        weight = spec.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
            raise ConfigError(f"{where}: weight {weight!r} must be a positive number.")
        if not (root / str(spec.get("root"))).is_dir():
            raise ConfigError(f"{where}: folder {root / str(spec.get('root'))} does not exist; "
                              "source roots are relative to --root.")


# ----------------------------------------------------------------------------------------- data
def _limit(items: List, n: Optional[int], seed: int) -> List:
    if n is None or n >= len(items):
        return items
    picked = sorted(random.Random(seed).sample(range(len(items)), n))
    return [items[i] for i in picked]


def build_mixture(config: Dict[str, Any], train: bool, world: int = 1):
    """Data ``mixture``: the weighted sources (training) or the whole validation images."""
    from mmcanet_core.data.mixture import SourceMixture, WholeImages, load_source
    from mmcanet_core.data.sen12mscr import band_indices

    base, held = Path(str(config["root"])), list(config["held_out"] or [])
    bands = band_indices(config["bands"])
    if not train:
        spec = dict(config["validation"])
        images = load_source(spec, base, held)
        if spec.get("ids") is not None:
            wanted = {f"{Path(spec['root']).name}/{i}" for i in spec["ids"]}
            images = [im for im in images if im.name in wanted]
        return WholeImages(images, bands)
    sources = [dict(spec, images=load_source(spec, base, held)) for spec in config["sources"]]
    size = int(config["size"] or 96)
    small = [im.name for s in sources for im in s["images"] if min(im.clear.shape[1:]) < size]
    if small:
        raise ConfigError(f"size {size} is larger than {len(small)} source image(s) (e.g. "
                          f"{small[0]}); choose a size of at most their side.")
    length = int(config["max_steps"]) * int(config["batch_size"]) * world
    mixture = SourceMixture(sources, bands, size, length, seed=int(config["seed"]))
    if not mixture.sources:
        return WholeImages([], bands)
    return mixture


def build_dataset(config: Dict[str, Any], kind: str, split: str, train: bool, world: int = 1):
    """The dataset of ``kind`` (see ``DATA_KINDS``) restricted to the ROIs (ids) of ``split``."""
    if kind == "mixture":
        return build_mixture(config, train, world)
    from mmcanet_core.data.folders import TripletFolder, find_folder_triplets, select_ids
    from mmcanet_core.data.sen12mscr import SEN12MSCR, find_triplets
    from mmcanet_core.data.splits import select
    from mmcanet_core.data.synthetic import SyntheticCloudPairs

    limit = config["max_patches"] if train else config["val_max_patches"]
    common = dict(bands=config["bands"], size=config["size"], size_mode=config["size_mode"],
                  crop="random" if train else "center")  # fmt: skip
    if kind == "sen12mscr":
        triplets, _ = find_triplets(config["root"])
        triplets = _limit(select(triplets, split, config["protocol"]), limit, config["seed"])
        return SEN12MSCR(triplets=triplets, with_cloud_cover=False, **common)
    if kind == "folders":
        triplets, _ = find_folder_triplets(config["root"])
        triplets = _limit(select_ids(triplets, split, config["protocol"]), limit, config["seed"])
        return TripletFolder(triplets=triplets, with_cloud_cover=False, **common)
    if kind == "synthetic":
        pairs, _ = find_triplets(config["root"], require=("s1", "s2"))
        pairs = _limit(select(pairs, split, config["protocol"]), limit, config["seed"])
        # Validation clouds are drawn once (seed + 1000, epoch 0) and never change.
        return SyntheticCloudPairs(
            pairs,
            bigearthnet=bool(config["bigearthnet"]) and train,
            seed=config["seed"] + (0 if train else 1000),
            **common,
        )
    raise ValueError(f"unknown data kind {kind!r}")


# ------------------------------------------------------------------------------ checkpointing
def _flatten_optimizer(state: Dict[str, Any]):
    tensors, plain = {}, {"param_groups": state["param_groups"], "state": {}}
    for pid, entries in state["state"].items():
        plain["state"][str(pid)] = {}
        for name, value in entries.items():
            if torch.is_tensor(value):
                tensors[f"optimizer.{pid}.{name}"] = value.detach().cpu().contiguous()
            else:
                plain["state"][str(pid)][name] = value
    return tensors, plain


def _unflatten_optimizer(tensors: Dict[str, torch.Tensor], plain: Dict[str, Any]):
    state: Dict[int, Dict[str, Any]] = {int(k): dict(v) for k, v in plain["state"].items()}
    for key, value in tensors.items():
        if key.startswith("optimizer."):
            _, pid, name = key.split(".", 2)
            state.setdefault(int(pid), {})[name] = value
    return {"state": state, "param_groups": plain["param_groups"]}


def save_resume(
    path: Path,
    model,
    optimizer,
    scheduler,
    scaler,
    epoch: int,
    best: float,
    history: List[Dict[str, Any]],
    config: Dict[str, Any],
) -> None:
    """One safetensors file: model + optimizer tensors; the rest as JSON in its header."""
    from safetensors.torch import save_file

    tensors = {f"model.{k}": v.detach().cpu().contiguous().clone()
               for k, v in model.state_dict().items()}  # fmt: skip
    opt_tensors, opt_plain = _flatten_optimizer(optimizer.state_dict())
    tensors.update(opt_tensors)
    meta = {
        "epoch": epoch,
        "best_psnr": best,
        "history": history,
        "optimizer": opt_plain,
        "scheduler": scheduler.state_dict(),
        "scaler": scaler.state_dict(),
        "config": config,
    }
    fd, tmp = tempfile.mkstemp(prefix=".resume.", suffix=".part", dir=path.parent)
    os.close(fd)
    try:
        save_file(tensors, tmp, metadata={"resume": json.dumps(meta, default=float)})
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def load_resume(path: Path):
    """(model state dict, optimizer state dict, JSON part) of a resume file."""
    from safetensors import SafetensorError, safe_open
    from safetensors.torch import load_file

    try:
        with safe_open(str(path), framework="pt") as f:
            meta = json.loads(f.metadata()["resume"])
        tensors = load_file(str(path))
    except (SafetensorError, OSError, KeyError, TypeError, json.JSONDecodeError) as exc:
        raise ConfigError(
            f"resume file {path} cannot be read ({type(exc).__name__}: {exc}); it is damaged. "
            "Delete it to start again, or train into another --out."
        ) from None
    model_state = {k[len("model.") :]: v for k, v in tensors.items() if k.startswith("model.")}
    return model_state, _unflatten_optimizer(tensors, meta["optimizer"]), meta


# --------------------------------------------------------------------------------- the loop
def _setup_distributed(requested: str):
    """(device, rank, world size); DDP when torchrun set WORLD_SIZE > 1."""
    world = int(os.environ.get("WORLD_SIZE", "1"))
    if requested == "auto":
        requested = "cuda" if torch.cuda.is_available() else "cpu"
    if world > 1:
        local = int(os.environ.get("LOCAL_RANK", "0"))
        if requested.startswith("cuda"):
            torch.cuda.set_device(local)
            requested = f"cuda:{local}"
        dist.init_process_group("nccl" if requested.startswith("cuda") else "gloo")
        return torch.device(requested), dist.get_rank(), world
    return torch.device(requested), 0, 1


def _seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


@torch.no_grad()
def validate(model, loader, loss_fn, device) -> Dict[str, float]:
    """Mean val loss and the paper's metrics (eqs. 17-20) over every validation image."""
    from mmcanet_core.training.metrics import all_metrics

    model.eval()
    sums = {"loss": 0.0, "psnr": 0.0, "ssim": 0.0, "mae": 0.0, "sam": 0.0}
    count = 0
    for batch in loader:
        sar, cloudy, target = (batch[k].to(device) for k in ("sar", "cloudy", "target"))
        stages = model.forward_stages(sar, cloudy)
        sums["loss"] += float(loss_fn(stages, target)) * len(target)
        values = all_metrics(stages[-1].float().clamp(0, 1), target.float(), reduction="none")
        for name, v in values.items():
            sums[name.lower()] += (
                float(v.clamp(max=100.0).sum()) if name == "PSNR" else float(v.sum())
            )
        count += len(target)
    model.train()
    return {k: v / max(count, 1) for k, v in sums.items()}


def write_csv(path: Path, history: List[Dict[str, Any]]) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for row in history:
            writer.writerow({k: row.get(k, "") for k in CSV_FIELDS})


def plot_curves(path: Path, history: List[Dict[str, Any]]) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [r["epoch"] for r in history]
    fig, axes = plt.subplots(1, 3, figsize=(12, 3.5))
    trained = [r for r in history if r.get("train_loss") not in (None, "")]
    axes[0].plot(
        [r["epoch"] for r in trained], [r["train_loss"] for r in trained], "o-", label="train"
    )
    axes[0].plot(epochs, [r["val_loss"] for r in history], "s-", label="val")
    axes[0].set_title("loss (L1 + 1 - SSIM, all stages)")
    axes[0].legend()
    axes[1].plot(epochs, [r["val_psnr"] for r in history], "o-")
    axes[1].set_title("val PSNR (dB)")
    axes[2].plot(epochs, [r["val_ssim"] for r in history], "o-")
    axes[2].set_title("val SSIM")
    for ax in axes:
        ax.set_xlabel("epoch")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def train(config: Dict[str, Any]) -> Dict[str, Any]:
    """Run training as configured; returns a summary (run folder, best PSNR, epochs run).

    Raises :class:`ConfigError` before creating anything when the configuration or the data
    cannot train; removes what it created if it fails before the first epoch is saved.
    """
    config = dict(config)
    if config.get("val_data") is None:
        config["val_data"] = config["data"]
    check_config(config)
    _seed_everything(int(config["seed"]))
    world = int(os.environ.get("WORLD_SIZE", "1"))
    train_set = build_dataset(config, config["data"], config["train_split"], train=True,
                              world=world)  # fmt: skip
    val_set = build_dataset(config, config["val_data"], config["val_split"], train=False)
    if len(train_set) == 0 or len(val_set) == 0:
        raise ConfigError(
            f"empty data: {len(train_set)} training and {len(val_set)} validation patches "
            f"under {config['root']} (data {config['data']}/{config['val_data']}, protocol "
            f"{config['protocol']}, splits {config['train_split']}/{config['val_split']}); "
            "check --root, --protocol and the splits."
        )
    device, rank, world = _setup_distributed(str(config["device"]))
    folder = RunFolder(Path(config["out"]), active=rank == 0)
    with folder:
        return _fit(config, train_set, val_set, device, rank, world, folder)


class RunFolder:
    """The run folder: created on entry; what this run created is removed again if the block
    fails before :meth:`keep` (the first epoch saved). Files it did not create are never
    touched."""

    def __init__(self, out: Path, active: bool = True):
        self.out, self.active, self.kept = out, active, False
        self.before = set(os.listdir(out)) if out.is_dir() else None
        self.made = []  # folders this run created, outermost first
        if active:
            missing = [p for p in [out, *out.parents] if not p.exists()]
            self.made = list(reversed(missing))

    def __enter__(self):
        if self.active:
            self.out.mkdir(parents=True, exist_ok=True)
        return self

    def keep(self) -> None:
        self.kept = True

    def __exit__(self, kind, exc, tb):
        if kind is None or self.kept or not self.active:
            return False
        for name in RUN_FILES:
            path = self.out / name
            if self.before is not None and name in self.before:
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif path.exists():
                path.unlink()
        for path in self.out.glob(".*.part"):
            if self.before is None or path.name not in self.before:
                path.unlink()
        for folder in reversed(self.made):
            try:
                folder.rmdir()  # only when empty: anything else someone put there stays
            except OSError:
                break
        return False


@dataclass
class Run:
    """What one training run carries from step to step (built by :func:`_prepare`)."""

    config: Dict[str, Any]
    out: Path
    device: torch.device
    rank: int
    world: int
    model: torch.nn.Module
    net: torch.nn.Module  # the model as called in training (DDP-wrapped when world > 1)
    optimizer: Any
    scheduler: Any
    scaler: Any
    amp_dtype: Any
    loss_fn: Any
    steps_per_epoch: int
    meta: Dict[str, Any]
    writer: Any = None
    best: float = -math.inf
    history: List[Dict[str, Any]] = field(default_factory=list)


def _fit(config, train_set, val_set, device, rank, world, folder: RunFolder) -> Dict[str, Any]:
    """The training loop proper (see :func:`train`): epochs of ``steps_per_epoch`` steps, rank 0
    validating and saving after each."""
    run = _prepare(config, train_set, device, rank, world, folder.out)
    start_epoch = _restore(run)
    val_loader = DataLoader(val_set, batch_size=int(config["batch_size"]),
                            num_workers=int(config["workers"]))  # fmt: skip
    if rank == 0 and not run.history:  # epoch 0: the untrained model, for reference
        v = validate(run.model, val_loader, run.loss_fn, device)
        run.history.append(_row(0, None, v, run.optimizer, 0.0))
        write_csv(run.out / "log.csv", run.history)
    started_all = time.perf_counter()
    for epoch in range(start_epoch, int(config["epochs"]) + 1):
        started = time.perf_counter()
        loss, lr, indices = _train_epoch(run, train_set, epoch)
        _record_ranks(run, epoch, indices)
        if rank == 0:
            v = validate(run.model, val_loader, run.loss_fn, device)
            _end_epoch(run, epoch, loss, lr, v, time.perf_counter() - started)
            folder.keep()
        if world > 1:
            dist.barrier()
    if rank == 0:
        _finish(run, time.perf_counter() - started_all)
    if world > 1:
        dist.destroy_process_group()
    return {"out": str(run.out), "best_psnr": run.best, "history": run.history}


def _prepare(config, train_set, device, rank, world, out: Path) -> Run:
    """Model (identity-initialised on request), optimizer, per-step schedule, loss, DDP."""
    from mmcanet_core.models import build_model
    from mmcanet_core.weights.checkpoint import default_optical_bands

    if rank == 0:
        (out / "config.json").write_text(json.dumps(config, indent=2, default=str))
        print(f"data: {_describe_data(config, train_set)}")
    options = dict(config["model_options"], in_channels=len(train_set.bands))
    model = build_model(config["model"], **options)
    if config["init"] == "identity":
        identity_init(model)
    meta = dict(name=config["model"], options=options, trained_on=_trained_on(config, train_set),
                optical_bands=default_optical_bands(options["in_channels"]),
                patch_size=int(config["size"] or 256))  # fmt: skip
    if config.get("inference_tile"):
        meta["inference_tile"] = int(config["inference_tile"])
    return new_run(config, model, device, rank=rank, world=world, out=out, meta=meta,
                   steps_per_epoch=_steps_per_epoch(config, train_set, world))  # fmt: skip


def new_run(config, model, device, *, rank=0, world=1, out=None, meta=None,
            steps_per_epoch=1) -> Run:
    """A :class:`Run` around ``model``: Adam, the per-step lr schedule, AMP settings, the loss,
    DDP when ``world`` > 1 (also what ``scripts/bench.py --train`` times)."""
    from mmcanet_core.training.losses import RestorationLoss

    model = model.to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=float(config["lr"]))
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lr_factor(config, steps_per_epoch))
    amp_dtype, scaler = amp_settings(device, bool(config["amp"]))
    net = StageOutputs(model)
    if world > 1:
        net = torch.nn.parallel.DistributedDataParallel(net)
    return Run(config, out, device, rank, world, model, net, optimizer, scheduler, scaler,
               amp_dtype, RestorationLoss(ssim_weight=float(config["ssim_weight"])),
               steps_per_epoch, meta or {},
               writer=_tensorboard(out) if rank == 0 and out is not None else None)  # fmt: skip


def identity_init(model: torch.nn.Module) -> None:
    """Zero every terminal convolution (``tail``): the models add their output to the cloudy
    input, so the untrained network returns its input unchanged (``init: identity``)."""
    for name, module in model.named_modules():
        if name.split(".")[-1] == "tail" and isinstance(module, torch.nn.Conv2d):
            torch.nn.init.zeros_(module.weight)
            torch.nn.init.zeros_(module.bias)


def lr_factor(config: Dict[str, Any], steps_per_epoch: int):
    """The learning-rate factor of optimizer step ``s`` (0-based), for ``LambdaLR``: a linear
    warm-up over ``warmup_steps``, then ``schedule`` "step" (the paper: x ``lr_gamma`` every
    ``lr_step`` epochs) or "cosine" (decay to 1 % at the last step)."""
    warmup, total = int(config["warmup_steps"]), steps_per_epoch * int(config["epochs"])
    gamma, every, cosine = float(config["lr_gamma"]), int(config["lr_step"]), config["schedule"]

    def factor(step: int) -> float:
        ramp = min(1.0, (step + 1) / warmup) if warmup else 1.0
        if cosine == "cosine":
            return ramp * (0.01 + 0.99 * 0.5 * (1 + math.cos(math.pi * step / total)))
        return ramp * gamma ** ((step // steps_per_epoch) // every)

    return factor


def _steps_per_epoch(config, train_set, world: int) -> int:
    batch = int(config["batch_size"])
    per_rank = math.ceil(len(train_set) / world)
    drop = len(train_set) > batch * world
    steps = per_rank // batch if drop else math.ceil(per_rank / batch)
    return max(1, steps if config["max_steps"] is None else min(steps, int(config["max_steps"])))


def _tensorboard(out: Path):
    try:
        from torch.utils.tensorboard import SummaryWriter
    except ImportError:
        return None
    return SummaryWriter(str(out / "tensorboard"))


def _restore(run: Run) -> int:
    """The first epoch to train: 1, or the one after the epoch ``resume.safetensors`` holds."""
    path = run.out / "resume.safetensors"
    if run.config["resume"] and path.is_file():
        model_state, optim_state, meta = load_resume(path)
        run.model.load_state_dict(model_state)
        run.optimizer.load_state_dict(optim_state)
        run.scheduler.load_state_dict(meta["scheduler"])
        run.scaler.load_state_dict(meta["scaler"])
        run.best, run.history = meta["best_psnr"], meta["history"]
        if run.rank == 0:
            print(f"resumed from {path} at epoch {meta['epoch'] + 1}")
        return meta["epoch"] + 1
    if run.config["resume"] and run.rank == 0:
        print(f"--resume: no {path} yet; starting from scratch")
    return 1


def _train_epoch(run: Run, train_set, epoch: int):
    """One epoch of ``steps_per_epoch`` steps: (mean loss, last lr, sample indices seen)."""
    config = run.config
    if hasattr(train_set, "set_epoch"):
        train_set.set_epoch(epoch)
    sampler = None
    if run.world > 1:
        sampler = DistributedSampler(train_set, seed=int(config["seed"]))
        sampler.set_epoch(epoch)
    batch_size = int(config["batch_size"])
    loader = DataLoader(train_set, batch_size=batch_size, shuffle=sampler is None,
                        sampler=sampler, num_workers=int(config["workers"]),
                        generator=torch.Generator().manual_seed(int(config["seed"]) * 1000 + epoch),
                        drop_last=len(train_set) > batch_size * run.world)  # fmt: skip
    total, seen, indices, lr = 0.0, 0, [], run.optimizer.param_groups[0]["lr"]
    bar = tqdm(loader, total=run.steps_per_epoch, desc=f"epoch {epoch}/{config['epochs']}",
               disable=run.rank != 0)  # fmt: skip
    for step, batch in enumerate(bar):
        if step >= run.steps_per_epoch:
            break
        lr = run.optimizer.param_groups[0]["lr"]
        tensors = tuple(batch[k].to(run.device, non_blocking=True)
                        for k in ("sar", "cloudy", "target"))  # fmt: skip
        loss = train_step(run, tensors)
        run.scheduler.step()
        total += loss.item() * len(tensors[2])
        seen += len(tensors[2])
        indices += [int(i) for i in batch.get("index", ())]
        bar.set_postfix(loss=f"{loss.item():.4f}")
    return total / max(seen, 1), lr, indices


def _record_ranks(run: Run, epoch: int, indices: List[int]) -> None:
    """With several processes: each rank's sample indices and a checksum of its weights, in
    ``ranks.json`` (rank 0 writes it): the data is split, the weights stay identical."""
    if run.world == 1:
        return
    digest = hashlib.sha256()
    for value in run.model.state_dict().values():
        digest.update(value.detach().cpu().contiguous().numpy().tobytes())
    gathered = [None] * run.world
    dist.all_gather_object(gathered, {"indices": indices, "weights_sha256": digest.hexdigest()})
    if run.rank == 0:
        path = run.out / "ranks.json"
        record = json.loads(path.read_text()) if path.is_file() else {}
        record[str(epoch)] = gathered
        path.write_text(json.dumps(record))


def _end_epoch(run: Run, epoch: int, loss: float, lr: float, v, seconds: float) -> None:
    """Rank 0 after an epoch: log row, best / last weights, resume file."""
    from mmcanet_core.weights.checkpoint import save_weights

    row = _row(epoch, loss, v, None, seconds, lr)
    run.history.append(row)
    write_csv(run.out / "log.csv", run.history)
    if run.writer is not None:
        for k, val in row.items():
            if k != "epoch" and val is not None:
                run.writer.add_scalar(k, val, epoch)
    steps = epoch * run.steps_per_epoch
    if v["psnr"] > run.best:
        run.best = v["psnr"]
        save_weights(run.out / "best.safetensors", run.model, epoch=epoch, steps=steps,
                     val_psnr=run.best, **run.meta)  # fmt: skip
    save_weights(run.out / "last.safetensors", run.model, epoch=epoch, steps=steps,
                 val_psnr=v["psnr"], **run.meta)  # fmt: skip
    save_resume(run.out / "resume.safetensors", run.model, run.optimizer, run.scheduler,
                run.scaler, epoch, run.best, run.history, run.config)  # fmt: skip
    print(f"epoch {epoch}: loss {row['train_loss']:.4f}, val PSNR {v['psnr']:.2f} dB, "
          f"SSIM {v['ssim']:.4f}, MAE {v['mae']:.4f}, SAM {v['sam']:.2f} deg, "
          f"{seconds:.0f} s", flush=True)  # fmt: skip


def _finish(run: Run, seconds: float) -> None:
    """Rank 0 at the end: curves, and the last weights copied to ``ship`` when asked."""
    plot_curves(run.out / "curves.png", run.history)
    if run.writer is not None:
        run.writer.close()
    ship = run.config.get("ship")
    if ship:
        from mmcanet_core.weights.checkpoint import load_weights, save_weights

        model, meta = load_weights(run.out / "last.safetensors")
        extra = {k: meta[k] for k in ("epoch", "steps") if k in meta}
        save_weights(ship, model, train_seconds=round(seconds, 1), **extra, **run.meta)
        print(f"shipped the last weights to {ship}")


def train_step(run: Run, batch):
    """One optimisation step on ``batch`` = (sar, cloudy, target); returns the loss tensor.

    A model with the uncertainty head adds ``nll_weight`` x the Laplace NLL of its output, with
    the output detached: the scale learns the error of the image that L1 + SSIM trains, and the
    image is trained exactly as without the head (the baseline's objective)."""
    from mmcanet_core.training.losses import laplace_nll

    sar, cloudy, target = batch
    use_amp = bool(run.config["amp"])
    with torch.autocast(sar.device.type, dtype=run.amp_dtype, enabled=use_amp):
        stages, scale = run.net(sar, cloudy)
    stages = [s.float() for s in stages]
    loss = run.loss_fn(stages, target)
    if scale is not None:
        nll = laplace_nll(stages[-1].detach(), scale.float(), target)
        loss = loss + float(run.config["nll_weight"]) * nll
    run.optimizer.zero_grad(set_to_none=True)
    run.scaler.scale(loss).backward()
    run.scaler.step(run.optimizer)
    run.scaler.update()
    return loss


def amp_settings(device: torch.device, enabled: bool):
    """(autocast dtype, GradScaler) of ``--amp`` on ``device``.

    bfloat16 wherever the device has it (CPUs, CUDA GPUs from Ampere on): it has float32's
    exponent range, so gradients need no scaling and the scaler stays disabled (its unscale and
    inf checks would cost every step for nothing). float16 with a GradScaler on older GPUs.
    """
    half = device.type == "cuda" and not torch.cuda.is_bf16_supported()
    dtype = torch.float16 if half else torch.bfloat16
    return dtype, torch.amp.GradScaler(device.type, enabled=enabled and half)


class StageOutputs(torch.nn.Module):
    """Calling it gives every stage's output and the uncertainty scale (None without the head),
    so DDP (which calls ``forward``) syncs them all."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, sar, cloudy):
        return self.model.forward_stages_and_scale(sar, cloudy)


def _row(epoch, train_loss, v, optimizer, seconds, lr=None) -> Dict[str, Any]:
    if lr is None:
        lr = optimizer.param_groups[0]["lr"]
    return {
        "epoch": epoch,
        "train_loss": train_loss,
        "val_loss": v["loss"],
        "val_psnr": v["psnr"],
        "val_ssim": v["ssim"],
        "val_mae": v["mae"],
        "val_sam": v["sam"],
        "lr": lr,
        "seconds": round(seconds, 2),
    }


def _trained_on(config: Dict[str, Any], train_set) -> str:
    if config["data"] == "mixture":
        held = ", ".join(config["held_out"] or []) or "nothing"
        return (f"real images, bands {config['bands']}, from {config['root']}: "
                f"{train_set.describe()}. clear = SYNTHETIC clouds on real clear pairs, no_sar = "
                f"REAL clouds with SAR input zero; L2A haze offset "
                f"{', '.join(f'{v:.3f}' for v in train_set.offset)}. Held out: {held}. "
                f"{config['epochs']} x {config['max_steps']} steps of batch "
                f"{config['batch_size']}, {config['size']} px crops, {config['schedule']} lr "
                f"{config['lr']}, init {config['init']}.")
    if config["data"] == "synthetic":
        extra = " + 6 BigEarthNet pairs" if config["bigearthnet"] else ""
        what = f"SYNTHETIC clouds on real SEN12MS-CR clear s1+s2 pairs{extra}"
    elif config["data"] == "folders":
        what = "real triplets of a triplet folder (split by id)"
    else:
        what = "real SEN12MS-CR triplets"
    where = f"protocol {config['protocol']}, split {config['train_split']}"
    return f"{what} ({where}, root {config['root']})"


def _describe_data(config: Dict[str, Any], train_set) -> str:
    if config["data"] == "mixture":
        return (f"mixture of {train_set.describe()}; {len(train_set)} samples per epoch; "
                f"held out: {', '.join(config['held_out'] or []) or 'nothing'}")
    return (f"{len(train_set)} training patches ({config['data']}, split {config['train_split']})"
            f", validation {config['val_data']} split {config['val_split']}, protocol "
            f"{config['protocol']}")
