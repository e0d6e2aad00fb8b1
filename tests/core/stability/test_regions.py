"""core.stability.regions: the failure regions against every representable x (float16, bfloat16) and
against the closed forms and 300 neighbours of each bisected edge (float32, float64)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from core.stability.evaluation import evaluate
from core.stability.forms import log_exp
from core.stability.presets import (
    DTYPE_NAMES,
)
from core.stability.regions import VALUE_INF, VALUE_NAN, VALUE_ZERO, failure_regions, value_status
from core.stability.thresholds import exp_thresholds, stored
from tests.core.stability.helpers import DT, NP_DT, neighbours


def _brute_force_status(method: str, y: float, dtype: str, lo: float, hi: float):
    """Every number of the dtype in [lo, hi], evaluated directly (no bisection, no keys)."""
    if dtype == "float16":
        every = np.arange(1 << 16, dtype=np.uint16).view(np.float16).astype(np.float64)
    else:  # bfloat16: the top half of a float32
        with np.errstate(invalid="ignore"):  # NaN bit patterns
            every = (np.arange(1 << 16, dtype=np.uint32) << 16).view(np.float32).astype(np.float64)
    xs = np.unique(every[np.isfinite(every) & (every >= lo) & (every <= hi)])
    xt = torch.tensor(xs).to(DT[dtype]).requires_grad_()
    yt = torch.full_like(xt, y).requires_grad_()
    value = log_exp(xt, yt, method)
    value.sum().backward()
    v = value.detach().double().numpy()
    return xs, value_status(v, xs, np.full_like(xs, y), dtype), ~(torch.isfinite(xt.grad) & torch.isfinite(yt.grad)).numpy()


@pytest.mark.parametrize("method", ["naive", "rewritten"])
@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@pytest.mark.parametrize("y", [0.0, 3.0, -1.5])
def test_regions_match_every_representable_x(method, dtype, y):
    th = exp_thresholds(dtype)
    lo, hi = y - 1.5 * th.overflow, y + 1.5 * th.overflow
    regions = failure_regions(method, y, lo, hi, dtype)
    xs, vstatus, gbad = _brute_force_status(
        method, float(stored(y, dtype)), dtype, float(stored(lo, dtype)), float(stored(hi, dtype))
    )
    inside = lambda r: (xs >= r.start) & (xs <= r.stop)  # noqa: E731
    for kind, code in (("nan", VALUE_NAN), ("inf", VALUE_INF)):
        covered = np.zeros(xs.size, bool)
        for r in regions:
            if r.part == "value" and r.kind == kind:
                covered |= inside(r)
                assert r.exact
        np.testing.assert_array_equal(covered, vstatus == code, err_msg=kind)
    covered = np.zeros(xs.size, bool)
    for r in regions:
        if r.part == "grad":
            covered |= inside(r)
    np.testing.assert_array_equal(covered, gbad)
    zero = np.zeros(xs.size, bool)
    for r in regions:
        if r.kind == "zero":
            zero |= inside(r)
            assert vstatus[xs == r.start][0] == VALUE_ZERO and vstatus[xs == r.stop][0] == VALUE_ZERO
    assert not ((vstatus == VALUE_ZERO) & ~zero).any()  # no collapse outside the reported regions


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_bisected_edges_match_the_closed_forms(dtype):
    th = exp_thresholds(dtype)
    np_dt = NP_DT[dtype]
    first_above_T = neighbours(th.overflow, dtype)[1]
    regions = failure_regions("naive", 3.0, 3.0 - 1.5 * th.overflow, 3.0 + 1.5 * th.overflow, dtype)
    nan = [r for r in regions if r.part == "value" and r.kind == "nan"]
    assert len(nan) == 1 and nan[0].start == first_above_T and nan[0].exact
    # rewritten at y = 3: inf for x up to the last x with fl(3 - x) > T (numpy does the rounding here)
    regions = failure_regions("rewritten", 3.0, 3.0 - 1.5 * th.overflow, 3.0 + 1.5 * th.overflow, dtype)
    (inf,) = [r for r in regions if r.part == "value" and r.kind == "inf"]
    stop = np_dt(inf.stop)
    nxt = np.nextafter(stop, np_dt(np.inf))
    assert float(np_dt(3.0) - stop) > th.overflow and float(np_dt(3.0) - nxt) <= th.overflow
    (zero,) = [r for r in regions if r.kind == "zero"]
    start = np_dt(zero.start)
    prev = np.nextafter(start, np_dt(-np.inf))
    one = np_dt(1.0)
    with np.errstate(under="ignore"):
        assert one + np.exp(np_dt(3.0) - start) == one and one + np.exp(np_dt(3.0) - prev) > one


def _steps(start: float, dtype: str, direction: float, count: int) -> np.ndarray:
    """``count`` consecutive numbers of ``dtype`` from ``start`` (included) toward ``direction``."""
    v = torch.tensor(start, dtype=torch.float64).to(DT[dtype])
    out = [float(v)]
    for _ in range(count - 1):
        v = torch.nextafter(v, torch.tensor(direction, dtype=DT[dtype]))
        out.append(float(v))
    return np.array(out)


def _fails(r, xs: np.ndarray, y: float, dtype: str) -> np.ndarray:
    ev = evaluate(r.method, xs, y, dtype)
    if r.part == "grad":
        return ~(np.isfinite(ev.grad_x) & np.isfinite(ev.grad_y))
    code = {"nan": VALUE_NAN, "inf": VALUE_INF, "zero": VALUE_ZERO}[r.kind]
    return value_status(ev.value, xs, np.full_like(xs, y), dtype) == code


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_bisected_edges_hold_for_300_neighbours(dtype):
    th = exp_thresholds(dtype)
    y = 3.0
    for method in ("naive", "rewritten"):
        for r in failure_regions(method, y, y - 1.5 * th.overflow, y + 1.5 * th.overflow, dtype):
            assert r.exact or r.kind == "zero"
            if not r.exact:
                continue
            inside = np.concatenate([_steps(r.start, dtype, math.inf, 300), _steps(r.stop, dtype, -math.inf, 300)])
            inside = inside[(inside >= r.start) & (inside <= r.stop)]
            assert _fails(r, inside, y, dtype).all(), r
            if not r.open_start:
                assert not _fails(r, _steps(r.start, dtype, -math.inf, 301)[1:], y, dtype).any(), r
            if not r.open_stop:
                assert not _fails(r, _steps(r.stop, dtype, math.inf, 301)[1:], y, dtype).any(), r


def test_flickering_collapse_is_reported_as_approximate():
    # at y = 0, e^y = 1 is a power of two: e^x + 1 is a rounding tie, so naive flickers
    regions = failure_regions("naive", 0.0, -100.0, 100.0, "float32")
    (zero,) = [r for r in regions if r.kind == "zero"]
    assert zero.intermittent and not zero.exact
    assert 16.6 < zero.start < 17.4  # the band 24 ln 2 + [0, ln 2)


def test_stable_has_no_failure_region():
    for dtype in DTYPE_NAMES:
        T = exp_thresholds(dtype).overflow
        assert failure_regions("stable", 0.0, -5 * T, 5 * T, dtype) == []
