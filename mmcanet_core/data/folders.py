"""Plain triplet folders: co-registered patches matched by a shared id, no georeference needed.

Layout (that of ``../shared/data/sen12mscr_nogeo``, and what users with their own co-registered
patches usually have)::

    ROOT/s1/<id>_s1.tif                  Sentinel-1 VV, VH in dB (float)
    ROOT/s2_cloudy/<id>_s2_cloudy.tif    cloudy Sentinel-2 L1C, 13 bands B1..B12 with B8A, DN
    ROOT/s2/<id>_s2.tif                  the cloud-free reference, same bands
    ROOT/cloudmask/<id>_cloudmask.tif    optional: one band, non-zero = cloud

The ``_<kind>`` suffix is optional (``s1/<id>.tif`` works too). The files of one id must share one
pixel grid (same height and width); their CRS and transform are neither needed nor read, so
patches that lost their georeference (as ``sen12mscr_nogeo``'s did) train and evaluate like any
other. Readers and preprocessing are SEN12MS-CR's (:mod:`.sen12mscr`: the paper's clipping and
scaling, RGB or 13 bands, resize or crop), so :class:`TripletFolder` items are those of
:class:`~.sen12mscr.SEN12MSCR` (``key`` is the id, ``scene`` the folder name, ``season``
"unknown"); their ``cloud_cover`` is the mean of the cloud mask where there is one, else the
:mod:`.cloud_cover` estimate.

Splits: ids carry no ROI, so :func:`select_ids` splits by id: ranked by the SHA-256 of the id,
the first 10 % are test, the next 10 % val, the rest train (at least one each from 3 ids on);
protocol ``all`` puts every id in every split.
"""

import hashlib
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import rasterio
from rasterio.errors import NotGeoreferencedWarning

from mmcanet_core.data.sen12mscr import KINDS, SEN12MSCR, IncompleteTripletsWarning

MASK = "cloudmask"
FOLDERS = (*KINDS, MASK)
#: Fraction of the ids in the test and in the val split of :func:`select_ids`.
HELD_FRACTION = 0.1


@dataclass(frozen=True)
class FolderTriplet:
    """One patch of a triplet folder: its id, the folder, and its files by kind."""

    id: str
    folder: str
    paths: Dict[str, Path] = field(compare=False, hash=False)

    @property
    def key(self) -> str:
        return self.id

    def info(self) -> dict:
        """What a dataset item says about its patch."""
        return dict(season="unknown", scene=self.folder, key=self.id)


def is_triplet_folder(root: Union[str, Path]) -> bool:
    """True when ``root`` holds ``s1/``, ``s2/`` and ``s2_cloudy/`` sub-folders."""
    return all((Path(root) / kind).is_dir() for kind in KINDS)


def _file_id(path: Path, kind: str) -> str:
    return re.sub(rf"_{kind}$", "", path.stem)


def find_folder_triplets(
    root: Union[str, Path], *, require: Sequence[str] = KINDS, warn: bool = True
) -> Tuple[List[FolderTriplet], int]:
    """Every id under ``root`` with a file of each kind in ``require``; returns (found, skipped).

    Ids are sorted numerically when they are numbers, else alphabetically. An id that has some
    file but lacks one of ``require`` is skipped and counted (one warning). A cloud mask is
    attached where ``cloudmask/`` has one.
    """
    root = Path(root)
    if not root.is_dir():
        raise FileNotFoundError(f"triplet folder not found: {root}")
    missing = [kind for kind in require if not (root / kind).is_dir()]
    if missing:
        raise FileNotFoundError(
            f"{root} has no {', '.join(f'{k}/' for k in missing)} sub-folder: a triplet folder "
            f"holds s1/, s2_cloudy/ and s2/ (and optionally cloudmask/) with files "
            "<id>_<kind>.tif"
        )
    bad = set(require) - set(KINDS)
    if bad:
        raise ValueError(f"unknown kinds {sorted(bad)}; choose from {KINDS}")
    files: Dict[str, Dict[str, Path]] = {}
    for kind in FOLDERS:
        for tif in sorted((root / kind).glob("*.tif")) if (root / kind).is_dir() else ():
            files.setdefault(_file_id(tif, kind), {})[kind] = tif
    found, skipped = [], []
    for name in sorted(files, key=lambda i: (not i.isdigit(), int(i) if i.isdigit() else 0, i)):
        paths = files[name]
        if all(kind in paths for kind in require):
            found.append(FolderTriplet(name, root.name, dict(paths)))
        elif set(paths) - {MASK}:
            skipped.append(name)
    if skipped and warn:
        warnings.warn(
            f"skipped {len(skipped)} incomplete id(s) under {root} lacking one of "
            f"{', '.join(require)} (e.g. {', '.join(skipped[:3])})",
            IncompleteTripletsWarning,
            stacklevel=2,
        )
    return found, len(skipped)


def read_mask(path: Union[str, Path]) -> np.ndarray:
    """(H, W) bool cloud mask (non-zero = cloud) from a ``cloudmask/`` file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        with rasterio.open(path) as src:
            return src.read(1) != 0


def select_ids(triplets: Sequence[FolderTriplet], split: str, protocol: str = "ids") -> List:
    """The triplets of ``split`` (train, val, test or all); see the module docstring."""
    if split not in ("train", "val", "test", "all"):
        raise ValueError(f"unknown split {split!r}; choose from train, val, test, all")
    if split == "all" or protocol == "all":
        return list(triplets)
    ranked = sorted(triplets, key=lambda t: hashlib.sha256(t.id.encode()).hexdigest())
    held = max(1, round(HELD_FRACTION * len(ranked))) if len(ranked) >= 3 else 0
    parts = {"test": ranked[:held], "val": ranked[held : 2 * held], "train": ranked[2 * held :]}
    chosen = {t.id for t in parts[split]}
    return [t for t in triplets if t.id in chosen]


class TripletFolder(SEN12MSCR):
    """Items of a triplet folder, as :class:`~.sen12mscr.SEN12MSCR` gives them (same options).

    ``root`` is the folder (or give ``triplets`` from :func:`find_folder_triplets`); with
    ``require_sar=False`` ids without ``s1/`` are kept (``sar`` zeros, ``has_sar`` False).
    """

    def __init__(self, root: Union[str, Path, None] = None, *,
                 triplets: Optional[Sequence[FolderTriplet]] = None, require_sar: bool = True,
                 **options):  # fmt: skip
        if triplets is None:
            if root is None:
                raise ValueError("give root or triplets")
            require = KINDS if require_sar else ("s2", "s2_cloudy")
            triplets, _ = find_folder_triplets(root, require=require)
        super().__init__(triplets=triplets, **options)

    def patch_cloud_cover(self, triplet, cloudy_dn, clear_dn) -> float:
        """The cloud mask's cover where the id has a mask, else the estimate."""
        if MASK in triplet.paths:
            return float(read_mask(triplet.paths[MASK]).mean())
        return super().patch_cloud_cover(triplet, cloudy_dn, clear_dn)

    def cloud_cover_of(self, index: int) -> float:
        with warnings.catch_warnings():  # no georeference is needed (module docstring)
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            return super().cloud_cover_of(index)

    def __getitem__(self, index: int) -> dict:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            return super().__getitem__(index)
