"""The scene engine: every tile of a georeferenced scene through a network, the reading done
ahead of the network and the writing behind it (:mod:`mmcanet_core.engine.pipeline` runs the
stages).

1. **Read** (reader thread, its own dataset handles). The scene is read in horizontal strips,
   one per row of tiles, by a :class:`StripBuffer`: every scene row is read (through the warper
   when the SAR lies on another grid) and normalised once, although tiles overlap; rows and
   columns beyond the scene are filled by reflection. Tiles are cut from the strip in memory and
   stacked, in the plan's order, into batches of ``batch_size`` (:class:`Batch`). Invalid pixels
   are filled with the tile's band means; tiles without a valid pixel skip the network.
   A scene wider than :data:`~mmcanet_core.engine.tiling.PANEL_WIDTH` is run in vertical
   column panels (``Plan.panels``), one after the other, so that memory is bounded by a panel's
   width whatever the scene's aspect ratio: a panel runs every tile of the plan that reaches its
   columns (a tile across a panel edge runs in both), its strips hold the real scene columns
   beyond its edges (reflection only at the scene's own edges), and the writer blends and writes
   only its columns: the output is the same as in one panel (bit for bit at one tile per
   batch, docs/inference.md).
2. **Network** (calling thread): ``backend.predict(sar, optical)``, see
   :mod:`mmcanet_core.backends.base`.
3. **Write** (writer thread, its own dataset handles). Predictions are blended one row of tiles
   at a time (:class:`~mmcanet_core.engine.tiling.StripBlender`); the rows that row finishes go
   through
   the optional row step, are converted to each output's type and written in whole blocks
   (:class:`~mmcanet_core.engine.raster.RowWriter`), GDAL compressing blocks in its own threads.
   Outputs are written as named part files and renamed together on success only
   (:mod:`mmcanet_core.safety.partfiles`).

Steps that run beside the network (the cloud mask and compositing use them,
:mod:`mmcanet_core.clouds.masking`):

* ``Scene.source_bands``: optical bands as stored (the file's own dtype; see
  :func:`mmcanet_core.engine.raster.optical_as_float` for NaN = invalid), carried in every strip as
  the
  ``"source"`` layer (e.g. the network's bands, kept bit for bit, and the mask's bands).
* ``Scene.context``: strips reach ``context`` px beyond their row of tiles on every side.
  ``Strip.columns`` are the scene columns the strip's tiles reach: a strip step computes its
  layers there.
* ``strip_step(strip)``: runs in the reader thread on each new :class:`Strip`; it may add layers
  (say, a cloud mask computed with the strip's context) to ``strip.layers``. A strip step that is
  a context manager is entered and left in the reader thread (to open its own datasets there).
  A ``"needed"`` layer ((h, w) bool: where the network's output will be used) lets tiles without
  a needed pixel skip the network; their pixels then come out of the blend as NaN.
* ``row_step(top, values, source) -> values``: runs in the writer thread on the finished rows
  ``top:top + n``. ``values`` maps output names to arrays ``(k, n, width)`` (``"restored"``: the
  blended network output in the optical raster's own scale (``Scene.scale``), float, NaN =
  invalid); ``source`` holds the strip's
  ``row_layers`` cut to the same rows and the scene's columns. It returns one array per
  :class:`Output` name (e.g. the composite as ``"restored"`` plus a ``"mask"`` written to a
  second raster), float DN or already in the output's dtype (then written as it is).
* ``uncertainty=True`` (``run_scene``): the network also returns its per-pixel Laplace scale
  (``backend.predict(..., uncertainty=True)``), carried through the blend as one more channel
  and handed to the row step as ``values["uncertainty"]`` ((1, n, W) float32 in [0, 1] units of
  the network's optical input, NaN = invalid); a row step turns it into its output
  (:mod:`mmcanet_core.clouds.uncertainty`).
"""

from contextlib import ExitStack
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, Dict, Iterator, List, Optional, Sequence, Tuple

import numpy as np
import rasterio
from rasterio.windows import Window

from mmcanet_core.engine import raster
from mmcanet_core.engine.pipeline import run_pipeline
from mmcanet_core.engine.tiling import StripBlender, Tile
from mmcanet_core.preprocess import normalize_optical, normalize_sar
from mmcanet_core.safety.checks import sar_fill
from mmcanet_core.safety.guards import FULL_BYTES, check_written
from mmcanet_core.safety.optical_scale import OpticalScale
from mmcanet_core.safety.partfiles import partial_outputs

Layers = Dict[str, np.ndarray]  # name -> (..., rows, cols)
RowStep = Callable[[int, Layers, Layers], Layers]


@dataclass(frozen=True)
class Scene:
    """What the reader reads and how it prepares it for the network."""

    optical_path: str
    sar_path: str
    height: int
    width: int
    bands: Tuple[int, ...]  # 1-based optical bands fed to the network, in its order
    sar_scale: str  # "db" or "linear"
    sar_clips: Tuple[Tuple[float, float], ...]  # dB clip per SAR band
    optical_clip: Tuple[float, float]  # DN clip
    source_bands: Tuple[int, ...] = ()  # 1-based bands carried as stored: the "source" layer
    context: int = 0  # px read beyond each row of tiles, for strip steps
    scale: Optional[OpticalScale] = None  # optical values <-> network DN (None: DN as stored)

    def to_dn(self, values: np.ndarray) -> np.ndarray:
        """Optical values as stored (float, NaN = invalid) -> network DN."""
        return values if self.scale is None else self.scale.to_dn(values)

    def from_dn(self, dn: np.ndarray) -> np.ndarray:
        """Network DN -> the optical raster's own scale."""
        return dn if self.scale is None else self.scale.from_dn(dn)


@dataclass
class Counts:
    """Valid pixels the reader saw over the scene (each scene row counted once)."""

    optical: int = 0  # valid in the optical bands fed to the network
    sar: int = 0  # valid in both SAR bands (nodata, NaN and GRD's 0-in-both fill excluded)
    both: int = 0  # valid in both inputs: the pixels the network restores


@dataclass(frozen=True)
class Panel:
    """Scene columns ``left:right`` (a vertical column panel) and the tiles of each row of
    tiles that reach them; tiles across its edges also run in the next panel."""

    left: int
    right: int
    rows: List[List[Tile]]

    @property
    def reach(self) -> Tuple[int, int]:
        """Columns ``(first, end)`` its tiles cover (beyond the scene at its edges)."""
        return self.rows[0][0].col, max(t.col + t.width for t in self.rows[0])

    def owns(self, tile: Tile) -> bool:
        """Whether the tile starts (within the scene) in this panel: counted here only."""
        return self.left <= max(tile.col, 0) < self.right


@dataclass(frozen=True)
class Plan:
    """The tiles, grouped by row of tiles (:func:`mmcanet_core.engine.tiling.plan_tile_rows`),
    and the column panels they run in (:func:`mmcanet_core.engine.tiling.column_panels`;
    empty: the whole width at once)."""

    rows: List[List[Tile]]
    tile: int
    overlap: int
    margin: int  # px of reflected scene beyond each edge
    batch_size: int
    panels: Tuple[Tuple[int, int], ...] = ()  # scene columns (left, right) of each panel

    @property
    def total(self) -> int:
        return sum(len(row) for row in self.rows)

    def column_panels(self, width: int) -> List[Panel]:
        """The panels of a ``width`` px wide scene, with their tiles."""
        return [Panel(left, right, [[t for t in row if max(t.col, 0) < right
                                     and min(t.col + t.width, width) > left]
                                    for row in self.rows])
                for left, right in self.panels or ((0, width),)]

    def finished_rows(self, r: int, height: int) -> Tuple[int, int]:
        """Scene rows ``(top, bottom)`` that are final once row of tiles ``r`` is blended: from
        where the previous row's end to where the next row of tiles starts."""
        def start(i: int) -> int:
            return min(max(self.rows[i][0].row, 0), height)

        return (0 if r == 0 else start(r),
                height if r + 1 == len(self.rows) else start(r + 1))


@dataclass(frozen=True)
class Output:
    """One raster the writer produces on the optical grid."""

    name: str  # key of its rows in the row step's result ("restored": the network's)
    path: str
    profile: dict  # rasterio profile (see raster.output_profile)
    descriptions: Sequence[str] = ()
    tags: Dict[str, str] = field(default_factory=dict)
    colormap: Optional[Dict[int, Tuple[int, ...]]] = None  # band 1's colour table (classes)


@dataclass
class Strip:
    """Prepared scene rows ``top:top + h`` and columns ``left:left + w`` as named layers
    ``(..., h, w)`` (``"sar"``, ``"optical"``: network inputs in [0, 1], NaN = invalid; ``"valid"``;
    ``"source"``, as stored, if asked). Parts beyond the scene are reflections of it.
    ``columns``: the scene columns ``(first, end)`` its tiles reach, where strip steps work."""

    top: int
    left: int
    layers: Layers
    columns: Tuple[int, int] = (0, 0)

    def chunks(self, size: int) -> List[Tuple[int, int]]:
        """``(first, end)`` pieces of :attr:`columns`, cut at the scene's multiples of ``size``
        (the same pieces in every column panel)."""
        first, end = self.columns
        return [(max(col, first), min(col + size, end))
                for col in range(first - first % size, end, size)]

    def window(self, row0: int, row1: int, col0: int, col1: int) -> Layers:
        """Views of scene rows ``row0:row1``, columns ``col0:col1``."""
        rows = slice(row0 - self.top, row1 - self.top)
        cols = slice(col0 - self.left, col1 - self.left)
        return {name: layer[..., rows, cols] for name, layer in self.layers.items()}


@dataclass
class Batch:
    """Tiles for one network call and what the writer needs to place them."""

    panel: Panel  # the column panel the tiles run in
    tiles: List[Tuple[int, Tile]]  # (row of tiles, tile), in plan order
    valid: List[np.ndarray]  # per tile: (h, w) bool of its in-scene part
    run: List[int]  # indices of the tiles that go through the network
    sar: np.ndarray  # (len(run), 2, T, T) in [0, 1], invalid pixels filled
    optical: np.ndarray  # (len(run), C, T, T)
    rows: Dict[int, Layers] = field(default_factory=dict)  # row of tiles -> its finished rows


class StripBuffer:
    """Scene rows read and prepared once, top to bottom; strips of them with reflection.

    ``read(window)`` prepares a window of scene rows as named layers ``(..., h, w)``; it is
    called on at most ``chunk`` rows at a time, so its temporaries stay small. Strips hold
    scene columns ``columns = (left, right)`` (columns beyond the scene are reflections of it,
    columns inside it are read); their :attr:`Strip.columns` are the in-scene part of those
    less ``context`` each side (what strip steps work on, with that context). They live in
    one buffer of ``capacity`` rows (the tallest strip), reused for every strip: a strip's
    layers are views that the next call to :meth:`strip` overwrites. Strips must move down the
    scene (their first row never decreases); scene rows shared with the previous strip are
    kept, not read again.
    """

    def __init__(self, read: Callable[[Window], Layers], height: int, width: int,
                 columns: Tuple[int, int], capacity: int, chunk: int = 64, context: int = 0):
        self.read, self.height, self.width = read, height, width
        self.left, self.right = columns
        self.capacity, self.chunk, self.context = capacity, chunk, context
        self.mode = "reflect" if min(height, width) > 1 else "edge"
        self.top = 0  # scene row of buffer row 0 (negative: reflected rows above the scene)
        self.lo = self.hi = 0  # scene rows lo:hi are in the buffer
        self.rows: Layers = {}  # name -> (..., capacity, right - left)

    def strip(self, row0: int, row1: int) -> Strip:
        """Rows ``row0:row1`` (they may reach beyond the scene) of the buffer's columns."""
        lo, hi = max(row0, 0), min(row1, self.height)
        if lo < self.lo:
            raise ValueError(f"strips must move down the scene: row {lo} is above row {self.lo}")
        keep = max(0, min(self.hi, hi) - lo)  # scene rows lo:lo + keep are buffered already
        for layer in self.rows.values():  # move them to their place in the new strip
            layer[..., lo - row0:lo - row0 + keep, :] = layer[..., lo - self.top:
                                                              lo - self.top + keep, :]
        self.top, self.lo, self.hi = row0, lo, hi
        for start in range(lo + keep, hi, self.chunk):
            self._fill(start, min(start + self.chunk, hi))
        # Rows beyond the scene: copies of the rows np.pad's reflection maps them to.
        source = np.pad(np.arange(lo, hi), (lo - row0, row1 - hi), mode=self.mode) - row0
        outside = [i for i in range(row1 - row0) if not lo <= row0 + i < hi]
        for layer in self.rows.values():
            layer[..., outside, :] = layer[..., source[outside], :]
        layers = {name: layer[..., :row1 - row0, :] for name, layer in self.rows.items()}
        return Strip(row0, self.left, layers, (max(self.left + self.context, 0),
                                               min(self.right - self.context, self.width)))

    def _fill(self, start: int, stop: int) -> None:
        """Read and prepare scene rows ``start:stop`` into the buffer, reflecting the sides."""
        rows = slice(start - self.top, stop - self.top)
        first, end = max(self.left, 0), min(self.right, self.width)
        pad = (first - self.left, self.right - end)  # reflected columns each side
        for name, new in self.read(Window(first, start, end - first, stop - start)).items():
            if name not in self.rows:
                shape = new.shape[:-2] + (self.capacity, self.right - self.left)
                self.rows[name] = np.empty(shape, dtype=new.dtype)
            self.rows[name][..., rows, :] = np.pad(
                new, ((0, 0),) * (new.ndim - 2) + ((0, 0), pad), mode=self.mode)


def run_scene(scene: Scene, plan: Plan, backend, outputs: Sequence[Output], *,
              before: Optional[Callable[[], None]] = None,
              progress: Optional[Callable[[int, int], None]] = None,
              strip_step: Optional[Callable[[Strip], None]] = None,
              row_step: Optional[RowStep] = None, row_layers: Optional[Sequence[str]] = None,
              gdal: Optional[Dict[str, str]] = None, depth: int = 2,
              finish: Optional[Callable[[Counts], None]] = None,
              overwrite: bool = False, uncertainty: bool = False) -> int:
    """Run the tiles of ``plan`` through ``backend`` and write ``outputs`` (module docstring);
    return how many tiles went through the network.

    ``before()`` runs in the calling thread before each batch (raise to cancel), ``progress(done,
    total)`` after it. ``row_layers``: the strip layers the row step reads (default: all).
    ``gdal``: GDAL configuration options each stage thread sets for itself (rasterio keeps
    options thread-local outside the main thread, e.g. in a QGIS task). ``finish(counts)`` runs
    once every output is written, before they are renamed into place (raise to refuse them).
    ``uncertainty``: also blend the network's scale (module docstring).
    Outputs are written as part files (:func:`mmcanet_core.safety.partfiles.partial_outputs`): on
    any error, interruption or termination signal no output is left behind; each is checked
    whole on the disk (:func:`mmcanet_core.safety.guards.check_written`) before it takes its
    name, and an existing file of that name is replaced only with ``overwrite``.
    """
    done = ran = 0
    counts = Counts()
    gdal = dict(gdal or {})
    keep = None if row_step is None else tuple(row_layers) if row_layers is not None else ()

    def after(batch: Batch, _) -> None:  # a tile across a panel edge counts in its first
        nonlocal done, ran
        done += sum(batch.panel.owns(t) for _, t in batch.tiles)
        ran += sum(batch.panel.owns(batch.tiles[i][1]) for i in batch.run)
        if progress is not None:
            progress(done, plan.total)

    def compute(batch: Batch):
        restored = _network(backend, batch, uncertainty) if batch.run else None
        batch.sar = batch.optical = None  # the writer needs neither
        return batch, restored

    def read() -> Iterator[Batch]:
        with rasterio.Env(**gdal):
            yield from _read_batches(scene, plan, backend.host_array, strip_step, keep, counts)

    def write(results) -> None:
        with rasterio.Env(**gdal):
            _write_results(results, scene, plan, outputs, temporary, row_step, uncertainty)

    def verify(part, index: int) -> None:
        check_written(part, outputs[index].profile)

    with partial_outputs([o.path for o in outputs], _largest_write(outputs),
                         overwrite=overwrite, verify=verify) as temporary:
        run_pipeline(read, compute, write, depth=depth,
                     before=(lambda _: before()) if before else None, after=after)
        if finish is not None:
            finish(counts)
    return ran


def _network(backend, batch: Batch, uncertainty: bool) -> np.ndarray:
    """The batch through the network: (N, C, T, T), or (N, C + 1, T, T) with the scale last."""
    if not uncertainty:
        return backend.predict(batch.sar, batch.optical)
    restored, scale = backend.predict(batch.sar, batch.optical, uncertainty=True)
    return np.concatenate([restored, scale], axis=1)


def _largest_write(outputs: Sequence[Output]) -> int:
    """Bytes of the writers' block rows together (a failed write with less free space than this
    counts as a full disk), at least :data:`~mmcanet_core.safety.guards.FULL_BYTES`."""
    rows = sum(o.profile["width"] * o.profile["blockysize"] * o.profile["count"]
               * np.dtype(o.profile["dtype"]).itemsize for o in outputs)
    return max(FULL_BYTES, rows)


# --- reader thread --------------------------------------------------------------------------


def _read_batches(scene: Scene, plan: Plan, host_array, strip_step,
                  keep: Optional[Tuple[str, ...]], counts: Counts) -> Iterator[Batch]:
    """Batches of prepared tiles, in plan order; opens (and closes) its own dataset handles.

    ``keep``: the layers the writer's row step reads (``()``: all; ``None``: no row step);
    ``counts``: the valid pixels read, added up here."""
    with ExitStack() as stack:
        optical = stack.enter_context(rasterio.open(scene.optical_path))
        sar = stack.enter_context(rasterio.open(scene.sar_path))
        grid = raster.sar_reader(sar, optical)
        if grid is not sar:
            stack.enter_context(grid)
        if hasattr(strip_step, "__enter__"):  # opens its own datasets in this thread
            stack.enter_context(strip_step)

        def prepare(panel: Panel, window: Window) -> Layers:
            sar = raster.read_float(grid, window, (1, 2))  # (2, h, w)
            sar[:, sar_fill(sar)] = np.nan  # 0 in both bands: GRD's no-data fill
            sar_db = raster.sar_to_db(sar, scene.sar_scale)
            dn = scene.to_dn(raster.read_optical(optical, window, scene.bands))
            layers = {
                "sar": normalize_sar(sar_db, scene.sar_clips, out=sar_db),  # (2, h, w)
                "optical": normalize_optical(dn, scene.optical_clip, out=dn),  # (C, h, w)
            }
            sar_valid = np.isfinite(layers["sar"]).all(axis=0)  # (h, w)
            optical_valid = np.isfinite(layers["optical"]).all(axis=0)
            layers["valid"] = sar_valid & optical_valid
            own = slice(panel.left - window.col_off, panel.right - window.col_off)
            counts.sar += int(sar_valid[:, own].sum())  # the panel's own columns
            counts.optical += int(optical_valid[:, own].sum())
            counts.both += int(layers["valid"][:, own].sum())
            if scene.source_bands:  # as stored: (S, h, w) of the file's dtype
                layers["source"] = optical.read(list(scene.source_bands), window=window)
            return layers

        for panel in plan.column_panels(scene.width):
            yield from _panel_batches(scene, plan, panel, partial(prepare, panel), host_array,
                                      strip_step, keep)


def _panel_batches(scene: Scene, plan: Plan, panel: Panel, prepare: Callable[[Window], Layers],
                   host_array, strip_step, keep: Optional[Tuple[str, ...]]) -> Iterator[Batch]:
    """The batches of one column panel (the last one may be short)."""
    first, end = panel.reach
    buffer = StripBuffer(prepare, scene.height, scene.width,
                         (first - scene.context, end + scene.context),
                         plan.rows[0][0].height + 2 * scene.context, context=scene.context)
    batch = _BatchMaker(scene, plan, host_array, panel)
    for r, row in enumerate(panel.rows):
        strip = buffer.strip(row[0].row - scene.context,
                             row[0].row + row[0].height + scene.context)
        if strip_step is not None:
            strip_step(strip)
        for t in row:
            batch.add(r, t, strip)  # copies the tile: the buffer moves on with the next row
            if keep is not None and t is row[-1]:  # the row step runs later, in the writer
                batch.rows[r] = _finished_layers(strip, plan, r, scene, panel, keep)
            if len(batch.tiles) == plan.batch_size:
                yield batch.finish()
    if batch.tiles:
        yield batch.finish()


def _finished_layers(strip: Strip, plan: Plan, r: int, scene: Scene, panel: Panel,
                     names: Tuple[str, ...]) -> Layers:
    """Copies of ``names`` (all if empty) of the scene rows that row of tiles ``r`` finishes,
    in the panel's columns."""
    top, bottom = plan.finished_rows(r, scene.height)
    cut = strip.window(top, bottom, panel.left, panel.right)
    return {name: layer.copy() for name, layer in cut.items() if not names or name in names}


class _BatchMaker:
    """Collects tiles cut from strips into the next :class:`Batch`."""

    def __init__(self, scene: Scene, plan: Plan, host_array, panel: Panel):
        self.scene, self.plan, self.host_array, self.panel = scene, plan, host_array, panel
        self._start()

    def _start(self) -> None:
        self.tiles, self.valid, self.run, self.rows = [], [], [], {}
        self.sar = self.optical = None  # (batch_size, k, T, T), made for the first tile run

    def add(self, r: int, t: Tile, strip: Strip) -> None:
        cut = strip.window(t.row, t.row + t.height, t.col, t.col + t.width)
        row0, row1, col0, col1 = t.inside(self.scene.height, self.scene.width)
        inner = (slice(row0 - t.row, row1 - t.row), slice(col0 - t.col, col1 - t.col))
        needed = cut["needed"][inner].any() if "needed" in cut else True
        valid = cut["valid"][inner].copy() if needed else np.zeros((row1 - row0, col1 - col0),
                                                                      dtype=bool)
        self.valid.append(valid)  # an unneeded tile adds nothing to the blend
        if needed and cut["valid"].any():  # else the network is skipped
            sar, optical = (_pad(_fill(cut[k], cut["valid"]), self.plan.tile)
                            for k in ("sar", "optical"))
            if self.sar is None:
                self.sar = self.host_array((self.plan.batch_size,) + sar.shape)
                self.optical = self.host_array((self.plan.batch_size,) + optical.shape)
            self.sar[len(self.run)], self.optical[len(self.run)] = sar, optical
            self.run.append(len(self.tiles))
        self.tiles.append((r, t))

    def finish(self) -> Batch:
        n = len(self.run)
        empty = np.empty((0,), np.float32)
        batch = Batch(self.panel, self.tiles, self.valid, self.run,
                      empty if self.sar is None else self.sar[:n],
                      empty if self.optical is None else self.optical[:n], self.rows)
        self._start()
        return batch


def _fill(data: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """(C, h, w) with invalid pixels set to each band's mean over valid pixels (0.5 if none)."""
    if valid.all():
        return data
    data = data.copy()
    for band in data:
        band[~valid] = band[valid].mean() if valid.any() else 0.5
    return data


def _pad(data: np.ndarray, tile: int) -> np.ndarray:
    """(C, h, w) reflect-padded at the bottom/right to (C, tile, tile) when smaller."""
    _, h, w = data.shape
    if h >= tile and w >= tile:
        return data
    mode = "reflect" if min(h, w) > 1 else "edge"
    return np.pad(data, ((0, 0), (0, max(0, tile - h)), (0, max(0, tile - w))), mode=mode)


# --- writer thread --------------------------------------------------------------------------


def _row_values(scene: Scene, rows: np.ndarray, bands: int) -> Layers:
    """Blended rows (C [+ 1], n, W) -> ``{"restored": (C, n, W) in the optical scale}`` and,
    when the scale was blended too, ``"uncertainty"``: (1, n, W) in network units."""
    values = {"restored": scene.from_dn(rows[:bands])}
    if rows.shape[0] > bands:
        values["uncertainty"] = rows[bands:]
    return values


def _write_results(results, scene: Scene, plan: Plan, outputs: Sequence[Output],
                   temporary, row_step: Optional[RowStep], uncertainty: bool = False) -> None:
    """Blend ``(batch, restored)`` results row of tiles by row of tiles and write the outputs."""
    with ExitStack() as stack:
        datasets = {}
        for output, path in zip(outputs, temporary):
            dst = stack.enter_context(rasterio.open(path, "w", **output.profile))
            for i, name in enumerate(output.descriptions, start=1):
                dst.set_band_description(i, name)
            dst.update_tags(**output.tags)
            if output.colormap:
                dst.write_colormap(1, output.colormap)
            datasets[output.name] = dst
        bands = len(scene.bands)
        channels = bands + int(uncertainty)  # the scale is blended as one more channel
        panel = None
        low, high = scene.optical_clip
        for batch, restored in results:
            if batch.panel is not panel:  # the previous panel's rows are all written
                panel = batch.panel
                width = panel.right - panel.left
                blender = StripBlender(channels, plan.rows[0][0].height, width, plan.overlap,
                                       panel.left)
                rows = _panel_writers(datasets, outputs, panel)
            if restored is not None:  # DN, in place: (N, C, T, T)
                dn = restored[:, :bands]
                np.multiply(dn, high - low, out=dn)
                dn += low
            dn = {} if restored is None else dict(zip(batch.run, restored))
            for i, (r, t) in enumerate(batch.tiles):
                row0, row1, col0, col1 = t.inside(scene.height, scene.width)
                pred = dn.get(i)
                if pred is None:  # no valid pixel: the network was skipped
                    pred = np.zeros((channels, row1 - row0, col1 - col0), dtype=np.float32)
                else:
                    pred = pred[:, row0 - t.row:row1 - t.row, col0 - t.col:col1 - t.col]
                blender.add(t, pred, batch.valid[i])
                if t is panel.rows[r][-1]:  # the panel's row of tiles is complete
                    top, bottom = plan.finished_rows(r, scene.height)
                    values = _row_values(scene, blender.finish_rows(bottom), bands)
                    if row_step is not None:
                        values = row_step(top, values, batch.rows[r])
                    for name, writer in rows.items():
                        writer.add(values[name])
                        if bottom == scene.height:
                            writer.flush()


def _panel_writers(datasets: Dict[str, object], outputs: Sequence[Output],
                   panel: Panel) -> Dict[str, "raster.RowWriter"]:
    """One row writer per output for the panel's columns."""
    return {o.name: raster.RowWriter(datasets[o.name], o.profile["dtype"], o.profile["nodata"],
                                     o.profile["blockysize"], panel.left,
                                     panel.right - panel.left) for o in outputs}
