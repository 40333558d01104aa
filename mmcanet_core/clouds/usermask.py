"""A user's cloud/shadow mask: any georeferenced raster on any grid, read on the optical grid.

The mask's band 1 is resampled NEAREST onto the optical grid through a ``WarpedVRT`` (exact
transform, so every window reads the same pixels the whole scene would) and turned into a bool
mask by a set of class values: a preset or a list of integers. Pixels outside the mask raster or
at its nodata are unknown and count as clear (the input is kept there).

Presets: ``scl`` (Sentinel-2 L2A scene classification: 3 cloud shadow, 8 cloud medium
probability, 9 cloud high probability, 10 thin cirrus), ``fmask`` (2 shadow, 4 cloud), ``binary``
(1; an s2cloudless mask or any 0/1 layer).
"""

from typing import Dict, Iterable, Optional, Sequence, Tuple, Union

import numpy as np
from rasterio.enums import Resampling
from rasterio.vrt import WarpedVRT
from rasterio.windows import Window

from mmcanet_core.engine.raster import check_overlap, is_aligned, open_raster, read_float
from mmcanet_core.errors import InferenceError
from mmcanet_core.options import MASK_PRESETS

PRESETS: Dict[str, Tuple[int, ...]] = MASK_PRESETS
#: GDAL's warp error threshold (pixels) for the approximate transformer; 0 fails in rasterio,
#: this small gives the exact transform at every pixel, whatever the window.
WARP_TOLERANCE = 1e-6
#: At most this many pixels per side are sampled to check the mask's values before any work.
SAMPLE = 512


def parse_mask_values(values: Union[str, Sequence[int]]) -> Tuple[int, ...]:
    """``"scl"``, ``"fmask"``, ``"binary"`` or integers (``"3,8,9,10"``) -> the class values."""
    if isinstance(values, str):
        preset = PRESETS.get(values.strip().lower())
        if preset is not None:
            return preset
        parts = [p for p in values.replace(" ", "").split(",") if p]
    else:
        parts = list(values)
    try:
        out = tuple(sorted({int(p) for p in parts}))
    except (TypeError, ValueError):
        out = ()
    if not out:
        raise InferenceError(
            f"mask values {values!r} are neither a preset ({', '.join(PRESETS)}) nor a list of "
            "integers; pass e.g. --mask-values scl or --mask-values 3,8,9,10."
        )
    return out


class UserMask:
    """A mask raster opened for reading on the optical grid; use as a context manager.

    ``read(window)`` gives the (h, w) bool mask of a window of the optical grid.
    """

    def __init__(self, path, optical, values: Union[str, Sequence[int]] = "binary"):
        self.values = parse_mask_values(values)
        self.warning: Optional[str] = None  # values that make the mask suspicious, said once
        self.src = open_raster(path, "mask")
        try:
            self.coverage = self._overlap(optical)
            self._check(optical)
            self.grid = self.src if is_aligned(self.src, optical) else WarpedVRT(
                self.src, crs=optical.crs, transform=optical.transform, width=optical.width,
                height=optical.height, resampling=Resampling.nearest, dtype="float32",
                src_nodata=self.src.nodata, nodata=float("nan"), tolerance=WARP_TOLERANCE,
            )
        except BaseException:
            self.src.close()
            raise

    def _check(self, optical) -> None:
        name = self.src.name
        if self.src.count != 1:
            raise InferenceError(
                f"mask raster {name} has {self.src.count} bands; a mask has one band of class "
                "values. Extract the band that holds them (e.g. gdal_translate -b 1 in.tif "
                "mask.tif)."
            )
        shape = (1, min(self.src.height, SAMPLE), min(self.src.width, SAMPLE))
        sample = self.src.read(out_shape=shape, resampling=Resampling.nearest, masked=True)
        sample = sample.compressed().astype(np.float64)
        sample = sample[np.isfinite(sample)]
        if sample.size == 0:
            raise InferenceError(
                f"mask raster {name} holds no valid pixel (all nodata); pass a mask with class "
                "values."
            )
        fractional = sample[sample != np.round(sample)]
        if fractional.size:
            raise InferenceError(
                f"mask raster {name} holds non-integer values (e.g. {fractional[0]:g}: a "
                "probability?); a mask holds class values. Threshold it to 0/1 first (e.g. "
                "gdal_calc.py --calc \"A>=0.4\") and pass --mask-values binary."
            )
        present = set(np.unique(sample).astype(int).tolist())
        if present <= {0, 1} and 1 not in self.values:
            raise InferenceError(
                f"mask raster {name} holds only 0 and 1 but the mask values are "
                f"{list(self.values)}; for a 0/1 mask pass --mask-values binary."
            )
        if self.values == PRESETS["binary"] and present - {0, 1}:
            raise InferenceError(
                f"mask raster {name} holds the values {_listing(present)}, but --mask-values "
                f"binary reads 1 as cloud and everything else as clear; {_values_hint(present)}"
            )
        if not present & set(self.values):
            self.warning = (
                f"mask raster {name} holds none of the mask values {list(self.values)} in a "
                f"sample of {sample.size} pixels (it holds {_listing(present)}): it marks "
                "(almost) nothing as cloud, so the input comes back (almost) unchanged. If "
                f"clouds are visible, {_values_hint(present)}")

    def _overlap(self, optical) -> float:
        try:
            return check_overlap(self.src, optical)
        except InferenceError:
            raise InferenceError(
                f"mask raster {self.src.name} does not cover the optical raster {optical.name} "
                f"(mask CRS {self.src.crs}, optical CRS {optical.crs}); pass the mask made for "
                "this scene."
            ) from None

    def read(self, window: Window) -> np.ndarray:
        """(h, w) bool: True where the mask's class value is one of ``values``."""
        data = read_float(self.grid, window, (1,))[0]  # (h, w), NaN = unknown
        return np.isin(data, self.values)

    def close(self) -> None:
        if self.grid is not self.src:
            self.grid.close()
        self.src.close()

    def __enter__(self) -> "UserMask":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _listing(values: Iterable[int], most: int = 8) -> str:
    values = sorted(values)
    return ", ".join(map(str, values[:most])) + (" ..." if len(values) > most else "")


def _values_hint(present: set) -> str:
    """Which --mask-values would fit a mask holding ``present``."""
    if present <= {0, 255}:
        return "for a 0/255 mask pass --mask-values 255."
    if present <= set(range(12)):
        return ("for a Sentinel-2 L2A scene classification (SCL) layer pass --mask-values scl; "
                "for Fmask --mask-values fmask.")
    return ("pass the values that mean cloud or shadow, e.g. --mask-values "
            f"{max(present)} (or a preset: {', '.join(PRESETS)}).")
