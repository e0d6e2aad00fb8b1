"""What the Gradients page shows, made from core's results: the cached field view, the point's
numbers, the slice, the race's notes and its CSV. Pure functions; the page only renders them.

Every number shown comes from ``gradient_field``, ``hessian`` or ``descend``; the only values
computed here are the slice f(p + t·u), drawn to show what the directional derivative is the slope of.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go
import torch

from core.allocator import release_memory
from core.devices import resolve_device, resolve_dtype
from core.gradients.exact import as_xy, exact_partials
from core.gradients.field import gradient_field
from core.gradients.figures import field_figure
from core.gradients.hessian import largest_stable_lr
from core.gradients.presets import JUST_ABOVE
from core.i18n import tr

SLICE_POINTS = 201
RELEASE_FROM_POINTS = 500  # per axis: after grids this large, hand freed heap pages back


@dataclass(frozen=True)
class FieldSummary:
    """The small part of a ``GradientField`` the page shows besides the chart."""

    f_latex: str
    gradient_latex: tuple[str, str]
    max_abs_error: float
    nonfinite: int  # grid points where f or a partial (autograd) is NaN or ±inf
    points: int
    quadratic: bool  # the exact Hessian is constant: f is a polynomial of degree ≤ 2
    stable_lr: float | None  # core's largest_stable_lr: 2/λmax for a quadratic with some λ > 0
    span: float  # the window's smaller side: what the drawn vectors and the slice are sized by

    def formulas(self) -> tuple[str, str]:
        """f and its gradient as LaTeX equations."""
        gx, gy = self.gradient_latex
        return f"f(x, y) = {self.f_latex}", rf"\nabla f = \left( {gx},\; {gy} \right)"


def field_view(
    text: str,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    points: int,
    device: str,
    dtype: str,
    lang: str = "pt",
    presentation: bool = False,
    surface: bool = False,
) -> tuple[go.Figure, FieldSummary]:
    """The field's figure (``field_figure``) and its ``FieldSummary``; positional, for ``heavy_cache``.
    Raises ``LabError`` on bad input, as ``gradient_field`` does."""
    field = gradient_field(text, x_range=x_range, y_range=y_range, points=points, device=device, dtype=dtype)
    partials = exact_partials(text, 2)
    quadratic = bool(partials.hessian) and all(not h.free_symbols for row in partials.hessian for h in row)
    bad = ~(np.isfinite(field.f) & np.isfinite(field.df_dx) & np.isfinite(field.df_dy))
    latex, stable = as_xy(text).latex, largest_stable_lr(text)
    span = min(x_range[1] - x_range[0], y_range[1] - y_range[0])
    summary = FieldSummary(latex, partials.gradient_latex, field.max_abs_error, int(bad.sum()), points, quadratic, stable, span)
    fig = field_figure(field, lang=lang, presentation=presentation, surface=surface)
    del field
    if points >= RELEASE_FROM_POINTS:
        release_memory()
    return fig, summary


def direction(angle: float) -> np.ndarray:
    """The unit vector u at ``angle`` degrees from the x axis."""
    a = math.radians(angle)
    return np.array([math.cos(a), math.sin(a)])


@dataclass(frozen=True)
class Slice:
    """g(t) = f(p + t·u) on ``t``, and g'(0) by autograd (the directional derivative, found again)."""

    t: np.ndarray
    values: np.ndarray
    slope_autograd: float


def slice_along(text: str, point: tuple[float, float], angle: float, half: float, device: str, dtype: str) -> Slice:
    """The slice of f through ``point`` along the angle, for |t| ≤ ``half``."""
    expr = as_xy(text)
    dt, dev = resolve_dtype(dtype, resolve_device(device)), resolve_device(device)
    ux, uy = direction(angle)
    t = torch.linspace(-half, half, SLICE_POINTS, dtype=dt, device=dev)
    with torch.no_grad():
        g = expr(point[0] + t * ux, point[1] + t * uy)
    t0 = torch.zeros((), dtype=dt, device=dev, requires_grad=True)
    g0 = expr(point[0] + t0 * ux, point[1] + t0 * uy)
    slope = torch.autograd.grad(g0, t0)[0].item() if g0.requires_grad else 0.0
    return Slice(t.cpu().numpy(), g.cpu().numpy(), float(slope))


def directional(hess: Any, angle: float) -> float:
    """∇f · u from core's (autograd) gradient."""
    return float(np.dot(np.asarray(hess.gradient, dtype=float), direction(angle)))


def number(v: float, digits: int = 10) -> str:
    """A number as the page writes it: ``digits`` significant digits, a dash for NaN."""
    return "—" if isinstance(v, float) and math.isnan(v) else f"{v:.{digits}g}"


def short(v: float) -> str:
    """A number for a metric, which a narrow column cuts: 6 significant digits."""
    return number(v, 6)


def gradient_columns(hess: Any, lang: str) -> dict[str, list[str]]:
    """The table of ∂f/∂x and ∂f/∂y at the point: autograd, SymPy and their difference."""
    ag, ex = np.asarray(hess.gradient, dtype=float), np.asarray(hess.gradient_exact, dtype=float)
    return {
        "": ["∂f/∂x", "∂f/∂y"],
        tr("grad.col_autograd", lang): [number(v) for v in ag],
        tr("grad.col_exact", lang): [number(v) for v in ex],
        tr("grad.col_diff", lang): [f"{abs(a - e):.3e}" if np.isfinite(a - e) else "—" for a, e in zip(ag, ex, strict=True)],
    }


def matrix_latex(name: str, m: Any) -> str:
    """A 2 x 2 matrix of numbers as LaTeX: ``H = (...)``."""
    a = np.asarray(m, dtype=float)
    rows = r" \\ ".join(" & ".join(number(float(v)) for v in row) for row in a)
    return rf"{name} = \begin{{pmatrix}} {rows} \end{{pmatrix}}"


def stable_lr(summary: FieldSummary, hess: Any) -> float | None:
    """2/λmax (core's ``largest_stable_lr``) where plain SGD converges from every start below it:
    a quadratic with a minimum (p_k = (I - lr·A)^k p_0). None for any other f, a saddle included
    (it runs away along its negative curvature at every lr)."""
    return summary.stable_lr if summary.quadratic and hess.kind == "minimum" else None


def above_lr(stable: float) -> float:
    """The learning rate "just above" the largest stable one."""
    return min(JUST_ABOVE * stable, 10.0)


def above_note(run: Any, lr: float, stable: float, lang: str) -> str:
    """What SGD just above 2/λmax did: each step multiplies the stiffest component by
    |1 - lr·λmax| > 1, so f grows (shown from core's values) even before it leaves the window."""
    values = np.asarray(run.values, dtype=float)
    last = values[np.isfinite(values)][-1] if np.isfinite(values).any() else math.nan
    factor = abs(1.0 - lr * 2.0 / stable)
    return tr(
        "grad.above_note", lang, lr=number(lr, 4), factor=number(factor, 4), first=number(values[0], 4), last=number(last, 4)
    )


def race_notes(runs: Mapping[str, tuple[float, Any]], lang: str, stable: float | None = None) -> list[str]:
    """A sentence for each run that diverged (and where), and one for SGD just above 2/λmax."""
    notes = [above_note(runs["above"][1], runs["above"][0], stable, lang)] if "above" in runs and stable else []
    for name, (lr, run) in runs.items():
        if run.diverged:
            label = tr(f"grad.opt.{name}", lang) if name != "above" else tr("grad.opt.above", lang, lr=f"{lr:.4g}")
            notes.append(tr("grad.diverged", lang, name=label, lr=f"{lr:.4g}", step=run.stopped_at))
    return notes


def path_csv(runs: Mapping[str, tuple[float, Any]]) -> str:
    """Every run's path as CSV: optimizer, lr, step, x, y, f, |∇f|."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["optimizer", "lr", "step", "x", "y", "f", "grad_norm"])
    for name, (lr, run) in runs.items():
        for k, ((x, y), f, g) in enumerate(zip(run.path, run.values, run.grad_norms, strict=True)):
            w.writerow([name, repr(lr), k, repr(float(x)), repr(float(y)), repr(float(f)), repr(float(g))])
    return out.getvalue()
