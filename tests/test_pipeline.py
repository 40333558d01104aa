"""The engine's three-stage pipeline (``mmcanet_core.engine.pipeline``): order, overlap, errors,
stops.

Every run happens in a helper thread joined with a timeout, so a hang fails the test instead of
blocking the suite.
"""

import threading
import time

import pytest

from mmcanet_core.engine.pipeline import run_pipeline


def finishes(target, timeout=20.0):
    """Run ``target()`` in a thread; return ``(finished, exception or None)``."""
    outcome = {}

    def body():
        try:
            target()
        except BaseException as exc:  # noqa: BLE001 - the test inspects it
            outcome["error"] = exc

    thread = threading.Thread(target=body)
    thread.start()
    thread.join(timeout)
    return not thread.is_alive(), outcome.get("error")


def stage_threads():
    return [t.name for t in threading.enumerate() if t.name.startswith("mmcanet-")]


def test_results_arrive_in_order_and_stages_overlap():
    written, computed_in = [], set()
    spans = {"read": [], "compute": []}

    def produce():
        for i in range(12):
            start = time.perf_counter()
            time.sleep(0.01)  # "IO"
            spans["read"].append((start, time.perf_counter()))
            yield i

    def compute(i):
        computed_in.add(threading.current_thread().name)
        start = time.perf_counter()
        time.sleep(0.01)
        spans["compute"].append((start, time.perf_counter()))
        return i * i

    def consume(results):
        for r in results:
            written.append(r)

    caller = []

    def run():
        caller.append(threading.current_thread().name)
        run_pipeline(produce, compute, consume, depth=2)

    done, error = finishes(run)
    assert done and error is None
    assert written == [i * i for i in range(12)]
    assert computed_in == set(caller)  # the network runs in the caller's thread
    # Reading item k + 1 overlaps computing item k at least once.
    overlaps = sum(1 for (r0, r1) in spans["read"] for (c0, c1) in spans["compute"]
                   if r0 < c1 and c0 < r1)
    assert overlaps > 0
    assert stage_threads() == []


@pytest.mark.parametrize("where", ["produce", "compute", "consume"])
def test_an_error_in_any_stage_reaches_the_caller_and_stops_all(where):
    seen = []

    def produce():
        for i in range(1000):
            if where == "produce" and i == 5:
                raise OSError("read failed")
            yield i

    def compute(i):
        if where == "compute" and i == 5:
            raise ValueError("network failed")
        return i

    def consume(results):
        for r in results:
            if where == "consume" and r == 5:
                raise OSError("write failed")
            seen.append(r)

    done, error = finishes(lambda: run_pipeline(produce, compute, consume, depth=2))
    assert done, "the pipeline hung after an error"
    assert isinstance(error, (OSError, ValueError)) and "failed" in str(error)
    assert len(seen) < 1000  # it stopped early
    assert stage_threads() == []


def test_cancel_from_before_and_ctrl_c_stop_every_thread():
    produced = []

    def produce():
        for i in range(10_000):
            produced.append(i)
            yield i

    class CancelledError(Exception):
        pass

    def before(item):
        if item == 3:
            raise CancelledError

    done, error = finishes(lambda: run_pipeline(produce, lambda i: i, lambda rs: list(rs),
                                                depth=2, before=before))
    assert done and isinstance(error, CancelledError)
    assert len(produced) < 20  # the reader stopped instead of reading everything ahead

    def interrupt(item, _):
        if item == 2:
            raise KeyboardInterrupt

    done, error = finishes(lambda: run_pipeline(produce, lambda i: i, lambda rs: list(rs),
                                                depth=2, after=interrupt))
    assert done and isinstance(error, KeyboardInterrupt)
    assert stage_threads() == []


def test_cleanup_of_the_producer_runs_in_its_own_thread():
    closed_in = []

    def produce():
        try:
            yield from range(100)
        finally:
            closed_in.append(threading.current_thread().name)

    def compute(i):
        if i == 10:
            raise ValueError("stop")
        return i

    done, error = finishes(lambda: run_pipeline(produce, compute, lambda rs: list(rs)))
    assert done and isinstance(error, ValueError)
    assert closed_in == ["mmcanet-read"]


def test_a_writer_that_stops_early_is_an_error():
    def consume(results):
        next(results)  # takes one result, then returns

    done, error = finishes(lambda: run_pipeline(lambda: range(50), lambda i: i, consume))
    assert done and isinstance(error, RuntimeError) and "before the last result" in str(error)
