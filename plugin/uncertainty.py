"""The uncertainty layer the dock adds beside the result (weights with an uncertainty head).

- :func:`uncertainty_checkbox`: the dock's option (off by default).
- :func:`uncertainty_output_for`: written next to the result (``<stem>_uncertainty.tif``, a free
  name).
- :func:`style_uncertainty`: one band, pseudocolor: pixels kept from the input (value 0) are
  transparent, restored pixels run from blue (confident: small expected error) through yellow to
  red (unsure: the 98th percentile of the scene's restored pixels and above).
"""

import os
from typing import Callable

from qgis.core import (
    Qgis,
    QgsColorRampShader,
    QgsRasterLayer,
    QgsRasterShader,
    QgsRectangle,
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


def _high(layer: QgsRasterLayer) -> float:
    """The top of the colour ramp: the 98th percentile of the band (at least a small value)."""
    provider = layer.dataProvider()
    _, high = provider.cumulativeCut(1, 0.0, 0.98, QgsRectangle(), 250000)
    if not high or high != high or high <= KEPT_BELOW:  # all kept, or NaN
        stats = provider.bandStatistics(1)
        high = stats.maximumValue if stats.maximumValue > KEPT_BELOW else 0.01
    return float(high)


def style_uncertainty(layer: QgsRasterLayer) -> float:
    """Give ``layer`` the pseudocolor look of the module docstring; returns the ramp's top."""
    high = _high(layer)
    ramp = QgsColorRampShader(0.0, high)
    ramp.setColorRampType(INTERPOLATED)
    ramp.setClip(False)  # values above the top stay red
    items = [(0.0, QColor(0, 0, 0, 0), "0 (input kept)"),
             (KEPT_BELOW, QColor(CONFIDENT), f"{KEPT_BELOW:g}"),
             (high / 2, QColor(MIDDLE), f"{high / 2:.3f}"),
             (high, QColor(UNSURE), f"{high:.3f}")]
    ramp.setColorRampItemList([QgsColorRampShader.ColorRampItem(v, c, t) for v, c, t in items])
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(ramp)
    layer.setRenderer(QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader))
    layer.triggerRepaint()
    return high
