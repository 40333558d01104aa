"""Safe weights files (``mmcanet_core.weights``): round trip, metadata, and every bad file."""

import json
import shutil

import numpy as np
import pytest
import rasterio
import torch
from safetensors.torch import save_file

from mmcanet_core import build_model
from mmcanet_core.preprocess import normalize_optical, normalize_sar
from mmcanet_core.weights import (
    FORMAT_VERSION,
    WeightsError,
    build_metadata,
    load_weights,
    read_metadata,
    save_weights,
)

TINY = dict(width=8, enc_blocks=(1, 1, 1, 1), dec_blocks=(1, 1))
S1 = "ROIs2017_winter_s1/s1_112/ROIs2017_winter_s1_112_p797.tif"
S2 = "ROIs2017_winter_s2_cloudy/s2_cloudy_112/ROIs2017_winter_s2_cloudy_112_p797.tif"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A tiny MMCANet with non-default weights, saved once for the module."""
    torch.manual_seed(1)
    model = build_model("mmcanet", **TINY).eval()
    path = tmp_path_factory.mktemp("w") / "tiny.safetensors"
    save_weights(path, model, name="mmcanet", options=TINY, optical_bands=(4, 3, 2),
                 trained_on="SEN12MS-CR ROIs1158_spring (test)", patch_size=128, epochs=3)
    return model, path


def real_inputs(sen12mscr):
    """(1, 2, 64, 64) SAR and (1, 3, 64, 64) RGB crops of a real patch, in [0, 1]."""
    with rasterio.open(sen12mscr / S1) as s1, rasterio.open(sen12mscr / S2) as s2:
        window = rasterio.windows.Window(96, 96, 64, 64)
        sar = normalize_sar(s1.read(window=window))
        optical = normalize_optical(s2.read((4, 3, 2), window=window))
    return torch.from_numpy(sar)[None], torch.from_numpy(optical)[None]


def test_round_trip_same_tensors_and_outputs(tiny, sen12mscr):
    model, path = tiny
    loaded, meta = load_weights(path)
    assert not loaded.training
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value), key
    sar, optical = real_inputs(sen12mscr)
    with torch.inference_mode():
        assert torch.equal(loaded(sar, optical), model(sar, optical))
    assert meta["model"] == {"name": "mmcanet", "options": {
        "width": 8, "enc_blocks": [1, 1, 1, 1], "dec_blocks": [1, 1], "fusion": "softmax"}}


def test_metadata_describes_bands_scaling_and_training(tiny):
    meta = read_metadata(tiny[1])
    assert meta["format"] == "mmcanet-weights" and meta["format_version"] == FORMAT_VERSION
    assert meta["optical_bands"] == {"indices": [4, 3, 2], "names": ["B4", "B3", "B2"], "of": 13}
    assert meta["sar_bands"] == ["VV", "VH"]
    assert meta["normalisation"] == {"sar_db_clip": {"VV": [-25.0, 0.0], "VH": [-32.5, 0.0]},
                                     "optical_dn_clip": [0.0, 10000.0]}
    assert meta["patch_size"] == 128 and meta["epochs"] == 3
    assert meta["trained_on"].startswith("SEN12MS-CR")
    # The metadata is plain JSON in the standard safetensors header.
    from safetensors import safe_open

    with safe_open(str(tiny[1]), "pt") as f:
        assert json.loads(f.metadata()["mmcanet"]) == meta


def test_no_partial_file_and_no_pickle(tiny, tmp_path):
    model, _ = tiny
    path = save_weights(tmp_path / "w.safetensors", model, name="mmcanet", options=TINY,
                        optical_bands=(4, 3, 2), trained_on="x")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.safetensors"]
    assert b"\x80\x04\x95" not in path.read_bytes()[:64]  # not a pickle stream


def write_foreign(path, tensors, metadata=None):
    save_file(tensors, str(path), metadata=metadata)
    return path


def bad_files(tiny, tmp_path, sen12mscr):
    """name -> (path, regex the WeightsError message must match)."""
    model, good = tiny
    tif = tmp_path / "raster.safetensors"
    shutil.copy(sen12mscr / S2, tif)
    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    pickle = tmp_path / "model.pt"
    torch.save({"w": torch.zeros(2)}, pickle)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    future = build_metadata(name="mmcanet", options=TINY, optical_bands=(4, 3, 2), trained_on="x")
    future["format_version"] = FORMAT_VERSION + 1
    other = build_metadata(name="mmcanet", options=dict(TINY, width=16), optical_bands=(4, 3, 2),
                           trained_on="x")
    empty = tmp_path / "empty.safetensors"
    empty.write_bytes(b"")
    return {
        "missing": (tmp_path / "nope.safetensors", "does not exist"),
        "empty": (empty, "not a safetensors weights file"),
        "GeoTIFF renamed": (tif, "not a safetensors weights file.*not a raster"),
        "pickle": (pickle, "not a safetensors weights file.*pickle"),
        "truncated": (truncated, "truncated.*Re-download"),
        "no metadata": (
            write_foreign(tmp_path / "plain.safetensors", {"w": torch.zeros(3)}),
            "no MMCANet metadata"),
        "future version": (
            write_foreign(tmp_path / "future.safetensors", state, {"mmcanet": json.dumps(future)}),
            f"version {FORMAT_VERSION + 1}.*Upgrade"),
        "other model": (
            write_foreign(tmp_path / "other.safetensors", state, {"mmcanet": json.dumps(other)}),
            "do not match the model.*another shape"),
        "unknown model": (
            write_foreign(tmp_path / "unknown.safetensors", state, {"mmcanet": json.dumps(
                dict(other, model={"name": "no-such-net", "options": {}}))}),
            "cannot build model 'no-such-net'"),
    }


@pytest.mark.parametrize("case", [
    "missing", "empty", "GeoTIFF renamed", "pickle", "truncated", "no metadata",
    "future version", "other model", "unknown model",
])
def test_bad_files_give_a_clear_error(tiny, tmp_path, sen12mscr, case):
    path, message = bad_files(tiny, tmp_path, sen12mscr)[case]
    with pytest.raises(WeightsError, match=message):
        load_weights(path)


def test_read_metadata_rejects_before_reading_tensors(tiny, tmp_path, sen12mscr):
    path, message = bad_files(tiny, tmp_path, sen12mscr)["future version"]
    with pytest.raises(WeightsError, match=message):
        read_metadata(path)
    assert np.isclose(read_metadata(tiny[1])["normalisation"]["sar_db_clip"]["VH"][0], -32.5)
