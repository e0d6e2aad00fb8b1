"""Figures of the numerical stability lab (pure builders: data in, figure out).

What a chart sends is kept small, because every student's browser receives it on every
change: lines go out as float32 with NaN for every non-finite point (a gap in a line) and
share one x0/dx where the grid is even; the maps' z goes out as uint8 codes of the colour
scale; no chart embeds a Plotly template. The chart along x at the page's 301 points is
about 35 KB (55 KB in float16 and bfloat16, whose uneven grids keep their x), the three maps
about 20 KB at 61 x 61 and 45 KB at 101 x 101 (the page's largest). Each figure is built in
one constructor call. Every axis writes its numbers with powers of ten (10⁻¹⁶, 2×10⁴),
never with SI prefixes (10f, 20k), and an error of 0, which a log scale cannot draw, is
drawn at a floor that the chart names.
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

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


# Streamlit's frontend writes its theme into ``layout.template.layout`` whatever the figure carries,
# and every trace here names its own colours: the 3.4 KB template Plotly would embed in each chart
# (colour ways and scales of trace types these charts do not use) would change nothing on screen.
TEMPLATE = {"data": {"scatter": [{"marker": {"line": {"width": 0}}}]}}
EVEN_GRID_TOL = 1e-3  # of a step: a grid this close to even goes out as x0 and dx, not as an array


def _axis(**fields) -> dict:
    """An axis that writes 10⁻¹⁶ or 2×10⁴, never SI prefixes (plotly's default writes 10f, 1p, 20k)."""
    return {"exponentformat": "power", **fields}


def grid_fields(values: np.ndarray, axis: str = "x") -> dict:
    """``{axis}0`` and ``d{axis}`` where ``values`` is an even grid (to EVEN_GRID_TOL of a step), else
    ``{axis}`` as float32: one number pair instead of an array repeated in every trace.

    The page's float64 and float32 grids are even (float32 near ±10⁴ over a short range is
    not); those of float16 and bfloat16 are not (their representable numbers are too far
    apart), so they keep the array, and hovering shows the exact numbers of the dtype.
    """
    v = np.asarray(values, dtype=np.float64).ravel()
    if v.size >= 3 and np.isfinite(v).all():
        step = (v[-1] - v[0]) / (v.size - 1)
        if step > 0 and np.max(np.abs(v - (v[0] + step * np.arange(v.size)))) <= EVEN_GRID_TOL * step:
            return {f"{axis}0": float(v[0]), f"d{axis}": float(step)}
    return {axis: finite(v)}


def _stacked_domains(heights: list[float], spacing: float) -> list[list[float]]:
    """The vertical domains of panels stacked top to bottom (as plotly's make_subplots places them)."""
    usable = 1.0 - spacing * (len(heights) - 1)
    domains, top = [], 1.0
    for h in heights:
        bottom = max(top - h * usable, 0.0)
        domains.append([round(bottom, 12), round(top, 12)])
        top = bottom - spacing
    return domains


def _side_by_side_domains(count: int, spacing: float) -> list[list[float]]:
    """The horizontal domains of ``count`` equal panels, left to right (as make_subplots places them)."""
    width = (1.0 - spacing * (count - 1)) / count
    return [[round(c * (width + spacing), 12), round(c * (width + spacing) + width, 12)] for c in range(count)]


def _title(text: str, x: float, y: float) -> dict:
    """A panel title as make_subplots writes it."""
    return {
        "text": text,
        "x": x,
        "y": y,
        "xref": "paper",
        "yref": "paper",
        "xanchor": "center",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 16},
    }


def _panel_shape(row: int, **shape) -> dict:
    """A shape spanning the full height of panel ``row`` (1, 2, 3) of the chart along x, at data x."""
    axis = "" if row == 1 else str(row)
    return {"xref": f"x{axis}", "yref": f"y{axis} domain", "y0": 0, "y1": 1, **shape}


def _label(method: str, lang: str) -> str:
    return tr(f"stab.short.{method}", lang)


CHART_ROWS = [0.4, 0.3, 0.3]  # value, gradients, error
CHART_SPACING = 0.06


def along_x_figure(data: AlongX, lang: str = "pt", presentation: bool = False, x_now: float | None = None) -> go.Figure:
    """Three stacked panels along x (y fixed): f, both gradients, relative error of f (log).

    Shaded bands: the exact failure regions of each form (value panel: value NaN/inf;
    gradient panel: a gradient NaN/inf); vertical lines: x = T (e^x overflows),
    x = y - T (e^(y - x) overflows) and x = y - ln(eps/2) (1 + e^(y - x) rounds to 1).
    Built in one constructor call (no make_subplots, no add_* calls): each of those
    validates the whole figure again.
    """
    comp, th = data.comparison, exp_thresholds(data.comparison.dtype)
    size = sizes(presentation)
    x = comp.x.ravel()
    grid = grid_fields(x)
    floor = error_floor(comp.dtype)

    def line(row: int, values: np.ndarray, name: str, **fields) -> dict:
        axis = "" if row == 1 else str(row)
        return {
            "type": "scatter",
            "mode": "lines",
            "xaxis": f"x{axis}",
            "yaxis": f"y{axis}",
            **grid,
            "y": finite(np.ravel(values)),
            "name": name,
            **fields,
        }

    ref = comp.reference
    reference_line = {"color": COLORS["reference"], "width": size.line * 0.6, "dash": "dot"}
    traces = [line(1, ref.value_hi, _label("reference", lang), line=reference_line)]
    floored = False
    for method in METHODS:
        ev, err, label = comp.results[method], comp.errors[method], _label(method, lang)
        panels = [  # (row, values, name, dash)
            (1, ev.value, label, None),
            (2, ev.grad_y, f"{label}: ∂f/∂y", None),
            (2, ev.grad_x, f"{label}: ∂f/∂x", "dash"),
            (3, np.maximum(err["value"], floor), f"{label}: {tr('stab.chart.error', lang)}", None),
        ]
        for row, values, name, dash in panels:
            style = {"color": COLORS[method], "width": size.line} | ({"dash": dash} if dash else {})
            legend = {} if row == 1 else {"showlegend": False}
            traces.append(line(row, values, name, legendgroup=method, line=style, **legend))
        floored |= bool((err["value"] < floor).any())
    lo, hi = float(x[0]), float(x[-1])
    if floored:  # a log axis cannot draw 0: say where those points went
        traces.append(
            {
                "type": "scatter",
                "xaxis": "x3",
                "yaxis": "y3",
                "x": [lo, hi],
                "y": [floor, floor],
                "mode": "lines",
                "hoverinfo": "skip",
                "name": tr("stab.chart.floor", lang, floor=floor_text(comp.dtype)),
                "line": {"color": FLOOR_COLOR, "width": 1.5, "dash": "dot"},
            }
        )
    shapes: list[dict] = []
    shaded = set()
    for region in data.regions:
        if region.kind == "zero":
            continue  # a finite value: the error panel shows it (error 1)
        row = 1 if region.part == "value" else 2
        band = {"type": "rect", "x0": region.start, "x1": region.stop, "fillcolor": COLORS[region.method]}
        shapes.append(_panel_shape(row, **band, opacity=0.14, line={"width": 0}, layer="below"))
        shaded.add(region.method)
    for method in METHODS:
        if method in shaded:  # a legend entry for the bands (shapes have none)
            traces.append(
                {
                    "type": "scatter",
                    "x": [None],
                    "y": [None],
                    "mode": "markers",
                    "legendgroup": method,
                    "name": tr("stab.chart.shade", lang, form=_label(method, lang)),
                    "marker": {"symbol": "square", "size": 14, "color": COLORS[method], "opacity": 0.35},
                }
            )
    value_d, grad_d, error_d = _stacked_domains(CHART_ROWS, CHART_SPACING)
    titles = [tr("stab.chart.value", lang), tr("stab.chart.grad", lang), tr("stab.chart.error", lang)]
    annotations = [_title(t, 0.5, d[1]) for t, d in zip(titles, (value_d, grad_d, error_d), strict=True)]
    lines = [
        (th.overflow, "stab.chart.line_T", "dash"),
        (data.y - th.overflow, "stab.chart.line_yT", "dash"),
        (data.y - th.absorb, "stab.chart.line_yA", "dot"),
    ]
    for pos, key, dash in lines:
        if lo <= pos <= hi:
            mark = {"type": "line", "x0": pos, "x1": pos, "line": {"color": "#555555", "width": 1.2, "dash": dash}}
            shapes += [_panel_shape(row, **mark) for row in (1, 2, 3)]
            annotations.append(
                {
                    "x": pos,
                    "y": 1.0,
                    "xref": "x",
                    "yref": "paper",
                    "text": f"{tr(key, lang)} ({pos:.6g})",
                    "showarrow": False,
                    "textangle": -90,
                    "xanchor": "right",
                    "yanchor": "top",
                    "bgcolor": "rgba(255,255,255,0.75)",
                    "font": {"size": size.font * 0.8, "color": "#444444"},
                }
            )
    if x_now is not None and lo <= x_now <= hi:
        mark = {"type": "line", "x0": x_now, "x1": x_now, "line": {"color": "#2ca02c", "width": 1.5}}
        shapes += [_panel_shape(row, **mark) for row in (1, 2, 3)]
    shared = {"domain": [0.0, 1.0], "matches": "x3", "showticklabels": False}
    layout = {
        "template": TEMPLATE,
        "xaxis": _axis(anchor="y", **shared),
        "yaxis": _axis(anchor="x", domain=value_d),
        "xaxis2": _axis(anchor="y2", **shared),
        "yaxis2": _axis(anchor="x2", domain=grad_d),
        "xaxis3": _axis(anchor="y3", domain=[0.0, 1.0], title={"text": "x"}),
        "yaxis3": _axis(anchor="x3", domain=error_d, type="log"),
        "annotations": annotations,
        "shapes": shapes,
        "height": 900 if presentation else 760,
        "font": {"size": size.font},
        "margin": {"l": 60, "r": 20, "t": 40, "b": 50},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.03, "x": 0},
        "hovermode": "x unified",
    }
    return go.Figure(data=traces, layout=layout)


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


MAP_CODES = 250  # the map's z goes out as uint8 codes, at most this many for the whole colour bar
MAP_SPACING = 0.05


def map_codes(dtype: str, presentation: bool = False) -> tuple[int, int]:
    """(codes per decade, code of the NaN/inf band) of the map's uint8 z.

    log10(error) in [zmin, top] (``map_scale``) is written as ``(log10(error) - zmin) * per``,
    a whole number of codes per decade so that an error of 1 (log 0) falls exactly on a code
    and never rounds into the NaN/inf band; NaN/inf cells take ``top_code``, the top of the
    bar. 11 to 35 codes per decade: finer than the colour scale can show.
    """
    zmin, step = map_scale(dtype, presentation)
    per = MAP_CODES // (step - zmin)
    return per, (step - zmin) * per


def error_map_figure(comp: Comparison, quantity: str = "value", lang: str = "pt", presentation: bool = False) -> go.Figure:
    """One heatmap per form over (x, y): log10 of the relative error, black where NaN/inf.

    quantity: "value" (error of f) or "grad" (the worse of the two gradients; NaN/inf
    if either is). One shared colour axis. z goes out as uint8 codes (``map_codes``): a
    quarter of float32's bytes, the same picture; the colour bar's ticks sit at the codes of
    their decades. Errors below the floor, 0 included, take the floor's colour (code 0),
    and its label says so. Hovering names the form, x and y.
    """
    th = exp_thresholds(comp.dtype)
    size = sizes(presentation)
    zmin, step = map_scale(comp.dtype, presentation)
    per, top = map_codes(comp.dtype, presentation)
    grid = grid_fields(comp.x[0], "x") | grid_fields(comp.y[:, 0], "y")
    xs = comp.x[0]
    lo, hi = float(xs[0]), float(xs[-1])
    traces, shapes = [], []
    layout: dict = {"template": TEMPLATE}
    domains = _side_by_side_domains(len(METHODS), MAP_SPACING)
    titles = []
    for col, method in enumerate(METHODS, start=1):
        err = comp.errors[method]
        e = err["value"] if quantity == "value" else np.maximum(err["grad_x"], err["grad_y"])
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.log10(np.maximum(e, 10.0**zmin))
        codes = np.rint((np.minimum(z, 0.0) - zmin) * per)
        codes = np.where(np.isfinite(e), codes, top).astype(np.uint8)
        axis = "" if col == 1 else str(col)
        traces.append(
            {
                "type": "heatmap",
                "xaxis": f"x{axis}",
                "yaxis": f"y{axis}",
                **grid,
                "z": codes,
                "coloraxis": "coloraxis",
                "name": _label(method, lang),
                "hovertemplate": "x=%{x:.5g}<br>y=%{y:.5g}<extra>%{fullData.name}</extra>",
            }
        )
        guides = [
            ({"x0": lo, "y0": lo, "x1": hi, "y1": hi}, "dash"),  # y = x
            ({"x0": th.overflow, "y0": lo, "x1": th.overflow, "y1": hi}, "dot"),  # x = T
            ({"x0": lo, "y0": lo + th.overflow, "x1": hi - th.overflow, "y1": hi}, "dot"),  # y = x + T
        ]
        for coords, dash in guides:
            if coords["x0"] <= hi and coords["x1"] >= lo and coords["y1"] >= coords["y0"]:
                line = {"color": "#dddddd", "width": 1, "dash": dash}
                shapes.append({"type": "line", **coords, "xref": f"x{axis}", "yref": f"y{axis}", "line": line})
        domain = domains[col - 1]
        layout[f"xaxis{axis}"] = _axis(anchor=f"y{axis}", domain=domain, title={"text": "x"}, range=[lo, hi])
        y_axis = {"title": {"text": "y"}} if col == 1 else {"matches": "y", "showticklabels": False}
        layout[f"yaxis{axis}"] = _axis(anchor=f"x{axis}", domain=[0.0, 1.0], **y_axis)
        titles.append(_title(_label(method, lang), (domain[0] + domain[1]) / 2, 1.0))
    ticks = list(range(zmin, 1, step))
    texts = [tr("stab.map.floor", lang, floor=power_text(zmin)), *(power_text(k) for k in ticks[1:])]
    layout |= {
        "annotations": titles,
        "shapes": shapes,
        "coloraxis": {
            "colorscale": _map_colorscale(zmin, step),
            "cmin": 0,
            "cmax": top,
            "colorbar": {
                "title": {"text": tr("stab.map.colorbar", lang), "side": "right"},
                "tickvals": [(k - zmin) * per for k in ticks] + [top],
                "ticktext": [*texts, tr("stab.map.nonfinite", lang)],
                "ypad": COLORBAR_YPAD,
                "thickness": 22 if presentation else 16,
            },
        },
        "height": MAP_HEIGHT[presentation],
        "font": {"size": size.font},
        "margin": MAP_MARGIN,
    }
    return go.Figure(data=traces, layout=layout)


def softmax_figure(result: LogSumExp, lang: str = "pt", presentation: bool = False) -> go.Figure:
    """Grouped bars of the softmax three ways; a NaN bar is drawn at 0 and labelled NaN."""
    size = sizes(presentation)
    idx = list(range(len(result.v)))
    series = [
        ("naive", result.softmax_naive, "stab.lse.col.naive"),
        ("stable", result.softmax_torch, "stab.lse.col.torch"),
        ("reference", result.softmax_exact, "stab.lse.col.exact"),
    ]
    traces = []
    for method, values, key in series:
        shown = np.isfinite(values)
        traces.append(
            {
                "type": "bar",
                "x": idx,
                "y": np.where(shown, values, 0.0),
                "name": tr(key, lang),
                "marker": {"color": COLORS[method]},
                "text": [f"{v:.3g}" if ok else ("NaN" if np.isnan(v) else "inf") for v, ok in zip(values, shown, strict=True)],
                "textposition": "outside",
            }
        )
    layout = {
        "template": TEMPLATE,
        "barmode": "group",
        "height": 420 if presentation else 340,
        "font": {"size": size.font},
        "xaxis": _axis(title={"text": tr("stab.lse.chart_x", lang)}, tickmode="array", tickvals=idx),
        "yaxis": _axis(title={"text": tr("stab.lse.chart_y", lang)}, range=[0, 1.15]),
        "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    }
    return go.Figure(data=traces, layout=layout)
