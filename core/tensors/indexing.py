"""Indexing X in NumPy and in PyTorch: what each returned, from which elements, view or copy.

The trick: index a tensor of *positions* ``P = arange(n).reshape(shape)`` the same way as the
values; the result then says, for every output element, which element of ``X`` it came from.
Values are finite by construction and the number in a mask must be finite, so no inf or NaN can
reach a comparison.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from core.errors import LabError
from core.tensors.calls import Note, attempt, attempt_recorded
from core.tensors.code import index_code
from core.tensors.index_parser import ParsedIndex, parse_index
from core.tensors.presets import LIBRARY_NAMES
from core.tensors.shapes import Shape, format_shape, parse_shape


@dataclass(frozen=True)
class Outcome:
    """What one library returned for an index, or its error.

    ``values``: the result as a NumPy array (a NumPy scalar becomes a 0-d array);
    ``positions``: for every result element, its flat index in X;
    ``is_view``: whether the result shares X's memory (basic indexing) or is a copy; None
    when the result has no element (nothing to share, nothing copied);
    ``warnings``: the warnings the library gave for the call, in its own words.
    """

    library: str
    values: np.ndarray | None = None
    positions: np.ndarray | None = None
    is_view: bool | None = None
    scalar: bool = False
    error: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def shape(self) -> Shape | None:
        return None if self.values is None else tuple(self.values.shape)


# the differences that make the page draw PyTorch's result beside NumPy's
DRAWN_TWICE = frozenset({"tens.diff.shape", "tens.diff.positions", "tens.diff.reading_shape"})


@dataclass(frozen=True)
class IndexReport:
    """X, the parsed index, both libraries' outcomes and how they differ."""

    index: ParsedIndex
    x: np.ndarray
    numpy: Outcome
    torch: Outcome
    differences: tuple[Note, ...]

    def code(self, library: str) -> str:
        """The line each library runs: ``X[...]`` on the array, ``T[...]`` on the tensor."""
        return index_code(self.index.text, library)

    @property
    def main(self) -> Outcome:
        """The outcome the page draws: NumPy's, or PyTorch's when only PyTorch succeeded."""
        return self.numpy if self.numpy.ok else self.torch

    @property
    def counts(self) -> np.ndarray:
        """How many times each element of X was picked (shape of X)."""
        flat = np.bincount(self.main.positions.ravel(), minlength=self.x.size)
        return flat.reshape(self.x.shape)

    @property
    def drawn(self) -> list[tuple[Outcome, str, Note]]:
        """(outcome, chart key, title) of each result to draw: the main one and, when PyTorch's
        differs in shape or order, PyTorch's too."""
        same = self.numpy.ok and self.torch.ok and not self.differences
        key = "tens.index.result_same" if same else f"tens.index.result_{self.main.library}"
        drawn = [(self.main, "tens_fig_result", Note(key, _title(self.index, self.main)))]
        if self.numpy.ok and self.torch.ok and {n.key for n in self.differences} & DRAWN_TWICE:
            drawn.append((self.torch, "tens_fig_result_torch", Note("tens.index.result_torch", _title(self.index, self.torch))))
        return drawn


def _title(index: ParsedIndex, out: Outcome) -> dict[str, str]:
    return {"index": index.text, "shape": format_shape(out.shape)}


def index_tensor(x: np.ndarray, text: str) -> IndexReport:
    """``X[text]`` in NumPy and in PyTorch, with the positions each picked.

    Each library gets the index exactly as typed: a tuple only where the text has a comma at
    the top level (``X[[[0], [1]]]`` passes one list, which the libraries read differently),
    and the warnings each gives are kept. ``positions`` come from indexing
    ``arange(X.size).reshape(X.shape)`` with the same index (masks are computed from X's
    values, then applied to the positions). When only one library fails, its error is part
    of the report and a difference is flagged; when both fail, a ``LabError`` carries both
    messages (and the first warning, when there was one).
    """
    x = np.asarray(x, dtype=np.float64)
    parse_shape(tuple(int(d) for d in x.shape))
    index = parse_index(text)
    np_out = _numpy_outcome(x, index.materialise)
    torch_out = _torch_outcome(x, index.materialise)
    if not np_out.ok and not torch_out.ok:
        both = {"index": index.text, "numpy": np_out.error, "torch": torch_out.error}
        said = [(LIBRARY_NAMES[o.library], w) for o in (torch_out, np_out) for w in o.warnings]
        if said:  # the first warning: PyTorch's when it gave one (its reading of a bare list)
            raise LabError("tens.err.index_both_warned", **both, library=said[0][0], warning=said[0][1])
        raise LabError("tens.err.index_both", **both)
    return IndexReport(index, x, np_out, torch_out, _index_differences(x, index, np_out, torch_out))


def _numpy_is_view(result: Any, x: np.ndarray) -> bool | None:
    """Whether ``result`` shares memory with ``x`` (None when it has no element to share).

    ``np.shares_memory`` looks at the memory itself, so a view of a view counts, whatever
    ``.base`` points to (NumPy sets it to the array that owns the memory, not to the parent).
    A NumPy scalar is a copy.
    """
    if not isinstance(result, np.ndarray):
        return False
    return None if result.size == 0 else bool(np.shares_memory(result, x))


def _torch_is_view(result: torch.Tensor, t: torch.Tensor) -> bool | None:
    """Whether ``result`` shares memory with ``t`` (None when it has no element to share):
    the same storage, and elements of it that overlap, found as NumPy finds them."""
    if result.numel() == 0:
        return None
    if result.untyped_storage().data_ptr() != t.untyped_storage().data_ptr():
        return False
    return bool(np.shares_memory(result.numpy(), t.numpy()))


Materialise = Callable[[Any], Any]


def _numpy_outcome(x: np.ndarray, make: Materialise) -> Outcome:
    positions = np.arange(x.size).reshape(x.shape)
    result, error, said = attempt_recorded(lambda: x[make(x)])
    if error is not None:
        return Outcome("numpy", error=error, warnings=said)
    where, error = attempt(lambda: positions[make(x)])
    if error is not None:  # cannot happen for the same index and shape; reported anyway
        return Outcome("numpy", error=error, warnings=said)
    return Outcome(
        "numpy",
        values=np.array(result, dtype=np.float64),
        positions=np.array(where, dtype=np.int64),
        is_view=_numpy_is_view(result, x),
        scalar=not isinstance(result, np.ndarray),
        warnings=said,
    )


def _torch_outcome(x: np.ndarray, make: Materialise) -> Outcome:
    t = torch.tensor(x)
    positions = torch.arange(x.size).reshape(x.shape)
    result, error, said = attempt_recorded(lambda: t[make(t)])
    if error is not None:
        return Outcome("torch", error=error, warnings=said)
    where, error = attempt(lambda: positions[make(t)])
    if error is not None:
        return Outcome("torch", error=error, warnings=said)
    return Outcome(
        "torch",
        values=result.numpy().copy(),
        positions=where.numpy().astype(np.int64),
        is_view=_torch_is_view(result, t),
        warnings=said,
    )


def _same(a: Outcome, b: Outcome) -> bool:
    """The same refusal, or the same elements in the same shape and order."""
    if not (a.ok and b.ok):
        return a.error == b.error
    return a.shape == b.shape and np.array_equal(a.positions, b.positions)


def _reads_as_tuple(x: np.ndarray, index: ParsedIndex, out: Outcome) -> bool:
    """Whether the library read a bare list ``X[[a, b]]`` as the tuple ``X[a, b]``: its outcome
    is the one it gives for that tuple, written out."""
    spread = index.bare_list
    if spread is None:
        return False
    outcome = _numpy_outcome if out.library == "numpy" else _torch_outcome
    return _same(out, outcome(x, lambda _: tuple(spread)))


def _tuple_text(items: list[Any]) -> str:
    """``X[[0], [1]]``: a bare list's entries written as the tuple PyTorch reads."""
    body = ", ".join(repr(item) for item in items)
    return f"X[{body}{',' if len(items) == 1 else ''}]"


def _index_differences(x: np.ndarray, index: ParsedIndex, a: Outcome, b: Outcome) -> tuple[Note, ...]:
    """How NumPy's outcome ``a`` and PyTorch's ``b`` differ, each way with its reason; then
    the warnings each library gave, in its own words."""
    said = tuple(
        Note("tens.diff.warning", {"library": LIBRARY_NAMES[o.library], "warning": w}) for o in (a, b) for w in o.warnings
    )
    reading = not _same(a, b) and _reads_as_tuple(x, index, b) and not _reads_as_tuple(x, index, a)
    notes = []
    if a.ok != b.ok:
        ok, bad = (a, b) if a.ok else (b, a)
        params = {"ok": LIBRARY_NAMES[ok.library], "bad": LIBRARY_NAMES[bad.library], "shape": format_shape(ok.shape)}
        notes.append(Note("tens.diff.one_fails", {**params, "error": bad.error}))
    elif reading:
        notes.append(Note("tens.diff.reading_shape", {"numpy": format_shape(a.shape), "torch": format_shape(b.shape)}))
    elif a.shape != b.shape:
        notes.append(Note("tens.diff.shape", {"numpy": format_shape(a.shape), "torch": format_shape(b.shape)}))
    elif not np.array_equal(a.positions, b.positions):
        notes.append(Note("tens.diff.positions", {}))
    if reading:
        typed = {"index": index.text, "with_comma": index.text[:-1] + ",]"}
        notes.append(Note("tens.diff.reading", {**typed, "as_tuple": _tuple_text(index.bare_list)}))
    if not (a.ok and b.ok):
        return (*notes, *said)
    if a.scalar and b.values is not None and b.values.ndim == 0:
        notes.append(Note("tens.diff.scalar", {}))
    elif None not in (a.is_view, b.is_view) and a.is_view != b.is_view:
        notes.append(Note("tens.diff.view", {}) if a.is_view else Note("tens.diff.copy", {}))
    return (*notes, *said)
