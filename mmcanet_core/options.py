"""The choices and defaults every caller offers, in one place (stdlib only).

The CLI, :func:`mmcanet_core.inference.predict_raster` and the QGIS plugin all read their option
lists from here, so the plugin can build its parameters without importing rasterio or torch
(``python -c "import mmcanet_core.options"`` imports no third-party package).
"""

from __future__ import annotations

from pathlib import Path
from typing import Dict, Optional, Tuple

#: Where the network runs: ``auto`` = onnxruntime for .onnx files, else PyTorch if it imports.
BACKENDS: Tuple[str, ...] = ("auto", "torch", "onnxruntime")
#: Devices the user may ask for (``cuda:N`` is accepted too where a caller takes free text).
DEVICES: Tuple[str, ...] = ("auto", "cpu", "cuda")
#: The optical values' scale (:mod:`mmcanet_core.safety.optical_scale`); ``auto`` detects it.
OPTICAL_SCALES: Tuple[str, ...] = ("auto", "dn", "offset", "reflectance")
#: SAR value scales: ``auto`` detects dB or linear power from a sample.
SAR_SCALES: Tuple[str, ...] = ("auto", "db", "linear")
#: Automatic cloud mask methods (:func:`mmcanet_core.clouds.cloudmask.cloud_score`), default
#: first: ``parallax`` (``swir-cirrus`` and a veto where nothing is displaced between B8 and
#: B8A), ``swir-cirrus`` (GEE tests, bright-ground and texture vetoes, cirrus test), ``gee`` (the
#: published Google Earth Engine score alone).
MASK_METHODS: Tuple[str, ...] = ("parallax", "swir-cirrus", "gee")
#: A user mask's class values that mean cloud or shadow, by product (any other value: a list).
MASK_PRESETS: Dict[str, Tuple[int, ...]] = {
    "binary": (1,), "scl": (3, 8, 9, 10), "fmask": (2, 4),
}

#: Tile sides must be multiples of this (the networks downsample by up to 16).
TILE_MULTIPLE = 16
#: Tile size when neither the caller nor the weights' ``patch_size`` says otherwise.
DEFAULT_TILE = 128
#: Tiles per network call unless the caller says otherwise.
DEFAULT_BATCH = 4

#: The weights that ship inside the package.
CHECKPOINT_DIR = Path(__file__).resolve().parent / "checkpoints"


def shipped_checkpoint(extension: str = "safetensors", folder=None) -> Optional[Path]:
    """The default weights shipped in ``mmcanet_core/checkpoints``: the first ``*.safetensors``
    by name (``extension="onnx"``: its ONNX copy), or None in a checkout without them."""
    found = sorted(Path(folder or CHECKPOINT_DIR).glob(f"*.{extension}"))
    return found[0] if found else None
