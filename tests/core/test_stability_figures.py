"""core.stability.figures and the page's pieces in core.stability.compute: axis labels, the colour bar's
layout, the floor where errors of 0 are drawn, the tables, and the code the page shows."""

from __future__ import annotations

import math
import re

import mpmath
import numpy as np
import pytest
import torch

from core.i18n import table
from core.stability.compute import (
    DEFAULTS,
    DTYPE_NAMES,
    INPUT_LIMIT,
    MAP_POINT_CHOICES,
    PRESETS,
    SPAN_CHOICES,
    along_x,
    chart_range,
    compare,
    compare_logsumexp,
    error_map,
    exp_thresholds,
    map_half_width,
    stable_code,
)
from core.stability.figures import (
    along_x_figure,
    error_floor,
    error_floor_exponent,
    error_map_figure,
    point_table,
    power_text,
    region_rows,
    softmax_figure,
    softmax_table,
)

SI_LABEL = re.compile(r"^[−-]?\d+(\.\d+)?\s?[yzafpnµumkMGTPEB]$")  # 10f, 1p, 100µ, 20k


def _axes(fig) -> dict[str, dict]:
    layout = fig.to_plotly_json()["layout"]
    return {k: v for k, v in layout.items() if re.fullmatch(r"[xy]axis\d*", k)}


def _figures(dtype: str):
    T = exp_thresholds(dtype).overflow
    line = along_x(0.0, -1.5 * T, 1.5 * T, 201, dtype)
    grid = error_map(min(1.5 * T, INPUT_LIMIT), 21, dtype)
    yield "along", along_x_figure(line, "pt", False, x_now=1.0)
    yield "map", error_map_figure(grid, "value", "en", True)
    yield "map-grad", error_map_figure(grid, "grad", "pt", False)
    yield "softmax", softmax_figure(compare_logsumexp([1, 2, 3], 30.0, dtype), "en")


# ---------------------------------------------------------------- labels: powers of ten, no SI prefixes


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_every_axis_writes_powers_of_ten_never_si_prefixes(dtype):
    for name, fig in _figures(dtype):
        axes = _axes(fig)
        assert axes, name
        for key, axis in axes.items():
            assert axis.get("exponentformat") == "power", (name, key)


@pytest.mark.parametrize("k,text", [(-18, "10⁻¹⁸"), (-5, "10⁻⁵"), (0, "1"), (1, "10"), (3, "10³")])
def test_power_text(k, text):
    assert power_text(k) == text


@pytest.mark.parametrize("dtype,k", [("float64", -18), ("float32", -9), ("float16", -6), ("bfloat16", -5)])
def test_error_floor_is_two_decades_below_eps(dtype, k):
    assert error_floor_exponent(dtype) == k
    assert error_floor(dtype) == 10.0**k < exp_thresholds(dtype).eps / 100


# ---------------------------------------------------------------- the map's colour bar


@pytest.mark.parametrize("presentation", [False, True])
@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_colour_bar_labels_are_apart_and_readable(dtype, presentation):
    fig = error_map_figure(error_map(10.0, 5, dtype), "value", "pt", presentation)
    layout = fig.to_plotly_json()["layout"]
    bar = layout["coloraxis"]["colorbar"]
    font = layout["font"]["size"]
    # plotly draws the bar over the plot area's height less ypad at each end
    length = layout["height"] - layout["margin"]["t"] - layout["margin"]["b"] - 2 * bar["ypad"]
    per_decade = length / (layout["coloraxis"]["cmax"] - layout["coloraxis"]["cmin"])
    vals = sorted(bar["tickvals"])
    gaps = np.diff(vals) * per_decade
    assert gaps.min() >= 1.8 * font, (dtype, presentation, vals, gaps.min(), font)
    assert len(vals) >= 4
    assert bar["title"]["side"] == "right"  # a title on top would sit on the NaN/inf label
    for text in bar["ticktext"]:
        assert not SI_LABEL.match(text) and "e-" not in text and "1e" not in text, text


@pytest.mark.parametrize("lang,word", [("pt", "ou 0"), ("en", "or 0")])
def test_colour_bar_says_errors_of_zero_take_the_floor_colour(lang, word):
    comp = error_map(1000.0, 21, "float64")
    zero = comp.errors["stable"]["value"] == 0
    assert zero.any()
    fig = error_map_figure(comp, "value", lang)
    cmin = fig.layout.coloraxis.cmin
    z = np.asarray(fig.data[2].z, dtype=np.float64)
    assert (z[zero] == cmin).all()
    bar = fig.layout.coloraxis.colorbar
    lowest = bar.ticktext[list(bar.tickvals).index(cmin)]
    assert word in lowest and power_text(int(cmin)) in lowest


# ---------------------------------------------------------------- the chart along x: errors of 0


@pytest.mark.parametrize("lang,words", [("pt", "erro 0 ou abaixo de 10⁻¹⁸"), ("en", "error 0 or below 10⁻¹⁸")])
def test_chart_names_the_floor_where_errors_of_zero_are_drawn(lang, words):
    line = along_x(800.0, 0.0, 100.0, 101, "float64")  # y - x >= 700: the reference's remainder is 0
    assert (line.comparison.errors["stable"]["value"] == 0).any()
    fig = along_x_figure(line, lang)
    (floor_trace,) = [t for t in fig.data if t.name and words in t.name]
    assert floor_trace.showlegend is not False and set(floor_trace.y) == {1e-18}
    floor32 = np.float32(error_floor("float64"))
    for trace in fig.data:
        if trace.yaxis == "y3" and trace is not floor_trace:
            y = np.asarray(trace.y, dtype=np.float32)
            assert (y[~np.isnan(y)] >= floor32).all()


def test_chart_adds_no_floor_entry_when_no_error_is_below_it():
    line = along_x(0.0, -10.0, 10.0, 101, "float16")
    assert not any((line.comparison.errors[m]["value"] < error_floor("float16")).any() for m in line.comparison.errors)
    assert not [t for t in along_x_figure(line, "en").data if t.name and "drawn at" in t.name]


def test_chart_shapes_sit_in_their_panels():
    T = exp_thresholds("float32").overflow
    fig = along_x_figure(along_x(3.0, *chart_range(3.0, 1.5, "float32"), 1001, "float32"), "en", x_now=2.0)
    lines = [s for s in fig.layout.shapes if s.type == "line"]
    assert {(s.xref, s.yref) for s in lines} == {("x", "y domain"), ("x2", "y2 domain"), ("x3", "y3 domain")}
    assert sum(1 for s in lines if s.x0 == pytest.approx(T)) == 3
    assert all(s.y0 == 0 and s.y1 == 1 for s in fig.layout.shapes)


# ---------------------------------------------------------------- tables


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


# ---------------------------------------------------------------- page choices and code


def test_presets_and_defaults_are_valid_choices():
    for values in [*PRESETS.values(), DEFAULTS]:
        assert values["dtype"] in DTYPE_NAMES and abs(values["x"]) <= INPUT_LIMIT and abs(values["y"]) <= INPUT_LIMIT
    assert DEFAULTS["chart_span"] in SPAN_CHOICES and DEFAULTS["map_span"] in SPAN_CHOICES
    assert DEFAULTS["map_points"] in MAP_POINT_CHOICES


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_chart_range_and_map_width_stay_in_bounds(dtype):
    for y in (-INPUT_LIMIT, 0.0, INPUT_LIMIT):
        for span in SPAN_CHOICES:
            lo, hi = chart_range(y, span, dtype)
            assert -INPUT_LIMIT <= lo < hi <= INPUT_LIMIT
            assert 0 < map_half_width(span, dtype) <= INPUT_LIMIT


@pytest.mark.parametrize("lang,mine,other", [("pt", "subtrai o máximo", "subtracts"), ("en", "subtracts the max", "subtrai")])
def test_stable_code_runs_and_is_commented_in_the_language(lang, mine, other):
    code = stable_code(lang)
    assert mine in code and other not in code
    namespace: dict = {}
    exec(compile(code, "<stable_code>", "exec"), namespace)  # noqa: S102 - our own program
    x = torch.tensor([2.0, 400.0, -700.0, 0.0], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([3.0, 800.0, 700.0, -30.0], dtype=torch.float64)
    value = namespace["log_exp"](x, y)
    value.sum().backward()
    with mpmath.workprec(200):
        exact = [
            float(mpmath.log1p(mpmath.exp(mpmath.mpf(b) - mpmath.mpf(a)))) for a, b in zip(x.tolist(), y.tolist(), strict=True)
        ]
        slope = [-float(1 / (1 + mpmath.exp(mpmath.mpf(a) - mpmath.mpf(b)))) for a, b in zip(x.tolist(), y.tolist(), strict=True)]
    np.testing.assert_allclose(value.detach().numpy(), exact, rtol=4 * torch.finfo(torch.float64).eps, atol=0)
    np.testing.assert_allclose(x.grad.numpy(), slope, rtol=4 * torch.finfo(torch.float64).eps, atol=0)


def test_no_text_of_these_labs_names_an_internal_module():
    for key, pair in table().items():
        if key.startswith(("stab.", "chain.", "err.stab", "err.chain")):
            for text in pair:
                assert "core." not in text and "core/" not in text, key


def test_floor_value_is_finite_in_float32():
    for dtype in DTYPE_NAMES:
        assert math.isfinite(float(np.float32(error_floor(dtype)))) and np.float32(error_floor(dtype)) > 0
