"""Sizes typed on the page: the app's one numbers parser, then the lab's device-specific bounds."""

from __future__ import annotations

import pytest

from core.errors import LabError
from core.performance.inputs import check_budget, check_sizes, parse_sizes
from core.performance.presets import MAX_BUDGET_S, MAX_SIZE, MAX_SIZES
from core.performance.vectorization import vectorization_benchmark


def test_size_above_cpu_bound_rejected():
    with pytest.raises(LabError) as info:
        vectorization_benchmark([MAX_SIZE["cpu"] + 1])
    assert info.value.key == "err.perf_size_range"


@pytest.mark.parametrize("text", ["", "   ", ",,"])
def test_parse_sizes_empty(text):
    with pytest.raises(LabError, match="at least one number") as info:
        parse_sizes(text)
    assert info.value.key == "err.numbers_empty"


@pytest.mark.parametrize("text", ["64, 2**10", "1e3", "12.5", "__import__('os')", "0x10"])
def test_parse_sizes_rejects_non_integer_token(text):
    with pytest.raises(LabError) as info:
        parse_sizes(text)
    assert info.value.key == "err.numbers_whole"


@pytest.mark.parametrize("text", ["0, 16", "-5", "64, -1"])
def test_parse_sizes_rejects_zero_and_negative(text):
    with pytest.raises(LabError, match="out of range") as info:
        parse_sizes(text)
    assert info.value.key == "err.perf_size_range"


@pytest.mark.parametrize("text", ["99999", "4097", "-99999", "9" * 30])
def test_parse_sizes_too_large_names_the_device_bound(text):
    # the shared parser's range error becomes the lab's, which names the device and its bound
    with pytest.raises(LabError) as info:
        parse_sizes(text)
    assert info.value.key == "err.perf_size_range"
    assert info.value.params["high"] == MAX_SIZE["cpu"] and info.value.params["device"] == "cpu"
    assert text[:20] in str(info.value)


def test_parse_sizes_bound_depends_on_device():
    assert parse_sizes("8192", "cuda") == (8192,)
    with pytest.raises(LabError, match="cuda"):
        parse_sizes("8193", "cuda:0")


def test_parse_sizes_sorts_and_dedupes():
    assert parse_sizes("256; 64 128,64") == (64, 128, 256)


@pytest.mark.parametrize("text", ["[64, 128]", "(64 128)", "64;128"])
def test_parse_sizes_follows_the_apps_separator_rule(text):
    assert parse_sizes(text) == (64, 128)


def test_parse_sizes_repeats_do_not_count_towards_the_limit():
    assert parse_sizes(", ".join(["64"] * (MAX_SIZES + 4))) == (64,)


def test_parse_sizes_too_many():
    with pytest.raises(LabError, match="too many") as info:
        parse_sizes(" ".join(str(n) for n in range(1, 20)))
    assert info.value.key == "err.perf_sizes_count"


def test_parse_sizes_refuses_a_text_beyond_the_shared_length():
    with pytest.raises(LabError) as info:
        parse_sizes("1 " * 300)
    assert info.value.key == "err.numbers_length"


@pytest.mark.parametrize("sizes", [[], [True], [1.5], ["64"]])
def test_check_sizes_refuses_what_is_no_size(sizes):
    with pytest.raises(LabError):
        check_sizes(sizes)


@pytest.mark.parametrize("value", [float("inf"), float("nan"), 3600, 0.0, "1", True])
def test_budget_outside_its_range_refused_with_seconds(value):
    with pytest.raises(LabError) as info:
        check_budget(value)
    assert info.value.key == "err.perf_budget"
    assert f"to {MAX_BUDGET_S:g} s" in str(info.value)
