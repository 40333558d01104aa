"""The writer's row step for everything beside the network: the composite and mask output
(:mod:`mmcanet_core.clouds.masking`), every input band
(:mod:`mmcanet_core.engine.bands`) and the uncertainty output
(:mod:`mmcanet_core.clouds.uncertainty`), in that order, on each strip of finished rows."""

from dataclasses import dataclass
from typing import Optional, Tuple

import numpy as np

from mmcanet_core.clouds.masking import Masking
from mmcanet_core.clouds.uncertainty import uncertainty_rows
from mmcanet_core.engine.bands import BandPlan
from mmcanet_core.engine.scene import Layers


@dataclass
class RowSteps:
    """One row step (:func:`mmcanet_core.engine.scene.run_scene`'s ``row_step``) for the mask,
    the band merge and the uncertainty, each optional."""

    masking: Optional[Masking]
    bands: Optional[BandPlan]  # None or not merged: the network's bands are the output's
    dtype: str  # the main output's dtype
    nodata: object  # and its nodata
    optical_clip: Tuple[float, float]  # network DN range (the uncertainty's units)
    uncertainty: bool = False

    @property
    def active(self) -> bool:
        """Whether there is anything to do (else the engine runs without a row step)."""
        merged = self.bands is not None and self.bands.merged
        return self.masking is not None or merged or self.uncertainty

    @property
    def row_layers(self) -> Tuple[str, ...]:
        """The strip layers read (never empty: the engine reads an empty list as all)."""
        names = list(self.masking.row_layers) if self.masking is not None else []
        if self.bands is not None and self.bands.merged:
            names.append("source")
        if self.uncertainty and self.masking is not None:
            names += [n for n in ("classes", "weight") if n in self.masking.row_layers]
        return tuple(dict.fromkeys(names)) or ("valid",)

    def __call__(self, top: int, values: Layers, rows: Layers) -> Layers:
        merged = self.bands is not None and self.bands.merged
        lost = self._lost(values, rows) if merged else None
        out = (self.masking.row_step(top, values, rows) if self.masking is not None
               else {"restored": values["restored"]})
        if merged:
            composited = self.masking is not None and self.masking.compositing
            out["restored"] = self.bands.merge(out["restored"], rows["source"], self.dtype,
                                               self.nodata, lost, converted=composited)
        if self.uncertainty:
            weight = rows.get("weight") if self.masking is not None else None
            out["uncertainty"] = uncertainty_rows(values["uncertainty"], self.optical_clip,
                                                  weight, rows.get("classes"))
        return out

    def _lost(self, values: Layers, rows: Layers):
        """(n, W) pixels written as nodata in the restored bands (the network had no valid
        input there), or None. A composite loses none: where the network has no value it keeps
        the input (:func:`mmcanet_core.clouds.composite.composite`), so the kept bands stay too."""
        if self.masking is not None and self.masking.compositing:
            return None
        restored = values["restored"]
        if "refsource" in rows:  # filled from another date (clouds.refill): not lost there
            restored = np.where(rows["refsource"][None] > 0, rows["reference"], restored)
        return ~np.isfinite(restored).all(axis=0)
