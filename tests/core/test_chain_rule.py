"""core.chain.compute: the notebook's values, the chain rule against full autograd and SymPy, inputs, traps."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import given
from hypothesis import strategies as st

from core.chain.compute import (
    MAX_BACKWARD_CALLS,
    MAX_POINTS,
    MAX_TABLE_POINTS,
    NOTEBOOK_X,
    PRESETS,
    accumulation_trap,
    chain_code,
    chain_figure,
    chain_rule,
    check_points,
    exact_chain_derivative,
    nonscalar_trap,
    parse_inner,
    parse_outer,
    parse_points,
    sum_trap,
)
from core.errors import ExpressionError, LabError
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


def test_presets_parse_and_notebook_presets_come_first():
    assert list(PRESETS)[:2] == ["notebook_cube", "notebook_poly"]
    for inner, outer in PRESETS.values():
        parse_inner(inner)
        parse_outer(outer)


# ---------------------------------------------------------------- chain product = full autograd = SymPy

NAMES = sorted(CATALOGUE)
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


def test_too_complex_composition_is_refused():
    with pytest.raises(LabError) as info:
        chain_rule("silu(gelu(silu(gelu(silu(gelu(x))))))", "u*sin(u)*cos(u)*exp(u)*tanh(u)*atan(u)*erf(u)", [1.0])
    assert info.value.key == "err.chain_too_complex"


# ---------------------------------------------------------------- variables and expressions


def test_outer_written_in_x_is_a_clear_error():
    with pytest.raises(ExpressionError) as info:
        chain_rule("x*x", "x**3", NOTEBOOK_X)
    assert info.value.key == "err.chain_outer_uses_x"
    assert "written in u" in str(info.value) and "escrita em u" in info.value.message("pt")


def test_inner_written_in_u_is_a_clear_error():
    with pytest.raises(ExpressionError) as info:
        parse_inner("u*u")
    assert info.value.key == "err.chain_inner_uses_u"
    assert "written in x" in str(info.value)


def test_other_variable_names_are_unknown_names():
    with pytest.raises(ExpressionError) as info:
        parse_outer("y**2")
    assert info.value.key == "err.expr_name" and "'y'" in str(info.value)


def test_expression_object_with_the_wrong_variable_is_refused():
    with pytest.raises(ExpressionError) as info:
        parse_outer(parse_inner("x*x"))
    assert info.value.key == "err.chain_outer_uses_x"


def test_unsafe_text_is_refused_by_the_parser():
    with pytest.raises(ExpressionError):
        chain_rule("__import__('os').system('true')", "u", [1.0])


# ---------------------------------------------------------------- points


def test_too_many_points_are_refused():
    with pytest.raises(LabError) as info:
        check_points(np.zeros(MAX_POINTS + 1))
    assert info.value.key == "err.chain_points_count"


def test_huge_list_is_refused_before_building_an_array():
    with pytest.raises(LabError):
        check_points([0.0] * (MAX_POINTS + 1))


def test_empty_points_are_refused():
    with pytest.raises(LabError):
        check_points([])


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_points_are_refused(bad):
    with pytest.raises(LabError) as info:
        chain_rule("x", "u", [0.0, bad])
    assert info.value.key == "err.chain_points_finite"


def test_two_dimensional_points_are_refused():
    with pytest.raises(LabError) as info:
        check_points([[0.0, 1.0], [2.0, 3.0]])
    assert info.value.key == "err.chain_points_ndim"


def test_huge_point_is_refused():
    with pytest.raises(LabError):
        check_points([1e7])


@pytest.mark.parametrize("bad", ["0, 1", 3.0, None, ["a", "b"]])
def test_non_sequences_are_refused(bad):
    with pytest.raises(LabError):
        check_points(bad)


def test_parse_points_accepts_commas_semicolons_and_spaces():
    np.testing.assert_array_equal(parse_points(" 0, 1;2  3 ,-1.5e0 "), [0, 1, 2, 3, -1.5])


@pytest.mark.parametrize("text", ["1, x", "__import__('os')", "1,,2;abc", "0,5.5.5"])
def test_parse_points_refuses_non_numbers(text):
    with pytest.raises(LabError) as info:
        parse_points(text)
    assert info.value.key == "err.chain_points_number"


@pytest.mark.parametrize("text", ["nan", "1, inf", "1e999"])
def test_parse_points_refuses_non_finite(text):
    with pytest.raises(LabError):
        parse_points(text)


def test_parse_points_refuses_too_many():
    with pytest.raises(LabError) as info:
        parse_points(", ".join(["1"] * (MAX_TABLE_POINTS + 1)))
    assert info.value.key == "err.chain_points_count"


def test_parse_points_refuses_long_text():
    with pytest.raises(LabError) as info:
        parse_points("1" * 401)
    assert info.value.key == "err.chain_points_length"


def test_parse_points_refuses_empty_text():
    with pytest.raises(LabError) as info:
        parse_points("  , ")
    assert info.value.key == "err.chain_points_empty"


def test_unknown_device_and_dtype_are_refused():
    with pytest.raises(LabError):
        chain_rule("x", "u", [1.0], device="tpu")
    with pytest.raises(LabError):
        chain_rule("x", "u", [1.0], dtype="float16")


# ---------------------------------------------------------------- the code shown on the page


def _run(code: str) -> dict:
    # the program is our own output for test inputs; running it checks it says what it computes
    namespace: dict = {}
    exec(compile(code, "<chain_code>", "exec"), namespace)  # noqa: S102
    return namespace


@pytest.mark.parametrize("inner,outer", [*PRESETS.values(), ("3", "u**2"), ("x", "2"), ("2**x", "e**u - pi")])
def test_chain_code_computes_what_chain_rule_computes(inner, outer):
    xs = [0.0, 0.5, 1.0, 3.0]
    r = chain_rule(inner, outer, xs)
    ns = _run(chain_code(inner, outer, xs))
    np.testing.assert_array_equal(ns["du_dx"].numpy(), r.du_dx)
    np.testing.assert_array_equal(ns["dz_du"].numpy(), r.dz_du)
    np.testing.assert_array_equal(ns["dz_dx_chain"].numpy(), r.dz_dx_chain)
    np.testing.assert_array_equal(ns["dz_dx"].numpy(), r.dz_dx)


def test_chain_code_marks_the_lines_that_fill_grad():
    code = chain_code("x*x", "u**3", NOTEBOOK_X, lang="en")
    marked = [line for line in code.splitlines() if "# <-" in line]
    assert len(marked) == 3
    assert "x.grad" in marked[0] and "v.grad" in marked[1] and "x.grad" in marked[2]
    assert all(line.lstrip().startswith(("u.backward", "z.backward")) for line in marked)
    assert "z = v ** 3" in code  # the outer function is applied to the detached leaf


def test_chain_code_renames_only_the_variable():
    code = chain_code("x", "gelu(u) + relu(u)", [1.0, 2.0])
    assert "F.gelu(v) + torch.relu(v)" in code


def test_chain_code_is_translated():
    assert "preenche x.grad" in chain_code("x*x", "u**3", NOTEBOOK_X, lang="pt")


def test_chain_code_refuses_many_points():
    with pytest.raises(LabError):
        chain_code("x", "u", list(range(MAX_TABLE_POINTS + 1)))


# ---------------------------------------------------------------- trap 1: accumulation


def test_backward_calls_accumulate_into_grad():
    trap = accumulation_trap("x*x", NOTEBOOK_X, calls=3)
    np.testing.assert_array_equal(trap.du_dx, [0, 2, 4, 6])
    for k in range(3):
        np.testing.assert_array_equal(trap.grads[k], (k + 1) * np.array([0, 2, 4, 6]))


def test_zero_and_none_both_fix_the_accumulation():
    trap = accumulation_trap("sin(x)", [0.5, 1.0], calls=4)
    np.testing.assert_allclose(trap.grads[-1], 4 * np.cos([0.5, 1.0]), rtol=1e-15)
    np.testing.assert_allclose(trap.after_zero, np.cos([0.5, 1.0]), rtol=1e-15)
    np.testing.assert_allclose(trap.after_none, np.cos([0.5, 1.0]), rtol=1e-15)


@pytest.mark.parametrize("calls", [0, MAX_BACKWARD_CALLS + 1, True, 2.5, "2"])
def test_backward_calls_are_bounded(calls):
    with pytest.raises(LabError) as info:
        accumulation_trap("x*x", NOTEBOOK_X, calls=calls)
    assert info.value.key == "err.chain_calls"


def test_traps_refuse_a_single_point():
    with pytest.raises(LabError) as info:
        accumulation_trap("x*x", [1.0])
    assert info.value.key == "err.chain_trap_points"


def test_traps_refuse_a_constant_inner():
    with pytest.raises(LabError) as info:
        sum_trap("2", NOTEBOOK_X)
    assert info.value.key == "err.chain_trap_constant"


# ---------------------------------------------------------------- trap 2: backward on a vector


def test_backward_on_a_vector_raises_pytorchs_message():
    trap = nonscalar_trap("x*x", NOTEBOOK_X)
    assert trap.message == "grad can be implicitly created only for scalar outputs"


def test_vector_of_ones_is_the_gradient_of_the_sum():
    trap = nonscalar_trap("x*x", NOTEBOOK_X)
    np.testing.assert_array_equal(trap.grad_ones, [0, 2, 4, 6])
    np.testing.assert_array_equal(trap.grad_sum, trap.grad_ones)


def test_weights_give_a_vector_jacobian_product():
    trap = nonscalar_trap("sin(x)", [0.5, 1.0, 2.0], weights=[2.0, -1.0, 0.5])
    np.testing.assert_allclose(trap.grad_weights, np.array([2.0, -1.0, 0.5]) * np.cos([0.5, 1.0, 2.0]), rtol=1e-15)


def test_default_weights_are_one_to_n():
    np.testing.assert_array_equal(nonscalar_trap("x", [5.0, 6.0, 7.0]).grad_weights, [1, 2, 3])


def test_weights_of_another_size_are_refused():
    with pytest.raises(LabError) as info:
        nonscalar_trap("x", [1.0, 2.0], weights=[1.0])
    assert info.value.key == "err.chain_weights"


# ---------------------------------------------------------------- trap 3: sum then differentiate


def test_elementwise_function_sum_gradient_is_the_jacobian_diagonal():
    case = sum_trap("x**2*sin(x)", [0.5, 1.0, 2.0])[0]
    assert case.elementwise and case.max_off_diagonal == 0.0
    np.testing.assert_array_equal(case.grad_of_sum, case.jacobian_diagonal)


def test_x_minus_mean_sum_gradient_is_zero_not_the_diagonal():
    xs = [0.0, 1.0, 2.0, 3.0]
    case = sum_trap("x*x", xs)[1]
    assert not case.elementwise
    np.testing.assert_allclose(case.grad_of_sum, 0.0, atol=1e-15)
    np.testing.assert_allclose(case.jacobian_diagonal, 1 - 1 / len(xs), rtol=1e-15)
    assert case.max_off_diagonal == pytest.approx(1 / len(xs), rel=1e-15)


def test_x_times_sum_sum_gradient_is_twice_the_sum():
    xs = np.array([1.0, 2.0, 4.0])
    case = sum_trap("x", xs)[2]
    assert not case.elementwise
    np.testing.assert_array_equal(case.grad_of_sum, 2 * xs.sum())
    np.testing.assert_array_equal(case.jacobian_diagonal, xs.sum() + xs)


def test_elementwise_function_with_nan_off_diagonal_is_still_elementwise():
    # sqrt's backward at 0 computes 0 / 0 off the diagonal
    case = sum_trap("sqrt(x)", [0.0, 1.0])[0]
    assert case.elementwise


# ---------------------------------------------------------------- figure


def test_figure_draws_the_factors_the_product_and_the_full_derivative_dashed():
    xs = np.linspace(-1, 1, 11)
    r = chain_rule("x**2", "sqrt(u)", xs)
    fig = chain_figure(r, marks=chain_rule("x**2", "sqrt(u)", [0.5]), lang="en")
    names = [tr.name for tr in fig.data]
    assert len(names) == 5
    full = fig.data[3]
    assert full.line.dash == "dash" and fig.data[2].line.dash is None
    assert np.isnan(np.asarray(full.y, dtype=float)[5])  # the NaN at x = 0 is a gap, not an error
    assert all(np.isfinite(np.asarray(t.y, dtype=float)[~np.isnan(np.asarray(t.y, dtype=float))]).all() for t in fig.data)


def test_core_chain_rule_is_the_function_and_no_module_shares_its_name():
    import importlib.util

    import core

    importlib.import_module("core.chain.compute")  # the lab's package is core.chain, not core.chain_rule
    assert importlib.util.find_spec("core.chain_rule") is None
    assert callable(core.chain_rule) and core.chain_rule is core.chain.chain_rule
    r = core.chain_rule("x*x", "u**3", [0, 1, 2, 3])
    np.testing.assert_array_equal(r.dz_du, [0, 3, 48, 243])
