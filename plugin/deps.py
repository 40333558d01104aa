"""Python dependencies inside QGIS: which are missing, where the plugin installs them, how.

A user's QGIS may ship without PyTorch. The plugin then still loads and lists its algorithm;
running it says what is missing and how to install it. The installer pip-installs only the
missing packages into a folder the plugin owns (in the QGIS profile, so that plugin updates
keep it) and never touches what QGIS ships: every package is installed with ``--no-deps`` from a
known list, and a constraints file pins the numpy QGIS already has.
"""

import importlib.util
import os
import platform
import sys
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional

#: Imported name -> pip requirement, for what the engine needs at run time.
REQUIRED: Dict[str, str] = {
    "torch": "torch>=2.1",
    "numpy": "numpy<2",
    "rasterio": "rasterio>=1.3",
    "safetensors": "safetensors>=0.4",
}
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
#: PyTorch's CPU-only wheels (a few hundred MB instead of several GB of CUDA libraries).
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


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


def _available(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def missing_packages(find: Callable[[str], bool] = _available) -> List[str]:
    """Imported names of the required packages that cannot be imported (cheap: nothing runs)."""
    return [name for name in REQUIRED if not find(name)]


@dataclass
class InstallPlan:
    """What the installer will pip-install (``--no-deps``) and with which command."""

    target: str
    requirements: List[str] = field(default_factory=list)
    constraints: Dict[str, str] = field(default_factory=dict)
    torch_index: Optional[str] = None

    @property
    def empty(self) -> bool:
        return not self.requirements

    def constraints_text(self) -> str:
        return "".join(f"{name}=={version}\n" for name, version in self.constraints.items())

    def command(self, python: str, constraints_file: str) -> List[str]:
        cmd = [python, "-m", "pip", "install", "--no-deps", "--upgrade-strategy", "only-if-needed",
               "--target", self.target, "--constraint", constraints_file,
               "--disable-pip-version-check", "--no-input"]
        if self.torch_index:
            cmd += ["--extra-index-url", self.torch_index]
        return cmd + self.requirements


def installed_version(name: str) -> Optional[str]:
    try:
        from importlib.metadata import version

        return version(name)
    except Exception:  # noqa: BLE001 - not installed or no metadata
        return None


def plan_install(target: Optional[str] = None, find: Callable[[str], bool] = _available,
                 cuda: bool = False) -> InstallPlan:
    """The missing required packages plus their missing run-time dependencies."""
    plan = InstallPlan(target=target or deps_dir())
    for name in missing_packages(find):
        plan.requirements.append(REQUIRED[name])
        for support_name, requirement in SUPPORT.get(name, {}).items():
            if not find(support_name) and requirement not in plan.requirements:
                plan.requirements.append(requirement)
    numpy_version = installed_version("numpy")
    if numpy_version:  # never replace the numpy QGIS (and its GDAL bindings) were built with
        plan.constraints["numpy"] = numpy_version
    if any(r.startswith("torch") for r in plan.requirements) and not cuda \
            and platform.system() in ("Linux", "Windows"):
        plan.torch_index = TORCH_CPU_INDEX
    return plan


def python_executable() -> str:
    """The Python interpreter beside QGIS (``sys.executable`` is the QGIS binary on some OSes)."""
    exe = sys.executable or ""
    if os.path.basename(exe).lower().startswith("python"):
        return exe
    names = ("python.exe", "python3.exe") if os.name == "nt" else (
        f"python{sys.version_info.major}.{sys.version_info.minor}", "python3", "python")
    for folder in (sys.exec_prefix, os.path.join(sys.exec_prefix, "bin"), "/usr/bin"):
        for name in names:
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                return path
    return "python3"


def missing_message(missing: List[str]) -> str:
    """The message users see when the engine cannot run (translated)."""
    from .i18n import tr

    return tr(
        "MMCANet needs Python packages that this QGIS lacks: {0}. Install them with the plugin's "
        "installer (menu Raster > MMCANet cloud removal > Install Python dependencies...), or "
        "run: {1}"
    ).format(", ".join(missing), manual_command(missing))


def manual_command(missing: List[str]) -> str:
    """The pip command the installer runs, for pasting into a terminal (OSGeo4W shell on
    Windows): ``--no-deps`` into the plugin's folder, numpy pinned to the installed version."""
    plan = plan_install()
    if not plan.requirements:
        plan.requirements = [REQUIRED[name] for name in missing if name in REQUIRED]
    cmd = plan.command(python_executable(), "constraints.txt")
    cmd = [c for c in cmd if c not in ("--constraint", "constraints.txt")]
    return " ".join(f'"{c}"' if (" " in c or "<" in c or ">" in c) else c for c in cmd)
