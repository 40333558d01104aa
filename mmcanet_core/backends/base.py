"""What runs the network: one interface for the scene engine, PyTorch or onnxruntime behind it.

:func:`open_backend` returns a :class:`Backend`; the engine (:mod:`mmcanet_core.engine.scene`) calls
only these members and never imports a deep-learning framework::

    backend = open_backend("model.onnx")  # or .safetensors; backend="auto"|"torch"|"onnxruntime"
    restored = backend.predict(sar, optical)  # (N, 2, T, T), (N, C, T, T) in [0, 1] -> (N, C, T, T)
    restored, scale = backend.predict(sar, optical, uncertainty=True)  # + (N, 1, T, T)
    backend.has_uncertainty  # whether the weights predict the per-pixel scale
    batch = backend.host_array((n, C, T, T))  # empty float32 (page-locked on CUDA)
    backend.batch_size     # tiles per network call (halved when the device runs out of memory)
    backend.metadata       # the weights' metadata (mmcanet_core.weights.checkpoint)
    backend.tile_multiple  # tile sides must be multiples of it (an ONNX graph has no padding)
    backend.describe()     # e.g. "onnxruntime 1.32.0 on cpu, float32 (CPUExecutionProvider)"

``predict`` runs batches of at most ``batch_size`` tiles, halves ``batch_size`` and retries when
the device runs out of memory, refuses output of another shape than (N, C, T, T) (a graph that
returns one band, or half the size, is an error, never broadcast) and non-finite output
(:func:`mmcanet_core.safety.checks.check_finite`), and clamps the restored image to [0, 1].
``uncertainty=True`` also returns the Laplace scale (N, 1, T, T) in [0, 1] units of the optical
input (:mod:`mmcanet_core.models.uncertainty`), checked the same way; weights without the head
refuse it. It is called from one thread only.

Choice (``backend``, :data:`BACKENDS`):

* ``"torch"``: the ``.safetensors`` weights (or a model object) on a PyTorch device
  (:mod:`mmcanet_core.backends.pytorch`; ``device="auto"``: CUDA if visible).
* ``"onnxruntime"``: an ONNX model (:mod:`mmcanet_core.weights.export`); for ``.safetensors``
weights,
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

from mmcanet_core.errors import BackendError, BackendMemoryError, InferenceError, WeightsError
from mmcanet_core.safety.checks import check_finite
from mmcanet_core.weights.onnx_file import (
    EXPORT_HINT,
    OUTPUT,
    UNCERTAINTY,
    has_uncertainty,
    is_onnx_path,
    open_session,
    read_onnx_metadata,
    sha256_file,
)

BACKENDS = ("auto", "torch", "onnxruntime")
#: onnxruntime providers ``device="auto"`` tries, best first (each only if this build has it).
AUTO_PROVIDERS = ("CUDAExecutionProvider", "DmlExecutionProvider")
#: The device each onnxruntime provider runs on, as the log and the result name it.
PROVIDER_DEVICES = {"CUDAExecutionProvider": "cuda", "DmlExecutionProvider": "directml",
                    "CPUExecutionProvider": "cpu"}
#: The refusal of an uncertainty output from weights without the head.
NO_UNCERTAINTY = ("these weights have no uncertainty head, so they predict no per-pixel "
                  "uncertainty; drop --uncertainty-output, or use weights trained with the "
                  "model option uncertainty=true (train --uncertainty).")




class Backend:
    """Runs the network on batches of tiles; see the module docstring.

    Attributes: ``name`` ("torch" or "onnxruntime"), ``metadata`` (dict), ``device`` ("cpu",
    "cuda:0", ...), ``reason`` (why that device), ``batch_size``, ``tile_multiple``,
    ``compile_seconds`` (torch.compile time, else None).
    """

    name = ""
    metadata: Dict[str, Any]
    device = "cpu"
    reason = ""
    batch_size = 1
    tile_multiple = 1
    compile_seconds: Optional[float] = None

    @property
    def in_channels(self) -> int:
        return len(self.metadata["optical_bands"]["indices"])

    def host_array(self, shape) -> np.ndarray:
        """An empty float32 array to stack a batch into."""
        return np.empty(shape, dtype=np.float32)

    @property
    def has_uncertainty(self) -> bool:
        """Whether the network also predicts the per-pixel scale (the weights' head)."""
        return has_uncertainty(self.metadata)

    def predict(self, sar: np.ndarray, optical: np.ndarray, uncertainty: bool = False):
        """(N, 2, T, T) SAR + (N, C, T, T) optical, float32 in [0, 1] -> restored (N, C, T, T)
        float32 clamped to [0, 1], in calls of at most ``batch_size`` tiles; with
        ``uncertainty``: ``(restored, scale (N, 1, T, T))``."""
        sar, optical = self._check(sar, optical)
        if uncertainty and not self.has_uncertainty:
            raise InferenceError(NO_UNCERTAINTY)
        out, start = [], 0
        while start < len(sar):
            stop = start + self.batch_size
            try:
                out.append(self._run(sar[start:stop], optical[start:stop], uncertainty))
                start = stop
            except BackendMemoryError:
                if self.batch_size == 1:
                    raise InferenceError(
                        f"out of {self.device} memory with a single {sar.shape[-1]}-px tile; use "
                        "a smaller tile (e.g. --tile 128), --half, or --device cpu."
                    ) from None
                self.batch_size = max(1, self.batch_size // 2)
        restored = self._checked_output([r for r, _ in out], optical.shape, "restored image")
        restored = np.clip(restored, 0.0, 1.0, out=restored)
        if not uncertainty:
            return restored
        shape = (len(sar), 1) + optical.shape[2:]
        scale = self._checked_output([u for _, u in out], shape, "uncertainty")
        return restored, np.maximum(scale, 0.0, out=scale)

    def _checked_output(self, parts: List[np.ndarray], shape, what: str) -> np.ndarray:
        """The batch's ``what`` of exactly ``shape`` (never broadcast) and finite, float32."""
        got = [np.shape(p) for p in parts]
        if any(len(g) != 4 or g[1:] != tuple(shape[1:]) for g in got) or sum(
                g[0] for g in got if len(g) == 4) != shape[0]:
            raise InferenceError(
                f"the {self.name} network returned its {what} with shape(s) {got} for a batch of "
                f"{tuple(shape)}: the model is not the one its metadata describes (a wrong or "
                f"edited ONNX graph?); nothing was written. Re-create it with `{EXPORT_HINT}`.")
        values = parts[0] if len(parts) == 1 else np.concatenate(parts)
        values = np.asarray(values, dtype=np.float32)
        check_finite(values, f"a batch of {shape[0]} tile(s)")
        return values

    def check_memory(self, tile: int, batch: int) -> Optional[str]:
        """Refuse (:class:`~mmcanet_core.errors.MemoryTooSmall`) a batch that would not fit
        in
        the device's memory, before allocating it; or a note for the log. onnxruntime: no
        estimate (its arena grows as it needs)."""
        return None

    def compile(self, tile: int) -> None:
        """Compile the network for ``tile``-px batches (the torch backend only)."""
        raise BackendError(f"--compile needs the torch backend; this run uses {self.name}. "
                           "Drop --compile or pass --backend torch with .safetensors weights.")

    def describe(self) -> str:
        """One line for the log: library, version, device, precision."""
        raise NotImplementedError

    def _run(self, sar: np.ndarray, optical: np.ndarray, uncertainty: bool = False):
        """One network call on at most ``batch_size`` tiles -> ``(restored, scale or None)``;
        :class:`BackendMemoryError` when they do not fit."""
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


class OnnxBackend(Backend):
    """An ONNX model in an onnxruntime session."""

    name = "onnxruntime"

    def __init__(self, path, device: str = "auto", threads: Optional[int] = None,
                 batch_size: int = 1):
        from mmcanet_core.weights.onnx_file import import_onnxruntime

        ort = import_onnxruntime()
        self.path = Path(path)
        self.providers = onnx_providers(device, ort.get_available_providers())
        self.session, self.metadata = open_session(self.path, self.providers, threads=threads)
        self.tile_multiple = int(self.metadata["onnx"]["tile_multiple"])
        self.threads, self.batch_size = threads, int(batch_size)
        self.provider = self.session.get_providers()[0]
        self.device = PROVIDER_DEVICES.get(self.provider, self.provider)
        self.reason = f"onnxruntime {self.provider}"
        self._version = ort.__version__

    def describe(self) -> str:
        threads = f", {self.threads} threads" if self.threads else ""
        return (f"onnxruntime {self._version} on {self.device}, float32 "
                f"({self.provider}{threads})")

    def _run(self, sar, optical, uncertainty=False):
        names = [OUTPUT, UNCERTAINTY] if uncertainty else [OUTPUT]
        try:
            out = self.session.run(names, {"sar": sar, "optical": optical})
            return out[0], (out[1] if uncertainty else None)
        except Exception as exc:  # onnxruntime's own exception types
            if "alloc" in str(exc).lower() and "memory" in str(exc).lower():
                raise BackendMemoryError(f"out of memory for {len(sar)} tile(s)") from None
            raise


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
