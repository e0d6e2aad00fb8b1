"""Figures of the Derivatives page (pure functions of core results)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.derivatives.decimation import DEFAULT_POINTS, decimate
from core.derivatives.finite_difference import StepSweep
from core.derivatives.grid import Derivative
from core.derivatives.tangent_line import Tangent
from core.i18n import tr
from core.style import COLORS, compact, scatter, sizes, style


def derivative_figure(
    result: Derivative,
    *,
    lang: str = "pt",
    tangent: Tangent | None = None,
    fd: np.ndarray | None = None,
    fd_h: float | None = None,
    presentation: bool = False,
    max_points: int = DEFAULT_POINTS,
) -> go.Figure:
    """f, autograd's derivative, the exact one (dashed) and, below, |error| on a log scale.

    Every trace is decimated to ``max_points`` (peaks and NaN gaps kept); the grid itself
    can hold a million points.
    """
    n = result.x.size
    trace = scatter(n)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.7, 0.3], vertical_spacing=0.06)
    order = result.order
    primes = "'" * order
    series = [
        ("f", result.f, tr("deriv.trace_f", lang), COLORS["f"], None),
        ("autograd", result.df, tr("deriv.trace_autograd", lang, primes=primes), COLORS["autograd"], None),
        ("exact", result.df_exact, tr("deriv.trace_exact", lang, primes=primes), COLORS["exact"], "dash"),
    ]
    for name, y, label, color, dash in series:
        xd, yd = decimate(result.x, y, max_points)
        fig.add_trace(
            trace(x=compact(xd), y=compact(yd), name=label, mode="lines", line={"color": color, "dash": dash}, legendgroup=name),
            row=1,
            col=1,
        )
    if fd is not None:
        xd, yd = decimate(result.x, fd, max_points)
        fig.add_trace(
            trace(
                x=compact(xd),
                y=compact(yd),
                name=tr("deriv.trace_fd", lang, h=f"{fd_h:.1e}"),
                mode="lines",
                line={"color": COLORS["fd"], "dash": "dot"},
            ),
            row=1,
            col=1,
        )
    if tangent is not None:
        for t in tangent_traces(tangent, float(result.x[-1] - result.x[0]), lang=lang, presentation=presentation):
            fig.add_trace(t, row=1, col=1)
    # where the derivative's values are huge, only the relative error says how many digits agree
    relative = result.error_kind == "relative"
    err = result.rel_error if relative else result.abs_error
    positive = err[np.isfinite(err) & (err > 0)]
    lo = np.floor(np.log10(positive.min())) - 1 if positive.size else -17.0
    hi = np.ceil(np.log10(positive.max())) + 0.3 if positive.size else -15.0
    lo = min(lo, hi - 3)  # at least three decades, so the ticks read as powers of ten
    # a log axis cannot show 0: points where autograd equals the reference sit on the bottom edge
    xd, yd = decimate(result.x, np.where(err == 0, 10.0 ** (lo + 0.02), err), max_points)
    fig.add_trace(
        trace(
            x=compact(xd),
            y=yd,
            name=tr("deriv.trace_rel_error" if relative else "deriv.trace_error", lang),
            mode="lines",
            line={"color": COLORS["error"]},
        ),
        row=2,
        col=1,
    )
    fig.update_yaxes(
        type="log",
        range=[lo, hi],
        exponentformat="power",
        title_text=tr("deriv.axis_rel_error" if relative else "deriv.axis_error", lang),
        row=2,
        col=1,
    )
    values = np.concatenate([a[np.isfinite(a)].astype(np.float64) for a in (result.f, result.df, result.df_exact)])
    if values.size:
        # the tangent may be steep: keep the axis on the curves, not on the tangent segment
        vmin, vmax = float(values.min()), float(values.max())
        pad = 0.08 * (vmax - vmin) if vmax > vmin else 1.0
        fig.update_yaxes(range=[vmin - pad, vmax + pad], row=1, col=1)
    fig.update_yaxes(title_text=tr("deriv.axis_value", lang), row=1, col=1)
    fig.update_xaxes(title_text="x", row=2, col=1)
    return style(fig, presentation, height=640)


ZERO_FLOOR = 1e-18  # where an error of exactly 0 is drawn on a log axis (below any float64 rounding error)


def step_sweep_figure(sweep: StepSweep, *, lang: str = "pt", presentation: bool = False) -> go.Figure:
    """Central-difference error against h (log-log) per dtype, with autograd's error as a line."""
    fig = go.Figure()
    palette = {"float32": COLORS["autograd"], "float64": COLORS["f"]}
    for name, err in sweep.fd_error.items():
        color = palette.get(name, COLORS["fd"])
        fig.add_trace(
            go.Scatter(
                x=sweep.h,
                y=np.where(err > 0, err, np.nan),
                mode="lines+markers",
                name=tr("deriv.sweep_fd", lang, dtype=name),
                line={"color": color},
            )
        )
        ag = sweep.autograd_error[name]
        # a log axis cannot draw 0: show autograd's exact agreement at a floor, and say so
        level = ag if ag > 0 else ZERO_FLOOR
        label = (
            tr("deriv.sweep_autograd", lang, dtype=name, err=f"{ag:.1e}")
            if ag > 0
            else tr("deriv.sweep_autograd_zero", lang, dtype=name, floor=f"{ZERO_FLOOR:.0e}")
        )
        fig.add_trace(
            go.Scatter(
                x=[sweep.h[0], sweep.h[-1]], y=[level, level], mode="lines", name=label, line={"color": color, "dash": "dash"}
            )
        )
    fig.update_xaxes(type="log", title_text=tr("deriv.sweep_h", lang))
    fig.update_yaxes(type="log", title_text=tr("deriv.sweep_error", lang))
    return style(fig, presentation, height=420)


def tangent_traces(tangent: Tangent, width: float, *, lang: str = "pt", presentation: bool = False) -> list[go.Scatter]:
    """The tangent segment (a quarter of ``width`` long) and its point; none if f or f' is not finite.

    Drawn a little heavier than the curves (one unit of line, two of marker), so that it stands out.
    """
    if not (np.isfinite(tangent.slope) and np.isfinite(tangent.f0)):
        return []
    size = sizes(presentation)
    span = width / 8
    tx = np.array([tangent.x0 - span, tangent.x0 + span])
    label = tr("deriv.trace_tangent", lang, x0=f"{tangent.x0:.3g}", slope=f"{tangent.slope:.6g}")
    return [
        go.Scatter(
            x=tx,
            y=tangent.f0 + tangent.slope * (tx - tangent.x0),
            mode="lines",
            name=label,
            line={"color": COLORS["tangent"], "width": size.line + 1},
        ),
        go.Scatter(
            x=[tangent.x0],
            y=[tangent.f0],
            mode="markers",
            showlegend=False,
            marker={"color": COLORS["tangent"], "size": size.marker + 2},
        ),
    ]


def add_tangent(fig: go.Figure, tangent: Tangent, width: float, *, lang: str = "pt", presentation: bool = False) -> go.Figure:
    """``fig`` (a ``derivative_figure``) with the tangent drawn on its upper panel, as it is styled.

    For a figure made without the tangent (a cached one, the tangent moving on its own); unlike
    ``derivative_figure(tangent=...)``, the presentation mode's line width is not applied to it.
    """
    for trace in tangent_traces(tangent, width, lang=lang, presentation=presentation):
        fig.add_trace(trace, row=1, col=1)
    return fig
