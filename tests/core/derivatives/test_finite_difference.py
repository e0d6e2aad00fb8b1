"""core.derivatives.finite_difference: the central difference, and the V shape of its error against h."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.derivatives.finite_difference import central_difference, step_sweep

# --- finite differences: the V shape ------------------------------------------------------------


@pytest.fixture(scope="module")
def sin_sweep():
    return step_sweep("sin(x)")


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_step_sweep_has_a_v_shape(sin_sweep, dtype):
    err = sin_sweep.fd_error[dtype]
    h = sin_sweep.h
    assert h[0] == pytest.approx(1e-16, rel=1e-9, abs=0) and h[-1] == pytest.approx(1.0, rel=1e-9)
    best = int(np.nanargmin(err))
    assert 0 < best < len(h) - 1
    assert err[0] > 100 * err[best]  # rounding: eps / h
    assert err[-1] > 100 * err[best]  # truncation: h^2 / 6


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_best_step_is_near_the_cube_root_of_eps(sin_sweep, dtype):
    # the page says so: the optimum of eps/h + h^2 sits near eps^(1/3) (within a decade and a half)
    best = sin_sweep.h[int(np.nanargmin(sin_sweep.fd_error[dtype]))]
    eps = float(np.finfo(dtype).eps)
    assert abs(math.log10(best) - math.log10(eps ** (1 / 3))) <= 1.5


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_autograd_beats_the_best_finite_difference(sin_sweep, dtype):
    assert sin_sweep.autograd_error[dtype] < np.nanmin(sin_sweep.fd_error[dtype])


def test_central_difference_with_a_good_step_is_close():
    x = np.linspace(-3, 3, 31)
    np.testing.assert_allclose(central_difference("sin(x)", x, 1e-5), np.cos(x), atol=1e-9)


@pytest.mark.parametrize("h", [0.0, -1e-3, math.nan, math.inf])
def test_central_difference_refuses_a_bad_step(h):
    with pytest.raises(ValueError) as info:
        central_difference("sin(x)", np.zeros(3), h)
    assert info.value.key == "err.diff_step" and "positive" in str(info.value)


def test_central_difference_takes_the_smallest_positive_step():
    assert np.isfinite(central_difference("x", np.ones(3), 5e-324)).all()  # accepted: any h > 0
