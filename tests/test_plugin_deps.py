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
    plan = deps.plan_install(target=str(tmp_path), find=lambda name: name in present,
                             system="Linux", machine="x86_64")
    assert plan.requirements[:1] == ["torch>=2.1"]
    assert "safetensors>=0.4" in plan.requirements and "rasterio>=1.3" in plan.requirements
    assert "sympy>=1.13" in plan.requirements and "affine" in plan.requirements
    assert not any(r.startswith(("numpy", "jinja2", "markupsafe", "certifi", "typing"))
                   for r in plan.requirements)
    import numpy

    assert plan.constraints == {"numpy": numpy.__version__}
    torch_step, rest = plan.commands("python3", "c.txt")
    for command in (torch_step, rest):
        assert command[:4] == ["python3", "-m", "pip", "install"]
        assert "--no-deps" in command and command[command.index("--target") + 1] == str(tmp_path)
        assert command[command.index("--constraint") + 1] == "c.txt"
    # torch alone from PyTorch's CPU index; the rest from pip's own index
    assert torch_step[torch_step.index("--index-url") + 1] == deps.TORCH_CPU_INDEX
    assert torch_step[-1] == "torch>=2.1" and "--index-url" not in rest


@pytest.mark.parametrize("system, machine, cuda, index", [
    ("Linux", "x86_64", False, "cpu"),  # PyPI's wheel is the CUDA build: GBs
    ("Linux", "x86_64", True, None),  # asked for CUDA: PyPI's build
    ("Linux", "aarch64", False, None),  # PyPI's aarch64 wheel is a CPU build
    ("Windows", "AMD64", False, None),  # PyPI's Windows wheel is a CPU build
    ("Darwin", "arm64", False, None),  # PyPI's macOS wheel: CPU + Apple MPS
])
def test_torch_comes_from_the_right_index_per_platform(deps, system, machine, cuda, index):
    plan = deps.plan_install(target="t", find=lambda name: name != "torch", cuda=cuda,
                             system=system, machine=machine)
    assert plan.requirements == ["torch>=2.1"]
    expected = deps.TORCH_CPU_INDEX if index else None
    assert [step.index for step in plan.steps if "torch>=2.1" in step.requirements] == [expected]


def test_numpy_is_never_installed_even_when_missing(deps):
    plan = deps.plan_install(target="t", find=lambda name: name != "numpy")
    assert plan.empty and plan.commands("python3", "c.txt") == []


def test_interpreter_candidates_per_platform(deps):
    win = deps.interpreter_candidates(
        "Windows", r"C:\OSGeo4W\apps\qgis\bin\qgis-bin.exe", "",
        r"C:\OSGeo4W\apps\Python312", r"C:\OSGeo4W\apps\Python312", (3, 12))
    assert win[0] == r"C:\OSGeo4W\apps\Python312\python.exe"
    assert not any("qgis-bin" in path for path in win)  # never QGIS itself
    mac = deps.interpreter_candidates(
        "Darwin", "/Applications/QGIS.app/Contents/MacOS/QGIS", "",
        "/Applications/QGIS.app/Contents/Frameworks", "/Applications/QGIS.app/Contents/Frameworks",
        (3, 11))
    assert "/Applications/QGIS.app/Contents/MacOS/bin/python3" in mac
    assert not any(path.endswith("/QGIS") for path in mac)
    linux = deps.interpreter_candidates("Linux", "/root/.pyenv/shims/python3", "", "/usr", "/usr",
                                        (3, 11))
    assert linux[0] == "/root/.pyenv/shims/python3" and "/usr/bin/python3.11" in linux


def test_python_executable_skips_an_interpreter_that_is_another_python(deps, tmp_path,
                                                                        monkeypatch):
    shim = tmp_path / "python3"  # like a pyenv shim on PATH: runs, but another Python
    shim.write_text("#!/bin/sh\necho 3.11\necho /somewhere/else\n")
    shim.chmod(shim.stat().st_mode | stat.S_IEXEC)
    assert deps._describe(str(shim)) == ("3.11", "/somewhere/else")
    monkeypatch.setattr(sys, "executable", str(shim))
    monkeypatch.setattr(sys, "_base_executable", str(shim), raising=False)
    python = deps.python_executable()
    assert python is not None and python != str(shim)
    assert deps._describe(python) == (f"{sys.version_info[0]}.{sys.version_info[1]}",
                                      os.path.realpath(sys.base_prefix))
    assert deps.python_executable(describe=lambda path: None) is None


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


def test_install_task_runs_each_pip_step_with_plan_and_constraints(deps, tmp_path, qgis_app):
    from mmcanet.plugin.installer import DependencyInstallTask

    log = tmp_path / "argv.txt"
    fake_python = tmp_path / "python3"
    fake_python.write_text(f"#!/bin/sh\necho \"$@\" >> {log}\necho installed\n")
    fake_python.chmod(fake_python.stat().st_mode | stat.S_IEXEC)
    plan = deps.InstallPlan(target=str(tmp_path / "site"), constraints={"numpy": "1.26.4"},
                            steps=[deps.InstallStep(["torch>=2.1"], "https://example.org/cpu"),
                                   deps.InstallStep(["safetensors>=0.4"])])
    task = DependencyInstallTask(plan, python=str(fake_python))
    assert task.run() is True
    first, second = (line.split() for line in log.read_text().splitlines())
    for argv in (first, second):
        assert argv[:3] == ["-m", "pip", "install"] and "--no-deps" in argv
        assert open(argv[argv.index("--constraint") + 1]).read() == "numpy==1.26.4\n"
    assert first[-1] == "torch>=2.1" and first[first.index("--index-url") + 1].endswith("/cpu")
    assert second[-1] == "safetensors>=0.4" and "--index-url" not in second
    assert task.output.count("installed") == 2

    fake_python.write_text("#!/bin/sh\nexit 3\n")
    failing = DependencyInstallTask(plan, python=str(fake_python))
    assert failing.run() is False and "3" in failing.error
    assert os.path.isdir(plan.target)


def test_install_task_without_qgis_python_says_what_to_do(deps, tmp_path, qgis_app, monkeypatch):
    from mmcanet.plugin.installer import DependencyInstallTask

    monkeypatch.setattr(deps, "python_executable", lambda *a, **k: None)
    plan = deps.InstallPlan(target=str(tmp_path / "site"),
                            steps=[deps.InstallStep(["safetensors>=0.4"])])
    task = DependencyInstallTask(plan)
    assert task.run() is False
    assert "interpreter was not found" in task.error and not os.path.exists(plan.target)


# -- the light set (onnxruntime) and the full set (PyTorch) ------------------------------------
def test_light_plan_installs_onnxruntime_without_torch(deps):
    absent = {"onnxruntime", "rasterio", "safetensors", "flatbuffers", "google.protobuf"}
    plan = deps.plan_install(target="t", find=lambda name: name not in absent,
                             required=deps.LIGHT, system="Linux", machine="x86_64")
    assert plan.requirements[0] == "onnxruntime>=1.15" and len(plan.steps) == 1
    assert not any(r.startswith("torch") for r in plan.requirements)
    assert {"rasterio>=1.3", "safetensors>=0.4", "protobuf>=4.25.8"} <= set(plan.requirements)
    assert plan.download_mb == pytest.approx(27.8 + 35.9 + 0.5 + 0.2 + 0.3)


def test_installer_offers_light_first_then_full_with_sizes(deps):
    from mmcanet.plugin.installer import DependencyInstaller

    nothing = deps.install_plans(target="t", find=lambda name: name == "numpy")
    assert list(nothing) == ["light", "full"]  # the light set is the default choice
    light, full = nothing["light"], nothing["full"]
    assert "onnxruntime" in light.packages and "torch" not in light.packages
    assert "torch" in full.packages and "onnxruntime" not in full.packages
    # the wheels measured 102.8 MB (light) and 275.9 MB (full) on Linux x86_64, CPython 3.11
    assert light.download_mb == pytest.approx(102.8, abs=2)
    assert full.download_mb == pytest.approx(275.9, abs=2)
    assert DependencyInstaller.choice_label("light", light).startswith("Light: onnxruntime")
    assert f"about {full.download_mb:.0f} MB" in DependencyInstaller.choice_label("full", full)
    text = DependencyInstaller.question(nothing)
    assert "recommended" in text and "training" in text and text.splitlines()[1] == "t?"
    only_torch = deps.install_plans(target="t", find=lambda name: name != "torch")
    assert list(only_torch) == ["full"]  # onnxruntime works already: PyTorch is the extra
    assert deps.install_plans(target="t", find=lambda name: True) == {}


@pytest.mark.parametrize("backend, weights, torch, expected", [
    ("auto", "w.safetensors", True, "full"),
    ("auto", "w.safetensors", False, "light"),  # the .onnx beside them, on onnxruntime
    ("auto", "w.onnx", True, "light"),
    ("torch", "w.safetensors", False, "full"),
    ("onnxruntime", "w.safetensors", True, "light"),
])
def test_a_run_needs_the_set_of_its_backend(deps, backend, weights, torch, expected):
    required = deps.required_for(backend, weights, find=lambda name: torch or name != "torch")
    assert required is deps.SETS[expected]


def test_without_torch_the_shipped_onnx_is_the_default(deps, monkeypatch):
    from mmcanet.plugin import demonstrator

    onnx, safetensors = (demonstrator.shipped_weights(torch=t) for t in (False, True))
    assert onnx.endswith(".onnx") and safetensors.endswith(".safetensors")
    assert onnx[:-len(".onnx")] == safetensors[:-len(".safetensors")]  # beside each other
    assert demonstrator.is_shipped(onnx) and demonstrator.is_shipped(safetensors)
    monkeypatch.setattr(deps, "installed", lambda name: name != "torch")
    assert demonstrator.shipped_weights() == onnx
    assert demonstrator.shipped_metadata()["onnx"]["source"] == os.path.basename(safetensors)
    message = deps.missing_message(["onnxruntime"])
    assert "onnxruntime" in message and "torch" not in message
