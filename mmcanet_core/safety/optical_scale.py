"""Which value scale an optical raster uses, and conversions to and from the network's DN.

The network takes Sentinel-2 L1C digital numbers (reflectance x 10000, clipped to 0..10000;
Section IV-B). Real files come in other scales:

=============== ================================================ =============================
scale           values                                           to network DN
=============== ================================================ =============================
``dn``          integer (or float) DN, reflectance x 10000       as they are
``offset``      DN + 1000: products of processing baseline       minus 1000
                04.00 and later (from 25 January 2022), L1C
                (``RADIO_ADD_OFFSET`` = -1000) and L2A
                (``BOA_ADD_OFFSET`` = -1000)
``reflectance`` float reflectance, 0..1 (clouds up to ~1.6)      times 10000
=============== ================================================ =============================

8-bit data (0..255) is a rendering whose radiometry is lost: refused, with the fix.

:func:`detect_optical_scale` decides from a sample of the raster's values (the engine samples
block-aligned windows), its dtype and nodata, the product metadata (:func:`offset_from_tags`)
and the user's ``--optical-scale`` (:data:`CHOICES`). The offset cannot be told from values
alone: a cloudy or bright L1C scene without it has no value below 1000 either (11 of 184 real
L1C patches in ``../shared/data`` had none in B4, B3 and B2), so without metadata or the user's
word ``auto`` assumes no offset and says so when the sample would also fit an offset product.
The result converts in both directions (:meth:`OpticalScale.to_dn`, :meth:`OpticalScale.from_dn`)
so that the output keeps the input's own scale and dtype.
"""

import re
from dataclasses import dataclass
from typing import Mapping, Optional

import numpy as np

from mmcanet_core.errors import InferenceError
from mmcanet_core.options import OPTICAL_SCALES

#: Values of ``--optical-scale``; ``l2a-offset`` is accepted as another name for ``offset``.
CHOICES = OPTICAL_SCALES
ALIASES = {"l2a-offset": "offset", "l1c": "dn"}
#: The processing-baseline offset (DN units).
BASELINE_OFFSET = 1000.0
#: Reflectance (x 1) of the brightest real pixels (clouds, snow) stays below this.
MAX_REFLECTANCE = 2.5
#: Float data whose 99.9th percentile lies in (MAX_REFLECTANCE, MIN_FLOAT_DN) is neither scale
#: (percent reflectance reaches ~160 in clouds; the lowest 99.9th percentile of B4, B3, B2 in the
#: 183 real L1C patches of ../shared/data is 848 DN). The same bound as 8-bit integers.
MIN_FLOAT_DN = 256.0
#: DN above this are beyond any Sentinel-2 product (65535 marks saturated L1C pixels).
MAX_DN = 65535.0
#: Integer data with no value above this is an 8-bit rendering.
MAX_8BIT = 255
#: Fraction of the sample that must lie below the offset for "no offset" to be certain.
BELOW_OFFSET_FRACTION = 0.001
#: At most this many sample values are examined (an even subsample of larger samples).
MAX_VALUES = 1 << 18


@dataclass(frozen=True)
class OpticalScale:
    """A value scale: ``network DN = (value - add) * multiply``."""

    name: str  # "dn", "offset" or "reflectance"
    multiply: float
    add: float
    reason: str  # why this scale was chosen, for the log

    def to_dn(self, values: np.ndarray) -> np.ndarray:
        """Raster values -> network DN (float32; NaN stays NaN)."""
        values = np.asarray(values, dtype=np.float32)
        if self.add == 0 and self.multiply == 1:
            return values
        return (values - np.float32(self.add)) * np.float32(self.multiply)

    def from_dn(self, dn: np.ndarray) -> np.ndarray:
        """Network DN -> the raster's own scale (float32); cast to its dtype when writing."""
        dn = np.asarray(dn, dtype=np.float32)
        if self.add == 0 and self.multiply == 1:
            return dn
        return dn / np.float32(self.multiply) + np.float32(self.add)


def parse_scale(text: Optional[str]) -> str:
    """``--optical-scale`` value -> one of :data:`CHOICES` (``None`` -> ``"auto"``)."""
    value = (text or "auto").strip().lower()
    value = ALIASES.get(value, value)
    if value not in CHOICES:
        raise InferenceError(
            f"optical scale {text!r} is not one of {', '.join(CHOICES)} (or l2a-offset)."
        )
    return value


def offset_from_tags(tags: Mapping[str, str]) -> Optional[float]:
    """The processing-baseline offset a product's metadata states, else None.

    Reads ``*_ADD_OFFSET*`` items (``BOA_ADD_OFFSET_B4=-1000``, ``RADIO_ADD_OFFSET=-1000``;
    the offset is minus their value) and ``PROCESSING_BASELINE`` (``04.00`` or later: 1000,
    earlier: 0), as GDAL's SENTINEL2 driver and common exports name them.
    """
    offsets = []
    baseline = None
    for key, value in (tags or {}).items():
        upper = str(key).upper()
        try:
            number = float(str(value).strip())
        except ValueError:
            continue
        if re.search(r"(BOA|RADIO)_ADD_OFFSET", upper):
            offsets.append(-number)
        elif upper.endswith("PROCESSING_BASELINE"):
            baseline = number
    if offsets:
        return float(max(offsets, key=abs))
    if baseline is not None:
        return BASELINE_OFFSET if baseline >= 4.0 else 0.0
    return None


def detect_optical_scale(sample: np.ndarray, dtype, nodata=None, hint: str = "auto",
                         tags: Optional[Mapping[str, str]] = None,
                         name: str = "the optical raster") -> OpticalScale:
    """The scale of ``sample`` (raw values of the bands to feed, any shape).

    ``dtype``: the raster's data type; ``nodata``: its declared nodata (excluded, as are NaN
    and pixels 0 in every band: pass ``sample`` as (bands, n) to have those recognised);
    ``hint``: the user's ``--optical-scale`` (checked against the data: a claim the values
    contradict is refused); ``tags``: the raster's metadata (see :func:`offset_from_tags`).
    Raises ``InferenceError`` with the fix for 8-bit data, values fitting no scale, and
    contradicted hints.
    """
    hint = parse_scale(hint)
    dtype = np.dtype(dtype)
    if dtype.itemsize == 1 and dtype.kind in "ui":
        raise InferenceError(_eight_bit(name, f"its data type is {dtype.name}"))
    values = _valid_values(sample, nodata)
    if values.size == 0:
        raise InferenceError(
            f"{name} has no valid pixel in the sample read (all nodata, NaN or 0); pass a scene "
            "with data."
        )
    top = float(np.percentile(values, 99.9))
    floating = dtype.kind == "f"
    if top > MAX_DN:
        raise InferenceError(
            f"{name}'s values reach {top:,.0f}, beyond any Sentinel-2 product (DN up to 65535); "
            "pass Sentinel-2 L1C digital numbers or reflectance."
        )
    if floating and top <= MAX_REFLECTANCE:
        return _reflectance(hint, name, top)
    if not floating and values.max() <= MAX_8BIT:
        raise InferenceError(_eight_bit(name, f"no value exceeds {MAX_8BIT}"))
    if floating and top < MIN_FLOAT_DN:
        raise InferenceError(
            f"{name}'s values reach only {top:.3g}: neither reflectance (0..1) nor digital "
            "numbers (0..10000), perhaps percent reflectance. Convert it to reflectance 0..1 or "
            "to DN (reflectance x 10000)."
        )
    return _digital_numbers(hint, name, values, top, tags)


def _reflectance(hint: str, name: str, top: float) -> OpticalScale:
    if hint in ("dn", "offset"):
        raise InferenceError(
            f"--optical-scale {hint} was given, but {name}'s values reach only {top:.3g}: that is "
            "reflectance (0..1). Use --optical-scale reflectance or auto."
        )
    return OpticalScale("reflectance", 10000.0, 0.0,
                        f"float values up to {top:.3g}: reflectance 0..1, scaled by 10000")


def _digital_numbers(hint: str, name: str, values: np.ndarray, top: float, tags) -> OpticalScale:
    if hint == "reflectance":
        raise InferenceError(
            f"--optical-scale reflectance was given, but {name}'s values reach {top:,.0f}: "
            "those are digital numbers. Use --optical-scale dn, offset or auto."
        )
    below = float(np.mean(values < BASELINE_OFFSET))
    if hint == "offset":
        if below > 0.01:
            raise InferenceError(
                f"--optical-scale offset was given, but {below:.0%} of {name}'s values lie "
                f"below {BASELINE_OFFSET:.0f}, which an offset product never has. Use "
                "--optical-scale dn or auto."
            )
        return OpticalScale("offset", 1.0, BASELINE_OFFSET, "offset given: DN minus 1000")
    if hint == "dn":
        return OpticalScale("dn", 1.0, 0.0, "digital numbers, as given")
    stated = offset_from_tags(tags or {})
    if stated:
        return OpticalScale("offset", 1.0, stated,
                            f"product metadata states an offset of {stated:.0f}: subtracted")
    if stated == 0.0:
        return OpticalScale("dn", 1.0, 0.0, "product metadata states no offset")
    if below >= BELOW_OFFSET_FRACTION:
        return OpticalScale("dn", 1.0, 0.0, "digital numbers (values below 1000: no offset)")
    return OpticalScale(
        "dn", 1.0, 0.0,
        "digital numbers; no value lies below 1000, as in cloudy or bright scenes but also in "
        "products of processing baseline 04.00 or later (from 25 January 2022), whose DN carry "
        "a +1000 offset. Assumed none; if this product has it, pass --optical-scale offset.",
    )


def _valid_values(sample: np.ndarray, nodata) -> np.ndarray:
    """Finite, non-nodata values; with (bands, n) input, pixels 0 in every band are dropped.
    Of a larger sample, an even subsample of about ``MAX_VALUES`` values is examined."""
    sample = np.asarray(sample)
    step = max(1, -(-sample.size // MAX_VALUES))
    if sample.ndim >= 2:
        flat = sample.reshape(sample.shape[0], -1)[:, ::step].astype(np.float64)
        keep = ~np.all(flat == 0, axis=0)
        if nodata is not None and not np.isnan(nodata):
            keep &= ~np.any(flat == nodata, axis=0)
        keep &= np.all(np.isfinite(flat), axis=0)
        return flat[:, keep].ravel()
    sample = sample.ravel()[::step].astype(np.float64)
    values = sample[np.isfinite(sample)]
    if nodata is not None and not np.isnan(nodata):
        values = values[values != nodata]
    return values


def _eight_bit(name: str, evidence: str) -> str:
    return (
        f"{name} looks like 8-bit data ({evidence}): a rendering whose reflectance was lost, "
        "not Sentinel-2 digital numbers. Pass the original 16-bit L1C bands (e.g. the JP2 "
        "files of the .SAFE product) or reflectance."
    )
