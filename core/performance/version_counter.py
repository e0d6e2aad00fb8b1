"""Autograd and in-place changes: the version counter refuses a saved tensor that was modified."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.performance.code import DEMO_X, version_code


@dataclass(frozen=True)
class VersionCounterDemo:
    """Autograd's version counter caught an in-place change; the message and the fix."""

    broken_code: str
    error_message: str
    version_before: int
    version_after: int
    fixed_code: str
    x: tuple[float, ...]
    fixed_grad: tuple[float, ...]
    expected_grad: tuple[float, ...]


def version_counter_demo(lang: str = "en") -> VersionCounterDemo:
    """Run ``VERSION_BROKEN_CODE`` (capturing the real RuntimeError) and ``VERSION_FIXED_CODE``.

    The code is returned with its comments in ``lang``; the error message is PyTorch's own.
    The expected gradient 2 s (1 − s), s = 1 / (1 + e^(−x)), is computed with NumPy.
    """
    x = torch.tensor(DEMO_X, dtype=torch.float64, requires_grad=True)
    s = torch.sigmoid(x)
    before = s._version
    s.mul_(2)
    after = s._version
    try:
        s.sum().backward()
        message = ""
    except RuntimeError as exc:
        message = str(exc)

    x = torch.tensor(DEMO_X, dtype=torch.float64, requires_grad=True)
    s = torch.sigmoid(x)
    t = s * 2
    t.sum().backward()
    sig = 1 / (1 + np.exp(-np.array(DEMO_X)))
    return VersionCounterDemo(
        broken_code=version_code(False, lang),
        error_message=message,
        version_before=int(before),
        version_after=int(after),
        fixed_code=version_code(True, lang),
        x=DEMO_X,
        fixed_grad=tuple(float(g) for g in x.grad),
        expected_grad=tuple(float(g) for g in 2 * sig * (1 - sig)),
    )
