"""Exact derivatives by SymPy, computed in a killable child process and remembered.

``sp.diff`` on a 30-character expression can run for many minutes (``tanh((log1p(x) -
sqrt(x))**64)`` did not finish in 900 s), and nothing in a thread can stop it. So every exact
derivative and its LaTeX are computed by ``run_isolated`` (core/isolate.py): a forked child with
``SYMBOLIC_TIME_LIMIT_S`` seconds and ``SYMBOLIC_MEMORY_MB`` of memory. The child parses the
text again with the same safe parser, so nothing but text crosses into it, and sends back the
SymPy trees (pickled) and their LaTeX.

Results are remembered by (text, order), failures included: a link that times out once answers
at once the next time, instead of taking a worker for another few seconds.
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
from core.isolate import run_isolated

SYMBOLIC_TIME_LIMIT_S = 6.0  # one request's symbolic work (part of the interaction's 10 s)
SYMBOLIC_MEMORY_MB = 400  # the child's memory beyond what it shares with the server
MAX_EXACT_NODES = 3000  # size of an exact derivative's tree that we agree to differentiate further
CACHE_ENTRIES = 256
MAX_ORDER = 3  # the highest order any lab asks for
EXTRA_ORDERS_S = 0.05  # a child that answered within this goes on to the higher orders


@dataclass(frozen=True)
class Exact:
    """Exact derivatives of orders 1..n in the expression's real symbol, and their LaTeX."""

    derivatives: tuple[sp.Expr, ...]
    latex: tuple[str, ...]


@dataclass(frozen=True)
class ExactChain:
    """g(f(x)) and its exact derivative in f's real symbol, with their LaTeX."""

    composition: sp.Expr
    derivative: sp.Expr
    composition_latex: str
    derivative_latex: str


_CACHE: OrderedDict[tuple, object] = OrderedDict()
_LOCK = threading.Lock()


def _remembered(key: tuple, compute):
    """``compute()`` once per key; a LabError is remembered and raised again."""
    with _LOCK:
        if key in _CACHE:
            _CACHE.move_to_end(key)
            hit = _CACHE[key]
            if isinstance(hit, LabError):
                raise LabError(hit.key, **hit.params)
            return hit
    try:
        value = compute()
    except LabError as err:
        if err.key.startswith("err.limit_queue") or err.key == "err.limit_busy":
            raise  # a busy server is no property of the expression
        value = err
    with _LOCK:
        _CACHE[key] = value
        while len(_CACHE) > CACHE_ENTRIES:
            _CACHE.popitem(last=False)
    if isinstance(value, LabError):
        raise LabError(value.key, **value.params)
    return value


def _isolated(fn, *args):
    budget = governor.current()
    limit = min(SYMBOLIC_TIME_LIMIT_S, max(budget.remaining_s(), 0.5))
    return run_isolated(fn, *args, time_limit_s=limit, memory_mb=SYMBOLIC_MEMORY_MB, checkpoint=budget.checkpoint)


def exact_derivatives(expr: Expression, order: int) -> Exact:
    """d^k f / dx^k for k = 1..order, without simplification, with their LaTeX.

    Raises ``LabError`` when a derivative's tree passes ``MAX_EXACT_NODES`` (checked after each
    order, so one that explodes is not differentiated again) or when the work passes its time
    or memory limit.
    """
    # a higher order already computed holds the lower ones
    for k in range(order, 4):
        with _LOCK:
            hit = _CACHE.get(("diff", expr.text, expr.variable, k))
        if isinstance(hit, Exact):
            return Exact(hit.derivatives[:order], hit.latex[:order])
    exact = _remembered(("diff", expr.text, expr.variable, order), lambda: _isolated(_derive, expr.text, expr.variable, order))
    if len(exact.derivatives) > order:  # the child went on to higher orders: remember them too
        with _LOCK:
            _CACHE[("diff", expr.text, expr.variable, len(exact.derivatives))] = exact
    return Exact(exact.derivatives[:order], exact.latex[:order])


def exact_chain(inner: Expression, outer: Expression) -> ExactChain:
    """g(f(x)) and d/dx g(f(x)) by SymPy (which differentiates the composition itself)."""
    key = ("chain", inner.text, outer.text)
    return _remembered(key, lambda: _isolated(_derive_chain, inner.text, outer.text))


# ---------------------------------------------------------------- in the child process


def _derive(text: str, variable: str, order: int) -> Exact:
    """Orders 1..order; then, while they come cheap, the orders above it (a student who moves
    the order control, or a sweep over every order, then needs no second child)."""
    start = time.monotonic()
    expr = parse(text, variable)
    d = expr.real_sympy
    out, tex = [], []
    for k in range(1, MAX_ORDER + 1):
        if k > order and time.monotonic() - start > EXTRA_ORDERS_S:
            break
        d = sp.diff(d, expr.real_symbol)
        if tree_size(d) > MAX_EXACT_NODES:
            if k > order:
                break  # only asked for out of thrift: no error
            raise LabError("err.diff_too_complex", order=k)
        out.append(d)
        tex.append(sp.latex(d))
    return Exact(tuple(out), tuple(tex))


def _derive_chain(inner: str, outer: str) -> ExactChain:
    f, g = parse(inner, "x"), parse(outer, "u")
    comp = g.real_sympy.xreplace({g.real_symbol: f.real_sympy})
    if tree_size(comp) > MAX_EXACT_NODES:
        raise LabError("err.chain_too_complex")
    # the chain rule bounds the work before the (possibly slow) diff: the result holds g'(f(x)) and f'(x)
    df = sp.diff(f.real_sympy, f.real_symbol)
    dg = sp.diff(g.real_sympy, g.real_symbol)
    if tree_size(df) > MAX_EXACT_NODES or tree_size(dg) > MAX_EXACT_NODES:
        raise LabError("err.chain_too_complex")
    if tree_size(dg.xreplace({g.real_symbol: f.real_sympy})) + tree_size(df) > MAX_EXACT_NODES:
        raise LabError("err.chain_too_complex")
    d = sp.diff(comp, f.real_symbol)
    if tree_size(d) > MAX_EXACT_NODES:
        raise LabError("err.chain_too_complex")
    return ExactChain(comp, d, sp.latex(comp), sp.latex(d))
