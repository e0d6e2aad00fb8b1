"""core.stability.reference: the quadruple-precision reference against direct mpmath, and the error measure."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest

from core.stability.reference import reference, relative_error
from core.stability.thresholds import exp_thresholds
from tests.core.stability.helpers import grid


def test_reference_matches_direct_mpmath():
    xs = np.array([2.0, 400.0, -1e4, 1e4, 0.1, 1e4, -3.0])
    ys = np.array([3.0, 800.0, 1e4, -1e4, 0.1 + 1e-12, 1e4 - 2**-39, -3.0 - 1e-300])
    ref = reference(xs, ys)
    with mpmath.workdps(60):
        for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
            d = mpmath.mpf(y) - mpmath.mpf(x)  # exact at 60 digits for these inputs
            f = mpmath.log1p(mpmath.exp(d)) if d < 0 else d + mpmath.log1p(mpmath.exp(-d))
            s = 1 / (1 + mpmath.exp(-d))
            # float64 pairs: 2^-100 relative, or float64's smallest subnormal below its range
            for hi, lo, exact in ((ref.value_hi[i], ref.value_lo[i], f), (ref.grad_hi[i], ref.grad_lo[i], s)):
                bound = max(abs(exact) * mpmath.mpf(2) ** -100, mpmath.mpf(2) ** -1074)
                assert abs(mpmath.mpf(hi) + lo - exact) <= bound, (i, hi, exact)


def test_reference_of_a_grid_equals_reference_point_by_point():
    x, y = grid("float16")
    x, y = x[:300], y[:300]
    whole = reference(x, y)
    for i in range(0, 300, 37):
        one = reference(x[i : i + 1], y[i : i + 1])
        assert one.value_hi[0] == whole.value_hi[i] and one.grad_hi[0] == whole.grad_hi[i]


def test_relative_error_is_inf_where_the_result_is_not_finite():
    err = relative_error(np.array([np.nan, np.inf, 1.0]), np.ones(3), np.zeros(3), 1e-38)
    assert np.isinf(err[0]) and np.isinf(err[1]) and err[2] == 0


def test_relative_error_of_a_subnormal_is_measured_against_tiny():
    tiny = exp_thresholds("float32").tiny
    err = relative_error(np.array([0.0]), np.array([tiny / 4]), np.zeros(1), tiny)
    assert err[0] == pytest.approx(0.25)
