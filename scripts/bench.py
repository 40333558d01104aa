"""Inference benchmark (``make bench``): speed per model, tile and batch; peak memory vs scene.

1. Speed: a real scene (SEN12MS-CR patches tiled side by side) goes through ``predict_raster`` at
   a few tile/batch sizes and through a naive loop (whole scene in memory, one tile at a time,
   batch 1, fp32, autograd left on, no blending beyond averaging). Megapixels per second and the
   speed-up over the naive loop are printed.
2. Memory: scenes of 1024^2, 4096^2 and 10980^2 px (a full Sentinel-2 tile) are written to disk by
   tiling real patches, then each is predicted in a fresh subprocess that reports its peak RSS
   (``resource.getrusage(...).ru_maxrss``). A 10980^2 scene is ~120 Mpx: with a real network on a
   laptop CPU that takes hours, so by default the memory part runs a one-layer convolution
   stand-in (``--rss-model conv``), which measures the engine (IO, tiling, blending, writing), not
   the network; ``--rss-model mmcanet`` uses the real one at ``--width``.

Examples::

    python scripts/bench.py --quick                 # tiny widths, 256^2 speed scene, 1024 + 4096
    python scripts/bench.py --models mmcanet,mpir1 --width 32 --sizes 1024,4096,10980
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import rasterio
import torch
from rasterio.windows import Window

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mmcanet_core import build_model  # noqa: E402
from mmcanet_core.data.sen12mscr import find_triplets  # noqa: E402
from mmcanet_core.inference import predict_raster  # noqa: E402
from mmcanet_core.preprocess import normalize_optical, normalize_sar  # noqa: E402
from mmcanet_core.tiling import blend_weight, plan_tile_rows  # noqa: E402

DATA = Path(os.environ.get("MMCANET_SHARED_DATA", ROOT.parent / "shared" / "data")) / "sen12mscr"
PATCH = 256


class ConvStandIn(torch.nn.Module):
    """One 3x3 convolution: a near-free 'network' so that the memory run measures the engine."""

    in_channels, sar_channels = 3, 2

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(5, 3, 3, padding=1)

    def forward(self, sar, optical):  # (B, 2, H, W), (B, 3, H, W) -> (B, 3, H, W)
        return optical + 0.01 * self.conv(torch.cat([sar, optical], 1))


def real_pairs():
    """(s1, optical) paths of every real SEN12MS-CR patch with SAR: the cloudy optical image
    where there is one, else the clear one. These are tiled into the bigger scenes."""
    triplets, _ = find_triplets(DATA, require=("s1",), warn=False)
    pairs = [(t.paths["s1"], t.paths.get("s2_cloudy") or t.paths.get("s2")) for t in triplets]
    return [(s1, s2) for s1, s2 in pairs if s2 is not None]


def make_scene(size: int, folder: Path):
    """(s1.tif, s2.tif) of ``size``^2 px tiled from real patches, written window by window."""
    sar_path, opt_path = folder / f"s1_{size}.tif", folder / f"s2_{size}.tif"
    if sar_path.exists() and opt_path.exists():
        return sar_path, opt_path
    patches = []
    for s1, s2 in real_pairs():
        with rasterio.open(s1) as a, rasterio.open(s2) as b:
            patches.append((a.read(), b.read()))
            profile_sar, profile_opt = a.profile, b.profile
    common = dict(width=size, height=size, tiled=True, blockxsize=512, blockysize=512,
                  compress="deflate", zlevel=1, interleave="band", BIGTIFF="IF_SAFER")
    for path, profile, index in ((sar_path, profile_sar, 0), (opt_path, profile_opt, 1)):
        tmp = path.with_suffix(".part.tif")
        with rasterio.open(tmp, "w", **dict(profile, **common)) as dst:
            # Whole 512-row strips, so that every compressed block is written exactly once.
            for top in range(0, size, 2 * PATCH):
                strip = np.concatenate([
                    np.concatenate([patches[(i * 3 + j) % len(patches)][index]
                                    for j in range(-(-size // PATCH))], axis=2)
                    for i in range(top // PATCH, top // PATCH + 2)], axis=1)  # (C, 512, >=size)
                h = min(2 * PATCH, size - top)
                dst.write(strip[:, :h, :size], window=Window(0, top, size, h))
        os.replace(tmp, path)
    return sar_path, opt_path


def naive_predict(model, sar_path, opt_path, tile: int, overlap: int) -> np.ndarray:
    """The baseline: whole scene in RAM, one tile at a time, fp32, autograd on, plain average."""
    with rasterio.open(sar_path) as s, rasterio.open(opt_path) as o:
        sar = torch.from_numpy(normalize_sar(s.read()))  # (2, H, W)
        opt = torch.from_numpy(normalize_optical(o.read((4, 3, 2))))  # (3, H, W)
    out = torch.zeros_like(opt)
    count = torch.zeros(opt.shape[1:])
    for row in plan_tile_rows(opt.shape[1], opt.shape[2], tile, overlap):
        for t in row:
            win = (slice(t.row, t.row + t.height), slice(t.col, t.col + t.width))
            pred = model(sar[(slice(None),) + win][None], opt[(slice(None),) + win][None])[0]
            out[(slice(None),) + win] += pred.detach().clamp(0, 1)
            count[win] += 1
    return (out / count).numpy()


def best_time(repeat: int, fn, *args, **kwargs):
    """(fastest of ``repeat`` runs of ``fn(*args, **kwargs)`` in seconds, its last result).

    The fastest run is kept because the CPU may be shared with other work.
    """
    times, result = [], None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return min(times), result


def parse_config(text: str):
    """'128x4' -> (128, 4, False); a trailing 'h' ('128x4h') asks for half precision."""
    half = text.endswith("h")
    tile, batch = text.rstrip("h").split("x")
    return int(tile), int(batch), half


def bench_speed(names, options, size, configs, folder, repeat):
    """Rows of (model, config, tiles, seconds, Mpx/s, speed-up vs naive)."""
    sar, opt = make_scene(size, folder)
    mpx = size * size / 1e6
    rows = []
    for name in names:
        torch.manual_seed(0)
        model = build_model(name, **options).eval()
        tile0 = configs[0][0]
        naive, _ = best_time(repeat, naive_predict, model, sar, opt, tile0, tile0 // 4)
        tiles = sum(len(r) for r in plan_tile_rows(size, size, tile0, tile0 // 4))
        rows.append((name, f"naive loop, tile {tile0}, batch 1, fp32", tiles, naive,
                     mpx / naive, 1.0))
        for tile, batch, half in configs:
            seconds, result = best_time(
                repeat, predict_raster, sar, opt, folder / "speed_out.tif", model=model,
                tile=tile, overlap=tile // 4, batch_size=batch, device="cpu", half=half)
            precision = "bf16" if half else "fp32"
            rows.append((name, f"predict_raster, tile {tile}, batch {batch}, {precision}",
                         result.tiles, seconds, mpx / seconds, naive / seconds))
    return rows


def peak_rss_kb() -> int:
    """Peak RSS of this process in kB: VmHWM (reset by exec), else getrusage's ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def rss_child(args) -> int:
    """Subprocess body: predict one scene, print 'RESULT baseline_kb peak_kb maxrss_kb s'."""
    if args.rss_model == "conv":
        model = ConvStandIn()
    else:
        model = build_model(args.rss_model, width=args.width,
                            enc_blocks=(1, 1, 1, 1), dec_blocks=(1, 1))
    sar, opt = make_scene(args.child, Path(args.workdir))
    baseline = peak_rss_kb()
    blend_weight(args.tile, args.tile, args.tile // 8)  # warm numpy paths before measuring
    start = time.perf_counter()
    predict_raster(sar, opt, Path(args.workdir) / f"rss_out_{args.child}.tif", model=model,
                   tile=args.tile, overlap=args.tile // 8, batch_size=args.batch_size,
                   device="cpu")
    seconds = time.perf_counter() - start
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"RESULT {baseline} {peak_rss_kb()} {maxrss} {seconds:.1f}")
    return 0


def bench_rss(sizes, args):
    """Rows of (size, baseline MB, peak MB, ru_maxrss MB, seconds), each in a fresh process.

    Scenes are generated in their own subprocess first, so that no generation memory is
    inherited (Linux keeps ru_maxrss across fork + exec).
    """
    rows = []
    common = ["--workdir", args.workdir, "--rss-model", args.rss_model, "--width",
              str(args.width), "--tile", str(args.tile), "--batch-size", str(args.batch_size)]
    for size in sizes:
        me = [sys.executable, __file__]
        subprocess.run(me + ["--make-scene", str(size)] + common, check=True)
        out = subprocess.run(me + ["--child", str(size)] + common, check=True,
                             capture_output=True, text=True).stdout
        line = [x for x in out.splitlines() if x.startswith("RESULT")][-1].split()
        rows.append((size, *(int(v) / 1024 for v in line[1:4]), float(line[4])))
    return rows


def print_table(header, rows, formats):
    """A Markdown table."""
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(f.format(v) for f, v in zip(formats, row)) + " |")
    print()


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="tiny networks, 256^2 speed scene, memory at 1024 and 4096 only")
    p.add_argument("--models", default="mmcanet", help="comma-separated model names")
    p.add_argument("--width", type=int, default=8, help="network width (speed + rss networks)")
    p.add_argument("--full-size", action="store_true", help="default network sizes (slow on CPU)")
    p.add_argument("--speed-size", type=int, default=512, help="side of the speed scene")
    p.add_argument("--configs", default="128x1,128x4,256x4,128x4h",
                   help="TILExBATCH[h] list (h: bfloat16); the first tile is the naive loop's")
    p.add_argument("--repeat", type=int, default=2, help="speed runs per config (fastest kept)")
    p.add_argument("--sizes", default="1024,4096,10980", help="scene sides for peak RSS")
    p.add_argument("--skip-speed", action="store_true")
    p.add_argument("--skip-rss", action="store_true")
    p.add_argument("--rss-model", default="conv", help="'conv' (engine only) or a model name")
    p.add_argument("--tile", type=int, default=256, help="tile of the memory runs")
    p.add_argument("--batch-size", type=int, default=4, help="batch of the memory runs")
    p.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "mmcanet-bench"))
    p.add_argument("--child", type=int, help=argparse.SUPPRESS)
    p.add_argument("--make-scene", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.quick:
        args.speed_size, args.sizes, args.repeat = min(args.speed_size, 256), "1024,4096", 1
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    if args.make_scene:
        with rasterio.Env(GDAL_CACHEMAX=64):
            make_scene(args.make_scene, Path(args.workdir))
        return 0
    if args.child:
        return rss_child(args)
    options = {} if args.full_size else dict(width=args.width, enc_blocks=(1, 1, 1, 1),
                                             dec_blocks=(1, 1))
    print(f"CPU: {os.cpu_count()} cores, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads; network options: {options or 'defaults'}\n")
    if not args.skip_rss:  # first, while this process is still small
        sizes = [int(s) for s in args.sizes.split(",")]
        rows = bench_rss(sizes, args)
        first = rows[0][2]
        net = ("1-conv stand-in (engine only)" if args.rss_model == "conv"
               else f"{args.rss_model} width {args.width}")
        print(f"Peak RSS, fresh process per scene; network: {net}; tile {args.tile}, "
              f"batch {args.batch_size}, RGB of 13-band L1C + 2-band SAR\n")
        print_table(["scene", "Mpx", "RSS before predict (MB)", "peak RSS (MB)",
                     "peak vs first", "ru_maxrss (MB)", "seconds"],
                    [(f"{s}^2", s * s / 1e6, b, p, p / first, m, t) for s, b, p, m, t in rows],
                    ["{}", "{:.1f}", "{:.0f}", "{:.0f}", "{:.2f}x", "{:.0f}", "{:.0f}"])
    if not args.skip_speed:
        configs = [parse_config(c) for c in args.configs.split(",")]
        rows = bench_speed(args.models.split(","), options, args.speed_size, configs,
                           Path(args.workdir), args.repeat)
        print(f"Speed on CPU, real {args.speed_size}^2 px scene (overlap = tile/4), "
              f"fastest of {args.repeat} runs\n")
        print_table(["model", "method", "tiles", "seconds", "Mpx/s", "vs naive"], rows,
                    ["{}", "{}", "{}", "{:.1f}", "{:.4f}", "{:.2f}x"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
