"""The plugin object QGIS creates: translation, Processing provider and, with a GUI, the
dock, its own toolbar (visible in a fresh profile, unlike the Raster toolbar), the Raster menu
entries and the dependency installer. :meth:`unload` removes it all."""

from qgis.core import Qgis, QgsApplication
from qgis.PyQt.QtCore import Qt
from qgis.PyQt.QtGui import QIcon

from . import deps
from .algorithm import ICON
from .compat import QAction
from .i18n import Translation, tr
from .provider import MMCANetProvider, show_example_models


class MMCANetPlugin:
    """Owns everything the plugin adds to QGIS and removes it again in :meth:`unload`."""

    def __init__(self, iface):
        self.iface = iface
        self.provider = None
        self.dock = None
        self.actions = []
        self.toolbar = None
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

        show_example_models()  # the example model, under the toolbox's Models
        self.toolbar = self.iface.addToolBar(tr("MMCANet cloud removal"))
        self.toolbar.setObjectName("mmcanetToolBar")
        self.toolbar.addAction(toggle)
        for action in self.actions:
            self.iface.addPluginToRasterMenu(self.menu, action)
        missing = deps.missing_for()
        if missing:  # one line; the dock and the MMCANet log tab say the rest
            self.iface.messageBar().pushMessage(tr("MMCANet"), tr(
                "Missing Python packages: {0}. Open the MMCANet panel to install them.").format(
                    ", ".join(missing)), level=Qgis.MessageLevel.Warning, duration=0)

    def install_dependencies(self):
        if self.installer is not None and self.installer.offer() and self.dock is not None:
            self.installer.task.taskCompleted.connect(self.dock.refresh_dependencies)

    @property
    def toggle_action(self):
        return self.actions[0] if self.actions else None

    def unload(self):
        if self.toolbar is not None:
            self.iface.mainWindow().removeToolBar(self.toolbar)
            self.toolbar.setParent(None)
            self.toolbar.deleteLater()
            self.toolbar = None
        if self.actions:
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
        show_example_models(False)
        if self.provider is not None:
            QgsApplication.processingRegistry().removeProvider(self.provider)
            self.provider = None
        self.translation.remove()
