"""Tiled, georeferenced inference on real SEN12MS-CR patches (``mmcanet_core.inference``).

Most tests use small stand-in networks with a known receptive field so that exact properties
(tiling = whole-scene prediction away from tile borders, nodata isolation) can be asserted; one
test runs the real (tiny) MMCANet end to end, and the CLI test runs it from a weights file.
"""

import numpy as np
import pytest
import rasterio
import torch
import torch.nn as nn
from rasterio.warp import Resampling, calculate_default_transform, reproject
from rasterio.windows import Window

from mmcanet_core import build_model
from mmcanet_core.cli import main
from mmcanet_core.engine import raster, tiling
from mmcanet_core.errors import InferenceCancelled, InferenceError
from mmcanet_core.inference import predict_raster, resolve_device
from mmcanet_core.preprocess import S2_BANDS, normalize_optical, normalize_sar
from mmcanet_core.weights.checkpoint import save_weights

TINY = dict(width=8, enc_blocks=(1, 1, 1, 1), dec_blocks=(1, 1))
# SEN12MS-CR patches with SAR, as (s1, optical) pairs; the spring ones pair with cloud-free s2.
PAIRS = [
    ("ROIs2017_winter_s1/s1_112/ROIs2017_winter_s1_112_p797.tif",
     "ROIs2017_winter_s2_cloudy/s2_cloudy_112/ROIs2017_winter_s2_cloudy_112_p797.tif"),
    ("ROIs1868_summer_s1/s1_19/ROIs1868_summer_s1_19_p30.tif",
     "ROIs1868_summer_s2_cloudy/s2_cloudy_19/ROIs1868_summer_s2_cloudy_19_p30.tif"),
    ("ROIs1158_spring_s1/s1_101/ROIs1158_spring_s1_101_p30.tif",
     "ROIs1158_spring_s2/s2_101/ROIs1158_spring_s2_101_p30.tif"),
    ("ROIs1158_spring_s1/s1_101/ROIs1158_spring_s1_101_p31.tif",
     "ROIs1158_spring_s2/s2_101/ROIs1158_spring_s2_101_p31.tif"),
    ("ROIs1158_spring_s1/s1_101/ROIs1158_spring_s1_101_p32.tif",
     "ROIs1158_spring_s2/s2_101/ROIs1158_spring_s2_101_p32.tif"),
    ("ROIs1158_spring_s1/s1_100/ROIs1158_spring_s1_100_p102.tif",
     "ROIs1970_fall_s2_cloudy/s2_cloudy_136/ROIs1970_fall_s2_cloudy_136_p100.tif"),
]


class LocalNet(nn.Module):
    """Fully convolutional stand-in, receptive field 7 x 7 (radius 3): translation-equivariant.

    Uses SAR strongly, so that misregistered SAR changes the output measurably.
    """

    in_channels = 3
    sar_channels = 2
    radius = 3

    def __init__(self, seed: int = 0):
        super().__init__()
        torch.manual_seed(seed)
        self.body = nn.Sequential(
            nn.Conv2d(5, 8, 3, padding=1), nn.Tanh(),
            nn.Conv2d(8, 8, 3, padding=1), nn.Tanh(),
            nn.Conv2d(8, 3, 3, padding=1),
        )

    def forward(self, sar, optical):  # (B, 2, H, W), (B, 3, H, W) -> (B, 3, H, W)
        return optical * 0.5 + 0.25 * sar.mean(1, keepdim=True) + 0.1 * self.body(
            torch.cat([sar, optical], 1))


class GlobalNet(LocalNet):
    """LocalNet plus a per-image global term: each tile sees its own context (like attention)."""

    def forward(self, sar, optical):
        context = optical.mean(dim=(2, 3), keepdim=True)  # (B, 3, 1, 1)
        return super().forward(sar, optical) + 0.5 * (context - 0.1)


class BatchOneOnly(LocalNet):
    """Raises CUDA out-of-memory for batches larger than one."""

    def forward(self, sar, optical):
        if sar.shape[0] > 1:
            raise torch.cuda.OutOfMemoryError("simulated")
        return super().forward(sar, optical)


def pair(sen12mscr, index=0):
    s1, s2 = PAIRS[index]
    return sen12mscr / s1, sen12mscr / s2


def read(path):
    with rasterio.open(path) as ds:
        return ds.read(), ds.profile


def write(path, data, profile, **changes):
    count, height, width = data.shape
    profile = dict(profile, count=count, height=height, width=width, dtype=data.dtype.name,
                   **changes)
    with rasterio.open(path, "w", **profile) as dst:
        dst.write(data)
    return path


def mosaic(paths, out, cols):
    """Real 256 x 256 patches side by side (``cols`` per row) on the first patch's grid."""
    arrays = [read(p)[0] for p in paths]
    profile = read(paths[0])[1]
    rows = [np.concatenate(arrays[i:i + cols], axis=2) for i in range(0, len(arrays), cols)]
    return write(out, np.concatenate(rows, axis=1), profile)


@pytest.fixture(scope="module")
def scene(sen12mscr, tmp_path_factory):
    """A 768 x 512 real scene (3 x 2 patches): SAR and optical mosaics on one grid."""
    folder = tmp_path_factory.mktemp("scene")
    sar = mosaic([sen12mscr / s1 for s1, _ in PAIRS], folder / "s1.tif", cols=3)
    optical = mosaic([sen12mscr / s2 for _, s2 in PAIRS], folder / "s2.tif", cols=3)
    return sar, optical


def planned_tiles(height, width, tile, overlap):
    """The engine's tiles (it reflects ``overlap // 2`` px of context beyond the scene)."""
    rows = tiling.plan_tile_rows(height, width, tile, overlap, overlap // 2)
    return [t for row in rows for t in row]


def tile_border_mask(height, width, tile, overlap, margin):
    """True farther than ``margin`` px from every tile edge and every scene edge."""
    near = np.ones((height, width), dtype=bool)
    near[margin:height - margin, margin:width - margin] = False
    for t in planned_tiles(height, width, tile, overlap):
        r0, r1, c0, c1 = max(t.row, 0), t.row + t.height, max(t.col, 0), t.col + t.width
        for r in (t.row, t.row + t.height):
            near[max(0, r - margin):max(0, r + margin), c0:c1] = True
        for c in (t.col, t.col + t.width):
            near[r0:r1, max(0, c - margin):max(0, c + margin)] = True
    return ~near


def leftovers(folder, keep=()):
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


# --- georeferencing and the real network ------------------------------------------------------


def test_real_mmcanet_output_on_optical_grid(sen12mscr, tmp_path):
    sar, optical = pair(sen12mscr, 0)
    torch.manual_seed(0)
    model = build_model("mmcanet", **TINY)
    seen = []
    result = predict_raster(sar, optical, tmp_path / "out.tif", model=model, tile=128,
                            overlap=32, batch_size=4, progress=lambda d, t: seen.append((d, t)))
    with rasterio.open(optical) as src, rasterio.open(result.output_path) as out:
        assert (out.crs, out.transform, out.shape) == (src.crs, src.transform, src.shape)
        # Every input band comes out, in the input's order (engine/bands.py).
        assert out.count == 13 and out.dtypes[0] == "uint16" and out.nodata is None  # as the input
        assert out.descriptions[3] == "B4 (cloud-free, MMCANet)"
        assert out.descriptions[0] == "B1 (input, not restored)"
        assert out.profile["compress"] == "deflate"
        data = out.read()
    assert data.min() >= 1 and data.max() <= 10000  # restored DN, none reads as nodata
    assert result.bands == [4, 3, 2] and result.tiles == 9 and result.sar_scale == "db"
    assert seen[-1] == (9, 9) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert leftovers(tmp_path) == ["out.tif"]


# --- tiling -------------------------------------------------------------------------------------


def test_tiled_equals_whole_scene_inside_tiles(scene, tmp_path):
    sar, optical = scene
    model = LocalNet()
    tiled = predict_raster(sar, optical, tmp_path / "tiled.tif", model=model, tile=128,
                           overlap=32, batch_size=3)
    whole = predict_raster(sar, optical, tmp_path / "whole.tif", model=model, tile=768,
                           overlap=0)
    assert tiled.tiles == len(planned_tiles(512, 768, 128, 32)) >= 40 and whole.tiles == 1
    a, b = read(tiled.output_path)[0].astype(int), read(whole.output_path)[0].astype(int)
    interior = tile_border_mask(512, 768, 128, 32, margin=LocalNet.radius + 1)
    fill = np.all(read(sar)[0] == 0, axis=0)  # 18 px of GRD fill (0 in both bands): invalid,
    interior &= ~grow(fill, LocalNet.radius + 1)  # filled with each tile's own mean
    assert interior.mean() > 0.5
    assert np.abs(a - b)[:, interior].max() <= 1  # equal up to uint16 rounding
    # Near tile borders the zero padding of each tile differs a little, never wildly.
    assert np.abs(a - b).mean() < 5


def seam_profile(tiled, whole):
    """Column profile of |d/dx (tiled - whole)|, averaged over bands and rows.

    The 8 columns at each scene edge are left out: there the tiled run sees reflected context
    and the single pass the network's zero padding, by design.
    """
    diff = tiled.astype(float) - whole.astype(float)
    return np.abs(np.diff(diff, axis=2)).mean(axis=(0, 1))[8:-8]


def test_blending_leaves_no_seam(scene, tmp_path, monkeypatch):
    sar, optical = scene
    model = GlobalNet()  # each tile gets its own brightness offset: a seam unless blended
    whole = read(predict_raster(sar, optical, tmp_path / "w.tif", model=model, tile=768,
                                overlap=0, raw=True).output_path)[0]
    blended = read(predict_raster(sar, optical, tmp_path / "b.tif", model=model, tile=128,
                                  overlap=32, raw=True).output_path)[0]
    monkeypatch.setattr(tiling, "blend_weight", lambda h, w, overlap: np.ones((h, w), np.float32))
    boxed = read(predict_raster(sar, optical, tmp_path / "x.tif", model=model, tile=128,
                                overlap=32, raw=True).output_path)[0]
    seam_blended, seam_boxed = seam_profile(blended, whole), seam_profile(boxed, whole)
    assert seam_boxed.max() > 20  # the tiles really disagree: hard edges show up ...
    assert seam_blended.max() < seam_boxed.max() / 5  # ... and blending removes them
    # Gradient of the blended output across tile borders is not larger than elsewhere.
    grad = np.abs(np.diff(blended.astype(float), axis=2)).mean(axis=(0, 1))  # (W - 1,)
    tiles = planned_tiles(512, 768, 128, 32)
    edges = sorted(e for e in {t.col - 1 for t in tiles} | {t.col + t.width - 1 for t in tiles}
                   if 0 <= e < 767)
    patch_seams = {255, 511}  # the mosaic's own joins between different real patches
    rest = np.setdiff1d(np.arange(grad.size), edges + sorted(patch_seams))
    assert grad[[e for e in edges if e not in patch_seams]].mean() < 1.2 * grad[rest].mean()


def test_scene_smaller_than_a_tile(sen12mscr, tmp_path):
    sar, optical = pair(sen12mscr, 1)
    for path, name in ((sar, "s1.tif"), (optical, "s2.tif")):
        with rasterio.open(path) as src:
            data = src.read(window=Window(10, 20, 90, 60))
            profile = dict(src.profile, transform=src.window_transform(Window(10, 20, 90, 60)),
                           width=90, height=60)
        write(tmp_path / name, data, profile)
    result = predict_raster(tmp_path / "s1.tif", tmp_path / "s2.tif", tmp_path / "out.tif",
                            model=LocalNet(), tile=128)
    with rasterio.open(result.output_path) as out, rasterio.open(tmp_path / "s2.tif") as src:
        assert (out.shape, out.transform) == ((60, 90), src.transform)
        assert out.read().min() >= 1
    assert result.tiles == 1


# --- SAR on other grids and scales -----------------------------------------------------------


def reproject_sar(src_path, out_path, crs):
    """Warp a real SAR patch to ``crs`` (bilinear, about the same pixel size)."""
    with rasterio.open(src_path) as src:
        transform, width, height = calculate_default_transform(
            src.crs, crs, src.width, src.height, *src.bounds)
        data = np.full((2, height, width), np.nan, dtype=np.float32)
        reproject(src.read(), data, src_transform=src.transform, src_crs=src.crs,
                  dst_transform=transform, dst_crs=crs, resampling=Resampling.bilinear,
                  src_nodata=np.nan, dst_nodata=np.nan)
        profile = dict(src.profile, crs=crs, transform=transform, width=width, height=height,
                       nodata=np.nan)
    return write(out_path, data, profile)


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:32632"])
def test_sar_in_another_crs_matches_aligned_sar(sen12mscr, tmp_path, crs):
    sar, optical = pair(sen12mscr, 1)
    model = LocalNet()
    aligned = read(predict_raster(sar, optical, tmp_path / "a.tif", model=model).output_path)[0]
    warped_sar = reproject_sar(sar, tmp_path / "sar_other.tif", crs)
    result = predict_raster(warped_sar, optical, tmp_path / "w.tif", model=model)
    warped, profile = read(result.output_path)
    assert profile["crs"] == read(optical)[1]["crs"] and warped.shape == aligned.shape
    valid = (warped != 0).all(axis=0)
    assert valid.mean() > 0.97  # only a thin rim can fall outside the warped SAR
    error = np.abs(warped.astype(float) - aligned)[:, valid].mean()
    # Misregistered SAR (flipped) changes the output far more than two resamplings do.
    flipped = write(tmp_path / "flip.tif", read(sar)[0][:, ::-1].copy(), read(sar)[1])
    wrong = read(predict_raster(flipped, optical, tmp_path / "f.tif", model=model)
                 .output_path)[0]
    assert error < 0.25 * np.abs(wrong.astype(float) - aligned).mean()


def test_linear_power_sar_is_detected(sen12mscr, tmp_path):
    sar, optical = pair(sen12mscr, 0)
    db, profile = read(sar)
    linear = write(tmp_path / "linear.tif", (10 ** (db / 10)).astype(np.float32), profile)
    model = LocalNet()  # raw outputs: p797 is clear, so a composite would be the input itself
    ref = predict_raster(sar, optical, tmp_path / "db_out.tif", model=model, raw=True)
    got = predict_raster(linear, optical, tmp_path / "lin_out.tif", model=model, raw=True)
    assert (ref.sar_scale, got.sar_scale) == ("db", "linear")
    diff = np.abs(read(got.output_path)[0].astype(int) - read(ref.output_path)[0])
    assert diff.max() <= 1
    forced = predict_raster(linear, optical, tmp_path / "f.tif", model=model, sar_scale="db",
                            raw=True)
    assert np.abs(read(forced.output_path)[0].astype(int) - read(ref.output_path)[0]).max() > 10


# --- nodata -------------------------------------------------------------------------------------


def test_nodata_and_nan_stay_nodata_and_do_not_spread(sen12mscr, tmp_path):
    sar, optical = pair(sen12mscr, 1)
    model = LocalNet()
    # raw: the network everywhere (with the mask, a SAR hole over clear ground keeps the input)
    clean = read(predict_raster(sar, optical, tmp_path / "c.tif", model=model, tile=128,
                                overlap=32, raw=True).output_path)[0]
    s1, s1_profile = read(sar)
    s1[:, 40:60, 50:90] = np.nan  # a NaN hole in the SAR
    s2, s2_profile = read(optical)
    s2[:, 150:200, 120:140] = 0  # an optical nodata block
    holes = predict_raster(write(tmp_path / "s1.tif", s1, s1_profile),
                           write(tmp_path / "s2.tif", s2, s2_profile, nodata=0),
                           tmp_path / "h.tif", model=model, tile=128, overlap=32, raw=True)
    out, profile = read(holes.output_path)
    assert profile["nodata"] == 0
    # The network's bands (B4, B3, B2); every other band is the input's (engine/bands.py),
    # except where the restored bands are nodata: there the whole pixel is (no pixel is part
    # restored, part nodata).
    rgb, kept = [3, 2, 1], [b for b in range(13) if b not in (3, 2, 1)]
    hole = np.zeros((256, 256), bool)
    hole[40:60, 50:90] = hole[150:200, 120:140] = True
    assert np.array_equal(out[kept][:, ~hole], s2[kept][:, ~hole])
    assert (out[:, hole] == 0).all()
    out, clean = out[rgb], clean[rgb]
    assert (out[:, hole] == 0).all() and (out[:, ~hole] > 0).all()
    far = ~grow(hole, LocalNet.radius + 1)  # beyond the receptive field of the holes
    assert far.mean() > 0.8
    assert np.abs(out.astype(int) - clean)[:, far].max() <= 1


def grow(mask, k):
    """Binary dilation of a (H, W) mask by a (2k + 1)^2 square."""
    padded = np.pad(mask, k)
    h, w = mask.shape
    out = np.zeros_like(mask)
    for dy in range(2 * k + 1):
        for dx in range(2 * k + 1):
            out |= padded[dy:dy + h, dx:dx + w]
    return out


# --- devices, batches, cancel --------------------------------------------------------------------


def test_cuda_oom_retries_with_smaller_batch(sen12mscr, tmp_path):
    sar, optical = pair(sen12mscr, 0)
    ref = predict_raster(sar, optical, tmp_path / "r.tif", model=LocalNet(), tile=64,
                         batch_size=1, raw=True)
    got = predict_raster(sar, optical, tmp_path / "o.tif", model=BatchOneOnly(), tile=64,
                         batch_size=8, raw=True)
    assert got.batch_size == 1
    assert np.array_equal(read(got.output_path)[0], read(ref.output_path)[0])


def test_half_on_cpu_is_bfloat16_and_close(sen12mscr, tmp_path):
    sar, optical = pair(sen12mscr, 0)
    full = predict_raster(sar, optical, tmp_path / "f.tif", model=LocalNet(), device="cpu",
                          raw=True)
    half = predict_raster(sar, optical, tmp_path / "h.tif", model=LocalNet(), device="cpu",
                          half=True, raw=True)
    assert full.tiles == 9 and any(e.kind == "network" and "bfloat16" in e.fields["description"]
                                           for e in half.events)  # default tile 128
    diff = np.abs(read(half.output_path)[0].astype(int) - read(full.output_path)[0])
    assert 0 < diff.max() and diff.mean() < 10  # DN; the scene's values are in the thousands


def test_resolve_device(monkeypatch):
    device, reason = resolve_device("cpu")
    assert device.type == "cpu" and reason
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert resolve_device("auto")[0].type == "cpu"
    with pytest.raises(InferenceError, match="no CUDA GPU.*'cpu'"):
        resolve_device("cuda")
    with pytest.raises(InferenceError, match="unknown device"):
        resolve_device("tpu")


def test_cancel_leaves_no_file(sen12mscr, tmp_path):
    sar, optical = pair(sen12mscr, 0)
    calls = []

    def cancel_after_first_batch():
        calls.append(1)
        return len(calls) > 1

    with pytest.raises(InferenceCancelled):
        predict_raster(sar, optical, tmp_path / "out.tif", model=LocalNet(), tile=64,
                       batch_size=2, is_cancelled=cancel_after_first_batch)
    assert len(calls) == 2 and leftovers(tmp_path) == [] and stage_threads() == []


# --- bad input: clear error before any work, nothing left behind ------------------------------


def bad_inputs(sen12mscr, tmp_path):
    """name -> (predict_raster kwargs changes, regex the message must match)."""
    sar, optical = pair(sen12mscr, 0)
    db, profile = read(sar)
    one_band = write(tmp_path / "in_1band.tif", db[:1], profile)
    far = write(tmp_path / "in_far.tif", db, profile,
                transform=profile["transform"] @ rasterio.Affine.translation(100000, 0))
    fake = tmp_path / "in_fake.safetensors"  # a real GeoTIFF under a weights name
    fake.write_bytes(optical.read_bytes())
    junk = tmp_path / "in_junk.tif"
    junk.write_text("not a raster at all\n")
    return {
        "missing SAR": (dict(sar_path=tmp_path / "nope.tif"), "does not exist"),
        "missing optical": (dict(optical_path=tmp_path / "nope.tif"), "does not exist"),
        "not a raster": (dict(sar_path=junk), "cannot be read by GDAL"),
        "1-band SAR": (dict(sar_path=one_band), "1 band.*VV, VH"),
        "no overlap": (dict(sar_path=far), "do not overlap.*covers"),
        "band 14": (dict(optical_bands=[4, 3, 14]), r"\[14\] do not exist.*1 to 13"),
        "two bands": (dict(optical_bands=[4, 3]), "takes 3 optical bands.*4,3,2"),
        "foreign weights": (dict(weights=fake, model=None), "not a safetensors.*saved by"),
        "no model": (dict(model=None), "no model: pass weights"),
        "tile": (dict(tile=100), "multiple of 16"),
        "overlap": (dict(overlap=200), "overlap 200"),
        "sar scale": (dict(sar_scale="amplitude"), "'db' or 'linear'"),
        "no folder": (dict(output_path=tmp_path / "missing" / "out.tif"), "does not exist"),
        "backend": (dict(backend="tensorflow"), "'tensorflow' is not one of auto, torch, "
                    "onnxruntime"),
        "optical scale": (dict(optical_scale="percent"), "'percent' is not one of auto, dn"),
        "mask values": (dict(mask_values="clouds"), "neither a preset"),
        "output exists": (dict(output_path=tmp_path / "in_junk.tif"),
                          "already exists; pass --overwrite"),
        "output is an input": (dict(output_path=pair(sen12mscr, 0)[1], overwrite=True),
                               "a file this run reads"),
    }


@pytest.mark.parametrize("case", [
    "missing SAR", "missing optical", "not a raster", "1-band SAR", "no overlap", "band 14",
    "two bands", "foreign weights", "no model", "tile", "overlap", "sar scale", "no folder",
    "backend", "optical scale", "mask values", "output exists", "output is an input",
])
def test_bad_input_is_a_clear_error_and_leaves_nothing(sen12mscr, tmp_path, case):
    changes, message = bad_inputs(sen12mscr, tmp_path)[case]
    sar, optical = pair(sen12mscr, 0)
    kwargs = dict(sar_path=sar, optical_path=optical, output_path=tmp_path / "out.tif",
                  model=LocalNet(), tile=128)
    kwargs.update(changes)
    before = leftovers(tmp_path)
    with pytest.raises(InferenceError, match=message):
        predict_raster(**kwargs)
    assert leftovers(tmp_path) == before


def test_choices_for_callers_and_overwrite_replaces_only_with_permission(sen12mscr, tmp_path):
    from mmcanet_core.options import BACKENDS, MASK_PRESETS, OPTICAL_SCALES

    assert BACKENDS == ("auto", "torch", "onnxruntime")
    assert OPTICAL_SCALES == ("auto", "dn", "offset", "reflectance")
    assert set(MASK_PRESETS) == {"scl", "fmask", "binary"}
    sar, optical = pair(sen12mscr, 0)
    out = tmp_path / "out.tif"
    out.write_text("an older result")
    with pytest.raises(InferenceError, match="already exists; pass --overwrite"):
        predict_raster(sar, optical, out, model=LocalNet(), tile=128)
    assert out.read_text() == "an older result"
    predict_raster(sar, optical, out, model=LocalNet(), tile=128, overwrite=True)
    assert read(out)[0].shape == (13, 256, 256)


def test_optical_band_count_needs_a_band_list(sen12mscr, tmp_path):
    sar, optical = pair(sen12mscr, 0)
    data, profile = read(optical)
    five = write(tmp_path / "five.tif", data[:5], profile)
    with pytest.raises(InferenceError, match="5 band.*--bands"):
        predict_raster(sar, five, tmp_path / "o.tif", model=LocalNet())
    rgb = write(tmp_path / "rgb.tif", data[[3, 2, 1]], profile)  # a 3-band file: bands 1-3
    result = predict_raster(sar, rgb, tmp_path / "rgb_out.tif", model=LocalNet())
    assert result.bands == [1, 2, 3]
    full = predict_raster(sar, optical, tmp_path / "full_out.tif", model=LocalNet())
    # The 3-band file's output is the 13-band file's B4, B3, B2 (at their input positions).
    assert np.array_equal(read(result.output_path)[0], read(full.output_path)[0][[3, 2, 1]])
    assert full.band_names[3].startswith(S2_BANDS[3]) and len(full.band_names) == 13


# --- command line -------------------------------------------------------------------------------


def test_cli_predict_with_weights_and_preview(sen12mscr, tmp_path, capsys, artifacts):
    sar, optical = pair(sen12mscr, 1)
    torch.manual_seed(0)
    weights = save_weights(tmp_path / "tiny.safetensors", build_model("mmcanet", **TINY),
                           name="mmcanet", options=TINY, optical_bands=(4, 3, 2),
                           trained_on="nothing (untrained test weights)")
    preview = artifacts / "predict_preview.png"
    code = main(["predict", "--sar", str(sar), "--optical", str(optical), "--output",
                 str(tmp_path / "out.tif"), "--weights", str(weights), "--tile", "256",
                 "--device", "cpu", "--preview", str(preview), "--overwrite"])
    assert code == 0
    assert capsys.readouterr().out.strip().endswith("out.tif")
    with rasterio.open(tmp_path / "out.tif") as out:
        assert out.count == 13 and out.crs == rasterio.open(optical).crs
    import matplotlib.image

    picture = matplotlib.image.imread(preview)
    assert picture.shape[1] > 2 * picture.shape[0]  # three panels side by side
    assert picture[..., :3].std() > 0.05


def crop_pair(sen12mscr, folder, size=128, index=1):
    """(SAR, optical) copies of the top-left ``size`` px of a real pair (fast CLI runs)."""
    out = []
    for path, name in zip(pair(sen12mscr, index), ("in_s1.tif", "in_s2.tif")):
        with rasterio.open(path) as src:
            window = Window(0, 0, size, size)
            out.append(write(folder / name, src.read(window=window), src.profile,
                             transform=src.window_transform(window)))
    return out


def test_cli_backend_and_overwrite(sen12mscr, tmp_path, capsys):
    """--backend chooses what runs the network (the shipped .onnx on onnxruntime here), and an
    existing output is replaced only with --overwrite."""
    from mmcanet_core.options import shipped_checkpoint

    sar, optical = crop_pair(sen12mscr, tmp_path)
    onnx = shipped_checkpoint().with_suffix(".onnx")
    out = tmp_path / "out.tif"
    common = ["predict", "--sar", str(sar), "--optical", str(optical), "--output", str(out),
              "--tile", "128", "--device", "cpu", "--raw"]
    assert main(common + ["--weights", str(onnx), "--backend", "torch"]) == 2
    assert "runs on onnxruntime" in capsys.readouterr().err and not out.exists()
    assert main(common + ["--weights", str(onnx), "--backend", "onnxruntime"]) == 0
    assert "network: onnxruntime" in capsys.readouterr().err
    first = read(out)[0]
    assert main(common + ["--weights", str(onnx)]) == 2  # exists, no --overwrite
    err = capsys.readouterr().err
    assert "already exists; pass --overwrite" in err and np.array_equal(read(out)[0], first)
    assert main(common + ["--overwrite"]) == 0  # the shipped .safetensors on torch ("auto")
    assert "network: PyTorch" in capsys.readouterr().err
    diff = np.abs(read(out)[0].astype(int) - first)
    assert diff.max() <= 2  # the two backends agree (DN)
    assert main(common + ["--overwrite", "--output", str(sar)]) == 2  # never an input
    assert "a file this run reads" in capsys.readouterr().err
    assert leftovers(tmp_path) == ["in_s1.tif", "in_s2.tif", "out.tif"]


def test_tiles_are_multiples_of_the_onnx_graphs_multiple():
    from mmcanet_core.inference import _check_tiling

    assert _check_tiling(None, None, 1, native=48, graph_multiple=32) == (64, 16)
    assert _check_tiling(96, None, 1, native=48, graph_multiple=16) == (96, 24)
    with pytest.raises(InferenceError, match="multiple of 32.*ONNX graph.*--tile 256"):
        _check_tiling(48, None, 1, graph_multiple=32)


def test_cli_without_weights_or_model_is_a_clear_error(sen12mscr, tmp_path, capsys, monkeypatch):
    from mmcanet_core import options

    monkeypatch.setattr(options, "CHECKPOINT_DIR", tmp_path / "none")
    sar, optical = pair(sen12mscr, 1)
    code = main(["predict", "--sar", str(sar), "--optical", str(optical), "--output",
                 str(tmp_path / "out.tif")])
    assert code == 2
    assert "--weights" in capsys.readouterr().err
    assert not (tmp_path / "out.tif").exists()


def test_cli_untrained_model_warns_loudly(sen12mscr, tmp_path, capsys, monkeypatch):
    """A real untrained network (nothing patched but the shipped-weights folder): the run says
    loudly that its output is meaningless, and the output is that network's."""
    from mmcanet_core import options

    monkeypatch.setattr(options, "CHECKPOINT_DIR", tmp_path / "none")
    sar, optical = pair(sen12mscr, 1)
    out = tmp_path / "out.tif"
    code = main(["predict", "--sar", str(sar), "--optical", str(optical), "--output", str(out),
                 "--model", "dsen2cr", "--tile", "128", "--raw"])
    assert code == 0
    err = capsys.readouterr().err
    assert "UNTRAINED 'dsen2cr'" in err and "MEANINGLESS" in err
    with rasterio.open(out) as restored, rasterio.open(optical) as cloudy:
        assert restored.count == 13 and restored.shape == cloudy.shape  # every band comes out
        values = restored.read((4, 3, 2)).astype(np.float64)
        inputs = cloudy.read((4, 3, 2)).astype(np.float64)
    assert np.isfinite(values).all() and values.std() > 0
    assert np.abs(values - inputs).mean() > 100  # not the input: a random network's guess


def test_weights_inference_tile_is_the_default_tile(sen12mscr, tmp_path):
    """The shipped weights were trained on 64 px crops but evaluated on 256 px tiles."""
    from conftest import TINY

    sar, optical = pair(sen12mscr, 1)  # 256 x 256
    model = build_model("mmcanet", in_channels=3, **TINY)
    tiles = {}
    for extra in ({}, {"inference_tile": 256}):
        weights = tmp_path / f"w{len(extra)}.safetensors"
        save_weights(weights, model, name="mmcanet", options=dict(TINY, in_channels=3),
                     optical_bands=(4, 3, 2), trained_on="t", patch_size=64, **extra)  # fmt: skip
        out = tmp_path / f"out{len(extra)}.tif"
        tiles[len(extra)] = predict_raster(sar, optical, out, weights=weights, device="cpu").tiles
    assert tiles[1] <= 4  # 256 px tiles (2 x 2 with the reflected scene border)
    assert tiles[0] >= 16  # 64 px tiles, from the training patch size


# --- the pipelined engine ----------------------------------------------------------------------


def serial_reference(sar_path, optical_path, model, tile, overlap, batch_size):
    """The engine as it was before the pipeline (commit 12d7c66), as plainly as possible: one
    thread; every tile read on its own window and reflect-padded, normalised, filled, in plan
    order, ``batch_size`` tiles per network call; blended and converted like the engine.
    (C, H, W) uint16."""
    with rasterio.open(sar_path) as sar, rasterio.open(optical_path) as optical:
        height, width = optical.height, optical.width

        def read_tile(read, t):
            row0, row1, col0, col1 = t.inside(height, width)
            data = read(Window(col0, row0, col1 - col0, row1 - row0))
            pads = ((0, 0), (row0 - t.row, t.row + t.height - row1),
                    (col0 - t.col, t.col + t.width - col1))
            return np.pad(data, pads, mode="reflect")

        def fill(data, valid):
            data = data.copy()
            for band in data:
                band[~valid] = band[valid].mean() if valid.any() else 0.5
            return data

        rows = tiling.plan_tile_rows(height, width, tile, overlap, overlap // 2)
        blender = tiling.StripBlender(3, rows[0][0].height, width, overlap)
        out = np.zeros((3, height, width), np.uint16)
        flat = [(r, t) for r, row in enumerate(rows) for t in row]

        def read_sar(window):  # 0 in both bands is GRD's no-data fill (since issue 15)
            values = raster.read_float(sar, window, (1, 2))
            values[:, np.all(values == 0, axis=0)] = np.nan
            return values

        for chunk in tiling.batches(flat, batch_size):
            tiles = []
            for _, t in chunk:
                s = normalize_sar(read_tile(read_sar, t))
                o = normalize_optical(read_tile(
                    lambda w: raster.read_optical(optical, w, (4, 3, 2)), t))
                valid = np.isfinite(s).all(0) & np.isfinite(o).all(0)
                tiles.append((fill(s, valid), fill(o, valid), valid))
            run = [i for i, (_, _, valid) in enumerate(tiles) if valid.any()]
            with torch.inference_mode():
                restored = model(torch.from_numpy(np.stack([tiles[i][0] for i in run])),
                                 torch.from_numpy(np.stack([tiles[i][1] for i in run])))
                restored = restored.float().clamp_(0, 1).numpy()
            dn = dict(zip(run, restored * 10000.0 + 0.0))
            for i, (r, t) in enumerate(chunk):
                row0, row1, col0, col1 = t.inside(height, width)
                inner = (slice(row0 - t.row, row1 - t.row), slice(col0 - t.col, col1 - t.col))
                pred = dn.get(i, np.zeros((3, t.height, t.width), np.float32))
                blender.add(t, pred[(slice(None),) + inner], tiles[i][2][inner])
                if t is rows[r][-1]:
                    top = blender.top
                    bottom = height if r + 1 == len(rows) else rows[r + 1][0].row
                    values = blender.finish_rows(bottom)
                    out[:, top:bottom] = raster.to_output_dtype(values, np.uint16, 0)
    return out


def stage_threads():
    import threading

    return [t.name for t in threading.enumerate() if t.name.startswith("mmcanet-")]


@pytest.fixture(scope="module")
def holey_scene(scene, tmp_path_factory):
    """The 768 x 512 real scene with a SAR hole covering whole tiles and an optical nodata
    block: the engine must fill, skip and blend exactly as before."""
    folder = tmp_path_factory.mktemp("holes")
    s1, s1_profile = read(scene[0])
    s1[:, 0:200, 500:768] = np.nan
    s2, s2_profile = read(scene[1])
    s2[:, 300:340, 100:180] = 0
    return (write(folder / "s1.tif", s1, s1_profile),
            write(folder / "s2.tif", s2, s2_profile, nodata=0))


@pytest.mark.parametrize("model_name, tile, batch", [("local", 128, 3), ("global", 64, 5)])
def test_pipelined_engine_is_bit_identical_to_the_serial_engine(holey_scene, tmp_path,
                                                                 model_name, tile, batch):
    sar, optical = holey_scene
    model = {"local": LocalNet, "global": GlobalNet}[model_name]().eval()
    result = predict_raster(sar, optical, tmp_path / "out.tif", model=model, tile=tile,
                            overlap=tile // 4, batch_size=batch, device="cpu", sar_scale="db",
                            raw=True)  # the raw network output: as before compositing existed
    got = read(result.output_path)[0]
    expected = serial_reference(sar, optical, model, tile, tile // 4, batch)
    lost = (expected == 0).all(axis=0)  # no valid input: the whole pixel is nodata
    kept = [b for b in range(13) if b not in (3, 2, 1)]  # copied from the input (bands.py)
    assert np.array_equal(got[kept][:, ~lost], read(optical)[0][kept][:, ~lost])
    assert (got[:, lost] == 0).all()
    got = got[[3, 2, 1]]  # the network's bands, where the input has them
    assert (expected == 0).any() and (expected > 0).mean() > 0.8  # holes and real output
    assert np.array_equal(got, expected)


def tiled_copy(path, out, block):
    """``path`` rewritten as a tiled DEFLATE GeoTIFF with ``block``-px blocks."""
    data, profile = read(path)
    return write(out, data, profile, tiled=True, blockxsize=block, blockysize=block,
                 compress="deflate")


def test_sample_windows_are_few_block_aligned_and_spread(scene, tmp_path):
    big = np.tile(read(scene[0])[0], (1, 4, 3))  # (2, 2048, 2304) real SAR
    path = write(tmp_path / "big.tif", big, read(scene[0])[1], tiled=True, blockxsize=256,
                 blockysize=256, compress="deflate")
    with rasterio.open(path) as ds:
        windows = raster.sample_windows(ds)
        assert len(windows) == 9 and len(set(map(tuple, map(Window.flatten, windows)))) == 9
        for w in windows:
            assert w.col_off % 256 == 0 and w.row_off % 256 == 0
            assert (w.width, w.height) == (256, 256)
            assert w.col_off + w.width <= ds.width and w.row_off + w.height <= ds.height
        rows = {w.row_off for w in windows}
        cols = {w.col_off for w in windows}
        assert min(rows) < ds.height / 3 and max(rows) > ds.height / 2  # spread, not a corner
        assert min(cols) < ds.width / 3 and max(cols) > ds.width / 2
        sample = raster.read_sample(ds, (1, 2))
        assert sample.shape == (2, 9 * 256 * 256)

        class Counting:  # counts the pixels detect_sar_scale reads
            pixels = 0

            def __getattr__(self, name):
                return getattr(ds, name)

            def read(self, *args, window=None, **kwargs):
                Counting.pixels += window.width * window.height
                return ds.read(*args, window=window, **kwargs)

        assert raster.detect_sar_scale(Counting()) == "db"
        assert Counting.pixels <= 9 * 256 * 256 < 0.15 * ds.width * ds.height
    with rasterio.open(scene[0]) as striped:  # blocks of a few whole rows
        for w in raster.sample_windows(striped):
            assert w.row_off % striped.block_shapes[0][0] == 0 and w.height >= 256


def test_strip_buffer_reflects_like_numpy_pad():
    from mmcanet_core.engine.scene import StripBuffer

    scene_rows = np.arange(2 * 37 * 11, dtype=np.float32).reshape(2, 37, 11)
    calls = []

    def read(window):
        calls.append((window.row_off, window.height))
        rows = slice(window.row_off, window.row_off + window.height)
        return {"x": scene_rows[:, rows], "m": scene_rows[0, rows] > 100}

    buffer = StripBuffer(read, 37, 11, columns=(-3, 14), capacity=16, chunk=5)
    expected = np.pad(scene_rows, ((0, 0), (8, 8), (3, 3)), mode="reflect")
    for row0 in (-4, 2, 10, 18, 25):  # strips of 16 rows, overlapping, moving down
        strip = buffer.strip(row0, row0 + 16)
        assert np.array_equal(strip.layers["x"], expected[:, row0 + 8:row0 + 24])
        assert np.array_equal(strip.layers["m"], expected[0, row0 + 8:row0 + 24] > 100)
        assert np.array_equal(strip.window(row0 + 1, row0 + 3, 4, 9)["x"],
                              expected[:, row0 + 9:row0 + 11, 7:12])
    read_rows = [r for start, n in calls for r in range(start, start + n)]
    assert read_rows == list(range(37))  # every scene row read once, in order
    with pytest.raises(ValueError, match="move down"):
        buffer.strip(0, 16)


def test_warped_sar_strips_agree_with_one_whole_scene_warp(sen12mscr, tmp_path):
    sar, optical = pair(sen12mscr, 1)
    warped = reproject_sar(sar, tmp_path / "sar_4326.tif", "EPSG:4326")
    with rasterio.open(warped) as src, rasterio.open(optical) as grid:
        reader = raster.sar_reader(src, grid)
        whole = reader.read((1, 2))
        strips = np.concatenate([reader.read((1, 2), window=Window(0, top, 256, 48))
                                 for top in range(0, 256, 48)], axis=1)[:, :256]
    assert np.isfinite(whole).mean() > 0.9
    assert (np.isnan(whole) != np.isnan(strips)).mean() < 0.001  # a few rim pixels at most
    assert np.nanmax(np.abs(whole - strips)) < 0.05  # dB


@pytest.mark.parametrize("stage", ["read", "write"])
def test_an_error_in_a_worker_thread_reaches_the_caller_and_leaves_nothing(
        sen12mscr, tmp_path, monkeypatch, stage):
    sar, optical = pair(sen12mscr, 0)
    calls = []

    def failing(original):
        def wrapper(*args, **kwargs):
            calls.append(1)
            if len(calls) == 2:
                raise OSError(f"simulated {stage} failure")
            return original(*args, **kwargs)
        return wrapper

    if stage == "read":
        monkeypatch.setattr(raster, "read_optical", failing(raster.read_optical))
    else:
        monkeypatch.setattr(raster.RowWriter, "add", failing(raster.RowWriter.add))
    with pytest.raises(OSError, match=f"simulated {stage} failure"):
        predict_raster(sar, optical, tmp_path / "out.tif", model=LocalNet(), tile=64,
                       batch_size=2, sar_scale="db")
    assert leftovers(tmp_path) == [] and stage_threads() == []


def test_ctrl_c_stops_the_threads_and_leaves_nothing(sen12mscr, tmp_path):
    sar, optical = pair(sen12mscr, 0)

    def interrupt(done, total):
        if done >= 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        predict_raster(sar, optical, tmp_path / "out.tif", model=LocalNet(), tile=64,
                       batch_size=2, progress=interrupt)
    assert leftovers(tmp_path) == [] and stage_threads() == []


def test_engine_seams_carry_source_bands_strip_layers_and_a_second_output(scene, tmp_path):
    """What the cloud-mask step will use: raw source bands in every strip, a strip step in the
    reader thread, a row step in the writer thread, and a second output raster."""
    from mmcanet_core.backends.pytorch import TorchBackend
    from mmcanet_core.engine.scene import Output, Plan, Scene, run_scene

    sar, optical = scene
    with rasterio.open(optical) as ds:
        height, width = ds.height, ds.width
        profile = raster.output_profile(ds, 3, 0)
    spec = Scene(str(optical), str(sar), height, width, (4, 3, 2), "db",
                 ((-25.0, 0.0), (-32.5, 0.0)), (0.0, 10000.0), source_bands=(2, 8), context=8)
    plan = Plan(tiling.plan_tile_rows(height, width, 128, 32, 16), 128, 32, 16, 3)
    backend = TorchBackend(LocalNet().eval(), None, torch.device("cpu"), batch_size=3)
    seen_steps = []

    def strip_step(strip):  # reader thread: a "mask" from the raw bands, with context
        seen_steps.append(strip.top)
        strip.layers["bright"] = (strip.layers["source"][0] > 1500).astype(np.float32)

    def row_step(top, values, source):  # writer thread: composite + a second output
        assert values["restored"].shape[1:] == source["valid"].shape
        composite = np.where(source["bright"] > 0, values["restored"], source["source"][:1])
        return {"restored": composite, "mask": source["bright"][None]}  # (3, n, W), (1, n, W)

    mask_profile = dict(profile, count=1, dtype="uint8", nodata=255, predictor=1)
    outputs = [Output("restored", str(tmp_path / "out.tif"), profile, ["a", "b", "c"]),
               Output("mask", str(tmp_path / "mask.tif"), mask_profile, ["bright"])]
    run_scene(spec, plan, backend, outputs, strip_step=strip_step, row_step=row_step)
    assert seen_steps == [r[0].row - 8 for r in plan.rows]  # strips reach 8 px further
    blue = read(optical)[0][1].astype(float)  # band 2 of the real scene
    out, mask = read(tmp_path / "out.tif")[0], read(tmp_path / "mask.tif")[0][0]
    assert np.array_equal(mask, (blue > 1500).astype(np.uint8))  # aligned with the scene
    clear = mask == 0
    assert 0.05 < clear.mean() < 0.95
    assert np.array_equal(out[0][clear], blue[clear])  # the input kept where "clear"
    assert leftovers(tmp_path) == ["mask.tif", "out.tif"]


def test_compile_option_compiles_once_and_matches(sen12mscr, tmp_path, monkeypatch):
    sar, optical = pair(sen12mscr, 0)
    real_compile, compiled = torch.compile, []

    def eager_compile(model, **kwargs):  # dynamo without code generation: fast enough here
        compiled.append(model)
        return real_compile(model, backend="eager", **kwargs)

    monkeypatch.setattr(torch, "compile", eager_compile)
    model = LocalNet().eval()
    plain = predict_raster(sar, optical, tmp_path / "p.tif", model=model, tile=64, batch_size=3,
                           device="cpu")
    fast = predict_raster(sar, optical, tmp_path / "c.tif", model=model, tile=64, batch_size=3,
                          device="cpu", compile=True)
    assert len(compiled) == 1 and any(e.kind == "compiled" for e in fast.events)
    assert np.array_equal(read(fast.output_path)[0], read(plain.output_path)[0])


def test_gdal_settings_reach_the_stage_threads_from_a_task_thread(sen12mscr, tmp_path,
                                                                   monkeypatch):
    """QGIS runs predict_raster in a task thread, where rasterio keeps GDAL options per thread."""
    import threading

    from rasterio.env import get_gdal_config

    sar, optical = pair(sen12mscr, 0)
    seen, real = [], raster.read_optical

    def spy(*args, **kwargs):
        seen.append((threading.current_thread().name, get_gdal_config("GDAL_NUM_THREADS")))
        return real(*args, **kwargs)

    monkeypatch.setattr(raster, "read_optical", spy)
    task = threading.Thread(target=predict_raster, args=(sar, optical, tmp_path / "o.tif"),
                            kwargs=dict(model=LocalNet(), tile=128))
    task.start()
    task.join(120)
    assert (tmp_path / "o.tif").is_file()
    assert seen and set(seen) == {("mmcanet-read", "ALL_CPUS")}


def test_blending_matches_hand_computed_values():
    """Two 4-px tiles overlapping by 2 on a 1 x 6 strip, predicting 10 and 20: the raised-cosine
    weights are w = 0.5 - 0.5 cos(pi (i + 0.5) / 2) = 0.1464, 0.8536 over the overlap, so the
    blend is 10, 10, 10*0.8536 + 20*0.1464, 10*0.1464 + 20*0.8536, 20, 20 (worked by hand, not
    with the code under test)."""
    from mmcanet_core.engine.tiling import StripBlender, Tile, plan_tile_rows

    rows = plan_tile_rows(1, 6, tile=4, overlap=2)
    assert rows == [[Tile(0, 0, 1, 4), Tile(0, 2, 1, 4)]]
    blender = StripBlender(channels=1, tile_height=1, width=6, overlap=2)
    for tile, value in zip(rows[0], (10.0, 20.0)):
        blender.add(tile, np.full((1, 1, 4), value, np.float32), np.ones((1, 4), bool))
    got = blender.finish_rows(1)[0, 0]
    expected = [10.0, 10.0, 11.4645, 18.5355, 20.0, 20.0]
    np.testing.assert_allclose(got, expected, atol=1e-4)
    # An invalid pixel of one tile leaves the other tile's value alone there.
    blender = StripBlender(channels=1, tile_height=1, width=6, overlap=2)
    blender.add(rows[0][0], np.full((1, 1, 4), 10.0, np.float32), np.ones((1, 4), bool))
    blender.add(rows[0][1], np.full((1, 1, 4), 20.0, np.float32),
                np.array([[False, True, True, True]]))
    np.testing.assert_allclose(blender.finish_rows(1)[0, 0],
                               [10.0, 10.0, 10.0, 18.5355, 20.0, 20.0], atol=1e-4)
