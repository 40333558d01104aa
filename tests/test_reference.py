"""Reference dates (issue 23): dates and order, the robust local matching, the fill order."""

from datetime import date
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.windows import Window

from mmcanet_core.clouds import cloudmask, reference
from mmcanet_core.clouds.reference import (
    acquisition_date,
    fill_from_references,
    fit_matching,
    order_references,
    parse_date,
)

SERIES = Path(__file__).resolve().parents[2] / "shared" / "data" / "sen12mscrts_roi146" / \
    "timeseries"


def _date(day: str) -> np.ndarray:
    """(13, 256, 256) float32 DN of the time-series date ``day`` (real data)."""
    path, = SERIES.glob(f"*_{day}_patch_0.tif")
    with rasterio.open(path) as ds:
        return ds.read().astype(np.float32)


def test_dates_from_names_and_tags():
    assert parse_date("s2_ROIs2017_146_ImgNo_16_2018-07-20_patch_0.tif") == date(2018, 7, 20)
    assert parse_date("S2A_MSIL1C_20180720T101031_N0206_R022_T32TQM.tif") == date(2018, 7, 20)
    assert parse_date("2018:07:20 10:10:31") == date(2018, 7, 20)
    assert parse_date("scene_2018-13-45.tif") is None and parse_date("clear.tif") is None
    # Metadata beats the file name.
    tags = {"PRODUCT_START_TIME": "2018-08-09T10:10:21.024Z"}
    assert acquisition_date("x_2018-07-20.tif", tags) == date(2018, 8, 9)
    assert acquisition_date("x_2018-07-20.tif", {}) == date(2018, 7, 20)


def test_order_nearest_date_first_else_as_given():
    refs = [("a_2018-06-10.tif", date(2018, 6, 10)), ("b_2018-07-30.tif", date(2018, 7, 30)),
            ("c_2018-07-05.tif", date(2018, 7, 5))]
    order, why = order_references(date(2018, 7, 20), refs)
    assert (order, why) == ([1, 2, 0], "date")
    order, why = order_references(date(2018, 7, 20), refs[:2] + [("c.tif", None)])
    assert (order, why) == ([0, 1, 2], "given")
    assert order_references(None, refs)[0] == [0, 1, 2]


def test_local_fit_recovers_a_smooth_map_and_ignores_change():
    """A real date mapped by a gain and offset that vary smoothly over the scene, with a real
    change (another date's pixels) in one corner: the matched reference comes back to the
    target within a few DN on the pixels that did not change; the scene-wide copy does not."""
    target = _date("2018-07-20")
    yy, xx = np.mgrid[0:256, 0:256] / 255.0
    gain = (0.8 + 0.3 * xx)[None]  # 0.8 .. 1.1 left to right
    offset = (200.0 * yy)[None]  # 0 .. 200 DN top to bottom
    ref = (target - offset) / gain  # so that target = gain * ref + offset
    changed = np.zeros((256, 256), bool)
    changed[:24, :24] = True  # 14 % of the first 64 px block
    ref[:, changed] = _date("2018-10-23")[:, changed]  # real change: another season
    matching = fit_matching(target, ref, np.ones((256, 256), bool), block=64)
    matched = matching.apply(ref, Window(0, 0, 256, 256))
    error = np.abs(matched - target)
    assert matching.own_blocks == 16
    assert np.median(error[:, ~changed]) < 15, np.median(error[:, ~changed])
    # The changed block's other pixels: the trimmed fit 18 DN, a plain least squares fit 58.
    block = np.zeros((256, 256), bool)
    block[:64, :64] = True
    assert np.median(error[:, block & ~changed]) < 30, np.median(error[:, block & ~changed])
    assert np.median(np.abs(ref - target)[:, ~changed]) > 100


def test_windows_match_the_whole_scene():
    """Coefficients cut to any window equal the whole scene's (the engine applies them tile by
    tile)."""
    target, ref = _date("2018-07-20"), _date("2018-07-30")
    matching = fit_matching(target, ref, np.ones((256, 256), bool), block=64)
    whole = matching.apply(ref, Window(0, 0, 256, 256))
    part = matching.apply(ref[:, 50:130, 70:200], Window(70, 50, 130, 80))
    np.testing.assert_allclose(part, whole[:, 50:130, 70:200], rtol=1e-6, atol=1e-3)


def test_blocks_without_common_clear_pixels_take_the_scene_fit():
    target, ref = _date("2018-07-20"), _date("2018-07-30")
    clear = np.ones((256, 256), bool)
    clear[:, :128] = False  # the left half: cloud in one of the dates
    matching = fit_matching(target, ref, clear, block=64)
    assert matching.own_blocks == 8
    np.testing.assert_array_equal(matching.gain[:, :, 0], matching.gain[:, :, 1])
    assert fit_matching(target, ref, np.zeros((256, 256), bool), block=64) is None


def test_matched_fill_beats_a_copy_on_real_dates():
    """Real cloud-free dates ten days apart: hide a square of the target, fit on the rest, fill
    it: the matched reference is closer to the hidden truth than the reference as it is."""
    target, ref = _date("2018-07-20"), _date("2018-07-30")
    hidden = np.zeros((256, 256), bool)
    hidden[80:180, 60:200] = True
    clear = ~hidden & (cloudmask.classify_l1c(ref) == cloudmask.CLEAR)
    matched = fit_matching(target, ref, clear).apply(ref, Window(0, 0, 256, 256))

    def rmse(values):
        return float(np.sqrt(np.mean((values[:, hidden] - target[:, hidden]) ** 2)))

    assert rmse(matched) < 0.9 * rmse(ref), (rmse(matched), rmse(ref))


def test_fill_takes_the_first_clear_reference():
    target = np.zeros((2, 4, 4), np.float32)
    fill = np.zeros((4, 4), bool)
    fill[:, 1:] = True
    ones = reference.Matching(np.ones((2, 1, 1)), np.zeros((2, 1, 1)), 4, 16, 1)
    first, second = np.full((2, 4, 4), 10, np.float32), np.full((2, 4, 4), 20, np.float32)
    clear_first = np.zeros((4, 4), bool)
    clear_first[:2] = True
    clear_second = np.ones((4, 4), bool)
    clear_second[3, 3] = False
    values, source = fill_from_references(
        target, fill, [(first, clear_first, ones), (second, clear_second, ones)],
        Window(0, 0, 4, 4))
    assert source.tolist() == [[0, 1, 1, 1], [0, 1, 1, 1], [0, 2, 2, 2], [0, 2, 2, 0]]
    assert np.isnan(values[:, 3, 3]).all() and np.isnan(values[:, :, 0]).all()
    assert (values[:, 0, 1:] == 10).all() and (values[:, 2, 1:] == 20).all()


def test_fitter_rows_must_start_on_blocks():
    fitter = reference.MatchFitter(100, 100, 2, block=32)
    with pytest.raises(ValueError, match="multiples of 32, not row 10"):
        fitter.add(10, np.zeros((2, 32, 100)), np.zeros((2, 32, 100)), np.ones((32, 100), bool))
