"""Evaluate a SymPy expression on a NumPy array, without eval, exec or lambdify.

This is the exact reference's evaluator: it walks the SymPy tree and calls NumPy, so it shares
no code with torch. Repeated sub-trees (frequent in third derivatives) are computed once and
kept only until their last use, so a walk over a large derivative holds a few arrays at a time,
not one per sub-tree. Invalid points follow IEEE rules (log(-1) is NaN, 1/0 is inf) without
warnings.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import numpy as np
import sympy as sp

from core.errors import LabError
from core.expression.catalogue import clamp, relu, sgn, sigmoid, sinc, sinc_derivative, softplus

_erf = np.frompyfunc(math.erf, 1, 1)
_erfc = np.frompyfunc(math.erfc, 1, 1)


def _np_erf(a: np.ndarray) -> np.ndarray:
    return _erf(a).astype(np.float64)


def _np_erfc(a: np.ndarray) -> np.ndarray:
    return _erfc(a).astype(np.float64)


SINC_SERIES_BELOW = 2.0  # |pi x| under which sinc's derivatives are summed as a Taylor series
SINC_SERIES_TERMS = 24  # the last term at |pi x| = 2 is below 2^48 / 48! ~ 1e-47


def sinc_derivative_values(n: int, x: np.ndarray) -> np.ndarray:
    """d^n/dx^n sin(pi x) / (pi x) at ``x`` (n >= 0), finite at x = 0; NaN stays NaN.

    With t = pi x and g(t) = sin(t) / t, the derivative is pi^n g^(n)(t). For |t| < 2 the series
    g^(n)(t) = sum over 2m >= n of (-1)^m t^(2m - n) / ((2m + 1) (2m - n)!) (alternating terms
    below 1: no cancellation); elsewhere Leibniz's rule on sin(t) * t^-1,
    sum over k of C(n, k) sin^(n - k)(t) (-1)^k k! / t^(k + 1), whose terms are at most about
    n! / 2^(n+1) against a result of order 1/|t|.
    """
    t = np.pi * np.asarray(x, dtype=np.float64)
    near = np.abs(t) < SINC_SERIES_BELOW
    series = np.zeros_like(t)
    tn = np.where(near, t, 0.0)
    first = (n + 1) // 2
    for m in range(first, first + SINC_SERIES_TERMS):
        series += (-1.0) ** m * tn ** (2 * m - n) / ((2 * m + 1) * math.factorial(2 * m - n))
    tf = np.where(near, 1.0, t)  # away from 0: the closed form (the other points are masked below)
    shifts = (np.sin(tf), np.cos(tf), -np.sin(tf), -np.cos(tf))  # sin^(j) = sin(t + j pi / 2), exactly
    closed = np.zeros_like(t)
    for k in range(n + 1):
        closed += math.comb(n, k) * shifts[(n - k) % 4] * (-1.0) ** k * math.factorial(k) / tf ** (k + 1)
    return math.pi**n * np.where(near, series, closed)


def _np_sigmoid(a: np.ndarray) -> np.ndarray:
    # e^-|a| never overflows; pick the branch that divides by a number >= 1
    z = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


_UFUNCS: dict[type, np.ufunc] = {  # these may write into an argument the walk no longer needs
    sp.sin: np.sin,
    sp.cos: np.cos,
    sp.tan: np.tan,
    sp.exp: np.exp,
    sp.log: np.log,
    sp.sinh: np.sinh,
    sp.cosh: np.cosh,
    sp.tanh: np.tanh,
    sp.atan: np.arctan,
    sp.asin: np.arcsin,
    sp.acos: np.arccos,
    sp.asinh: np.arcsinh,
    sp.acosh: np.arccosh,
    sp.atanh: np.arctanh,
    sp.Abs: np.abs,
    sp.sign: np.sign,
    sgn: np.sign,
}
_UNARY: dict[type, Callable[[np.ndarray], np.ndarray]] = {
    sp.erf: _np_erf,
    sp.erfc: _np_erfc,
    sp.sec: lambda a: 1.0 / np.cos(a),
    sp.csc: lambda a: 1.0 / np.sin(a),
    sp.cot: lambda a: 1.0 / np.tan(a),
    sinc: np.sinc,  # NumPy's sinc is the normalised one, as torch's
    relu: lambda a: np.maximum(a, 0.0),
    sigmoid: _np_sigmoid,
    softplus: lambda a: np.logaddexp(0.0, a),
}
# Factors that vanish away from a point (a Dirac delta, d/dx sign) or on a half-line (the
# Heaviside step that relu' is). Where such a factor is 0 the product is 0 even if another factor
# is infinite: d/dx sqrt(relu(x)) = H(x) / (2 sqrt(relu(x))) is 0 for x < 0, where relu is
# constant, not 0 * inf. torch's relu backward masks the same way.
_STRONG_ZERO = (sp.Heaviside, sp.DiracDelta)


def _vanishes(factor: sp.Basic) -> bool:
    """A Heaviside or Dirac factor, or a positive power of one."""
    if isinstance(factor, sp.Pow):
        return isinstance(factor.base, _STRONG_ZERO) and bool(factor.exp.is_positive)
    return isinstance(factor, _STRONG_ZERO)


_RELATIONS: dict[type, np.ufunc] = {
    sp.Eq: np.equal,
    sp.Ne: np.not_equal,
    sp.Lt: np.less,
    sp.Le: np.less_equal,
    sp.Gt: np.greater,
    sp.Ge: np.greater_equal,
}

Value = np.ndarray | float


def _no_rule(what: str) -> LabError:
    return LabError("err.no_reference", detail=what[:80])


def evaluate(expr: sp.Expr, symbol: sp.Symbol | tuple[sp.Symbol, ...], x: np.ndarray | tuple[np.ndarray, ...]) -> np.ndarray:
    """Values of ``expr`` at the float64 points ``x`` (same shape as ``x``; a new array).

    For an expression in several variables, ``symbol`` is a tuple of symbols and ``x`` a tuple of
    arrays, one per symbol; they broadcast together and the result has their broadcast shape.

    Every lab gets the same answer where SymPy wrote ``expr`` with a function this evaluator has
    no rule for (e.g. atan2): ``LabError("err.no_reference")`` naming it, never a silent NaN.

    DiracDelta terms (derivatives of Heaviside, sign and Abs) count as 0: they vanish
    everywhere but at a single point, where torch's subgradient conventions also give 0.
    A Heaviside or Dirac factor that is 0 makes its product 0, even against an infinite factor.
    """
    several = isinstance(symbol, (tuple, list))
    symbols = tuple(symbol) if several else (symbol,)
    arrays = tuple(np.asarray(a, dtype=np.float64) for a in (x if several else (x,)))
    if len(arrays) != len(symbols):
        raise ValueError("one array per symbol")
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    with np.errstate(all="ignore"):
        out, owned = _Walk(dict(zip(symbols, arrays, strict=True)), shape, _uses(expr)).value(expr)
    if owned and isinstance(out, np.ndarray) and out.shape == shape:
        return out
    return np.broadcast_to(np.asarray(out, dtype=np.float64), shape).copy()


def _uses(expr: sp.Basic) -> Counter:
    """How many times each distinct sub-tree is an argument of a distinct parent."""
    uses: Counter = Counter()
    seen = {expr}
    stack = [expr]
    while stack:
        node = stack.pop()
        for a in node.args:
            uses[a] += 1
            if a not in seen:
                seen.add(a)
                stack.append(a)
    return uses


class _Walk:
    """One evaluation: a memo that drops each sub-result after its last use.

    ``value`` returns ``(array or float, owned)``; ``owned`` means no one else holds the array
    (it was just computed for this single use: not x, never a memo entry), so the caller may
    overwrite it in place.
    """

    def __init__(self, values: dict[sp.Symbol, np.ndarray], shape: tuple[int, ...], uses: Counter) -> None:
        self.values = values
        self.shape = shape
        self.uses = uses
        self.memo: dict[sp.Basic, Value] = {}

    def value(self, node: sp.Basic) -> tuple[Value, bool]:
        left = self.uses[node] - 1  # uses still to come after this one
        self.uses[node] = left
        if node in self.memo:
            # never owned: an earlier user up the tree may still hold this very array
            return (self.memo[node] if left > 0 else self.memo.pop(node)), False
        out, owned = self._compute(node)
        if left > 0:
            self.memo[node] = out
            return out, False
        return out, owned

    def _compute(self, node: sp.Basic) -> tuple[Value, bool]:
        if node in self.values:
            return self.values[node], False
        if node.is_number:
            try:
                c = complex(node.evalf())
            except TypeError:  # relu(2), softplus(1): our SymPy functions have no evalf; walk them below
                pass
            else:
                return (c.real if c.imag == 0 else math.nan), False
        if isinstance(node, sp.Derivative) and isinstance(node.expr, (sp.sign, sp.Heaviside)):
            return self._dirac(node.expr.args[0]), True  # unevaluated d/dx sign(...): a Dirac delta again
        if isinstance(node, sp.Derivative):
            raise _no_rule(f"unevaluated derivative of {type(node.expr).__name__}")
        if isinstance(node, sp.Add):
            return self._fold(node, np.add)
        if isinstance(node, sp.Mul):
            return self._fold(node, np.multiply)
        if isinstance(node, sp.DiracDelta):
            return self._dirac(node.args[0]), True
        if isinstance(node, sp.Piecewise):
            return self._piecewise(node), True
        args = [self.value(a) for a in node.args]
        a0, owned0 = args[0]
        if isinstance(node, sp.Pow):
            if owned0 and isinstance(a0, np.ndarray):
                return np.power(a0, args[1][0], out=a0), True
            return np.power(np.asarray(a0, dtype=np.float64), args[1][0]), True
        if isinstance(node, sp.Heaviside):
            h0 = args[1][0] if len(args) > 1 else 0.5
            return np.heaviside(a0, h0), True
        # SymPy writes some derivatives (abs of sqrt, of x**x) in complex form; on real points
        # that are finite these reduce to real rules, and NaN (a complex value) stays NaN.
        if isinstance(node, (sp.re, sp.conjugate)):
            return a0, owned0
        if isinstance(node, sp.im):
            return np.where(np.isnan(a0), np.nan, 0.0), True
        if isinstance(node, sp.arg):
            a = np.asarray(a0, dtype=np.float64)
            return np.where(np.isnan(a), np.nan, np.where(a < 0, np.pi, 0.0)), True
        if isinstance(node, sp.atan2):
            return np.arctan2(a0, args[1][0]), True
        if isinstance(node, (sp.Max, sp.Min)):
            pick = np.maximum if isinstance(node, sp.Max) else np.minimum  # NaN propagates, as in torch
            out = np.asarray(a0, dtype=np.float64)
            for a, _ in args[1:]:
                out = pick(out, a)
            return out, True
        if isinstance(node, clamp):  # constant bounds lo < hi
            return np.minimum(np.maximum(np.asarray(a0, dtype=np.float64), args[1][0]), args[2][0]), True
        if isinstance(node, sinc_derivative):
            return sinc_derivative_values(int(node.args[0]), args[1][0]), True
        for cls, ufunc in _UFUNCS.items():
            if isinstance(node, cls):
                if owned0 and isinstance(a0, np.ndarray):
                    return ufunc(a0, out=a0), True
                return ufunc(np.asarray(a0, dtype=np.float64)), True
        for cls, fn in _UNARY.items():
            if isinstance(node, cls):
                return fn(np.asarray(a0, dtype=np.float64)), True
        raise _no_rule(type(node).__name__)

    def _piecewise(self, node: sp.Piecewise) -> np.ndarray:
        """The first branch whose condition holds at each point (NaN where none does)."""
        out = np.full(self.shape, np.nan)
        done = np.zeros(self.shape, dtype=bool)
        for branch in node.args:
            take = np.broadcast_to(self._condition(branch.cond), self.shape) & ~done
            value = np.broadcast_to(np.asarray(self.value(branch.expr)[0], dtype=np.float64), self.shape)
            out[take] = value[take]
            done |= take
        return out

    def _condition(self, cond: sp.Basic) -> np.ndarray | bool:
        if cond is sp.true or cond is sp.false:
            return bool(cond)
        if isinstance(cond, sp.And):
            return np.logical_and.reduce([self._condition(c) for c in cond.args])
        if isinstance(cond, sp.Or):
            return np.logical_or.reduce([self._condition(c) for c in cond.args])
        if isinstance(cond, sp.Not):
            return np.logical_not(self._condition(cond.args[0]))
        for cls, ufunc in _RELATIONS.items():
            if isinstance(cond, cls):
                return ufunc(self.value(cond.lhs)[0], self.value(cond.rhs)[0])
        raise _no_rule(type(cond).__name__)

    def _dirac(self, arg: sp.Basic) -> np.ndarray:
        # 0 wherever its argument is defined; NaN (an undefined argument) stays NaN
        a, _ = self.value(arg)
        return np.where(np.isnan(a), np.nan, 0.0) if isinstance(a, np.ndarray) else np.zeros(self.shape)

    def _fold(self, node: sp.Basic, ufunc: np.ufunc) -> tuple[Value, bool]:
        """A sum or product, accumulated into the first array the walk owns (one new array at most)."""
        total: Value | None = None
        owned = False
        zeros: np.ndarray | None = None  # where a Heaviside or Dirac factor is 0
        for a in node.args:
            v, v_owned = self.value(a)
            if ufunc is np.multiply and _vanishes(a) and isinstance(v, np.ndarray):
                zeros = (v == 0) if zeros is None else zeros | (v == 0)
            if total is None:
                total, owned = v, v_owned
            elif owned and isinstance(total, np.ndarray) and total.shape == self.shape:
                ufunc(total, v, out=total)
            elif v_owned and isinstance(v, np.ndarray) and v.shape == self.shape:
                total, owned = ufunc(v, total, out=v), True  # + and * commute exactly in IEEE arithmetic
            else:
                total = ufunc(total, v)
                owned = isinstance(total, np.ndarray)
        if zeros is not None and zeros.any():
            if not (owned and isinstance(total, np.ndarray) and total.shape == self.shape):
                total = np.array(np.broadcast_to(total, self.shape), dtype=np.float64)
                owned = True
            total[zeros] = 0.0
        return total, owned
