"""What the measuring scripts share: rewriting their generated blocks in the docs, and reading a
raster whole.

A generated block sits between ``<!-- TOOL:NAME -->`` and ``<!-- /TOOL:NAME -->`` (or the
shorter ``<!-- /TOOL -->``) in a Markdown file; :func:`update_block` replaces what is between
them, so the tables in README.md and docs/ are always the output of the script that names them.
"""

import re
import warnings
from pathlib import Path
from typing import Optional, Sequence

import numpy as np


def update_block(path: Path, tool: str, name: str, text: str) -> None:
    """Replace the block ``tool:name`` in ``path`` with ``text``; ValueError when it is missing."""
    source = Path(path).read_text()
    pattern = re.compile(rf"(<!-- {tool}:{name} -->\n).*?(<!-- /{tool}(?::{name})? -->)", re.S)
    if not pattern.search(source):
        raise ValueError(f"{path} has no <!-- {tool}:{name} --> block")
    Path(path).write_text(pattern.sub(lambda m: m.group(1) + text.strip() + "\n" + m.group(2),
                                      source))


def read_raster(path, bands: Optional[Sequence[int]] = None) -> np.ndarray:
    """All bands (or ``bands``, 1-based) of a raster, as stored; patches without georeference
    (sen12mscr_nogeo, BigEarthNet) read without a warning."""
    import rasterio

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", rasterio.errors.NotGeoreferencedWarning)
        with rasterio.open(path) as src:
            return src.read(bands)
