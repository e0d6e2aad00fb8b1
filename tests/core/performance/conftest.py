"""Shared by the Performance lab's core tests: one small in-place run, measured once."""

from __future__ import annotations

import pytest

from core.performance.inplace import InplaceResult, inplace_benchmark


@pytest.fixture(scope="session")
def small_inplace() -> InplaceResult:
    return inplace_benchmark(256, inner=32, repeats=3, budget_s=10.0)
