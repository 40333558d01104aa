"""The uncertainty layer the dock adds beside the result (weights with an uncertainty head).

- :func:`uncertainty_checkbox`: the dock's option (off by default).
- :func:`uncertainty_output_for`: written next to the result (``<stem>_uncertainty.tif``, a free
  name).
- :func:`style_uncertainty`: one band, pseudocolor: pixels kept from the input (value 0) are
  transparent, restored pixels run from blue (confident: the 2nd percentile of the scene's
  restored pixels and below) through yellow to red (unsure: their 98th percentile and above).
"""

import os
from typing import Callable, Tuple

from qgis.core import (
    Qgis,
    QgsColorRampShader,
    QgsRasterLayer,
    QgsRasterShader,
    QgsSingleBandPseudoColorRenderer,
)
from qgis.PyQt.QtGui import QColor
from qgis.PyQt.QtWidgets import QCheckBox

from .compat import first_spelling
from .i18n import tr
from .result import unique_path

#: Linear interpolation between the ramp's colours (``Qgis.ShaderInterpolationMethod``: 3.30).
INTERPOLATED = first_spelling((Qgis, "ShaderInterpolationMethod.Linear"),
                              (QgsColorRampShader, "Type.Interpolated"))

SUFFIX = "_uncertainty"
#: Colours from confident to unsure (ColorBrewer RdYlBu, reversed).
CONFIDENT, MIDDLE, UNSURE = "#2c7bb6", "#ffffbf", "#d7191c"
#: Below this (reflectance) a pixel counts as kept from the input (exactly 0 there).
KEPT_BELOW = 1e-6


def uncertainty_checkbox(parent) -> QCheckBox:
    """The dock's option (Clouds group): also add the uncertainty as a styled layer."""
    check = QCheckBox(tr("Add the uncertainty layer"), parent)
    check.setToolTip(tr("Expected error of each restored pixel (weights with an uncertainty "
                        "head): blue confident, red unsure, clear pixels transparent"))
    return check


def uncertainty_output_for(output: str, exists: Callable[[str], bool] = os.path.exists) -> str:
    """The uncertainty saved next to the result ``output``: ``<stem>_uncertainty.tif``."""
    return unique_path(f"{os.path.splitext(output)[0]}{SUFFIX}.tif", exists)


def restored_range(path: str, max_side: int = 1024) -> Tuple[float, float]:
    """The 2nd and 98th percentiles of the restored pixels (> 0, finite) of the uncertainty
    raster at ``path``, read decimated to at most ``max_side`` px; (0, 0.01) when none."""
    import numpy as np
    import rasterio

    with rasterio.open(path) as ds:
        step = max(1, -(-max(ds.width, ds.height) // max_side))
        values = ds.read(1, out_shape=(-(-ds.height // step), -(-ds.width // step)))
    values = values[np.isfinite(values) & (values > KEPT_BELOW)]
    if values.size == 0:
        return 0.0, 0.01
    low, high = (float(v) for v in np.percentile(values, (2, 98)))
    return low, max(high, low + 1e-6)


def style_uncertainty(layer: QgsRasterLayer) -> Tuple[float, float]:
    """Give ``layer`` the pseudocolor look of the module docstring; returns the range of the
    ramp (the 2nd to 98th percentile of the restored pixels)."""
    low, high = restored_range(layer.source())
    ramp = QgsColorRampShader(0.0, high)
    ramp.setColorRampType(INTERPOLATED)
    ramp.setClip(False)  # values above the top stay red
    items = [(0.0, QColor(0, 0, 0, 0), tr("0 (input kept)")),
             (min(KEPT_BELOW, low), QColor(CONFIDENT), ""),
             (low, QColor(CONFIDENT), f"{low:.4f}"),
             ((low + high) / 2, QColor(MIDDLE), f"{(low + high) / 2:.4f}"),
             (high, QColor(UNSURE), f"{high:.4f}")]
    ramp.setColorRampItemList([QgsColorRampShader.ColorRampItem(v, c, t) for v, c, t in items])
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(ramp)
    layer.setRenderer(QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader))
    layer.triggerRepaint()
    return low, high
