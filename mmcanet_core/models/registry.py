"""The model registry: ``register``, ``build_model``, ``list_models``, and the options a weights
file records so that it keeps its maths (``record_options`` / ``restore_options``)."""


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

