"""Per-patch cloud (+ cloud shadow) cover estimate, for the paper's cover bins (Section V, Fig. 6).

``cloud_cover(dn)`` is the fraction of valid pixels that :mod:`mmcanet_core.clouds.cloudmask` (the
same
per-pixel mask that inference composites with) calls cloud (Google Earth Engine cloud score >= 0.2)
or cloud shadow (dark in (B8 + B11) / 2, not water, within 32 px of a cloud). Given the cloud-free
image of the same place (SEN12MS-CR has one), a shadow pixel must also be at least
``SHADOW_DARKENING`` darker in (B8 + B11) / 2 than there (5 x 5 mean), which removes dark ground
the fixed thresholds take for shadow. ``shadows=False`` gives the cloud-only cover.

``method="score"`` (the default) is the mask's ``gee`` method, the GEE score alone that
SEN12MS-CR's authors binned their data with, so the paper's cover bins keep their meaning (the
inference default, ``parallax``, also calls cirrus haze cloud, e.g. the hazy "cloud-free"
references of ROIs1970_fall 136). ``method="s2cloudless"`` uses Sentinel Hub's LightGBM
detector when it is installed (it is not a dependency; :mod:`mmcanet_core.clouds.cloudmask` says
why), with the settings of its documentation.

``COVER_BINS`` are the paper's six cover ranges in percent.
"""

from typing import List, Tuple

import numpy as np
from scipy import ndimage

from mmcanet_core.clouds import cloudmask

#: The paper's cloud-cover ranges (percent): 0-10, 10-20, 20-40, 40-60, 60-80, 80-100.
COVER_BINS: Tuple[Tuple[int, int], ...] = (
    (0, 10),
    (10, 20),
    (20, 40),
    (40, 60),
    (60, 80),
    (80, 100),
)
CLOUD_THRESHOLD = cloudmask.CLOUD_THRESHOLD
#: With a clear reference, shadow pixels must be this much darker in (B8 + B11) / 2.
SHADOW_DARKENING = 0.2
_MASK_INDEX = [b - 1 for b in cloudmask.MASK_BANDS]
#: The mask method behind the cover bins (see the module docstring).
METHOD = "gee"


def _check_l1c(dn) -> np.ndarray:
    dn = np.asarray(dn)
    if dn.ndim != 3 or dn.shape[0] != 13:
        raise ValueError(f"cloud cover needs all 13 L1C bands (13, H, W), got {dn.shape}")
    return dn


def cloud_score(dn: np.ndarray) -> np.ndarray:
    """(13, H, W) L1C digital numbers -> (H, W) cloud score in (0, 1] (GEE cloud score)."""
    return cloudmask.cloud_score(_check_l1c(dn)[_MASK_INDEX], method=METHOD)


def shadow_mask(dn: np.ndarray) -> np.ndarray:
    """(13, H, W) L1C digital numbers -> boolean (H, W) cloud-shadow mask (no reference)."""
    return cloudmask.classify_l1c(_check_l1c(dn), method=METHOD) == cloudmask.SHADOW


def cloud_mask(
    dn: np.ndarray, clear_dn=None, *, shadows: bool = True, method: str = "score"
) -> np.ndarray:
    """Boolean (H, W) mask of cloud (and, with ``shadows``, cloud-shadow) pixels.

    With the cloud-free reference ``clear_dn``, a shadow pixel must also be at least
    ``SHADOW_DARKENING`` darker in (B8 + B11) / 2 than the reference.
    """
    dn = _check_l1c(dn)
    classes = cloudmask.classify_l1c(dn, shadows=shadows, method=METHOD)
    if method == "s2cloudless":
        cloud = _s2cloudless(dn)
    elif method == "score":
        cloud = classes == cloudmask.CLOUD
    else:
        raise ValueError(f"unknown cloud-cover method {method!r}; use 'score' or 's2cloudless'")
    shadow = classes == cloudmask.SHADOW
    if clear_dn is not None:
        shadow &= _darkness(dn) < (1.0 - SHADOW_DARKENING) * _darkness(_check_l1c(clear_dn))
    return cloud | (shadow & ~cloud)


def _s2cloudless(dn: np.ndarray) -> np.ndarray:
    from s2cloudless import S2PixelCloudDetector  # optional, see the module docstring

    detector = S2PixelCloudDetector(threshold=0.4, all_bands=True, average_over=4, dilation_size=2)
    refl = np.moveaxis(np.nan_to_num(np.asarray(dn, np.float32)) / 10000.0, 0, -1)[None]
    return detector.get_cloud_masks(refl)[0] > 0


def _darkness(dn: np.ndarray) -> np.ndarray:
    r = np.nan_to_num(np.asarray(dn, dtype=np.float32))
    return ndimage.uniform_filter((r[7] + r[11]) / 2.0, size=5)


def cloud_cover(
    dn: np.ndarray, clear_dn=None, *, shadows: bool = True, method: str = "score"
) -> float:
    """Fraction (0..1) of the patch's valid pixels covered by cloud (+ shadow)."""
    dn = _check_l1c(dn)
    valid = np.isfinite(np.asarray(dn, dtype=np.float32)).all(axis=0)
    if not valid.any():
        return 0.0
    mask = cloud_mask(dn, clear_dn, shadows=shadows, method=method)
    return float(mask[valid].mean())


def cover_bin(cover: float) -> str:
    """The paper's bin label ("0-10", ..., "80-100") for a cover fraction in [0, 1]."""
    percent = 100.0 * float(cover)
    for low, high in COVER_BINS:
        if percent < high or high == 100:
            return f"{low}-{high}"
    raise AssertionError("unreachable")


def bin_labels() -> List[str]:
    return [f"{low}-{high}" for low, high in COVER_BINS]
