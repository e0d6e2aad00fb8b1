"""Plotly figures of the numerical stability lab (pure builders: data in, figure out).

Arrays go out as float32 with NaN for every non-finite point (a gap in a line), which
keeps the chart spec small: about 170 KB for the chart along x at 1001 points and
190 KB for the three maps at 101 x 101 (the page's largest settings).
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.i18n import tr
from core.stability import METHODS, AlongX, Comparison, LogSumExp, exp_thresholds

COLORS = {"naive": "#d62728", "rewritten": "#e08a00", "stable": "#1f5fbf", "reference": "#222222"}
NONFINITE_COLOR = "#111111"


def _sizes(presentation: bool) -> dict[str, float]:
    return {"font": 20 if presentation else 13, "line": 3.5 if presentation else 2.0}


def _f32(values: np.ndarray) -> np.ndarray:
    """float32 copy with NaN where the value is not finite (plotted as a gap)."""
    out = np.asarray(values, dtype=np.float64).copy()
    out[~np.isfinite(out)] = np.nan
    with np.errstate(over="ignore"):
        return out.astype(np.float32)


def error_floor(dtype: str) -> float:
    """Relative errors below this are drawn at it (a log axis has no 0; exact results have 0)."""
    return exp_thresholds(dtype).eps / 64


def _label(method: str, lang: str) -> str:
    return tr(f"stab.short.{method}", lang)


def along_x_figure(data: AlongX, lang: str = "pt", presentation: bool = False, x_now: float | None = None) -> go.Figure:
    """Three stacked panels along x (y fixed): f, both gradients, relative error of f (log).

    Shaded bands: the exact failure regions of each form (value panel: value NaN/inf;
    gradient panel: a gradient NaN/inf); vertical lines: x = T (e^x overflows),
    x = y - T (e^(y - x) overflows) and x = y - ln(eps/2) (1 + e^(y - x) rounds to 1).
    """
    comp, th = data.comparison, exp_thresholds(data.comparison.dtype)
    size = _sizes(presentation)
    x = comp.x.ravel()
    xs = _f32(x)
    floor = error_floor(comp.dtype)
    fig = make_subplots(
        rows=3,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.06,
        row_heights=[0.4, 0.3, 0.3],
        subplot_titles=(tr("stab.chart.value", lang), tr("stab.chart.grad", lang), tr("stab.chart.error", lang)),
    )
    ref = comp.reference
    fig.add_trace(
        go.Scatter(
            x=xs, y=_f32(ref.value_hi.ravel()), name=_label("reference", lang), mode="lines",
            line={"color": COLORS["reference"], "width": size["line"] * 0.6, "dash": "dot"},
        ),
        row=1, col=1,
    )
    for method in METHODS:
        ev, err = comp.results[method], comp.errors[method]
        color = COLORS[method]
        common = {"mode": "lines", "legendgroup": method}
        fig.add_trace(
            go.Scatter(x=xs, y=_f32(ev.value.ravel()), name=_label(method, lang),
                       line={"color": color, "width": size["line"]}, **common),
            row=1, col=1,
        )
        fig.add_trace(
            go.Scatter(x=xs, y=_f32(ev.grad_y.ravel()), name=f"{_label(method, lang)}: ∂f/∂y", showlegend=False,
                       line={"color": color, "width": size["line"]}, **common),
            row=2, col=1,
        )
        fig.add_trace(
            go.Scatter(x=xs, y=_f32(ev.grad_x.ravel()), name=f"{_label(method, lang)}: ∂f/∂x", showlegend=False,
                       line={"color": color, "width": size["line"], "dash": "dash"}, **common),
            row=2, col=1,
        )
        fig.add_trace(
            go.Scatter(x=xs, y=_f32(np.maximum(err["value"].ravel(), floor)), name=f"{_label(method, lang)}: {tr('stab.chart.error', lang)}",
                       showlegend=False, line={"color": color, "width": size["line"]}, **common),
            row=3, col=1,
        )
    shaded = set()
    for region in data.regions:
        if region.kind == "zero":
            continue  # a finite value: the error panel shows it (error 1)
        row = 1 if region.part == "value" else 2
        fig.add_vrect(
            x0=region.start, x1=region.stop, row=row, col=1, fillcolor=COLORS[region.method],
            opacity=0.14, line_width=0, layer="below",
        )
        shaded.add(region.method)
    for method in METHODS:
        if method in shaded:  # a legend entry for the bands (shapes have none)
            fig.add_trace(
                go.Scatter(x=[None], y=[None], mode="markers", legendgroup=method,
                           name=tr("stab.chart.shade", lang, form=_label(method, lang)),
                           marker={"symbol": "square", "size": 14, "color": COLORS[method], "opacity": 0.35}),
                row=1, col=1,
            )
    lo, hi = float(x[0]), float(x[-1])
    lines = [
        (th.overflow, "stab.chart.line_T", "dash"),
        (data.y - th.overflow, "stab.chart.line_yT", "dash"),
        (data.y - th.absorb, "stab.chart.line_yA", "dot"),
    ]
    for pos, key, dash in lines:
        if lo <= pos <= hi:
            for row in (1, 2, 3):
                fig.add_vline(x=pos, row=row, col=1, line={"color": "#555555", "width": 1.2, "dash": dash})
            fig.add_annotation(
                x=pos, y=1.0, xref="x", yref="paper", text=f"{tr(key, lang)} ({pos:.6g})", showarrow=False,
                textangle=-90, xanchor="right", yanchor="top", bgcolor="rgba(255,255,255,0.75)",
                font={"size": size["font"] * 0.8, "color": "#444444"},
            )
    if x_now is not None and lo <= x_now <= hi:
        for row in (1, 2, 3):
            fig.add_vline(x=x_now, row=row, col=1, line={"color": "#2ca02c", "width": 1.5})
    fig.update_yaxes(type="log", row=3, col=1, exponentformat="power")
    fig.update_xaxes(title_text="x", row=3, col=1)
    fig.update_layout(
        height=900 if presentation else 760,
        font={"size": size["font"]},
        margin={"l": 60, "r": 20, "t": 40, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.03, "x": 0},
        hovermode="x unified",
    )
    return fig


def _map_colorscale(zmin: float) -> list[list]:
    """Viridis for log10(error) in [zmin, 0], then a sharp black band for NaN/inf (z = 1)."""
    top = (0 - zmin) / (1 - zmin)
    viridis = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]
    scale = [[top * i / (len(viridis) - 1), c] for i, c in enumerate(viridis)]
    return [*scale, [min(top + 1e-6, 1.0), NONFINITE_COLOR], [1.0, NONFINITE_COLOR]]


def error_map_figure(comp: Comparison, quantity: str = "value", lang: str = "pt", presentation: bool = False) -> go.Figure:
    """One heatmap per form over (x, y): log10 of the relative error, black where NaN/inf.

    quantity: "value" (error of f) or "grad" (the worse of the two gradients; NaN/inf
    if either is). One shared colour axis; z is float32 to keep the spec small.
    """
    th = exp_thresholds(comp.dtype)
    size = _sizes(presentation)
    zmin = math.floor(math.log10(th.eps)) - 1
    xs, ys = comp.x[0], comp.y[:, 0]
    fig = make_subplots(
        rows=1, cols=3, shared_yaxes=True, horizontal_spacing=0.03,
        subplot_titles=[_label(m, lang) for m in METHODS],
    )
    for col, method in enumerate(METHODS, start=1):
        err = comp.errors[method]
        e = err["value"] if quantity == "value" else np.maximum(err["grad_x"], err["grad_y"])
        with np.errstate(divide="ignore"):
            z = np.log10(np.maximum(e, 10.0**zmin))
        z = np.where(np.isfinite(e), np.minimum(z, 0.0), 1.0).astype(np.float32)
        fig.add_trace(
            go.Heatmap(
                x=xs.astype(np.float32), y=ys.astype(np.float32), z=z, coloraxis="coloraxis", name=_label(method, lang),
                hovertemplate="x=%{x:.5g}<br>y=%{y:.5g}<br>log10(err)=%{z:.2f}<extra>%{fullData.name}</extra>",
            ),
            row=1, col=col,
        )
        lo, hi = float(xs[0]), float(xs[-1])
        guides = [
            ({"x0": lo, "y0": lo, "x1": hi, "y1": hi}, "dash"),  # y = x
            ({"x0": th.overflow, "y0": lo, "x1": th.overflow, "y1": hi}, "dot"),  # x = T
            ({"x0": lo, "y0": lo + th.overflow, "x1": hi - th.overflow, "y1": hi}, "dot"),  # y = x + T
        ]
        for coords, dash in guides:
            if coords["x0"] <= hi and coords["x1"] >= lo and coords["y1"] >= coords["y0"]:
                fig.add_shape(type="line", **coords, row=1, col=col,
                              line={"color": "#dddddd", "width": 1, "dash": dash})
        fig.update_xaxes(title_text="x", range=[lo, hi], row=1, col=col)
    fig.update_yaxes(title_text="y", row=1, col=1)
    ticks = list(range(zmin, 1, 2 if zmin < -8 else 1))
    if ticks[-1] != 0:
        ticks.append(0)
    fig.update_layout(
        coloraxis={
            "colorscale": _map_colorscale(zmin), "cmin": zmin, "cmax": 1,
            "colorbar": {
                "title": {"text": tr("stab.map.colorbar", lang)},
                "tickvals": [*ticks, 1],
                "ticktext": [f"1e{t}" if t else "1" for t in ticks] + [tr("stab.map.nonfinite", lang)],
            },
        },
        height=480 if presentation else 400,
        font={"size": size["font"]},
        margin={"l": 60, "r": 20, "t": 40, "b": 50},
    )
    return fig


def softmax_figure(result: LogSumExp, lang: str = "pt", presentation: bool = False) -> go.Figure:
    """Grouped bars of the softmax three ways; a NaN bar is drawn at 0 and labelled NaN."""
    size = _sizes(presentation)
    idx = list(range(len(result.v)))
    fig = go.Figure()
    series = [
        ("naive", result.softmax_naive, "stab.lse.col.naive"),
        ("stable", result.softmax_torch, "stab.lse.col.torch"),
        ("reference", result.softmax_exact, "stab.lse.col.exact"),
    ]
    for method, values, key in series:
        finite = np.isfinite(values)
        fig.add_trace(
            go.Bar(
                x=idx, y=np.where(finite, values, 0.0), name=tr(key, lang), marker_color=COLORS[method],
                text=[f"{v:.3g}" if ok else ("NaN" if np.isnan(v) else "inf") for v, ok in zip(values, finite, strict=True)],
                textposition="outside",
            )
        )
    fig.update_layout(
        barmode="group",
        height=420 if presentation else 340,
        font={"size": size["font"]},
        xaxis={"title": tr("stab.lse.chart_x", lang), "tickmode": "array", "tickvals": idx},
        yaxis={"title": tr("stab.lse.chart_y", lang), "range": [0, 1.15]},
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return fig
