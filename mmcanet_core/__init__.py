"""MMCANet: SAR-optical cloud removal for Sentinel-2 (Zhou et al., IEEE TGRS 2025).

A Qt-free PyTorch package: the network and its multi-stage variants (``build_model``), losses,
metrics, SEN12MS-CR data, training, evaluation and georeferenced tiled inference.
Command line: ``python -m mmcanet_core --help``.
"""

__version__ = "0.1.0"
__all__ = ["build_model", "list_models", "__version__"]


def __getattr__(name):
    """``build_model`` and ``list_models`` import PyTorch only when first used, so the
    onnxruntime path (:mod:`mmcanet_core.backends`) works where torch is not installed."""
    if name in ("build_model", "list_models"):
        from mmcanet_core import models

        return getattr(models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
