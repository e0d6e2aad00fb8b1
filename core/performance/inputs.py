"""The benchmarks' inputs, checked: matrix sizes (typed or given), and the time budget."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from core.checks import MAX_NUMBERS_TEXT, check_real, parse_numbers
from core.errors import LabError
from core.performance.presets import MAX_BUDGET_S, MAX_SIZES, MIN_BUDGET_S, max_size


def parse_sizes(text: str, device: str = "cpu") -> tuple[int, ...]:
    """Matrix sizes from text such as ``"64, 128 256"``: sorted, without repeats, bounded.

    The app's one rule for typed numbers (``core.checks.parse_numbers``: commas, semicolons or
    spaces; plain decimal integers; nothing is evaluated), then ``check_sizes``. A size beyond
    ``MAX_SIZE[device]`` raises ``LabError("err.perf_size_range")``, which names the device;
    repeats are allowed, and only the distinct sizes count towards ``MAX_SIZES``.
    """
    top = max_size(device)
    try:
        # repeats are dropped below, so only the text's length bounds how many numbers it holds
        sizes = parse_numbers(text, max_count=MAX_NUMBERS_TEXT, max_abs=top, integer=True)
    except LabError as err:
        if err.key != "err.numbers_range":
            raise
        raise LabError("err.perf_size_range", size=err.params["item"], high=top, device=str(device)) from None
    return check_sizes(sizes, device)


def check_sizes(sizes: Sequence[int], device: str = "cpu") -> tuple[int, ...]:
    """``sizes`` sorted and de-duplicated, or LabError if any is outside ``1..MAX_SIZE[device]``."""
    top = max_size(device)
    if len(sizes) == 0:
        raise LabError("err.numbers_empty")
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= top:
            raise LabError("err.perf_size_range", size=str(n), high=top, device=str(device))
    unique = tuple(sorted({int(n) for n in sizes}))
    if len(unique) > MAX_SIZES:
        raise LabError("err.perf_sizes_count", count=len(unique), high=MAX_SIZES)
    return unique


def check_budget(budget_s: object) -> float:
    """``budget_s`` as seconds in ``MIN_BUDGET_S..MAX_BUDGET_S``, or ``LabError("err.perf_budget")``."""
    return check_real(budget_s, MIN_BUDGET_S, MAX_BUDGET_S, name="budget_s", key="err.perf_budget")
