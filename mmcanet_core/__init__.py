"""MMCANet: SAR-optical cloud removal for Sentinel-2 (Zhou et al., IEEE TGRS 2025).

A Qt-free PyTorch package: the network and its multi-stage variants (``build_model``), losses,
metrics, SEN12MS-CR data, training, evaluation and georeferenced tiled inference.
Command line: ``python -m mmcanet_core --help``.
"""

from .models import build_model, list_models

__version__ = "0.1.0"
__all__ = ["build_model", "list_models", "__version__"]
