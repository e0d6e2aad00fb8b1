"""One look for every lab's charts: the palette, the presentation sizes, Plotly's layout.

Presentation mode (a projector) enlarges fonts, lines and markers; every figure builder takes its
sizes from ``sizes(presentation)`` here, so the whole app grows by the same rule.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Sizes:
    """Font sizes (px), line widths and marker sizes for one mode."""

    font: int  # text, legends, hover labels, tick labels
    small: int  # text inside cells of a drawn tensor
    line: float  # data lines
    thin: float  # outlines, error bars
    marker: int
    height: float  # factor on a figure's height


_SIZES = {
    False: Sizes(font=13, small=12, line=2.0, thin=1.0, marker=8, height=1.0),
    True: Sizes(font=20, small=18, line=4.0, thin=2.0, marker=12, height=1.25),
}


def sizes(presentation: bool = False) -> Sizes:
    """The sizes of the normal view, or of presentation mode."""
    return _SIZES[bool(presentation)]


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_text(k: int) -> str:
    """10**k written with a superscript exponent: ``10⁻¹⁸``; ``1`` for k = 0 and ``10`` for k = 1."""
    return "1" if k == 0 else "10" if k == 1 else "10" + str(k).translate(_SUPERSCRIPTS)


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


def finite(a: np.ndarray) -> np.ndarray:
    """``a`` for the browser (``compact``) with NaN where it is not finite: Plotly cannot draw
    ±inf, and a NaN is drawn as a gap in the line."""
    a = np.asarray(a, dtype=np.float64)
    return compact(np.where(np.isfinite(a), a, np.nan))


def style(fig: go.Figure, presentation: bool = False, height: int | None = None) -> go.Figure:
    """Apply the app's layout; presentation mode enlarges fonts and line widths for a projector."""
    size = sizes(presentation)
    base = size.font
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
        fig.update_layout(height=int(height * size.height))
    if presentation:
        fig.update_traces(selector={"mode": "lines"}, line_width=size.line)
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
