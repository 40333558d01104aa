"""Column panels (issue 24, row 17): a scene wider than ``tiling.PANEL_WIDTH`` runs in vertical
panels, so the engine's memory is bounded by a panel's width whatever the aspect ratio. The
output must be the one of a run in one piece, bit for bit: tiles across a panel edge run in both
panels, strips read the real columns beyond the edges, the mask and the references work with
the same context, and counts are not doubled.

Real data: SEN12MS-CR ROIs1868_summer 19 p30 (cloudy L1C + S1) and the SEN12MS-CR-TS dates of
conftest.reference_dates, repeated side by side (every other copy mirrored) into 768 px wide
scenes; the real Sen1Floods11 chip (512 px, nodata, EPSG:4326) as it is. Forcing 256 px panels
gives three (two) panels. A near-free convolution stands in for the network, one tile per batch:
panels change which tiles share a batch, and some builds of torch compute a convolution
differently by the batch's size (Debian 13's torch 2.6: 1 float ulp between batches of 8 and 1,
which can turn into 1 DN after rounding), as any change of --batch-size does.
"""

import shutil
from pathlib import Path

import numpy as np
import pytest
import rasterio
from test_masking import ConvNet, read

from mmcanet_core.engine import tiling
from mmcanet_core.inference import predict_raster

from conftest import SHARED_DATA, pair, reference_dates, require_shared_data

FLOODS = SHARED_DATA / "sen1floods11"


def widen(path: Path, out: Path, copies: int = 3) -> Path:
    """``path`` repeated ``copies`` times side by side, every other copy mirrored (no seam)."""
    with rasterio.open(path) as ds:
        data, profile = ds.read(), dict(ds.profile)
    wide = np.concatenate([data if i % 2 == 0 else data[:, :, ::-1] for i in range(copies)],
                          axis=2)
    profile.update(width=wide.shape[2], tiled=True, blockxsize=256, blockysize=256)
    with rasterio.open(out, "w", **profile) as dst:
        dst.write(wide)
    return out


def both_ways(monkeypatch, folder: Path, names, run):
    """``run(folder)`` in one piece and in 256 px panels; the results and the outputs
    ``names`` read back, ``(whole, panels)`` pairs."""
    results, files = [], []
    for label, width in (("whole", tiling.PANEL_WIDTH), ("panels", 256)):
        monkeypatch.setattr(tiling, "PANEL_WIDTH", width)
        where = folder / label
        where.mkdir()
        lines = []
        results.append((run(where, lines.append), lines))
        files.append({name: read(where / name) for name in names})
    return results, files


def panels_line(lines):
    line, = [x for x in lines if "the scene's strips" in x]
    return line


@pytest.fixture(scope="module")
def winter_wide(tmp_path_factory):
    root = require_shared_data()
    folder = tmp_path_factory.mktemp("wide")
    sar, optical = pair(root, ("ROIs1868_summer", 19, 30))
    return widen(sar, folder / "s1.tif"), widen(optical, folder / "s2.tif")


def test_panel_widths_are_whole_blocks_and_cover_the_scene():
    assert tiling.column_panels(10980, 256) == [(0, 10980)]  # a Sentinel-2 tile: one piece
    panels = tiling.column_panels(262144, 256)
    assert len(panels) == 16 and panels[0] == (0, 16384) and panels[-1][1] == 262144
    for width, block, most in ((1000, 256, 300), (768, 256, 256), (20000, 48, 4096)):
        panels = tiling.column_panels(width, block, most)
        assert panels[0][0] == 0 and panels[-1][1] == width
        assert all(a[1] == b[0] for a, b in zip(panels, panels[1:]))  # no gap, no overlap
        assert all(left % block == 0 for left, _ in panels)
        assert max(r - left for left, r in panels) <= max(most, block) + block


def test_panels_give_the_whole_scene_run_bit_for_bit(winter_wide, tmp_path, monkeypatch):
    """Automatic L1C mask, composite of all 13 bands, the mask output: same files, same cover,
    same number of network tiles, progress to the same total; the log names the panels."""
    sar, optical = winter_wide
    progress = {}

    def run(folder, log):
        steps = progress.setdefault(folder.name, [])
        return predict_raster(sar, optical, folder / "out.tif", model=ConvNet().eval(), tile=64,
                              overlap=16, batch_size=1, device="cpu",
                              mask_output=folder / "mask.tif", log=log,
                              progress=lambda done, total: steps.append((done, total)))

    results, files = both_ways(monkeypatch, tmp_path, ("out.tif", "mask.tif"), run)
    (whole, whole_log), (panels, panels_log) = results
    assert 0.05 < whole.cloud_cover < 0.95  # clouds and clear ground: both paths matter
    for name in ("out.tif", "mask.tif"):
        assert np.array_equal(files[0][name], files[1][name]), name
    assert (panels.cloud_cover, panels.shadow_cover) == (whole.cloud_cover, whole.shadow_cover)
    assert panels.network_tiles == whole.network_tiles > 0
    assert progress["panels"][-1] == progress["whole"][-1] == (whole.tiles, whole.tiles)
    assert "768 px wide, 1 column panel(s)" in panels_line(whole_log)
    assert "256 px wide, 3 column panel(s)" in panels_line(panels_log)


def test_panels_with_references_and_the_source_output(tmp_path, monkeypatch):
    """Other dates fill the clouds through the panels as in one piece."""
    sar, target, refs = reference_dates(tmp_path / "dates")
    wide = tmp_path / "wide"
    wide.mkdir()
    sar, target = widen(sar, wide / sar.name), widen(target, wide / target.name)
    refs = [widen(r, wide / r.name) for r in refs]

    def run(folder, log):
        return predict_raster(sar, target, folder / "out.tif", model=ConvNet().eval(), tile=64,
                              overlap=16, batch_size=1, device="cpu", references=refs,
                              source_output=folder / "source.tif", log=log)

    results, files = both_ways(monkeypatch, tmp_path, ("out.tif", "source.tif"), run)
    (whole, _), (panels, _) = results
    sources = files[0]["source.tif"]
    assert (sources > 0).any() and (sources < 254).any()  # references and input both used
    for name in ("out.tif", "source.tif"):
        assert np.array_equal(files[0][name], files[1][name]), name
    assert panels.sources == whole.sources


def test_panels_on_a_scene_with_nodata_and_the_raw_output(tmp_path, monkeypatch):
    """The real Sen1Floods11 chip (512 px, int16, nodata 0, EPSG:4326), raw network output:
    two panels, the same file; the valid pixels are counted once."""
    require_shared_data()
    sar = Path(shutil.copy(FLOODS / "Spain_7370579_S1Hand.tif", tmp_path))
    optical = Path(shutil.copy(FLOODS / "Spain_7370579_S2Hand.tif", tmp_path))

    def run(folder, log):
        return predict_raster(sar, optical, folder / "raw.tif", model=ConvNet().eval(),
                              tile=64, overlap=16, batch_size=1, device="cpu", raw=True, log=log)

    results, files = both_ways(monkeypatch, tmp_path, ("raw.tif",), run)
    (whole, _), (panels, panels_log) = results
    assert np.array_equal(files[0]["raw.tif"], files[1]["raw.tif"])
    assert "2 column panel(s)" in panels_line(panels_log)
    assert panels.network_tiles == whole.network_tiles
