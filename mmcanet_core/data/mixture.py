"""Several real data sources mixed with given probabilities: the ``mixture`` training data.

A source is a mapping (a ``sources`` entry of the training configuration)::

    {"kind": "triplets" | "clear" | "no_sar", "layout": LAYOUT, "root": "sen12mscr_nogeo",
     "weight": 0.3, "exclude": ["..."]}

- ``triplets``: REAL cloudy / clear pairs with their own REAL SAR (layouts ``sen12mscr``,
  ``folders``); input s2_cloudy + s1, target s2.
- ``clear``: real clear SAR / optical pairs with SYNTHETIC clouds
  (:func:`mmcanet_core.data.cloud_simulation.simulate`) drawn anew for every sample, on the crop
  (layouts ``sen12mscr`` and ``folders``: their s1 + s2; ``sen1floods11``: the S1Hand / S2Hand
  chips cut into ``tile`` px tiles; ``bigearthnet``: the BigEarthNet S1 / S2 L2A folders of
  ``bigearthnet_s1s2``, see :func:`read_bigearthnet`).
- ``no_sar``: REAL cloudy / clear pairs that have no Sentinel-1 (layout ``sen12mscr``); the SAR
  input is ZERO, the value a missing SAR pixel gets everywhere in this package, never another
  place's SAR.

Every image is named ``<root folder>/<id or key>``; a name in ``held_out`` (or a source's
``exclude``), or one that starts with such an entry followed by ``_`` (a whole SEN12MS-CR ROI,
``sen12mscr/ROIs2017_winter_112``), is never loaded. Images are read once, whole, as all 13 bands
in [0, 1] (DN / 10000, :func:`~mmcanet_core.data.sen12mscr.to_unit`); the configured bands are
picked per sample.

BigEarthNet's S2 is L2A (surface reflectance), the others L1C (top of atmosphere, with the path
reflectance of the atmosphere). Each L2A band gets the L1C haze added: the median over the L1C
clear images of their 1st percentile minus that over the L2A images (:func:`l2a_offset`; B10,
absent from L2A, gets the L1C dark level), computed from the loaded data, so that its colours
match the L1C the model sees.

Sample ``i`` of epoch ``e`` is drawn by its own generator ``default_rng([seed, e, i])``: the source
(by weight), the image, a random ``size`` px crop, a random flip / 90-degree rotation and the
synthetic clouds. So every sample is reproducible from its index alone: the data is the same
whatever the number of loader workers or processes, a resumed run sees what an uninterrupted one
would, and a DistributedSampler splits the indices between processes.
"""

import json
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np
import rasterio
import torch
import torch.nn.functional as F
from rasterio.errors import NotGeoreferencedWarning
from torch.utils.data import Dataset

from mmcanet_core.data.folders import find_folder_triplets
from mmcanet_core.data.sen12mscr import find_triplets, read_dn, read_sar, to_unit
from mmcanet_core.preprocess import S2_BANDS

KINDS = {"triplets": ("sen12mscr", "folders"), "clear": ("sen12mscr", "folders", "sen1floods11",
         "bigearthnet"), "no_sar": ("sen12mscr",)}  # fmt: skip
L2A_LAYOUTS = ("bigearthnet",)


@dataclass
class Image:
    """One whole image: ``sar`` (2, H, W) or None (no SAR), ``cloudy`` (13, H, W) or None (clouds
    are simulated), ``clear`` (13, H, W); float32 in [0, 1]."""

    name: str
    sar: Optional[np.ndarray]
    cloudy: Optional[np.ndarray]
    clear: np.ndarray
    l2a: bool = False


def is_excluded(name: str, excluded: Sequence[str]) -> bool:
    """``name`` is an entry of ``excluded`` or lies under one (``entry_...``)."""
    return any(name == e or name.startswith(e + "_") for e in excluded)


def _read(fn, path):
    with warnings.catch_warnings():  # sen12mscr_nogeo and BigEarthNet carry no georeference
        warnings.simplefilter("ignore", NotGeoreferencedWarning)
        return fn(path)


def _unit(path) -> np.ndarray:
    return to_unit(_read(read_dn, path)).astype(np.float32)


def read_bigearthnet(folder: Path):
    """(sar (2, 120, 120), L2A reflectance (13, 120, 120)) of one ``bigearthnet_s1s2`` folder:
    the 20 m and 60 m bands resized (bilinear) to the 10 m grid, B10 (not in L2A) zero."""
    sar = _read(read_sar, folder / "s1.tif")
    size = sar.shape[-2:]
    out = np.zeros((len(S2_BANDS), *size), np.float32)
    for name in ("s2_10m.tif", "s2_20m.tif", "s2_60m.tif"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NotGeoreferencedWarning)
            with rasterio.open(folder / name) as src:
                data, names = src.read().astype(np.float32), src.descriptions
        data = F.interpolate(torch.from_numpy(data)[None], size=size, mode="bilinear",
                             align_corners=False)[0].numpy()  # fmt: skip
        for band, values in zip(names, data):
            key = band if band == "B8A" else f"B{int(band[1:])}"
            out[S2_BANDS.index(key)] = values
    return sar.astype(np.float32), to_unit(out).astype(np.float32)


def _bigearthnet(root: Path, excluded) -> List[Image]:
    """Clear BigEarthNet pairs: every folder but those flagged ``cloud_or_shadow`` (no clear
    reference exists for them)."""
    flags = {p["id"]: p for p in json.loads((root / "patches.json").read_text())}
    out = []
    for folder in sorted(p for p in root.iterdir() if (p / "s1.tif").is_file()):
        name = f"{root.name}/{folder.name}"
        if flags.get(folder.name, {}).get("cloud_or_shadow") or is_excluded(name, excluded):
            continue
        sar, clear = read_bigearthnet(folder)
        out.append(Image(name, sar, None, clear, l2a=True))
    return out


def _floods(root: Path, tile: int, excluded) -> List[Image]:
    out = []
    for s1 in sorted(root.glob("*_S1Hand.tif")):
        chip = s1.name[: -len("_S1Hand.tif")]
        sar, clear = _read(read_sar, s1), _unit(root / f"{chip}_S2Hand.tif")
        for y in range(0, clear.shape[1] - tile + 1, tile):
            for x in range(0, clear.shape[2] - tile + 1, tile):
                name = f"{root.name}/{chip}_{y}_{x}"
                if not is_excluded(name, excluded):
                    out.append(Image(name, sar[:, y:y + tile, x:x + tile],
                                     None, clear[:, y:y + tile, x:x + tile]))  # fmt: skip
    return out


def _patches(root: Path, layout: str, require) -> list:
    if layout == "folders":
        return find_folder_triplets(root, require=require, warn=False)[0]
    return find_triplets(root, require=require, warn=False)[0]


def load_source(spec: Dict, base: Path, held_out: Sequence[str]) -> List[Image]:
    """The images of one source (module docstring); held-out and excluded names left out."""
    kind, layout, root = spec["kind"], spec["layout"], base / spec["root"]
    excluded = [*held_out, *(f"{root.name}/{e}" for e in spec.get("exclude", ()))]
    if layout == "bigearthnet":
        return _bigearthnet(root, excluded)
    if layout == "sen1floods11":
        return _floods(root, int(spec.get("tile", 256)), excluded)
    require = {"triplets": ("s1", "s2", "s2_cloudy"), "clear": ("s1", "s2"),
               "no_sar": ("s2", "s2_cloudy")}[kind]  # fmt: skip
    out = []
    for p in _patches(root, layout, require):
        name = f"{root.name}/{p.key}"
        if is_excluded(name, excluded) or (kind == "no_sar" and "s1" in p.paths):
            continue
        sar = None if kind == "no_sar" else _read(read_sar, p.paths["s1"]).astype(np.float32)
        cloudy = None if kind == "clear" else _unit(p.paths["s2_cloudy"])
        out.append(Image(name, sar, cloudy, _unit(p.paths["s2"])))
    return out


def l2a_offset(images: Sequence[Image]) -> np.ndarray:
    """(13,) haze to add to L2A bands: median 1st percentile of the L1C clear images minus that
    of the L2A images, per band, at least 0 (module docstring)."""
    def dark(group):
        return np.median([np.percentile(im.clear, 1, axis=(1, 2)) for im in group], axis=0)

    l1c = [im for im in images if not im.l2a]
    l2a = [im for im in images if im.l2a]
    if not l2a:
        return np.zeros(len(S2_BANDS), np.float32)
    if not l1c:
        raise ValueError("L2A images need L1C images in the mixture to match their haze to")
    return np.maximum(dark(l1c) - dark(l2a), 0.0).astype(np.float32)


class SourceMixture(Dataset):
    """Training samples drawn from weighted sources (module docstring); ``len`` = samples per
    epoch. Items: ``sar``, ``cloudy``, ``target`` float tensors and ``index``."""

    def __init__(self, sources: List[Dict], bands: Sequence[int], size: int, length: int,
                 seed: int = 0):  # fmt: skip
        self.sources = [s for s in sources if s["images"]]
        weights = np.array([float(s["weight"]) for s in self.sources])
        self.p = weights / weights.sum()
        self.bands, self.size, self.length, self.seed = list(bands), int(size), int(length), seed
        self.epoch = 0
        every = [im for s in self.sources for im in s["images"]]
        self.offset = l2a_offset(every)
        for im in every:
            if im.l2a:
                im.clear = np.clip(im.clear + self.offset[:, None, None], 0, 1).astype(np.float32)
                im.l2a = False  # the offset is added once

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return self.length

    def names(self) -> set:
        return {im.name for s in self.sources for im in s["images"]}

    def describe(self) -> str:
        return "; ".join(f"{s['kind']} {s['layout']} {s['root']} ({len(s['images'])} images, "
                         f"p {p:.3f})" for s, p in zip(self.sources, self.p))  # fmt: skip

    def __getitem__(self, index: int):
        from mmcanet_core.data.cloud_simulation import simulate

        rng = np.random.default_rng([self.seed, self.epoch, int(index)])
        source = self.sources[int(rng.choice(len(self.sources), p=self.p))]
        im = source["images"][int(rng.integers(len(source["images"])))]
        h, w = im.clear.shape[-2:]
        s = min(self.size, h, w)
        y, x = int(rng.integers(0, h - s + 1)), int(rng.integers(0, w - s + 1))
        window = (slice(None), slice(y, y + s), slice(x, x + s))
        clear = im.clear[window][self.bands]
        sar = np.zeros((2, s, s), np.float32) if im.sar is None else im.sar[window]
        if im.cloudy is not None:
            cloudy = im.cloudy[window][self.bands]
        else:
            names = [S2_BANDS[b] for b in self.bands]
            cloudy = simulate(clear, rng, bands=names)[0].astype(np.float32)
        stack = np.concatenate([sar, cloudy, clear])
        stack = np.rot90(stack, int(rng.integers(4)), axes=(1, 2))
        if rng.random() < 0.5:
            stack = stack[:, :, ::-1]
        stack = torch.from_numpy(np.ascontiguousarray(stack))
        c = len(self.bands)
        return {"sar": stack[:2], "cloudy": stack[2:2 + c], "target": stack[2 + c:],
                "index": int(index)}  # fmt: skip


class WholeImages(Dataset):
    """Whole images of ``triplets`` sources (validation): no crop, no augmentation."""

    def __init__(self, images: List[Image], bands: Sequence[int]):
        self.images, self.bands = images, list(bands)

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, i: int):
        im = self.images[i]
        return {"sar": torch.from_numpy(im.sar), "cloudy": torch.from_numpy(im.cloudy[self.bands]),
                "target": torch.from_numpy(im.clear[self.bands]), "key": im.name}  # fmt: skip
