#!/usr/bin/env python3
"""Inference speed of the two backends (``mmcanet_core.backends.base``) on the shipped model.

Batches of real SEN12MS-CR patches (SAR + cloudy RGB, ../shared/data) at the inference tile run
through PyTorch and onnxruntime in turn, each with the same number of CPU threads; the best of
``--repeats`` runs is kept. onnxruntime also runs at its basic graph-optimisation level. Prints
a Markdown table: megapixels per second (wall clock) with the CPU seconds spent per megapixel,
and the largest output difference to PyTorch in digital numbers.

    python scripts/bench_backends.py [--batches 1,4,8] [--threads 2] [--tile 256]
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from mmcanet_core.backends.onnxrt import OnnxBackend  # noqa: E402
from mmcanet_core.backends.select import open_backend  # noqa: E402
from mmcanet_core.data.sen12mscr import find_triplets, read_dn, read_sar, to_unit  # noqa: E402
from mmcanet_core.options import shipped_checkpoint  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "sen12mscr"
LEVELS = ("ORT_ENABLE_ALL", "ORT_ENABLE_BASIC")


def real_tiles(tile: int):
    """(N, 2, tile, tile) SAR and (N, 3, tile, tile) RGB crops of every real patch with SAR."""
    triplets, _ = find_triplets(DATA, require=("s1",), warn=False)
    sar, optical = [], []
    for t in triplets:
        s2 = t.paths.get("s2_cloudy") or t.paths.get("s2")
        if s2 is not None:
            sar.append(read_sar(t.paths["s1"])[:, :tile, :tile])
            optical.append(to_unit(read_dn(s2)[[3, 2, 1]])[:, :tile, :tile])
    return np.stack(sar), np.stack(optical)


def batch_of(arrays, n: int):
    """The first ``n`` tiles, cycling through the real ones."""
    return np.stack([arrays[i % len(arrays)] for i in range(n)])


def onnx_backend(path: Path, threads: int, level: str) -> OnnxBackend:
    import onnxruntime

    backend = OnnxBackend(path, device="cpu", threads=threads)
    if level != "ORT_ENABLE_ALL":  # reopen the session at that optimisation level
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.graph_optimization_level = getattr(onnxruntime.GraphOptimizationLevel, level)
        backend.session = onnxruntime.InferenceSession(
            path.read_bytes(), options, providers=["CPUExecutionProvider"])
    return backend


def best_times(backend, sar, optical, repeats: int):
    """(wall seconds, CPU seconds of this process), each the best of ``repeats`` runs.

    CPU time counts every thread's work, so it stays meaningful when other jobs share the
    machine (wall time then depends on what they do)."""
    backend.predict(sar, optical)  # warm-up (allocations, kernel choice)
    walls, cpus = [], []
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        backend.predict(sar, optical)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return min(walls), min(cpus)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", default="1,4,8", help="batch sizes (comma-separated)")
    parser.add_argument("--tile", type=int, default=256)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    weights = shipped_checkpoint()
    onnx_path = weights.with_suffix(".onnx")
    torch.set_num_threads(args.threads)
    start = time.perf_counter()
    torch_backend = open_backend(weights, backend="torch", device="cpu")
    torch_open = time.perf_counter() - start
    start = time.perf_counter()
    backends = {level: onnx_backend(onnx_path, args.threads, level) for level in LEVELS}
    onnx_open = (time.perf_counter() - start) / len(LEVELS)
    sar_all, optical_all = real_tiles(args.tile)
    px = args.tile * args.tile
    print(f"# {weights.name} at {args.tile} px tiles, {args.threads} threads; "
          f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
          f"{torch_backend.describe()}; {backends[LEVELS[0]].describe()}")
    print(f"# opening: torch {torch_open:.2f} s, onnxruntime {onnx_open:.2f} s per session")
    names = ["torch"] + [f"onnxruntime {level[11:].lower()}" for level in LEVELS]
    print("| batch | " + " | ".join(f"{name} Mpx/s (CPU s/Mpx)" for name in names)
          + " | onnxruntime speed-up, wall (CPU) | max diff (DN) |")
    print("|---:|" + "---:|" * (len(names) + 2))
    for n in (int(b) for b in args.batches.split(",")):
        sar, optical = batch_of(sar_all, n), batch_of(optical_all, n)
        mpx = n * px / 1e6
        cells, walls, cpus = [], [], []
        for backend in [torch_backend, *backends.values()]:
            backend.batch_size = n  # one network call per batch
            wall, cpu = best_times(backend, sar, optical, args.repeats)
            walls.append(wall)
            cpus.append(cpu)
            cells.append(f"{mpx / wall:.3f} ({cpu / mpx:.1f})")
        diff = np.abs(torch_backend.predict(sar, optical).astype(np.float64)
                      - backends[LEVELS[0]].predict(sar, optical)).max() * 10000
        print(f"| {n} | " + " | ".join(cells)
              + f" | {walls[0] / walls[1]:.2f}x ({cpus[0] / cpus[1]:.2f}x) | {diff:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
