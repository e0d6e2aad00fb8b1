"""``measure``: a cold call apart, then repeated blocks; on a GPU, what not synchronising hides."""

from __future__ import annotations

import pytest
import torch

from core.performance.timing import CheckedTiming, Measurement, measure


def test_measure_takes_requested_repeats_without_deadline():
    m, out = measure(lambda: 7, repeats=5)
    assert (len(m.times_s), out) == (5, 7)
    assert m.q1_s <= m.median_s <= m.q3_s


def test_checked_timing_from_a_measurement():
    m = Measurement(first_call_s=1.0, times_s=(1.0, 2.0, 3.0, 4.0, 5.0), calls_per_block=2)
    ok = CheckedTiming.of(m, (1e-7, 0.5))
    assert (ok.median_s, ok.q1_s, ok.q3_s, ok.blocks) == (3.0, 2.0, 4.0, 5)
    assert ok.iqr_s == 2.0 and ok.correct
    assert not CheckedTiming.of(m, (1.0, 1.01)).correct
    assert not CheckedTiming.of(m, (float("inf"), float("inf"))).correct


# --- GPU (run where CUDA exists; skipped elsewhere) ---------------------------------------------

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")


@pytest.mark.cuda
@needs_cuda
def test_cuda_timing_without_sync_undercounts():
    A = torch.randn(4096, 4096, device="cuda")
    synced, _ = measure(lambda: torch.mm(A, A), repeats=5, device="cuda", synchronize=True)
    unsynced, _ = measure(lambda: torch.mm(A, A), repeats=5, device="cuda", synchronize=False)
    torch.cuda.synchronize()
    assert synced.median_s > 5 * unsynced.median_s  # without sync only the launches are timed
