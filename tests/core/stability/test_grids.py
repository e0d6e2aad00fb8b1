"""core.stability.grids: the page's line along x and square of (x, y), their bounds and sizes."""

from __future__ import annotations

import numpy as np
import pytest

from core.errors import LabError
from core.stability.grids import along_x, chart_line, chart_map, chart_range, error_map, map_half_width
from core.stability.presets import (
    CHART_POINTS,
    DTYPE_NAMES,
    INPUT_LIMIT,
    REGION_POINTS,
    SPAN_CHOICES,
)
from core.stability.thresholds import stored


def test_map_and_chart_sizes_are_bounded():
    with pytest.raises(LabError):
        error_map(10.0, 1000, "float32")
    with pytest.raises(LabError):
        along_x(0.0, -1.0, 1.0, 10**6, "float32")
    with pytest.raises(LabError):
        along_x(0.0, 1.0, -1.0, 100, "float32")


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_map_over_the_whole_input_range_is_finite_for_stable(dtype):
    comp = error_map(INPUT_LIMIT, 41, dtype)
    ev = comp.results["stable"]
    assert np.isfinite(ev.value).all() and np.isfinite(ev.grad_x).all() and np.isfinite(ev.grad_y).all()
    assert comp.x.shape == (41, 41) and (comp.x[0] == comp.x[5]).all() and (comp.y[:, 0] == comp.y[:, 7]).all()
    assert not np.isfinite(comp.results["naive"].value).all()


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_chart_range_and_map_width_stay_in_bounds(dtype):
    for y in (-INPUT_LIMIT, 0.0, INPUT_LIMIT):
        for span in SPAN_CHOICES:
            lo, hi = chart_range(y, span, dtype)
            assert -INPUT_LIMIT <= lo < hi <= INPUT_LIMIT
            assert 0 < map_half_width(span, dtype) <= INPUT_LIMIT


def test_the_pages_chart_is_chart_points_over_chart_range():
    line = chart_line(1.0, 0.25, "float16")
    lo, hi = chart_range(1.0, 0.25, "float16")
    x = line.comparison.x
    assert x.min() == float(stored(lo, "float16")) and x.max() == float(stored(hi, "float16"))
    assert x.size <= CHART_POINTS and line.y == 1.0


def test_the_pages_map_is_a_square_of_map_half_width():
    grid = chart_map(0.5, 21, "float32")
    half = map_half_width(0.5, "float32")
    assert grid.x.shape == (21, 21) and grid.x[0, -1] == float(stored(half, "float32"))


def test_the_pages_chart_lists_the_regions_of_the_finer_region_grid():
    # the chart is drawn at CHART_POINTS, but its regions are those a REGION_POINTS grid finds
    line = chart_line(3.0, 1.5, "float32")
    fine = along_x(3.0, *chart_range(3.0, 1.5, "float32"), REGION_POINTS, "float32")
    assert line.comparison.x.size == CHART_POINTS < REGION_POINTS
    assert line.regions == fine.regions and line.regions
