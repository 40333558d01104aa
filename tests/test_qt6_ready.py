"""Qt6 / QGIS 4 readiness of the plugin code, checked statically on the QGIS that runs the tests.

PyQt6 has only fully scoped enums, so ``Qt.RightDockWidgetArea`` fails there while
``Qt.DockWidgetArea.RightDockWidgetArea`` works on both (QGIS's pyqt5_to_pyqt6.py rewrites to the
latter). The scan resolves every ``Name.attr...`` chain whose root is imported from ``qgis.*``
against the live PyQt/PyQGIS objects: an enum member reached from anything but its own enum type
is a short form. It also rejects what PyQt6 removed (``exec_``, direct PyQt5 imports, QRegExp,
...) and a QAction import outside ``plugin/compat.py``.
"""

import ast
import configparser
import enum
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLUGIN_FILES = sorted([ROOT / "__init__.py", *(ROOT / "plugin").glob("*.py")])
#: Names PyQt6 removed (the warnings of QGIS's migration script).
REMOVED = {"QRegExp", "QDesktopWidget", "qApp", "resources_rc"}


def _is_enum_member(value) -> bool:
    return isinstance(value, enum.Enum) or type(type(value)).__name__ == "enumtype"


def _imported_objects(tree: ast.Module) -> dict:
    """Local name -> object for every ``from qgis... import X`` in the module."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("qgis"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                if hasattr(module, alias.name):
                    names[alias.asname or alias.name] = getattr(module, alias.name)
    return names


def _chain(node: ast.Attribute):
    """``a.b.c`` -> ["a", "b", "c"], or None when the root is not a plain name."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return [node.id, *reversed(parts)] if isinstance(node, ast.Name) else None


def qt6_problems(source: str, filename: str = "<source>"):
    """Every Qt6 incompatibility in ``source``, as 'file:line: text'."""
    tree = ast.parse(source, filename)
    objects = _imported_objects(tree)
    inner = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    problems = []

    def report(node, text):
        problems.append(f"{filename}:{node.lineno}: {text}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and id(node) not in inner:  # whole chains only
            chain = _chain(node)
            if chain and chain[0] in objects:
                owner = objects[chain[0]]
                for depth, name in enumerate(chain[1:], start=1):
                    value = getattr(owner, name, None)
                    if _is_enum_member(value) and owner is not type(value):
                        scoped = f"{type(value).__qualname__}.{name}"
                        report(node, f"short-form enum {'.'.join(chain[:depth + 1])}; "
                                     f"write {scoped}")
                        break
                    if value is None:
                        break
                    owner = value
        if isinstance(node, ast.Attribute) and node.attr == "exec_":
            report(node, "exec_() is gone in PyQt6; call exec()")
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in (
                "PyQt5", "PyQt6"):
            report(node, f"import from {node.module}; import from qgis.PyQt instead")
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if alias.name in REMOVED:
                    report(node, f"{alias.name} is removed in Qt6")
                if alias.name == "QAction" and node.module.startswith("qgis.PyQt") \
                        and not filename.endswith("compat.py"):
                    report(node, "import QAction from plugin.compat (QtWidgets in Qt5, QtGui "
                                 "in Qt6)")
    return problems


def test_plugin_code_has_no_qt6_incompatibilities(qgis_app):
    assert len(PLUGIN_FILES) >= 9  # the entry point and plugin/*.py, not an empty glob
    problems = [p for path in PLUGIN_FILES
                for p in qt6_problems(path.read_text(encoding="utf-8"),
                                      str(path.relative_to(ROOT)))]
    assert problems == []


def test_the_scan_finds_short_forms_and_accepts_scoped_ones(qgis_app):
    bad = (
        "from qgis.core import Qgis, QgsTask, QgsProcessingParameterNumber\n"
        "from qgis.PyQt.QtCore import Qt\n"
        "from qgis.PyQt.QtWidgets import QAction, QMessageBox, QSizePolicy\n"
        "a = Qt.RightDockWidgetArea\n"
        "b = QgsTask(flags=QgsTask.CanCancel)\n"
        "c = Qgis.Info\n"
        "d = QSizePolicy.Preferred\n"
        "e = QgsProcessingParameterNumber.Integer\n"
        "QMessageBox().exec_()\n")
    problems = qt6_problems(bad, "bad.py")
    for text in ("Qt.RightDockWidgetArea; write Qt.DockWidgetArea.RightDockWidgetArea",
                 "QgsTask.CanCancel; write QgsTask.Flag.CanCancel",
                 "Qgis.Info; write Qgis.MessageLevel.Info", "QSizePolicy.Preferred",
                 "QgsProcessingParameterNumber.Integer", "exec_", "import QAction"):
        assert any(text in p for p in problems), (text, problems)
    assert len(problems) == 7
    good = (
        "from qgis.core import Qgis, QgsTask\n"
        "from qgis.PyQt.QtCore import Qt\n"
        "from qgis.PyQt.QtWidgets import QSizePolicy\n"
        "a = Qt.DockWidgetArea.RightDockWidgetArea\n"
        "b = QgsTask.Flag.CanCancel | QgsTask.Flag.Silent\n"
        "c = Qgis.MessageLevel.Info\n"
        "d = QSizePolicy.Policy.Preferred\n"
        "e = Qgis.QGIS_VERSION\n")
    assert qt6_problems(good, "good.py") == []


def test_compat_picks_values_this_qgis_has(plugin_path):
    from mmcanet.plugin import compat
    from qgis.core import QgsProcessingParameterNumber
    from qgis.gui import QgsMapLayerComboBox

    assert compat.QAction("Decloud").text() == "Decloud"
    parameter = QgsProcessingParameterNumber("N", "n", compat.INTEGER)
    assert parameter.dataType() == compat.INTEGER
    assert not parameter.flags() & compat.ADVANCED
    parameter.setFlags(parameter.flags() | compat.ADVANCED)
    assert parameter.flags() & compat.ADVANCED
    combo = QgsMapLayerComboBox()
    combo.setFilters(compat.RASTER_LAYERS)
    assert combo.filters() == compat.RASTER_LAYERS
    with pytest.raises(AttributeError, match="none of"):
        compat.first_spelling((compat.Qgis, "NoSuchEnum.Value"))


def test_metadata_declares_qt6_and_the_tested_qgis_range():
    parser = configparser.ConfigParser()
    parser.read(ROOT / "metadata.txt", encoding="utf-8")
    general = parser["general"]
    assert general["supportsQt6"] == "True"
    assert general["qgisMinimumVersion"] == "3.22"  # Debian 12; 3.40 runs in the Debian 13 check
    assert general["qgisMaximumVersion"] == "3.99"  # 4.99 once a QGIS 4 (Qt6) run is green
