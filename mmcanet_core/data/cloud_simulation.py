"""SYNTHETIC cloud simulator: puts simulated clouds and shadows on REAL cloud-free Sentinel-2.

Everything this module makes is synthetic and is named so wherever it is used (training data
``--data synthetic``, the picture grid ``docs/img/clouds_real_vs_synthetic.png``). It exists to
make training pairs from real cloud-free optical images with their real SAR (SEN12MS-CR s1 + s2
pairs, the BigEarthNet pairs), not to replace real cloudy imagery in evaluation.

Model, per pixel and band b, in L1C-like reflectance (DN / 10000):

    cloudy_b = (1 - a) * clear_b * (1 - d_b * s) + a * R_b * t

- ``a`` cloud opacity: thick clouds are a soft-thresholded fractal field (spectral synthesis
  with power ~ 1 / f^beta, beta 3.3 .. 4, i.e. a multi-octave fBm), the threshold set to hit the
  drawn cover; thin clouds / haze are a smooth low-amplitude fractal field over the whole patch.
- ``R_b`` cloud-top reflectance: ``CLOUD_REFLECTANCE``, the median per band of the real
  SEN12MS-CR cloudy pixels in ``../shared/data`` whose cloud score is >= 0.9 (bright, nearly
  white in the visible, brighter in the red edge/NIR, lower in SWIR B11/B12, low in the water
  vapour B9 and cirrus B10 bands); thin haze scatters more in blue (``HAZE_TINT``) and shows in
  the cirrus band B10. ``t`` a fractal texture of the cloud top (0.75 .. 1.05).
- ``s`` shadow: the thick-cloud opacity shifted by one random displacement (the sun's
  direction), blurred; ``d_b`` darkening 0.35 .. 0.7, weaker in blue/aerosol bands (diffuse
  skylight is blue). Shadows fall only where there is no cloud.
"""

from dataclasses import dataclass
from typing import Dict, Optional, Sequence

import numpy as np
from scipy import ndimage

from mmcanet_core.preprocess import S2_BANDS

#: Cloud-top TOA reflectance per band (median of real thick-cloud pixels, see module docstring).
CLOUD_REFLECTANCE: Dict[str, float] = {
    "B1": 0.61, "B2": 0.64, "B3": 0.61, "B4": 0.70, "B5": 0.74, "B6": 0.77, "B7": 0.79,
    "B8": 0.79, "B8A": 0.82, "B9": 0.43, "B10": 0.013, "B11": 0.65, "B12": 0.55,
}  # fmt: skip
#: Relative brightness of thin haze / cirrus per band (Rayleigh-like: more in blue; B10 cirrus).
HAZE_TINT: Dict[str, float] = {
    "B1": 1.25, "B2": 1.15, "B3": 1.0, "B4": 0.92, "B5": 0.88, "B6": 0.85, "B7": 0.83,
    "B8": 0.82, "B8A": 0.8, "B9": 0.5, "B10": 0.25, "B11": 0.6, "B12": 0.45,
}  # fmt: skip
#: Shadow darkening relative to the drawn strength: blue bands keep more diffuse skylight.
SHADOW_RELATIVE: Dict[str, float] = {
    "B1": 0.6, "B2": 0.7, "B3": 0.8, "B4": 0.9, "B5": 0.95, "B6": 1.0, "B7": 1.0, "B8": 1.0,
    "B8A": 1.0, "B9": 1.0, "B10": 0.3, "B11": 1.0, "B12": 1.0,
}  # fmt: skip


def fractal_noise(shape, rng: np.random.Generator, beta: float = 3.0) -> np.ndarray:
    """(H, W) fractal (fBm-like) noise in [0, 1]: white noise filtered to power ~ 1 / f^beta."""
    h, w = shape
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    f = np.sqrt(fx**2 + fy**2)
    f[0, 0] = 1.0
    spectrum = np.fft.rfft2(rng.standard_normal((h, w))) * f ** (-beta / 2.0)
    spectrum[0, 0] = 0.0
    field = np.fft.irfft2(spectrum, s=(h, w))
    field -= field.min()
    return (field / max(field.max(), 1e-12)).astype(np.float32)


@dataclass
class SyntheticClouds:
    """The simulated layers: opacity ``alpha``, shadow ``shadow`` (H, W), the drawn cover."""

    alpha: np.ndarray
    shadow: np.ndarray
    cover: float
    thin: float


def simulate(
    clear: np.ndarray,
    rng: np.random.Generator,
    *,
    bands: Sequence[str] = S2_BANDS,
    cover: Optional[float] = None,
    thin: Optional[float] = None,
    shadows: bool = True,
):
    """Add SYNTHETIC clouds to a real clear image; returns ``(cloudy, SyntheticClouds)``.

    ``clear`` (C, H, W) reflectance in [0, 1] (DN / 10000) whose bands are named by ``bands``
    (S2 names, default all 13). ``cover`` the thick-cloud fraction (drawn in [0, 0.95] if None,
    so that all the paper's cover bins occur); ``thin`` the haze opacity (drawn in [0, 0.5]).
    """
    clear = np.asarray(clear, dtype=np.float32)
    c, h, w = clear.shape
    if len(bands) != c:
        raise ValueError(f"{c} bands in the image but {len(bands)} band names")
    cover = float(rng.uniform(0.0, 0.95)) if cover is None else float(cover)
    thin = float(rng.uniform(0.0, 0.5) * (rng.random() < 0.6)) if thin is None else float(thin)

    # Thick clouds: soft threshold of a fractal field at the (1 - cover) quantile.
    field = fractal_noise((h, w), rng, beta=float(rng.uniform(3.3, 4.0)))
    alpha = np.zeros((h, w), np.float32)
    if cover > 0:
        level = np.quantile(field, 1.0 - cover)
        softness = float(rng.uniform(0.08, 0.25))
        alpha = np.clip((field - level) / softness + 0.5, 0.0, 1.0)
        alpha = alpha * alpha * (3.0 - 2.0 * alpha)  # smoothstep edges
    # Thin clouds / haze: a smooth field everywhere, opacity up to `thin`.
    haze = thin * fractal_noise((h, w), rng, beta=3.6) if thin > 0 else np.zeros_like(alpha)

    shadow = np.zeros_like(alpha)
    if shadows and cover > 0:
        angle = rng.uniform(0, 2 * np.pi)
        dist = rng.uniform(0.04, 0.15) * max(h, w)
        shifted = ndimage.shift(
            alpha, (dist * np.sin(angle), dist * np.cos(angle)), order=1, mode="constant", cval=0.0
        )
        shadow = ndimage.gaussian_filter(shifted, sigma=1.5) * (1.0 - alpha)
    strength = float(rng.uniform(0.35, 0.7))
    texture = 0.75 + 0.3 * fractal_noise((h, w), rng, beta=2.2)
    brightness = float(rng.uniform(0.75, 1.1))

    cloudy = np.empty_like(clear)
    for i, name in enumerate(bands):
        ground = clear[i] * (1.0 - strength * SHADOW_RELATIVE[name] * shadow)
        ground = (1.0 - haze) * ground + haze * CLOUD_REFLECTANCE["B2"] * HAZE_TINT[name] * 0.8
        top = brightness * CLOUD_REFLECTANCE[name] * texture
        cloudy[i] = (1.0 - alpha) * ground + alpha * top
    info = SyntheticClouds(alpha=alpha, shadow=shadow, cover=float((alpha > 0.5).mean()), thin=thin)
    return np.clip(cloudy, 0.0, 1.0), info
