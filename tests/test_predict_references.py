"""Reference dates through the engine (issue 23): ``predict_raster(references=...)``, the CLI.

Real data: a real cloudy date of SEN12MS-CR-TS ROIs2017_146 (2018-07-05) filled from real clear
dates of the same place (2018-06-25, 2018-07-20). The set has no Sentinel-1: the SAR input is a
constant raster (SYNTHETIC; the network's part is not judged here). A near-free convolution
stands in for the network.
"""

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.warp import Resampling, calculate_default_transform, reproject
from rasterio.windows import Window
from test_masking import ConvNet

from mmcanet_core.cli import main
from mmcanet_core.clouds import cloudmask
from mmcanet_core.clouds.composite import feather_weight
from mmcanet_core.clouds.reference import fit_matching
from mmcanet_core.engine import raster
from mmcanet_core.errors import InferenceCancelled, InferenceError
from mmcanet_core.inference import predict_raster

from conftest import SERIES, reference_dates, require_shared_data

RGB = (4, 3, 2)


def _copy(day: str, folder: Path, name: str) -> Path:
    require_shared_data()
    source, = SERIES.glob(f"*_{day}_patch_0.tif")
    return Path(shutil.copy(source, folder / name))


def _read(path, bands=None):
    with rasterio.open(path) as ds:
        return ds.read(list(bands) if bands else None)


def _sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def scene(tmp_path_factory):
    """Target (cloudy 2018-07-05), references 2018-07-20 and 2018-06-25 (given farthest
    first), a constant SAR raster on the target grid."""
    return reference_dates(tmp_path_factory.mktemp("inputs"))


def run(scene, folder, **kwargs):
    sar, target, refs = scene
    kwargs = dict(dict(model=ConvNet().eval(), tile=64, overlap=16, batch_size=8,
                       device="cpu", references=refs), **kwargs)
    return predict_raster(sar, target, folder / "out.tif", **kwargs)


@pytest.fixture(scope="module")
def filled(scene, tmp_path_factory):
    folder = tmp_path_factory.mktemp("filled")
    return folder, run(scene, folder, source_output=folder / "source.tif")


def _whole_scene_fill(target: Path, ref: Path, user_mask=None):
    """Independently, in one piece: the target's weight and the reference matched on the
    pixels clear in both, as the module docstring of clouds/refill.py describes (the target's
    classes from ``user_mask``, (H, W) bool cloud, when given)."""
    window = Window(0, 0, 256, 256)
    with rasterio.open(target) as t, rasterio.open(ref) as r:
        t_classes = cloudmask.classify(raster.read_optical(t, window, cloudmask.MASK_BANDS))
        if user_mask is not None:
            t_classes = np.where(user_mask, cloudmask.CLOUD, cloudmask.CLEAR)
        r_classes = cloudmask.classify(raster.read_optical(r, window, cloudmask.MASK_BANDS))
        t_rgb, r_rgb = raster.read_optical(t, window, RGB), raster.read_optical(r, window, RGB)
    weight = feather_weight(np.isin(t_classes, (cloudmask.CLOUD, cloudmask.SHADOW)))
    r_clear = (r_classes == cloudmask.CLEAR) & ~cloudmask.near(
        np.isin(r_classes, (cloudmask.CLOUD, cloudmask.SHADOW)), 1)
    clear = (t_classes == cloudmask.CLEAR) & (weight == 0) & r_clear
    return weight, r_clear, fit_matching(t_rgb, r_rgb, clear).apply(r_rgb, window)


def test_clouds_are_filled_from_the_matched_reference(scene, filled):
    sar, target, refs = scene
    folder, result = filled
    out, source = _read(folder / "out.tif", RGB), _read(folder / "source.tif")[0]
    inp = _read(target, RGB)
    # Nearest date first: 2018-06-25 (-10 d) is reference 1 although given second.
    event, = [e for e in result.events if e.kind == "references"]
    assert event.fields["by"] == "date" and event.fields["order"].startswith("ref_2018-06-25")
    weight, r_clear, matched = _whole_scene_fill(target, refs[1])
    assert np.array_equal(out[:, source == 0], inp[:, source == 0])  # input bit for bit
    assert np.array_equal(source == 0, weight == 0)
    full = (source == 1) & (weight == 1)
    assert full.mean() > 0.05  # a real partly cloudy date
    # The engine's strips and tiles give the whole scene's matched reference.
    expected = np.clip(np.round(matched[:, full]), 0, 65535)
    assert np.abs(out[:, full].astype(float) - expected).max() <= 1
    assert np.array_equal(source[weight > 0] == 1, r_clear[weight > 0])
    # The fill is not a copy: the matching changed the reference's values.
    copy = _read(refs[1], RGB)[:, full].astype(float)
    assert np.abs(out[:, full] - copy).mean() > 20
    shares = result.sources
    assert shares["input"] == pytest.approx((source == 0).mean())
    assert shares[str(refs[1])] == pytest.approx((source == 1).mean()) and shares["network"] < 0.01
    assert [e.kind for e in result.events].count("sources") == 1
    assert sorted(p.name for p in folder.iterdir()) == ["out.tif", "source.tif"]


def test_the_source_output_is_a_classed_layer_on_the_grid(scene, filled):
    folder, _ = filled
    with rasterio.open(folder / "source.tif") as src, rasterio.open(scene[1]) as target:
        assert (src.crs, src.transform, src.shape) == (target.crs, target.transform, target.shape)
        assert src.dtypes[0] == "uint8" and src.nodata == 255 and src.count == 1
        assert "254 network" in src.descriptions[0]
        assert "ref_2018-06-25.tif" in src.tags()["MMCANET_REFERENCES"].split(";")[0]
        assert src.colormap(1)[1][3] == 255
        assert set(np.unique(src.read(1))) <= {0, 1, 2, 254}


def test_tiles_do_not_change_what_the_references_fill(scene, filled, tmp_path):
    folder, _ = filled
    run(scene, tmp_path, tile=128, overlap=32, source_output=tmp_path / "source.tif")
    source = _read(folder / "source.tif")[0]
    assert np.array_equal(_read(tmp_path / "source.tif")[0], source)
    keep = source != 254
    assert np.array_equal(_read(tmp_path / "out.tif")[:, keep], _read(folder / "out.tif")[:, keep])


def test_a_reference_on_another_grid_is_resampled(scene, filled, tmp_path):
    """The 2018-06-25 reference in UTM 33N at 10 m (another CRS and grid): it still fills the
    clouds, close to the aligned run."""
    sar, target, refs = scene
    utm = tmp_path / "ref_utm_2018-06-25.tif"
    with rasterio.open(refs[1]) as src:
        transform, width, height = calculate_default_transform(
            src.crs, "EPSG:32633", src.width, src.height, *src.bounds, resolution=10)
        profile = dict(src.profile, crs="EPSG:32633", transform=transform, width=width,
                       height=height)
        with rasterio.open(utm, "w", **profile) as out:
            for b in range(1, src.count + 1):
                reproject(rasterio.band(src, b), rasterio.band(out, b),
                          resampling=Resampling.bilinear)
    result = run(scene, tmp_path, references=[utm], source_output=tmp_path / "source.tif")
    folder, _ = filled
    both = (_read(tmp_path / "source.tif")[0] == 1) & (_read(folder / "source.tif")[0] == 1)
    assert both.mean() > 0.05 and result.sources["network"] < 0.02
    aligned, resampled = _read(folder / "out.tif")[:, both], _read(tmp_path / "out.tif")[:, both]
    # Two resamplings of 10 m pixels: close, not equal.
    assert np.median(np.abs(aligned.astype(float) - resampled)) < 60


def test_references_are_inputs_never_overwritten(scene, tmp_path):
    sar, target, refs = scene
    before = _sha(refs[0])
    for kwargs in (dict(), dict(source_output=refs[0])):
        out = refs[0] if not kwargs else tmp_path / "out.tif"
        with pytest.raises(InferenceError, match="read"):
            predict_raster(sar, target, out, model=ConvNet().eval(), references=refs,
                           overwrite=True, **kwargs)
    assert _sha(refs[0]) == before and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case, match", [
    ("source without reference", "source output needs at least one reference"),
    ("raw", "do nothing with --raw"),
    ("band count", "has 3 band.*same bands"),
    ("disjoint", "does not overlap"),
    ("source is the output", "source output .* another output"),
])
def test_bad_references_fail_before_any_work(scene, tmp_path, case, match):
    sar, target, refs = scene
    kwargs = dict(model=ConvNet().eval(), references=refs)
    if case == "source without reference":
        kwargs.update(references=[], source_output=tmp_path / "s.tif")
    elif case == "raw":
        kwargs.update(raw=True)
    elif case == "source is the output":
        kwargs.update(source_output=tmp_path / "out.tif")
    else:
        bad = tmp_path / "bad.tif"
        with rasterio.open(refs[0]) as src:
            profile = dict(src.profile)
            data = src.read()
        if case == "band count":
            profile.update(count=3)
            data = data[:3]
        else:
            profile.update(transform=src.transform @ src.transform.translation(5000, 5000))
        with rasterio.open(bad, "w", **profile) as out:
            out.write(data)
        kwargs.update(references=[bad])
    with pytest.raises(InferenceError, match=match):
        predict_raster(sar, target, tmp_path / "out.tif", **kwargs)
    assert not (tmp_path / "out.tif").exists() and not (tmp_path / "s.tif").exists()
    assert not list(tmp_path.glob("*.part*"))


def test_a_user_mask_on_the_target_with_references(scene, tmp_path):
    """The target's clouds from the user's mask (a square), the references' own clouds from
    the automatic mask: the square is filled from the nearest clear date, the rest is input."""
    sar, target, refs = scene
    with rasterio.open(target) as src:
        profile = dict(src.profile, count=1, dtype="uint8")
    square = np.zeros((256, 256), np.uint8)
    square[100:160, 40:120] = 1
    with rasterio.open(tmp_path / "mask.tif", "w", **profile) as out:
        out.write(square[None])
    result = run(scene, tmp_path, mask=tmp_path / "mask.tif",
                 source_output=tmp_path / "source.tif")
    source = _read(tmp_path / "source.tif")[0]
    weight = feather_weight(square.astype(bool))
    assert np.array_equal(source == 0, weight == 0)
    assert (source[square == 1] == 1).mean() > 0.95  # 2018-06-25 is clear there
    # The fit takes every pixel outside the user's square as clear in the target (also the
    # real clouds the automatic mask would have found), as the user's mask says.
    _, _, matched = _whole_scene_fill(target, refs[1], square == 1)
    full = (source == 1) & (weight == 1)
    expected = np.clip(np.round(matched[:, full]), 0, 65535)
    assert np.abs(_read(tmp_path / "out.tif", RGB)[:, full].astype(float) - expected).max() <= 1
    assert result.mask == "user"


def test_cancel_during_the_first_pass_leaves_nothing(scene, tmp_path):
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return True

    with pytest.raises(InferenceCancelled):
        run(scene, tmp_path, source_output=tmp_path / "source.tif", is_cancelled=cancelled)
    assert len(calls) == 1 and list(tmp_path.iterdir()) == []


def test_undated_references_are_tried_in_the_order_given(scene, tmp_path):
    sar, target, refs = scene
    plain = [Path(shutil.copy(refs[0], tmp_path / "a.tif")),
             Path(shutil.copy(refs[1], tmp_path / "b.tif"))]
    result = run(scene, tmp_path, references=plain)
    event, = [e for e in result.events if e.kind == "references"]
    assert event.fields["by"] == "given" and event.fields["order"] == "a.tif, b.tif"
    assert result.sources[str(plain[0])] > result.sources[str(plain[1])]


def test_cli_reference_and_source_output(scene, tmp_path, capsys):
    sar, target, refs = scene
    code = main(["predict", "--sar", str(sar), "--optical", str(target), "--output",
                 str(tmp_path / "out.tif"), "--reference", str(refs[0]), "--reference",
                 str(refs[1]), "--source-output", str(tmp_path / "source.tif"), "--device",
                 "cpu"])
    assert code == 0
    err = capsys.readouterr().err
    assert "nearest date first: ref_2018-06-25.tif (-10 d), ref_2018-07-20.tif (+15 d)" in err
    assert "sources of the valid pixels: input" in err
    assert set(np.unique(_read(tmp_path / "source.tif"))) <= {0, 1, 2, 254}
    code = main(["predict", "--sar", str(sar), "--optical", str(target), "--output",
                 str(refs[0]), "--overwrite", "--reference", str(refs[0])])
    assert code == 2 and "error:" in capsys.readouterr().err
