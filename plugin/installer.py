"""The dependency installer: pip in a background QgsTask, into the plugin-owned folder."""

import os
import subprocess

from qgis.core import Qgis, QgsApplication, QgsMessageLog, QgsTask
from qgis.PyQt.QtWidgets import QMessageBox

from . import deps
from .i18n import tr

LOG_TAG = "MMCANet"


class DependencyInstallTask(QgsTask):
    """Runs the pip commands of an :class:`deps.InstallPlan` one after the other, with QGIS's
    own Python interpreter; the output goes to the QGIS log."""

    def __init__(self, plan: deps.InstallPlan, python: str = None):
        super().__init__(tr("Installing MMCANet's Python dependencies"), QgsTask.Flag.CanCancel)
        self.plan = plan
        self.python = python  # None: found in run(), off the main thread
        self.output = ""
        self.error = None

    def run(self) -> bool:
        self.python = self.python or deps.python_executable()
        if self.python is None:
            self.error = tr("QGIS's own Python interpreter was not found, so pip cannot run from "
                            "QGIS. Run the command shown in the MMCANet tab of the log in a "
                            "terminal (the OSGeo4W Shell on Windows).")
            QgsMessageLog.logMessage(deps.manual_command(self.plan.packages), LOG_TAG,
                                     Qgis.MessageLevel.Warning)
            return False
        os.makedirs(self.plan.target, exist_ok=True)
        constraints = os.path.join(self.plan.target, "mmcanet-constraints.txt")
        with open(constraints, "w", encoding="utf-8") as handle:
            handle.write(self.plan.constraints_text())
        for command in self.plan.commands(self.python, constraints):
            if not self._pip(command):
                return False
        return True

    def _pip(self, command) -> bool:
        QgsMessageLog.logMessage(" ".join(command), LOG_TAG, Qgis.MessageLevel.Info)
        try:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                       text=True, creationflags=deps.NO_WINDOW)
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
        self.output += "".join(lines)
        QgsMessageLog.logMessage("".join(lines), LOG_TAG, Qgis.MessageLevel.Info)
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

    def offer(self) -> bool:
        """Ask which package set to install (the light one by default); start on a choice."""
        plans = deps.install_plans()
        if not plans:
            QMessageBox.information(self.iface.mainWindow(), tr("MMCANet"),
                                    tr("All Python dependencies of MMCANet are installed."))
            return False
        box = QMessageBox(QMessageBox.Icon.Question, tr("MMCANet dependencies"),
                          self.question(plans), QMessageBox.StandardButton.Cancel,
                          self.iface.mainWindow())
        buttons = {box.addButton(self.choice_label(name, plan),
                                 QMessageBox.ButtonRole.AcceptRole): plan
                   for name, plan in plans.items()}
        box.setDefaultButton(next(iter(buttons)))  # light when it is offered
        box.exec()
        plan = buttons.get(box.clickedButton())
        if plan is None:
            return False
        self.start(plan)
        return True

    @staticmethod
    def choice_label(name: str, plan: deps.InstallPlan) -> str:
        if name == "light":
            return tr("Light: onnxruntime (about {0:.0f} MB)").format(plan.download_mb)
        return tr("Full: PyTorch (about {0:.0f} MB)").format(plan.download_mb)

    @staticmethod
    def question(plans) -> str:
        """What each set is for, what it installs and where."""
        lines = [tr("Which Python packages should MMCANet install into its own folder\n{0}?")
                 .format(next(iter(plans.values())).target)]
        if "light" in plans:
            lines.append(tr("Light (recommended for cloud removal): onnxruntime runs the "
                            "shipped .onnx model or any exported one; no PyTorch. Installs: "
                            "{0}.").format(", ".join(plans["light"].packages)))
        if "full" in plans:
            lines.append(tr("Full: PyTorch, for .safetensors weights, training and CUDA GPUs "
                            "through PyTorch. Installs: {0}.").format(
                                ", ".join(plans["full"].packages)))
        lines.append(tr("Packages QGIS ships (numpy, GDAL) are left untouched. Sizes are "
                        "downloads measured on Linux; other systems differ."))
        return "\n\n".join(lines)

    def start(self, plan: deps.InstallPlan) -> DependencyInstallTask:
        self.plan = plan
        self.task = DependencyInstallTask(plan)
        self.task.taskCompleted.connect(self._completed)
        self.task.taskTerminated.connect(self._failed)
        QgsApplication.taskManager().addTask(self.task)
        self.iface.messageBar().pushMessage(
            tr("MMCANet"), tr("Installing Python dependencies in the background..."),
            level=Qgis.MessageLevel.Info, duration=5)
        return self.task

    def _completed(self):
        deps.activate(self.plan.target)
        still = [name for name in self.plan.packages if not deps.installed(name)]
        if still:
            self._failed(tr("still missing after the install: {0}").format(", ".join(still)))
            return
        self.iface.messageBar().pushMessage(
            tr("MMCANet"), tr("Dependencies installed. The cloud removal is ready."),
            level=Qgis.MessageLevel.Success, duration=10)

    def _failed(self, reason=None):
        reason = reason or (self.task.error if self.task else None) or tr("cancelled")
        self.iface.messageBar().pushMessage(
            tr("MMCANet"), tr("Installing the dependencies failed: {0}").format(reason),
            level=Qgis.MessageLevel.Critical, duration=0)
