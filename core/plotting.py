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


def compact(a: np.ndarray) -> np.ndarray:
    """float32 copy for the browser: half the bytes, far more precision than a screen shows."""
    return np.asarray(a, dtype=np.float32)


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
    if height:
        fig.update_layout(height=int(height * (1.25 if presentation else 1)))
    if presentation:
        fig.update_traces(selector={"mode": "lines"}, line_width=4)
        fig.update_annotations(font_size=base)
        fig.update_xaxes(title_font_size=base + 2, tickfont_size=base)
        fig.update_yaxes(title_font_size=base + 2, tickfont_size=base)
    return fig
