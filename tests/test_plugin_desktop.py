"""The analyst's desktop (issue 25): the saved cloud mask's look, result names, batch rows that
load their results, and which layers the dock and the dialogs propose as inputs."""

import numpy as np
import rasterio
from qgis.core import (
    QgsApplication,
    QgsPalettedRasterRenderer,
    QgsProcessingContext,
    QgsProcessingFeedback,
    QgsProcessingOutputLayerDefinition,
    QgsProject,
    QgsRasterLayer,
)
from qgis.PyQt.QtCore import QCoreApplication

from conftest import copies, wait_for

SUMMER = ("ROIs1868_summer", 19, 30)
ALG = "mmcanet:removeclouds"


def _add(paths, names):
    layers = [QgsRasterLayer(str(path), name) for path, name in zip(paths, names)]
    assert all(layer.isValid() for layer in layers)
    QgsProject.instance().addMapLayers(layers)
    return layers


def _settle():
    """Let the dock's deferred reaction to added layers run."""
    for _ in range(3):
        QCoreApplication.processEvents()


def _tree_names():
    return [node.layer().name() for node in QgsProject.instance().layerTreeRoot().findLayers()]


def _run_dock(dock, sar, optical, weights):
    dock.sar_combo.setLayer(sar)
    dock.optical_combo.setLayer(optical)
    dock.weights_widget.setFilePath(str(weights))
    dock.device_combo.setCurrentIndex(1)
    run = dock.start()
    assert run is not None, dock.status_label.text()
    wait_for(lambda: run.done)
    assert run.ok, run.message
    return run


def test_saved_mask_is_paletted_transparent_and_styled_when_opened_later(
        started, sen12mscr, tiny_weights, tmp_path, qgis_new_project):
    sar, optical = _add(copies(sen12mscr, tmp_path / "data", SUMMER), ["S1", "S2 summer"])
    dock = started.dock
    dock.save_mask_check.setChecked(True)
    run = _run_dock(dock, sar, optical, tiny_weights)
    mask_path = run.mask_layer.source()
    with rasterio.open(mask_path) as src:
        present = set(np.unique(src.read(1)).tolist()) - {255}
    assert present <= {0, 1, 2} and {0, 1} <= present
    for layer in (run.mask_layer, QgsRasterLayer(mask_path, "opened later")):  # the .qml
        renderer = layer.renderer()
        assert isinstance(renderer, QgsPalettedRasterRenderer)
        classes = {int(c.value): c for c in renderer.classes()}
        assert set(classes) == present  # the legend lists only the classes the file holds
        assert classes[0].color.alpha() == 0  # clear: the result shows through
        assert classes[1].color.name() == "#ffffff" and classes[1].color.alpha() == 255
    assert run.mask_layer.name() == "S2 summer (cloud mask)"
    assert run.layer.name() == "S2 summer (cloud-free)"
    names = _tree_names()
    start = names.index("S2 summer (cloud mask)")
    assert names[start:start + 3] == ["S2 summer (cloud mask)", "S2 summer (cloud-free)",
                                      "S2 summer"]

    second = _run_dock(dock, sar, optical, tiny_weights)  # the first result's files are kept
    assert second.layer.source().endswith("_cloudfree_2.tif")
    assert second.layer.name() == "S2 summer (cloud-free 2)"
    assert second.mask_layer.name() == "S2 summer (cloud mask 2)"
    assert "new name" in second.message


def test_a_qml_the_plugin_did_not_write_is_left_alone(plugin_path, tmp_path):
    from mmcanet.plugin.result import write_mask_style

    mask = tmp_path / "mask.tif"
    with rasterio.open(mask, "w", driver="GTiff", width=8, height=8, count=1,
                       dtype="uint8") as dst:
        dst.write(np.ones((8, 8), np.uint8), 1)
    assert write_mask_style(str(mask)) == str(tmp_path / "mask.qml")  # ours: replaced again
    assert write_mask_style(str(mask)) == str(tmp_path / "mask.qml")
    (tmp_path / "mask.qml").write_text("<qgis>the user's own style</qgis>")
    assert write_mask_style(str(mask)) is None
    assert (tmp_path / "mask.qml").read_text() == "<qgis>the user's own style</qgis>"


def test_dock_layer_choice_when_layers_are_added(started, sen12mscr, tiny_weights, tmp_path,
                                                 qgis_new_project):
    """New inputs are followed, a hand choice is kept, the plugin's own results and masks are
    never proposed, and of several new candidates the top one is taken."""
    from mmcanet.plugin.inputs import RESULT_PROPERTY

    dock = started.dock
    winter = _add(copies(sen12mscr, tmp_path / "winter"), ["S1 winter", "S2 winter"])
    _settle()
    assert (dock.sar_combo.currentLayer(), dock.optical_combo.currentLayer()) == tuple(winter)
    summer = _add(copies(sen12mscr, tmp_path / "summer", SUMMER), ["S1 summer", "S2 summer"])
    _settle()
    assert (dock.sar_combo.currentLayer(), dock.optical_combo.currentLayer()) == tuple(summer)

    # the user picks the winter SAR by hand: a further pair moves only the optical picker
    dock.sar_combo.setLayer(winter[0])
    dock.sar_combo.activated.emit(dock.sar_combo.currentIndex())
    third = _add(copies(sen12mscr, tmp_path / "third", SUMMER), ["S1 third", "S2 third"])
    _settle()
    assert dock.sar_combo.currentLayer() == winter[0]
    assert dock.optical_combo.currentLayer() == third[1]

    # the plugin's own result (multi-band, marked) and a mask are never proposed
    result = QgsRasterLayer(third[1].source(), "S2 third (cloud-free)")
    result.setCustomProperty(RESULT_PROPERTY, True)
    QgsProject.instance().addMapLayer(result)
    _settle()
    assert dock.optical_combo.currentLayer() == third[1]

    # several candidates at once: the top of the layer tree
    many = [QgsRasterLayer(path.source(), name) for path, name in
            ((summer[1], "S2 a"), (winter[1], "S2 b"))]
    QgsProject.instance().addMapLayers(many)  # added in order: "S2 b" ends up on top
    _settle()
    top = [name for name in _tree_names() if name in ("S2 a", "S2 b")][0]
    assert dock.optical_combo.currentLayer().name() == top
    assert dock.sar_combo.currentLayer() == winter[0]


class Errors(QgsProcessingFeedback):
    def __init__(self):
        super().__init__()
        self.errors = []

    def reportError(self, error, fatalError=False):  # noqa: N802 (QGIS's name)
        self.errors.append(error)


def _no_show(parameters) -> dict:
    """handleAlgorithmResults' keywords: QGIS 3.22 takes ``showResults`` (False: no results
    viewer), 3.40 no longer has it."""
    import inspect

    from processing.gui.Postprocessing import handleAlgorithmResults

    keywords = {"parameters": parameters}
    if "showResults" in inspect.signature(handleAlgorithmResults).parameters:
        keywords["showResults"] = False
    return keywords


def test_batch_rows_load_their_results_named_placed_and_never_proposed(
        plugin_path, qgis_iface, qgis_processing, sen12mscr, tiny_weights, tmp_path,
        qgis_new_project):
    """As the batch dialog runs a row with "Load layers on completion" and an empty mask
    column: no "not correctly generated" error, the result named after its input, right
    above it, and the next dialog does not propose it as the optical input."""
    import qgis.utils
    from mmcanet.plugin.result import shown_bands
    from processing.gui.Postprocessing import handleAlgorithmResults

    assert qgis.utils.loadPlugin("mmcanet") and qgis.utils.startPlugin("mmcanet")
    try:
        project = QgsProject.instance()
        sar, optical = _add(copies(sen12mscr, tmp_path / "data"), ["S1 row", "S2 row"])
        other = _add([sar.source()], ["on top"])[0]  # the active layer is elsewhere
        qgis_iface.setActiveLayer(other)
        algorithm = QgsApplication.processingRegistry().algorithmById(ALG)
        for row in (1, 2):  # two rows on the same input: two names
            out = tmp_path / f"row{row}.tif"
            parameters = {
                "SAR": sar.id(), "OPTICAL": optical.id(), "WEIGHTS": str(tiny_weights),
                "DEVICE": 1, "TILE": 128,
                "OUTPUT": QgsProcessingOutputLayerDefinition(str(out), project),
                "MASK_OUTPUT": QgsProcessingOutputLayerDefinition("", project)}
            feedback = Errors()
            context = QgsProcessingContext()  # a new one per row, as the batch dialog does
            context.setProject(project)
            results, ok = algorithm.run(parameters, context, feedback)
            assert ok and out.is_file(), feedback.errors
            assert handleAlgorithmResults(algorithm, context, feedback, **_no_show(parameters))
            assert feedback.errors == []  # no "not correctly generated" for the empty mask column
        names = _tree_names()
        start = names.index("S2 row (cloud-free)")  # each right above the input when it came
        assert names[start:start + 3] == ["S2 row (cloud-free)", "S2 row (cloud-free 2)",
                                          "S2 row"]
        loaded = project.mapLayersByName("S2 row (cloud-free)")[0]
        assert loaded.customProperty("mmcanet/result", False)
        assert shown_bands(optical) == [4, 3, 2] and shown_bands(loaded) == [4, 3, 2]
        qgis_iface.setActiveLayer(loaded)
        dialog = algorithm.create()
        assert dialog.parameterDefinition("OPTICAL").guiDefaultValueOverride() == optical.id()
    finally:
        assert qgis.utils.unloadPlugin("mmcanet")


def test_buttons_stay_in_view_and_in_place(started, monkeypatch, artifacts):
    """The install button and Decloud/Cancel sit below the scrolling options: in view in a
    short panel, and a long message does not move the buttons."""
    import mmcanet.plugin.deps as deps
    from qgis.PyQt.QtCore import QPoint
    from qgis.PyQt.QtWidgets import QScrollArea

    monkeypatch.setattr(deps, "missing_packages", lambda *a, **k: ["torch"])
    dock = started.dock
    dock.refresh_dependencies()
    from qgis.gui import QgsCollapsibleGroupBox

    dock.findChild(QgsCollapsibleGroupBox, "mmcanetAdvanced").setCollapsed(False)
    dock.setFloating(True)
    dock.resize(300, 500)
    dock.show()
    _settle()

    def bottom_of(widget):
        return widget.mapTo(dock, QPoint(0, widget.height())).y()

    for combo in (dock.sar_combo, dock.optical_combo, dock.device_combo, dock.backend_combo):
        assert combo.width() >= 0.75 * dock.width()  # labels above: the names get the width
    scroll = dock.findChild(QScrollArea)
    for button in (dock.install_button, dock.decloud_button, dock.cancel_button):
        assert not scroll.isAncestorOf(button)
        assert button.isVisibleTo(dock) and bottom_of(button) <= dock.height()
    where = dock.decloud_button.mapTo(dock, QPoint(0, 0))
    dock.set_status("Done: " + "a long message that wraps over many lines " * 20, success=True)
    _settle()
    assert dock.decloud_button.mapTo(dock, QPoint(0, 0)) == where
    line = dock.status_label.fontMetrics().lineSpacing()
    assert 3 * line <= dock.status_label.height() <= 10 * line  # several lines shown, not all
    dock.grab().save(str(artifacts / "dock_long_message.png"))
    dock.hide()
