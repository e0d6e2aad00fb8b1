"""Timing one callable right: a cold call apart, a warm-up, then repeated blocks (median and IQR)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from core import governor
from core.performance.presets import MIN_BLOCK_S


@dataclass(frozen=True)
class Measurement:
    """Repeated timing of one callable.

    ``times_s`` holds the per-call time of each timed block (block time / calls per block);
    ``first_call_s`` is one ``time.time()`` around the first, cold call, as the notebook timed.
    """

    first_call_s: float
    times_s: tuple[float, ...]
    calls_per_block: int

    @property
    def median_s(self) -> float:
        return float(np.median(self.times_s))

    @property
    def q1_s(self) -> float:
        return float(np.percentile(self.times_s, 25))

    @property
    def q3_s(self) -> float:
        return float(np.percentile(self.times_s, 75))


@dataclass(frozen=True, kw_only=True)
class CheckedTiming:
    """A computation's robust time per call and how far its result is from the reference.

    ``error_ratio`` is the largest error over its tolerance (``MatmulReference.check``): the
    result is correct when it is at most 1 (NaN or inf in the result give inf).
    """

    median_s: float
    q1_s: float
    q3_s: float
    blocks: int
    max_abs_error: float
    error_ratio: float

    @classmethod
    def of(cls, m: Measurement, error: tuple[float, float], **fields: Any):
        """This result from a measurement, its check ``(max_abs_error, error_ratio)`` and ``fields``."""
        return cls(
            median_s=m.median_s,
            q1_s=m.q1_s,
            q3_s=m.q3_s,
            blocks=len(m.times_s),
            max_abs_error=error[0],
            error_ratio=error[1],
            **fields,
        )

    @property
    def iqr_s(self) -> float:
        return self.q3_s - self.q1_s

    @property
    def correct(self) -> bool:
        return self.error_ratio <= 1.0


class OutOfBudget(Exception):
    """``measure`` stopped: the time left could not hold a warm call and one timed block."""


def synchronizer(device: torch.device, synchronize: bool = True) -> Callable[[], None]:
    """The call that waits for ``device``'s queued work (a no-op on the CPU or when not asked)."""
    if synchronize and device.type == "cuda":
        return torch.cuda.synchronize
    if synchronize and device.type == "mps":
        return torch.mps.synchronize
    return lambda: None


def timed(fn: Callable[[], Any], sync: Callable[[], None]) -> tuple[float, Any]:
    """(seconds, result) of one call of ``fn``, the device synchronised around it."""
    sync()
    t0 = time.perf_counter()
    out = fn()
    sync()
    return time.perf_counter() - t0, out


def _clock_block(fn: Callable[[], Any], min_block_s: float) -> tuple[float, int]:
    """Call ``fn`` until ``min_block_s`` has passed; (seconds per call, calls)."""
    count = 0
    t0 = time.perf_counter()
    while True:
        fn()
        count += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= min_block_s:
            return elapsed / count, count


def _counted_block(fn: Callable[[], Any], sync: Callable[[], None], number: int) -> tuple[float, int]:
    """``number`` calls of ``fn`` between two synchronisations; (seconds per call, calls)."""
    sync()
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    sync()
    return (time.perf_counter() - t0) / number, number


def measure(
    fn: Callable[[], Any],
    *,
    repeats: int = 7,
    device: torch.device | str = "cpu",
    synchronize: bool = True,
    deadline: float | None = None,
    min_block_s: float = MIN_BLOCK_S,
) -> tuple[Measurement, Any]:
    """Time ``fn`` robustly; returns the measurement and the first call's result.

    The scheme of ``torch.utils.benchmark.Timer.blocked_autorange``: one cold call (kept apart
    as the single-shot figure), one warm-up call, then up to ``repeats`` blocks, each lasting at
    least ``min_block_s``; a block's figure is its time divided by its calls.

    On the CPU a block calls ``fn`` until the clock passes ``min_block_s`` (a block sized from
    one warm call would be too short whenever that call was preempted). On a GPU, where a call
    only queues work, the block is a fixed number of calls sized from the warm call, with the
    device synchronised around it. ``synchronize=False`` times one call per block with the
    clock read as soon as the call returns, the usual mistake: only the kernel launch is timed
    (the device is still synchronised between blocks, outside the clock).

    ``deadline`` (a ``time.perf_counter()`` value) is checked before the warm call and before
    every block: a piece that would end after it is not started. When not even the warm call
    and one block fit, ``OutOfBudget`` is raised (the caller lists the cell as skipped); the
    cold call is the caller's to predict (``budget.cell_cost``). A function that raises
    ``OutOfBudget`` itself (the loops, given a deadline) ends the timing the same way, or, in
    a later block, keeps the blocks before it.
    """
    dev = torch.device(device)
    sync = synchronizer(dev)  # between measurements always: queued work must not spill over
    sync()
    cold = time.perf_counter()
    start = time.time()  # the notebook's single-shot timing, kept on purpose for contrast
    out = fn()
    first = time.time() - start
    sync()
    if deadline is not None and time.perf_counter() + 2 * (time.perf_counter() - cold) > deadline:
        raise OutOfBudget  # a warm call and a block, each about as long as the cold call

    t0 = time.perf_counter()
    fn()
    sync()
    per_call = max(time.perf_counter() - t0, 1e-9)
    number = int(min(100_000, max(1, math.ceil(min_block_s / per_call))))

    times: list[float] = []
    counts: list[int] = []
    for _ in range(repeats):
        governor.check()  # a closed tab or a rerun stops the benchmark here
        # a CPU block runs until min_block_s has passed, so it can end up to one call later
        block = min_block_s + per_call if dev.type == "cpu" else per_call * (number if synchronize else 1)
        if deadline is not None and time.perf_counter() + block > deadline:
            break
        if dev.type == "cpu":
            try:
                per_call, count = _clock_block(fn, min_block_s)
            except OutOfBudget:  # a loop stopped inside the block: keep the blocks before it
                break
        elif synchronize:
            per_call, count = _counted_block(fn, sync, number)
        else:  # the mistake on purpose: one call, clock read before the GPU has finished
            sync()
            t0 = time.perf_counter()
            fn()
            per_call, count = time.perf_counter() - t0, 1
            sync()
        times.append(per_call)
        counts.append(count)
    if not times:
        raise OutOfBudget
    return Measurement(first_call_s=first, times_s=tuple(times), calls_per_block=int(np.median(counts))), out
