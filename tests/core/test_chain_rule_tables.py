"""What the Chain-rule page shows, built in core: presets, points text, the tables, the notes, the figure's axes."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from core.chain.compute import (
    CHART_POINTS,
    NOTEBOOK_PRESETS,
    NOTEBOOK_X,
    PRESETS,
    accumulation_columns,
    accumulation_trap,
    chain_figure,
    chain_rule,
    chart_grid,
    metric_text,
    nonscalar_code,
    nonscalar_columns,
    nonscalar_trap,
    notes,
    number_cells,
    parse_points,
    points_text,
    preset_choice,
    sum_columns,
    sum_trap,
    table_columns,
)
from core.errors import LabError


def test_number_cells_write_nan_and_inf_readably():
    assert number_cells([0.0, 1 / 3, math.nan, math.inf, -math.inf, 1e-300]) == [
        "0",
        "0.3333333333",
        "NaN",
        "inf",
        "-inf",
        "1e-300",
    ]


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


def test_table_columns_are_the_results_numbers_in_each_language():
    r = chain_rule("1 + x**2", "1 + 7*u**4", list(NOTEBOOK_X))
    en, pt = table_columns(r, "en"), table_columns(r, "pt")
    assert list(en)[-1] == "dz/dx exact" and list(pt)[-1] == "dz/dx exata"
    assert en["dz/du (v.grad)"] == ["28", "224", "3500", "28000"]  # 28 u^3 at u = 1, 2, 5, 10
    assert [float(v) for v in en["dz/dx (full backward)"]] == [0.0, 448.0, 14000.0, 168000.0]  # 56 x u^3


def test_metric_text_and_notes():
    assert metric_text(math.nan) == "—" and metric_text(1.5e-15) == "1.500e-15"
    ok = chain_rule("x*x", "u**3", [1.0, 2.0])
    assert notes(ok, ok) == []
    kink = chain_rule("x**2", "sqrt(u)", [0.0, 1.0])  # sqrt'(0) = inf: a NaN product
    assert notes(kink, kink) == ["chain.nonfinite"]


def test_trap_tables():
    acc = accumulation_trap("x*x", [1.0, 2.0], 3)
    cols = accumulation_columns(acc, "pt")
    assert list(cols) == [
        "x",
        "x.grad após a 1ª chamada",
        "x.grad após a 2ª chamada",
        "x.grad após a 3ª chamada",
        "zero_(), depois 1 chamada",
        "= None, depois 1 chamada",
    ]
    assert cols["x.grad após a 3ª chamada"] == ["6", "12"]
    vjp = nonscalar_trap("x*x", [1.0, 2.0], [3.0, -1.0])
    assert nonscalar_columns(vjp, "en")["u.backward(w)"] == ["6", "-4"]
    assert nonscalar_code(vjp, "en").startswith(">>> u.backward()\nRuntimeError: grad can be implicitly created")
    sums = sum_columns(sum_trap("x*x", [1.0, 2.0]), "en")
    assert sums["elementwise?"] == ["yes", "no", "no"] and sums["gradient of the sum"][2] == "6, 6"


def test_figure_axes_write_powers_of_ten():
    r = chain_rule("exp(x)", "exp(u)", list(chart_grid(-3.0, 3.0)))  # up to 1e10: "10G" with SI prefixes
    layout = chain_figure(r, lang="pt").to_plotly_json()["layout"]
    axes = {k: v for k, v in layout.items() if re.fullmatch(r"[xy]axis\d*", k)}
    assert set(axes) == {"xaxis", "xaxis2", "yaxis", "yaxis2"}
    assert all(axis.get("exponentformat") == "power" for axis in axes.values())
