"""What differs between QGIS 3.22 (Qt5) and QGIS 4 (Qt6), in one place.

PyQt6 knows only fully scoped enums (``Qt.DockWidgetArea.RightDockWidgetArea``), and PyQt5 and
QGIS 3.22 accept them too, so the plugin writes every Qt and QGIS enum that way, as QGIS's own
migration script (``scripts/pyqt5_to_pyqt6/pyqt5_to_pyqt6.py``) rewrites them;
``tests/test_qt6_ready.py`` keeps short forms from coming back. Two things cannot be written one
way for both, and live here:

- ``QAction`` is in QtWidgets under Qt5 and in QtGui under Qt6 (recent QGIS releases alias it in
  both ``qgis.PyQt`` modules; QGIS 3.22 only has the QtWidgets one);
- some QGIS enums moved from their class into ``Qgis`` (QGIS 3.34/3.36): the class-scoped
  spelling is QGIS 3.22's, the ``Qgis`` one is the current one (QGIS 3.36+ and 4). Each constant
  below takes the first spelling this QGIS has.
"""

from qgis.core import (
    Qgis,
    QgsMapLayerProxyModel,
    QgsProcessing,
    QgsProcessingParameterDefinition,
    QgsProcessingParameterNumber,
    QgsRasterMinMaxOrigin,
)

try:  # Qt6 (QGIS 4), and the qgis.PyQt of recent QGIS 3 releases
    from qgis.PyQt.QtGui import QAction
except ImportError:  # Qt5 without that alias (QGIS 3.22)
    from qgis.PyQt.QtWidgets import QAction

__all__ = ["QAction", "RASTER_LAYERS", "RASTER_SOURCES", "INTEGER", "ADVANCED",
           "MINMAX_USER_DEFINED", "first_spelling"]


def first_spelling(*spellings):
    """The value of the first ``(owner, "Enum.Value")`` spelling that this QGIS has."""
    for owner, path in spellings:
        value = owner
        try:
            for name in path.split("."):
                value = getattr(value, name)
        except AttributeError:
            continue
        return value
    names = ", ".join(f"{owner.__name__}.{path}" for owner, path in spellings)
    raise AttributeError(f"none of {names} exists in this QGIS")


#: Raster layers only, for ``QgsMapLayerComboBox.setFilters`` (``Qgis.LayerFilter``: 3.34).
RASTER_LAYERS = first_spelling((Qgis, "LayerFilter.RasterLayer"),
                               (QgsMapLayerProxyModel, "Filter.RasterLayer"))
#: Raster layers of a multiple-layers Processing parameter (``Qgis.ProcessingSourceType``: 3.36).
RASTER_SOURCES = first_spelling((Qgis, "ProcessingSourceType.Raster"),
                                (QgsProcessing, "SourceType.TypeRaster"))
#: An integer ``QgsProcessingParameterNumber`` (``Qgis.ProcessingNumberParameterType``: 3.36).
INTEGER = first_spelling((Qgis, "ProcessingNumberParameterType.Integer"),
                         (QgsProcessingParameterNumber, "Type.Integer"))
#: The "advanced" flag of a Processing parameter (``Qgis.ProcessingParameterFlag``: 3.36).
ADVANCED = first_spelling((Qgis, "ProcessingParameterFlag.Advanced"),
                          (QgsProcessingParameterDefinition, "Flag.FlagAdvanced"))
#: Raster min/max set by the user, never recomputed (``Qgis.RasterRangeLimit``: 3.42).
MINMAX_USER_DEFINED = first_spelling((Qgis, "RasterRangeLimit.NotSet"),
                                     (QgsRasterMinMaxOrigin, "Limits.None_"))
