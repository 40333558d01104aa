"""The paper's value scaling (Section IV-B), shared by training data and inference.

SAR (Sentinel-1 GRD, dB): VV clipped to [-25, 0], VH to [-32.5, 0], both scaled to [0, 1]
(the GLF-CR convention the paper follows). Optical (Sentinel-2 L1C digital numbers): clipped to
[0, 10000] and scaled to [0, 1]. NaN stays NaN here; callers decide what an invalid pixel means.
"""

import numpy as np

#: dB clip range per SAR polarisation, in the order of SEN12MS-CR's s1 files.
SAR_CLIP_DB = {"VV": (-25.0, 0.0), "VH": (-32.5, 0.0)}
SAR_BANDS = ("VV", "VH")
#: Digital-number clip range of Sentinel-2 L1C reflectance (x 10000).
OPTICAL_CLIP_DN = (0.0, 10000.0)
#: The 13 Sentinel-2 L1C bands in SEN12MS-CR order; RGB is B4, B3, B2 (1-based 4, 3, 2).
S2_BANDS = ("B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A", "B9", "B10", "B11", "B12")
RGB_BANDS = (4, 3, 2)


def linear_to_db(power: np.ndarray) -> np.ndarray:
    """Linear backscatter power (sigma0) to dB; zero or negative power becomes NaN."""
    power = np.asarray(power, dtype=np.float32)
    with np.errstate(divide="ignore", invalid="ignore"):
        db = 10.0 * np.log10(power)
    db[~np.isfinite(db)] = np.nan
    return db


def normalize_sar(db: np.ndarray, clips=(SAR_CLIP_DB["VV"], SAR_CLIP_DB["VH"]),
                  out=None) -> np.ndarray:
    """(2, H, W) SAR in dB -> float32 in [0, 1], one clip range per band; NaN stays NaN.

    ``out`` (float32, the shape of ``db``; may be ``db`` itself) receives the result."""
    db = np.asarray(db, dtype=np.float32)
    if db.shape[0] != len(clips):
        raise ValueError(f"SAR has {db.shape[0]} bands, expected {len(clips)} (VV, VH)")
    out = np.empty_like(db) if out is None else out
    for band, (low, high) in enumerate(clips):
        normalize_optical(db[band], (low, high), out=out[band])
    return out


def normalize_optical(dn: np.ndarray, clip=OPTICAL_CLIP_DN, out=None) -> np.ndarray:
    """Optical digital numbers -> float32 in [0, 1]; NaN stays NaN.

    ``out`` (float32, the shape of ``dn``; may be ``dn`` itself) receives the result."""
    low, high = clip
    out = np.clip(np.asarray(dn, dtype=np.float32), low, high, out=out)
    out -= low
    out /= high - low
    return out


def denormalize_optical(unit: np.ndarray, clip=OPTICAL_CLIP_DN) -> np.ndarray:
    """Inverse of :func:`normalize_optical` for values in [0, 1] (float32 digital numbers)."""
    low, high = clip
    return np.asarray(unit, dtype=np.float32) * (high - low) + low
