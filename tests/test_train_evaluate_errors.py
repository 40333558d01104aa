"""`train` and `evaluate` error discipline: one line, exit status 2, nothing left behind."""

import re
import shutil
import time

import pytest

from mmcanet_core.cli import main
from mmcanet_core.training import train as train_mod

S1 = "ROIs1158_spring_s1/s1_101/ROIs1158_spring_s1_101_p30.tif"
S2 = "ROIs1158_spring_s2/s2_101/ROIs1158_spring_s2_101_p30.tif"
TINY = '{"width": 8, "blocks": 2}'


def run_cli(capsys, *argv):
    """(exit status, stderr) of ``python -m mmcanet_core ARGV``; argparse exits count too."""
    try:
        status = main([str(a) for a in argv])
    except SystemExit as exc:
        status = exc.code
    return status, capsys.readouterr().err


def one_line_error(err: str) -> str:
    lines = [line for line in err.splitlines() if line.startswith("error") or "error:" in line]
    assert lines and "Traceback" not in err, err
    return lines[-1]


def train_args(root, out, *extra):
    return ["train", "--root", root, "--out", out, "--data", "synthetic", "--model", "dsen2cr",
            "--model-options", TINY, "--size", "64", "--epochs", "1", "--workers", "0",
            "--protocol", "all", "--train-split", "all", "--val-split", "all", *extra]


@pytest.fixture
def user_folder(tmp_path):
    """An existing folder holding a file of the user's."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    return folder


def test_missing_data_root(capsys, tmp_path):
    status, err = run_cli(capsys, *train_args(tmp_path / "nowhere", tmp_path / "run"))
    assert status == 2
    assert "data folder" in one_line_error(err) and "does not exist" in err
    assert not (tmp_path / "run").exists()


def test_empty_data_leaves_the_users_folder_as_it_was(capsys, tmp_path, user_folder):
    empty = tmp_path / "empty"
    empty.mkdir()
    status, err = run_cli(capsys, *train_args(empty, user_folder))
    assert status == 2 and "empty data: 0 training" in one_line_error(err)
    assert [p.name for p in user_folder.iterdir()] == ["notes.txt"]
    status, err = run_cli(capsys, *train_args(empty, tmp_path / "new" / "run"))
    assert status == 2 and not (tmp_path / "new").exists()


@pytest.mark.parametrize("text, message", [
    ("{not json", "cannot be parsed"), ('{"epoch": 3}', r"unknown options \['epoch'\]"),
    ("[1, 2]", "must hold a mapping"), ('{"epochs": 0}', "epochs 0 must be a whole number"),
    ('{"lr": -1}', "lr -1 must be a number"), ('{"size": 100}', "size 100 must be a multiple"),
    ('{"bands": "ir"}', "bands must be 'rgb', 'all'"), ('{"model": "unet"}', "unknown model"),
    ('{"device": "tpu"}', "device 'tpu'"),
])
def test_bad_config_files(capsys, tmp_path, sen12mscr, text, message):
    config = tmp_path / "c.json"
    config.write_text(text)
    status, err = run_cli(capsys, "train", "--config", config, "--root", sen12mscr,
                          "--out", tmp_path / "run")  # fmt: skip
    assert status == 2 and re.search(message, one_line_error(err)), err
    assert not (tmp_path / "run").exists()


def test_missing_config_file(capsys, tmp_path):
    status, err = run_cli(capsys, "train", "--config", tmp_path / "c.yaml")
    assert status == 2 and "config file" in one_line_error(err) and "does not exist" in err


def test_bad_model_options(capsys, tmp_path, sen12mscr):
    status, err = run_cli(capsys, "train", "--root", sen12mscr, "--model-options", "{width: 8}")
    assert status == 2 and "not valid JSON" in err and "Traceback" not in err
    started = time.perf_counter()
    status, err = run_cli(capsys, *train_args(sen12mscr, tmp_path / "run")[:-14],
                          "--model-options", '{"width": 1024, "num_bases": 1024}', "--model",
                          "mmcanet")  # fmt: skip
    assert status == 2 and "M parameters" in one_line_error(err)
    # Refused before allocating (160 GB would take minutes or be killed); loose for a busy CI.
    assert time.perf_counter() - started < 60
    status, err = run_cli(capsys, "train", "--root", sen12mscr, "--out", tmp_path / "run",
                          "--model", "mmcanet", "--model-options", '{"colour": 1}')  # fmt: skip
    assert status == 2 and "cannot build model 'mmcanet'" in one_line_error(err)
    assert "fix --model-options" in err and not (tmp_path / "run").exists()


def test_an_existing_run_is_not_overwritten_without_resume(capsys, tmp_path, sen12mscr):
    run = tmp_path / "run"
    run.mkdir()
    (run / "best.safetensors").write_bytes(b"earlier run")
    status, err = run_cli(capsys, *train_args(sen12mscr, run))
    assert status == 2 and "already holds a run (best.safetensors)" in one_line_error(err)
    assert "--resume" in err and (run / "best.safetensors").read_bytes() == b"earlier run"


def test_a_run_failing_before_its_first_epoch_removes_what_it_created(tmp_path, sen12mscr,
                                                                      user_folder, monkeypatch):
    """config.json, log.csv, TensorBoard events: gone; the user's file and folder: kept."""
    seen = []
    validate = train_mod.validate

    def spy(model, loader, *args):  # what the run folder held when the run failed
        seen.append(sorted(p.name for p in out.iterdir()))
        return validate(model, loader, *args)

    monkeypatch.setattr(train_mod, "validate", spy)
    out = user_folder
    root = tmp_path / "data"
    for rel in (S1, S2):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(sen12mscr / S1, root / S1)
    (root / S2).write_bytes(b"not a GeoTIFF")  # found by name, fails when read (epoch 0)
    config = dict(train_mod.DEFAULTS, root=str(root), out=str(user_folder), data="synthetic",
                  protocol="all", train_split="all", val_split="all", size=64, workers=0,
                  model="dsen2cr", model_options={"width": 8, "blocks": 2})  # fmt: skip
    from rasterio.errors import RasterioIOError

    with pytest.raises(RasterioIOError, match="not recognized as .* supported file format"):
        train_mod.train(config)
    assert "config.json" in seen[0] and "notes.txt" in seen[0]
    assert [p.name for p in user_folder.iterdir()] == ["notes.txt"]
    fresh = out = tmp_path / "fresh" / "run"
    with pytest.raises(RasterioIOError):
        train_mod.train(dict(config, out=str(fresh)))
    assert "config.json" in seen[1] and not (tmp_path / "fresh").exists()


def test_evaluate_errors(capsys, tmp_path, sen12mscr):
    text = tmp_path / "w.safetensors"
    text.write_text("not weights")
    folder = tmp_path / "weights"
    folder.mkdir()
    empty = tmp_path / "empty"
    empty.mkdir()
    out_file = tmp_path / "results.txt"
    out_file.write_text("mine")
    cases = [
        (["--weights", text, "--data", sen12mscr], "not a safetensors weights file"),
        (["--weights", folder, "--data", sen12mscr], "is a folder"),
        (["--data", tmp_path / "nowhere"], "data folder .* does not exist"),
        (["--data", empty], "no patches in split 'test'"),
        (["--data", sen12mscr, "--out", out_file], "is a file"),
        (["--data", sen12mscr, "--size", "100"], "multiple of 16"),
        (["--data", sen12mscr, "--device", "cuda:7"], "cuda"),
    ]
    for argv, message in cases:
        status, err = run_cli(capsys, "evaluate", *argv, "--out", tmp_path / "eval") if \
            "--out" not in argv else run_cli(capsys, "evaluate", *argv)
        assert status == 2, (argv, err)
        assert re.search(message, one_line_error(err)), (argv, err)
    assert not (tmp_path / "eval").exists() and out_file.read_text() == "mine"
