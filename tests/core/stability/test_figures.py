"""core.stability.figures: spec sizes, axis labels in powers of ten, the colour bar's layout, and the
floor where errors of 0 are drawn."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from core.stability.figures import (
    along_x_figure,
    error_floor,
    error_floor_exponent,
    error_map_figure,
    floor_text,
    softmax_figure,
)
from core.stability.forms import METHODS
from core.stability.grids import along_x, chart_range, error_map
from core.stability.presets import (
    DTYPE_NAMES,
    INPUT_LIMIT,
)
from core.stability.softmax import compare_logsumexp
from core.stability.thresholds import exp_thresholds
from core.style import finite, power_text, sizes

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


def test_chart_spec_stays_small():
    line = along_x(0.0, -1000.0, 1000.0, 1001, "float64")
    fig = along_x_figure(line, "pt", False, x_now=2.0)
    assert len(fig.to_json()) < 300_000
    assert any(s.type == "rect" for s in fig.layout.shapes)  # the shaded failure regions


def test_map_spec_stays_small_at_the_page_maximum():
    comp = error_map(1000.0, 101, "float64")
    for q in ("value", "grad"):
        spec = error_map_figure(comp, q, "en", False).to_json()
        assert len(spec) < 300_000


def test_map_marks_nonfinite_cells_at_the_top_of_the_scale():
    comp = error_map(1000.0, 21, "float64")
    fig = error_map_figure(comp, "value", "en")
    z = np.asarray(fig.data[0].z, dtype=np.float64)
    naive_bad = ~np.isfinite(comp.results["naive"].value)
    top = fig.layout.coloraxis.cmax  # the NaN/inf band sits above 0 (an error of 1)
    assert top > 0 and naive_bad.any() and (z[naive_bad] == top).all() and (z[~naive_bad] <= 0).all()


def test_softmax_figure_labels_nan_bars():
    fig = softmax_figure(compare_logsumexp([1, 2, 3], 30.0, "float32"), "en")
    assert "NaN" in json.dumps(fig.to_plotly_json()["data"][0]["text"])


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_every_axis_writes_powers_of_ten_never_si_prefixes(dtype):
    for name, fig in _figures(dtype):
        axes = _axes(fig)
        assert axes, name
        for key, axis in axes.items():
            assert axis.get("exponentformat") == "power", (name, key)


@pytest.mark.parametrize("dtype,text", [("float64", "10⁻¹⁸"), ("float32", "10⁻⁹"), ("float16", "10⁻⁶"), ("bfloat16", "10⁻⁵")])
def test_floor_is_written_with_the_shared_power_text(dtype, text):
    assert floor_text(dtype) == power_text(error_floor_exponent(dtype)) == text


@pytest.mark.parametrize("dtype,k", [("float64", -18), ("float32", -9), ("float16", -6), ("bfloat16", -5)])
def test_error_floor_is_two_decades_below_eps(dtype, k):
    assert error_floor_exponent(dtype) == k
    assert error_floor(dtype) == 10.0**k < exp_thresholds(dtype).eps / 100


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


def test_floor_value_is_finite_in_float32():
    for dtype in DTYPE_NAMES:
        assert math.isfinite(float(np.float32(error_floor(dtype)))) and np.float32(error_floor(dtype)) > 0


@pytest.mark.parametrize("presentation", [False, True])
def test_lines_and_fonts_take_the_shared_sizes(presentation):
    size = sizes(presentation)
    fig = along_x_figure(along_x(0.0, -20.0, 20.0, 101, "float16"), "en", presentation)
    forms = [t for t in fig.data if t.legendgroup in METHODS and t.mode == "lines"]
    assert forms and {t.line.width for t in forms} == {size.line}
    assert fig.layout.font.size == size.font
    for fig in (
        error_map_figure(error_map(10.0, 5, "float32"), "value", "en", presentation),
        softmax_figure(compare_logsumexp([1, 2, 3], 30.0, "float32"), "en", presentation),
    ):
        assert fig.layout.font.size == size.font


def test_chart_draws_every_non_finite_point_as_a_gap():
    line = along_x(0.0, -20.0, 20.0, 101, "float16")
    naive = line.comparison.results["naive"].value.ravel()
    (trace,) = [t for t in along_x_figure(line, "en").data if t.name == "naive"]
    y = np.asarray(trace.y, dtype=np.float64)
    assert (~np.isfinite(naive)).any()
    np.testing.assert_array_equal(np.isnan(y), ~np.isfinite(naive))
    np.testing.assert_array_equal(y, finite(naive))
