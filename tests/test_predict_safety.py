"""Issue 15's checks as ``predict_raster`` and ``python -m mmcanet_core predict`` run them: bad
input refused before any work, nothing destroyed, nothing left behind, the optical value scale
kept. Real SEN12MS-CR crops (``../shared/data``) and the fast stand-in network of
``test_inference``.
"""

import os
import subprocess

import numpy as np
import pytest
import rasterio
import torch
from test_inference import LocalNet, crop_pair, leftovers, read, write

from mmcanet_core.cli import main
from mmcanet_core.errors import InferenceError
from mmcanet_core.inference import predict_raster
from mmcanet_core.safety.partfiles import part_path


def dead_pid() -> int:
    child = subprocess.Popen(["python3", "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture()
def small(sen12mscr, tmp_path):
    """(SAR, optical) 128 x 128 px copies of a real pair (13 L1C bands, uint16)."""
    return crop_pair(sen12mscr, tmp_path)


def run(sar, optical, out, **kwargs):
    return predict_raster(sar, optical, out, **dict(dict(model=LocalNet(), tile=64), **kwargs))


def test_the_output_may_not_be_the_source_of_a_vrt_input(small, tmp_path):
    sar, optical = small
    vrt = tmp_path / "in_s2.vrt"
    subprocess.run(["gdalbuildvrt", "-q", str(vrt), str(optical)], check=True)
    before = optical.read_bytes()
    with pytest.raises(InferenceError, match="a file this run reads"):
        run(sar, vrt, optical, overwrite=True)
    assert optical.read_bytes() == before
    assert sorted(leftovers(tmp_path)) == ["in_s1.tif", "in_s2.tif", "in_s2.vrt"]


def test_preview_is_checked_before_any_work_and_written_whole(small, tmp_path, capsys):
    sar, optical = small
    common = ["predict", "--sar", str(sar), "--optical", str(optical), "--model", "mmcanet",
              "--tile", "64", "--output", str(tmp_path / "out.tif")]
    before = optical.read_bytes()
    assert main(common + ["--preview", str(optical)]) == 2
    assert "preview" in capsys.readouterr().err and optical.read_bytes() == before
    assert main(common + ["--preview", str(tmp_path / "p.jpg")]) == 2
    assert ".png" in capsys.readouterr().err
    assert leftovers(tmp_path) == ["in_s1.tif", "in_s2.tif"]  # no output, no part file


@pytest.mark.parametrize("scale", ["reflectance", "offset"])
def test_other_optical_scales_come_back_in_their_own_scale(small, tmp_path, scale):
    """Reflectance 0..1 (float32) and the +1000 offset of processing baseline 04.00 run as the
    DN they stand for, and come back in the input's scale and dtype; the automatic cloud mask
    sees DN too (the composite is the DN run's, converted)."""
    sar, optical = small
    dn, profile = read(optical)
    if scale == "reflectance":
        variant = write(tmp_path / "in_refl.tif", (dn / 10000.0).astype(np.float32), profile,
                        nodata=None)
    else:
        variant = write(tmp_path / "in_offset.tif", dn + np.uint16(1000), profile)
    base = run(sar, optical, tmp_path / "dn.tif")
    got = run(sar, variant, tmp_path / "v.tif", optical_scale="auto" if scale ==
              "reflectance" else "offset")
    assert any(e.kind == "optical_scale" and e.fields["scale"] == scale for e in got.events)
    expected, out = read(base.output_path)[0].astype(np.float64), read(got.output_path)[0]
    valid = expected > 0
    if scale == "reflectance":
        assert out.dtype == np.float32
        assert np.abs(out[valid] * 10000.0 - expected[valid]).max() <= 1.0  # DN rounding
    else:
        assert out.dtype == np.uint16
        diff = np.abs(out[valid].astype(np.float64) - (expected[valid] + 1000))
        assert diff.max() <= 1 and diff.mean() < 0.01  # float blending, rounded
    assert got.cloud_cover == base.cloud_cover


def test_a_scale_the_values_contradict_is_refused(small, tmp_path):
    sar, optical = small
    with pytest.raises(InferenceError, match="digital numbers.*--optical-scale dn"):
        run(sar, optical, tmp_path / "out.tif", optical_scale="reflectance")
    dn, profile = read(optical)
    eight = write(tmp_path / "in_8bit.tif", np.clip(dn / 12, 0, 255).astype(np.uint8), profile)
    with pytest.raises(InferenceError, match="8-bit"):
        run(sar, eight, tmp_path / "out.tif")
    percent = write(tmp_path / "in_pct.tif", (dn / 100.0).astype(np.float32), profile)
    with pytest.raises(InferenceError, match="neither reflectance.*percent"):
        run(sar, percent, tmp_path / "out.tif")  # 99.9th percentile 52: once taken for DN
    assert not (tmp_path / "out.tif").exists()


def test_scenes_below_16_px_are_refused(sen12mscr, tmp_path):
    sar, optical = crop_pair(sen12mscr, tmp_path, size=8)
    with pytest.raises(InferenceError, match="8 x 8 px.*at least 16 x 16"):
        run(sar, optical, tmp_path / "out.tif")


def test_nothing_valid_out_is_refused_and_nothing_is_left(small, tmp_path):
    """SAR of all zeros (GRD's no-data fill) restores no pixel: refused, no output."""
    sar, optical = small
    data, profile = read(sar)
    zeros = write(tmp_path / "in_zero.tif", np.zeros_like(data), profile)
    with pytest.raises(InferenceError, match="nothing valid.*SAR raster .*in_zero.tif"):
        run(zeros, optical, tmp_path / "out.tif", sar_scale="db")
    assert "out.tif" not in leftovers(tmp_path) and not list(tmp_path.glob(".*part*"))


class NaNNet(LocalNet):
    def forward(self, sar, optical):
        return super().forward(sar, optical) * torch.nan


def test_non_finite_network_output_is_refused(small, tmp_path):
    sar, optical = small
    with pytest.raises(InferenceError, match="NaN/infinite"):
        run(sar, optical, tmp_path / "out.tif", model=NaNNet())
    assert leftovers(tmp_path) == ["in_s1.tif", "in_s2.tif"]


def test_band_order_is_checked_against_band_names_and_sar_statistics(small, tmp_path):
    sar, optical = small
    dn, profile = read(optical)
    reversed_rgb = write(tmp_path / "in_bgr.tif", dn[[1, 2, 3]], profile)
    with rasterio.open(reversed_rgb, "r+") as ds:
        for i, name in enumerate(("B2", "B3", "B4"), start=1):
            ds.set_band_description(i, name)
    with pytest.raises(InferenceError, match="described as B2, B3, B4.*--bands 3,2,1"):
        run(sar, reversed_rgb, tmp_path / "out.tif")
    db, sar_profile = read(sar)
    swapped = write(tmp_path / "in_vhvv.tif", db[::-1].copy(), sar_profile)
    result = run(swapped, optical, tmp_path / "out.tif")
    assert any(e.kind == "warning" and "look swapped" in e.fields["message"]
               for e in result.events)


def test_resources_are_checked_before_any_work(small, tmp_path, monkeypatch):
    from mmcanet_core.safety import guards, memory

    sar, optical = small
    monkeypatch.setattr(memory, "available_ram", lambda: 2**20)
    with pytest.raises(InferenceError, match="needs about .* of RAM.*free"):
        run(sar, optical, tmp_path / "out.tif", tile=128)
    monkeypatch.undo()
    usage = guards.shutil.disk_usage(tmp_path)
    monkeypatch.setattr(guards.shutil, "disk_usage", lambda p: usage._replace(free=1000))
    with pytest.raises(InferenceError, match="not enough free space"):
        run(sar, optical, tmp_path / "out.tif")
    assert leftovers(tmp_path) == ["in_s1.tif", "in_s2.tif"]


def test_outputs_are_part_files_until_done_and_stale_parts_go(small, tmp_path):
    """One mechanism (mmcanet_core.safety.partfiles): named part files while writing, renamed
    together; a part file left by a killed run is removed (and said) by the next run."""
    sar, optical = small
    out, mask = tmp_path / "out.tif", tmp_path / "mask.tif"
    dead = part_path(out, pid=dead_pid())  # a process that has ended
    dead.write_bytes(b"left by a killed run")
    seen = []

    def progress(done, total):
        seen.append(sorted(p.name for p in tmp_path.glob(".*.part.tif")))

    result = run(sar, optical, out, mask_output=mask, progress=progress)
    assert any(e.kind == "stale_removed" and e.fields["path"] == str(dead)
               for e in result.events) and not dead.exists()
    assert seen[0] == sorted(part_path(p).name for p in (out, mask))
    assert leftovers(tmp_path) == ["in_s1.tif", "in_s2.tif", "mask.tif", "out.tif"]
    assert os.path.getsize(out) > 0 and os.path.getsize(mask) > 0


def test_a_batch_larger_than_the_scene_is_cut_to_its_tiles(small, tmp_path):
    """--batch-size 100000 once allocated room for 100000 tiles (a traceback)."""
    sar, optical = small
    result = run(sar, optical, tmp_path / "out.tif", batch_size=100000)
    assert result.batch_size == result.tiles <= 16


def test_undescribed_bands_are_said_to_be_assumed_and_a_reversed_scene_refused(small, tmp_path):
    """Issue 24 row 9: which bands fed the network is said, with how it is known."""
    sar, optical = small
    result = run(sar, optical, tmp_path / "out.tif")
    assert any(m.startswith("warning: optical bands 4,3,2 used as B4, B3, B2: ASSUMED")
               for m in result.log)
    dn, profile = read(optical)
    described = write(tmp_path / "in_named.tif", dn, profile)
    with rasterio.open(described, "r+") as ds:
        for b in range(1, 14):
            ds.update_tags(b, BANDNAME=["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B8A",
                                        "B9", "B10", "B11", "B12"][b - 1])
    result = run(sar, described, tmp_path / "out2.tif")
    assert "optical bands 4,3,2 used as B4, B3, B2 (from the band descriptions)" in result.log
    reversed_file = write(tmp_path / "in_rev.tif", dn[::-1].copy(), profile)
    with pytest.raises(InferenceError, match="not in the order B1, B2"):
        run(sar, reversed_file, tmp_path / "out3.tif")
    assert not (tmp_path / "out3.tif").exists()


def test_sar_amplitude_is_refused_and_linear_power_runs(small, tmp_path):
    """Issue 24 row 8 through predict_raster."""
    sar, optical = small
    db, profile = read(sar)
    amplitude = write(tmp_path / "in_amp.tif", (10 ** (db / 20)).astype(np.float32), profile)
    with pytest.raises(InferenceError, match="amplitude.*not converted"):
        run(amplitude, optical, tmp_path / "out.tif")
    power = write(tmp_path / "in_pow.tif", (10 ** (db / 10)).astype(np.float32), profile)
    assert run(power, optical, tmp_path / "out.tif").sar_scale == "linear"


def test_mask_values_that_do_not_fit_the_mask(small, tmp_path):
    """Issue 24 row 7: a 0/255 mask with the binary default is refused with the values that
    fit; a mask marking nothing is warned about."""
    sar, optical = small
    dn, profile = read(optical)
    cloudy = dn[1] > np.percentile(dn[1], 70)
    mask_profile = dict(profile, count=1, dtype="uint8", nodata=None)
    zero_255 = write(tmp_path / "m255.tif", np.where(cloudy, 255, 0).astype(np.uint8)[None],
                     mask_profile)
    with pytest.raises(InferenceError, match="0, 255.*--mask-values 255"):
        run(sar, optical, tmp_path / "out.tif", mask=zero_255)
    result = run(sar, optical, tmp_path / "out.tif", mask=zero_255, mask_values="255")
    assert result.cloud_cover > 0.2
    scl = write(tmp_path / "scl.tif", np.where(cloudy, 9, 4).astype(np.uint8)[None],
                mask_profile)
    with pytest.raises(InferenceError, match="--mask-values scl"):
        run(sar, optical, tmp_path / "out2.tif", mask=scl)
    nothing = write(tmp_path / "none.tif", np.full((1,) + cloudy.shape, 5, np.uint8),
                    mask_profile)
    result = run(sar, optical, tmp_path / "out2.tif", mask=nothing, mask_values="scl")
    assert any("holds none of the mask values" in m for m in result.log)


def test_overlap_is_judged_against_the_real_tile(small, tmp_path):
    """Issue 24 row 12: without a tile the overlap is checked against the tile the run uses."""
    sar, optical = small
    with pytest.raises(InferenceError, match="the tile is 128 px \\(the weights default\\), so at "
                                             "most 64; e.g. overlap 32, or a larger tile"):
        run(sar, optical, tmp_path / "out.tif", tile=None, overlap=100)
    result = run(sar, optical, tmp_path / "out.tif", tile=256, overlap=100)
    assert any("overlap 100" in m for m in result.log)


def test_partial_sar_coverage_says_what_compositing_does(small, tmp_path):
    """Issue 24 row 11: outside the SAR the composite keeps every pixel of the input (clouds
    stay cloudy, none becomes nodata), and the log says so."""
    sar, optical = small
    db, profile = read(sar)
    half = write(tmp_path / "in_half.tif", db[:, :, :64].copy(), profile)
    result = run(half, optical, tmp_path / "out.tif")
    assert any("outside it clear pixels are kept as they are, and so are cloud and shadow "
               "pixels" in m for m in result.log)
    (inp, _), (out, _) = read(optical), read(tmp_path / "out.tif")
    assert np.array_equal(out[:, :, 66:], inp[:, :, 66:])  # beyond the SAR's 64 columns
    result = run(half, optical, tmp_path / "raw.tif", raw=True)
    assert any("the rest will be nodata" in m for m in result.log)
