"""The tangent line at one point: f(x0) and f'(x0) by autograd, and the exact slope."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from core.checks import check_real
from core.derivatives.grid import as_expression, autograd, exact_real, reference
from core.devices import resolve_device, resolve_dtype
from core.expression.parser import Expression


@dataclass(frozen=True)
class Tangent:
    """The tangent line at x0: f(x0) and the slope by autograd and exactly."""

    x0: float
    f0: float
    slope: float
    slope_exact: float


def tangent(expression: str | Expression, x0: float, *, device: str = "cpu", dtype: str = "float64") -> Tangent:
    """f(x0) and f'(x0) by autograd at one point, and the exact slope (float64).

    x0 is rounded to ``dtype`` first, and both slopes are taken at that rounded point. Where f
    is not differentiable the slopes are what autograd and the reference give there: relu'(0)
    is 0, sqrt'(0) is inf, and (x*sqrt(x))'(0) is NaN by autograd (0 * inf) but 0 exactly.
    """
    expr = as_expression(expression)
    x0 = check_real(x0, name="x0")
    dev = resolve_device(device)
    xt = torch.tensor([x0], dtype=resolve_dtype(dtype, dev), device=dev)
    f, df = autograd(expr, xt, 1)
    exact = reference(exact_real(expr, 1), expr.real_symbol, xt.cpu().numpy())
    return Tangent(float(xt.item()), float(f.item()), float(df.item()), float(exact[0]))
