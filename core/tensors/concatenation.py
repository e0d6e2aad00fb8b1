"""``torch.cat`` and ``torch.stack`` of two tensors A and B, checked against NumPy.

A holds the labels ``0 .. na-1`` and B ``na .. na+nb-1``, so every element of the result says
which tensor, and which element of it, it came from.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from core.checks import check_int
from core.errors import LabError
from core.tensors.calls import Note, Verdict, attempt
from core.tensors.code import concat_call
from core.tensors.presets import CONCAT_OPS
from core.tensors.shapes import Shape, format_shape, parse_shape

MAX_CONCAT_DIM = 5


@dataclass(frozen=True)
class ConcatReport(Verdict):
    """A and B joined along ``dim``: the result shape and, per result element, where it
    came from (``source`` 0 for A, 1 for B; ``element`` its flat index there).
    ``error_note``/``error``: set when both libraries refused."""

    op: str
    dim: int
    a: Shape
    b: Shape
    code: str
    result: Shape | None
    source: np.ndarray | None
    element: np.ndarray | None
    error_note: Note | None
    differences: tuple[Note, ...]

    @property
    def result_note(self) -> Note | None:
        """``torch.cat([A, B], dim=0) with A (2, 3) and B (1, 3): shape (3, 3)``, when it worked."""
        return self._result("tens.cat.result", code=self.code)

    @property
    def hint(self) -> Note | None:
        """What to try after a refused ``stack`` of two different shapes: ``cat``."""
        refused_stack = self.error_note is not None and self.op == "stack" and self.a != self.b
        return Note("tens.cat.stack_hint") if refused_stack else None

    @property
    def parts(self) -> list[tuple[str, str, np.ndarray, np.ndarray]]:
        """(name, title, source, element) of A, of B and, when it worked, of the result ``Y``:
        the three grids the page draws."""
        na, nb = math.prod(self.a), math.prod(self.b)
        parts = [
            ("A", f"A {format_shape(self.a)}", np.zeros(self.a, dtype=int), np.arange(na).reshape(self.a)),
            ("B", f"B {format_shape(self.b)}", np.ones(self.b, dtype=int), np.arange(nb).reshape(self.b)),
        ]
        if self.result is not None:
            parts.append(("Y", f"torch.{self.op} {format_shape(self.result)}", self.source, self.element))
        return parts


def concat_report(a: str | Shape, b: str | Shape, dim: int, op: str = "cat") -> ConcatReport:
    """``torch.cat([A, B], dim)`` or ``torch.stack([A, B], dim)``, checked against NumPy.

    ``cat`` needs equal sizes in every dimension but ``dim``; ``stack`` needs equal shapes
    and inserts a new dimension at ``dim`` (so ``dim`` may be ``ndim``). A mismatch is a
    result: ``error`` is a ``LabError`` with both libraries' messages.
    """
    a, b = parse_shape(a), parse_shape(b)
    if op not in CONCAT_OPS:
        raise LabError("tens.err.concat_op", op=str(op), allowed=", ".join(CONCAT_OPS))
    dim = check_int(dim, -MAX_CONCAT_DIM, MAX_CONCAT_DIM, name="dim")
    na = math.prod(a)
    # labels: A holds 0..na-1, B holds na..na+nb-1, so a result element says where it came from
    a_np = np.arange(na, dtype=np.int64).reshape(a)
    b_np = np.arange(na, na + math.prod(b), dtype=np.int64).reshape(b)
    np_fn, torch_fn = (np.concatenate, torch.cat) if op == "cat" else (np.stack, torch.stack)
    np_result, np_error = attempt(lambda: np_fn([a_np, b_np], axis=dim))
    torch_result, torch_error = attempt(lambda: torch_fn([torch.tensor(a_np), torch.tensor(b_np)], dim=dim))
    if torch_result is not None:
        torch_result = torch_result.numpy()
    differences: list[Note] = []
    np_text = np_error or format_shape(np_result.shape)
    torch_text = torch_error or format_shape(torch_result.shape)
    if (np_error is None) != (torch_error is None) or (np_error is None and not np.array_equal(np_result, torch_result)):
        differences.append(Note("tens.diff.concat", {"numpy": np_text, "torch": torch_text}))
    code = concat_call(op, dim)
    labels = torch_result if torch_result is not None else np_result
    if labels is None:
        shapes = {"a": format_shape(a), "b": format_shape(b)}
        error = Note("tens.err.concat", {"op": op, "dim": dim, **shapes, "numpy": np_error, "torch": torch_error})
        return ConcatReport(op, dim, a, b, code, None, None, None, error, tuple(differences))
    source = (labels >= na).astype(np.int64)
    element = np.where(source == 0, labels, labels - na)
    return ConcatReport(op, dim, a, b, code, tuple(labels.shape), source, element, None, tuple(differences))
