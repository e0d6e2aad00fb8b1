"""Few threads while a benchmark runs: torch's intra-op pool and NumPy's OpenBLAS, set and restored."""

from __future__ import annotations

import ctypes
import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import torch

from core.checks import check_int
from core.performance.presets import MAX_THREADS

_BLAS_SETTERS = (
    "scipy_openblas_set_num_threads64_",
    "scipy_openblas_set_num_threads",
    "openblas_set_num_threads64_",
    "openblas_set_num_threads",
)


def max_threads() -> int:
    """The most intra-op threads a benchmark may use here: ``min(MAX_THREADS, cpu count)``."""
    return max(1, min(MAX_THREADS, os.cpu_count() or 1))


def thread_choices() -> list[int]:
    """The thread counts a run may ask for: 1 to ``max_threads()``."""
    return list(range(1, max_threads() + 1))


def check_threads(threads: object) -> int:
    """``threads`` as an int in ``1..max_threads()``, or ``LabError("err.int_range")``."""
    return check_int(threads, 1, max_threads(), name="threads")


@functools.lru_cache(maxsize=1)
def _numpy_blas() -> tuple[Callable[[], int], Callable[[int], None]] | None:
    """(get, set) for the thread count of the OpenBLAS bundled with NumPy, or None.

    Found the way threadpoolctl does it: the library's own ``*_set_num_threads`` symbol.
    Without it (other BLAS builds) NumPy keeps its own pool, and results say so.
    """
    libs = Path(np.__file__).resolve().parent.parent / "numpy.libs"
    for path in sorted(libs.glob("*openblas*")) if libs.is_dir() else []:
        try:
            lib = ctypes.CDLL(str(path))
        except OSError:
            continue
        for setter in _BLAS_SETTERS:
            getter = setter.replace("set_", "get_")
            if hasattr(lib, setter) and hasattr(lib, getter):
                return getattr(lib, getter), getattr(lib, setter)
    return None


@contextmanager
def benchmark_threads(threads: int = 1) -> Iterator[int]:
    """Run the block with torch (and NumPy's OpenBLAS, when found) on ``threads`` threads, then restore.

    One thread is the default: on a shared machine a busy core stalls every parallel region
    of a multi-threaded op (measured here on 2 loaded cores: torch.mm at 128 x 256 went from
    12x faster than the row loop with 1 thread to slower than it with 2, and NumPy's matmul
    from 60 µs to 10-30 ms). The settings are process-wide, hence only inside ``benchmark_slot``.
    """
    threads = check_threads(threads)
    before = torch.get_num_threads()
    blas = _numpy_blas()
    blas_before = blas[0]() if blas else None
    if threads != before:
        torch.set_num_threads(threads)
    if blas:
        blas[1](threads)
    try:
        yield threads
    finally:
        if threads != before:
            torch.set_num_threads(before)
        if blas and blas_before:
            blas[1](blas_before)


def numpy_threads_controlled() -> bool:
    """Whether ``benchmark_threads`` can set NumPy's BLAS threads on this installation."""
    return _numpy_blas() is not None
