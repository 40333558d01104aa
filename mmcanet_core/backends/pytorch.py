"""The PyTorch backend of the scene engine (the interface is :mod:`mmcanet_core.backends.base`'s;
:func:`mmcanet_core.backends.select.open_backend` imports this module only when torch is chosen).

``TorchBackend(model, metadata, device, reason, batch_size, half=False)``; ``compile(tile)``:

* **Devices**: :func:`resolve_device` picks CUDA when PyTorch sees a GPU, else the CPU.
* **Copies** (CUDA): batches are stacked by the reader directly into page-locked host memory
  (``host_array``) and copied to the GPU with ``non_blocking=True``; results come back through a
  page-locked buffer too.
* **Precision**: ``half`` runs float16 autocast on CUDA and bfloat16 autocast on the CPU.
* **Out of memory** (CUDA): :class:`~mmcanet_core.errors.BackendMemoryError`, so that the
  batch is halved and retried, down to one tile.
* **Compile**: ``compile(tile)`` wraps the model in ``torch.compile`` and compiles it at once on a
  zero batch of the run's shape (the time is in ``compile_seconds``); batches are then padded
  to the full batch size so that no shape triggers a recompile. It pays on long CUDA runs (the
  issue measured 2.86x on an H200 after ~68 s of compiling); on the CPU inductor generates C++
  kernels, needs a C++ compiler and rarely pays. Off by default on every device.
"""

import time
from contextlib import nullcontext
from typing import Any, Dict, Optional, Tuple

import numpy as np
import torch

from mmcanet_core.backends.base import Backend
from mmcanet_core.errors import BackendMemoryError, InferenceError


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


class TorchBackend(Backend):
    """Runs a PyTorch model on ``device`` (moved there, in eval mode) on batches of tiles.

    ``metadata`` None (an untrained network, for tests): its bands' defaults and scaling.
    """

    name = "torch"

    def __init__(self, model, metadata: Optional[Dict[str, Any]], device: torch.device,
                 reason: str = "", batch_size: int = 1, half: bool = False):
        from mmcanet_core.weights.checkpoint import build_metadata, default_optical_bands

        self.model = model.to(device).eval()
        self.metadata = metadata or build_metadata(
            name=type(model).__name__.lower(), options={},
            optical_bands=default_optical_bands(model.in_channels), trained_on="unknown",
        )
        self.device, self.reason, self.batch_size = device, reason, int(batch_size)
        self.half = bool(half) and device.type in ("cuda", "cpu")
        self.cuda = device.type == "cuda"
        self.compiled = False
        if self.cuda:
            torch.backends.cudnn.benchmark = True  # every tile has the same shape

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

    @property
    def has_uncertainty(self) -> bool:
        return bool(getattr(self.model, "has_uncertainty", False))

    def _run(self, sar: np.ndarray, optical: np.ndarray, uncertainty: bool = False):
        try:
            return self._forward(sar, optical, uncertainty)
        except torch.cuda.OutOfMemoryError:
            torch.cuda.empty_cache()
            raise BackendMemoryError(f"out of GPU memory for {len(sar)} tile(s)") from None

    def _forward(self, sar: np.ndarray, optical: np.ndarray, uncertainty: bool = False):
        n = len(sar)
        if self.compiled and n < self.batch_size:  # one shape: no recompiles
            sar, optical = (np.concatenate([a, np.zeros((self.batch_size - n,) + a.shape[1:],
                                                        a.dtype)]) for a in (sar, optical))
        dtype = torch.float16 if self.cuda else torch.bfloat16
        autocast = torch.autocast(self.device.type, dtype=dtype) if self.half else nullcontext()
        with torch.inference_mode(), autocast:
            s = torch.from_numpy(sar).to(self.device, non_blocking=True)
            o = torch.from_numpy(optical).to(self.device, non_blocking=True)
            if uncertainty:
                restored, scale = self.model.forward_uncertainty(s, o)
            else:
                restored, scale = self.model(s, o), None
        return self._host(restored, n), None if scale is None else self._host(scale, n)

    def _host(self, tensor: torch.Tensor, n: int) -> np.ndarray:
        """The first ``n`` items of a device tensor as float32 numpy (through page-locked memory
        on CUDA)."""
        tensor = tensor.float()
        if not self.cuda:
            return tensor.cpu().numpy()[:n]
        host = torch.empty(tensor.shape, dtype=torch.float32, pin_memory=True)
        host.copy_(tensor, non_blocking=True)
        torch.cuda.current_stream(self.device).synchronize()
        return host.numpy()[:n]

    def check_memory(self, tile: int, batch: int) -> Optional[Tuple[str, Dict[str, Any]]]:
        """The activation memory of a batch, traced on the ``meta`` device
        (:func:`mmcanet_core.safety.memory.check_memory`), against the device's free memory."""
        from mmcanet_core.errors import MemoryTooSmall
        from mmcanet_core.safety.memory import check_memory

        try:
            plan = check_memory(self.model, tile, batch, self.device)
        except MemoryTooSmall:
            raise
        except Exception as exc:  # noqa: BLE001 - a model the meta device cannot trace
            return "memory_unknown", {"reason": str(exc)}
        return "memory", {"needed_mib": plan.needed / 2**20, "batch": batch,
                          "available_gib": plan.available / 2**30, "where": plan.where}

    def compile(self, tile: int) -> None:
        """``torch.compile`` the model and compile it now on a zero batch of the run's shape."""
        started = time.perf_counter()
        self.model = torch.compile(self.model)
        self.compiled = True
        sar = np.zeros((self.batch_size, 2, tile, tile), np.float32)
        self.predict(sar, np.zeros((self.batch_size, self.in_channels, tile, tile), np.float32))
        self.compile_seconds = time.perf_counter() - started
