"""Property-based tests (hypothesis): random expressions, random text, hostile text.

1. For random valid expression trees, autograd (orders 1 to 3) equals the exact SymPy derivative
   evaluated with NumPy, wherever both are finite and the point is not at a kink.
2. Any text at all gives an Expression or an ExpressionError, never another exception, quickly.

Example counts come from the profiles in tests/conftest.py (modest: the suite must stay fast).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import pytest
import sympy as sp
import torch
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from core.derivatives.grid import autograd, exact_derivative
from core.errors import ExpressionError, LabError
from core.expression.numeric import evaluate
from core.expression.parser import MAX_LENGTH, parse
from tests.core.expression.test_parser import run_code

# --- random valid expression trees ---------------------------------------------------------------

SMOOTH = ["sin", "cos", "exp", "tanh", "atan", "erf", "sigmoid", "softplus", "gelu", "silu", "sinh", "cosh"]
DOMAIN = ["log", "sqrt", "log1p", "tan"]  # singular or undefined somewhere on the grid
KINKS = ["abs", "relu"]  # torch's subgradient conventions differ from the limit at the kink itself
LEAVES = ["x", "x", "x", "pi", "e", "2", "3", "0.5", "1.5", "7"]


@dataclass(frozen=True)
class Tree:
    text: str
    kinks: tuple[str, ...]  # texts of the arguments of abs/relu: points where they are 0 are excluded
    poles: tuple[str, ...]  # texts that must stay away from 0 (denominators, log/sqrt arguments, ...)
    switches: tuple[str, ...] = ()  # softplus arguments: torch returns x itself above 20 (documented)


def _leaf(s: str) -> Tree:
    return Tree(s, (), ())


def _call(name: str, a: Tree) -> Tree:
    text = f"{name}({a.text})"
    kinks = a.kinks + ((a.text,) if name in KINKS else ())
    pole = {"log": a.text, "sqrt": a.text, "log1p": f"1 + {a.text}", "tan": f"cos({a.text})"}.get(name)
    switches = a.switches + ((a.text,) if name == "softplus" else ())
    return Tree(text, kinks, a.poles + ((pole,) if pole else ()), switches)


def _binary(op: str, a: Tree, b: Tree) -> Tree:
    poles = a.poles + b.poles + ((b.text,) if op == "/" else ())
    return Tree(f"({a.text}) {op} ({b.text})", a.kinks + b.kinks, poles, a.switches + b.switches)


def _power(a: Tree, k: int) -> Tree:
    return Tree(f"({a.text})**{k}", a.kinks, a.poles + ((a.text,) if k < 0 else ()), a.switches)


def _extend(children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
    return st.one_of(
        st.builds(_call, st.sampled_from(SMOOTH + DOMAIN + KINKS), children),
        st.builds(_binary, st.sampled_from(["+", "-", "*", "/"]), children, children),
        st.builds(_power, children, st.integers(-3, 4)),
        children.map(lambda a: Tree(f"-({a.text})", a.kinks, a.poles, a.switches)),
    )


trees = st.recursive(st.sampled_from(LEAVES).map(_leaf), _extend, max_leaves=6)

GRID = torch.linspace(-2.7, 3.1, 59, dtype=torch.float64)  # steps of 0.1: holds 0 and other integers


def _values(text: str) -> np.ndarray:
    return parse(text)(GRID).detach().numpy()


def _near_zero(text: str, rel: float) -> np.ndarray:
    v = _values(text)
    scale = np.max(np.abs(v[np.isfinite(v)]), initial=1.0)
    return ~np.isfinite(v) | (np.abs(v) <= rel * max(scale, 1.0))


# Tolerance. float64 autograd and the float64 evaluation of the SymPy derivative both round at every
# operation, and SymPy rearranges (and simplifies) the formula, so they differ by a few ulp of the
# largest intermediate term, not of the result: x/relu(x) and cos(x)/cos(x) have a third derivative
# of exactly 0 that autograd builds from terms of size ~6/x^3. The bound therefore adds three scales:
# - RTOL * |exact|: large values compare relatively (exp(exp(x)) reaches 1e40 on this grid);
# - RTOL * the derivative's magnitude with every sum in absolute value, M(a + b) = M(a) + M(b),
#   M(a b) = M(a) M(b), anything else its |value|, widened to two grid neighbours on each side;
# - NOISE * autograd's own rounding noise at the point: how much its result moves when x moves
#   by 1 or 2 ulp (a smooth derivative moves by ~1e-16 relative; a rounding pattern by its size).
#   The noise is capped at 1e-6 (1 + |autograd| nearby): a jump bigger than that is not rounding,
#   and an autograd that is wrong at isolated points (x**x at x = 1, order 3) must still fail.
# RTOL = 1e-9 leaves ~4 decimal digits over float64's 2.2e-16 for rearranged third derivatives;
# a wrong derivative is off by O(1) relative, far outside every one of these.
RTOL, ATOL, NOISE = 1e-9, 1e-12, 100.0


def _magnitude(expr: sp.Expr, symbol: sp.Symbol, x: np.ndarray) -> np.ndarray:
    if isinstance(expr, sp.Add):
        return sum((_magnitude(a, symbol, x) for a in expr.args), np.zeros_like(x))
    if isinstance(expr, sp.Mul):
        out = np.ones_like(x)
        for a in expr.args:
            out = out * _magnitude(a, symbol, x)
        return out
    return np.abs(evaluate(expr, symbol, x))


def _autograd(expr, x: torch.Tensor, order: int) -> np.ndarray:
    return autograd(expr, x, order)[1].numpy(force=True)  # an identically-0 derivative can be a ZeroTensor


def _local_scale(magnitude: np.ndarray) -> np.ndarray:
    a = np.where(np.isfinite(magnitude), magnitude, 0.0)
    padded = np.pad(a, 2, mode="edge")
    return np.max(np.stack([padded[i : i + a.size] for i in range(5)]), axis=0)


@settings(deadline=None)
@given(tree=trees, order=st.integers(1, 3))
@example(tree=_binary("*", _power(_leaf("x"), 2), _call("sin", _leaf("x"))), order=3)
@example(tree=_call("sigmoid", _leaf("x")), order=2)
@example(tree=_call("relu", _binary("-", _leaf("x"), _leaf("0.5"))), order=1)
def test_autograd_equals_the_exact_derivative(tree, order):
    try:
        expr = parse(tree.text)
        exact = exact_derivative(expr, order)
    except LabError:
        assume(False)  # beyond a size limit: not the property under test
        return
    try:
        ref = evaluate(exact, expr.symbol, GRID.numpy())
    except LabError:
        assume(False)  # a reference that cannot be evaluated: see the test below
        return
    got = _autograd(expr, GRID, order)
    noise = np.zeros_like(got)
    for k in (-2, -1, 1, 2):
        shifted = GRID.numpy().copy()
        for _ in range(abs(k)):
            shifted = np.nextafter(shifted, np.sign(k) * np.inf)
        with np.errstate(invalid="ignore"):
            noise = np.fmax(noise, np.abs(_autograd(expr, torch.from_numpy(shifted), order) - got))
    # Kinks: torch decides the branch from its own rounding of the argument, and a kink SymPy
    # simplified away (abs(x)**2 -> x**2) keeps torch's 0 at the kink. Poles: an argument within
    # rounding of 0 makes both sides meaningless (1/(x - x*1.0000001)).
    skip = np.zeros(GRID.shape, dtype=bool)
    for kink in tree.kinks:
        skip |= _near_zero(kink, 1e-9)
    for pole in tree.poles:
        skip |= _near_zero(pole, 1e-6)
    for arg in tree.switches:  # softplus's exact form differs from torch's by up to e^-20 there
        skip |= ~(_values(arg) < 19.9)
    both = np.isfinite(got) & np.isfinite(ref) & ~skip
    noise = np.minimum(noise, 1e-6 * (1.0 + _local_scale(np.abs(got))))
    with np.errstate(all="ignore"):
        bound = RTOL * (np.abs(ref) + _local_scale(_magnitude(exact, expr.symbol, GRID.numpy()))) + NOISE * noise + ATOL
        bad = both & ~(np.abs(got - ref) <= bound)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AssertionError(f"{tree.text!r} order {order} at x = {GRID[i].item()}: autograd {got[i]!r}, exact {ref[i]!r}")


@settings(deadline=None)
@given(tree=trees)
def test_generated_code_computes_what_the_expression_computes(tree):
    try:
        expr = parse(tree.text)
    except ExpressionError:
        assume(False)
        return
    got = run_code(expr.code, "x", GRID)
    if not isinstance(got, torch.Tensor):  # the code of a constant expression is a number, e.g. math.pi
        got = torch.full_like(GRID, got)
    torch.testing.assert_close(got, expr(GRID), rtol=1e-15, atol=0, equal_nan=True)


# --- any text: an Expression or an ExpressionError, fast ---------------------------------------

PER_TEXT_SECONDS = 0.5


def _parse_once(text: str) -> float:
    t0 = time.perf_counter()
    try:
        parse(text)
    except ExpressionError as err:
        assert err.message("pt") and err.message("en")
    return time.perf_counter() - t0


def _parse_outcome(text: str) -> None:
    # Best of up to three tries: a busy shared machine can stall one call, real slowness stalls all.
    best = _parse_once(text)
    for _ in range(2):
        if best < PER_TEXT_SECONDS:
            break
        best = min(best, _parse_once(text))
    assert best < PER_TEXT_SECONDS, (text, best)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # Python warns on "1and" and the like
@given(st.text(max_size=300))
def test_random_text_gives_only_expression_error(text):
    _parse_outcome(text)


ALPHABET = "x()+-*/.,'\"[]{}:=<>!&|^%@~;#\\ \n\t_0123456789aeijlnopqstuxy\x00\u0455\uff53"
TOKENS = [
    "x",
    "u",
    "(",
    ")",
    "**",
    "*",
    "/",
    "+",
    "-",
    ".",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "=",
    ":=",
    "'",
    '"',
    "f'",
    "b'",
    "lambda",
    "for",
    "in",
    "if",
    "else",
    "import",
    "__import__",
    "__class__",
    "__bases__",
    "__subclasses__",
    "os",
    "system",
    "open",
    "eval",
    "exec",
    "globals",
    "getattr",
    "sin",
    "exp",
    "log",
    "relu",
    "sqrt",
    "pi",
    "e",
    "9",
    "99",
    "1e308",
    "1e999",
    "0",
    "1j",
    "True",
    "None",
    "...",
    "\n",
    ";",
    "#",
    "@",
    "^",
    "%",
    "~",
    "not",
    "and",
    "yield",
    "await",
    "*",
    "**",
    "x=",
    "\x00",
    "\u0455in",
]


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # Python warns on "1and" and the like
@given(st.text(alphabet=ALPHABET, max_size=MAX_LENGTH + 20))
def test_code_like_text_gives_only_expression_error(text):
    _parse_outcome(text)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # Python warns on "1and" and the like
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map("".join))
def test_hostile_token_soup_gives_only_expression_error(text):
    _parse_outcome(text)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # Python warns on "1and" and the like
@given(st.lists(st.sampled_from(TOKENS), max_size=60).map(" ".join))
def test_spaced_hostile_token_soup_gives_only_expression_error(text):
    _parse_outcome(text)


@given(st.one_of(st.none(), st.integers(), st.floats(), st.binary(max_size=20), st.lists(st.integers(), max_size=3)))
def test_non_text_gives_expression_error(value):
    try:
        parse(value)  # type: ignore[arg-type]
    except ExpressionError:
        return
    raise AssertionError(f"{value!r} was accepted")


@settings(deadline=None)
@given(tree=trees)
@example(tree=_call("abs", _call("sqrt", _leaf("x"))))
@example(tree=_call("abs", _call("sigmoid", _leaf("x"))))
def test_valid_trees_never_raise_anything_but_lab_errors_downstream(tree):
    # parse, the exact derivative and autograd: only LabError, whatever SymPy makes of the tree
    try:
        expr = parse(tree.text)
        for order in (1, 3):
            exact = exact_derivative(expr, order)
            autograd(expr, GRID[:5], order)
            assert evaluate(exact, expr.symbol, GRID[:5].numpy()).shape == (5,)
    except LabError:
        pass
