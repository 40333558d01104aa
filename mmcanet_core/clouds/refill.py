"""Reference dates inside the engine: the user's other acquisitions fill the target's clouds,
matched to the target (:mod:`mmcanet_core.clouds.reference`); the network only where no
reference is clear.

1. **Before any work** (:func:`plan_references`, calling thread): every reference is opened and
   checked (the target's band count, overlapping the target, its own value scale and automatic
   mask: the target's, or chosen for the references when the target has a user's mask), dated
   (file name or metadata) and put in the order it is tried.
2. **First pass** (:meth:`Refill.fit`, calling thread, before the tiles): rows of blocks of the
   target and of each reference (resampled onto the target grid, bilinear) are read once; the
   pixels clear in both (the target's composite weight 0 and mask clear, the reference's mask
   clear and :attr:`~mmcanet_core.clouds.masking.MaskOptions.dilate` px from its clouds) feed
   the per-block robust fit. Memory: one window of a row of blocks and :data:`CHUNK` columns
   at a time (with the masks' margins), and the block sums.
3. **Reader thread** (:class:`RefillStep`, wrapping the mask's strip step): where the target's
   weight is above 0, the first reference clear there gives its matched value (``"reference"``
   layer, the target's scale) and its number (``"refsource"``, 1..N; 0 none); the network is
   ``"needed"`` only where no reference is clear.
4. **Writer thread** (:meth:`Refill.row_step`, wrapping the mask's row step): the reference
   replaces the network's value where it is used, then the same feathered composite as without
   references; the optional source output gets 0 input, i reference i, 254 network, 255 nodata.
"""

from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Callable, List, Optional, Sequence, Tuple

import numpy as np
from rasterio.windows import Window

from mmcanet_core.clouds import cloudmask, composite
from mmcanet_core.clouds.cloudmask import CLEAR, CLOUD, NODATA, SHADOW, MaskPlan
from mmcanet_core.clouds.masking import Masking
from mmcanet_core.clouds.reference import (
    SOURCE_INPUT,
    SOURCE_NETWORK,
    SOURCE_NODATA,
    MatchFitter,
    Matching,
    acquisition_date,
    order_references,
)
from mmcanet_core.clouds.usermask import UserMask
from mmcanet_core.engine import raster
from mmcanet_core.engine.scene import Layers, Output, Strip
from mmcanet_core.errors import InferenceCancelled, InferenceError
from mmcanet_core.safety.optical_scale import OpticalScale, detect_optical_scale

SOURCE_CLASSES = f"{SOURCE_INPUT} input, 1..N reference N, {SOURCE_NETWORK} network, " \
                 f"{SOURCE_NODATA} nodata"
SOURCE_COLOURS = {SOURCE_INPUT: (0, 0, 0, 0), SOURCE_NETWORK: (230, 80, 60, 255),
                  SOURCE_NODATA: (0, 0, 0, 0)}
#: Columns read at a time (bounded memory whatever the scene's width).
CHUNK = 1024
REFERENCE_COLOURS = [(60, 140, 230, 255), (80, 200, 120, 255), (240, 200, 60, 255),
                     (170, 110, 220, 255)]


@dataclass
class Reference:
    """One reference raster: where it is, its value scale, its date, and (after the first pass)
    its fit."""

    path: str
    scale: OpticalScale
    date: object  # datetime.date or None
    matching: Optional[Matching] = None


@dataclass
class Refill:
    """The references of one run, in the order they are tried, and what the steps count."""

    masking: Masking
    references: List[Reference]
    plan: MaskPlan  # the references' automatic mask (the target's, or chosen for them)
    source_output: Optional[str] = None
    counts: np.ndarray = field(default_factory=lambda: np.zeros(256, np.int64))  # per code

    @property
    def paths(self) -> List[str]:
        return [r.path for r in self.references]

    def fit(self, optical_path: str, height: int, width: int,
            is_cancelled: Callable[[], bool], say) -> None:
        """The first pass: each reference's matching (those without enough common clear
        pixels are dropped, with a line in the log)."""
        import rasterio

        with rasterio.open(optical_path) as optical, \
                _TargetReader(self.masking, optical, height, width) as target:
            for ref in self.references:
                with _ReferenceReader(ref, self, optical) as reader:
                    ref.matching = _fit_one(target, reader, height, width, is_cancelled)
                if ref.matching is None:
                    say("reference_unused", path=ref.path)
                else:
                    m = ref.matching
                    say("reference_fit", path=ref.path, pixels=m.pixels, own=m.own_blocks,
                        blocks=int(m.gain[0].size))
        self.references = [r for r in self.references if r.matching is not None]

    def strip_step(self, mask_step, height: int, width: int) -> "RefillStep":
        return RefillStep(self, mask_step, height, width)

    @property
    def row_layers(self) -> Tuple[str, ...]:
        return self.masking.row_layers + ("reference", "refsource")

    @property
    def compositing(self) -> bool:
        """As the mask's (the references fill only where the composite takes the network)."""
        return self.masking.compositing

    def output(self, optical) -> Optional[Output]:
        """The source output (uint8 codes on the optical grid), if asked for."""
        if self.source_output is None:
            return None
        profile = dict(raster.output_profile(optical, 1, SOURCE_NODATA), dtype="uint8",
                       predictor=1)
        colours = dict(SOURCE_COLOURS)
        for i in range(len(self.references)):
            colours[i + 1] = REFERENCE_COLOURS[i % len(REFERENCE_COLOURS)]
        names = "; ".join(f"{i + 1} {r.path}" for i, r in enumerate(self.references))
        return Output("source", str(self.source_output), profile,
                      [f"source of each pixel ({SOURCE_CLASSES})"],
                      {"MMCANET_SOURCE_CLASSES": SOURCE_CLASSES, "MMCANET_REFERENCES": names},
                      colours)

    def row_step(self, top: int, values: Layers, rows: Layers) -> Layers:
        """Writer thread: the references' values where they are used, then the mask's step."""
        used = rows["refsource"] > 0  # (n, W)
        restored = values["restored"]
        if used.any():
            restored = np.where(used[None], rows["reference"], restored)
        out = self.masking.row_step(top, dict(values, restored=restored), rows)
        source = np.where(rows["weight"] > 0, SOURCE_NETWORK, SOURCE_INPUT).astype(np.uint8)
        source[used] = rows["refsource"][used]
        source[(rows["classes"] == NODATA) | ~np.isfinite(restored).all(axis=0)
               & (rows["weight"] > 0)] = SOURCE_NODATA
        self.counts += np.bincount(source.ravel(), minlength=256)
        if self.source_output is not None:
            out["source"] = source[None]
        return out

    def shares(self) -> dict:
        """Fractions of the valid pixels by source: ``"input"``, each reference's path,
        ``"network"``."""
        valid = max(int(self.counts.sum() - self.counts[SOURCE_NODATA]), 1)
        out = {"input": self.counts[SOURCE_INPUT] / valid}
        out.update({r.path: self.counts[i + 1] / valid for i, r in enumerate(self.references)})
        out["network"] = self.counts[SOURCE_NETWORK] / valid
        return {k: float(v) for k, v in out.items()}

    def report(self, say) -> None:
        """The shares for the log."""
        shares = self.shares()
        refs = ", ".join(f"{Path(r.path).name} {100 * shares[r.path]:.1f} %"
                         for r in self.references) or "no reference used"
        say("sources", input=100 * shares["input"], references=refs,
            network=100 * shares["network"])


def plan_references(paths: Sequence, optical, masking: Optional[Masking],
                    source_output, say, rgb: Optional[Sequence[int]] = None
                    ) -> Optional[Refill]:
    """Check the references before any work (calling thread, ``optical`` open) and order them;
    None when there are none. ``rgb``: the file's bands holding B4, B3, B2, for the references'
    automatic mask when the target has a user's mask. :class:`InferenceError` names the problem
    and the fix."""
    paths = [str(p) for p in paths or ()]
    if not paths:
        if source_output is not None:
            raise InferenceError("a source output needs at least one reference (--reference "
                                 "OTHER_DATE.tif); without one every pixel is input or network.")
        return None
    if masking is None or not masking.compositing:
        raise InferenceError("references fill the clouds of the composite; they do nothing with "
                             "--raw. Leave out --raw, or the references.")
    plan = masking.plan or _reference_plan(optical.count, rgb, masking.options.shadows)
    refs = [_check_reference(p, optical, masking, plan) for p in paths]
    target = acquisition_date(optical.name, optical.tags())
    order, by = order_references(target, [(r.path, r.date) for r in refs])
    refs = [refs[i] for i in order]
    names = ", ".join(Path(r.path).name + ("" if by == "given" else
                                           f" ({(r.date - target).days:+d} d)") for r in refs)
    say("references", count=len(refs), by=by, order=names,
        by_text="nearest date first" if by == "date" else "in the order given")
    return Refill(masking, refs, plan, source_output)


def _reference_plan(count: int, rgb, shadows: bool) -> MaskPlan:
    """The references' automatic mask when the target has a user's mask."""
    try:
        plan = cloudmask.plan_mask(count, rgb)
    except InferenceError:
        raise InferenceError(
            f"the references' own clouds are found with the automatic mask, which needs the 13 "
            f"L1C bands or B4, B3, B2; these files have {count} band(s). Leave out the "
            "references.") from None
    if plan.kind == "l1c" and not shadows:
        plan = replace(plan, classify=partial(cloudmask.classify, shadows=False))
    return plan


def _check_reference(path: str, optical, masking: Masking, plan: MaskPlan) -> Reference:
    with raster.open_raster(path, "reference") as ref:
        name = f"reference raster {ref.name}"
        if ref.count != optical.count:
            raise InferenceError(
                f"{name} has {ref.count} band(s), the optical raster {optical.count}; a "
                "reference must hold the same bands (another date of the same product).")
        try:
            raster.check_overlap(ref, optical)
        except InferenceError:
            raise InferenceError(f"{name} does not overlap the optical raster {optical.name}; "
                                 "pass another date of the same place.") from None
        bands = sorted(set(masking.bands) | set(plan.bands))
        scale = detect_optical_scale(raster.read_sample(ref, bands), ref.dtypes[0], ref.nodata,
                                     "auto", ref.tags(), name)
        return Reference(str(path), scale, acquisition_date(ref.name, ref.tags()))


class _TargetReader:
    """The target's values (network bands, as stored, NaN invalid) and its clear pixels (its
    automatic mask or the user's). A context manager (a user's mask is opened)."""

    def __init__(self, masking: Masking, optical, height: int, width: int):
        self.masking, self.optical, self.height, self.width = masking, optical, height, width
        self.user: Optional[UserMask] = None

    def __enter__(self) -> "_TargetReader":
        options = self.masking.options
        if self.masking.plan is None:
            self.user = UserMask(options.mask, self.optical, options.mask_values)
        return self

    def __exit__(self, *exc) -> None:
        if self.user is not None:
            self.user.close()

    def values(self, window: Window) -> np.ndarray:
        return raster.read_optical(self.optical, window, self.masking.bands)

    def clear(self, window: Window) -> np.ndarray:
        """(h, w) bool: mask clear and composite weight 0 (beyond the feathered edge)."""
        m = self.masking
        grown, crop = cloudmask.padded(
            window, composite.feather_margin(m.options.dilate, m.options.feather), self.height,
            self.width)
        classes = self._classes(grown)
        weight = composite.feather_weight(np.isin(classes, (CLOUD, SHADOW)), m.options.dilate,
                                          m.options.feather)
        return ((classes == CLEAR) & (weight == 0))[crop]

    def _classes(self, window: Window) -> np.ndarray:
        m = self.masking
        if self.user is not None:
            valid = np.isfinite(self.values(window)).all(axis=0)
            classes = np.where(self.user.read(window), CLOUD, CLEAR).astype(np.uint8)
            classes[~valid] = NODATA
            return classes

        def dn(w: Window) -> np.ndarray:
            values = raster.read_optical(self.optical, w, m.plan.bands)
            return values if m.scale is None else m.scale.to_dn(values)

        return cloudmask.mask_window(dn, window, self.height, self.width, m.plan)


class _ReferenceReader:
    """One reference on the target grid: values of the network bands (as stored) and its clear
    pixels (automatic mask clear, ``dilate`` px from its clouds). A context manager."""

    def __init__(self, ref: Reference, refill: "Refill", optical):
        self.ref, self.masking, self.plan, self.optical = ref, refill.masking, refill.plan, optical
        self.height, self.width = optical.height, optical.width
        self.stack = ExitStack()

    def __enter__(self) -> "_ReferenceReader":
        ds = self.stack.enter_context(raster.open_raster(self.ref.path, "reference"))
        self.grid = raster.sar_reader(ds, self.optical)  # resampled when on another grid
        self.nodata = ds.nodata if self.grid is ds else None
        return self

    def __exit__(self, *exc) -> None:
        self.stack.close()

    def values(self, window: Window) -> np.ndarray:
        data = self.grid.read(list(self.masking.bands), window=window)
        return raster.optical_as_float(data, self.nodata)

    def clear(self, window: Window) -> np.ndarray:
        plan, dilate = self.plan, self.masking.options.dilate

        def dn(w: Window) -> np.ndarray:
            data = raster.optical_as_float(self.grid.read(list(plan.bands), window=w),
                                           self.nodata)
            return self.ref.scale.to_dn(data)

        grown, crop = cloudmask.padded(window, dilate, self.height, self.width)
        classes = cloudmask.mask_window(dn, grown, self.height, self.width, plan)
        cloudy = cloudmask.near(np.isin(classes, (CLOUD, SHADOW)), dilate)
        return ((classes == CLEAR) & ~cloudy)[crop]


def _fit_one(target: _TargetReader, ref: _ReferenceReader, height: int, width: int,
             is_cancelled: Callable[[], bool]) -> Optional[Matching]:
    """The first pass over the blocks (rows of blocks, in column chunks) for one reference."""
    fitter = MatchFitter(height, width, len(target.masking.bands))
    chunk = max(1, CHUNK // fitter.block) * fitter.block
    for top in range(0, height, fitter.block):
        if is_cancelled():
            raise InferenceCancelled("cancelled by the user; no output was written")
        for left in range(0, width, chunk):
            window = Window(left, top, min(chunk, width - left), min(fitter.block, height - top))
            t, r = target.values(window), ref.values(window)
            clear = target.clear(window) & ref.clear(window)
            clear &= np.isfinite(t).all(axis=0) & np.isfinite(r).all(axis=0)
            fitter.add(top, t, r, clear, left)
    return fitter.result()


class RefillStep:
    """The engine's strip step with references: the mask's step, then the references' values
    on the rows of the strip's row of tiles (in column chunks). A context manager (opens the
    references in the reader thread)."""

    chunk = CHUNK

    def __init__(self, refill: Refill, mask_step, height: int, width: int):
        self.refill, self.mask_step, self.height, self.width = refill, mask_step, height, width
        self.stack = ExitStack()
        self.readers: List[_ReferenceReader] = []

    def __enter__(self) -> "RefillStep":
        import rasterio

        self.stack.enter_context(self.mask_step)
        optical = self.stack.enter_context(rasterio.open(self.mask_step.optical_path))
        self.readers = [self.stack.enter_context(_ReferenceReader(r, self.refill, optical))
                        for r in self.refill.references]
        return self

    def __exit__(self, *exc) -> None:
        self.stack.close()

    def __call__(self, strip: Strip) -> None:
        self.mask_step(strip)
        context = self.refill.masking.context
        rows, cols = strip.layers["valid"].shape
        first = max(strip.top + context, 0)
        last = min(strip.top + rows - context, self.height)
        count = len(self.refill.masking.bands)
        values = np.full((count, rows, cols), np.nan, np.float32)
        source = np.zeros((rows, cols), np.uint8)
        for col, end in strip.chunks(self.chunk):  # where the strip's tiles reach
            window = Window(col, first, end - col, last - first)
            place = (slice(first - strip.top, last - strip.top),
                     slice(col - strip.left, col - strip.left + window.width))
            fill = strip.layers["weight"][place] > 0
            if fill.any():
                values[(slice(None),) + place], source[place] = self._window(window, fill)
        strip.layers["reference"], strip.layers["refsource"] = values, source
        strip.layers["needed"] = (strip.layers["weight"] > 0) & (source == 0)

    def _window(self, window: Window, fill: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        from mmcanet_core.clouds.reference import fill_from_references

        refs = [(r.values(window), r.clear(window), r.ref.matching) for r in self.readers]
        refs = [(v, c & np.isfinite(v).all(axis=0), m) for v, c, m in refs]
        target = np.empty((len(self.refill.masking.bands),) + fill.shape, np.float32)
        return fill_from_references(target, fill, refs, window)
