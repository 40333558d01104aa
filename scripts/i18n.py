#!/usr/bin/env python3
"""Plugin translations: ``update`` refreshes ``i18n/mmcanet_<lang>.ts`` from the sources,
``compile`` turns them into the ``.qm`` files QGIS loads.

``update`` finds every ``tr("literal")`` call in ``plugin/*.py`` (one context, ``MMCANet``,
see ``plugin/i18n.py``), keeps the translations already in the ``.ts`` files, adds new strings
as unfinished and drops the ones the code no longer uses. ``compile`` runs Qt's ``lrelease``
(Debian/Ubuntu: ``apt-get install qttools5-dev-tools``).

    python scripts/i18n.py update [--lang de zh_CN]
    python scripts/i18n.py compile
"""

import argparse
import ast
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
I18N = ROOT / "i18n"
SOURCES = ROOT / "plugin"
CONTEXT = "MMCANet"
LANGUAGES = ("de", "zh_CN")


def extract(sources=SOURCES):
    """``{source text: [(relative file, line), ...]}`` for every ``tr("...")`` literal."""
    found = {}
    for path in sorted(Path(sources).glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            first = node.args[0]
            if name == "tr" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                rel = Path("..") / path.relative_to(ROOT)
                found.setdefault(first.value, []).append((rel.as_posix(), node.lineno))
    return found


def read_ts(path: Path):
    """``{source: translation}`` of the finished translations in a ``.ts`` file."""
    if not path.is_file():
        return {}
    done = {}
    for message in ET.parse(path).getroot().iter("message"):
        source = message.findtext("source")
        translation = message.find("translation")
        if source is None or translation is None or not translation.text:
            continue
        if translation.get("type") in ("unfinished", "obsolete", "vanished"):
            continue
        done[source] = translation.text
    return done


def write_ts(path: Path, language: str, messages, translations) -> int:
    """Write the ``.ts`` file; return how many strings are still untranslated."""
    ts = ET.Element("TS", version="2.1", language=language)
    context = ET.SubElement(ts, "context")
    ET.SubElement(context, "name").text = CONTEXT
    missing = 0
    for source in sorted(messages, key=lambda s: messages[s][0]):
        message = ET.SubElement(context, "message")
        for filename, line in messages[source]:
            ET.SubElement(message, "location", filename=filename, line=str(line))
        ET.SubElement(message, "source").text = source
        translation = ET.SubElement(message, "translation")
        if source in translations:
            translation.text = translations[source]
        else:
            translation.set("type", "unfinished")
            missing += 1
    ET.indent(ts, space="    ")
    body = ET.tostring(ts, encoding="unicode")
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n",
                    encoding="utf-8")
    return missing


def ts_files(languages=None):
    if languages:
        return [I18N / f"mmcanet_{lang}.ts" for lang in languages]
    existing = sorted(I18N.glob("mmcanet_*.ts"))
    return existing or [I18N / f"mmcanet_{lang}.ts" for lang in LANGUAGES]


def update(languages=None) -> int:
    I18N.mkdir(exist_ok=True)
    messages = extract()
    for path in ts_files(languages):
        language = path.stem.split("_", 1)[1]
        missing = write_ts(path, language, messages, read_ts(path))
        print(f"{path.relative_to(ROOT)}: {len(messages)} strings, {missing} untranslated")
    return 0


def find_lrelease():
    for name in ("lrelease", "lrelease-qt5"):
        if shutil.which(name):
            return shutil.which(name)
    for folder in ("/usr/lib/qt5/bin", "/usr/lib/x86_64-linux-gnu/qt5/bin"):
        candidate = Path(folder) / "lrelease"
        if candidate.is_file():
            return str(candidate)
    return None


def compile_all() -> int:
    lrelease = find_lrelease()
    if lrelease is None:
        print("lrelease not found: install Qt's linguist tools "
              "(Debian/Ubuntu: apt-get install qttools5-dev-tools)", file=sys.stderr)
        return 1
    paths = ts_files()
    for path in paths:
        qm = path.with_suffix(".qm")
        subprocess.run([lrelease, "-silent", str(path), "-qm", str(qm)], check=True)
        print(f"{qm.relative_to(ROOT)}")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("update", "compile"))
    parser.add_argument("--lang", nargs="*", help="languages for update (default: existing)")
    args = parser.parse_args(argv)
    return update(args.lang) if args.command == "update" else compile_all()


if __name__ == "__main__":
    sys.exit(main())
