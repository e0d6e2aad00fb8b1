"""One benchmark at a time per process: the others wait in line, with a visible place.

Timings are only worth reading when nothing else runs beside them, so the lab has a single
slot: ``BENCHMARK_QUEUE`` lines callers up in FIFO order, with a bounded length and a bounded
wait; ``benchmark_slot`` is its non-blocking form (busy -> ``LabError("err.perf_busy")`` at once).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from core import governor

# At most MAX_QUEUE runs wait behind the running one; a waiter gives up after MAX_WAIT_S. With
# a run bounded by 10 s, a full queue drains in about a minute.
MAX_QUEUE = 6
MAX_WAIT_S = 150.0
QUEUE_POLL_S = 0.5  # how often a waiter reports its place


class BenchmarkQueue(governor.FairQueue):
    """One benchmark at a time, the others waiting in first-come order.

    ``acquire`` is a context manager: it returns at once when the slot is free and nobody
    waits; otherwise the caller joins the end of the line and waits, calling
    ``on_wait(place, waited_s)`` about every ``poll_s`` seconds (place 1 = next to run).
    Raises ``LabError("err.perf_queue_full")`` when ``max_waiting`` callers already wait and
    ``LabError("err.perf_queue_timeout")`` after ``timeout`` seconds (default ``max_wait_s``);
    ``timeout=0`` never waits and raises ``LabError("err.perf_busy")``. A waiter whose
    ``on_wait`` raises (a closed browser tab stops its script that way) leaves the line, and
    those behind it move up. The slot is released when the block ends, also by an exception.
    The holder's thread may acquire again (re-entrant), so a page holding the slot can call
    the benchmarks, which acquire it themselves. Thread-safe.
    """

    def __init__(self, max_waiting: int = MAX_QUEUE, max_wait_s: float = MAX_WAIT_S, poll_s: float = QUEUE_POLL_S):
        # one slot, the governor's fair queue, this lab's own messages
        keys = {"full_key": "err.perf_queue_full", "timeout_key": "err.perf_queue_timeout", "busy_key": "err.perf_busy"}
        super().__init__(1, max_waiting=max_waiting, max_wait_s=max_wait_s, poll_s=poll_s, **keys)


BENCHMARK_QUEUE = BenchmarkQueue()


@contextmanager
def benchmark_slot() -> Iterator[None]:
    """Hold this process's single benchmark slot, or raise ``LabError("err.perf_busy")`` at once.

    The non-blocking form of ``BENCHMARK_QUEUE.acquire``: a caller that finds the slot held
    (or others waiting for it) is refused instead of waiting. Re-entrant for the holder's
    thread, so a caller holding the slot can run several benchmarks in a row.
    """
    with BENCHMARK_QUEUE.acquire(timeout=0):
        yield
