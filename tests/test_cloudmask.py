"""The cloud/shadow mask on real Sentinel-2 L1C: agreement with real masks, window consistency."""

import warnings
from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.windows import Window

from mmcanet_core.clouds import cloudmask
from mmcanet_core.data.cloud_cover import cloud_cover
from mmcanet_core.errors import InferenceError

from conftest import SHARED_DATA, require_shared_data

#: Pooled scores on the 14 real masks (default cloud F1 0.953, RGB-only 0.904 / 0.824), with a
#: floor just below the RGB fallback's.
F1_FLOOR, IOU_FLOOR = 0.89, 0.81


def _read(path: Path) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with rasterio.open(path) as src:
            return src.read()


def _data(name: str) -> Path:
    require_shared_data()
    folder = SHARED_DATA / name
    assert folder.is_dir(), f"{folder} is missing from the shared data"
    return folder


@pytest.fixture(scope="module")
def triplets():
    """[(id, cloudy (13, 256, 256) float32, clear float32, real cloud mask bool)]."""
    folder = _data("sen12mscr_nogeo")
    out = []
    for path in sorted((folder / "cloudmask").glob("*_cloudmask.tif")):
        key = path.name.split("_")[0]
        out.append((key, _read(folder / "s2_cloudy" / f"{key}_s2_cloudy.tif").astype(np.float32),
                    _read(folder / "s2" / f"{key}_s2.tif").astype(np.float32),
                    _read(path)[0] == 1))
    assert len(out) == 14
    return out


@pytest.fixture(scope="module")
def scene():
    """A real 512 x 512 13-band L1C chip with a few clouds and their shadows (int16 -> float)."""
    with rasterio.open(_data("sen1floods11") / "Spain_7370579_S2Hand.tif") as src:
        return src.read().astype(np.float32)


def _pooled_f1_iou(pairs):
    tp = sum(np.count_nonzero(p & r) for p, r in pairs)
    wrong = sum(np.count_nonzero(p != r) for p, r in pairs)
    return 2 * tp / (2 * tp + wrong), tp / (tp + wrong)


def test_cloud_class_agrees_with_the_real_masks(triplets):
    f1, iou = _pooled_f1_iou([(cloudmask.classify_l1c(dn) == cloudmask.CLOUD, real)
                              for _, dn, _, real in triplets])
    assert f1 >= F1_FLOOR and iou >= IOU_FLOOR, (f1, iou)


def test_rgb_fallback_agrees_with_the_real_masks(triplets):
    f1, iou = _pooled_f1_iou([(cloudmask.classify_rgb(dn[[3, 2, 1]]) == cloudmask.CLOUD, real)
                              for _, dn, _, real in triplets])
    assert f1 >= F1_FLOOR and iou >= IOU_FLOOR, (f1, iou)


#: Per clear reference, the most cloud and shadow (% of pixels) the default mask may flag: 1 %
#: (issue 20's goal), except where it is NOT met today (scripts/clear_eval.py): the urban 4065
#: (blue roofs: 9.6 %; 29.2 % with the GEE score). 6780's shadow was 2.4 % (8 false cloud
#: pixels), 4287's cloud 3.5 % with the GEE score.
CLEAR_LIMITS = {"4065": (10.0, 1.0)}


def test_cloud_free_references_have_little_cloud_and_shadow(triplets):
    """Every clear reference, cloud and shadow each (issue 26 row 1)."""
    for key, _, clear, _ in triplets:
        classes = cloudmask.classify_l1c(clear)
        cloud_limit, shadow_limit = CLEAR_LIMITS.get(key, (1.0, 1.0))
        assert 100 * np.mean(classes == cloudmask.CLOUD) <= cloud_limit, key
        assert 100 * np.mean(classes == cloudmask.SHADOW) <= shadow_limit, key
        if not np.any(classes == cloudmask.CLOUD):
            assert not np.any(classes == cloudmask.SHADOW), key
    water = next(clear for key, _, clear, _ in triplets if key == "1302")
    assert cloud_cover(water) == 0.0


def test_haze_over_the_whole_patch_is_cloud(triplets):
    """6780 is 100 % thin haze in its real mask; the GEE score alone called it 32.5 %."""
    dn = next(dn for key, dn, _, _ in triplets if key == "6780")
    assert np.mean(cloudmask.classify_l1c(dn) == cloudmask.CLOUD) > 0.9
    assert np.mean(cloudmask.classify_l1c(dn, method="gee") == cloudmask.CLOUD) < 0.5


def test_thick_cumulus_over_farmland_is_still_cloud():
    """The demo scene (summer 19 p30): thick cumulus has B11 / B2 near 1.4 like bright ground; a
    SWIR veto without the B1 escape kept 48 % of what the GEE score finds there."""
    path = (_data("sen12mscr") / "ROIs1868_summer_s2_cloudy" / "s2_cloudy_19" /
            "ROIs1868_summer_s2_cloudy_19_p30.tif")
    dn = _read(path).astype(np.float32)
    gee = cloudmask.classify_l1c(dn, method="gee") == cloudmask.CLOUD
    assert gee.mean() > 0.25  # not vacuous
    assert np.mean(cloudmask.classify_l1c(dn)[gee] == cloudmask.CLOUD) > 0.75


def test_shadows_lie_next_to_clouds(triplets):
    dn = next(dn for key, dn, _, _ in triplets if key == "5254")  # cumulus with shadows
    classes = cloudmask.classify_l1c(dn)
    shadow = classes == cloudmask.SHADOW
    assert 0.02 < shadow.mean() < 0.3
    assert np.all(cloudmask.near(classes == cloudmask.CLOUD, cloudmask.SHADOW_REACH)[shadow])


def _windows(height, width, rows, cols):
    for r0, r1 in zip(rows[:-1], rows[1:]):
        for c0, c1 in zip(cols[:-1], cols[1:]):
            yield Window(c0, r0, c1 - c0, r1 - r0)


def _by_windows(dn, plan, windows):
    _, height, width = dn.shape
    out = np.full((height, width), 77, dtype=np.uint8)
    cover = cloudmask.Cover()

    def read(w):
        return dn[:, w.row_off:w.row_off + w.height, w.col_off:w.col_off + w.width]

    for w in windows:
        classes = cloudmask.mask_window(read, w, height, width, plan)
        out[w.row_off:w.row_off + w.height, w.col_off:w.col_off + w.width] = classes
        cover.add(classes)
    return out, cover


@pytest.mark.parametrize("kind", ["l1c", "rgb"])
def test_windows_with_the_margin_give_the_whole_scene(scene, kind):
    """Strips of rows (as the engine finishes them) and odd blocks equal the whole scene."""
    if kind == "l1c":
        plan, bands = cloudmask.plan_mask(13), scene[[b - 1 for b in cloudmask.MASK_BANDS]]
    else:
        plan, bands = cloudmask.plan_mask(3, rgb=(1, 2, 3)), scene[[3, 2, 1]]
    whole = plan.classify(bands)
    assert np.count_nonzero(whole == cloudmask.CLOUD) > 1000
    if kind == "l1c":
        assert np.count_nonzero(whole == cloudmask.SHADOW) > 1000
    for rows, cols in (([0, 128, 256, 384, 512], [0, 512]), ([0, 37, 200, 311, 512],
                                                               [0, 90, 301, 512])):
        pieces, cover = _by_windows(bands, plan, _windows(512, 512, rows, cols))
        np.testing.assert_array_equal(pieces, whole)
        whole_cover = cloudmask.Cover()
        whole_cover.add(whole)
        assert cover == whole_cover and 0 < cover.fraction < 1
    # Not vacuous: without the context margin the windows disagree with the whole scene.
    short = cloudmask.MaskPlan(plan.bands, plan.classify, 0, plan.kind)
    pieces, _ = _by_windows(bands, short, _windows(512, 512, [0, 128, 256, 384, 512], [0, 512]))
    assert np.any(pieces != whole)


def test_invalid_pixels_are_nodata(scene):
    dn = scene.copy()
    dn[:, :10, :] = np.nan
    classes = cloudmask.classify_l1c(dn)
    assert np.all(classes[:10] == cloudmask.NODATA) and not np.any(classes[10:] == 255)


def test_plan_mask_needs_l1c_or_rgb():
    assert cloudmask.plan_mask(13).kind == "l1c"
    assert cloudmask.plan_mask(13).margin == cloudmask.MASK_MARGIN
    assert cloudmask.plan_mask(4, rgb=(3, 2, 1)).bands == (3, 2, 1)
    with pytest.raises(InferenceError, match="--mask.*--raw"):
        cloudmask.plan_mask(4)
    with pytest.raises(ValueError, match="7 bands"):
        cloudmask.classify(np.zeros((13, 4, 4)))
