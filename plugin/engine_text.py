"""The engine's log lines and device reasons, in the user's language.

``mmcanet_core`` is Qt-free and writes English. The lines QGIS shows (the algorithm log, the
dock, the MMCANet log tab) pass through :func:`engine_line`: each known template of the engine
(a regular expression with named fields) has a translated template here; a line no template
matches is shown as it is, so nothing is ever lost. To follow a new engine message, add one row
to :func:`_engine_lines` (then ``make i18n-update``, translate, ``make i18n-compile``).
"""

import re
from typing import Dict, List, Optional, Tuple

from plugin.i18n import tr

Table = List[Tuple[str, Optional[str]]]


def _engine_lines() -> Table:
    """(engine line pattern, translated template; None: not shown). Built per call so that the
    translations follow the translator installed at that time."""
    return [
        # The plugin says the device itself, once, before the model loads.
        (r"device: (?P<device>\S+) \((?P<reason>.*)\)", None),
        (r"warning: (?P<warning>.+)", tr("Warning: {warning}")),
        (r"optical values: (?P<scale>\w+) \((?P<reason>.+)\)",
         tr("Optical values: {scale} ({reason}).")),
        (r"removed (?P<path>.+), left by a run that was killed",
         tr("Removed {path}, left by a run that was killed.")),
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
        # Clouds (mmcanet_core.clouds.masking): the mask, the compositing and the cover.
        (r"raw network output: the mask (?P<path>.+) is not used",
         tr("Raw network output: the cloud mask {path} is not used.")),
        (r"user mask (?P<path>.+): values \[(?P<values>[\d, ]*)\] mean cloud or shadow; it "
         r"covers (?P<percent>\d+%) of the optical scene \(outside counts as clear\)",
         tr("Cloud mask {path}: values {values} mean cloud or shadow; it covers {percent} of "
            "the optical scene (outside counts as clear).")),
        (r"raw network output; the mask is written, not applied",
         tr("Raw network output everywhere; the cloud mask is written, not applied.")),
        (r"compositing: input where clear, network where masked, dilated (?P<dilate>\d+) px and "
         r"feathered over (?P<feather>\d+) px",
         tr("Clear pixels keep their input values; clouds are filled by the network (mask "
            "widened by {dilate} px, feathered over {feather} px).")),
        (r"automatic cloud mask: cloud only, from B4, B3, B2 \(bands \[(?P<bands>[\d, ]*)\]; "
         r"no shadow or snow test\)",
         tr("Automatic cloud mask from red, green, blue (bands {bands}): clouds only, no "
            "shadow or snow test.")),
        (r"automatic cloud mask: cloud \+ shadow from the L1C bands",
         tr("Automatic cloud and shadow mask from the L1C bands.")),
        (r"automatic cloud mask: cloud from the L1C bands \(shadows left as they are\)",
         tr("Automatic cloud mask from the L1C bands (shadows left as they are).")),
        (r"network ran on (?P<ran>\d+) of (?P<total>\d+) tiles \(the others are clear or "
         r"nodata\)",
         tr("The network ran on {ran} of {total} tiles (the others are clear or nodata).")),
        (r"cloud (?P<cloud>[\d.]+) %, shadow (?P<shadow>[\d.]+) % of valid pixels",
         tr("Cloud cover: {cloud} %, cloud shadow: {shadow} % of the valid pixels.")),
        (r"cloud (?P<cloud>[\d.]+) % of valid pixels",
         tr("Cloud cover: {cloud} % of the valid pixels.")),
        (r"user mask: (?P<cloud>[\d.]+) % of valid pixels masked",
         tr("Cloud cover (from the cloud mask): {cloud} % of the valid pixels.")),
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
