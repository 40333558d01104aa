"""`make package` / `make deploy`: the plugin zip holds exactly one installable mmcanet/ folder."""

import subprocess
import sys
import zipfile

from conftest import ROOT


def test_package_zip_content_and_deploy(tmp_path):
    dist = tmp_path / "dist"
    profiles = tmp_path / "profiles"
    run = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "package.py"), "--output-dir", str(dist),
         "--deploy", "testprofile", "--profiles-dir", str(profiles)],
        capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    version = next(line.split("=", 1)[1].strip()
                   for line in (ROOT / "metadata.txt").read_text().splitlines()
                   if line.startswith("version="))
    archive = dist / f"mmcanet-{version}.zip"
    names = zipfile.ZipFile(archive).namelist()
    assert all(name.startswith("mmcanet/") for name in names)
    for required in ("__init__.py", "metadata.txt", "plugin/main.py", "plugin/algorithm.py",
                     "plugin/provider.py", "plugin/dock.py", "mmcanet_core/__init__.py",
                     "mmcanet_core/inference.py", "mmcanet_core/weights/checkpoint.py",
                     "mmcanet_core/models/__init__.py", "resources/icon.svg",
                     "i18n/mmcanet_de.qm", "i18n/mmcanet_zh_CN.qm",
                     "examples/clip_and_decloud.model3", "docs/plugin.md", "docs/training.md",
                     "docs/model_card.md", "docs/img/dock_after.png"):
        assert f"mmcanet/{required}" in names, required
    checkpoints = sorted((ROOT / "mmcanet_core" / "checkpoints").glob("*.safetensors"))
    for checkpoint in checkpoints:
        assert f"mmcanet/{checkpoint.relative_to(ROOT).as_posix()}" in names
    forbidden = ("__pycache__", ".pyc", "tests/", ".venv", "build/", ".git/", ".ts",
                 "egg-info", "conftest")
    assert [n for n in names if any(f in n for f in forbidden)] == []

    metadata = (ROOT / "metadata.txt").read_text()
    assert "example.org" not in metadata and "github.com/mmcanet" not in metadata

    installed = profiles / "testprofile" / "python" / "plugins" / "mmcanet"
    assert (installed / "metadata.txt").is_file()
    assert (installed / "plugin" / "main.py").is_file()
    assert sorted(p.relative_to(installed.parent).as_posix()
                  for p in installed.rglob("*") if p.is_file()) == sorted(
        n for n in names if not n.endswith("/"))
