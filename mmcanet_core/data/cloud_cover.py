"""Per-patch cloud (+ cloud shadow) cover estimate, for the paper's cover bins (Section V, Fig. 6).

What the estimate is, exactly
-----------------------------
``cloud_cover(dn)`` is the fraction of pixels that the *cloud score* of the Google Earth Engine
Sentinel-2 cloud-masking recipe marks as cloud (score >= 0.2), or that its cloud-shadow test
marks as shadow. It is the detector SEN12MS-CR's authors used for DSen2-CR (Meraner et al. 2020,
Section III-B; Schmitt et al. 2019, "Aggregating cloud-free Sentinel-2 images with Google Earth
Engine") and that UnCRtainTS ships as ``cloud_cloudshadow_mask``. It is a spectral threshold
test on one image (L1C TOA reflectance, 13 bands), not a learned detector:

- cloud score = min of rescaled tests: B2 in [0.1, 0.5], B1 in [0.1, 0.3], B1 + B10 in
  [0.15, 0.2], B4 + B3 + B2 in [0.2, 0.8] (bright in blue, aerosol/cirrus and all visible
  bands), and NDSI(B3, B11) in [0.8, 0.6] (not snow); then a 5 x 5 grey closing and a 7 x 7 mean.
- shadow = (B8 + B11) / 2 below ``min + 3/4 (mean - min)`` and B2 below ``min + 5/6 (mean - min)``
  of the patch, median-filtered 5 x 5. Relative thresholds: it flags the darkest pixels of any
  patch (water, dark forest) as "shadow". Given the cloud-free image of the same place (as in
  SEN12MS-CR), a shadow pixel must also be >= 20 % darker in (B8 + B11) / 2 than there, which
  removes most such false alarms. ``shadows=False`` gives the cloud-only cover.

s2cloudless (Sentinel Hub's LightGBM detector) would be better; it is not a dependency because
it pulls lightgbm, sentinelhub, opencv and a newer numpy. ``method="s2cloudless"`` uses it when
it is installed (its model ships inside the wheel; nothing is downloaded at run time).

``COVER_BINS`` are the paper's six cover ranges in percent.
"""

from typing import List, Tuple

import numpy as np
from scipy import ndimage

#: The paper's cloud-cover ranges (percent): 0-10, 10-20, 20-40, 40-60, 60-80, 80-100.
COVER_BINS: Tuple[Tuple[int, int], ...] = (
    (0, 10),
    (10, 20),
    (20, 40),
    (40, 60),
    (60, 80),
    (80, 100),
)
CLOUD_THRESHOLD = 0.2
#: With a clear reference, shadow pixels must be this much darker in (B8 + B11) / 2.
SHADOW_DARKENING = 0.2


def _rescale(x: np.ndarray, low: float, high: float) -> np.ndarray:
    return (x - low) / (high - low)


def _normalized_difference(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    total = a + b
    total = np.where(total == 0, 1e-3, total)
    return (a - b) / total


def cloud_score(dn: np.ndarray) -> np.ndarray:
    """(13, H, W) L1C digital numbers -> (H, W) cloud score in (0, 1] (GEE cloud score)."""
    r = np.nan_to_num(np.asarray(dn, dtype=np.float32)) / 10000.0
    score = np.ones(r.shape[1:], dtype=np.float32)
    score = np.minimum(score, _rescale(r[1], 0.1, 0.5))  # B2 blue
    score = np.minimum(score, _rescale(r[0], 0.1, 0.3))  # B1 aerosol
    score = np.minimum(score, _rescale(r[0] + r[10], 0.15, 0.2))  # B1 + B10 cirrus
    score = np.minimum(score, _rescale(r[3] + r[2] + r[1], 0.2, 0.8))  # visible
    score = np.minimum(score, _rescale(_normalized_difference(r[2], r[11]), 0.8, 0.6))  # not snow
    score = ndimage.grey_closing(score, size=(5, 5))
    score = ndimage.uniform_filter(score, size=7, mode="constant")
    return np.clip(score, 1e-5, 1.0)


def shadow_mask(dn: np.ndarray) -> np.ndarray:
    """(13, H, W) L1C digital numbers -> boolean (H, W) cloud-shadow mask (relative thresholds)."""
    r = np.nan_to_num(np.asarray(dn, dtype=np.float32)) / 10000.0
    blue, csi = r[1], (r[7] + r[11]) / 2.0
    t_csi = csi.min() + 0.75 * (csi.mean() - csi.min())
    t_blue = blue.min() + (5.0 / 6.0) * (blue.mean() - blue.min())
    mask = ((csi < t_csi) & (blue < t_blue)).astype(np.float32)
    return ndimage.median_filter(mask, size=5) > 0.5


def cloud_mask(
    dn: np.ndarray, clear_dn=None, *, shadows: bool = True, method: str = "score"
) -> np.ndarray:
    """Boolean (H, W) mask of cloud (and, with ``shadows``, cloud-shadow) pixels.

    With the cloud-free reference ``clear_dn`` (SEN12MS-CR has one), a shadow pixel must also be
    at least ``SHADOW_DARKENING`` darker in (B8 + B11) / 2 than the reference: this removes the
    relative test's false alarms on dark land and water.
    """
    if method == "s2cloudless":
        from s2cloudless import S2PixelCloudDetector  # optional, see the module docstring

        detector = S2PixelCloudDetector(
            threshold=0.4, all_bands=True, average_over=4, dilation_size=2
        )
        refl = np.moveaxis(np.nan_to_num(np.asarray(dn, np.float32)) / 10000.0, 0, -1)[None]
        mask = detector.get_cloud_masks(refl)[0] > 0
    elif method == "score":
        mask = cloud_score(dn) >= CLOUD_THRESHOLD
    else:
        raise ValueError(f"unknown cloud-cover method {method!r}; use 'score' or 's2cloudless'")
    if shadows:
        shadow = shadow_mask(dn)
        if clear_dn is not None:
            shadow &= _darkness(dn) < (1.0 - SHADOW_DARKENING) * _darkness(clear_dn)
        mask = mask | shadow
    return mask


def _darkness(dn: np.ndarray) -> np.ndarray:
    r = np.nan_to_num(np.asarray(dn, dtype=np.float32))
    return ndimage.uniform_filter((r[7] + r[11]) / 2.0, size=5)


def cloud_cover(
    dn: np.ndarray, clear_dn=None, *, shadows: bool = True, method: str = "score"
) -> float:
    """Fraction (0..1) of the patch covered by cloud (+ shadow); see the module docstring."""
    dn = np.asarray(dn)
    if dn.ndim != 3 or dn.shape[0] != 13:
        raise ValueError(f"cloud cover needs all 13 L1C bands (13, H, W), got {dn.shape}")
    return float(cloud_mask(dn, clear_dn, shadows=shadows, method=method).mean())


def cover_bin(cover: float) -> str:
    """The paper's bin label ("0-10", ..., "80-100") for a cover fraction in [0, 1]."""
    percent = 100.0 * float(cover)
    for low, high in COVER_BINS:
        if percent < high or high == 100:
            return f"{low}-{high}"
    raise AssertionError("unreachable")


def bin_labels() -> List[str]:
    return [f"{low}-{high}" for low, high in COVER_BINS]
