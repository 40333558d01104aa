"""The dependency installer: pip in a background QgsTask, into the plugin-owned folder."""

import os
import subprocess

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsTask
from qgis.PyQt.QtWidgets import QMessageBox

from . import deps
from .i18n import tr

LOG_TAG = "MMCANet"


class DependencyInstallTask(QgsTask):
    """Runs the pip command of an :class:`deps.InstallPlan`; the output goes to the QGIS log."""

    def __init__(self, plan: deps.InstallPlan, python: str = None):
        super().__init__(tr("Installing MMCANet's Python dependencies"), QgsTask.CanCancel)
        self.plan = plan
        self.python = python or deps.python_executable()
        self.output = ""
        self.error = None

    def run(self) -> bool:
        os.makedirs(self.plan.target, exist_ok=True)
        constraints = os.path.join(self.plan.target, "mmcanet-constraints.txt")
        with open(constraints, "w", encoding="utf-8") as handle:
            handle.write(self.plan.constraints_text())
        command = self.plan.command(self.python, constraints)
        QgsMessageLog.logMessage(" ".join(command), LOG_TAG, Qgis.Info)
        try:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       text=True)
        except OSError as error:
            self.error = str(error)
            return False
        lines = []
        for line in process.stdout:
            lines.append(line)
            if self.isCanceled():
                process.kill()
                break
        process.wait()
        self.output = "".join(lines)
        QgsMessageLog.logMessage(self.output, LOG_TAG, Qgis.Info)
        if self.isCanceled():
            return False
        if process.returncode != 0:
            self.error = tr("pip failed (exit code {0}); see the MMCANet tab of the log.").format(
                process.returncode)
            return False
        return True


class DependencyInstaller:
    """Asks the user, then installs the missing packages and reports in the message bar."""

    def __init__(self, iface):
        self.iface = iface
        self.task = None
        self.plan = None

    def offer(self, missing=None) -> bool:
        """Ask whether to install what is missing; start the installer on yes."""
        missing = deps.missing_packages() if missing is None else missing
        if not missing:
            QMessageBox.information(self.iface.mainWindow(), tr("MMCANet"),
                                    tr("All Python dependencies of MMCANet are installed."))
            return False
        plan = deps.plan_install()
        text = tr(
            "MMCANet needs these Python packages, which this QGIS lacks: {0}.\n\n"
            "Install them now into the plugin's own folder\n{1}?\n\n"
            "Packages QGIS ships (numpy, GDAL) are left untouched. The download can take "
            "several minutes (PyTorch is large)."
        ).format(", ".join(missing), plan.target)
        answer = QMessageBox.question(self.iface.mainWindow(), tr("MMCANet dependencies"), text)
        if answer != QMessageBox.Yes:
            return False
        self.start(plan)
        return True

    def start(self, plan: deps.InstallPlan) -> DependencyInstallTask:
        self.plan = plan
        self.task = DependencyInstallTask(plan)
        self.task.taskCompleted.connect(self._completed)
        self.task.taskTerminated.connect(self._failed)
        QgsApplication.taskManager().addTask(self.task)
        self.iface.messageBar().pushMessage(
            tr("MMCANet"), tr("Installing Python dependencies in the background..."),
            level=Qgis.Info, duration=5)
        return self.task

    def _completed(self):
        deps.activate(self.plan.target)
        still = deps.missing_packages()
        if still:
            self._failed(tr("still missing after the install: {0}").format(", ".join(still)))
            return
        self.iface.messageBar().pushMessage(
            tr("MMCANet"), tr("Dependencies installed. The cloud removal is ready."),
            level=Qgis.Success, duration=10)

    def _failed(self, reason=None):
        reason = reason or (self.task.error if self.task else None) or tr("cancelled")
        self.iface.messageBar().pushMessage(
            tr("MMCANet"), tr("Installing the dependencies failed: {0}").format(reason),
            level=Qgis.Critical, duration=0)
