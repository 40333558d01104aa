"""Runs ``mmcanet:removeclouds`` on a background QgsTask for the dock (the same algorithm
class as the toolbox and qgis_process) and reports back on the main thread."""

import os

from qgis.core import (
    QgsApplication,
    QgsProcessingAlgRunnerTask,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProject,
    QgsRasterLayer,
)
from qgis.PyQt.QtCore import QObject, pyqtSignal

from .i18n import tr

ALGORITHM_ID = "mmcanet:removeclouds"


class DecloudFeedback(QgsProcessingFeedback):
    """Feedback that also remembers the last error and tells which device runs."""

    device_reported = pyqtSignal(str)
    info_reported = pyqtSignal(str)

    def __init__(self):
        super().__init__()
        self.errors = []

    def reportError(self, error, fatalError=False):  # noqa: N802 (QGIS's name)
        self.errors.append(error)
        super().reportError(error, fatalError)

    def pushInfo(self, info):  # noqa: N802 (QGIS's name)
        self.info_reported.emit(info)
        super().pushInfo(info)


class DecloudRun(QObject):
    """One run: builds the task, follows it, and emits :attr:`finished` exactly once with
    ``(ok, output_path, message)``. On success :attr:`layer` holds the added project layer."""

    finished = pyqtSignal(bool, str, str)

    def __init__(self, parameters: dict, layer_name: str = None, project: QgsProject = None,
                 parent=None):
        super().__init__(parent)
        self.parameters = dict(parameters)
        self.layer_name = layer_name or tr("Cloud-free")
        self.project = project or QgsProject.instance()
        self.context = QgsProcessingContext()
        self.context.setProject(self.project)
        self.feedback = DecloudFeedback()
        self.task = None
        self.layer = None
        self.done = False
        self.ok = False
        self.message = ""

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

    def _executed(self, ok, results):
        if self.done:
            return
        self.done = True
        output = (results or {}).get("OUTPUT") or ""
        if ok and not self.cancelled and output and os.path.isfile(output):
            layer = QgsRasterLayer(output, self.layer_name, "gdal")
            if layer.isValid():
                self.project.addMapLayer(layer)
                self.layer = layer
                self.ok = True
                self.message = tr("Done: added layer '{0}'.").format(self.layer_name)
            else:
                self.message = tr("The output {0} could not be opened.").format(output)
        elif self.cancelled:
            self.message = tr("Cancelled; no output was written.")
        else:
            detail = self.feedback.errors[-1] if self.feedback.errors else tr("unknown error")
            self.message = tr("Cloud removal failed: {0}").format(detail)
        try:
            self.finished.emit(self.ok, output if self.ok else "", self.message)
        except RuntimeError:  # this object's dock was deleted meanwhile (unload mid-run)
            pass
