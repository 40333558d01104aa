"""Processing provider ``mmcanet``: the one home of the plugin's algorithms; and the example
model (``examples/*.model3``) listed under the toolbox's *Models* while the plugin is loaded."""

import os

from qgis.core import QgsApplication, QgsProcessingProvider
from qgis.PyQt.QtGui import QIcon

from .algorithm import RemoveCloudsAlgorithm
from .i18n import tr

ICON = os.path.join(os.path.dirname(os.path.dirname(__file__)), "resources", "icon.svg")
EXAMPLES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "examples")


def _models_setting():
    """Processing's "Models folder" setting (``;``-separated folders), or None without the
    Processing plugin."""
    try:
        from processing.core.ProcessingConfig import ProcessingConfig
        from processing.modeler.ModelerUtils import ModelerUtils
    except ImportError:
        return None
    return ProcessingConfig.settings.get(ModelerUtils.MODELS_FOLDER)


def _refresh_models() -> None:
    provider = QgsApplication.processingRegistry().providerById("model")
    if provider is not None:
        provider.refreshAlgorithms()


def show_example_models(show: bool = True) -> bool:
    """Add (or remove) the plugin's examples folder to the folders the *Models* provider reads,
    in memory only: the user's saved setting stays as it was. Returns whether it changed."""
    setting = _models_setting()
    if setting is None:
        return False
    folders = [f for f in str(setting.value or "").split(";") if f and f != EXAMPLES]
    setting.value = ";".join(folders + [EXAMPLES] if show else folders)
    _refresh_models()
    return True


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
