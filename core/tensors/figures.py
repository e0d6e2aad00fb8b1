"""Plotly figures for the tensor playground: tensors drawn as grids of cells.

A tensor of any rank is drawn as 2-D grids (its last two dimensions) laid side by side:
a 3-D tensor ``(a, h, w)`` becomes ``a`` grids in a row, a 4-D tensor ``(a, b, h, w)``
an ``a x b`` array of grids, each labelled with the leading indices (``X[1, 0, :, :]``).
A 1-D tensor is one row (wrapped every 16 cells when longer than 32).

The whole drawing is one heatmap trace on one pair of axes: facets are placed on a
single canvas separated by empty (NaN) cells, which keeps the chart spec small (a
4096-cell tensor sends about 0.15 MB) and the cells square.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from core.i18n import tr
from core.tensors.compute import ADDED, CONFLICT, KEPT, STRETCHED, BroadcastReport, format_shape

MAX_DRAW_CELLS = 4096
MAX_FACETS = 128
DEFAULT_WIDTH_PX = 1100
MAX_CANVAS = 100
MAX_TICKS = 48
WRAP_1D = 16
TEXT_COLOUR = "#1f2937"
OUTLINE = "#64748b"
GREY = "#eceff3"
PICKED = "#fbbf24"
PICKED_AGAIN = "#f97316"
A_COLOUR, A_COPY = "#60a5fa", "#dbeafe"
B_COLOUR, B_COPY = "#fb923c", "#ffedd5"
RESULT = "#86efac"
CONFLICT_COLOUR = "#f87171"
# a light rainbow: dark text stays readable on every colour, neighbours stay distinguishable
FLAT_SCALE = [[0.0, "#a5b4fc"], [0.25, "#7dd3fc"], [0.5, "#86efac"], [0.75, "#fde68a"], [1.0, "#fca5a5"]]


@dataclass(frozen=True)
class GridLayout:
    """Where each element of a tensor sits on the canvas, and the facet boxes."""

    rows: np.ndarray
    cols: np.ndarray
    height: int
    width: int
    facets: tuple[tuple[int, int, int, int, str], ...]  # (row0, col0, h, w, label)
    row_ticks: tuple[tuple[int, str], ...]
    col_ticks: tuple[tuple[int, str], ...]


def grid_layout(shape: tuple[int, ...], name: str = "X") -> GridLayout:
    """Canvas coordinates for every element of a tensor of ``shape`` (row-major).

    Facets are separated by one empty column, and by one row that holds their labels.
    """
    shape = tuple(int(d) for d in shape)
    n = math.prod(shape)
    flat = np.arange(n)
    if len(shape) <= 1:
        length = shape[0] if shape else 1
        w = WRAP_1D if length > 2 * WRAP_1D else max(length, 1)
        i, j = np.divmod(flat, w)
        h = int(i.max()) + 1 if n else 1
        row_ticks = tuple((r, f"{r * w}:" if w < length else "0") for r in range(h))
        col_ticks = tuple((c, str(c)) for c in range(w))
        box = ((0, 0, h, w, ""),)
        return GridLayout(i.reshape(shape), j.reshape(shape), h, w, box, row_ticks, col_ticks)
    h, w = shape[-2:]
    lead = shape[:-2]
    fcols = lead[-1] if lead else 1
    frows = math.prod(lead[:-1]) if len(lead) > 1 else 1
    label = 1 if lead else 0
    multi = np.unravel_index(flat, shape)
    facet = np.ravel_multi_index(multi[:-2], lead) if lead else np.zeros(n, dtype=int)
    fr, fc = np.divmod(facet, fcols)
    rows = fr * (h + label) + label + multi[-2]
    cols = fc * (w + 1) + multi[-1]
    facets = []
    for k in range(frows * fcols):
        idx = np.unravel_index(k, lead) if lead else ()
        text = f"{name}[{', '.join(str(int(v)) for v in idx)}, :, :]" if lead else ""
        r, c = divmod(k, fcols)
        facets.append((r * (h + label) + label, c * (w + 1), h, w, text))
    row_ticks = tuple((r * (h + label) + label + i, str(i)) for r in range(frows) for i in range(h))
    col_ticks = tuple((c * (w + 1) + j, str(j)) for c in range(fcols) for j in range(w))
    return GridLayout(rows.reshape(shape), cols.reshape(shape), frows * (h + label), fcols * (w + 1) - 1,
                      tuple(facets), row_ticks, col_ticks)


def canvas_size(shape: tuple[int, ...]) -> tuple[int, int]:
    """(rows, columns) of the canvas :func:`grid_layout` would build, without building it."""
    n = math.prod(shape)
    if len(shape) <= 1:
        length = shape[0] if shape else 1
        w = WRAP_1D if length > 2 * WRAP_1D else max(length, 1)
        return max(math.ceil(n / w), 1), w
    h, w = shape[-2:]
    lead = shape[:-2]
    fcols = lead[-1] if lead else 1
    frows = math.prod(lead[:-1]) if len(lead) > 1 else 1
    return frows * (h + (1 if lead else 0)), fcols * (w + 1) - 1


def drawable(shape: tuple[int, ...]) -> bool:
    """Whether a tensor of ``shape`` is small enough to draw cell by cell: at most 4096
    cells, 128 facets and a canvas of 100 x 100 cells (a (4, 1024) reshape is not drawn:
    its cells would be thinner than a pixel)."""
    n = math.prod(shape)
    facets = math.prod(shape[:-2]) if len(shape) > 2 else 1
    rows, cols = canvas_size(shape)
    return 0 < n <= MAX_DRAW_CELLS and facets <= MAX_FACETS and rows <= MAX_CANVAS and cols <= MAX_CANVAS


def format_value(v: float) -> str:
    """``3`` for whole numbers, ``0.53`` otherwise (values are rounded to 2 decimals)."""
    if not math.isfinite(v):
        return str(v)
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else f"{v:.2f}".rstrip("0").rstrip(".")


def _position(name: str, idx: tuple[int, ...]) -> str:
    return f"{name}[{', '.join(str(int(i)) for i in idx)}]"


def _discrete_scale(colours: list[str]) -> list[list]:
    """A step colour scale: z = k (k = 0 .. len-1) gets ``colours[k]`` exactly."""
    k = len(colours)
    scale = []
    for c, colour in enumerate(colours):
        scale += [[c / k, colour], [(c + 1) / k, colour]]
    return scale


def _legend_entry(fig: go.Figure, label: str, colour: str) -> None:
    """A square marker in the legend for one cell colour (heatmaps have no legend)."""
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="markers", name=label, showlegend=True,
                             marker={"symbol": "square", "size": 14, "color": colour,
                                     "line": {"width": 1, "color": OUTLINE}}))


def _canvas(layout: GridLayout, values: np.ndarray, fill: object) -> np.ndarray:
    out = np.full((layout.height, layout.width), fill, dtype=object if isinstance(fill, str) else float)
    out[layout.rows.ravel(), layout.cols.ravel()] = np.asarray(values).ravel()
    return out


def _grid_figure(
    shape: tuple[int, ...],
    z: np.ndarray,
    text: np.ndarray,
    hover: np.ndarray,
    colorscale: list[list],
    zrange: tuple[float, float],
    *,
    name: str,
    title: str,
    presentation: bool,
    width_px: int,
) -> go.Figure:
    """One heatmap of the whole tensor: colour ``z``, cell ``text``, ``hover`` strings.

    ``width_px`` is the expected width of the chart's container: it sets the cell size
    (and so the height), and whether cell text fits (about 2.4 font sizes per cell).
    """
    layout = grid_layout(shape, name)
    font = 18 if presentation else 12
    cell = max(6, min(56 if presentation else 40, (width_px - 60) // max(layout.width, 1)))
    show_text = cell >= 2.4 * font
    fig = go.Figure(go.Heatmap(
        z=_canvas(layout, z, np.nan),
        text=_canvas(layout, text, "") if show_text else None,
        texttemplate="%{text}" if show_text else None,
        textfont={"size": font, "color": TEXT_COLOUR},
        customdata=_canvas(layout, hover, ""),
        hovertemplate="%{customdata}<extra></extra>",
        colorscale=colorscale, zmin=zrange[0], zmax=zrange[1], showscale=False,
        xgap=2, ygap=2, hoverongaps=False,
    ))
    # one list each, set once: add_shape/add_annotation re-validate the whole list per call (quadratic)
    shapes = [{"type": "rect", "x0": c0 - 0.5, "x1": c0 + w - 0.5, "y0": r0 - 0.5, "y1": r0 + h - 0.5,
               "line": {"color": OUTLINE, "width": 2 if presentation else 1}} for r0, c0, h, w, _ in layout.facets]
    # a label wider than its facet would run into the next one: keep only the indices then
    compact = cell * layout.facets[0][3] < 0.6 * font * len(layout.facets[0][4])
    labels = [{"x": c0 + (w - 1) / 2, "y": r0 - 1, "showarrow": False,
               "text": label[len(name):].replace(", :, :", "") if compact else label,
               "font": {"size": font - 2 if compact else font, "color": TEXT_COLOUR}}
              for r0, c0, h, w, label in layout.facets if label]
    fig.update_layout(
        shapes=shapes,
        annotations=labels,
        title={"text": title, "font": {"size": font + 4}},
        height=max(170, layout.height * cell + 100),
        margin={"l": 40, "r": 10, "t": 50, "b": 30},
        plot_bgcolor="white", paper_bgcolor="white",
        font={"size": font},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
    )
    # Plotly's tick-label layout is slow enough with hundreds of ticks to freeze the browser
    col_ticks = layout.col_ticks[::math.ceil(len(layout.col_ticks) / MAX_TICKS)]
    row_ticks = layout.row_ticks[::math.ceil(len(layout.row_ticks) / MAX_TICKS)]
    fig.update_xaxes(tickvals=[t for t, _ in col_ticks], ticktext=[s for _, s in col_ticks],
                     showgrid=False, zeroline=False, side="bottom", tickfont={"size": font - 2},
                     range=[-0.5, layout.width - 0.5], constrain="domain")
    fig.update_yaxes(tickvals=[t for t, _ in row_ticks], ticktext=[s for _, s in row_ticks],
                     showgrid=False, zeroline=False, autorange="reversed", scaleanchor="x", scaleratio=1,
                     tickfont={"size": font - 2}, constrain="domain")
    return fig


def _indices(shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    return list(np.ndindex(*shape)) if shape else [()]


def index_figure(
    x: np.ndarray, counts: np.ndarray, *, name: str = "X", title: str = "", lang: str = "pt",
    presentation: bool = False, width_px: int = DEFAULT_WIDTH_PX,
) -> go.Figure | None:
    """X with the cells an index picked highlighted (darker when picked more than once).

    ``counts`` has X's shape: how many times each element appears in the result.
    """
    if not drawable(x.shape):
        return None
    level = np.minimum(np.asarray(counts), 2)
    hover = np.array([
        f"{_position(name, i)} = {format_value(x[i])}<br>{tr('tens.fig.picked_times', lang, n=int(counts[i]))}"
        for i in _indices(x.shape)], dtype=object)
    text = np.vectorize(format_value, otypes=[object])(x)
    fig = _grid_figure(x.shape, level, text, hover, _discrete_scale([GREY, PICKED, PICKED_AGAIN]), (-0.5, 2.5),
                       name=name, title=title, presentation=presentation,
                        width_px=width_px)
    _legend_entry(fig, tr("tens.fig.not_picked", lang), GREY)
    _legend_entry(fig, tr("tens.fig.picked", lang), PICKED)
    if (np.asarray(counts) > 1).any():
        _legend_entry(fig, tr("tens.fig.picked_again", lang), PICKED_AGAIN)
    return fig


def result_figure(
    values: np.ndarray, positions: np.ndarray, source_shape: tuple[int, ...], *, name: str = "X",
    title: str = "", lang: str = "pt", presentation: bool = False, width_px: int = DEFAULT_WIDTH_PX,
) -> go.Figure | None:
    """The result of an index: values, each hovering with the X position it came from."""
    values = np.asarray(values)
    if not drawable(values.shape):
        return None
    hover = np.array([
        f"{_position(tr('tens.fig.result', lang), i)} = {format_value(values[i])}"
        f"<br>← {_position(name, np.unravel_index(int(positions[i]), source_shape))}"
        for i in _indices(values.shape)], dtype=object)
    text = np.vectorize(format_value, otypes=[object])(values)
    return _grid_figure(values.shape, np.ones(values.shape), text, hover, _discrete_scale([PICKED]), (0.5, 1.5),
                        name=tr("tens.fig.result", lang), title=title, presentation=presentation,
                        width_px=width_px)


def flat_index_figure(
    positions: np.ndarray, x: np.ndarray, *, name: str = "X", title: str = "", lang: str = "pt",
    presentation: bool = False, width_px: int = DEFAULT_WIDTH_PX,
) -> go.Figure | None:
    """Cells coloured and labelled by their flat index in X (their memory offset).

    Draw the source and the reshaped result with this: the same colour is the same
    element, so the reader sees where each element landed.
    """
    positions = np.asarray(positions)
    if not drawable(positions.shape):
        return None
    flat_x = np.asarray(x).ravel()
    hover = np.array([
        f"{_position(name, i)} = {format_value(flat_x[int(positions[i])])}"
        f"<br>{tr('tens.fig.flat_index', lang, k=int(positions[i]))}"
        for i in _indices(positions.shape)], dtype=object)
    text = np.vectorize(lambda p: str(int(p)), otypes=[object])(positions)
    return _grid_figure(positions.shape, positions.astype(float), text, hover, FLAT_SCALE,
                        (0, max(flat_x.size - 1, 1)), name=name, title=title, presentation=presentation,
                        width_px=width_px)


def source_figure(
    source: np.ndarray, element: np.ndarray, *, name: str, title: str = "", lang: str = "pt",
    presentation: bool = False, width_px: int = DEFAULT_WIDTH_PX,
) -> go.Figure | None:
    """Cells coloured by the tensor they came from (A blue, B orange), labelled ``a3``/``b5``.

    Used for A, B and ``torch.cat``/``torch.stack`` of them. ``lang`` is accepted for a
    uniform signature: the labels are A/B in every language.
    """
    source = np.asarray(source)
    if not drawable(source.shape):
        return None
    text = np.where(source == 0, "a", "b").astype(object) + np.asarray(element).astype(str).astype(object)
    hover = np.array([
        f"{_position(name, i)} ← {'A' if source[i] == 0 else 'B'}.flat[{int(element[i])}]"
        for i in _indices(source.shape)], dtype=object)
    return _grid_figure(source.shape, source.astype(float), text, hover, _discrete_scale([A_COLOUR, B_COLOUR]),
                        (-0.5, 1.5), name=name, title=title, presentation=presentation, width_px=width_px)


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
    colours = [A_COPY, B_COLOUR, "#fde68a", CONFLICT_COLOUR, RESULT]
    font = 20 if presentation else 14
    labels = [f"A {format_shape(report.a)}", f"B {format_shape(report.b)}",
              tr("tens.fig.bc_result", lang, shape=format_shape(report.result) if report.result is not None else "✗")]
    fig = go.Figure(go.Heatmap(
        z=z, text=text, texttemplate="%{text}", textfont={"size": font, "color": TEXT_COLOUR},
        x=list(range(ndim)), y=labels, hoverinfo="skip",
        colorscale=_discrete_scale(colours), zmin=-0.5, zmax=4.5, showscale=False, xgap=3, ygap=3,
    ))
    for key, colour in (("tens.fig.bc_kept", A_COPY), ("tens.fig.bc_stretched", B_COLOUR),
                        ("tens.fig.bc_added", "#fde68a"), ("tens.fig.bc_conflict", CONFLICT_COLOUR)):
        _legend_entry(fig, tr(key, lang), colour)
    fig.update_layout(
        height=300 if presentation else 250, margin={"l": 10, "r": 10, "t": 60, "b": 10},
        title={"text": tr("tens.fig.bc_title", lang), "font": {"size": font + 2}},
        plot_bgcolor="white", font={"size": font},
        legend={"orientation": "h", "yanchor": "top", "y": -0.04, "x": 0},
    )
    fig.update_xaxes(tickvals=list(range(ndim)), ticktext=[f"dim {k - ndim}" for k in range(ndim)],
                     side="top", showgrid=False, zeroline=False, tickfont={"size": font - 1})
    fig.update_yaxes(autorange="reversed", showgrid=False, zeroline=False, tickfont={"size": font - 1})
    return fig


def _as_2d(shape: tuple[int, ...]) -> tuple[int, int]:
    return (1, 1) if not shape else ((1, shape[0]) if len(shape) == 1 else (shape[0], shape[1]))


def broadcast_cells_figure(
    report: BroadcastReport, *, lang: str = "pt", presentation: bool = False
) -> go.Figure | None:
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
    font = 18 if presentation else 12
    fig = go.Figure(go.Heatmap(
        z=z, text=text, texttemplate="%{text}", textfont={"size": font, "color": TEXT_COLOUR}, hoverinfo="skip",
        colorscale=_discrete_scale([A_COLOUR, A_COPY, B_COLOUR, B_COPY, RESULT]), zmin=-0.5, zmax=4.5,
        showscale=False, xgap=2, ygap=2,
    ))
    middle = (rh - 1) / 2 + 1
    for x, symbol in ((rw + 0.5, "+"), (2 * rw + 2.5, "=")):
        fig.add_annotation(x=x, y=middle, text=symbol, showarrow=False, font={"size": font + 10})
    for c0, label in ((0, f"A {format_shape(report.a)}"), (rw + 2, f"B {format_shape(report.b)}"),
                      (2 * rw + 4, f"A + B {format_shape(report.result)}")):
        fig.add_annotation(x=c0 + (rw - 1) / 2, y=0, text=label, showarrow=False, font={"size": font})
        fig.add_shape(type="rect", x0=c0 - 0.5, x1=c0 + rw - 0.5, y0=0.5, y1=rh + 0.5,
                      line={"color": OUTLINE, "width": 1})
    for key, colour in (("tens.fig.bc_own", A_COLOUR), ("tens.fig.bc_copy", A_COPY),
                        ("tens.fig.bc_own_b", B_COLOUR), ("tens.fig.bc_copy_b", B_COPY)):
        _legend_entry(fig, tr(key, lang), colour)
    cell = 56 if presentation else 42
    fig.update_layout(
        height=(rh + 1) * cell + 120, margin={"l": 10, "r": 10, "t": 20, "b": 10},
        plot_bgcolor="white", font={"size": font},
        legend={"orientation": "h", "yanchor": "top", "y": -0.02, "x": 0},
    )
    fig.update_xaxes(visible=False, range=[-0.5, width - 0.5])
    fig.update_yaxes(visible=False, autorange="reversed", scaleanchor="x", scaleratio=1)
    return fig
