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
from core.tensors.calls import attempt_recorded
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
    flagged = {n.key for n in report.differences} - {"tens.diff.scalar", "tens.diff.view", "tens.diff.copy", "tens.diff.warning"}
    assert bool(flagged) == (not same)


@given(data=st.data(), shape=shapes)
def test_random_basic_and_list_indices_match_numpy_and_torch(data, shape):
    text, items = data.draw(index_items(shape))
    x = make_tensor(shape, "arange")
    typed = items[0] if len(items) == 1 else items  # "X[0]" passes 0, "X[0, 1]" the tuple
    check_against_libraries(x, text, typed, typed)


@given(shape=shapes, op=st.sampled_from([">", ">=", "<", "<=", "==", "!="]), cut=st.integers(-2, 40))
def test_random_masks_match_numpy_and_torch(shape, op, cut):
    x = make_tensor(shape, "arange")
    value = cut + 0.5 if op in (">", "<") else cut
    mask = Mask(op, (value,))
    check_against_libraries(x, f"X[X {op} {value}]", mask.evaluate(x), mask.evaluate(torch.tensor(x)))


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


# --------------------------------------------------------------------------------------
# Issue 14: the index exactly as typed, the libraries' warnings, views of views.

TORCH_TUPLE_WARNING = "UserWarning: Using a non-tuple sequence for multidimensional indexing is deprecated"


def test_list_of_lists_without_comma_is_read_differently_and_reported():
    """NumPy reads X[[[0], [1]]] as one index array of shape (2, 1); PyTorch 2.13 reads the
    list as the tuple X[[0], [1]] and warns. The playground used to pass a tuple to both."""
    x = make_tensor((3, 2, 4), "rand", 0)
    report = index_tensor(x, "X[[[0], [1]]]")
    assert report.numpy.shape == (2, 1, 2, 4) and report.torch.shape == (1, 4)
    np.testing.assert_array_equal(report.numpy.values, x[np.array([[0], [1]])])
    np.testing.assert_array_equal(report.torch.values, x[[0], [1]])
    np.testing.assert_array_equal(report.torch.positions, [[4, 5, 6, 7]])  # X[0, 1]
    keys = [n.key for n in report.differences]
    assert keys == ["tens.diff.reading_shape", "tens.diff.reading", "tens.diff.warning"]
    shapes, reading, warning = report.differences
    assert shapes.params == {"numpy": "(2, 1, 2, 4)", "torch": "(1, 4)"}
    assert reading.params == {"index": "X[[[0], [1]]]", "as_tuple": "X[[0], [1]]", "with_comma": "X[[[0], [1]],]"}
    assert warning.params["library"] == "PyTorch"
    assert warning.params["warning"].startswith(TORCH_TUPLE_WARNING)
    assert report.numpy.warnings == ()
    assert [key for _, key, _ in report.drawn] == ["tens_fig_result", "tens_fig_result_torch"]
    assert report.drawn[0][2].key == "tens.index.result_numpy"


def test_list_of_lists_with_a_comma_is_one_array_in_both():
    report = index_tensor(make_tensor((3, 2, 4), "arange"), "X[[[0], [1]],]")
    assert report.numpy.shape == report.torch.shape == (2, 1, 2, 4)
    assert report.differences == () and report.torch.warnings == ()


def test_ragged_list_is_refused_by_numpy_and_read_as_a_tuple_by_torch():
    report = index_tensor(make_tensor((3, 2, 4), "arange"), "X[[0, [1]]]")
    assert report.numpy.error.startswith("ValueError: setting an array element with a sequence")
    np.testing.assert_array_equal(report.torch.values, [[4, 5, 6, 7]])  # X[0, [1]]
    assert [n.key for n in report.differences] == ["tens.diff.one_fails", "tens.diff.reading", "tens.diff.warning"]


def test_both_refusing_a_bare_list_keeps_the_torch_warning():
    with pytest.raises(LabError) as info:
        index_tensor(make_tensor((3, 2, 4), "arange"), "X[[[0], [5]]]")
    assert info.value.key == "tens.err.index_both_warned"
    assert "for axis 0 with size 3" in info.value.params["numpy"]
    assert "for dimension 1 with size 2" in info.value.params["torch"]  # the tuple reading
    assert info.value.params["warning"].startswith(TORCH_TUPLE_WARNING)
    assert TORCH_TUPLE_WARNING.split(": ", 1)[1] in info.value.message("en")


def test_view_of_a_view_is_a_view():
    """X itself a view of a view: NumPy's ``.base`` of X[0] is the arange that owns the memory,
    not X, and the old check called it a copy. The reference: writing into the result
    changes X (in NumPy, on a copy of X's owner; in PyTorch, on a tensor made from X)."""
    owner = np.arange(48.0)
    x = owner.reshape(6, 8)[::2, 1:5]  # a view of a view, not contiguous
    assert x.base is owner
    cases = {
        "X[0]": 0,
        "X[:, ::2]": (slice(None), slice(None, None, 2)),
        "X[..., 1]": (Ellipsis, 1),
        "X[None, 1:]": (None, slice(1, None)),
        "X[[0]]": [0],
        "X[X > 20]": None,
    }
    for text, index in cases.items():
        report = index_tensor(x, text)
        probe, tensor = owner.copy().reshape(6, 8)[::2, 1:5], torch.tensor(x)
        out_np = probe[probe > 20 if index is None else index]
        out_t = tensor[tensor > 20 if index is None else index]
        out_np[...] = -1
        out_t.fill_(-1)
        assert report.numpy.is_view is bool((probe != x).any()), text
        assert report.torch.is_view is bool((tensor.numpy() != x).any()), text
    assert index_tensor(x, "X[0]").numpy.is_view and not index_tensor(x, "X[[0]]").torch.is_view


def test_empty_result_is_neither_view_nor_copy():
    report = index_tensor(make_tensor((3, 4), "arange"), "X[1:1]")
    assert report.numpy.shape == report.torch.shape == (0, 4)
    assert report.numpy.is_view is None and report.torch.is_view is None
    assert report.differences == ()


def test_the_reading_is_found_from_the_results_not_from_the_warning(monkeypatch):
    """A later PyTorch may read the list the same way without warning: the difference is
    still reported, found by running the tuple reading, not by the deprecation's text."""
    from core.tensors import indexing

    def silent(fn):
        result, error, _ = attempt_recorded(fn)
        return result, error, ()

    monkeypatch.setattr(indexing, "attempt_recorded", silent)
    report = index_tensor(make_tensor((3, 2, 4), "arange"), "X[[[0], [1]]]")
    assert report.torch.warnings == ()
    assert [n.key for n in report.differences] == ["tens.diff.reading_shape", "tens.diff.reading"]
