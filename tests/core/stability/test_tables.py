"""core.stability.tables: the tables the page shows and the numbers its texts quote."""

from __future__ import annotations

import math
from dataclasses import replace

import mpmath
import numpy as np
import pytest

from core.i18n import table, tr
from core.stability.evaluation import compare
from core.stability.grids import AlongX, along_x, error_map
from core.stability.softmax import compare_logsumexp
from core.stability.tables import (
    NONFINITE_CELL,
    finite_shares,
    highlight_nonfinite,
    lse_metrics,
    lse_range_params,
    point_params,
    point_styler,
    point_table,
    region_rows,
    regions_params,
    softmax_styler,
    softmax_table,
    stable_ok_params,
    threshold_metrics,
)
from core.stability.thresholds import exp_thresholds


def test_point_table_holds_the_comparisons_numbers():
    point = compare(400.0, 800.0, "float64")
    table = point_table(point, "en")
    assert list(table.index)[-1] == "exact reference (mpmath, 113 bits)" and len(table) == 4
    for row, method in enumerate(("naive", "rewritten", "stable")):
        ev = point.results[method]
        np.testing.assert_array_equal(table.iloc[row, :3].to_numpy(float), [ev.value.item(), ev.grad_x.item(), ev.grad_y.item()])
    # f(400, 800) = 400 + log1p(e^-400), df/dy = sigmoid(400): 1 to 1e-174
    with mpmath.workprec(200):
        exact = float(400 + mpmath.log1p(mpmath.exp(-400)))
    assert table.iloc[3, 0] == exact and table.iloc[3, 2] == 1.0 and table.iloc[3, 1] == -1.0


def test_region_rows_quote_the_dtypes_threshold():
    line = along_x(0.0, -20.0, 20.0, 201, "float16")
    rows = region_rows(line.regions, "float16", "en")
    assert rows and len(rows) == len(line.regions)
    naive_nan = [r for r in rows if r["Form"] == "naive" and r["Result"] == "NaN"]
    assert naive_nan and naive_nan[0]["From x ="] == "11.09375" and "T = 11.0899" in naive_nan[0]["Why"]


def test_softmax_table_columns():
    r = compare_logsumexp([1, 2, 3], 30.0, "float32")
    table = softmax_table(r, "pt")
    np.testing.assert_array_equal(table.iloc[:, 0], r.v)
    np.testing.assert_array_equal(table.iloc[:, 3], r.softmax_exact)
    assert table.iloc[:, 1].isna().any()  # the naive softmax overflowed: NaN


def test_point_styler_writes_nan_and_paints_it_red():
    html = point_styler(compare(400.0, 800.0, "float64"), "en").to_html()
    assert "NaN" in html and "background-color: #ffd6d6" in html and "#T_" in html
    assert "4.000000000e+02" not in html and ">400<" in html  # values to 10 digits, not in e-notation


def test_highlight_nonfinite_marks_only_nan_and_inf():
    assert [highlight_nonfinite(v) for v in (math.nan, math.inf, -math.inf)] == [NONFINITE_CELL] * 3
    assert highlight_nonfinite(0.0) == highlight_nonfinite(1e308) == highlight_nonfinite("naive") == ""


def test_point_params_are_the_stored_inputs():
    params = point_params(compare(11.1, 0.0, "float16"))
    assert params == {"dtype": "float16", "x": "11.1015625", "y": "0", "eps": "0.000977"}


@pytest.mark.parametrize("dtype", ["float16", "float64"])
def test_threshold_metrics_quote_exp_thresholds(dtype):
    th = exp_thresholds(dtype)
    (_, over, _, over_params), (_, under, _, _), (_, absorb, _, absorb_params) = threshold_metrics(dtype)
    assert over == f"{th.overflow:.8g}" and under == f"{th.underflow:.8g}" and absorb == f"{th.absorb:.8g}"
    assert over_params == {"max": f"{th.max:.6g}"} and absorb_params == {"eps": f"{th.eps:.3g}"}
    for label, _, help_key, params in threshold_metrics(dtype):
        assert label in table() and help_key in table()
        tr(help_key, "en", **params)  # every placeholder is filled


def test_regions_params_and_stable_ok_params():
    line = along_x(3.0, -10.0, 10.0, 101, "float16")
    assert regions_params(line) == {"y": "3", "lo": "-10", "hi": "10", "dtype": "float16"}
    ok = stable_ok_params(line)
    worst = line.comparison.worst_error("stable")
    assert ok == {"err": f"{worst:.2e}", "ulps": f"{worst / exp_thresholds('float16').eps:.2f}"}


def test_stable_ok_params_are_none_where_stable_fails():
    line = along_x(0.0, -10.0, 10.0, 11, "float16")
    broken = AlongX(line.y, line.comparison, [*line.regions, replace(line.regions[0], method="stable")])
    assert stable_ok_params(broken) is None


def test_finite_shares_count_the_cells_of_each_form():
    grid = error_map(1000.0, 21, "float64")
    shares = finite_shares(grid)
    assert shares["stable"] == "100%" and shares["naive"] != "100%"
    assert shares["naive"] == f"{np.mean(grid.finite('naive')):.0%}"


def test_lse_metrics_and_range():
    r = compare_logsumexp([1, 2, 3], 30.0, "float32")
    assert lse_metrics(r) == [("stab.lse.naive", "inf"), ("stab.lse.torch", "90"), ("stab.lse.exact", "90")]
    params = lse_range_params(r)
    assert params["dtype"] == "float32" and params["T"] == "88.7228"
    assert float(params["hi"]) == pytest.approx(exp_thresholds("float32").overflow / 3, rel=1e-3)


def test_softmax_styler_writes_nan():
    assert "NaN" in softmax_styler(compare_logsumexp([1, 2, 3], 30.0, "float32"), "en").to_html()


def test_styled_tables_render_the_same_html_for_the_same_numbers():
    # pandas gives each Styler a random uuid: fixed ones make an unchanged table the same element
    point, lse = compare(2.0, 3.0, "float32"), compare_logsumexp([1, 2, 3], 30.0, "float32")
    assert point_styler(point, "en").to_html() == point_styler(point, "en").to_html()
    assert softmax_styler(lse, "en").to_html() == softmax_styler(lse, "en").to_html()
    assert point_styler(point, "en").uuid != softmax_styler(lse, "en").uuid  # two tables on one page
