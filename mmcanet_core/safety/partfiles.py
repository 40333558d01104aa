"""Temporary ``.part`` files of a run: recognisable names, no leftovers, stale ones found.

The output is written under a hidden temporary name beside it (same folder, so the final rename
is atomic) and put into place only on success (:func:`partial_outputs`, every output of a run
together; :func:`partial_output` for one). The name says what it is and who wrote it, and only
this program makes such names (the output's own suffix keeps the format recognisable)::

    .restored.tif.mmcanet-<host>-<pid>.part.tif     .model.onnx.mmcanet-<host>-<pid>.part.onnx

Before a part file is put into place it is flushed to the disk (``fsync``: a late "disk full"
or I/O error surfaces here, not after the run reported success) and checked by the caller's
``verify`` (e.g. every block of a GeoTIFF on the disk:
:func:`mmcanet_core.safety.guards.check_written`).
The final name is then taken **without replacing** anything unless ``overwrite``: a hard link
(``os.link`` fails when the name exists), or where the file system has no hard links an
``O_EXCL`` creation of the name followed by the rename. A file that appeared under the output's
name while the run was writing (a second run, the user) is left as it is and the run fails.

:func:`partial_outputs` removes the files on any failure, on Ctrl-C, and on SIGTERM and SIGHUP too
(handlers are installed only in the main thread, only over dispositions that are not "ignore",
and restored on exit; after cleaning up, the signal is delivered again to the previous handler,
so a terminated process still ends the conventional way: killed by that signal, status 128 + N
in a shell). A run killed harder (SIGKILL, power loss) leaves its part file; its process no longer
exists, so :func:`find_stale_parts` recognises it and :func:`remove_stale_parts` removes it
(``python -m mmcanet_core clean FOLDER``). Only regular files named exactly by
:func:`part_path`, written on this machine by a process that is gone, are ever removed (with
their ``.aux.xml``): a user's ``.holiday.2019.part.tif`` or a folder named like a part file is
never touched. (The earlier, looser scheme ``.restored.<pid>.part.tif`` is no longer recognised:
a user's file can have such a name.)
"""

import errno
import os
import re
import signal
import socket
import sys
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, List, Optional, Sequence

from mmcanet_core.errors import OutputError
from mmcanet_core.safety.guards import FULL_BYTES, disk_full_error, write_error

#: Signals that remove the part file before the process ends (those the platform has).
SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
PART = re.compile(r"^\.(?P<name>.+)\.mmcanet-(?P<host>[A-Za-z0-9]*)-(?P<pid>[1-9]\d{0,9})"
                  r"\.part(?P<suffix>\.[A-Za-z0-9]{1,8})$")
#: Largest process id any supported system hands out (Linux's pid_max limit is 2**22).
PID_MAX = 2**22
#: File systems without hard links answer os.link with one of these (then O_EXCL is used).
NO_LINKS = {errno.EPERM, errno.EACCES, errno.EXDEV, errno.EMLINK, errno.ENOSYS,
            getattr(errno, "ENOTSUP", errno.EPERM), getattr(errno, "EOPNOTSUPP", errno.EPERM)}


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
    """The hidden temporary name beside ``output`` for process ``pid`` (default: this one),
    ending in the output's own suffix (``.tif`` when it has none that fits)."""
    output = Path(output)
    pid = os.getpid() if pid is None else int(pid)
    suffix = output.suffix.lower() if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", output.suffix) \
        else ".tif"
    return output.with_name(f".{output.name}.mmcanet-{host_tag()}-{pid}.part{suffix}")


def pid_running(pid: int) -> bool:
    """Whether a process ``pid`` exists on this machine (unknown -> True, the safe answer)."""
    if not 0 < pid <= PID_MAX:
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

    Only regular files named exactly like :func:`part_path` names them, written on this
    machine (a process id means nothing elsewhere) with a possible process id, are judged;
    those of a running process are never listed.
    """
    folder = Path(folder) if str(folder) else Path(".")
    wanted = None if output is None else Path(output).name
    found = []
    for path in sorted(folder.glob(".*.mmcanet-*.part.*")):
        match = PART.match(path.name)
        if not match or match["host"] != host_tag() or not _regular_file(path):
            continue
        name, pid = match["name"], int(match["pid"])
        if pid > PID_MAX or path != part_path(path.with_name(name), pid):
            continue  # no process can have that id, or not a name part_path makes
        if wanted is not None and name != wanted:
            continue
        if pid != os.getpid() and not pid_running(pid):
            found.append(StalePart(path, name, pid))
    return found


def side_files(part: Path) -> List[Path]:
    """The GDAL side file (``.aux.xml``) of a part file, if it exists (a regular file)."""
    aux = Path(str(part) + ".aux.xml")
    return [aux] if _regular_file(aux) else []


def remove_stale_parts(folder, output=None) -> List[Path]:
    """Remove what :func:`find_stale_parts` finds (and their ``.aux.xml``); returns the paths."""
    removed = []
    for stale in find_stale_parts(folder, output):
        for path in [stale.path, *side_files(stale.path)]:
            if _remove(path):
                removed.append(path)
    return removed


@contextmanager
def partial_output(output, full_below: int = FULL_BYTES, *, overwrite: bool = False,
                   verify: Optional[Callable[[Path, int], None]] = None) -> Iterator[Path]:
    """Yield the part path to write; put it into place as ``output`` when the block succeeds.

    :func:`partial_outputs` for one output.
    """
    with partial_outputs([output], full_below, overwrite=overwrite, verify=verify) as parts:
        yield parts[0]


@contextmanager
def partial_outputs(outputs: Sequence, full_below: int = FULL_BYTES, *, overwrite: bool = False,
                    verify: Optional[Callable[[Path, int], None]] = None
                    ) -> Iterator[List[Path]]:
    """Yield the part paths to write, one per output; put them all into place when the block
    succeeds (several outputs of one run, e.g. a result and its mask, appear together).

    Each part is flushed to the disk (``fsync``) and checked by ``verify(part, index)`` (raise
    :class:`~mmcanet_core.safety.guards.IncompleteWriteError` for a file that is not whole) before
    any output is put into place; an output name is taken without replacing a file unless
    ``overwrite`` (module docstring). On any exception the part files (and their ``.aux.xml``)
    are removed and the exception goes on, except a full disk, which becomes
    ``OutputError("no space left on <folder> ...")`` (``full_below``: see
    :func:`mmcanet_core.safety.guards.disk_full_error`), and any other failed write or a part
    that failed its check, which becomes an ``OutputError`` saying so
    (:func:`~mmcanet_core.safety.guards.write_error`). On SIGTERM/SIGHUP the part files are
    removed and the signal then takes its previous course. The caller must close the files it
    writes before the block ends.
    """
    outputs = [Path(output) for output in outputs]
    parts = [part_path(output) for output in outputs]
    previous = _install_handlers()
    try:
        yield parts
        for index, part in enumerate(parts):
            _flush_to_disk(part)
            if verify is not None:
                verify(part, index)
        _place(parts, outputs, overwrite)
    except Terminated as stop:
        _cleanup(parts)
        _restore_handlers(previous)
        previous = {}
        _deliver_again(stop.signum)
        raise SystemExit(128 + stop.signum) from None
    except BaseException as exc:
        names = ", ".join(output.name for output in outputs)
        failed = None
        if isinstance(exc, Exception) and not isinstance(exc, OutputError):
            failed = (disk_full_error(exc, outputs[0].parent, full_below, names)
                      or write_error(exc, names))
        _cleanup(parts)
        if failed is not None:
            raise failed from exc
        raise
    finally:
        for part in parts:
            _remove(Path(str(part) + ".aux.xml"))
        _restore_handlers(previous)


def take_name(part: Path, output: Path) -> None:
    """Give the finished ``part`` the name ``output`` only if no file has that name: a hard
    link, or (no hard links on this file system) an ``O_EXCL`` creation of the name and a
    rename over it; the part name is removed. Refuses (``OutputError``) when ``output`` exists.
    """
    try:
        os.link(part, output)
    except FileExistsError:
        raise _appeared(output) from None
    except OSError as exc:
        if exc.errno not in NO_LINKS:
            raise
        try:
            os.close(os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        except FileExistsError:
            raise _appeared(output) from None
        os.replace(part, output)
        return
    os.remove(part)


# --- helpers ------------------------------------------------------------------------------


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


def _place(parts: Sequence[Path], outputs: Sequence[Path], overwrite: bool) -> None:
    """Every part under its output's name (:func:`take_name` unless ``overwrite``); when one
    cannot be placed, the outputs placed before it in this call are taken back."""
    placed: List[Path] = []
    try:
        for part, output in zip(parts, outputs):
            if overwrite:
                os.replace(part, output)
            else:
                take_name(part, output)
            placed.append(output)
    except BaseException:
        if not overwrite:  # what this call created, and nothing else
            for output in placed:
                _remove(output)
        raise


def _appeared(output: Path) -> OutputError:
    return OutputError(
        f"output {output} appeared while this run was writing it (another run or program "
        "wrote it); it was left as it is and this run's result was discarded. Choose another "
        "name, or pass --overwrite to replace it."
    )


def _flush_to_disk(path: Path) -> None:
    """``fsync`` a written file, so that a write the system deferred fails here (ENOSPC, EIO)."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _regular_file(path: Path) -> bool:
    return path.is_file() and not path.is_symlink()


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
