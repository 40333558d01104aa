"""Input content checks: band lists, band order, scene size, empty inputs, finite output.

Pure functions on numbers, names and numpy arrays (the engine reads; these judge). Each raises
an ``InferenceError`` naming the problem and the fix, or returns a warning text (``None`` when
there is nothing to say) where the evidence is statistical rather than certain.

- :func:`parse_bands` — ``"4,3,2"`` -> ``[4, 3, 2]``; negative, zero, repeated or non-numeric
  entries refused with our message (the CLI joins ``--bands -1,3,2`` so argparse never sees
  ``-1,3,2`` as an option);
- :func:`choose_bands` — the optical bands to feed, with the right hint for each mismatch;
- :func:`check_optical_band_names` / :func:`check_sar_band_names` — band descriptions that name
  the bands in another order than the model takes them (an error with the right ``--bands``);
- :func:`sar_order_warning` — VV is brighter than VH in dB over land and water (median VV - VH
  was +2.1 to +8.1 dB on all 21 real Sentinel-1 patches in ``../shared/data``), so a clearly
  negative difference means the bands are swapped;
- :func:`check_sar_values` — SAR values must be plausible backscatter in dB or linear power:
  digital numbers and amplitude are refused, not converted;
- :func:`band_order` — which optical bands feed the network and how that is known (band
  descriptions / band metadata, or assumed); :func:`check_l1c_order` refuses an undescribed
  13-band file whose cirrus band is as bright as its green band (not in Sentinel-2 order);
- :func:`check_scene_size` — at least :data:`MIN_SCENE` pixels per side;
- :func:`sar_fill` — SAR pixels that are 0 in both bands (Sentinel-1 GRD's no-data fill);
- :func:`check_valid_output` — after a run, refuse an output with no valid pixel, naming the
  input that was empty;
- :func:`check_finite` — every network output of a batch is finite.
"""

import re
from typing import List, Optional, Sequence, Tuple

import numpy as np

from mmcanet_core.errors import InferenceError
from mmcanet_core.preprocess import RGB_BANDS, S2_BANDS, SAR_BANDS

#: Smallest scene side (pixels): one 16-px block, the networks' downsampling factor. Below it
#: every tile is mostly reflected padding: on the real SEN12MS-CR scene ROIs2017_winter p797 the
#: shipped demo weights' output for a lone crop differed from the full-scene output by a mean
#: 51 DN at 1 px, 40 DN at 8 px, 32 DN at 16 px and 21 DN at 64 px (context matters at any size;
#: 16 px is the floor, not a quality guarantee).
MIN_SCENE = 16
#: Median VV minus median VH (dB) below which the SAR bands are reported as swapped.
SAR_SWAP_DB = -1.0
#: Minimum valid pixels in a sample for the VV/VH statistic to mean anything.
MIN_SAR_SAMPLE = 1000
#: Plausible Sentinel-1 sigma0: on the 75 real dual-pol patches in ``../shared/data``
#: (SEN12MS-CR, SEN12MS-CR-TS, Sen1Floods11, BigEarthNet-S1) the band medians were VV -26.0 to
#: -6.5 dB and VH -31.5 to -13.6 dB, and 0.1-99.9 % of all values -43.9 to +8.0 dB. A median
#: outside SAR_MEDIAN_DB, or 1-99 % of the values outside SAR_VALUES_DB, is not backscatter.
SAR_MEDIAN_DB = (-40.0, 5.0)
SAR_VALUES_DB = (-70.0, 40.0)
#: Amplitude (the square root of power) read as power has half the dB: VH's median comes out
#: around -7 to -9 dB over land. A VH median above this, read as power, is amplitude (real VH
#: power stayed below -13.6 dB on all 75 patches). Not complete: amplitude of a dark scene (VH
#: power below -24 dB: water, smooth surfaces) passes; 62 of the 75 patches as amplitude are
#: caught.
AMPLITUDE_VH_DB = -12.0
#: In Sentinel-2 L1C order band 11 is B10 (cirrus, a water-absorption band): its median was at
#: most 0.41 of B3's (band 3) on all 184 real 13-band scenes in ``../shared/data`` (median
#: 0.014). A ratio above this means the bands are in another order.
CIRRUS_GREEN_RATIO = 0.8
#: Common names of Sentinel-2 bands besides "B4" etc.
COLOUR_NAMES = {"red": "B4", "green": "B3", "blue": "B2", "nir": "B8", "coastal": "B1"}


def parse_bands(text) -> Optional[List[int]]:
    """``"4,3,2"`` (commas, spaces or semicolons) -> ``[4, 3, 2]``; empty/None -> ``None``."""
    if text is None or not str(text).strip():
        return None
    parts = [p for p in re.split(r"[,;\s]+", str(text).strip()) if p]
    try:
        bands = [int(p) for p in parts]
    except ValueError:
        raise InferenceError(
            f"bands {text!r} is not a list of 1-based band numbers; write them like 4,3,2 (red, "
            "green, blue of a 13-band Sentinel-2 L1C scene)."
        ) from None
    bad = [b for b in bands if b < 1]
    if bad:
        raise InferenceError(
            f"bands {text!r}: band numbers start at 1, so {', '.join(map(str, bad))} cannot "
            "be one; write them like 4,3,2."
        )
    repeated = sorted({b for b in bands if bands.count(b) > 1})
    if repeated:
        raise InferenceError(
            f"bands {text!r} repeats band {', '.join(map(str, repeated))}; each band feeds one "
            "input of the network, so list distinct bands, e.g. 4,3,2."
        )
    return bands


def choose_bands(count: int, requested: Optional[Sequence[int]], model_bands: dict,
                 needed: int, name: str = "the optical raster") -> List[int]:
    """The 1-based optical bands to feed the network.

    ``count``: bands in the raster; ``requested``: the user's list (already parsed);
    ``model_bands``: the weights' ``optical_bands`` ({"indices", "names", "of"}); ``needed``:
    the model's optical inputs. Without a request: a scene with ``of`` bands gives the model's
    indices, one with exactly ``needed`` bands is taken as it is (its band names are checked
    separately); anything else is refused with a hint that can work.
    """
    indices, of = list(model_bands["indices"]), int(model_bands.get("of", len(S2_BANDS)))
    names = list(model_bands.get("names") or [f"band {i}" for i in indices])
    if requested is not None:
        bands = [int(b) for b in requested]
        if len(bands) != needed:
            raise InferenceError(
                f"{len(bands)} band(s) {bands} given, but the model takes {needed} optical "
                f"bands ({', '.join(names)}); pass {needed} band numbers"
                + (f", e.g. {_csv(indices)} in a {of}-band scene." if count == of else ".")
            )
        missing = [b for b in bands if b > count]
        if missing:
            raise InferenceError(
                f"band(s) {missing} do not exist in {name}, which has {count} band(s); use "
                f"numbers from 1 to {count}."
            )
        return bands
    if count == of:
        return indices
    if count == needed:
        return list(range(1, needed + 1))
    if needed > count:
        raise InferenceError(
            f"the weights take {needed} optical bands ({', '.join(names)}) but {name} has only "
            f"{count}; pass a scene holding those bands"
            + (", or use RGB weights for an RGB file." if needed > len(RGB_BANDS) else ".")
        )
    raise InferenceError(
        f"{name} has {count} bands: neither a {of}-band scene (the model takes bands "
        f"{_csv(indices)} = {', '.join(names)} of it) nor a {needed}-band file. Pass the "
        f"{needed} band numbers holding {', '.join(names)}, e.g. --bands {_csv(indices)} if the "
        f"file keeps the Sentinel-2 band order."
    )


def band_name(description: Optional[str]) -> Optional[str]:
    """A Sentinel-2 band name (``"B4"``, ``"B8A"``) read from a band description, else None.

    Understands ``B4``, ``B04``, ``b4``, ``S2_B4``, ``B4 (red)``, ``Red`` and the like.
    """
    text = (description or "").strip().lower()
    if not text:
        return None
    match = re.match(r"^(?:s2[_\- ]?)?b0?(\d{1,2}a?)\b", text)
    if match:
        name = "B" + match.group(1).upper()
        return name if name in S2_BANDS else None
    word = re.match(r"^[a-z]+", text)
    return COLOUR_NAMES.get(word.group(0)) if word else None


def check_optical_band_names(descriptions: Sequence[Optional[str]], bands: Sequence[int],
                             expected: Sequence[str], name: str = "the optical raster") -> None:
    """Refuse bands whose descriptions name other Sentinel-2 bands than the model takes.

    ``descriptions``: one per raster band (``ds.descriptions``; GDAL colour interpretations such
    as "red" work too); ``bands``: the 1-based bands chosen; ``expected``: the model's band names
    in input order. Silent when any chosen band is undescribed (nothing can be checked).
    """
    found = [band_name(descriptions[b - 1]) if b - 1 < len(descriptions) else None
             for b in bands]
    if any(f is None for f in found) or list(found) == list(expected):
        return
    where = {}
    for i, description in enumerate(descriptions, start=1):
        where.setdefault(band_name(description), i)
    fix = [where.get(e) for e in expected]
    hint = (f"pass --bands {_csv(fix)} (the bands described as {', '.join(expected)})"
            if all(fix) else f"pass the bands holding {', '.join(expected)}")
    raise InferenceError(
        f"bands {_csv(bands)} of {name} are described as {', '.join(found)}, but the model takes "
        f"{', '.join(expected)} in that order; {hint}."
    )


def check_sar_band_names(descriptions: Sequence[Optional[str]],
                         name: str = "the SAR raster") -> None:
    """Refuse SAR bands described as VH, VV (swapped) or as HH/HV (another polarisation)."""
    found = [(d or "").strip().upper() for d in descriptions]
    pols = [re.search(r"\b(VV|VH|HH|HV)\b", f.replace("_", " ")) for f in found]
    pols = [m.group(1) if m else None for m in pols]
    if None in pols or pols == list(SAR_BANDS):
        return
    if {"HH", "HV"} & set(pols):
        raise InferenceError(
            f"{name} holds {', '.join(pols)} polarisations, but the model takes Sentinel-1 VV, "
            "VH; use a VV + VH (IW dual-pol) acquisition."
        )
    if pols == list(reversed(SAR_BANDS)):
        raise InferenceError(
            f"{name}'s bands are described as VH, VV, but the model takes VV, VH in that order; "
            "write them as VV, VH (e.g. gdal_translate -b 2 -b 1 IN OUT)."
        )


def sar_order_warning(vv_db: np.ndarray, vh_db: np.ndarray) -> Optional[str]:
    """A warning when band 1 is clearly darker than band 2 (VV and VH swapped?), else None.

    ``vv_db``/``vh_db``: samples of bands 1 and 2 in dB (NaN = invalid). Undecided on fewer
    than :data:`MIN_SAR_SAMPLE` valid pixels.
    """
    valid = np.isfinite(vv_db) & np.isfinite(vh_db)
    if valid.sum() < MIN_SAR_SAMPLE:
        return None
    difference = float(np.median(vv_db[valid]) - np.median(vh_db[valid]))
    if difference >= SAR_SWAP_DB:
        return None
    return (
        f"SAR band 1 is {-difference:.1f} dB darker than band 2 (median); VV is normally 2-8 dB "
        "brighter than VH, so the bands look swapped. The model expects VV, VH in that order "
        "(e.g. gdal_translate -b 2 -b 1 IN OUT)."
    )


def check_sar_values(db: np.ndarray, scale: str, name: str = "the SAR raster") -> None:
    """Refuse SAR values that are not calibrated backscatter (:data:`SAR_MEDIAN_DB`).

    ``db``: (2, n) samples of VV, VH converted to dB from ``scale`` ("db" or "linear"; NaN =
    invalid). Undecided on fewer than :data:`MIN_SAR_SAMPLE` valid pixels.
    """
    valid = db[:, np.isfinite(db).all(axis=0)]
    if valid.shape[1] < MIN_SAR_SAMPLE:
        return
    vv, vh = (float(v) for v in np.median(valid, axis=1))
    low, high = (float(v) for v in np.percentile(valid, [1, 99]))
    fix = ("calibrate it to sigma0 (e.g. SNAP Calibrate, or the GRD's calibration LUT) and pass "
           "dB or linear power")
    if scale == "linear" and (vv > SAR_MEDIAN_DB[1] or high > SAR_VALUES_DB[1]):
        raise InferenceError(
            f"{name} holds no negative value and medians of {10 ** (vv / 10):.4g} (VV) and "
            f"{10 ** (vh / 10):.4g} (VH): neither backscatter in dB nor linear power (real "
            "Sentinel-1 power has medians of 0.003-0.2); it looks like digital numbers or "
            f"amplitude. It is refused, not converted: {fix}."
        )
    if scale == "linear" and vh > AMPLITUDE_VH_DB:
        raise InferenceError(
            f"{name}'s VH median is {10 ** (vh / 10):.3g} ({vh:.1f} dB read as power), brighter "
            "than real Sentinel-1 VH power (below -13.6 dB): it looks like amplitude, the square "
            "root of power. It is refused, not converted: square it to power (or pass "
            f"20 * log10 of it as dB), or {fix}."
        )
    lo, hi = SAR_MEDIAN_DB
    if scale == "db" and (not lo <= vv <= hi or not lo <= vh <= hi or low < SAR_VALUES_DB[0]
                          or high > SAR_VALUES_DB[1]):
        raise InferenceError(
            f"{name} looks like dB (it has negative values) but its medians are {vv:.1f} (VV) "
            f"and {vh:.1f} (VH) and 1-99 % of its values lie in {low:.1f}..{high:.1f}: real "
            "Sentinel-1 backscatter has medians of -26 to -6 dB (VV), -32 to -13 dB (VH). It is "
            f"refused, not converted: pass sigma0 in dB (unscaled) or linear power, or {fix}."
        )


def band_order(descriptions: Sequence[Optional[str]], bands: Sequence[int],
               expected: Sequence[str], count: int) -> Tuple[str, bool]:
    """(a sentence saying which optical bands feed the network and how that is known, whether
    the order is only assumed). ``descriptions``: per band, the description or a band name from
    the band's metadata; ``bands``: the 1-based bands chosen; ``expected``: the model's band
    names in input order; ``count``: bands in the file."""
    found = [band_name(descriptions[b - 1]) if b - 1 < len(descriptions) else None
             for b in bands]
    listed = f"optical bands {_csv(bands)} used as {', '.join(expected)}"
    if all(found):
        return f"{listed} (from the band descriptions)", False
    basis = (f"the Sentinel-2 L1C order B1..B12 of a {count}-band file" if count == len(S2_BANDS)
             else f"a {count}-band file holding exactly {', '.join(expected)} in that order")
    return (f"{listed}: ASSUMED from {basis}, as the file does not describe its bands; if it "
            "holds another order, pass --bands (or describe the bands, e.g. gdal_edit "
            "-colorinterp / band descriptions)", True)


def check_l1c_order(cirrus: np.ndarray, green: np.ndarray, name: str = "the optical raster"
                    ) -> None:
    """Refuse an undescribed 13-band file whose band 11 (B10, cirrus, in L1C order) is nearly as
    bright as its band 3 (B3, green): it is not in Sentinel-2 order (e.g. reversed).
    ``cirrus``/``green``: samples of bands 11 and 3 (NaN = invalid)."""
    valid = np.isfinite(cirrus) & np.isfinite(green)
    if valid.sum() < MIN_SAR_SAMPLE:
        return
    ratio = float(np.median(cirrus[valid])) / max(float(np.median(green[valid])), 1e-6)
    if ratio > CIRRUS_GREEN_RATIO:
        raise InferenceError(
            f"{name} has 13 bands without band descriptions, but its band 11 (B10, cirrus, in "
            f"Sentinel-2 L1C order) is {ratio:.2f} x as bright as band 3 (B3, green); in real "
            "L1C scenes it is under 0.41 x. The bands are not in the order B1, B2, ..., B12 "
            "(reversed?): reorder them, describe them (B1..B12), or pass --bands."
        )


def check_scene_size(width: int, height: int, name: str = "the optical raster") -> None:
    """Refuse scenes with a side under :data:`MIN_SCENE` pixels."""
    if min(width, height) < MIN_SCENE:
        raise InferenceError(
            f"{name} is {width} x {height} px; cloud removal needs at least {MIN_SCENE} x "
            f"{MIN_SCENE} (the network works on 16-px blocks and needs context around each "
            "pixel). Pass a larger extent."
        )


def sar_fill(sar: np.ndarray) -> np.ndarray:
    """(2, h, w) SAR -> (h, w) True where both bands are exactly 0 (GRD's no-data fill).

    Zero power is no measurement, and 0 dB in both polarisations at once is no real backscatter
    either, so such pixels are invalid in either scale.
    """
    return np.all(sar == 0, axis=0)


def check_valid_output(written: int, optical_valid: int, sar_valid: int,
                       optical: str = "the optical raster", sar: str = "the SAR raster") -> None:
    """After a run: refuse an output without a single valid pixel, naming the empty input.

    ``written``: valid output pixels; ``optical_valid``/``sar_valid``: pixels valid in each
    input (nodata, NaN, all-zero DN and SAR fill excluded) over the output grid.
    """
    if written > 0:
        return
    if optical_valid == 0:
        why = (f"{optical} holds no valid pixel (all nodata, NaN or 0 in every band); pass a "
               "scene with data")
    elif sar_valid == 0:
        why = (f"{sar} holds no valid pixel over the optical scene (all nodata, NaN or 0); pass "
               "a SAR acquisition with data there")
    else:
        why = ("the valid pixels of the two inputs never coincide; pass SAR and optical rasters "
               "whose data overlap")
    raise InferenceError(f"nothing valid can come out: {why}. No output was written.")


def check_finite(values, where: str = "a batch") -> None:
    """Refuse network output holding NaN or infinity (broken weights, fp16 overflow).

    ``values``: a numpy array (or anything ``np.asarray`` takes, e.g. a CPU tensor)."""
    finite = np.isfinite(np.asarray(values))
    if bool(finite.all()):
        return
    bad = int((~finite).sum())
    raise InferenceError(
        f"the network produced {bad} NaN/infinite value(s) in {where}: the weights or the input "
        "are broken (or half precision overflowed). Run without --half; if it persists, use "
        "other weights. No output was written."
    )


def _csv(values) -> str:
    return ",".join(str(v) for v in values)
