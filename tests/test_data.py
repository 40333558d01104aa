"""SEN12MS-CR triplets, ROI splits, cloud cover, SYNTHETIC clouds, BigEarthNet pairs."""

import warnings

import numpy as np
import pytest
import rasterio
import torch

from mmcanet_core.data import splits
from mmcanet_core.data.cloud_cover import cloud_cover, cover_bin
from mmcanet_core.data.cloud_simulation import simulate
from mmcanet_core.data.sen12mscr import (
    SEN12MSCR,
    IncompleteTripletsWarning,
    find_triplets,
    read_dn,
)
from mmcanet_core.data.synthetic import SyntheticCloudPairs

WINTER = "ROIs2017_winter_112_p797"


def _read(path):
    with rasterio.open(path) as src:
        return src.read().astype(np.float64)


def test_triplets_paired_and_incomplete_counted_in_one_warning(sen12mscr):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        found, skipped = find_triplets(sen12mscr)
    assert [t.key for t in found] == [WINTER]  # the only patch with s1, s2 and s2_cloudy
    assert skipped == 50  # 51 distinct (scene, ROI, patch) in the subset, see data README
    ours = [w for w in caught if issubclass(w.category, IncompleteTripletsWarning)]
    assert len(ours) == 1 and "50 incomplete" in str(ours[0].message)
    pairs, skipped_pairs = find_triplets(sen12mscr, require=("s2", "s2_cloudy"), warn=False)
    assert len(pairs) == 46 and skipped_pairs == 5  # 45 pairs without SAR + the triplet
    t = found[0]
    assert (t.season, t.roi, t.patch) == ("winter", 112, 797)
    assert {k: p.parent.name for k, p in t.paths.items()} == {
        "s1": "s1_112", "s2": "s2_112", "s2_cloudy": "s2_cloudy_112"}  # fmt: skip


def test_item_is_the_papers_preprocessing(sen12mscr):
    item = SEN12MSCR(sen12mscr)[0]
    t = find_triplets(sen12mscr, warn=False)[0][0]
    assert item["key"] == WINTER and item["season"] == "winter" and item["has_sar"]
    assert item["sar"].shape == (2, 128, 128) and item["cloudy"].shape == (3, 128, 128)
    # By hand: bands 4, 3, 2; clip [0, 10000] / 10000; 256 -> 128 by 2 x 2 means.
    clear = np.clip(_read(t.paths["s2"])[[3, 2, 1]], 0, 10000) / 10000
    clear = clear.reshape(3, 128, 2, 128, 2).mean(axis=(2, 4))
    np.testing.assert_allclose(item["target"].numpy(), clear, atol=1e-6)
    db = _read(t.paths["s1"])
    vv = (np.clip(db[0], -25, 0) + 25) / 25
    vh = (np.clip(db[1], -32.5, 0) + 32.5) / 32.5
    sar = np.stack([vv, vh]).reshape(2, 128, 2, 128, 2).mean(axis=(2, 4))
    np.testing.assert_allclose(item["sar"].numpy(), sar, atol=1e-6)
    assert 0.0 <= item["cloud_cover"] <= 1.0


def test_crop_mode_all_bands_and_nan_sar(sen12mscr, tmp_path):
    t = find_triplets(sen12mscr, warn=False)[0][0]
    item = SEN12MSCR(sen12mscr, bands="all", size=128, size_mode="crop")[0]
    assert item["cloudy"].shape == (13, 128, 128)
    dn = _read(t.paths["s2_cloudy"])
    np.testing.assert_allclose(item["cloudy"].numpy(), np.clip(dn[:, 64:192, 64:192], 0, 1e4) / 1e4,
                               atol=1e-6)  # fmt: skip
    # A copy (in tmp, outside the repo) of the SAR file with NaN holes.
    root = tmp_path / "sen12mscr"
    for kind, path in t.paths.items():
        dest = root / path.parent.parent.name / path.parent.name / path.name
        dest.parent.mkdir(parents=True)
        with rasterio.open(path) as src:
            data, profile = src.read(), src.profile
        if kind == "s1":
            data[:, :10, :10] = np.nan
        with rasterio.open(dest, "w", **profile) as dst:
            dst.write(data)
    nan_item = SEN12MSCR(root, size=None)[0]
    assert torch.isfinite(nan_item["sar"]).all()
    assert (nan_item["sar"][:, :10, :10] == 0).all() and nan_item["sar"][:, 20:, 20:].mean() > 0


@pytest.mark.parametrize("protocol", splits.PROTOCOLS[:2])
def test_splits_never_share_an_roi(sen12mscr, protocol):
    every, _ = find_triplets(sen12mscr, require=("s2",), warn=False)
    every += find_triplets(sen12mscr, require=("s1",), warn=False)[0]
    by_split = splits.rois_by_split(every, protocol)
    assert not by_split["train"] & by_split["test"]
    assert not by_split["train"] & by_split["val"] and not by_split["val"] & by_split["test"]
    for t in every:  # each patch lands in exactly one split
        assert len(splits.split_of(t.scene, t.roi, protocol)) == 1


def test_split_protocols_match_their_definitions():
    spring = splits.paper_spring_split()
    assert len(spring) == 41
    assert sorted(spring.values()).count("test") == 2 and sorted(spring.values()).count("val") == 2
    for scene in ("ROIs1868_summer", "ROIs1970_fall", "ROIs2017_winter"):
        assert splits.split_of(scene, 5, "paper") == ("test",)  # out-of-domain seasons
    assert splits.split_of("ROIs1868_summer", 19, "uncrtaints") == ("val",)
    assert splits.split_of("ROIs1158_spring", 106, "uncrtaints") == ("test",)
    assert splits.split_of("ROIs2017_winter", 112, "uncrtaints") == ("train",)
    assert splits.split_of("ROIs1158_spring", 1, "uncrtaints") == ("train",)  # exact, not prefix


def test_cloud_cover_on_real_patches(sen12mscr):
    pairs = {t.key: t for t in find_triplets(sen12mscr, require=("s2", "s2_cloudy"), warn=False)[0]}
    overcast = pairs["ROIs1970_fall_136_p281"]
    cloudy, clear = read_dn(overcast.paths["s2_cloudy"]), read_dn(overcast.paths["s2"])
    assert cloud_cover(cloudy, clear) > 0.9 and cloud_cover(clear, shadows=False) < 0.02
    calm = pairs["ROIs1868_summer_135_p240"]  # visually cloud-free on both dates
    assert cloud_cover(read_dn(calm.paths["s2_cloudy"]), read_dn(calm.paths["s2"])) < 0.05
    assert [cover_bin(c) for c in (0.0, 0.1, 0.15, 0.39, 0.5, 0.79, 1.0)] == [
        "0-10", "10-20", "10-20", "20-40", "40-60", "60-80", "80-100"]  # fmt: skip


def test_synthetic_clouds_are_bright_white_cast_shadows_and_are_seeded(sen12mscr):
    t = find_triplets(sen12mscr, warn=False)[0][0]
    clear = np.clip(read_dn(t.paths["s2"]), 0, 1e4) / 1e4
    cloudy, info = simulate(clear, np.random.default_rng(1), cover=0.5, thin=0.0)
    again, _ = simulate(clear, np.random.default_rng(1), cover=0.5, thin=0.0)
    np.testing.assert_array_equal(cloudy, again)
    assert abs(info.cover - 0.5) < 0.1
    thick = info.alpha > 0.99
    blue, red, swir2 = cloudy[1][thick].mean(), cloudy[3][thick].mean(), cloudy[12][thick].mean()
    assert blue > 0.4 and abs(blue - red) / blue < 0.2 and swir2 < blue  # white, less in SWIR
    shade = (info.shadow > 0.5) & (info.alpha < 0.01)
    assert shade.sum() > 100
    assert (cloudy[7][shade] < 0.8 * clear[7][shade]).mean() > 0.9  # darkened NIR
    clear_sky = (info.alpha == 0) & (info.shadow == 0)
    np.testing.assert_allclose(cloudy[:, clear_sky], clear[:, clear_sky], atol=1e-6)


def test_synthetic_dataset_over_real_pairs_and_bigearthnet(sen12mscr):
    pairs, _ = find_triplets(sen12mscr, require=("s1", "s2"), warn=False)
    data = SyntheticCloudPairs(pairs, bigearthnet=True, size=64, seed=0)
    assert len(data) == 4 + 6  # spring 101 p30-32, winter 112 p797; 6 BigEarthNet pairs
    item = data[9]
    assert item["synthetic"] and item["scene"] == "BigEarthNet"
    assert item["sar"].shape == (2, 64, 64) and item["cloudy"].shape == (3, 64, 64)
    first = data[0]["cloudy"]
    torch.testing.assert_close(first, data[0]["cloudy"])  # same epoch, same clouds
    data.set_epoch(1)
    assert not torch.equal(first, data[0]["cloudy"])  # new clouds next epoch
    from mmcanet_core.data.bigearthnet import load_pairs

    pair = load_pairs()[0]
    assert pair.dn.shape == (13, 120, 120) and not pair.dn[10].any()  # B10 absent in L2A
    assert pair.dn[0].std() > 0  # 60 m B1 resampled to the 10 m grid
