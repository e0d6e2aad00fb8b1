"""core.derivatives.decimation: a bounded number of points that keeps peaks and NaN gaps."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from core.derivatives.decimation import DEFAULT_POINTS, decimate


def test_short_trace_is_unchanged():
    x = np.linspace(0, 1, 50)
    y = np.sin(x)
    xd, yd = decimate(x, y, 100)
    np.testing.assert_array_equal(xd, x)
    np.testing.assert_array_equal(yd, y)


def test_short_trace_turns_inf_into_nan():
    _, yd = decimate(np.arange(4.0), np.array([1.0, np.inf, -np.inf, np.nan]), 100)
    assert yd[0] == 1.0 and np.isnan(yd[1:]).all()


@pytest.mark.parametrize("n", [2001, 10_007, 1_000_000])
def test_number_of_points_is_bounded(n):
    x = np.linspace(-1, 1, n)
    xd, yd = decimate(x, np.sin(50 * x), DEFAULT_POINTS)
    assert len(xd) == len(yd) <= DEFAULT_POINTS
    assert len(xd) >= DEFAULT_POINTS // 2  # and still enough to draw the curve


@pytest.mark.parametrize("max_points", [1, 2, 3])
def test_tiny_budgets_are_raised_to_three_points(max_points):
    # one bucket keeps up to three points (min, max, a gap): the documented floor is 3
    y = np.sin(np.arange(100.0))
    y[50] = np.nan
    xd, yd = decimate(np.arange(100.0), y, max_points)
    assert len(xd) <= 3
    assert np.isnan(yd).any()  # the gap survives even then


def test_single_spike_survives():
    n = 1_000_000
    y = np.zeros(n)
    y[123_457] = 7.0
    y[876_543] = -3.0
    _, yd = decimate(np.arange(n, dtype=np.float64), y, 600)
    assert yd.max() == 7.0 and yd.min() == -3.0


def test_a_single_nan_survives_at_its_place():
    n = 100_000
    x = np.arange(n, dtype=np.float64)
    y = np.cos(x / 1000)
    y[54_321] = np.nan
    xd, yd = decimate(x, y, 300)
    assert np.isnan(yd).sum() == 1
    assert xd[np.isnan(yd)][0] == 54_321


def test_a_domain_gap_stays_a_gap():
    # log(x) on [-10, 10]: every kept point left of 0 is NaN, every one right of 0 is finite
    x = np.linspace(-10, 10, 1_000_000)
    with np.errstate(invalid="ignore", divide="ignore"):
        y = np.log(x)
    xd, yd = decimate(x, y, 2000)
    assert np.isnan(yd[xd < 0]).all() and (xd < 0).any()
    assert np.isfinite(yd[xd > 0]).all()


def test_inf_becomes_a_gap():
    x = np.linspace(-1, 1, 100_001)
    with np.errstate(divide="ignore"):
        y = 1.0 / x  # inf at the middle point
    xd, yd = decimate(x, y, 300)
    assert not np.isinf(yd).any()
    assert np.isnan(yd).sum() == 1 and xd[np.isnan(yd)][0] == 0.0


def test_all_nan_trace():
    _, yd = decimate(np.arange(10_000.0), np.full(10_000, np.nan), 300)
    assert 1 <= len(yd) <= 300 and np.isnan(yd).all()


traces = st.integers(10, 5000).flatmap(
    lambda n: hnp.arrays(np.float64, n, elements=st.one_of(st.floats(-1e6, 1e6), st.just(np.nan), st.just(np.inf)))
)


@given(y=traces, max_points=st.integers(3, 600))
def test_decimation_properties(y, max_points):
    x = np.arange(y.size, dtype=np.float64)
    xd, yd = decimate(x, y, max_points)
    # bounded, ordered, a subset of the input
    assert len(xd) == len(yd) <= max(max_points, 3)
    assert np.all(np.diff(xd) > 0)
    idx = xd.astype(np.int64)
    np.testing.assert_array_equal(xd, x[idx])
    # values are the input's, with non-finite ones turned into NaN
    finite = np.isfinite(y[idx])
    np.testing.assert_array_equal(yd[finite], y[idx][finite])
    assert np.isnan(yd[~finite]).all()
    # extremes survive
    if np.isfinite(y).any():
        assert np.nanmax(yd) == np.max(y[np.isfinite(y)])
        assert np.nanmin(yd) == np.min(y[np.isfinite(y)])
    # gaps: a non-finite input gives a gap in the output, and a run of non-finite values at least two
    # buckets long has a gap inside it (the bucket it covers keeps only its gap marker)
    if (~np.isfinite(y)).any():
        assert np.isnan(yd).any()
    if y.size > max_points:
        size = -(-y.size // max(1, max_points // 3))
        bad = ~np.isfinite(y)
        start = 0
        while start < y.size:
            if not bad[start]:
                start += 1
                continue
            end = start
            while end < y.size and bad[end]:
                end += 1
            if end - start >= 2 * size:
                inside = (xd >= start) & (xd < end)
                assert np.isnan(yd[inside]).any(), (start, end, size)
            start = end
