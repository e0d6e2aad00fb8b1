"""Tensors drawn as grids of cells, and broadcasting (core/tensors/grid.py, figures.py,
broadcast_figures.py)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.style import sizes
from core.tensors.broadcast_figures import broadcast_cells_figure, broadcast_figure
from core.tensors.broadcasting import broadcast_report
from core.tensors.concatenation import concat_report
from core.tensors.figures import flat_index_figure, index_figure, result_figure, source_figure
from core.tensors.grid import MAX_DRAW_CELLS, canvas_size, grid_layout
from core.tensors.indexing import index_tensor
from core.tensors.layout import reshape_report
from core.tensors.shapes import make_tensor

shapes = st.lists(st.integers(1, 8), min_size=1, max_size=4).map(tuple)


# --------------------------------------------------------------------------------------
# Figures.


@given(shape=shapes)
def test_grid_layout_puts_every_element_in_its_own_cell(shape):
    layout = grid_layout(shape)
    cells = set(zip(layout.rows.ravel().tolist(), layout.cols.ravel().tolist(), strict=True))
    assert len(cells) == math.prod(shape)
    assert layout.rows.max() < layout.height and layout.cols.max() < layout.width
    assert len(layout.facets) == (math.prod(shape[:-2]) if len(shape) > 2 else 1)


def test_grid_layout_keeps_row_major_order_inside_a_facet():
    layout = grid_layout((2, 3, 4))
    assert (layout.rows[1, 2, 3], layout.cols[1, 2, 3]) == (3, 8)  # second facet, one label row
    assert layout.facets[1][4] == "X[1, :, :]"


def _heatmap(fig):
    return next(trace for trace in fig.data if trace.type == "heatmap")


def test_index_figure_highlights_exactly_the_picked_cells():
    x = make_tensor((3, 4), "arange")
    report = index_tensor(x, "X[:, 1]")
    z = np.asarray(_heatmap(index_figure(x, report.counts)).z)
    assert np.nansum(z) == 3 and (z[:, 1] == 1).all()


def test_flat_index_figure_labels_cells_with_memory_positions():
    report = reshape_report((2, 3), "3, 2", transpose=True)
    fig = flat_index_figure(report.source_positions, make_tensor((2, 3), "rand"))
    assert list(_heatmap(fig).text[0]) == ["0", "3"]


def test_result_figure_of_a_scalar_is_one_cell():
    report = index_tensor(make_tensor((2, 2), "arange"), "X[1, 1]")
    fig = result_figure(report.torch.values, report.torch.positions, (2, 2))
    assert np.asarray(_heatmap(fig).z).shape == (1, 1)


def test_largest_tensor_figure_stays_small():
    x = make_tensor((8, 8, 8, 8), "rand")
    report = index_tensor(x, "X[X > 0.5]")
    size = len(json.dumps(index_figure(x, report.counts).to_plotly_json(), default=str))
    assert x.size == MAX_DRAW_CELLS
    assert size < 400_000


def test_too_large_result_is_not_drawn():
    x = make_tensor((8, 8, 8, 8), "arange")
    report = index_tensor(x, "X[[0, 1, 2, 3, 4, 5, 6, 7, 0]]")
    assert report.numpy.values.size > MAX_DRAW_CELLS
    assert result_figure(report.numpy.values, report.numpy.positions, x.shape) is None


def test_broadcast_figure_marks_the_conflict():
    fig = broadcast_figure(broadcast_report("4, 3", "2"))
    z = np.asarray(_heatmap(fig).z)
    assert z[0, -1] == 3 and z[2, -1] == 3


def test_broadcast_cells_figure_only_for_small_matrices():
    assert broadcast_cells_figure(broadcast_report("4, 1", "1, 3")) is not None
    assert broadcast_cells_figure(broadcast_report("2, 4, 1", "1, 3")) is None
    assert broadcast_cells_figure(broadcast_report("4, 3", "2")) is None


def test_broadcast_cells_figure_shows_copies_of_the_stretched_column():
    z = np.asarray(_heatmap(broadcast_cells_figure(broadcast_report("4, 1", "1, 3"))).z)
    np.testing.assert_array_equal(z[1:, 0:3], [[0, 1, 1]] * 4)


def test_source_figure_labels_cells_with_their_origin():
    report = concat_report("1, 2", "1, 2", 0, "cat")
    fig = source_figure(report.source, report.element, name="Y")
    assert np.asarray(_heatmap(fig).text).tolist() == [["a0", "a1"], ["b0", "b1"]]


@given(shape=st.lists(st.integers(1, 64), min_size=1, max_size=5).map(tuple))
def test_canvas_size_matches_the_layout(shape):
    if math.prod(shape) > 20_000:
        return
    layout = grid_layout(shape)
    assert canvas_size(shape) == (layout.height, layout.width)


def test_long_thin_reshape_is_not_drawn():
    assert flat_index_figure(np.arange(4096).reshape(4, 1024), np.zeros(4096)) is None


def test_tick_labels_stay_few_on_the_largest_tensor():
    x = make_tensor((8, 8, 8, 8), "rand")
    fig = index_figure(x, np.zeros(x.shape, dtype=int))
    assert len(fig.layout.xaxis.tickvals) <= 48 and len(fig.layout.yaxis.tickvals) <= 48


@pytest.mark.parametrize("presentation", [False, True])
def test_font_sizes_come_from_the_shared_sizes(presentation):
    size = sizes(presentation)
    x = make_tensor((2, 3), "arange")
    fig = index_figure(x, np.zeros(x.shape, dtype=int), presentation=presentation)
    assert _heatmap(fig).textfont.size == fig.layout.font.size == size.small
    assert fig.layout.shapes[0].line.width == size.thin
    report = broadcast_report("4, 1", "1, 3")
    assert broadcast_figure(report, presentation=presentation).layout.font.size == size.font
    assert broadcast_cells_figure(report, presentation=presentation).layout.font.size == size.small


def test_a_cell_is_larger_on_a_projector():
    x = make_tensor((2, 2), "arange")
    small = index_figure(x, np.zeros(x.shape, dtype=int), presentation=False).layout.height
    large = index_figure(x, np.zeros(x.shape, dtype=int), presentation=True).layout.height
    assert large > small
