"""Model registry: ``build_model(name, **options)`` and ``list_models()``.

Every model maps ``(sar (B, 2, H, W), optical (B, C, H, W))`` in [0, 1] to the restored optical
image ``(B, C, H, W)`` for any H, W, and offers ``forward_stages(sar, optical)``: the list of every
stage's output, coarse to fine (one entry for single-stage models), which the loss supervises.
"""

from typing import Callable, Dict, List

import torch.nn as nn

_REGISTRY: Dict[str, Callable[..., nn.Module]] = {}


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


# Importing the modules fills the registry.
from . import dsen2cr, mmcanet, mpir  # noqa: E402,F401


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
