"""core.derivatives.tangent_line: f and both slopes at one point, edge points included (a linspace may not
hold 0: the tangent at exactly 0 shows autograd's conventions there)."""

from __future__ import annotations

import math

import pytest

from core.derivatives.tangent_line import tangent

# --- edge points, through the tangent at exactly 0 (a linspace may not hold 0) ------------------


def test_relu_derivative_at_zero_is_zero():
    t = tangent("relu(x)", 0.0)
    assert (t.f0, t.slope, t.slope_exact) == (0.0, 0.0, 0.0)


def test_abs_derivative_at_zero_is_zero():
    t = tangent("abs(x)", 0.0)
    assert (t.slope, t.slope_exact) == (0.0, 0.0)


def test_sqrt_derivative_at_zero_is_inf():
    t = tangent("sqrt(x)", 0.0)
    assert t.slope == math.inf and t.slope_exact == math.inf


def test_x_times_sqrt_x_gives_nan_at_zero():
    # 0 * inf in the product rule: autograd's NaN, while the exact derivative (3/2) sqrt(x) is 0
    t = tangent("x*sqrt(x)", 0.0)
    assert math.isnan(t.slope)
    assert t.slope_exact == 0.0


def test_x_to_the_one_and_a_half_gives_zero_at_zero():
    t = tangent("x**1.5", 0.0)
    assert t.slope == 0.0 and t.slope_exact == 0.0


def test_tangent_away_from_edges_matches_the_exact_slope():
    t = tangent("x**2*sin(x)", 1.3)
    assert t.slope == pytest.approx(2 * 1.3 * math.sin(1.3) + 1.3**2 * math.cos(1.3), rel=1e-14)
    assert t.slope == pytest.approx(t.slope_exact, rel=1e-14)


@pytest.mark.parametrize("x0", [math.nan, math.inf, "1", True])
def test_tangent_refuses_a_bad_point(x0):
    with pytest.raises(ValueError, match="x0") as info:
        tangent("sin(x)", x0)
    assert info.value.key == "err.real_range"  # the shared check, in the shared words
