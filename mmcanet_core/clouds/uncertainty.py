"""The uncertainty output: how far the restored value is expected to be from the truth.

Weights with the uncertainty head (:mod:`mmcanet_core.models.uncertainty`) predict, beside each
restored pixel, a Laplace scale ``b``: the expected absolute error of every restored band, in
reflectance (digital numbers / 10000). The engine blends it across tiles like the image
(:mod:`mmcanet_core.engine.scene`, ``uncertainty=True``) and this module turns it into a
one-band float32 raster on the optical grid:

* **restored pixels** (the raw output everywhere; in a composite, where the cloud mask puts the
  network): ``w * b``, with ``w`` the composite's network weight (1 on the mask, falling to 0
  over the feather, :mod:`mmcanet_core.clouds.composite`), since the blend's error is ``w`` times
  the network's when the input is taken as exact;
* **pixels kept from the input** (clear pixels of a composite, ``w = 0``): exactly **0**, the
  input itself is written there;
* **nodata** (NaN, the file's declared nodata): where the optical input is nodata, or the
  network had no valid input (no SAR) at a pixel it would have restored.

Low values mean confident. The file's tags name the convention (``MMCANET_UNCERTAINTY``).
"""

from typing import Optional

import numpy as np

from mmcanet_core.clouds.cloudmask import NODATA
from mmcanet_core.engine import raster
from mmcanet_core.engine.scene import Output

#: The uncertainty raster's nodata (a scale is >= 0 and kept pixels are 0: NaN is never valid).
UNCERTAINTY_NODATA = float("nan")
CONVENTION = ("expected absolute error of the restored reflectance (Laplace scale, DN / 10000); "
              "0 = input kept (clear); nodata (NaN) = no valid input")


def uncertainty_output(optical, path) -> Output:
    """The uncertainty raster (float32, one band, on the optical grid) to write at ``path``."""
    profile = dict(raster.output_profile(optical, 1, UNCERTAINTY_NODATA), dtype="float32",
                   predictor=3)
    return Output("uncertainty", str(path), profile,
                  ["uncertainty (expected absolute error, reflectance; 0 = input kept)"],
                  {"MMCANET_UNCERTAINTY": CONVENTION})


def uncertainty_rows(scale: np.ndarray, optical_clip, weight: Optional[np.ndarray] = None,
                     classes: Optional[np.ndarray] = None) -> np.ndarray:
    """(1, n, W) blended scale in network units (NaN = invalid) -> (1, n, W) float32 output rows.

    ``optical_clip``: the network's DN range (its [0, 1] input is DN between them);
    ``weight``: (n, W) composite network weight (None: the raw output, 1 everywhere);
    ``classes``: (n, W) mask classes (nodata where the optical input is)."""
    low, high = optical_clip
    out = np.asarray(scale, dtype=np.float32) * np.float32((high - low) / 10000.0)
    if weight is not None:
        used = weight > 0
        out = np.where(used, out * weight, np.float32(0)).astype(np.float32)
    if classes is not None:
        out[:, classes == NODATA] = UNCERTAINTY_NODATA
    return out
