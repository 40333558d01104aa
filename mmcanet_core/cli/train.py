"""``python -m mmcanet_core train``: options and exit codes; the loop is
:mod:`mmcanet_core.training.train`."""

import argparse
import json
from typing import Any, Dict

from mmcanet_core.training.train import DATA_KINDS, resolve_config, train


def _json_object(text: str) -> Dict[str, Any]:
    """``--model-options`` value: a JSON object, with our message when it is not one."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise argparse.ArgumentTypeError(
            f"not valid JSON ({exc.msg} at character {exc.pos}); write an object such as "
            '\'{"width": 8}\''
        ) from None
    if not isinstance(value, dict):
        raise argparse.ArgumentTypeError("must be a JSON object such as '{\"width\": 8}'")
    return value


def add_arguments(parser) -> None:
    """Every option defaults to None here so that a config file can set it (see module doc)."""
    a = parser.add_argument
    a("--config", help="JSON, TOML or YAML file with any of the options below (underscored "
      "names), e.g. configs/demo.json (the shipped demonstrator's recipe)")
    a("--model", help="registered model name (default mmcanet; see `models`)")
    a(
        "--model-options",
        dest="model_options",
        type=_json_object,
        help='model options as JSON, e.g. \'{"width": 8, "enc_blocks": [1, 1, 1, 1]}\'',
    )
    a(
        "--data",
        choices=DATA_KINDS,
        help="real SEN12MS-CR triplets, real clear s1+s2 pairs with SYNTHETIC clouds, or plain "
        "triplet folders (s1/, s2_cloudy/, s2/ with files <id>_<kind>.tif; split by id)",
    )
    a("--root", help="SEN12MS-CR folder (ROIs*_<season>_<kind>/...) or triplet folder")
    a("--protocol", choices=["paper", "uncrtaints", "all"], help="ROI split protocol")
    a("--train-split", dest="train_split", choices=["train", "val", "test", "all"])
    a(
        "--val-split",
        dest="val_split",
        choices=["train", "val", "test", "all"],
        help="split used for validation (train only for smoke runs)",
    )
    a("--val-data", dest="val_data", choices=DATA_KINDS)
    a(
        "--bigearthnet",
        action="store_true",
        default=None,
        help="add the 6 BigEarthNet pairs (SYNTHETIC clouds) to the training data",
    )
    _add_optimisation_arguments(a)


def _add_optimisation_arguments(a) -> None:
    """Bands and patches, the schedule, the run folder (``a``: ``parser.add_argument``)."""
    a("--bands", help="rgb (B4, B3, B2; the paper) or all (13 bands)")
    a("--size", type=int, help="patch size fed to the model (paper: 128)")
    a(
        "--size-mode",
        dest="size_mode",
        choices=["resize", "crop"],
        help="256 -> size by area resize (paper) or crop (GLF-CR; random in training)",
    )
    a("--epochs", type=int)
    a("--batch-size", dest="batch_size", type=int, help="per process")
    a("--lr", type=float)
    a("--lr-step", dest="lr_step", type=int, help="epochs between lr x lr-gamma")
    a("--lr-gamma", dest="lr_gamma", type=float)
    a("--ssim-weight", dest="ssim_weight", type=float, help="0: L1 only (Table VI)")
    a("--seed", type=int)
    a("--workers", type=int, help="data loader processes")
    a("--amp", action="store_true", default=None, help="mixed precision (torch.amp)")
    a("--device", help="auto, cpu, cuda, cuda:1 ...")
    a("--out", help="run folder")
    a("--resume", action="store_true", default=None, help="continue from OUT/resume.safetensors")
    a("--max-steps", dest="max_steps", type=int, help="optimizer steps per epoch (smoke runs)")
    a("--max-patches", dest="max_patches", type=int, help="use at most N training patches")
    a("--val-max-patches", dest="val_max_patches", type=int)
    a("--schedule", choices=["step", "cosine"], help="lr schedule (after --warmup-steps)")
    a("--warmup-steps", dest="warmup_steps", type=int, help="linear lr warm-up, in steps")
    a("--init", choices=["default", "identity"], help="identity: the untrained model returns "
      "its cloudy input (terminal convolutions zero)")
    a("--nll-weight", dest="nll_weight", type=float,
      help="weight of the Laplace NLL for models with the uncertainty head")
    a("--ship", help="also write the last weights to this .safetensors file at the end")




def run(args) -> int:
    """``train`` command: 0 when done, 2 on bad input (one line, no traceback), 130 on Ctrl-C."""
    train(resolve_config(args))
    return 0
