"""The PyTorch backend of the scene engine (the seam is described in :mod:`mmcanet_core.backend`).

``TorchBackend(model, device, batch_size, half=False, compile=False, tile=T)``:

* **Devices**: :func:`resolve_device` picks CUDA when PyTorch sees a GPU, else the CPU.
* **Copies** (CUDA): batches are stacked by the reader directly into page-locked host memory
  (``host_array``) and copied to the GPU with ``non_blocking=True``; results come back through a
  page-locked buffer too.
* **Precision**: ``half`` runs float16 autocast on CUDA and bfloat16 autocast on the CPU.
* **Out of memory** (CUDA): the batch is halved and retried, down to one tile.
* **Compile**: ``compile=True`` wraps the model in ``torch.compile`` and compiles it at once on a
  zero batch of the run's shape (the time is in ``compile_seconds``); batches are then padded
  to the full batch size so that no shape triggers a recompile. It pays on long CUDA runs (the
  issue measured 2.86x on an H200 after ~68 s of compiling); on the CPU inductor generates C++
  kernels, needs a C++ compiler and rarely pays. Off by default on every device.
"""

import time
from contextlib import nullcontext
from typing import Optional, Tuple

import numpy as np
import torch

from .raster import InferenceError


def resolve_device(requested: str = "auto") -> Tuple[torch.device, str]:
    """``"auto"`` (CUDA if available, else CPU), ``"cpu"``, ``"cuda"``/``"cuda:N"`` or ``"mps"``."""
    requested = (requested or "auto").strip().lower()
    if requested == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda"), f"CUDA GPU found: {torch.cuda.get_device_name(0)}"
        return torch.device("cpu"), "no CUDA GPU visible to PyTorch; using the CPU"
    if requested == "cpu":
        return torch.device("cpu"), "CPU requested"
    if requested.startswith("cuda"):
        if not torch.cuda.is_available():
            raise InferenceError(
                f"device {requested!r} requested but PyTorch {torch.__version__} sees no CUDA GPU; "
                "install a CUDA build of PyTorch and an NVIDIA driver, or use device 'auto'/'cpu'."
            )
        device = torch.device(requested)
        if device.index is not None and device.index >= torch.cuda.device_count():
            raise InferenceError(
                f"device {requested!r} requested but only {torch.cuda.device_count()} CUDA GPU(s) "
                "exist; use 'cuda:0' or 'auto'."
            )
        return device, f"{requested} requested: {torch.cuda.get_device_name(device)}"
    if requested == "mps":
        if not torch.backends.mps.is_available():
            raise InferenceError("device 'mps' requested but unavailable; use 'auto' or 'cpu'.")
        return torch.device("mps"), "Apple MPS requested"
    raise InferenceError(f"unknown device {requested!r}; use 'auto', 'cpu', 'cuda' or 'cuda:N'.")


class TorchBackend:
    """Runs a PyTorch model (already on ``device``, in eval mode) on batches of tiles."""

    def __init__(self, model, device: torch.device, batch_size: int, half: bool = False,
                 compile: bool = False, tile: Optional[int] = None):
        self.model, self.device, self.batch_size = model, device, int(batch_size)
        self.half = bool(half) and device.type in ("cuda", "cpu")
        self.cuda = device.type == "cuda"
        self.compiled = bool(compile)
        self.compile_seconds: Optional[float] = None
        if self.cuda:
            torch.backends.cudnn.benchmark = True  # every tile has the same shape
        if self.compiled:
            self._compile(tile)

    def describe(self) -> str:
        precision = ("float32" if not self.half
                     else "float16 autocast" if self.cuda else "bfloat16 autocast")
        extra = f", torch.compile ({self.compile_seconds:.1f} s)" if self.compiled else ""
        return f"PyTorch {torch.__version__} on {self.device}, {precision}{extra}"

    def host_array(self, shape) -> np.ndarray:
        """Empty float32 batch memory: page-locked on CUDA."""
        if self.cuda:
            return torch.empty(tuple(shape), dtype=torch.float32, pin_memory=True).numpy()
        return np.empty(shape, dtype=np.float32)

    def predict(self, sar: np.ndarray, optical: np.ndarray) -> np.ndarray:
        """(N, 2, T, T) + (N, C, T, T) in [0, 1] -> (N, C, T, T) in [0, 1] (float32)."""
        out = []
        start = 0
        while start < len(sar):
            stop = start + self.batch_size
            try:
                out.append(self._forward(sar[start:stop], optical[start:stop]))
                start = stop
            except torch.cuda.OutOfMemoryError:
                if self.batch_size == 1:
                    raise InferenceError(
                        f"out of GPU memory with a single {sar.shape[-1]}-px tile; use a smaller "
                        "tile (e.g. --tile 128), --half, or --device cpu."
                    ) from None
                self.batch_size = max(1, self.batch_size // 2)
                torch.cuda.empty_cache()
        return out[0] if len(out) == 1 else np.concatenate(out)

    def _forward(self, sar: np.ndarray, optical: np.ndarray) -> np.ndarray:
        n = len(sar)
        if self.compiled and n < self.batch_size:  # one shape: no recompiles
            sar, optical = (np.concatenate([a, np.zeros((self.batch_size - n,) + a.shape[1:],
                                                        a.dtype)]) for a in (sar, optical))
        dtype = torch.float16 if self.cuda else torch.bfloat16
        autocast = torch.autocast(self.device.type, dtype=dtype) if self.half else nullcontext()
        with torch.inference_mode(), autocast:
            s = torch.from_numpy(sar).to(self.device, non_blocking=True)
            o = torch.from_numpy(optical).to(self.device, non_blocking=True)
            restored = self.model(s, o).float().clamp_(0, 1)
        if not self.cuda:
            return restored.cpu().numpy()[:n]
        host = torch.empty(restored.shape, dtype=torch.float32, pin_memory=True)
        host.copy_(restored, non_blocking=True)
        torch.cuda.current_stream(self.device).synchronize()
        return host.numpy()[:n]

    def _compile(self, tile: Optional[int]) -> None:
        """``torch.compile`` the model and compile it now on a zero batch of the run's shape."""
        if tile is None:
            raise ValueError("compile=True needs the tile size")
        started = time.perf_counter()
        channels = int(getattr(self.model, "in_channels", 3))
        self.model = torch.compile(self.model)
        sar = np.zeros((self.batch_size, 2, tile, tile), np.float32)
        self.predict(sar, np.zeros((self.batch_size, channels, tile, tile), np.float32))
        self.compile_seconds = time.perf_counter() - started
