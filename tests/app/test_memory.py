"""Memory per request (issue 10): one interaction at the largest grid stays within a bound above
idle, and memory comes back afterwards. The bounds here are generous (twice the targets) so that
the test holds on a busy CI machine; benchmarks/memory.py prints the real figures."""

from __future__ import annotations

import pytest

from benchmarks.memory import PEAK_TARGET_MB, RETURN_TARGET_MB, run

pytestmark = pytest.mark.slow


def test_million_point_grids_at_order_3_stay_bounded_and_give_memory_back():
    r = run(expressions=6, points=1_000_000, order=3)
    assert r["failures"] == 0, r
    assert r["worst_peak_over_idle"] <= 2 * PEAK_TARGET_MB, r
    assert r["final_over_idle"] <= 2 * RETURN_TARGET_MB, r
