"""core.gradients.gradient_field: autograd and SymPy's partials against gradients written by hand in
NumPy, the [j, i] layout, blocks, singular points, and every bad argument.

References: each test function's gradient written out by hand with NumPy (independent of SymPy and torch).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

import core.gradients.field as field
from core.errors import LabError
from core.expression.parser import parse
from core.gradients import gradient_field


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# f: its gradient by hand
HAND = {
    "sin(x)*cos(y)": lambda x, y: (np.cos(x) * np.cos(y), -np.sin(x) * np.sin(y)),
    "x**2 + 10*y**2": lambda x, y: (2 * x, 20 * y),
    "x**2 - y**2": lambda x, y: (2 * x, -2 * y),
    "(1 - x)**2 + 100*(y - x**2)**2": lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
    "(x**2 + y - 11)**2 + (x + y**2 - 7)**2": lambda x, y: (
        4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7),
        2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7),
    ),
    "exp(-(x**2 + y**2))": lambda x, y: (-2 * x * np.exp(-(x**2 + y**2)), -2 * y * np.exp(-(x**2 + y**2))),
    "log(exp(x) + exp(y))": lambda x, y: (_sigmoid(x - y), _sigmoid(y - x)),
}
# float64: |autograd - hand| <= RTOL |hand| + ATOL_MAX max|hand| (the absolute part covers the
# cancellation in Rosenbrock's and Himmelblau's sums, measured up to 5e-16 of the largest value).
# float32: ATOL32_MAX max|hand| (measured up to 2e-7).
RTOL, ATOL_MAX, ATOL32_MAX = 1e-12, 1e-14, 2e-6


def _hand(text, r):
    X, Y = np.meshgrid(r.x.astype(np.float64), r.y.astype(np.float64))
    return HAND[text](X, Y)


@pytest.mark.parametrize("text", sorted(HAND))
def test_float64_gradient_matches_the_hand_written_one(text):
    r = gradient_field(text, points=101)
    for auto, exact, hand in zip((r.df_dx, r.df_dy), (r.df_dx_exact, r.df_dy_exact), _hand(text, r), strict=True):
        bound = RTOL * np.abs(hand) + ATOL_MAX * np.abs(hand).max()
        assert np.all(np.abs(auto - hand) <= bound)
        assert np.all(np.abs(exact - hand) <= bound)  # SymPy's partials, evaluated by NumPy
    assert r.max_abs_error <= 2 * ATOL_MAX * max(np.abs(h).max() for h in _hand(text, r))


@pytest.mark.parametrize("text", sorted(HAND))
def test_float32_gradient_is_looser(text):
    r = gradient_field(text, points=51, dtype="float32")
    assert r.df_dx.dtype == np.float32 and r.df_dx_exact.dtype == np.float64
    for auto, hand in zip((r.df_dx, r.df_dy), _hand(text, r), strict=True):
        assert np.abs(auto - hand).max() <= ATOL32_MAX * np.abs(hand).max()


def test_layout_is_j_i_for_x_i_y_j():
    r = gradient_field("x + 10*y", x_range=(0.0, 1.0), y_range=(-2.0, 2.0), points=5)
    assert r.x.shape == r.y.shape == (5,)
    for a in (r.f, r.df_dx, r.df_dy, r.df_dx_exact, r.df_dy_exact):
        assert a.shape == (5, 5)
    np.testing.assert_allclose(r.f[3, 1], r.x[1] + 10 * r.y[3], rtol=1e-15)
    np.testing.assert_array_equal(r.x, np.linspace(0.0, 1.0, 5))
    np.testing.assert_array_equal(r.y, np.linspace(-2.0, 2.0, 5))


def test_result_reads_by_key():
    r = gradient_field("x*y", points=3)
    assert r["f"] is r.f and r["max_abs_error"] == r.max_abs_error
    assert "df_dy_exact" in r and "nope" not in r
    assert set(r.keys()) == {"x", "y", "f", "df_dx", "df_dy", "df_dx_exact", "df_dy_exact", "max_abs_error"}
    with pytest.raises(KeyError):
        r["nope"]


def test_expression_in_x_alone_is_constant_in_y():
    r = gradient_field(parse("x**3"), points=4)
    np.testing.assert_allclose(r.df_dx, np.broadcast_to(3 * r.x**2, (4, 4)), rtol=1e-15)
    assert not r.df_dy.any() and not r.df_dy_exact.any()


@pytest.mark.parametrize("text", ["x", "y", "x + y", "3"])
def test_arrays_own_their_memory(text):
    # f = x is autograd's expanded input, and its gradient an expanded 1: each array must be its own
    r = gradient_field(text, points=4)
    for k in ("f", "df_dx", "df_dy"):
        assert 0 not in r[k].strides
        before = r[k].copy()
        r[k][0, 0] += 1.0
        assert (r[k] != before).sum() == 1


def test_constant_has_zero_gradient():
    r = gradient_field("3", points=3)
    assert np.all(r.f == 3.0) and not r.df_dx.any() and not r.df_dy.any()
    assert r.max_abs_error == 0.0


def test_singular_points_stay_and_are_left_out_of_the_error():
    # log(x) on x <= 0: f is NaN; ∂/∂x = 1/x is inf at the grid's exact 0 on both sides
    r = gradient_field("log(x) + y", x_range=(-1.0, 1.0), points=5)
    assert np.isnan(r.f[:, :2]).all() and np.isinf(r.df_dx[:, 2]).all() and np.isinf(r.df_dx_exact[:, 2]).all()
    assert r.max_abs_error == 0.0


def test_no_common_finite_point_gives_nan_error():
    r = gradient_field("sqrt(-1 - x**2 - y**2)", points=3)
    assert math.isnan(r.max_abs_error)


def test_blocks_give_the_same_numbers_as_one_block(monkeypatch):
    text = "sin(x*y) + exp(-x**2)*cos(3*y)"
    whole = gradient_field(text, points=60)
    monkeypatch.setattr(field, "CHUNK", 7 * 60)  # 7 rows per block: 9 blocks, the last one short
    monkeypatch.setattr(field, "MIN_BLOCK", 100)
    parts = gradient_field(text, points=60)
    for k in ("f", "df_dx", "df_dy", "df_dx_exact", "df_dy_exact"):
        np.testing.assert_array_equal(parts[k], whole[k])


def test_block_of_a_large_expression_fits_the_memory_budget():
    # a graph of about 180 nodes (f and its gradient): its block must still hold a row of the largest grid
    text = "tanh(sin(x*y)**3+exp(cos(x-y))*log(1+x**2+y**2))*sigmoid(x*y-x/3)+atan(x**2*y**3)*cosh(x/5-y/7)**2"
    expr = parse(text, variables=("x", "y"))
    nodes = field.graph_nodes(expr)
    block = field.block_points(expr, torch.float64)
    assert nodes > 100
    assert block * nodes * 8 <= field.governor.MEMORY_BUDGET_MB * 2**20
    assert block // 1000 >= 1  # at least one row of the largest grid


# --- bad arguments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "x_range",
    [None, 3.0, "ab", (1.0,), (0.0, 1.0, 2.0), (1.0, 0.0), (1.0, 1.0), (math.nan, 1.0), (0.0, math.inf), (0.0, 2e6), (True, 2.0)],
)
def test_bad_x_range(x_range):
    with pytest.raises(LabError):
        gradient_field("x*y", x_range=x_range, points=3)


@pytest.mark.parametrize("y_range", [(2.0, -2.0), (-1e7, 0.0), ("a", "b")])
def test_bad_y_range(y_range):
    with pytest.raises(LabError):
        gradient_field("x*y", y_range=y_range, points=3)


@pytest.mark.parametrize("points", [1, 0, -5, 1001, 2.5, "10", True, None, math.nan])
def test_bad_points(points):
    with pytest.raises(LabError):
        gradient_field("x*y", points=points)


def test_points_bounds_are_inclusive():
    assert gradient_field("x*y", points=2).f.shape == (2, 2)
    assert gradient_field("x*y", points=1000.0).f.shape == (1000, 1000)  # a float with an integer value


@pytest.mark.parametrize("device", ["tpu", "", None, "cuda:x"])
def test_bad_device(device):
    with pytest.raises(LabError):
        gradient_field("x*y", points=3, device=device)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is present here")
def test_absent_cuda_is_an_error():
    with pytest.raises(LabError, match="cuda"):
        gradient_field("x*y", points=3, device="cuda")


@pytest.mark.parametrize("dtype", ["float16", "bfloat16", "int32", "double", None])
def test_bad_dtype(dtype):
    with pytest.raises(LabError):
        gradient_field("x*y", points=3, dtype=dtype)


@pytest.mark.parametrize("expression", ["x +", "z*x", "__import__('os')", 3.0, None, parse("u**2", "u")])
def test_bad_expression(expression):
    with pytest.raises(LabError):
        gradient_field(expression, points=3)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"x_range": (1.0, 0.0)},
        {"x_range": (0.0, 2e6)},
        {"points": 1001},
        {"expression": parse("u**2", "u")},
        {"expression": 3.0},
    ],
)
def test_errors_are_value_errors_in_both_languages(kwargs):
    args = {"expression": "x*y", **kwargs}
    with pytest.raises(ValueError) as info:
        gradient_field(args.pop("expression"), **args)
    pt, en = info.value.message("pt"), info.value.message("en")
    assert pt != en and "{" not in pt + en and not pt.startswith("err.")
