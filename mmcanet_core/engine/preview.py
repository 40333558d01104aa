"""``--preview``: a side-by-side PNG of SAR (VV) / optical input / restored optical.

Everything is read decimated (at most :data:`MAX_SIDE` pixels per side), so a preview of a full
Sentinel-2 tile stays cheap. Each panel gets its own 2-98 % percentile stretch per band (a shared
one would turn a thickly clouded input into a white square).
"""

from pathlib import Path
from typing import Sequence

import numpy as np
import rasterio
from rasterio.enums import Resampling

from mmcanet_core.engine import raster

MAX_SIDE = 1024
RGB = (4, 3, 2)


def preview_shape(height: int, width: int, max_side: int = MAX_SIDE):
    """(h, w) no larger than ``max_side`` with the same aspect ratio."""
    scale = min(1.0, max_side / max(height, width))
    return max(1, round(height * scale)), max(1, round(width * scale))


def rgb_positions(bands: Sequence[int]) -> list:
    """0-based positions in ``bands`` of B4, B3, B2 when all are there, else the first three."""
    bands = list(bands)
    if all(b in bands for b in RGB):
        return [bands.index(b) for b in RGB]
    return [min(i, len(bands) - 1) for i in range(3)]


def stretch(image: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """(C, h, w) -> (h, w, C) in [0, 1], per-band linear between ``low`` and ``high``."""
    span = np.where(high > low, high - low, 1.0)
    out = (image - low[:, None, None]) / span[:, None, None]
    return np.clip(np.nan_to_num(out), 0, 1).transpose(1, 2, 0)


def percentiles(image: np.ndarray, q=(2, 98)):
    """Per-band (low, high) percentiles over finite values of a (C, h, w) image."""
    lows, highs = [], []
    for band in image:
        finite = band[np.isfinite(band)]
        lo, hi = np.percentile(finite, q) if finite.size else (0.0, 1.0)
        lows.append(lo)
        highs.append(hi)
    return np.array(lows), np.array(highs)


def _read(ds, bands, shape) -> np.ndarray:
    """Decimated (len(bands), h, w) float32 read; nodata -> NaN."""
    data = ds.read(list(bands), out_shape=(len(bands),) + shape,
                   resampling=Resampling.average).astype(np.float32)
    if ds.nodata is not None and not np.isnan(ds.nodata):
        data[data == ds.nodata] = np.nan
    return data


def write_preview(path, sar_path, optical_path, restored_path, bands: Sequence[int],
                  sar_scale: str = "db", max_side: int = MAX_SIDE) -> Path:
    """Write the three-panel PNG to ``path``; ``bands``: the input bands the network restored
    (the output has every input band at the input's position,
    :mod:`mmcanet_core.engine.bands`)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    positions = rgb_positions(bands)
    with rasterio.open(optical_path) as optical, rasterio.open(sar_path) as sar, \
            rasterio.open(restored_path) as restored:
        shape = preview_shape(optical.height, optical.width, max_side)
        grid = raster.sar_reader(sar, optical)
        try:
            vv = raster.sar_to_db(_read(grid, [1], shape), sar_scale)
        finally:
            if grid is not sar:
                grid.close()
        cloudy = _read(optical, [bands[p] for p in positions], shape)
        clean = _read(restored, [bands[p] for p in positions], shape)
    # One stretch for both optical panels, the restored image's 2-98 %: clear pixels look the
    # same in both, so before/after compares like with like (clouds saturate in the input).
    low, high = percentiles(clean)
    panels = [
        ("SAR VV (dB)", stretch(vv, *percentiles(vv))[..., 0]),
        ("optical input", stretch(cloudy, low, high)),
        ("restored (MMCANet)", stretch(clean, low, high)),
    ]
    fig = Figure(figsize=(12, 4.4 * shape[0] / shape[1] + 0.6), dpi=100)
    FigureCanvasAgg(fig)
    for i, (title, image) in enumerate(panels):
        ax = fig.add_subplot(1, 3, i + 1)
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None, interpolation="nearest")
        ax.set_title(title)
        ax.set_axis_off()
    fig.tight_layout()
    fig.savefig(path, format="png")  # the name may be a part file's
    return Path(path)
