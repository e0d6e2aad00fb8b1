"""What the page shows of a run besides the charts: rows, units, skipped cells, conditions."""

from __future__ import annotations

import pytest

from core.performance.tables import (
    allocation_rows,
    conditions,
    correctness_rows,
    format_bytes,
    format_seconds,
    single_shot_ratios,
    single_shot_rows,
    skipped_cells,
    skipped_updates,
    speedup_rows,
    version_rows,
)
from core.performance.vectorization import Skipped, VectorizationResult
from core.performance.version_counter import version_counter_demo
from tests.core.performance.synthetic import synthetic_result


def _synthetic(skipped: tuple[Skipped, ...] = ()) -> VectorizationResult:
    # the notebook's situation: a cold first mm call (100 times its median), a warm loop
    return synthetic_result({"row_loop": 1e-6, "torch_mm": 1e-8}, cold={"row_loop": 0.5, "torch_mm": 100.0}, skipped=skipped)


def test_single_shot_ratio_can_rank_wrongly():
    # the notebook's situation: a cold first mm call makes the loop look faster
    single, robust = single_shot_ratios(_synthetic())
    assert single < 1 < robust


def test_single_shot_rows_at_the_notebook_size():
    rows = single_shot_rows(_synthetic(), "en")
    assert [r["Method"] for r in rows] == ["row loop (broadcasting)", "torch.mm"]
    assert rows[0]["Median of 7 blocks"] == format_seconds(1e-6 * 128 * 128)


def test_speedup_and_correctness_rows():
    assert speedup_rows(_synthetic(), "en") == [{"n": "64", "torch.mm": "100×"}, {"n": "128", "torch.mm": "100×"}]
    rows = correctness_rows(_synthetic(), "pt")
    assert len(rows) == 4 and all(r["Correto"] == "sim" for r in rows)


def test_allocation_rows_one_per_variant(small_inplace):
    rows = allocation_rows(small_inplace, "pt")
    assert [r["Código"] for r in rows] == [r.code for r in small_inplace.rows]


def test_skipped_cells_and_updates_named(small_inplace):
    result = _synthetic((Skipped("torch_mm", 4096, "budget"), Skipped("double_loop", 128, "size_limit")))
    assert skipped_cells(result, "budget", "en") == "torch.mm n = 4096"
    assert skipped_cells(result, "size_limit", "pt") == "laço duplo n = 128"
    assert skipped_cells(_synthetic(), "budget", "en") == ""
    assert skipped_updates(small_inplace) == ""


def test_conditions_name_every_placeholder():
    params = conditions(_synthetic())
    assert params == {"device": "cpu", "dtype": "float32", "k": 256, "threads": 1, "repeats": 7, "elapsed": 1.0, "budget": 8.0}


def test_version_rows_pair_x_with_both_gradients():
    demo = version_counter_demo()
    rows = version_rows(demo, "en")
    assert [list(r) for r in rows] == [["x", "x.grad", "2 s (1 − s), NumPy"]] * 3
    assert [r["x"] for r in rows] == list(demo.x)


@pytest.mark.parametrize(("t", "text"), [(12.3e-6, "12.3 µs"), (4.56e-3, "4.56 ms"), (1.23, "1.23 s"), (float("nan"), "—")])
def test_format_seconds(t, text):
    assert format_seconds(t) == text


@pytest.mark.parametrize(("b", "text"), [(None, "—"), (512, "512 B"), (2048, "2.0 KiB"), (64 * 2**20, "64.00 MiB")])
def test_format_bytes(b, text):
    assert format_bytes(b) == text
