"""Runs ``mmcanet:removeclouds`` on a background QgsTask for the dock (the same algorithm
class as the toolbox and qgis_process) and reports back on the main thread: the result layer
styled like its input and placed right above it, every log line in the MMCANet log tab."""

import os

from qgis.core import (
    Qgis,
    QgsApplication,
    QgsMessageLog,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
    QgsRasterLayer,
)
from qgis.PyQt.QtCore import QObject, pyqtSignal

from .i18n import Number, tr
from .result import (
    add_next_to,
    is_renumbered,
    layer_names,
    mask_name,
    result_name,
    style_like,
    style_mask,
)
from .uncertainty import style_uncertainty

ALGORITHM_ID = "mmcanet:removeclouds"
LOG_TAG = "MMCANet"


class DecloudFeedback(QgsProcessingFeedback):
    """Feedback that also remembers the errors and passes device, stage and log lines on as
    signals (emitted on the worker thread, received on the GUI thread)."""

    device_reported = pyqtSignal(str)
    busy_reported = pyqtSignal()  # all tiles in one batch: no steps until it is done
    stage_reported = pyqtSignal(str)
    info_reported = pyqtSignal(str, bool)  # (line, is a warning)

    def __init__(self):
        super().__init__()
        self.errors = []

    def reportError(self, error, fatalError=False):  # noqa: N802 (QGIS's name)
        self.errors.append(error)
        super().reportError(error, fatalError)

    def pushInfo(self, info):  # noqa: N802 (QGIS's name)
        self.info_reported.emit(info, False)
        super().pushInfo(info)

    def pushWarning(self, warning):  # noqa: N802 (QGIS's name)
        self.info_reported.emit(warning, True)
        super().pushWarning(warning)

    def setProgressText(self, text):  # noqa: N802 (QGIS's name)
        self.stage_reported.emit(text)
        super().setProgressText(text)


def log(line: str, warning: bool = False) -> None:
    """One line into the MMCANet tab of QGIS's log panel."""
    QgsMessageLog.logMessage(line, LOG_TAG, Qgis.MessageLevel.Warning if warning
                             else Qgis.MessageLevel.Info)


class DecloudRun(QObject):
    """One run: builds the task, follows it, and emits :attr:`finished` exactly once with
    ``(ok, output_path, message)``. On success :attr:`layer` holds the added project layer."""

    finished = pyqtSignal(bool, str, str)

    def __init__(self, parameters: dict, optical_name: str = None, project: QgsProject = None,
                 source_layer_id: str = None, parent=None):
        super().__init__(parent)
        self.parameters = dict(parameters)
        self.optical_name = optical_name or tr("Optical")
        self.layer_name = ""  # the result layer's, once the output file is known
        self.project = project or QgsProject.instance()
        self.source_layer_id = source_layer_id
        self.context = QgsProcessingContext()
        self.context.setProject(self.project)
        self.feedback = DecloudFeedback()
        self.feedback.info_reported.connect(log)
        self.task = None
        self.layer = None
        self.mask_layer = None
        self.uncertainty_layer = None
        self.done = False
        self.ok = False
        self.message = ""

    @property
    def temporary(self) -> bool:
        return self.parameters.get("OUTPUT") == "TEMPORARY_OUTPUT"

    def start(self) -> QgsProcessingAlgRunnerTask:
        algorithm = QgsApplication.processingRegistry().createAlgorithmById(ALGORITHM_ID)
        if algorithm is None:
            raise RuntimeError(tr("The algorithm {0} is not registered.").format(ALGORITHM_ID))
        self.task = QgsProcessingAlgRunnerTask(algorithm, self.parameters, self.context,
                                               self.feedback)
        self.task.setDescription(tr("MMCANet cloud removal"))
        self.task.executed.connect(self._executed)
        self.task.taskTerminated.connect(lambda: self._executed(False, {}))
        QgsApplication.taskManager().addTask(self.task)
        return self.task

    def cancel(self) -> None:
        self.feedback.cancel()
        if self.task is not None and not self.done:
            self.task.cancel()

    def shutdown(self, timeout_ms: int = 60000) -> None:
        """Cancel and wait for the worker thread: the task holds raw pointers to this run's
        context and feedback, so they must outlive it (plugin unload mid-run)."""
        self.cancel()
        if self.task is not None and not self.done:
            try:
                self.task.waitForFinished(timeout_ms)
            except RuntimeError:  # the task manager already deleted the finished task
                pass

    @property
    def cancelled(self) -> bool:
        return self.feedback.isCanceled()

    def _add_result(self, output: str, results: dict) -> None:
        """The result layer, styled like its input and right above it, the cloud mask (when
        saved) above the result, and the message with the cloud cover."""
        named = "" if self.temporary else output
        self.layer_name = result_name(self.optical_name, named, layer_names(self.project))
        layer = QgsRasterLayer(output, self.layer_name, "gdal")
        if not layer.isValid():
            self.message = tr("The output {0} could not be opened.").format(output)
            return
        source = self.project.mapLayer(self.source_layer_id) if self.source_layer_id else None
        bands = results.get("BANDS_USED") or ""
        restyled = None
        if isinstance(source, QgsRasterLayer) and bands:
            restyled = style_like(layer, source, [int(b) for b in bands.split(",")])
        add_next_to(self.project, layer, source)
        self.layer, self.ok = layer, True
        self._add_mask(results.get("MASK_OUTPUT") or "", named)
        self._add_uncertainty(results.get("UNCERTAINTY_OUTPUT") or "")
        if self.temporary:
            self.message = tr("Done: added layer '{0}' from a temporary file, which QGIS deletes "
                              "when it closes (Export > Save As... keeps it).").format(
                                  self.layer_name)
        else:
            self.message = tr("Done: saved to {0} and added as layer '{1}' above its "
                              "input.").format(output, self.layer_name)
            if is_renumbered(output):
                self.message += " " + tr("An earlier result keeps its file; this one got a new "
                                         "name.")
        if restyled:
            self.message += " " + tr("The input layer now shows bands {0} as the result "
                                     "does.").format(", ".join(map(str, restyled)))
        if results.get("CLOUD_COVER") is not None:
            self.message += " " + tr("Cloud cover {0:.1f} %, shadow {1:.1f} %.").format(
                Number(results["CLOUD_COVER"]), Number(results.get("SHADOW_COVER") or 0.0))

    def _add_mask(self, path: str, output: str) -> None:
        """The saved cloud mask (paletted: clouds white, shadows purple, clear transparent)
        right above the result."""
        if not path or not os.path.isfile(path):
            return
        mask = QgsRasterLayer(path, mask_name(self.optical_name, output,
                                              layer_names(self.project)), "gdal")
        if mask.isValid():
            style_mask(mask)
            add_next_to(self.project, mask, self.layer)
            self.mask_layer = mask

    def _add_uncertainty(self, path: str) -> None:
        """The saved uncertainty (pseudocolor, clear pixels transparent) right above the
        result (or the mask)."""
        if not path or not os.path.isfile(path):
            return
        layer = QgsRasterLayer(path, tr("{0} (uncertainty)").format(self.layer_name), "gdal")
        if layer.isValid():
            style_uncertainty(layer)
            add_next_to(self.project, layer, self.layer)
            self.uncertainty_layer = layer

    def _executed(self, ok, results):
        if self.done:
            return
        self.done = True
        results = results or {}
        output = results.get("OUTPUT") or ""
        if ok and not self.cancelled and output and os.path.isfile(output):
            self._add_result(output, results)
        elif self.cancelled:
            self.message = tr("Cancelled; no output was written.")
        else:
            detail = self.feedback.errors[-1] if self.feedback.errors else tr("unknown error")
            self.message = tr("Cloud removal failed: {0}").format(detail)
        log(self.message, warning=not self.ok)
        try:
            self.finished.emit(self.ok, output if self.ok else "", self.message)
        except RuntimeError:  # this object's dock was deleted meanwhile (unload mid-run)
            pass
