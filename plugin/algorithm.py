"""``mmcanet:removeclouds``: the one algorithm that toolbox, batch, modeler, qgis_process and
the dock all run. It reads and checks its parameters (:class:`Settings`), then runs
``mmcanet_core.inference`` in stages that it reports as progress (:class:`Stages`).

Adding a parameter: one definition in :meth:`RemoveCloudsAlgorithm.main_parameters` or
:meth:`RemoveCloudsAlgorithm.advanced_parameters` (the "Advanced parameters" group; optional
with a default, so that saved models stay valid), one field of :class:`Settings` read in
:meth:`RemoveCloudsAlgorithm.settings`, and its keyword in :meth:`Settings.engine_options`.

The algorithm imports neither PyTorch nor onnxruntime itself: the engine opens the backend the
run needs (``BACKEND``), and :func:`deps.missing_for` first checks that its packages are there.
"""

import os
from dataclasses import dataclass
from typing import List, Optional

from qgis.core import (
    QgsApplication,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingLayerPostProcessorInterface,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterEnum,
    QgsProcessingParameterFile,
    QgsProcessingParameterMultipleLayers,
    QgsProcessingParameterNumber,
    QgsProcessingParameterRasterDestination,
    QgsProcessingParameterRasterLayer,
    QgsProcessingParameterString,
    QgsProject,
)
from qgis.PyQt.QtCore import QThread
from qgis.PyQt.QtGui import QIcon

from mmcanet_core import options

from . import deps
from .compat import ADVANCED, INTEGER, RASTER_SOURCES
from .demonstrator import (
    MODEL_CARD_URL,
    PLUGIN_URL,
    ROOT,
    TRAINING_URL,
    is_shipped,
    log_notice,
    shipped_metadata,
    shipped_weights,
)
from .engine_text import device_text, event_text
from .i18n import tr
from .inputs import RESULT_PROPERTY, guess_inputs, project_layers
from .result import (
    layer_names,
    layer_of_file,
    mask_name,
    move_above,
    result_name,
    style_like,
    style_mask,
    write_mask_style,
)

ICON = os.path.join(ROOT, "resources", "icon.svg")
#: Enum parameters' values, in option order (the engine's names: ``predict_raster`` keywords).
DEVICES, OPTICAL_SCALES, BACKENDS = options.DEVICES, options.OPTICAL_SCALES, options.BACKENDS
#: The automatic cloud mask's methods, the default first (``predict_raster``'s ``mask_method``).
MASK_METHODS = options.MASK_METHODS
#: Presets of MASK_VALUES; any other value is a list of class values.
MASK_PRESETS = tuple(options.MASK_PRESETS)
WEIGHTS_FILTER = "MMCANet weights (*.safetensors *.onnx)"


def mask_method_labels() -> List[str]:
    """MASK_METHOD's options in the order of :data:`MASK_METHODS`, each the engine's name with
    a translated description (a method without one here is shown by its name)."""
    described = {
        "parallax": tr("parallax: swir-cirrus, and only what is displaced between the "
                       "near-infrared bands is cloud (default)"),
        "swir-cirrus": tr("swir-cirrus: cloud score with bright-ground and texture vetoes and "
                          "a cirrus test"),
        "gee": tr("gee: the Google Earth Engine cloud score alone (flags bright roofs and "
                  "sand)"),
    }
    return [described.get(method, method) for method in MASK_METHODS]


def engine_error(error: Exception) -> QgsProcessingException:
    """An engine error (its message names the problem and the fix) as Processing's error."""
    return QgsProcessingException(str(error))


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
    raw: bool = False
    mask: Optional[str] = None
    mask_values: str = "binary"
    mask_output: Optional[str] = None
    mask_method: str = MASK_METHODS[0]
    optical_scale: str = "auto"
    backend: str = "auto"
    references: tuple = ()  # other dates of the same place, in the order given
    source_output: Optional[str] = None
    uncertainty_output: Optional[str] = None
    optical_name: str = ""  # the optical layer's name: the result layers are named after it

    def engine_options(self) -> dict:
        """The keyword arguments of ``mmcanet_core.inference.predict_raster``; QGIS manages
        the destination files, so they may be replaced (``overwrite``)."""
        return dict(
            weights=self.weights, optical_bands=self.bands, device=self.device, tile=self.tile,
            overlap=self.overlap, batch_size=self.batch_size, half=self.half, raw=self.raw,
            mask=self.mask, mask_values=self.mask_values, mask_output=self.mask_output,
            mask_method=self.mask_method,
            optical_scale=self.optical_scale, backend=self.backend, overwrite=True,
            references=list(self.references), source_output=self.source_output,
            uncertainty_output=self.uncertainty_output)


class Stages:
    """Progress from the first second, moved by the engine's typed events: starting, the
    weights (until the engine names the device), the rasters, the plan, the network ready, then
    the tiles (per batch, from the engine's ``progress(done, total)``), each with a text. When
    all tiles go in one batch the dock shows a busy bar instead of a bar that waits."""

    #: % at the start of each stage; the tiles fill TILES_FROM .. TILES_TO.
    READING, PLANNED, TILES_FROM, TILES_TO = 5.0, 8.0, 12.0, 98.0

    def __init__(self, feedback):
        self.feedback = feedback
        self.total = 0

    def enter(self, percent: float, text: str) -> None:
        self.feedback.setProgressText(text)
        self.feedback.setProgress(percent)

    def event(self, event) -> None:
        """The stage an engine event starts, if any."""
        if event.kind == "device":  # the model is loaded
            self.enter(self.READING, tr("Reading the rasters..."))
        elif event.kind == "planned":
            self.total = int(event.fields["tiles"])
            self.enter(self.PLANNED, tr("Preparing the network for {0} tile(s)...").format(
                self.total))
            if self.total <= int(event.fields["batch"]):  # one batch: nothing in between
                busy = getattr(self.feedback, "busy_reported", None)
                if busy is not None:
                    busy.emit()
        elif event.kind == "network":
            self.tiles(0, self.total)
        elif event.kind == "written":  # the engine's line says it: no second text
            self.feedback.setProgress(100.0)

    def tiles(self, done: int, total: int) -> None:
        self.feedback.setProgressText(tr("Removing clouds: {0}/{1} tiles").format(done, total))
        self.feedback.setProgress(self.TILES_FROM + (self.TILES_TO - self.TILES_FROM) * done
                                  / max(total, 1))


class LoadedResult(QgsProcessingLayerPostProcessorInterface):
    """What happens to a result the toolbox, batch or modeler loads: marked as this plugin's
    result (never guessed as an input), named after its input with a name no other layer has,
    placed right above its input (the mask above the result), styled like the input (the
    mask: paletted)."""

    #: Processing keeps a bare pointer: each one lives here until its layer is loaded.
    alive = set()

    def __init__(self, settings: Settings, bands, mask: bool = False):
        super().__init__()
        self.settings, self.bands, self.mask = settings, list(bands), mask
        LoadedResult.alive.add(self)

    def postProcessLayer(self, layer, context, feedback):  # noqa: N802 (QGIS's name)
        LoadedResult.alive.discard(self)
        settings, project = self.settings, context.project() or QgsProject.instance()
        layer.setCustomProperty(RESULT_PROPERTY, True)
        taken = layer_names(project, but=layer)
        naming = mask_name if self.mask else result_name
        layer.setName(naming(settings.optical_name, settings.output, taken))
        source = layer_of_file(project, settings.optical)
        if self.mask:
            style_mask(layer)
        elif source is not None and self.bands:
            style_like(layer, source, self.bands)
        for path in (settings.output, settings.optical) if self.mask else (settings.optical,):
            if move_above(project, layer, path):  # the first of these that is in the project
                return


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
    MASK = "MASK"
    MASK_VALUES = "MASK_VALUES"
    MASK_METHOD = "MASK_METHOD"
    RAW = "RAW"
    OPTICAL_SCALE = "OPTICAL_SCALE"
    BACKEND = "BACKEND"
    OUTPUT = "OUTPUT"
    MASK_OUTPUT = "MASK_OUTPUT"
    REFERENCES = "REFERENCES"
    SOURCE_OUTPUT = "SOURCE_OUTPUT"
    UNCERTAINTY_OUTPUT = "UNCERTAINTY_OUTPUT"
    DEVICE_USED = "DEVICE_USED"
    BANDS_USED = "BANDS_USED"
    CLOUD_COVER = "CLOUD_COVER"
    SHADOW_COVER = "SHADOW_COVER"

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
            "<p><b>Weights</b>: a MMCANet .safetensors file (PyTorch) or its .onnx export "
            "(onnxruntime, no PyTorch needed); the checkpoint shipped with the plugin is the "
            "default when there is one.</p>"
            "<p><b>Output</b>: a GeoTIFF with every band of the optical raster, in its order "
            "(same CRS, extent and size as the optical raster, same scale as its digital "
            "numbers). The bands the weights restore (<b>Optical bands</b>) are filled in "
            "cloudy pixels; the other bands keep their input values in cloudy pixels too.</p>"
            "<p><b>Device</b>: auto uses a CUDA GPU when PyTorch sees one, else the CPU. On the "
            "CPU a large scene can take a long time; the image is processed in overlapping "
            "tiles (advanced parameters) and the run can be cancelled at any time.</p>"
        ) + tr(
            "<p><b>Clouds</b>: only cloudy pixels are restored. A cloud and shadow mask is "
            "computed from the optical bands, or taken from the <b>Cloud mask</b> raster (any "
            "grid, resampled nearest; e.g. a Sentinel-2 L2A SCL layer, an Fmask or s2cloudless "
            "output, or a 0/1 layer). <b>Cloud mask values</b> says which of its values mean "
            "cloud or shadow: binary (1), scl (3, 8, 9, 10), fmask (2, 4) or a list such as "
            "3,8,9,10. Clear pixels keep their input values exactly; the network fills the "
            "clouds, feathered across the edge. <b>Raw network output</b> (advanced) writes "
            "the network everywhere instead. <b>Cloud mask output</b> also saves the mask "
            "(0 clear, 1 cloud, 2 shadow, 255 nodata); the cloud and shadow cover are outputs "
            "of the algorithm and are written to the log.</p>"
            "<p><b>Optical scale</b> (advanced): auto detects the optical values' scale; dn: "
            "digital numbers (reflectance x 10000); offset: digital numbers + 1000 (products "
            "of processing baseline 04.00 and later); reflectance: 0..1. The output keeps the "
            "input's scale.</p>"
            "<p><b>Backend</b> (advanced): auto runs .onnx weights on onnxruntime and "
            ".safetensors on PyTorch when it is installed (else the .onnx copy beside them on "
            "onnxruntime); torch or onnxruntime choose one.</p>"
        ) + tr(
            "<p><b>Automatic cloud mask method</b> (advanced): parallax (the default) calls "
            "cloud only what is displaced between the near-infrared bands B8 and B8A, as "
            "clouds above the ground are, so that greenhouses, roofs and quarries stay clear; "
            "swir-cirrus keeps bright ground such as sand and bare soil clear and finds thin "
            "cirrus haze (both do); gee is the published Google Earth Engine cloud score "
            "alone, which also calls bright ground cloud. Not used with a <b>Cloud mask</b> "
            "raster.</p>"
        ) + tr(
            "<p><b>Other dates</b>: optional optical rasters of the same place on other days "
            "(same bands, any grid). Where the image is cloudy, the first of them that is clear "
            "there fills it, matched to this date's colours (a linear fit per band, local and "
            "robust, on the pixels clear in both), nearest date first when the dates are in "
            "the file names or metadata, else in the order given; the network fills only what "
            "no other date shows. <b>Source output</b> saves where each pixel came from (0 "
            "input, N other date N, 254 network, 255 nodata).</p>"
        ) + tr(
            "<p><b>Bands</b>: the output has every band of the optical raster, in its order; "
            "bands the weights do not restore (e.g. NIR and SWIR with RGB weights) keep their "
            "input values. <b>Uncertainty output</b> (weights with an uncertainty head): the "
            "expected absolute error of each restored pixel in reflectance (low = confident), "
            "0 where the input is kept.</p>"
        ) + tr(
            "<p><b>The shipped weights are a demonstrator</b>: a small network trained for less "
            "than an hour on a handful of real Sentinel-1/-2 patches (SEN12MS-CR, "
            "BigEarthNet). They show how the tool works; their results are not fit "
            "for analysis. <a href=\"{0}\">Train your own weights</a> (what the demonstrator "
            "was trained on and how well it does: <a href=\"{1}\">model card</a>).</p>"
        ).format(TRAINING_URL, MODEL_CARD_URL)

    def helpUrl(self):
        return PLUGIN_URL

    # -- parameters -------------------------------------------------------------------------
    def main_parameters(self) -> list:
        default = shipped_weights()
        return [
            QgsProcessingParameterRasterLayer(
                self.SAR, tr("SAR raster (Sentinel-1, bands VV, VH)")),
            QgsProcessingParameterRasterLayer(
                self.OPTICAL, tr("Cloudy optical raster (Sentinel-2 L1C)")),
            QgsProcessingParameterFile(
                self.WEIGHTS, tr("Model weights (.safetensors or .onnx)"),
                defaultValue=default, optional=default is not None,
                fileFilter=tr(WEIGHTS_FILTER)),
            QgsProcessingParameterString(
                self.OPTICAL_BANDS, tr("Optical bands, 1-based (empty: from the weights)"),
                defaultValue="", optional=True),
            QgsProcessingParameterEnum(
                self.DEVICE, tr("Device"), options=[tr("auto (CUDA if available)"), tr("CPU"),
                                                    tr("CUDA GPU")], defaultValue=0),
            QgsProcessingParameterRasterLayer(
                self.MASK, tr("Cloud mask (optional; empty: computed from the optical bands)"),
                optional=True),
            QgsProcessingParameterString(
                self.MASK_VALUES, tr("Cloud mask values: binary, scl, fmask or a list such as "
                                     "3,8,9,10"), defaultValue="binary", optional=True),
            QgsProcessingParameterMultipleLayers(
                self.REFERENCES, tr("Other dates of the same place (optional; clouds are filled "
                                    "from them first)"), RASTER_SOURCES, optional=True),
        ]

    def advanced_parameters(self) -> list:
        """Shown under "Advanced parameters" in the dialog. Parameters added after the first
        release are optional (with their default), so that saved models stay valid."""
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
            QgsProcessingParameterBoolean(
                self.RAW, tr("Raw network output (rewrite every pixel, also clear ones)"),
                defaultValue=False, optional=True),
            QgsProcessingParameterEnum(
                self.OPTICAL_SCALE, tr("Optical value scale"), options=[
                    tr("auto (detect from the values)"),
                    tr("dn: digital numbers, reflectance x 10000"),
                    tr("offset: digital numbers + 1000 (baseline 04.00 and later)"),
                    tr("reflectance: 0..1")], defaultValue=0, optional=True),
            QgsProcessingParameterEnum(
                self.BACKEND, tr("Backend"), options=[
                    tr("auto (.onnx: onnxruntime; else PyTorch when installed)"),
                    tr("PyTorch"), tr("onnxruntime")], defaultValue=0, optional=True),
            QgsProcessingParameterEnum(
                self.MASK_METHOD, tr("Automatic cloud mask method (not used with a cloud mask)"),
                options=mask_method_labels(), defaultValue=0, optional=True),
        ]

    def output_parameters(self) -> list:
        return [
            QgsProcessingParameterRasterDestination(self.OUTPUT, tr("Cloud-free raster")),
            QgsProcessingParameterRasterDestination(
                self.MASK_OUTPUT, tr("Cloud mask output (0 clear, 1 cloud, 2 shadow)"),
                optional=True, createByDefault=False),
            QgsProcessingParameterRasterDestination(
                self.SOURCE_OUTPUT, tr("Source output (0 input, N other date N, 254 network)"),
                optional=True, createByDefault=False),
            QgsProcessingParameterRasterDestination(
                self.UNCERTAINTY_OUTPUT,
                tr("Uncertainty output (expected error; 0 where the input is kept)"),
                optional=True, createByDefault=False),
        ]

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
        self.addOutput(QgsProcessingOutputNumber(
            self.CLOUD_COVER, tr("Cloud cover (% of valid pixels)")))
        self.addOutput(QgsProcessingOutputNumber(
            self.SHADOW_COVER, tr("Cloud shadow cover (% of valid pixels)")))
        self.guess_layers()

    def guess_layers(self) -> None:
        """In the dialog, a 2-band layer as SAR and a multi-band one as optical (instead of the
        active layer for both); only the GUI default, never a value for processing.run."""
        app = QgsApplication.instance()
        if app is None or QThread.currentThread() != app.thread():
            return
        sar, optical = guess_inputs(project_layers(), _active_layer())
        for name, layer in ((self.SAR, sar), (self.OPTICAL, optical)):
            if layer is not None:
                self.parameterDefinition(name).setGuiDefaultValueOverride(layer.id())

    def checkParameterValues(self, parameters, context):  # noqa: N802 (QGIS's name)
        """Our own words for what QGIS would only call "incorrect": weights that are a folder,
        an enum value out of range; then QGIS's checks."""
        weights = parameters.get(self.WEIGHTS)
        if isinstance(weights, str) and weights and os.path.isdir(weights):
            return False, self._folder_message(weights)
        for name, values in ((self.OPTICAL_SCALE, OPTICAL_SCALES), (self.BACKEND, BACKENDS),
                             (self.DEVICE, DEVICES), (self.MASK_METHOD, MASK_METHODS)):
            message = self._enum_message(parameters.get(name), name, values)
            if message:
                return False, message
        return super().checkParameterValues(parameters, context)

    @staticmethod
    def _folder_message(path: str) -> str:
        return tr("Model weights '{0}' is a folder, not a weights file. Choose the .safetensors "
                  "or .onnx file inside it.").format(path)

    @staticmethod
    def _enum_message(value, name: str, values) -> Optional[str]:
        """For a number or text given to an enum parameter that is no option's number: the
        options, numbered (anything else, e.g. a model's expression, is QGIS's to check)."""
        if isinstance(value, bool) or not isinstance(value, (int, str)) or value == "":
            return None
        text = str(value).strip()
        if text.isdigit() and int(text) < len(values):
            return None
        return tr("{0} '{1}' is not an option; use its number: {2}.").format(
            name, value, ", ".join(f"{number} {key}" for number, key in enumerate(values)))

    # -- reading the parameters ---------------------------------------------------------------
    def _raster_path(self, parameters, name, context) -> Optional[str]:
        layer = self.parameterAsRasterLayer(parameters, name, context)
        if layer is None and name == self.MASK:
            return None
        if layer is None or not layer.isValid():
            raise QgsProcessingException({
                self.SAR: tr("The SAR raster is missing or cannot be opened. Choose a raster "
                             "layer or a GeoTIFF file."),
                self.OPTICAL: tr("The optical raster is missing or cannot be opened. Choose a "
                                 "raster layer or a GeoTIFF file."),
                self.MASK: tr("The cloud mask cannot be opened. Choose a raster layer or a "
                              "GeoTIFF file, or leave it empty."),
            }[name])
        path = layer.source().split("|")[0]
        if layer.providerType() != "gdal" or not os.path.isfile(path):
            raise QgsProcessingException({
                self.SAR: tr("The SAR raster '{0}' is not a raster file on disk. Save it as a "
                             "GeoTIFF first (Export > Save As...)."),
                self.OPTICAL: tr("The optical raster '{0}' is not a raster file on disk. Save "
                                 "it as a GeoTIFF first (Export > Save As...)."),
                self.MASK: tr("The cloud mask '{0}' is not a raster file on disk. Save it as a "
                              "GeoTIFF first (Export > Save As...)."),
            }[name].format(layer.name()))
        return path

    def _weights(self, parameters, context) -> str:
        # Optional when a checkpoint ships: left empty (as qgis_process does), it is the default.
        weights = self.parameterAsFile(parameters, self.WEIGHTS, context) or shipped_weights()
        if weights and os.path.isdir(weights):
            raise QgsProcessingException(self._folder_message(weights))
        if not weights or not os.path.isfile(weights):
            raise QgsProcessingException(tr(
                "Model weights '{0}' not found. Choose a MMCANet weights file (.safetensors or "
                ".onnx) in the Weights parameter.").format(weights or ""))
        return weights

    def _references(self, parameters, context) -> tuple:
        """The other dates' files on disk, in the order given."""
        paths = []
        for layer in self.parameterAsLayerList(parameters, self.REFERENCES, context) or []:
            path = layer.source().split("|")[0]
            if layer.providerType() != "gdal" or not os.path.isfile(path):
                raise QgsProcessingException(tr(
                    "The other date '{0}' is not a raster file on disk. Save it as a GeoTIFF "
                    "first (Export > Save As...).").format(layer.name()))
            paths.append(path)
        return tuple(paths)

    def _outputs(self, parameters, context, reads) -> tuple:
        """(output, mask output or None, source output or None): checked before any work (no
        file this run reads, a GeoTIFF name, a writable folder); QGIS manages its destinations,
        so an existing file is replaced."""
        from mmcanet_core.safety.guards import check_output

        output = self.parameterAsOutputLayer(parameters, self.OUTPUT, context)
        mask_output = self.parameterAsOutputLayer(parameters, self.MASK_OUTPUT, context) or None
        source_output = (self.parameterAsOutputLayer(parameters, self.SOURCE_OUTPUT, context)
                         or None)
        # Batch mode asks QGIS to load an empty optional output column: nothing to load.
        if not mask_output or not source_output:
            loading = context.layersToLoadOnCompletion()
            if loading.pop("", None) is not None:
                context.setLayersToLoadOnCompletion(loading)
        for path in (output, mask_output, source_output):
            if path:
                check_output(path, reads, overwrite=True)
        return output, mask_output, source_output

    def settings(self, parameters, context) -> Settings:
        """The run's settings, or a QgsProcessingException naming the problem and the fix
        (first whether the Python packages for the chosen backend are there)."""
        backend = BACKENDS[self.parameterAsEnum(parameters, self.BACKEND, context)]
        weights = self._weights(parameters, context)
        missing = deps.missing_for(backend, weights)
        if missing:
            raise QgsProcessingException(deps.missing_message(missing))
        from mmcanet_core.errors import InferenceError
        from mmcanet_core.safety.checks import parse_bands

        sar = self._raster_path(parameters, self.SAR, context)
        optical = self._raster_path(parameters, self.OPTICAL, context)
        optical_name = self.parameterAsRasterLayer(parameters, self.OPTICAL, context).name()
        mask = self._raster_path(parameters, self.MASK, context)
        references = self._references(parameters, context)
        overlap = self.parameterAsInt(parameters, self.OVERLAP, context)
        try:
            output, mask_output, source_output = self._outputs(
                parameters, context, [p for p in (sar, optical, weights, mask, *references) if p])
            bands = parse_bands(self.parameterAsString(parameters, self.OPTICAL_BANDS, context))
        except InferenceError as error:
            raise engine_error(error) from error
        return Settings(
            sar=sar, optical=optical, weights=weights, bands=bands,
            device=DEVICES[self.parameterAsEnum(parameters, self.DEVICE, context)],
            tile=self.parameterAsInt(parameters, self.TILE, context) or None,
            overlap=None if overlap < 0 else overlap,
            batch_size=self.parameterAsInt(parameters, self.BATCH_SIZE, context) or 4,
            half=self.parameterAsBool(parameters, self.HALF, context),
            output=output, raw=self.parameterAsBool(parameters, self.RAW, context), mask=mask,
            mask_values=self.parameterAsString(parameters, self.MASK_VALUES, context).strip()
            or "binary",
            mask_output=mask_output,
            mask_method=MASK_METHODS[self.parameterAsEnum(parameters, self.MASK_METHOD, context)],
            optical_scale=OPTICAL_SCALES[self.parameterAsEnum(
                parameters, self.OPTICAL_SCALE, context)],
            backend=backend, optical_name=optical_name, references=references,
            source_output=source_output,
            uncertainty_output=self._uncertainty_output(
                parameters, context, [p for p in (sar, optical, weights, mask) if p]),
        )

    def _uncertainty_output(self, parameters, context, reads) -> Optional[str]:
        """The uncertainty output or None, checked like the others (predict_raster refuses it
        before any work when the weights have no uncertainty head)."""
        from mmcanet_core.errors import InferenceError
        from mmcanet_core.safety.guards import check_output

        path = self.parameterAsOutputLayer(parameters, self.UNCERTAINTY_OUTPUT, context) or None
        try:
            if path:
                check_output(path, reads, overwrite=True)
        except InferenceError as error:
            raise engine_error(error) from error
        return path

    # -- run --------------------------------------------------------------------------------
    def processAlgorithm(self, parameters, context, feedback):
        stages = Stages(feedback)
        stages.enter(1, tr("Starting the cloud removal..."))
        settings = self.settings(parameters, context)
        from mmcanet_core import inference

        if is_shipped(settings.weights):
            feedback.pushWarning(log_notice(shipped_metadata()))
        stages.enter(3, tr("Loading the model weights..."))
        state = {}  # the device, once the engine said it

        def on_event(event):
            if event.kind == "device":  # the model is loaded: the plugin says the device, once
                state["device"] = device_text(event.fields["device"], event.fields["reason"])
                feedback.pushInfo(tr("Device: {0}").format(state["device"]))
                report = getattr(feedback, "device_reported", None)
                if report is not None:
                    report.emit(state["device"])
            else:
                text = event_text(event)
                if event.kind == "warning":
                    feedback.pushWarning(text)
                elif text is not None:
                    feedback.pushInfo(text)
            stages.event(event)

        try:
            result = inference.predict_raster(
                settings.sar, settings.optical, settings.output, progress=stages.tiles,
                is_cancelled=feedback.isCanceled, events=on_event, **settings.engine_options())
        except inference.InferenceCancelled as error:
            raise QgsProcessingException(tr("Cancelled; no output was written.")) from error
        except inference.InferenceError as error:
            raise engine_error(error) from error
        except Exception as error:  # noqa: BLE001 - anything unexpected, with its type
            raise QgsProcessingException(tr("Cloud removal failed: {0}: {1}").format(
                type(error).__name__, error)) from error
        if feedback.isCanceled():  # cancelled after the last tile: still leave nothing behind
            for path in (settings.output, settings.mask_output, settings.source_output,
                         settings.uncertainty_output):
                for leftover in (path, f"{path}.aux.xml") if path else ():
                    if os.path.exists(leftover):
                        os.remove(leftover)
            raise QgsProcessingException(tr("Cancelled; no output was written."))
        if settings.mask_output:
            write_mask_style(settings.mask_output)
        self._loading(settings, context, result.bands)
        return self._results(settings, result, state.get("device") or result.device)

    @staticmethod
    def _loading(settings: Settings, context, bands) -> None:
        """The layers the toolbox or batch loads on completion: named, placed, styled and
        marked by :class:`LoadedResult`."""
        for path, mask in ((settings.output, False), (settings.mask_output, True)):
            if path and context.willLoadLayerOnCompletion(path):
                details = context.layerToLoadOnCompletionDetails(path)
                naming = mask_name if mask else result_name
                details.name = naming(settings.optical_name, settings.output)
                details.forceName = True
                details.setPostProcessor(LoadedResult(settings, bands, mask))

    def _results(self, settings: Settings, result, device: str) -> dict:
        """The algorithm's outputs."""
        results = {self.OUTPUT: settings.output, self.DEVICE_USED: device,
                   self.BANDS_USED: ",".join(str(band) for band in result.bands)}
        if settings.mask_output:
            results[self.MASK_OUTPUT] = settings.mask_output
        if settings.source_output:
            results[self.SOURCE_OUTPUT] = settings.source_output
        if settings.uncertainty_output:
            results[self.UNCERTAINTY_OUTPUT] = settings.uncertainty_output
        if result.cloud_cover is not None:  # the engine's log said it already
            results[self.CLOUD_COVER] = round(100.0 * result.cloud_cover, 2)
            results[self.SHADOW_COVER] = round(100.0 * (result.shadow_cover or 0.0), 2)
        return results
