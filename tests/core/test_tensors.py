"""Tensor playground core: every result checked against NumPy and PyTorch called directly.

References are independent of the code under test: with ``pattern="arange"`` every value
of X is its own flat index, so the values a library returns ARE the positions it picked;
index objects are built here from the generated parts, never through ``parse_index``.
"""

from __future__ import annotations

import json
import math
import time

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ExpressionError, LabError
from core.tensors.compute import (
    ADDED,
    BROADCAST_PRESETS,
    CONFLICT,
    INDEX_PRESETS,
    KEPT,
    MAX_INDEX_CHARS,
    STRETCHED,
    Mask,
    broadcast_report,
    broadcast_rule,
    concat_report,
    conversion_demo,
    default_device,
    device_reports,
    index_tensor,
    make_tensor,
    parse_index,
    parse_shape,
    reshape_report,
)
from core.tensors.figures import (
    MAX_DRAW_CELLS,
    broadcast_cells_figure,
    broadcast_figure,
    flat_index_figure,
    grid_layout,
    index_figure,
    result_figure,
    source_figure,
)

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
            texts.append(("" if start is None else str(start)) + ":" + ("" if stop is None else str(stop))
                         + ("" if step is None else f":{step}"))
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
    except Exception as exc:  # noqa: BLE001 - the reference may fail; that is compared too
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
    same = (err_np is None and err_t is None and ref_np.shape == ref_t.shape and np.array_equal(ref_np, ref_t))
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


def test_bare_index_without_x_brackets_is_accepted():
    assert parse_index("0, :").text == "X[0, :]"
    assert parse_index("X > 0.5").text == "X[X > 0.5]"


def test_number_on_the_left_of_a_mask_is_flipped():
    x = make_tensor((5,), "arange")
    np.testing.assert_array_equal(index_tensor(x, "X[2 < X]").numpy.values, [3, 4])


def test_index_on_a_tensor_beyond_the_bounds_is_refused():
    with pytest.raises(LabError):
        index_tensor(np.zeros((9, 2)), "X[0]")


# --------------------------------------------------------------------------------------
# The parser's allowlist.

REJECTED = [
    "X.T[0]", "X[X.T]", "X[0].__class__", "X[len(X)]", "__import__('os')", "X[__import__('os')]",
    "Y[0]", "X[i]", "x[0]", "X['a']", "X[b'a']", "X[f'{1}']", "X[lambda: 0]", "X[[i for i in range(3)]]",
    "X[(i for i in [0])]", "X[{0}]", "X[{0: 1}]", "X[10**100]", "X[2*1]", "X[99999]", "X[-1001]",
    "X[[[[[[0]]]]]]", "X[1.5]", "X[True]", "X[0][1]", "X[(0, 1), 2]", "X[0 < X < 1]", "X[X > 0 and X < 1]",
    "X[not X > 0]", "X[X > 1e999]", "X[X > 10**3]", "X[--1]", "X[X]", "X[*a]", "X[(y:=1)]", "X[1j]",
    "X[X > 'a']", "X[X.sum() > 0]", "X[X[0] > 0]", "X[X > X]", "X[X @ X]", "X[X > 0.5 + 1]", "X[0 if 1 else 2]",
    "X[:X]", "X[::1.5]", "X[...:1]", "X[\x00]", "X[", "X[0]]", "", "   ", "X[0]; import os", "X[0]\nX[1]",
    "X[yield]", "X[await x]", "X[None[0]]", "X[[0, None]]", "X[[0, ...]]", "X[[0, 1:2]]", "X[~0]",
]


@pytest.mark.parametrize("text", REJECTED)
def test_parser_rejects_everything_outside_the_allowlist(text):
    with pytest.raises(ExpressionError):
        parse_index(text)


def test_parser_rejects_attribute_access_with_its_own_message():
    with pytest.raises(ExpressionError) as info:
        parse_index("X.T[0]")
    assert info.value.key == "tens.err.index_attribute"


def test_parser_rejects_calls_with_its_own_message():
    with pytest.raises(ExpressionError) as info:
        parse_index("X[len(X)]")
    assert info.value.key == "tens.err.index_call"


def test_parser_names_the_foreign_name():
    with pytest.raises(ExpressionError) as info:
        parse_index("Y[0]")
    assert info.value.params == {"name": "Y"}


def test_parser_rejects_huge_integer_literal():
    with pytest.raises(ExpressionError) as info:
        parse_index("X[" + "9" * 90 + "]")
    assert info.value.key == "tens.err.index_int_large"


def test_parser_rejects_text_over_the_limit():
    with pytest.raises(ExpressionError) as info:
        parse_index("X[" + "0," * MAX_INDEX_CHARS + "]")
    assert info.value.key == "tens.err.index_long"


def test_parser_accepts_text_at_the_limit():
    text = "X[" + " " * (MAX_INDEX_CHARS - 4) + "0]"
    assert len(text) == MAX_INDEX_CHARS
    assert parse_index(text).items == (0,)


def test_parser_rejects_deep_parenthesised_nesting():
    with pytest.raises(ExpressionError):
        parse_index("X[" + "(" * 48 + "0" + ")" * 48 + "," + "[" * 5 + "]" * 5 + "]")


def test_rejecting_a_huge_text_costs_no_more_than_a_short_one():
    """The length is checked before anything else: ten million characters are refused as
    fast as 101 (ratio of the best of 5 runs of 20 calls each)."""
    huge, short = "X[" + "0" * 10_000_000 + "]", "X[" + "0" * 98 + "]"

    def best(text: str) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(20):
                with pytest.raises(ExpressionError):
                    parse_index(text)
            times.append(time.perf_counter() - start)
        return min(times)

    assert best(huge) < 5 * best(short)


def test_parser_rebuilds_only_allowed_objects():
    index = parse_index("X[-1, 1:3, ::2, None, ..., [0, [1, 2]], (X > 0.5) | ~(X <= 0)]")
    assert index.items[:5] == (-1, slice(1, 3, None), slice(None, None, 2), None, Ellipsis)
    assert index.items[5] == [0, [1, 2]]
    assert index.items[6] == Mask("|", (Mask(">", (0.5,)), Mask("~", (Mask("<=", (0,)),))))


@given(st.text(alphabet="X[]():,.-+0123456789 ><=&|~'\"_abNone.*@{}", max_size=MAX_INDEX_CHARS))
def test_any_text_parses_to_allowed_objects_or_raises_expression_error(text):
    try:
        index = parse_index(text)
    except ExpressionError:
        return

    def allowed(item) -> bool:
        if isinstance(item, list):
            return all(allowed(i) for i in item)
        if isinstance(item, slice):
            return all(v is None or type(v) is int for v in (item.start, item.stop, item.step))
        return item is None or item is Ellipsis or type(item) is int or isinstance(item, Mask)

    assert all(allowed(item) for item in index.items)


# --------------------------------------------------------------------------------------
# Shapes and the tensor.


@pytest.mark.parametrize("text, shape", [
    ("3, 4", (3, 4)), ("(3, 4)", (3, 4)), ("[2, 2, 2]", (2, 2, 2)), ("4x1", (4, 1)), ("8", (8,)),
    (" 1 , 8 ,", (1, 8)), ("(3,)", (3,)),
])
def test_shape_text_forms(text, shape):
    assert parse_shape(text) == shape


@pytest.mark.parametrize("text", ["", "()", "9", "0, 2", "1,1,1,1,1", "3.5", "a", "1e3", "2**3", "-1",
                                  "3" * 61, "__import__('os')"])
def test_shape_text_rejected(text):
    with pytest.raises(LabError):
        parse_shape(text)


def test_arange_pattern_values_are_flat_indices():
    np.testing.assert_array_equal(make_tensor((2, 3), "arange").ravel(), np.arange(6))


def test_rand_pattern_is_rounded_and_reproducible():
    x = make_tensor((4, 4), "rand", 7)
    np.testing.assert_array_equal(x, make_tensor((4, 4), "rand", 7))
    np.testing.assert_allclose(x, x.round(2), rtol=0, atol=0)
    assert ((x >= 0) & (x < 1)).all()


def test_unknown_pattern_is_refused():
    with pytest.raises(LabError):
        make_tensor((2,), "ones")


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


# --------------------------------------------------------------------------------------
# cat / stack.


@given(a=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple),
       b=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple),
       dim=st.integers(-4, 4), op=st.sampled_from(["cat", "stack"]))
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


# --------------------------------------------------------------------------------------
# NumPy <-> PyTorch, devices.


def test_changing_the_array_changes_from_numpy_and_as_tensor_but_not_tensor():
    report = conversion_demo(1, 42.0, "a")
    assert report.after["a"] == [0.0, 42.0, 2.0, 3.0]
    assert report.after["torch.from_numpy(a)"] == [0.0, 42.0, 2.0, 3.0]
    assert report.after["torch.as_tensor(a)"] == [0.0, 42.0, 2.0, 3.0]
    assert report.after["torch.tensor(a)"] == [0.0, 1.0, 2.0, 3.0]
    assert report.shares == {"torch.from_numpy(a)": True, "torch.as_tensor(a)": True, "torch.tensor(a)": False}


def test_changing_the_from_numpy_tensor_changes_the_array():
    report = conversion_demo(3, -5.0, "from_numpy")
    assert report.after["a"][3] == -5.0
    assert report.after["torch.tensor(a)"][3] == 3.0


def test_conversion_keeps_float64():
    assert set(conversion_demo().dtypes.values()) == {"float64", "torch.float64"}


@pytest.mark.parametrize("position, value", [(4, 1.0), (-1, 1.0), (0, float("nan")), (0, 1e7), (0, True)])
def test_conversion_inputs_are_bounded(position, value):
    with pytest.raises(LabError):
        conversion_demo(position, value)


def test_cpu_is_listed_first_and_to_cpu_does_not_copy():
    reports = device_reports()
    assert reports[0].device == "cpu"
    assert reports[0].to_shares_memory and reports[0].numpy_error is None
    assert default_device() == ("cuda" if torch.cuda.is_available() else "cpu")


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_copy_cannot_be_read_by_numpy():
    cuda = next(r for r in device_reports() if r.device == "cuda")
    assert not cuda.to_shares_memory
    assert "can't convert cuda" in cuda.numpy_error


# --------------------------------------------------------------------------------------
# Figures.


@given(shape=shapes)
def test_grid_layout_puts_every_element_in_its_own_cell(shape):
    layout = grid_layout(shape)
    cells = set(zip(layout.rows.ravel().tolist(), layout.cols.ravel().tolist(), strict=True))
    assert len(cells) == math.prod(shape)
    assert layout.rows.max() < layout.height and layout.cols.max() < layout.width
    assert len(layout.facets) == (math.prod(shape[:-2]) if len(shape) > 2 else 1)


def test_grid_layout_keeps_row_major_order_inside_a_facet():
    layout = grid_layout((2, 3, 4))
    assert (layout.rows[1, 2, 3], layout.cols[1, 2, 3]) == (3, 8)  # second facet, one label row
    assert layout.facets[1][4] == "X[1, :, :]"


def _heatmap(fig):
    return next(trace for trace in fig.data if trace.type == "heatmap")


def test_index_figure_highlights_exactly_the_picked_cells():
    x = make_tensor((3, 4), "arange")
    report = index_tensor(x, "X[:, 1]")
    z = np.asarray(_heatmap(index_figure(x, report.counts)).z)
    assert np.nansum(z) == 3 and (z[:, 1] == 1).all()


def test_flat_index_figure_labels_cells_with_memory_positions():
    report = reshape_report((2, 3), "3, 2", transpose=True)
    fig = flat_index_figure(report.source_positions, make_tensor((2, 3), "rand"))
    assert list(_heatmap(fig).text[0]) == ["0", "3"]


def test_result_figure_of_a_scalar_is_one_cell():
    report = index_tensor(make_tensor((2, 2), "arange"), "X[1, 1]")
    fig = result_figure(report.torch.values, report.torch.positions, (2, 2))
    assert np.asarray(_heatmap(fig).z).shape == (1, 1)


def test_largest_tensor_figure_stays_small():
    x = make_tensor((8, 8, 8, 8), "rand")
    report = index_tensor(x, "X[X > 0.5]")
    size = len(json.dumps(index_figure(x, report.counts).to_plotly_json(), default=str))
    assert x.size == MAX_DRAW_CELLS
    assert size < 400_000


def test_too_large_result_is_not_drawn():
    x = make_tensor((8, 8, 8, 8), "arange")
    report = index_tensor(x, "X[[0, 1, 2, 3, 4, 5, 6, 7, 0]]")
    assert report.numpy.values.size > MAX_DRAW_CELLS
    assert result_figure(report.numpy.values, report.numpy.positions, x.shape) is None


def test_broadcast_figure_marks_the_conflict():
    fig = broadcast_figure(broadcast_report("4, 3", "2"))
    z = np.asarray(_heatmap(fig).z)
    assert z[0, -1] == 3 and z[2, -1] == 3


def test_broadcast_cells_figure_only_for_small_matrices():
    assert broadcast_cells_figure(broadcast_report("4, 1", "1, 3")) is not None
    assert broadcast_cells_figure(broadcast_report("2, 4, 1", "1, 3")) is None
    assert broadcast_cells_figure(broadcast_report("4, 3", "2")) is None


def test_broadcast_cells_figure_shows_copies_of_the_stretched_column():
    z = np.asarray(_heatmap(broadcast_cells_figure(broadcast_report("4, 1", "1, 3"))).z)
    np.testing.assert_array_equal(z[1:, 0:3], [[0, 1, 1]] * 4)


def test_source_figure_labels_cells_with_their_origin():
    report = concat_report("1, 2", "1, 2", 0, "cat")
    fig = source_figure(report.source, report.element, name="Y")
    assert np.asarray(_heatmap(fig).text).tolist() == [["a0", "a1"], ["b0", "b1"]]


@given(shape=st.lists(st.integers(1, 64), min_size=1, max_size=5).map(tuple))
def test_canvas_size_matches_the_layout(shape):
    from core.tensors.figures import canvas_size

    if math.prod(shape) > 20_000:
        return
    layout = grid_layout(shape)
    assert canvas_size(shape) == (layout.height, layout.width)


def test_long_thin_reshape_is_not_drawn():
    assert flat_index_figure(np.arange(4096).reshape(4, 1024), np.zeros(4096)) is None


def test_tick_labels_stay_few_on_the_largest_tensor():
    x = make_tensor((8, 8, 8, 8), "rand")
    fig = index_figure(x, np.zeros(x.shape, dtype=int))
    assert len(fig.layout.xaxis.tickvals) <= 48 and len(fig.layout.yaxis.tickvals) <= 48


def test_every_key_used_by_the_lab_has_both_translations_with_the_same_fields():
    import re
    import string
    from pathlib import Path

    from core.i18n import table

    root = Path(__file__).resolve().parents[2]
    sources = "".join((root / f).read_text() for f in ("core/tensors.py", "core/tensor_figures.py", "pages/1_tensors.py"))
    used = set(re.findall(r'"(tens\.[a-z_.]+[a-z_])"', sources)) | {f"tens.pattern.{p}" for p in ("rand", "randn", "arange")}
    used |= {"tens.index.result_numpy", "tens.index.result_torch"}
    missing = sorted(k for k in used if k not in table())
    assert not missing
    for key, (pt, en) in table().items():
        if key.startswith("tens."):
            fields = [{f for _, f, _, _ in string.Formatter().parse(text) if f} for text in (pt, en)]
            assert fields[0] == fields[1], key
