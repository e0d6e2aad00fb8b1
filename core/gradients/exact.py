"""Exact partial derivatives of f(x, y) by SymPy, in a killable child process, remembered.

The same pattern as core/expression/symbolic.py for one variable: ``sp.diff`` cannot be
interrupted in a thread, so the child (core/isolate.py) parses the text again with the safe
parser, differentiates, and sends back the SymPy trees and their LaTeX. A partial whose tree
passes ``MAX_EXACT_NODES`` is refused before it is differentiated again. Results, failures
included, are remembered by (text, order).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

import sympy as sp

from core import governor
from core.errors import LabError
from core.expression.parser import Expression, parse, tree_size
from core.expression.symbolic import MAX_EXACT_NODES, SYMBOLIC_MEMORY_MB, SYMBOLIC_TIME_LIMIT_S
from core.isolate import run_isolated

VARIABLES = ("x", "y")
CACHE_ENTRIES = 256
EXTRA_ORDER_S = 0.05  # a child that found the gradient within this goes on to the Hessian


@dataclass(frozen=True)
class Partials:
    """∂f/∂x, ∂f/∂y and, for order 2, ∂²f/∂x², ∂²f/∂x∂y, ∂²f/∂y∂x, ∂²f/∂y², in real symbols x, y.

    ``gradient`` is (f_x, f_y); ``hessian`` is ((f_xx, f_xy), (f_yx, f_yy)), or () for order 1,
    where f_xy = ∂/∂y (∂f/∂x). ``*_latex`` hold the same in LaTeX.
    """

    gradient: tuple[sp.Expr, sp.Expr]
    hessian: tuple[tuple[sp.Expr, sp.Expr], ...]
    gradient_latex: tuple[str, str]
    hessian_latex: tuple[tuple[str, str], ...]

    @property
    def order(self) -> int:
        return 2 if self.hessian else 1


_CACHE: OrderedDict[tuple, object] = OrderedDict()
_LOCK = threading.Lock()


def as_xy(expression: str | Expression) -> Expression:
    """``expression`` as an Expression in (x, y).

    Text is parsed with ``variables=("x", "y")``; an Expression in x alone is parsed again in
    (x, y) from its text (f is then constant in y). Any other Expression raises
    ``LabError("err.grad_variables")``.
    """
    if isinstance(expression, Expression):
        if expression.variables == VARIABLES:
            return expression
        if expression.variables != ("x",):
            raise LabError("err.grad_variables", variables=", ".join(expression.variables))
        expression = expression.text
    if not isinstance(expression, str):
        raise LabError("err.grad_expression_type", what=type(expression).__name__)
    return parse(expression, variables=VARIABLES)


def exact_partials(expression: str | Expression, order: int = 2) -> Partials:
    """The exact partial derivatives of orders 1..``order`` (1 or 2), without simplification.

    Runs in a child process with the symbolic time and memory limits; raises ``LabError``
    ("err.grad_too_complex") when a partial's tree passes ``MAX_EXACT_NODES``, or the limit's
    own error. ``order=1`` may come back with the Hessian too, when it came cheap.
    """
    if order not in (1, 2):
        raise ValueError("order must be 1 or 2")
    expr = as_xy(expression)
    with _LOCK:
        hits = [_CACHE.get((expr.text, k)) for k in (2, 1)]
    for k, hit in zip((2, 1), hits, strict=True):
        if isinstance(hit, Partials) and k >= order:
            return hit
        if isinstance(hit, LabError) and k <= order:  # a gradient too large has a Hessian too large
            raise LabError(hit.key, **hit.params)
    try:
        value: Partials | LabError = _isolated(expr.text, order)
    except LabError as err:
        if err.key.startswith("err.limit_queue") or err.key == "err.limit_busy":
            raise  # a busy server is no property of the expression
        value = err
    with _LOCK:
        _CACHE[(expr.text, value.order if isinstance(value, Partials) else order)] = value
        while len(_CACHE) > CACHE_ENTRIES:
            _CACHE.popitem(last=False)
    if isinstance(value, LabError):
        raise LabError(value.key, **value.params)
    return value


def _isolated(text: str, order: int) -> Partials:
    budget = governor.current()
    limit = min(SYMBOLIC_TIME_LIMIT_S, max(budget.remaining_s(), 0.5))
    return run_isolated(_derive, text, order, time_limit_s=limit, memory_mb=SYMBOLIC_MEMORY_MB, checkpoint=budget.checkpoint)


# ---------------------------------------------------------------- in the child process


def _diff(d: sp.Expr, symbol: sp.Symbol, order: int) -> sp.Expr:
    out = sp.diff(d, symbol)
    if tree_size(out) > MAX_EXACT_NODES:
        raise LabError("err.grad_too_complex", order=order)
    return out


def _derive(text: str, order: int) -> Partials:
    start = time.monotonic()
    expr = parse(text, variables=VARIABLES)
    x, y = expr.real_symbols
    f = expr.real_sympy
    grad = (_diff(f, x, 1), _diff(f, y, 1))
    grad_tex = (sp.latex(grad[0]), sp.latex(grad[1]))
    hess: tuple = ()
    if order == 2 or time.monotonic() - start < EXTRA_ORDER_S:
        try:
            hess = tuple((_diff(g, x, 2), _diff(g, y, 2)) for g in grad)
        except LabError:
            if order == 2:
                raise
    hess_tex = tuple((sp.latex(a), sp.latex(b)) for a, b in hess)
    return Partials(grad, hess, grad_tex, hess_tex)
