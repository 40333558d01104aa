"""Raster IO for inference: opening and checking inputs, SAR on the optical grid, windowed reads,
and the output GeoTIFF.

Everything is read through rasterio windows (warped straight into the window's array when the
SAR raster lies on another grid), so memory depends on the window size, never on the scene
size. Nothing reads a whole scene only to look at it: value checks read a few block-aligned
windows (:func:`sample_windows`, :func:`read_sample`). Invalid pixels (nodata, NaN, outside the
SAR coverage) come back as NaN from every reader here.
"""

import math
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import numpy as np
import rasterio
from affine import Affine
from rasterio.enums import Resampling
from rasterio.errors import RasterioIOError
from rasterio.warp import reproject, transform_bounds
from rasterio.windows import Window

from mmcanet_core.errors import InferenceError
from mmcanet_core.preprocess import linear_to_db

#: Output block size (pixels) of the written GeoTIFF.
BLOCK = 256
#: Value checks sample this many windows of about SAMPLE_SIZE px per side (whole blocks).
SAMPLE_WINDOWS = 9
SAMPLE_SIZE = 256
#: The GDAL block cache keeps the input blocks that consecutive strips share, up to CACHE_MAX
#: bytes; scenes whose blocks need more get CACHE_MIN (see block_cache_bytes).
CACHE_MAX = 64 * 2**20
CACHE_MIN = 8 * 2**20
#: DEFLATE level of the output: level 1 is ~5x faster to write than GDAL's default 6 and, with
#: the horizontal predictor, about 1 % larger on Sentinel-2 DN.
ZLEVEL = 1




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


#: Band metadata items that name a band (GDAL's SENTINEL2 driver, SNAP, common exports).
BAND_NAME_TAGS = ("BANDNAME", "BAND_NAME", "band_name", "name", "NAME")


def band_labels(ds) -> List[Optional[str]]:
    """Per band, its description, else a name from the band's metadata (:data:`BAND_NAME_TAGS`),
    else None."""
    labels: List[Optional[str]] = []
    for b, description in enumerate(ds.descriptions, start=1):
        tags = ds.tags(b) if not description else {}
        labels.append(description or next((tags[k] for k in BAND_NAME_TAGS if tags.get(k)),
                                          None))
    return labels


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
    """A dataset-like reader of the SAR on the optical grid: ``sar`` itself when the grids are
    the same, else a bilinear :class:`WarpedReader`."""
    return sar if is_aligned(sar, optical) else WarpedReader(sar, optical)


class WarpedReader:
    """``src`` resampled bilinearly onto ``grid``'s CRS, transform and size, read window by
    window with GDAL's warper (``rasterio.warp.reproject``); invalid pixels are NaN.

    It reads like a dataset (``read(indexes, window=...)``, ``nodata``, ``close()``) but warps
    straight into the window's array: for the engine's strips that is about 3x
    faster than reading the same windows from a ``WarpedVRT`` (which warps its own 512 x 128
    blocks). The warp's scale (grid pixels per source pixel, ``XSCALE``/``YSCALE``) is fixed
    from the two grids; left to GDAL it is estimated per chunk, and the same pixel came out up to
    ~1 dB differently depending on the window. Full-width strips of any height then agree with
    one whole-scene warp to ~0.01 dB (GDAL's 0.125 px transform approximation).
    """

    nodata = float("nan")

    def __init__(self, src, grid):
        self.src, self.crs, self.transform = src, grid.crs, grid.transform
        self.width, self.height = grid.width, grid.height
        self.src_nodata = _source_nodata(src)
        left, bottom, right, top = transform_bounds(src.crs, grid.crs, *src.bounds,
                                                    densify_pts=21)
        self.scale = {"XSCALE": f"{(right - left) / src.width / abs(grid.transform.a):.6g}",
                      "YSCALE": f"{(top - bottom) / src.height / abs(grid.transform.e):.6g}"}

    def read(self, indexes, window: Optional[Window] = None, out_shape=None,
             resampling: Resampling = Resampling.bilinear) -> np.ndarray:
        """(len(indexes), h, w) float32 of ``window`` (default: all), or of the whole grid
        resampled to ``out_shape`` (then GDAL picks the warp's scale, e.g. for a preview)."""
        window = window or Window(0, 0, self.width, self.height)
        height, width = out_shape[-2:] if out_shape else (int(window.height), int(window.width))
        transform = (self.transform @ Affine.translation(window.col_off, window.row_off)
                     @ Affine.scale(window.width / width, window.height / height))
        out = np.full((len(indexes), height, width), np.nan, dtype=np.float32)
        reproject(rasterio.band(self.src, list(indexes)), out, src_nodata=self.src_nodata,
                  dst_transform=transform, dst_crs=self.crs, dst_nodata=np.nan,
                  resampling=Resampling.bilinear if out_shape is None else resampling,
                  **({} if out_shape else self.scale))
        return out

    def close(self) -> None:
        """Nothing to release (the source dataset belongs to the caller)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def block_cache_bytes(*inputs) -> int:
    """GDAL block cache size for reading whole-width strips of ``inputs``, ``(dataset, number of
    bands read)`` pairs: two block rows of every band read (a strip may straddle a block
    boundary) plus CACHE_MIN, if that fits in CACHE_MAX. Otherwise CACHE_MIN: an LRU cache
    smaller than the blocks one strip touches is thrashed anyway, so blocks are decoded again
    (in GDAL's threads) rather than held in memory that grows with the scene's width.
    """
    need = CACHE_MIN + sum(2 * ds.block_shapes[0][0] * ds.width * n
                           * np.dtype(ds.dtypes[0]).itemsize for ds, n in inputs)
    return need if need <= CACHE_MAX else CACHE_MIN


def read_float(ds, window: Window, bands: Sequence[int]) -> np.ndarray:
    """(len(bands), h, w) float32 of ``window``; nodata and non-finite values become NaN."""
    return as_float(ds.read(list(bands), window=window), ds.nodata)


def read_optical(ds, window: Window, bands: Sequence[int]) -> np.ndarray:
    """(C, h, w) float32 optical DN; NaN where invalid (declared nodata, NaN, or all-zero DN)."""
    return optical_as_float(ds.read(list(bands), window=window), ds.nodata)


def as_float(data: np.ndarray, nodata) -> np.ndarray:
    """(B, h, w) values as stored -> float32 with NaN at ``nodata`` and non-finite values (a
    float32 array is changed in place)."""
    integer = np.issubdtype(data.dtype, np.integer)
    data = data.astype(np.float32, copy=False)
    if nodata is not None and not np.isnan(nodata):
        data[data == nodata] = np.nan
    if not integer:  # integers are always finite
        data[~np.isfinite(data)] = np.nan
    return data


def optical_as_float(data: np.ndarray, nodata) -> np.ndarray:
    """(C, h, w) optical DN as stored -> float32, NaN where invalid: :func:`as_float`, and in
    integer files without a declared nodata the L1C convention that DN 0 in every band is none."""
    integer = np.issubdtype(data.dtype, np.integer)
    data = as_float(data, nodata)
    if nodata is None and integer:
        data[:, np.all(data == 0, axis=0)] = np.nan
    return data


def sample_windows(ds, n: int = SAMPLE_WINDOWS, size: int = SAMPLE_SIZE) -> List[Window]:
    """Up to ``n`` windows spread evenly over ``ds``, each made of whole blocks (about ``size``
    px per side, at least one block), so a sample costs a few block reads whatever the scene size.

    The windows sit on a ``k x k`` grid (``k = ceil(sqrt(n))``), each snapped to the block grid
    and kept inside the scene; duplicates (small scenes) are dropped, the scene's top-left
    first. Striped files (blocks of whole rows) get windows of ``size`` whole rows' height.
    """
    block_h, block_w = ds.block_shapes[0]
    height = min(ds.height, max(block_h, -(-size // block_h) * block_h))
    width = min(ds.width, max(block_w, -(-size // block_w) * block_w))
    k = max(1, math.ceil(math.sqrt(n)))
    windows: List[Window] = []
    for i in range(k):
        for j in range(k):
            row = _snap((i + 0.5) * ds.height / k - height / 2, block_h, ds.height - height)
            col = _snap((j + 0.5) * ds.width / k - width / 2, block_w, ds.width - width)
            window = Window(col, row, width, height)
            if window not in windows:
                windows.append(window)
    return windows[:n]


def _snap(offset: float, block: int, last: int) -> int:
    """``offset`` rounded to a multiple of ``block`` within ``0..last``."""
    return int(min(round(max(offset, 0.0) / block) * block, last // block * block))


def read_sample(ds, bands: Sequence[int], n: int = SAMPLE_WINDOWS,
                size: int = SAMPLE_SIZE) -> np.ndarray:
    """(len(bands), pixels) float32 values of ``bands`` in :func:`sample_windows`; NaN where
    invalid (declared nodata, NaN). For checks of a scene's values without reading it whole."""
    parts = [read_float(ds, window, bands).reshape(len(bands), -1)
             for window in sample_windows(ds, n, size)]
    return np.concatenate(parts, axis=1)


def detect_sar_scale(sar, sample: Optional[np.ndarray] = None) -> str:
    """``"db"`` or ``"linear"`` from a sample of block windows (``sample``, as
    :func:`read_sample` gives it, when the caller has read one): linear power is never negative."""
    sample = read_sample(sar, range(1, sar.count + 1)) if sample is None else sample
    sample = sample[np.isfinite(sample)]
    if sample.size == 0:
        raise InferenceError(
            f"SAR raster {sar.name} holds no valid pixel in a sample of {SAMPLE_WINDOWS} windows "
            "spread over it; pass real SAR data, or --sar-scale db|linear if most of it is "
            "nodata."
        )
    negative = float(np.mean(sample < 0))
    return "db" if negative > 0.01 else "linear"


def sar_to_db(sar: np.ndarray, scale: str) -> np.ndarray:
    """SAR in ``scale`` ("db" or "linear" power) -> dB; non-positive power becomes NaN."""
    return sar if scale == "db" else linear_to_db(sar)


def output_nodata(optical):
    """Nodata of the output: the input's own convention (docs/inference.md, "Output nodata").

    A declared nodata is kept. An integer file without one declares none either (its valid 0
    values stay valid; invalid pixels are written 0 in every band, the L1C rule the reader
    applies, see :func:`optical_as_float`). A float file without one gets NaN, which no valid
    value can take.
    """
    if optical.nodata is not None:
        return optical.nodata
    return None if np.issubdtype(np.dtype(optical.dtypes[0]), np.integer) else float("nan")


def valid_range(dtype, nodata) -> Tuple[float, float]:
    """(low, high) that valid network DN are clipped into for ``dtype``: never negative (no
    reflectance is), and at least 1 where 0 is nodata or (``nodata`` None) the all-zero rule."""
    dtype = np.dtype(dtype)
    info = np.iinfo(dtype) if np.issubdtype(dtype, np.integer) else np.finfo(dtype)
    low, high = max(float(info.min), 0.0), float(info.max)
    if nodata is None or nodata == low:
        low = low + 1 if np.issubdtype(dtype, np.integer) else float(np.nextafter(
            dtype.type(low), dtype.type(np.inf)))
    elif nodata == high:
        high -= 1
    return low, high


def _off_nodata(out: np.ndarray, nodata) -> None:
    """Move valid values that equal an in-range ``nodata`` one step up (or down at the top)."""
    if nodata is None or np.isnan(nodata):
        return
    dtype = out.dtype
    top = np.iinfo(dtype).max if np.issubdtype(dtype, np.integer) else np.finfo(dtype).max
    if nodata == top:
        return
    step = (dtype.type(nodata + 1) if np.issubdtype(dtype, np.integer)
            else np.nextafter(dtype.type(nodata), dtype.type(np.inf)))
    out[out == nodata] = step


def to_output_dtype(values: np.ndarray, dtype, nodata, out: Optional[np.ndarray] = None):
    """(C, n, W) float DN (NaN = invalid) -> ``dtype``: rounded (integers), clipped into
    :func:`valid_range`, no valid value equal to ``nodata``; invalid pixels get ``nodata``
    (0 where it is None).

    ``values`` is used as scratch space (modified in place) to keep memory low; the result goes
    to ``out`` (C, n, W) of ``dtype`` when given.
    """
    dtype = np.dtype(dtype)
    invalid = ~np.isfinite(values).all(axis=0)  # (n, W)
    low, high = valid_range(dtype, nodata)
    np.nan_to_num(values, copy=False, nan=low, posinf=high, neginf=low)
    if np.issubdtype(dtype, np.integer):
        np.rint(values, out=values)
    np.clip(values, low, high, out=values)
    if out is None:
        out = values.astype(dtype)
    else:
        np.copyto(out, values, casting="unsafe")
    _off_nodata(out, nodata)
    out[:, invalid] = 0 if nodata is None else nodata
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
        "compress": "deflate", "zlevel": ZLEVEL,
        "predictor": 2 if np.issubdtype(dtype, np.integer) else 3,
        "BIGTIFF": "IF_SAFER", "NUM_THREADS": "ALL_CPUS",  # GDAL compresses blocks in threads
    }
    return profile


class RowWriter:
    """Writes finished rows to an open dataset in whole block rows (no partial blocks).

    Rows are converted to the output type as they arrive, ``piece`` rows at a time (to keep
    temporaries small), straight into one ``(C, block, W)`` buffer of that type, written
    whenever it is full. It writes scene columns ``left:left + width`` (default: all), a column
    panel of the scene.
    """

    piece = 32

    def __init__(self, dst, dtype, nodata, block: int, left: int = 0,
                 width: Optional[int] = None):
        self.dst, self.dtype, self.nodata, self.left = dst, np.dtype(dtype), nodata, left
        width = dst.width - left if width is None else width
        self.buffer = np.empty((dst.count, block, width), dtype=self.dtype)  # (C, B, W)
        self.filled = 0  # rows of the buffer in use
        self.top = 0  # scene row of buffer row 0

    def add(self, values: np.ndarray) -> None:
        """Queue (C, n, W) float DN (NaN = nodata; used as scratch) and write full blocks.

        Rows already of an integer output's dtype (e.g. a composite, a class mask) are copied
        as they are."""
        start = 0
        while start < values.shape[1]:
            take = min(self.buffer.shape[1] - self.filled, values.shape[1] - start, self.piece)
            rows, out = values[:, start:start + take], self.buffer[:, self.filled:
                                                                   self.filled + take]
            if rows.dtype == self.dtype and not np.issubdtype(self.dtype, np.floating):
                out[:] = rows
            else:
                to_output_dtype(rows, self.dtype, self.nodata, out=out)
            self.filled += take
            start += take
            if self.filled == self.buffer.shape[1]:
                self.flush()

    def flush(self) -> None:
        """Write the rows collected so far."""
        if self.filled:
            window = Window(self.left, self.top, self.buffer.shape[2], self.filled)
            self.dst.write(self.buffer[:, :self.filled], window=window)
            self.top += self.filled
            self.filled = 0
