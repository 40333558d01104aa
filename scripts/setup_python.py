#!/usr/bin/env python3
"""``make setup``'s Python part, run by the venv's interpreter (a venv over the system Python).

1. numpy: the venv sees the numpy of the system Python (Debian's ``python3-numpy``), which GDAL
   and QGIS were built against. It is pinned to exactly that version for every pip run
   (``build/constraints-system.txt``, generated), and a numpy that pip once put into the venv
   itself is removed, so nothing shadows it.
2. torch: the CPU build where one can be had, from the first source that has it
   (:func:`torch_source`):

   - ``TORCH_INDEX=URL`` (a pip index of torch wheels), when set;
   - PyTorch's CPU wheel index, when this machine reaches it;
   - Debian's ``python3-torch`` (a CPU build against Debian's numpy), when it is >= 2.1
     (Debian 13 has 2.6; Debian 12's 1.13 is too old);
   - else the package index pip is configured with: ``torch==2.13.0``, a CPU wheel only where
     one lies in pip's ``find-links`` (this project's build machines, Python 3.11), elsewhere
     the CUDA build for Linux (about 2.8 GB with its CUDA libraries).

   The torch that ends up importable is pinned as well, so later installs never swap it.
3. the project, editable, with its ``dev`` extras, under ``constraints.txt`` and those pins.
"""

import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
SYSTEM_PINS = ROOT / "build" / "constraints-system.txt"
SYSTEM_PYTHON = os.environ.get("SYSTEM_PYTHON", "/usr/bin/python3")
#: The torch this project is tested with (the CPU wheel of its build machines).
TORCH_VERSION = "2.13.0"
#: The oldest torch the engine runs on (pyproject.toml says the same).
TORCH_MINIMUM = (2, 1)
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"


def say(text: str) -> None:
    print(f"setup: {text}", flush=True)


def run(*command: str) -> None:
    say(" ".join(command))
    subprocess.run(command, check=True)


def pip(*args: str) -> None:
    run(sys.executable, "-m", "pip", *args)


def version_tuple(text: str) -> Tuple[int, ...]:
    """``"1:2.6.0+dfsg-7"`` -> ``(2, 6, 0)``: the leading release numbers of any version."""
    text = text.split(":", 1)[-1]
    match = re.match(r"\d+(\.\d+)*", text)
    return tuple(int(part) for part in match.group(0).split(".")) if match else ()


# -- numpy ------------------------------------------------------------------------------------
def system_numpy() -> str:
    """The numpy version of the system Python (isolated: no venv, user site or PYTHONPATH)."""
    result = subprocess.run(
        [SYSTEM_PYTHON, "-I", "-c", "import numpy; print(numpy.__version__)"],
        capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"setup: {SYSTEM_PYTHON} has no numpy. Install the system's numpy first "
                 "(Debian: apt-get install python3-numpy; `make setup` installs it with QGIS).")
    return result.stdout.strip()


def in_venv(path: str) -> bool:
    return os.path.realpath(path).startswith(os.path.realpath(sys.prefix) + os.sep)


def drop_venv_numpy() -> None:
    """Uninstall a numpy that pip put into the venv itself (it would shadow the system's)."""
    try:
        dist = importlib.metadata.distribution("numpy")
    except importlib.metadata.PackageNotFoundError:
        return
    if in_venv(str(dist.locate_file(""))):
        say(f"removing numpy {dist.version} from the venv: it shadows the system's numpy")
        pip("uninstall", "-y", "-q", "numpy")


# -- torch ------------------------------------------------------------------------------------
def installed_version(name: str) -> Optional[str]:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def reachable(url: str, timeout: float = 5.0) -> bool:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="HEAD"), timeout=timeout):
            return True
    except Exception:  # noqa: BLE001 - any failure means: not usable from here
        return False


def sudo() -> List[str]:
    return [] if os.geteuid() == 0 else ["sudo"]


def debian_candidate(package: str) -> Optional[str]:
    """The version apt would install (``apt-cache policy`` after ``apt-get update``), or None
    (no apt, no such package)."""
    if not shutil.which("apt-cache"):
        return None
    subprocess.run(sudo() + ["apt-get", "update", "-qq"], check=False)
    result = subprocess.run(["apt-cache", "policy", package], capture_output=True, text=True)
    match = re.search(r"Candidate:\s*(\S+)", result.stdout)
    return match.group(1) if match and match.group(1) != "(none)" else None


def torch_source() -> Tuple[str, Optional[str]]:
    """("index", url) | ("debian", version) | ("pypi", None): where torch comes from."""
    index = os.environ.get("TORCH_INDEX")
    if index:
        return "index", index
    if reachable(f"{TORCH_CPU_INDEX}/torch/"):
        return "index", TORCH_CPU_INDEX
    debian = debian_candidate("python3-torch")
    if debian and version_tuple(debian) >= TORCH_MINIMUM:
        return "debian", debian
    return "pypi", None


def apt_install(*packages: str) -> None:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    say(" ".join(sudo() + ["apt-get", "install", "-y", *packages]))
    subprocess.run(sudo() + ["apt-get", "install", "-y", "-qq", "--no-install-recommends",
                             *packages], check=True, env=env, stdout=subprocess.DEVNULL)


def install_torch(pins_file: Path) -> str:
    """Install torch when it is missing; return the version that is importable."""
    have = installed_version("torch")
    if have and version_tuple(have) >= TORCH_MINIMUM:
        say(f"torch {have} already installed")
        return have
    kind, where = torch_source()
    if kind == "debian":
        say(f"torch: Debian's python3-torch {where} (CPU build)")
        apt_install("python3-torch")
    elif kind == "index":
        say(f"torch: {TORCH_VERSION} from the wheel index {where}")
        pip("install", "-q", "-c", str(pins_file), "--index-url", where,
            f"torch=={TORCH_VERSION}")
    else:
        say(f"torch: {TORCH_VERSION} from pip's package index (a CPU wheel only where one lies "
            "in pip's find-links; elsewhere on Linux the CUDA build, about 2.8 GB). For the "
            "CPU build run: make setup TORCH_INDEX=<a PyTorch CPU wheel index>")
        pip("install", "-q", "-c", str(pins_file), f"torch=={TORCH_VERSION}")
    importlib.invalidate_caches()
    version = installed_version("torch")
    if version is None:
        sys.exit("setup: torch is still not installed; see the messages above.")
    return version


def write_pins(pins: Dict[str, str]) -> None:
    SYSTEM_PINS.parent.mkdir(parents=True, exist_ok=True)
    text = "# Generated by scripts/setup_python.py: what this system provides, never replaced.\n"
    SYSTEM_PINS.write_text(text + "".join(f"{k}=={v}\n" for k, v in pins.items()))


def main() -> None:
    if sys.prefix == sys.base_prefix:
        sys.exit("setup: run this with the venv's python (make setup does).")
    pins = {"numpy": system_numpy()}
    drop_venv_numpy()
    write_pins(pins)
    say(f"numpy {pins['numpy']} (the system's), pinned in {SYSTEM_PINS.relative_to(ROOT)}")
    pins["torch"] = install_torch(SYSTEM_PINS)
    write_pins(pins)
    pip("install", "-q", "-c", str(ROOT / "constraints.txt"), "-c", str(SYSTEM_PINS),
        "-e", f"{ROOT}[dev]")
    import numpy  # noqa: F401 - report what the venv really imports

    say(f"numpy {numpy.__version__} from {os.path.dirname(numpy.__file__)}")
    if in_venv(numpy.__file__):
        sys.exit("setup: the venv imports its own numpy, not the system's; please report.")
    say(f"torch {pins['torch']}; site-packages {sysconfig.get_paths()['purelib']}")


if __name__ == "__main__":
    main()
