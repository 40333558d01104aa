"""Optical value scales (``mmcanet_core.safety.optical_scale``) on real L1C DN and variants made
from it.

Each variant is written to a temporary GeoTIFF and read back the way the engine reads a raster
(values, dtype, nodata, metadata tags), so the detection sees what it will see in a run.
"""

import numpy as np
import pytest
import rasterio

from mmcanet_core.errors import InferenceError
from mmcanet_core.safety.optical_scale import (
    CHOICES,
    detect_optical_scale,
    offset_from_tags,
    parse_scale,
)

RGB = (4, 3, 2)
#: Real cloudy L1C with dark pixels (values below 1000 in B4).
CLOUDY = "ROIs2017_winter_s2_cloudy/s2_cloudy_112/ROIs2017_winter_s2_cloudy_112_p797.tif"
#: Real clear L1C without a single value below 1000 in B4, B3, B2 (bright farmland).
BRIGHT = "ROIs1158_spring_s2/s2_26/ROIs1158_spring_s2_26_p500.tif"


def variant(tmp_path, sen12mscr, name, make, source=CLOUDY, tags=None, nodata=None):
    """Write ``make(real RGB DN as uint16 (3, H, W))`` to a temp GeoTIFF; return what a run
    reads back: (values (3, H, W), dtype, nodata, tags)."""
    with rasterio.open(sen12mscr / source) as src:
        dn = src.read(RGB)
        profile = src.profile
    data = make(dn)
    profile.update(count=3, dtype=data.dtype.name, nodata=nodata, compress="deflate",
                   predictor=3 if data.dtype.kind == "f" else 2)  # fmt: skip
    path = tmp_path / f"{name}.tif"
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
        if tags:
            dst.update_tags(**tags)
    with rasterio.open(path) as ds:
        return ds.read(), ds.dtypes[0], ds.nodata, ds.tags()


def detect(read, hint="auto"):
    values, dtype, nodata, tags = read
    return detect_optical_scale(values, dtype, nodata, hint=hint, tags=tags)


def test_real_l1c_dn(tmp_path, sen12mscr):
    read = variant(tmp_path, sen12mscr, "dn", lambda dn: dn)
    scale = detect(read)
    assert scale.name == "dn" and "no offset" in scale.reason
    assert np.array_equal(scale.to_dn(read[0]), read[0].astype(np.float32))


def test_float_reflectance_is_converted_both_ways(tmp_path, sen12mscr):
    dn = variant(tmp_path, sen12mscr, "dn", lambda dn: dn)[0].astype(np.float32)
    read = variant(tmp_path, sen12mscr, "refl", lambda d: (d / 10000.0).astype(np.float32))
    scale = detect(read)
    assert scale.name == "reflectance"
    np.testing.assert_allclose(scale.to_dn(read[0]), dn, atol=0.01)
    np.testing.assert_allclose(scale.from_dn(dn), read[0], atol=1e-6)  # back to 0..1 float
    with pytest.raises(InferenceError, match="values reach only .*reflectance.*Use "
                                             "--optical-scale reflectance"):
        detect(read, hint="dn")


def test_offset_stated_by_the_product_metadata(tmp_path, sen12mscr):
    """Processing baseline 04.00+: DN + 1000, with BOA_ADD_OFFSET in the metadata."""
    dn = variant(tmp_path, sen12mscr, "dn", lambda d: d)[0].astype(np.float32)
    read = variant(tmp_path, sen12mscr, "l2a", lambda d: d + np.uint16(1000),
                   tags={"BOA_ADD_OFFSET_B4": "-1000", "BOA_QUANTIFICATION_VALUE": "10000"})
    scale = detect(read)
    assert scale.name == "offset" and "metadata" in scale.reason
    assert np.array_equal(scale.to_dn(read[0]), dn)
    assert np.array_equal(scale.from_dn(dn), read[0].astype(np.float32))


def test_offset_without_metadata_is_said_not_guessed(tmp_path, sen12mscr):
    """Without metadata the +1000 is indistinguishable from a bright or cloudy scene: assumed
    absent, with the fix in the reason; the user's word settles it."""
    shifted = variant(tmp_path, sen12mscr, "l2a", lambda d: d + np.uint16(1000))
    bright = variant(tmp_path, sen12mscr, "bright", lambda d: d, source=BRIGHT)
    assert bright[0][bright[0] > 0].min() >= 1000  # a real L1C scene with nothing below 1000
    for read in (shifted, bright):
        scale = detect(read)
        assert scale.name == "dn" and "--optical-scale offset" in scale.reason
    assert detect(shifted, hint="offset").name == "offset"
    assert detect(shifted, hint="l2a-offset").name == "offset"
    real = variant(tmp_path, sen12mscr, "dn", lambda d: d)
    with pytest.raises(InferenceError, match="below 1000, which an offset product never has"):
        detect(real, hint="offset")


def test_eight_bit_data_is_refused_with_the_fix(tmp_path, sen12mscr):
    def to_8bit(dn):
        return np.clip(dn / 3000.0 * 255, 0, 255).astype(np.uint8)

    for name, make in (("u8", to_8bit), ("u16of8bit", lambda d: to_8bit(d).astype(np.uint16))):
        with pytest.raises(InferenceError, match="8-bit data.*original 16-bit L1C bands"):
            detect(variant(tmp_path, sen12mscr, name, make))


def test_values_fitting_no_scale_are_refused(tmp_path, sen12mscr):
    percent = variant(tmp_path, sen12mscr, "pct", lambda d: (d / 100.0).astype(np.float32))
    with pytest.raises(InferenceError, match="neither reflectance.*perhaps percent"):
        detect(percent)
    huge = variant(tmp_path, sen12mscr, "huge", lambda d: d.astype(np.float32) * 100)
    with pytest.raises(InferenceError, match="beyond any Sentinel-2 product"):
        detect(huge)
    dn = variant(tmp_path, sen12mscr, "dn", lambda d: d)
    with pytest.raises(InferenceError, match="those are digital numbers"):
        detect(dn, hint="reflectance")


def test_nodata_and_zero_pixels_are_not_samples():
    sample = np.zeros((3, 1000), dtype=np.float32)
    sample[:, :10] = 0.2  # ten reflectance pixels amid zero fill
    assert detect_optical_scale(sample, "float32").name == "reflectance"
    sample[:, 10:] = -9999  # declared nodata
    assert detect_optical_scale(sample, "float32", nodata=-9999).name == "reflectance"
    with pytest.raises(InferenceError, match="no valid pixel"):
        detect_optical_scale(np.zeros((3, 50), np.uint16), "uint16")


def test_offset_from_tags():
    assert offset_from_tags({"RADIO_ADD_OFFSET": "-1000"}) == 1000
    assert offset_from_tags({"BOA_ADD_OFFSET_B2": "-1000", "BOA_ADD_OFFSET_B4": "-1000"}) == 1000
    assert offset_from_tags({"PROCESSING_BASELINE": "04.00"}) == 1000
    assert offset_from_tags({"PROCESSING_BASELINE": "02.14"}) == 0
    assert offset_from_tags({"AREA_OR_POINT": "Area"}) is None


def test_scale_option_values():
    assert [parse_scale(v) for v in CHOICES] == list(CHOICES)
    assert parse_scale(None) == "auto" and parse_scale(" DN ") == "dn"
    with pytest.raises(InferenceError, match="not one of auto, dn, offset, reflectance"):
        parse_scale("toa")
