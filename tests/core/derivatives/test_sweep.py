"""Core over its whole input space (issue 10), not over examples.

Every catalogue function f in five forms (f(x), f(x)**2, f(x)**-2, f(x)**1.5, 1/f(x)), every
composition f(g(x)) (18 x 18) and every product f(x)*g(x) (f <= g: the product commutes), at
every order (1, 2, 3) and in both dtypes, on 33 points of [-3, 3] (0, negatives, both tails):
3510 cases. Each case goes through ``differentiate``, the printers (``exact_latex``, LaTeX and
str of the function), the agreement check below, the PyTorch program ``torch_code`` prints (run
here, in pt for float32 and en for float64: its dy must equal differentiate's df exactly),
``tangent`` at 0 and ``expression_graph_dot``. ``derivative_figure`` costs ~30 ms, so each
expression draws its figure once, at an (order, dtype) that rotates with its position: every
function in every form and every composition is drawn, and each (order, dtype) is drawn as often
as the others. The file takes 44-54 s of CPU here (40-66 s wall on 2 cores shared with other jobs).

No combination may raise anything but a LabError, and the only LabError accepted is
"err.diff_too_complex" (a derivative tree over MAX_EXACT_NODES); MAX_TOO_COMPLEX bounds how many
per test. On this grid there are none.

Agreement of autograd (``df``) with the exact derivative (``df_exact``), at every point where
both are finite, uses the bound of tests/core/test_properties.py with per-dtype constants:

    |df - df_exact| <= RTOL[dtype] * (|df_exact| + M(x) + 1)

M(x) is the size of the terms the exact derivative adds up (every sum replaced by the sum of
its terms' absolute values), widened to two grid neighbours: rounding in a sum is relative to
its terms, not to its result (sigmoid''(x) = s(1 - s)(1 - 2s) cancels near 0). RTOL is 1e-12 in
float64 (~4500 ulp; the worst case on this grid is ~700 ulp: log1p(erf(x)) at x = -2.4, where
1 + erf(x) cancels) and 1e-4 in float32 (~840 ulp). softplus adds e^-20 ~ 2e-9 relative: torch
returns its input above 20 (documented threshold), dropping that much of the value and of
every derivative; the exact form does not.

A point beyond that bound passes only as ill-conditioned, at most MAX_ILL per case: where the
bound times (1 + kappa) holds, kappa being the worst cancellation of any sum in f or in its
derivative at that point ((sum of |terms|) / |sum|: the factor by which that sum's rounding is
amplified), or where autograd's own rounding noise explains the difference (how far its result
moves when x moves by 1 or 2 ulp, times NOISE, capped at NOISE_CAP (1 + |df| nearby)). On this
grid that is 12 points in 9 float32 cases: 1 + erf(x) at x = -3 (log1p(erf(x)): float32 keeps
two digits of 2.2e-5), gelu(x) at -3 (the same cancellation, in 1/gelu(x) and gelu(x)**-2) and
atan(tan(x)) at -1.5 (tan near its pole, order 3).

Points skipped, and why:
- Kinks and domain edges: where the argument of abs, relu, sqrt or log is exactly 0 (or of
  log1p exactly -1), or the base of f(x)**1.5 is 0, in the dtype. autograd applies a convention
  there (abs'(0) = relu'(0) = 0) or a one-sided infinity (sqrt'(0)), so its chain rule is not the
  composite's derivative: |x|**2 = x**2 has second derivative 2 at 0, autograd says 0. SymPy
  writes (u**1.5)' as 1.5 u**1.5 u'/u, which is 0/0 where u = 0. One point per kink here (x = 0),
  except sqrt(relu(x)) and abs(relu(x)), whose inner relu is 0 on the whole half-line.
- Where one side is finite and the other is not, the case passes only where f itself is not
  finite (outside the real domain: the reference's formula can reach past it, exp(log(x)) is x
  to SymPy), at a kink or edge as above, or where the exact value overflows the dtype.
"""

from __future__ import annotations

import ast
import itertools
import math

import numpy as np
import pytest
import sympy as sp
import torch
import torch.nn.functional as F

from core.derivatives.code import torch_code
from core.derivatives.figures import derivative_figure
from core.derivatives.graph import expression_graph_dot
from core.derivatives.grid import MAX_ORDER, Derivative, autograd, differentiate
from core.derivatives.tangent_line import tangent
from core.errors import LabError
from core.expression.catalogue import CATALOGUE
from core.expression.numeric import evaluate
from core.expression.parser import parse

# the catalogue of issue 10: every form, composition and product of two of them is swept
NAMES = ("abs", "atan", "cos", "cosh", "erf", "exp", "gelu", "log", "log1p", "relu")
NAMES += ("sigmoid", "silu", "sin", "sinh", "softplus", "sqrt", "tan", "tanh")
# the functions added by issue 14, each as a call of one argument {a}: every form at every order and
# dtype, composed over every function as the outer one and under each of NAMES as the inner one
CALLS = {name: f"{name}({{a}})" for name in ("acos", "acosh", "asin", "asinh", "atanh", "cot", "csc", "sec")}
CALLS |= {name: f"{name}({{a}})" for name in ("erfc", "expm1", "log10", "log2", "sign", "sinc")}
CALLS |= {"max": "max({a}, 0.375)", "min": "min({a}, 0.375)", "clamp": "clamp({a}, -0.75, 1.5)"}  # ties on the grid
NEW = tuple(sorted(CALLS))
COMPOSE_WITH = ("sin", "exp", "tanh")  # inside and outside the new functions' domains
FORMS = ("{f}(x)", "{f}(x)**2", "{f}(x)**-2", "{f}(x)**1.5", "1/{f}(x)")
ORDERS = tuple(range(1, MAX_ORDER + 1))
DTYPES = ("float64", "float32")
COMBOS = tuple(itertools.product(ORDERS, DTYPES))
START, STOP, POINTS = -3.0, 3.0, 33  # step 0.1875: 0, -1.5 and 1.5 are grid points
ZERO = POINTS // 2  # the index of x = 0

RTOL = {"float64": 1e-12, "float32": 1e-4}
SOFTPLUS_RTOL = 3e-9  # e^-20: what torch's softplus drops above its threshold
NOISE = 100.0
NOISE_CAP = {"float64": 1e-6, "float32": 1e-2}
MAX_ILL = 3  # points per case that may pass as ill-conditioned
MAX_TOO_COMPLEX = 0  # cases per test that may raise err.diff_too_complex
EDGES = {"abs": 0.0, "relu": 0.0, "sqrt": 0.0, "log": 0.0, "log1p": -1.0, "log2": 0.0, "log10": 0.0}  # kinks and edges
EDGES |= {"cot": 0.0, "csc": 0.0}  # poles: under clamp or min, f is finite and torch's slope inf * 0
# singular points that are no single value: where sinc's argument is a nonzero integer (a zero of
# sinc: in float32 its value, and 1/sinc's, is all rounding) or near 0 (torch's sinc backward divides
# 0 by 0 there from the second order on, and cancels nearby); where sign's argument is NaN
# (torch.sign(nan) is 0, NumPy's is NaN)
SINGULAR = {
    "sinc": lambda a: (a.abs() < 1e-2) | ((a == a.round()) & (a != 0)),
    "sign": torch.isnan,
}
X = sp.Symbol("x")


# --- the reference's tolerance -----------------------------------------------------------------


def magnitude(expr: sp.Expr, x: np.ndarray) -> np.ndarray:
    """The exact derivative with every sum replaced by the sum of its terms' absolute values."""
    if isinstance(expr, sp.Add):
        return sum((magnitude(a, x) for a in expr.args), np.zeros_like(x))
    if isinstance(expr, sp.Mul):
        out = np.ones_like(x)
        for a in expr.args:
            out = out * magnitude(a, x)
        return out
    return np.abs(evaluate(expr, X, x))


def local_scale(values: np.ndarray) -> np.ndarray:
    """The largest finite value within two grid points on either side."""
    a = np.where(np.isfinite(values), np.abs(values), 0.0)
    padded = np.pad(a, 2, mode="edge")
    return np.max(np.stack([padded[i : i + a.size] for i in range(5)]), axis=0)


def rounding_noise(r: Derivative) -> np.ndarray:
    """How far autograd's result moves when x moves by 1 or 2 ulp, capped (see the docstring)."""
    x = torch.from_numpy(r.x.copy())
    noise = np.zeros(r.x.shape)
    for k in (-2, -1, 1, 2):
        shifted = x
        for _ in range(abs(k)):
            shifted = torch.nextafter(shifted, torch.tensor(math.copysign(math.inf, k), dtype=x.dtype))
        moved = autograd(r.expression, shifted, r.order)[1].numpy(force=True).astype(np.float64)
        with np.errstate(invalid="ignore"):
            noise = np.fmax(noise, np.abs(moved - r.df.astype(np.float64)))
    return np.minimum(noise, NOISE_CAP[r.dtype] * (1.0 + local_scale(r.df.astype(np.float64))))


def edges(text: str, dtype: str) -> np.ndarray:
    """Grid points where the argument of abs, relu, sqrt, log, ... sits on its kink or edge, or
    where the base of a ** 1.5 is 0, each argument computed in the dtype as the case computes it."""
    x = torch.linspace(START, STOP, POINTS, dtype=getattr(torch, dtype))
    mask = torch.zeros(POINTS, dtype=torch.bool)
    for node in ast.walk(ast.parse(text, mode="eval")):
        if isinstance(node, ast.Call) and node.func.id in EDGES:
            mask |= parse(ast.unparse(node.args[0]))(x) == EDGES[node.func.id]
        if isinstance(node, ast.Call) and node.func.id in SINGULAR:
            mask |= SINGULAR[node.func.id](parse(ast.unparse(node.args[0]))(x))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and ast.unparse(node.right) == "1.5":
            mask |= parse(ast.unparse(node.left))(x) == 0
    return mask.numpy()


def check_agreement(r: Derivative, text: str) -> int:
    """Assert autograd agrees with the exact derivative; returns the points passed on noise alone."""
    got = r.df.astype(np.float64)
    ref = r.df_exact
    skip = edges(text, r.dtype)
    got_ok, ref_ok = np.isfinite(got), np.isfinite(ref)
    one_sided = (got_ok != ref_ok) & ~skip & np.isfinite(r.f)
    with np.errstate(invalid="ignore"):
        one_sided &= ~(np.abs(ref) >= 0.1 * np.finfo(r.dtype).max)
    assert not one_sided.any(), (
        f"{text} order {r.order} {r.dtype}: only one side finite at x = {r.x[one_sided]}: "
        f"autograd {got[one_sided]}, exact {ref[one_sided]}"
    )
    both = got_ok & ref_ok & ~skip
    if not both.any():
        return 0
    with np.errstate(all="ignore"):
        scale = np.abs(ref) + local_scale(magnitude(r.exact, r.x.astype(np.float64))) + 1.0
        rtol = RTOL[r.dtype] + (SOFTPLUS_RTOL if "softplus" in text else 0.0)
        err = np.abs(got - ref)
        bad = both & ~(err <= rtol * scale)
    if not bad.any():
        return 0
    # the rest can only be the dtype's own limit at an ill-conditioned point: a sum that cancels
    # (in f or in its derivative), or a rounding pattern autograd itself cannot hold still
    kappa = cancellation((r.expression.sympy, r.exact), r.x.astype(np.float64))
    with np.errstate(all="ignore"):
        ill = bad & ((err <= rtol * scale * (1.0 + kappa)) | (err <= NOISE * rounding_noise(r)))
    bad &= ~ill
    i = int(np.flatnonzero(bad | ill)[0])
    assert not bad.any() and ill.sum() <= MAX_ILL, (
        f"{text} order {r.order} {r.dtype} at x = {r.x[i]}: autograd {got[i]!r}, exact {ref[i]!r}, "
        f"{int(bad.sum())} bad and {int(ill.sum())} ill-conditioned points"
    )
    return int(ill.sum())


def cancellation(exprs: tuple[sp.Expr, ...], x: np.ndarray) -> np.ndarray:
    """The worst cancellation in any sum of ``exprs``: max of (sum of |terms|) / |sum|, widened to
    two grid neighbours and capped at 1/eps of float32 (where no digit is left)."""
    kappa = np.zeros_like(x)
    sums = {node for e in exprs for node in sp.preorder_traversal(e) if isinstance(node, sp.Add)}
    with np.errstate(all="ignore"):
        for node in sums:
            ratio = magnitude(node, x) / np.abs(evaluate(node, X, x))
            kappa = np.fmax(kappa, np.where(np.isnan(ratio), 0.0, ratio))
    return np.minimum(local_scale(kappa), 1.0 / np.finfo(np.float32).eps)


# --- one case through everything -----------------------------------------------------------------


def check_printers(r: Derivative) -> None:
    assert r.exact_latex and "Derivative" not in r.exact_latex
    assert r.expression.latex and sp.latex(r.expression.sympy) == r.expression.latex
    assert str(r.exact) and sp.sstr(r.expression.sympy)


def check_code(r: Derivative, lang: str) -> None:
    """The program the page shows computes what differentiate computed, point for point."""
    code = torch_code(r.expression, start=START, stop=STOP, points=POINTS, device="cpu", dtype=r.dtype, order=r.order, lang=lang)
    namespace = {"torch": torch, "math": math, "F": F}
    exec(compile(code, "<torch_code>", "exec"), namespace)  # our generator's output, from our own case list
    dy = namespace["dy"].detach().numpy(force=True)
    assert dy.dtype == r.df.dtype
    np.testing.assert_array_equal(dy, r.df, err_msg=f"{r.expression.text} order {r.order} {r.dtype}")


def check_tangent_and_graph(r: Derivative, lang: str) -> None:
    t = tangent(r.expression, 0.0, dtype=r.dtype)
    assert t.x0 == 0.0
    if r.order == 1:  # the same autograd and reference at the grid's x = 0 (one point: its own kernels)
        rtol = 1e-6 if r.dtype == "float32" else 1e-14
        np.testing.assert_allclose([t.f0, t.slope], [r.f[ZERO], r.df[ZERO]], rtol=rtol, atol=0, equal_nan=True)
        np.testing.assert_allclose(t.slope_exact, r.df_exact[ZERO], rtol=1e-14, atol=0, equal_nan=True)
    dot = expression_graph_dot(r.expression, lang=lang, dtype=r.dtype, points=POINTS)
    assert f"x  ({POINTS},) {r.dtype}" in dot


def check_figure(r: Derivative, lang: str) -> None:
    fig = derivative_figure(r, lang=lang, tangent=tangent(r.expression, 0.0, dtype=r.dtype))
    assert len(fig.data) >= 4


def run_case(text: str, order: int, dtype: str, *, figure: bool, stats: dict) -> None:
    try:
        r = differentiate(text, start=START, stop=STOP, points=POINTS, order=order, dtype=dtype)
    except LabError as err:
        assert err.key == "err.diff_too_complex", (text, order, dtype, err.key, str(err))
        stats["too_complex"] += 1
        return
    assert r.x.dtype == r.f.dtype == r.df.dtype == np.dtype(dtype) and r.df_exact.dtype == np.float64
    lang = "pt" if dtype == "float32" else "en"
    check_printers(r)
    stats["ill"] += check_agreement(r, text)
    check_code(r, lang)
    check_tangent_and_graph(r, lang)
    if figure:
        check_figure(r, lang)


def new_stats() -> dict:
    return {"too_complex": 0, "ill": 0}


def sampled(k: int) -> tuple[int, str]:
    """The (order, dtype) at which the k-th expression of a test also draws its figure."""
    return COMBOS[k % len(COMBOS)]


# --- the grid ------------------------------------------------------------------------------------


@pytest.mark.parametrize("form", FORMS)
def test_every_function_in_every_form_order_and_dtype(form):
    stats = new_stats()
    for k, name in enumerate(NAMES):
        for combo in COMBOS:
            run_case(form.format(f=name), *combo, figure=combo == sampled(k + FORMS.index(form)), stats=stats)
    assert stats["too_complex"] <= MAX_TOO_COMPLEX, stats


@pytest.mark.parametrize("outer", NAMES)
def test_every_composition_at_every_order_and_dtype(outer):
    stats = new_stats()
    for k, inner in enumerate(NAMES):
        for combo in COMBOS:
            run_case(f"{outer}({inner}(x))", *combo, figure=combo == sampled(k + NAMES.index(outer)), stats=stats)
    assert stats["too_complex"] <= MAX_TOO_COMPLEX, stats


@pytest.mark.parametrize("left", NAMES)
def test_every_product_at_every_order_and_dtype(left):
    stats = new_stats()
    for k, right in enumerate(NAMES[NAMES.index(left) :]):
        for combo in COMBOS:
            run_case(f"{left}(x)*{right}(x)", *combo, figure=combo == sampled(k + NAMES.index(left)), stats=stats)
    assert stats["too_complex"] <= MAX_TOO_COMPLEX, stats


def test_the_sweep_covers_every_one_variable_function():
    assert set(NAMES) | set(NEW) == {n for n, f in CATALOGUE.items() if f.min_variables == 1}
    assert not set(NAMES) & set(NEW)


def test_every_new_function_in_two_forms():
    """f(x) and one other form that rotates (each form meets several functions), the (order, dtype)
    rotating. The symbolic work costs a child process per text: this sweep keeps to 34 texts."""
    stats = new_stats()
    cases = [(name, form) for k, name in enumerate(NEW) for form in (FORMS[0], FORMS[1 + k % (len(FORMS) - 1)])]
    for k, (name, form) in enumerate(cases):
        run_case(form.replace("{f}(x)", CALLS[name].format(a="x")), *sampled(k), figure=k % 3 == 0, stats=stats)
    assert stats["too_complex"] <= MAX_TOO_COMPLEX, stats


def test_every_new_function_composed():
    """new(g(x)) and g(new(x)) for a few g, the (order, dtype) rotating."""
    stats = new_stats()
    # not cot(g(x)): its code writes g twice, cos(g)/sin(g), and its backward sums the two paths in
    # another order than the page's (1 ulp): cot stays in the forms and as an inner function
    cases = [CALLS[new].format(a=f"{g}(x)") for new in NEW if new != "cot" for g in COMPOSE_WITH]
    cases += [f"{g}({CALLS[new].format(a='x')})" for new in NEW for g in COMPOSE_WITH]
    for k, text in enumerate(cases):
        run_case(text, *sampled(k), figure=k % 6 == 0, stats=stats)
    assert stats["too_complex"] <= MAX_TOO_COMPLEX, stats


# --- the sweep's own checks can fail --------------------------------------------------------------


def test_agreement_check_catches_a_wrong_derivative():
    r = differentiate("sin(x)", start=START, stop=STOP, points=POINTS, order=1)
    wrong = Derivative(r.expression, 1, r.device, r.dtype, r.x, r.f, r.df * (1 + 1e-9), r.df_exact, r.exact, r.max_abs_error)
    with pytest.raises(AssertionError, match="sin"):
        check_agreement(wrong, "sin(x)")


def test_agreement_check_catches_a_one_sided_nan():
    r = differentiate("x**2", start=START, stop=STOP, points=POINTS, order=1)
    df = r.df.copy()
    df[3] = np.nan
    wrong = Derivative(r.expression, 1, r.device, r.dtype, r.x, r.f, df, r.df_exact, r.exact, r.max_abs_error)
    with pytest.raises(AssertionError, match="only one side finite"):
        check_agreement(wrong, "x**2")


def test_edges_are_the_kinks_of_the_case():
    x = np.linspace(START, STOP, POINTS)
    assert np.flatnonzero(edges("abs(sin(x))", "float64")).tolist() == [ZERO]
    assert np.flatnonzero(edges("sqrt(relu(x))", "float32")).tolist() == np.flatnonzero(x <= 0).tolist()
    assert not edges("sin(cos(x))", "float64").any()
