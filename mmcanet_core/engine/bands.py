"""Every band that went in comes out: the output has the optical input's bands, in its order.

The network restores the bands its weights were trained on (``optical_bands`` in the weights
metadata, e.g. B4, B3, B2 for RGB weights, all 13 for L1C weights), found in the file by
:func:`mmcanet_core.safety.checks.choose_bands`. The output raster always has every band of the
input, at the input's position:

* a band the network restores holds the restored value (the composite, or the raw network
  output with ``raw``);
* any other band holds the input's own values, bit for bit (it is carried through the engine as
  stored, in the ``"source"`` layer of :mod:`mmcanet_core.engine.scene`), except where the
  restored bands are nodata (the network had no valid input, e.g. outside the SAR, where it
  would write): that pixel is nodata in every band.

The band descriptions say which is which (``"B4 (cloud-free, MMCANet)"``,
``"B8 (input, not restored)"``). When the network restores every band in the file's order the
output is the network's own rows and nothing is merged.
"""

from dataclasses import dataclass
from typing import List, Optional, Sequence, Tuple

import numpy as np

from mmcanet_core.engine.raster import to_output_dtype
from mmcanet_core.preprocess import S2_BANDS

RESTORED = "cloud-free, MMCANet"
KEPT = "input, not restored"


@dataclass(frozen=True)
class BandPlan:
    """Where each output band comes from.

    ``count``: bands of the input (and of the output); ``restored``: the 1-based input bands the
    network restores, in the network's order; ``source``: the input bands the engine carries as
    stored (the scene's ``source_bands``), which must hold every band not restored."""

    count: int
    restored: Tuple[int, ...]
    source: Tuple[int, ...] = ()

    @property
    def merged(self) -> bool:
        """Whether the output differs from the network's rows (bands kept or reordered)."""
        return self.restored != tuple(range(1, self.count + 1))

    @property
    def kept(self) -> Tuple[int, ...]:
        """Input bands the network does not restore (copied from the input)."""
        return tuple(b for b in range(1, self.count + 1) if b not in self.restored)

    def with_source(self, carried: Sequence[int]) -> "BandPlan":
        """This plan with the engine carrying ``carried`` plus every kept band not among them."""
        carried = tuple(int(b) for b in carried)
        extra = tuple(b for b in self.kept if b not in carried) if self.merged else ()
        return BandPlan(self.count, self.restored, carried + extra)

    def merge(self, restored: np.ndarray, source: np.ndarray, dtype, nodata,
              lost: Optional[np.ndarray] = None, converted: bool = False) -> np.ndarray:
        """(C, n, W) restored rows and (S, n, W) source rows as stored -> (count, n, W) of
        ``dtype`` in the input's band order. ``converted``: the restored rows are final values
        of ``dtype`` (a composite); else float DN (NaN = invalid), converted here as the writer
        converts them (:func:`~mmcanet_core.engine.raster.to_output_dtype`).

        ``lost`` ((n, W) bool): pixels whose restored bands are nodata (no valid network input
        where the network writes); every band is nodata there (0 where the output declares none:
        the all-zero rule), so that no pixel is part restored, part nodata."""
        if not converted:
            restored = to_output_dtype(restored, dtype, nodata)
        out = np.empty((self.count,) + restored.shape[1:], dtype=dtype)
        for i, band in enumerate(self.restored):
            out[band - 1] = restored[i]
        for band in self.kept:
            out[band - 1] = source[self.source.index(band)]
        if lost is not None and lost.any():
            out[:, lost] = 0 if nodata is None else nodata
        return out

    def descriptions(self, names: Sequence[str]) -> List[str]:
        """Output band descriptions from the input's (``names``; empty ones get the Sentinel-2
        name for 13-band files, else ``band N``), each saying whether it was restored."""
        out = []
        for band in range(1, self.count + 1):
            name = names[band - 1] if band - 1 < len(names) and names[band - 1] else (
                S2_BANDS[band - 1] if self.count == len(S2_BANDS) else f"band {band}")
            out.append(f"{name} ({RESTORED if band in self.restored else KEPT})")
        return out
