"""Plotly figures of broadcasting: two shapes aligned from the right, and A + B cell by cell.

Colours and the legend's squares are the tensor grids' own (``core.tensors.figures``); font sizes
come from ``core.style.sizes``, the cells' pixel sizes from ``core.tensors.presets``.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.i18n import tr
from core.style import sizes
from core.tensors.broadcasting import ADDED, CONFLICT, KEPT, STRETCHED, BroadcastReport
from core.tensors.figures import (
    A_COLOUR,
    A_COPY,
    B_COLOUR,
    B_COPY,
    CONFLICT_COLOUR,
    OUTLINE,
    RESULT,
    STRETCHED_COLOUR,
    TEXT_COLOUR,
    discrete_scale,
    legend,
)
from core.tensors.presets import BROADCAST_CELL_PX, BROADCAST_HEIGHT_PX
from core.tensors.shapes import format_shape

STATUS_LEGEND = (
    ("tens.fig.bc_kept", A_COPY),
    ("tens.fig.bc_stretched", B_COLOUR),
    ("tens.fig.bc_added", STRETCHED_COLOUR),
    ("tens.fig.bc_conflict", CONFLICT_COLOUR),
)
CELLS_LEGEND = (
    ("tens.fig.bc_own", A_COLOUR),
    ("tens.fig.bc_copy", A_COPY),
    ("tens.fig.bc_own_b", B_COLOUR),
    ("tens.fig.bc_copy_b", B_COPY),
)


def broadcast_figure(report: BroadcastReport, *, lang: str = "pt", presentation: bool = False) -> go.Figure | None:
    """The two shapes aligned from the right, one column per dimension.

    Each size cell says what happened to it: kept, stretched (1 -> n), added in front
    (a missing dimension counts as 1), or in conflict; the last row is the result.
    """
    ndim = len(report.columns)
    if ndim == 0:
        return None
    category = {KEPT: 0, STRETCHED: 1, ADDED: 2, CONFLICT: 3}
    z = np.zeros((3, ndim))
    text = np.empty((3, ndim), dtype=object)
    for k, col in enumerate(report.columns):
        for row, size, status in ((0, col.a, col.a_status), (1, col.b, col.b_status)):
            z[row, k] = category[status]
            shown = "(1)" if size is None else str(size)
            text[row, k] = f"{shown} → {col.result}" if status in (STRETCHED, ADDED) else shown
        z[2, k] = 4 if col.result is not None else 3
        text[2, k] = str(col.result) if col.result is not None else "✗"
    colours = [A_COPY, B_COLOUR, STRETCHED_COLOUR, CONFLICT_COLOUR, RESULT]
    font = sizes(presentation).font
    labels = [
        f"A {format_shape(report.a)}",
        f"B {format_shape(report.b)}",
        tr("tens.fig.bc_result", lang, shape=format_shape(report.result) if report.result is not None else "✗"),
    ]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            text=text,
            texttemplate="%{text}",
            textfont={"size": font, "color": TEXT_COLOUR},
            x=list(range(ndim)),
            y=labels,
            hoverinfo="skip",
            colorscale=discrete_scale(colours),
            zmin=-0.5,
            zmax=4.5,
            showscale=False,
            xgap=3,
            ygap=3,
        )
    )
    legend(fig, lang, STATUS_LEGEND)
    fig.update_layout(
        height=BROADCAST_HEIGHT_PX[bool(presentation)],
        margin={"l": 10, "r": 10, "t": 60, "b": 10},
        title={"text": tr("tens.fig.bc_title", lang), "font": {"size": font + 2}},
        plot_bgcolor="white",
        font={"size": font},
        legend={"orientation": "h", "yanchor": "top", "y": -0.04, "x": 0},
    )
    fig.update_xaxes(
        tickvals=list(range(ndim)),
        ticktext=[f"dim {k - ndim}" for k in range(ndim)],
        side="top",
        showgrid=False,
        zeroline=False,
        tickfont={"size": font - 1},
    )
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False, tickfont={"size": font - 1})
    return fig


def _as_2d(shape: tuple[int, ...]) -> tuple[int, int]:
    return (1, 1) if not shape else ((1, shape[0]) if len(shape) == 1 else (shape[0], shape[1]))


def broadcast_cells_figure(report: BroadcastReport, *, lang: str = "pt", presentation: bool = False) -> go.Figure | None:
    """A + B cell by cell for shapes of at most 2 dims and 8 per dim (the notebook's picture).

    A and B are drawn stretched to the result shape: their own cells strong, the copies
    that broadcasting makes (no memory is copied really) pale; the result cell ``(i, j)``
    reads ``a_k + b_m`` with the flat indices of the elements added.
    """
    if report.result is None or len(report.result) > 2 or max(report.result, default=1) > 8 or 0 in report.result:
        return None
    rh, rw = _as_2d(report.result)
    (ah, aw), (bh, bw) = _as_2d(report.a), _as_2d(report.b)
    width = 3 * rw + 4
    z = np.full((rh + 1, width), np.nan)
    text = np.full((rh + 1, width), "", dtype=object)
    for i in range(rh):
        for j in range(rw):
            ka = (i if ah > 1 else 0) * aw + (j if aw > 1 else 0)
            kb = (i if bh > 1 else 0) * bw + (j if bw > 1 else 0)
            z[i + 1, j] = 0 if (i < ah and j < aw) else 1
            z[i + 1, rw + 2 + j] = 2 if (i < bh and j < bw) else 3
            z[i + 1, 2 * rw + 4 + j] = 4
            text[i + 1, j], text[i + 1, rw + 2 + j] = f"a{ka}", f"b{kb}"
            text[i + 1, 2 * rw + 4 + j] = f"a{ka}+b{kb}"
    font = sizes(presentation).small
    fig = go.Figure(
        go.Heatmap(
            z=z,
            text=text,
            texttemplate="%{text}",
            textfont={"size": font, "color": TEXT_COLOUR},
            hoverinfo="skip",
            colorscale=discrete_scale([A_COLOUR, A_COPY, B_COLOUR, B_COPY, RESULT]),
            zmin=-0.5,
            zmax=4.5,
            showscale=False,
            xgap=2,
            ygap=2,
        )
    )
    middle = (rh - 1) / 2 + 1
    for x, symbol in ((rw + 0.5, "+"), (2 * rw + 2.5, "=")):
        fig.add_annotation(x=x, y=middle, text=symbol, showarrow=False, font={"size": font + 10})
    for c0, label in (
        (0, f"A {format_shape(report.a)}"),
        (rw + 2, f"B {format_shape(report.b)}"),
        (2 * rw + 4, f"A + B {format_shape(report.result)}"),
    ):
        fig.add_annotation(x=c0 + (rw - 1) / 2, y=0, text=label, showarrow=False, font={"size": font})
        fig.add_shape(type="rect", x0=c0 - 0.5, x1=c0 + rw - 0.5, y0=0.5, y1=rh + 0.5, line={"color": OUTLINE, "width": 1})
    legend(fig, lang, CELLS_LEGEND)
    cell = BROADCAST_CELL_PX[bool(presentation)]
    fig.update_layout(
        height=(rh + 1) * cell + 120,
        margin={"l": 10, "r": 10, "t": 20, "b": 10},
        plot_bgcolor="white",
        font={"size": font},
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0},
    )
    fig.update_xaxes(visible=False, range=[-0.5, width - 0.5])
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", scaleratio=1)
    return fig
