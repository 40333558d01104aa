"""Short CPU training runs on the real shared data (SYNTHETIC clouds on real clear s1+s2 pairs)."""

import argparse
import csv
import json

import numpy as np
import pytest
import rasterio
import torch
from PIL import Image

from mmcanet_core.training import train as train_mod
from mmcanet_core.weights.checkpoint import load_weights, read_metadata

TINY_MMCANET = {"width": 8, "enc_blocks": [1, 1, 1, 1], "dec_blocks": [1, 1]}


def _config(root, out, **overrides):
    config = dict(train_mod.DEFAULTS)
    config.update(root=str(root), out=str(out), data="synthetic", protocol="uncrtaints",
                  val_split="train", size=64, batch_size=2, workers=0, max_steps=2,
                  model="dsen2cr", model_options={"width": 8, "blocks": 2}, lr=1e-3)  # fmt: skip
    config.update(overrides)
    return config


def _rows(out):
    with open(out / "log.csv") as f:
        return list(csv.DictReader(f))


def test_short_run_lowers_loss_and_checkpoint_loads_in_predict_and_evaluate(sen12mscr, tmp_path):
    out = tmp_path / "run"
    train_mod.train(_config(sen12mscr, out, model="mmcanet", model_options=TINY_MMCANET, epochs=3))
    rows = _rows(out)
    assert [int(r["epoch"]) for r in rows] == [0, 1, 2, 3]
    # Validation clouds are fixed, so this is the same loss on the same batches before/after.
    assert float(rows[-1]["val_loss"]) < float(rows[0]["val_loss"])
    assert json.loads((out / "config.json").read_text())["model_options"] == TINY_MMCANET
    with Image.open(out / "curves.png") as curves:
        assert curves.size[0] > 500 and np.asarray(curves.convert("L")).std() > 5
    meta = read_metadata(out / "best.safetensors")
    assert meta["model"]["name"] == "mmcanet" and "SYNTHETIC" in meta["trained_on"]
    model, _ = load_weights(out / "best.safetensors")
    assert model.in_channels == 3

    from mmcanet_core.data.sen12mscr import find_triplets, read_dn, read_sar, to_unit
    from mmcanet_core.inference import predict_raster

    t = find_triplets(sen12mscr, warn=False)[0][0]
    predict_raster(t.paths["s1"], t.paths["s2_cloudy"], tmp_path / "pred.tif",
                   weights=out / "best.safetensors", device="cpu", raw=True, tile=256, overlap=0,
                   optical_scale="dn")  # fmt: skip
    # The written raster is the model's forward pass on the same patch (one 256 px tile), in DN.
    with rasterio.open(tmp_path / "pred.tif") as src:
        written = src.read().astype(np.float64)
    cloudy = to_unit(read_dn(t.paths["s2_cloudy"]))
    with torch.no_grad():
        expected = model.eval()(torch.from_numpy(read_sar(t.paths["s1"]))[None],
                                torch.from_numpy(cloudy[[3, 2, 1]])[None])[0]  # fmt: skip
    expected = expected.clamp(0, 1).double().numpy() * 10000
    rgb = written[[3, 2, 1]] if written.shape[0] == 13 else written
    assert np.abs(rgb - expected).max() <= 1.0  # rounding to whole DN
    assert np.abs(rgb - cloudy[[3, 2, 1]] * 10000).max() > 10  # and not the input again

    from mmcanet_core.training import evaluate

    ev = evaluate.evaluate(sen12mscr, [str(out / "best.safetensors")], protocol="all", split="all")
    assert ev["methods"][0] == evaluate.IDENTITY and len(ev["methods"]) == 2
    for row in ev["patches"]:
        ours, identity = row["metrics"][ev["methods"][1]], row["metrics"][evaluate.IDENTITY]
        assert all(np.isfinite(list(ours.values())))
        assert abs(ours["PSNR"] - identity["PSNR"]) > 0.01 and ours["MAE"] != identity["MAE"]
    grid = evaluate.picture_grid(ev, tmp_path / "grid.png")
    with Image.open(grid) as image:  # a real picture, not an empty canvas
        assert np.asarray(image.convert("L")).std() > 10


def test_resume_continues_at_the_right_epoch_with_the_same_optimizer_state(sen12mscr, tmp_path):
    common = dict(lr_step=2, lr_gamma=0.5)
    straight = train_mod.train(_config(sen12mscr, tmp_path / "straight", epochs=3, **common))
    train_mod.train(_config(sen12mscr, tmp_path / "split", epochs=2, **common))
    _, optim_2, meta_2 = train_mod.load_resume(tmp_path / "split" / "resume.safetensors")
    assert meta_2["epoch"] == 2
    resumed = train_mod.train(_config(sen12mscr, tmp_path / "split", epochs=3, resume=True,
                                      **common))  # fmt: skip
    assert [r["epoch"] for r in resumed["history"]] == [0, 1, 2, 3]
    assert [int(r["epoch"]) for r in _rows(tmp_path / "split")] == [0, 1, 2, 3]
    model_s, optim_s, meta_s = train_mod.load_resume(tmp_path / "straight" / "resume.safetensors")
    model_r, optim_r, meta_r = train_mod.load_resume(tmp_path / "split" / "resume.safetensors")
    # Adam's step count went on from the saved state: 2 steps per epoch, 3 epochs.
    assert float(optim_2["state"][0]["step"]) == 4 and float(optim_r["state"][0]["step"]) == 6
    assert meta_r["history"][3]["lr"] == pytest.approx(0.5e-3)  # StepLR restored: decayed at 2
    # Killed after epoch 2 and resumed == trained straight through (CPU, seeded data order).
    for key in model_s:
        torch.testing.assert_close(model_r[key], model_s[key])
    for pid, state in optim_s["state"].items():
        torch.testing.assert_close(optim_r["state"][pid]["exp_avg"], state["exp_avg"])
    assert meta_r["history"][3]["val_psnr"] == pytest.approx(straight["history"][3]["val_psnr"])


def test_config_file_then_command_line(tmp_path):
    config_file = tmp_path / "c.yaml"
    config_file.write_text("epochs: 7\nbatch_size: 4\nroot: /data\nmodel: dsen2cr\n")
    from mmcanet_core.cli.train import add_arguments

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    config = train_mod.resolve_config(parser.parse_args(["--config", str(config_file),
                                                         "--batch-size", "8"]))  # fmt: skip
    assert (config["epochs"], config["batch_size"], config["model"]) == (7, 8, "dsen2cr")
    assert (config["lr"], config["lr_step"], config["lr_gamma"]) == (1e-4, 25, 0.1)  # the paper
    paper = train_mod.resolve_config(parser.parse_args(["--root", "/data"]))
    assert (paper["epochs"], paper["batch_size"], paper["ssim_weight"]) == (50, 32, 1.0)
    bad = tmp_path / "bad.json"
    bad.write_text('{"epoch": 3}')
    with pytest.raises(ValueError, match="unknown options"):
        train_mod.load_config_file(bad)
