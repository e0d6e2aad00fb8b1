"""Memory layout: reshape, view, ravel and flatten of X (or of its transpose) in both libraries.

Each method runs on a tensor of positions (``arange``), so every result element says where in X's
memory it lives; strides and contiguity come from the libraries themselves.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from core.tensors.calls import attempt
from core.tensors.code import reshape_code
from core.tensors.presets import RESHAPE_METHODS
from core.tensors.shapes import Shape, parse_shape, parse_target_shape

READING_ORDER_SHOWN = 12  # positions the page writes out before "…"


@dataclass(frozen=True)
class Layout:
    """Shape, strides and contiguity of one array or tensor.

    NumPy counts strides in bytes, PyTorch in elements; both are kept as each library
    reports them (float64: 8 bytes per element).
    """

    shape: Shape
    strides: Shape
    contiguous: bool


@dataclass(frozen=True)
class MethodOutcome:
    """One method (reshape, view, ravel, flatten) in one library."""

    method: str
    library: str
    code: str
    layout: Layout | None = None
    positions: np.ndarray | None = None
    shares_memory: bool | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ReshapeReport:
    """The source (X or its transpose), the target and every method's outcome.

    ``source_positions[i...]`` is the memory offset (flat index in X) of the element the
    source shows at ``i...``; ``reading_order`` is that sequence read row by row, which
    is ``0, 1, 2, ...`` exactly when the source is contiguous.
    """

    source_code: str
    target: Shape
    numpy_source: Layout
    torch_source: Layout
    source_positions: np.ndarray
    outcomes: tuple[MethodOutcome, ...]

    @property
    def reading_order(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.source_positions.ravel())

    @property
    def reading_order_text(self) -> str:
        """``0, 4, 8, 1, …``: the first positions of the reading order, for a sentence."""
        order = self.reading_order
        shown = ", ".join(str(p) for p in order[:READING_ORDER_SHOWN])
        return shown + (", …" if len(order) > READING_ORDER_SHOWN else "")

    def outcome(self, method: str, library: str) -> MethodOutcome:
        return next(o for o in self.outcomes if o.method == method and o.library == library)

    def shown(self, method: str) -> MethodOutcome | None:
        """The PyTorch result to draw for ``method``: its own, or when ``view`` fails, what
        ``reshape`` (which copies then) gives; None when there is nothing to draw."""
        chosen, fallback = self.outcome(method, "torch"), self.outcome("reshape", "torch")
        if chosen.ok:
            return chosen
        return fallback if method == "view" and fallback.ok else None


def _np_layout(a: np.ndarray) -> Layout:
    return Layout(tuple(a.shape), tuple(a.strides), bool(a.flags["C_CONTIGUOUS"]))


def _torch_layout(t: torch.Tensor) -> Layout:
    return Layout(tuple(t.shape), tuple(t.stride()), bool(t.is_contiguous()))


def _same_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def _calls(src_np: np.ndarray, src_t: torch.Tensor, target: Shape) -> dict[tuple[str, str], Callable[[], Any]]:
    """Every (method, library) call, as ``reshape_code`` writes it."""
    return {
        ("reshape", "numpy"): lambda: np.reshape(src_np, target),
        ("view", "numpy"): lambda: np.reshape(src_np, target, copy=False),
        ("ravel", "numpy"): lambda: np.ravel(src_np),
        ("flatten", "numpy"): lambda: src_np.flatten(),
        ("reshape", "torch"): lambda: src_t.reshape(target),
        ("view", "torch"): lambda: src_t.view(target),
        ("ravel", "torch"): lambda: src_t.ravel(),
        ("flatten", "torch"): lambda: src_t.flatten(),
    }


def reshape_report(shape: Shape, target: str | Shape, transpose: bool = False) -> ReshapeReport:
    """Every flattening/reshaping method on X (or on ``X.mT``, the last two dims swapped).

    NumPy's counterpart of ``view`` is ``np.reshape(a, shape, copy=False)``, which refuses
    to copy; ``ravel`` copies only when it must, ``flatten`` always copies in NumPy, while
    ``torch.flatten`` returns a view when it can. A failed method carries the library's
    message; the report never raises for a size mismatch (that is a result to show).
    """
    shape = parse_shape(shape)
    target = parse_target_shape(target)
    base_np = np.arange(math.prod(shape), dtype=np.int64).reshape(shape).copy()
    base_t = torch.tensor(base_np)
    swap = transpose and len(shape) >= 2
    src_np = np.swapaxes(base_np, -1, -2) if swap else base_np
    src_t = base_t.mT if swap else base_t
    source_code = "X.mT" if swap else "X"
    calls = _calls(src_np, src_t, target)
    outcomes = []
    for method in RESHAPE_METHODS:
        for library in ("numpy", "torch"):
            code = reshape_code(method, library, source_code, target)
            result, error = attempt(calls[method, library])
            if error is not None:
                outcomes.append(MethodOutcome(method, library, code, error=error))
            elif library == "numpy":
                shares = bool(np.shares_memory(result, base_np))
                outcomes.append(MethodOutcome(method, library, code, _np_layout(result), result.copy(), shares))
            else:
                shares = _same_storage(result, base_t)
                outcomes.append(MethodOutcome(method, library, code, _torch_layout(result), result.numpy().copy(), shares))
    return ReshapeReport(
        source_code=source_code,
        target=target,
        numpy_source=_np_layout(src_np),
        torch_source=_torch_layout(src_t),
        source_positions=np.ascontiguousarray(src_np),
        outcomes=tuple(outcomes),
    )
