"""AppTest tests of pages/6_stability.py: widgets found by their stab_ keys."""

from __future__ import annotations

import json
import logging
import math
import re

import pytest
import streamlit as st

from core.devices import available_devices
from core.errors import LabError
from core.i18n import tr
from core.stability.thresholds import exp_thresholds
from tests.app.conftest import open_page

PAGE = "6_stability.py"


def charts(at) -> dict[str, dict]:
    """Every plotly chart on the page, by its key (stab_chart, stab_map, stab_softmax)."""
    out = {}
    for el in at.get("plotly_chart"):
        key = next(k for k in ("stab_chart", "stab_map", "stab_softmax") if k in el.proto.id)
        out[key] = json.loads(el.proto.spec)
    return out


def spec_sizes(at) -> dict[str, int]:
    return {
        next(k for k in ("stab_chart", "stab_map", "stab_softmax") if k in el.proto.id): len(el.proto.spec)
        for el in at.get("plotly_chart")
    }


def point_table(at):
    """The value / gradient table: one row per form, the reference last."""
    return at.table[0].value


def regions_table(at):
    return at.table[1].value


@pytest.fixture(scope="module")
def fresh():
    return lambda lang="pt": open_page(PAGE, lang=lang)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_page_runs_with_table_chart_map_and_softmax(fresh, lang):
    at = fresh(lang)
    assert not at.exception
    assert not at.error
    assert set(charts(at)) == {"stab_chart", "stab_map", "stab_softmax"}
    assert at.title[0].value == ("Numerical stability" if lang == "en" else "Estabilidade numérica")
    assert len(point_table(at)) == 4


def test_notebook_preset_2_3_gives_the_notebook_values(fresh):
    at = fresh("en")
    at.button(key="stab_preset_nb_small").click().run()
    assert not at.exception
    table = point_table(at)
    for row in range(3):
        value, dx, dy = table.iloc[row, 0], table.iloc[row, 1], table.iloc[row, 2]
        assert value == pytest.approx(1.31326175, abs=1e-7)
        assert dx == pytest.approx(-0.7310586, abs=1e-7) and dy == pytest.approx(0.7310586, abs=1e-7)


def test_notebook_preset_400_800_naive_nan_others_minus_one_one(fresh):
    at = fresh("en")
    at.button(key="stab_preset_nb_large").click().run()
    assert not at.exception
    assert at.selectbox(key="stab_dtype").value == "float64"
    table = point_table(at)
    naive, rewritten, stable = (table.iloc[i] for i in range(3))
    assert math.isnan(naive.iloc[1]) and math.isnan(naive.iloc[2])
    for row in (rewritten, stable):
        assert row.iloc[0] == 400.0 and row.iloc[1] == -1.0 and row.iloc[2] == 1.0


def test_float16_preset_shows_the_exact_break_point(fresh):
    at = fresh("en")
    at.button(key="stab_preset_f16_overflow").click().run()
    assert not at.exception
    table = point_table(at)
    assert math.isnan(table.iloc[0, 0])  # naive: e^11.1 overflows float16
    assert math.isfinite(table.iloc[2, 0])  # stable
    regions = regions_table(at)
    nan = regions[(regions.iloc[:, 0] == "naive") & (regions.iloc[:, 2] == "NaN")]
    assert nan.iloc[0, 3] == "11.09375"  # the first float16 above ln(65504) = 11.0899
    assert "eˣ overflows" in nan.iloc[0, 5]


def test_bfloat16_preset_shows_rewritten_losing_all_accuracy(fresh):
    at = fresh("en")
    at.button(key="stab_preset_bf16_loss").click().run()
    assert not at.exception
    table = point_table(at)
    assert table.iloc[1, 0] == 0.0 and table.iloc[1, 3] == pytest.approx(1.0)  # rewritten: 0, error 100%
    assert table.iloc[2, 3] < 0.01  # stable
    regions = regions_table(at)
    assert ((regions.iloc[:, 0] == "rewritten") & (regions.iloc[:, 2] == "0: all accuracy lost")).any()


def test_changing_dtype_changes_the_threshold(fresh):
    at = fresh("en")
    at.selectbox(key="stab_dtype").set_value("float16").run()
    assert not at.exception
    assert at.metric[0].value == f"{exp_thresholds('float16').overflow:.8g}"
    at.selectbox(key="stab_dtype").set_value("float64").run()
    assert at.metric[0].value == f"{exp_thresholds('float64').overflow:.8g}"


def test_changing_x_changes_the_table(fresh):
    at = fresh()
    before = point_table(at).iloc[2, 0]
    at.number_input(key="stab_x").set_value(-5.0).run()
    assert not at.exception
    assert point_table(at).iloc[2, 0] != before


def test_stable_is_reported_never_failing(fresh):
    at = fresh("en")
    at.select_slider(key="stab_chart_span").set_value(5.0).run()
    assert not at.exception
    assert not (regions_table(at).iloc[:, 0] == "stable").any()
    assert any("The stable form fails nowhere" in s.value for s in at.success)


def test_chart_shades_failure_regions_and_marks_the_threshold(fresh):
    at = fresh("en")
    spec = charts(at)["stab_chart"]
    shapes = spec["layout"]["shapes"]
    assert any(s["type"] == "rect" for s in shapes)
    t = exp_thresholds("float32").overflow
    assert any(s["type"] == "line" and s.get("x0") == pytest.approx(t) for s in shapes)


def test_map_quantity_switch_changes_the_map(fresh):
    at = fresh()
    before = charts(at)["stab_map"]["data"][0]["z"]
    at.segmented_control(key="stab_map_quantity").set_value("grad").run()
    assert not at.exception
    assert charts(at)["stab_map"]["data"][0]["z"] != before


def test_chart_specs_stay_under_100_kb_at_the_largest_settings(fresh):
    at = fresh()
    at.select_slider(key="stab_map_points").set_value(101).run()
    at.select_slider(key="stab_map_span").set_value(5.0).run()
    at.select_slider(key="stab_chart_span").set_value(5.0).run()
    assert not at.exception
    sizes = spec_sizes(at)
    assert max(sizes.values()) < 100_000, sizes


def test_the_opening_charts_weigh_under_60_kb_together(fresh):
    # every student's browser receives them: 248 KB before the chart along x went to 301 points
    # with x0/dx, the maps to uint8 codes and the templates out
    sizes = spec_sizes(fresh())
    assert sum(sizes.values()) < 60_000, sizes


@pytest.fixture
def server_log():
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("autograd_lab")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def test_a_failure_in_the_chart_section_shows_the_frames_message_and_the_rest_of_the_page(monkeypatch, server_log):
    import core.stability.figures

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug in the chart")

    st.cache_resource.clear()  # the shared figures: this one must be built again
    monkeypatch.setattr(core.stability.figures, "along_x_figure", broken)
    at = open_page(PAGE, lang="en")
    assert not at.exception
    (message,) = [e.value for e in at.error]
    assert message.startswith("Something went wrong on this page") and "ZeroDivisionError" not in message
    ref = re.search(r"`([0-9a-f]{8})`", message).group(1)
    assert any(ref in r.getMessage() and r.exc_info[0] is ZeroDivisionError for r in server_log)
    assert set(charts(at)) == {"stab_map", "stab_softmax"}  # the other sections still draw
    assert any("stab_x=" in c.value for c in at.sidebar.code)  # and the share link


def test_a_lab_error_in_the_map_section_is_the_pages_message(monkeypatch):
    import core.stability.grids

    def refused(*args):
        raise LabError("err.stab_range", limit="1e+04")

    monkeypatch.setattr(core.stability.grids, "chart_map", refused)
    at = open_page(PAGE, lang="en")
    assert not at.exception
    assert [e.value for e in at.error] == [tr("err.stab_range", "en", limit="1e+04")]
    assert set(charts(at)) == {"stab_chart", "stab_softmax"}


def test_bad_vector_shows_an_error_and_no_exception(fresh):
    at = fresh("en")
    at.text_input(key="stab_lse_vector").set_value("1, abc").run()
    assert not at.exception
    assert any("`abc` is not a number" in e.value for e in at.error)  # core.checks.parse_numbers' message
    assert "stab_chart" in charts(at)  # the rest of the page still draws


def test_scaled_vector_overflows_naive_logsumexp(fresh):
    at = fresh("en")
    at.text_input(key="stab_lse_vector").set_value("1, 2, 3").run()
    at.number_input(key="stab_lse_scale").set_value(30.0).run()
    assert not at.exception
    labels = {m.label: m.value for m in at.metric}
    assert labels["log(Σ exp(v)), naive"] == "inf"
    assert labels["torch.logsumexp(v)"] == labels["exact (mpmath)"] == "90"
    at.number_input(key="stab_lse_scale").set_value(2.0).run()
    assert {m.label: m.value for m in at.metric}["log(Σ exp(v)), naive"] != "inf"


def test_device_choices_are_the_available_devices(fresh):
    at = fresh()
    assert list(at.selectbox(key="stab_device").options) == available_devices()


def test_share_link_holds_every_url_bound_choice_even_after_a_bad_vector(fresh):
    at = fresh("en")
    at.number_input(key="stab_x").set_value(400.0).run()
    at.text_input(key="stab_lse_vector").set_value("1, abc").run()
    assert not at.exception and at.error
    (link,) = [c.value for c in at.code if "stab_x=" in c.value]
    for part in (
        "stab_x=400.0",
        "stab_y=3.0",
        "stab_dtype=float32",
        "stab_device=cpu",
        "stab_lse_vector=1%2C+abc",
        "stab_lse_scale=30.0",
    ):
        assert part in link, (part, link)
