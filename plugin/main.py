"""The plugin object QGIS creates: translation, Processing provider and, with a GUI, the
dock, its toolbar/menu action and the dependency installer. :meth:`unload` removes it all."""

from qgis.core import QgsApplication
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon

from . import deps
from .algorithm import ICON
from .compat import QAction
from .i18n import Translation, tr
from .provider import MMCANetProvider


class MMCANetPlugin:
    """Owns everything the plugin adds to QGIS and removes it again in :meth:`unload`."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.dock = None
        self.actions = []
        self.installer = None
        self.translation = Translation()
        self.translation.install()
        deps.activate()

    @property
    def menu(self):
        return tr("MMCANet cloud removal")

    def initProcessing(self):  # noqa: N802 (QGIS's name)
        """Register the ``mmcanet`` provider; QGIS calls this also for qgis_process."""
        if self.provider is None:
            self.provider = MMCANetProvider()
            QgsApplication.processingRegistry().addProvider(self.provider)

    def initGui(self):  # noqa: N802 (QGIS's name)
        self.initProcessing()
        from .dock import DecloudDock
        from .installer import DependencyInstaller

        window = self.iface.mainWindow()
        self.installer = DependencyInstaller(self.iface)
        self.dock = DecloudDock(self.iface, window)
        self.dock.install_requested.connect(self.install_dependencies)
        self.iface.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.dock)
        self.dock.hide()

        toggle = QAction(QIcon(ICON), tr("Remove clouds (SAR-optical)"), window)
        toggle.setObjectName("mmcanetToggleDock")
        toggle.setCheckable(True)
        toggle.setToolTip(tr("Show or hide the MMCANet cloud-removal panel"))
        toggle.toggled.connect(self.dock.setVisible)
        self.dock.visibilityChanged.connect(toggle.setChecked)
        install = QAction(tr("Install Python dependencies..."), window)
        install.setObjectName("mmcanetInstallDependencies")
        install.triggered.connect(self.install_dependencies)
        self.actions = [toggle, install]

        self.iface.addRasterToolBarIcon(toggle)
        for action in self.actions:
            self.iface.addPluginToRasterMenu(self.menu, action)
        if deps.missing_packages():
            self.iface.messageBar().pushWarning(
                tr("MMCANet"), deps.missing_message(deps.missing_packages()))

    def install_dependencies(self):
        if self.installer is not None and self.installer.offer() and self.dock is not None:
            self.installer.task.taskCompleted.connect(self.dock.refresh_dependencies)

    @property
    def toggle_action(self):
        return self.actions[0] if self.actions else None

    def unload(self):
        if self.actions:
            self.iface.removeRasterToolBarIcon(self.actions[0])
            for action in self.actions:
                self.iface.removePluginRasterMenu(self.menu, action)
                action.setParent(None)
                action.deleteLater()
            self.actions = []
        if self.dock is not None:
            self.dock.shutdown()
            self.iface.removeDockWidget(self.dock)
            self.dock.setParent(None)
            self.dock.deleteLater()
            self.dock = None
        self.installer = None
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        self.translation.remove()
