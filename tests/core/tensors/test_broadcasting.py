"""Broadcasting two shapes (core/tensors/broadcasting.py), checked against both libraries."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from core.errors import LabError
from core.tensors.broadcasting import ADDED, CONFLICT, KEPT, STRETCHED, broadcast_report, broadcast_rule
from core.tensors.presets import (
    BROADCAST_PRESETS,
)

# --------------------------------------------------------------------------------------
# Broadcasting.

small_shapes = st.lists(st.integers(0, 4), min_size=0, max_size=5).map(tuple)


@given(a=small_shapes, b=small_shapes)
def test_broadcast_matches_np_broadcast_shapes(a, b):
    report = broadcast_report(a, b)
    try:
        expected = np.broadcast_shapes(a, b)
    except ValueError as exc:
        assert report.result is None
        assert report.error.params["numpy"] == f"ValueError: {exc}"
        assert report.error.params["torch"].startswith("RuntimeError")
        assert any(c.a_status == CONFLICT for c in report.columns)
        return
    assert report.result == expected == tuple(torch.broadcast_shapes(a, b))
    assert report.error is None and not report.differences
    columns, rule = broadcast_rule(a, b)
    assert rule == expected


@given(a=small_shapes, b=small_shapes)
def test_broadcast_columns_say_what_was_stretched(a, b):
    columns, result = broadcast_rule(a, b)
    if result is None:
        return
    for col, size in zip(columns, result, strict=True):
        for dim, status in ((col.a, col.a_status), (col.b, col.b_status)):
            if dim is None:
                assert status == ADDED
            elif dim == size:
                assert status == KEPT
            else:
                assert dim == 1 and status == STRETCHED


def test_notebook_presets_broadcast_to_four_by_three():
    for a, b in BROADCAST_PRESETS:
        assert broadcast_report(a, b).result == (4, 3)


def test_row_over_matrix_adds_the_leading_dimension():
    report = broadcast_report("4, 3", "3")
    assert [c.b_status for c in report.columns] == [ADDED, KEPT]


def test_incompatible_shapes_name_the_conflicting_dimension():
    report = broadcast_report("4, 3", "2")
    assert report.result is None
    assert report.columns[-1].a_status == CONFLICT
    assert "shape mismatch" in report.error.params["numpy"]
    assert "Attempting to broadcast a dimension of length 2" in report.error.params["torch"]


def test_scalar_shape_broadcasts_to_the_other():
    assert broadcast_report("()", "2, 3").result == (2, 3)


def test_zero_against_one_gives_zero():
    assert broadcast_report("1", "0").result == (0,)


def test_broadcast_shape_bounds():
    with pytest.raises(LabError):
        broadcast_report("1, 1, 1, 1, 1, 1, 1", "1")
    with pytest.raises(LabError):
        broadcast_report("10001", "1")
