"""Translation helper: one ``tr()`` for every user-visible string, and the QTranslator setup.

All strings live in one translation context (``MMCANet``) so ``scripts/i18n.py update`` can
extract them from the sources with a plain parser (no pylupdate needed).
"""

import os
import re

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

CONTEXT = "MMCANet"
I18N_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "i18n")


def tr(text: str, disambiguation: str = None) -> str:
    """Translate ``text`` in the plugin's context (``text`` itself when untranslated)."""
    return QCoreApplication.translate(CONTEXT, text, disambiguation)


class Number(float):
    """A number that ``str.format`` writes the way the user's locale does (``12,5`` in German):
    ``"{0:.1f}".format(Number(12.5))``. Other format specs are Python's."""

    def __format__(self, spec: str) -> str:
        match = re.fullmatch(r",?\.(\d+)f", spec)
        if match is None:
            return format(float(self), spec)
        return QLocale().toString(float(self), "f", int(match.group(1)))


def localised(value):
    """``value`` as a :class:`Number` when it is a float (bools and ints stay as they are)."""
    return Number(value) if isinstance(value, float) else value


def qgis_locale() -> str:
    """The locale QGIS shows its interface in, e.g. ``de_DE`` or ``zh_CN`` (setting
    ``locale/userLocale`` when the user overrode it, else the system locale)."""
    settings = QgsSettings()
    locale = settings.value("locale/userLocale", "", type=str) or ""
    return locale or QLocale.system().name()


def translation_file(locale: str, folder: str = I18N_DIR):
    """The compiled ``.qm`` for ``locale``: exact match first (``zh_CN``), then the language."""
    if not locale:
        return None
    for name in (locale, locale.split("_")[0]):
        path = os.path.join(folder, f"mmcanet_{name}.qm")
        if os.path.isfile(path):
            return path
    return None


class Translation:
    """Installs the plugin's QTranslator for QGIS's locale and removes it again."""

    def __init__(self):
        self.translator = None
        self.path = None

    def install(self, locale: str = None) -> bool:
        self.remove()
        path = translation_file(locale or qgis_locale())
        if path is None:
            return False
        translator = QTranslator()
        if not translator.load(path):
            return False
        QCoreApplication.installTranslator(translator)
        self.translator, self.path = translator, path
        return True

    def remove(self) -> None:
        if self.translator is not None:
            QCoreApplication.removeTranslator(self.translator)
            self.translator = self.path = None
