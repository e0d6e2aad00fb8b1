"""Figures of the numerical stability lab (pure builders: data in, figure out).

Arrays go out as float32 with NaN for every non-finite point (a gap in a line), which
keeps the chart spec small: about 170 KB for the chart along x at 1001 points and
190 KB for the three maps at 101 x 101 (the page's largest settings). Every axis writes
its numbers with powers of ten (10⁻¹⁶, 2×10⁴), never with SI prefixes (10f, 20k), and an
error of 0, which a log scale cannot draw, is drawn at a floor that the chart names.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.i18n import tr
from core.stability.evaluation import Comparison
from core.stability.forms import METHODS
from core.stability.grids import AlongX
from core.stability.softmax import LogSumExp
from core.stability.thresholds import exp_thresholds
from core.style import finite, power_text, sizes

COLORS = {"naive": "#d62728", "rewritten": "#e08a00", "stable": "#1f5fbf", "reference": "#222222"}
NONFINITE_COLOR = "#111111"
FLOOR_COLOR = "#777777"
MAP_HEIGHT = {False: 400, True: 480}
MAP_MARGIN = {"l": 60, "r": 20, "t": 40, "b": 50}
COLORBAR_YPAD = 10  # plotly's default padding at each end of a colour bar, in px
TICK_GAP = 2.0  # colour-bar labels at least this many font sizes apart


def error_floor_exponent(dtype: str) -> int:
    """k such that relative errors below 10**k are drawn at 10**k: two decades below the dtype's eps.

    A log axis has no 0, and an error is exactly 0 wherever the result is exact to the
    reference's last bit; -18, -9, -6 and -5 for float64, float32, float16 and bfloat16.
    """
    return math.floor(math.log10(exp_thresholds(dtype).eps)) - 2


def error_floor(dtype: str) -> float:
    """10 ** ``error_floor_exponent(dtype)``: where errors of 0 and below it are drawn."""
    return 10.0 ** error_floor_exponent(dtype)


def floor_text(dtype: str) -> str:
    """The floor as the page's texts write it, e.g. ``10⁻¹⁸``."""
    return power_text(error_floor_exponent(dtype))


def _powers_of_ten(fig: go.Figure) -> go.Figure:
    """Every axis writes 10⁻¹⁶ or 2×10⁴, never SI prefixes (plotly's default writes 10f, 1p, 20k)."""
    fig.update_xaxes(exponentformat="power")
    fig.update_yaxes(exponentformat="power")
    return fig


def _panel_shape(row: int, **shape) -> dict:
    """A shape spanning the full height of panel ``row`` (1, 2, 3) of the chart along x, at data x."""
    axis = "" if row == 1 else str(row)
    return {"xref": f"x{axis}", "yref": f"y{axis} domain", "y0": 0, "y1": 1, **shape}


def _label(method: str, lang: str) -> str:
    return tr(f"stab.short.{method}", lang)


def along_x_figure(data: AlongX, lang: str = "pt", presentation: bool = False, x_now: float | None = None) -> go.Figure:
    """Three stacked panels along x (y fixed): f, both gradients, relative error of f (log).

    Shaded bands: the exact failure regions of each form (value panel: value NaN/inf;
    gradient panel: a gradient NaN/inf); vertical lines: x = T (e^x overflows),
    x = y - T (e^(y - x) overflows) and x = y - ln(eps/2) (1 + e^(y - x) rounds to 1).
    """
    comp, th = data.comparison, exp_thresholds(data.comparison.dtype)
    size = sizes(presentation)
    x = comp.x.ravel()
    xs = finite(x)
    floor = error_floor(comp.dtype)
    floored = False
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
            x=xs,
            y=finite(ref.value_hi.ravel()),
            name=_label("reference", lang),
            mode="lines",
            line={"color": COLORS["reference"], "width": size.line * 0.6, "dash": "dot"},
        ),
        row=1,
        col=1,
    )
    for method in METHODS:
        ev, err, label = comp.results[method], comp.errors[method], _label(method, lang)
        panels = [  # (row, values, name, dash)
            (1, ev.value, label, None),
            (2, ev.grad_y, f"{label}: ∂f/∂y", None),
            (2, ev.grad_x, f"{label}: ∂f/∂x", "dash"),
            (3, np.maximum(err["value"], floor), f"{label}: {tr('stab.chart.error', lang)}", None),
        ]
        for row, values, name, dash in panels:
            line = {"color": COLORS[method], "width": size.line} | ({"dash": dash} if dash else {})
            trace = go.Scatter(
                x=xs,
                y=finite(values.ravel()),
                name=name,
                mode="lines",
                legendgroup=method,
                line=line,
                showlegend=None if row == 1 else False,
            )
            fig.add_trace(trace, row=row, col=1)
        floored |= bool((err["value"] < floor).any())
    if floored:  # a log axis cannot draw 0: say where those points went
        fig.add_trace(
            go.Scatter(
                x=[xs[0], xs[-1]],
                y=[floor, floor],
                mode="lines",
                hoverinfo="skip",
                name=tr("stab.chart.floor", lang, floor=floor_text(comp.dtype)),
                line={"color": FLOOR_COLOR, "width": 1.5, "dash": "dot"},
            ),
            row=3,
            col=1,
        )
    # shapes go into the layout in one list: plotly's add_vline/add_vrect take ~30 ms a call
    shapes: list[dict] = []
    shaded = set()
    for region in data.regions:
        if region.kind == "zero":
            continue  # a finite value: the error panel shows it (error 1)
        shapes.append(
            _panel_shape(
                1 if region.part == "value" else 2,
                type="rect",
                x0=region.start,
                x1=region.stop,
                fillcolor=COLORS[region.method],
                opacity=0.14,
                line_width=0,
                layer="below",
            )
        )
        shaded.add(region.method)
    for method in METHODS:
        if method in shaded:  # a legend entry for the bands (shapes have none)
            fig.add_trace(
                go.Scatter(
                    x=[None],
                    y=[None],
                    mode="markers",
                    legendgroup=method,
                    name=tr("stab.chart.shade", lang, form=_label(method, lang)),
                    marker={"symbol": "square", "size": 14, "color": COLORS[method], "opacity": 0.35},
                ),
                row=1,
                col=1,
            )
    lo, hi = float(x[0]), float(x[-1])
    lines = [
        (th.overflow, "stab.chart.line_T", "dash"),
        (data.y - th.overflow, "stab.chart.line_yT", "dash"),
        (data.y - th.absorb, "stab.chart.line_yA", "dot"),
    ]
    for pos, key, dash in lines:
        if lo <= pos <= hi:
            shapes += [
                _panel_shape(row, type="line", x0=pos, x1=pos, line={"color": "#555555", "width": 1.2, "dash": dash})
                for row in (1, 2, 3)
            ]
            fig.add_annotation(
                x=pos,
                y=1.0,
                xref="x",
                yref="paper",
                text=f"{tr(key, lang)} ({pos:.6g})",
                showarrow=False,
                textangle=-90,
                xanchor="right",
                yanchor="top",
                bgcolor="rgba(255,255,255,0.75)",
                font={"size": size.font * 0.8, "color": "#444444"},
            )
    if x_now is not None and lo <= x_now <= hi:
        shapes += [
            _panel_shape(row, type="line", x0=x_now, x1=x_now, line={"color": "#2ca02c", "width": 1.5}) for row in (1, 2, 3)
        ]
    fig.update_layout(shapes=shapes)
    fig.update_yaxes(type="log", row=3, col=1)
    fig.update_xaxes(title_text="x", row=3, col=1)
    fig.update_layout(
        height=900 if presentation else 760,
        font={"size": size.font},
        margin={"l": 60, "r": 20, "t": 40, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.03, "x": 0},
        hovermode="x unified",
    )
    return _powers_of_ten(fig)


def map_scale(dtype: str, presentation: bool = False) -> tuple[int, int]:
    """(zmin, step) of the map's colour bar, in decades: a label every ``step`` decades.

    The bar runs from 10**zmin (the error floor, lowered to a multiple of ``step``) to 1,
    then one ``step`` more for the NaN/inf band. ``step`` is the smallest that keeps the
    labels TICK_GAP font sizes apart on the bar: 2 for float64, 1 for float32 (3 and 2 in
    presentation mode, whose font is larger).
    """
    font = sizes(presentation).font
    bar = MAP_HEIGHT[presentation] - MAP_MARGIN["t"] - MAP_MARGIN["b"] - 2 * COLORBAR_YPAD
    floor = error_floor_exponent(dtype)
    step = 1
    while True:
        zmin = -step * math.ceil(-floor / step)
        if step * bar / (step - zmin) >= TICK_GAP * font:
            return zmin, step
        step += 1


def _map_colorscale(zmin: int, top: int) -> list[list]:
    """Viridis for log10(error) in [zmin, 0], then a sharp black band up to ``top`` for NaN/inf."""
    edge = (0 - zmin) / (top - zmin)
    viridis = ["#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"]
    scale = [[edge * i / (len(viridis) - 1), c] for i, c in enumerate(viridis)]
    return [*scale, [min(edge + 1e-6, 1.0), NONFINITE_COLOR], [1.0, NONFINITE_COLOR]]


def error_map_figure(comp: Comparison, quantity: str = "value", lang: str = "pt", presentation: bool = False) -> go.Figure:
    """One heatmap per form over (x, y): log10 of the relative error, black where NaN/inf.

    quantity: "value" (error of f) or "grad" (the worse of the two gradients; NaN/inf
    if either is). One shared colour axis; z is float32 to keep the spec small. Errors
    below the floor, 0 included, take the floor's colour, and its label says so.
    """
    th = exp_thresholds(comp.dtype)
    size = sizes(presentation)
    zmin, step = map_scale(comp.dtype, presentation)
    top = step  # the NaN/inf band is one label step tall
    xs, ys = comp.x[0], comp.y[:, 0]
    fig = make_subplots(
        rows=1,
        cols=3,
        shared_yaxes=True,
        horizontal_spacing=0.05,
        subplot_titles=[_label(m, lang) for m in METHODS],
    )
    for col, method in enumerate(METHODS, start=1):
        err = comp.errors[method]
        e = err["value"] if quantity == "value" else np.maximum(err["grad_x"], err["grad_y"])
        with np.errstate(divide="ignore"):
            z = np.log10(np.maximum(e, 10.0**zmin))
        z = np.where(np.isfinite(e), np.minimum(z, 0.0), top).astype(np.float32)
        fig.add_trace(
            go.Heatmap(
                x=xs.astype(np.float32),
                y=ys.astype(np.float32),
                z=z,
                coloraxis="coloraxis",
                name=_label(method, lang),
                hovertemplate="x=%{x:.5g}<br>y=%{y:.5g}<br>log10(err)=%{z:.2f}<extra>%{fullData.name}</extra>",
            ),
            row=1,
            col=col,
        )
        lo, hi = float(xs[0]), float(xs[-1])
        guides = [
            ({"x0": lo, "y0": lo, "x1": hi, "y1": hi}, "dash"),  # y = x
            ({"x0": th.overflow, "y0": lo, "x1": th.overflow, "y1": hi}, "dot"),  # x = T
            ({"x0": lo, "y0": lo + th.overflow, "x1": hi - th.overflow, "y1": hi}, "dot"),  # y = x + T
        ]
        for coords, dash in guides:
            if coords["x0"] <= hi and coords["x1"] >= lo and coords["y1"] >= coords["y0"]:
                fig.add_shape(type="line", **coords, row=1, col=col, line={"color": "#dddddd", "width": 1, "dash": dash})
        fig.update_xaxes(title_text="x", range=[lo, hi], row=1, col=col)
    fig.update_yaxes(title_text="y", row=1, col=1)
    ticks = list(range(zmin, 1, step))
    texts = [tr("stab.map.floor", lang, floor=power_text(zmin)), *(power_text(k) for k in ticks[1:])]
    fig.update_layout(
        coloraxis={
            "colorscale": _map_colorscale(zmin, top),
            "cmin": zmin,
            "cmax": top,
            "colorbar": {
                "title": {"text": tr("stab.map.colorbar", lang), "side": "right"},
                "tickvals": [*ticks, top],
                "ticktext": [*texts, tr("stab.map.nonfinite", lang)],
                "ypad": COLORBAR_YPAD,
                "thickness": 22 if presentation else 16,
            },
        },
        height=MAP_HEIGHT[presentation],
        font={"size": size.font},
        margin=MAP_MARGIN,
    )
    return _powers_of_ten(fig)


def softmax_figure(result: LogSumExp, lang: str = "pt", presentation: bool = False) -> go.Figure:
    """Grouped bars of the softmax three ways; a NaN bar is drawn at 0 and labelled NaN."""
    size = sizes(presentation)
    idx = list(range(len(result.v)))
    fig = go.Figure()
    series = [
        ("naive", result.softmax_naive, "stab.lse.col.naive"),
        ("stable", result.softmax_torch, "stab.lse.col.torch"),
        ("reference", result.softmax_exact, "stab.lse.col.exact"),
    ]
    for method, values, key in series:
        shown = np.isfinite(values)
        fig.add_trace(
            go.Bar(
                x=idx,
                y=np.where(shown, values, 0.0),
                name=tr(key, lang),
                marker_color=COLORS[method],
                text=[f"{v:.3g}" if ok else ("NaN" if np.isnan(v) else "inf") for v, ok in zip(values, shown, strict=True)],
                textposition="outside",
            )
        )
    fig.update_layout(
        barmode="group",
        height=420 if presentation else 340,
        font={"size": size.font},
        xaxis={"title": tr("stab.lse.chart_x", lang), "tickmode": "array", "tickvals": idx},
        yaxis={"title": tr("stab.lse.chart_y", lang), "range": [0, 1.15]},
        margin={"l": 60, "r": 20, "t": 30, "b": 50},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return _powers_of_ten(fig)
