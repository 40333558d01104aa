#!/usr/bin/env python3
"""Build the installable QGIS plugin zip, and optionally install it into a QGIS profile.

    python scripts/package.py                      # -> dist/mmcanet-<version>.zip
    python scripts/package.py --deploy default     # also unzip into that profile's plugins

The zip holds one folder, ``mmcanet/`` (the name QGIS knows the plugin by): the plugin entry
point and ``plugin/``, the ``mmcanet_core`` package (with any shipped checkpoints), the icons,
the compiled translations, the example model and the documentation (``docs/*.md`` and the
images they show: the help links point at these files). No tests, caches, build or venv
folders.
"""

import argparse
import configparser
import os
import re
import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLUGIN_NAME = "mmcanet"
#: (path relative to the repository, file suffixes taken from it; None: the file itself)
CONTENT = [
    ("__init__.py", None),
    ("metadata.txt", None),
    ("LICENSE", None),
    ("README.md", None),
    ("plugin", {".py"}),
    ("mmcanet_core", {".py", ".safetensors", ".onnx", ".json"}),
    ("resources", {".svg", ".png"}),
    ("i18n", {".qm"}),
    ("examples", {".model3"}),
    ("docs", {".md"}),
]
SKIP_PARTS = {"__pycache__", ".pytest_cache", ".ruff_cache", "tests", "build", "dist", ".venv",
              ".git", "runs"}


def version(root: Path = ROOT) -> str:
    parser = configparser.ConfigParser()
    parser.read(root / "metadata.txt", encoding="utf-8")
    return parser["general"]["version"]


def doc_images(root: Path = ROOT):
    """The images the shipped documentation shows (``![...](img/x.png)``)."""
    found = set()
    for page in (root / "docs").glob("*.md"):
        for name in re.findall(r"\]\((img/[^)\s]+)\)", page.read_text(encoding="utf-8")):
            if (root / "docs" / name).is_file():
                found.add(Path("docs") / name)
    return found


def plugin_files(root: Path = ROOT):
    """Repository-relative paths of every file that goes into the zip, sorted."""
    files = list(doc_images(root))
    for entry, suffixes in CONTENT:
        path = root / entry
        if path.is_file():
            files.append(path.relative_to(root))
        elif path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(root)
                if not child.is_file() or SKIP_PARTS.intersection(rel.parts):
                    continue
                if suffixes is None or child.suffix in suffixes:
                    files.append(rel)
    return sorted(set(files))


def build(output_dir: Path, root: Path = ROOT) -> Path:
    output_dir.mkdir(parents=True, exist_ok=True)
    target = output_dir / f"{PLUGIN_NAME}-{version(root)}.zip"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for rel in plugin_files(root):
            archive.write(root / rel, f"{PLUGIN_NAME}/{rel.as_posix()}")
    return target


def profile_plugins_dir(profile: str, profiles_dir: Path = None) -> Path:
    if profiles_dir is None:
        if sys.platform == "win32":
            base = Path(os.environ.get("APPDATA", Path.home())) / "QGIS" / "QGIS3"
        elif sys.platform == "darwin":
            base = Path.home() / "Library" / "Application Support" / "QGIS" / "QGIS3"
        else:
            base = Path.home() / ".local" / "share" / "QGIS" / "QGIS3"
        profiles_dir = base / "profiles"
    return Path(profiles_dir) / profile / "python" / "plugins"


def deploy(archive: Path, profile: str, profiles_dir: Path = None) -> Path:
    plugins = profile_plugins_dir(profile, profiles_dir)
    plugins.mkdir(parents=True, exist_ok=True)
    installed = plugins / PLUGIN_NAME
    if installed.is_symlink():
        installed.unlink()
    elif installed.exists():
        shutil.rmtree(installed)
    with zipfile.ZipFile(archive) as handle:
        handle.extractall(plugins)
    return installed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output-dir", type=Path, default=ROOT / "dist")
    parser.add_argument("--deploy", metavar="PROFILE", help="install into this QGIS profile")
    parser.add_argument("--profiles-dir", type=Path,
                        help="QGIS profiles folder (default: the user's QGIS3/profiles)")
    args = parser.parse_args(argv)
    archive = build(args.output_dir)
    count = len(plugin_files())
    print(f"{archive.relative_to(ROOT) if ROOT in archive.parents else archive}: {count} files")
    if args.deploy:
        print(f"installed into {deploy(archive, args.deploy, args.profiles_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
