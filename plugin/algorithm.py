"""``mmcanet:removeclouds``: the one algorithm that toolbox, batch, modeler, qgis_process and
the dock all run. It checks its inputs, then hands the work to ``mmcanet_core.inference``."""

import glob
import os
from typing import List, Optional

from qgis.core import (
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
)
from qgis.PyQt.QtGui import QIcon

from . import deps
from .compat import ADVANCED, INTEGER
from .i18n import tr

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ICON = os.path.join(ROOT, "resources", "icon.svg")
CHECKPOINTS = os.path.join(ROOT, "mmcanet_core", "checkpoints")
DEVICES = ("auto", "cpu", "cuda")


def shipped_weights(folder: str = CHECKPOINTS) -> Optional[str]:
    """The checkpoint shipped with the plugin, if any (the first ``*.safetensors``, sorted)."""
    found = sorted(glob.glob(os.path.join(folder, "*.safetensors")))
    return found[0] if found else None


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
            "tiles (advanced parameters) and the run can be cancelled at any time.</p>")

    def helpUrl(self):
        return "https://github.com/mmcanet/mmcanet-qgis/blob/main/docs/plugin.md"

    # -- parameters -------------------------------------------------------------------------
    def initAlgorithm(self, config=None):
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.SAR, tr("SAR raster (Sentinel-1, bands VV, VH)")))
        self.addParameter(QgsProcessingParameterRasterLayer(
            self.OPTICAL, tr("Cloudy optical raster (Sentinel-2 L1C)")))
        default = shipped_weights()
        self.addParameter(QgsProcessingParameterFile(
            self.WEIGHTS, tr("Model weights (.safetensors)"), extension="safetensors",
            defaultValue=default, optional=default is not None))
        self.addParameter(QgsProcessingParameterString(
            self.OPTICAL_BANDS, tr("Optical bands, 1-based (empty: from the weights)"),
            defaultValue="", optional=True))
        self.addParameter(QgsProcessingParameterEnum(
            self.DEVICE, tr("Device"), options=[tr("auto (CUDA if available)"), tr("CPU"),
                                                tr("CUDA GPU")], defaultValue=0))
        advanced = [
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
        for parameter in advanced:
            parameter.setFlags(parameter.flags() | ADVANCED)
            self.addParameter(parameter)
        self.addParameter(QgsProcessingParameterRasterDestination(
            self.OUTPUT, tr("Cloud-free raster")))
        self.addOutput(QgsProcessingOutputString(self.DEVICE_USED, tr("Device used")))

    # -- run --------------------------------------------------------------------------------
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

    def processAlgorithm(self, parameters, context, feedback):
        sar = self._raster_path(parameters, self.SAR, context)
        optical = self._raster_path(parameters, self.OPTICAL, context)
        # Optional when a checkpoint ships: left empty (as qgis_process does), it is the default.
        weights = self.parameterAsFile(parameters, self.WEIGHTS, context) or shipped_weights()
        if not weights or not os.path.isfile(weights):
            raise QgsProcessingException(tr(
                "Model weights '{0}' not found. Choose a MMCANet weights file (.safetensors) in "
                "the Weights parameter.").format(weights or ""))
        bands = parse_bands(self.parameterAsString(parameters, self.OPTICAL_BANDS, context))
        device = DEVICES[self.parameterAsEnum(parameters, self.DEVICE, context)]
        tile = self.parameterAsInt(parameters, self.TILE, context) or None
        overlap = self.parameterAsInt(parameters, self.OVERLAP, context)
        overlap = None if overlap < 0 else overlap
        batch = self.parameterAsInt(parameters, self.BATCH_SIZE, context) or 4
        half = self.parameterAsBool(parameters, self.HALF, context)
        output = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        if os.path.splitext(output)[1].lower() not in (".tif", ".tiff"):
            raise QgsProcessingException(tr(
                "The output '{0}' must be a GeoTIFF (.tif).").format(output))

        missing = deps.missing_packages()
        if missing:
            raise QgsProcessingException(deps.missing_message(missing))
        from mmcanet_core import inference
        from mmcanet_core.weights import WeightsError

        try:
            torch_device, reason = inference.resolve_device(device)
        except Exception as error:  # noqa: BLE001 - e.g. CUDA requested but absent
            raise QgsProcessingException(tr("Device '{0}' cannot be used: {1}").format(
                device, error)) from error
        device_text = f"{str(torch_device).upper()} ({reason})"
        feedback.pushInfo(tr("Running on {0}").format(device_text))
        report = getattr(feedback, "device_reported", None)
        if report is not None:
            report.emit(device_text)

        def progress(done, total):
            feedback.setProgress(100.0 * done / max(total, 1))

        try:
            inference.predict_raster(
                sar, optical, output, weights=weights, optical_bands=bands,
                device=device, tile=tile, overlap=overlap, batch_size=batch,
                half=half, progress=progress, is_cancelled=feedback.isCanceled,
                log=feedback.pushInfo)
        except inference.InferenceCancelled as error:
            raise QgsProcessingException(tr("Cancelled; no output was written.")) from error
        except inference.InferenceError as error:
            raise QgsProcessingException(str(error)) from error
        except WeightsError as error:
            raise QgsProcessingException(str(error)) from error
        except Exception as error:  # noqa: BLE001 - anything unexpected, with its type
            raise QgsProcessingException(tr("Cloud removal failed: {0}: {1}").format(
                type(error).__name__, error)) from error
        if feedback.isCanceled():  # cancelled after the last tile: still leave nothing behind
            for path in (output, output + ".aux.xml"):
                if os.path.exists(path):
                    os.remove(path)
            raise QgsProcessingException(tr("Cancelled; no output was written."))
        feedback.pushInfo(tr("Restored raster written to {0}").format(output))
        return {self.OUTPUT: output, self.DEVICE_USED: device_text}

