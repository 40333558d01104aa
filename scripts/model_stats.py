"""Parameter count, forward FLOPs and CPU forward time of every model at 1 x 128 x 128 RGB.

    python scripts/model_stats.py [--repeats 5] [--threads N] [--size 128]

FLOPs are counted by ``torch.utils.flop_counter.FlopCounterMode`` (convolutions and matrix
products; 1 multiply-accumulate = 2 FLOPs; element-wise operations are not counted).
Time is the median of ``--repeats`` no-grad forward passes after one warm-up, in float32.
Prints a Markdown table (the README's).
"""

import argparse
import platform
import statistics
import time

import torch
from torch.utils.flop_counter import FlopCounterMode

from mmcanet_core import build_model, list_models


def measure(name: str, size: int, repeats: int):
    model = build_model(name).eval()
    params = sum(p.numel() for p in model.parameters())
    sar, optical = torch.rand(1, 2, size, size), torch.rand(1, 3, size, size)
    with torch.no_grad():
        with FlopCounterMode(display=False) as counter:
            model(sar, optical)
        model(sar, optical)  # warm-up
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            model(sar, optical)
            times.append(time.perf_counter() - start)
    return params, counter.get_total_flops(), statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=None, help="torch CPU threads")
    parser.add_argument("--models", nargs="*", default=None)
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    print(f"CPU: {platform.processor() or platform.machine()}, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads, input 1 x 3 x {args.size} x {args.size} "
          f"(+ 1 x 2 SAR)\n")
    print("| model | parameters (M) | forward GFLOPs | GMACs | CPU forward (s) |")
    print("|---|---:|---:|---:|---:|")
    for name in args.models or list_models():
        params, flops, seconds = measure(name, args.size, args.repeats)
        print(f"| {name} | {params / 1e6:.2f} | {flops / 1e9:.1f} | {flops / 2e9:.1f} "
              f"| {seconds:.2f} |", flush=True)


if __name__ == "__main__":
    main()
