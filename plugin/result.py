"""The result a user keeps: where it is written, how it looks, where it sits in the project.

- :func:`default_output`: a GeoTIFF next to the optical raster, named after it
  (``S2_cloudfree.tif``), never overwriting a file (``S2_cloudfree_2.tif``, ...); the project's
  folder, then the home folder, when the optical raster's folder is read-only;
  :func:`mask_output_for`: the cloud mask, when saved, next to it (``S2_cloudfree_mask.tif``).
- :func:`style_like`: the restored layer rendered like its input: the same bands (the output
  has every input band at its input position) and the same min/max, so that colours compare one
  to one.
- :func:`style_mask`: the saved cloud mask as a paletted layer: clouds white, shadows purple,
  clear and nodata transparent, a legend with only the classes the file holds;
  :func:`write_mask_style`: the same style as a ``.qml`` beside the mask, so that QGIS shows it
  so whenever the file is opened later.
- :func:`add_next_to`: the result goes into the layer tree right above its input, so before and
  after are one checkbox apart; :func:`result_name` names it after its input (and its file's
  number when a second run chose a free name).
"""

import os
from typing import Callable, List, Optional, Sequence

from qgis.core import (
    QgsContrastEnhancement,
    QgsMultiBandColorRenderer,
    QgsPalettedRasterRenderer,
    QgsProject,
    QgsRasterLayer,
    QgsRectangle,
    QgsSingleBandGrayRenderer,
)
from qgis.PyQt.QtGui import QColor

from .compat import MINMAX_USER_DEFINED
from .i18n import tr
from .inputs import RESULT_PROPERTY

SUFFIX = "_cloudfree"
MASK_SUFFIX = "_mask"
#: QGIS's default stretch of a new multiband layer: cumulative count cut 2 % - 98 %, estimated
#: from this many sampled pixels (QgsRasterLayer.SAMPLE_SIZE).
CUT = (0.02, 0.98)
SAMPLE_SIZE = 250000
#: Marks a ``.qml`` this plugin wrote (a custom property saved in it): only such a file is
#: ever replaced.
MASK_STYLE_PROPERTY = "mmcanet/mask_style"


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


def _number(output: str) -> str:
    """``2`` for ``S2_cloudfree_2.tif`` (a free name after an earlier result), else ``""``."""
    stem = os.path.splitext(os.path.basename(output or ""))[0]
    number = stem.rsplit("_", 1)[-1] if SUFFIX + "_" in stem else ""
    return number if number.isdigit() else ""


def _free(template_plain: str, template_numbered: str, optical_name: str, output: str,
          taken) -> str:
    number = int(_number(output) or 0)
    while True:
        name = (template_numbered.format(optical_name, number) if number
                else template_plain.format(optical_name))
        if name not in taken:
            return name
        number = max(number, 1) + 1


def result_name(optical_name: str, output: str, taken=()) -> str:
    """``S2 (cloud-free)``; ``S2 (cloud-free 2)`` for ``S2_cloudfree_2.tif`` (a second run's
    free name) or when ``taken`` (the project's layer names) has the name already, so that two
    results never share a layer name."""
    return _free(tr("{0} (cloud-free)"), tr("{0} (cloud-free {1})"), optical_name, output,
                 taken)


def mask_name(optical_name: str, output: str = "", taken=()) -> str:
    """``S2 (cloud mask)``, ``S2 (cloud mask 2)`` beside ``S2 (cloud-free 2)``."""
    return _free(tr("{0} (cloud mask)"), tr("{0} (cloud mask {1})"), optical_name, output,
                 taken)


def layer_names(project: QgsProject, but=None) -> set:
    """The names of the project's layers (but the layer ``but``)."""
    return {layer.name() for layer in project.mapLayers().values()
            if but is None or layer.id() != but.id()}


def layer_of_file(project: QgsProject, path: str):
    """The first layer of the layer tree read from file ``path``, or None."""
    for node in project.layerTreeRoot().findLayers():
        if node.layer() is not None and _same_file(node.layer(), path):
            return node.layer()
    return None


def is_renumbered(output: str) -> bool:
    """Whether ``output`` is a free name chosen because an earlier result had the plain one."""
    return bool(_number(output))


# -- the cloud mask ---------------------------------------------------------------------------
def _mask_classes():
    """(value, colour, label) of the mask's classes, colours from the engine's table."""
    from mmcanet_core.clouds.cloudmask import CLEAR, CLOUD, SHADOW
    from mmcanet_core.clouds.masking import MASK_COLOURS

    labels = {CLEAR: tr("Clear"), CLOUD: tr("Cloud"), SHADOW: tr("Cloud shadow")}
    return [(value, QColor(*MASK_COLOURS[value]), label) for value, label in labels.items()]


def mask_values_present(path: str) -> List[int]:
    """The values a mask file holds (an exact histogram of its one uint8 band)."""
    from osgeo import gdal

    dataset = gdal.Open(path)
    counts = dataset.GetRasterBand(1).GetHistogram(-0.5, 255.5, 256, False, False)
    return [value for value, count in enumerate(counts) if count]


def style_mask(layer: QgsRasterLayer) -> None:
    """Paletted: clouds white, shadows purple, clear (and nodata) transparent; the legend lists
    only the classes present in the file."""
    present = set(mask_values_present(layer.source().split("|")[0]))
    classes = [QgsPalettedRasterRenderer.Class(value, colour, label)
               for value, colour, label in _mask_classes() if value in present]
    renderer = QgsPalettedRasterRenderer(layer.dataProvider(), 1, classes)
    layer.setRenderer(renderer)
    layer.setCustomProperty(MASK_STYLE_PROPERTY, True)
    layer.triggerRepaint()


def write_mask_style(path: str) -> Optional[str]:
    """``<mask>.qml`` beside the mask file, so that QGIS styles it whenever it is opened; never
    replaces a ``.qml`` it did not write. Returns the style's path, or None when it was left."""
    style = f"{os.path.splitext(path)[0]}.qml"
    if os.path.exists(style):
        with open(style, encoding="utf-8", errors="replace") as existing:
            if MASK_STYLE_PROPERTY not in existing.read():
                return None
    layer = QgsRasterLayer(path, "mask", "gdal")
    if not layer.isValid():
        return None
    style_mask(layer)
    _, ok = layer.saveNamedStyle(style)
    return style if ok else None


# -- where it sits ----------------------------------------------------------------------------
def _same_file(layer, path: str) -> bool:
    source = layer.source().split("|")[0]
    return os.path.normcase(os.path.abspath(source)) == os.path.normcase(os.path.abspath(path))


def move_above(project: QgsProject, layer, path: str) -> bool:
    """Move ``layer``'s node right above the first project layer read from file ``path``;
    False when no such layer is in the layer tree."""
    root = project.layerTreeRoot()
    node = root.findLayer(layer.id())
    targets = [n for n in root.findLayers() if n.layer() is not None
               and n.layer().id() != layer.id() and _same_file(n.layer(), path)]
    if node is None or not targets:
        return False
    parent = targets[0].parent()
    parent.insertChildNode(parent.children().index(targets[0]), node.clone())
    node.parent().removeChildNode(node)
    return True


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
