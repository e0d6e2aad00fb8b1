"""core/checks.py: the shared input checks and the one text-to-numbers parser, at their bounds."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.checks import MAX_NUMBERS_TEXT, check_int, check_real, max_abs_diff, max_errors, parse_numbers
from core.errors import LabError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0, 1, 2", [0.0, 1.0, 2.0]),
        ("0;1;2", [0.0, 1.0, 2.0]),
        ("0 1\t2\n3", [0.0, 1.0, 2.0, 3.0]),
        ("[1, 2, 3]", [1.0, 2.0, 3.0]),
        ("(1, 2)", [1.0, 2.0]),
        ("  -0.5,, 1e-3 ;", [-0.5, 1e-3]),
        ("1e3", [1000.0]),
    ],
)
def test_parse_numbers_reads_every_separator_and_brackets(text, expected):
    assert parse_numbers(text, max_count=8) == expected


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "err.numbers_empty"),
        ("  ", "err.numbers_empty"),
        ("[]", "err.numbers_empty"),
        ("1, a", "err.numbers_item"),
        ("0,5.5.5", "err.numbers_item"),
        ("__import__('os')", "err.numbers_item"),
        ("nan", "err.numbers_finite"),
        ("-inf", "err.numbers_finite"),
        ("1e400", "err.numbers_finite"),
        ("11", "err.numbers_range"),
        ("9" * 400, "err.numbers_range"),
        ("1 2 3 4", "err.numbers_count"),
        ("[1, 2", "err.numbers_item"),
    ],
)
def test_parse_numbers_refuses_with_the_right_message(text, key):
    with pytest.raises(LabError) as info:
        parse_numbers(text, max_count=3, max_abs=10)
    assert info.value.key == key


def test_parse_numbers_checks_the_length_before_splitting():
    with pytest.raises(LabError) as info:
        parse_numbers("1," * 10**6, max_count=3)
    assert info.value.key == "err.numbers_length" and info.value.params["limit"] == MAX_NUMBERS_TEXT


def test_parse_numbers_refuses_what_is_not_text():
    with pytest.raises(LabError) as info:
        parse_numbers([1, 2], max_count=3)  # type: ignore[arg-type]
    assert info.value.key == "err.numbers_type"


def test_parse_numbers_integer_mode_takes_whole_numbers_only():
    assert parse_numbers("64, +128 -3", max_count=4, integer=True) == [64, 128, -3]
    for text in ("1.5", "1e3", "0x10", "1_000"):
        with pytest.raises(LabError) as info:
            parse_numbers(text, max_count=4, integer=True)
        assert info.value.key == "err.numbers_whole", text


def test_parse_numbers_integer_mode_bounds_the_digits():
    with pytest.raises(LabError) as info:
        parse_numbers("9" * 100, max_count=1, integer=True, max_abs=10**6)
    assert info.value.key == "err.numbers_range"


@pytest.mark.parametrize("value", [1, 5, 10, 5.0, np.int64(7)])
def test_check_int_accepts_whole_numbers_in_range(value):
    assert check_int(value, 1, 10) == int(value)
    assert type(check_int(value, 1, 10)) is int


@pytest.mark.parametrize("value", [0, 11, 5.5, True, "5", None, math.nan, math.inf])
def test_check_int_refuses_the_rest_with_its_key(value):
    with pytest.raises(LabError) as info:
        check_int(value, 1, 10, name="points", key="err.int_range")
    assert info.value.key == "err.int_range" and info.value.params["name"] == "points"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, True, "1", 11.0, -11])
def test_check_real_refuses_non_finite_and_out_of_range(value):
    with pytest.raises(LabError):
        check_real(value, -10, 10)


def test_check_real_returns_a_float():
    assert check_real(3, -10, 10) == 3.0 and type(check_real(3, -10, 10)) is float


def test_max_errors_ignore_points_where_either_side_is_not_finite():
    a = np.array([1.0, 2.0, np.inf, np.nan, 5.0])
    b = np.array([1.5, 2.0, 3.0, 4.0, -np.inf])
    assert max_abs_diff(a, b) == 0.5
    abs_err, rel_err = max_errors(a, b)
    assert abs_err == 0.5 and rel_err == pytest.approx(0.5 / 1.5, rel=1e-15)


def test_max_errors_are_nan_without_a_common_finite_point():
    assert math.isnan(max_abs_diff([np.inf], [1.0]))
    abs_err, rel_err = max_errors(np.array([1.0]), np.array([0.0]))
    assert abs_err == 1.0 and math.isnan(rel_err)  # no relative error against an exact 0


@pytest.mark.parametrize("text", ["٣", "１２", "1,٣"])
def test_parse_numbers_takes_ascii_digits_only(text):
    for integer in (False, True):
        with pytest.raises(LabError):
            parse_numbers(text, max_count=3, integer=integer)
