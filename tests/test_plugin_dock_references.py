"""The dock's list of other dates (issue 23): what it passes to mmcanet:removeclouds, and a run
from it (real dates of SEN12MS-CR-TS ROIs2017_146; constant SAR, SYNTHETIC)."""

import numpy as np
from qgis.core import QgsProject, QgsRasterLayer
from test_plugin_references import _read, dates  # noqa: F401 (a fixture)

from conftest import wait_for


def test_dock_lists_other_dates(started, dates, tiny_weights):  # noqa: F811
    dock = started.dock
    sar, target, refs = dates
    layers = [QgsRasterLayer(str(p), p.stem) for p in (sar, target, *refs)]
    assert all(layer.isValid() for layer in layers)
    QgsProject.instance().addMapLayers(layers)
    dock.sar_combo.setLayer(layers[0])
    dock.optical_combo.setLayer(layers[1])
    dock.weights_widget.setFilePath(str(tiny_weights))
    dock.device_combo.setCurrentIndex(1)
    assert "REFERENCES" not in dock.parameters()  # none checked: no other date
    names = [dock.dates_combo.itemText(i) for i in range(dock.dates_combo.count())]
    assert sorted(names) == sorted(layer.name() for layer in layers)
    # The target checked too is left out: it is not another date.
    dock.dates_combo.setCheckedItems([layers[1].name(), layers[2].name()])
    assert dock.parameters()["REFERENCES"] == [str(refs[0])]
    run = dock.start()
    assert run is not None, dock.status_label.text()
    assert not dock.dates_combo.isEnabled()  # locked while running
    wait_for(lambda: run.done)
    assert run.ok, dock.status_label.text()
    codes = np.unique(_read(target, [4]))  # the run left its inputs alone
    assert codes.size > 1 and dock.dates_combo.isEnabled()
