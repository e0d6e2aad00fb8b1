"""The catalogue's newer functions (issue 14): each against torch's autograd at orders 1 to 3, at its
domain edges, in its code and folded forms, and with its messages.

The exact reference is SymPy's derivative evaluated by core.expression.numeric; where a catalogue
class writes its own derivative (sign, clamp, sinc), that derivative is checked against torch (the
convention) and, for sinc, against mpmath.diff of the textbook formula (the mathematics).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
import sympy as sp
import torch
import torch.nn.functional as F

from core.errors import ExpressionError
from core.expression import GROUPS, catalogue_help, conventions, parse
from core.expression.catalogue import CATALOGUE, clamp, sgn, sinc, sinc_derivative
from core.expression.numeric import evaluate, sinc_derivative_values
from core.expression.parser import tree_size
from core.expression.symbolic import MAX_EXACT_NODES
from core.i18n import tr

XY = ("x", "y")
# (expression, interval inside its domain); 40 points each, away from poles by the interval
CASES = [
    ("asin(x)", (-0.95, 0.95)),
    ("acos(x)", (-0.95, 0.95)),
    ("asinh(x)", (-4.0, 4.0)),
    ("acosh(x)", (1.05, 4.0)),
    ("atanh(x)", (-0.95, 0.95)),
    ("sec(x)", (-1.4, 1.4)),
    ("csc(x)", (0.2, 2.9)),
    ("cot(x)", (0.2, 2.9)),
    # torch's sinc backward is (pi x cos(pi x) - sin(pi x)) / (pi x**2), which cancels near 0: in
    # float32 its third derivative is off by 4e-4 at x = 0.08. See test_sinc_at_zero.
    ("sinc(x)", (0.3, 3.3)),
    ("erfc(x)", (-3.0, 3.0)),
    ("sign(x)", (-3.0, 3.0)),
    ("expm1(x)", (-3.0, 3.0)),
    ("log2(x)", (0.1, 4.0)),
    ("log10(x)", (0.1, 4.0)),
    ("min(x, 0.5)", (-3.0, 3.0)),
    ("max(x, 0.5)", (-3.0, 3.0)),
    ("max(sin(x), cos(x))", (-3.0, 3.0)),
    ("min(x**2, x)", (-3.0, 3.0)),
    ("clamp(x, -1, 1)", (-3.0, 3.0)),
    ("clamp(sin(x), -0.5, pi/4)", (-3.0, 3.0)),
]
# |autograd - exact| <= RTOL * (|exact| + 1); float32 is rounded once more by the cast of x
RTOL = {torch.float64: 1e-12, torch.float32: 2e-4}
NEW = ("asin", "acos", "asinh", "acosh", "atanh", "sec", "csc", "cot", "sinc", "erfc", "sign", "expm1", "log2", "log10")


def autograd(e, x: torch.Tensor, order: int) -> list[np.ndarray]:
    """d^k f / dx^k for k = 1..order by torch (elementwise: the gradient of the sum)."""
    x = x.detach().clone().requires_grad_(True)
    y, out = e(x), []
    for _ in range(order):
        if not y.requires_grad:  # the previous derivative is a constant: the next is 0
            out.append(np.zeros(x.shape))
            y = torch.zeros_like(x)
            continue
        (y,) = torch.autograd.grad(y.sum(), x, create_graph=True)
        out.append(y.detach().numpy().astype(np.float64))
    return out


def exact(e, order: int) -> list[sp.Expr]:
    d, out = e.real_sympy, []
    for _ in range(order):
        d = sp.diff(d, e.real_symbol)
        out.append(d)
    return out


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize(("text", "interval"), CASES, ids=[c[0] for c in CASES])
def test_autograd_matches_the_exact_derivative_at_orders_1_to_3(text, interval, dtype):
    e = parse(text)
    x = torch.linspace(*interval, 40, dtype=dtype)
    xs = x.numpy().astype(np.float64)  # the reference at the very points torch saw
    for k, (got, d) in enumerate(zip(autograd(e, x, 3), exact(e, 3), strict=True), start=1):
        ref = evaluate(d, e.real_symbol, xs)
        assert np.isfinite(ref).all() and np.isfinite(got).all(), (text, k)
        err = np.abs(got - ref)
        bound = RTOL[dtype] * (np.abs(ref) + 1.0)
        i = int(np.argmax(err - bound))
        assert np.all(err <= bound), f"{text} order {k} at x = {xs[i]}: autograd {got[i]!r}, exact {ref[i]!r}"


@pytest.mark.parametrize("name", NEW)
def test_third_derivative_stays_small(name):
    e = parse(f"{name}(x)")
    assert tree_size(exact(e, 3)[-1]) < MAX_EXACT_NODES / 20


# --- domain edges: gaps in the reference, never a crash --------------------------------------------


def edge_values(text: str, points: list[float]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    e = parse(text)
    x = torch.tensor(points, dtype=torch.float64)
    with np.errstate(all="ignore"):
        return autograd(e, x, 3), [evaluate(d, e.real_symbol, x.numpy()) for d in exact(e, 3)]


def test_asin_derivatives_are_infinite_at_plus_and_minus_one():
    got, ref = edge_values("asin(x)", [-1.0, 1.0])
    for k in range(3):
        np.testing.assert_array_equal(ref[k], got[k])
    np.testing.assert_array_equal(ref[0], [math.inf, math.inf])
    np.testing.assert_array_equal(ref[1], [-math.inf, math.inf])


def test_acos_derivative_is_minus_infinity_at_the_ends():
    got, ref = edge_values("acos(x)", [-1.0, 1.0])
    np.testing.assert_array_equal(ref[0], [-math.inf, -math.inf])
    np.testing.assert_array_equal(got[0], ref[0])


def test_outside_the_domain_the_reference_is_nan_like_torch():
    for text, points in (("asin(x)", [-2.0, 1.5]), ("acos(x)", [1.01]), ("acosh(x)", [0.5])):
        got, ref = edge_values(text, points)
        for k in range(3):
            assert np.isnan(ref[k]).all() and np.isnan(got[k]).all(), (text, k + 1, ref[k], got[k])


def test_acosh_below_minus_one_is_nan_though_torchs_slope_is_finite():
    """torch's backward is 1/sqrt(x**2 - 1), real for x < -1 where acosh is not; the reference leaves a gap."""
    got, ref = edge_values("acosh(x)", [-3.0])
    assert torch.isnan(parse("acosh(x)")(torch.tensor([-3.0], dtype=torch.float64))).all()
    assert got[0][0] == pytest.approx(1 / math.sqrt(8), rel=1e-15) and np.isnan(ref[0][0])


def test_acosh_at_one_is_infinite_then_undefined():
    got, ref = edge_values("acosh(x)", [1.0])
    assert ref[0][0] == got[0][0] == math.inf
    assert ref[1][0] == got[1][0] == -math.inf
    assert np.isnan(got[2][0]) and not np.isfinite(ref[2][0])  # inf - inf in torch; both leave a gap


def test_atanh_and_logs_at_their_edges_are_infinite():
    for text, point in (("atanh(x)", 1.0), ("atanh(x)", -1.0), ("log2(x)", 0.0), ("log10(x)", 0.0)):
        got, ref = edge_values(text, [point])
        assert math.isinf(ref[0][0]) and ref[0][0] == got[0][0], text


def test_the_derivatives_page_shows_gaps_outside_the_domain():
    from core.derivatives import differentiate  # the lab's path: symbolic in a child, NumPy reference

    r = differentiate("asin(x)", start=-2.0, stop=2.0, points=9, order=1)
    assert np.isnan(r.df_exact[[0, 1, 7, 8]]).all() and np.isinf(r.df_exact[[2, 6]]).all()
    np.testing.assert_allclose(r.df_exact[3:6], 1 / np.sqrt(1 - r.x[3:6] ** 2), rtol=1e-15)


# --- PyTorch's conventions, followed by the SymPy forms -------------------------------------------


def test_sign_derivative_is_zero_everywhere_even_at_zero():
    got, ref = edge_values("sign(x)", [-1.0, 0.0, 2.0])
    for k in range(3):
        np.testing.assert_array_equal(got[k], [0.0, 0.0, 0.0])
        np.testing.assert_array_equal(ref[k], [0.0, 0.0, 0.0])
    assert sp.diff(parse("sign(x)").real_sympy, sp.Symbol("x", real=True)) == 0


@pytest.mark.parametrize(
    ("text", "point", "derivatives"),
    [
        ("max(x, 0.5)", 0.5, [0.5, 0.0, 0.0]),
        ("min(x, 0.5)", 0.5, [0.5, 0.0, 0.0]),
        ("max(x**2, x)", 0.0, [0.5, 1.0, 0.0]),  # half of 0 + half of 1; half of 2 + half of 0
        ("min(x**2, x)", 1.0, [1.5, 1.0, 0.0]),
        ("max(x, x)", 1.0, [1.0, 0.0, 0.0]),
    ],
)
def test_max_and_min_split_the_gradient_at_a_tie(text, point, derivatives):
    got, ref = edge_values(text, [point])
    for k in range(3):
        assert got[k][0] == ref[k][0] == derivatives[k], (text, k + 1, got[k], ref[k])


def test_max_that_sympy_resolves_is_the_true_derivative_at_the_tie():
    """SymPy writes max(x**2, 0) as x**2: the reference says 2 at x = 0, torch's tie split 1."""
    assert parse("max(x**2, 0)").real_sympy == sp.Symbol("x", real=True) ** 2
    got, ref = edge_values("max(x**2, 0)", [0.0, 1.0])
    assert got[1].tolist() == [1.0, 2.0] and ref[1].tolist() == [2.0, 2.0]


def test_clamp_passes_the_gradient_at_both_bounds():
    points = [-2.0, -1.0, 0.0, 1.0, 2.0]
    got, ref = edge_values("clamp(x, -1, 1)", points)
    np.testing.assert_array_equal(got[0], [0.0, 1.0, 1.0, 1.0, 0.0])
    np.testing.assert_array_equal(ref[0], got[0])
    for k in (1, 2):
        np.testing.assert_array_equal(got[k], 0.0)
        np.testing.assert_array_equal(ref[k], 0.0)


def test_sinc_at_zero():
    """torch: sinc'(0) = 0, then NaN (its backward divides 0 by 0); the reference gives the limits."""
    got, ref = edge_values("sinc(x)", [0.0])
    assert got[0][0] == ref[0][0] == 0.0
    assert np.isnan(got[1][0]) and np.isnan(got[2][0])
    assert ref[1][0] == pytest.approx(-(math.pi**2) / 3, rel=1e-15) and ref[2][0] == 0.0


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4])
def test_sinc_derivatives_match_mpmath(n):
    mpmath.mp.dps = 40
    f = lambda t: mpmath.sinpi(t) / (mpmath.pi * t) if t else mpmath.mpf(1)  # noqa: E731
    xs = np.array([0.0, 1e-9, -1e-3, 0.3, 0.6366, 0.6367, -0.9, 2.5, -7.25, 30.1])
    ref = np.array([float(mpmath.diff(f, mpmath.mpf(float(v)), n)) for v in xs])
    got = sinc_derivative_values(n, xs)
    np.testing.assert_allclose(got, ref, rtol=1e-13, atol=1e-14 * math.pi**n)


# --- code, folding, printing --------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32], ids=["float64", "float32"])
@pytest.mark.parametrize(("text", "interval"), CASES, ids=[c[0] for c in CASES])
def test_code_form_runs_and_gives_the_same_numbers(text, interval, dtype):
    e = parse(text)
    x = torch.linspace(*interval, 41, dtype=dtype)
    namespace = {"torch": torch, "math": math, "F": F, "x": x}
    got = eval(compile(e.code, "<code>", "eval"), namespace)  # our generator's output, from our own case list
    assert got.dtype == dtype
    torch.testing.assert_close(got, e(x), rtol=0, atol=0, equal_nan=True)


def test_two_variable_code_keeps_the_dtype_of_a_constant():
    e = parse("max(x, 0.1)")
    assert e.code == "torch.maximum(x, torch.tensor(0.1, dtype=x.dtype))"
    x = torch.tensor([0.0, 1.0], dtype=torch.float64)
    assert eval(e.code, {"torch": torch, "x": x})[0].item() == 0.1  # not float32's 0.10000000149


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        *((f"{n}(0.75)", n, (0.75,)) for n in NEW if n != "acosh"),
        ("acosh(1.75)", "acosh", (1.75,)),
        ("sign(-2.5)", "sign", (-2.5,)),
        ("sign(0)", "sign", (0.0,)),
        ("sinc(0)", "sinc", (0.0,)),
        ("min(0.3, -0.7)", "min", (0.3, -0.7)),
        ("max(0.3, -0.7)", "max", (0.3, -0.7)),
        ("clamp(2.5, -1, 1)", "clamp", (2.5, -1.0, 1.0)),
        ("clamp(0.25, -1, 1)", "clamp", (0.25, -1.0, 1.0)),
    ],
)
def test_a_constant_folds_to_torchs_value(text, name, args):
    e = parse(text)
    assert e.is_constant
    tensors = [torch.tensor(a, dtype=torch.float64) for a in args[:1]] + list(args[1:])
    if name in ("min", "max"):
        tensors = [torch.tensor(a, dtype=torch.float64) for a in args]
    want = CATALOGUE[name].torch_fn(*tensors).item()
    got = e(torch.zeros(1, dtype=torch.float64)).item()
    assert got == pytest.approx(want, rel=4e-16, abs=1e-300)
    # the SymPy form of the constant, through the reference evaluator, is the same number
    assert evaluate(e.sympy, e.symbol, np.zeros(1))[0] == pytest.approx(want, rel=1e-15, abs=1e-300)


@pytest.mark.parametrize(("text", "want"), [("atan2(1, -2)", math.atan2(1, -2)), ("hypot(3, 4)", 5.0)])
def test_two_variable_constants_fold(text, want):
    e = parse(text, variables=XY)
    assert e.is_constant and e(torch.zeros(1), torch.zeros(1)).item() == pytest.approx(want, rel=1e-7)


@pytest.mark.parametrize(
    "text", ["asin(2)", "acos(-1.5)", "acosh(0.5)", "atanh(1)", "log2(0)", "log10(-1)", "cot(0)", "csc(0)", "sec(pi/2)"]
)
def test_a_constant_outside_the_domain_is_refused(text):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert info.value.key == "err.expr_constant"


def test_custom_functions_print_under_powers():
    x = sp.Symbol("x", real=True)
    for expr in (sinc(x) ** 2, sinc_derivative(2, x) ** 3, clamp(x, -1, 1) ** 2, sgn(x) ** 2, 1 / sinc(x) ** 2):
        assert sp.latex(expr) and str(expr)
    assert sp.latex(sinc_derivative(2, x)) == r"\operatorname{sinc}''\left(x\right)"
    assert sp.latex(parse("sinc(x)**2").real_sympy) == r"\operatorname{sinc}^{2}\left(x\right)"


# --- messages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("min(x)", "err.expr_arity_many"),
        ("max(x, 1, 2)", "err.expr_arity_many"),
        ("clamp(x, 1)", "err.expr_arity_many"),
        ("min(x, b=1)", "err.expr_arity_many"),
        ("sign(x, 1)", "err.expr_arity"),
        ("clamp(x, x, 1)", "err.expr_constant_arg"),
        ("clamp(x, -1, sin(x))", "err.expr_constant_arg"),
        ("clamp(x, 1, 1)", "err.expr_clamp_bounds"),
        ("clamp(x, 2, -pi)", "err.expr_clamp_bounds"),
        ("atan2(x, 1)", "err.expr_function"),
        ("hypot(x, x)", "err.expr_function"),
    ],
)
def test_bad_calls_are_refused_with_their_message(text, key):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    assert info.value.key == key
    for lang in ("pt", "en"):
        message = info.value.message(lang)
        assert "{" not in message and message != key


def test_a_non_constant_bound_names_its_position():
    with pytest.raises(ExpressionError) as info:
        parse("clamp(x, -1, x)")
    assert info.value.params["position"] == 3 and info.value.params["col"] == 14


def test_one_variable_catalogue_offered_in_the_message_has_no_two_variable_function():
    with pytest.raises(ExpressionError) as info:
        parse("atan2(x, 1)")
    assert "hypot" not in info.value.params["allowed"] and "clamp" in info.value.params["allowed"]


# --- the help text and the conventions --------------------------------------------------------------


def test_groups_hold_every_function_and_nothing_else():
    grouped = [n for _, names in GROUPS for n in names]
    assert set(grouped) == set(CATALOGUE)
    assert len(grouped) == len(set(grouped)) + 1  # relu: an activation and a piecewise function


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_help_lists_every_function_a_lab_may_call(lang):
    one, two = catalogue_help(lang), catalogue_help(lang, variables=2)
    for name, f in CATALOGUE.items():
        assert f"`{name}" in two
        assert (f"`{name}" in one) == (f.min_variables == 1), name
    for key, _ in GROUPS:
        assert tr(key, lang) in two
    assert "asin` (-1 ≤ x ≤ 1)" in one and "`clamp(x, lo, hi)`" in one


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("sin(x)", ()),
        ("relu(x) + sign(x)", ("expr.conv_relu", "expr.conv_sign")),
        ("max(x, 1)*clamp(x, 0, 1) + min(x, 2)", ("expr.conv_max_min", "expr.conv_clamp")),
        ("sinc(x)", ("expr.conv_sinc",)),
        ("relu(2)*x + sign(-1)", ()),  # folded: no kink left
    ],
)
def test_conventions_name_what_the_expression_uses(text, keys):
    assert conventions(parse(text)) == keys
    for key in keys:
        pt, en = tr(key, "pt"), tr(key, "en")
        assert pt != key and en != key and pt != en


# --- two variables ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["atan2(y, x)", "hypot(x, y)", "atan2(y, x)*hypot(x, y)"])
def test_two_variable_functions_match_sympy_partials_to_order_3(text):
    e = parse(text, variables=XY)
    xs = torch.tensor([0.7, -1.3, 2.0, -0.4], dtype=torch.float64, requires_grad=True)
    ys = torch.tensor([-0.5, 1.1, 0.3, -2.2], dtype=torch.float64, requires_grad=True)
    sx, sy = e.real_symbols
    for wrt, sym in ((xs, sx), (ys, sy)):
        y, d = e(xs, ys), e.real_sympy
        for k in range(1, 4):
            (y,) = torch.autograd.grad(y.sum(), wrt, create_graph=True)
            d = sp.diff(d, sym)
            ref = evaluate(d, e.real_symbols, (xs.detach().numpy(), ys.detach().numpy()))
            np.testing.assert_allclose(y.detach().numpy(), ref, rtol=1e-12, atol=1e-13, err_msg=f"{text} d{sym}^{k}")


def test_two_variable_functions_at_the_origin_leave_a_gap_in_the_reference():
    e = parse("hypot(x, y)", variables=XY)
    zero = np.zeros(1)
    for sym in e.real_symbols:
        assert np.isnan(evaluate(sp.diff(e.real_sympy, sym), e.real_symbols, (zero, zero))).all()
    a = parse("atan2(y, x)", variables=XY)
    assert np.isnan(evaluate(sp.diff(a.real_sympy, a.real_symbols[0]), a.real_symbols, (zero, zero))).all()
