"""SEN12MS-CR triplets (Ebel et al. 2021) over the dataset's own folder layout.

Layout: ``ROIs<id>_<season>_<kind>/<kind>_<roi>/ROIs<id>_<season>_<kind>_<roi>_p<patch>.tif`` with
kind ``s1`` (VV, VH dB), ``s2`` (cloud-free L1C, 13 bands) and ``s2_cloudy``. Files are paired by
season folder, ROI and patch number; incomplete triplets are skipped and counted in one warning.

Preprocessing is the paper's (Section IV-B, :mod:`mmcanet_core.preprocess`): SAR VV clipped to
[-25, 0] dB, VH to [-32.5, 0] dB, both to [0, 1]; optical clipped to [0, 10000] DN and scaled to
[0, 1]; RGB (B4, B3, B2) by default or all 13 bands. 256 -> 128 px by area resize (the paper) or
by a crop (GLF-CR's way). NaN in SAR (a few SEN12MS-CR patches have them) become 0 after scaling,
as UnCRtainTS' ``process_SAR`` does (``np.nan_to_num``); NaN in optical become 0 too.
"""

import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np
import rasterio
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from mmcanet_core.data.cloud_cover import cloud_cover
from mmcanet_core.preprocess import RGB_BANDS, S2_BANDS, normalize_optical, normalize_sar

KINDS = ("s1", "s2", "s2_cloudy")
SEASONS = ("spring", "summer", "fall", "winter")
_SCENE_RE = re.compile(r"^(ROIs\d+_(spring|summer|fall|winter))_(s1|s2|s2_cloudy)$")
_FILE_RE = re.compile(r"^(ROIs\d+_[a-z]+)_(s1|s2|s2_cloudy)_(\d+)_p(\d+)\.tif$")


class IncompleteTripletsWarning(UserWarning):
    """Some patches lack one of the required files and were skipped (one warning per scan)."""


@dataclass(frozen=True)
class Triplet:
    """One SEN12MS-CR patch: its scene folder (``ROIs1158_spring``), ROI, patch and files."""

    scene: str
    roi: int
    patch: int
    paths: Dict[str, Path] = field(compare=False, hash=False)

    @property
    def season(self) -> str:
        return self.scene.split("_")[1]

    @property
    def key(self) -> str:
        return f"{self.scene}_{self.roi}_p{self.patch}"

    def info(self) -> dict:
        """What a dataset item says about its patch."""
        return dict(season=self.season, scene=self.scene, roi=self.roi, patch=self.patch,
                    key=self.key)  # fmt: skip


def find_triplets(
    root: Union[str, Path],
    *,
    require: Sequence[str] = KINDS,
    seasons: Optional[Iterable[str]] = None,
    warn: bool = True,
) -> Tuple[List[Triplet], int]:
    """All patches under ``root`` having every kind in ``require``; returns (found, skipped).

    A patch is identified by (scene, ROI, patch); a patch that has some file but lacks one of
    ``require`` is skipped and counted; one :class:`IncompleteTripletsWarning` reports the count.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"SEN12MS-CR folder not found: {root}")
    bad = set(require) - set(KINDS)
    if bad:
        raise ValueError(f"unknown kinds {sorted(bad)}; choose from {KINDS}")
    wanted = None if seasons is None else {s.lower() for s in seasons}
    files: Dict[Tuple[str, int, int], Dict[str, Path]] = {}
    for scene_dir in sorted(root.iterdir()):
        match = _SCENE_RE.match(scene_dir.name)
        if not match or not scene_dir.is_dir():
            continue
        scene, season, kind = match.group(1), match.group(2), match.group(3)
        if wanted is not None and season not in wanted:
            continue
        for tif in scene_dir.glob(f"{kind}_*/*.tif"):
            m = _FILE_RE.match(tif.name)
            if m and m.group(1) == scene and m.group(2) == kind:
                files.setdefault((scene, int(m.group(3)), int(m.group(4))), {})[kind] = tif
    found, skipped = [], []
    for (scene, roi, patch), paths in sorted(files.items()):
        if all(k in paths for k in require):
            found.append(Triplet(scene, roi, patch, dict(paths)))
        else:
            skipped.append(f"{scene}_{roi}_p{patch}")
    if skipped and warn:
        warnings.warn(
            f"skipped {len(skipped)} incomplete patch(es) under {root} lacking one of "
            f"{', '.join(require)} (e.g. {', '.join(skipped[:3])})",
            IncompleteTripletsWarning,
            stacklevel=2,
        )
    return found, len(skipped)


def band_indices(bands: Union[str, Sequence[int]]) -> List[int]:
    """``"rgb"`` -> B4, B3, B2; ``"all"`` -> the 13 bands; or 1-based band numbers; 0-based out."""
    if isinstance(bands, str):
        if bands.lower() == "rgb":
            return [b - 1 for b in RGB_BANDS]
        if bands.lower() == "all":
            return list(range(len(S2_BANDS)))
        raise ValueError(f"bands must be 'rgb', 'all' or 1-based band numbers, got {bands!r}")
    out = [int(b) - 1 for b in bands]
    if not out or min(out) < 0 or max(out) >= len(S2_BANDS):
        raise ValueError(f"band numbers must be within 1..{len(S2_BANDS)}, got {list(bands)}")
    return out


def read_sar(path: Union[str, Path]) -> np.ndarray:
    """(2, H, W) float32 in [0, 1] from a SEN12MS-CR s1 file (dB); NaN -> 0."""
    with rasterio.open(path) as src:
        db = src.read().astype(np.float32)
    return np.nan_to_num(normalize_sar(db), nan=0.0)


def read_dn(path: Union[str, Path]) -> np.ndarray:
    """(13, H, W) float32 digital numbers from a SEN12MS-CR s2 / s2_cloudy file."""
    with rasterio.open(path) as src:
        return src.read().astype(np.float32)


def to_unit(dn: np.ndarray) -> np.ndarray:
    """Digital numbers -> [0, 1] (the paper's optical scaling), NaN -> 0."""
    return np.nan_to_num(normalize_optical(dn), nan=0.0)


def fit_size(
    tensors: Sequence[torch.Tensor], size: Optional[int], mode: str, offset=None
) -> List[torch.Tensor]:
    """Bring (C, H, W) tensors to ``size`` x ``size``: area resize or a crop at ``offset``.

    ``mode="resize"`` (the paper) averages pixels (``F.interpolate(mode="area")``, i.e. 2 x 2
    means for 256 -> 128); ``mode="crop"`` cuts the window whose top-left corner is ``offset``
    (centre when None). ``size=None`` keeps the full patch.
    """
    if size is None:
        return list(tensors)
    out = []
    for t in tensors:
        h, w = t.shape[-2:]
        if (h, w) == (size, size):
            out.append(t)
        elif mode == "resize":
            out.append(F.interpolate(t[None], size=(size, size), mode="area")[0])
        elif mode == "crop":
            if size > min(h, w):
                raise ValueError(f"crop size {size} larger than the patch ({h} x {w})")
            top, left = offset if offset is not None else ((h - size) // 2, (w - size) // 2)
            out.append(t[:, top : top + size, left : left + size])
        else:
            raise ValueError(f"size mode must be 'resize' or 'crop', got {mode!r}")
    return out


class SEN12MSCR(Dataset):
    """Real SEN12MS-CR triplets as dicts of tensors (see the module docstring for the scaling).

    Item: ``sar`` (2, S, S), ``cloudy`` and ``target`` (C, S, S) float32 in [0, 1]; ``season``,
    ``scene``, ``roi``, ``patch``, ``key``; ``cloud_cover`` (fraction, :mod:`.cloud_cover`, on the
    full-size cloudy patch with the clear one as shadow reference); ``has_sar``.

    ``triplets`` defaults to every complete triplet under ``root``; with ``require_sar=False``
    patches without s1 are kept too (their ``sar`` is zeros and ``has_sar`` False): enough for
    the identity baseline, which never looks at SAR. ``crop="random"`` draws the crop window per
    item (training); ``"center"`` is deterministic.
    """

    def __init__(
        self,
        root: Union[str, Path, None] = None,
        *,
        triplets: Optional[Sequence[Triplet]] = None,
        bands: Union[str, Sequence[int]] = "rgb",
        size: Optional[int] = 128,
        size_mode: str = "resize",
        crop: str = "center",
        require_sar: bool = True,
        seasons: Optional[Iterable[str]] = None,
        with_cloud_cover: bool = True,
    ):
        if triplets is None:
            if root is None:
                raise ValueError("give root or triplets")
            require = KINDS if require_sar else ("s2", "s2_cloudy")
            triplets, _ = find_triplets(root, require=require, seasons=seasons)
        self.triplets = list(triplets)
        self.bands = band_indices(bands)
        self.size, self.size_mode, self.crop = size, size_mode, crop
        self.with_cloud_cover = with_cloud_cover
        self._cover: Dict[int, float] = {}

    def __len__(self) -> int:
        return len(self.triplets)

    def cloud_cover_of(self, index: int) -> float:
        """The patch's cloud (+ shadow) cover fraction, computed once and cached."""
        if index not in self._cover:
            t = self.triplets[index]
            self._cover[index] = self.patch_cloud_cover(
                t, read_dn(t.paths["s2_cloudy"]), read_dn(t.paths["s2"])
            )
        return self._cover[index]

    def patch_cloud_cover(self, triplet, cloudy_dn: np.ndarray, clear_dn: np.ndarray) -> float:
        """Cloud (+ shadow) fraction of one full-size patch: the :mod:`.cloud_cover` estimate."""
        return float(cloud_cover(cloudy_dn, clear_dn))

    def __getitem__(self, index: int) -> dict:
        t = self.triplets[index]
        cloudy_dn, clear_dn = read_dn(t.paths["s2_cloudy"]), read_dn(t.paths["s2"])
        if self.with_cloud_cover and index not in self._cover:
            self._cover[index] = self.patch_cloud_cover(t, cloudy_dn, clear_dn)
        has_sar = "s1" in t.paths
        h, w = clear_dn.shape[-2:]
        sar = read_sar(t.paths["s1"]) if has_sar else np.zeros((2, h, w), np.float32)
        tensors = [
            torch.from_numpy(a)
            for a in (sar, to_unit(cloudy_dn[self.bands]), to_unit(clear_dn[self.bands]))
        ]
        offset = None
        if self.size_mode == "crop" and self.crop == "random" and self.size is not None:
            offset = tuple(int(torch.randint(0, n - self.size + 1, ())) for n in (h, w))
        sar_t, cloudy_t, target_t = fit_size(tensors, self.size, self.size_mode, offset)
        return {
            "sar": sar_t.contiguous(),
            "cloudy": cloudy_t.contiguous(),
            "target": target_t.contiguous(),
            **t.info(),
            "cloud_cover": float(self._cover.get(index, float("nan"))),
            "has_sar": has_sar,
        }
