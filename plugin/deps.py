"""Python dependencies inside QGIS: which are missing, where the plugin installs them, how.

A user's QGIS may ship without PyTorch. The plugin then still loads and lists its algorithm;
running it says what is missing and how to install it. The installer pip-installs only the
missing packages into a folder the plugin owns (in the QGIS profile, so that plugin updates
keep it) and never touches what QGIS ships: every package is installed with ``--no-deps`` from a
known list, and a constraints file pins the numpy QGIS already has. pip runs under QGIS's own
Python interpreter (:func:`python_executable`), so the wheels match the Python QGIS embeds.

Everything the installer does is data: two package sets (imported name -> requirement),
:data:`LIGHT` (onnxruntime: cloud removal with the shipped ``.onnx`` model, no PyTorch; the
default) and :data:`FULL` (PyTorch: also training, and CUDA through torch), the run-time
dependencies of each package (:data:`SUPPORT`), the wheel index a package comes from on a
platform (:data:`WHEEL_INDEXES`) and measured download sizes (:data:`DOWNLOAD_MB`). A run needs
the set of its backend (:func:`required_for`).
"""

import importlib.util
import ntpath
import os
import platform
import posixpath
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

#: What every run needs besides the network's library: imported name -> pip requirement.
COMMON: Dict[str, str] = {
    "numpy": "numpy",  # QGIS ships it; listed so that its absence is reported, never replaced
    "rasterio": "rasterio>=1.3",
    "safetensors": "safetensors>=0.4",
    "scipy": "scipy",  # the cloud mask and the compositing
}
#: The light set: cloud removal on onnxruntime (``.onnx`` models), no PyTorch.
LIGHT: Dict[str, str] = {"onnxruntime": "onnxruntime>=1.15", **COMMON}
#: The full set: PyTorch (``.safetensors`` weights; training; CUDA through torch).
FULL: Dict[str, str] = {"torch": "torch>=2.1", **COMMON}
#: Installer choices, the default first.
SETS: Dict[str, Dict[str, str]] = {"light": LIGHT, "full": FULL}
#: The run-time dependencies of the packages above (imported name -> requirement). Installed
#: only when missing and always with ``--no-deps``, so pip never upgrades anything QGIS ships.
SUPPORT: Dict[str, Dict[str, str]] = {
    "torch": {
        "filelock": "filelock",
        "typing_extensions": "typing-extensions>=4.8",
        "sympy": "sympy>=1.13",
        "mpmath": "mpmath",
        "networkx": "networkx",
        "jinja2": "jinja2",
        "markupsafe": "markupsafe",
        "fsspec": "fsspec",
    },
    "onnxruntime": {
        "flatbuffers": "flatbuffers",
        "packaging": "packaging",
        "google.protobuf": "protobuf>=4.25.8",
    },
    "rasterio": {
        "affine": "affine",
        "attrs": "attrs>=23.2",
        "certifi": "certifi",
        "click": "click>=4",
        "cligj": "cligj>=0.5",
        "click_plugins": "click-plugins",
        "pyparsing": "pyparsing",
    },
}
#: Download size (MB) of each package's wheel, measured on 2026-11-28 with ``pip download
#: --no-deps`` for CPython 3.11 on Linux x86_64 (torch: the 2.13.0 CPU wheel); other platforms
#: differ by some tens of percent. Packages not listed are small pure-Python wheels (7 kB to
#: 0.24 MB), counted as :data:`SMALL_MB`.
DOWNLOAD_MB: Dict[str, float] = {
    "torch": 191.8, "onnxruntime": 27.8, "rasterio": 35.9, "scipy": 37.7, "safetensors": 0.5,
    "sympy": 6.3, "networkx": 2.1, "mpmath": 0.6, "google.protobuf": 0.3,
}
SMALL_MB = 0.2
#: PyTorch's CPU-only wheels (a few hundred MB instead of several GB of CUDA libraries).
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
#: Where a package comes from, by (platform.system(), platform.machine(), CUDA wanted); absent:
#: the default index. torch: PyPI's Linux x86_64 wheel bundles CUDA (GBs), so the CPU build comes
#: from PyTorch's own index; PyPI's Windows and macOS wheels and Linux aarch64 ones are CPU (and
#: Apple MPS) builds already. CUDA on Linux: PyPI's default build.
WHEEL_INDEXES: Dict[str, Dict[Tuple[str, str, bool], str]] = {
    "torch": {
        ("Linux", "x86_64", False): TORCH_CPU_INDEX,
    },
}
#: Hide the console window of child processes on Windows (0 elsewhere).
NO_WINDOW = getattr(subprocess, "CREATE_NO_WINDOW", 0)


def _profile_dir() -> str:
    try:
        from qgis.core import QgsApplication

        path = QgsApplication.qgisSettingsDirPath()
    except Exception:  # noqa: BLE001 - outside QGIS
        path = ""
    return path or os.path.join(os.path.expanduser("~"), ".mmcanet")


def deps_dir(profile_dir: Optional[str] = None) -> str:
    """The plugin-owned folder the installer writes to, one per Python minor version."""
    tag = f"py{sys.version_info.major}{sys.version_info.minor}"
    return os.path.join(profile_dir or _profile_dir(), "mmcanet", f"site-packages-{tag}")


def activate(folder: Optional[str] = None) -> Optional[str]:
    """Put the plugin's dependency folder on ``sys.path`` (first) when it exists."""
    folder = folder or deps_dir()
    if os.path.isdir(folder) and folder not in sys.path:
        sys.path.insert(0, folder)
        importlib.invalidate_caches()
        return folder
    return folder if folder in sys.path else None


def installed(name: str) -> bool:
    """Whether package ``name`` can be imported (found, not imported: cheap)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def missing_packages(find: Optional[Callable[[str], bool]] = None,
                     required: Dict[str, str] = FULL) -> List[str]:
    """Imported names of the required packages that cannot be imported (cheap: nothing runs)."""
    find = find or installed  # looked up per call (tests replace it)
    return [name for name in required if not find(name)]


def required_for(backend: str = "auto", weights: Optional[str] = None,
                 find: Optional[Callable[[str], bool]] = None) -> Dict[str, str]:
    """The package set a run on ``backend`` ("auto", "torch", "onnxruntime") needs. ``auto``
    follows the engine: an ``.onnx`` file runs on onnxruntime, other weights on PyTorch when it
    is installed, else on onnxruntime (the light set, also when neither is installed)."""
    find = find or installed  # looked up per call (tests replace it)
    if backend == "auto":
        onnx = str(weights or "").lower().endswith(".onnx")
        backend = "torch" if find("torch") and not onnx else "onnxruntime"
    return FULL if backend == "torch" else LIGHT


def missing_for(backend: str = "auto", weights: Optional[str] = None) -> List[str]:
    """What this QGIS lacks for a run on ``backend`` with ``weights`` (:func:`required_for`)."""
    return missing_packages(required=required_for(backend, weights))


# -- the plan ---------------------------------------------------------------------------------
@dataclass
class InstallStep:
    """One pip run: ``requirements`` from ``index`` (None: pip's configured index)."""

    requirements: List[str]
    index: Optional[str] = None


@dataclass
class InstallPlan:
    """What the installer will pip-install (``--no-deps``), in which steps and commands."""

    target: str
    steps: List[InstallStep] = field(default_factory=list)
    constraints: Dict[str, str] = field(default_factory=dict)
    packages: List[str] = field(default_factory=list)  # imported names, for the sizes

    @property
    def download_mb(self) -> float:
        """About how many MB pip downloads (:data:`DOWNLOAD_MB`)."""
        return sum(DOWNLOAD_MB.get(name, SMALL_MB) for name in self.packages)

    @property
    def requirements(self) -> List[str]:
        return [r for step in self.steps for r in step.requirements]

    @property
    def empty(self) -> bool:
        return not self.requirements

    def constraints_text(self) -> str:
        return "".join(f"{name}=={version}\n" for name, version in self.constraints.items())

    def commands(self, python: str, constraints_file: str) -> List[List[str]]:
        """One pip command per step, all into :attr:`target`, none upgrading anything."""
        base = [python, "-m", "pip", "install", "--no-deps", "--upgrade-strategy",
                "only-if-needed", "--target", self.target, "--constraint", constraints_file,
                "--disable-pip-version-check", "--no-input"]
        return [base + (["--index-url", step.index] if step.index else []) + step.requirements
                for step in self.steps if step.requirements]


def installed_version(name: str) -> Optional[str]:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:  # noqa: BLE001 - not installed or no metadata
        return None


def wheel_index(package: str, system: str = None, machine: str = None,
                cuda: bool = False) -> Optional[str]:
    """The index ``package`` comes from on this platform (:data:`WHEEL_INDEXES`), or None."""
    key = (system or platform.system(), machine or platform.machine(), cuda)
    return WHEEL_INDEXES.get(package, {}).get(key)


def plan_install(target: Optional[str] = None, find: Optional[Callable[[str], bool]] = None,
                 cuda: bool = False, required: Dict[str, str] = FULL,
                 system: str = None, machine: str = None) -> InstallPlan:
    """The missing ``required`` packages plus their missing run-time dependencies; a package
    with its own index on this platform gets its own step, the rest share the last one."""
    find = find or installed  # looked up per call (tests replace it)
    plan = InstallPlan(target=target or deps_dir())
    default = InstallStep([])
    for name in missing_packages(find, required):
        if name == "numpy":
            continue  # never installed by the plugin: QGIS's own GDAL needs QGIS's numpy
        index = wheel_index(name, system, machine, cuda)
        if index:
            plan.steps.append(InstallStep([required[name]], index))
        else:
            default.requirements.append(required[name])
        plan.packages.append(name)
        for support_name, requirement in SUPPORT.get(name, {}).items():
            if not find(support_name) and requirement not in default.requirements:
                default.requirements.append(requirement)
                plan.packages.append(support_name)
    plan.steps.append(default)
    numpy_version = installed_version("numpy")
    if numpy_version:  # never replace the numpy QGIS (and its GDAL bindings) were built with
        plan.constraints["numpy"] = numpy_version
    return plan


def install_plans(target: Optional[str] = None, find: Optional[Callable[[str], bool]] = None,
                  **platform_) -> Dict[str, InstallPlan]:
    """The install plan of each set in :data:`SETS` (light first) that has something to
    install; empty when everything is there."""
    find = find or installed  # looked up per call (tests replace it)
    plans = {name: plan_install(target, find, required=required, **platform_)
             for name, required in SETS.items()}
    return {name: plan for name, plan in plans.items() if not plan.empty}


# -- QGIS's own Python interpreter -------------------------------------------------------------
def interpreter_candidates(system: str, executable: str, base_executable: str,
                           exec_prefix: str, base_exec_prefix: str,
                           version: Sequence[int]) -> List[str]:
    """Where the interpreter of the Python that QGIS embeds can be, best first.

    Inside QGIS ``sys.executable`` is not always Python: on Windows it is ``qgis-bin.exe``, on
    macOS the ``QGIS`` app binary, and on Linux whatever ``python3`` PATH finds first (a pyenv
    shim, another Python). The interpreter lies beside the embedded Python's prefix instead:
    Windows (OSGeo4W and the standalone installer) ``<QGIS>\\apps\\Python3XY\\python.exe``
    (= ``sys.exec_prefix``); macOS ``QGIS.app/Contents/MacOS/bin/python3`` (beside the app
    binary) or ``<framework prefix>/bin/python3.X``; Linux ``/usr/bin/python3.X``.
    """
    paths = ntpath if system == "Windows" else posixpath
    if system == "Windows":
        names = ("python.exe", "python3.exe")
        folders = [exec_prefix, base_exec_prefix, paths.dirname(executable)]
    else:
        names = (f"python{version[0]}.{version[1]}", f"python{version[0]}", "python")
        folders = [paths.join(exec_prefix, "bin"), paths.join(base_exec_prefix, "bin")]
        if system == "Darwin":
            folders.append(paths.join(paths.dirname(executable), "bin"))
    candidates = [base_executable, executable]
    candidates += [paths.join(folder, name) for folder in folders if folder for name in names]
    seen, out = set(), []
    for path in candidates:
        if path and path not in seen and paths.basename(path).lower().startswith("python"):
            seen.add(path)
            out.append(path)
    return out


def _describe(python: str) -> Optional[Tuple[str, str]]:
    """(``"3.11"``, real base prefix) of an interpreter, or None when it does not run."""
    code = "import os, sys; print('%d.%d' % sys.version_info[:2]); " \
           "print(os.path.realpath(sys.base_prefix))"
    try:
        result = subprocess.run([python, "-c", code], capture_output=True, text=True,
                                timeout=30, creationflags=NO_WINDOW)
    except (OSError, subprocess.SubprocessError):
        return None
    lines = result.stdout.split()
    return (lines[0], lines[1]) if result.returncode == 0 and len(lines) == 2 else None


def python_executable(describe: Callable[[str], Optional[Tuple[str, str]]] = _describe
                      ) -> Optional[str]:
    """QGIS's own Python interpreter: the first candidate that runs and is the same Python
    (version and installation) as the one QGIS embeds; None when there is none."""
    wanted = (f"{sys.version_info.major}.{sys.version_info.minor}",
              os.path.realpath(sys.base_prefix))
    for path in interpreter_candidates(
            platform.system(), sys.executable or "", getattr(sys, "_base_executable", "") or "",
            sys.exec_prefix, sys.base_exec_prefix, sys.version_info):
        if os.path.isfile(path) and describe(path) == wanted:
            return path
    return None


# -- messages ---------------------------------------------------------------------------------
def missing_message(missing: List[str]) -> str:
    """The message users see when the engine cannot run (translated)."""
    from .i18n import tr

    return tr(
        "MMCANet needs Python packages that this QGIS lacks: {0}. Install them with the plugin's "
        "installer (menu Raster > MMCANet cloud removal > Install Python dependencies...), or "
        "run: {1}"
    ).format(", ".join(missing), manual_command(missing))


def set_of(missing: List[str]) -> Dict[str, str]:
    """The package set that ``missing`` comes from: the full one when PyTorch is missing."""
    return FULL if "torch" in missing else LIGHT


def manual_command(missing: List[str]) -> str:
    """The pip commands the installer runs, for pasting into a terminal (the OSGeo4W Shell on
    Windows): ``--no-deps`` into the plugin's folder, numpy pinned to the installed version."""
    required = set_of(missing)
    plan = plan_install(required=required)
    if plan.empty:
        plan.steps = [InstallStep([required[name] for name in missing if name in required])]
    python = python_executable() or "python3"
    commands = []
    for cmd in plan.commands(python, "constraints.txt"):
        cmd = [c for c in cmd if c not in ("--constraint", "constraints.txt")]
        commands.append(" ".join(f'"{c}"' if any(x in c for x in ' <>') else c for c in cmd))
    return " && ".join(commands)
