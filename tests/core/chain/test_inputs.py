"""core.chain.inputs: f in x, g in u, and the points (typed through the app's one numbers parser, or given)."""

from __future__ import annotations

import numpy as np
import pytest

from core.chain.inputs import (
    MAX_POINTS,
    MAX_TABLE_POINTS,
    check_points,
    field_errors,
    parse_inner,
    parse_outer,
    parse_points,
    parse_weights,
)
from core.chain.presets import NOTEBOOK_X
from core.chain.rule import chain_rule
from core.checks import parse_numbers
from core.errors import ExpressionError, LabError

# ---------------------------------------------------------------- variables and expressions


def test_outer_written_in_x_is_a_clear_error():
    with pytest.raises(ExpressionError) as info:
        chain_rule("x*x", "x**3", NOTEBOOK_X)
    assert info.value.key == "err.chain_outer_uses_x"
    assert "written in u" in str(info.value) and "escrita em u" in info.value.message("pt")


def test_inner_written_in_u_is_a_clear_error():
    with pytest.raises(ExpressionError) as info:
        parse_inner("u*u")
    assert info.value.key == "err.chain_inner_uses_u"
    assert "written in x" in str(info.value)


def test_other_variable_names_are_unknown_names():
    with pytest.raises(ExpressionError) as info:
        parse_outer("y**2")
    assert info.value.key == "err.expr_name" and "'y'" in str(info.value)


def test_expression_object_with_the_wrong_variable_is_refused():
    with pytest.raises(ExpressionError) as info:
        parse_outer(parse_inner("x*x"))
    assert info.value.key == "err.chain_outer_uses_x"


def test_unsafe_text_is_refused_by_the_parser():
    with pytest.raises(ExpressionError):
        chain_rule("__import__('os').system('true')", "u", [1.0])


# ---------------------------------------------------------------- points


def test_too_many_points_are_refused():
    with pytest.raises(LabError) as info:
        check_points(np.zeros(MAX_POINTS + 1))
    assert info.value.key == "err.chain_points_count"


def test_huge_list_is_refused_before_building_an_array():
    with pytest.raises(LabError):
        check_points([0.0] * (MAX_POINTS + 1))


def test_empty_points_are_refused():
    with pytest.raises(LabError):
        check_points([])


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_points_are_refused(bad):
    with pytest.raises(LabError) as info:
        chain_rule("x", "u", [0.0, bad])
    assert info.value.key == "err.chain_points_finite"


def test_two_dimensional_points_are_refused():
    with pytest.raises(LabError) as info:
        check_points([[0.0, 1.0], [2.0, 3.0]])
    assert info.value.key == "err.chain_points_ndim"


def test_huge_point_is_refused():
    with pytest.raises(LabError):
        check_points([1e7])


@pytest.mark.parametrize("bad", ["0, 1", 3.0, None, ["a", "b"]])
def test_non_sequences_are_refused(bad):
    with pytest.raises(LabError):
        check_points(bad)


def test_parse_points_accepts_commas_semicolons_and_spaces():
    np.testing.assert_array_equal(parse_points(" 0, 1;2  3 ,-1.5e0 "), [0, 1, 2, 3, -1.5])


@pytest.mark.parametrize("text", ["[0, 0.5, 2]", "(0; 0.5; 2)", "0 0.5 2"])
def test_parse_points_follows_the_apps_one_rule_for_typed_numbers(text):
    # the same text gives the same numbers in every lab's box (core.checks.parse_numbers)
    got = parse_points(text)
    assert isinstance(got, np.ndarray) and got.dtype == np.float64 and got.ndim == 1
    np.testing.assert_array_equal(got, parse_numbers(text, max_count=MAX_TABLE_POINTS))


def test_parse_points_takes_a_larger_limit():
    assert parse_points(", ".join(["1"] * 50), limit=50).size == 50


def test_parse_points_refuses_what_is_not_text():
    with pytest.raises(LabError) as info:
        parse_points([0.0, 1.0])
    assert info.value.key == "err.numbers_type"


@pytest.mark.parametrize("text", ["1, x", "__import__('os')", "1,,2;abc", "0,5.5.5"])
def test_parse_points_refuses_non_numbers(text):
    with pytest.raises(LabError) as info:
        parse_points(text)
    assert info.value.key == "err.numbers_item"


@pytest.mark.parametrize("text", ["nan", "1, inf", "1e999"])
def test_parse_points_refuses_non_finite(text):
    with pytest.raises(LabError) as info:
        parse_points(text)
    assert info.value.key == "err.numbers_finite"


def test_parse_points_refuses_a_point_beyond_a_million():
    with pytest.raises(LabError) as info:
        parse_points("0, -1e7")
    assert info.value.key == "err.numbers_range" and "-1e7" in str(info.value)


def test_parse_points_refuses_too_many():
    with pytest.raises(LabError) as info:
        parse_points(", ".join(["1"] * (MAX_TABLE_POINTS + 1)))
    assert info.value.key == "err.numbers_count"


def test_parse_points_refuses_long_text():
    with pytest.raises(LabError) as info:
        parse_points("1" * 401)
    assert info.value.key == "err.numbers_length"


def test_parse_points_refuses_empty_text():
    with pytest.raises(LabError) as info:
        parse_points("  , ")
    assert info.value.key == "err.numbers_empty"


def test_empty_weights_mean_the_default_and_typed_weights_are_points():
    assert parse_weights("  ") is None
    np.testing.assert_array_equal(parse_weights("1; 2 3"), [1, 2, 3])
    with pytest.raises(LabError):
        parse_weights("1, two")


def test_field_errors_name_every_wrong_field_at_once():
    assert field_errors("x*x", "u**3", "0, 1") == {}
    errors = field_errors("u*u", "x**3", "1, two")
    assert list(errors) == ["inner", "outer", "points"]
    assert [e.key for e in errors.values()] == ["err.chain_inner_uses_u", "err.chain_outer_uses_x", "err.numbers_item"]
    assert list(field_errors("x*x", "u+", "0")) == ["outer"]
