"""Every error and warning ``mmcanet_core`` raises on purpose, under one root.

Stdlib only, at the bottom of the package: any module can raise these without importing
rasterio, torch or numpy. Each message names the problem and the fix; the CLI turns any
:class:`MmcanetError` into one line on stderr and exit code 2 (:mod:`mmcanet_core.cli`).
The second bases keep ``except ValueError`` / ``except RuntimeError`` callers working.
"""

from __future__ import annotations


class MmcanetError(Exception):
    """Root of every refusal and failure this package reports on purpose."""


class InferenceError(MmcanetError, ValueError):
    """Bad input to inference, detected before any work; the message says what to fix."""


class InferenceCancelled(MmcanetError, RuntimeError):  # noqa: N818 (name fixed by CONTRACTS.md)
    """The caller cancelled inference; no output file was left behind."""


class OutputError(InferenceError):
    """The output (or preview) cannot be written as asked; the message says what to do."""


class MemoryTooSmall(InferenceError):  # noqa: N818 (reads as a sentence: raise MemoryTooSmall)
    """The requested tile / batch would not fit in the device's memory."""


class BackendError(InferenceError):
    """A backend or device that cannot be used here; the message names the fix."""


class BackendMemoryError(MmcanetError, RuntimeError):
    """The device ran out of memory for this batch: retry with fewer tiles."""


class WeightsError(MmcanetError, ValueError):
    """A weights file that cannot be used; the message names the problem and the fix."""


class WeightsWarning(UserWarning):
    """Usable weights with a flaw worth knowing (saved before payload checksums existed)."""


class ExportError(MmcanetError, RuntimeError):
    """The export failed or its result disagrees with PyTorch; nothing was written."""


class EvaluateError(MmcanetError, ValueError):
    """Bad evaluation input; the message names the problem and the fix."""


class ConfigError(MmcanetError, ValueError):
    """Bad training configuration or data; the message names the problem and the fix."""
