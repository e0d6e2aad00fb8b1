"""core.stability.figures: spec sizes, axis labels in powers of ten, the colour bar's layout, and the
floor where errors of 0 are drawn."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest
from plotly.subplots import make_subplots

from core.stability.figures import (
    along_x_figure,
    error_floor,
    error_floor_exponent,
    error_map_figure,
    floor_text,
    grid_fields,
    map_codes,
    map_scale,
    softmax_figure,
)
from core.stability.forms import METHODS
from core.stability.grids import along_x, chart_line, chart_map, chart_range, error_map
from core.stability.presets import (
    DEFAULTS,
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
    zmin, _ = map_scale("float64")
    per, top = map_codes("float64")
    one = -zmin * per  # the code of an error of 1 (log 0): the NaN/inf band sits above it
    assert fig.layout.coloraxis.cmax == top > one
    assert naive_bad.any() and (z[naive_bad] == top).all() and (z[~naive_bad] <= one).all()


@pytest.mark.parametrize("quantity", ["value", "grad"])
@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_map_codes_decode_to_the_log_error_within_half_a_code(dtype, quantity):
    comp = error_map(min(1.5 * exp_thresholds(dtype).overflow, INPUT_LIMIT), 21, dtype)
    fig = error_map_figure(comp, quantity, "en")
    zmin, _ = map_scale(dtype)
    per, top = map_codes(dtype)
    for trace, method in zip(fig.data, METHODS, strict=True):
        codes = np.asarray(trace.z)
        assert codes.dtype == np.uint8 and codes.shape == comp.x.shape
        err = comp.errors[method]
        e = err["value"] if quantity == "value" else np.maximum(err["grad_x"], err["grad_y"])
        ok = np.isfinite(e)
        with np.errstate(divide="ignore"):
            want = np.log10(np.clip(e[ok], 10.0**zmin, 1.0))  # NumPy's log of the clipped error
        np.testing.assert_allclose(codes[ok] / per + zmin, want, rtol=0, atol=0.5 / per + 1e-12)
        assert (codes[~ok] == top).all()


@pytest.mark.parametrize("presentation", [False, True])
@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_an_error_of_one_keeps_the_colour_scale_top_and_never_reaches_the_black_band(dtype, presentation):
    zmin, step = map_scale(dtype, presentation)
    per, top = map_codes(dtype, presentation)
    assert top == (step - zmin) * per <= 250 and per >= 10
    fig = error_map_figure(error_map(10.0, 5, dtype), "value", "en", presentation)
    scale = fig.layout.coloraxis.colorscale
    black_from = min(stop for stop, colour in scale if colour == "#111111")
    last_viridis = max(stop for stop, colour in scale if colour != "#111111")
    assert -zmin * per / top == pytest.approx(last_viridis) and last_viridis < black_from
    # the ticks sit at their decades' codes
    assert list(fig.layout.coloraxis.colorbar.tickvals) == [(k - zmin) * per for k in range(zmin, 1, step)] + [top]


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
    assert cmin == 0 and (z[zero] == cmin).all()
    bar = fig.layout.coloraxis.colorbar
    lowest = bar.ticktext[list(bar.tickvals).index(cmin)]
    assert word in lowest and power_text(map_scale("float64")[0]) in lowest


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


def _x_of(trace) -> np.ndarray:
    """The x a line is drawn at: its array, or x0 + i * dx."""
    if trace.x is not None:
        return np.asarray(trace.x, dtype=np.float64)
    return trace.x0 + trace.dx * np.arange(len(trace.y))


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_chart_lines_are_drawn_at_the_grids_own_x(dtype):
    line = chart_line(3.0, 1.5, dtype)
    x = line.comparison.x.ravel()
    step = (x[-1] - x[0]) / (x.size - 1)
    fig = along_x_figure(line, "en")
    lines = [t for t in fig.data if t.mode == "lines" and len(t.y) == x.size]
    assert len(lines) == 13  # the reference, then 4 lines for each of the 3 forms
    for trace in lines:
        np.testing.assert_allclose(_x_of(trace), x, rtol=0, atol=1e-3 * step)
    # float64 and float32 grids are even (x0/dx); float16's and bfloat16's keep their exact numbers
    assert all(t.x is None for t in lines) == (dtype in ("float64", "float32"))
    if dtype in ("float16", "bfloat16"):
        assert all((np.asarray(t.x, dtype=np.float64) == x).all() for t in lines)


def test_grid_fields_keep_an_uneven_grid_as_numbers():
    assert grid_fields(np.array([0.0, 0.5, 1.0, 1.5])) == {"x0": 0.0, "dx": 0.5}
    assert "x" in grid_fields(np.array([0.0, 0.5, 1.01, 1.5]))
    assert "y" in grid_fields(np.array([0.0, 1.0]), "y")  # too short to call even


def test_chart_and_map_panels_sit_where_make_subplots_puts_them():
    # plotly's own layout of the same grids is the reference
    along = along_x_figure(along_x(0.0, -20.0, 20.0, 101, "float16"), "en").layout
    ref = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.06, row_heights=[0.4, 0.3, 0.3]).layout
    grid = error_map_figure(error_map(10.0, 5, "float32"), "value", "en").layout
    ref_grid = make_subplots(rows=1, cols=3, shared_yaxes=True, horizontal_spacing=0.05).layout
    for fig, want in ((along, ref), (grid, ref_grid)):
        for name in ("xaxis", "yaxis", "xaxis2", "yaxis2", "xaxis3", "yaxis3"):
            got, exp = fig[name], want[name]
            assert got.domain == pytest.approx(exp.domain), name
            assert (got.anchor, got.matches, got.showticklabels) == (exp.anchor, exp.matches, exp.showticklabels), name


def test_charts_embed_no_plotly_template():
    figs = [
        along_x_figure(chart_line(3.0, 1.5, "float32"), "en"),
        error_map_figure(error_map(10.0, 5, "float32"), "value", "en"),
        softmax_figure(compare_logsumexp([1, 2, 3], 30.0, "float32"), "en"),
    ]
    for fig in figs:
        assert len(json.dumps(fig.to_plotly_json()["layout"]["template"])) < 200


def test_the_pages_default_charts_are_small():
    line = chart_line(float(DEFAULTS["y"]), float(DEFAULTS["chart_span"]), str(DEFAULTS["dtype"]))
    grid = chart_map(float(DEFAULTS["map_span"]), int(DEFAULTS["map_points"]), str(DEFAULTS["dtype"]))
    assert len(along_x_figure(line, "pt", x_now=2.0).to_json()) < 40_000
    assert len(error_map_figure(grid, "grad", "pt").to_json()) < 25_000
