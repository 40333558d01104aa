"""Raster IO for inference: opening and checking inputs, SAR on the optical grid, windowed reads,
and the output GeoTIFF.

Everything is read through rasterio windows (and a ``WarpedVRT`` when the SAR raster lies on
another grid), so memory depends on the window size, never on the scene size. Invalid pixels
(nodata, NaN, outside the SAR coverage) come back as NaN from every reader here.
"""

import os
from pathlib import Path
from typing import Optional, Sequence

import numpy as np
import rasterio
from rasterio.enums import Resampling
from rasterio.errors import RasterioIOError
from rasterio.vrt import WarpedVRT
from rasterio.warp import transform_bounds
from rasterio.windows import Window

from .preprocess import linear_to_db

#: Output block size (pixels) of the written GeoTIFF.
BLOCK = 256
#: At most this many pixels per side are sampled to guess whether SAR is in dB or linear power.
SAR_SAMPLE = 512


class InferenceError(ValueError):
    """Bad input to inference, detected before any work; the message says what to fix."""


class InferenceCancelled(RuntimeError):  # noqa: N818 (name fixed by CONTRACTS.md)
    """The caller cancelled inference; no output file was left behind."""


def open_raster(path, role: str):
    """Open ``path`` with rasterio, or raise :class:`InferenceError` naming ``role`` and the fix."""
    path = Path(path)
    if not path.exists():
        raise InferenceError(f"{role} raster {path} does not exist; check the path.")
    try:
        ds = rasterio.open(path)
    except RasterioIOError as exc:
        raise InferenceError(
            f"{role} raster {path} cannot be read by GDAL ({exc}); pass a GeoTIFF or another "
            "GDAL-readable raster."
        ) from None
    if ds.crs is None or ds.transform.is_identity:
        ds.close()
        raise InferenceError(
            f"{role} raster {path} has no georeferencing (CRS/geotransform); SAR and optical are "
            "matched by location. Georeference it first (e.g. gdal_translate -a_srs/-a_ullr)."
        )
    return ds


def check_sar_bands(sar) -> None:
    """The SAR raster must hold exactly VV and VH."""
    if sar.count != 2:
        raise InferenceError(
            f"SAR raster {sar.name} has {sar.count} band(s); the model needs 2 (VV, VH, in this "
            "order, dB or linear power). Stack VV and VH into one 2-band raster (e.g. "
            "gdal_merge.py -separate VV.tif VH.tif)."
        )


def check_overlap(sar, optical) -> float:
    """Fraction of the optical extent covered by the SAR extent; 0 is an error."""
    left, bottom, right, top = transform_bounds(sar.crs, optical.crs, *sar.bounds, densify_pts=21)
    o_left, o_bottom, o_right, o_top = optical.bounds
    width = min(right, o_right) - max(left, o_left)
    height = min(top, o_top) - max(bottom, o_bottom)
    if width <= 0 or height <= 0:
        raise InferenceError(
            f"SAR raster {sar.name} and optical raster {optical.name} do not overlap (SAR bounds "
            f"in the optical CRS {optical.crs}: {left:.1f}, {bottom:.1f}, {right:.1f}, {top:.1f}; "
            f"optical: {o_left:.1f}, {o_bottom:.1f}, {o_right:.1f}, {o_top:.1f}). Pass a SAR "
            "acquisition that covers the optical scene."
        )
    return float(width * height / ((o_right - o_left) * (o_top - o_bottom)))


def check_optical_bands(optical, bands: Sequence[int], needed: int) -> None:
    """A band list must name ``needed`` existing bands (1-based)."""
    if len(bands) != needed:
        raise InferenceError(
            f"band list {list(bands)} has {len(bands)} band(s) but the model takes {needed} "
            f"optical bands; pass {needed} 1-based band numbers (e.g. --bands 4,3,2 for RGB of "
            "a 13-band L1C scene)."
        )
    bad = [b for b in bands if not 1 <= int(b) <= optical.count]
    if bad:
        raise InferenceError(
            f"band(s) {bad} do not exist in optical raster {optical.name}, which has "
            f"{optical.count} band(s); use numbers from 1 to {optical.count}."
        )


def is_aligned(sar, optical) -> bool:
    """True when both rasters share CRS, geotransform and size (no resampling needed)."""
    return (
        sar.crs == optical.crs
        and sar.transform.almost_equals(optical.transform)
        and (sar.width, sar.height) == (optical.width, optical.height)
    )


def _source_nodata(ds) -> Optional[float]:
    """Declared nodata, or NaN for float rasters without one."""
    if ds.nodata is not None:
        return ds.nodata
    return float("nan") if np.issubdtype(np.dtype(ds.dtypes[0]), np.floating) else None


def sar_reader(sar, optical):
    """A dataset that reads the SAR on the optical grid: ``sar`` itself or a bilinear WarpedVRT."""
    if is_aligned(sar, optical):
        return sar
    return WarpedVRT(
        sar, crs=optical.crs, transform=optical.transform, width=optical.width,
        height=optical.height, resampling=Resampling.bilinear, dtype="float32",
        src_nodata=_source_nodata(sar), nodata=float("nan"),
    )


def read_float(ds, window: Window, bands: Sequence[int]) -> np.ndarray:
    """(len(bands), h, w) float32 of ``window``; nodata and non-finite values become NaN."""
    data = ds.read(list(bands), window=window).astype(np.float32, copy=False)
    nodata = ds.nodata
    if nodata is not None and not np.isnan(nodata):
        data[data == nodata] = np.nan
    data[~np.isfinite(data)] = np.nan
    return data


def read_optical(ds, window: Window, bands: Sequence[int]) -> np.ndarray:
    """(C, h, w) float32 optical DN; NaN where invalid (declared nodata, NaN, or all-zero DN)."""
    data = read_float(ds, window, bands)
    if ds.nodata is None and np.issubdtype(np.dtype(ds.dtypes[0]), np.integer):
        # L1C convention: DN 0 in every band means no data.
        data[:, np.all(data == 0, axis=0)] = np.nan
    return data


def detect_sar_scale(sar) -> str:
    """``"db"`` or ``"linear"`` from a decimated sample: linear power is never negative."""
    shape = (sar.count, min(sar.height, SAR_SAMPLE), min(sar.width, SAR_SAMPLE))
    sample = sar.read(out_shape=shape, resampling=Resampling.nearest).astype(np.float32)
    if sar.nodata is not None and not np.isnan(sar.nodata):
        sample = sample[sample != sar.nodata]
    sample = sample[np.isfinite(sample)]
    if sample.size == 0:
        raise InferenceError(f"SAR raster {sar.name} holds no valid pixel; pass real SAR data.")
    negative = float(np.mean(sample < 0))
    return "db" if negative > 0.01 else "linear"


def sar_to_db(sar: np.ndarray, scale: str) -> np.ndarray:
    """SAR in ``scale`` ("db" or "linear" power) -> dB; non-positive power becomes NaN."""
    return sar if scale == "db" else linear_to_db(sar)


def output_nodata(optical):
    """Nodata of the output: the optical's own, else 0 for integer DN, else NaN."""
    if optical.nodata is not None:
        return optical.nodata
    return 0 if np.issubdtype(np.dtype(optical.dtypes[0]), np.integer) else float("nan")


def to_output_dtype(values: np.ndarray, dtype, nodata) -> np.ndarray:
    """(C, n, W) float DN (NaN = invalid) -> ``dtype``: rounded, clipped, valid never == nodata.

    ``values`` is used as scratch space (modified in place) to keep memory low.
    """
    dtype = np.dtype(dtype)
    invalid = ~np.isfinite(values).all(axis=0)  # (n, W)
    if np.issubdtype(dtype, np.integer):
        info = np.iinfo(dtype)
        low, high = float(info.min), float(info.max)
        if nodata is not None and nodata == low:
            low += 1  # a restored pixel must not read as nodata
        np.nan_to_num(values, copy=False)
        np.rint(values, out=values)
        np.clip(values, low, high, out=values)
    out = values.astype(dtype)
    out[:, invalid] = nodata
    return out


def output_profile(optical, count: int, nodata) -> dict:
    """GeoTIFF profile on the optical grid: tiled, DEFLATE, optical dtype."""
    dtype = np.dtype(optical.dtypes[0])
    block = BLOCK if min(optical.width, optical.height) >= BLOCK else 16 * max(
        1, min(optical.width, optical.height) // 16)
    profile = {
        "driver": "GTiff", "width": optical.width, "height": optical.height, "count": count,
        "dtype": dtype.name, "crs": optical.crs, "transform": optical.transform,
        "nodata": nodata, "tiled": True, "blockxsize": block, "blockysize": block,
        "compress": "deflate", "predictor": 2 if np.issubdtype(dtype, np.integer) else 3,
        "BIGTIFF": "IF_SAFER",
    }
    return profile


class RowWriter:
    """Writes finished rows to an open dataset in whole block rows (no partial blocks).

    Rows are converted to the output type as they arrive and collected in one
    ``(C, block, W)`` buffer of that type, written whenever it is full.
    """

    def __init__(self, dst, dtype, nodata, block: int):
        self.dst, self.dtype, self.nodata = dst, np.dtype(dtype), nodata
        self.buffer = np.empty((dst.count, block, dst.width), dtype=self.dtype)  # (C, B, W)
        self.filled = 0  # rows of the buffer in use
        self.top = 0  # scene row of buffer row 0

    def add(self, values: np.ndarray) -> None:
        """Queue (C, n, W) float DN (NaN = nodata; used as scratch) and write full blocks."""
        rows = to_output_dtype(values, self.dtype, self.nodata)  # (C, n, W)
        start = 0
        while start < rows.shape[1]:
            take = min(self.buffer.shape[1] - self.filled, rows.shape[1] - start)
            self.buffer[:, self.filled:self.filled + take] = rows[:, start:start + take]
            self.filled += take
            start += take
            if self.filled == self.buffer.shape[1]:
                self.flush()

    def flush(self) -> None:
        """Write the rows collected so far."""
        if self.filled:
            window = Window(0, self.top, self.buffer.shape[2], self.filled)
            self.dst.write(self.buffer[:, :self.filled], window=window)
            self.top += self.filled
            self.filled = 0


def temporary_path(output: Path) -> Path:
    """A hidden name beside ``output`` (same folder, so the final rename is atomic)."""
    return output.with_name(f".{output.stem}.{os.getpid()}.part{output.suffix or '.tif'}")
