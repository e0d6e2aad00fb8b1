"""A run's time budget, and the predictions that keep it: nothing starts that would not fit.

Every piece of work is predicted before it starts, and skipped if the prediction times SAFETY
does not fit in what is left. A method's first size is predicted by a probe on a few rows of A
(``predict_from_rows``: the work of all three C = A Bᵀ forms grows with the rows of A); with
one thread its predictions came within 20 % of the full call here (mm 512-4096, row loop
512-1024, k = 1024). Later sizes are extrapolated from the previous one by (n / n0)² (the work
is n² k), unless the jump is above MAX_EXTRAPOLATION, where a small size's fixed costs would
dominate. SAFETY covers cache effects between sizes; with two threads on two busy cores a call
can stall far beyond any prediction, which is why the loops stop themselves at the deadline
(``check_clock`` every ``LOOP_CHECK_ROWS`` rows).

A thread cannot be interrupted, and ``signal.alarm`` does not work outside the main thread,
where Streamlit runs scripts, so the checks happen between pieces.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from typing import Any

from core import governor
from core.performance.presets import MIN_BLOCK_S
from core.performance.timing import OutOfBudget, timed

SAFETY = 2.0
PROBE_FRACTION = 16
PROBE_MIN_S = 1e-3  # a probe call this long is far above the timer's resolution
PROBE_SHARE = 0.1  # a probe uses at most this share of the time left
LOOP_CHECK_ROWS = 16  # the Python loops read the clock once per this many rows
MAX_EXTRAPOLATION = 4.0


class Budget:
    """A deadline and the test every piece of work passes before it starts."""

    def __init__(self, seconds: float) -> None:
        self.start = time.perf_counter()
        self.deadline = self.start + seconds

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def fits(self, predicted_s: float) -> bool:
        """Whether work predicted to take ``predicted_s`` (already times SAFETY) ends in time."""
        return predicted_s <= self.left()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start


def check_clock(deadline: float | None) -> None:
    """Raise ``OutOfBudget`` once ``deadline`` (a ``time.perf_counter()`` value) has passed;
    then the governor's check (a closed tab or a rerun stops the work here)."""
    if deadline is not None and time.perf_counter() > deadline:
        raise OutOfBudget
    governor.check()


def cell_cost(call_s: float) -> float:
    """Predicted seconds of ``measure`` for a call of ``call_s``: a cold and a warm call and one
    block, which lasts at least MIN_BLOCK_S and at most one call more."""
    return SAFETY * 3 * call_s + MIN_BLOCK_S


def predict_from_rows(call_on_rows: Callable[[int], Any], n: int, sync: Callable[[], None], budget: Budget) -> float:
    """Seconds one call on all n rows should take, from calls on a few rows of A.

    The work of C = A Bᵀ grows with the rows of A, on top of a fixed cost per call (the
    launch, and on a busy machine a stall: two threads on two loaded cores made a one-row
    torch.mm take 6 ms). The probe doubles the rows from one until the time grows with them
    (doubling the rows costs at least half as much again, and a call lasts ``PROBE_MIN_S``),
    then extends the straight line through the last two points to n rows. If that never
    happens by n/PROBE_FRACTION rows, it scales the last time by the rows, which overstates
    a fixed cost at most PROBE_FRACTION times. Each point is the faster of two calls (one may
    be preempted). The probe itself is bounded: it stops with the scaled estimate once it has
    used ``PROBE_SHARE`` of the time that was left, and returns inf as soon as a call on a
    few rows (a lower bound for all n) already would not fit.
    """

    def fastest(r: int) -> float:
        call = functools.partial(call_on_rows, r)
        return min(timed(call, sync)[0], timed(call, sync)[0])

    top = max(1, -(-n // PROBE_FRACTION))
    stop = time.perf_counter() + PROBE_SHARE * max(budget.left(), 0.0)
    try:
        r, t = 1, fastest(1)
        while r < top:
            if not budget.fits(SAFETY * t):
                return math.inf
            if time.perf_counter() > stop:
                break
            r2 = min(2 * r, top)
            t2 = fastest(r2)
            if t2 >= PROBE_MIN_S and t2 >= 1.5 * t:
                return t2 + (n - r2) * (t2 - t) / (r2 - r)
            r, t = r2, t2
    except OutOfBudget:  # a probe call stopped at the deadline: nothing more fits
        return math.inf
    return t * n / r
