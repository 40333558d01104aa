"""Three stages joined by bounded queues: read ahead in one thread, compute in the calling
thread, write behind in another.

:func:`run_pipeline` is the engine's only concurrency. It knows nothing of rasters or networks:

* ``produce()`` runs in the *reader* thread and returns an iterable of work items. It opens its
  own dataset handles there (GDAL handles are never shared between threads; GDAL releases the
  GIL while it reads, decompresses and warps, so this overlaps the other two stages).
* ``compute(item)`` runs in the *calling* thread: the network, and the caller's callbacks
  (``before`` and ``after``: cancel checks and progress), so a GUI caller's objects and a CUDA
  context are only ever touched from the thread that made them.
* ``consume(results)`` runs in the *writer* thread; ``results`` yields the computed items in
  order. It owns its output datasets (open, write, close all happen in that thread).

Each queue holds at most ``depth`` items, so memory is bounded and the reader is at most
``depth`` items ahead of the network. The first exception in any stage (an IO error in a worker,
an error or ``KeyboardInterrupt`` in the calling thread, a cancel raised by ``before``) stops all
three: the others finish the item in hand and exit, every thread is joined, and the exception is
re-raised in the calling thread. Nothing is left running after :func:`run_pipeline` returns or
raises.
"""

import queue
import threading
from functools import partial
from typing import Callable, Iterable, Iterator, List, Optional, TypeVar

A = TypeVar("A")
B = TypeVar("B")
#: Seconds between checks of the stop flag while a stage waits on a queue.
POLL = 0.05
_END = object()  # end-of-stream marker


class _Stopped(Exception):  # noqa: N818 - control flow, never seen by callers
    """Raised inside a stage when the run is stopping because another stage failed."""


class _Channel:
    """A bounded queue whose waits give up when the run's stop flag is set."""

    def __init__(self, depth: int, stop: threading.Event):
        self.items: queue.Queue = queue.Queue(max(1, depth))
        self.stop = stop

    def put(self, item) -> None:
        while not self.stop.is_set():
            try:
                self.items.put(item, timeout=POLL)
                return
            except queue.Full:
                pass
        raise _Stopped

    def get(self):
        while not self.stop.is_set():
            try:
                return self.items.get(timeout=POLL)
            except queue.Empty:
                pass
        raise _Stopped

    def __iter__(self) -> Iterator:
        """Items up to the end marker; :class:`_Stopped` if the run stops first."""
        while (item := self.get()) is not _END:
            yield item


def run_pipeline(
    produce: Callable[[], Iterable[A]],
    compute: Callable[[A], B],
    consume: Callable[[Iterator[B]], None],
    depth: int = 2,
    before: Optional[Callable[[A], None]] = None,
    after: Optional[Callable[[A, B], None]] = None,
) -> None:
    """Run ``produce`` -> ``compute`` -> ``consume`` as three overlapping stages (module doc).

    ``before(item)`` runs in the calling thread before each ``compute`` (it may raise, e.g. to
    cancel), ``after(item, result)`` once the result is queued for the writer.
    """
    stop = threading.Event()
    errors: List[BaseException] = []
    inbox, outbox = _Channel(depth, stop), _Channel(depth, stop)
    reader = threading.Thread(target=_guarded(partial(_read, produce, inbox), errors, stop),
                              name="mmcanet-read", daemon=True)
    writer = threading.Thread(target=_guarded(partial(_write, consume, outbox), errors, stop),
                              name="mmcanet-write", daemon=True)
    reader.start()
    writer.start()
    try:
        _compute(inbox, outbox, compute, before, after)
        writer.join()
    except _Stopped:
        pass  # a worker failed: its error is raised below
    finally:
        stop.set()
        reader.join()
        writer.join()
    if errors:
        raise errors[0]


def _guarded(body: Callable[[], None], errors: List[BaseException],
             stop: threading.Event) -> Callable[[], None]:
    """``body`` for a worker thread: its first error is kept for the caller and stops the run."""

    def run() -> None:
        try:
            body()
        except _Stopped:
            pass
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
            errors.append(exc)
            stop.set()

    return run


def _read(produce: Callable[[], Iterable], inbox: _Channel) -> None:
    """The reader stage: every produced item into ``inbox``, then the end marker."""
    items = iter(produce())
    try:
        for item in items:
            inbox.put(item)
        inbox.put(_END)
    finally:
        close = getattr(items, "close", None)  # a generator's cleanup runs in this thread
        if close is not None:
            close()


def _write(consume: Callable[[Iterator], None], outbox: _Channel) -> None:
    """The writer stage: ``consume`` takes the results, in order, up to the end marker."""
    results = iter(outbox)
    consume(results)
    if next(results, _END) is not _END:
        raise RuntimeError("the writer stage returned before the last result")


def _compute(inbox: _Channel, outbox: _Channel, compute, before, after) -> None:
    """The calling thread's stage: ``before``, ``compute``, queue the result, ``after``."""
    for item in inbox:
        if before is not None:
            before(item)
        result = compute(item)
        outbox.put(result)
        if after is not None:
            after(item, result)
    outbox.put(_END)
