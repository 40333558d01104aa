"""The engine's events and device reasons, in the user's language.

``mmcanet_core`` is Qt-free and reports typed events (:mod:`mmcanet_core.events`): a ``kind``
and its fields. The lines QGIS shows (the algorithm log, the dock, the MMCANet log tab) are
made here from the event: each kind has a translated template with the same field names, so
nothing is read back out of English text. A kind without a template here is shown in the
engine's English (a test checks that every kind has one). To follow a new engine event, add
one row to :func:`_event_templates` (then ``make i18n-update``, translate, ``make
i18n-compile``).
"""

import re
from typing import Any, Dict, Optional, Tuple

from .i18n import localised, tr

Table = list


def _event_templates() -> Dict[str, Any]:
    """kind -> translated template (None: not shown, the plugin says it itself; a pair
    ``(field, {value: template})`` where the wording depends on a field's value). Built per
    call so that the translations follow the translator installed at that time."""
    return {
        "device": None,  # the plugin says the device itself, once, before the model loads
        "warning": tr("Warning: {message}"),
        # worded per scale (the engine's reason is English text, not shown translated)
        "optical_scale": ("scale", {
            "dn": tr("Optical values: digital numbers (reflectance x 10000)."),
            "offset": tr("Optical values: digital numbers with the processing-baseline offset, "
                         "which is subtracted."),
            "reflectance": tr("Optical values: reflectance 0..1, scaled by 10000.")}),
        "stale_removed": tr("Removed {path}, left by a run that was killed."),
        "sar_coverage": tr("The SAR raster covers {percent:.0f} % of the optical scene; the "
                           "rest will be nodata."),
        "sar_coverage_composite": tr("The SAR raster covers {percent:.0f} % of the optical "
                                     "scene; outside it, clear pixels are kept, and so are cloud "
                                     "and shadow pixels (no SAR to restore them: they stay "
                                     "cloudy)."),
        "bands_used": tr("Optical bands {bands} used as {names} (from the band descriptions)."),
        "sar_scale": ("scale", {"db": tr("SAR values look like dB."),
                                "linear": tr("SAR values look like linear power; they are "
                                             "converted to dB.")}),
        "sar_resampled": tr("The SAR raster is on another grid: resampled bilinearly onto the "
                            "optical grid."),
        "memory": tr("Memory: about {needed_mib:.0f} MiB per batch of {batch}; {available_gib:.1f} "
                     "GiB free ({where})."),
        "engine_memory": tr("Memory: the scene's strips ({width} pixels wide, {panels} column "
                            "panel(s)) need about {needed_mib:.0f} MiB of RAM besides the "
                            "network."),
        "memory_unknown": tr("Memory not estimated: the network does not trace on the meta "
                             "device ({reason})."),
        "bands_kept": tr("The output has all {count} bands of the input: the network restores "
                         "bands {restored}; bands {kept} keep their input values (these weights "
                         "do not restore them)."),
        "planned": tr("{width} x {height} pixels, bands {bands}: {tiles} tile(s) of {tile} "
                      "pixels (overlap {overlap}), {batch} per batch."),
        "network": tr("Network: {description}."),
        "compiled": tr("torch.compile: compiled in {seconds:.1f} s."),
        "written": tr("Written in {seconds:.1f} s: {paths}"),
        "mask_unused": tr("Raw network output: the cloud mask {path} is not used."),
        "user_mask": tr("Cloud mask {path}: values {values} mean cloud or shadow; it covers "
                        "{percent:.0f} % of the optical scene (outside counts as clear)."),
        "mask_written_only": tr("Raw network output everywhere; the cloud mask is written, "
                                "not applied."),
        "compositing": tr("Clear pixels keep their input values; clouds are filled by the "
                          "network (mask widened by {dilate} px, feathered over {feather} px)."),
        "mask_rgb": tr("Automatic cloud mask from red, green, blue (bands {bands}): clouds "
                       "only, no shadow or snow test."),
        "mask_l1c": tr("Automatic cloud and shadow mask from the L1C bands (method "
                       "{method})."),
        "mask_l1c_no_shadow": tr("Automatic cloud mask from the L1C bands, method {method} "
                                 "(shadows left as they are)."),
        "tiles_skipped": tr("The network ran on {ran} of {total} tiles (the others are clear "
                            "or nodata)."),
        "cover": tr("Cloud cover: {cloud:.1f} %, cloud shadow: {shadow:.1f} % of the valid "
                    "pixels."),
        "cover_cloud": tr("Cloud cover: {cloud:.1f} % of the valid pixels."),
        "references": ("by", {
            "date": tr("{count} other date(s), tried nearest date first: {order}."),
            "given": tr("{count} other date(s), tried in the order given (a date is not in "
                        "the file name or metadata): {order}.")}),
        "reference_fit": tr("Other date {path}: matched to this date on {pixels} pixels clear "
                            "in both ({own} of {blocks} blocks fitted locally)."),
        "reference_unused": tr("Other date {path}: too few pixels clear in both dates; not "
                               "used."),
        "sources": tr("Sources of the valid pixels: input {input:.1f} %, {references}, network "
                      "{network:.1f} %."),
        "cover_user": tr("Cloud cover (from the cloud mask): {cloud:.1f} % of the valid "
                         "pixels."),
    }


def event_text(event) -> Optional[str]:
    """One engine event in the user's language (None when the plugin says it itself);
    an event kind without a template here keeps the engine's English."""
    templates = _event_templates()
    if event.kind not in templates:
        return event.text()
    template = templates[event.kind]
    if isinstance(template, tuple):  # (field, {value: template}): worded per value
        field, by_value = template
        template = by_value.get(event.fields.get(field))
        if template is None:
            return event.text()
    if template is None:
        return None
    fields = {key: ", ".join(str(v) for v in value) if isinstance(value, (list, tuple))
              else localised(value) for key, value in event.fields.items()}
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError):  # a translation with a broken field
        return event.text()


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


def device_text(device: str, reason: str) -> str:
    """``CPU (no CUDA GPU visible to PyTorch; using the CPU)``, translated."""
    return tr("{device} ({reason})").format(device=str(device).upper(),
                                            reason=translate(reason, _device_reasons()))
