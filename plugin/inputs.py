"""Which project layers are likely the SAR and the cloudy optical input.

A Sentinel-1 GRD raster has two bands (VV, VH); a Sentinel-2 raster has three or more. The dock
and the toolbox dialog start with these guesses instead of the active layer twice (the toolbox
presets every empty raster parameter to the active layer). Layers this plugin wrote itself are
never guessed as inputs.
"""

from typing import Iterable, Optional, Tuple

from qgis.core import QgsMapLayer, QgsProject, QgsRasterLayer

#: Custom layer property set on every layer the plugin adds as a result.
RESULT_PROPERTY = "mmcanet/result"
SAR_BANDS = 2
MIN_OPTICAL_BANDS = 3


def project_layers(project: Optional[QgsProject] = None) -> list:
    """The project's layers in layer-tree order (top first), then any not in the tree."""
    project = project or QgsProject.instance()
    layers = [node.layer() for node in project.layerTreeRoot().findLayers()
              if node.layer() is not None]
    return layers + [layer for layer in project.mapLayers().values() if layer not in layers]


def _candidates(layers: Iterable[QgsMapLayer]):
    return [layer for layer in layers
            if isinstance(layer, QgsRasterLayer) and layer.isValid()
            and not layer.customProperty(RESULT_PROPERTY, False)]


def _pick(layers, active):
    """The active layer when it is one of ``layers``, else the first."""
    if active is not None and any(layer.id() == active.id() for layer in layers):
        return active
    return layers[0] if layers else None


def guess_inputs(layers: Iterable[QgsMapLayer], active: Optional[QgsMapLayer] = None
                 ) -> Tuple[Optional[QgsRasterLayer], Optional[QgsRasterLayer]]:
    """``(sar, optical)``: a 2-band raster and a raster with 3 or more bands, preferring the
    active layer for the role it fits; None where the project has no such layer."""
    rasters = _candidates(layers)
    sar = _pick([r for r in rasters if r.bandCount() == SAR_BANDS], active)
    optical = _pick([r for r in rasters if r.bandCount() >= MIN_OPTICAL_BANDS], active)
    return sar, optical
