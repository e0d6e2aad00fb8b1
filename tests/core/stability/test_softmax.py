"""core.stability.softmax: naive log-sum-exp against torch.logsumexp and mpmath, and the vector typed on the page."""

from __future__ import annotations

import math

import numpy as np
import pytest

from core.checks import parse_numbers
from core.errors import LabError
from core.stability.presets import INPUT_LIMIT, MAX_VECTOR_LENGTH, SCALE_LIMIT
from core.stability.softmax import compare_logsumexp, parse_vector
from core.stability.thresholds import exp_thresholds


def test_logsumexp_naive_overflows_and_torch_does_not():
    r = compare_logsumexp([1, 2, 3], 30.0, "float32")
    assert math.isinf(r.naive) and np.isnan(r.softmax_naive).any()
    assert r.torch == pytest.approx(r.exact, rel=1e-6)
    np.testing.assert_allclose(r.softmax_torch, r.softmax_exact, rtol=1e-5, atol=1e-30)


def test_logsumexp_all_underflow_gives_minus_inf_and_nan_softmax():
    r = compare_logsumexp([1, 2, 3], -40.0, "float32")  # e^-40, e^-80, e^-120: the last underflows only
    assert math.isfinite(r.naive)
    r = compare_logsumexp([1, 2, 3], -120.0, "float32")  # all below -103.97
    assert r.naive == -math.inf and np.isnan(r.softmax_naive).all()
    assert r.torch == pytest.approx(r.exact, rel=1e-6)


def test_logsumexp_scale_range_is_where_naive_stays_finite():
    r = compare_logsumexp([1, 2, 3], 1.0, "float32")
    lo, hi = r.scale_range
    assert compare_logsumexp([1, 2, 3], hi, "float32").naive < math.inf
    assert compare_logsumexp([1, 2, 3], np.nextafter(hi, math.inf), "float32").naive == math.inf
    assert compare_logsumexp([1, 2, 3], lo, "float32").naive > -math.inf
    assert compare_logsumexp([1, 2, 3], np.nextafter(lo, -math.inf), "float32").naive == -math.inf
    assert hi == pytest.approx(exp_thresholds("float32").overflow / 3, rel=1e-3)


@pytest.mark.parametrize("text,expected", [("1, 2, 3", [1.0, 2.0, 3.0]), ("[1 2.5 -3e2]", [1.0, 2.5, -300.0]), ("7", [7.0])])
def test_parse_vector_reads_numbers(text, expected):
    assert parse_vector(text) == expected


@pytest.mark.parametrize(
    "text", ["", "1, abc", "1e999", "nan", "inf", "1, 2e4", ", ".join(["1"] * 17), "__import__('os')", "1" * 500]
)
def test_parse_vector_rejects_bad_text(text):
    with pytest.raises(LabError):
        parse_vector(text)


@pytest.mark.parametrize("text", ["1; 2; 3", "(1, 2, 3)", "1 2 3", "[1,2 ,3]"])
def test_parse_vector_takes_the_apps_one_separator_rule(text):
    assert parse_vector(text) == parse_numbers(text, max_count=MAX_VECTOR_LENGTH) == [1.0, 2.0, 3.0]


@pytest.mark.parametrize(
    "text,key",
    [
        ("", "err.numbers_empty"),
        ("1, abc", "err.numbers_item"),
        ("nan", "err.numbers_finite"),
        ("1, 2e4", "err.numbers_range"),
        (", ".join(["1"] * (MAX_VECTOR_LENGTH + 1)), "err.numbers_count"),
        ("1" * 500, "err.numbers_length"),
    ],
)
def test_parse_vector_says_what_is_wrong_with_the_shared_messages(text, key):
    with pytest.raises(LabError) as caught:
        parse_vector(text)
    assert caught.value.key == key


def test_parse_vector_allows_the_pages_bound_and_no_more():
    assert parse_vector(f"{-INPUT_LIMIT:g}, {INPUT_LIMIT:g}") == [-INPUT_LIMIT, INPUT_LIMIT]
    assert len(parse_vector(", ".join(["1"] * MAX_VECTOR_LENGTH))) == MAX_VECTOR_LENGTH


def test_lse_scale_is_bounded():
    with pytest.raises(LabError):
        compare_logsumexp([1, 2], 1e5, "float32")
    with pytest.raises(LabError, match="scale"):
        compare_logsumexp([1, 2], math.nan, "float32")
    assert math.isfinite(compare_logsumexp([1, 2], SCALE_LIMIT, "float64").torch)


def test_logsumexp_scaled_vector_overflowing_float16_is_a_lab_error():
    # -10 * 1e4 = -1e5 is beyond float16's 65504: the vector itself is -inf, nothing to compare
    with pytest.raises(LabError, match="float16"):
        compare_logsumexp((-10.0,), 1e4, "float16", "cpu")
    with pytest.raises(LabError):
        compare_logsumexp((7.0,), 1e4, "float16", "cpu")
