"""What the Gradients lab's computations share: argument checks and results readable by key."""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Iterator

import numpy as np
import torch

from core.checks import check_real
from core.errors import LabError

MAX_BOUND = 1e6  # |x|, |y| of a range or a point


class Result:
    """A frozen dataclass whose fields also read as ``result["name"]`` (and ``keys()``, ``in``)."""

    def keys(self) -> list[str]:
        return [f.name for f in dataclasses.fields(self)]

    def __getitem__(self, key: str):
        if key not in self.keys():
            raise KeyError(key)
        return getattr(self, key)

    def __contains__(self, key: object) -> bool:
        return key in self.keys()

    def items(self) -> Iterator[tuple[str, object]]:
        return ((k, getattr(self, k)) for k in self.keys())


def _shown(value: object) -> str:
    return str(value)[:40]


def check_pair(value: object, bound: float, *, name: str, key: str = "err.grad_point") -> tuple[float, float]:
    """Two finite real numbers, each in [-bound, bound], as floats; ``LabError(key)`` otherwise.

    Any sequence of length 2 (tuple, list, 1-D NumPy array or tensor) is accepted; a string is not.
    """
    try:
        items = list(value) if not isinstance(value, (str, bytes)) else None
    except TypeError:
        items = None
    if items is None or len(items) != 2:
        raise LabError(key, name=name, value=_shown(value), low=f"{-bound:g}", high=f"{bound:g}")
    out = []
    for item in items:
        if isinstance(item, np.generic) or (isinstance(item, torch.Tensor) and item.numel() == 1):
            item = item.item()
        ok = isinstance(item, numbers.Real) and not isinstance(item, bool) and math.isfinite(item) and abs(item) <= bound
        if not ok:
            raise LabError(key, name=name, value=_shown(value), low=f"{-bound:g}", high=f"{bound:g}")
        out.append(float(item))
    return out[0], out[1]


def check_range(value: object, *, name: str) -> tuple[float, float]:
    """(lo, hi): finite, |each| <= ``MAX_BOUND`` and lo < hi; ``LabError`` otherwise."""
    lo, hi = check_pair(value, MAX_BOUND, name=name, key="err.grad_range")
    if not lo < hi:
        raise LabError("err.grad_range_order", name=name, lo=f"{lo:g}", hi=f"{hi:g}")
    return lo, hi


def check_positive(value: object, high: float, *, name: str) -> float:
    """A finite float in (0, high]; ``LabError("err.grad_positive")`` otherwise."""
    v = check_real(value, 0.0, high, name=name, key="err.grad_positive")
    if v == 0.0:
        raise LabError("err.grad_positive", name=name, value=_shown(value), high=f"{high:g}")
    return v
