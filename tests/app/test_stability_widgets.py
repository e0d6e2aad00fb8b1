"""Every preset and every widget of the Stability page at its minimum, maximum and a value between,
alone and after a bad input elsewhere on the page: never an exception. The map is kept at its
smallest grid except where its own widgets are moved, so each case stays cheap."""

from __future__ import annotations

import pytest

from core.devices import available_devices
from core.stability.evaluation import compare
from core.stability.presets import (
    DTYPE_NAMES,
    INPUT_LIMIT,
    MAP_POINT_CHOICES,
    MAX_VECTOR_LENGTH,
    PRESETS,
    SCALE_LIMIT,
    SPAN_CHOICES,
)
from tests.app.conftest import open_page

PAGE = "6_stability.py"
DEVICES = available_devices()
LONGEST_VECTOR = ", ".join(["-1e4", "1e4"] * (MAX_VECTOR_LENGTH // 2))

# key: (widget kind, [minimum, maximum, between])
WIDGETS = {
    "stab_x": ("number_input", [-INPUT_LIMIT, INPUT_LIMIT, 0.0]),
    "stab_y": ("number_input", [-INPUT_LIMIT, INPUT_LIMIT, 0.0]),
    "stab_dtype": ("selectbox", [DTYPE_NAMES[0], DTYPE_NAMES[-1], DTYPE_NAMES[1]]),
    "stab_device": ("selectbox", [DEVICES[0], DEVICES[-1], DEVICES[len(DEVICES) // 2]]),
    "stab_chart_span": ("select_slider", [SPAN_CHOICES[0], SPAN_CHOICES[-1], SPAN_CHOICES[3]]),
    "stab_map_span": ("select_slider", [SPAN_CHOICES[0], SPAN_CHOICES[-1], SPAN_CHOICES[3]]),
    "stab_map_points": ("select_slider", [MAP_POINT_CHOICES[0], MAP_POINT_CHOICES[-1], MAP_POINT_CHOICES[2]]),
    "stab_map_quantity": ("segmented_control", [None, "grad", "value"]),
    "stab_lse_vector": ("text_input", ["", LONGEST_VECTOR, "1, 2, 3"]),
    "stab_lse_scale": ("number_input", [-SCALE_LIMIT, SCALE_LIMIT, 0.0]),
    "presentation": ("toggle", [False, True, False]),
}
BAD_VECTOR = ("text_input", "stab_lse_vector", "1, abc")
BAD_X = ("number_input", "stab_x", 1e300)  # out of range: replaced by the bound, with a notice


def move(at, kind: str, key: str, value) -> None:
    getattr(at, kind)(key=key).set_value(value)
    at.run()
    assert not at.exception, (key, value, [e.value for e in at.exception])


def small_page(lang: str = "pt"):
    at = open_page(PAGE, lang=lang)
    move(at, "select_slider", "stab_map_points", MAP_POINT_CHOICES[0])
    return at


def test_the_sweep_covers_every_widget_of_the_page():
    at = open_page(PAGE, lang="en")
    kinds = ("selectbox", "text_input", "number_input", "toggle", "select_slider", "segmented_control")
    keys = {w.key for kind in kinds for w in getattr(at, kind)}
    assert keys - {"lang"} == set(WIDGETS)
    assert {b.key for b in at.button} == {f"stab_preset_{name}" for name in PRESETS}


@pytest.mark.parametrize("after_bad", [False, True], ids=["alone", "after-bad-input"])
@pytest.mark.parametrize("key", list(WIDGETS))
def test_widget_at_its_minimum_maximum_and_between(key, after_bad):
    at = small_page()
    if after_bad:
        move(at, *(BAD_X if key == "stab_lse_vector" else BAD_VECTOR))
        assert at.error or at.warning
    kind, values = WIDGETS[key]
    for value in values:
        move(at, kind, key, value)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_every_preset(lang):
    at = small_page(lang)
    for name, values in PRESETS.items():
        at.button(key=f"stab_preset_{name}").click().run()
        assert not at.exception and not at.error, name
        assert at.selectbox(key="stab_dtype").value == values["dtype"]
        point = compare(values["x"], values["y"], values["dtype"])
        shown = at.table[0].value
        for row, method in enumerate(("naive", "rewritten", "stable")):
            want = point.results[method].value.item()
            got = shown.iloc[row, 0]
            assert got == want or (got != got and want != want), (name, method, got, want)


def test_presets_after_a_bad_input_still_apply():
    at = small_page()
    move(at, *BAD_X)
    for name in PRESETS:
        at.button(key=f"stab_preset_{name}").click().run()
        assert not at.exception, name
        assert at.number_input(key="stab_x").value == PRESETS[name]["x"]


def test_x_out_of_range_is_replaced_by_the_bound_and_said_in_portuguese():
    at = small_page("pt")
    move(at, "number_input", "stab_x", 20000.0)
    assert any("20000 está fora do intervalo permitido (-10000 a 10000); usando 10000" in w.value for w in at.warning)
    assert any("x = 10000 e y = 3" in m.value for m in at.markdown)


def test_scale_out_of_range_is_replaced_by_the_bound_and_said():
    at = small_page("en")
    move(at, "number_input", "stab_lse_scale", -1e300)
    assert any("outside the allowed range" in w.value for w in at.warning)
    assert not at.error


@pytest.mark.parametrize("lang,comment,other", [("pt", "subtrai o máximo", "subtracts"), ("en", "subtracts the max", "subtrai")])
def test_the_code_shown_is_commented_in_the_pages_language(lang, comment, other):
    at = small_page(lang)
    (code,) = [c.value for c in at.code if "import torch" in c.value]
    assert "def log_exp(x, y):" in code and comment in code and other not in code


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_no_text_names_an_internal_module(lang):
    at = small_page(lang)
    texts = [el.value for kind in ("markdown", "caption", "info", "success", "subheader", "title") for el in getattr(at, kind)]
    assert texts and not [t for t in texts if "core." in t or "core/" in t]
