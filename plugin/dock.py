"""The one-click dock: pick SAR and optical layers, press Decloud, get a new layer."""

import os

from qgis.core import Qgis, QgsProject
from qgis.gui import QgsFileWidget, QgsMapLayerComboBox
from qgis.PyQt.QtCore import Qt, pyqtSignal
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDockWidget,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from . import deps
from .algorithm import DEVICES, ICON, shipped_weights
from .compat import RASTER_LAYERS
from .i18n import tr
from .task import DecloudRun


class DecloudDock(QDockWidget):
    """Inputs, a Decloud and a Cancel button, progress and a status line; runs on a QgsTask."""

    install_requested = pyqtSignal()
    run_finished = pyqtSignal(bool, str)
    run_created = pyqtSignal(object)  # the DecloudRun, before its task starts

    def __init__(self, iface, parent=None):
        super().__init__(tr("MMCANet cloud removal"), parent)
        self.iface = iface
        self.run = None
        self.setObjectName("MMCANetDock")
        self.setWindowIcon(QIcon(ICON))
        self._build()
        self.refresh_dependencies()
        self._set_running(False)

    # -- layout -----------------------------------------------------------------------------
    def _build(self):
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)

        intro = QLabel(tr("Restore a cloudy Sentinel-2 image with a co-registered Sentinel-1 "
                          "SAR image of the same place."), body)
        intro.setWordWrap(True)
        layout.addWidget(intro)

        inputs = QGroupBox(tr("Inputs"), body)
        form = QFormLayout(inputs)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.sar_combo = self._raster_combo(inputs)
        self.optical_combo = self._raster_combo(inputs)
        form.addRow(tr("SAR (VV, VH)"), self.sar_combo)
        form.addRow(tr("Cloudy optical"), self.optical_combo)
        layout.addWidget(inputs)

        model = QGroupBox(tr("Model"), body)
        form = QFormLayout(model)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.weights_widget = QgsFileWidget(model)
        self.weights_widget.setFilter(tr("MMCANet weights (*.safetensors)"))
        self.weights_widget.setFilePath(shipped_weights() or "")
        self.weights_widget.lineEdit().setPlaceholderText(tr("Choose a .safetensors file"))
        self.device_combo = QComboBox(model)
        for key, label in zip(DEVICES, (tr("Auto (CUDA if available)"), tr("CPU"),
                                        tr("CUDA GPU"))):
            self.device_combo.addItem(label, key)
        self.output_widget = QgsFileWidget(model)
        self.output_widget.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.output_widget.setFilter(tr("GeoTIFF (*.tif)"))
        self.output_widget.lineEdit().setPlaceholderText(tr("[Save to temporary file]"))
        form.addRow(tr("Weights"), self.weights_widget)
        form.addRow(tr("Device"), self.device_combo)
        form.addRow(tr("Output"), self.output_widget)
        layout.addWidget(model)

        buttons = QHBoxLayout()
        self.decloud_button = QPushButton(QIcon(ICON), tr("Decloud"), body)
        self.decloud_button.setDefault(True)
        self.decloud_button.setMinimumHeight(30)
        self.cancel_button = QPushButton(tr("Cancel"), body)
        self.cancel_button.setMinimumHeight(30)
        buttons.addWidget(self.decloud_button, 2)
        buttons.addWidget(self.cancel_button, 1)
        layout.addLayout(buttons)

        self.progress_bar = QProgressBar(body)
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        layout.addWidget(self.progress_bar)

        self.device_label = QLabel(body)
        self.device_label.setWordWrap(True)
        self.status_label = QLabel(body)
        self.status_label.setWordWrap(True)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        layout.addWidget(self.device_label)
        layout.addWidget(self.status_label)

        self.install_button = QPushButton(tr("Install Python dependencies..."), body)
        layout.addWidget(self.install_button)
        layout.addStretch(1)
        self.setWidget(body)
        self.setMinimumWidth(300)

        self.decloud_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.install_button.clicked.connect(self.install_requested)
        self.device_combo.currentIndexChanged.connect(self._show_device_choice)

    @staticmethod
    def _raster_combo(parent):
        combo = QgsMapLayerComboBox(parent)
        combo.setFilters(RASTER_LAYERS)
        combo.setAllowEmptyLayer(True)
        combo.setLayer(None)
        return combo

    # -- state ------------------------------------------------------------------------------
    def refresh_dependencies(self):
        missing = deps.missing_packages()
        self.install_button.setVisible(bool(missing))
        if missing:
            self.set_status(tr("Missing Python packages: {0}. Install them first.").format(
                ", ".join(missing)), error=True)
        else:
            self.set_status(tr("Ready. Choose the SAR and the cloudy optical layer."))
        self._show_device_choice()

    def _show_device_choice(self, *_):
        key = self.device_combo.currentData()
        text = {"auto": tr("Device: CUDA if PyTorch finds a GPU, else CPU."),
                "cpu": tr("Device: CPU (slow on large scenes)."),
                "cuda": tr("Device: CUDA GPU.")}[key or "auto"]
        self.device_label.setText(text)

    def set_status(self, text, error=False, success=False):
        color = "#b00020" if error else "#1b7f3b" if success else "palette(window-text)"
        self.status_label.setStyleSheet(f"color: {color};")
        self.status_label.setText(text)

    def _set_running(self, running):
        self.decloud_button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        for widget in (self.sar_combo, self.optical_combo, self.weights_widget,
                       self.device_combo, self.output_widget):
            widget.setEnabled(not running)

    def _error(self, text):
        self.set_status(text, error=True)
        self.iface.messageBar().pushMessage(tr("MMCANet"), text, level=Qgis.MessageLevel.Critical,
                                            duration=0)

    # -- run --------------------------------------------------------------------------------
    def parameters(self):
        """The algorithm parameters from the widgets, or raise ValueError naming the problem."""
        sar, optical = self.sar_combo.currentLayer(), self.optical_combo.currentLayer()
        if sar is None or optical is None:
            raise ValueError(tr("Choose both a SAR and an optical raster layer."))
        if sar.id() == optical.id():
            raise ValueError(tr("The SAR and the optical layer must be different layers."))
        weights = self.weights_widget.filePath()
        if not weights or not os.path.isfile(weights):
            raise ValueError(tr("Choose the model weights (.safetensors file)."))
        output = self.output_widget.filePath() or "TEMPORARY_OUTPUT"
        # Paths, not layer objects: the task reads them on its own thread.
        return {"SAR": sar.source(), "OPTICAL": optical.source(), "WEIGHTS": weights,
                "DEVICE": self.device_combo.currentIndex(), "OUTPUT": output}

    def start(self):
        if self.run is not None and not self.run.done:
            return None
        try:
            parameters = self.parameters()
        except ValueError as error:
            self._error(str(error))
            return None
        name = tr("{0} (cloud-free)").format(self.optical_combo.currentLayer().name())
        self.run = DecloudRun(parameters, layer_name=name, project=QgsProject.instance(),
                              parent=self)
        self.run.feedback.progressChanged.connect(self._progress)
        self.run.feedback.device_reported.connect(self._device_reported)
        self.run.finished.connect(self._finished)
        self.progress_bar.setValue(0)
        self._set_running(True)
        self.set_status(tr("Removing clouds..."))
        self.run_created.emit(self.run)
        self.run.start()
        return self.run

    def cancel(self):
        if self.run is not None and not self.run.done:
            self.set_status(tr("Cancelling..."))
            self.run.cancel()

    def _progress(self, value):
        self.progress_bar.setValue(int(value))

    def _device_reported(self, text):
        self.device_label.setText(tr("Device: {0}").format(text))

    def _finished(self, ok, output, message):
        self._set_running(False)
        if ok:
            self.progress_bar.setValue(100)
            self.set_status(message, success=True)
            self.iface.messageBar().pushMessage(tr("MMCANet"), message,
                                                level=Qgis.MessageLevel.Success, duration=5)
        elif self.run.cancelled:
            self.progress_bar.setValue(0)
            self.set_status(message)
        else:
            self.progress_bar.setValue(0)
            self._error(message)
        self.run_finished.emit(ok, message)

    def shutdown(self):
        """Cancel a running task (plugin unload)."""
        if self.run is not None and not self.run.done:
            self.run.shutdown()
