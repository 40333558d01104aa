"""Choosing and opening a backend for a weights file (:func:`open_backend`).

Imports PyTorch only when the torch backend is chosen, onnxruntime only when the ONNX one is.
"""

from pathlib import Path
from typing import Any, Dict, Optional

from mmcanet_core.backends.base import BACKENDS, Backend
from mmcanet_core.errors import BackendError, WeightsError
from mmcanet_core.weights.onnx_file import (
    EXPORT_HINT,
    is_onnx_path,
    read_onnx_metadata,
    sha256_file,
)


def open_backend(weights=None, *, backend: str = "auto", device: str = "auto", model=None,
                 metadata: Optional[Dict[str, Any]] = None, half: bool = False,
                 threads: Optional[int] = None, batch_size: int = 1) -> Backend:
    """A ready :class:`Backend` for ``weights`` (.safetensors or .onnx path), or for a PyTorch
    ``model`` + ``metadata`` (torch only). ``threads``: onnxruntime intra-op threads (default:
    its own choice, one per core). Raises :class:`WeightsError` / :class:`BackendError` naming
    the fix."""
    backend = check_backend(backend)
    if model is None and weights is None:
        raise BackendError("no model: pass weights (a .safetensors or .onnx file saved by "
                           "mmcanet_core) or a model.")
    if model is None and is_onnx_path(weights):
        if backend == "torch":
            raise BackendError(f"{weights} is an ONNX model, which runs on onnxruntime; choose "
                               "backend 'onnxruntime' or 'auto', or pass the .safetensors weights "
                               "for torch.")
        backend = "onnxruntime"
    elif backend == "auto":
        backend = "torch" if model is not None or torch_importable() else "onnxruntime"
    if backend == "onnxruntime":
        if model is not None:
            raise BackendError("a PyTorch model object runs on the torch backend only; pass an "
                               ".onnx file for onnxruntime.")
        if half:
            raise BackendError("--half is for the torch backend; onnxruntime runs the exported "
                               "float32 graph. Drop --half or pass --backend torch.")
        path = weights if is_onnx_path(weights) else onnx_beside(weights)
        from mmcanet_core.backends.onnxrt import OnnxBackend

        return OnnxBackend(path, device, threads, batch_size)
    if not torch_importable():
        raise BackendError("the torch backend needs PyTorch, which does not import here; use "
                           "--backend onnxruntime with an .onnx model (or install PyTorch).")
    from mmcanet_core.backends.pytorch import TorchBackend, resolve_device

    torch_device, reason = resolve_device(device)
    if model is None:
        from mmcanet_core.weights.checkpoint import load_weights

        model, metadata = load_weights(weights, device=torch_device)
    return TorchBackend(model, metadata, torch_device, reason, batch_size, half=half)


def check_backend(backend) -> str:
    """``backend`` as one of :data:`BACKENDS`, or :class:`BackendError` naming them."""
    value = str(backend or "auto").strip().lower()
    if value not in BACKENDS:
        raise BackendError(f"backend {backend!r} is not one of {', '.join(BACKENDS)}; e.g. "
                           "--backend onnxruntime to run without PyTorch.")
    return value


def torch_importable() -> bool:
    """Whether PyTorch imports here (a broken install counts as absent)."""
    try:
        import torch  # noqa: F401
    except Exception:  # ImportError, or OSError from a DLL that does not load
        return False
    return True


def onnx_beside(weights) -> Path:
    """The ``.onnx`` next to ``weights`` that was exported from exactly that file."""
    weights = Path(weights)
    candidate = weights.with_suffix(".onnx")
    fix = (f"onnxruntime runs ONNX models: export the weights with `{EXPORT_HINT}` (needs "
           "PyTorch, once) and pass the .onnx file, or install PyTorch for the torch backend.")
    if not candidate.is_file():
        raise WeightsError(f"no ONNX model {candidate.name} beside {weights}. {fix}")
    recorded = read_onnx_metadata(candidate)["onnx"].get("source_sha256")
    if recorded != sha256_file(weights):
        raise WeightsError(f"{candidate} was not exported from {weights} (their checksums "
                           f"differ): it is stale. {fix}")
    return candidate
