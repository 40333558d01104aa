"""Georeferenced, tiled cloud removal of a real scene: ``predict_raster`` and the ``predict`` CLI.

The optical raster's grid is the reference: the SAR raster is resampled onto it (bilinear,
with GDAL's warper) when its CRS, resolution or extent differ. The scene is cut into overlapping
tiles (see :mod:`mmcanet_core.tiling`), the tiles go through the network in batches, and the
predictions are cross-faded with a raised-cosine weight and written row by row to a tiled,
compressed GeoTIFF under a temporary name, renamed into place only on success. Invalid pixels
(nodata / NaN in either input, or outside the SAR coverage) are filled before the network and
written as nodata after it.

This module checks the inputs and settles the options; :mod:`mmcanet_core.engine` does the work
(reading ahead of the network and writing behind it, in threads), and
:mod:`mmcanet_core.torch_backend` runs the network.

``python -m mmcanet_core predict --sar S1.tif --optical S2.tif --output OUT.tif --weights W``
"""

import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

import rasterio

from . import raster
from .engine import Output, Plan, Scene, run_scene
from .preprocess import S2_BANDS
from .raster import InferenceCancelled, InferenceError
from .tiling import plan_tile_rows
from .torch_backend import TorchBackend, resolve_device
from .weights import WeightsError, build_metadata, default_optical_bands, load_weights

__all__ = [
    "InferenceCancelled", "InferenceError", "PredictResult", "predict_raster", "resolve_device",
    "add_arguments", "run",
]

#: Tile size when neither the caller nor the weights' ``patch_size`` says otherwise.
DEFAULT_TILE = 128
#: Tile sides must be multiples of this (the networks downsample by up to 16).
TILE_MULTIPLE = 16
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
    compile_seconds: Optional[float] = None  # torch.compile time, included in ``seconds``


def predict_raster(
    sar_path, optical_path, output_path, *, weights=None, model=None, metadata=None,
    optical_bands=None, sar_scale="auto", device="auto", tile=None, overlap=None, batch_size=4,
    half=False, compile=False, progress: Optional[Callable[[int, int], None]] = None,
    is_cancelled: Optional[Callable[[], bool]] = None,
    log: Optional[Callable[[str], None]] = None,
) -> PredictResult:
    """Remove clouds from ``optical_path`` with ``sar_path``; write ``output_path`` (GeoTIFF).

    Give ``weights`` (a .safetensors path) or a ready ``model`` (+ its ``metadata``). All input
    checks run before any tile is processed: :class:`InferenceError` then, or
    :class:`InferenceCancelled` when ``is_cancelled()`` turns true; no output is left either way.
    ``compile=True`` runs the network through ``torch.compile`` (pays on long CUDA runs only).
    ``progress``, ``is_cancelled`` and ``log`` are called from the calling thread only.
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

    scene, output, coverage, cache = _inspect_inputs(
        sar_path, optical_path, output_path, optical_bands, sar_scale, metadata,
        model.in_channels, say)
    margin = overlap // 2  # reflected context beyond the scene edges
    plan = Plan(plan_tile_rows(scene.height, scene.width, tile, overlap, margin), tile, overlap,
                margin, int(batch_size))
    say(f"{scene.width} x {scene.height} px, bands {list(scene.bands)}, {plan.total} tiles of "
        f"{tile} px (overlap {overlap}), batch {batch_size}")
    backend = TorchBackend(model, torch_device, batch_size, half=half, compile=compile,
                           tile=tile)
    say(f"network: {backend.describe()}")
    if compile:
        say(f"torch.compile: compiled in {backend.compile_seconds:.1f} s")

    def before() -> None:
        if is_cancelled is not None and is_cancelled():
            raise InferenceCancelled("cancelled by the user; no output was written")

    # Queued batches: on a GPU a whole row of tiles and one more, so that reading the next
    # strip overlaps the network; on the CPU (slow network) two, to keep memory low.
    depth = 2 if torch_device.type == "cpu" else -(-len(plan.rows[0]) // plan.batch_size) + 1
    with rasterio.Env(GDAL_CACHEMAX=cache):  # process-wide; rasterio takes bytes
        run_scene(scene, plan, backend, [output], before=before, progress=progress,
                  gdal={"GDAL_NUM_THREADS": "ALL_CPUS"},  # GDAL decodes/warps in threads
                  depth=max(2, depth))
    seconds = time.perf_counter() - started
    say(f"wrote {output_path} in {seconds:.1f} s")
    return PredictResult(
        output_path=output_path, width=scene.width, height=scene.height,
        bands=list(scene.bands), band_names=list(output.descriptions), tiles=plan.total,
        device=str(torch_device), batch_size=backend.batch_size, sar_scale=scene.sar_scale,
        sar_coverage=coverage, seconds=seconds, log=messages,
        compile_seconds=backend.compile_seconds,
    )


def _inspect_inputs(sar_path, optical_path, output_path, optical_bands, sar_scale, metadata,
                    channels: int, say) -> Tuple[Scene, Output, float, int]:
    """Open and check both rasters (in this thread; the engine opens its own handles) and settle
    what to read and write: (scene, output, SAR coverage, GDAL block cache bytes)."""
    with raster.open_raster(optical_path, "optical") as optical, \
            raster.open_raster(sar_path, "SAR") as sar:
        raster.check_sar_bands(sar)
        bands = _resolve_bands(optical, optical_bands, metadata, channels)
        coverage = raster.check_overlap(sar, optical)
        if coverage < 0.999:
            say(f"SAR covers {coverage:.0%} of the optical scene; the rest will be nodata")
        if sar_scale == "auto":
            sar_scale = raster.detect_sar_scale(sar)
            say(f"SAR values look like {'dB' if sar_scale == 'db' else 'linear power'}")
        if not raster.is_aligned(sar, optical):
            say("SAR is on another grid: resampled bilinearly onto the optical grid")
        norm = metadata["normalisation"]
        scene = Scene(
            str(optical_path), str(sar_path), optical.height, optical.width, tuple(bands),
            sar_scale, tuple(tuple(norm["sar_db_clip"][b]) for b in metadata["sar_bands"]),
            tuple(norm["optical_dn_clip"]),
        )
        profile = raster.output_profile(optical, len(bands), raster.output_nodata(optical))
        output = Output("restored", str(output_path), profile, _band_names(optical, bands),
                        {"MMCANET_MODEL": metadata["model"]["name"], "MMCANET_SAR": str(sar_path)})
        cache = raster.block_cache_bytes((optical, len(bands)), (sar, 2))
    return scene, output, coverage, cache


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
    parser.add_argument("--compile", action="store_true",
                        help="torch.compile the network first (about a minute; pays on long "
                             "CUDA runs, rarely on the CPU)")
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
                compile=args.compile, progress=progress,
                log=lambda m: tqdm.write(m, file=sys.stderr),
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
