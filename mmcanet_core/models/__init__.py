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

# Importing the model modules fills the registry.
from mmcanet_core.models import dsen2cr, mmcanet, mpir  # noqa: F401
from mmcanet_core.models.registry import (
    LEGACY_OPTIONS,
    build_model,
    list_models,
    record_options,
    register,
    restore_options,
)

__all__ = ["LEGACY_OPTIONS", "build_model", "list_models", "record_options", "register",
           "restore_options"]
