"""Broadcasting two shapes: the rule, column by column, and both libraries' own answers.

No data is made: only shapes are compared, so the shapes may be large (up to 10000 per dimension).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.tensors.calls import Note, Verdict, attempt
from core.tensors.shapes import Shape, format_shape, parse_broadcast_shape

KEPT, STRETCHED, ADDED, CONFLICT = "kept", "stretched", "added", "conflict"


@dataclass(frozen=True)
class BroadcastColumn:
    """One dimension, aligned from the right: sizes (None = absent) and what happened."""

    a: int | None
    b: int | None
    result: int | None
    a_status: str
    b_status: str


@dataclass(frozen=True)
class BroadcastReport(Verdict):
    """Two shapes aligned from the right, the result shape or both libraries' errors.

    ``error_note`` is set when the shapes are incompatible; ``error`` gives it as a ``LabError``.
    """

    a: Shape
    b: Shape
    columns: tuple[BroadcastColumn, ...]
    result: Shape | None
    error_note: Note | None
    differences: tuple[Note, ...]

    @property
    def result_note(self) -> Note | None:
        """``A (4, 1) + B (1, 3) has shape (4, 3)``, when the shapes broadcast."""
        return self._result("tens.bc.result")


def broadcast_rule(a: Shape, b: Shape) -> tuple[tuple[BroadcastColumn, ...], Shape | None]:
    """The rule itself, one column per dimension, aligned from the right.

    A missing dimension counts as 1. Sizes ``p`` and ``q`` are compatible when equal or
    when one of them is 1; the result takes the other (so ``1`` with ``0`` gives ``0``).
    """
    ndim = max(len(a), len(b))
    columns, result, ok = [], [], True
    for k in range(ndim):
        da = a[k - ndim + len(a)] if k >= ndim - len(a) else None
        db = b[k - ndim + len(b)] if k >= ndim - len(b) else None
        pa, pb = 1 if da is None else da, 1 if db is None else db
        if pa == pb or pa == 1 or pb == 1:
            size = pb if pa == 1 else pa
            status_a = ADDED if da is None else (STRETCHED if pa != size else KEPT)
            status_b = ADDED if db is None else (STRETCHED if pb != size else KEPT)
            columns.append(BroadcastColumn(da, db, size, status_a, status_b))
            result.append(size)
        else:
            ok = False
            columns.append(BroadcastColumn(da, db, None, CONFLICT, CONFLICT))
    return tuple(columns), (tuple(result) if ok else None)


def broadcast_report(a: str | Shape, b: str | Shape) -> BroadcastReport:
    """``np.broadcast_shapes(a, b)`` and ``torch.broadcast_shapes(a, b)``, explained.

    The columns come from :func:`broadcast_rule`; the result shape and the errors come
    from the libraries themselves. Incompatible shapes are a result, not an exception:
    ``error`` is a ``LabError`` carrying both messages, for the page to show.
    """
    a, b = parse_broadcast_shape(a), parse_broadcast_shape(b)
    columns, _ = broadcast_rule(a, b)
    np_result, np_error = attempt(lambda: np.broadcast_shapes(a, b))
    torch_result, torch_error = attempt(lambda: tuple(torch.broadcast_shapes(a, b)))
    np_text = np_error or format_shape(np_result)
    torch_text = torch_error or format_shape(torch_result)
    differences: list[Note] = []
    if (np_error is None) != (torch_error is None) or (np_error is None and tuple(np_result) != torch_result):
        differences.append(Note("tens.diff.broadcast", {"numpy": np_text, "torch": torch_text}))
    error = None
    if np_error is not None:
        error = Note("tens.err.broadcast", {"a": format_shape(a), "b": format_shape(b), "numpy": np_error, "torch": torch_text})
    result = None if np_error is not None else tuple(int(d) for d in np_result)
    return BroadcastReport(a, b, columns, result, error, tuple(differences))
