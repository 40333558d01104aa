"""Per-pixel cloud and cloud-shadow mask of Sentinel-2 L1C, computable window by window.

One implementation serves the dataset statistics (:mod:`mmcanet_core.data.cloud_cover`) and
inference (compositing, :mod:`mmcanet_core.clouds.composite`). Every step is a fixed-threshold
pixel test
or a filter of bounded reach, so a window read with :data:`MASK_MARGIN` extra pixels on each side
gives exactly the pixels that the whole scene would (no per-window min/mean statistics).

Classes (uint8): :data:`CLEAR` 0, :data:`CLOUD` 1, :data:`SHADOW` 2, :data:`NODATA` 255.

Cloud: the Google Earth Engine Sentinel-2 cloud score, made safe for bright ground
--------------------------------------------------------------------------------
The detector SEN12MS-CR's authors used (Schmitt et al. 2019, "Aggregating cloud-free Sentinel-2
images with Google Earth Engine"; Meraner et al. 2020, DSen2-CR, Section III-B), on L1C top-of-
atmosphere reflectance r = DN / 10000, is method ``"gee"``: the minimum of rescaled tests (each
``(x - low) / (high - low)``): B2 in [0.1, 0.5], B1 in [0.1, 0.3], B1 + B10 in [0.15, 0.2],
B4 + B3 + B2 in [0.2, 0.8] and NDSI(B3, B11) in [0.8, 0.6] (not snow); then a 5 x 5 grey closing
and a 7 x 7 box mean with zero padding at the scene edge. Cloud is score >= :data:`CLOUD_THRESHOLD`
(0.2, the published value; not tuned on our evaluation masks).

It takes bright roofs, quarries and bare soil for cloud (29 % of a clear urban reference) and
misses thin cirrus haze (a 100 % hazy patch: 32 %). Method ``"swir-cirrus"`` (issue 20) adds,
before the closing: the bright-ground veto (B11 / B2 in :data:`SWIR_RAMP`, lifted where B1 is
bright, :data:`B1_ESCAPE`), the texture veto (:data:`TEXTURE_RAMP`), and the cirrus test (B10 in
:data:`CIRRUS_RAMP`, not snow). The default ``"parallax"`` then keeps only the clouds that are
displaced between B8 and B8A somewhere within :data:`PARALLAX_REACH` (or are cirrus): a cloud
above the ground is, a roof is not (:func:`parallax_confirmed`). Chosen on real cloud-free
images and the 9 tuning triplets, never on the held-out five; measured in docs/cloud_mask.md
(``scripts/clear_eval.py``, ``scripts/mask_eval.py``).

Shadow: dark, not water, near a cloud (fixed thresholds)
--------------------------------------------------------
Shadow = (B8 + B11) / 2 < :data:`SHADOW_DARK` (0.12 reflectance) and NDWI(B3, B8) < 0 (not
open water), kept where at least 13 of its 5 x 5 neighbours agree (majority), within
:data:`SHADOW_REACH` (32) pixels of a cloud, and not cloud. The earlier test compared each patch
with its own min/mean, which depends on where a window falls and flagged the darkest half of a
cloud-free water scene as shadow; the proximity condition means a cloud-free scene has no shadow.
Shadows farther than 320 m from their cloud (high clouds, low sun) are missed by design: a missed
shadow stays as measured, a false one replaces clear data. There is no per-pixel shadow truth in
our data (the real masks are cloud only): 0.12 and 32 px were chosen by looking at 8 real
cloudy SEN12MS-CR patches with visible shadows (0.10, 0.12, 0.15; 32, 64 px), not measured.

RGB-only input
--------------
Without B1, B10, B11 and B8 there is no snow, cirrus or shadow test. :func:`classify_rgb` keeps
the visible tests of the score (B2 in [0.1, 0.5], B4 + B3 + B2 in [0.2, 0.8]) with the same
closing, mean and threshold; on the real masks it scores as well as the full test (see
``scripts/mask_eval.py``), but it takes snow and other bright white ground for cloud (a snowy
SEN12MS-CR scene comes out 100 % "cloud"). Compositing then falls back to the network there, which
is what the raw output does anyway. It needs L1C-scaled DN (reflectance x 10000), like the model.

Why not s2cloudless
-------------------
s2cloudless (Sentinel Hub's LightGBM pixel classifier, model inside its wheel) scored pooled F1
0.898 on the 14 real masks (the default here 0.953, the GEE score 0.904), flagged 10.7 % of the
clear urban reference 4065 and 4.7 % of 6317, has no shadow class, is about 60 x slower on the
CPU and its install adds 267 MB (opencv, lightgbm, sentinelhub, a second numpy): not a
dependency. Its output (or Fmask's, or an L2A SCL layer) can be passed as a user mask
(:mod:`mmcanet_core.clouds.usermask`).
"""

from dataclasses import dataclass
from functools import partial
from typing import Callable, Optional, Sequence, Tuple

import numpy as np
from rasterio.windows import Window
from scipy import ndimage

from mmcanet_core.errors import InferenceError
from mmcanet_core.options import MASK_METHODS

CLEAR, CLOUD, SHADOW, NODATA = 0, 1, 2, 255
#: 1-based bands of a 13-band L1C file the full mask reads: B1, B2, B3, B4, B7, B8, B8A, B10,
#: B11.
MASK_BANDS: Tuple[int, ...] = (1, 2, 3, 4, 7, 8, 9, 11, 12)
_B1, _B2, _B3, _B4, _B7, _B8, _B8A, _B10, _B11 = range(9)  # positions in a MASK_BANDS stack
_BAND_NAMES = "B1, B2, B3, B4, B7, B8, B8A, B10, B11"

CLOUD_THRESHOLD = 0.2
#: Automatic mask methods, the default first (:func:`cloud_score`).
METHODS = MASK_METHODS
DEFAULT_METHOD = METHODS[0]
#: B10 (cirrus) reflectance ramp, low -> high: score 0.2 (cloud) from B10 = 0.024.
CIRRUS_RAMP = (0.02, 0.04)
#: Visible texture (coefficient of variation over 5 x 5) ramp, high (score 0) -> low (score 1).
TEXTURE_RAMP = (0.25, 0.1)
#: B11 / B2 (SWIR over blue) ramp, high (score 0: bright ground) -> low (score 1: cloud).
SWIR_RAMP = (1.4, 1.2)
#: B1 (aerosol, 60 m) reflectance ramp that lifts the SWIR veto: thick cumulus over farmland
#: also has B11 / B2 near 1.4, but is bright in B1 over 60 m, which roofs and quarries are not.
B1_ESCAPE = (0.22, 0.32)
#: Cloud displacement index below which a cloud pixel is displaced between B8 and B8A (Frantz et
#: al. 2018's cloud threshold).
DISPLACED = -0.5
#: A cloud of the ``parallax`` method must lie within this many rows and columns of a displaced
#: core (:data:`CORE` x :data:`CORE` displaced cloud pixels): the index needs texture and is
#: lowest at the edges a cloud is shifted towards, so the core confirms the cloud around it.
PARALLAX_REACH = 16
#: The displacement index's smoothing of B7, B8, B8A (a 7 x 7 mean: the 10 m B8 has more detail
#: than the 20 m bands resampled to 10 m, which at high-contrast edges of bright ground looks
#: like displacement) and its variance window (27 x 27). Sizes and reach chosen on the tuning
#: data (docs/cloud_mask.md).
_PARALLAX_SMOOTH, _PARALLAX_WINDOW = 7, 27
#: (B8 + B11) / 2 reflectance below which a pixel is dark enough to be shadow.
SHADOW_DARK = 0.12
#: Shadow only within this many pixels (Euclidean) of a cloud pixel.
SHADOW_REACH = 32
#: Only clouds holding a CORE x CORE square of cloud pixels cast shadow (binary opening,
#: :func:`cores`): a few false cloud pixels on clear ground no longer bring 30 px of "shadow"
#: around them. The composite's halo follows the same rule (:mod:`mmcanet_core.clouds.composite`).
CORE = 5
_CLOSING, _BOX, _MAJORITY, _TEXTURE = 5, 7, 5, 5
#: Context pixels the cloud score needs around a window: texture (2) + closing (2 + 2) + box
#: mean (3).
SCORE_MARGIN = _TEXTURE // 2 + 2 * (_CLOSING // 2) + _BOX // 2
#: Context pixels the cloud class needs: the displaced cores (the wider of the score and the
#: displacement index, smoothing 3 + variance 13; then the core's opening) and their reach.
CLOUD_MARGIN = (max(SCORE_MARGIN, _PARALLAX_SMOOTH // 2 + _PARALLAX_WINDOW // 2)
                + 2 * (CORE // 2) + PARALLAX_REACH)
#: Context pixels :func:`classify` needs on every side of a window (cloud, its core, then
#: shadow reach).
MASK_MARGIN = CLOUD_MARGIN + 2 * (CORE // 2) + SHADOW_REACH
#: Context pixels :func:`classify_rgb` needs (no texture test): closing (2 + 2) + box mean (3).
RGB_MARGIN = 2 * (_CLOSING // 2) + _BOX // 2


def _rescale(x: np.ndarray, low: float, high: float) -> np.ndarray:
    return (x - low) / (high - low)


def _normalized_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    total = a + b
    total = np.where(total == 0, 1e-3, total)
    return (a - b) / total


def _box_mean(x: np.ndarray, size: int, mode: str = "constant") -> np.ndarray:
    """size x size mean, zero outside (``mode``: scipy.ndimage's edge rule). A separable
    correlation (not a running sum) gives every pixel the same arithmetic wherever the window
    starts, so thresholds flip identically."""
    weights = np.full(size, 1.0 / size)
    x = ndimage.correlate1d(x, weights, axis=0, mode=mode)
    return ndimage.correlate1d(x, weights, axis=1, mode=mode)


def _smooth_score(score: np.ndarray) -> np.ndarray:
    score = ndimage.grey_closing(score, size=(_CLOSING, _CLOSING))
    return np.clip(_box_mean(score, _BOX), 1e-5, 1.0)


def _reflectance(dn: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """DN -> (reflectance with NaN as 0, (H, W) valid = finite in every band)."""
    dn = np.asarray(dn, dtype=np.float32)
    valid = np.isfinite(dn).all(axis=0)
    return np.nan_to_num(dn) / 10000.0, valid


def _texture(visible: np.ndarray) -> np.ndarray:
    """(H, W) coefficient of variation of ``visible`` over :data:`_TEXTURE` x :data:`_TEXTURE`."""
    mean = _box_mean(visible, _TEXTURE)
    spread = np.sqrt(np.maximum(_box_mean(visible * visible, _TEXTURE) - mean * mean, 0.0))
    return spread / np.maximum(mean, 1e-3)


def _variance(x: np.ndarray, size: int) -> np.ndarray:
    """(H, W) variance over size x size, the scene edge mirrored."""
    mean = _box_mean(x, size, "reflect")
    return np.maximum(_box_mean(x * x, size, "reflect") - mean * mean, 0.0)


def displacement_index(r: np.ndarray) -> np.ndarray:
    """(9, H, W) reflectance in :data:`MASK_BANDS` order -> (H, W) cloud displacement index.

    Frantz et al. 2018 (Remote Sensing of Environment 215, "Improvement of the Fmask algorithm
    for Sentinel-2 images: separating clouds from bright surfaces based on parallax effects"):
    B8 sits far from B7 and B8A on the focal plane, so anything above the ground (a cloud) is
    shifted between B8 and B8A but hardly between B7 and B8A, and the local variance of B8 vs B8A
    exceeds that of B7 vs B8A. CDI = (V(B7, B8A) - V(B8, B8A)) / (V(B7, B8A) + V(B8, B8A)) lies
    near -1 over clouds and near 0 or above over roofs, sand and soil. Here V is the variance of
    the normalized difference (bounded, unlike the paper's ratio, which dark neighbours such as
    water blow up: 9 % of the real cloud of the tuning triplets was lost with ratios) over
    :data:`_PARALLAX_WINDOW`, of bands smoothed by :data:`_PARALLAX_SMOOTH` (our files hold the
    20 m bands resampled to 10 m; unsmoothed, the 10 m B8's own detail makes clear ground look
    displaced).
    """
    b7, b8, b8a = (_box_mean(r[band], _PARALLAX_SMOOTH, "reflect") for band in (_B7, _B8, _B8A))
    near_ir = _variance(_normalized_difference(b8, b8a), _PARALLAX_WINDOW)
    red_edge = _variance(_normalized_difference(b7, b8a), _PARALLAX_WINDOW)
    total = red_edge + near_ir
    return (red_edge - near_ir) / np.where(total > 0, total, 1.0)


def gee_tests(r: np.ndarray) -> np.ndarray:
    """(9, H, W) reflectance -> (H, W) per-pixel GEE score (before closing and mean)."""
    score = np.minimum(1.0, _rescale(r[_B2], 0.1, 0.5))
    score = np.minimum(score, _rescale(r[_B1], 0.1, 0.3))
    score = np.minimum(score, _rescale(r[_B1] + r[_B10], 0.15, 0.2))
    score = np.minimum(score, _rescale(r[_B4] + r[_B3] + r[_B2], 0.2, 0.8))
    return np.minimum(score, _not_snow(r))


def _not_snow(r: np.ndarray) -> np.ndarray:
    return _rescale(_normalized_difference(r[_B3], r[_B11]), 0.8, 0.6)


def cloud_score(bands: np.ndarray, method: str = DEFAULT_METHOD) -> np.ndarray:
    """(9, H, W) DN in :data:`MASK_BANDS` order -> (H, W) cloud score in [1e-5, 1].

    ``"gee"``: the published GEE score. ``"swir-cirrus"``: the GEE tests vetoed where the
    ground is brighter in SWIR than in blue (soil, sand, roofs: B11 / B2 in :data:`SWIR_RAMP`,
    high to low) unless bright in B1 (:data:`B1_ESCAPE`), or where the visible bands are
    textured (coefficient of variation of B4 + B3 + B2 over 5 x 5 in :data:`TEXTURE_RAMP`); or
    the cirrus test (B10 in :data:`CIRRUS_RAMP`, not snow) where that is higher (thin cirrus and
    haze). ``"parallax"`` (default) has the score of ``swir-cirrus``; :func:`classify` then keeps
    only the clouds it confirms (:func:`parallax_confirmed`).
    """
    r, _ = _reflectance(bands)
    return _score(r, method)


def _cirrus(r: np.ndarray) -> np.ndarray:
    """(H, W) per-pixel cirrus test: B10 in :data:`CIRRUS_RAMP`, not snow."""
    return np.minimum(_rescale(r[_B10], *CIRRUS_RAMP), _not_snow(r))


def _score(r: np.ndarray, method: str) -> np.ndarray:
    """(9, H, W) reflectance in :data:`MASK_BANDS` order -> (H, W) score (:func:`cloud_score`)."""
    if method not in METHODS:
        raise ValueError(f"unknown mask method {method!r}; choose from {', '.join(METHODS)}")
    score = gee_tests(r)
    if method in ("swir-cirrus", "parallax"):
        texture = _texture(r[_B4] + r[_B3] + r[_B2])
        score = np.minimum(score, _rescale(texture, *TEXTURE_RAMP))
        swir_blue = r[_B11] / np.maximum(r[_B2], 1e-3)
        veto = np.maximum(_rescale(swir_blue, *SWIR_RAMP), _rescale(r[_B1], *B1_ESCAPE))
        score = np.maximum(np.minimum(score, veto), _cirrus(r))
    return _smooth_score(score.astype(np.float32))


def parallax_confirmed(r: np.ndarray, cloud: np.ndarray, threshold: float) -> np.ndarray:
    """(H, W) bool: the pixels of ``cloud`` (the ``swir-cirrus`` cloud of reflectance ``r``)
    that method ``parallax`` keeps: within :data:`PARALLAX_REACH` of a displaced core (a
    :data:`CORE` x :data:`CORE` square of cloud pixels whose :func:`displacement_index` is below
    :data:`DISPLACED`), or cirrus (the cirrus test alone, smoothed like the score, at least
    ``threshold``: haze has no texture to be displaced with). Bright roofs, greenhouses and
    quarries that pass every spectral test have no displaced core and are dropped whole."""
    if not cloud.any():
        return cloud
    displaced = cores(cloud & (displacement_index(r) < DISPLACED))
    # the square around each core (a max filter: an order of magnitude faster than a distance)
    confirmed = ndimage.maximum_filter(displaced.view(np.uint8), size=2 * PARALLAX_REACH + 1,
                                       mode="constant", cval=0).view(bool)
    cirrus = _cirrus(r)
    if cirrus.max() >= threshold:  # else the smoothed test stays below it everywhere
        confirmed |= _smooth_score(cirrus.astype(np.float32)) >= threshold
    return cloud & confirmed


def rgb_score(rgb: np.ndarray) -> np.ndarray:
    """(3, H, W) DN of B4, B3, B2 -> (H, W) visible-only cloud score (see the module docstring)."""
    r, _ = _reflectance(rgb)
    score = np.minimum(1.0, _rescale(r[2], 0.1, 0.5))
    score = np.minimum(score, _rescale(r[0] + r[1] + r[2], 0.2, 0.8))
    return _smooth_score(score.astype(np.float32))


def shadow_candidates(bands: np.ndarray) -> np.ndarray:
    """(9, H, W) DN -> (H, W) bool: dark in NIR + SWIR, not water, 5 x 5 majority."""
    return _shadow(_reflectance(bands)[0])


def _shadow(r: np.ndarray) -> np.ndarray:
    """(9, H, W) reflectance -> (H, W) bool (:func:`shadow_candidates`)."""
    dark = ((r[_B8] + r[_B11]) / 2.0 < SHADOW_DARK) & (
        _normalized_difference(r[_B3], r[_B8]) < 0.0
    )
    # A binary 5 x 5 median as a count: >= 13 of 25 (whole numbers: exact in float32 in any
    # order, so window-independent), summed by rows then columns.
    ones = np.ones(_MAJORITY, np.float32)
    votes = ndimage.correlate1d(dark.astype(np.float32), ones, axis=0, mode="reflect")
    votes = ndimage.correlate1d(votes, ones, axis=1, mode="reflect")
    return votes >= (_MAJORITY * _MAJORITY) // 2 + 1


def cores(mask: np.ndarray) -> np.ndarray:
    """(H, W) bool: the pixels of ``mask`` inside a :data:`CORE` x :data:`CORE` square of
    ``mask`` pixels (a binary opening, as a min then a max filter: the same pixels, twice as
    fast; needs ``2 * (CORE // 2)`` context pixels, and the scene edge counts as unmasked)."""
    eroded = ndimage.minimum_filter(np.asarray(mask, bool).view(np.uint8), size=CORE,
                                    mode="constant", cval=0)
    return ndimage.maximum_filter(eroded, size=CORE, mode="constant", cval=0).view(bool)


def near(mask: np.ndarray, reach: float) -> np.ndarray:
    """(H, W) bool: within ``reach`` pixels (Euclidean) of a True pixel of ``mask``."""
    if not mask.any():
        return np.zeros_like(mask, dtype=bool)
    return ndimage.distance_transform_edt(~mask) <= reach


def classify(bands: np.ndarray, *, shadows: bool = True,
             threshold: float = CLOUD_THRESHOLD, method: str = DEFAULT_METHOD) -> np.ndarray:
    """(9, H, W) L1C DN in :data:`MASK_BANDS` order (NaN = invalid) -> (H, W) uint8 classes;
    cloud where the ``method``'s score (:func:`cloud_score`) is at least ``threshold`` (and,
    for ``parallax``, confirmed by :func:`parallax_confirmed`)."""
    bands = np.asarray(bands)
    if bands.ndim != 3 or bands.shape[0] != len(MASK_BANDS):
        raise ValueError(f"the mask needs the {len(MASK_BANDS)} bands {_BAND_NAMES} of L1C "
                         f"({len(MASK_BANDS)}, H, W), got {bands.shape}")
    r, valid = _reflectance(bands)  # once: the conversion costs as much as the tests
    cloud = (_score(r, method) >= threshold) & valid
    if method == "parallax":
        cloud = parallax_confirmed(r, cloud, threshold)
    out = np.where(cloud, CLOUD, CLEAR).astype(np.uint8)
    if shadows:
        shadow = _shadow(r) & near(cores(cloud), SHADOW_REACH) & ~cloud & valid
        out[shadow] = SHADOW
    out[~valid] = NODATA
    return out


def classify_rgb(rgb: np.ndarray) -> np.ndarray:
    """(3, H, W) DN of B4, B3, B2 (NaN = invalid) -> (H, W) uint8 CLEAR / CLOUD / NODATA."""
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[0] != 3:
        raise ValueError(f"the RGB mask needs B4, B3, B2 as (3, H, W), got {rgb.shape}")
    _, valid = _reflectance(rgb)
    out = np.where(rgb_score(rgb) >= CLOUD_THRESHOLD, CLOUD, CLEAR).astype(np.uint8)
    out[~valid] = NODATA
    return out


def classify_l1c(dn: np.ndarray, *, shadows: bool = True,
                 method: str = DEFAULT_METHOD) -> np.ndarray:
    """(13, H, W) L1C DN (B1..B12 with B8A) -> (H, W) uint8 classes (see :func:`classify`)."""
    dn = np.asarray(dn)
    if dn.ndim != 3 or dn.shape[0] != 13:
        raise ValueError(f"the L1C mask needs all 13 bands (13, H, W), got {dn.shape}")
    return classify(dn[[b - 1 for b in MASK_BANDS]], shadows=shadows, method=method)


@dataclass(frozen=True)
class MaskPlan:
    """What the engine reads for the automatic mask: 1-based ``bands``, the function, margin."""

    bands: Tuple[int, ...]
    classify: Callable[[np.ndarray], np.ndarray]
    margin: int
    kind: str  # "l1c" (cloud + shadow) or "rgb" (cloud only)


def plan_mask(band_count: int, rgb: Optional[Sequence[int]] = None,
              method: str = DEFAULT_METHOD) -> MaskPlan:
    """The automatic mask for an optical file of ``band_count`` bands.

    13 bands: the full L1C test with ``method`` (:data:`METHODS`). Otherwise ``rgb``, the
    file's 1-based bands holding B4, B3, B2 (e.g. (1, 2, 3) for an RGB file), gives the
    cloud-only RGB test. Neither:
    :class:`~mmcanet_core.errors.InferenceError` naming the two ways out.
    """
    if band_count == 13:
        if method not in METHODS:
            raise InferenceError(f"unknown mask method {method!r}; choose from "
                                 f"{', '.join(METHODS)} (--mask-method)")
        return MaskPlan(MASK_BANDS, partial(classify, method=method), MASK_MARGIN, "l1c")
    if rgb is not None and len(rgb) == 3 and all(1 <= int(b) <= band_count for b in rgb):
        return MaskPlan(tuple(int(b) for b in rgb), classify_rgb, RGB_MARGIN, "rgb")
    raise InferenceError(
        f"no automatic cloud mask for a {band_count}-band optical file: it needs the 13 L1C bands "
        "(cloud + shadow) or B4, B3, B2 (cloud only). Pass a mask raster (--mask) or ask for the "
        "raw network output (--raw)."
    )


def padded(window: Window, margin: int, height: int, width: int) -> Tuple[Window, tuple]:
    """``window`` grown by ``margin`` on every side, cut to the scene; and the slices that cut
    the grown read back to ``window``."""
    row0, col0 = max(window.row_off - margin, 0), max(window.col_off - margin, 0)
    row1 = min(window.row_off + window.height + margin, height)
    col1 = min(window.col_off + window.width + margin, width)
    top, left = window.row_off - row0, window.col_off - col0
    crop = (slice(top, top + window.height), slice(left, left + window.width))
    return Window(col0, row0, col1 - col0, row1 - row0), crop


def mask_window(read: Callable[[Window], np.ndarray], window: Window, height: int, width: int,
                plan: MaskPlan) -> np.ndarray:
    """Classes of ``window`` of a ``height x width`` scene; ``read(window)`` gives ``plan.bands``
    as (B, h, w) DN, NaN = invalid (e.g. :func:`mmcanet_core.engine.raster.read_optical`)."""
    grown, crop = padded(window, plan.margin, height, width)
    return plan.classify(read(grown))[crop]


@dataclass
class Cover:
    """Cloud and shadow pixel counts, summed window by window, for the log and outputs."""

    cloud: int = 0
    shadow: int = 0
    valid: int = 0

    def add(self, classes: np.ndarray) -> None:
        self.cloud += int(np.count_nonzero(classes == CLOUD))
        self.shadow += int(np.count_nonzero(classes == SHADOW))
        self.valid += int(np.count_nonzero(classes != NODATA))

    @property
    def fraction(self) -> float:
        """Fraction (0..1) of valid pixels that are cloud or shadow; 0 with no valid pixel."""
        return (self.cloud + self.shadow) / self.valid if self.valid else 0.0
