"""Tick labels of the performance lab's charts: powers of ten in units a student reads.

Plotly's default log ticks labelled the speed-up axis "5, 2, 10, 5, 2, 1…" (minor ticks) and
used SI prefixes (10f, 1p, 100µ). Every log axis here must carry explicit ticks at powers of
ten, labelled with a unit, and a range that holds every drawn value.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from core.performance.figures import (
    METHOD_COLORS,
    duration_tick,
    factor_tick,
    log_ticks,
    size_ticks,
    speedup_figure,
    timing_figure,
)
from core.performance.vectorization import VectorizationResult
from core.style import sizes
from tests.core.performance.synthetic import synthetic_result

SI_LABEL = re.compile(r"^[\d.]+\s?[yzafpnµumkMGTPEZY]$")  # "10f", "1p", "100µ", "2k": Plotly's SI ticks
DURATION_LABEL = re.compile(r"^(1|10|100) (ns|µs|ms|s)$|^10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+ s$")
FACTOR_LABEL = re.compile(r"^(0\.001|0\.01|0\.1|1|10|100|1000)×$|^10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+×$")


def _result(per_call: dict[str, float], sizes=(64, 128), spread: float = 1.2) -> VectorizationResult:
    return synthetic_result(per_call, sizes, spread)


CASES = {
    "notebook": _result({"row_loop": 1e-6, "torch_mm": 1e-8, "numpy_matmul": 2e-8}),
    "one_decade": _result({"row_loop": 2e-7, "torch_mm": 1e-7}, sizes=(100,)),
    "exact_power": _result({"row_loop": 1e-7, "torch_mm": 1e-8}, sizes=(100,), spread=1.0),
    "nanoseconds_to_hours": _result({"row_loop": 1e-4, "torch_mm": 1e-12}, sizes=(8, 4096)),
    "slower_than_baseline": _result({"row_loop": 1e-8, "double_loop": 1e-5}),
}


def _log_axes(fig) -> list:
    layout = fig.to_plotly_json()["layout"]
    return [(name, axis) for name, axis in layout.items() if name.startswith(("xaxis", "yaxis")) and axis.get("type") == "log"]


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("builder", [timing_figure, speedup_figure])
@pytest.mark.parametrize("lang", ["pt", "en"])
def test_every_log_axis_has_explicit_power_of_ten_ticks(builder, case, lang):
    fig = builder(CASES[case], lang)
    axes = _log_axes(fig)
    assert axes, "each chart of this lab has a log axis"
    for name, axis in axes:
        vals, texts = axis.get("tickvals"), axis.get("ticktext")
        assert axis.get("tickmode") == "array" and vals and texts, name
        assert len(vals) == len(texts), name
        assert not any(SI_LABEL.match(t) for t in texts), (name, texts)
        if name.startswith("yaxis"):  # times and factors: every power of ten across the range
            assert len(vals) >= 2
            for v in vals:
                assert math.log10(v) == pytest.approx(round(math.log10(v)), abs=1e-12), (name, v)
        else:  # sizes: the measured n themselves, as integers
            assert texts == [str(int(v)) for v in vals], texts


@pytest.mark.parametrize("case", list(CASES))
def test_time_axis_in_readable_units_and_holds_every_bar(case):
    result = CASES[case]
    axis = timing_figure(result, "pt").to_plotly_json()["layout"]["yaxis"]
    assert all(DURATION_LABEL.match(t) for t in axis["ticktext"]), axis["ticktext"]
    low, high = axis["range"]
    for t in result.timings:
        assert low < math.log10(t.q1_s) and math.log10(t.q3_s) < high, (t, axis["range"])


@pytest.mark.parametrize("case", list(CASES))
def test_speedup_axis_in_factors_and_holds_every_bar_and_one(case):
    result = CASES[case]
    fig = speedup_figure(result, "en")
    axis = fig.to_plotly_json()["layout"]["yaxis"]
    assert all(FACTOR_LABEL.match(t) for t in axis["ticktext"]), axis["ticktext"]
    low, high = axis["range"]
    ratios = [r for _, _, r in result.speedups()] + [1.0]  # 1 is the dashed "as fast" line
    assert all(low < math.log10(r) < high for r in ratios), (ratios, axis["range"])


def test_speedup_axis_no_longer_shows_minor_tick_numbers():
    # the reported axis: ratios 100 and 50 with Plotly's defaults read "5, 2, 10, 5, 2, 1…"
    axis = speedup_figure(CASES["notebook"], "pt").to_plotly_json()["layout"]["yaxis"]
    assert axis["ticktext"] == ["0.1×", "1×", "10×", "100×", "1000×"]


@pytest.mark.parametrize(
    ("exponent", "label"),
    [
        (-12, "10⁻¹² s"),
        (-9, "1 ns"),
        (-7, "100 ns"),
        (-6, "1 µs"),
        (-5, "10 µs"),
        (-3, "1 ms"),
        (-1, "100 ms"),
        (0, "1 s"),
        (2, "100 s"),
        (3, "10³ s"),
    ],
)
def test_duration_tick(exponent, label):
    assert duration_tick(exponent) == label


@pytest.mark.parametrize(("exponent", "label"), [(-4, "10⁻⁴×"), (-3, "0.001×"), (0, "1×"), (3, "1000×"), (6, "10⁶×")])
def test_factor_tick(exponent, label):
    assert factor_tick(exponent) == label


def test_close_sizes_are_not_all_labelled():
    # the eight largest sizes would print "40894090409140924093..." on top of each other
    assert size_ticks(range(4089, 4097)) == [4089]
    assert size_ticks([32, 64, 128, 256, 512]) == [32, 64, 128, 256, 512]
    assert size_ticks([100, 110, 125, 160]) == [100, 125, 160]


def test_powers_beyond_the_units_use_the_shared_superscripts():
    # core.style.power_text writes 1 and 10 for the exponents 0 and 1; those ticks are written in units here
    assert duration_tick(-16) == "10⁻¹⁶ s" and duration_tick(3) == "10³ s"
    assert [duration_tick(e) for e in (-9, -8, 0, 1, 2)] == ["1 ns", "10 ns", "1 s", "10 s", "100 s"]
    assert factor_tick(4) == "10⁴×" and factor_tick(-16) == "10⁻¹⁶×"
    assert [factor_tick(e) for e in (0, 1)] == ["1×", "10×"]


@pytest.mark.parametrize("values", [[], [0.0, -1.0], [float("nan"), float("inf")]])
def test_log_ticks_without_positive_values_gives_one_decade(values):
    axis = log_ticks(values, duration_tick)
    assert axis["tickvals"] == [1.0, 10.0] and axis["range"] == [0, 1]


def test_timing_figure_log_log_with_iqr_bars():
    fig = timing_figure(CASES["notebook"], "en")
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    loop = next(tr for tr in fig.data if tr.name.startswith("row loop"))
    np.testing.assert_allclose(loop.error_y.array, [0.2 * 1e-6 * 64**2, 0.2 * 1e-6 * 128**2])
    np.testing.assert_allclose(loop.error_y.arrayminus, [(1 - 1 / 1.2) * 1e-6 * 64**2, (1 - 1 / 1.2) * 1e-6 * 128**2])


def test_speedup_figure_ratio_of_medians():
    fig = speedup_figure(CASES["notebook"], "en")
    bars = next(tr for tr in fig.data if tr.name == "torch.mm")
    np.testing.assert_allclose(bars.y, [100.0, 100.0])


@pytest.mark.parametrize("presentation", [False, True])
def test_figures_take_the_apps_presentation_sizes(presentation):
    size = sizes(presentation)
    fig = timing_figure(CASES["notebook"], "en", presentation)
    assert fig.layout.font.size == size.font and fig.layout.height == int(460 * size.height)
    for trace in fig.data:
        assert (trace.line.width, trace.marker.size, trace.error_y.thickness) == (size.line, size.marker, size.thin)
    assert {tr.line.color for tr in fig.data} <= set(METHOD_COLORS.values())
    assert speedup_figure(CASES["notebook"], "en", presentation).layout.height == int(420 * size.height)
