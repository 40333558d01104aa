"""Georeferenced, tiled cloud removal of a real scene: ``predict_raster`` and the ``predict`` CLI.

The optical raster's grid is the reference: the SAR raster is resampled onto it (bilinear,
with GDAL's warper) when its CRS, resolution or extent differ. The scene is cut into overlapping
tiles (see :mod:`mmcanet_core.engine.tiling`), the tiles go through the network in batches, and the
predictions are cross-faded with a raised-cosine weight and written row by row to a tiled,
compressed GeoTIFF under a temporary name, renamed into place only on success. Invalid pixels
(nodata / NaN in either input, or outside the SAR coverage) are filled before the network and
written as nodata after it.

By default the output is a composite: the input itself where a cloud mask says clear, the
network where it says cloud or shadow, feathered across the edge
(:mod:`mmcanet_core.clouds.masking`);
``raw=True`` writes the network output everywhere. ``mask_output`` also writes the mask.

The output has every band of the optical input, in its order: the network's bands restored, the
others as they were (:mod:`mmcanet_core.engine.bands`). ``uncertainty_output`` also writes the
network's per-pixel uncertainty (weights with the uncertainty head;
:mod:`mmcanet_core.clouds.uncertainty`).

This module checks the inputs and settles the options; :mod:`mmcanet_core.engine.scene` does the
work
(reading ahead of the network and writing behind it, in threads), and
:mod:`mmcanet_core.backends.base` runs the network (PyTorch or onnxruntime).

``python -m mmcanet_core predict --sar S1.tif --optical S2.tif --output OUT.tif --weights W``
"""

import math
import time
import warnings
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
import rasterio

from mmcanet_core.backends.base import NO_UNCERTAINTY, Backend
from mmcanet_core.backends.select import check_backend, open_backend
from mmcanet_core.clouds import composite
from mmcanet_core.clouds.masking import SHADOWS, Masking, MaskOptions, model_rgb, plan_masking
from mmcanet_core.clouds.outputs import RowSteps
from mmcanet_core.clouds.refill import Refill, plan_references
from mmcanet_core.clouds.uncertainty import uncertainty_output as uncertainty_raster
from mmcanet_core.clouds.usermask import parse_mask_values
from mmcanet_core.engine import raster
from mmcanet_core.engine.bands import BandPlan
from mmcanet_core.engine.scene import Counts, Output, Plan, Scene, run_scene
from mmcanet_core.engine.tiling import column_panels, plan_tile_rows
from mmcanet_core.errors import InferenceCancelled, InferenceError, WeightsError, WeightsWarning
from mmcanet_core.events import Event, Reporter
from mmcanet_core.options import DEFAULT_TILE, MASK_METHODS, TILE_MULTIPLE
from mmcanet_core.preprocess import S2_BANDS
from mmcanet_core.safety import checks, guards
from mmcanet_core.safety.guards import check_free_space, check_output, output_bytes
from mmcanet_core.safety.memory import check_engine_memory, engine_bytes
from mmcanet_core.safety.optical_scale import OpticalScale, detect_optical_scale, parse_scale
from mmcanet_core.safety.partfiles import remove_stale_parts

__all__ = [
    "InferenceCancelled", "InferenceError", "PredictResult", "predict_raster", "resolve_device",
    "files_read",
]



@dataclass
class PredictResult:
    """What :func:`predict_raster` did."""

    output_path: Path
    width: int
    height: int
    bands: List[int]  # 1-based optical bands the network restored, in the network's order
    band_names: List[str]  # the output's band descriptions: every input band, in input order
    tiles: int
    device: str
    batch_size: int  # the batch size finally used (smaller after a CUDA out-of-memory)
    sar_scale: str  # "db" or "linear"
    sar_coverage: float  # fraction of the optical extent covered by the SAR extent
    seconds: float
    log: List[str] = field(default_factory=list)  # the English lines of ``events``
    events: List[Event] = field(default_factory=list)  # what the run reported, typed
    compile_seconds: Optional[float] = None  # torch.compile time, included in ``seconds``
    composited: bool = False  # input where clear, network where masked (else the raw output)
    mask: Optional[str] = None  # the mask used: "l1c", "rgb" (automatic), "user", or None
    mask_path: Optional[Path] = None  # the mask output, if written
    cloud_cover: Optional[float] = None  # fraction of valid pixels masked as cloud (user: any)
    shadow_cover: Optional[float] = None  # fraction of valid pixels masked as shadow
    network_tiles: int = 0  # tiles that went through the network (clear ones are skipped)
    sources: Optional[dict] = None  # with references: share of valid pixels per source
    kept_bands: List[int] = field(default_factory=list)  # input bands copied, not restored
    uncertainty_path: Optional[Path] = None  # the uncertainty output, if written


def predict_raster(
    sar_path, optical_path, output_path, *, weights=None, model=None, metadata=None,
    optical_bands=None, sar_scale="auto", device="auto", tile=None, overlap=None, batch_size=4,
    half=False, compile=False, raw=False, mask=None, mask_values="binary", mask_output=None,
    dilate=composite.DILATE, feather=composite.FEATHER, shadows=SHADOWS,
    mask_method=MASK_METHODS[0], backend="auto",
    optical_scale="auto", overwrite=False, references=(), source_output=None,
    uncertainty_output=None,
    progress: Optional[Callable[[int, int], None]] = None,
    is_cancelled: Optional[Callable[[], bool]] = None,
    log: Optional[Callable[[str], None]] = None,
    events: Optional[Callable[[Event], None]] = None,
) -> PredictResult:
    """Remove clouds from ``optical_path`` with ``sar_path``; write ``output_path`` (GeoTIFF).

    Give ``weights`` (a .safetensors or .onnx path) or a ready PyTorch ``model`` (+ its
    ``metadata``). ``backend`` (:data:`~mmcanet_core.options.BACKENDS`): ``"torch"``,
    ``"onnxruntime"`` or ``"auto"`` (an .onnx file runs on onnxruntime, .safetensors on torch
    if it imports, else on the .onnx exported beside them). ``optical_scale``
    (:data:`~mmcanet_core.options.OPTICAL_SCALES`): the optical values' scale, detected from a
    sample when ``"auto"`` (:mod:`mmcanet_core.safety.optical_scale`); the output keeps the
    input's scale and dtype. ``overwrite``: an existing output (or mask output) may be
    replaced; a file the run reads (inputs, weights, mask) never is. All input checks run
    before any tile is processed: :class:`InferenceError` then, or :class:`InferenceCancelled`
    when ``is_cancelled()`` turns true; no output is left either way. ``compile=True`` runs the
    network through ``torch.compile`` (pays on long CUDA runs only).

    What the run finds out is reported as typed :class:`~mmcanet_core.events.Event` objects to
    ``events`` (the device, the plan and its number of tiles, the cover, ...) and as English
    lines to ``log``; ``progress(done, total)`` counts tiles. All three, and ``is_cancelled``,
    are called from the calling thread only.

    Clouds (:mod:`mmcanet_core.clouds.masking`): by default the input is kept where clear and the
    network written where the cloud mask says cloud or shadow (``shadows``), ``dilate`` px
    beyond it at full weight and feathered over ``feather`` px around clouds with a core
    (:func:`~mmcanet_core.clouds.composite.feather_weight`). The mask is the automatic one
    (13 L1C bands, or B4, B3, B2) or ``mask``, a raster on any grid whose ``mask_values`` (a
    preset ``scl``, ``fmask``, ``binary`` or integers such as ``"3,8,9,10"``) mean cloud or
    shadow; ``mask_method`` (:data:`~mmcanet_core.options.MASK_METHODS`) picks the automatic
    mask's tests (docs/cloud_mask.md). ``raw=True``: the network output everywhere.
    ``mask_output``: also write the mask (uint8: 0 clear, 1 cloud, 2 shadow, 255 nodata),
    renamed into place with the output.

    ``references`` (:mod:`mmcanet_core.clouds.refill`): other dates of the same place (same
    bands, any grid); where the target is masked, the first one clear there (nearest date first
    when the dates are known) fills it, matched to the target, and the network only where none
    is clear. ``source_output``: also write each pixel's source (uint8: 0 input, i reference i,
    254 network, 255 nodata).

    The output has every band of the input in the input's order; bands the network does not
    restore keep the input's values (:mod:`mmcanet_core.engine.bands`). ``uncertainty_output``:
    also write the per-pixel uncertainty (float32: expected absolute error in reflectance, 0
    where the input is kept, NaN nodata; :mod:`mmcanet_core.clouds.uncertainty`); weights
    without the uncertainty head are refused before any work.
    """
    started = time.perf_counter()
    say = Reporter(log, events)
    # the overlap is judged once the tile is known (the weights' default comes later)
    _check_tiling(tile, overlap if tile is not None else None, batch_size)
    sar_scale = _check_sar_scale(sar_scale)
    backend = check_backend(backend)
    optical_scale = parse_scale(optical_scale)
    requested = _band_list(optical_bands)
    parse_mask_values(mask_values)
    options = MaskOptions(bool(raw), mask, mask_values, mask_output, dilate, feather,
                          bool(shadows), mask_method).check()
    output_path = Path(output_path)
    uncertainty_output = _check_all_outputs(
        output_path, options, [weights, *files_read([sar_path, optical_path, mask,
                                                     *(references or ())])],
        bool(overwrite), source_output, uncertainty_output, say)
    net = _open_network(weights, model, metadata, backend, device, half, batch_size, say)
    if uncertainty_output is not None and not net.has_uncertainty:
        raise InferenceError(NO_UNCERTAINTY)
    native = net.metadata.get("inference_tile") or net.metadata.get("patch_size")
    tile, overlap = _check_tiling(tile, overlap, batch_size, native, net.tile_multiple)
    scene, outputs, coverage, cache, masking, steps = _inspect_inputs(
        sar_path, optical_path, output_path, requested, sar_scale, optical_scale, net.metadata,
        net.in_channels, options, uncertainty_output, say)
    refill = _plan_references(references, source_output, optical_path, masking, outputs, say,
                              model_rgb(scene.bands, net.metadata), steps)
    plan = _plan(scene, net, tile, overlap, batch_size, say, outputs[0].profile["blockxsize"])
    _check_resources(net, tile, plan.batch_size, outputs, say)
    _check_engine(scene, plan, outputs, _queue_depth(net, plan, scene.width) - 1, say)
    _prepare_network(net, tile, compile, say)
    _fit_references(refill, scene, cache, is_cancelled, say)
    ran = _run(scene, plan, net, outputs, _engine_steps(scene, masking, steps, refill), cache,
               progress, is_cancelled, bool(overwrite))
    seconds = time.perf_counter() - started
    _report_run(say, ran, plan, masking, refill, outputs, seconds)
    result = PredictResult(
        output_path=output_path, width=scene.width, height=scene.height,
        bands=list(scene.bands), band_names=list(outputs[0].descriptions), tiles=plan.total,
        device=str(net.device), batch_size=net.batch_size, sar_scale=scene.sar_scale,
        sar_coverage=coverage, seconds=seconds, log=say.lines, events=say.seen,
        compile_seconds=net.compile_seconds, network_tiles=ran,
        sources=None if refill is None else refill.shares(),
        kept_bands=list(steps.bands.kept) if steps.bands is not None else [],
        uncertainty_path=None if uncertainty_output is None else Path(uncertainty_output),
    )
    return _with_mask(result, masking)


def _engine_steps(scene: Scene, masking: Optional[Masking], steps: RowSteps,
                  refill: Optional[Refill] = None) -> dict:
    """``run_scene``'s strip step, row step, row layers and uncertainty flag; the references'
    strip step wraps the mask's."""
    out = {"uncertainty": steps.uncertainty}
    if masking is not None:
        out["strip_step"] = masking.strip_step(scene.optical_path, scene.height, scene.width)
    if refill is not None:
        out["strip_step"] = refill.strip_step(out["strip_step"], scene.height, scene.width)
    if steps.active:
        out.update(row_step=steps, row_layers=steps.row_layers)
    return out


def _check_uncertainty_output(path, output: Path, options: MaskOptions, reads,
                              overwrite: bool) -> Optional[Path]:
    """The uncertainty output's name, checked like the output's and distinct from the others."""
    if path is None or str(path) == "":
        return None
    path = check_output(path, reads, overwrite=overwrite)
    others = [p for p in (output, options.mask_output) if p is not None]
    if any(path.resolve() == Path(o).resolve() for o in others):
        raise InferenceError(f"the uncertainty output {path} is also another output; give it "
                             "its own file name, e.g. uncertainty.tif.")
    return path


def _band_plan(optical, bands: Sequence[int], say) -> BandPlan:
    """Every input band comes out (:mod:`mmcanet_core.engine.bands`); the log says which are
    restored and which are kept."""
    plan = BandPlan(optical.count, tuple(int(b) for b in bands))
    if plan.kept:
        say("bands_kept", count=plan.count, restored=list(plan.restored),
            kept=list(plan.kept))
    return plan


def _uncertainty_outputs(optical, path) -> List[Output]:
    """The uncertainty output, if asked for."""
    return [] if path is None else [uncertainty_raster(optical, path)]


def _check_all_outputs(output_path: Path, options: MaskOptions, reads, overwrite: bool,
                       source_output, uncertainty_output, say):
    """Every output checked against what the run reads (before any work), stale part files
    of killed runs removed; the uncertainty output as checked."""
    _check_outputs(output_path, options, reads, overwrite, source_output)
    uncertainty_output = _check_uncertainty_output(uncertainty_output, output_path, options,
                                                   reads, overwrite)
    _remove_stale_parts([output_path, options.mask_output, source_output, uncertainty_output],
                        say)
    return uncertainty_output


def _report_run(say, ran: int, plan: Plan, masking: Optional[Masking],
                refill: Optional[Refill], outputs: Sequence[Output], seconds: float) -> None:
    """What the run did, as events: skipped tiles, the cover, the sources, the files."""
    if ran < plan.total:
        say("tiles_skipped", ran=ran, total=plan.total)
    if masking is not None:
        masking.report_cover(say)
    if refill is not None:
        refill.report(say)
    say("written", paths=", ".join(o.path for o in outputs), seconds=seconds)


def _plan(scene: Scene, net: Backend, tile: int, overlap: int, batch_size: int, say,
          block: int) -> Plan:
    """Rows of tiles over the scene, in column panels of whole output blocks (``block`` px
    wide); the batch size cut to the tiles there are."""
    margin = overlap // 2  # reflected context beyond the scene edges
    rows = plan_tile_rows(scene.height, scene.width, tile, overlap, margin)
    batch_size = min(int(batch_size), sum(len(row) for row in rows))  # no room for absent tiles
    net.batch_size = batch_size
    plan = Plan(rows, tile, overlap, margin, batch_size,
                tuple(column_panels(scene.width, block)))
    say("planned", width=scene.width, height=scene.height, bands=list(scene.bands),
        tiles=plan.total, tile=tile, overlap=overlap, batch=batch_size)
    return plan


def _prepare_network(net: Backend, tile: int, compile: bool, say) -> None:
    if compile:
        net.compile(tile)
    say("network", description=net.describe())
    if compile:
        say("compiled", seconds=net.compile_seconds)


def _queue_depth(net: Backend, plan: Plan, width: int) -> int:
    """Queued batches: on a GPU a whole row of tiles of a column panel and one more, so that
    reading the next strip overlaps the network; on the CPU (slow network) two, to keep memory
    low."""
    if str(net.device) == "cpu":
        return 2
    row = max(len(panel.rows[0]) for panel in plan.column_panels(width))
    return -(-row // plan.batch_size) + 1


def _run(scene: Scene, plan: Plan, net: Backend, outputs: Sequence[Output],
         steps: dict, cache: int, progress, is_cancelled,
         overwrite: bool = False) -> int:
    """The engine over the whole scene; the number of tiles that went through the network.
    ``overwrite``: an output may replace a file of its name (else one that appeared meanwhile
    fails the run)."""

    def before() -> None:
        if is_cancelled is not None and is_cancelled():
            raise InferenceCancelled("cancelled by the user; no output was written")

    depth = _queue_depth(net, plan, scene.width)
    with rasterio.Env(GDAL_CACHEMAX=cache):  # process-wide; rasterio takes bytes
        return run_scene(scene, plan, net, outputs, before=before, progress=progress,
                         gdal={"GDAL_NUM_THREADS": "ALL_CPUS"},  # GDAL decodes/warps in threads
                         depth=max(2, depth), finish=partial(_check_counts, scene),
                         overwrite=overwrite, **steps)


def _with_mask(result: PredictResult, masking: Optional[Masking]) -> PredictResult:
    """``result`` with what the mask step did."""
    if masking is None:
        return result
    cover = masking.cover
    valid = max(cover.valid, 1)
    path = masking.options.mask_output
    return replace(result, composited=masking.compositing, mask=masking.kind,
                   mask_path=None if path is None else Path(path),
                   cloud_cover=cover.cloud / valid, shadow_cover=cover.shadow / valid)


def _inspect_inputs(sar_path, optical_path, output_path, requested, sar_scale, optical_scale,
                    metadata, channels: int, options: MaskOptions, uncertainty_output, say
                    ) -> Tuple[Scene, List[Output], float, int, Optional[Masking], RowSteps]:
    """Open and check both rasters and the mask (in this thread; the engine opens its own
    handles) and settle what to read and write: (scene, outputs, SAR coverage, GDAL block cache
    bytes, the mask's steps or None, the writer's row steps)."""
    with raster.open_raster(optical_path, "optical") as optical, \
            raster.open_raster(sar_path, "SAR") as sar:
        bands = _check_bands(optical, sar, requested, metadata, channels, say)
        coverage = raster.check_overlap(sar, optical)
        if coverage < 0.999:  # raw: nodata outside the SAR; composite: the input stays there
            say("sar_coverage" if options.raw else "sar_coverage_composite",
                percent=100 * coverage)
        sar_sample = raster.read_sample(sar, (1, 2))  # (2, n), read once for every check
        if sar_scale == "auto":
            sar_scale = raster.detect_sar_scale(sar, sar_sample)
            say("sar_scale", scale=sar_scale,
                scale_name="dB" if sar_scale == "db" else "linear power")
        if not raster.is_aligned(sar, optical):
            say("sar_resampled")
        scale = _check_values(optical, sar, sar_sample, bands, sar_scale, optical_scale, say)
        norm = metadata["normalisation"]
        scene = Scene(
            str(optical_path), str(sar_path), optical.height, optical.width, tuple(bands),
            sar_scale, tuple(tuple(norm["sar_db_clip"][b]) for b in metadata["sar_bands"]),
            tuple(norm["optical_dn_clip"]), scale=scale,
        )
        band_plan = _band_plan(optical, bands, say)
        profile = raster.output_profile(optical, optical.count, raster.output_nodata(optical))
        outputs = [Output("restored", str(output_path), profile,
                          band_plan.descriptions(optical.descriptions),
                          {"MMCANET_MODEL": metadata["model"]["name"],
                           "MMCANET_SAR": str(sar_path)})]
        masking = plan_masking(options, optical, bands, model_rgb(bands, metadata), say)
        if masking is not None:
            masking.scale = scale
            scene = replace(scene, source_bands=masking.source_bands, context=masking.context)
            outputs += [o for o in [masking.output(optical)] if o is not None]
        band_plan = band_plan.with_source(scene.source_bands)
        scene = replace(scene, source_bands=band_plan.source)
        outputs += _uncertainty_outputs(optical, uncertainty_output)
        steps = RowSteps(masking, band_plan, profile["dtype"], profile["nodata"],
                         scene.optical_clip, uncertainty_output is not None)
        read = len(set(bands) | set(scene.source_bands))
        cache = raster.block_cache_bytes((optical, read), (sar, 2))
    return scene, outputs, coverage, cache, masking, steps


def _check_bands(optical, sar, requested, metadata, channels: int, say) -> List[int]:
    """Scene size, SAR bands, and the optical bands to feed (checked against their names from
    the band descriptions or metadata; said to be assumed when the file does not name them)."""
    name = f"optical raster {optical.name}"
    checks.check_scene_size(optical.width, optical.height, name)
    raster.check_sar_bands(sar)
    checks.check_sar_band_names(sar.descriptions, f"SAR raster {sar.name}")
    wanted = metadata["optical_bands"]
    bands = checks.choose_bands(optical.count, requested, wanted, channels, name)
    labels = raster.band_labels(optical)
    checks.check_optical_band_names(labels, bands, wanted["names"], name)
    note, assumed = checks.band_order(labels, bands, wanted["names"], optical.count)
    if not assumed:
        say("bands_used", bands=",".join(map(str, bands)), names=", ".join(wanted["names"]))
    else:
        say("warning", message=note)
    if assumed and requested is None and optical.count == len(S2_BANDS):
        cirrus, green = raster.read_sample(optical, (11, 3))
        checks.check_l1c_order(cirrus, green, name)
    return bands


def _check_values(optical, sar, sar_sample, bands, sar_scale: str, hint: str,
                  say) -> OpticalScale:
    """The optical value scale (from a sample of block windows, the product metadata and the
    user's ``hint``) and a warning when the SAR bands (``sar_sample``, (2, n)) look swapped."""
    scale = detect_optical_scale(raster.read_sample(optical, bands), optical.dtypes[0],
                                 optical.nodata, hint, optical.tags(),
                                 f"optical raster {optical.name}")
    say("optical_scale", scale=scale.name, reason=scale.reason)
    db = sar_sample.copy()  # (2, n)
    db[:, checks.sar_fill(db)] = np.nan
    db = raster.sar_to_db(db, sar_scale)
    checks.check_sar_values(db, sar_scale, f"SAR raster {sar.name}")
    warning = checks.sar_order_warning(db[0], db[1])
    if warning is not None:
        say("warning", message=str(warning))
    return scale


def _check_counts(scene: Scene, counts: Counts) -> None:
    """After the last row: refuse an output without one valid pixel, naming the empty input."""
    checks.check_valid_output(counts.both, counts.optical, counts.sar,
                       f"the optical raster {scene.optical_path}",
                       f"the SAR raster {scene.sar_path}")


def _check_engine(scene: Scene, plan: Plan, outputs: Sequence[Output], queued: int,
                  say) -> None:
    """RAM for the engine's strips of one column panel (the widest;
    :func:`mmcanet_core.safety.memory.engine_bytes`), refused when it does not fit."""
    with rasterio.open(scene.optical_path) as optical:
        itemsize = np.dtype(optical.dtypes[0]).itemsize
    written = sum(o.profile["count"] * np.dtype(o.profile["dtype"]).itemsize for o in outputs)
    panels = plan.column_panels(scene.width)
    width = max(p.right - p.left for p in panels)
    beyond = max(max(p.left - p.reach[0], p.reach[1] - p.right) for p in panels)
    needed = engine_bytes(width, plan.tile, plan.tile - plan.overlap, beyond,
                          scene.context, len(scene.bands), len(scene.source_bands) * itemsize,
                          written, queued=max(1, queued))
    check_engine_memory(needed, width, plan.tile)
    say("engine_memory", width=width, panels=len(panels), needed_mib=needed / 2**20)


def _check_resources(net: Backend, tile: int, batch: int, outputs: Sequence[Output],
                     say) -> None:
    """Device memory for a batch (estimated before allocating it) and free disk space for the
    outputs (uncompressed), or :class:`InferenceError` naming a size that fits."""
    note = net.check_memory(tile, batch)
    if note:
        say(note[0], **note[1])
    needed: dict = {}
    for o in outputs:
        folder = Path(o.path).parent
        needed[folder] = needed.get(folder, 0) + output_bytes(
            o.profile["width"], o.profile["height"], o.profile["count"], o.profile["dtype"])
    for folder, size in needed.items():
        check_free_space(folder, size, "the output" if len(outputs) == 1 else "the outputs")


# --- input checks -------------------------------------------------------------------------


def _check_tiling(tile, overlap, batch_size, native=None, graph_multiple=1) -> Tuple[int, int]:
    """Defaults and sanity of tile size, overlap and batch size.

    Default tile: the weights' ``inference_tile`` if they name one (the tile size their quality
    was measured at), else their training ``patch_size``, rounded up to a multiple of 16 (and of
    an ONNX graph's ``graph_multiple``); default overlap: a quarter of the tile.
    """
    multiple = math.lcm(TILE_MULTIPLE, int(graph_multiple))
    given = tile is not None
    if tile is None:
        native = int(native or DEFAULT_TILE)
        tile = max(multiple, -(-native // multiple) * multiple)
    tile = int(tile)
    if tile < multiple or tile % multiple:
        why = ("the network downsamples by 16" if multiple == TILE_MULTIPLE
               else f"this ONNX graph takes multiples of {graph_multiple}")
        raise InferenceError(
            f"tile size {tile} must be a multiple of {multiple} and at least {multiple} ({why}); "
            f"e.g. --tile {max(256 // multiple, 1) * multiple}."
        )
    overlap = tile // 4 if overlap is None else int(overlap)
    if not 0 <= overlap <= tile // 2:
        raise InferenceError(
            f"overlap {overlap} must be between 0 and half the tile size: the tile is {tile} "
            f"px{'' if given else ' (the weights default)'}, so at most {tile // 2}; e.g. overlap "
            f"{tile // 4}{'' if given else ', or a larger tile'}."
        )
    if int(batch_size) < 1:
        raise InferenceError(f"batch size {batch_size} must be at least 1.")
    return tile, overlap


def _check_sar_scale(sar_scale: str) -> str:
    value = str(sar_scale).lower()
    if value not in ("auto", "db", "linear"):
        raise InferenceError(f"SAR scale {sar_scale!r} is not 'auto', 'db' or 'linear'.")
    return value


def _check_outputs(output: Path, options: MaskOptions, reads, overwrite: bool,
                   source_output=None) -> None:
    """The output, the mask output and the source output (if any): GeoTIFF names in writable
    folders, distinct, none of the files the run ``reads``, and existing only with
    ``overwrite``."""
    check_output(output, reads, overwrite=overwrite)
    if options.mask_output is not None:
        mask_output = check_output(options.mask_output, reads, overwrite=overwrite)
        if mask_output.resolve() == output.resolve():
            raise InferenceError(f"the mask output {mask_output} is the output; give the mask "
                                 "its own file name, e.g. mask.tif.")
    _check_source_output(source_output, output, options, reads, overwrite)


def _fit_references(refill: Optional[Refill], scene: Scene, cache: int, is_cancelled,
                    say) -> None:
    """The references' first pass (if any), under the engine's GDAL block cache bound."""
    if refill is not None:
        with rasterio.Env(GDAL_CACHEMAX=cache):
            refill.fit(scene.optical_path, scene.height, scene.width, is_cancelled or bool, say)


def _check_source_output(source_output, output: Path, options: MaskOptions, reads,
                         overwrite: bool) -> None:
    """The source output (if any), like the output, and distinct from the other outputs."""
    if source_output is None:
        return
    path = check_output(source_output, reads, overwrite=overwrite).resolve()
    others = [output] + ([] if options.mask_output is None else [Path(options.mask_output)])
    if any(path == Path(o).resolve() for o in others):
        raise InferenceError(f"the source output {source_output} is another output; give it "
                             "its own file name, e.g. source.tif.")


def _plan_references(references, source_output, optical_path, masking: Optional[Masking],
                     outputs: List[Output], say, rgb, steps: RowSteps) -> Optional[Refill]:
    """The references checked and ordered (:func:`mmcanet_core.clouds.refill.plan_references`);
    the source output added to ``outputs``; their row step wraps the mask's in ``steps``."""
    if not references and source_output is None:
        return None
    with raster.open_raster(optical_path, "optical") as optical:
        refill = plan_references(references, optical, masking, source_output, say, rgb)
        outputs += [o for o in [refill.output(optical)] if o is not None]
    steps.masking = refill
    return refill


def files_read(paths) -> List[str]:
    """The rasters ``paths`` and every file GDAL reads for them, to any depth (a VRT of a VRT,
    ``/vsi`` paths: :func:`mmcanet_core.safety.guards.files_read`)."""
    return guards.files_read(p for p in paths if p is not None)


def _remove_stale_parts(outputs, say) -> None:
    """Part files that killed runs left for these outputs (their process is gone)."""
    for output in (Path(o) for o in outputs if o is not None):
        for path in remove_stale_parts(output.parent, output):
            say("stale_removed", path=str(path))


def _open_network(weights, model, metadata, backend, device, half, batch_size, say) -> Backend:
    """The backend that runs the network (:func:`mmcanet_core.backends.select.open_backend`); the
    weights' warnings (e.g. no checksum) go to the log."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", WeightsWarning)
        try:
            net = open_backend(weights, backend=backend, device=device, model=model,
                               metadata=metadata, half=half, batch_size=batch_size)
        except WeightsError as exc:
            raise InferenceError(str(exc)) from exc
    for warning in caught:
        if issubclass(warning.category, WeightsWarning):
            say("warning", message=str(warning.message))
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename,
                                   warning.lineno)
    say("device", device=str(net.device), reason=net.reason)
    return net


def resolve_device(requested: str = "auto"):
    """``(torch.device, reason)`` for a device choice (PyTorch; imported only when called)."""
    from mmcanet_core.backends.pytorch import resolve_device as resolve

    return resolve(requested)


def _band_list(bands) -> Optional[List[int]]:
    """A requested band list (``"4,3,2"`` or numbers) checked like ``--bands``; None stays."""
    if bands is None or isinstance(bands, str):
        return checks.parse_bands(bands)
    return checks.parse_bands(",".join(str(b) for b in bands))
