"""Where each element of a tensor sits when it is drawn as grids of cells.

A tensor of any rank is drawn as 2-D grids (its last two dimensions) laid side by side:
a 3-D tensor ``(a, h, w)`` becomes ``a`` grids in a row, a 4-D tensor ``(a, b, h, w)``
an ``a x b`` array of grids, each labelled with the leading indices (``X[1, 0, :, :]``).
A 1-D tensor is one row (wrapped every 16 cells when longer than 32). Facets are placed
on a single canvas separated by empty cells, so the whole drawing is one heatmap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

MAX_DRAW_CELLS = 4096
MAX_FACETS = 128
MAX_CANVAS = 100
WRAP_1D = 16


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
    return GridLayout(
        rows.reshape(shape), cols.reshape(shape), frows * (h + label), fcols * (w + 1) - 1, tuple(facets), row_ticks, col_ticks
    )


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


def place(layout: GridLayout, values: np.ndarray, fill: object) -> np.ndarray:
    """The canvas with ``values`` (in the tensor's shape) at their cells and ``fill`` elsewhere."""
    out = np.full((layout.height, layout.width), fill, dtype=object if isinstance(fill, str) else float)
    out[layout.rows.ravel(), layout.cols.ravel()] = np.asarray(values).ravel()
    return out
