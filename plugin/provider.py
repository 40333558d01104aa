"""Processing provider ``mmcanet``: the one home of the plugin's algorithms."""

import os

from qgis.core import QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

ICON = os.path.join(os.path.dirname(os.path.dirname(__file__)), "resources", "icon.svg")


class MMCANetProvider(QgsProcessingProvider):
    def id(self):
        return "mmcanet"

    def name(self):
        return "MMCANet cloud removal"

    def longName(self):  # noqa: N802 (QGIS's name)
        return self.name()

    def icon(self):
        return QIcon(ICON)

    def svgIconPath(self):  # noqa: N802 (QGIS's name)
        return ICON

    def loadAlgorithms(self):  # noqa: N802 (QGIS's name)
        pass
