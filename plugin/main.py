"""The plugin object QGIS creates: registers the Processing provider (and, with a GUI, the dock)."""

from qgis.core import QgsApplication

from .provider import MMCANetProvider


class MMCANetPlugin:
    """Owns everything the plugin adds to QGIS and removes it again in :meth:`unload`."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None

    def initProcessing(self):  # noqa: N802 (QGIS's name)
        """Register the ``mmcanet`` provider; QGIS calls this also for qgis_process."""
        if self.provider is None:
            self.provider = MMCANetProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802 (QGIS's name)
        self.initProcessing()

    def unload(self):
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
