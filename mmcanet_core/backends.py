"""Where the network runs: PyTorch or onnxruntime, behind one small interface.

:func:`open_backend` returns a :class:`Backend`; the tiled engine calls ``predict`` on batches of
normalised tiles and never needs to know which one it has::

    backend = open_backend("model.onnx")  # or .safetensors; backend="auto"|"torch"|"onnxruntime"
    restored = backend.predict(sar, optical)  # (N, 2, T, T), (N, C, T, T) in [0, 1] -> (N, C, T, T)
    backend.metadata       # the weights' metadata (mmcanet_core.weights)
    backend.describe()     # e.g. "onnxruntime 1.32.0, CPUExecutionProvider, 2 threads"

Choice (``backend``):

* ``"torch"``: the ``.safetensors`` weights on a PyTorch device (``"auto"``: CUDA if visible).
* ``"onnxruntime"``: an ONNX model (:mod:`mmcanet_core.export`); for ``.safetensors`` weights,
  the ``.onnx`` beside them with the same name, when it was exported from exactly that file. The
  provider (``device``): ``"auto"`` takes CUDA, then DirectML (Windows), when this onnxruntime
  build has them, else the CPU; or ``"cpu"``, ``"cuda"``/``"cuda:N"``, ``"directml"``.
* ``"auto"``: an ``.onnx`` file runs on onnxruntime; otherwise PyTorch if it imports, else
  onnxruntime.

Nothing in this module imports PyTorch unless the torch backend is chosen.
"""

from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from .onnx_weights import (
    EXPORT_HINT,
    OUTPUT,
    is_onnx_path,
    open_session,
    read_onnx_metadata,
    sha256_file,
)
from .weights import WeightsError

BACKENDS = ("auto", "torch", "onnxruntime")
#: onnxruntime providers ``device="auto"`` tries, best first (each only if this build has it).
AUTO_PROVIDERS = ("CUDAExecutionProvider", "DmlExecutionProvider")


class BackendError(ValueError):
    """A backend or device that cannot be used here; the message names the fix."""


class BackendMemoryError(RuntimeError):
    """The device ran out of memory for this batch: retry with fewer tiles."""


class Backend:
    """Runs the network on batches of tiles; see the module docstring.

    Attributes: ``name`` ("torch" or "onnxruntime"), ``metadata`` (dict), ``in_channels`` (C),
    ``tile_multiple`` (tile sides must be multiples of it: 1 for PyTorch, which pads; 16 or 32
    for an ONNX graph, see :mod:`mmcanet_core.export`).
    """

    name = ""
    metadata: Dict[str, Any]
    tile_multiple = 1

    @property
    def in_channels(self) -> int:
        return len(self.metadata["optical_bands"]["indices"])

    def predict(self, sar: np.ndarray, optical: np.ndarray) -> np.ndarray:
        """(N, 2, T, T) SAR + (N, C, T, T) optical, float32 in [0, 1] -> restored (N, C, T, T)
        float32 clamped to [0, 1]. Raises :class:`BackendMemoryError` when the batch does not
        fit on the device."""
        sar, optical = self._check(sar, optical)
        out = self._run(sar, optical)
        return np.clip(out, 0.0, 1.0, out=out)

    def describe(self) -> str:
        """One line for the log: library, version, device or provider."""
        raise NotImplementedError

    def _run(self, sar: np.ndarray, optical: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _check(self, sar, optical) -> Tuple[np.ndarray, np.ndarray]:
        sar = np.ascontiguousarray(sar, dtype=np.float32)
        optical = np.ascontiguousarray(optical, dtype=np.float32)
        n, _, h, w = optical.shape if optical.ndim == 4 else (0, 0, 0, 0)
        if (optical.ndim != 4 or optical.shape[1] != self.in_channels
                or sar.shape != (n, 2, h, w)):
            raise ValueError(f"expected SAR (N, 2, H, W) and optical (N, {self.in_channels}, H, W)"
                             f", got {sar.shape} and {optical.shape}")
        if h % self.tile_multiple or w % self.tile_multiple:
            raise ValueError(f"tile {h} x {w} is not a multiple of {self.tile_multiple}, which "
                             f"this {self.name} model needs; use a tile that is.")
        return sar, optical


class TorchBackend(Backend):
    """A PyTorch module on a device; ``half``: float16 on CUDA, bfloat16 on the CPU.

    ``metadata`` None (an untrained network, for tests): RGB bands and the default scaling.
    """

    name = "torch"

    def __init__(self, model, metadata: Optional[Dict[str, Any]], device: str = "auto",
                 half=False):
        import torch

        from .inference import resolve_device  # the engine's device rules, one place
        from .weights import build_metadata, default_optical_bands

        self.device, self.reason = resolve_device(device)
        self.model = model.to(self.device).eval()
        self.metadata = metadata or build_metadata(
            name=type(model).__name__.lower(), options={},
            optical_bands=default_optical_bands(model.in_channels), trained_on="unknown",
        )
        self.half = bool(half) and self.device.type in ("cuda", "cpu")
        self._torch = torch

    def describe(self) -> str:
        precision = ""
        if self.half:
            precision = ", float16" if self.device.type == "cuda" else ", bfloat16"
        return f"torch {self._torch.__version__}, {self.device} ({self.reason}){precision}"

    def _run(self, sar, optical):
        torch = self._torch
        dtype = torch.float16 if self.device.type == "cuda" else torch.bfloat16
        try:
            with torch.inference_mode(), torch.autocast(self.device.type, dtype=dtype,
                                                        enabled=self.half):
                s = torch.from_numpy(sar).to(self.device)
                o = torch.from_numpy(optical).to(self.device)
                return self.model(s, o).float().cpu().numpy()
        except torch.cuda.OutOfMemoryError:
            torch.cuda.empty_cache()
            raise BackendMemoryError(f"out of GPU memory for {len(sar)} tile(s)") from None


class OnnxBackend(Backend):
    """An ONNX model in an onnxruntime session."""

    name = "onnxruntime"

    def __init__(self, path, device: str = "auto", threads: Optional[int] = None):
        import onnxruntime

        self.path = Path(path)
        self.providers = onnx_providers(device, onnxruntime.get_available_providers())
        self.session, self.metadata = open_session(self.path, self.providers, threads=threads)
        self.tile_multiple = int(self.metadata["onnx"]["tile_multiple"])
        self.threads = threads
        self._version = onnxruntime.__version__

    def describe(self) -> str:
        used = self.session.get_providers()[0]
        threads = f", {self.threads} threads" if self.threads else ""
        return f"onnxruntime {self._version}, {used}{threads}"

    def _run(self, sar, optical):
        try:
            return self.session.run([OUTPUT], {"sar": sar, "optical": optical})[0]
        except Exception as exc:  # onnxruntime's own exception types
            if "alloc" in str(exc).lower() and "memory" in str(exc).lower():
                raise BackendMemoryError(f"out of memory for {len(sar)} tile(s)") from None
            raise


def open_backend(weights=None, *, backend: str = "auto", device: str = "auto", model=None,
                 metadata: Optional[Dict[str, Any]] = None, half: bool = False,
                 threads: Optional[int] = None) -> Backend:
    """A ready :class:`Backend` for ``weights`` (.safetensors or .onnx path), or for a PyTorch
    ``model`` + ``metadata`` (torch only). ``threads``: onnxruntime intra-op threads (default:
    its own choice, one per core). Raises :class:`WeightsError` / :class:`BackendError` naming
    the fix."""
    backend = (backend or "auto").strip().lower()
    if backend not in BACKENDS:
        raise BackendError(f"unknown backend {backend!r}; use one of {', '.join(BACKENDS)}.")
    if model is not None:
        if backend == "onnxruntime":
            raise BackendError("a PyTorch model object runs on the torch backend only; pass an "
                               ".onnx file for onnxruntime.")
        return TorchBackend(model, metadata, device, half)
    if weights is None:
        raise BackendError("no weights: pass a .safetensors or .onnx file.")
    weights = Path(weights)
    if is_onnx_path(weights):
        if backend == "torch":
            raise BackendError(f"{weights} is an ONNX model, which runs on onnxruntime; choose "
                               "backend 'onnxruntime' or 'auto', or pass the .safetensors weights "
                               "for torch.")
        return OnnxBackend(weights, device, threads)
    if backend == "auto":
        backend = "torch" if torch_importable() else "onnxruntime"
    if backend == "torch":
        from .weights import load_weights

        loaded, meta = load_weights(weights, device="cpu")
        return TorchBackend(loaded, meta, device, half)
    return OnnxBackend(onnx_beside(weights), device, threads)


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


def onnx_providers(device: str, available: List[str]) -> List:
    """onnxruntime providers for ``device`` given the ``available`` ones; CPU is always last."""
    device = (device or "auto").strip().lower()
    if device == "auto":
        return [p for p in AUTO_PROVIDERS if p in available] + ["CPUExecutionProvider"]
    if device == "cpu":
        return ["CPUExecutionProvider"]
    wanted = {"cuda": "CUDAExecutionProvider", "directml": "DmlExecutionProvider",
              "dml": "DmlExecutionProvider"}
    kind, _, index = device.partition(":")
    if kind not in wanted or (index and not index.isdigit()):
        raise BackendError(f"unknown device {device!r} for onnxruntime; use 'auto', 'cpu', "
                           "'cuda', 'cuda:N' or 'directml'.")
    provider = wanted[kind]
    if provider not in available:
        package = "onnxruntime-gpu" if kind == "cuda" else "onnxruntime-directml"
        raise BackendError(f"device {device!r} requested but this onnxruntime has no "
                           f"{provider} (it has {', '.join(available)}); install {package}, "
                           "or use device 'auto' or 'cpu'.")
    options = {"device_id": int(index)} if index else {}
    return [(provider, options), "CPUExecutionProvider"]
