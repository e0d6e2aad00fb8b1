"""Evaluate a SymPy expression on a NumPy array, without eval, exec or lambdify.

This is the exact reference's evaluator: it walks the SymPy tree and calls NumPy, so it shares
no code with torch. Repeated sub-trees (frequent in third derivatives) are computed once.
Invalid points follow IEEE rules (log(-1) is NaN, 1/0 is inf) without warnings.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import sympy as sp

from core.functions import relu, sigmoid, softplus

_erf = np.frompyfunc(math.erf, 1, 1)


def _np_erf(a: np.ndarray) -> np.ndarray:
    return _erf(a).astype(np.float64)


def _np_sigmoid(a: np.ndarray) -> np.ndarray:
    # e^-|a| never overflows; pick the branch that divides by a number >= 1
    z = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


_UNARY: dict[type, Callable[[np.ndarray], np.ndarray]] = {
    sp.sin: np.sin,
    sp.cos: np.cos,
    sp.tan: np.tan,
    sp.exp: np.exp,
    sp.log: np.log,
    sp.sinh: np.sinh,
    sp.cosh: np.cosh,
    sp.tanh: np.tanh,
    sp.atan: np.arctan,
    sp.erf: _np_erf,
    sp.Abs: np.abs,
    sp.sign: np.sign,
    relu: lambda a: np.maximum(a, 0.0),
    sigmoid: _np_sigmoid,
    softplus: lambda a: np.logaddexp(0.0, a),
}


def evaluate(expr: sp.Expr, symbol: sp.Symbol, x: np.ndarray) -> np.ndarray:
    """Values of ``expr`` at the float64 points ``x`` (same shape as ``x``).

    DiracDelta terms (derivatives of Heaviside, sign and Abs) count as 0: they vanish
    everywhere but at a single point, where torch's subgradient conventions also give 0.
    """
    x = np.asarray(x, dtype=np.float64)
    memo: dict[sp.Basic, np.ndarray | float] = {}
    with np.errstate(all="ignore"):
        out = _eval(expr, symbol, x, memo)
        return np.broadcast_to(np.asarray(out, dtype=np.float64), x.shape).copy()


def _eval(node: sp.Basic, symbol: sp.Symbol, x: np.ndarray, memo: dict) -> np.ndarray | float:
    if node in memo:
        return memo[node]
    value = _eval_node(node, symbol, x, memo)
    memo[node] = value
    return value


def _eval_node(node: sp.Basic, symbol: sp.Symbol, x: np.ndarray, memo: dict) -> np.ndarray | float:
    if node == symbol:
        return x
    if node.is_number:
        try:
            c = complex(node.evalf())
        except TypeError:  # relu(2), softplus(1): our SymPy functions have no evalf; walk them below
            pass
        else:
            return c.real if c.imag == 0 else math.nan
    if isinstance(node, sp.Derivative) and isinstance(node.expr, (sp.sign, sp.Heaviside)):
        return np.zeros_like(x)  # unevaluated d/dx sign(...): a Dirac delta again
    if isinstance(node, sp.Derivative):
        raise NotImplementedError(f"unevaluated derivative of {type(node.expr).__name__}")
    args = [_eval(a, symbol, x, memo) for a in node.args]
    if isinstance(node, sp.Add):
        total = args[0]
        for a in args[1:]:
            total = total + a
        return total
    if isinstance(node, sp.Mul):
        total = args[0]
        for a in args[1:]:
            total = total * a
        return total
    if isinstance(node, sp.Pow):
        return np.power(np.asarray(args[0], dtype=np.float64), args[1])
    if isinstance(node, sp.Heaviside):
        h0 = args[1] if len(args) > 1 else 0.5
        return np.heaviside(args[0], h0)
    if isinstance(node, sp.DiracDelta):
        return np.zeros_like(x)
    # SymPy writes some derivatives (abs of sqrt, of x**x) in complex form; on real points
    # that are finite these reduce to real rules, and NaN (a complex value) stays NaN.
    if isinstance(node, sp.re) or isinstance(node, sp.conjugate):
        return args[0]
    if isinstance(node, sp.im):
        return np.where(np.isnan(args[0]), np.nan, 0.0)
    if isinstance(node, sp.arg):
        a = np.asarray(args[0], dtype=np.float64)
        return np.where(np.isnan(a), np.nan, np.where(a < 0, np.pi, 0.0))
    if isinstance(node, sp.atan2):
        return np.arctan2(args[0], args[1])
    for cls, fn in _UNARY.items():
        if isinstance(node, cls):
            return fn(np.asarray(args[0], dtype=np.float64))
    raise NotImplementedError(f"no NumPy rule for {type(node).__name__}")
