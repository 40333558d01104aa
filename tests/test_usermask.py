"""A user's mask raster on another grid, read NEAREST onto the optical grid; clear errors."""

import warnings

import numpy as np
import pytest
import rasterio
from affine import Affine
from rasterio.crs import CRS
from rasterio.enums import Resampling
from rasterio.warp import calculate_default_transform, reproject
from rasterio.windows import Window
from scipy import ndimage

from mmcanet_core.clouds.usermask import PRESETS, UserMask, parse_mask_values
from mmcanet_core.errors import InferenceError

from conftest import SEN12MSCR, SHARED_DATA, require_shared_data


@pytest.fixture(scope="module")
def optical():
    """A real georeferenced 256 x 256 L1C patch (UTM 52N, 10 m), opened read-only."""
    require_shared_data()
    path = SEN12MSCR / "ROIs1158_spring_s2" / "s2_101" / "ROIs1158_spring_s2_101_p30.tif"
    with rasterio.open(path) as ds:
        yield ds


@pytest.fixture(scope="module")
def real_mask():
    """A real SEN12MS-CR cloud mask (triplet 5254, 36 % cloud), bool (256, 256)."""
    require_shared_data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with rasterio.open(SHARED_DATA / "sen12mscr_nogeo/cloudmask/5254_cloudmask.tif") as src:
            mask = src.read(1) == 1
    assert 0.3 < mask.mean() < 0.4
    return mask


def _write(path, data, crs, transform, nodata=None):
    data = data[None] if data.ndim == 2 else data
    with rasterio.open(path, "w", driver="GTiff", width=data.shape[2], height=data.shape[1],
                       count=data.shape[0], dtype=data.dtype, crs=crs, transform=transform,
                       nodata=nodata) as dst:
        dst.write(data)
    return path


def _whole(optical):
    return Window(0, 0, optical.width, optical.height)


def test_presets_and_value_lists():
    assert parse_mask_values("SCL") == (3, 8, 9, 10) == PRESETS["scl"]
    assert parse_mask_values("fmask") == (2, 4)
    assert parse_mask_values("binary") == (1,)
    assert parse_mask_values("10, 3,8") == (3, 8, 10)
    assert parse_mask_values([1, 2]) == (1, 2)
    for bad in ("clouds", "", "3,x"):
        with pytest.raises(InferenceError, match="--mask-values scl"):
            parse_mask_values(bad)


def test_a_mask_on_the_optical_grid_reads_back_exactly(tmp_path, optical, real_mask):
    path = _write(tmp_path / "m.tif", real_mask.astype(np.uint8), optical.crs, optical.transform)
    with UserMask(path, optical, "binary") as user:
        assert user.coverage == pytest.approx(1.0)
        np.testing.assert_array_equal(user.read(_whole(optical)), real_mask)


def test_a_20m_scl_layer_is_resampled_nearest(tmp_path, optical, real_mask):
    """An L2A SCL-like layer at 20 m: classes 9 (cloud), 3 (shadow), 10 (cirrus), 4, 5 (clear)."""
    coarse = real_mask[::2, ::2]  # (128, 128), the value at each 20 m pixel's top-left 10 m pixel
    scl = np.where(coarse, 9, 4).astype(np.uint8)
    scl[:8, :] = 3
    scl[8:16, :] = 10
    scl[16:24, :] = 5
    transform = optical.transform @ Affine.scale(2)
    path = _write(tmp_path / "scl.tif", scl, optical.crs, transform)
    expected = np.isin(np.repeat(np.repeat(scl, 2, 0), 2, 1), PRESETS["scl"])
    with UserMask(path, optical, "scl") as user:
        got = user.read(_whole(optical))
    np.testing.assert_array_equal(got, expected)
    assert got[:32].all() and not got[32:48].any()


def test_a_mask_reprojected_to_epsg4326_comes_back(tmp_path, optical, real_mask):
    """Real mask -> EPSG:4326 (finer than 10 m, nearest) -> read back on the UTM grid."""
    dst_crs = CRS.from_epsg(4326)
    transform, width, height = calculate_default_transform(
        optical.crs, dst_crs, optical.width, optical.height, *optical.bounds)
    transform, width, height = transform @ Affine.scale(1 / 3), width * 3, height * 3
    warped = np.full((height, width), 255, dtype=np.uint8)
    reproject(real_mask.astype(np.uint8), warped, src_transform=optical.transform,
              src_crs=optical.crs, dst_transform=transform, dst_crs=dst_crs,
              resampling=Resampling.nearest, dst_nodata=255)
    path = _write(tmp_path / "m4326.tif", warped, dst_crs, transform, nodata=255)
    with UserMask(path, optical, "binary") as user:
        got = user.read(_whole(optical))
        strips = np.concatenate([user.read(Window(0, r, optical.width, 64))
                                 for r in range(0, optical.height, 64)])
    np.testing.assert_array_equal(strips, got)  # window by window = the whole grid
    wrong = got != real_mask
    assert wrong.mean() < 0.01, wrong.mean()
    # Every disagreement sits on a mask edge (a neighbour has the other value).
    edge = ndimage.grey_dilation(real_mask.astype(np.uint8), size=3) != ndimage.grey_erosion(
        real_mask.astype(np.uint8), size=3)
    assert np.all(edge[wrong])


def test_a_partial_mask_counts_outside_as_clear(tmp_path, optical):
    half = np.ones((128, 256), dtype=np.uint8)
    path = _write(tmp_path / "half.tif", half, optical.crs, optical.transform)
    with UserMask(path, optical, "binary") as user:
        got = user.read(_whole(optical))
        assert user.coverage == pytest.approx(0.5, abs=0.01)
    assert got[:128].all() and not got[128:].any()


@pytest.mark.parametrize("case, message", [
    ("missing", "does not exist"),
    ("nogeo", "no georeferencing"),
    ("far", "does not cover"),
    ("bands", "has 2 bands"),
    ("empty", "no valid pixel"),
    ("probability", "non-integer"),
    ("binary_as_scl", "--mask-values binary"),
])
def test_bad_masks_are_refused_with_the_fix(tmp_path, optical, case, message):
    ones = np.ones((256, 256), dtype=np.uint8)
    values = "binary"
    if case == "missing":
        path = tmp_path / "nothing.tif"
    elif case == "nogeo":
        path = SHARED_DATA / "sen12mscr_nogeo" / "cloudmask" / "5254_cloudmask.tif"
    elif case == "far":
        path = _write(tmp_path / "m.tif", ones, optical.crs,
                      optical.transform @ Affine.translation(10000, 0))
    elif case == "bands":
        path = _write(tmp_path / "m.tif", np.stack([ones, ones]), optical.crs, optical.transform)
    elif case == "empty":
        path = _write(tmp_path / "m.tif", ones * 7, optical.crs, optical.transform, nodata=7)
    elif case == "probability":
        path = _write(tmp_path / "m.tif", ones.astype(np.float32) * 0.6, optical.crs,
                      optical.transform)
    else:
        path, values = _write(tmp_path / "m.tif", ones, optical.crs, optical.transform), "scl"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with pytest.raises(InferenceError, match=message):
            UserMask(path, optical, values)
