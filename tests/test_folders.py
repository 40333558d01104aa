"""Plain triplet folders (s1/, s2_cloudy/, s2/, cloudmask/ matched by id) on the real nogeo set."""

import shutil
import warnings

import numpy as np
import pytest
import rasterio
import torch
from rasterio.errors import NotGeoreferencedWarning

from mmcanet_core.data.folders import (
    TripletFolder,
    find_folder_triplets,
    is_triplet_folder,
    read_mask,
    select_ids,
)
from mmcanet_core.data.sen12mscr import IncompleteTripletsWarning

IDS = ["581", "1302", "2266", "2729", "3968", "4065", "4287", "5254", "5278", "6317", "6553",
       "6780", "7264", "7657"]  # fmt: skip


@pytest.fixture(scope="module")
def nogeo(sen12mscr):
    return sen12mscr.parent / "sen12mscr_nogeo"


def test_finds_every_real_triplet_with_its_mask(nogeo):
    assert is_triplet_folder(nogeo) and not is_triplet_folder(nogeo / "s1")
    found, skipped = find_folder_triplets(nogeo)
    assert [t.id for t in found] == IDS and skipped == 0  # numeric order
    for t in found:
        assert set(t.paths) == {"s1", "s2", "s2_cloudy", "cloudmask"}
        assert t.paths["s2"].name == f"{t.id}_s2.tif"


def test_items_are_preprocessed_like_sen12mscr_with_the_masks_cover(nogeo):
    data = TripletFolder(nogeo, size=None)
    by_id = {t.id: i for i, t in enumerate(data.triplets)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no NotGeoreferencedWarning: none is needed
        item = data[by_id["2266"]]
    assert item["sar"].shape == (2, 256, 256) and item["cloudy"].shape == (3, 256, 256)
    assert item["key"] == "2266" and item["scene"] == "sen12mscr_nogeo" and item["has_sar"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(nogeo / "s2" / "2266_s2.tif") as src:
            b4 = src.read(4).astype(np.float32)
    assert torch.allclose(item["target"][0], torch.from_numpy(np.clip(b4, 0, 10000) / 10000))
    assert 0 <= float(item["sar"].min()) and float(item["sar"].max()) <= 1
    # Cover from the real cloud masks: 2266 is fully clouded, 1302 clear, 581 partly.
    covers = {i: data[by_id[i]]["cloud_cover"] for i in ("2266", "1302", "581")}
    assert covers["2266"] > 0.999 and covers["1302"] == 0.0
    assert covers["581"] == pytest.approx(read_mask(nogeo / "cloudmask" / "581_cloudmask.tif")
                                          .mean())  # fmt: skip
    assert 0.25 < covers["581"] < 0.35
    crop = TripletFolder(nogeo, size=128, size_mode="crop", crop="random")[0]
    assert crop["cloudy"].shape == (3, 128, 128)


def test_ids_without_suffix_and_incomplete_ids(nogeo, tmp_path):
    """`s1/<id>.tif` works too; an id lacking a kind is skipped with one warning."""
    for kind in ("s1", "s2", "s2_cloudy"):
        (tmp_path / kind).mkdir()
        for i in ("581", "1302"):
            if kind == "s1" and i == "1302":
                continue  # 1302 has no SAR here
            shutil.copy(nogeo / kind / f"{i}_{kind}.tif", tmp_path / kind / f"{i}.tif")
    with pytest.warns(IncompleteTripletsWarning, match="1 incomplete id"):
        found, skipped = find_folder_triplets(tmp_path)
    assert [t.id for t in found] == ["581"] and skipped == 1
    assert "cloudmask" not in found[0].paths
    optical_only, _ = find_folder_triplets(tmp_path, require=("s2", "s2_cloudy"))
    assert [t.id for t in optical_only] == ["581", "1302"]
    data = TripletFolder(tmp_path, require_sar=False, size=64)
    assert not data[1]["has_sar"] and float(data[1]["sar"].abs().sum()) == 0
    assert 0 <= data[0]["cloud_cover"] <= 1  # no mask: the estimate
    with pytest.raises(FileNotFoundError, match="no cloudmask/|s2_cloudy/"):
        shutil.rmtree(tmp_path / "s2_cloudy")
        find_folder_triplets(tmp_path)


def test_id_splits_are_disjoint_deterministic_and_complete(nogeo):
    found, _ = find_folder_triplets(nogeo)
    parts = {s: [t.id for t in select_ids(found, s)] for s in ("train", "val", "test")}
    assert len(parts["test"]) == len(parts["val"]) == 1 and len(parts["train"]) == 12
    assert sorted(sum(parts.values(), []), key=int) == IDS
    assert parts == {s: [t.id for t in select_ids(found, s)] for s in parts}
    assert len(select_ids(found, "test", protocol="all")) == 14


def test_train_and_evaluate_read_triplet_folders(nogeo, tmp_path):
    from mmcanet_core.training import evaluate
    from mmcanet_core.training import train as train_mod

    config = dict(train_mod.DEFAULTS)
    config.update(root=str(nogeo), out=str(tmp_path / "run"), data="folders", protocol="all",
                  size=32, batch_size=2, workers=0, max_steps=1, epochs=1, max_patches=2,
                  val_max_patches=2, model="dsen2cr",
                  model_options={"width": 8, "blocks": 1})  # fmt: skip
    train_mod.train(config)
    weights = tmp_path / "run" / "best.safetensors"
    assert weights.is_file()
    result = evaluate.evaluate(nogeo, [str(weights)], protocol="ids", split="test", size=32)
    assert len(result["patches"]) == 1 and result["patches"][0]["season"] == "unknown"
    metrics = result["patches"][0]["metrics"]
    ours, identity = metrics[result["methods"][1]], metrics[evaluate.IDENTITY]
    assert all(np.isfinite(list(ours.values()))) and ours != identity
    text = evaluate.write_outputs(result, tmp_path / "eval", "nogeo test id")
    assert "unknown (n=1)" in text
