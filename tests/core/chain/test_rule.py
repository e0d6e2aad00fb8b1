"""core.chain.rule: the notebook's values, the chain rule against full autograd and SymPy."""

from __future__ import annotations

import importlib
import importlib.util
import math
import pkgutil

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import given
from hypothesis import strategies as st

import core.chain.rule
from core.chain.inputs import parse_inner, parse_outer
from core.chain.presets import NOTEBOOK_X
from core.chain.rule import chain_rule, exact_chain_derivative
from core.errors import LabError
from core.expression.catalogue import CATALOGUE
from core.expression.numeric import evaluate

CHAIN_RTOL = 1e-13  # product vs one backward: the same factors multiplied in another order
EXACT_RTOL = 1e-8  # autograd vs SymPy+NumPy: different formulas; softplus's threshold (x > 20) differs by < 2e-9


def _close_where_finite(actual, expected, rtol: float) -> None:
    """|actual - expected| <= rtol * max(|expected|, 1) wherever both are finite."""
    a = np.asarray(actual, dtype=np.float64)
    b = np.asarray(expected, dtype=np.float64)
    both = np.isfinite(a) & np.isfinite(b)
    err = np.abs(a[both] - b[both])
    bound = rtol * np.maximum(np.abs(b[both]), 1.0)
    assert (err <= bound).all(), f"max error {err.max():.3e} at {np.flatnonzero(both)[np.argmax(err - bound)]}"


# ---------------------------------------------------------------- the notebook


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_notebook_cube_gives_the_notebook_values(dtype):
    r = chain_rule("x*x", "u**3", NOTEBOOK_X, dtype=dtype)
    np.testing.assert_array_equal(r.du_dx, [0, 2, 4, 6])
    np.testing.assert_array_equal(r.dz_du, [0, 3, 48, 243])
    np.testing.assert_array_equal(r.dz_dx_chain, [0, 6, 192, 1458])  # 6 x^5
    np.testing.assert_array_equal(r.dz_dx, [0, 6, 192, 1458])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_notebook_polynomial_gives_the_notebook_values(dtype):
    r = chain_rule("1 + x**2", "1 + 7*u**4", NOTEBOOK_X, dtype=dtype)
    np.testing.assert_array_equal(r.u, [1, 2, 5, 10])
    np.testing.assert_array_equal(r.du_dx, [0, 2, 4, 6])
    np.testing.assert_array_equal(r.dz_du, [28, 224, 3500, 28000])
    np.testing.assert_array_equal(r.dz_dx, [0, 448, 14000, 168000])  # 56 x (1 + x^2)^3


def test_result_arrays_are_in_the_computing_dtype():
    r = chain_rule("x*x", "u**3", NOTEBOOK_X, dtype="float32")
    assert r.du_dx.dtype == np.float32 and r.dz_dx.dtype == np.float32
    assert r.dz_dx_exact.dtype == np.float64


def test_exact_derivative_of_the_notebook_polynomial():
    d = exact_chain_derivative("1 + x**2", "1 + 7*u**4")
    x = sp.Symbol("x")  # the public form uses the plain symbol, as SymPy users write it
    assert sp.expand(d - 56 * x * (1 + x**2) ** 3) == 0


# ---------------------------------------------------------------- chain product = full autograd = SymPy

NAMES = sorted(n for n, f in CATALOGUE.items() if f.arity == 1 and f.min_variables == 1)  # f(x) and g(u)
points_strategy = st.lists(st.floats(-3.0, 3.0, allow_nan=False), min_size=1, max_size=8)


@given(st.sampled_from(NAMES), st.sampled_from(NAMES), points_strategy)
def test_chain_product_equals_full_autograd_for_catalogue_pairs(f, g, xs):
    r = chain_rule(f"{f}(x)", f"{g}(u)", xs)
    _close_where_finite(r.dz_dx_chain, r.dz_dx, CHAIN_RTOL)


@given(st.sampled_from(NAMES), st.sampled_from(NAMES), points_strategy)
def test_full_autograd_equals_sympy_derivative_for_catalogue_pairs(f, g, xs):
    r = chain_rule(f"{f}(x)", f"{g}(u)", xs)
    # independent of chain_rule's own evaluation: differentiate the composition again here
    x = sp.Symbol("x", real=True)
    u = sp.Symbol("u", real=True)
    comp = parse_outer(f"{g}(u)").real_sympy.xreplace({u: parse_inner(f"{f}(x)").real_sympy})
    try:
        ref = evaluate(sp.diff(comp, x), x, np.asarray(xs, dtype=np.float64))
    except LabError:  # SymPy wrote atan2 (e.g. abs(sqrt(x))): no NumPy rule for it
        return
    _close_where_finite(r.dz_dx, ref, EXACT_RTOL)
    _close_where_finite(r.dz_dx_exact, ref, 0.0)


@given(st.sampled_from(NAMES), st.sampled_from(NAMES))
def test_factors_match_the_exact_derivatives_of_each_part(f, g):
    xs = np.linspace(-2.5, 2.5, 41)
    r = chain_rule(f"{f}(x)", f"{g}(u)", xs)
    fi, go = parse_inner(f"{f}(x)"), parse_outer(f"{g}(u)")
    _close_where_finite(r.du_dx, evaluate(sp.diff(fi.real_sympy, fi.real_symbol), fi.real_symbol, xs), EXACT_RTOL)
    # dz/du is evaluated at u(x), the values v held
    _close_where_finite(r.dz_du, evaluate(sp.diff(go.real_sympy, go.real_symbol), go.real_symbol, r.u), EXACT_RTOL)


def test_relu_then_log_product_is_nan_where_full_backward_gives_zero():
    # u = relu(x) = 0 for x < 0: dz/du = 1/0 = inf and du/dx = 0, so the product is NaN,
    # but relu's backward masks the incoming gradient instead of multiplying it
    r = chain_rule("relu(x)", "log(u)", [-1.0])
    assert np.isinf(r.dz_du[0]) and r.du_dx[0] == 0
    assert np.isnan(r.dz_dx_chain[0])
    assert r.dz_dx[0] == 0


def test_square_then_sqrt_at_zero_is_nan_in_both():
    r = chain_rule("x**2", "sqrt(u)", [0.0, 2.0])
    assert np.isinf(r.dz_du[0]) and np.isnan(r.dz_dx_chain[0]) and np.isnan(r.dz_dx[0])
    np.testing.assert_allclose(r.dz_dx[1], 1.0, rtol=1e-15)  # sqrt(x^2) = |x|


def test_constant_inner_has_zero_derivatives():
    r = chain_rule("3", "u**2", [0.0, 1.0])
    np.testing.assert_array_equal(r.u, [3, 3])
    np.testing.assert_array_equal(r.du_dx, [0, 0])
    np.testing.assert_array_equal(r.dz_du, [6, 6])
    np.testing.assert_array_equal(r.dz_dx, [0, 0])


def test_constant_outer_has_zero_derivatives():
    r = chain_rule("sin(x)", "2", [0.0, 1.0])
    np.testing.assert_array_equal(r.dz_du, [0, 0])
    np.testing.assert_array_equal(r.dz_dx, [0, 0])


def test_identity_inner_and_outer():
    r = chain_rule("x", "u", [1.5, -2.0])
    np.testing.assert_array_equal(r.du_dx, [1, 1])
    np.testing.assert_array_equal(r.dz_du, [1, 1])
    np.testing.assert_array_equal(r.dz_dx, [1, 1])


def test_tensor_and_numpy_points_are_accepted():
    a = chain_rule("x*x", "u**3", torch.tensor([1.0, 2.0]))
    b = chain_rule("x*x", "u**3", np.array([1.0, 2.0]))
    np.testing.assert_array_equal(a.dz_dx, b.dz_dx)


def test_chain_vs_full_metric_is_zero_for_the_notebook():
    r = chain_rule("1 + x**2", "1 + 7*u**4", NOTEBOOK_X)
    assert r.chain_vs_full == 0.0 and r.full_vs_exact == 0.0


def test_metrics_compare_only_where_both_are_finite():
    # core.checks.max_abs_diff: the NaN product at the kink x = 0 is left out, not propagated
    r = chain_rule("x**2", "sqrt(u)", [0.0, 1.0, 2.0])
    assert np.isnan(r.dz_dx_chain[0]) and r.chain_vs_full == 0.0
    assert math.isnan(chain_rule("x**2", "sqrt(u)", [0.0]).chain_vs_full)  # no point where both are finite


def test_exact_derivative_without_a_numpy_rule_is_an_error_not_nan(monkeypatch):
    # the shared evaluator refuses what it cannot evaluate; the lab says so instead of an empty column
    def no_rule(expr, symbol, x):
        raise LabError("err.no_reference", detail="atan2")

    monkeypatch.setattr(core.chain.rule, "evaluate", no_rule)
    with pytest.raises(LabError) as info:
        chain_rule("x*x", "u**3", NOTEBOOK_X)
    assert info.value.key == "err.no_reference" and "atan2" in str(info.value)


def test_too_complex_composition_is_refused():
    with pytest.raises(LabError) as info:
        chain_rule("silu(gelu(silu(gelu(silu(gelu(x))))))", "u*sin(u)*cos(u)*exp(u)*tanh(u)*atan(u)*erf(u)", [1.0])
    assert info.value.key == "err.chain_too_complex"


def test_unknown_device_and_dtype_are_refused():
    with pytest.raises(LabError):
        chain_rule("x", "u", [1.0], device="tpu")
    with pytest.raises(LabError):
        chain_rule("x", "u", [1.0], dtype="float16")


def test_core_chain_rule_is_the_function_and_no_module_shares_its_name():
    import core

    assert importlib.util.find_spec("core.chain_rule") is None  # the lab's package is core.chain
    modules = {m.name for m in pkgutil.iter_modules(core.chain.__path__)}
    assert {"inputs", "rule", "traps", "code", "presets", "figures", "tables", "graph", "texts"} <= modules
    for name in modules:  # no name is both a module of the lab and a function of it
        module = importlib.import_module(f"core.chain.{name}")
        assert not callable(getattr(core.chain, name, None)), name
        assert not any(callable(getattr(module, n)) for n in modules if hasattr(module, n) and n != name), name
    assert callable(core.chain_rule) and core.chain_rule is core.chain.chain_rule
    r = core.chain_rule("x*x", "u**3", [0, 1, 2, 3])
    np.testing.assert_array_equal(r.dz_du, [0, 3, 48, 243])
