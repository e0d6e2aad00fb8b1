"""AppTest tests of pages/1_tensors.py: widgets found by their tens_ keys."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from core.i18n import tr
from tests.app.conftest import open_page
from tests.conftest import ROOT

PAGE = "1_tensors.py"


def charts(at) -> dict[str, dict]:
    """Every plotly chart on the page, by its element key suffix (tens_fig_...)."""
    return {el.proto.id.split("tens_fig", 1)[1]: json.loads(el.proto.spec) for el in at.get("plotly_chart")}


def titles(at) -> list[str]:
    return [spec["layout"].get("title", {}).get("text", "") for spec in charts(at).values()]


def errors(at) -> str:
    return "\n".join(e.value for e in at.error)


@pytest.fixture(scope="module")
def fresh():
    return lambda lang="pt": open_page(PAGE, lang=lang)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_page_runs_with_charts_in_every_section(fresh, lang):
    at = fresh(lang)
    assert not at.exception
    assert not at.error
    keys = set(charts(at))
    for key in ("_x", "_result", "_source", "_reshaped", "_bc", "_bc_cells", "_cat_a", "_cat_b", "_cat_result"):
        assert key in keys, key
    assert len(at.table) == 3
    shown = [el.value for kind in ("markdown", "caption", "info", "success", "subheader", "title") for el in getattr(at, kind)]
    assert not [text for text in shown if str(text).startswith("tens.")]  # no untranslated key


def test_changing_the_index_changes_the_result(fresh):
    at = fresh()
    before = charts(at)["_result"]
    at.text_input(key="tens_index").set_value("X[:, 1]").run()
    assert not at.exception
    after = charts(at)["_result"]
    assert "X[:, 1]" in after["layout"]["title"]["text"]
    assert "(3, 4)" in after["layout"]["title"]["text"]
    assert before != after


def test_preset_pill_fills_the_index_box(fresh):
    at = fresh()
    at.pills(key="tens_index_preset").set_value("X[[0, 2]]").run()
    assert not at.exception
    assert at.text_input(key="tens_index").value == "X[[0, 2]]"
    assert any("(2, 2, 4)" in t for t in titles(at))


def test_invalid_index_shows_an_error_and_still_draws_x(fresh):
    at = fresh("en")
    at.text_input(key="tens_index").set_value("X.T[0]").run()
    assert not at.exception
    assert "Attributes (such as X.T) are not allowed" in errors(at)
    assert "_x" in charts(at)


def test_out_of_range_index_shows_both_library_messages(fresh):
    at = fresh()
    at.text_input(key="tens_index").set_value("X[7]").run()
    assert not at.exception
    text = errors(at)
    assert "index 7 is out of bounds for axis 0 with size 3" in text
    assert "index 7 is out of bounds for dimension 0 with size 3" in text


def test_negative_step_flags_the_difference(fresh):
    at = fresh("en")
    at.text_input(key="tens_index").set_value("X[::-1]").run()
    assert not at.exception
    assert any("step must be greater than zero" in w.value for w in at.warning)


def test_list_of_lists_without_comma_shows_how_the_libraries_read_it(fresh):
    """Issue 14: X[[[0], [1]]] is one index array of shape (2, 1) in NumPy, and a tuple of
    indices in PyTorch 2.13, which warns; the page used to say they agree on (2, 1, 2, 4)."""
    at = fresh("en")
    at.text_input(key="tens_index").set_value("X[[[0], [1]]]").run()
    assert not at.exception and not at.error
    notes = [w.value for w in at.tabs[0].warning]
    assert "Difference: NumPy returns shape (2, 1, 2, 4) and PyTorch returns (1, 4)." in notes
    assert any("as if you had typed `X[[0], [1]]`" in n and "`X[[[0], [1]],]`" in n for n in notes), notes
    warned = [n for n in notes if n.startswith("PyTorch warns: `UserWarning: Using a non-tuple sequence")]
    assert len(warned) == 1 and "deprecated" in warned[0]
    got = charts(at)
    assert "(2, 1, 2, 4)" in got["_result"]["layout"]["title"]["text"]
    assert "(1, 4)" in got["_result_torch"]["layout"]["title"]["text"]
    rows = at.tabs[0].table[0].value
    assert list(rows.iloc[:, 2]) == ["(2, 1, 2, 4)", "(1, 4)"]
    at.text_input(key="tens_index").set_value("X[[[0], [1]],]").run()
    assert not at.tabs[0].warning
    assert "(NumPy = PyTorch)" in charts(at)["_result"]["layout"]["title"]["text"]


def test_bad_shape_shows_an_error_without_traceback(fresh):
    at = fresh("en")
    at.text_input(key="tens_shape").set_value("9, 9").run()
    assert not at.exception
    assert "Size 9 is out of range" in errors(at)


def test_value_pattern_changes_the_drawn_values(fresh):
    at = fresh()
    before = charts(at)["_x"]["data"][0]["text"]
    at.segmented_control(key="tens_pattern").set_value("torch.arange").run()
    after = charts(at)["_x"]["data"][0]["text"]
    assert before != after
    assert after[1][:4] == ["0", "1", "2", "3"]  # row 0 is the facet label row


def test_view_after_transpose_shows_the_real_error(fresh):
    at = fresh()
    at.toggle(key="tens_transpose").set_value(True).run()
    assert not at.exception
    assert "view size is not compatible with input tensor's size and stride" in errors(at)
    assert "_reshaped" in charts(at)  # the reshape (copy) drawn instead


def test_broadcast_preset_fills_both_shapes(fresh):
    at = fresh("en")
    at.pills(key="tens_bc_preset").set_value("(4, 3) + (3,)").run()
    assert not at.exception
    assert at.text_input(key="tens_bc_a").value == "4, 3"
    assert at.text_input(key="tens_bc_b").value == "3"
    assert any("(4, 3)" in s.value for s in at.success)


def test_incompatible_broadcast_shows_both_messages(fresh):
    at = fresh()
    at.text_input(key="tens_bc_a").set_value("4, 3").run()
    at.text_input(key="tens_bc_b").set_value("2").run()
    assert not at.exception
    text = errors(at)
    assert "shape mismatch" in text and "Attempting to broadcast a dimension of length 2" in text
    assert "_bc" in charts(at) and "_bc_cells" not in charts(at)


def test_cat_mismatch_and_stack(fresh):
    at = fresh()
    at.text_input(key="tens_cat_b").set_value("2, 2").run()
    assert "Sizes of tensors must match" in errors(at)
    at.text_input(key="tens_cat_b").set_value("2, 3").run()
    at.segmented_control(key="tens_cat_op").set_value("torch.stack").run()
    assert not at.exception
    assert any("(2, 2, 3)" in s.value for s in at.success)


def test_conversion_table_follows_the_chosen_change(fresh):
    at = fresh("en")
    at.number_input(key="tens_conv_pos").set_value(2).run()
    at.radio(key="tens_conv_mutate").set_value("torch.from_numpy(a)").run()
    assert not at.exception
    table = at.table[-1].value
    assert table.iloc[0]["After"] == "[0.0, 1.0, 100.0, 3.0]"
    assert table.iloc[3]["After"] == "[0.0, 1.0, 2.0, 3.0]"


# --------------------------------------------------------------------------------------
# Issue 10: the rough edges a class hit.

TAB_KEYS = (
    "tens_index",
    "tens_target",
    "tens_method",
    "tens_transpose",
    "tens_bc_a",
    "tens_bc_b",
    "tens_cat_a",
    "tens_cat_b",
    "tens_cat_dim",
    "tens_cat_op",
    "tens_conv_pos",
    "tens_conv_value",
    "tens_conv_mutate",
)


def test_conversion_choice_labels_do_not_change_with_position_or_value(fresh):
    """The browser keeps a radio's choice by its label: labels that showed the position or
    the value dropped the choice whenever a student changed them."""
    at = fresh()
    at.radio(key="tens_conv_mutate").set_value("torch.from_numpy(a)").run()
    labels = list(at.radio(key="tens_conv_mutate").options)
    at.number_input(key="tens_conv_pos").set_value(3).run()
    at.number_input(key="tens_conv_value").set_value(-2.5).run()
    radio = at.radio(key="tens_conv_mutate")
    assert list(radio.options) == labels == ["a", "torch.from_numpy(a)"]
    assert radio.value == "torch.from_numpy(a)"
    assert not at.error
    assert at.tabs[4].code[-1].value == "torch.from_numpy(a)[3] = -2.5"
    assert at.table[-1].value.iloc[0, 2] == "[0.0, 1.0, 2.0, -2.5]"


def test_conversion_numbers_out_of_range_are_clamped_with_a_translated_message(fresh):
    at = fresh("en")
    at.number_input(key="tens_conv_pos").set_value(9).run()
    at.number_input(key="tens_conv_value").set_value(1e300).run()
    assert not at.exception and not at.error
    notes = [w.value for w in at.tabs[4].warning]
    assert any("9 is outside the allowed range (0 to 3); using 3" in n for n in notes), notes
    assert any("outside the allowed range" in n and "1e+06" in n for n in notes), notes
    assert at.tabs[4].code[-1].value == "a[3] = 1000000.0"


@pytest.mark.parametrize("bad", ["9, 9", "x", ""])
def test_bad_shape_of_x_keeps_every_tab_drawn(fresh, bad):
    """A bad X used to stop the page: the tabs' widgets were not drawn, Streamlit dropped
    their state, and the browser redrew them empty beside a result of the old values."""
    at = fresh()
    at.text_input(key="tens_bc_a").set_value("5, 1").run()
    at.text_input(key="tens_shape").set_value(bad).run()
    assert not at.exception
    assert len(at.error) == 1
    keys = {w.key for kind in ("text_input", "number_input", "segmented_control", "toggle", "radio") for w in getattr(at, kind)}
    assert set(TAB_KEYS) <= keys
    assert at.text_input(key="tens_bc_a").value == "5, 1"
    assert [s.value for s in at.tabs[2].success] == ["A (5, 1) + B (1, 3) tem formato **(5, 3)**."]
    assert all(tr("tens.need_x", "pt") in [i.value for i in at.tabs[k].info] for k in (0, 1))


def test_x_is_not_a_scalar_shape_for_broadcasting(fresh):
    at = fresh("en")
    at.text_input(key="tens_bc_a").set_value("x").run()
    assert not at.exception
    assert not at.tabs[2].success
    assert "has no numbers" in at.tabs[2].error[0].value
    at.text_input(key="tens_bc_a").set_value("").run()
    assert not at.tabs[2].success
    assert "for a scalar type ()" in at.tabs[2].error[0].value
    at.text_input(key="tens_bc_a").set_value("()").run()
    assert [s.value for s in at.tabs[2].success] == ["A () + B (1, 3) has shape **(1, 3)**."]


def test_value_pattern_survives_a_language_switch(fresh):
    at = fresh()
    at.segmented_control(key="tens_pattern").set_value("torch.arange").run()
    at.segmented_control(key="lang").set_value("en").run()
    assert at.segmented_control(key="tens_pattern").value == "torch.arange"
    assert list(at.segmented_control(key="tens_pattern").options) == ["torch.rand", "torch.randn", "torch.arange"]


BOUND = {  # every URL-bound widget of the page, moved away from its default
    "tens_shape": ("text_input", "4, 3"),
    "tens_pattern": ("segmented_control", "torch.arange"),
    "tens_seed": ("number_input", 4_000_000_000),
    "tens_index": ("text_input", "X[:, 1]"),
    "tens_target": ("text_input", "2, 6"),
    "tens_method": ("segmented_control", "flatten"),
    "tens_transpose": ("toggle", True),
    "tens_bc_a": ("text_input", "()"),
    "tens_bc_b": ("text_input", "2, 1, 3"),
    "tens_cat_a": ("text_input", "2, 2"),
    "tens_cat_b": ("text_input", "2, 2"),
    "tens_cat_dim": ("number_input", -2),
    "tens_cat_op": ("segmented_control", "torch.stack"),
    "tens_conv_pos": ("number_input", 3),
    "tens_conv_value": ("number_input", -7.25),
    "tens_conv_mutate": ("radio", "torch.from_numpy(a)"),
}


def test_share_link_reopens_every_choice_without_a_notice(fresh):
    """The link the page offers, opened fresh, restores every bound widget (the value
    pattern and cat/stack links used to be refused: the URL held their translated labels)."""
    at = fresh()
    for key, (kind, value) in BOUND.items():
        getattr(at, kind)(key=key).set_value(value).run()
    assert not at.exception
    link = next(c.value for c in at.code if "tens_shape=" in c.value)
    query = dict(parse_qsl(urlsplit(link).query))
    assert set(BOUND) <= set(query)
    again = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in query.items():
        again.query_params[k] = v
    again.run()
    again.switch_page(f"pages/{PAGE}").run()
    assert not again.exception
    assert not [w.value for w in again.warning if "link" in w.value]
    for key, (_, value) in BOUND.items():
        assert again.session_state[key] == value, key
