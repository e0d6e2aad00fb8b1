"""PyTorch autograd on a grid, against the exact SymPy derivative evaluated with NumPy."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import sympy as sp
import torch

from core import governor
from core.backward_graph import count_nodes
from core.checks import check_int, check_real, max_errors
from core.devices import resolve_device, resolve_dtype
from core.errors import LabError
from core.expression.numeric import evaluate
from core.expression.parser import Expression, parse, to_plain
from core.expression.symbolic import MAX_ORDER, exact_derivatives

MIN_POINTS, MAX_POINTS = 2, 1_000_000
MAX_BOUND = 1e6  # |start|, |stop|
CHUNK = 1 << 16  # grid points per autograd pass and per reference walk, at most: bounds the memory of both
MIN_BLOCK = 1024  # fewer points per block than this: the graph is too large for the memory budget
PROBE_POINTS = 4  # the graph autograd builds is measured on this many points first
TENSORS_PER_NODE = 1.0  # block-sized tensors one graph node keeps alive (measured: 0.06 to 0.6)
RELATIVE_ABOVE = 1e3  # error_kind: beyond this largest |exact derivative|, show the relative error


@dataclass(frozen=True, eq=False)
class Derivative:
    """f and its order-n derivative on a grid: autograd (``df``) and exact (``df_exact``).

    Arrays are NumPy, on the CPU; ``x``, ``f`` and ``df`` are in the computing dtype,
    ``df_exact`` in float64. ``max_abs_error`` is max |df - df_exact| over the points where both
    are finite (NaN when there is none). ``max_rel_error`` is max |df - df_exact| / |df_exact| over
    the points where both are finite and df_exact != 0 (NaN when there is none): the number of
    digits that agree, whatever the size of the values. ``error_kind`` says which one to show.
    """

    expression: Expression
    order: int
    device: str
    dtype: str
    x: np.ndarray
    f: np.ndarray
    df: np.ndarray
    df_exact: np.ndarray
    exact: sp.Expr
    max_abs_error: float
    max_rel_error: float = math.nan
    latex: str | None = None  # LaTeX of ``exact``, made with it in the isolated child

    @property
    def exact_latex(self) -> str:
        """LaTeX of the exact derivative."""
        return self.latex if self.latex is not None else sp.latex(self.exact)

    @property
    def error_kind(self) -> str:
        """Which error the page shows: "relative" when the exact derivative reaches beyond
        ``RELATIVE_ABOVE`` in absolute value on the points where both are finite, else "absolute".

        An absolute error grows with the values: for exp(exp(exp(x))) on [-3, 3] it reads 1e185
        while 10 digits agree, so above 1e3 the relative error is the honest number. On curves of
        ordinary size the absolute error is the readable one (the relative error is large near
        every zero of the derivative). With no common finite point the answer is "absolute".
        """
        both = np.isfinite(self.df) & np.isfinite(self.df_exact)
        if not both.any():
            return "absolute"
        largest = float(np.max(np.abs(self.df_exact), where=both, initial=0.0))
        return "relative" if largest > RELATIVE_ABOVE else "absolute"

    @property
    def abs_error(self) -> np.ndarray:
        """|df - df_exact| in float64 (NaN where either is not finite)."""
        df = self.df.astype(np.float64)
        both = np.isfinite(df) & np.isfinite(self.df_exact)
        with np.errstate(invalid="ignore"):  # inf - inf where neither counts
            return np.where(both, np.abs(df - self.df_exact), np.nan)

    @property
    def rel_error(self) -> np.ndarray:
        """|df - df_exact| / |df_exact| in float64 (NaN where either is not finite or df_exact is 0)."""
        ok = np.isfinite(self.df) & np.isfinite(self.df_exact) & (self.df_exact != 0)
        with np.errstate(all="ignore"):
            return np.where(ok, np.abs(self.df.astype(np.float64) - self.df_exact) / np.abs(self.df_exact), np.nan)

    @property
    def nonfinite(self) -> dict[str, int]:
        """How many grid points are NaN or ±inf in f, df (autograd) and df_exact."""
        return {
            "f": int((~np.isfinite(self.f)).sum()),
            "df": int((~np.isfinite(self.df)).sum()),
            "df_exact": int((~np.isfinite(self.df_exact)).sum()),
        }


def as_expression(expression: str | Expression) -> Expression:
    """``expression`` itself, or the text parsed (``ExpressionError`` on bad text)."""
    return expression if isinstance(expression, Expression) else parse(expression)


def check_grid(start: float, stop: float, points: int) -> tuple[float, float, int]:
    """Validate a grid request; returns (start, stop, points) as float, float, int.

    start and stop are finite with |value| <= ``MAX_BOUND`` and start < stop; points is a whole
    number from ``MIN_POINTS`` to ``MAX_POINTS``. Anything else raises ``LabError``.
    """
    start = check_real(start, -MAX_BOUND, MAX_BOUND, name="start")
    stop = check_real(stop, -MAX_BOUND, MAX_BOUND, name="stop")
    if start >= stop:
        raise LabError("err.diff_order_bounds", start=start, stop=stop)
    return start, stop, check_int(points, MIN_POINTS, MAX_POINTS, name="points")


def check_order(order: int) -> int:
    """The derivative's order as an int from 1 to ``MAX_ORDER`` (``LabError`` otherwise)."""
    return check_int(order, 1, MAX_ORDER, name="order")


def exact_derivative(expression: str | Expression, order: int = 1) -> sp.Expr:
    """The SymPy derivative of the given order, in the plain ``Symbol("x")`` like ``Expression.sympy``.

    No simplification (``simplify`` can take minutes); a derivative whose tree grows past
    ``MAX_EXACT_NODES`` raises ``LabError`` instead of being differentiated further. The work
    runs in a child process with a time and memory limit (core/expression/symbolic.py).
    """
    expr = as_expression(expression)
    return to_plain(exact_real(expr, check_order(order)), expr.real_symbol)


def exact_real(expr: Expression, order: int) -> sp.Expr:
    """The derivative in the expression's real symbol: the form the reference evaluates."""
    return exact_derivatives(expr, order).derivatives[-1]


def reference(exact: sp.Expr, symbol: sp.Symbol, x: np.ndarray) -> np.ndarray:
    """The exact derivative evaluated in float64 with NumPy at the points ``x``.

    A derivative SymPy can only write with functions the evaluator does not know raises
    ``LabError`` naming the function (``err.no_reference``), rather than an internal error.
    """
    return evaluate(exact, symbol, np.asarray(x, dtype=np.float64))


# --- autograd, in blocks that fit the memory budget --------------------------------------------------


def autograd(expression: Expression, x: torch.Tensor, order: int) -> tuple[torch.Tensor, torch.Tensor]:
    """f(x) and the order-n derivative by autograd (create_graph for orders above 1).

    ``y.sum()`` is differentiated: for an elementwise f that gives f'(x) at every point.
    A part that does not depend on x (a constant) has derivative 0, not an error.
    """
    x = x.detach().requires_grad_(True)
    g = expression(x)
    f = g.detach()  # the values only: each order's graph is released once the next one is built
    for k in range(order):
        if not g.requires_grad:
            g = torch.zeros_like(x)
            break
        (g,) = torch.autograd.grad(g.sum(), x, create_graph=k < order - 1, allow_unused=True)
        if g is None:
            g = torch.zeros_like(x)
            break
    g = g.detach()
    if g._is_zerotensor():  # torch's lazy all-zero gradient: hand back an ordinary tensor
        g = torch.zeros_like(x).detach()
    return f, g


def graph_nodes(expr: Expression, order: int, dtype: torch.dtype = torch.float64, device: str = "cpu") -> int:
    """Nodes of the graphs autograd builds for f and its derivatives up to ``order``.

    Measured on ``PROBE_POINTS`` points, not read off SymPy's form: ``0*x**x**x**...`` is 0 to
    SymPy, while autograd still builds (and keeps) the whole tower's graph at every order.
    """
    x = torch.linspace(0.5, 1.0, PROBE_POINTS, dtype=dtype, device=device).requires_grad_(True)
    g = expr(x)
    total = count_nodes(g)
    for _ in range(order):
        if not g.requires_grad:
            break
        (g,) = torch.autograd.grad(g.sum(), x, create_graph=True, allow_unused=True)
        if g is None:
            break
        total += count_nodes(g)
    return total


def block_size(expr: Expression, order: int, dtype: torch.dtype, device: str = "cpu") -> int:
    """Grid points per autograd block, so that one block's graphs fit ``governor.MEMORY_BUDGET_MB``.

    Estimate: points x graph nodes x bytes per value x ``TENSORS_PER_NODE``. Raises
    ``LabError("err.limit_graph")`` when not even ``MIN_BLOCK`` points fit.
    """
    nodes = graph_nodes(expr, order, dtype, device)
    per_point = max(nodes, 1) * torch.finfo(dtype).bits // 8 * TENSORS_PER_NODE
    block = int(governor.MEMORY_BUDGET_MB * 2**20 // per_point)
    if block < MIN_BLOCK:
        raise LabError("err.limit_graph", nodes=nodes, megabytes=governor.MEMORY_BUDGET_MB)
    return min(CHUNK, block)


# --- the grid --------------------------------------------------------------------------------------


def differentiate(
    expression: str | Expression,
    *,
    start: float = -10.0,
    stop: float = 10.0,
    points: int = 1000,
    device: str = "cpu",
    dtype: str = "float64",
    order: int = 1,
) -> Derivative:
    """Differentiate ``expression`` by autograd on ``linspace(start, stop, points)``.

    The grid is built by ``torch.linspace`` in ``dtype`` on ``device``; the exact derivative
    of the same order is evaluated in float64 with NumPy at the same (rounded) points.
    Non-finite values (log at x <= 0, sqrt' at 0) stay in the arrays as NaN or inf; they are
    left out of ``max_abs_error``. Bad arguments raise ``LabError`` (a ``ValueError``).
    """
    expr = as_expression(expression)
    start, stop, points = check_grid(start, stop, points)
    order = check_order(order)
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    exact_forms = exact_derivatives(expr, order)
    exact = exact_forms.derivatives[-1]
    budget = governor.current()

    xt = torch.linspace(start, stop, points, dtype=dt, device=dev)
    f, df = torch.empty_like(xt), torch.empty_like(xt)
    # f is elementwise, so each block of the grid is differentiated on its own, in blocks sized
    # from the graph autograd actually builds: three orders of graphs over a million points
    # would otherwise hold gigabytes at once
    # a grid of at most MIN_BLOCK points is one block whatever its graph: no probe on a rerun's path
    block = points if points <= MIN_BLOCK else block_size(expr, order, dt, str(dev))
    t0 = time.monotonic()
    for lo in range(0, points, block):
        f[lo : lo + block], df[lo : lo + block] = autograd(expr, xt[lo : lo + block], order)
        if lo == 0 and points > block:  # the first block tells how long the others will take
            budget.fits((time.monotonic() - t0) * (points / block - 1))
        budget.check()
    x_np = xt.cpu().numpy()
    df_np = df.cpu().numpy()
    df_exact = np.empty(points, dtype=np.float64)
    t0 = time.monotonic()
    for lo in range(0, points, CHUNK):
        df_exact[lo : lo + CHUNK] = reference(exact, expr.real_symbol, x_np[lo : lo + CHUNK])
        if lo == 0 and points > CHUNK:
            budget.fits((time.monotonic() - t0) * (points / CHUNK - 1))
        budget.check()
    max_abs, max_rel = max_errors(df_np, df_exact)
    plain = to_plain(exact, expr.real_symbol)
    f_np = f.cpu().numpy()
    return Derivative(expr, order, str(dev), dtype, x_np, f_np, df_np, df_exact, plain, max_abs, max_rel, exact_forms.latex[-1])
