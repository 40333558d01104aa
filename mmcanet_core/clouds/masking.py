"""The cloud mask and compositing inside the engine: what to read, what the reader thread computes
for each strip, what the writer thread does with each strip of finished rows.

Compositing (the default) writes the input where the scene is clear (its own values, bit for bit)
and the network where the mask says cloud or shadow, feathered across the edge
(:mod:`mmcanet_core.clouds.composite`). The mask is the automatic one
(:mod:`mmcanet_core.clouds.cloudmask`:
cloud + shadow from 13 L1C bands, cloud only from B4, B3, B2) or a user's mask raster on any grid
(:mod:`mmcanet_core.clouds.usermask`).

1. **Before any work** (:func:`plan_masking`, calling thread): the options are checked, the user's
   mask opened and checked, or the automatic mask chosen for the file's bands; an optical file
   with neither raises :class:`~mmcanet_core.errors.InferenceError` naming ``--mask`` and
   ``--raw``.
2. **Reader thread** (:class:`MaskStep`, the engine's strip step): each strip carries the mask's
   bands (``"source"``) with :attr:`Masking.context` rows of context, so the classes of the
   strip's row of tiles, and the network weight there, equal those of the whole scene. It adds
   the layers ``"classes"`` (uint8), ``"weight"`` (float32, 0 = input) and ``"needed"`` (weight
   > 0: tiles without such a pixel skip the network, which changes no pixel that is written).
3. **Writer thread** (:meth:`Masking.row_step`, the engine's row step, per strip of finished
   rows): counts the cover, composites the blended network output with the input rows as
   stored, and hands the classes to the mask output.

``raw=True`` skips all of this (the raw network output, as before compositing existed) unless a
mask output is asked for; then the classes are computed and written, the network output is not
touched.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Dict, Optional, Sequence, Tuple, Union

import numpy as np
from rasterio.windows import Window

from mmcanet_core.clouds import cloudmask, composite
from mmcanet_core.clouds.cloudmask import CLEAR, CLOUD, NODATA, SHADOW, Cover, MaskPlan
from mmcanet_core.clouds.usermask import UserMask
from mmcanet_core.engine import raster
from mmcanet_core.engine.scene import Layers, Output, Strip
from mmcanet_core.errors import InferenceError
from mmcanet_core.safety.optical_scale import OpticalScale

#: The automatic mask's shadow class is composited by default (see docs/cloud_mask.md).
SHADOWS = True
#: Colours of the mask output's classes (QGIS shows them as a paletted layer).
MASK_COLOURS: Dict[int, Tuple[int, int, int, int]] = {
    CLEAR: (0, 0, 0, 0), CLOUD: (255, 255, 255, 255), SHADOW: (90, 60, 140, 255),
    NODATA: (0, 0, 0, 0),
}
MASK_CLASSES = "0 clear, 1 cloud, 2 shadow, 255 nodata"


@dataclass(frozen=True)
class MaskOptions:
    """How :func:`mmcanet_core.inference.predict_raster` treats clouds (its keyword arguments)."""

    raw: bool = False  # the raw network output everywhere, no compositing
    mask: Optional[Union[str, Path]] = None  # a user's mask raster (replaces the automatic one)
    mask_values: Union[str, Sequence[int]] = "binary"  # its cloud/shadow values or a preset
    mask_output: Optional[Union[str, Path]] = None  # write the classes here (uint8 GeoTIFF)
    dilate: int = composite.DILATE  # px of full network weight beyond the mask
    feather: int = composite.FEATHER  # px of the ramp from network to input
    shadows: bool = SHADOWS  # composite the automatic mask's shadow class too
    method: str = cloudmask.DEFAULT_METHOD  # the automatic mask's method (options.MASK_METHODS)

    def check(self) -> "MaskOptions":
        """Options with whole-pixel dilate/feather and a known mask method, or
        :class:`InferenceError`."""
        if self.method not in cloudmask.METHODS:
            raise InferenceError(f"unknown mask method {self.method!r}; choose from "
                                 f"{', '.join(cloudmask.METHODS)} (--mask-method)")
        for name in ("dilate", "feather"):
            value = getattr(self, name)
            if isinstance(value, bool) or int(value) != value or value < 0:
                raise InferenceError(
                    f"{name} {value!r} must be a whole number of pixels >= 0; e.g. --{name} "
                    f"{getattr(composite, name.upper())}."
                )
        return replace(self, dilate=int(self.dilate), feather=int(self.feather))


def model_rgb(bands: Sequence[int], metadata: dict) -> Optional[Tuple[int, ...]]:
    """The file's 1-based bands the network reads as B4, B3, B2 (the RGB mask's input), if any."""
    indices = list(metadata["optical_bands"]["indices"])  # L1C band numbers, network order
    if not all(b in indices for b in (4, 3, 2)):
        return None
    return tuple(int(bands[indices.index(b)]) for b in (4, 3, 2))


def plan_masking(options: MaskOptions, optical, bands: Sequence[int],
                 rgb: Optional[Sequence[int]], say) -> Optional["Masking"]:
    """Check everything the mask needs before any work (calling thread, ``optical`` open).

    ``bands``: the file's bands fed to the network; ``rgb``: those holding B4, B3, B2
    (:func:`model_rgb`). ``None`` when nothing is to be masked (raw output, no mask output).
    """
    options = options.check()
    if options.raw and options.mask_output is None:
        if options.mask is not None:
            say("mask_unused", path=str(options.mask))
        return None
    plan = None if options.mask is not None else _automatic_plan(options, optical, rgb, say)
    if plan is None:
        with UserMask(options.mask, optical, options.mask_values) as user:
            values, coverage, warning = user.values, user.coverage, user.warning
        say("user_mask", path=str(options.mask), values=list(values), percent=100 * coverage)
        if warning:
            say("warning", message=warning)
    if options.raw:
        say("mask_written_only")
    else:
        say("compositing", dilate=options.dilate, feather=options.feather)
    return Masking(options, plan, tuple(int(b) for b in bands), optical.nodata,
                   raster.output_nodata(optical))


def _automatic_plan(options: MaskOptions, optical, rgb, say) -> MaskPlan:
    plan = cloudmask.plan_mask(optical.count, rgb, options.method)
    if plan.kind == "rgb":
        say("mask_rgb", bands=list(plan.bands))
    elif options.shadows:
        say("mask_l1c", method=options.method)
    else:
        say("mask_l1c_no_shadow", method=options.method)
        plan = replace(plan, classify=partial(cloudmask.classify, shadows=False,
                                              method=options.method))
    return plan


@dataclass
class Masking:
    """What the engine runs for the mask: scene fields, the strip and row steps, the outputs.

    The strips carry :attr:`source_bands` as stored: the network's bands first (the
    composite's input, kept bit for bit), then the automatic mask's other bands.
    """

    options: MaskOptions
    plan: Optional[MaskPlan]  # None: the user's mask
    bands: Tuple[int, ...]  # the network's bands (the composite's input)
    optical_nodata: object  # the optical file's declared nodata (None: L1C all-zero rule)
    nodata: object  # the main output's nodata
    cover: Cover = field(default_factory=Cover)  # counted by the row step
    scale: Optional[OpticalScale] = None  # optical values -> DN for the automatic mask

    @property
    def compositing(self) -> bool:
        return not self.options.raw

    @property
    def kind(self) -> str:
        """``"l1c"``, ``"rgb"`` (automatic mask) or ``"user"``."""
        return "user" if self.plan is None else self.plan.kind

    @property
    def source_bands(self) -> Tuple[int, ...]:
        mask = () if self.plan is None else self.plan.bands
        return self.bands + tuple(b for b in mask if b not in self.bands)

    @property
    def context(self) -> int:
        """Rows of context each strip needs: the mask's margin, then the feather's."""
        margin = 0 if self.plan is None else self.plan.margin
        return margin + composite.feather_margin(self.options.dilate, self.options.feather)

    @property
    def row_layers(self) -> Tuple[str, ...]:
        """The strip layers the row step reads."""
        return ("classes", "weight", "input") if self.compositing else ("classes",)

    def strip_step(self, optical_path: str, height: int, width: int) -> "MaskStep":
        return MaskStep(self, optical_path, height, width)

    def output(self, optical) -> Optional[Output]:
        """The mask output (uint8 classes on the optical grid), if asked for."""
        if self.options.mask_output is None:
            return None
        profile = dict(raster.output_profile(optical, 1, NODATA), dtype="uint8", predictor=1)
        source = (f"user mask {self.options.mask}" if self.plan is None
                  else f"automatic ({self.plan.kind})")
        return Output("mask", str(self.options.mask_output), profile,
                      [f"cloud mask ({MASK_CLASSES})"],
                      {"MMCANET_MASK": source, "MMCANET_MASK_CLASSES": MASK_CLASSES},
                      MASK_COLOURS)

    def row_step(self, top: int, values: Layers, rows: Layers) -> Layers:
        """Writer thread, finished rows ``top:top + n``: cover, composite, mask output."""
        classes = rows["classes"]  # (n, W) uint8
        self.cover.add(classes)
        restored = values["restored"]  # (C, n, W) float, the input's scale, NaN = invalid
        if self.compositing:  # the single place where input and network meet
            restored = composite.composite(rows["input"], restored, rows["weight"], self.nodata)
        out = {"restored": restored}
        if self.options.mask_output is not None:
            out["mask"] = classes[None]  # (1, n, W)
        return out

    def report_cover(self, say) -> None:
        """The cover as an event (percent of valid pixels)."""
        c = self.cover
        valid = max(c.valid, 1)
        cloud, shadow = 100 * c.cloud / valid, 100 * c.shadow / valid
        if self.plan is None:
            say("cover_user", cloud=cloud)
        elif self.plan.kind == "l1c" and self.options.shadows:
            say("cover", cloud=cloud, shadow=shadow)
        else:
            say("cover_cloud", cloud=cloud)


class MaskStep:
    """The engine's strip step (reader thread): classes and network weight of each strip's row
    of tiles, computed in column chunks (bounded memory, same result: every window with its
    margins gives the whole scene's values). The automatic mask's chunks run in a few threads
    (NumPy and SciPy's filters release the GIL: the mask is the engine's heaviest CPU work); a
    user's mask file is read by one. A context manager: a user's mask is opened in the reader
    thread."""

    chunk = 1024  # columns per piece
    threads = min(os.cpu_count() or 1, 8)  # each holds one chunk's working set (~50 MB)

    def __init__(self, masking: Masking, optical_path: str, height: int, width: int):
        self.masking, self.optical_path = masking, optical_path
        self.height, self.width = height, width
        self.user: Optional[UserMask] = None
        plan = masking.plan
        self.mask_index = [] if plan is None else [masking.source_bands.index(b)
                                                   for b in plan.bands]

    def __enter__(self) -> "MaskStep":
        options = self.masking.options
        if self.masking.plan is None:
            import rasterio

            with rasterio.open(self.optical_path) as optical:
                self.user = UserMask(options.mask, optical, options.mask_values)
        threads = 1 if self.user is not None else self.threads  # a dataset reads in one thread
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="mmcanet-mask")
        return self

    def __exit__(self, *exc) -> None:
        self.pool.shutdown(cancel_futures=True)
        if self.user is not None:
            self.user.close()

    def __call__(self, strip: Strip) -> None:
        """Adds ``"classes"``, ``"weight"``, ``"input"`` and ``"needed"`` to ``strip.layers``
        (classes and weight on the rows of the strip's row of tiles; elsewhere nodata / 0)."""
        context = self.masking.context
        rows, cols = strip.layers["valid"].shape
        first = max(strip.top + context, 0)  # the row of tiles, within the scene
        last = min(strip.top + rows - context, self.height)
        layers = {"classes": np.full((rows, cols), NODATA, np.uint8),
                  "weight": np.zeros((rows, cols), np.float32)}
        windows = [Window(col, first, end - col, last - first)  # where the strip's tiles reach
                   for col, end in strip.chunks(self.chunk)]
        for window, (classes, weight) in zip(windows, self.pool.map(
                partial(self._window, strip), windows)):
            place = (slice(first - strip.top, last - strip.top),
                     slice(window.col_off - strip.left,
                           window.col_off - strip.left + window.width))
            layers["classes"][place], layers["weight"][place] = classes, weight
        if self.masking.compositing:
            layers["needed"] = layers["weight"] > 0
            layers["input"] = strip.layers["source"][:len(self.masking.bands)]  # a view
        strip.layers.update(layers)

    def _window(self, strip: Strip, window: Window) -> Tuple[np.ndarray, np.ndarray]:
        """(h, w) uint8 classes and float32 network weight of scene ``window``."""
        options = self.masking.options
        grown, crop = cloudmask.padded(
            window, composite.feather_margin(options.dilate, options.feather), self.height,
            self.width)
        classes = self._classes(strip, grown)
        weight = composite.feather_weight(np.isin(classes, (CLOUD, SHADOW)), options.dilate,
                                          options.feather)
        return classes[crop], weight[crop]

    def _classes(self, strip: Strip, window: Window) -> np.ndarray:
        """(h, w) uint8 classes of scene ``window`` (the strip holds its context)."""
        def cut(w: Window) -> Layers:
            return strip.window(w.row_off, w.row_off + w.height, w.col_off, w.col_off + w.width)

        if self.user is None:
            def read(w: Window) -> np.ndarray:  # the mask's bands in DN, NaN = invalid
                values = raster.optical_as_float(cut(w)["source"][self.mask_index],
                                                 self.masking.optical_nodata)
                scale = self.masking.scale
                return values if scale is None else scale.to_dn(values)

            return cloudmask.mask_window(read, window, self.height, self.width,
                                         self.masking.plan)
        valid = np.isfinite(cut(window)["optical"]).all(axis=0)  # (h, w)
        classes = np.where(self.user.read(window), CLOUD, CLEAR).astype(np.uint8)
        classes[~valid] = NODATA
        return classes
