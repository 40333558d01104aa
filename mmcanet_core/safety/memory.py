"""How much memory a batch of tiles needs, before allocating it, and what fits.

:func:`forward_bytes` runs the network once on the ``meta`` device (shapes only, no memory, no
arithmetic) under a dispatch mode that adds up the bytes of every tensor alive at each step:
the peak is the activation memory of one forward pass at that tile and batch, for any registered
model and options. Against real CPU runs (peak RSS growth, MMCANet defaults and the shipped demo
configuration, 256-512 px, batch 1-2) the traced peak came out 2-25 % low (kernels' workspace),
so :data:`SAFETY` scales it. :func:`check_memory` compares the estimate with what the device has
free (CPU: available RAM, within a cgroup limit if any; CUDA: free GPU memory) and refuses with
a tile size and batch size that fit.

Besides the network, the engine holds strips as wide as a column panel of the scene (at most
:data:`~mmcanet_core.engine.tiling.PANEL_WIDTH`, :mod:`mmcanet_core.engine.scene`): its memory
grows with that width times the tile, never with the height. :func:`engine_bytes` adds up those
buffers and :func:`check_engine_memory` refuses a run whose strips do not fit in RAM, naming the
width and the fix (a smaller tile, or narrower parts).
"""

import copy
import math
import os
import sys
import weakref
from dataclasses import dataclass
from typing import Optional, Tuple

from mmcanet_core.errors import MemoryTooSmall
from mmcanet_core.options import TILE_MULTIPLE

#: Measured peaks exceeded the traced ones by up to 25 %; this covers that and the engine's
#: per-tile numpy buffers.
SAFETY = 1.5
#: At most this fraction of the free memory is planned for (the OS, GDAL's cache and the rest
#: of the process need the remainder).
USABLE_FRACTION = 0.8
#: Smaller tiles are not suggested: the network would see too little context (the shipped
#: weights were trained on 64-px crops).
MIN_SUGGESTED_TILE = 64
#: Bytes per strip pixel of the mask step's layers (class uint8, weight float32) and of the
#: engine's valid flag.
MASK_LAYER_BYTES = 5
#: Rows per GeoTIFF block written (the writer holds one block row per output).
WRITE_BLOCK = 256



@dataclass(frozen=True)
class MemoryPlan:
    """The estimate behind a decision (bytes)."""

    needed: int
    available: int
    where: str  # "RAM" or the CUDA device's name


def forward_bytes(model, tile: int, batch: int = 1, in_channels: Optional[int] = None,
                  sar_channels: Optional[int] = None) -> int:
    """Peak bytes of the tensors alive during one forward pass of ``batch`` tiles of ``tile`` px.

    ``model`` may live on any device: a copy on the ``meta`` device is traced (the copy costs
    the size of the weights once). Inputs are counted; float32 is assumed (half precision
    needs less, so the estimate is an upper bound for it).
    """
    import torch

    skeleton = _on_meta(model)
    c = int(in_channels or getattr(skeleton, "in_channels", 3))
    s = int(sar_channels or getattr(skeleton, "sar_channels", 2))
    with torch.inference_mode(), _PeakTracker() as tracker:
        sar = torch.empty(batch, s, tile, tile, device="meta")
        optical = torch.empty(batch, c, tile, tile, device="meta")
        out = skeleton(sar, optical)
        del sar, optical, out
    return tracker.peak


def estimate_bytes(model, tile: int, batch: int) -> int:
    """:func:`forward_bytes` times :data:`SAFETY`: what to plan for."""
    return int(forward_bytes(model, tile, batch) * SAFETY)


def engine_bytes(width: int, tile: int, step: int, pad: int, context: int, channels: int,
                 source_bytes: int, output_bytes: int, queued: int) -> int:
    """Bytes of the engine's buffers for a ``width`` px wide scene or column panel (besides the
    network's, :func:`estimate_bytes`): the strip buffer (``tile + 2 * context`` rows of SAR,
    optical, validity, the ``source_bytes`` per pixel read as stored and the mask's layers,
    ``pad + context`` columns beyond it each side), the finished rows of ``queued`` rows of
    tiles (``step`` rows each) waiting for the writer, the blender's accumulators and the
    writers' block rows (``output_bytes`` per pixel of all outputs). Measured peak RSS growth on
    the demo scene repeated side by side (tile 256, a user mask, CPU, 4096 -> 65536 px wide):
    15.9 KiB per column; this sum gives 17.8 KiB (temporaries of a few rows are left out).
    """
    cols = width + 2 * (pad + context)
    strip = (tile + 2 * context) * cols * (4 * (2 + channels) + 1 + source_bytes
                                           + MASK_LAYER_BYTES)
    finished = queued * step * width * (source_bytes + MASK_LAYER_BYTES)
    blend = (channels + 1) * 4 * tile * width
    write = output_bytes * WRITE_BLOCK * width
    return int(strip + finished + blend + write)


def check_engine_memory(needed: int, width: int, tile: int, network: int = 0,
                        available: Optional[int] = None) -> None:
    """Refuse (:class:`MemoryTooSmall`) when the engine's ``needed`` bytes plus the
    ``network``'s (on the CPU) exceed the RAM this run plans for."""
    if available is None:
        available = available_ram()
    budget = int(available * USABLE_FRACTION)
    if needed + network <= budget:
        return
    narrower = max(1, int(width * max(budget - network, 0) / max(needed, 1)))
    raise MemoryTooSmall(
        f"the scene is processed {width} px wide: the engine holds strips of {tile}-px tiles, "
        f"about {_gib(needed)} of RAM (+ {_gib(network)} for the network), but only "
        f"{_gib(available)} is free (this run plans for {USABLE_FRACTION:.0%} of it). Split "
        f"the scene into parts at most {narrower // 16 * 16 or 16} px wide (e.g. gdal_translate "
        "-srcwin), or use a smaller --tile."
    )


def available_bytes(device) -> Tuple[int, str]:
    """(bytes free for a new allocation, a name for the device) for ``device``."""
    import torch

    device = torch.device(device)
    if device.type == "cuda":
        index = device.index if device.index is not None else torch.cuda.current_device()
        free, _ = torch.cuda.mem_get_info(index)
        cached = torch.cuda.memory_reserved(index) - torch.cuda.memory_allocated(index)
        return int(free + cached), f"GPU {torch.cuda.get_device_name(index)}"
    if device.type == "cpu":
        return available_ram(), "RAM"
    return available_ram(), f"{device.type} (shared RAM)"


def available_ram() -> int:
    """Bytes of RAM a new allocation can get without swapping (MemAvailable, cgroup limit)."""
    free = _meminfo_available()
    if free is None:
        free = _windows_available() if sys.platform == "win32" else None
    if free is None:
        try:
            free = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        except (ValueError, OSError, AttributeError):
            free = 0
    limit = _cgroup_headroom()
    return int(min(free, limit) if limit is not None else free)


def check_memory(model, tile: int, batch: int, device, available: Optional[int] = None
                 ) -> MemoryPlan:
    """Refuse (:class:`MemoryTooSmall`) a tile / batch whose estimate exceeds the free memory.

    The message names the largest tile (a multiple of 16) that fits at this batch size, and at
    batch 1. ``available`` overrides the measured free bytes (tests, what-ifs).
    """
    where = "memory"
    if available is None:
        available, where = available_bytes(device)
    needed = estimate_bytes(model, tile, batch)
    budget = int(available * USABLE_FRACTION)
    if needed <= budget:
        return MemoryPlan(needed, available, where)
    fits = _largest_tile(model, budget, batch, needed / (batch * tile * tile))
    fits_one = fits if batch == 1 else _largest_tile(model, budget, 1, needed / (batch * tile**2))
    if fits and batch > 1:
        fix = f"use --tile {fits} (or --batch-size 1 with --tile {fits_one})"
    elif fits:
        fix = f"use --tile {fits}"
    elif fits_one:
        fix = f"use --batch-size 1 --tile {fits_one}"
    else:
        fix = (f"even a {MIN_SUGGESTED_TILE}-px tile does not fit; free memory, or use a machine "
               "with more")
    raise MemoryTooSmall(
        f"a batch of {batch} tile(s) of {tile} x {tile} px needs about {_gib(needed)} of "
        f"{where}, but only {_gib(available)} is free (this run plans for "
        f"{USABLE_FRACTION:.0%} of it): {fix}."
    )


# --- helpers ------------------------------------------------------------------------------


def _largest_tile(model, budget: int, batch: int, per_pixel: float) -> int:
    """The largest tile (multiple of 16, at least MIN_SUGGESTED_TILE) whose estimate fits the
    budget: first from the per-pixel rate, then confirmed by tracing it; 0 if none."""
    tile = int(math.sqrt(budget / (batch * per_pixel)) // TILE_MULTIPLE) * TILE_MULTIPLE
    while tile >= MIN_SUGGESTED_TILE:
        if estimate_bytes(model, tile, batch) <= budget:
            return tile
        tile -= TILE_MULTIPLE * max(1, tile // (8 * TILE_MULTIPLE))
    return 0


def _on_meta(model):
    import torch

    first = next(iter(model.parameters()), None)
    if first is not None and first.device.type == "meta":
        return model
    return copy.deepcopy(model).to(torch.device("meta")).eval()


class _PeakTracker:
    """Dispatch mode adding up the storage bytes alive; ``peak`` is the maximum seen."""

    def __init__(self):
        from torch.utils._python_dispatch import TorchDispatchMode

        tracker = self

        class Mode(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                out = func(*args, **(kwargs or {}))
                tracker.record(out)
                return out

        self.mode, self.live, self.peak, self.alive = Mode(), 0, 0, set()

    def __enter__(self):
        self.mode.__enter__()
        return self

    def __exit__(self, *exc):
        return self.mode.__exit__(*exc)

    def record(self, out) -> None:
        import torch
        from torch.utils._pytree import tree_flatten

        for tensor in tree_flatten(out)[0]:
            if not isinstance(tensor, torch.Tensor):
                continue
            storage = tensor.untyped_storage()
            key = storage._cdata  # one id per storage: views are not counted twice
            if key in self.alive:
                continue
            self.alive.add(key)
            size = storage.nbytes()
            self.live += size
            self.peak = max(self.peak, self.live)
            weakref.finalize(storage, self._release, key, size)

    def _release(self, key, size) -> None:
        self.alive.discard(key)
        self.live -= size


def _meminfo_available() -> Optional[int]:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def _cgroup_headroom() -> Optional[int]:
    """Bytes left under a cgroup v2 memory limit (containers), if one is set."""
    try:
        with open("/sys/fs/cgroup/memory.max") as f:
            limit = f.read().strip()
        if limit == "max":
            return None
        with open("/sys/fs/cgroup/memory.current") as f:
            return max(0, int(limit) - int(f.read().strip()))
    except (OSError, ValueError):
        return None


def _windows_available() -> Optional[int]:
    import ctypes

    class Status(ctypes.Structure):
        _fields_ = [("length", ctypes.c_ulong), ("load", ctypes.c_ulong),
                    ("total", ctypes.c_ulonglong), ("available", ctypes.c_ulonglong),
                    ("total_page", ctypes.c_ulonglong), ("avail_page", ctypes.c_ulonglong),
                    ("total_virtual", ctypes.c_ulonglong), ("avail_virtual", ctypes.c_ulonglong),
                    ("avail_extended", ctypes.c_ulonglong)]

    status = Status()
    status.length = ctypes.sizeof(Status)
    if not ctypes.windll.kernel32.GlobalMemoryStatusEx(ctypes.byref(status)):  # type: ignore
        return None
    return int(status.available)


def _gib(n: int) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**28 else f"{n / 2**20:,.0f} MiB"
