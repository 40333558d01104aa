"""What a run reports while it works: typed events, not log text (stdlib only).

:func:`mmcanet_core.inference.predict_raster` hands each :class:`Event` to its ``events``
callback and its English :meth:`Event.text` to ``log``. Callers that need a fact (the device,
the number of tiles, the cloud cover) read the event's fields; the QGIS plugin translates an
event by its ``kind`` (one template per kind, with the same field names). Log text is for people
and may be reworded freely here; the kinds and their fields are the contract.

To report something new: add a kind to :data:`TEMPLATES`, emit ``Event(kind, fields)``, and give
the plugin's table (``plugin/engine_text.py``) a translation; a test checks that every kind has
one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional

#: kind -> English log line (``str.format`` over the event's fields).
TEMPLATES: Dict[str, str] = {
    # the network and where it runs
    "device": "device: {device} ({reason})",
    "network": "network: {description}",
    "compiled": "torch.compile: compiled in {seconds:.1f} s",
    "memory": "memory: about {needed_mib:,.0f} MiB per batch of {batch}, {available_gib:,.1f} "
              "GiB {where} free",
    "engine_memory": "memory: the scene's strips ({width} px wide, {panels} column panel(s)) "
                     "need about "
                     "{needed_mib:,.0f} MiB of RAM besides the network",
    "memory_unknown": "memory not estimated: the network does not trace on the meta device "
                      "({reason})",
    # the inputs
    "stale_removed": "removed {path}, left by a run that was killed",
    "sar_coverage": "SAR covers {percent:.0f}% of the optical scene; the rest will be nodata",
    "sar_coverage_composite": "SAR covers {percent:.0f}% of the optical scene; outside it clear "
                              "pixels are kept as they are, and so are cloud and shadow pixels "
                              "(no SAR to restore them from: they stay cloudy)",
    "bands_used": "optical bands {bands} used as {names} (from the band descriptions)",
    "sar_scale": "SAR values look like {scale_name}",
    "sar_resampled": "SAR is on another grid: resampled bilinearly onto the optical grid",
    "optical_scale": "optical values: {scale} ({reason})",
    "warning": "warning: {message}",
    "bands_kept": "output: all {count} input bands in the input's order; the network restores "
                  "bands {restored}, bands {kept} keep the input's values (these weights do not "
                  "restore them)",
    # the plan
    "planned": "{width} x {height} px, bands {bands}, {tiles} tiles of {tile} px (overlap "
               "{overlap}), batch {batch}",
    # clouds
    "mask_unused": "raw network output: the mask {path} is not used",
    "user_mask": "user mask {path}: values {values} mean cloud or shadow; it covers "
                 "{percent:.0f}% of the optical scene (outside counts as clear)",
    "mask_written_only": "raw network output; the mask is written, not applied",
    "compositing": "compositing: input where clear, network where masked, dilated {dilate} px "
                   "and feathered over {feather} px",
    "mask_rgb": "automatic cloud mask: cloud only, from B4, B3, B2 (bands {bands}; no shadow "
                "or snow test)",
    "mask_l1c": "automatic cloud mask: cloud + shadow from the L1C bands (method {method})",
    "mask_l1c_no_shadow": "automatic cloud mask: cloud from the L1C bands, method {method} "
                          "(shadows left as they are)",
    "tiles_skipped": "network ran on {ran} of {total} tiles (the others are clear or nodata)",
    "cover": "cloud {cloud:.1f} %, shadow {shadow:.1f} % of valid pixels",
    "cover_cloud": "cloud {cloud:.1f} % of valid pixels",
    "cover_user": "user mask: {cloud:.1f} % of valid pixels masked",
    # reference dates (mmcanet_core.clouds.refill)
    "references": "{count} reference(s), tried {by_text}: {order}",
    "reference_fit": "reference {path}: matched on {pixels} pixels clear in both dates ({own} "
                     "of {blocks} blocks fitted locally)",
    "reference_unused": "reference {path}: no block has enough pixels clear in both dates; "
                        "not used",
    "sources": "sources of the valid pixels: input {input:.1f} %, {references}, network "
               "{network:.1f} %",
    # the end
    "written": "wrote {paths} in {seconds:.1f} s",
}


@dataclass(frozen=True)
class Event:
    """One thing a run reports: its ``kind`` (a key of :data:`TEMPLATES`) and its fields."""

    kind: str
    fields: Dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in TEMPLATES:
            raise KeyError(f"unknown event kind {self.kind!r}; add it to events.TEMPLATES")

    def text(self) -> str:
        """The English log line."""
        return TEMPLATES[self.kind].format(**self.fields)


class Reporter:
    """Collects a run's events and hands them on: ``say(kind, **fields)``."""

    def __init__(self, log: Optional[Callable[[str], None]] = None,
                 events: Optional[Callable[[Event], None]] = None):
        self.log, self.events = log, events
        self.lines: list = []
        self.seen: list = []

    def __call__(self, kind: str, **fields: Any) -> Event:
        event = Event(kind, fields)
        self.seen.append(event)
        self.lines.append(event.text())
        if self.events is not None:
            self.events(event)
        if self.log is not None:
            self.log(event.text())
        return event
