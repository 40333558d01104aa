"""Cloud mask and compositing through the engine (``predict_raster``) on real data.

Clear pixels come back bit for bit, masked pixels are the raw network output, the feather is
the whole scene's (window and strip consistency with small tiles), the mask output is the
whole-scene mask, a user mask on another grid replaces the automatic one, and bad options fail
before any work. A near-free convolution stands in for the network where quality does not
matter; the CLI test runs the tiny MMCANet weights.
"""

import sys
import warnings
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import rasterio
import torch
import torch.nn as nn
from rasterio.windows import Window

from mmcanet_core.cli import main
from mmcanet_core.clouds import cloudmask
from mmcanet_core.clouds.composite import feather_weight
from mmcanet_core.engine import raster, tiling
from mmcanet_core.errors import InferenceError
from mmcanet_core.inference import predict_raster
from mmcanet_core.options import MASK_METHODS
from mmcanet_core.weights.checkpoint import build_metadata

from conftest import SEN12MSCR, SHARED_DATA, require_shared_data

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from composite_eval import georeferenced_copy  # noqa: E402

FLOODS = SHARED_DATA / "sen1floods11"
NOGEO = SHARED_DATA / "sen12mscr_nogeo"
SUMMER = ("ROIs1868_summer_s1/s1_19/ROIs1868_summer_s1_19_p30.tif",
          "ROIs1868_summer_s2_cloudy/s2_cloudy_19/ROIs1868_summer_s2_cloudy_19_p30.tif")
RGB = [3, 2, 1]  # 0-based B4, B3, B2 of a 13-band file


class ConvNet(nn.Module):
    """A near-free stand-in network: one 3 x 3 convolution, so tiles and blending matter."""

    in_channels = 3
    sar_channels = 2

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.conv = nn.Conv2d(5, 3, 3, padding=1)

    def forward(self, sar, optical):  # (B, 2, H, W), (B, 3, H, W) -> (B, 3, H, W)
        return torch.sigmoid(self.conv(torch.cat([sar, optical], 1)))


def read(path):
    with rasterio.open(path) as ds:
        return ds.read()


def leftovers(folder):
    return sorted(p.name for p in Path(folder).iterdir())


def whole_scene_classes(path, bands=cloudmask.MASK_BANDS, classify=cloudmask.classify):
    """The mask of a whole scene in one piece, read as the engine reads it (NaN = invalid)."""
    with rasterio.open(path) as ds:
        return classify(raster.read_optical(ds, Window(0, 0, ds.width, ds.height), bands))


#: The engine's mask mechanics run on the Sen1Floods11 chip with this method: it finds cloud and
#: shadow on 1.5 % of the chip (bright roofs and greenhouses), which gives the composite
#: something to do. The default (parallax) finds none there
#: (test_the_default_mask_leaves_the_nearly_clear_chip_as_it_is).
MECHANICS = "swir-cirrus"


def mechanics_classes(path):
    return whole_scene_classes(path, classify=partial(cloudmask.classify, method=MECHANICS))


@pytest.fixture(scope="module")
def floods():
    """The real Sen1Floods11 chip: 512 x 512, EPSG:4326, int16 L1C with nodata 0, nearly clear:
    greenhouses, bright roofs and fields (the swir-cirrus method flags 1.5 % of it as cloud and
    shadow, the GEE score 6.7 %, issue 20; the default parallax method none)."""
    require_shared_data()
    return FLOODS / "Spain_7370579_S1Hand.tif", FLOODS / "Spain_7370579_S2Hand.tif"


@pytest.fixture(scope="module")
def floods_runs(floods, tmp_path_factory):
    """Raw, composite (+ mask output) and raw + mask output of the chip with 64 px tiles."""
    folder = tmp_path_factory.mktemp("floods")
    sar, optical = floods
    model = ConvNet().eval()
    kwargs = dict(model=model, tile=64, overlap=16, batch_size=8, device="cpu",
                  mask_method=MECHANICS)
    runs = {
        "raw": predict_raster(sar, optical, folder / "raw.tif", raw=True, **kwargs),
        "composite": predict_raster(sar, optical, folder / "out.tif",
                                    mask_output=folder / "mask.tif", **kwargs),
        "raw+mask": predict_raster(sar, optical, folder / "raw2.tif", raw=True,
                                   mask_output=folder / "raw_mask.tif", **kwargs),
    }
    return folder, runs


def test_clear_pixels_are_the_input_and_masked_pixels_the_network(floods, floods_runs):
    _, optical = floods
    folder, runs = floods_runs
    classes = mechanics_classes(optical)
    weight = feather_weight(np.isin(classes, (cloudmask.CLOUD, cloudmask.SHADOW)))
    inp, raw, out = read(optical), read(folder / "raw.tif"), read(folder / "out.tif")
    kept = [b for b in range(13) if b not in RGB]  # not restored: the input's, everywhere
    assert np.array_equal(out[kept], inp[kept]) and np.array_equal(raw[kept], inp[kept])
    inp, raw, out = inp[RGB], raw[RGB], out[RGB]
    assert out.dtype == inp.dtype == np.int16
    clear, full = weight == 0, weight == 1
    # A real nearly clear chip: bright roofs and greenhouses the swir-cirrus method takes
    assert 0.5 < clear.mean() < 0.99 and 0.005 < full.mean() < 0.3
    assert np.array_equal(out[:, clear], inp[:, clear])  # bit for bit
    assert np.array_equal(out[:, full], raw[:, full])  # the raw network output
    assert (raw[:, clear] != inp[:, clear]).mean() > 0.9  # the network does change them
    # The feather: the whole scene's weight, blended (within the rounding of the raw output).
    blend = weight * raw.astype(float) + (1 - weight) * inp
    assert np.abs(out - blend).max() <= 1.0
    band = (weight > 0) & (weight < 1)
    assert band.mean() > 0.01 and (out[:, band] != inp[:, band]).mean() > 0.5


def test_the_mask_output_is_the_whole_scene_mask_and_the_cover_is_reported(floods,
                                                                           floods_runs):
    _, optical = floods
    folder, runs = floods_runs
    classes = mechanics_classes(optical)  # one piece; the engine ran 64 px tiles in strips
    with rasterio.open(folder / "mask.tif") as mask, rasterio.open(optical) as src:
        assert (mask.crs, mask.transform, mask.shape) == (src.crs, src.transform, src.shape)
        assert mask.dtypes[0] == "uint8" and mask.nodata == 255 and mask.count == 1
        assert mask.colormap(1)[cloudmask.CLOUD][:3] == (255, 255, 255)
        assert "1 cloud, 2 shadow" in mask.descriptions[0]
        assert mask.profile["compress"] == "deflate"
        written = mask.read(1)
    assert np.array_equal(written, classes)
    assert np.array_equal(read(folder / "raw_mask.tif")[0], classes)
    result = runs["composite"]
    valid = classes != cloudmask.NODATA
    assert result.cloud_cover == pytest.approx((classes[valid] == cloudmask.CLOUD).mean())
    assert result.shadow_cover == pytest.approx((classes[valid] == cloudmask.SHADOW).mean())
    assert result.cloud_cover > 0.005 and result.shadow_cover > 0.003
    assert (result.composited, result.mask, result.mask_path) == (True, "l1c",
                                                                  folder / "mask.tif")
    cover = [e.fields for e in result.events if e.kind == "cover"]
    assert [(round(c["cloud"], 1), round(c["shadow"], 1)) for c in cover] == [(0.9, 0.6)]
    assert leftovers(folder) == ["mask.tif", "out.tif", "raw.tif", "raw2.tif", "raw_mask.tif"]


def test_clear_tiles_skip_the_network_and_raw_runs_every_tile(floods, floods_runs):
    _, optical = floods
    folder, runs = floods_runs
    weight = feather_weight(np.isin(mechanics_classes(optical),
                                    (cloudmask.CLOUD, cloudmask.SHADOW)))
    tiles = [t for row in tiling.plan_tile_rows(512, 512, 64, 16, 8) for t in row]
    needed = 0
    for t in tiles:
        row0, row1, col0, col1 = t.inside(512, 512)
        needed += bool(weight[row0:row1, col0:col1].any())
    assert runs["composite"].network_tiles == needed < 0.9 * len(tiles)  # 98 of 121
    assert runs["raw"].network_tiles == runs["raw+mask"].network_tiles == len(tiles)
    assert runs["raw"].cloud_cover is None and not runs["raw"].composited
    # A mask output leaves the raw output as it is.
    assert np.array_equal(read(folder / "raw2.tif"), read(folder / "raw.tif"))


def test_the_default_mask_leaves_the_nearly_clear_chip_as_it_is(floods, tmp_path):
    """Issue 20's example: in QGIS the chip's greenhouses, roofs and fields were "Cloud cover
    4.2 %" and refilled with olive and brown blobs. With the default mask nothing there is
    cloud: the output is the input, bit for bit, and no tile runs the network."""
    sar, optical = floods
    result = predict_raster(sar, optical, tmp_path / "out.tif", model=ConvNet().eval(),
                            tile=64, overlap=16, device="cpu")
    assert result.cloud_cover == result.shadow_cover == 0.0 and result.network_tiles == 0
    assert np.array_equal(read(tmp_path / "out.tif"), read(optical))
    swir = mechanics_classes(optical)  # not vacuous: the bright ground is there
    assert np.mean(swir == cloudmask.CLOUD) > 0.008


@pytest.fixture(scope="module")
def nogeo(tmp_path_factory):
    """Georeferenced temp copies of real triplets (synthetic UTM grid): id -> (s1, s2 cloudy)."""
    require_shared_data()
    folder = tmp_path_factory.mktemp("nogeo")
    out = {}
    for key in ("2266", "1302"):
        out[key] = tuple(georeferenced_copy(NOGEO / kind / f"{key}_{kind}.tif",
                                            folder / f"{key}_{kind}.tif")
                         for kind in ("s1", "s2_cloudy"))
    return out


def test_a_fully_cloudy_patch_is_the_raw_output_and_a_clear_one_the_input(nogeo, tmp_path):
    model = ConvNet().eval()
    kwargs = dict(model=model, tile=64, overlap=16, batch_size=8, device="cpu")
    sar, optical = nogeo["2266"]  # 100 % cloud in its real mask and in ours
    assert (whole_scene_classes(optical) == cloudmask.CLOUD).all()
    raw = predict_raster(sar, optical, tmp_path / "raw.tif", raw=True, **kwargs)
    cloudy = predict_raster(sar, optical, tmp_path / "cloudy.tif", **kwargs)
    assert cloudy.cloud_cover == 1.0 and cloudy.network_tiles == raw.network_tiles
    assert np.array_equal(read(tmp_path / "cloudy.tif"), read(tmp_path / "raw.tif"))
    sar, optical = nogeo["1302"]  # cloud-free: 0 % in both masks
    clear = predict_raster(sar, optical, tmp_path / "clear.tif", **kwargs)
    assert clear.cloud_cover == clear.shadow_cover == 0.0 and clear.network_tiles == 0
    assert np.array_equal(read(tmp_path / "clear.tif"), read(optical))  # all 13 bands


def test_a_user_mask_on_another_grid_replaces_the_automatic_mask(nogeo, tmp_path):
    """A real SEN12MS-CR cloud mask as a 20 m SCL-like layer (9 = cloud, 4 = vegetation)."""
    sar, optical = nogeo["1302"]  # cloud-free image: any change comes from the user mask
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        real = read(NOGEO / "cloudmask" / "5254_cloudmask.tif")[0] == 1  # 36 % cloud
    scl = np.where(real[::2, ::2], 9, 4).astype(np.uint8)  # (128, 128) at 20 m
    with rasterio.open(optical) as src:
        profile = dict(driver="GTiff", width=128, height=128, count=1, dtype="uint8",
                       crs=src.crs, transform=src.transform @ rasterio.Affine.scale(2))
    with rasterio.open(tmp_path / "scl.tif", "w", **profile) as dst:
        dst.write(scl[None])
    result = predict_raster(sar, optical, tmp_path / "out.tif", model=ConvNet().eval(), tile=64,
                            overlap=16, device="cpu", mask=tmp_path / "scl.tif",
                            mask_values="scl", mask_output=tmp_path / "mask.tif")
    expected = np.repeat(np.repeat(scl == 9, 2, axis=0), 2, axis=1)  # nearest onto 10 m
    written = read(tmp_path / "mask.tif")[0]
    assert np.array_equal(written, expected.astype(np.uint8))
    assert result.mask == "user" and result.cloud_cover == pytest.approx(expected.mean())
    weight = feather_weight(expected)
    out, inp = read(tmp_path / "out.tif")[RGB], read(optical)[RGB]
    assert np.array_equal(out[:, weight == 0], inp[:, weight == 0])
    assert (out[:, weight == 1] != inp[:, weight == 1]).mean() > 0.9


def five_band(optical, folder):
    with rasterio.open(optical) as src:
        profile = dict(src.profile, count=5)
        data = src.read([2, 3, 4, 8, 11])
    with rasterio.open(folder / "in_five.tif", "w", **profile) as dst:
        dst.write(data)
    return folder / "in_five.tif"


@pytest.mark.parametrize("case, changes, message", [
    ("no automatic mask", dict(optical="five", optical_bands=[1, 4, 5], metadata="B2,B8,B11"),
     "no automatic cloud mask for a 5-band.*--mask.*--raw"),
    ("missing mask", dict(mask="in_none.tif"), "mask raster .*does not exist"),
    ("far mask", dict(mask="far"), "does not cover the optical raster"),
    ("bad values", dict(mask="near", mask_values="clouds"), "neither a preset"),
    ("mask output is the output", dict(mask_output="out.tif"), "its own file name"),
    ("mask output is an input", dict(mask_output="optical"), "a file this run reads"),
    ("mask output folder", dict(mask_output="missing/mask.tif"), "does not exist"),
    ("dilate", dict(dilate=-1), "dilate -1 must be a whole number"),
    ("feather", dict(feather=1.5), "feather 1.5 must be a whole number"),
    ("mask method", dict(mask_method="fmask"), "unknown mask method 'fmask'.*--mask-method"),
])
def test_bad_mask_options_fail_before_any_work_and_leave_nothing(floods, tmp_path, case,
                                                                   changes, message):
    sar, optical = floods
    local = tmp_path / "in_optical.tif"
    local.write_bytes(optical.read_bytes())
    label = read(FLOODS / "Spain_7370579_LabelHand.tif")
    with rasterio.open(optical) as src:
        profile = dict(driver="GTiff", width=512, height=512, count=1, dtype="int16",
                       crs=src.crs, transform=src.transform)
    for name, shift in (("near", 0.0), ("far", 50.0)):
        with rasterio.open(tmp_path / f"in_{name}.tif", "w", **dict(
                profile, transform=rasterio.Affine.translation(shift, 0) @ src.transform)) as dst:
            dst.write(label)
    kwargs = dict(model=ConvNet(), tile=64, device="cpu")
    for key, value in changes.items():
        if value == "five":
            value = five_band(optical, tmp_path)
        elif value == "B2,B8,B11":  # weights for bands other than RGB
            value = build_metadata(name="convnet", options={}, optical_bands=(2, 8, 11),
                                   trained_on="nothing (test)")
        elif value == "optical":
            value = local
        elif isinstance(value, str) and key in ("mask", "mask_output"):
            value = tmp_path / (f"in_{value}.tif" if value in ("near", "far") else value)
        kwargs[key] = value
    optical_path = kwargs.pop("optical", local)
    before = leftovers(tmp_path)
    with pytest.raises(InferenceError, match=message):
        predict_raster(sar, optical_path, tmp_path / "out.tif", **kwargs)
    assert leftovers(tmp_path) == before


def test_cli_mask_options_and_the_rgb_fallback(tmp_path, tiny_weights, capsys):
    """An RGB-only file gets the cloud-only RGB mask; --raw, --mask, --mask-values and
    --mask-output reach predict_raster."""
    require_shared_data()
    sar, cloudy = SEN12MSCR / SUMMER[0], SEN12MSCR / SUMMER[1]  # thick cumulus
    crop = Window(64, 0, 128, 128)  # a third of it cloud
    with rasterio.open(cloudy) as src:
        profile = dict(src.profile, count=3, width=128, height=128,
                       transform=src.window_transform(crop))
        rgb = src.read([4, 3, 2], window=crop)
    with rasterio.open(tmp_path / "rgb.tif", "w", **profile) as dst:
        dst.write(rgb)
    common = ["predict", "--sar", str(sar), "--optical", str(tmp_path / "rgb.tif"),
              "--weights", str(tiny_weights), "--tile", "64", "--device", "cpu"]
    assert main(common + ["--output", str(tmp_path / "out.tif"),
                          "--mask-output", str(tmp_path / "mask.tif")]) == 0
    assert "cloud only, from B4, B3, B2" in capsys.readouterr().err
    classes = whole_scene_classes(tmp_path / "rgb.tif", (1, 2, 3), cloudmask.classify_rgb)
    assert 0.2 < (classes == cloudmask.CLOUD).mean() < 0.5
    assert np.array_equal(read(tmp_path / "mask.tif")[0], classes)
    clear = feather_weight(classes == cloudmask.CLOUD) == 0
    assert np.array_equal(read(tmp_path / "out.tif")[:, clear], rgb[:, clear])
    # A user mask (the RGB mask just written, as a 0/1 layer) gives the same composite.
    assert main(common + ["--output", str(tmp_path / "user.tif"), "--mask",
                          str(tmp_path / "mask.tif"), "--mask-values", "1"]) == 0
    assert np.array_equal(read(tmp_path / "user.tif"), read(tmp_path / "out.tif"))
    assert main(common + ["--output", str(tmp_path / "raw.tif"), "--raw"]) == 0
    raw = read(tmp_path / "raw.tif")
    assert (raw[:, clear] != rgb[:, clear]).mean() > 0.9
    assert main(common + ["--output", str(tmp_path / "bad.tif"), "--mask",
                          str(tmp_path / "mask.tif"), "--mask-values", "scl"]) == 2
    assert "only 0 and 1" in capsys.readouterr().err
    assert not (tmp_path / "bad.tif").exists()


def test_cli_mask_method_reaches_the_automatic_mask(tmp_path, tiny_weights, capsys):
    """--mask-method picks the automatic mask's tests (the mask output is that method's mask);
    the default is the first of options.MASK_METHODS."""
    require_shared_data()
    sar, cloudy = SEN12MSCR / SUMMER[0], SEN12MSCR / SUMMER[1]
    masks = {}
    for method in (None, *MASK_METHODS):
        name = method or "default"
        extra = ["--mask-method", method] if method else []
        assert main(["predict", "--sar", str(sar), "--optical", str(cloudy), "--weights",
                     str(tiny_weights), "--tile", "64", "--device", "cpu", "--output",
                     str(tmp_path / f"{name}.tif"), "--mask-output",
                     str(tmp_path / f"{name}_mask.tif"), *extra]) == 0
        assert f"(method {method or MASK_METHODS[0]})" in capsys.readouterr().err
        masks[name] = read(tmp_path / f"{name}_mask.tif")[0]
        expected = whole_scene_classes(cloudy, classify=partial(
            cloudmask.classify, method=method or MASK_METHODS[0]))
        assert np.array_equal(masks[name], expected), name
    assert np.array_equal(masks["default"], masks[MASK_METHODS[0]])
    assert np.any(masks["gee"] != masks["swir-cirrus"])  # not vacuous: the methods differ


def test_a_composite_with_kept_bands_loses_no_pixel_where_the_sar_is_fill(tmp_path):
    """Issue 20: with RGB weights a 13-band output merges 3 restored and 10 kept bands. The real
    SAR of the clear urban 4065 holds GRD fill (0 dB in both bands) beside roofs the swir-cirrus
    method flags (the default flags none there): the composite keeps the input there in every
    band (before: 21 valid pixels all-zero nodata)."""
    from scipy import ndimage

    from mmcanet_core.options import CHECKPOINT_DIR

    nogeo = SHARED_DATA / "sen12mscr_nogeo"
    sar = georeferenced_copy(nogeo / "s1" / "4065_s1.tif", tmp_path / "s1.tif")
    optical = georeferenced_copy(nogeo / "s2" / "4065_s2.tif", tmp_path / "s2.tif")
    predict_raster(sar, optical, tmp_path / "out.tif", device="cpu",
                   weights=CHECKPOINT_DIR / "mmcanet_demo_rgb.safetensors",
                   mask_output=tmp_path / "mask.tif", mask_method=MECHANICS)
    inp, out, classes = (read(tmp_path / n) for n in ("s2.tif", "out.tif", "mask.tif"))
    fill = (read(sar) == 0).all(axis=0)  # (H, W)
    near_cloud = ndimage.binary_dilation(classes[0] == cloudmask.CLOUD, iterations=4)
    assert (fill & near_cloud).sum() >= 5  # not vacuous: fill under the network's weight
    assert np.array_equal(out[:, fill], inp[:, fill])
    assert not ((out == 0).all(axis=0) & ~(inp == 0).all(axis=0)).any()


class ZeroNet(ConvNet):
    """A stand-in network whose output is 0 DN everywhere (real networks give 0 and below)."""

    def forward(self, sar, optical):
        return torch.zeros_like(optical) + 0.0 * self.conv(torch.cat([sar, optical], 1))


def _holes(output, optical):
    """Pixels valid in the input's B4, B3, B2 (as the engine reads them: declared nodata, or 0
    in all three where none is declared, is invalid) that the output marks as nodata in any band
    (its declared nodata, or 0 in every band where it declares none)."""
    with rasterio.open(optical) as src, rasterio.open(output) as out:
        valid = np.isfinite(raster.read_optical(src, Window(0, 0, src.width, src.height),
                                                (4, 3, 2))).all(axis=0)
        data, nodata = out.read((4, 3, 2)), out.nodata  # the network's bands (every input
        # band comes out at its position; the others are the input's own, engine/bands.py)
    hole = (data == 0).all(axis=0) if nodata is None else (data == nodata).any(axis=0)
    return int(np.count_nonzero(hole & valid)), nodata, data[:, valid]


@pytest.mark.parametrize("raw", [True, False])
def test_no_valid_pixel_comes_back_as_nodata(floods, tmp_path, raw):
    """Issues 20 and 24: network values of 0 DN and valid input zeros never become holes. The
    summer patch (uint16, no declared nodata) holds valid 0 values; the chip is int16 with
    nodata 0, where 0 is not the dtype's minimum."""
    sar, cloudy = (SEN12MSCR / p for p in SUMMER)
    with rasterio.open(cloudy) as src:  # valid zeros: B4, B3, B2 less their 5th percentile
        data, profile = src.read(), src.profile
    for band in RGB:
        data[band] -= np.minimum(data[band], np.percentile(data[band], 5).astype(data.dtype))
    with rasterio.open(tmp_path / "zeros.tif", "w", **profile) as dst:
        dst.write(data)
    zeros = int(np.count_nonzero((data[RGB] == 0).any(axis=0)))
    assert profile["nodata"] is None and zeros > 3000  # not vacuous: valid zeros are there
    summer = (sar, tmp_path / "zeros.tif")
    for name, (sar, optical) in {"summer": summer, "floods": floods}.items():
        out = tmp_path / f"{name}.tif"
        predict_raster(sar, optical, out, model=ZeroNet().eval(), tile=64, overlap=16,
                       device="cpu", raw=raw)
        holes, nodata, written = _holes(out, optical)
        with rasterio.open(optical) as src:
            assert nodata == src.nodata or (nodata is None and src.nodata is None), name
        assert holes == 0, (name, holes)
        if raw:  # every valid pixel is the network's: 0 DN written as 1 DN
            assert written.min() == 1 == written.max(), name
