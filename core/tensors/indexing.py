"""Indexing X in NumPy and in PyTorch: what each returned, from which elements, view or copy.

The trick: index a tensor of *positions* ``P = arange(n).reshape(shape)`` the same way as the
values; the result then says, for every output element, which element of ``X`` it came from.
Values are finite by construction and the number in a mask must be finite, so no inf or NaN can
reach a comparison.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from core.errors import LabError
from core.tensors.calls import Note, attempt
from core.tensors.code import index_code
from core.tensors.index_parser import ParsedIndex, parse_index
from core.tensors.presets import LIBRARY_NAMES
from core.tensors.shapes import Shape, format_shape, parse_shape


@dataclass(frozen=True)
class Outcome:
    """What one library returned for an index, or its error.

    ``values``: the result as a NumPy array (a NumPy scalar becomes a 0-d array);
    ``positions``: for every result element, its flat index in X;
    ``is_view``: whether the result shares X's memory (basic indexing) or is a copy.
    """

    library: str
    values: np.ndarray | None = None
    positions: np.ndarray | None = None
    is_view: bool | None = None
    scalar: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def shape(self) -> Shape | None:
        return None if self.values is None else tuple(self.values.shape)


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
        if self.numpy.ok and self.torch.ok and {n.key for n in self.differences} & {"tens.diff.shape", "tens.diff.positions"}:
            drawn.append((self.torch, "tens_fig_result_torch", Note("tens.index.result_torch", _title(self.index, self.torch))))
        return drawn


def _title(index: ParsedIndex, out: Outcome) -> dict[str, str]:
    return {"index": index.text, "shape": format_shape(out.shape)}


def index_tensor(x: np.ndarray, text: str) -> IndexReport:
    """``X[text]`` in NumPy and in PyTorch, with the positions each picked.

    ``positions`` come from indexing ``arange(X.size).reshape(X.shape)`` with the same
    index (masks are computed from X's values, then applied to the positions). When
    only one library fails, its error is part of the report and a difference is flagged;
    when both fail, a ``LabError`` carries both messages.
    """
    x = np.asarray(x, dtype=np.float64)
    parse_shape(tuple(int(d) for d in x.shape))
    index = parse_index(text)
    np_out = _numpy_outcome(x, index)
    torch_out = _torch_outcome(x, index)
    if not np_out.ok and not torch_out.ok:
        raise LabError("tens.err.index_both", index=index.text, numpy=np_out.error, torch=torch_out.error)
    return IndexReport(index, x, np_out, torch_out, _index_differences(np_out, torch_out))


def _numpy_is_view(result: Any, base: np.ndarray) -> bool:
    """True when ``result`` is a view of ``base``: its ``.base`` chain reaches it."""
    node = result if isinstance(result, np.ndarray) else None
    while node is not None:
        if node is base:
            return True
        node = node.base if isinstance(node.base, np.ndarray) else None
    return False


def _numpy_outcome(x: np.ndarray, index: ParsedIndex) -> Outcome:
    positions = np.arange(x.size).reshape(x.shape)
    result, error = attempt(lambda: x[index.materialise(x)])
    if error is not None:
        return Outcome("numpy", error=error)
    where, error = attempt(lambda: positions[index.materialise(x)])
    if error is not None:  # cannot happen for the same index and shape; reported anyway
        return Outcome("numpy", error=error)
    return Outcome(
        "numpy",
        values=np.array(result, dtype=np.float64),
        positions=np.array(where, dtype=np.int64),
        is_view=_numpy_is_view(result, x),
        scalar=not isinstance(result, np.ndarray),
    )


def _torch_outcome(x: np.ndarray, index: ParsedIndex) -> Outcome:
    t = torch.tensor(x)
    positions = torch.arange(x.size).reshape(x.shape)
    result, error = attempt(lambda: t[index.materialise(t)])
    if error is not None:
        return Outcome("torch", error=error)
    where, error = attempt(lambda: positions[index.materialise(t)])
    if error is not None:
        return Outcome("torch", error=error)
    shares = result.numel() > 0 and result.untyped_storage().data_ptr() == t.untyped_storage().data_ptr()
    return Outcome(
        "torch",
        values=result.numpy().copy(),
        positions=where.numpy().astype(np.int64),
        is_view=bool(shares or result._base is t),
    )


def _index_differences(a: Outcome, b: Outcome) -> tuple[Note, ...]:
    if a.ok != b.ok:
        ok, bad = (a, b) if a.ok else (b, a)
        params = {"ok": LIBRARY_NAMES[ok.library], "bad": LIBRARY_NAMES[bad.library], "shape": format_shape(ok.shape)}
        return (Note("tens.diff.one_fails", {**params, "error": bad.error}),)
    notes = []
    if a.shape != b.shape:
        notes.append(Note("tens.diff.shape", {"numpy": format_shape(a.shape), "torch": format_shape(b.shape)}))
    elif not np.array_equal(a.positions, b.positions):
        notes.append(Note("tens.diff.positions", {}))
    if a.scalar and b.values is not None and b.values.ndim == 0:
        notes.append(Note("tens.diff.scalar", {}))
    elif a.is_view != b.is_view and a.values is not None and a.values.size > 0:
        notes.append(Note("tens.diff.view", {"numpy": a.is_view, "torch": b.is_view}))
    return tuple(notes)
