"""``SyntheticCloudPairs``: REAL clear optical + REAL SAR with SYNTHETIC clouds (:mod:`.clouds`).

Sources: SEN12MS-CR patches that have s1 and s2 (the cloud-free image; s2_cloudy is not needed)
and, optionally, the 6 BigEarthNet pairs (:mod:`.bigearthnet`, L2A, B10 zero). Items have the
same keys as :class:`~.sen12mscr.SEN12MSCR` plus ``synthetic=True``; ``cloud_cover`` is the
simulated cloud + shadow fraction. Clouds are drawn from a generator seeded by
(seed, epoch, index): reproducible, different every epoch (``set_epoch``), fixed for validation.
"""

from typing import Optional, Sequence, Union

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.data import Dataset

from mmcanet_core.data.bigearthnet import load_pairs
from mmcanet_core.data.cloud_simulation import simulate
from mmcanet_core.data.sen12mscr import Triplet, band_indices, fit_size, read_dn, read_sar, to_unit
from mmcanet_core.preprocess import S2_BANDS


class SyntheticCloudPairs(Dataset):
    """Training triplets with SYNTHETIC clouds on real clear Sentinel-2 and its real SAR."""

    def __init__(
        self,
        triplets: Sequence[Triplet] = (),
        *,
        bigearthnet: bool = False,
        bands: Union[str, Sequence[int]] = "rgb",
        size: Optional[int] = 128,
        size_mode: str = "resize",
        crop: str = "center",
        seed: int = 0,
    ):
        self.triplets = [t for t in triplets if "s1" in t.paths and "s2" in t.paths]
        self.bigearthnet = load_pairs() if bigearthnet else []
        self.bands = band_indices(bands)
        self.size, self.size_mode, self.crop = size, size_mode, crop
        self.seed, self.epoch = int(seed), 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = int(epoch)

    def __len__(self) -> int:
        return len(self.triplets) + len(self.bigearthnet)

    def _source(self, index: int, rng: np.random.Generator):
        if index < len(self.triplets):
            t = self.triplets[index]
            sar = torch.from_numpy(read_sar(t.paths["s1"]))
            refl = torch.from_numpy(to_unit(read_dn(t.paths["s2"])))
            offset = None
            if self.size_mode == "crop" and self.crop == "random" and self.size is not None:
                offset = tuple(int(rng.integers(0, n - self.size + 1)) for n in refl.shape[-2:])
            sar, refl = fit_size([sar, refl], self.size, self.size_mode, offset)
            return (
                sar,
                refl,
                dict(season=t.season, scene=t.scene, roi=t.roi, patch=t.patch, key=t.key),
            )
        p = self.bigearthnet[index - len(self.triplets)]
        sar, refl = torch.from_numpy(p.sar), torch.from_numpy(to_unit(p.dn))
        if self.size is not None and self.size != sar.shape[-1]:  # 120 px: resample, never crop
            sar, refl = (F.interpolate(x[None], size=(self.size,) * 2, mode="bilinear",
                                       align_corners=False)[0] for x in (sar, refl))  # fmt: skip
        meta = dict(season=p.season, scene="BigEarthNet", roi=index, patch=0, key=p.name)
        return sar, refl, meta

    def __getitem__(self, index: int) -> dict:
        rng = np.random.default_rng([self.seed, self.epoch, index])
        sar, refl, meta = self._source(index, rng)
        cloudy, info = simulate(refl.numpy(), rng, bands=S2_BANDS)
        cover = float(((info.alpha > 0.5) | (info.shadow > 0.25)).mean())
        return {
            "sar": sar.contiguous().float(),
            "cloudy": torch.from_numpy(np.ascontiguousarray(cloudy[self.bands])).float(),
            "target": refl[self.bands].contiguous().float(),
            **meta,
            "cloud_cover": cover,
            "has_sar": True,
            "synthetic": True,
        }
