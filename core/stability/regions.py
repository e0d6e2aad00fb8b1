"""Exact failure regions along x (y fixed): where each form gives NaN, inf or a 0 that loses all
accuracy, found on a grid first and then bisected over the representable numbers of the dtype."""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mpmath
import numpy as np
import torch

from core.checks import check_int
from core.errors import LabError
from core.stability.evaluation import run_method
from core.stability.forms import check_method
from core.stability.presets import MAX_CHART_POINTS
from core.stability.reasons import explain
from core.stability.reference import REFERENCE_BITS, exact_difference
from core.stability.thresholds import check_inputs, dtype_name, exp_thresholds, resolve, stored

EXHAUSTIVE_LIMIT = 1 << 17  # ranges with fewer representable x are scanned point by point
NEIGHBOURS = 32  # representable numbers checked on each side of a bisected edge
_INT_VIEW = {16: torch.int16, 32: torch.int32, 64: torch.int64}

# Status of one computed value (failure kinds), shared by the regions and the tests.
VALUE_OK, VALUE_NAN, VALUE_INF, VALUE_ZERO = 0, 1, 2, 3
VALUE_KINDS = {VALUE_NAN: "nan", VALUE_INF: "inf", VALUE_ZERO: "zero"}
GRAD_OK, GRAD_NONFINITE = 0, 1


@functools.lru_cache(maxsize=None)
def _normal_floor(dtype: str) -> float:
    """The difference D = y - x above which f = softplus(D) is at least the smallest normal."""
    with mpmath.workprec(REFERENCE_BITS):
        return float(mpmath.log(mpmath.expm1(mpmath.mpf(exp_thresholds(dtype).tiny))))


def value_status(value: np.ndarray, x: np.ndarray, y: np.ndarray, dtype: str) -> np.ndarray:
    """Per point: VALUE_NAN, VALUE_INF, VALUE_ZERO or VALUE_OK.

    VALUE_ZERO: the form returned 0 although the exact f(x, y) is a normal number of the
    dtype, so all accuracy is lost (a 0 where f is subnormal is ordinary underflow).
    """
    hi, lo = exact_difference(*np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64)))
    status = np.full(np.shape(value), VALUE_OK, dtype=np.int8)
    status[(value == 0) & (hi + lo >= _normal_floor(dtype_name(dtype)))] = VALUE_ZERO
    status[np.isinf(value)] = VALUE_INF
    status[np.isnan(value)] = VALUE_NAN
    return status


def grad_status(grad_x: np.ndarray, grad_y: np.ndarray) -> np.ndarray:
    """Per point: GRAD_NONFINITE where either gradient is NaN or inf, else GRAD_OK."""
    bad = ~(np.isfinite(grad_x) & np.isfinite(grad_y))
    return np.where(bad, GRAD_NONFINITE, GRAD_OK).astype(np.int8)


def x_grid(lo: float, hi: float, points: int, dtype: str) -> np.ndarray:
    """Sorted distinct values of ``dtype`` nearest to ``points`` evenly spaced numbers in [lo, hi]."""
    points = check_int(points, 2, MAX_CHART_POINTS, name="points")
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise LabError("err.stab_interval", lo=f"{lo:g}", hi=f"{hi:g}")
    return np.unique(stored(np.linspace(lo, hi, points), dtype))


@dataclass(frozen=True)
class Region:
    """A maximal run of representable x (inclusive ends) where one form fails the same way.

    part: "value" or "grad"; kind: "nan", "inf", "zero" (value 0, all accuracy lost) or
    "nonfinite" (a gradient NaN or inf); reason: the ``stab.why.*`` key at the edge that
    touches a good point (where the form breaks); open_start/open_stop: the run goes on
    beyond the scanned range; intermittent: good points lie inside (a flickering collapse);
    exact: start and stop are the first and last failing numbers (False: within a flicker band).
    """

    method: str
    part: str
    kind: str
    start: float
    stop: float
    reason: str
    open_start: bool
    open_stop: bool
    intermittent: bool = False
    exact: bool = True


def _order_key(values: torch.Tensor) -> list[int]:
    """Integers in the order of the floats: consecutive representable values differ by 1."""
    bits = torch.finfo(values.dtype).bits
    raw = values.contiguous().view(_INT_VIEW[bits]).tolist()
    half = 1 << (bits - 1)
    return [b if b >= 0 else -(b + half) for b in raw]


def _from_key(keys: Sequence[int], dt: torch.dtype) -> torch.Tensor:
    bits = torch.finfo(dt).bits
    half = 1 << (bits - 1)
    raw = [k if k >= 0 else -k - half for k in keys]
    return torch.tensor(raw, dtype=_INT_VIEW[bits]).view(dt)


def _statuses(
    method: str, xs: np.ndarray, y: float, dtype: str, dt: torch.dtype, dev: torch.device
) -> tuple[np.ndarray, np.ndarray]:
    ys = np.full_like(xs, y)
    ev = run_method(method, xs, ys, dt, dev)
    return value_status(ev.value, xs, ys, dtype), grad_status(ev.grad_x, ev.grad_y)


def _runs(status: np.ndarray, keys: Sequence[int]) -> list[tuple[int, int]]:
    """(first key, status) of each maximal run of equal status."""
    cuts = np.flatnonzero(np.diff(status)) + 1
    return [(keys[i], int(status[i])) for i in [0, *cuts.tolist()]]


def _refine(runs: list[tuple[int, int]], probe: Callable[[int], int]) -> list[tuple[int, int]]:
    """Exact run starts from grid runs: bisect each change of status over the keys between.

    Where bisection lands on a third status, that hidden run is split off and bisected too.
    """
    exact = runs[:1]
    for (first, status), (target, target_status) in itertools.pairwise(runs):
        lo, current = first, status
        while True:
            hi = target
            while hi - lo > 1:  # lo has ``current``, hi has not
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if probe(mid) == current else (lo, mid)
            current = target_status if hi == target else probe(hi)
            exact.append((hi, current))
            if current == target_status:
                break
            lo = hi
    return exact


@dataclass
class _Run:
    start: int  # first and last key
    stop: int
    status: int
    intermittent: bool = False
    exact: bool = True


def _check_edges(runs: list[_Run], status_of: Callable[[list[int]], list[int]]) -> None:
    """Mark both runs at a bisected edge inexact where the NEIGHBOURS numbers on either side
    disagree with it: the status flickers there (ties in rounding), so no single edge exists."""
    for left, right in itertools.pairwise(runs):
        keys = list(range(max(left.start, right.start - NEIGHBOURS), min(right.stop, right.start + NEIGHBOURS - 1) + 1))
        want = [left.status if k < right.start else right.status for k in keys]
        if status_of(keys) != want:
            left.exact = right.exact = False
            left.intermittent |= left.status == VALUE_ZERO
            right.intermittent |= right.status == VALUE_ZERO


def _merge_zero_runs(runs: list[_Run]) -> list[_Run]:
    """Join VALUE_ZERO runs separated only by good runs: rounding makes a collapse flicker."""
    merged: list[_Run] = []
    for run in runs:
        if run.status == VALUE_ZERO and len(merged) >= 2 and merged[-1].status == VALUE_OK and merged[-2].status == VALUE_ZERO:
            gap, first = merged.pop(), merged.pop()
            exact = first.exact and gap.exact and run.exact
            merged.append(_Run(first.start, run.stop, VALUE_ZERO, intermittent=True, exact=exact))
        else:
            merged.append(run)
    return merged


def failure_regions(
    method: str, y: float, lo: float, hi: float, dtype: str = "float64", device: str = "cpu", points: int = 1001
) -> list[Region]:
    """Runs of representable x in [lo, hi] where ``method`` fails at fixed y, with exact ends.

    Up to EXHAUSTIVE_LIMIT representable numbers in the range (always in float16 and
    bfloat16 over the page's ranges) every one is evaluated. Beyond that a grid of
    ``points`` finds every run wider than its spacing and each change is bisected over the
    representable numbers (about 64 steps in float64), then checked against NEIGHBOURS
    numbers on each side. Overflows (NaN, inf) have clean edges; a collapse to 0 can
    flicker (naive, where e^y is a power of two: rounding ties), so zero runs separated by
    good points are joined into one ``intermittent`` region, and a bisected edge that is
    not clean is marked ``exact=False`` (approximate: within the flicker band).
    """
    check_method(method)
    dt, dev = resolve(dtype, device)
    grid = x_grid(lo, hi, points, dtype)
    y = float(stored(y, dtype))
    check_inputs(grid, np.array([y]))
    first_key, last_key = _order_key(torch.from_numpy(grid[[0, -1]]).to(dt))
    exhaustive = last_key - first_key < EXHAUSTIVE_LIMIT
    keys = list(range(first_key, last_key + 1)) if exhaustive else _order_key(torch.from_numpy(grid).to(dt))
    xs = _from_key(keys, dt).double().numpy()
    statuses = _statuses(method, xs, y, dtype, dt, dev)

    def to_x(key: int) -> float:
        return float(_from_key([key], dt).double())

    def status_of(part: int, ks: list[int]) -> list[int]:
        return _statuses(method, _from_key(ks, dt).double().numpy(), y, dtype, dt, dev)[part].tolist()

    regions: list[Region] = []
    for part, name in ((0, "value"), (1, "grad")):
        starts = _runs(statuses[part], keys)
        if not exhaustive:
            starts = _refine(starts, lambda k, p=part: status_of(p, [k])[0])
        stops = [k - 1 for k, _ in starts[1:]] + [last_key]
        runs = [_Run(k, e, st) for (k, st), e in zip(starts, stops, strict=True)]
        if not exhaustive:
            _check_edges(runs, lambda ks, p=part: status_of(p, ks))
        runs = _merge_zero_runs(runs)
        for i, run in enumerate(runs):
            if run.status == VALUE_OK:
                continue
            prev_ok = i > 0 and runs[i - 1].status == VALUE_OK
            next_ok = i + 1 < len(runs) and runs[i + 1].status == VALUE_OK
            edge = run.stop if next_ok and not prev_ok else run.start  # the edge where a good run breaks
            reason = explain(method, to_x(edge), y, dtype)[part].item() or "stab.why.unknown"
            regions.append(
                Region(
                    method=method,
                    part=name,
                    kind=VALUE_KINDS[run.status] if part == 0 else "nonfinite",
                    start=to_x(run.start),
                    stop=to_x(run.stop),
                    reason=reason,
                    open_start=i == 0,
                    open_stop=i + 1 == len(runs),
                    intermittent=run.intermittent,
                    exact=run.exact,
                )
            )
    return regions
