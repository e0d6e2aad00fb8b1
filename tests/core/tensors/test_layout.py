"""reshape / view / ravel / flatten in both libraries (core/tensors/layout.py)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from core.errors import LabError
from core.tensors.layout import reshape_report

shapes = st.lists(st.integers(1, 8), min_size=1, max_size=4).map(tuple)


# --------------------------------------------------------------------------------------
# reshape / view / ravel / flatten.


def test_view_of_contiguous_tensor_shares_memory():
    report = reshape_report((3, 2, 2), "2, -1")
    view = report.outcome("view", "torch")
    assert view.ok and view.shares_memory and view.layout.shape == (2, 6)
    np.testing.assert_array_equal(view.positions, np.arange(12).reshape(2, 6))


def test_view_after_transpose_fails_with_torch_message_and_reshape_copies():
    report = reshape_report((3, 4), "-1", transpose=True)
    assert not report.torch_source.contiguous
    assert report.torch_source.strides == (1, 4)
    assert report.numpy_source.strides == (8, 32)
    assert "view size is not compatible with input tensor's size and stride" in report.outcome("view", "torch").error
    assert report.outcome("view", "numpy").error == "ValueError: Unable to avoid creating a copy while reshaping."
    reshaped = report.outcome("reshape", "torch")
    assert reshaped.ok and not reshaped.shares_memory
    np.testing.assert_array_equal(reshaped.positions, np.arange(12).reshape(3, 4).T.ravel())
    assert report.reading_order[:4] == (0, 4, 8, 1)


def test_view_that_only_splits_a_dimension_works_after_transpose():
    """X.mT of a (3, 4) X has shape (4, 3), strides (1, 4): splitting the 4 into 2 x 2 needs
    strides (2, 1, 4), which exist, so view succeeds without a copy."""
    view = reshape_report((3, 4), "2, 2, 3", transpose=True).outcome("view", "torch")
    assert view.ok and view.shares_memory
    assert view.layout.strides == (2, 1, 4)


def test_size_mismatch_carries_each_library_message():
    report = reshape_report((3, 4), "5")
    assert report.outcome("reshape", "numpy").error == "ValueError: cannot reshape array of size 12 into shape (5,)"
    assert report.outcome("reshape", "torch").error == "RuntimeError: shape '[5]' is invalid for input of size 12"
    assert report.outcome("ravel", "torch").ok and report.outcome("flatten", "numpy").ok


def test_two_minus_ones_are_refused_by_both():
    report = reshape_report((3, 4), "-1, -1")
    assert "one unknown dimension" in report.outcome("reshape", "numpy").error
    assert "only one dimension can be inferred" in report.outcome("reshape", "torch").error


def test_numpy_flatten_always_copies_and_torch_flatten_views_when_it_can():
    report = reshape_report((2, 3), "6")
    assert report.outcome("flatten", "numpy").shares_memory is False
    assert report.outcome("flatten", "torch").shares_memory is True
    assert report.outcome("ravel", "numpy").shares_memory is True


@given(shape=shapes, data=st.data())
def test_reshape_positions_match_numpy_reshape_of_arange(shape, data):
    n = math.prod(shape)
    divisors = [d for d in range(1, n + 1) if n % d == 0]
    first = data.draw(st.sampled_from(divisors))
    transpose = data.draw(st.booleans())
    report = reshape_report(shape, f"{first}, -1", transpose)
    src = np.arange(n).reshape(shape)
    if transpose and len(shape) >= 2:
        src = np.swapaxes(src, -1, -2)
    expected = np.reshape(src, (first, -1))
    for library in ("numpy", "torch"):
        np.testing.assert_array_equal(report.outcome("reshape", library).positions, expected)
    view = report.outcome("view", "torch")
    source = torch.arange(n).reshape(shape)
    source = source.mT if transpose and len(shape) >= 2 else source
    try:
        source.view(first, -1)
        view_works = True
    except RuntimeError:
        view_works = False
    assert view.ok == view_works
    if view.ok:
        np.testing.assert_array_equal(view.positions, expected)


def test_bad_target_text_is_refused():
    with pytest.raises(LabError):
        reshape_report((3, 4), "2, a")
