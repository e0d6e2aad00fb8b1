"""Plotly figures of the Tensors lab: tensors drawn as grids of cells.

Every tensor is one heatmap trace on one pair of axes (``core.tensors.grid`` places its cells),
which keeps the chart spec small (a 4096-cell tensor sends about 0.15 MB) and the cells square.
Font sizes and outline widths come from ``core.style.sizes``; a cell's pixel size is the lab's
own (``core.tensors.presets``).
"""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from core.i18n import tr
from core.style import sizes
from core.tensors.grid import drawable, grid_layout, place
from core.tensors.presets import LEGEND_MARK_PX, MAX_CELL_PX

DEFAULT_WIDTH_PX = 1100
MAX_TICKS = 48
TEXT_COLOUR = "#1f2937"
OUTLINE = "#64748b"
GREY = "#eceff3"
PICKED = "#fbbf24"
PICKED_AGAIN = "#f97316"
A_COLOUR, A_COPY = "#60a5fa", "#dbeafe"
B_COLOUR, B_COPY = "#fb923c", "#ffedd5"
STRETCHED_COLOUR = "#fde68a"
RESULT = "#86efac"
CONFLICT_COLOUR = "#f87171"
# a light rainbow: dark text stays readable on every colour, neighbours stay distinguishable
FLAT_SCALE = [[0.0, "#a5b4fc"], [0.25, "#7dd3fc"], [0.5, "#86efac"], [0.75, "#fde68a"], [1.0, "#fca5a5"]]


def format_value(v: float) -> str:
    """``3`` for whole numbers, ``0.53`` otherwise (values are rounded to 2 decimals)."""
    if not math.isfinite(v):
        return str(v)
    return str(int(v)) if float(v).is_integer() and abs(v) < 1e15 else f"{v:.2f}".rstrip("0").rstrip(".")


def _position(name: str, idx: tuple[int, ...]) -> str:
    return f"{name}[{', '.join(str(int(i)) for i in idx)}]"


def discrete_scale(colours: list[str]) -> list[list]:
    """A step colour scale: z = k (k = 0 .. len-1) gets ``colours[k]`` exactly."""
    k = len(colours)
    scale = []
    for c, colour in enumerate(colours):
        scale += [[c / k, colour], [(c + 1) / k, colour]]
    return scale


def legend_entry(fig: go.Figure, label: str, colour: str) -> None:
    """A square marker in the legend for one cell colour (heatmaps have no legend)."""
    fig.add_trace(
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=label,
            showlegend=True,
            marker={"symbol": "square", "size": LEGEND_MARK_PX, "color": colour, "line": {"width": 1, "color": OUTLINE}},
        )
    )


def legend(fig: go.Figure, lang: str, entries: tuple[tuple[str, str], ...]) -> None:
    """One legend square per (text key, cell colour)."""
    for key, colour in entries:
        legend_entry(fig, tr(key, lang), colour)


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
    size = sizes(presentation)
    font = size.small
    cell = max(6, min(MAX_CELL_PX[bool(presentation)], (width_px - 60) // max(layout.width, 1)))
    show_text = cell >= 2.4 * font
    fig = go.Figure(
        go.Heatmap(
            z=place(layout, z, np.nan),
            text=place(layout, text, "") if show_text else None,
            texttemplate="%{text}" if show_text else None,
            textfont={"size": font, "color": TEXT_COLOUR},
            customdata=place(layout, hover, ""),
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=colorscale,
            zmin=zrange[0],
            zmax=zrange[1],
            showscale=False,
            xgap=2,
            ygap=2,
            hoverongaps=False,
        )
    )
    # one list each, set once: add_shape/add_annotation re-validate the whole list per call (quadratic)
    shapes = [
        {
            "type": "rect",
            "x0": c0 - 0.5,
            "x1": c0 + w - 0.5,
            "y0": r0 - 0.5,
            "y1": r0 + h - 0.5,
            "line": {"color": OUTLINE, "width": size.thin},
        }
        for r0, c0, h, w, _ in layout.facets
    ]
    # a label wider than its facet would run into the next one: keep only the indices then
    compact = cell * layout.facets[0][3] < 0.6 * font * len(layout.facets[0][4])
    labels = [
        {
            "x": c0 + (w - 1) / 2,
            "y": r0 - 1,
            "showarrow": False,
            "text": label[len(name) :].replace(", :, :", "") if compact else label,
            "font": {"size": font - 2 if compact else font, "color": TEXT_COLOUR},
        }
        for r0, c0, h, w, label in layout.facets
        if label
    ]
    fig.update_layout(
        shapes=shapes,
        annotations=labels,
        title={"text": title, "font": {"size": font + 4}},
        height=max(170, layout.height * cell + 100),
        margin={"l": 40, "r": 10, "t": 50, "b": 30},
        plot_bgcolor="white",
        paper_bgcolor="white",
        font={"size": font},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 1, "xanchor": "right"},
    )
    # Plotly's tick-label layout is slow enough with hundreds of ticks to freeze the browser
    col_ticks = layout.col_ticks[:: math.ceil(len(layout.col_ticks) / MAX_TICKS)]
    row_ticks = layout.row_ticks[:: math.ceil(len(layout.row_ticks) / MAX_TICKS)]
    fig.update_xaxes(
        tickvals=[t for t, _ in col_ticks],
        ticktext=[s for _, s in col_ticks],
        showgrid=False,
        zeroline=False,
        side="bottom",
        tickfont={"size": font - 2},
        range=[-0.5, layout.width - 0.5],
        constrain="domain",
    )
    fig.update_yaxes(
        tickvals=[t for t, _ in row_ticks],
        ticktext=[s for _, s in row_ticks],
        showgrid=False,
        zeroline=False,
        autorange="reversed",
        scaleanchor="x",
        scaleratio=1,
        tickfont={"size": font - 2},
        constrain="domain",
    )
    return fig


def _indices(shape: tuple[int, ...]) -> list[tuple[int, ...]]:
    return list(np.ndindex(*shape)) if shape else [()]


def index_figure(
    x: np.ndarray,
    counts: np.ndarray,
    *,
    name: str = "X",
    title: str = "",
    lang: str = "pt",
    presentation: bool = False,
    width_px: int = DEFAULT_WIDTH_PX,
) -> go.Figure | None:
    """X with the cells an index picked highlighted (darker when picked more than once).

    ``counts`` has X's shape: how many times each element appears in the result.
    """
    if not drawable(x.shape):
        return None
    level = np.minimum(np.asarray(counts), 2)
    hover = np.array(
        [
            f"{_position(name, i)} = {format_value(x[i])}<br>{tr('tens.fig.picked_times', lang, n=int(counts[i]))}"
            for i in _indices(x.shape)
        ],
        dtype=object,
    )
    text = np.vectorize(format_value, otypes=[object])(x)
    fig = _grid_figure(
        x.shape,
        level,
        text,
        hover,
        discrete_scale([GREY, PICKED, PICKED_AGAIN]),
        (-0.5, 2.5),
        name=name,
        title=title,
        presentation=presentation,
        width_px=width_px,
    )
    legend_entry(fig, tr("tens.fig.not_picked", lang), GREY)
    legend_entry(fig, tr("tens.fig.picked", lang), PICKED)
    if (np.asarray(counts) > 1).any():
        legend_entry(fig, tr("tens.fig.picked_again", lang), PICKED_AGAIN)
    return fig


def result_figure(
    values: np.ndarray,
    positions: np.ndarray,
    source_shape: tuple[int, ...],
    *,
    name: str = "X",
    title: str = "",
    lang: str = "pt",
    presentation: bool = False,
    width_px: int = DEFAULT_WIDTH_PX,
) -> go.Figure | None:
    """The result of an index: values, each hovering with the X position it came from."""
    values = np.asarray(values)
    if not drawable(values.shape):
        return None
    hover = np.array(
        [
            f"{_position(tr('tens.fig.result', lang), i)} = {format_value(values[i])}"
            f"<br>← {_position(name, np.unravel_index(int(positions[i]), source_shape))}"
            for i in _indices(values.shape)
        ],
        dtype=object,
    )
    text = np.vectorize(format_value, otypes=[object])(values)
    return _grid_figure(
        values.shape,
        np.ones(values.shape),
        text,
        hover,
        discrete_scale([PICKED]),
        (0.5, 1.5),
        name=tr("tens.fig.result", lang),
        title=title,
        presentation=presentation,
        width_px=width_px,
    )


def flat_index_figure(
    positions: np.ndarray,
    x: np.ndarray,
    *,
    name: str = "X",
    title: str = "",
    lang: str = "pt",
    presentation: bool = False,
    width_px: int = DEFAULT_WIDTH_PX,
) -> go.Figure | None:
    """Cells coloured and labelled by their flat index in X (their memory offset).

    Draw the source and the reshaped result with this: the same colour is the same
    element, so the reader sees where each element landed.
    """
    positions = np.asarray(positions)
    if not drawable(positions.shape):
        return None
    flat_x = np.asarray(x).ravel()
    hover = np.array(
        [
            f"{_position(name, i)} = {format_value(flat_x[int(positions[i])])}"
            f"<br>{tr('tens.fig.flat_index', lang, k=int(positions[i]))}"
            for i in _indices(positions.shape)
        ],
        dtype=object,
    )
    text = np.vectorize(lambda p: str(int(p)), otypes=[object])(positions)
    return _grid_figure(
        positions.shape,
        positions.astype(float),
        text,
        hover,
        FLAT_SCALE,
        (0, max(flat_x.size - 1, 1)),
        name=name,
        title=title,
        presentation=presentation,
        width_px=width_px,
    )


def source_figure(
    source: np.ndarray,
    element: np.ndarray,
    *,
    name: str,
    title: str = "",
    lang: str = "pt",
    presentation: bool = False,
    width_px: int = DEFAULT_WIDTH_PX,
) -> go.Figure | None:
    """Cells coloured by the tensor they came from (A blue, B orange), labelled ``a3``/``b5``.

    Used for A, B and ``torch.cat``/``torch.stack`` of them. ``lang`` is accepted for a
    uniform signature: the labels are A/B in every language.
    """
    source = np.asarray(source)
    if not drawable(source.shape):
        return None
    text = np.where(source == 0, "a", "b").astype(object) + np.asarray(element).astype(str).astype(object)
    hover = np.array(
        [f"{_position(name, i)} ← {'A' if source[i] == 0 else 'B'}.flat[{int(element[i])}]" for i in _indices(source.shape)],
        dtype=object,
    )
    return _grid_figure(
        source.shape,
        source.astype(float),
        text,
        hover,
        discrete_scale([A_COLOUR, B_COLOUR]),
        (-0.5, 1.5),
        name=name,
        title=title,
        presentation=presentation,
        width_px=width_px,
    )
