"""Processing provider ``mmcanet``: the one home of the plugin's algorithms."""

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithm import RemoveCloudsAlgorithm
from .i18n import tr

ICON = os.path.join(os.path.dirname(os.path.dirname(__file__)), "resources", "icon.svg")


class MMCANetProvider(QgsProcessingProvider):
    def id(self):
        return "mmcanet"

    def name(self):
        return tr("MMCANet cloud removal")

    def longName(self):  # noqa: N802 (QGIS's name)
        return self.name()

    def icon(self):
        return QIcon(ICON)

    def svgIconPath(self):  # noqa: N802 (QGIS's name)
        return ICON

    def loadAlgorithms(self):  # noqa: N802 (QGIS's name)
        # Always listed, even without torch: the algorithm itself explains what is missing.
        self.addAlgorithm(RemoveCloudsAlgorithm())

    def supportedOutputRasterLayerExtensions(self):  # noqa: N802 (QGIS's name)
        return ["tif"]

    def defaultRasterFileExtension(self):  # noqa: N802 (QGIS's name)
        return "tif"
