"""The playground against the shapes of NumPy's and PyTorch's own indexing tests.

Cases come from numpy/_core/tests/test_indexing.py (TestIndexing, TestMultiIndexingAutomated,
TestBroadcastedAssignments, TestMultipleEllipsisError, TestFloatNonIntegerArgument,
TestSubclasses) and pytorch's test/test_indexing.py (TestIndexing.test_index,
test_advancedindex, test_none, test_step, ..., and its NumpyTests), kept where the playground's
grammar can write them: integers, slices, ``None``, ``...``, lists of integers and masks
``X <op> number``. Boolean arrays, tensors as indices and floats are left out (the grammar
refuses them); shapes beyond the playground's bounds (a size over 8, more than 4 dimensions)
are cut to fit, the index kept.

Every case is a Python index object; the text typed in the box is written from it here
(``typed``), never through the parser. For each case NumPy and torch are run directly on that
object, and the report must match them: shapes, values (X is an arange, so values are the
positions picked), errors, warnings, view or copy (found by writing into the result), and the
page's verdict: the libraries agree when both give the same elements in the same shape.
"""

from __future__ import annotations

import operator
import warnings
from dataclasses import dataclass
from itertools import product
from typing import Any

import numpy as np
import pytest
import torch

from core.errors import LabError
from core.tensors.indexing import index_tensor

RESULT_DIFFERENCES = {"tens.diff.one_fails", "tens.diff.shape", "tens.diff.positions", "tens.diff.reading_shape"}


@dataclass(frozen=True)
class Cmp:
    """A mask ``X <op> number``, evaluated on whichever library's X."""

    op: str
    number: float

    def on(self, x: Any) -> Any:
        ops = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le, "==": operator.eq}
        return ops[self.op](x, self.number)


class Bare:
    """An index that is not a tuple: ``X[item]`` (a tuple is written ``X[a, b]`` or ``X[a,]``)."""

    def __init__(self, item: Any) -> None:
        self.item = item


def entry(item: Any) -> str:
    if item is None:
        return "None"
    if item is Ellipsis:
        return "..."
    if isinstance(item, slice):
        text = ("" if item.start is None else str(item.start)) + ":" + ("" if item.stop is None else str(item.stop))
        return text + ("" if item.step is None else f":{item.step}")
    if isinstance(item, Cmp):
        return f"X {item.op} {item.number}"
    return repr(item)  # int or (nested) list of ints


def typed(index: Any) -> str:
    """The text a student types for ``index``."""
    if isinstance(index, Bare):
        return f"X[{entry(index.item)}]"
    if not index:
        return "X[()]"
    body = ", ".join(entry(item) for item in index)
    return f"X[{body}{',' if len(index) == 1 else ''}]"


def concrete(index: Any, x: Any) -> Any:
    """The object Python hands to ``x.__getitem__`` for the typed text."""
    if isinstance(index, Bare):
        return index.item.on(x) if isinstance(index.item, Cmp) else index.item
    return tuple(item.on(x) if isinstance(item, Cmp) else item for item in index)


@dataclass
class Direct:
    """One library run directly: the result as an array, its error type, its warnings, and
    whether writing into the result changed X."""

    values: np.ndarray | None
    error: type | None
    warned: list[str]
    writes_through: bool | None


def run_numpy(x: np.ndarray, index: Any) -> Direct:
    own = x.copy()
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        try:
            out = own[concrete(index, own)]
        except Exception as exc:
            return Direct(None, type(exc), [f"{w.category.__name__}: {w.message}" for w in said], None)
    values = np.array(out)
    through = None
    if isinstance(out, np.ndarray) and out.size:
        out[...] = -1.0
        through = bool((own != x).any())
    elif not isinstance(out, np.ndarray):
        through = False  # a NumPy scalar is a copy
    return Direct(values, None, [f"{w.category.__name__}: {w.message}" for w in said], through)


def run_torch(x: np.ndarray, index: Any) -> Direct:
    own = torch.tensor(x)
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        try:
            out = own[concrete(index, own)]
        except Exception as exc:
            return Direct(None, type(exc), [f"{w.category.__name__}: {w.message}" for w in said], None)
    values = out.numpy().copy()
    through = None
    if out.numel():
        out.fill_(-1.0)
        through = bool((own.numpy() != x).any())
    return Direct(values, None, [f"{w.category.__name__}: {w.message}" for w in said], through)


def torch_reads_a_tuple(index: Any) -> bool:
    """PyTorch's rule (treatSequenceAsTuple in python_variable_indexing.cpp): a bare list
    shorter than 32 that holds a list is read as a tuple of indices."""
    return (
        isinstance(index, Bare)
        and isinstance(index.item, list)
        and len(index.item) < 32
        and any(isinstance(e, list) for e in index.item)
    )


def check(shape: tuple[int, ...], index: Any) -> str:
    """The report for ``X[typed(index)]`` on an arange of ``shape`` against both libraries;
    returns "agree", "differ" or "both fail"."""
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    text = typed(index)
    ref = {"numpy": run_numpy(x, index), "torch": run_torch(x, index)}
    if ref["numpy"].error and ref["torch"].error:
        with pytest.raises(LabError) as info:
            index_tensor(x, text)
        assert ref["numpy"].error.__name__ in info.value.params["numpy"], text
        assert ref["torch"].error.__name__ in info.value.params["torch"], text
        warned = ref["torch"].warned + ref["numpy"].warned
        assert info.value.key == ("tens.err.index_both_warned" if warned else "tens.err.index_both"), text
        if warned:
            assert info.value.params["warning"] == warned[0], text
        return "both fail"
    report = index_tensor(x, text)
    for out, direct in ((report.numpy, ref["numpy"]), (report.torch, ref["torch"])):
        assert list(out.warnings) == list(dict.fromkeys(direct.warned)), (text, out.library)
        if direct.error is not None:
            assert out.error.startswith(direct.error.__name__), (text, out.library, out.error)
            continue
        assert out.ok, (text, out.library, out.error)
        assert out.shape == direct.values.shape, (text, out.library)
        np.testing.assert_array_equal(out.values, direct.values, err_msg=text)
        np.testing.assert_array_equal(out.positions, direct.values.astype(np.int64), err_msg=text)
        assert out.is_view == direct.writes_through, (text, out.library)
    a, b = ref["numpy"], ref["torch"]
    agree = a.error is None and b.error is None and a.values.shape == b.values.shape and np.array_equal(a.values, b.values)
    keys = [n.key for n in report.differences]
    assert bool(RESULT_DIFFERENCES & set(keys)) == (not agree), (text, keys)
    assert ("tens.diff.reading" in keys) == (not agree and torch_reads_a_tuple(index)), (text, keys)
    warned = [n.params["warning"] for n in report.differences if n.key == "tens.diff.warning"]
    assert warned == list(dict.fromkeys(a.warned)) + list(dict.fromkeys(b.warned)), text
    same_title = report.drawn[0][2].key == "tens.index.result_same"
    assert same_title == (agree and not keys), (text, keys)
    return "agree" if agree else "differ"


# --------------------------------------------------------------------------------------
# NumPy: TestMultiIndexingAutomated.test_multidim, on its array of shape (3, 1, 5, 6).

SKIP = "skip"
COMPLEX = [  # _create_complex_indices, less the boolean, empty, too-deep and float arrays
    SKIP,
    Ellipsis,
    0,
    slice(-5, 5, 2),
    slice(1, 1, 100),
    slice(4, -1, -2),
    slice(None, None, -3),
    [0, 1, -2],
    [[2], [0], [1]],
    [[0, -1], [0, 1]],
    [2, -1],
]
SIMPLE = [Ellipsis, None, -1, [1], SKIP]  # less np.array([True])
FILL = [slice(None), 0]


def multidim_indices() -> list[tuple]:
    out = []
    for simple_pos in (0, 2, 3):
        tocheck = [FILL, COMPLEX, FILL, FILL]
        tocheck[simple_pos] = SIMPLE
        out += [tuple(i for i in index if not (isinstance(i, str) and i == SKIP)) for index in product(*tocheck)]
    return [*out, (0, 0, 0, 0), (0, 0, 0, 0, 0), (0, 0, [1], 0, 0)]


def test_numpy_multidim_automated_cases():
    verdicts = [check((3, 1, 5, 6), index) for index in multidim_indices()]
    # the mix the upstream test exercises: agreements, differences (negative steps, integers
    # beside lists across a slice) and refusals by both
    assert {"agree", "differ", "both fail"} <= set(verdicts)


def test_numpy_1d_complex_indices_one_at_a_time():
    """test_1d: each complex index alone (not in a tuple), on arange(10) cut to 8."""
    for item in COMPLEX[1:]:
        check((8,), Bare(item))


# --------------------------------------------------------------------------------------
# NumPy: the single cases of TestIndexing and its neighbours.

NUMPY_CASES = [
    ((3,), Bare(None)),  # test_none_index
    ((3,), ()),  # test_empty_tuple_index
    ((3,), Bare([])),  # test_empty_fancy_index
    ((3, 3), Bare(Ellipsis)),  # test_ellipsis_index
    ((3, 3), (0, Ellipsis)),
    ((3, 3), (Ellipsis, 0)),
    ((3, 3), (0, Ellipsis, 1)),
    ((3, 3), Bare(0)),  # test_single_int_index
    ((3, 3), Bare(-1)),
    ((5, 5), Bare([0, 1])),  # test_nontuple_ndindex
    ((5, 5), ([0, 1], [0, 1])),
    ((5, 5), ([0, 1], [0, 1, 2])),  # test_broaderrors_indexing
    ((5, 5), ([[0], [1], [2]], [0, 1, 2])),  # test_index_is_larger
    ((5,), ([1, 2, 3],)),  # test_prepend_not_one: s_[[1, 2, 3],]
    ((5,), ([[1], [2]],)),  # s_[[[1], [2]],]
    ((5, 1), (slice(None), [0])),  # test_simple_broadcasting_errors
    ((5, 1), ([0], slice(None))),
    ((3, 4, 5, 6), (Ellipsis, [1, 2], slice(None))),  # test_broadcast_error_reports_correct_shape, 5-d cut
    ((3, 4, 5, 6), ([0, 1], Ellipsis, 0)),
    ((3, 4, 5, 6), (Ellipsis, [1, 2], [1, 2])),
    ((8,), (Ellipsis, Ellipsis)),  # TestMultipleEllipsisError
    ((1, 1, 1), Bare([0, 0])),  # TestFloatNonIntegerArgument.test_valid_indexing
    ((1, 1, 1), (slice(None), [0, 0])),
    ((1, 1, 1), (slice(None), 0, slice(None))),
    ((1, 1, 1), (slice(None), slice(None), slice(None))),
    *[((1, 1, 1), Bare(s)) for s in (slice(None), slice(0, None), slice(None, 2), slice(0, 2), slice(None, None, 2))],
    *[((1, 1, 1), Bare(s)) for s in (slice(1, None, 2), slice(None, 2, 2), slice(1, 2, 2))],
    ((5,), Bare(slice(None, 3))),  # TestSubclasses.test_basic
    ((5,), Bare([0, 1, 2])),
    ((5,), Bare(Cmp(">", 0))),
    ((4,), Bare(Cmp(">", -1))),  # test_boolean_assignment_value_mismatch's mask
    ((5, 5), ([0, 1, 2, 3, 4], slice(None))),  # test_nonbaseclass_values
    ((5, 5), (slice(None), [0, 1, 2, 3, 4])),
    ((3, 4, 2), Bare([0, 1])),  # test_uncontiguous_subspace_assignment
]


@pytest.mark.parametrize("case", range(len(NUMPY_CASES)))
def test_numpy_single_cases(case):
    check(*NUMPY_CASES[case])


# --------------------------------------------------------------------------------------
# PyTorch: TestIndexing.test_index, test_advancedindex and the shape tests.

TORCH_CASES = [
    *[((3, 3, 3), i) for i in (Bare(0), Bare(1), Bare(2), (0, 1), Bare(slice(0, 2)), (2, 2, 2), Bare(slice(None)))],
    *[((3, 3, 3), i) for i in ((Ellipsis, 2), (0, Ellipsis, 2), (0, 2, Ellipsis), (Ellipsis, 2, 2, 2))],
    *[((3, 3, 3), i) for i in ((2, Ellipsis, 2, 2), (2, 2, Ellipsis, 2), (2, 2, 2, Ellipsis), Bare(Ellipsis))],
    ((5, 5, 5), Bare([2, 4])),
    *[((5, 5, 5), i) for i in ((2, None), (2, None, None), (slice(2, 4), None))],
    *[((5, 5, 5), i) for i in ((None, 2, None, None), (None, slice(2, 5), None, None))],
    *[((5, 5, 5), i) for i in (Bare(slice(0)), (slice(0), 2), (2, slice(0)), (2, slice(1, 1), 2))],
    *[((8, 8, 8), Bare(slice(*s))) for s in ((1, 5, 2), (1, 6, 2), (1, 9, 4), (1, 9, 0), (1, 9, -1))],  # (10, 10, 10) cut
    *[((8, 8, 8), i) for i in ((slice(2, 4), slice(1, 5, 2)), (3, slice(1, 6, 2)), (None, 2, slice(1, 9, 4)))],
    ((8, 8, 8), (slice(None), 2, slice(1, 6, 2))),
    *[((5, 5, 5), i) for i in ((1, 1, 1, 1), (1, 1, 1, slice(1, 1)), (3, 3, 3, 3, 3, 3, 3, 3))],
    # test_advancedindex, consec((10,)) cut to 8: x[[0]], x[ri([0]),], ...
    *[((8,), i) for i in (Bare([0]), ([0],), ([3],), Bare([2, 3, 4]), ([2, 3, 4],), ([0, 2, 4],))],
    *[((8,), i) for i in (Bare(8), Bare(-9), Bare([8]), Bare([-9]))],  # out of range
    # consec((3, 2))
    *[((3, 2), i) for i in (([0, 1, 2], [0]), ([0, 1, 2], [1]), ([0], [0]), ([2], [1]), ([0, 0], [0, 1]))],
    *[((3, 2), i) for i in (([0, 1, 1, 0, 2], [1]), ([0, 0, 1, 1], [0, 1, 0, 0]), ([[0, 0], [1, 2]], [0]))],
    *[((3, 2), i) for i in (([[0, 0], [1, 2]], [1, 0]), ([[0, 0], [1, 2]], [[0, 1], [1, 0]]), ([0, 2],))],
    *[((3, 2), i) for i in (([1], Ellipsis), (Ellipsis, [1]), ([1], [0, 2], [3]))],
    # reference of shape (4, 5)
    *[((4, 5), i) for i in ((slice(None), [1, 3]), ([0, 2], slice(None)), (slice(None), [[0, 1], [2, 3]]))],
    *[((4, 5), i) for i in (([-1], [0]), ([0, 2], [-1]), (slice(None), [-1]), (slice(None), [0, 1, 1, 2, 2]))],
    # test_single_int, test_multiple_int, test_none on (5, 7, 3)
    *[((5, 7, 3), i) for i in (Bare(4), (4, slice(None), 1), Bare(None), (slice(None), None))],
    *[((5, 7, 3), i) for i in ((slice(None), None, None), (Ellipsis, None))],
    # test_step on arange(10) cut to 8
    *[((8,), Bare(slice(*s))) for s in ((None, None, 1), (None, None, 2), (None, None, 3), (None, None, 11), (1, 6, 2))],
    ((1,), Bare(Cmp("==", 0))),  # test_byte_mask: v[v == 0]
    ((3, 3), Bare([0, 2])),  # test_advancedindex_big, small
]

S = slice(None)
E = Ellipsis
INDICES_4_8_5 = [  # test_advancedindex, reference of shape (4, 8, 5); tuples written as lists
    (S, S, [0, 3, 4]),
    (S, [2, 4, 5, 7], S),
    ([2, 3], S, S),
    (S, [0, 2, 3], [1, 3, 4]),
    (S, [0], [1, 2, 4]),
    (S, [0, 1, 3], [4]),
    (S, [[0, 1], [1, 0]], [[2, 3]]),
    (S, [[0, 1], [2, 3]], [[0]]),
    (S, [[5, 6]], [[0, 3], [4, 4]]),
    ([0, 2, 3], [1, 3, 4], S),
    ([0], [1, 2, 4], S),
    ([0, 1, 3], [4], S),
    ([[0, 1], [1, 0]], [[2, 1], [3, 5]], S),
    ([[0, 1], [1, 0]], [[2, 3]], S),
    ([[0, 1], [2, 3]], [[0]], S),
    ([[2, 1]], [[0, 3], [4, 4]], S),
    ([[2]], [[0, 3], [4, 1]], S),
    ([0, 2, 3], S, [1, 3, 4]),
    ([0, 2],),
    ([0, 2], S),
    ([0, 2], E),
    ([0, 2], S, E),
    ([0, 2], E, S),
    ([0, 2], [1, 3]),
    ([0, 2], [1, 3], E),
    (E, [1, 3], [2, 3]),
    (E, [2, 3, 4]),
    (E, S, [2, 3, 4]),
    (S, E, [2, 3, 4]),
    (E, S, S, [0, 3, 4]),
    (S, E, S, [0, 3, 4]),
    (S, S, E, [0, 3, 4]),
    (S, S, [0, 3, 4], E),
    (E, [[0, 1], [1, 0]], [[2, 1], [3, 5]], S),
    ([[0, 1], [1, 0]], [[2, 1], [3, 5]], E, S),
    ([[0, 1], [1, 0]], [[2, 1], [3, 5]], S, E),
]
INDICES_3_9_8_6 = [  # the same test, reference of shape (3, 9, 8, 6) cut to (3, 8, 8, 6)
    (S, S, S, [0, 3, 4]),
    (S, S, [2, 4, 5, 7], S),
    (S, [2, 3], S, S),
    ([1, 2], S, S, S),
    (S, S, [0, 2, 3], [1, 3, 4]),
    (S, S, [0], [1, 2, 4]),
    (S, S, [0, 1, 3], [4]),
    (S, S, [[0, 1], [1, 0]], [[2, 3]]),
    (S, S, [[0, 1], [2, 3]], [[0]]),
    (S, S, [[5, 6]], [[0, 3], [4, 4]]),
    (S, [0, 2, 3], [1, 3, 4], S),
    (S, [0], [1, 2, 4], S),
    (S, [0, 1, 3], [4], S),
    (S, [[0, 1], [3, 4]], [[2, 3], [0, 1]], S),
    (S, [[0, 1], [3, 4]], [[2, 3]], S),
    (S, [[0, 1], [3, 2]], [[0]], S),
    (S, [[2, 1]], [[0, 3], [6, 4]], S),
    (S, [[2]], [[0, 3], [4, 2]], S),
    ([0, 1, 2], [1, 3, 4], S, S),
    ([0], [1, 2, 4], S, S),
    ([0, 1, 2], [4], S, S),
    ([[0, 1], [0, 2]], [[2, 4], [1, 5]], S, S),
    ([[0, 1], [1, 2]], [[2, 0]], S, S),
    ([[2, 2]], [[0, 3], [4, 5]], S, S),
    ([[2]], [[0, 3], [4, 5]], S, S),
    (S, [3, 4, 6], [0, 2, 3], [1, 3, 4]),
    (S, [2, 3, 4], [1, 3, 4], [4]),
    (S, [0, 1, 3], [4], [1, 3, 4]),
    (S, [6], [0, 2, 3], [1, 3, 4]),
    (S, [2, 3, 5], [3], [4]),
    (S, [0], [4], [1, 3, 4]),
    (S, [6], [0, 2, 3], [1]),
    (S, [[0, 3], [3, 6]], [[0, 1], [1, 3]], [[5, 3], [1, 2]]),
    ([2, 2, 1], [0, 2, 3], [1, 3, 4], S),
    ([2, 0, 1], [1, 2, 3], [4], S),
    ([0, 1, 2], [4], [1, 3, 4], S),
    ([0], [0, 2, 3], [1, 3, 4], S),
    ([0, 2, 1], [3], [4], S),
    ([0], [4], [1, 3, 4], S),
    ([1], [0, 2, 3], [1], S),
    ([[1, 2], [1, 2]], [[0, 1], [2, 3]], [[2, 3], [3, 5]], S),
    (E, [0, 3, 4]),
    (E, S, [0, 3, 4]),
    (E, S, S, [0, 3, 4]),
    (S, E, [0, 3, 4]),
    (S, S, E, [0, 3, 4]),
    (S, [0, 2, 3], [1, 3, 4]),
    (S, [0, 2, 3], [1, 3, 4], E),
    (E, [0, 2, 3], [1, 3, 4], S),
    ([0], [1, 2, 4]),
    ([0], [1, 2, 4], S),
    ([0], [1, 2, 4], E),
    ([0], [1, 2, 4], E, S),
    ([1],),
    ([0, 2, 1], [3], [4]),
    ([0, 2, 1], [3], [4], S),
    ([0, 2, 1], [3], [4], E),
    (E, [0, 2, 1], [3], [4]),
    (S, S, [[0, 1], [1, 0]], [[2, 3], [3, 0]]),
    (S, S, [[2]], [[0, 3], [4, 4]]),
]


@pytest.mark.parametrize("case", range(len(TORCH_CASES)))
def test_torch_single_cases(case):
    check(*TORCH_CASES[case])


def test_torch_advanced_index_lists():
    verdicts = [check((4, 8, 5), index) for index in INDICES_4_8_5]
    verdicts += [check((3, 8, 8, 6), index) for index in INDICES_3_9_8_6]
    assert set(verdicts) == {"agree"}  # upstream checks each of these against NumPy (assert_get_eq)


# --------------------------------------------------------------------------------------
# A list of lists with no comma at the top level (the case) and its neighbours.

NESTED = [
    ((3, 2, 4), Bare([[0], [1]])),  # the issue: PyTorch (1, 4), NumPy (2, 1, 2, 4)
    ((3, 2, 4), ([[0], [1]],)),  # with the comma both read one array
    ((3, 2, 4), ([0], [1])),  # the tuple PyTorch reads
    ((3, 2, 4), Bare([[0, 1]])),
    ((3, 2, 4), Bare([[0, 1], [1, 0]])),
    ((3, 2, 4), Bare([[[0]]])),
    ((3, 2, 4), Bare([0, [1]])),  # ragged: NumPy refuses, PyTorch reads (0, [1])
    ((3, 2, 4), Bare([[0], [5]])),  # both refuse, each in its own reading
    ((5,), Bare([[1], [2]])),  # one dimension: PyTorch's tuple has too many indices
    ((4, 5), Bare([[0, 2], [1, 3]])),
]


@pytest.mark.parametrize("case", range(len(NESTED)))
def test_bare_nested_lists(case):
    check(*NESTED[case])
