"""The gradient field of f(x, y) on a grid: autograd against SymPy's partial derivatives."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch

from core import governor
from core.backward_graph import count_nodes
from core.checks import check_int, max_errors
from core.devices import resolve_device, resolve_dtype
from core.errors import LabError
from core.expression.numeric import evaluate
from core.expression.parser import Expression
from core.gradients.common import Result, check_range
from core.gradients.exact import as_xy, exact_partials

MIN_POINTS, MAX_POINTS = 2, 1000  # per axis
CHUNK = 1 << 18  # grid points per autograd block and per reference block, at most
MIN_BLOCK = 1024  # fewer points per block than this: the graph is too large for the memory budget
PROBE_POINTS = 4  # the graph autograd builds is measured on this many points first
TENSORS_PER_NODE = 1.0  # block-sized tensors one graph node keeps alive (core/derivatives/grid.py)


@dataclass(frozen=True, eq=False)
class GradientField(Result):
    """f and its gradient on the grid ``x`` × ``y``, by autograd and exactly.

    ``x`` and ``y`` are (points,) in the computing dtype; ``f``, ``df_dx`` and ``df_dy`` are
    (points, points) in that dtype, indexed ``[j, i]`` for the point (x[i], y[j]) (the layout of
    ``np.meshgrid(x, y)`` and of a Plotly contour's ``z``); ``df_dx_exact`` and ``df_dy_exact``
    are SymPy's partial derivatives evaluated in float64 with NumPy at the same (rounded) points.
    Non-finite values (log at x <= 0) stay as NaN or inf. ``max_abs_error`` is the largest
    |autograd - exact| of both partials over the points where both are finite (NaN where none is).
    """

    x: np.ndarray
    y: np.ndarray
    f: np.ndarray
    df_dx: np.ndarray
    df_dy: np.ndarray
    df_dx_exact: np.ndarray
    df_dy_exact: np.ndarray
    max_abs_error: float

    @property
    def max_rel_error(self) -> float:
        """The largest |autograd - exact| / |exact| of both partials where both are finite and exact != 0."""
        rel = [max_errors(a, e)[1] for a, e in ((self.df_dx, self.df_dx_exact), (self.df_dy, self.df_dy_exact))]
        return _nanmax(rel)


def _nanmax(values: list[float]) -> float:
    finite = [v for v in values if not math.isnan(v)]
    return max(finite) if finite else math.nan


def max_abs_error(approx: np.ndarray, exact: np.ndarray) -> float:
    """max |approx - exact| over the points where both are finite (NaN where none is).

    The common case in three passes: where every difference is finite, its max is the answer;
    otherwise ``core.checks.max_errors`` masks the points that are not.
    """
    with np.errstate(all="ignore"):
        d = np.subtract(approx, exact, dtype=np.float64)
    np.abs(d, out=d)
    top = float(d.max()) if d.size else math.nan
    return top if math.isfinite(top) else max_errors(approx, exact)[0]


def _zeros(like: torch.Tensor) -> torch.Tensor:
    return torch.zeros(like.shape, dtype=like.dtype, device=like.device)  # contiguous, even for an expanded input


def _zero_if_none(g: torch.Tensor | None, like: torch.Tensor) -> torch.Tensor:
    if g is None or g._is_zerotensor():  # unused variable, or torch's lazy all-zero gradient
        return _zeros(like)
    return g


def gradient(expr: Expression, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """f(x, y), ∂f/∂x and ∂f/∂y by autograd at each point of the same-shaped ``x`` and ``y``.

    ``f.sum()`` is differentiated: f is elementwise, so each point's gradient is its own.
    A variable f does not use (or a constant f) has partial derivative 0, not an error.
    """
    x = x.detach().requires_grad_(True)
    y = y.detach().requires_grad_(True)
    f = expr(x, y)
    if not f.requires_grad:
        return f.detach().contiguous(), _zeros(x), _zeros(y)
    gx, gy = torch.autograd.grad(f.sum(), (x, y), allow_unused=True)
    # f = x is the (expanded) input itself, and d(sum)/dx an expanded 1: arrays of their own, so
    # that no element of the result shares memory with another
    return f.detach().contiguous(), _zero_if_none(gx, x).detach().contiguous(), _zero_if_none(gy, y).detach().contiguous()


def graph_nodes(expr: Expression, dtype: torch.dtype = torch.float64, device: str = "cpu") -> int:
    """Nodes of the graphs autograd builds for f and its gradient, measured on ``PROBE_POINTS`` points."""
    x = torch.linspace(0.5, 1.0, PROBE_POINTS, dtype=dtype, device=device).requires_grad_(True)
    y = torch.linspace(0.25, 0.75, PROBE_POINTS, dtype=dtype, device=device).requires_grad_(True)
    f = expr(x, y)
    if not f.requires_grad:
        return 1
    total = count_nodes(f)
    grads = torch.autograd.grad(f.sum(), (x, y), create_graph=True, allow_unused=True)
    return total + sum(count_nodes(g) for g in grads if g is not None and g.requires_grad)


def block_points(expr: Expression, dtype: torch.dtype, device: str = "cpu") -> int:
    """Grid points per autograd block, so that one block's graph fits ``governor.MEMORY_BUDGET_MB``.

    Estimate: points x graph nodes x bytes per value x ``TENSORS_PER_NODE``, capped at ``CHUNK``.
    Raises ``LabError("err.limit_graph")`` when not even ``MIN_BLOCK`` points fit.
    """
    nodes = graph_nodes(expr, dtype, device)
    per_point = max(nodes, 1) * torch.finfo(dtype).bits // 8 * TENSORS_PER_NODE
    block = int(governor.MEMORY_BUDGET_MB * 2**20 // per_point)
    if block < MIN_BLOCK:
        raise LabError("err.limit_graph", nodes=nodes, megabytes=governor.MEMORY_BUDGET_MB)
    return min(CHUNK, block)


def gradient_field(
    expression: str | Expression,
    *,
    x_range: tuple[float, float] = (-3.0, 3.0),
    y_range: tuple[float, float] = (-3.0, 3.0),
    points: int = 101,
    device: str = "cpu",
    dtype: str = "float64",
) -> GradientField:
    """∇f = (∂f/∂x, ∂f/∂y) by autograd on a ``points`` × ``points`` grid, against SymPy's.

    The axes are ``torch.linspace(*x_range, points)`` and ``torch.linspace(*y_range, points)``
    in ``dtype`` on ``device``. ``expression`` is text in x and y (parsed with
    ``variables=("x", "y")``) or an Expression in (x, y), or in x alone (then ∂f/∂y = 0).

    Bounds: each range is two finite numbers lo < hi with |lo|, |hi| <= 1e6; ``points`` is a
    whole number from 2 to 1000; ``device`` one of core.devices' present devices; ``dtype``
    "float32" or "float64". Anything else raises ``LabError`` (a ValueError).

    Memory stays bounded whatever the expression: autograd runs on blocks of whole rows, sized
    from the graph it builds (measured on a probe), and the NumPy reference on blocks too.
    """
    expr = as_xy(expression)
    x_lo, x_hi = check_range(x_range, name="x_range")
    y_lo, y_hi = check_range(y_range, name="y_range")
    n = check_int(points, MIN_POINTS, MAX_POINTS, name="points")
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    exact = exact_partials(expr, 1)
    budget = governor.current()

    xs = torch.linspace(x_lo, x_hi, n, dtype=dt, device=dev)
    ys = torch.linspace(y_lo, y_hi, n, dtype=dt, device=dev)
    # a grid that fits one smallest block needs no probe: a rerun at 201 x 201 goes straight on
    rows = n if n * n <= MIN_BLOCK else max(1, block_points(expr, dt, str(dev)) // n)
    if rows >= n:  # one block: autograd's own arrays are the result, no copy
        f, gx, gy = gradient(expr, xs.expand(n, n), ys[:, None].expand(n, n))
        budget.check()
    else:
        f, gx, gy = (torch.empty((n, n), dtype=dt, device=dev) for _ in range(3))
        t0 = time.monotonic()
        for j in range(0, n, rows):
            m = min(rows, n - j)
            f[j : j + m], gx[j : j + m], gy[j : j + m] = gradient(expr, xs.expand(m, n), ys[j : j + m, None].expand(m, n))
            if j == 0:  # the first block tells how long the others will take
                budget.fits((time.monotonic() - t0) * (n / rows - 1))
            budget.check()

    x_np, y_np = xs.cpu().numpy(), ys.cpu().numpy()
    exact_x, exact_y = (np.empty((n, n)) for _ in range(2))
    symbols = expr.real_symbols
    ref_rows = max(1, CHUNK // n)
    x64 = x_np.astype(np.float64)[None, :]
    t0 = time.monotonic()
    for j in range(0, n, ref_rows):
        # broadcast (1, n) against (m, 1): a part in x alone is computed once per column
        y64 = y_np[j : j + ref_rows].astype(np.float64)[:, None]
        exact_x[j : j + ref_rows] = evaluate(exact.gradient[0], symbols, (x64, y64))
        exact_y[j : j + ref_rows] = evaluate(exact.gradient[1], symbols, (x64, y64))
        if j == 0 and n > ref_rows:
            budget.fits((time.monotonic() - t0) * (n / ref_rows - 1))
        budget.check()

    gx_np, gy_np = gx.cpu().numpy(), gy.cpu().numpy()
    err = _nanmax([max_abs_error(gx_np, exact_x), max_abs_error(gy_np, exact_y)])
    return GradientField(x_np, y_np, f.cpu().numpy(), gx_np, gy_np, exact_x, exact_y, err)
