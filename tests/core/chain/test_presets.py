"""core.chain.presets: the examples, the catalogues, the defaults and the chart's range the page offers."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.chain.inputs import parse_inner, parse_outer, parse_points, points_text
from core.chain.presets import (
    CHART_POINTS,
    CUSTOM,
    DEFAULTS,
    NOTEBOOK_PRESETS,
    NOTEBOOK_X,
    PICKERS,
    PRESET_CHOICES,
    PRESETS,
    chart_grid,
    preset_choice,
)
from core.errors import LabError


def test_presets_parse_and_notebook_presets_come_first():
    assert list(PRESETS)[:2] == ["notebook_cube", "notebook_poly"]
    for inner, outer in PRESETS.values():
        parse_inner(inner)
        parse_outer(outer)


@pytest.mark.parametrize("values", [NOTEBOOK_X, (-1.5, 0.5), (1e6, -1e6, 2.5e-7)])
def test_points_text_reads_back(values):
    np.testing.assert_array_equal(parse_points(points_text(values)), values)


def test_notebook_presets_bring_their_points_and_the_others_do_not():
    for name, (inner, outer) in PRESETS.items():
        got = preset_choice(name)
        assert got[:2] == (inner, outer)
        assert got[2] == ("0, 1, 2, 3" if name in NOTEBOOK_PRESETS else None)
    with pytest.raises(LabError):
        preset_choice("nope")


def test_chart_grid_checks_its_ends():
    grid = chart_grid(-3.0, 3.0)
    assert len(grid) == CHART_POINTS and grid[0] == -3.0 and grid[-1] == 3.0 and grid[CHART_POINTS // 2] == 0.0
    for start, stop in ((3.0, 3.0), (5.0, -5.0), (math.nan, 1.0), (0.0, math.inf)):
        with pytest.raises(LabError):
            chart_grid(start, stop)


def test_defaults_are_the_notebooks_first_exercise_at_its_points():
    assert DEFAULTS == {"preset": "notebook_cube", "inner": "x*x", "outer": "u**3", "points": "0, 1, 2, 3"}
    assert PRESET_CHOICES[0] == CUSTOM and set(PRESET_CHOICES[1:]) == set(PRESETS)


def test_catalogue_pickers_offer_functions_of_their_own_variable():
    for catalogue, parse in ((PICKERS["inner"][0], parse_inner), (PICKERS["outer"][0], parse_outer)):
        for text in catalogue:
            parse(text)
