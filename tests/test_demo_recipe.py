"""The demonstrator recipe (configs/demo.json, `make train-demo`): real sources with their own SAR
or none, a held-out set never trained on, and shipped weights made by that recipe."""

import json
import re
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import train_demo as recipe  # noqa: E402

from mmcanet_core.data.mixture import SourceMixture, load_source  # noqa: E402
from mmcanet_core.data.sen12mscr import band_indices  # noqa: E402


@pytest.fixture(scope="module")
def sources(sen12mscr):
    return [dict(spec, images=load_source(spec, recipe.SHARED, recipe.HELD_OUT))
            for spec in recipe.RECIPE["sources"]]  # fmt: skip


@pytest.fixture(scope="module")
def mixture(sources):
    return SourceMixture([dict(s) for s in sources], band_indices("all"), recipe.RECIPE["size"],
                         256, seed=0)  # fmt: skip


def test_every_source_is_real_and_as_large_as_stated(sources):
    sizes = {(s["kind"], s["layout"]): len(s["images"]) for s in sources}
    # 9 nogeo triplets (REAL clouds); their clear images, 51 clear BigEarthNet pairs (3 with real
    # cloud or shadow left out), 3 SEN12MS-CR and 4 Sen1Floods11 tiles with SYNTHETIC clouds;
    # 45 SEN12MS-CR cloudy/clear pairs without s1.
    assert sizes == {("triplets", "folders"): 9, ("clear", "folders"): 9,
                     ("clear", "bigearthnet"): 51, ("clear", "sen12mscr"): 3,
                     ("clear", "sen1floods11"): 4, ("no_sar", "sen12mscr"): 45}  # fmt: skip
    for s in sources:
        for im in s["images"]:
            # real images, not blanks
            assert im.clear.shape[0] == 13, im.name
            assert (im.clear.std(axis=(1, 2)) > 0).sum() >= 12, im.name  # B10 may be flat
            assert (im.sar is None) == (s["kind"] == "no_sar"), im.name
            assert (im.cloudy is None) == (s["kind"] == "clear"), im.name
            if im.sar is not None:
                assert im.sar.shape[1:] == im.clear.shape[1:] and im.sar.std() > 0, im.name


@pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning")
def test_each_optical_image_with_sar_comes_with_its_own(sources):
    from mmcanet_core.data.sen12mscr import read_sar

    by_name = {im.name: im for s in sources for im in s["images"] if s["kind"] != "no_sar"}
    assert np.array_equal(by_name["sen12mscr_nogeo/3968"].sar,
                          read_sar(recipe.NOGEO / "s1" / "3968_s1.tif"))  # fmt: skip
    floods = read_sar(recipe.SHARED / "sen1floods11" / "Spain_7370579_S1Hand.tif")
    assert np.array_equal(by_name["sen1floods11/Spain_7370579_256_0"].sar, floods[:, 256:, :256])
    ben = by_name["bigearthnet_s1s2/33UUP_37_88"].sar
    assert np.array_equal(ben, read_sar(recipe.SHARED / "bigearthnet_s1s2/33UUP_37_88/s1.tif"))


def test_held_out_ids_follow_the_stated_rule_and_are_never_trained_on(sources):
    from mmcanet_core.data.folders import find_folder_triplets, read_mask

    triplets = find_folder_triplets(recipe.NOGEO)[0]
    by_cover = sorted(triplets, key=lambda t: (read_mask(t.paths["cloudmask"]).mean(), int(t.id)))
    assert tuple(t.id for t in by_cover[1::3]) == recipe.HELD_OUT_NOGEO  # every third from the 2nd
    assert recipe.HELD_OUT_NOGEO == ("2729", "5254", "4065", "7264", "6780")
    assert recipe.HELD_OUT_SEN12MSCR == ("ROIs2017_winter_112",)  # p797's whole ROI
    held = [im.name for im in recipe.held_out_images()]
    assert held == [f"sen12mscr_nogeo/{i}" for i in recipe.HELD_OUT_NOGEO] + [
        "sen12mscr/ROIs2017_winter_112_p797"]  # fmt: skip
    trained = {im.name for s in sources for im in s["images"]}
    assert not set(held) & trained
    assert not any("ROIs2017_winter_112" in n for n in trained)
    assert not set(recipe.VALIDATION_NOGEO) & set(recipe.HELD_OUT_NOGEO)


def test_bigearthnet_l2a_gets_the_l1c_haze_offset(sources, mixture):
    from mmcanet_core.data.mixture import read_bigearthnet

    _, raw = read_bigearthnet(recipe.SHARED / "bigearthnet_s1s2" / "33UUP_37_88")
    used = next(im for s in mixture.sources for im in s["images"]
                if im.name == "bigearthnet_s1s2/33UUP_37_88").clear  # fmt: skip
    l1c = [im.clear for s in sources for im in s["images"] if s["layout"] != "bigearthnet"]
    dark = np.median([np.percentile(c, 1, axis=(1, 2)) for c in l1c], axis=0)
    assert np.all(mixture.offset >= 0) and mixture.offset[3] > 0.02  # L1C is hazier than L2A
    assert mixture.offset[10] == pytest.approx(dark[10], abs=1e-6)  # B10: not in L2A
    assert np.allclose(np.median(used - raw, axis=(1, 2)), mixture.offset, atol=1e-3)


def test_samples_are_augmented_crops_with_own_or_no_sar(mixture):
    """Every sample has its own real SAR or none (zeros); never another place's SAR."""
    crop = recipe.RECIPE["size"]
    items = [mixture[i] for i in range(96)]
    sar = np.stack([it["sar"].numpy() for it in items])
    cloudy = np.stack([it["cloudy"].numpy() for it in items])
    clear = np.stack([it["target"].numpy() for it in items])
    assert sar.shape == (96, 2, crop, crop) and cloudy.shape == clear.shape == (96, 13, crop, crop)
    no_sar = np.abs(sar).reshape(96, -1).max(1) == 0
    assert 12 <= int(no_sar.sum()) <= 36  # about a quarter (the no_sar weight 0.25)
    assert (sar[~no_sar].reshape(int((~no_sar).sum()), -1).std(1) > 0).all()
    changed = np.abs(cloudy - clear).reshape(96, -1).max(1) > 0.01
    assert int(changed.sum()) >= 72  # most crops have clouds (a small cloud may miss a crop)
    again = mixture[5]
    assert np.array_equal(again["cloudy"].numpy(), cloudy[5])  # reproducible from its index


def test_make_train_demo_runs_only_the_training_command_and_ships_its_weights():
    from mmcanet_core.weights.checkpoint import read_metadata

    make = (ROOT / "Makefile").read_text()
    demo = re.search(r"^DEMO := (.*)$", make, re.M).group(1)
    assert demo == "$(PY) -m mmcanet_core train --config configs/demo.json --device $(DEVICE)"
    body = re.search(r"^train-demo:.*\n((?:\t.*\n)+)", make, re.M).group(1)
    commands = re.split(r"(?<!\\)\n", body.strip())
    assert commands and all(c.strip().startswith("$(DEMO)") for c in commands)
    shipped = json.loads(json.dumps(recipe.RECIPE))
    ships = [c for c in commands if "--ship" in c]
    assert {re.search(r"--ship (\S+)", c).group(1) for c in ships} == {
        str(p.relative_to(ROOT)) for p in (recipe.SHIPPED, recipe.SHIPPED_RGB)}
    for command in ships:
        meta = read_metadata(ROOT / re.search(r"--ship (\S+)", command).group(1))
        bands = 3 if "--bands rgb" in command else 13
        epochs = re.search(r"--epochs (\d+)", command)  # a line may keep an earlier budget
        epochs = int(epochs.group(1)) if epochs else shipped["epochs"]
        assert meta["model"]["options"] == dict(shipped["model_options"], in_channels=bands)
        assert meta["steps"] == epochs * shipped["max_steps"]
        assert "Held out: " + ", ".join(recipe.HELD_OUT) in meta["trained_on"]
