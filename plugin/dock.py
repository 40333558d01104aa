"""The one-click dock: pick SAR and optical layers, press Decloud, keep the result.

What the dock passes to ``mmcanet:removeclouds`` is built in :meth:`DecloudDock.parameters`:
the inputs, the weights, the output, :meth:`DecloudDock.cloud_values` (the "Clouds" group: the
cloud mask, its values, the raw switch, whether to save the mask) and
:meth:`DecloudDock.advanced_values` (one entry per widget of the collapsed "Advanced" group,
where new options go).
"""

import os

from qgis.core import Qgis, QgsProject
from qgis.gui import (
    QgsCollapsibleGroupBox,
    QgsFileWidget,
    QgsMapLayerComboBox,
    QgsMessageBarItem,
)
from qgis.PyQt.QtCore import QElapsedTimer, Qt, QTimer, pyqtSignal
from qgis.PyQt.QtGui import QIcon
from qgis.PyQt.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDockWidget,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from . import deps
from .algorithm import (
    BACKENDS,
    DEVICES,
    ICON,
    MASK_METHODS,
    MASK_PRESETS,
    WEIGHTS_FILTER,
    Stages,
    mask_method_labels,
)
from .compat import RASTER_LAYERS
from .demonstrator import dock_notice, is_shipped, shipped_weights
from .device import DeviceProbe
from .i18n import tr
from .inputs import guess_inputs, project_layers
from .references import OtherDates
from .result import default_output, mask_output_for
from .task import DecloudRun, log
from .uncertainty import uncertainty_checkbox, uncertainty_output_for

TEMPORARY = "TEMPORARY_OUTPUT"
#: The status line shows at most this many lines of a message (the tooltip has all of it).
STATUS_LINES = 9


def _form(group, wrap=False):
    """A form; ``wrap``: labels above their fields, which then get the panel's whole width
    (layer names, long translated choices)."""
    form = QFormLayout(group)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    if wrap:
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
    return form


def _wrapped_label(parent, text=""):
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setMinimumWidth(1)  # wraps to the panel's width instead of widening it
    return label


def _narrow(combo):
    """A combo box that may be narrower than its longest item (the panel is narrow)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(4)
    return combo


def breakable(text):
    """``text`` with line-break chances after path separators and underscores: a long path
    wraps in a label."""
    for mark in ("/", "\\", "_"):
        text = text.replace(mark, mark + "\u200b")
    return text


class DecloudDock(QDockWidget):
    """Inputs, a Decloud and a Cancel button, progress and a status line; runs on a QgsTask."""

    install_requested = pyqtSignal()
    run_finished = pyqtSignal(bool, str)
    run_created = pyqtSignal(object)  # the DecloudRun, before its task starts

    def __init__(self, iface, parent=None):
        super().__init__(tr("MMCANet cloud removal"), parent)
        self.iface = iface
        self.project = QgsProject.instance()
        self.run = None
        self.missing = []
        self.chosen = set()  # the input pickers the user set by hand: new layers keep them
        self.error_item = None  # the message bar's error, dropped once it no longer holds
        self.stage = ""
        self.elapsed = QElapsedTimer()
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self._show_stage)
        self.probe = DeviceProbe(self)
        self.probe.resolved.connect(self._device_resolved)
        self.setObjectName("MMCANetDock")
        self.setWindowIcon(QIcon(ICON))
        self._build()
        self.weights_widget.fileChanged.connect(self.refresh_dependencies)
        self.backend_combo.currentIndexChanged.connect(self.refresh_dependencies)
        self.project.layersAdded.connect(self._layers_added)
        self.guess_layers()
        self.refresh_dependencies()
        self._set_running(False)

    # -- layout -----------------------------------------------------------------------------
    def _build(self):
        """The options scroll; the status, the install button, the progress and the buttons
        stay at the bottom, where a long message or a short window never moves them."""
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(8)
        layout.addWidget(_wrapped_label(body, tr(
            "Restore a cloudy Sentinel-2 image with a co-registered Sentinel-1 SAR image of "
            "the same place.")))
        layout.addWidget(self._inputs_group(body))
        layout.addWidget(self._model_group(body))
        layout.addWidget(self._clouds_group(body))
        layout.addWidget(self._output_group(body))
        layout.addWidget(self._advanced_group(body))
        self._show_mask_values()
        layout.addStretch(1)
        scroll = QScrollArea(self)  # a short window scrolls the options instead of squeezing
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(body)
        panel = QWidget(self)
        outer = QVBoxLayout(panel)
        outer.setContentsMargins(0, 0, 0, 8)
        outer.addWidget(scroll, 1)
        outer.addWidget(self._bottom(panel))
        self.setWidget(panel)
        self.setMinimumWidth(300)

    def _bottom(self, parent):
        """Device, status, install button, progress, Decloud/Cancel (the last row)."""
        bottom = QWidget(parent)
        layout = QVBoxLayout(bottom)
        layout.setContentsMargins(8, 0, 8, 0)
        self.device_label = _wrapped_label(bottom)
        self.status_label = _wrapped_label(bottom)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        # a long message is cut after STATUS_LINES lines (whole in the tooltip, the message bar
        # and the MMCANet log tab): it never pushes the buttons away
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.status_label.setMaximumHeight(
            STATUS_LINES * self.status_label.fontMetrics().lineSpacing() + 4)
        self.install_button = QPushButton(tr("Install Python dependencies..."), bottom)
        self.install_button.clicked.connect(self.install_requested)
        self.progress_bar = QProgressBar(bottom)
        self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(0)
        for widget in (self.device_label, self.status_label, self.install_button,
                       self.progress_bar):
            layout.addWidget(widget)
        layout.addLayout(self._buttons(bottom))
        return bottom

    def _inputs_group(self, parent):
        """Labels above the pickers: the whole panel width for the layer names."""
        group = QGroupBox(tr("Inputs"), parent)
        form = _form(group, wrap=True)
        self.sar_combo = self._raster_combo(group)
        self.optical_combo = self._raster_combo(group)
        self.optical_combo.layerChanged.connect(self._show_default_output)
        for role, combo in (("sar", self.sar_combo), ("optical", self.optical_combo)):
            combo.activated.connect(lambda _index, role=role: self.chosen.add(role))
            combo.layerChanged.connect(self._inputs_changed)
        form.addRow(tr("SAR (VV, VH)"), self.sar_combo)
        form.addRow(tr("Cloudy optical"), self.optical_combo)
        return group

    def _model_group(self, parent):
        group = QGroupBox(tr("Model"), parent)
        form = _form(group)
        self.weights_widget = QgsFileWidget(group)
        self.weights_widget.setFilter(tr(WEIGHTS_FILTER))
        self.weights_widget.lineEdit().setPlaceholderText(
            tr("Choose a .safetensors or .onnx file"))
        self.weights_widget.fileChanged.connect(self._show_weights_notice)
        self.notice_label = _wrapped_label(group, dock_notice())
        self.notice_label.setTextFormat(Qt.TextFormat.RichText)
        self.notice_label.setOpenExternalLinks(True)
        form.addRow(tr("Weights"), self.weights_widget)
        form.addRow(self.notice_label)
        self.weights_widget.setFilePath(shipped_weights() or "")
        self._show_weights_notice()
        return group

    def _clouds_group(self, parent):
        """Where the network writes: only where a cloud mask says cloud or shadow (the
        automatic one, or a mask layer with its values), or everywhere (raw)."""
        group = QGroupBox(tr("Clouds"), parent)
        form = _form(group, wrap=True)
        self.mask_combo = self._raster_combo(group)
        self.mask_combo.setToolTip(tr("Empty: computed from the optical bands"))
        self.mask_values_combo = _narrow(QComboBox(group))
        self.mask_values_combo.setEditable(True)  # a preset, or values such as 3,8,9,10
        self.mask_values_combo.addItems(MASK_PRESETS)
        self.mask_values_combo.setToolTip(tr(
            "Values of the mask that mean cloud or shadow: binary (1), scl (Sentinel-2 L2A "
            "scene classification: 3, 8, 9, 10), fmask (2, 4), or a list such as 3,8,9,10"))
        self.mask_combo.layerChanged.connect(self._show_mask_values)
        self.raw_check = QCheckBox(tr("Network output everywhere"), group)
        self.raw_check.setToolTip(tr("Off: clear pixels keep their input values and only "
                                     "clouds and their shadows are filled"))
        self.save_mask_check = QCheckBox(tr("Save the cloud mask"), group)
        self.save_mask_check.setToolTip(tr("Written next to the result and added to the map"))
        form.addRow(tr("Cloud mask"), self.mask_combo)
        form.addRow(tr("Mask values"), self.mask_values_combo)
        self.dates_combo = OtherDates(self.project, group)
        form.addRow(tr("Other dates"), self.dates_combo)
        form.addRow(self.raw_check)  # one per row: side by side they widen the narrow panel
        form.addRow(self.save_mask_check)
        self.uncertainty_check = uncertainty_checkbox(group)
        form.addRow(self.uncertainty_check)
        return group

    def _show_mask_values(self, *_):
        """A mask layer's values count only with a mask layer, the method only without."""
        idle = self.run is None or self.run.done
        user_mask = self.mask_combo.currentLayer() is not None
        self.mask_values_combo.setEnabled(user_mask and idle)
        self.mask_method_combo.setEnabled(not user_mask and idle)

    def _output_group(self, parent):
        group = QGroupBox(tr("Result"), parent)
        form = _form(group)
        self.output_widget = QgsFileWidget(group)
        self.output_widget.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.output_widget.setFilter(tr("GeoTIFF (*.tif)"))
        self.output_hint = _wrapped_label(group, tr(
            "Empty: saved next to the optical raster, named after it."))
        self.output_hint.setEnabled(False)  # greyed: a hint
        self.bands_hint = _wrapped_label(group, tr(
            "Bands: every band of the optical raster comes back; the bands the weights do not "
            "restore keep their input values in cloudy pixels."))
        self.bands_hint.setEnabled(False)
        self.temporary_check = QCheckBox(tr("Temporary file"), group)
        self.temporary_check.setToolTip(tr("Deleted when QGIS closes"))
        self.temporary_check.toggled.connect(self.output_widget.setDisabled)
        form.addRow(tr("Save to"), self.output_widget)
        form.addRow(self.output_hint)
        form.addRow(self.temporary_check)
        form.addRow(self.bands_hint)
        self._show_default_output()
        return group

    def _advanced_group(self, parent):
        """Options most users leave alone, collapsed; add new ones here and in
        :meth:`advanced_values`."""
        group = QgsCollapsibleGroupBox(tr("Advanced"), parent)
        group.setObjectName("mmcanetAdvanced")
        group.setSaveCollapsedState(False)  # always collapsed at start; nothing to remember
        group.setCollapsed(True)
        form = _form(group, wrap=True)
        self.device_combo = _narrow(QComboBox(group))
        for key, label in zip(DEVICES, (tr("Auto (CUDA if available)"), tr("CPU"),
                                        tr("CUDA GPU"))):
            self.device_combo.addItem(label, key)
        self.device_combo.currentIndexChanged.connect(self._probe_device)
        form.addRow(tr("Device"), self.device_combo)
        self.backend_combo = _narrow(QComboBox(group))
        for key, label in zip(BACKENDS, (tr("Auto (PyTorch if installed, else onnxruntime)"),
                                         tr("PyTorch"), tr("onnxruntime"))):
            self.backend_combo.addItem(label, key)
        form.addRow(tr("Backend"), self.backend_combo)
        self.mask_method_combo = _narrow(QComboBox(group))
        for key, label in zip(MASK_METHODS, mask_method_labels()):
            self.mask_method_combo.addItem(label, key)
        self.mask_method_combo.setToolTip(tr("How the automatic cloud mask is computed; not "
                                             "used when a cloud mask layer is chosen"))
        form.addRow(tr("Cloud mask method"), self.mask_method_combo)
        return group

    def _buttons(self, parent):
        buttons = QHBoxLayout()
        self.decloud_button = QPushButton(QIcon(ICON), tr("Decloud"), parent)
        self.decloud_button.setDefault(True)
        self.decloud_button.setMinimumHeight(30)
        self.cancel_button = QPushButton(tr("Cancel"), parent)
        self.cancel_button.setMinimumHeight(30)
        buttons.addWidget(self.decloud_button, 2)
        buttons.addWidget(self.cancel_button, 1)
        self.decloud_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        return buttons

    @staticmethod
    def _raster_combo(parent):
        combo = _narrow(QgsMapLayerComboBox(parent))
        combo.setFilters(RASTER_LAYERS)
        combo.setAllowEmptyLayer(True)
        combo.setLayer(None)
        return combo

    # -- defaults ---------------------------------------------------------------------------
    def guess_layers(self, *_):
        """Fill an empty SAR or optical picker with a 2-band / a multi-band project layer."""
        active = self.iface.activeLayer() if self.iface is not None else None
        sar, optical = guess_inputs(project_layers(self.project), active)
        for combo, layer in ((self.sar_combo, sar), (self.optical_combo, optical)):
            if combo.currentLayer() is None and layer is not None:
                combo.setLayer(layer)

    def _layers_added(self, layers):
        """After the layers are in (and Processing has marked its results): follow newly
        loaded inputs (top first) in the pickers the user has not set by hand."""
        ids = {layer.id() for layer in layers}
        QTimer.singleShot(0, lambda: self.follow_new_layers(ids))

    def follow_new_layers(self, ids):
        try:
            self._follow(ids)
        except RuntimeError:  # the dock was deleted meanwhile (plugin unloaded)
            pass

    def _follow(self, ids):
        if self.run is not None and not self.run.done:
            return
        new = [layer for layer in project_layers(self.project) if layer.id() in ids]
        sar, optical = guess_inputs(new)
        for role, combo, layer in (("sar", self.sar_combo, sar),
                                   ("optical", self.optical_combo, optical)):
            if layer is not None and role not in self.chosen:
                combo.setLayer(layer)
        self.guess_layers()

    def _inputs_changed(self, *_):
        """A picker changed: forget a hand choice of a removed layer, name the layers in the
        tooltips, drop an error about the inputs, enable Decloud when both are there."""
        for role, combo in (("sar", self.sar_combo), ("optical", self.optical_combo)):
            layer = combo.currentLayer()
            if layer is None:
                self.chosen.discard(role)
            combo.setToolTip(layer.name() if layer is not None else "")
        if self.inputs_ready() and self.error_item is not None and not self.missing:
            self._drop_error()
            self._ready()
        self._set_running(self.run is not None and not self.run.done)

    def inputs_ready(self) -> bool:
        sar, optical = self.sar_combo.currentLayer(), self.optical_combo.currentLayer()
        return sar is not None and optical is not None and sar.id() != optical.id()

    def default_output(self):
        """Where the result goes when the user names no file: next to the optical raster."""
        optical = self.optical_combo.currentLayer()
        if optical is None:
            return None
        return default_output(optical.source().split("|")[0], self.project.homePath())

    def _show_default_output(self, *_):
        try:
            path = self.default_output()
        except OSError:
            path = None
        self.output_widget.lineEdit().setPlaceholderText(
            os.path.basename(path) if path else tr("Next to the optical raster"))
        self.output_widget.setToolTip(path or "")

    def _show_weights_notice(self, *_):
        self.notice_label.setVisible(is_shipped(self.weights_widget.filePath()))

    # -- state ------------------------------------------------------------------------------
    def refresh_dependencies(self, *_):
        """Decloud only with every Python package there; else one line, the install button,
        and the details (the pip commands) in the MMCANet log tab."""
        missing = deps.missing_for(self.backend(), self.weights_widget.filePath())
        self.missing = missing
        self.install_button.setVisible(bool(missing))
        if missing:
            log(deps.missing_message(missing), warning=True)
            self.set_status(tr("Missing Python packages: {0}. Install them with the button "
                               "below (details in the MMCANet log tab).").format(
                                   ", ".join(missing)), error=True)
            self.device_label.setText(tr("Device: known once the packages are installed."))
        else:
            self._ready()
            self._probe_device()
        self._set_running(False)

    def _ready(self):
        self.set_status(tr("Ready. Choose the SAR and the cloudy optical layer, then "
                           "press Decloud."))

    def setVisible(self, visible):  # noqa: N802 (Qt's name)
        """Shown: find out which device the chosen option means (once per session)."""
        super().setVisible(visible)
        if visible:
            self._probe_device()

    def _probe_device(self, *_):
        """Name the device the chosen option means, found off the GUI thread."""
        if self.missing or (self.run is not None and not self.run.done):
            return
        self.device_label.setText(tr("Device: checking..."))
        if not self.isHidden():
            self.probe.probe(self._device_choice())

    def backend(self) -> str:
        return self.backend_combo.currentData() or "auto"

    def _device_choice(self) -> str:
        """The device option, with the library that resolves it: ``onnxruntime:auto``..."""
        runs_on = "torch" if deps.required_for(self.backend(), self.weights_widget.filePath()
                                               ) is deps.FULL else "onnxruntime"
        return f"{runs_on}:{self.device_combo.currentData() or 'auto'}"

    def _device_resolved(self, choice, text, usable):
        if choice != self._device_choice():
            return
        if self.run is not None and not self.run.done:
            return
        self.device_label.setText(tr("Device: {0}").format(text))
        self.device_label.setStyleSheet("" if usable else "color: #b00020;")

    def set_status(self, text, error=False, success=False):
        color = "#b00020" if error else "#1b7f3b" if success else "palette(window-text)"
        self.status_label.setStyleSheet(f"color: {color};")
        self.status_label.setText(breakable(text))
        self.status_label.setToolTip(text)

    def _set_running(self, running):
        self.decloud_button.setEnabled(not running and not self.missing and self.inputs_ready())
        self.cancel_button.setEnabled(running)
        for widget in (self.sar_combo, self.optical_combo, self.weights_widget,
                       self.device_combo, self.backend_combo, self.output_widget,
                       self.temporary_check, self.mask_combo, self.raw_check,
                       self.save_mask_check, self.dates_combo, self.uncertainty_check):
            widget.setEnabled(not running)
        self.output_widget.setEnabled(not running and not self.temporary_check.isChecked())
        self.mask_values_combo.setEnabled(not running and self.mask_combo.currentLayer()
                                          is not None)
        self.mask_method_combo.setEnabled(not running and self.mask_combo.currentLayer()
                                          is None)

    def _error(self, text):
        """In the dock and in the message bar, until a later change or run makes it stale."""
        self.set_status(text, error=True)
        self._drop_error()
        self.error_item = QgsMessageBarItem(tr("MMCANet"), text, Qgis.MessageLevel.Critical, 0)
        self.iface.messageBar().pushItem(self.error_item)

    def _drop_error(self):
        if self.error_item is not None:
            try:
                self.iface.messageBar().popWidget(self.error_item)
            except RuntimeError:  # the user closed it already
                pass
            self.error_item = None

    # -- run --------------------------------------------------------------------------------
    def advanced_values(self):
        """Parameters from the Advanced group."""
        return {"DEVICE": self.device_combo.currentIndex(),
                "BACKEND": self.backend_combo.currentIndex(),
                "MASK_METHOD": self.mask_method_combo.currentIndex()}

    def cloud_values(self, output: str):
        """Parameters from the Clouds group (``output``: where the result goes; the mask, when
        saved, goes next to it)."""
        mask = self.mask_combo.currentLayer()
        values = {"RAW": self.raw_check.isChecked()}
        if mask is not None:
            values["MASK"] = mask.source()
            values["MASK_VALUES"] = self.mask_values_combo.currentText().strip() or "binary"
        optical = self.optical_combo.currentLayer()
        references = self.dates_combo.paths(exclude=[optical.id()] if optical else [])
        if references:
            values["REFERENCES"] = references
        if self.save_mask_check.isChecked():
            values["MASK_OUTPUT"] = (TEMPORARY if output == TEMPORARY
                                     else mask_output_for(output))
        if self.uncertainty_check.isChecked():
            values["UNCERTAINTY_OUTPUT"] = (TEMPORARY if output == TEMPORARY
                                            else uncertainty_output_for(output))
        return values

    def parameters(self):
        """The algorithm parameters from the widgets, or raise ValueError naming the problem."""
        sar, optical = self.sar_combo.currentLayer(), self.optical_combo.currentLayer()
        if sar is None or optical is None:
            raise ValueError(tr("Choose both a SAR and an optical raster layer."))
        if sar.id() == optical.id():
            raise ValueError(tr("The SAR and the optical layer must be different layers."))
        weights = self.weights_widget.filePath()
        if not weights or not os.path.isfile(weights):
            raise ValueError(tr("Choose the model weights (.safetensors or .onnx file)."))
        if self.temporary_check.isChecked():
            output = TEMPORARY
        else:
            try:
                output = self.output_widget.filePath() or self.default_output()
            except OSError as error:
                raise ValueError(tr("No folder to save the result in: {0}. Choose a file "
                                    "under Save to.").format(error)) from error
        # Paths, not layer objects: the task reads them on its own thread.
        return {"SAR": sar.source(), "OPTICAL": optical.source(), "WEIGHTS": weights,
                "OUTPUT": output, **self.cloud_values(output), **self.advanced_values()}

    def start(self):
        if self.missing or (self.run is not None and not self.run.done):
            return None
        try:
            parameters = self.parameters()
        except ValueError as error:
            self._error(str(error))
            return None
        optical = self.optical_combo.currentLayer()
        self.run = DecloudRun(parameters, optical_name=optical.name(), project=self.project,
                              source_layer_id=optical.id(), parent=self)
        self.run.feedback.progressChanged.connect(self._progress)
        self.run.feedback.device_reported.connect(self._device_reported)
        self.run.feedback.stage_reported.connect(self._stage)
        self.run.feedback.busy_reported.connect(self._busy)
        self.run.finished.connect(self._finished)
        self._drop_error()
        self.progress_bar.setValue(0)
        self._set_running(True)
        self.elapsed.start()
        self._stage(tr("Starting..."))
        self.ticker.start()
        self.run_created.emit(self.run)
        self.run.start()
        return self.run

    def cancel(self):
        if self.run is not None and not self.run.done:
            self._stage(tr("Cancelling..."))
            self.run.cancel()

    def _progress(self, value):
        if value > Stages.TILES_FROM:  # a step after a busy stretch: a bar again
            self.progress_bar.setRange(0, 100)
        self.progress_bar.setValue(int(value))

    def _busy(self):
        """All tiles in one batch: a busy bar (and the seconds) rather than one that waits."""
        if self.run is not None and not self.run.done:
            self.progress_bar.setRange(0, 0)

    def _stage(self, text):
        if self.run is None or self.run.done:  # a late line after the end changes nothing
            return
        self.stage = text
        self._show_stage()

    def _show_stage(self):
        seconds = self.elapsed.elapsed() // 1000 if self.elapsed.isValid() else 0
        self.set_status(tr("{0} ({1} s)").format(self.stage, seconds))

    def _device_reported(self, text):
        self.device_label.setText(tr("Device: {0}").format(text))
        self.device_label.setStyleSheet("")

    def _finished(self, ok, output, message):
        self.ticker.stop()
        self.progress_bar.setRange(0, 100)
        self._set_running(False)
        if ok:
            self.progress_bar.setValue(100)
            self.set_status(message, success=True)
            self.iface.messageBar().pushMessage(tr("MMCANet"), message,
                                                level=Qgis.MessageLevel.Success, duration=10)
        elif self.run.cancelled:
            self.progress_bar.setValue(0)
            self.set_status(message)
        else:
            self.progress_bar.setValue(0)
            self._error(message)
        self._show_default_output()  # the next run's free name
        self.run_finished.emit(ok, message)

    def shutdown(self):
        """Cancel a running task, wait for the device probe, let go of the project (unload)."""
        self.ticker.stop()
        try:
            self.project.layersAdded.disconnect(self._layers_added)
        except TypeError:  # not connected
            pass
        if self.run is not None and not self.run.done:
            self.run.shutdown()
        self.probe.wait()
