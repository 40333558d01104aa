"""``mmcanet:removeclouds``: the one algorithm that toolbox, batch, modeler, qgis_process and
the dock all run. It reads and checks its parameters (:class:`Settings`), then runs
``mmcanet_core.inference`` in stages that it reports as progress (:class:`Stages`).

Adding a parameter: one definition in :meth:`RemoveCloudsAlgorithm.main_parameters` or
:meth:`RemoveCloudsAlgorithm.advanced_parameters` (the "Advanced parameters" group), one field
of :class:`Settings` read in :meth:`RemoveCloudsAlgorithm.settings`, and its use in
:meth:`RemoveCloudsAlgorithm.processAlgorithm`.
"""

import os
from dataclasses import dataclass
from typing import List, Optional

from qgis.core import (
    QgsApplication,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProject,
)
from qgis.PyQt.QtCore import QThread
from qgis.PyQt.QtGui import QIcon

from . import deps
from .compat import ADVANCED, INTEGER
from .demonstrator import (
    MODEL_CARD_URL,
    ROOT,
    TRAINING_URL,
    is_shipped,
    log_notice,
    shipped_weights,
)
from .engine_text import device_text, engine_line
from .i18n import tr
from .inputs import guess_inputs

ICON = os.path.join(ROOT, "resources", "icon.svg")
DEVICES = ("auto", "cpu", "cuda")


def parse_bands(text: str) -> Optional[List[int]]:
    """``"4,3,2"`` -> ``[4, 3, 2]`` (1-based); empty -> ``None`` (take them from the weights)."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        bands = [int(part) for part in text.replace(";", ",").replace(" ", ",").split(",") if part]
    except ValueError:
        bands = []
    if not bands or min(bands) < 1:
        raise QgsProcessingException(tr(
            "Optical bands '{0}' are not a list of 1-based band numbers. Write them like "
            "'4,3,2' (red, green, blue of Sentinel-2 L1C) or leave the field empty to use the "
            "bands the weights were trained on.").format(text))
    return bands


@dataclass
class Settings:
    """Everything one run needs, read from the parameters and checked."""

    sar: str
    optical: str
    weights: str
    bands: Optional[List[int]]
    device: str
    tile: Optional[int]
    overlap: Optional[int]
    batch_size: int
    half: bool
    output: str


class Stages:
    """Progress from the first second: PyTorch, the weights, the rasters, then the tiles (per
    batch, from the engine's ``progress(done, total)``), each with a progress text."""

    #: (progress %, text) at the start of each stage; the tiles fill the rest up to 100 %.
    TILES_FROM = 5.0

    def __init__(self, feedback):
        self.feedback = feedback

    def enter(self, percent: float, text: str) -> None:
        self.feedback.setProgressText(text)
        self.feedback.setProgress(percent)

    def tiles(self, done: int, total: int) -> None:
        self.feedback.setProgressText(tr("Removing clouds: {0}/{1} tiles").format(done, total))
        self.feedback.setProgress(self.TILES_FROM + (100.0 - self.TILES_FROM) * done
                                  / max(total, 1))


def _project_layers() -> list:
    """The current project's layers in layer-tree order (top first)."""
    return [node.layer() for node in QgsProject.instance().layerTreeRoot().findLayers()
            if node.layer() is not None]


def _active_layer():
    from qgis.utils import iface

    return iface.activeLayer() if iface is not None else None


class RemoveCloudsAlgorithm(QgsProcessingAlgorithm):
    SAR = "SAR"
    OPTICAL = "OPTICAL"
    WEIGHTS = "WEIGHTS"
    OPTICAL_BANDS = "OPTICAL_BANDS"
    DEVICE = "DEVICE"
    TILE = "TILE"
    OVERLAP = "OVERLAP"
    BATCH_SIZE = "BATCH_SIZE"
    HALF = "HALF"
    OUTPUT = "OUTPUT"
    DEVICE_USED = "DEVICE_USED"
    BANDS_USED = "BANDS_USED"

    # -- identity ---------------------------------------------------------------------------
    def createInstance(self):
        return RemoveCloudsAlgorithm()

    def name(self):
        return "removeclouds"

    def displayName(self):
        return tr("Remove clouds (SAR-optical)")

    def group(self):
        return tr("Cloud removal")

    def groupId(self):
        return "cloudremoval"

    def tags(self):
        return ["cloud", "removal", "decloud", "sentinel-1", "sentinel-2", "sar", "optical",
                "mmcanet", "deep learning"]

    def icon(self):
        return QIcon(ICON)

    def shortHelpString(self):
        return tr(
            "<p>Restores a cloud-covered <b>Sentinel-2</b> image with the help of a "
            "<b>Sentinel-1</b> radar (SAR) image of the same place, using the MMCANet neural "
            "network (Zhou et al., IEEE TGRS 2025). Radar sees through clouds; the network uses "
            "it to fill in what the clouds hide.</p>"
            "<p><b>SAR raster</b>: Sentinel-1 GRD with two bands, VV then VH, as backscatter in "
            "dB (as in SEN12MS-CR) or as linear power (converted automatically).</p>"
            "<p><b>Optical raster</b>: the cloudy Sentinel-2 Level-1C image as digital numbers "
            "(reflectance x 10000), usually all 13 bands B1..B12 in the standard order.</p>"
            "<p>Both rasters must be <b>co-registered</b> and cover the same place, ideally on "
            "the same pixel grid (clip both with the same extent first). A SAR raster on "
            "another grid is resampled onto the optical grid; optical pixels without SAR "
            "become nodata.</p>"
            "<p><b>Optical bands</b>: which bands of the optical raster the model restores, "
            "1-based and in the order the weights expect, e.g. 4,3,2 for red, green, blue. "
            "Leave empty to use the bands stored in the weights.</p>"
            "<p><b>Weights</b>: a MMCANet .safetensors file; the checkpoint shipped with the "
            "plugin is the default when there is one.</p>"
            "<p><b>Output</b>: a GeoTIFF with the restored optical bands (same CRS, extent and "
            "size as the optical raster, same scale as its digital numbers).</p>"
            "<p><b>Device</b>: auto uses a CUDA GPU when PyTorch sees one, else the CPU. On the "
            "CPU a large scene can take a long time; the image is processed in overlapping "
            "tiles (advanced parameters) and the run can be cancelled at any time.</p>"
        ) + tr(
            "<p><b>The shipped weights are a demonstrator</b>: a small network trained for less "
            "than an hour on a CPU on a handful of real Sentinel-1/-2 patches (SEN12MS-CR, "
            "BigEarthNet), RGB only. They show how the tool works; their results are not fit "
            "for analysis. <a href=\"{0}\">Train your own weights</a> (what the demonstrator "
            "was trained on and how well it does: <a href=\"{1}\">model card</a>).</p>"
        ).format(TRAINING_URL, MODEL_CARD_URL)

    def helpUrl(self):
        return "https://github.com/mmcanet/mmcanet-qgis/blob/main/docs/plugin.md"

    # -- parameters -------------------------------------------------------------------------
    def main_parameters(self) -> list:
        default = shipped_weights()
        return [
            QgsProcessingParameterRasterLayer(
                self.SAR, tr("SAR raster (Sentinel-1, bands VV, VH)")),
            QgsProcessingParameterRasterLayer(
                self.OPTICAL, tr("Cloudy optical raster (Sentinel-2 L1C)")),
            QgsProcessingParameterFile(
                self.WEIGHTS, tr("Model weights (.safetensors)"), extension="safetensors",
                defaultValue=default, optional=default is not None),
            QgsProcessingParameterString(
                self.OPTICAL_BANDS, tr("Optical bands, 1-based (empty: from the weights)"),
                defaultValue="", optional=True),
            QgsProcessingParameterEnum(
                self.DEVICE, tr("Device"), options=[tr("auto (CUDA if available)"), tr("CPU"),
                                                    tr("CUDA GPU")], defaultValue=0),
        ]

    def advanced_parameters(self) -> list:
        """Shown under "Advanced parameters" in the dialog."""
        return [
            QgsProcessingParameterNumber(
                self.TILE, tr("Tile size in pixels, a multiple of 16 (0: automatic)"),
                INTEGER, defaultValue=0, minValue=0),
            QgsProcessingParameterNumber(
                self.OVERLAP, tr("Tile overlap in pixels (-1: automatic)"),
                INTEGER, defaultValue=-1, minValue=-1),
            QgsProcessingParameterNumber(
                self.BATCH_SIZE, tr("Tiles per batch"), INTEGER,
                defaultValue=4, minValue=1, maxValue=256),
            QgsProcessingParameterBoolean(
                self.HALF, tr("Half precision (CUDA only, faster, less memory)"),
                defaultValue=False),
        ]

    def output_parameters(self) -> list:
        return [QgsProcessingParameterRasterDestination(self.OUTPUT, tr("Cloud-free raster"))]

    def initAlgorithm(self, config=None):
        for parameter in self.main_parameters():
            self.addParameter(parameter)
        for parameter in self.advanced_parameters():
            parameter.setFlags(parameter.flags() | ADVANCED)
            self.addParameter(parameter)
        for parameter in self.output_parameters():
            self.addParameter(parameter)
        self.addOutput(QgsProcessingOutputString(self.DEVICE_USED, tr("Device used")))
        self.addOutput(QgsProcessingOutputString(
            self.BANDS_USED, tr("Optical bands restored (1-based, output order)")))
        self.guess_layers()

    def guess_layers(self) -> None:
        """In the dialog, a 2-band layer as SAR and a multi-band one as optical (instead of the
        active layer for both); only the GUI default, never a value for processing.run."""
        app = QgsApplication.instance()
        if app is None or QThread.currentThread() != app.thread():
            return
        sar, optical = guess_inputs(_project_layers(), _active_layer())
        for name, layer in ((self.SAR, sar), (self.OPTICAL, optical)):
            if layer is not None:
                self.parameterDefinition(name).setGuiDefaultValueOverride(layer.id())

    # -- reading the parameters ---------------------------------------------------------------
    def _raster_path(self, parameters, name, context) -> str:
        layer = self.parameterAsRasterLayer(parameters, name, context)
        if layer is None or not layer.isValid():
            raise QgsProcessingException({
                self.SAR: tr("The SAR raster is missing or cannot be opened. Choose a raster "
                             "layer or a GeoTIFF file."),
                self.OPTICAL: tr("The optical raster is missing or cannot be opened. Choose a "
                                 "raster layer or a GeoTIFF file."),
            }[name])
        path = layer.source().split("|")[0]
        if layer.providerType() != "gdal" or not os.path.isfile(path):
            raise QgsProcessingException({
                self.SAR: tr("The SAR raster '{0}' is not a raster file on disk. Save it as a "
                             "GeoTIFF first (Export > Save As...)."),
                self.OPTICAL: tr("The optical raster '{0}' is not a raster file on disk. Save "
                                 "it as a GeoTIFF first (Export > Save As...)."),
            }[name].format(layer.name()))
        return path

    def settings(self, parameters, context) -> Settings:
        """The run's settings, or a QgsProcessingException naming the problem and the fix."""
        sar = self._raster_path(parameters, self.SAR, context)
        optical = self._raster_path(parameters, self.OPTICAL, context)
        # Optional when a checkpoint ships: left empty (as qgis_process does), it is the default.
        weights = self.parameterAsFile(parameters, self.WEIGHTS, context) or shipped_weights()
        if not weights or not os.path.isfile(weights):
            raise QgsProcessingException(tr(
                "Model weights '{0}' not found. Choose a MMCANet weights file (.safetensors) in "
                "the Weights parameter.").format(weights or ""))
        overlap = self.parameterAsInt(parameters, self.OVERLAP, context)
        output = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        if os.path.splitext(output)[1].lower() not in (".tif", ".tiff"):
            raise QgsProcessingException(tr(
                "The output '{0}' must be a GeoTIFF (.tif).").format(output))
        return Settings(
            sar=sar, optical=optical, weights=weights,
            bands=parse_bands(self.parameterAsString(parameters, self.OPTICAL_BANDS, context)),
            device=DEVICES[self.parameterAsEnum(parameters, self.DEVICE, context)],
            tile=self.parameterAsInt(parameters, self.TILE, context) or None,
            overlap=None if overlap < 0 else overlap,
            batch_size=self.parameterAsInt(parameters, self.BATCH_SIZE, context) or 4,
            half=self.parameterAsBool(parameters, self.HALF, context),
            output=output,
        )

    # -- run --------------------------------------------------------------------------------
    def processAlgorithm(self, parameters, context, feedback):
        settings = self.settings(parameters, context)
        stages = Stages(feedback)
        stages.enter(1, tr("Starting PyTorch..."))
        missing = deps.missing_packages()
        if missing:
            raise QgsProcessingException(deps.missing_message(missing))
        from mmcanet_core import inference
        from mmcanet_core.weights import WeightsError, load_weights

        try:
            torch_device, reason = inference.resolve_device(settings.device)
        except Exception as error:  # noqa: BLE001 - e.g. CUDA requested but absent
            raise QgsProcessingException(tr("Device '{0}' cannot be used: {1}").format(
                settings.device, error)) from error
        device = device_text(torch_device, reason)
        feedback.pushInfo(tr("Device: {0}").format(device))
        report = getattr(feedback, "device_reported", None)
        if report is not None:
            report.emit(device)

        stages.enter(3, tr("Loading the model weights..."))
        try:
            model, metadata = load_weights(settings.weights, device=torch_device)
        except WeightsError as error:
            raise QgsProcessingException(str(error)) from error
        if is_shipped(settings.weights):
            feedback.pushWarning(log_notice(metadata))
        stages.enter(Stages.TILES_FROM, tr("Reading the rasters..."))

        def log(message):
            text, fields = engine_line(message)
            if text is not None:
                feedback.pushInfo(text)
            if "tiles" in fields:  # planned: the tiles stage starts before the first batch
                stages.tiles(0, int(fields["tiles"]))

        try:
            result = inference.predict_raster(
                settings.sar, settings.optical, settings.output, model=model,
                metadata=metadata, optical_bands=settings.bands, device=settings.device,
                tile=settings.tile, overlap=settings.overlap, batch_size=settings.batch_size,
                half=settings.half, progress=stages.tiles, is_cancelled=feedback.isCanceled,
                log=log)
        except inference.InferenceCancelled as error:
            raise QgsProcessingException(tr("Cancelled; no output was written.")) from error
        except (inference.InferenceError, WeightsError) as error:
            raise QgsProcessingException(str(error)) from error
        except Exception as error:  # noqa: BLE001 - anything unexpected, with its type
            raise QgsProcessingException(tr("Cloud removal failed: {0}: {1}").format(
                type(error).__name__, error)) from error
        if feedback.isCanceled():  # cancelled after the last tile: still leave nothing behind
            for path in (settings.output, settings.output + ".aux.xml"):
                if os.path.exists(path):
                    os.remove(path)
            raise QgsProcessingException(tr("Cancelled; no output was written."))
        return {self.OUTPUT: settings.output,
                self.DEVICE_USED: f"{str(torch_device).upper()} ({reason})",
                self.BANDS_USED: ",".join(str(band) for band in result.bands)}
