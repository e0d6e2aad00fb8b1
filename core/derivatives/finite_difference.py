"""The central finite difference, and why autodiff: its error against the step h, beside autograd's."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from core.checks import check_real, max_abs_diff
from core.derivatives.grid import as_expression, autograd, check_grid, exact_real, reference
from core.devices import resolve_dtype
from core.expression.parser import Expression

MAX_SWEEP_POINTS = 2001  # grid points of the sweep: 65 steps x 2 dtypes evaluate f twice on each


def central_difference(expression: str | Expression, x: np.ndarray, h: float, dtype: str = "float64") -> np.ndarray:
    """(f(x + h) - f(x - h)) / 2h computed in ``dtype`` on the CPU (no autograd).

    ``h`` must be a finite positive number (``LabError("err.diff_step")`` otherwise). Where f is
    not finite at x + h or x - h the result is NaN or ±inf, as the formula gives it.
    """
    expr = as_expression(expression)
    dt = resolve_dtype(dtype, torch.device("cpu"))
    h = check_real(h, math.ulp(0.0), name="h", key="err.diff_step")  # the smallest positive float: h > 0
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
    Errors are taken over the points where both sides are finite (NaN where there is none).
    """
    expr = as_expression(expression)
    start, stop, points = check_grid(start, stop, min(points, MAX_SWEEP_POINTS))
    h = np.logspace(-16, 0, 65) if steps is None else np.asarray(steps, dtype=np.float64)
    exact = exact_real(expr, 1)
    fd_error: dict[str, np.ndarray] = {}
    ag_error: dict[str, float] = {}
    for name in dtypes:
        xt = torch.linspace(start, stop, points, dtype=resolve_dtype(name, torch.device("cpu")))
        x_np = xt.numpy()
        ref = reference(exact, expr.real_symbol, x_np)
        _, df = autograd(expr, xt, 1)
        ag_error[name] = max_abs_diff(df.numpy(force=True), ref)
        fd_error[name] = np.array([max_abs_diff(central_difference(expr, x_np, float(s), name), ref) for s in h])
    return StepSweep(h, fd_error, ag_error)
