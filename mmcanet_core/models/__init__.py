"""Model registry: ``build_model(name, **options)`` and ``list_models()``.

Every model maps ``(sar (B, 2, H, W), optical (B, C, H, W))`` in [0, 1] to the restored optical
image ``(B, C, H, W)`` for any H, W, and offers ``forward_stages(sar, optical)``: the list of every
stage's output, coarse to fine (one entry for single-stage models), which the loss supervises.

Weights files store the options a model was built with (:mod:`mmcanet_core.weights.checkpoint`).
When an
option is added whose default changes the maths, files saved before it must keep their maths:
:func:`record_options` writes the option into every new file, and :func:`restore_options` gives a
file that lacks it the value that reproduces the older network (``LEGACY_OPTIONS``).
"""

from typing import Any, Callable, Dict, List

import torch.nn as nn

_REGISTRY: Dict[str, Callable[..., nn.Module]] = {}

#: Options whose default changed after weights files existed: {option: (value before, current
#: default, models that take it)}. ``fusion`` (cross-attention, see ``attention``): files saved
#: before it were trained with the printed equations (3)-(5); ``enc_blocks``: the default was
#: (2, 2, 2, 2) before it became KBNet's (2, 2, 4, 8) (see ``mmcanet``).
_MMCANET_FAMILY = ("mmcanet", "mmcanet_l", "mpir1", "mpir2", "mpir3", "mpir4")
LEGACY_OPTIONS = {
    "fusion": ("literal", "softmax", _MMCANET_FAMILY),
    "enc_blocks": ((2, 2, 2, 2), (2, 2, 4, 8), _MMCANET_FAMILY),
}


def register(name: str):
    """Class or factory decorator adding an architecture to the registry under ``name``."""

    def wrap(factory):
        if name in _REGISTRY:
            raise ValueError(f"model {name!r} registered twice")
        _REGISTRY[name] = factory
        return factory

    return wrap


def list_models() -> List[str]:
    """Names accepted by :func:`build_model`, sorted."""
    return sorted(_REGISTRY)


def build_model(name: str, **options) -> nn.Module:
    """Build architecture ``name`` with its options (see each class's docstring)."""
    key = name.lower()
    if key not in _REGISTRY:
        raise ValueError(f"unknown model {name!r}; available: {', '.join(list_models())}")
    return _REGISTRY[key](**options)


def record_options(name: str, options: Dict[str, Any]) -> Dict[str, Any]:
    """The options to store in a new weights file: ``options`` plus the current default of every
    ``LEGACY_OPTIONS`` entry the model takes, so that the file says which maths it was trained
    with."""
    out = dict(options)
    for key, (_, default, models) in LEGACY_OPTIONS.items():
        if name.lower() in models:
            out.setdefault(key, default)
    return out


def restore_options(name: str, options: Dict[str, Any]) -> Dict[str, Any]:
    """The options to rebuild a model from a weights file: a ``LEGACY_OPTIONS`` entry missing
    from the file gets its older value (the file was saved before the option existed)."""
    out = dict(options)
    for key, (old, _, models) in LEGACY_OPTIONS.items():
        if name.lower() in models:
            out.setdefault(key, old)
    return out


# Importing the modules fills the registry.
from mmcanet_core.models import dsen2cr, mmcanet, mpir  # noqa: E402,F401


def add_arguments(parser) -> None:  # the `models` CLI command
    parser.add_argument("--params", action="store_true", help="also print parameter counts")


def run(args) -> int:
    for name in list_models():
        if args.params:
            n = sum(p.numel() for p in build_model(name).parameters())
            print(f"{name:12s} {n / 1e6:8.3f} M parameters")
        else:
            print(name)
    return 0
