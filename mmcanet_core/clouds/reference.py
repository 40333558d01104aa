"""Reference dates: fill a target date's clouds from another acquisition of the same place,
radiometrically matched to the target.

Between two dates illumination, atmosphere and vegetation change, so a plain copy of the other
date leaves colour steps at the cloud edges. Each band of a reference is mapped onto the target
by a linear function ``target ~ gain * reference + offset``, fitted on the pixels clear in both
images, **locally**: the scene is cut into square blocks of :data:`BLOCK` pixels, each block gets
its own fit, and the coefficients are interpolated bilinearly between block centres (smooth,
no block edges). The fit is robust: it starts from medians and median absolute deviations,
then twice keeps the pixels whose residual is within :data:`TRIM` robust standard deviations
and refits by least squares on them (real change between the dates, a field ploughed or a
cloud the masks missed, is left out). A block's gain is shrunk toward the scene's gain by a
prior of :data:`PRIOR` (DN^2 of reference variance), so flat blocks (water) do not get wild
gains; blocks with fewer than :data:`MIN_PIXELS` common clear pixels take the scene's fit.

Everything a fit needs is kept as per-block sums of the inliers (:class:`BlockSums`), so the
engine can fit a scene of any size in one streaming pass over rows of blocks with bounded
memory (:class:`MatchFitter`), then apply the result to any window (:meth:`Matching.apply`).

The order in which references are tried: :func:`order_references` (by the gap in days to the
target when every date is known from the file name or the metadata, else as given).
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from rasterio.windows import Window
from scipy import ndimage

#: Side of the blocks fitted separately (px).
BLOCK = 128
#: Fewest common clear pixels for a block's own fit (else the scene's fit).
MIN_PIXELS = 256
#: Residuals beyond this many robust standard deviations are left out of the fit.
TRIM = 2.5
#: Prior on a block's gain: reference variance (DN^2, i.e. (reflectance x 10000)^2) worth of the
#: scene's gain. A block whose reference varies by 30 DN keeps half its own gain.
PRIOR = 900.0
#: Source codes of the source layer besides the references (1..N).
SOURCE_INPUT, SOURCE_NETWORK, SOURCE_NODATA = 0, 254, 255

_DATE_PATTERNS = (r"(?<!\d)(20\d\d)-(\d\d)-(\d\d)(?!\d)",  # 2018-07-20
                  r"(?<!\d)(20\d\d)(\d\d)(\d\d)(?:T|_|(?!\d))")  # 20180720T101031
_DATE_TAGS = ("ACQUISITION_DATE", "DATATAKE_1_DATATAKE_SENSING_START", "PRODUCT_START_TIME",
              "SENSING_TIME", "DATE_ACQUIRED", "TIFFTAG_DATETIME")


def parse_date(text: str) -> Optional[date]:
    """The first plausible date in ``text`` (``2018-07-20``, ``20180720T101031``,
    ``2018:07:20 10:10:31``), or None."""
    text = str(text).replace(":", "-", 2) if re.match(r"^\d{4}:\d\d:\d\d", str(text)) else text
    for pattern in _DATE_PATTERNS:
        for match in re.finditer(pattern, str(text)):
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError:
                continue
    return None


def acquisition_date(path, tags: Optional[Dict[str, str]] = None) -> Optional[date]:
    """The acquisition date of a raster: from its metadata ``tags`` (Sentinel-2 product keys,
    ``ACQUISITION_DATE``, TIFF date) if any holds one, else from its file name."""
    tags = {str(k).upper(): v for k, v in (tags or {}).items()}
    for key in _DATE_TAGS:
        if key in tags and parse_date(tags[key]) is not None:
            return parse_date(tags[key])
    return parse_date(Path(str(path)).name)


def order_references(target: Optional[date], references: Sequence[Tuple[str, Optional[date]]]
                     ) -> Tuple[List[int], str]:
    """Indices of ``references`` ((path, date or None) each) in the order they are tried, and
    how: ``"date"`` (nearest date first, ties as given) when the target's and every
    reference's date are known, else ``"given"`` (the order given)."""
    if target is None or any(d is None for _, d in references):
        return list(range(len(references))), "given"
    order = sorted(range(len(references)), key=lambda i: abs((references[i][1] - target).days))
    return order, "date"


# --- fitting --------------------------------------------------------------------------------


def robust_fit(target: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """(C, n) target and reference values of common clear pixels -> (C, n) bool inliers.

    Start: a Theil-Sen line (the median slope of :data:`PAIRS` pixel pairs drawn with a fixed
    seed, the offset through the median residual; it stands up to ~29 % of outliers); then
    three times: keep residuals within :data:`TRIM` robust standard deviations (at least a
    third of the pixels), least squares on them."""
    t, r = np.asarray(target, np.float64), np.asarray(reference, np.float64)
    gain = _theil_sen(t, r)[:, None]
    offset = np.median(t - gain * r, axis=1, keepdims=True)
    keep = np.ones(t.shape, bool)
    for _ in range(3):
        residual = np.abs(t - (gain * r + offset))
        scale = 1.4826 * np.median(residual, axis=1, keepdims=True)
        floor = np.quantile(residual, 1 / 3, axis=1, keepdims=True)  # keep at least a third
        keep = residual <= np.maximum(TRIM * scale, floor)
        sums = BlockSums.of(t, r, keep)
        gain, offset = sums.coefficients(np.ones(len(t)), prior=0.0)
        gain, offset = gain[:, None], offset[:, None]
    return keep


#: Pixel pairs behind a block's Theil-Sen start.
PAIRS = 4096


def _theil_sen(t: np.ndarray, r: np.ndarray) -> np.ndarray:
    """(C,) median slopes of random pairs of the (C, n) values (1 where a band has no pair
    with distinct reference values)."""
    rng = np.random.default_rng(0)
    i, j = rng.integers(0, t.shape[1], (2, PAIRS))
    dr, dt = r[:, i] - r[:, j], t[:, i] - t[:, j]
    ok = np.abs(dr) > 1e-6
    slopes = np.full(dr.shape, np.nan)
    slopes[ok] = dt[ok] / dr[ok]
    gain = np.ones(len(t))
    rows = ok.any(axis=1)
    gain[rows] = np.nanmedian(slopes[rows], axis=1)
    return gain


@dataclass
class BlockSums:
    """Sufficient statistics of the inliers, per band (and per block): count, sums of the
    reference, the target, the reference squared and reference x target. Arrays of one shape."""

    n: np.ndarray
    r: np.ndarray
    t: np.ndarray
    rr: np.ndarray
    rt: np.ndarray

    @classmethod
    def of(cls, t: np.ndarray, r: np.ndarray, keep: np.ndarray) -> "BlockSums":
        """(C, n) values and inliers -> (C,) sums."""
        w = keep.astype(np.float64)
        return cls(w.sum(1), (w * r).sum(1), (w * t).sum(1), (w * r * r).sum(1),
                   (w * r * t).sum(1))

    def coefficients(self, prior_gain, prior: float = PRIOR) -> Tuple[np.ndarray, np.ndarray]:
        """Least-squares gain and offset, the gain shrunk toward ``prior_gain`` by ``prior``
        DN^2 of reference variance; no inliers: ``prior_gain`` and the offset 0."""
        n = np.maximum(self.n, 1)
        mean_r, mean_t = self.r / n, self.t / n
        var = np.maximum(self.rr / n - mean_r ** 2, 0.0)
        cov = self.rt / n - mean_r * mean_t
        gain = (cov + prior * prior_gain) / np.maximum(var + prior, 1e-12)
        gain = np.where(self.n > 0, gain, prior_gain)
        return gain, np.where(self.n > 0, mean_t - gain * mean_r, 0.0)

    def total(self) -> "BlockSums":
        """Sums over the blocks (the last two axes)."""
        return BlockSums(*(a.sum(axis=(-2, -1)) for a in
                           (self.n, self.r, self.t, self.rr, self.rt)))


@dataclass(frozen=True)
class Matching:
    """Per-band linear maps at block centres: ``gain``, ``offset`` (C, rows, cols of blocks)."""

    gain: np.ndarray
    offset: np.ndarray
    block: int
    pixels: int  # common clear pixels the fit used (inliers and outliers)
    own_blocks: int  # blocks with their own fit (the others took the scene's)

    def coefficients(self, window: Window) -> Tuple[np.ndarray, np.ndarray]:
        """(C, h, w) gain and offset of ``window``, bilinear between block centres (constant
        beyond the outer centres)."""
        rows = (np.arange(window.row_off, window.row_off + window.height) + 0.5) / self.block - 0.5
        cols = (np.arange(window.col_off, window.col_off + window.width) + 0.5) / self.block - 0.5
        grid = np.meshgrid(rows, cols, indexing="ij")

        def interpolate(a: np.ndarray) -> np.ndarray:
            return np.stack([ndimage.map_coordinates(band, grid, order=1, mode="nearest")
                             for band in a]).astype(np.float32)

        return interpolate(self.gain), interpolate(self.offset)

    def apply(self, reference: np.ndarray, window: Window) -> np.ndarray:
        """(C, h, w) reference values of ``window`` (float, NaN = invalid) -> matched to the
        target, float32."""
        gain, offset = self.coefficients(window)
        return gain * np.asarray(reference, np.float32) + offset


class MatchFitter:
    """Fits a :class:`Matching` from rows of blocks, top to bottom (the engine's first pass):
    memory is the per-block sums only."""

    def __init__(self, height: int, width: int, bands: int, block: int = BLOCK,
                 min_pixels: int = MIN_PIXELS):
        self.height, self.width, self.block, self.min_pixels = height, width, block, min_pixels
        shape = (bands, -(-height // block), -(-width // block))
        self.sums = BlockSums(*(np.zeros(shape) for _ in range(5)))
        self.seen = np.zeros(shape[1:], np.int64)  # common clear pixels per block

    def add(self, top: int, target: np.ndarray, reference: np.ndarray, clear: np.ndarray,
            left: int = 0) -> None:
        """The blocks of rows ``top:top + h`` and columns ``left:left + w`` (both multiples of
        the block; ``h`` the block or the rest of the scene, ``w`` whole blocks or the rest):
        (C, h, w) target and reference, (h, w) bool clear in both (and valid)."""
        if top % self.block or left % self.block:
            raise ValueError(f"blocks start at multiples of {self.block}, not row {top}, "
                             f"column {left}")
        by = top // self.block
        for col in range(0, clear.shape[1], self.block):
            bx = (left + col) // self.block
            cols = slice(col, col + self.block)
            common = clear[:, cols]
            self.seen[by, bx] = n = int(common.sum())
            if n < self.min_pixels:
                continue
            t, r = target[:, :, cols][:, common], reference[:, :, cols][:, common]  # (C, n)
            sums = BlockSums.of(t, r, robust_fit(t, r))
            for name in ("n", "r", "t", "rr", "rt"):
                getattr(self.sums, name)[:, by, bx] = getattr(sums, name)

    def result(self) -> Optional[Matching]:
        """The fit, or None when no block had :data:`MIN_PIXELS` common clear pixels."""
        own = self.seen >= self.min_pixels
        if not own.any():
            return None
        scene_gain, scene_offset = self.sums.total().coefficients(np.ones(1), prior=0.0)
        gain, offset = self.sums.coefficients(scene_gain[:, None, None])
        gain = np.where(own, gain, scene_gain[:, None, None])
        offset = np.where(own, offset, scene_offset[:, None, None])
        return Matching(gain, offset, self.block, int(self.seen.sum()), int(own.sum()))


def fit_matching(target: np.ndarray, reference: np.ndarray, clear: np.ndarray,
                 block: int = BLOCK, min_pixels: int = MIN_PIXELS) -> Optional[Matching]:
    """Whole arrays: (C, H, W) target and reference, (H, W) bool clear in both -> the fit
    (:class:`MatchFitter` over every row of blocks)."""
    _, height, width = target.shape
    fitter = MatchFitter(height, width, target.shape[0], block, min_pixels)
    for top in range(0, height, block):
        rows = slice(top, top + block)
        fitter.add(top, target[:, rows], reference[:, rows], clear[rows])
    return fitter.result()


def fill_from_references(target: np.ndarray, fill: np.ndarray,
                         references: Sequence[Tuple[np.ndarray, np.ndarray, Matching]],
                         window: Window) -> Tuple[np.ndarray, np.ndarray]:
    """The reference values for ``fill`` ((h, w) bool: the pixels to fill) of ``window``:
    (C, h, w) float32 (NaN where no reference is clear) and (h, w) uint8 source codes (0: not
    filled or no reference clear there, i + 1: reference i). ``references``: in the order
    tried, each (C, h, w) values of the window, (h, w) bool clear, its :class:`Matching`."""
    values = np.full(target.shape, np.nan, np.float32)
    source = np.zeros(fill.shape, np.uint8)
    todo = fill.copy()
    for i, (ref, clear, matching) in enumerate(references):
        use = todo & clear
        if not use.any():
            continue
        values[:, use] = matching.apply(ref, window)[:, use]
        source[use] = i + 1
        todo &= ~use
    return values, source
