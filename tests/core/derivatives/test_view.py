"""core.derivatives.view: what the page shows for one grid is what core computed, in the page's words."""

from __future__ import annotations

import math
import pickle

import plotly.graph_objects as go
import pytest

import core.derivatives.view as view
from core.derivatives.code import torch_code
from core.derivatives.grid import differentiate
from core.derivatives.view import RELEASE_FROM_POINTS, Summary, grid_view, summarize

GRID = {"start": -3.0, "stop": 3.0, "points": 61, "device": "cpu", "dtype": "float64", "order": 1}


def test_grid_view_gives_the_chart_and_a_summary_of_differentiate():
    fig, summary = grid_view("sin(x)", *GRID.values(), None, "en", False)
    r = differentiate("sin(x)", **GRID)
    assert isinstance(fig, go.Figure) and isinstance(summary, Summary)
    assert (summary.max_abs_error, summary.max_rel_error, summary.error_kind) == (r.max_abs_error, r.max_rel_error, "absolute")
    assert summary.f_latex == r"f(x) = \sin{\left(x \right)}"
    assert summary.df_latex == r"f'(x) = \cos{\left(x \right)}"
    assert summary.code == torch_code(r.expression, **GRID, lang="en")
    assert summary.nonfinite == {"f": 0, "df": 0, "df_exact": 0} and summary.points == 61


def names(fig: go.Figure) -> str:
    return " ".join(t.name or "" for t in fig.data)


def test_the_finite_difference_is_drawn_at_order_one_only():
    assert "finite difference" in names(grid_view("sin(x)", *GRID.values(), 1e-4, "en", False)[0])
    second = {**GRID, "order": 2}
    assert "finite difference" not in names(grid_view("sin(x)", *second.values(), 1e-4, "en", False)[0])


def test_summary_is_small_and_pickles():
    # the page's cache pickles it: no grid-sized array may ride along
    _, summary = grid_view("sin(x)", *{**GRID, "points": 100_000}.values(), None, "pt", False)
    assert len(pickle.dumps(summary)) < 10_000
    assert pickle.loads(pickle.dumps(summary)) == summary


def test_primes_follow_the_order():
    r = differentiate("sin(x)", **{**GRID, "order": 3})
    assert summarize(r, start=-3.0, stop=3.0, points=61, device="cpu").df_latex.startswith("f'''(x) = ")


def test_error_metric_is_absolute_on_ordinary_curves():
    _, summary = grid_view("sin(x)", *GRID.values(), None, "en", False)
    label, value, help_text = summary.error_metric("en")
    assert label == "Max error |autograd − exact|"
    assert value == f"{summary.max_abs_error:.3e}"
    assert help_text == "Over the points where both are finite."
    assert summary.error_metric("pt")[0] == "Erro máximo |autograd − exata|"


def test_error_metric_is_relative_where_the_values_are_huge():
    _, summary = grid_view("exp(exp(exp(x)))", *GRID.values(), None, "en", False)
    label, value, help_text = summary.error_metric("en")
    assert label == "Max relative error"
    assert value == f"{summary.max_rel_error:.3e}" and float(value) < 1e-10
    assert f"{summary.max_abs_error:.3e}" in help_text  # the absolute one, named in the help


def test_no_common_point_shows_a_dash_and_says_so():
    _, summary = grid_view("sqrt(x)", -2.0, -1.0, 11, "cpu", "float64", 1, None, "en", False)
    assert summary.no_common_point
    assert summary.error_metric("en")[1] == "—"


def test_nonfinite_note_counts_each_side():
    _, summary = grid_view("log(x)", -10.0, 10.0, 1000, "cpu", "float64", 1, None, "en", False)
    note = summary.nonfinite_note("en")
    assert note.startswith("500 of 1000 points are not finite") and "in f 500" in note
    assert grid_view("sin(x)", *GRID.values(), None, "en", False)[1].nonfinite_note("en") is None


@pytest.mark.parametrize("points", [RELEASE_FROM_POINTS - 1, RELEASE_FROM_POINTS])
def test_memory_is_handed_back_after_large_grids_only(monkeypatch, points):
    released = []
    monkeypatch.setattr(view, "release_memory", lambda: released.append(points))
    grid_view("sin(x)", -1.0, 1.0, points, "cpu", "float32", 1, None, "pt", False)
    assert released == ([points] if points >= RELEASE_FROM_POINTS else [])


def test_summary_of_a_nan_relative_error_still_reads():
    # 3*x + 1 at order 2: the exact derivative is 0 everywhere, so no relative error exists
    _, summary = grid_view("3*x + 1", -1.0, 1.0, 5, "cpu", "float64", 2, None, "en", False)
    assert summary.error_kind == "absolute" and math.isnan(summary.max_rel_error)
    assert summary.error_metric("en")[1] == "0.000e+00"
