"""The 6 real co-registered Sentinel-1 / Sentinel-2 pairs shipped in ``bigearthnet-common``.

BigEarthNet (Sumbul et al. 2019; BigEarthNet-MM 2021) patches are 1.2 km x 1.2 km over Europe:
S1 VV/VH in dB at 10 m (120 x 120) and S2 **L2A** (surface reflectance, not L1C) as 12 single-band
GeoTIFFs at 10 m (B2-B4, B8: 120 px), 20 m (B5-B7, B8A, B11, B12: 60 px) and 60 m (B1, B9: 20 px);
L2A has no cirrus band B10. The tarballs are read in place (never copied into the project); each
S1 patch names its S2 partner in ``corresponding_s2_patch`` of its JSON metadata.

``load_pairs()`` returns every pair with the S2 bands resampled (bilinear) to the 10 m grid and
ordered as SEN12MS-CR's 13 bands, **B10 filled with zeros** (flagged in ``missing_bands``). They
are cloud-free, so they serve as clear images for SYNTHETIC clouds (:mod:`.clouds`), never as
real cloudy test data.
"""

import io
import json
import re
import tarfile
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Dict, List, Tuple

import numpy as np
import rasterio
import torch
import torch.nn.functional as F

from mmcanet_core.preprocess import S2_BANDS, normalize_sar

_BAND_RE = re.compile(r"_(B\d\d|B8A)\.tif$")
_POL_RE = re.compile(r"_(VV|VH)\.tif$")


@dataclass(frozen=True)
class BigEarthNetPair:
    """One real pair: ``sar`` (2, 120, 120) in [0, 1]; ``dn`` (13, 120, 120) L2A digital numbers."""

    name: str
    date: str
    sar: np.ndarray
    dn: np.ndarray
    missing_bands: Tuple[str, ...] = ("B10",)

    @property
    def season(self) -> str:
        month = int(self.date[4:6])
        return ("winter", "spring", "summer", "fall")[(month % 12) // 3]


def _archive(name: str) -> bytes:
    return resources.files("bigearthnet_common").joinpath(name).read_bytes()


def _read_tif(data: bytes) -> np.ndarray:
    with rasterio.MemoryFile(data) as mem, mem.open() as src:
        return src.read(1).astype(np.float32)


def _members(archive: bytes) -> Dict[str, Dict[str, bytes]]:
    """{patch folder: {file name: bytes}} of a .tar.bz2 archive."""
    out: Dict[str, Dict[str, bytes]] = {}
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:bz2") as tar:
        for member in tar.getmembers():
            parts = member.name.split("/")
            if member.isfile() and len(parts) >= 3:
                out.setdefault(parts[-2], {})[parts[-1]] = tar.extractfile(member).read()
    return out


def _to_10m(band: np.ndarray, size: int) -> np.ndarray:
    if band.shape == (size, size):
        return band
    t = torch.from_numpy(band)[None, None]
    return F.interpolate(t, size=(size, size), mode="bilinear", align_corners=False)[0, 0].numpy()


@lru_cache(maxsize=1)
def load_pairs() -> List[BigEarthNetPair]:
    """All pairs in the installed ``bigearthnet-common`` (raises ImportError if not installed)."""
    s1 = _members(_archive("BigEarthNet-S1-Example.tar.bz2"))
    s2 = _members(_archive("BigEarthNet-S2-Example.tar.bz2"))
    pairs = []
    for _folder, files in sorted(s1.items()):
        meta = json.loads(next(v for k, v in files.items() if k.endswith(".json")))
        partner = s2.get(meta["corresponding_s2_patch"])
        if partner is None:
            continue
        pols = {
            _POL_RE.search(k).group(1): _read_tif(v) for k, v in files.items() if _POL_RE.search(k)
        }
        sar = np.nan_to_num(normalize_sar(np.stack([pols["VV"], pols["VH"]])), nan=0.0)
        size = sar.shape[-1]
        bands = {_BAND_RE.search(k).group(1): _read_tif(v) for k, v in partner.items()
                 if _BAND_RE.search(k)}  # fmt: skip
        dn = np.zeros((len(S2_BANDS), size, size), np.float32)
        for i, name in enumerate(S2_BANDS):
            key = name if name == "B8A" else f"B{int(name[1:]):02d}"
            if key in bands:
                dn[i] = _to_10m(bands[key], size)
        date = meta["corresponding_s2_patch"].split("_")[2][:8]
        pairs.append(
            BigEarthNetPair(meta["corresponding_s2_patch"], date, sar.astype(np.float32), dn)
        )
    return pairs
