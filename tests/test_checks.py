"""Input content checks (``mmcanet_core.safety.checks``) on real SEN12MS-CR / Sen1Floods11 data."""

import warnings

import numpy as np
import pytest
import rasterio
import torch

from mmcanet_core.cli import join_negative_values
from mmcanet_core.errors import InferenceError
from mmcanet_core.safety.checks import (
    MIN_SCENE,
    band_name,
    band_order,
    check_finite,
    check_l1c_order,
    check_optical_band_names,
    check_sar_band_names,
    check_sar_values,
    check_scene_size,
    check_valid_output,
    choose_bands,
    parse_bands,
    sar_fill,
    sar_order_warning,
)

RGB_WEIGHTS = {"indices": [4, 3, 2], "names": ["B4", "B3", "B2"], "of": 13}
ALL_WEIGHTS = {"indices": list(range(1, 14)), "names": [f"B{i}" for i in range(1, 14)], "of": 13}


def real_sar_files(shared):
    """Every real 2-band Sentinel-1 raster (dB) in the shared data."""
    files = sorted(shared.glob("sen12mscr/*_s1/*/*.tif")) + sorted(
        shared.glob("sen12mscr_nogeo/s1/*.tif")) + sorted(shared.glob("sen1floods11/**/*S1*.tif"))
    assert len(files) >= 20, files
    return files


@pytest.mark.parametrize("text, bands", [
    ("4,3,2", [4, 3, 2]), (" 4, 3 ,2 ", [4, 3, 2]), ("4 3 2", [4, 3, 2]), ("4;3;2", [4, 3, 2]),
    ("", None), (None, None), ("13", [13]),
])
def test_parse_bands(text, bands):
    assert parse_bands(text) == bands


@pytest.mark.parametrize("text, message", [
    ("-1,3,2", "start at 1, so -1 cannot"), ("0,3,2", "start at 1, so 0"),
    ("4,4,4", "repeats band 4"), ("4,3,2,3", "repeats band 3"),
    ("red,green", "not a list of 1-based band numbers"), ("4.5,3,2", "not a list"),
])
def test_bad_band_lists_get_our_message(text, message):
    with pytest.raises(InferenceError, match=message):
        parse_bands(text)


def test_negative_values_reach_the_command_not_argparse():
    assert join_negative_values(["predict", "--bands", "-1,3,2", "--tile", "-16", "--half"]) == [
        "predict", "--bands=-1,3,2", "--tile=-16", "--half"]
    assert join_negative_values(["--bands=4,3,2", "--x", "5"]) == ["--bands=4,3,2", "--x", "5"]


def test_choose_bands():
    assert choose_bands(13, None, RGB_WEIGHTS, 3) == [4, 3, 2]
    assert choose_bands(3, None, RGB_WEIGHTS, 3) == [1, 2, 3]
    assert choose_bands(13, [8, 4, 3], RGB_WEIGHTS, 3) == [8, 4, 3]
    assert choose_bands(13, None, ALL_WEIGHTS, 13) == list(range(1, 14))


@pytest.mark.parametrize("count, requested, weights, needed, message", [
    # The case: 13-band weights and an RGB file; no band list can help, so no --bands.
    (3, None, ALL_WEIGHTS, 13, r"take 13 optical bands .* has only 3.*or use RGB weights"),
    (4, None, RGB_WEIGHTS, 3, r"4 bands: neither a 13-band scene .* --bands 4,3,2"),
    (13, [4, 3], RGB_WEIGHTS, 3, r"2 band\(s\) \[4, 3\] given.*takes 3.*e.g. 4,3,2"),
    (3, [4, 3, 2], RGB_WEIGHTS, 3, r"band\(s\) \[4\] do not exist .* has 3 band"),
])
def test_band_choice_errors_give_a_hint_that_works(count, requested, weights, needed, message):
    with pytest.raises(InferenceError, match=message) as caught:
        choose_bands(count, requested, weights, needed)
    if needed == 13:
        assert "--bands" not in str(caught.value)


@pytest.mark.parametrize("text, name", [
    ("B4", "B4"), ("B04", "B4"), ("b8a", "B8A"), ("B12", "B12"), ("S2_B3", "B3"),
    ("B2 (blue)", "B2"), ("Red", "B4"), ("blue", "B2"), ("band 1", None), ("", None),
    (None, None), ("B14", None), ("VV", None),
])
def test_band_names_from_descriptions(text, name):
    assert band_name(text) == name


def test_reversed_rgb_descriptions_are_refused_with_the_right_bands():
    check_optical_band_names(["B4", "B3", "B2"], [1, 2, 3], ["B4", "B3", "B2"])
    check_optical_band_names([None, None, None], [1, 2, 3], ["B4", "B3", "B2"])  # unknown: quiet
    with pytest.raises(InferenceError, match=r"described as B2, B3, B4.*pass --bands 3,2,1"):
        check_optical_band_names(["B2", "B3", "B4"], [1, 2, 3], ["B4", "B3", "B2"])
    thirteen = [f"B{i}" for i in range(1, 9)] + ["B8A", "B9", "B10", "B11", "B12"]
    check_optical_band_names(thirteen, [4, 3, 2], ["B4", "B3", "B2"])
    with pytest.raises(InferenceError, match=r"described as B2, B3, B4.*--bands 4,3,2"):
        check_optical_band_names(thirteen, [2, 3, 4], ["B4", "B3", "B2"])
    with pytest.raises(InferenceError, match="pass the bands holding B4, B3, B2"):
        check_optical_band_names(["B8", "B3", "B2"], [1, 2, 3], ["B4", "B3", "B2"])


def test_sar_descriptions(sen12mscr):
    check_sar_band_names(["VV", "VH"])
    check_sar_band_names([None, None])
    check_sar_band_names(["Sigma0_VV_db", "Sigma0_VH_db"])
    with pytest.raises(InferenceError, match="described as VH, VV.*-b 2 -b 1"):
        check_sar_band_names(["VH", "VV"])
    with pytest.raises(InferenceError, match="HH, HV polarisations"):
        check_sar_band_names(["HH", "HV"])
    with rasterio.open(sen12mscr.parent / "sen1floods11" / "Spain_7370579_S1Hand.tif") as ds:
        check_sar_band_names(ds.descriptions)  # a real file describes its bands VV, VH
        assert ds.descriptions == ("VV", "VH")


def test_vv_is_brighter_than_vh_on_every_real_patch_and_swaps_are_caught(sen12mscr):
    """Real S1: median VV - VH from +2.1 (open water) to +8.1 dB; no warning, swapped: warning."""
    differences = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sen12mscr_nogeo has no georeferencing
        for path in real_sar_files(sen12mscr.parent):
            with rasterio.open(path) as ds:
                vv, vh = ds.read().astype(np.float32)
            ok = np.isfinite(vv) & np.isfinite(vh)
            differences.append(np.median(vv[ok]) - np.median(vh[ok]))
            assert sar_order_warning(vv, vh) is None, path
            assert "look swapped" in sar_order_warning(vh, vv), path
    assert min(differences) > 1.5 and max(differences) < 10


def test_sar_order_undecided_on_tiny_samples():
    assert sar_order_warning(np.full(10, -20.0), np.full(10, -10.0)) is None


def test_scene_size():
    check_scene_size(MIN_SCENE, 300)
    for width, height in ((1, 1), (15, 300), (300, 8)):
        with pytest.raises(InferenceError, match=f"{width} x {height} px.*at least 16 x 16"):
            check_scene_size(width, height)


def test_sar_fill_is_zero_in_both_bands():
    sar = np.array([[[0, 0, -12.0]], [[0, -20.0, -18.0]]], dtype=np.float32)  # (2, 1, 3)
    assert sar_fill(sar).tolist() == [[True, False, False]]


def test_nothing_valid_names_the_empty_input():
    check_valid_output(1, 10, 10)
    with pytest.raises(InferenceError, match="optical raster holds no valid pixel"):
        check_valid_output(0, 0, 100)
    with pytest.raises(InferenceError, match="SAR raster holds no valid pixel"):
        check_valid_output(0, 100, 0)
    with pytest.raises(InferenceError, match="never coincide"):
        check_valid_output(0, 100, 100)


def test_network_output_must_be_finite():
    check_finite(torch.zeros(2, 3, 4, 4))
    check_finite(np.ones((3, 4, 4), dtype=np.float32))
    out = torch.zeros(2, 3, 4, 4)
    out[1, 0, 0, 0] = float("nan")
    out[0, 2, 1, 1] = float("inf")
    with pytest.raises(InferenceError, match="2 NaN/infinite value.*tile 3.*without --half"):
        check_finite(out, "tile 3")


def test_real_backscatter_passes_and_dn_amplitude_and_scaled_db_are_refused(sen12mscr):
    """Issue 24 row 8: every real Sentinel-1 patch passes in dB and as linear power; the same
    patches as uint16 DN (amplitude x 1000), as amplitude, or as dB x 100 are refused, not
    converted."""
    from mmcanet_core.preprocess import linear_to_db

    refused = {"dn": 0, "amplitude": 0, "scaled": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        files = real_sar_files(sen12mscr.parent)
        for path in files:
            with rasterio.open(path) as ds:
                db = ds.read().astype(np.float32).reshape(2, -1)
            db[:, ~np.isfinite(db).all(axis=0) | (db == 0).all(axis=0)] = np.nan
            check_sar_values(db, "db", path.name)
            check_sar_values(linear_to_db(10 ** (db / 10)), "linear", path.name)
            for kind, values, scale in (
                    ("dn", np.round(10 ** (db / 20) * 1000), "linear"),
                    ("amplitude", 10 ** (db / 20), "linear"),
                    ("scaled", db * 100, "db")):
                converted = linear_to_db(values) if scale == "linear" else values
                try:
                    check_sar_values(converted, scale, path.name)
                except InferenceError as exc:
                    assert "not converted" in str(exc)
                    refused[kind] += 1
    assert refused["dn"] == refused["scaled"] == len(files)
    # amplitude of a dark patch passes (VH power below -24 dB, see AMPLITUDE_VH_DB): most are
    # caught, not all
    assert refused["amplitude"] >= 0.75 * len(files), (refused, len(files))
    with pytest.raises(InferenceError, match="amplitude"):
        check_sar_values(np.array([[-4.0] * 2000, [-8.0] * 2000]), "linear")
    check_sar_values(np.full((2, 10), 99.0), "linear")  # too few pixels: undecided


def test_band_order_is_said_and_assumptions_are_named():
    """Issue 24 row 9."""
    text, assumed = band_order(["B4", "B3", "B2"], [1, 2, 3], ["B4", "B3", "B2"], 3)
    assert not assumed and text == ("optical bands 1,2,3 used as B4, B3, B2 (from the band "
                                    "descriptions)")
    text, assumed = band_order([None] * 3, [1, 2, 3], ["B4", "B3", "B2"], 3)
    assert assumed and "ASSUMED" in text and "3-band file holding exactly B4, B3, B2" in text
    assert "--bands" in text
    text, assumed = band_order([None] * 13, [4, 3, 2], ["B4", "B3", "B2"], 13)
    assert assumed and "Sentinel-2 L1C order" in text


def test_l1c_order_is_checked_on_undescribed_13_band_scenes(sen12mscr):
    """Band 11 (B10, cirrus) is far darker than band 3 (B3) in real L1C: a reversed file is
    refused, every real scene passes."""
    scenes = sorted(sen12mscr.glob("*_s2_cloudy/*/*.tif"))[:10] + sorted(
        sen12mscr.glob("*_s2/*/*.tif"))[:10]
    assert len(scenes) >= 10
    for path in scenes:
        with rasterio.open(path) as ds:
            data = ds.read().astype(np.float32).reshape(13, -1)
        check_l1c_order(data[10], data[2], path.name)
        with pytest.raises(InferenceError, match="not in the order B1, B2, ..., B12"):
            check_l1c_order(data[::-1][10], data[::-1][2], path.name)
