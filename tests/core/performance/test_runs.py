"""One run of the page: both benchmarks on one set of settings, each within its own budget."""

from __future__ import annotations

import dataclasses

import pytest

from core.errors import LabError
from core.performance.runs import RunSettings, run_both

TINY = RunSettings(sizes=(8, 16), inner=8, device="cpu", threads=1, repeats=3, c_size=32)


def test_run_both_measures_with_the_settings_and_budgets():
    vec, mem = run_both(TINY, 0.6, 0.4)
    assert (vec.sizes, vec.inner, vec.repeats, vec.threads, vec.budget_s) == ((8, 16), 8, 3, 1, 0.6)
    assert (mem.n, mem.inner, mem.repeats, mem.threads, mem.budget_s) == (32, 8, 3, 1, 0.4)


def test_settings_that_differ_make_a_stored_result_stale():
    assert TINY == dataclasses.replace(TINY)
    assert TINY != dataclasses.replace(TINY, c_size=64)
    assert TINY != dataclasses.replace(TINY, sizes=None)


def test_refused_sizes_cannot_run():
    with pytest.raises(LabError) as info:
        run_both(dataclasses.replace(TINY, sizes=None), 0.6, 0.4)
    assert info.value.key == "err.numbers_empty"
