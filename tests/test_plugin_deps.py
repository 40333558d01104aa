"""Dependency check and installer: install only what is missing, never upgrade numpy."""

import os
import stat
import sys

import pytest
from qgis.core import QgsApplication


@pytest.fixture()
def deps(plugin_path):
    import mmcanet.plugin.deps as module

    return module


def test_nothing_missing_in_this_environment(deps):
    assert deps.missing_packages() == []


def test_plan_installs_only_missing_packages_without_deps(deps, tmp_path):
    present = {"numpy", "typing_extensions", "jinja2", "markupsafe", "certifi"}
    plan = deps.plan_install(target=str(tmp_path), find=lambda name: name in present)
    assert plan.requirements[:1] == ["torch>=2.1"]
    assert "safetensors>=0.4" in plan.requirements and "rasterio>=1.3" in plan.requirements
    assert "sympy>=1.13" in plan.requirements and "affine" in plan.requirements
    assert not any(r.startswith(("numpy", "jinja2", "markupsafe", "certifi", "typing"))
                   for r in plan.requirements)
    import numpy

    assert plan.constraints == {"numpy": numpy.__version__}
    command = plan.command("python3", "c.txt")
    assert command[:4] == ["python3", "-m", "pip", "install"]
    assert "--no-deps" in command and command[command.index("--target") + 1] == str(tmp_path)
    assert command[command.index("--constraint") + 1] == "c.txt"


def test_activate_puts_the_folder_first_on_sys_path(deps, tmp_path):
    folder = tmp_path / "site"
    assert deps.activate(str(folder)) is None  # not created yet: nothing added
    folder.mkdir()
    try:
        assert deps.activate(str(folder)) == str(folder)
        assert sys.path[0] == str(folder)
    finally:
        sys.path.remove(str(folder))
    assert deps.deps_dir().startswith(QgsApplication.qgisSettingsDirPath().rstrip("/"))


def test_install_task_runs_pip_with_plan_and_constraints(deps, tmp_path, qgis_app):
    from mmcanet.plugin.installer import DependencyInstallTask

    log = tmp_path / "argv.txt"
    fake_python = tmp_path / "python3"
    fake_python.write_text(f"#!/bin/sh\necho \"$@\" > {log}\necho installed\n")
    fake_python.chmod(fake_python.stat().st_mode | stat.S_IEXEC)
    plan = deps.InstallPlan(target=str(tmp_path / "site"), requirements=["safetensors>=0.4"],
                            constraints={"numpy": "1.26.4"})
    task = DependencyInstallTask(plan, python=str(fake_python))
    assert task.run() is True
    argv = log.read_text().split()
    assert argv[:3] == ["-m", "pip", "install"] and "--no-deps" in argv
    assert argv[-1] == "safetensors>=0.4"
    constraints = argv[argv.index("--constraint") + 1]
    assert open(constraints).read() == "numpy==1.26.4\n"
    assert "installed" in task.output

    fake_python.write_text("#!/bin/sh\nexit 3\n")
    failing = DependencyInstallTask(plan, python=str(fake_python))
    assert failing.run() is False and "3" in failing.error
    assert os.path.isdir(plan.target)
