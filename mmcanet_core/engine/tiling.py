"""Window planning and seamless blending for tiled inference.

Tiles of ``tile x tile`` pixels step by ``tile - overlap`` over the scene grown by ``margin``
pixels on every side; the last tile of a row/column is shifted back so that it ends exactly at the
grown edge. The caller fills the part of a tile outside the scene by reflection, so that the
network's own border effects fall outside the scene instead of on its edge pixels. A scene
smaller than one tile along an axis gets one window of the grown scene's size (padded further by
the caller).

Each tile's prediction is weighted by a separable raised-cosine ramp over its ``overlap`` border
pixels, so neighbouring tiles cross-fade instead of meeting at a seam. The weights never reach
zero, so a pixel covered by a single tile (scene borders) keeps its value exactly after the
weighted average.

Accumulation runs one row of tiles at a time in a :class:`StripBlender` of
``(C, tile, width)``: memory grows with tile size and width, never with scene area. Scenes wider
than :data:`PANEL_WIDTH` are processed in vertical column panels (:func:`column_panels`), so the
width is a panel's, whatever the scene's aspect ratio.
"""

from dataclasses import dataclass
from typing import Iterator, List, Optional, Tuple

import numpy as np

#: Scenes wider than this (px) run in column panels at most this wide (a full Sentinel-2 tile,
#: 10980 px, runs in one): the engine's buffers grow with the width of what it holds.
PANEL_WIDTH = 16384


@dataclass(frozen=True)
class Tile:
    """One window: rows ``row:row+height``, columns ``col:col+width``; may reach outside."""

    row: int
    col: int
    height: int
    width: int

    def inside(self, height: int, width: int) -> Tuple[int, int, int, int]:
        """``(row0, row1, col0, col1)``: the part of the tile inside a ``height x width`` scene."""
        return (max(self.row, 0), min(self.row + self.height, height),
                max(self.col, 0), min(self.col + self.width, width))


def plan_starts(size: int, tile: int, overlap: int) -> List[int]:
    """Start offsets along one axis: every ``tile - overlap``, the last one flush with the end."""
    if size <= tile:
        return [0]
    stride = tile - overlap
    starts = list(range(0, size - tile, stride))
    starts.append(size - tile)
    return starts


def plan_tile_rows(height: int, width: int, tile: int, overlap: int,
                   margin: int = 0) -> List[List[Tile]]:
    """Tiles grouped by row of tiles, top to bottom, each row left to right.

    The plan covers rows and columns ``-margin`` to ``size + margin``.
    """
    rows = [s - margin for s in plan_starts(height + 2 * margin, tile, overlap)]
    cols = [s - margin for s in plan_starts(width + 2 * margin, tile, overlap)]
    tile_h, tile_w = min(tile, height + 2 * margin), min(tile, width + 2 * margin)
    return [[Tile(r, c, tile_h, tile_w) for c in cols] for r in rows]


def column_panels(width: int, block: int, most: Optional[int] = None) -> List[Tuple[int, int]]:
    """Scene columns ``[(left, right), ...]`` of the fewest panels at most ``most`` px wide
    (default :data:`PANEL_WIDTH`), of equal width (a multiple of the output's ``block``, so
    that no block is written twice) except the last."""
    most = PANEL_WIDTH if most is None else most
    count = -(-width // max(most, block))
    each = -(-width // count)
    each = -(-each // block) * block
    return [(left, min(left + each, width)) for left in range(0, width, each)]


def ramp(length: int, overlap: int) -> np.ndarray:
    """1-D raised-cosine weight: rises over ``overlap`` pixels at both ends, 1 in between, > 0."""
    weight = np.ones(length, dtype=np.float32)
    n = min(overlap, length // 2)
    if n > 0:
        # (i + 0.5) keeps the first weight above zero: 0.5 - 0.5 cos(pi (i + 0.5) / n), i < n.
        up = 0.5 - 0.5 * np.cos(np.pi * (np.arange(n, dtype=np.float32) + 0.5) / n)
        weight[:n] = up
        weight[length - n:] = up[::-1]
    return weight


def blend_weight(height: int, width: int, overlap: int) -> np.ndarray:
    """(height, width) separable raised-cosine weight of one tile."""
    return np.outer(ramp(height, overlap), ramp(width, overlap))


class StripBlender:
    """Weighted accumulation of one row of tiles; hands back rows as soon as they are final.

    Rows ``[row_start, next_row_start)`` are final once every tile of the row starting at
    ``row_start`` has been added, because later tile rows start at or below ``next_row_start``.
    The unfinished rest carries over into the next strip. The blender holds scene columns
    ``left:left + width`` (a column panel); the parts of tiles beyond them are left out.
    """

    def __init__(self, channels: int, tile_height: int, width: int, overlap: int,
                 left: int = 0):
        self.overlap, self.left = overlap, left
        self.top = 0  # scene row of strip row 0
        self.acc = np.zeros((channels, tile_height, width), dtype=np.float32)  # (C, T, W)
        self.weight = np.zeros((tile_height, width), dtype=np.float32)  # (T, W)
        self._weights = {}  # (height, width) -> blend_weight, every tile of a plan shares a few
        self._finished = 0  # rows handed out by finish_rows, dropped at the next call

    def add(self, tile: Tile, prediction: np.ndarray, valid: np.ndarray) -> None:
        """Add the in-scene part of a tile: (C, h, w) float32 prediction (used as scratch space),
        (h, w) bool ``valid``.

        ``(h, w)`` is the shape of ``tile.inside(scene)``; the blending weight is cut the same way,
        and both to the blender's columns.
        """
        self._drop_finished()
        _, h, w = prediction.shape
        row0, start = max(tile.row, 0), max(tile.col, 0)
        col0, col1 = max(start, self.left), min(start + w, self.left + self.acc.shape[2])
        if col0 >= col1:
            return
        prediction = prediction[:, :, col0 - start:col1 - start]  # (C, h, w')
        valid, w = valid[:, col0 - start:col1 - start], col1 - col0
        top, left = row0 - tile.row, col0 - tile.col
        key = (tile.height, tile.width)
        if key not in self._weights:
            self._weights[key] = blend_weight(tile.height, tile.width, self.overlap)
        weight = self._weights[key][top:top + h, left:left + w] * valid  # (h, w)
        r = row0 - self.top
        window = (slice(r, r + h), slice(col0 - self.left, col1 - self.left))
        self.acc[(slice(None),) + window] += np.multiply(prediction, weight, out=prediction)
        self.weight[window] += weight

    def finish_rows(self, next_top: int) -> np.ndarray:
        """Rows ``[top, next_top)`` as values (C, n, W); the strip moves on.

        The values are normalised in place and returned as a view into the strip, which the
        caller may use (and overwrite) until the next :meth:`add` or :meth:`finish_rows`.
        Pixels with weight 0 (no valid input) come back as NaN.
        """
        self._drop_finished()
        n = next_top - self.top
        if not 0 < n <= self.weight.shape[0]:
            raise ValueError(f"cannot finish {n} rows of a strip of {self.weight.shape[0]}")
        values = self.acc[:, :n]
        with np.errstate(invalid="ignore", divide="ignore"):
            np.divide(values, self.weight[:n], out=values)
        self.top, self._finished = next_top, n
        return values

    def _drop_finished(self) -> None:
        """Shift the rows that carry over to the top of the strip and clear the rest."""
        n, self._finished = self._finished, 0
        if n:
            keep = self.weight.shape[0] - n
            self.acc[:, :keep] = self.acc[:, n:].copy()
            self.weight[:keep] = self.weight[n:].copy()
            self.acc[:, keep:] = 0
            self.weight[keep:] = 0


def batches(items: list, size: int) -> Iterator[list]:
    """Consecutive chunks of ``items`` of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start:start + size]
