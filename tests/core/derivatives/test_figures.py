"""core.derivatives.figures: what goes to the browser stays small at a million points and keeps the gaps."""

from __future__ import annotations

import numpy as np
import plotly.io as pio
import pytest

from core.derivatives.figures import add_tangent, derivative_figure, step_sweep_figure, tangent_traces
from core.derivatives.finite_difference import central_difference, step_sweep
from core.derivatives.grid import MAX_POINTS, differentiate
from core.derivatives.tangent_line import tangent
from core.style import sizes


@pytest.fixture(scope="module")
def sin_sweep():
    return step_sweep("sin(x)")


# --- what goes to the browser ----------------------------------------------------------------------

SPEC_LIMIT = 300_000  # bytes


@pytest.mark.parametrize("text", ["sin(x)", "log(x)"])
def test_chart_spec_stays_small_at_a_million_points(text):
    r = differentiate(text, points=MAX_POINTS)
    fd = central_difference(r.expression, r.x, 1e-4)
    fig = derivative_figure(r, fd=fd, fd_h=1e-4, tangent=tangent(text, 1.0), presentation=True)
    size = len(pio.to_json(fig).encode())
    assert size <= SPEC_LIMIT, size
    assert all(t.type == "scattergl" for t in fig.data[:4])  # WebGL for large grids


def test_chart_keeps_the_gaps_of_a_million_point_grid():
    r = differentiate("log(x)", points=MAX_POINTS)
    fig = derivative_figure(r)
    f_trace = np.asarray(fig.data[0].y, dtype=np.float64)
    x_trace = np.asarray(fig.data[0].x, dtype=np.float64)
    assert np.isnan(f_trace[x_trace < 0]).all() and np.isfinite(f_trace[x_trace > 0]).all()
    assert len(f_trace) <= 2000


def test_step_sweep_figure_has_both_dtypes(sin_sweep):
    fig = step_sweep_figure(sin_sweep, lang="en")
    names = " ".join(t.name for t in fig.data)
    assert "float32" in names and "float64" in names
    assert len(pio.to_json(fig).encode()) <= SPEC_LIMIT


# --- the tangent, in the shared presentation sizes ---------------------------------------------------


@pytest.mark.parametrize(("presentation", "width", "marker"), [(False, 3, 10), (True, 5, 14)])
def test_tangent_is_drawn_heavier_than_the_curves_in_the_shared_sizes(presentation, width, marker):
    line, point = tangent_traces(tangent("sin(x)", 1.0), 20.0, presentation=presentation)
    size = sizes(presentation)
    assert line.line.width == size.line + 1 == width  # the widths the page has always drawn
    assert point.marker.size == size.marker + 2 == marker
    np.testing.assert_allclose(line.x, [1.0 - 2.5, 1.0 + 2.5])  # a quarter of the width


def test_add_tangent_draws_on_the_upper_panel():
    fig = derivative_figure(differentiate("sin(x)", points=101))
    before = len(fig.data)
    add_tangent(fig, tangent("sin(x)", 1.0), 20.0, lang="en")
    assert len(fig.data) == before + 2
    assert {t.yaxis for t in fig.data[before:]} == {"y"}
    assert fig.data[before].name.startswith("tangent at x₀ = 1")


def test_no_tangent_where_the_slope_is_not_finite():
    assert tangent_traces(tangent("sqrt(x)", 0.0), 20.0) == []
