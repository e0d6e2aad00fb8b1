"""Benchmarks run on few threads, and leave torch's and NumPy's settings as they found them."""

from __future__ import annotations

import pytest
import torch

from core.errors import LabError
from core.performance.threads import (
    _numpy_blas,
    benchmark_threads,
    check_threads,
    max_threads,
    numpy_threads_controlled,
    thread_choices,
)


def test_threads_restored_after_benchmark():
    before = torch.get_num_threads()
    with benchmark_threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


@pytest.mark.skipif(not numpy_threads_controlled(), reason="NumPy's BLAS exposes no thread setter here")
def test_numpy_blas_threads_set_and_restored():
    get = _numpy_blas()[0]
    before = get()
    with benchmark_threads(1):
        assert get() == 1
    assert get() == before


def test_thread_choices_are_the_allowed_counts():
    assert thread_choices() == list(range(1, max_threads() + 1))
    assert [check_threads(t) for t in thread_choices()] == thread_choices()


@pytest.mark.parametrize("threads", [0, max_threads() + 1, 1.5, True, "2"])
def test_thread_count_outside_the_choices_refused(threads):
    with pytest.raises(LabError) as info, benchmark_threads(threads):
        pass
    assert info.value.key == "err.int_range" and info.value.params["name"] == "threads"
