"""PyTorch autograd on a grid, against the exact SymPy derivative evaluated with NumPy."""

from __future__ import annotations

import io
import math
import numbers
import time
from dataclasses import dataclass

import numpy as np
import sympy as sp
import torch

from core import governor
from core.devices import resolve_device, resolve_dtype
from core.errors import LabError
from core.expression.numeric import evaluate
from core.expression.parser import Expression, parse, to_plain
from core.expression.symbolic import MAX_EXACT_NODES, exact_derivatives  # noqa: F401 - MAX_EXACT_NODES stays public here
from core.i18n import tr

MIN_POINTS, MAX_POINTS = 2, 1_000_000
MAX_ORDER = 3
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
        return "relative" if float(np.max(np.abs(self.df_exact), where=both, initial=0.0)) > RELATIVE_ABOVE else "absolute"

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


def _as_expression(expression: str | Expression) -> Expression:
    if isinstance(expression, Expression):
        return expression
    return parse(expression)


def _check_int(name: str, value: object, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise LabError("err.diff_int", name=name, value=str(value)[:30], low=low, high=high)
    if not low <= value <= high:
        raise LabError("err.diff_range", name=name, value=value, low=low, high=f"{high:,}")
    return int(value)


def check_grid(start: float, stop: float, points: int) -> tuple[float, float, int]:
    """Validate a grid request; returns (start, stop, points) as float, float, int."""
    bounds = []
    for name, v in (("start", start), ("stop", stop)):
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not math.isfinite(v):
            raise LabError("err.diff_bound", name=name, value=str(v)[:30])
        if abs(v) > MAX_BOUND:
            raise LabError("err.diff_bound_size", name=name, limit=f"{MAX_BOUND:.0e}")
        bounds.append(float(v))
    if bounds[0] >= bounds[1]:
        raise LabError("err.diff_order_bounds", start=bounds[0], stop=bounds[1])
    points = _check_int("points", points, MIN_POINTS, MAX_POINTS)
    return bounds[0], bounds[1], points


def exact_derivative(expression: str | Expression, order: int = 1) -> sp.Expr:
    """The SymPy derivative of the given order, in the plain ``Symbol("x")`` like ``Expression.sympy``.

    No simplification (``simplify`` can take minutes); a derivative whose tree grows past
    ``MAX_EXACT_NODES`` raises ``LabError`` instead of being differentiated further. The work
    runs in a child process with a time and memory limit (core/symbolic.py).
    """
    expr = _as_expression(expression)
    return to_plain(_exact_real(expr, _check_int("order", order, 1, MAX_ORDER)), expr.real_symbol)


def _exact_real(expr: Expression, order: int) -> sp.Expr:
    """The derivative in the expression's real symbol: the form the reference evaluates."""
    return exact_derivatives(expr, order).derivatives[-1]


def graph_nodes(expr: Expression, order: int, dtype: torch.dtype = torch.float64, device: str = "cpu") -> int:
    """Nodes of the graphs autograd builds for f and its derivatives up to ``order``.

    Measured on ``PROBE_POINTS`` points, not read off SymPy's form: ``0*x**x**x**...`` is 0 to
    SymPy, while autograd still builds (and keeps) the whole tower's graph at every order.
    """
    x = torch.linspace(0.5, 1.0, PROBE_POINTS, dtype=dtype, device=device).requires_grad_(True)
    g = expr(x)
    total = _count_nodes(g)
    for _ in range(order):
        if not g.requires_grad:
            break
        (g,) = torch.autograd.grad(g.sum(), x, create_graph=True, allow_unused=True)
        if g is None:
            break
        total += _count_nodes(g)
    return total


def _count_nodes(t: torch.Tensor) -> int:
    seen: set = set()
    stack = [t.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        stack.extend(nxt for nxt, _ in fn.next_functions)
    return len(seen)


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
    expr = _as_expression(expression)
    start, stop, points = check_grid(start, stop, points)
    order = _check_int("order", order, 1, MAX_ORDER)
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
    max_abs, max_rel = _max_errors(df_np, df_exact)
    plain = to_plain(exact, expr.real_symbol)
    return Derivative(expr, order, str(dev), dtype, x_np, f.cpu().numpy(), df_np, df_exact, plain, max_abs, max_rel,
                      exact_forms.latex[-1])


def _max_errors(df: np.ndarray, df_exact: np.ndarray) -> tuple[float, float]:
    """max |df - df_exact| and max |df - df_exact| / |df_exact| where both are finite (and, for the
    relative one, df_exact != 0); NaN when there is no such point. One float64 temporary."""
    both = np.isfinite(df) & np.isfinite(df_exact)
    if not both.any():
        return math.nan, math.nan
    with np.errstate(all="ignore"):  # inf - inf where neither counts
        diff = np.subtract(df, df_exact, dtype=np.float64)
    np.abs(diff, out=diff)
    max_abs = float(np.max(diff, where=both, initial=0.0))
    both &= df_exact != 0
    if not both.any():
        return max_abs, math.nan
    with np.errstate(all="ignore"):
        np.divide(diff, np.abs(df_exact), out=diff, where=both)
    return max_abs, float(np.max(diff, where=both, initial=0.0))


def reference(exact: sp.Expr, symbol: sp.Symbol, x: np.ndarray) -> np.ndarray:
    """The exact derivative evaluated in float64 with NumPy at the points ``x``.

    A derivative SymPy can only write with functions the evaluator does not know raises
    ``LabError`` naming the function (``err.no_reference``), rather than an internal error.
    """
    return evaluate(exact, symbol, np.asarray(x, dtype=np.float64))


@dataclass(frozen=True)
class Tangent:
    """The tangent line at x0: f(x0) and the slope by autograd and exactly."""

    x0: float
    f0: float
    slope: float
    slope_exact: float


def tangent(expression: str | Expression, x0: float, *, device: str = "cpu", dtype: str = "float64") -> Tangent:
    """f(x0) and f'(x0) by autograd at one point, and the exact slope (float64)."""
    expr = _as_expression(expression)
    if isinstance(x0, bool) or not isinstance(x0, numbers.Real) or not math.isfinite(x0):
        raise LabError("err.diff_bound", name="x0", value=str(x0)[:30])
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    xt = torch.tensor([float(x0)], dtype=dt, device=dev)
    f, df = autograd(expr, xt, 1)
    exact = reference(_exact_real(expr, 1), expr.real_symbol, xt.cpu().numpy())
    return Tangent(float(xt.item()), float(f.item()), float(df.item()), float(exact[0]))


def central_difference(expression: str | Expression, x: np.ndarray, h: float, dtype: str = "float64") -> np.ndarray:
    """(f(x + h) - f(x - h)) / 2h computed in ``dtype`` on the CPU (no autograd)."""
    expr = _as_expression(expression)
    dt = resolve_dtype(dtype, torch.device("cpu"))
    if not (isinstance(h, numbers.Real) and math.isfinite(h) and h > 0):
        raise LabError("err.diff_step", value=str(h)[:30])
    with torch.no_grad():
        xt = torch.as_tensor(np.asarray(x), dtype=dt)
        hh = torch.tensor(h, dtype=dt)
        d = (expr(xt + hh) - expr(xt - hh)) / (2 * hh)
    return d.numpy()


@dataclass(frozen=True)
class StepSweep:
    """Error of the central difference against h, and autograd's error, per dtype."""

    h: np.ndarray
    fd_error: dict[str, np.ndarray]
    autograd_error: dict[str, float]


def step_sweep(
    expression: str | Expression,
    *,
    start: float = -10.0,
    stop: float = 10.0,
    points: int = 201,
    steps: np.ndarray | None = None,
    dtypes: tuple[str, ...] = ("float32", "float64"),
) -> StepSweep:
    """Max |error| over the grid of the central difference for each step h, per dtype.

    Truncation error falls like h^2 as h shrinks, rounding error grows like eps/h: the
    best h is near eps^(1/3), and no h reaches autograd's error, computed on the same grid.
    """
    expr = _as_expression(expression)
    start, stop, points = check_grid(start, stop, min(points, 2001))
    h = np.logspace(-16, 0, 65) if steps is None else np.asarray(steps, dtype=np.float64)
    exact = _exact_real(expr, 1)
    fd_error: dict[str, np.ndarray] = {}
    ag_error: dict[str, float] = {}
    for name in dtypes:
        xt = torch.linspace(start, stop, points, dtype=resolve_dtype(name, torch.device("cpu")))
        x_np = xt.numpy()
        ref = reference(exact, expr.real_symbol, x_np)
        _, df = autograd(expr, xt, 1)
        ag_error[name] = _max_error(df.numpy(force=True), ref)
        fd_error[name] = np.array([_max_error(central_difference(expr, x_np, float(s), name), ref) for s in h])
    return StepSweep(h, fd_error, ag_error)


def _max_error(approx: np.ndarray, ref: np.ndarray) -> float:
    both = np.isfinite(approx) & np.isfinite(ref)
    if not both.any():
        return math.nan
    return float(np.max(np.abs(approx[both].astype(np.float64) - ref[both])))


def torch_code(
    expr: Expression,
    *,
    start: float,
    stop: float,
    points: int,
    device: str,
    dtype: str,
    order: int,
    lang: str = "en",
) -> str:
    """The PyTorch program that computes what ``differentiate`` computes, for the page.

    Its comments are in ``lang`` ("pt" or "en"); the code itself is the same in both.
    """
    c = lambda key: tr(key, lang)  # noqa: E731
    lines = [
        "import math",
        "import torch",
        "import torch.nn.functional as F",
        "",
        f'x = torch.linspace({start!r}, {stop!r}, {points}, dtype=torch.{dtype}, device="{device}")',
        "x.requires_grad_(True)",
        f"y = {expr.code}",
    ]
    if expr.is_constant:
        lines[-1] = f"y = torch.full_like(x, {expr.code})  # {c('code.constant')}"
        lines.append("dy = torch.zeros_like(x)")
    elif order == 1:
        lines.append(f"y.sum().backward()  # {c('code.elementwise')}")
        lines.append("dy = x.grad")
    else:
        lines.append("g = y")
        lines.append(f"for k in range({order}):  # {c('code.create_graph')}")
        lines.append(f"    if not g.requires_grad:  # {c('code.rest_zero')}")
        lines.append("        g = torch.zeros_like(x)")
        lines.append("        break")
        lines.append(f"    (g,) = torch.autograd.grad(g.sum(), x, create_graph=k < {order - 1})")
        lines.append("dy = g")
    return "\n".join(lines)


# The page's catalogue: the notebook's two examples first, then kinks, domains and activations.
PRESETS: tuple[str, ...] = (
    "sin(x)",
    "sigmoid(x)",
    "x**2*sin(x)",
    "exp(-x**2/2)",
    "tanh(x)",
    "relu(x)",
    "abs(x)",
    "softplus(x)",
    "gelu(x)",
    "silu(x)",
    "sqrt(x)",
    "log(x)",
    "x*sqrt(x)",
    "x**1.5",
    "atan(x)",
    "log1p(exp(x))",
)
MAX_CSV_ROWS = 100_000


def to_csv(result: Derivative, max_rows: int = MAX_CSV_ROWS) -> tuple[bytes, int]:
    """CSV of x, f, df, df_exact (every ``stride``-th point when the grid is larger).

    Returns the bytes and the stride. Values are written with 17 significant digits, so a
    float64 reads back exactly; NaN and inf are written as ``nan`` and ``inf``.
    """
    stride = max(1, -(-result.x.size // max_rows))
    cols = [result.x[::stride], result.f[::stride], result.df[::stride], result.df_exact[::stride]]
    table = np.column_stack([np.asarray(c, dtype=np.float64) for c in cols])
    buf = io.StringIO()
    np.savetxt(buf, table, delimiter=",", fmt="%.17g", header="x,f,df_autograd,df_exact", comments="")
    return buf.getvalue().encode(), stride
