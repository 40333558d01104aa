"""The result a user keeps: where it is written, how it looks, where it sits in the project.

- :func:`default_output`: a GeoTIFF next to the optical raster, named after it
  (``S2_cloudfree.tif``), never overwriting a file (``S2_cloudfree_2.tif``, ...); the project's
  folder, then the home folder, when the optical raster's folder is read-only;
  :func:`mask_output_for`: the cloud mask, when saved, next to it (``S2_cloudfree_mask.tif``).
- :func:`style_like`: the restored layer rendered like its input: the same bands (the output
  has every input band at its input position) and the same min/max, so that colours compare one
  to one.
- :func:`add_next_to`: the result goes into the layer tree right above its input, so before and
  after are one checkbox apart.
"""

import os
from typing import Callable, List, Optional, Sequence

from qgis.core import (
    QgsContrastEnhancement,
    QgsMultiBandColorRenderer,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsSingleBandGrayRenderer,
)

from .compat import MINMAX_USER_DEFINED
from .inputs import RESULT_PROPERTY

SUFFIX = "_cloudfree"
MASK_SUFFIX = "_mask"
#: QGIS's default stretch of a new multiband layer: cumulative count cut 2 % - 98 %, estimated
#: from this many sampled pixels (QgsRasterLayer.SAMPLE_SIZE).
CUT = (0.02, 0.98)
SAMPLE_SIZE = 250000


# -- where ------------------------------------------------------------------------------------
def unique_path(path: str, exists: Callable[[str], bool] = os.path.exists) -> str:
    """``path``, or ``<stem>_2.tif``, ``<stem>_3.tif``, ... : the first that does not exist."""
    stem, ext = os.path.splitext(path)
    candidate, number = path, 2
    while exists(candidate):
        candidate, number = f"{stem}_{number}{ext}", number + 1
    return candidate


def mask_output_for(output: str, exists: Callable[[str], bool] = os.path.exists) -> str:
    """The cloud mask saved next to the result ``output``: ``<stem>_mask.tif`` (a free
    name)."""
    return unique_path(f"{os.path.splitext(output)[0]}{MASK_SUFFIX}.tif", exists)


def _writable(folder: str) -> bool:
    return bool(folder) and os.path.isdir(folder) and os.access(folder, os.W_OK)


def default_output(optical_path: str, project_folder: str = "",
                   writable: Callable[[str], bool] = _writable) -> str:
    """``<optical folder>/<optical name>_cloudfree.tif`` (a free name); when that folder is not
    writable, the project's folder, else the home folder."""
    stem = os.path.splitext(os.path.basename(optical_path))[0] or "optical"
    for folder in (os.path.dirname(optical_path), project_folder, os.path.expanduser("~")):
        if writable(folder):
            return unique_path(os.path.join(folder, f"{stem}{SUFFIX}.tif"))
    raise OSError(f"no writable folder for the result of {optical_path}")


# -- how it looks -----------------------------------------------------------------------------
def shown_bands(layer: QgsRasterLayer) -> List[int]:
    """The bands a layer's renderer shows (red, green, blue or gray); [] for other renderers."""
    renderer = layer.renderer()
    if isinstance(renderer, QgsMultiBandColorRenderer):
        return [renderer.redBand(), renderer.greenBand(), renderer.blueBand()]
    if isinstance(renderer, QgsSingleBandGrayRenderer):
        return [renderer.grayBand()]
    return []


def _remapped(renderer, mapping):
    """A copy of a gray or RGB renderer reading band ``mapping[b]`` where it read band ``b``,
    with its min/max kept as user-defined numbers (not recomputed from the other raster)."""
    copy = renderer.clone()
    if isinstance(copy, QgsMultiBandColorRenderer):
        copy.setRedBand(mapping[renderer.redBand()])
        copy.setGreenBand(mapping[renderer.greenBand()])
        copy.setBlueBand(mapping[renderer.blueBand()])
    else:
        copy.setGrayBand(mapping[renderer.grayBand()])
    origin = copy.minMaxOrigin()
    origin.setLimits(MINMAX_USER_DEFINED)
    copy.setMinMaxOrigin(origin)
    return copy


def _stretch(layer: QgsRasterLayer, band: int) -> QgsContrastEnhancement:
    """QGIS's default stretch (cumulative cut 2-98 %) of one band of ``layer``."""
    provider = layer.dataProvider()
    low, high = provider.cumulativeCut(band, CUT[0], CUT[1], QgsRectangle(), SAMPLE_SIZE)
    enhancement = QgsContrastEnhancement(provider.dataType(band))
    enhancement.setContrastEnhancementAlgorithm(
        QgsContrastEnhancement.ContrastEnhancementAlgorithm.StretchToMinimumMaximum)
    enhancement.setMinimumValue(low)
    enhancement.setMaximumValue(high)
    return enhancement


def _restored_look(source: QgsRasterLayer, bands: Sequence[int]):
    """A renderer of ``source`` showing the restored ``bands`` (first three as R, G, B, or the
    first as gray), each stretched as QGIS stretches a new layer."""
    provider = source.dataProvider()
    if len(bands) >= 3:
        renderer = QgsMultiBandColorRenderer(provider, *bands[:3])
        renderer.setRedContrastEnhancement(_stretch(source, bands[0]))
        renderer.setGreenContrastEnhancement(_stretch(source, bands[1]))
        renderer.setBlueContrastEnhancement(_stretch(source, bands[2]))
    else:
        renderer = QgsSingleBandGrayRenderer(provider, bands[0])
        renderer.setContrastEnhancement(_stretch(source, bands[0]))
    return renderer


def _is_qgis_default(layer: QgsRasterLayer) -> bool:
    """Bands 1, 2, 3 as RGB: how QGIS shows any raster of more than three bands at first."""
    return layer.bandCount() > 3 and shown_bands(layer) == [1, 2, 3]


def style_like(result: QgsRasterLayer, source: QgsRasterLayer, bands: Sequence[int]
               ) -> Optional[List[int]]:
    """Render ``result`` (every band of ``source`` at the same position; ``bands`` are those the
    network restored) like ``source``: the same bands and min/max. When ``source`` shows bands
    that were not restored, both get the restored bands with ``source``'s stretch; ``source``
    only while QGIS's default look (bands 1, 2, 3) is all it had. Returns the source bands now
    shown by ``source`` when it was restyled, else None."""
    bands = list(bands)
    shown = shown_bands(source)
    if shown and all(band in bands for band in shown):
        result.setRenderer(_remapped(source.renderer(), {band: band for band in shown}))
        result.triggerRepaint()
        return None
    look = _restored_look(source, bands)
    result.setRenderer(_remapped(look, {band: band for band in bands}))
    result.triggerRepaint()
    if _is_qgis_default(source):
        source.setRenderer(look)
        source.triggerRepaint()
        return bands[:3]
    return None


# -- where it sits ----------------------------------------------------------------------------
def add_next_to(project: QgsProject, layer: QgsRasterLayer,
                source: Optional[QgsRasterLayer]) -> None:
    """Add ``layer`` to ``project`` right above ``source`` in the layer tree (on top when
    ``source`` is not in the tree), marked as this plugin's result."""
    layer.setCustomProperty(RESULT_PROPERTY, True)
    project.addMapLayer(layer, False)
    root = project.layerTreeRoot()
    node = root.findLayer(source.id()) if source is not None else None
    if node is None:
        root.insertLayer(0, layer)
        return
    parent = node.parent()
    parent.insertLayer(parent.children().index(node), layer)
