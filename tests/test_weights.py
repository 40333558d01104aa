"""Safe weights files (``mmcanet_core.weights.checkpoint``): round trip, metadata, and every bad
file."""

import json
import shutil
import struct
import time
import warnings

import numpy as np
import pytest
import rasterio
import torch
from safetensors.torch import save_file

from mmcanet_core import build_model
from mmcanet_core.errors import WeightsError, WeightsWarning
from mmcanet_core.preprocess import normalize_optical, normalize_sar
from mmcanet_core.weights.checkpoint import (
    FORMAT_VERSION,
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
            "unknown model 'no-such-net'.*knows.*mmcanet"),
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


# --- payload checksum, non-finite weights, folders (issue 15, items 4, 6, 15) ----------------


def test_payload_checksum_is_stored_and_verified(tiny):
    from mmcanet_core.weights.checkpoint import CHECKSUM_KEY, payload_sha256

    model, path = tiny
    meta = read_metadata(path)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    assert meta[CHECKSUM_KEY] == payload_sha256(state)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a file with a checksum loads without a word
        load_weights(path)


def test_flipped_bits_in_the_tensor_data_are_detected(tiny, tmp_path):
    """The issue's case: flipped bits in the data gave garbage; now a clear refusal."""
    _, path = tiny
    blob = bytearray(path.read_bytes())
    (length,) = struct.unpack("<Q", blob[:8])
    for offset in (8 + length, len(blob) // 2, len(blob) - 1):  # first, middle, last byte
        damaged = bytearray(blob)
        damaged[offset] ^= 0x10
        bad = tmp_path / f"flip{offset}.safetensors"
        bad.write_bytes(bytes(damaged))
        read_metadata(bad)  # the header is intact ...
        with pytest.raises(WeightsError, match="does not match the checksum.*damaged"):
            load_weights(bad)  # ... the payload is not


def legacy_file(model, path, **meta_changes):
    """A weights file as mmcanet_core wrote them before checksums (or with edited metadata)."""
    meta = build_metadata(name="mmcanet", options=TINY, optical_bands=(4, 3, 2), trained_on="x")
    meta.update(meta_changes)
    state = {k: v.contiguous() for k, v in model.state_dict().items()}
    save_file(state, str(path), metadata={"mmcanet": json.dumps(meta)})
    return path


def test_files_without_checksum_load_with_one_warning_per_path(tiny, tmp_path):
    from mmcanet_core.errors import WeightsWarning
    from mmcanet_core.weights.checkpoint import CHECKSUM_KEY, add_checksum

    model, _ = tiny
    old = legacy_file(model, tmp_path / "old.safetensors")
    with pytest.warns(WeightsWarning, match="no payload checksum.*add_checksum"):
        loaded, _ = load_weights(old)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_weights(old)  # the second load of the same file says nothing
    for key, value in model.state_dict().items():
        assert torch.equal(loaded.state_dict()[key], value)
    before = read_metadata(old)
    add_checksum(old)
    after = read_metadata(old)
    assert CHECKSUM_KEY in after and {k: v for k, v in after.items() if k != CHECKSUM_KEY} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.safetensors"]


def test_non_finite_weights_are_refused(tiny, tmp_path):
    model, _ = tiny
    broken = build_model("mmcanet", **TINY)
    broken.load_state_dict(model.state_dict())
    with torch.no_grad():
        next(broken.parameters())[0].fill_(float("nan"))
    with pytest.raises(WeightsError, match="NaN or infinite.*refusing to save"):
        save_weights(tmp_path / "nan.safetensors", broken, name="mmcanet", options=TINY,
                     optical_bands=(4, 3, 2), trained_on="x")
    assert list(tmp_path.iterdir()) == []
    path = legacy_file(broken, tmp_path / "nan.safetensors")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", WeightsWarning)
        with pytest.raises(WeightsError, match="NaN or infinite.*could not produce a valid "
                                               "image.*earlier epoch"):
            load_weights(path)


def test_a_folder_is_reported_as_a_folder(tiny, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(WeightsError, match="is a folder.*pass the .safetensors file itself"):
        load_weights(empty)
    run = tmp_path / "run"
    run.mkdir()
    shutil.copy(tiny[1], run / "best.safetensors")
    with pytest.raises(WeightsError, match=r"is a folder.*holds best.safetensors.*e.g. .*run/best"):
        read_metadata(run)


# --- metadata validation (issue 15, items 7 and 11) -------------------------------------------


def edited(**changes):
    """Valid metadata with ``changes`` applied (dotted keys reach into sub-objects)."""
    meta = build_metadata(name="mmcanet", options=TINY, optical_bands=(4, 3, 2), trained_on="x",
                          patch_size=128, inference_tile=256)
    for key, value in changes.items():
        target = meta
        *parents, last = key.split("__")
        for parent in parents:
            target = target[parent]
        target[last] = value
    return meta


BAD_METADATA = {
    "HH/HV": (dict(sar_bands=["HH", "HV"]), "HH, HV.*VV \\+ VH only.*polar"),
    "VH first": (dict(sar_bands=["VH", "VV"]), r"are not \['VV', 'VH'\]"),
    "band 0": (dict(optical_bands__indices=[0, 3, 2]), r"band\(s\) \[0\] are outside 1..13"),
    "band 14": (dict(optical_bands__indices=[14, 3, 2]), r"\[14\] are outside"),
    "repeated band": (dict(optical_bands__indices=[4, 4, 2]), "repeats a band"),
    "text band": (dict(optical_bands__indices=["4", 3, 2]), "not a list of 1-based"),
    "bands vs in_channels": (dict(optical_bands__indices=[4, 3], optical_bands__names=["B4", "B3"]),
                             r"takes 3 optical band\(s\).*lists 2"),
    "clip reversed": (dict(normalisation__sar_db_clip={"VV": [0, -25], "VH": [-32.5, 0]}),
                      "sar_db_clip.VV .*increasing"),
    "clip text": (dict(normalisation__optical_dn_clip=["0", 10000]), "optical_dn_clip.*numbers"),
    "clip NaN": (dict(normalisation__optical_dn_clip=[float("nan"), 10000]), "optical_dn_clip"),
    "clip absurd": (dict(normalisation__sar_db_clip={"VV": [-25, 0], "VH": [-1e9, 0]}),
                    "VH .*within -100..50 dB"),
    "clip missing band": (dict(normalisation__sar_db_clip={"VV": [-25, 0]}), "for each of"),
    "patch 7": (dict(patch_size=7), "patch_size 7 must be .*multiple of 16"),
    "patch text": (dict(patch_size="128"), "patch_size '128'"),
    "tile 7": (dict(inference_tile=7), "inference_tile 7 must"),  # the issue's -195 DN case
    "tile negative": (dict(inference_tile=-256), "inference_tile -256"),
    "tile huge": (dict(inference_tile=100000), "inference_tile 100000"),
    "tile bool": (dict(inference_tile=True), "inference_tile True"),
    "unknown model": (dict(model={"name": "unet", "options": {}}), "unknown model 'unet'"),
    "width beyond bound": (dict(model__options=dict(TINY, width=65536)),
                           "width=65536 is beyond 1024"),
    "many blocks": (dict(model__options=dict(TINY, enc_blocks=[1, 1, 1, 500])),
                    r"enc_blocks=\[1, 1, 1, 500\] is beyond 64"),
    # Within the option bounds but 160 GB of weights: counted on the meta device, never built.
    "absurd size": (dict(model__options=dict(TINY, width=1024, num_bases=1024)),
                    r"M parameters \(.* GiB in float32\), beyond"),
    "option object": (dict(model__options=dict(TINY, width={"a": 1})), "width=.*not a number"),
    "unbuildable": (dict(model__options=dict(TINY, low_level_stage=7)),
                    "cannot build model 'mmcanet'.*low_level_stage"),
    "sar channels": (dict(model__options=dict(TINY, sar_channels=3)), "sar_channels 3 is not 2"),
}


@pytest.mark.parametrize("case", sorted(BAD_METADATA))
def test_bad_metadata_is_refused_when_read(tiny, tmp_path, case):
    from mmcanet_core.weights.checkpoint import check_metadata

    changes, message = BAD_METADATA[case]
    meta = edited(**changes)
    with pytest.raises(WeightsError, match=message):
        check_metadata("onnx-file.onnx", meta)  # the ONNX backend's entry point
    path = write_foreign(tmp_path / "bad.safetensors",
                         {k: v.contiguous() for k, v in tiny[0].state_dict().items()},
                         {"mmcanet": json.dumps(meta)})  # fmt: skip
    started = time.perf_counter()
    with pytest.raises(WeightsError, match=f"bad.safetensors: .*{message}"):
        read_metadata(path)
    assert time.perf_counter() - started < 30  # refused without building anything (loose bound)


def test_check_metadata_without_size_check_for_onnx():
    from mmcanet_core.models import record_options
    from mmcanet_core.weights.checkpoint import check_metadata, model_parameters

    check_metadata("m.onnx", edited(model__options=dict(TINY, width=1024, num_bases=1024)),
                   check_size=False)
    # A file records every option (record_options); one without "fusion" predates it.
    assert model_parameters({"name": "mmcanet", "options": record_options("mmcanet", TINY)}) == sum(
        p.numel() for p in build_model("mmcanet", **TINY).parameters())


def test_the_shipped_checkpoint_passes_validation():
    from mmcanet_core.options import shipped_checkpoint

    meta = read_metadata(shipped_checkpoint())
    assert meta["inference_tile"] % 16 == 0
