"""AppTest tests of pages/1_tensors.py: widgets found by their tens_ keys."""

from __future__ import annotations

import json

import pytest

from tests.app.conftest import open_page

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
    shown = [el.value for kind in ("markdown", "caption", "info", "success", "subheader", "title")
             for el in getattr(at, kind)]
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


def test_bad_shape_shows_an_error_without_traceback(fresh):
    at = fresh("en")
    at.text_input(key="tens_shape").set_value("9, 9").run()
    assert not at.exception
    assert "Size 9 is out of range" in errors(at)


def test_value_pattern_changes_the_drawn_values(fresh):
    at = fresh()
    before = charts(at)["_x"]["data"][0]["text"]
    at.segmented_control(key="tens_pattern").set_value("arange").run()
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
    at.segmented_control(key="tens_cat_op").set_value("stack").run()
    assert not at.exception
    assert any("(2, 2, 3)" in s.value for s in at.success)


def test_conversion_table_follows_the_chosen_change(fresh):
    at = fresh("en")
    at.number_input(key="tens_conv_pos").set_value(2).run()
    at.radio(key="tens_conv_mutate").set_value("from_numpy").run()
    assert not at.exception
    table = at.table[-1].value
    assert table.iloc[0]["After"] == "[0.0, 1.0, 100.0, 3.0]"
    assert table.iloc[3]["After"] == "[0.0, 1.0, 2.0, 3.0]"
