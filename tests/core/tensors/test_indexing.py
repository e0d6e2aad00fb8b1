"""Indexing X in NumPy and PyTorch (core/tensors/indexing.py): every result checked against the
libraries called directly.

References are independent of the code under test: with ``pattern="arange"`` every value of X is
its own flat index, so the values a library returns ARE the positions it picked; index objects are
built here from the generated parts, never through ``parse_index``.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from core.errors import LabError
from core.tensors.index_parser import Mask
from core.tensors.indexing import index_tensor
from core.tensors.presets import (
    INDEX_PRESETS,
)
from core.tensors.shapes import make_tensor

# --------------------------------------------------------------------------------------
# Random indices: (text, object) pairs built side by side.


@st.composite
def index_items(draw, shape: tuple[int, ...]):
    """Up to 4 entries: ints (some out of range), slices (some with negative steps),
    None, ..., lists of ints. Returns (text, items) with items as Python objects."""
    texts, items = [], []
    for k in range(draw(st.integers(1, 4))):
        d = shape[min(k, len(shape) - 1)]
        kind = draw(st.sampled_from(["int", "int", "slice", "slice", "none", "ellipsis", "list"]))
        if kind == "int":
            v = draw(st.integers(-d - 1, d))
            texts.append(str(v))
            items.append(v)
        elif kind == "slice":
            bound = st.none() | st.integers(-d - 2, d + 2)
            start, stop = draw(bound), draw(bound)
            step = draw(st.sampled_from([None, None, 1, 2, 3, -1, -2]))
            texts.append(
                ("" if start is None else str(start))
                + ":"
                + ("" if stop is None else str(stop))
                + ("" if step is None else f":{step}")
            )
            items.append(slice(start, stop, step))
        elif kind == "none":
            texts.append("None")
            items.append(None)
        elif kind == "ellipsis":
            texts.append("...")
            items.append(Ellipsis)
        else:
            values = draw(st.lists(st.integers(-d, d), min_size=1, max_size=3))
            texts.append(str(values))
            items.append(values)
    return "X[" + ", ".join(texts) + "]", tuple(items)


shapes = st.lists(st.integers(1, 8), min_size=1, max_size=4).map(tuple)


def direct(x, items):
    """``x[items]`` with the library itself; (result as ndarray, None) or (None, exception)."""
    try:
        out = x[items]
    except Exception as exc:
        return None, exc
    return (out.numpy() if isinstance(out, torch.Tensor) else np.asarray(out)), None


def check_against_libraries(x: np.ndarray, text: str, np_items, torch_items) -> None:
    """The report's outcomes equal NumPy's and PyTorch's, positions included."""
    ref_np, err_np = direct(x, np_items)
    ref_t, err_t = direct(torch.tensor(x), torch_items)
    if err_np is not None and err_t is not None:
        with pytest.raises(LabError) as info:
            index_tensor(x, text)
        assert type(err_np).__name__ in info.value.params["numpy"]
        assert type(err_t).__name__ in info.value.params["torch"]
        return
    report = index_tensor(x, text)
    for outcome, ref, err in ((report.numpy, ref_np, err_np), (report.torch, ref_t, err_t)):
        if err is not None:
            assert outcome.error.startswith(type(err).__name__)
            continue
        assert outcome.ok
        assert outcome.shape == ref.shape
        np.testing.assert_array_equal(outcome.values, ref)
        # arange values are flat indices: the library's own output is the position reference
        np.testing.assert_array_equal(outcome.positions, ref.astype(np.int64))
    same = err_np is None and err_t is None and ref_np.shape == ref_t.shape and np.array_equal(ref_np, ref_t)
    flagged = {n.key for n in report.differences} - {"tens.diff.scalar", "tens.diff.view"}
    assert bool(flagged) == (not same)


@given(data=st.data(), shape=shapes)
def test_random_basic_and_list_indices_match_numpy_and_torch(data, shape):
    text, items = data.draw(index_items(shape))
    x = make_tensor(shape, "arange")
    check_against_libraries(x, text, items, items)


@given(shape=shapes, op=st.sampled_from([">", ">=", "<", "<=", "==", "!="]), cut=st.integers(-2, 40))
def test_random_masks_match_numpy_and_torch(shape, op, cut):
    x = make_tensor(shape, "arange")
    value = cut + 0.5 if op in (">", "<") else cut
    mask = Mask(op, (value,))
    check_against_libraries(x, f"X[X {op} {value}]", (mask.evaluate(x),), (mask.evaluate(torch.tensor(x)),))


@given(shape=shapes, low=st.integers(-1, 30), width=st.integers(0, 10), seed=st.integers(0, 99))
def test_random_combined_masks_on_random_values(shape, low, width, seed):
    x = make_tensor(shape, "rand", seed)
    lo, hi = low / 30, (low + width) / 30
    report = index_tensor(x, f"X[(X >= {lo}) & ~(X > {hi})]")
    expected = x[(x >= lo) & ~(x > hi)]
    np.testing.assert_array_equal(report.numpy.values, expected)
    np.testing.assert_array_equal(report.torch.values, expected)
    np.testing.assert_array_equal(x.ravel()[report.numpy.positions], expected)


@given(shape=shapes, seed=st.integers(0, 99), data=st.data())
def test_positions_point_at_the_picked_values(shape, seed, data):
    text, _ = data.draw(index_items(shape))
    x = make_tensor(shape, "randn", seed)
    try:
        report = index_tensor(x, text)
    except LabError:
        return
    for outcome in (report.numpy, report.torch):
        if outcome.ok:
            np.testing.assert_array_equal(x.ravel()[outcome.positions], outcome.values)


# --------------------------------------------------------------------------------------
# Indexing: one edge case per test.


def test_notebook_presets_run_in_both_libraries_on_default_shape():
    x = make_tensor((3, 2, 4), "rand", 0)
    for text in INDEX_PRESETS:
        report = index_tensor(x, text)
        assert report.numpy.ok and report.torch.ok, text
        assert not report.differences, text


def test_row_index_is_a_view_in_both():
    report = index_tensor(make_tensor((3, 4), "arange"), "X[0]")
    assert report.numpy.is_view and report.torch.is_view
    np.testing.assert_array_equal(report.numpy.positions, [0, 1, 2, 3])


def test_list_index_is_a_copy_in_both():
    report = index_tensor(make_tensor((3, 4), "arange"), "X[[0, 2]]")
    assert report.numpy.is_view is False and report.torch.is_view is False


def test_repeated_list_entries_count_twice():
    report = index_tensor(make_tensor((3, 2), "arange"), "X[[0, 0, 2]]")
    np.testing.assert_array_equal(report.counts, [[2, 2], [0, 0], [1, 1]])


def test_negative_step_works_in_numpy_and_is_refused_by_torch():
    report = index_tensor(make_tensor((4,), "arange"), "X[::-1]")
    np.testing.assert_array_equal(report.numpy.values, [3, 2, 1, 0])
    assert report.torch.error == "ValueError: step must be greater than zero"
    assert report.differences[0].key == "tens.diff.one_fails"
    assert report.differences[0].params["ok"] == "NumPy"


def test_two_ellipses_are_refused_by_numpy_only():
    report = index_tensor(make_tensor((2, 3), "arange"), "X[..., ...]")
    assert "single ellipsis" in report.numpy.error
    assert report.torch.shape == (2, 3)


def test_integer_beside_list_across_a_slice_orders_dims_differently():
    report = index_tensor(make_tensor((2, 3, 4), "arange"), "X[0, :, [0, 2]]")
    assert report.numpy.shape == (2, 3) and report.torch.shape == (3, 2)
    assert [n.key for n in report.differences] == ["tens.diff.shape"]


def test_full_integer_index_gives_numpy_scalar_and_torch_view():
    report = index_tensor(make_tensor((2, 2), "arange"), "X[1, 1]")
    assert report.numpy.scalar and not report.numpy.is_view
    assert report.torch.is_view
    assert report.numpy.values.item() == 3.0
    assert [n.key for n in report.differences] == ["tens.diff.scalar"]


def test_out_of_range_index_carries_both_library_messages():
    with pytest.raises(LabError) as info:
        index_tensor(make_tensor((3, 4), "arange"), "X[10]")
    assert info.value.params["numpy"] == "IndexError: index 10 is out of bounds for axis 0 with size 3"
    assert info.value.params["torch"] == "IndexError: index 10 is out of bounds for dimension 0 with size 3"
    assert "NumPy" in info.value.message("en") and "PyTorch" in info.value.message("pt")


def test_zero_step_is_refused_by_both():
    with pytest.raises(LabError) as info:
        index_tensor(make_tensor((3,), "arange"), "X[::0]")
    assert "slice step cannot be zero" in info.value.params["numpy"]


def test_mask_that_picks_nothing_gives_empty_result():
    report = index_tensor(make_tensor((2, 3), "rand", 1), "X[X > 5]")
    assert report.numpy.shape == (0,) and report.torch.shape == (0,)
    assert report.counts.sum() == 0


def test_none_inserts_a_dimension():
    report = index_tensor(make_tensor((3, 4), "arange"), "X[:, None]")
    assert report.numpy.shape == report.torch.shape == (3, 1, 4)


def test_number_on_the_left_of_a_mask_is_flipped():
    x = make_tensor((5,), "arange")
    np.testing.assert_array_equal(index_tensor(x, "X[2 < X]").numpy.values, [3, 4])


def test_index_on_a_tensor_beyond_the_bounds_is_refused():
    with pytest.raises(LabError):
        index_tensor(np.zeros((9, 2)), "X[0]")
