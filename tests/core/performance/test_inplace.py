"""In-place updates: bytes allocated per iteration, the same storage, correct sums, bounded inputs."""

from __future__ import annotations

import pytest
import torch

from core.errors import LabError
from core.performance.inplace import UpdateResult, inplace_benchmark
from core.performance.presets import MAX_SIZE

IN_PLACE = ("iadd", "add_", "addmm_out", "addmm_")


@pytest.mark.parametrize("variant", IN_PLACE)
def test_in_place_variant_allocates_nothing(small_inplace, variant):
    row = small_inplace.row(variant)
    assert row is not None
    # "about 0": less than 1% of C (a few bytes of bookkeeping would still pass)
    assert row.bytes_per_iter < 0.01 * small_inplace.c_bytes


@pytest.mark.parametrize("variant", IN_PLACE + ("slice_assign",))
def test_variant_keeps_data_ptr(small_inplace, variant):
    assert small_inplace.row(variant).keeps_data_ptr


def test_rebind_allocates_one_c_and_moves(small_inplace):
    row = small_inplace.row("rebind")
    assert row.bytes_per_iter == pytest.approx(small_inplace.c_bytes, rel=0.05)
    assert not row.keeps_data_ptr


def test_slice_assign_still_allocates_a_temporary(small_inplace):
    # the notebook's C[:] = D + C writes into C but builds D + C first
    assert small_inplace.row("slice_assign").bytes_per_iter == pytest.approx(small_inplace.c_bytes, rel=0.05)


def test_rebind_matmul_allocates_two_c(small_inplace):
    assert small_inplace.row("rebind_matmul").bytes_per_iter == pytest.approx(2 * small_inplace.c_bytes, rel=0.05)


def test_every_update_variant_correct(small_inplace):
    assert len(small_inplace.rows) == 7
    assert all(r.correct for r in small_inplace.rows), [(r.variant, r.error_ratio) for r in small_inplace.rows]


def test_update_rows_carry_code_work_and_quartiles(small_inplace):
    row = small_inplace.row("addmm_")
    assert isinstance(row, UpdateResult)
    assert (row.code, row.work) == ("C.addmm_(A, B.T)", "matmul_add")
    assert row.q1_s <= row.median_s <= row.q3_s and row.iqr_s >= 0


def test_inplace_size_above_bound_rejected():
    with pytest.raises(LabError) as info:
        inplace_benchmark(MAX_SIZE["cpu"] + 1)
    assert (info.value.key, info.value.params["name"]) == ("err.int_range", "n")


def test_unknown_variant_rejected():
    with pytest.raises(LabError) as info:
        inplace_benchmark(16, variants=("C = C + D",))
    assert info.value.key == "err.perf_variants"


# --- GPU (run where CUDA exists; skipped elsewhere) ---------------------------------------------

needs_cuda = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")


@pytest.mark.cuda
@needs_cuda
def test_cuda_allocator_counts_temporaries_and_not_in_place():
    result = inplace_benchmark(512, inner=64, device="cuda", repeats=3, budget_s=10.0)
    assert result.memory_method == "torch.cuda.memory_stats"
    for variant in IN_PLACE:
        assert result.row(variant).bytes_per_iter < 0.01 * result.c_bytes, variant
    assert result.row("slice_assign").bytes_per_iter == pytest.approx(result.c_bytes, rel=0.05)
