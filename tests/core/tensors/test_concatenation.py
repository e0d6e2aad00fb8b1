"""torch.cat / torch.stack (core/tensors/concatenation.py), checked against NumPy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import LabError
from core.tensors.concatenation import concat_report

# --------------------------------------------------------------------------------------
# cat / stack.


@given(
    a=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple),
    b=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple),
    dim=st.integers(-4, 4),
    op=st.sampled_from(["cat", "stack"]),
)
def test_cat_and_stack_match_numpy(a, b, dim, op):
    fn = np.concatenate if op == "cat" else np.stack
    report = concat_report(a, b, dim, op)
    try:
        expected = fn([np.zeros(a), np.ones(b)], axis=dim)
    except (ValueError, np.exceptions.AxisError) as exc:
        assert report.result is None
        assert type(exc).__name__ in report.error.params["numpy"]
        return
    assert report.result == expected.shape
    np.testing.assert_array_equal(report.source, expected)


def test_cat_along_rows_puts_b_below_a():
    report = concat_report("2, 3", "1, 3", 0, "cat")
    assert report.result == (3, 3)
    np.testing.assert_array_equal(report.source[:, 0], [0, 0, 1])
    np.testing.assert_array_equal(report.element[2], [0, 1, 2])


def test_cat_mismatch_carries_both_messages():
    report = concat_report("2, 3", "2, 2", 0, "cat")
    assert "Sizes of tensors must match except in dimension 0" in report.error.params["torch"]
    assert "along dimension 1" in report.error.params["numpy"]


def test_stack_inserts_a_new_dimension_at_the_end():
    assert concat_report("2, 3", "2, 3", 2, "stack").result == (2, 3, 2)


def test_cat_dim_out_of_range_is_a_library_error():
    report = concat_report("2, 3", "2, 3", 2, "cat")
    assert "Dimension out of range" in report.error.params["torch"]


def test_cat_dim_beyond_bounds_is_refused():
    with pytest.raises(LabError):
        concat_report("2", "2", 9, "cat")


def test_cat_dim_beyond_bounds_is_the_shared_integer_message():
    with pytest.raises(LabError) as err:
        concat_report("2", "2", 9, "cat")
    assert err.value.key == "err.int_range"
    assert err.value.message("en").startswith("dim must be a whole number from -5 to 5")


def test_unknown_operation_is_refused():
    with pytest.raises(LabError) as err:
        concat_report("2", "2", 0, "hstack")
    assert err.value.key == "tens.err.concat_op"


def test_refused_stack_of_different_shapes_hints_at_cat():
    assert concat_report("2, 3", "1, 3", 0, "stack").hint.key == "tens.cat.stack_hint"
    assert concat_report("2, 3", "2, 2", 0, "cat").hint is None
    assert concat_report("2, 3", "2, 3", 0, "stack").hint is None
