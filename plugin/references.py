"""The dock's list of other dates: the project's raster layers, checked in a drop-down list,
handed to the algorithm's ``REFERENCES`` (clouds are filled from them first)."""

from qgis.core import QgsRasterLayer
from qgis.gui import QgsCheckableComboBox
from qgis.PyQt.QtCore import Qt

from .i18n import tr


class OtherDates(QgsCheckableComboBox):
    """Raster layers of ``project`` in layer-tree order (refreshed when layers come and go, and
    when the list opens); the checked ones are the references."""

    def __init__(self, project, parent=None):
        super().__init__(parent)
        self.project = project
        self.setDefaultText(tr("none"))
        self.setToolTip(tr("Optical rasters of the same place on other days (same bands). "
                           "Clouds are filled from the first one clear there, matched to this "
                           "date's colours, nearest date first; the network fills the rest"))
        project.layersAdded.connect(self.refresh)
        project.layersRemoved.connect(self.refresh)
        self.refresh()

    def refresh(self, *_) -> None:
        checked = set(self.checkedItemsData())
        self.clear()
        layers = [node.layer() for node in self.project.layerTreeRoot().findLayers()]
        # Layers just added may not be in the layer tree yet.
        layers += [layer for layer in self.project.mapLayers().values() if layer not in layers]
        for layer in layers:
            if isinstance(layer, QgsRasterLayer):
                state = (Qt.CheckState.Checked if layer.id() in checked
                         else Qt.CheckState.Unchecked)
                self.addItemWithCheckState(layer.name(), state, layer.id())

    def showPopup(self):  # noqa: N802 (Qt's name)
        self.refresh()
        super().showPopup()

    def paths(self, exclude=()) -> list:
        """The checked layers' files, in list order, without the layers ``exclude`` names."""
        layers = [self.project.mapLayer(i) for i in self.checkedItemsData()]
        return [layer.source() for layer in layers
                if layer is not None and layer.id() not in exclude]
