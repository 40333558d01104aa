"""Inference benchmark (``make bench``): engine vs raw IO, network vs end to end, peak memory.

1. Engine goal (CPU): ``predict_raster`` with a near-free one-convolution network over a 2048^2
   tiled DEFLATE mosaic of real SEN12MS-CR patches, against the raw IO the same scene needs
   (read SAR + RGB, write a uint16 tiled DEFLATE GeoTIFF with the engine's output profile), with
   aligned SAR and with the SAR in EPSG:4326 (the floor then includes warping it onto the optical
   grid, with the engine's own warper). Runs are interleaved and repeated, the fastest kept (the
   CPU may be shared); process CPU seconds are printed too. Issue 11's goals: <= 2x aligned,
   <= 3x other CRS. The near-free network runs with torch's default intra-op threads and with
   one (on a small CPU its OpenMP threads otherwise compete with the engine's IO threads).
2. Throughput per model and TILExBATCH config on ``--device``: the network alone (``backend
   .predict`` on full batches of real tiles, scene Mpx/s as if the scene's tiles were all it ran)
   and end to end (``predict_raster`` on a real mosaic), their ratio and the projected time of
   a 10980^2 Sentinel-2 tile. ``--device cuda --full-size --compile`` for the GPU goals (>= 80 %
   of network-only throughput end to end; a 10980^2 tile under 60 s, 30 s compiled).
3. Memory: scenes of 1024^2, 4096^2 and 10980^2 px (a full Sentinel-2 tile) are written to disk by
   tiling real patches, then each is predicted in a fresh subprocess that reports its peak RSS
   (``VmHWM``). A 10980^2 scene is ~120 Mpx: with a real network on a laptop CPU that takes
   hours, so by default the memory part runs the one-convolution stand-in (``--rss-model conv``),
   which measures the engine (IO, tiling, blending, writing), not the network; ``--rss-model
   mmcanet`` uses the real one at ``--width``. Goal: peak within 1.5x of the 1024^2 run.

Every ``predict_raster`` run writes the raw network output (``raw=True``, what issue 11's goals
measure); ``--composite`` runs the default instead: the cloud mask of the 13-band scene and the
composite (7 more bands read, the mask computed, clear tiles skip the network);
``--references`` runs the composite with the scene itself as a reference date (the first pass
over the blocks, the reference read and masked in every strip: what issue 23 adds; the memory
goal holds for it too).

Examples::

    python scripts/bench.py --quick                 # tiny widths, 256^2 speed scene, 1024 + 4096
    python scripts/bench.py --skip-rss --skip-speed --repeat 5      # the engine goal only
    python scripts/bench.py --device cuda --full-size --configs 256x16,256x16h --compile
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
from mmcanet_core.backends.pytorch import TorchBackend, resolve_device  # noqa: E402
from mmcanet_core.data.sen12mscr import find_triplets  # noqa: E402
from mmcanet_core.engine import raster  # noqa: E402
from mmcanet_core.engine.tiling import blend_weight, plan_tile_rows  # noqa: E402
from mmcanet_core.inference import predict_raster  # noqa: E402
from mmcanet_core.preprocess import normalize_optical, normalize_sar  # noqa: E402

DATA = Path(os.environ.get("MMCANET_SHARED_DATA", ROOT.parent / "shared" / "data")) / "sen12mscr"
PATCH = 256
SENTINEL2_MPX = 10980 * 10980 / 1e6  # one full Sentinel-2 tile


class ConvStandIn(torch.nn.Module):
    """One 3x3 convolution: a near-free 'network', so that a run measures the engine."""

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
                  compress="deflate", zlevel=1, interleave="band", BIGTIFF="IF_SAFER",
                  num_threads="all_cpus")  # compress blocks on every core
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


def make_warped_sar(size: int, folder: Path) -> Path:
    """The ``size``^2 SAR mosaic warped to EPSG:4326 (bilinear), as a tiled DEFLATE GeoTIFF."""
    path = folder / f"s1_{size}_4326.tif"
    if path.exists():
        return path
    sar_path, _ = make_scene(size, folder)
    with rasterio.open(sar_path) as src:
        transform, width, height = rasterio.warp.calculate_default_transform(
            src.crs, "EPSG:4326", src.width, src.height, *src.bounds)
        data = np.full((src.count, height, width), np.nan, dtype=np.float32)
        rasterio.warp.reproject(src.read(), data, src_transform=src.transform, src_crs=src.crs,
                                dst_transform=transform, dst_crs="EPSG:4326",
                                resampling=rasterio.enums.Resampling.bilinear,
                                src_nodata=np.nan, dst_nodata=np.nan)
        profile = dict(src.profile, crs="EPSG:4326", transform=transform, width=width,
                       height=height, nodata=np.nan)
    tmp = path.with_suffix(".part.tif")
    with rasterio.open(tmp, "w", **profile) as dst:
        dst.write(data)
    os.replace(tmp, path)
    return path


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


def cpu_seconds() -> float:
    """User + system CPU seconds of this process so far (all its threads)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed(fn, *args, **kwargs):
    """(wall seconds, CPU seconds, result) of one call."""
    wall, cpu = time.perf_counter(), cpu_seconds()
    result = fn(*args, **kwargs)
    return time.perf_counter() - wall, cpu_seconds() - cpu, result


def best_time(repeat: int, fn, *args, **kwargs):
    """(fastest of ``repeat`` runs of ``fn(*args, **kwargs)`` in seconds, its last result).

    The fastest run is kept because the CPU may be shared with other work.
    """
    times, result = [], None
    for _ in range(max(1, repeat)):
        seconds, _, result = timed(fn, *args, **kwargs)
        times.append(seconds)
    return min(times), result


def parse_config(text: str):
    """'128x4' -> (128, 4, False); a trailing 'h' ('128x4h') asks for half precision."""
    half = text.endswith("h")
    tile, batch = text.rstrip("h").split("x")
    return int(tile), int(batch), half


# --- 1. the engine against raw IO ----------------------------------------------------------


def raw_io(sar_path, opt_path, out_path) -> None:
    """The floor: read the SAR on the optical grid and the RGB bands, write a uint16 tiled
    DEFLATE GeoTIFF with the engine's output profile, under the engine's GDAL settings."""
    with rasterio.open(opt_path) as optical, rasterio.open(sar_path) as sar:
        cache = raster.block_cache_bytes((optical, 3), (sar, 2))
        with rasterio.Env(GDAL_CACHEMAX=cache, GDAL_NUM_THREADS="ALL_CPUS"):
            raster.sar_reader(sar, optical).read((1, 2))
            rgb = optical.read((4, 3, 2))
            profile = raster.output_profile(optical, 3, raster.output_nodata(optical))
            with rasterio.open(out_path, "w", **profile) as dst:
                dst.write(rgb)


def bench_goal(size: int, folder: Path, repeat: int, tile: int, batch: int, raw: bool):
    """Rows (SAR, torch threads, floor s, floor CPU s, predict s, predict CPU s, ratio, goal)."""
    aligned, optical = make_scene(size, folder)
    cases = [("aligned", aligned, 2.0), ("EPSG:4326", make_warped_sar(size, folder), 3.0)]
    default_threads = torch.get_num_threads()
    thread_counts = sorted({default_threads, 1}, reverse=True)
    best = {}
    for _ in range(max(1, repeat)):  # interleaved, so that load changes hit every case alike
        for threads in thread_counts:
            torch.set_num_threads(threads)
            for name, sar, _ in cases:
                floor = timed(raw_io, sar, optical, folder / "goal_floor.tif")[:2]
                run = timed(predict_raster, sar, optical, folder / "goal_out.tif",
                            model=ConvStandIn(), tile=tile, overlap=tile // 4,
                            batch_size=batch, device="cpu", raw=raw, overwrite=True)[:2]
                for key, value in (((name, threads, "floor"), floor),
                                   ((name, threads, "predict"), run)):
                    best[key] = min(best.get(key, value), value)
    torch.set_num_threads(default_threads)
    rows = []
    for threads in thread_counts:
        for name, _, goal in cases:
            (fs, fc), (ps, pc) = best[(name, threads, "floor")], best[(name, threads, "predict")]
            rows.append((name, threads, fs, fc, ps, pc, ps / fs, goal))
    return rows


# --- 2. network alone vs end to end --------------------------------------------------------


def network_seconds(backend: TorchBackend, sar_path, opt_path, tile: int, batch: int,
                    calls: int) -> float:
    """Fastest seconds of ``calls`` ``backend.predict`` calls on a full batch of real tiles,
    after a warm-up call."""
    with rasterio.open(sar_path) as s, rasterio.open(opt_path) as o:
        window = Window(0, 0, min(tile, o.width), min(tile, o.height))
        sar = normalize_sar(np.nan_to_num(s.read(window=window), nan=-20.0))
        opt = normalize_optical(o.read((4, 3, 2), window=window).astype(np.float32))
    sar_batch, opt_batch = backend.host_array((batch, 2, tile, tile)), backend.host_array(
        (batch, 3, tile, tile))
    sar_batch[:], opt_batch[:] = sar, opt  # every tile of the batch is the same real tile
    backend.predict(sar_batch, opt_batch)
    return best_time(calls, backend.predict, sar_batch, opt_batch)[0]


def bench_throughput(names, options, size, configs, folder, repeat, device, compile_, naive,
                     raw):
    """Rows (model, config, tiles, network Mpx/s, end-to-end Mpx/s, ratio, 10980^2 s e2e, net)."""
    sar, opt = make_scene(size, folder)
    torch_device, _ = resolve_device(device)
    mpx = size * size / 1e6
    rows = []
    for name in names:
        torch.manual_seed(0)
        model = build_model(name, **options).to(torch_device).eval()
        if naive and torch_device.type == "cpu":
            tile0 = configs[0][0]
            seconds, _ = best_time(repeat, naive_predict, model, sar, opt, tile0, tile0 // 4)
            tiles = sum(len(r) for r in plan_tile_rows(size, size, tile0, tile0 // 4))
            rows.append((name, f"naive loop, tile {tile0}, batch 1, fp32", tiles, None,
                         mpx / seconds, None, SENTINEL2_MPX / mpx * seconds, None, None))
        for tile, batch, half in configs:
            precision = ("fp16" if torch_device.type == "cuda" else "bf16") if half else "fp32"
            label = f"tile {tile}, batch {batch}, {precision}" + (", compiled" if compile_ else "")
            backend = TorchBackend(model, None, torch_device, batch_size=batch, half=half)
            if compile_:
                backend.compile(tile)
            tiles = sum(len(r) for r in plan_tile_rows(size, size, tile, tile // 4, tile // 8))
            per_call = network_seconds(backend, sar, opt, tile, batch, calls=max(2, repeat))
            net = mpx / (tiles * per_call / batch)  # as if every batch were full
            _, result = best_time(repeat, predict_raster, sar, opt, folder / "speed_out.tif",
                                  model=model, tile=tile, overlap=tile // 4, batch_size=batch,
                                  device=device, half=half, compile=compile_, raw=raw,
                                  overwrite=True)
            compile_s = result.compile_seconds or 0.0
            e2e = mpx / (result.seconds - compile_s)  # a long run compiles once
            rows.append((name, label, tiles, net, e2e, e2e / net,
                         SENTINEL2_MPX / e2e + compile_s, SENTINEL2_MPX / net + compile_s,
                         result.compile_seconds))
    return rows


# --- 3. training step ----------------------------------------------------------------------


def bench_train(name, options, batch: int, size: int, steps: int, device: str, repeat: int):
    """Rows (precision, ms per step, samples/s): training steps as ``train.py`` runs them, fp32
    and ``--amp``, on random inputs of the paper's shapes (speed does not depend on values)."""
    rows = []
    for amp in (False, True):
        label, seconds = train_seconds(name, options, amp, batch, size, steps, device, repeat)
        rows.append((label, 1000 * seconds / steps, batch * steps / seconds))
    return rows


def train_seconds(name, options, amp: bool, batch: int, size: int, steps: int, device: str,
                  repeat: int):
    """(precision label, fastest seconds of ``steps`` training steps)."""
    from mmcanet_core.training.train import DEFAULTS, new_run, train_step

    torch_device, _ = resolve_device(device)
    torch.manual_seed(0)
    model = build_model(name, **options).train()
    trainer = new_run(dict(DEFAULTS, amp=amp), model, torch_device)
    dtype, scaler = trainer.amp_dtype, trainer.scaler
    inputs = (torch.rand(batch, 2, size, size, device=torch_device),
              *(torch.rand(batch, model.in_channels, size, size, device=torch_device)
                for _ in range(2)))  # sar, cloudy, target

    def run(steps=steps):
        for _ in range(steps):
            train_step(trainer, inputs)
        if torch_device.type == "cuda":
            torch.cuda.synchronize(torch_device)

    run(1)  # warm-up
    seconds, _ = best_time(repeat, run)
    if not amp:
        return "fp32", seconds
    scaled = ", GradScaler" if scaler.is_enabled() else ""
    return f"AMP ({str(dtype).replace('torch.', '')}{scaled})", seconds


# --- 4. peak memory -------------------------------------------------------------------------


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
                   device="cpu", raw=not (args.composite or args.references), overwrite=True,
                   references=[opt] if args.references else ())
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
    common += ["--composite"] if args.composite else []
    common += ["--references"] if args.references else []
    for size in sizes:
        me = [sys.executable, __file__]
        subprocess.run(me + ["--make-scene", str(size)] + common, check=True)
        out = subprocess.run(me + ["--child", str(size)] + common, check=True,
                             capture_output=True, text=True).stdout
        line = [x for x in out.splitlines() if x.startswith("RESULT")][-1].split()
        rows.append((size, *(int(v) / 1024 for v in line[1:4]), float(line[4])))
    return rows


def _mode(args) -> str:
    if args.references:
        return "composite + a reference date"
    return "composite (cloud mask)" if args.composite else "raw output"


def print_table(header, rows, formats):
    """A Markdown table; ``None`` cells print as a dash."""
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join("-" if v is None else f.format(v)
                                for f, v in zip(formats, row)) + " |")
    print()


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--quick", action="store_true",
                   help="tiny networks, 256^2 speed scene, memory at 1024 and 4096 only")
    p.add_argument("--device", default="cpu", help="device of the throughput part: cpu | cuda")
    p.add_argument("--models", default="mmcanet", help="comma-separated model names")
    p.add_argument("--width", type=int, default=8, help="network width (speed + rss networks)")
    p.add_argument("--full-size", action="store_true", help="default network sizes (slow on CPU)")
    p.add_argument("--speed-size", type=int, default=None,
                   help="side of the throughput scene (default 512 on the CPU, 4096 on CUDA)")
    p.add_argument("--configs", default=None,
                   help="TILExBATCH[h] list, h: half precision (default 128x4,256x4,256x4h on "
                        "the CPU, 256x16,256x16h on CUDA)")
    p.add_argument("--compile", action="store_true", help="torch.compile the throughput runs")
    p.add_argument("--naive", action="store_true",
                   help="add the naive one-tile-at-a-time loop (CPU) to the throughput table")
    p.add_argument("--repeat", type=int, default=3, help="runs per measurement (fastest kept)")
    p.add_argument("--goal-size", type=int, default=2048, help="side of the engine-goal scene")
    p.add_argument("--goal-tile", type=int, default=256, help="tile of the engine-goal runs")
    p.add_argument("--sizes", default="1024,4096,10980", help="scene sides for peak RSS")
    p.add_argument("--train", action="store_true",
                   help="also time training steps, fp32 vs --amp (train.py's step)")
    p.add_argument("--train-batch", type=int, default=32, help="batch of the training steps")
    p.add_argument("--train-size", type=int, default=128, help="patch side of the training steps")
    p.add_argument("--train-steps", type=int, default=3, help="steps per timed run")
    p.add_argument("--skip-goal", action="store_true")
    p.add_argument("--skip-speed", action="store_true")
    p.add_argument("--skip-rss", action="store_true")
    p.add_argument("--rss-model", default="conv", help="'conv' (engine only) or a model name")
    p.add_argument("--tile", type=int, default=256, help="tile of the memory runs")
    p.add_argument("--batch-size", type=int, default=4, help="batch of the memory + goal runs")
    p.add_argument("--composite", action="store_true",
                   help="run predict_raster's default compositing (cloud mask) instead of raw")
    p.add_argument("--references", action="store_true",
                   help="memory runs: composite with the scene as its own reference date")
    p.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "mmcanet-bench"))
    p.add_argument("--child", type=int, help=argparse.SUPPRESS)
    p.add_argument("--make-scene", type=int, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    cuda = args.device.startswith("cuda")
    args.speed_size = args.speed_size or (4096 if cuda else 512)
    args.configs = args.configs or ("256x16,256x16h" if cuda else "128x4,256x4,256x4h")
    if args.quick:
        args.speed_size, args.sizes, args.repeat = min(args.speed_size, 256), "1024,4096", 1
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    folder = Path(args.workdir)
    folder.mkdir(parents=True, exist_ok=True)
    if args.make_scene:
        make_scene(args.make_scene, folder)
        return 0
    if args.child:
        return rss_child(args)
    options = {} if args.full_size else dict(width=args.width, enc_blocks=(1, 1, 1, 1),
                                             dec_blocks=(1, 1))
    device, reason = resolve_device(args.device)
    print(f"CPU: {os.cpu_count()} cores, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads; throughput device: {device} ({reason}); "
          f"network options: {options or 'defaults (paper size)'}\n")
    if not args.skip_rss:  # first, while this process is still small
        sizes = [int(s) for s in args.sizes.split(",")]
        rows = bench_rss(sizes, args)
        first = rows[0][2]
        net = ("1-conv stand-in (engine only)" if args.rss_model == "conv"
               else f"{args.rss_model} width {args.width}")
        print(f"Peak RSS, fresh process per scene; network: {net}; tile {args.tile}, "
              f"batch {args.batch_size}, RGB of 13-band L1C + 2-band SAR, "
              f"{_mode(args)}; goal <= 1.5x\n")
        print_table(["scene", "Mpx", "RSS before predict (MB)", "peak RSS (MB)",
                     "peak vs first", "ru_maxrss (MB)", "seconds"],
                    [(f"{s}^2", s * s / 1e6, b, p, p / first, m, t) for s, b, p, m, t in rows],
                    ["{}", "{:.1f}", "{:.0f}", "{:.0f}", "{:.2f}x", "{:.0f}", "{:.0f}"])
    if not args.skip_goal:
        rows = bench_goal(args.goal_size, folder, args.repeat, args.goal_tile, args.batch_size,
                          not args.composite)
        print(f"Engine vs raw IO on the CPU: {args.goal_size}^2 real mosaic (tiled DEFLATE), "
              f"1-conv stand-in network, tile {args.goal_tile}, batch {args.batch_size}; "
              f"fastest of {args.repeat} interleaved runs; floor = read SAR on the optical grid "
              "+ RGB, write uint16 GeoTIFF (engine's profile)\n")
        print_table(["SAR", "torch threads", "raw IO s", "raw IO CPU s", "predict_raster s",
                     "predict_raster CPU s", "ratio", "goal", "met"],
                    [row + ("yes" if row[6] <= row[7] else "NO",) for row in rows],
                    ["{}", "{}", "{:.2f}", "{:.2f}", "{:.2f}", "{:.2f}", "{:.2f}x", "<= {:.0f}x",
                     "{}"])
    if not args.skip_speed:
        configs = [parse_config(c) for c in args.configs.split(",")]
        rows = bench_throughput(args.models.split(","), options, args.speed_size, configs,
                                folder, args.repeat, args.device, args.compile, args.naive,
                                not args.composite)
        print(f"Throughput on {device}: real {args.speed_size}^2 mosaic, overlap = tile/4; "
              f"network alone = the scene's tiles in full batches; fastest of {args.repeat}\n")
        print_table(["model", "config", "tiles", "network Mpx/s", "end-to-end Mpx/s",
                     "end-to-end / network", "10980^2 s (end to end)", "10980^2 s (network)",
                     "compile s"], rows,
                    ["{}", "{}", "{}", "{:.3f}", "{:.3f}", "{:.0%}", "{:.0f}", "{:.0f}",
                     "{:.0f}"])
    if args.train:
        name = args.models.split(",")[0]
        rows = bench_train(name, options, args.train_batch, args.train_size, args.train_steps,
                           args.device, args.repeat)
        print(f"Training steps on {device}: {name} ({options or 'paper size'}), batch "
              f"{args.train_batch}, {args.train_size} px, {args.train_steps} steps per run, "
              f"fastest of {args.repeat}\n")
        print_table(["precision", "ms / step", "samples / s"], rows, ["{}", "{:.0f}", "{:.1f}"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
