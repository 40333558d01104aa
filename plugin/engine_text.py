"""The engine's log lines and device reasons, in the user's language.

``mmcanet_core`` is Qt-free and writes English. The lines QGIS shows (the algorithm log, the
dock, the MMCANet log tab) pass through :func:`engine_line`: each known template of the engine
(a regular expression with named fields) has a translated template here; a line no template
matches is shown as it is, so nothing is ever lost. To follow a new engine message, add one row
to :func:`_engine_lines` (then ``make i18n-update``, translate, ``make i18n-compile``).
"""

import re
from typing import Dict, List, Optional, Tuple

from .i18n import tr

Table = List[Tuple[str, Optional[str]]]


def _engine_lines() -> Table:
    """(engine line pattern, translated template; None: not shown). Built per call so that the
    translations follow the translator installed at that time."""
    return [
        # The plugin says the device itself, once, before the model loads.
        (r"device: (?P<device>\S+) \((?P<reason>.*)\)", None),
        (r"SAR covers (?P<percent>\d+%) of the optical scene; the rest will be nodata",
         tr("The SAR raster covers {percent} of the optical scene; the rest will be nodata.")),
        (r"SAR values look like dB", tr("SAR values look like dB.")),
        (r"SAR values look like linear power",
         tr("SAR values look like linear power; they are converted to dB.")),
        (r"SAR is on another grid: resampled bilinearly onto the optical grid",
         tr("The SAR raster is on another grid: resampled bilinearly onto the optical grid.")),
        (r"(?P<width>\d+) x (?P<height>\d+) px, bands \[(?P<bands>[\d, ]*)\], (?P<tiles>\d+) "
         r"tiles of (?P<tile>\d+) px \(overlap (?P<overlap>\d+)\), batch (?P<batch>\d+)",
         tr("{width} x {height} pixels, bands {bands}: {tiles} tile(s) of {tile} pixels "
            "(overlap {overlap}), {batch} per batch.")),
        # The device is in the line above already: keep the rest.
        (r"network: (?P<backend>.+?) on \S+, (?P<precision>.+)",
         tr("Network: {backend}, {precision}.")),
        (r"half precision: (?P<what>.+)", tr("Half precision: {what}.")),
        (r"torch\.compile: compiled in (?P<seconds>[\d.]+) s",
         tr("torch.compile: compiled in {seconds} s.")),
        (r"wrote (?P<path>.+) in (?P<seconds>[\d.]+) s", tr("Written in {seconds} s: {path}")),
    ]


def _device_reasons() -> Table:
    """The reasons ``mmcanet_core.inference.resolve_device`` gives."""
    return [
        (r"CUDA GPU found: (?P<name>.+)", tr("CUDA GPU found: {name}")),
        (r"no CUDA GPU visible to PyTorch; using the CPU",
         tr("no CUDA GPU visible to PyTorch; using the CPU")),
        (r"CPU requested", tr("CPU chosen")),
        (r"(?P<device>cuda(:\d+)?) requested: (?P<name>.+)", tr("{device} chosen: {name}")),
        (r"Apple MPS requested", tr("Apple MPS chosen")),
    ]


def parse(line: str, table: Table) -> Tuple[Optional[str], Dict[str, str]]:
    """(``line`` through the first template whose pattern matches it whole, or None for a line
    the table hides, or ``line`` itself when no pattern matches; the matched fields)."""
    text = line.strip()
    for pattern, template in table:
        match = re.fullmatch(pattern, text)
        if match:
            fields = match.groupdict()
            return (None if template is None else template.format(**fields)), fields
    return line, {}


def translate(line: str, table: Table) -> Optional[str]:
    return parse(line, table)[0]


def engine_line(line: str) -> Tuple[Optional[str], Dict[str, str]]:
    """One engine log line, translated (None when the plugin says it itself: the device), and
    its fields (``tiles``: the number of tiles, once the engine has planned them)."""
    return parse(line, _engine_lines())


def device_text(device: str, reason: str) -> str:
    """``CPU (no CUDA GPU visible to PyTorch; using the CPU)``, translated."""
    return tr("{device} ({reason})").format(device=str(device).upper(),
                                            reason=translate(reason, _device_reasons()))
