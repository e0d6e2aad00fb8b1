"""Shared Plotly styling: one look for every lab, larger in presentation mode."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

COLORS = {
    "f": "#1f5fbf",
    "autograd": "#d1495b",
    "exact": "#111111",
    "fd": "#edae49",
    "error": "#6a4c93",
    "tangent": "#00798c",
    "bad": "rgba(209, 73, 91, 0.15)",
}
WEBGL_FROM = 20_000  # grid points above which traces use WebGL


def scatter(n_source: int):
    """``go.Scattergl`` for traces that come from large grids, ``go.Scatter`` otherwise."""
    return go.Scattergl if n_source > WEBGL_FROM else go.Scatter


_FLOAT32_MAX = float(np.finfo(np.float32).max)


def compact(a: np.ndarray) -> np.ndarray:
    """float32 copy for the browser: half the bytes, far more precision than a screen shows.

    Values beyond float32's range (exp(exp(x)) reaches 1e300) stay float64: a cast would turn
    them into inf, which the chart would draw as a gap that is not there.
    """
    a = np.asarray(a)
    finite = a[np.isfinite(a)] if a.dtype.kind == "f" else a
    if finite.size and float(np.max(np.abs(finite))) > _FLOAT32_MAX:
        return a.astype(np.float64)
    return a.astype(np.float32)


def style(fig: go.Figure, presentation: bool = False, height: int | None = None) -> go.Figure:
    """Apply the app's layout; presentation mode enlarges fonts and line widths for a projector."""
    base = 20 if presentation else 13
    fig.update_layout(
        template="plotly_white",
        font={"size": base},
        legend={"font": {"size": base}, "orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"l": 60, "r": 20, "t": 60, "b": 50},
        hoverlabel={"font_size": base},
    )
    # powers of ten everywhere (10⁻¹⁶, 10⁶), never SI prefixes (10f, 1p, 100µ) beside them
    fig.update_xaxes(exponentformat="power")
    fig.update_yaxes(exponentformat="power")
    fig.for_each_xaxis(_decades)
    fig.for_each_yaxis(_decades)
    if height:
        fig.update_layout(height=int(height * (1.25 if presentation else 1)))
    if presentation:
        fig.update_traces(selector={"mode": "lines"}, line_width=4)
        fig.update_annotations(font_size=base)
        fig.update_xaxes(title_font_size=base + 2, tickfont_size=base)
        fig.update_yaxes(title_font_size=base + 2, tickfont_size=base)
    return fig


def decade_step(span: float) -> int:
    """Decades between labelled ticks on a log axis spanning ``span`` decades (at most ~10 labels)."""
    return max(1, int(np.ceil(span / 10)))


def _decades(axis) -> None:
    """On a log axis, label whole decades only: Plotly's own minor labels read "5, 2, 10, 5, 2, 1"."""
    if axis.type != "log" or axis.dtick is not None:
        return
    span = abs(axis.range[1] - axis.range[0]) if axis.range is not None else 10.0
    if span >= 1:
        axis.update(dtick=decade_step(span))
