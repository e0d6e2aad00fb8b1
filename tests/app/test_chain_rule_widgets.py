"""Every preset and every widget of the Chain-rule page at its minimum, maximum and a value between,
alone and after a bad input elsewhere on the page: never an exception."""

from __future__ import annotations

import numpy as np
import pytest

from core.chain.inputs import MAX_POINTS_TEXT, MAX_TABLE_POINTS
from core.chain.presets import CHART_LIMIT, DTYPE_CHOICES, INNER_CATALOGUE, NOTEBOOK_X, OUTER_CATALOGUE, PRESETS
from core.chain.rule import chain_rule
from core.chain.traps import MAX_BACKWARD_CALLS
from core.devices import available_devices
from core.expression.parser import MAX_LENGTH
from tests.app.conftest import open_page

PAGE = "4_chain_rule.py"


def _longest(term: str, variable: str) -> str:
    """A valid expression of exactly MAX_LENGTH characters (terms joined by +, padded with spaces)."""
    text = "+".join([term] * ((MAX_LENGTH + 1) // (len(term) + 1)))
    return (text + " " * MAX_LENGTH)[:MAX_LENGTH] if text.strip() else variable


LONG_INNER = _longest("sin(x)*x", "x")
LONG_OUTER = _longest("exp(-u*u)", "u")
MANY_POINTS = ", ".join(f"{v:g}" for v in np.linspace(-1e6, 1e6, MAX_TABLE_POINTS))
WEIGHTS = ", ".join(["1e6"] * len(NOTEBOOK_X))
DEVICES = available_devices()

# key: (widget kind, [minimum, maximum, between])
WIDGETS = {
    "chain_preset": ("selectbox", ["custom", list(PRESETS)[-1], list(PRESETS)[3]]),
    "chain_inner_pick": ("selectbox", [INNER_CATALOGUE[0], INNER_CATALOGUE[-1], INNER_CATALOGUE[6]]),
    "chain_outer_pick": ("selectbox", [OUTER_CATALOGUE[0], OUTER_CATALOGUE[-1], OUTER_CATALOGUE[6]]),
    "chain_inner": ("text_input", ["", LONG_INNER, "sigmoid(x)**2"]),
    "chain_outer": ("text_input", ["", LONG_OUTER, "relu(u)**2"]),
    "chain_points": ("text_input", ["", MANY_POINTS, "0.5, 2"]),
    "chain_start": ("number_input", [-CHART_LIMIT, CHART_LIMIT, 0.0]),
    "chain_stop": ("number_input", [-CHART_LIMIT, CHART_LIMIT, 0.0]),
    "chain_device": ("selectbox", [DEVICES[0], DEVICES[-1], DEVICES[len(DEVICES) // 2]]),
    "chain_dtype": ("selectbox", [DTYPE_CHOICES[0], DTYPE_CHOICES[-1], DTYPE_CHOICES[0]]),
    "chain_calls": ("number_input", [1, MAX_BACKWARD_CALLS, MAX_BACKWARD_CALLS // 2]),
    "chain_weights": ("text_input", ["", WEIGHTS, "1, 2, 3, 4"]),
    "chain_step": ("number_input", [0, 2, 1]),  # the default z = (x*x)**3 has 3 nodes: pow, mul, x
    "presentation": ("toggle", [False, True, False]),
}
# a bad input elsewhere that leaves the widget on the page (the traps' widgets sit after the checks)
BAD = {
    "inner": ("text_input", "chain_inner", "x+"),
    "points": ("text_input", "chain_points", "1, two"),
    "order": ("number_input", "chain_start", 5.0),  # start above stop
    "weights": ("text_input", "chain_weights", "abc"),
    "calls": ("number_input", "chain_calls", 99),  # out of range: clamped, with a notice
}
BAD_FOR = {
    "chain_points": "inner",
    "chain_calls": "weights",
    "chain_step": "weights",
    "chain_weights": "calls",
    "chain_start": "points",
    "chain_stop": "points",
}


def move(at, kind: str, key: str, value) -> None:
    getattr(at, kind)(key=key).set_value(value)
    at.run()
    assert not at.exception, (key, value, [e.value for e in at.exception])


def test_the_sweep_covers_every_widget_of_the_page():
    at = open_page(PAGE, lang="en")
    keys = {w.key for kind in ("selectbox", "text_input", "number_input", "toggle") for w in getattr(at, kind)}
    assert keys - {"lang"} == set(WIDGETS)


@pytest.mark.parametrize("after_bad", [False, True], ids=["alone", "after-bad-input"])
@pytest.mark.parametrize("key", list(WIDGETS))
def test_widget_at_its_minimum_maximum_and_between(key, after_bad):
    at = open_page(PAGE, lang="pt")
    if after_bad:
        kind, bad_key, bad_value = BAD[BAD_FOR.get(key, "inner" if key in ("chain_preset", "presentation") else "points")]
        move(at, kind, bad_key, bad_value)
        assert at.error or at.warning
    kind, values = WIDGETS[key]
    for value in values:
        move(at, kind, key, value)


@pytest.mark.parametrize("dtype", DTYPE_CHOICES)
def test_every_preset_in_every_dtype(dtype):
    at = open_page(PAGE, lang="en")
    move(at, "selectbox", "chain_dtype", dtype)
    for name, (inner, outer) in PRESETS.items():
        move(at, "selectbox", "chain_preset", name)
        assert not at.error, name
        assert (at.text_input(key="chain_inner").value, at.text_input(key="chain_outer").value) == (inner, outer)
        x = [float(v) for v in at.text_input(key="chain_points").value.split(",")]
        want = chain_rule(inner, outer, x, dtype=dtype)
        shown = np.array([float(v) for v in at.dataframe[0].value["dz/dx (full backward)"]])
        np.testing.assert_allclose(shown, want.dz_dx, rtol=1e-9, atol=0, equal_nan=True)


def test_a_notebook_preset_brings_back_the_notebooks_points():
    at = open_page(PAGE, lang="en")
    move(at, "text_input", "chain_points", "0.5, 7")
    move(at, "selectbox", "chain_preset", "notebook_poly")
    assert at.text_input(key="chain_points").value == "0, 1, 2, 3"
    move(at, "selectbox", "chain_preset", "sin_relu")  # the other presets keep the reader's points
    assert at.text_input(key="chain_points").value == "0, 1, 2, 3"


def test_too_many_backward_calls_are_clamped_with_a_message_in_portuguese():
    at = open_page(PAGE, lang="pt")
    move(at, "number_input", "chain_calls", 99)
    assert not at.error
    assert any("fora do intervalo permitido (1 a 10); usando 10" in w.value for w in at.warning)
    acc = at.dataframe[1].value
    assert "x.grad após a 10ª chamada" in acc.columns and "x.grad após a 11ª chamada" not in acc.columns


@pytest.mark.parametrize("typed,used", [(1e300, CHART_LIMIT), (-1e300, -CHART_LIMIT), (float("nan"), 3.0)])
def test_a_chart_end_out_of_range_is_replaced_and_said(typed, used):
    at = open_page(PAGE, lang="en")
    move(at, "number_input", "chain_stop", typed)
    assert any("outside the allowed range" in w.value for w in at.warning) or typed != typed
    if used > -3.0:
        assert not at.error
        assert at.get("plotly_chart")
    else:  # the end now lies below the start: a message, no chart
        assert any("start" in e.value for e in at.error) and not at.get("plotly_chart")


def test_points_text_at_its_length_limit_is_read():
    text = (MANY_POINTS + " " * MAX_POINTS_TEXT)[:MAX_POINTS_TEXT]
    at = open_page(PAGE, lang="en")
    move(at, "text_input", "chain_points", text)
    assert not at.error
    assert len(at.dataframe[0].value) == MAX_TABLE_POINTS


@pytest.mark.parametrize("dtype", DTYPE_CHOICES)
def test_the_graph_shows_the_tables_points_in_the_chosen_dtype(dtype):
    at = open_page(PAGE, lang="en")
    move(at, "selectbox", "chain_dtype", dtype)
    move(at, "text_input", "chain_points", "0.5, 1, 2, 3, 4, 5, 6")
    cut, steps = (el.proto.spec for el in at.get("graphviz_chart"))
    assert f"(7,) {dtype}" in cut and ("float64" in cut) == (dtype == "float64")
    assert f"at x₀ = 6 ({dtype})" in steps  # the step-by-step graph: at the table's last point, in the dtype
