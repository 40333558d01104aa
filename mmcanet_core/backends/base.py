"""What runs the network: one interface for the scene engine, PyTorch or onnxruntime behind it.

:func:`mmcanet_core.backends.select.open_backend` returns a :class:`Backend`
(:mod:`~mmcanet_core.backends.pytorch` or :mod:`~mmcanet_core.backends.onnxrt`); the engine
(:mod:`mmcanet_core.engine.scene`) calls
only these members and never imports a deep-learning framework::

    backend = open_backend("model.onnx")  # or .safetensors; backend="auto"|"torch"|"onnxruntime"
    restored = backend.predict(sar, optical)  # (N, 2, T, T), (N, C, T, T) in [0, 1] -> (N, C, T, T)
    batch = backend.host_array((n, C, T, T))  # empty float32 (page-locked on CUDA)
    backend.batch_size     # tiles per network call (halved when the device runs out of memory)
    backend.metadata       # the weights' metadata (mmcanet_core.weights.checkpoint)
    backend.tile_multiple  # tile sides must be multiples of it (an ONNX graph has no padding)
    backend.describe()     # e.g. "onnxruntime 1.32.0 on cpu, float32 (CPUExecutionProvider)"

``predict`` runs batches of at most ``batch_size`` tiles, halves ``batch_size`` and retries when
the device runs out of memory, refuses non-finite output
(:func:`mmcanet_core.safety.checks.check_finite`) and clamps to [0, 1]. It is called from one thread
only.

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

from typing import Any, Dict, Optional, Tuple

import numpy as np

from mmcanet_core import options
from mmcanet_core.errors import BackendError, BackendMemoryError, InferenceError
from mmcanet_core.safety.checks import check_finite

BACKENDS = options.BACKENDS
#: onnxruntime providers ``device="auto"`` tries, best first (each only if this build has it).
#: The device each onnxruntime provider runs on, as the log and the result name it.


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

    def predict(self, sar: np.ndarray, optical: np.ndarray) -> np.ndarray:
        """(N, 2, T, T) SAR + (N, C, T, T) optical, float32 in [0, 1] -> restored (N, C, T, T)
        float32 clamped to [0, 1], in calls of at most ``batch_size`` tiles."""
        sar, optical = self._check(sar, optical)
        out, start = [], 0
        while start < len(sar):
            stop = start + self.batch_size
            try:
                out.append(self._run(sar[start:stop], optical[start:stop]))
                start = stop
            except BackendMemoryError:
                if self.batch_size == 1:
                    raise InferenceError(
                        f"out of {self.device} memory with a single {sar.shape[-1]}-px tile; use "
                        "a smaller tile (e.g. --tile 128), --half, or --device cpu."
                    ) from None
                self.batch_size = max(1, self.batch_size // 2)
        restored = out[0] if len(out) == 1 else np.concatenate(out)
        check_finite(restored, f"a batch of {len(sar)} tile(s)")
        return np.clip(restored, 0.0, 1.0, out=restored)

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

    def _run(self, sar: np.ndarray, optical: np.ndarray) -> np.ndarray:
        """One network call on at most ``batch_size`` tiles; :class:`BackendMemoryError` when
        they do not fit."""
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
