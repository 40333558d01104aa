"""What runs the network: one interface for the scene engine, PyTorch or onnxruntime behind it.

:func:`mmcanet_core.backends.select.open_backend` returns a :class:`Backend`
(:mod:`~mmcanet_core.backends.pytorch` or :mod:`~mmcanet_core.backends.onnxrt`); the engine
(:mod:`mmcanet_core.engine.scene`) calls
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
* ``"onnxruntime"``: an ONNX model (:mod:`mmcanet_core.weights.export`); for
  ``.safetensors`` weights, the ``.onnx`` beside them with the same name, when it was exported from
  exactly that file. The
  provider (``device``): ``"auto"`` takes CUDA, then DirectML (Windows), when this onnxruntime
  build has them, else the CPU; or ``"cpu"``, ``"cuda"``/``"cuda:N"``, ``"directml"``.
* ``"auto"``: an ``.onnx`` file runs on onnxruntime; otherwise PyTorch if it imports, else
  onnxruntime.

Nothing in this module imports PyTorch unless the torch backend is chosen.
"""

from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from mmcanet_core import options
from mmcanet_core.errors import BackendError, BackendMemoryError, InferenceError
from mmcanet_core.safety.checks import check_finite
from mmcanet_core.weights.onnx_file import EXPORT_HINT, has_uncertainty

BACKENDS = options.BACKENDS
#: onnxruntime providers ``device="auto"`` tries, best first (each only if this build has it).
#: The device each onnxruntime provider runs on, as the log and the result name it.
#: The refusal of an uncertainty output from weights without the head.
NO_UNCERTAINTY = ("these weights have no uncertainty head, so they predict no per-pixel "
                  "uncertainty (or, for an .onnx file, it was exported without the uncertainty "
                  "output: export it again); drop --uncertainty-output, or use weights trained "
                  "with the model option uncertainty=true (train --uncertainty).")


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

    def check_memory(self, tile: int, batch: int) -> Optional[Tuple[str, Dict[str, Any]]]:
        """Refuse (:class:`~mmcanet_core.errors.MemoryTooSmall`) a batch that would not fit in
        the device's memory, before allocating it; or an event ``(kind, fields)`` for the run's
        report. onnxruntime: no estimate (its arena grows as it needs)."""
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
