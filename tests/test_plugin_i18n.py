"""Translations: complete .ts sources, compiled .qm, and the plugin follows QGIS's locale."""

import importlib.util

import pytest
from qgis.core import QgsApplication

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("mmcanet_i18n_script", ROOT / "scripts" / "i18n.py")
i18n_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(i18n_script)


@pytest.mark.parametrize("language", ["de", "zh_CN"])
def test_every_string_is_translated_and_compiled(language):
    """Every tr() string has a finished translation in the .ts, and the compiled .qm (loaded
    with a QTranslator, as the plugin loads it) returns each of them: a .qm compiled from an
    older .ts misses the new ones."""
    from qgis.PyQt.QtCore import QTranslator

    sources = i18n_script.extract()
    assert len(sources) > 50
    translated = i18n_script.read_ts(ROOT / "i18n" / f"mmcanet_{language}.ts")
    untranslated = [s for s in sources if s not in translated]
    assert untranslated == []
    translator = QTranslator()
    assert translator.load(str(ROOT / "i18n" / f"mmcanet_{language}.qm"))
    stale = [source for source in sources
             if translator.translate("MMCANet", source) != translated[source]]
    assert stale == [], f"{len(stale)} strings not in the .qm: run make i18n-compile"


@pytest.mark.parametrize("locale, title, button", [
    ("de_DE", "Wolken entfernen (SAR-optisch)", "Wolken entfernen"),
    ("zh_CN", "去除云层（SAR-光学）", "去云"),
])
def test_plugin_loads_translation_for_qgis_locale(plugin_path, qgis_iface, qgis_processing,
                                                  user_locale, artifacts, locale, title,
                                                  button):
    import qgis.utils

    user_locale(locale)
    assert qgis.utils.loadPlugin("mmcanet") and qgis.utils.startPlugin("mmcanet")
    try:
        plugin = qgis.utils.plugins["mmcanet"]
        assert plugin.translation.path.endswith(f"mmcanet_{locale.split('_')[0]}.qm"
                                                if locale == "de_DE" else "mmcanet_zh_CN.qm")
        alg = QgsApplication.processingRegistry().algorithmById("mmcanet:removeclouds")
        assert alg.displayName() == title
        assert plugin.dock.decloud_button.text() == button
        plugin.dock.resize(380, 560)
        plugin.dock.grab().save(str(artifacts / f"dock_{locale}.png"))
    finally:
        assert qgis.utils.unloadPlugin("mmcanet")
    from qgis.PyQt.QtCore import QCoreApplication

    assert QCoreApplication.translate("MMCANet", "Decloud") == "Decloud"  # translator removed
