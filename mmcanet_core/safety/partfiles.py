"""Temporary ``.part`` files of a run: recognisable names, no leftovers, stale ones found.

The output is written under a hidden temporary name beside it (same folder, so the final rename
is atomic) and renamed into place only on success (:func:`partial_outputs`, every output of a
run together; :func:`partial_output` for one). The name says what it is and who wrote it::

    .restored.tif.mmcanet-<host>-<pid>.part.tif

:func:`partial_outputs` removes the files on any failure, on Ctrl-C, and on SIGTERM and SIGHUP too
(handlers are installed only in the main thread, only over dispositions that are not "ignore",
and restored on exit; after cleaning up, the signal is delivered again to the previous handler,
so a terminated process still ends the conventional way: killed by that signal, status 128 + N
in a shell). A run killed harder (SIGKILL, power loss) leaves its part file; its process no longer
exists, so :func:`find_stale_parts` recognises it and :func:`remove_stale_parts` removes it
(``python -m mmcanet_core clean FOLDER``). Part files of the earlier scheme
(``.restored.<pid>.part.tif``) are recognised too.
"""

import os
import re
import signal
import socket
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List, Optional, Sequence

from mmcanet_core.safety.guards import FULL_BYTES, disk_full_error

#: Signals that remove the part file before the process ends (those the platform has).
SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
PART = re.compile(r"^\.(?P<name>.+)\.mmcanet-(?P<host>[A-Za-z0-9]*)-(?P<pid>\d+)\.part\.tif$")
LEGACY_PART = re.compile(r"^\.(?P<stem>.+)\.(?P<pid>\d+)\.part\.tiff?$")


class Terminated(BaseException):  # noqa: N818 (like KeyboardInterrupt, not an error)
    """A termination signal arrived while a part file was being written."""

    def __init__(self, signum: int):
        super().__init__(f"terminated by signal {signum}")
        self.signum = signum


@dataclass(frozen=True)
class StalePart:
    """A part file left by a run whose process no longer exists."""

    path: Path
    output: str  # the output name it was written for
    pid: int


def host_tag() -> str:
    """This machine's name reduced to letters and digits (part names stay portable)."""
    return re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:24]


def part_path(output, pid: Optional[int] = None) -> Path:
    """The hidden temporary name beside ``output`` for process ``pid`` (default: this one)."""
    output = Path(output)
    pid = os.getpid() if pid is None else int(pid)
    return output.with_name(f".{output.name}.mmcanet-{host_tag()}-{pid}.part.tif")


def pid_running(pid: int) -> bool:
    """Whether a process ``pid`` exists on this machine (unknown -> True, the safe answer)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        return _windows_pid_running(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. PermissionError: it exists, owned by someone else
        return True
    return True


def find_stale_parts(folder, output=None) -> List[StalePart]:
    """Part files in ``folder`` (for ``output`` only, if given) whose writer is gone.

    Only part files written on this machine are judged (a process id means nothing elsewhere);
    those of a running process are never listed.
    """
    folder = Path(folder) if str(folder) else Path(".")
    wanted = None if output is None else Path(output).name
    found = []
    for path in sorted(folder.glob(".*.part.tif*")):
        match = PART.match(path.name)
        if match and match["host"] == host_tag():
            name, pid = match["name"], int(match["pid"])
        elif not match and LEGACY_PART.match(path.name):
            legacy = LEGACY_PART.match(path.name)
            name, pid = legacy["stem"] + Path(path.name).suffix, int(legacy["pid"])
        else:
            continue
        if wanted is not None and name != wanted:
            continue
        if pid != os.getpid() and not pid_running(pid):
            found.append(StalePart(path, name, pid))
    return found


def remove_stale_parts(folder, output=None) -> List[Path]:
    """Remove what :func:`find_stale_parts` finds (and their ``.aux.xml``); returns the paths."""
    removed = []
    for stale in find_stale_parts(folder, output):
        for path in (stale.path, Path(str(stale.path) + ".aux.xml")):
            if _remove(path):
                removed.append(path)
    return removed


@contextmanager
def partial_output(output, full_below: int = FULL_BYTES) -> Iterator[Path]:
    """Yield the part path to write; rename it to ``output`` when the block succeeds.

    :func:`partial_outputs` for one output.
    """
    with partial_outputs([output], full_below) as parts:
        yield parts[0]


@contextmanager
def partial_outputs(outputs: Sequence, full_below: int = FULL_BYTES) -> Iterator[List[Path]]:
    """Yield the part paths to write, one per output; rename them all into place when the block
    succeeds (several outputs of one run, e.g. a result and its mask, appear together).

    On any exception the part files (and their ``.aux.xml``) are removed and the exception goes
    on, except a full disk, which becomes ``OutputError("no space left on <folder> ...")``
    (``full_below``: see :func:`mmcanet_core.safety.guards.disk_full_error`). On SIGTERM/SIGHUP the
    part
    files are removed and the signal then takes its previous course. The caller must close the
    datasets it writes before the block ends.
    """
    outputs = [Path(output) for output in outputs]
    parts = [part_path(output) for output in outputs]
    previous = _install_handlers()
    try:
        yield parts
        for part, output in zip(parts, outputs):
            os.replace(part, output)
    except Terminated as stop:
        _cleanup(parts)
        _restore_handlers(previous)
        previous = {}
        _deliver_again(stop.signum)
        raise SystemExit(128 + stop.signum) from None
    except BaseException as exc:
        full = disk_full_error(exc, outputs[0].parent, full_below) if isinstance(
            exc, Exception) else None
        _cleanup(parts)
        if full is not None:
            raise full from exc
        raise
    finally:
        for part in parts:
            _remove(Path(str(part) + ".aux.xml"))
        _restore_handlers(previous)






def _raise_terminated(signum, frame):
    raise Terminated(signum)


def _install_handlers() -> dict:
    """Our handler for :data:`SIGNALS` in the main thread; returns what it replaced."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    previous = {}
    for sig in SIGNALS:
        current = signal.getsignal(sig)
        # SIG_IGN: the caller wants the signal ignored (nohup); None: a handler set outside
        # Python that could not be restored. Both are left alone.
        if current is signal.SIG_IGN or current is None:
            continue
        previous[sig] = current
        signal.signal(sig, _raise_terminated)
    return previous


def _restore_handlers(previous: dict) -> None:
    for sig, handler in previous.items():
        signal.signal(sig, handler)


def _deliver_again(signum: int) -> None:
    """Send ``signum`` to this process again, now that the previous handler is back."""
    signal.raise_signal(signum)


def _cleanup(parts: Sequence[Path]) -> None:
    for part in parts:
        _remove(part)
        _remove(Path(str(part) + ".aux.xml"))


def _remove(path: Path) -> bool:
    try:
        os.remove(path)
    except FileNotFoundError:
        return False
    return True


def _windows_pid_running(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.GetLastError() == 5  # ERROR_ACCESS_DENIED: it exists
    try:
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)
