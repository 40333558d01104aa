"""Georeferenced, tiled cloud removal of a real scene: ``predict_raster`` and the ``predict`` CLI.

The optical raster's grid is the reference: the SAR raster is resampled onto it (bilinear,
through a WarpedVRT) when its CRS, resolution or extent differ. The scene is cut into overlapping
tiles (see :mod:`mmcanet_core.tiling`), the tiles go through the network in batches, and the
predictions are cross-faded with a raised-cosine weight and written row by row to a tiled,
compressed GeoTIFF under a temporary name, renamed into place only on success. Invalid pixels
(nodata / NaN in either input, or outside the SAR coverage) are filled before the network and
written as nodata after it.

``python -m mmcanet_core predict --sar S1.tif --optical S2.tif --output OUT.tif --weights W``
"""

import os
import sys
import time
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
import rasterio
import torch

from . import raster
from .preprocess import S2_BANDS, normalize_optical, normalize_sar
from .raster import InferenceCancelled, InferenceError
from .tiling import StripBlender, Tile, batches, plan_tile_rows
from .weights import WeightsError, build_metadata, default_optical_bands, load_weights

__all__ = [
    "InferenceCancelled", "InferenceError", "PredictResult", "predict_raster", "resolve_device",
    "add_arguments", "run",
]

#: Tile size when neither the caller nor the weights' ``patch_size`` says otherwise.
DEFAULT_TILE = 128
#: Tile sides must be multiples of this (the networks downsample by up to 16).
TILE_MULTIPLE = 16
#: The GDAL block cache is capped (MB) so that memory does not grow with the scene.
GDAL_CACHE_MB = 64
CHECKPOINT_DIR = Path(__file__).resolve().parent / "checkpoints"


@dataclass
class PredictResult:
    """What :func:`predict_raster` did."""

    output_path: Path
    width: int
    height: int
    bands: List[int]  # 1-based optical bands restored, in output order
    band_names: List[str]
    tiles: int
    device: str
    batch_size: int  # the batch size finally used (smaller after a CUDA out-of-memory)
    sar_scale: str  # "db" or "linear"
    sar_coverage: float  # fraction of the optical extent covered by the SAR extent
    seconds: float
    log: List[str] = field(default_factory=list)


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


def predict_raster(
    sar_path, optical_path, output_path, *, weights=None, model=None, metadata=None,
    optical_bands=None, sar_scale="auto", device="auto", tile=None, overlap=None, batch_size=4,
    half=False, progress: Optional[Callable[[int, int], None]] = None,
    is_cancelled: Optional[Callable[[], bool]] = None,
    log: Optional[Callable[[str], None]] = None,
) -> PredictResult:
    """Remove clouds from ``optical_path`` with ``sar_path``; write ``output_path`` (GeoTIFF).

    Give ``weights`` (a .safetensors path) or a ready ``model`` (+ its ``metadata``). All input
    checks run before any tile is processed: :class:`InferenceError` then, or
    :class:`InferenceCancelled` when ``is_cancelled()`` turns true; no output is left either way.
    """
    started = time.perf_counter()
    messages: List[str] = []

    def say(message: str) -> None:
        messages.append(message)
        if log is not None:
            log(message)

    _check_tiling(tile, overlap, batch_size)
    sar_scale = _check_sar_scale(sar_scale)
    output_path = Path(output_path)
    _check_output(output_path, sar_path, optical_path)
    torch_device, reason = resolve_device(device)
    say(f"device: {torch_device} ({reason})")
    model, metadata = _resolve_model(weights, model, metadata, torch_device)
    native = metadata.get("inference_tile") or metadata.get("patch_size")
    tile, overlap = _check_tiling(tile, overlap, batch_size, native)
    use_half = bool(half) and torch_device.type in ("cuda", "cpu")
    if half:
        say("half precision: " + {"cuda": "float16", "cpu": "bfloat16"}.get(
            torch_device.type, f"not available on {torch_device.type}; float32"))

    with ExitStack() as stack, rasterio.Env(GDAL_CACHEMAX=GDAL_CACHE_MB):
        optical = stack.enter_context(raster.open_raster(optical_path, "optical"))
        sar = stack.enter_context(raster.open_raster(sar_path, "SAR"))
        raster.check_sar_bands(sar)
        bands = _resolve_bands(optical, optical_bands, metadata, model.in_channels)
        coverage = raster.check_overlap(sar, optical)
        if coverage < 0.999:
            say(f"SAR covers {coverage:.0%} of the optical scene; the rest will be nodata")
        if sar_scale == "auto":
            sar_scale = raster.detect_sar_scale(sar)
            say(f"SAR values look like {'dB' if sar_scale == 'db' else 'linear power'}")
        sar_grid = raster.sar_reader(sar, optical)
        if sar_grid is not sar:
            stack.enter_context(sar_grid)
            say("SAR is on another grid: resampled bilinearly onto the optical grid")
        margin = overlap // 2  # reflected context beyond the scene edges
        rows = plan_tile_rows(optical.height, optical.width, tile, overlap, margin)
        total = sum(len(r) for r in rows)
        say(f"{optical.width} x {optical.height} px, bands {bands}, {total} tiles of {tile} px "
            f"(overlap {overlap}), batch {batch_size}")
        engine = _Engine(model, torch_device, use_half, batch_size, tile, metadata, sar_scale)
        names = _band_names(optical, bands)
        _write_output(
            output_path, optical, sar_grid, bands, names, rows, engine, overlap,
            progress, is_cancelled, tags={"MMCANET_MODEL": metadata["model"]["name"],
                                          "MMCANET_SAR": str(sar_path)},
        )
    seconds = time.perf_counter() - started
    say(f"wrote {output_path} in {seconds:.1f} s")
    return PredictResult(
        output_path=output_path, width=optical.width, height=optical.height, bands=list(bands),
        band_names=names, tiles=total, device=str(torch_device), batch_size=engine.batch_size,
        sar_scale=sar_scale, sar_coverage=coverage, seconds=seconds, log=messages,
    )


# --- input checks -------------------------------------------------------------------------


def _check_tiling(tile, overlap, batch_size, native=None) -> Tuple[int, int]:
    """Defaults and sanity of tile size, overlap and batch size.

    Default tile: the weights' ``inference_tile`` if they name one (the tile size their quality
    was measured at), else their training ``patch_size`` (rounded up to a multiple of 16);
    default overlap: a quarter of the tile.
    """
    if tile is None:
        native = int(native or DEFAULT_TILE)
        tile = max(TILE_MULTIPLE, -(-native // TILE_MULTIPLE) * TILE_MULTIPLE)
    tile = int(tile)
    if tile < TILE_MULTIPLE or tile % TILE_MULTIPLE:
        raise InferenceError(
            f"tile size {tile} must be a multiple of {TILE_MULTIPLE} and at least "
            f"{TILE_MULTIPLE} (the network downsamples by 16); e.g. --tile 256."
        )
    overlap = tile // 4 if overlap is None else int(overlap)
    if not 0 <= overlap <= tile // 2:
        raise InferenceError(
            f"overlap {overlap} must be between 0 and half the tile size ({tile // 2}); "
            f"e.g. --overlap {tile // 4}."
        )
    if int(batch_size) < 1:
        raise InferenceError(f"batch size {batch_size} must be at least 1.")
    return tile, overlap


def _check_sar_scale(sar_scale: str) -> str:
    value = str(sar_scale).lower()
    if value not in ("auto", "db", "linear"):
        raise InferenceError(f"SAR scale {sar_scale!r} is not 'auto', 'db' or 'linear'.")
    return value


def _check_output(output: Path, *inputs) -> None:
    """The output folder exists and is writable, and the output overwrites no input."""
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise InferenceError(f"output folder {folder} does not exist; create it first.")
    if not os.access(folder, os.W_OK):
        raise InferenceError(f"output folder {folder} is not writable; choose another output.")
    if output.is_dir():
        raise InferenceError(f"output {output} is a folder; give a file name such as out.tif.")
    for path in inputs:
        if Path(path).exists() and output.exists() and output.samefile(path):
            raise InferenceError(f"output {output} is an input; choose another output name.")


def _resolve_model(weights, model, metadata, device):
    """(model on device in eval mode, metadata) from a weights file or a given model."""
    if weights is not None:
        try:
            model, metadata = load_weights(weights, device=device)
        except WeightsError as exc:
            raise InferenceError(str(exc)) from exc
    elif model is None:
        raise InferenceError(
            "no model: pass weights (a .safetensors file saved by mmcanet_core) or a model."
        )
    else:
        model = model.to(device).eval()
    if metadata is None:
        metadata = build_metadata(
            name=type(model).__name__.lower(), options={},
            optical_bands=default_optical_bands(model.in_channels), trained_on="unknown",
        )
    return model, metadata


def _resolve_bands(optical, requested, metadata, needed: int) -> List[int]:
    """The 1-based optical bands to feed: requested, else the metadata's, else 1..needed."""
    if requested is not None:
        bands = [int(b) for b in requested]
    elif optical.count == metadata["optical_bands"].get("of", len(S2_BANDS)):
        bands = list(metadata["optical_bands"]["indices"])
    elif optical.count == needed:
        bands = list(range(1, needed + 1))
    else:
        wanted = metadata["optical_bands"]
        raise InferenceError(
            f"optical raster {optical.name} has {optical.count} band(s): neither a "
            f"{wanted.get('of', 13)}-band L1C scene (the model takes bands {wanted['indices']} "
            f"= {wanted['names']}) nor a {needed}-band file. Pass the band numbers to use, "
            "e.g. --bands 4,3,2."
        )
    raster.check_optical_bands(optical, bands, needed)
    return bands


def _band_names(optical, bands: Sequence[int]) -> List[str]:
    """Output band descriptions: the input's, else Sentinel-2 names for 13-band files."""
    names = []
    for b in bands:
        name = optical.descriptions[b - 1]
        if not name:
            name = S2_BANDS[b - 1] if optical.count == len(S2_BANDS) else f"band {b}"
        names.append(f"{name} (cloud-free, MMCANet)")
    return names


# --- the work -----------------------------------------------------------------------------


class _Engine:
    """Normalises tiles, runs the network in batches (halving the batch on CUDA OOM)."""

    def __init__(self, model, device, half, batch_size, tile, metadata, sar_scale):
        self.model, self.device, self.half = model, device, half
        self.batch_size, self.tile, self.sar_scale = int(batch_size), tile, sar_scale
        norm = metadata["normalisation"]
        clips = norm["sar_db_clip"]
        self.sar_clips = [tuple(clips[band]) for band in metadata["sar_bands"]]
        self.optical_clip = tuple(norm["optical_dn_clip"])

    def prepare(self, sar: np.ndarray, optical: np.ndarray):
        """Raw (2, h, w) SAR + (C, h, w) DN -> filled, padded [0, 1] inputs and validity (h, w)."""
        sar = normalize_sar(raster.sar_to_db(sar, self.sar_scale), self.sar_clips)
        optical = normalize_optical(optical, self.optical_clip)
        valid = np.isfinite(sar).all(axis=0) & np.isfinite(optical).all(axis=0)
        return _pad(_fill(sar, valid), self.tile), _pad(_fill(optical, valid), self.tile), valid

    def predict(self, sar: np.ndarray, optical: np.ndarray) -> np.ndarray:
        """(N, 2, T, T) + (N, C, T, T) in [0, 1] -> (N, C, T, T) restored DN (float32)."""
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
                        f"out of GPU memory with a single {self.tile}-px tile; use a smaller "
                        "tile (e.g. --tile 128), --half, or --device cpu."
                    ) from None
                self.batch_size = max(1, self.batch_size // 2)
                torch.cuda.empty_cache()
        low, high = self.optical_clip
        return np.concatenate(out) * (high - low) + low

    def _forward(self, sar: np.ndarray, optical: np.ndarray) -> np.ndarray:
        dtype = torch.float16 if self.device.type == "cuda" else torch.bfloat16
        autocast = torch.autocast(self.device.type, dtype=dtype) if self.half else nullcontext()
        with torch.inference_mode(), autocast:
            s = torch.from_numpy(sar).to(self.device)
            o = torch.from_numpy(optical).to(self.device)
            restored = self.model(s, o).float().clamp_(0, 1)
        return restored.cpu().numpy()


def _fill(data: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """(C, h, w) with invalid pixels set to each band's mean over valid pixels (0.5 if none)."""
    if valid.all():
        return data
    data = data.copy()
    for band in data:
        band[~valid] = band[valid].mean() if valid.any() else 0.5
    return data


def _pad(data: np.ndarray, tile: int) -> np.ndarray:
    """(C, h, w) reflect-padded at the bottom/right to (C, tile, tile) when smaller."""
    _, h, w = data.shape
    if h >= tile and w >= tile:
        return data
    mode = "reflect" if min(h, w) > 1 else "edge"
    return np.pad(data, ((0, 0), (0, max(0, tile - h)), (0, max(0, tile - w))), mode=mode)


def _write_output(output, optical, sar_grid, bands, names, rows, engine, overlap, progress,
                  is_cancelled, tags):
    """Run every tile and write the blended result under a temporary name, then rename it."""
    nodata = raster.output_nodata(optical)
    profile = raster.output_profile(optical, len(bands), nodata)
    tmp = raster.temporary_path(output)
    total = sum(len(r) for r in rows)
    done = 0
    try:
        with rasterio.open(tmp, "w", **profile) as dst:
            for i, name in enumerate(names, start=1):
                dst.set_band_description(i, name)
            dst.update_tags(**tags)
            writer = raster.RowWriter(dst, profile["dtype"], nodata, profile["blockysize"])
            blender = StripBlender(len(bands), rows[0][0].height, optical.width, overlap)
            height = optical.height
            flat = [(r, t) for r, row in enumerate(rows) for t in row]
            for chunk in batches(flat, max(engine.batch_size, 1)):
                if is_cancelled is not None and is_cancelled():
                    raise InferenceCancelled("cancelled by the user; no output was written")
                for (r, t), pred, valid in _run_chunk(chunk, optical, sar_grid, bands, engine):
                    blender.add(t, pred, valid)
                    if t is rows[r][-1]:  # the row of tiles is complete
                        last = r + 1 == len(rows)
                        next_top = height if last else min(max(rows[r + 1][0].row, 0), height)
                        values, _ = blender.finish_rows(next_top)
                        writer.add(values)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
            writer.flush()
        os.replace(tmp, output)
    except BaseException:
        _remove(tmp)
        raise
    finally:
        _remove(Path(str(tmp) + ".aux.xml"))


def _read_tile(ds_read, t: Tile, height: int, width: int) -> np.ndarray:
    """(C, t.height, t.width): the in-scene window read, the rest filled by reflection."""
    row0, row1, col0, col1 = t.inside(height, width)
    data = ds_read(rasterio.windows.Window(col0, row0, col1 - col0, row1 - row0))
    pads = ((0, 0), (row0 - t.row, t.row + t.height - row1), (col0 - t.col, t.col + t.width - col1))
    if not any(any(p) for p in pads):
        return data
    return np.pad(data, pads, mode="reflect" if min(data.shape[1:]) > 1 else "edge")


def _run_chunk(chunk, optical, sar_grid, bands, engine):
    """Read, prepare and predict a list of ``(row index, Tile)``; yields the in-scene
    ``(item, DN (C, h, w), valid (h, w))``."""
    inputs = []
    size = (optical.height, optical.width)
    for item in chunk:
        t: Tile = item[1]
        sar = _read_tile(lambda w: raster.read_float(sar_grid, w, (1, 2)), t, *size)  # (2, T, T)
        opt = _read_tile(lambda w: raster.read_optical(optical, w, bands), t, *size)  # (C, T, T)
        inputs.append(engine.prepare(sar, opt))
    todo = [i for i, (_, _, valid) in enumerate(inputs) if valid.any()]
    preds = {}
    if todo:
        sar = np.stack([inputs[i][0] for i in todo])  # (N, 2, T, T)
        opt = np.stack([inputs[i][1] for i in todo])  # (N, C, T, T)
        preds = dict(zip(todo, engine.predict(sar, opt)))
    for i, item in enumerate(chunk):
        t, valid = item[1], inputs[i][2]
        pred = preds.get(i)
        if pred is None:  # nothing valid in this tile: skip the network
            pred = np.zeros((len(bands), t.height, t.width), dtype=np.float32)
        row0, row1, col0, col1 = t.inside(*size)
        inner = (slice(row0 - t.row, row1 - t.row), slice(col0 - t.col, col1 - t.col))
        yield item, pred[(slice(None),) + inner], valid[inner]


def _remove(path: Path) -> None:
    try:
        os.remove(path)
    except FileNotFoundError:
        pass


# --- command line -------------------------------------------------------------------------


def add_arguments(parser) -> None:
    """Options of ``python -m mmcanet_core predict``."""
    parser.add_argument("--sar", required=True, help="Sentinel-1 raster, 2 bands VV, VH")
    parser.add_argument("--optical", required=True, help="cloudy Sentinel-2 raster (the grid)")
    parser.add_argument("--output", required=True, help="output GeoTIFF")
    parser.add_argument("--weights", help="weights .safetensors (default: the shipped checkpoint)")
    parser.add_argument("--model", help="architecture for an UNTRAINED network (testing only)")
    parser.add_argument("--bands", help="1-based optical bands, e.g. 4,3,2 (default: weights')")
    parser.add_argument("--sar-scale", default="auto", choices=["auto", "db", "linear"])
    parser.add_argument("--device", default="auto", help="auto | cpu | cuda | cuda:N")
    parser.add_argument("--tile", type=int, default=None,
                        help="tile size in pixels (default: the weights' patch size, 128)")
    parser.add_argument("--overlap", type=int, default=None, help="tile overlap (default tile/4)")
    parser.add_argument("--batch-size", type=int, default=4)
    parser.add_argument("--half", action="store_true",
                        help="float16 on CUDA, bfloat16 on CPU (faster, slightly less exact)")
    parser.add_argument("--preview", help="also write a SAR / cloudy / restored PNG here")


def shipped_checkpoint() -> Optional[Path]:
    """The plugin's bundled weights, if any."""
    found = sorted(CHECKPOINT_DIR.glob("*.safetensors"))
    return found[0] if found else None


def _parse_bands(text: Optional[str]) -> Optional[List[int]]:
    if text is None:
        return None
    try:
        return [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise InferenceError(f"--bands {text!r} is not a comma-separated list like 4,3,2") from None


def _cli_model(args, bands):
    """(weights path or None, untrained model or None) from --weights / --model / checkpoint."""
    if args.weights:
        return args.weights, None
    shipped = shipped_checkpoint()
    if shipped is not None:
        from .weights import read_metadata

        if args.model is None or read_metadata(shipped)["model"]["name"] == args.model.lower():
            print(f"using the shipped checkpoint {shipped}", file=sys.stderr)
            return shipped, None
    if args.model is None:
        raise InferenceError(
            "no weights: pass --weights W.safetensors (no checkpoint ships with this install), "
            "or --model NAME for an untrained network (testing only)."
        )
    from .models import build_model

    try:
        model = build_model(args.model, in_channels=len(bands) if bands else 3)
    except ValueError as exc:
        raise InferenceError(str(exc)) from None
    print(
        f"{'!' * 78}\nWARNING: UNTRAINED {args.model!r} network with random weights: the output "
        f"is MEANINGLESS.\nPass --weights W.safetensors for real cloud removal.\n{'!' * 78}",
        file=sys.stderr,
    )
    return None, model


def run(args) -> int:
    """``predict`` command: returns 0 on success, 2 on bad input, 130 on Ctrl-C."""
    from tqdm import tqdm

    try:
        bands = _parse_bands(args.bands)
        weights, model = _cli_model(args, bands)
        with tqdm(total=0, unit="tile", desc="predict") as bar:

            def progress(done, total):
                bar.total = total
                bar.update(done - bar.n)

            result = predict_raster(
                args.sar, args.optical, args.output, weights=weights, model=model,
                optical_bands=bands, sar_scale=args.sar_scale, device=args.device,
                tile=args.tile, overlap=args.overlap, batch_size=args.batch_size, half=args.half,
                progress=progress, log=lambda m: tqdm.write(m, file=sys.stderr),
            )
        if args.preview:
            from .preview import write_preview

            write_preview(args.preview, args.sar, args.optical, result.output_path,
                          result.bands, sar_scale=result.sar_scale)
            print(f"preview: {args.preview}", file=sys.stderr)
    except (InferenceError, WeightsError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("cancelled; no output written", file=sys.stderr)
        return 130
    print(result.output_path)
    return 0
