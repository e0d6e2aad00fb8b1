"""core.gradients.hessian and largest_stable_lr: autograd's gradient and Hessian against SymPy (the
expressions built here as SymPy objects, differentiated and evaluated with 30-digit evalf), the kinds
of point, criticality, the eigenvectors, hypothesis properties (symmetry; the gradient is linear),
and every bad argument.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import LabError
from core.gradients import gradient_field, hessian, largest_stable_lr
from core.gradients.hessian import classify

X, Y = sp.symbols("x y", real=True)
# the same function as the lab's text and as a SymPy object built here
CASES = {
    "sin(x)*cos(y)": sp.sin(X) * sp.cos(Y),
    "(1 - x)**2 + 100*(y - x**2)**2": (1 - X) ** 2 + 100 * (Y - X**2) ** 2,
    "(x**2 + y - 11)**2 + (x + y**2 - 7)**2": (X**2 + Y - 11) ** 2 + (X + Y**2 - 7) ** 2,
    "exp(-(x**2 + y**2))*x": sp.exp(-(X**2 + Y**2)) * X,
    "log(exp(x) + exp(y))": sp.log(sp.exp(X) + sp.exp(Y)),
    "x**3*y**2 - x*y": X**3 * Y**2 - X * Y,
    "atan2(y, x)": sp.atan2(Y, X),
}
POINTS = [(0.3, -0.7), (-1.2, 2.5), (2.0, 1.0)]
# float64: |autograd - SymPy| <= RTOL |SymPy| + ATOL_MAX max|SymPy| (the absolute part covers the
# cancellation in sums such as Rosenbrock's, whose terms reach 1e3 times the result)
RTOL, ATOL_MAX = 1e-12, 1e-13
RTOL32 = 1e-5  # float32: relative to the largest entry


def _sympy_reference(expr, point):
    subs = {X: sp.Float(point[0], 30), Y: sp.Float(point[1], 30)}
    grad = [sp.diff(expr, v) for v in (X, Y)]
    hess = [[sp.diff(g, v) for v in (X, Y)] for g in grad]
    ev = lambda e: float(e.evalf(30, subs=subs))  # noqa: E731
    return ev(expr), np.array([ev(g) for g in grad]), np.array([[ev(h) for h in row] for row in hess])


def _close(a, b, rtol, atol_max):
    return np.all(np.abs(a - b) <= rtol * np.abs(b) + atol_max * np.abs(b).max())


@pytest.mark.parametrize("point", POINTS)
@pytest.mark.parametrize("text", sorted(CASES))
def test_float64_matches_sympy(text, point):
    r = hessian(text, point)
    f, g, h = _sympy_reference(CASES[text], point)
    assert r.value == pytest.approx(f, rel=RTOL, abs=1e-300)
    assert _close(r.gradient, g, RTOL, ATOL_MAX) and _close(r.gradient_exact, g, RTOL, ATOL_MAX)
    assert _close(r.hessian, h, RTOL, ATOL_MAX) and _close(r.hessian_exact, h, RTOL, ATOL_MAX)


@pytest.mark.parametrize("text", sorted(CASES))
def test_float32_is_looser(text):
    point = (0.3, -0.7)
    r = hessian(text, point, dtype="float32")
    assert r.hessian.dtype == np.float32 and r.hessian_exact.dtype == np.float64
    p32 = tuple(float(np.float32(v)) for v in point)  # the rounded point autograd saw
    _, g, h = _sympy_reference(CASES[text], p32)
    assert np.abs(r.gradient - g).max() <= RTOL32 * np.abs(g).max()
    assert np.abs(r.hessian - h).max() <= RTOL32 * np.abs(h).max()


def test_shapes_and_keys():
    r = hessian("x*y", (1.0, 2.0))
    assert isinstance(r.value, float) and isinstance(r.critical, bool)
    assert r.gradient.shape == r.gradient_exact.shape == r.eigenvalues.shape == (2,)
    assert r.hessian.shape == r.hessian_exact.shape == r.eigenvectors.shape == (2, 2)
    assert r["kind"] == r.kind and r["eigenvalues"] is r.eigenvalues
    assert set(r.keys()) == {
        "value", "gradient", "hessian", "gradient_exact", "hessian_exact", "eigenvalues", "eigenvectors", "kind", "critical"
    }  # fmt: skip


@pytest.mark.parametrize(
    ("text", "point", "kind", "critical"),
    [
        ("x**2 + y**2", (0.0, 0.0), "minimum", True),
        ("x**2 + 10*y**2", (0.5, 0.0), "minimum", False),
        ("-x**2 - 3*y**2", (0.0, 0.0), "maximum", True),
        ("x**2 - y**2", (0.0, 0.0), "saddle", True),
        ("x*y", (0.0, 0.0), "saddle", True),
        ("(1 - x)**2 + 100*(y - x**2)**2", (1.0, 1.0), "minimum", True),
        ("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", (3.0, 2.0), "minimum", True),
        ("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", (-0.270845, -0.923039), "maximum", True),  # 6 digits of it
        ("x**3 + y**2", (0.0, 0.0), "degenerate", True),
        ("x**4 + y**4", (0.0, 0.0), "degenerate", True),
        ("x + 2*y", (1.0, 1.0), "degenerate", False),
        ("3", (1.0, 1.0), "degenerate", True),
    ],
)
def test_kind_and_critical(text, point, kind, critical):
    r = hessian(text, point)
    assert (r.kind, r.critical) == (kind, critical)


def test_kind_tolerance_is_relative_to_the_largest_eigenvalue():
    assert classify(np.array([1e-10, 1.0]), 1e-9) == "degenerate"
    assert classify(np.array([1e-8, 1.0]), 1e-9) == "minimum"
    assert classify(np.array([-1e-8, 1.0]), 1e-9) == "saddle"
    assert classify(np.array([1e-25, 1e-20]), 1e-9) == "minimum"  # tiny, but clearly both positive
    assert classify(np.array([math.nan, 1.0]), 1e-9) == "degenerate"


def test_undefined_point_gives_nan_not_an_error():
    r = hessian("log(x) + y", (-1.0, 0.0))
    assert math.isnan(r.value) and not r.critical


def test_infinite_hessian_is_degenerate_with_nan_eigen():
    r = hessian("sqrt(x**2 + y**2)", (0.0, 0.0))
    assert r.kind == "degenerate" and not r.critical and np.isnan(r.eigenvalues).all()


def test_eigenvectors_are_unit_columns_of_the_symmetric_part():
    r = hessian("(1 - x)**2 + 100*(y - x**2)**2", (-0.5, 0.8))
    h = r.hessian.astype(np.float64)
    lam, vec = r.eigenvalues, r.eigenvectors
    assert lam[0] <= lam[1]
    np.testing.assert_allclose(vec.T @ vec, np.eye(2), atol=1e-14)
    np.testing.assert_allclose(h @ vec, vec * lam, rtol=1e-12, atol=1e-12 * np.abs(lam).max())
    assert np.all(vec[np.argmax(np.abs(vec), axis=0), [0, 1]] > 0)  # sign convention


def test_expression_in_x_alone():
    from core.expression.parser import parse

    r = hessian(parse("x**3"), (2.0, 5.0))
    np.testing.assert_array_equal(r.hessian, [[12.0, 0.0], [0.0, 0.0]])


# --- largest stable SGD step ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("x**2 + y**2", 1.0),
        ("x**2 + 10*y**2", 0.1),
        ("1.5*x**2 + x*y + 0.5*y**2 + 3*x - 1", 2 / (2 + math.sqrt(2))),  # eigenvalues of [[3, 1], [1, 1]]: 2 ± √2
        ("x**2", 1.0),  # a zero eigenvalue: y stays where it is, x converges below lr = 1
    ],
)
def test_largest_stable_lr_of_quadratics(text, expected):
    assert largest_stable_lr(text) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("text", ["-x**2 - y**2", "x**2 - y**2", "x + y", "sin(x) + y**2", "(1 - x)**2 + 100*(y - x**2)**2"])
def test_largest_stable_lr_is_none_without_a_positive_constant_curvature(text):
    assert largest_stable_lr(text) is None


# --- hypothesis properties ------------------------------------------------------------------------

TERMS = ["sin(x*y)", "exp(x)*y", "x**3*y**2", "cos(x + 2*y)", "log(1 + x**2 + y**2)", "tanh(x - y)", "x*y**2"]
coordinate = st.floats(-2.0, 2.0, allow_nan=False)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=st.sampled_from(TERMS), b=st.sampled_from(TERMS), px=coordinate, py=coordinate)
def test_hessian_is_symmetric(a, b, px, py):
    r = hessian(f"{a} + {b}", (px, py))
    scale = max(np.abs(r.hessian_exact).max(), 1.0)
    assert abs(r.hessian[0, 1] - r.hessian[1, 0]) <= 1e-13 * scale
    assert abs(r.hessian_exact[0, 1] - r.hessian_exact[1, 0]) <= 1e-13 * scale


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=st.sampled_from(TERMS), b=st.sampled_from(TERMS), c=st.integers(-3, 3))
def test_gradient_is_linear(a, b, c):
    kw = {"x_range": (-1.5, 1.5), "y_range": (-1.0, 2.0), "points": 5}
    whole = gradient_field(f"({a}) + {c}*({b})", **kw)
    fa, fb = gradient_field(a, **kw), gradient_field(b, **kw)
    for k in ("df_dx", "df_dy", "df_dx_exact", "df_dy_exact"):
        expected = fa[k] + c * fb[k]
        scale = max(np.abs(fa[k]).max(), abs(c) * np.abs(fb[k]).max(), 1.0)
        np.testing.assert_allclose(whole[k], expected, rtol=0, atol=1e-13 * scale)


# --- bad arguments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "point", [None, 1.0, "ab", (1.0,), (1.0, 2.0, 3.0), (math.nan, 0.0), (0.0, math.inf), (2e6, 0.0), (True, 0.0)]
)
def test_bad_point(point):
    with pytest.raises(LabError):
        hessian("x*y", point)


@pytest.mark.parametrize(("device", "dtype"), [("tpu", "float64"), ("cpu", "float16"), ("cpu", "int64")])
def test_bad_device_or_dtype(device, dtype):
    with pytest.raises(LabError):
        hessian("x*y", (0.0, 0.0), device=device, dtype=dtype)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is present here")
def test_absent_cuda_is_an_error():
    with pytest.raises(LabError):
        hessian("x*y", (0.0, 0.0), device="cuda")


def test_point_accepts_lists_and_numpy():
    a = hessian("x*y**2", [1.0, 2.0])
    b = hessian("x*y**2", np.array([1.0, 2.0]))
    np.testing.assert_array_equal(a.hessian, b.hessian)


# --- the exact partials' size limit ---------------------------------------------------------------


@pytest.fixture
def small_limit(monkeypatch):
    """Partials of at most 40 nodes (the child is forked, so it sees the patched limit), and an empty memory."""
    from collections import OrderedDict

    import core.gradients.exact as exact

    monkeypatch.setattr(exact, "MAX_EXACT_NODES", 40)
    monkeypatch.setattr(exact, "_CACHE", OrderedDict())
    return exact


def test_too_large_hessian_is_refused_while_the_gradient_is_served(small_limit):
    # sin(x·y)·exp(x - y²): its partials have 28 and 30 nodes, its second partials 46 to 76
    text = "sin(x*y)*exp(x - y**2)"
    assert gradient_field(text, points=3).f.shape == (3, 3)
    with pytest.raises(LabError) as info:
        hessian(text, (0.5, 0.5))
    assert info.value.key == "err.grad_too_complex" and info.value.params["order"] == 2
    with pytest.raises(LabError):  # remembered: the second call answers from memory
        hessian(text, (0.5, 0.5))
    assert gradient_field(text, points=3).f.shape == (3, 3)


def test_too_large_gradient_is_refused(small_limit):
    with pytest.raises(LabError) as info:
        gradient_field("sin(x*y)*exp(x - y**2)*cos(x + y)", points=3)
    assert info.value.key == "err.grad_too_complex" and info.value.params["order"] == 1
