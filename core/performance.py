"""Performance lab: C = A Bᵀ by loops, broadcasting and matmul, in-place updates, measured right.

Three measurements, each a pure function (no streamlit):

* ``vectorization_benchmark``: the course notebook's row loop ``C[i] = (A[i] * B).sum(1)``,
  a double Python loop, ``torch.mm(A, B.T)`` and NumPy's ``A @ B.T``, timed with warm-up and
  repeated blocks (median and interquartile range), every result checked against NumPy's
  matmul in float64.
* ``inplace_benchmark``: the update C <- A Bᵀ + C written seven ways, with the bytes each
  iteration allocates (CPU: the torch profiler's allocation events; CUDA: the caching
  allocator's counters), whether ``C.data_ptr()`` stays the same, and the time.
* ``version_counter_demo``: modifying in place a tensor that backward needs raises autograd's
  version-counter error; the real message and the fix.

Heavy work is guarded: sizes are bounded, one benchmark runs at a time per process
(``benchmark_slot``: a second caller gets ``LabError("err.perf_busy")`` at once, never waits),
every run has a time budget checked before each measurement (a thread cannot be interrupted,
and ``signal.alarm`` does not work outside the main thread, where Streamlit runs scripts), and
torch and NumPy's OpenBLAS run on few threads (one by default) while a benchmark runs.
"""

from __future__ import annotations

import ctypes
import functools
import math
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from core.devices import resolve_device, resolve_dtype
from core.errors import LabError

METHODS = ("row_loop", "double_loop", "torch_mm", "numpy_matmul")
METHOD_CODE = {
    "row_loop": "C = torch.empty(n, n)\nfor i in range(n):\n    C[i] = (A[i] * B).sum(dim=1)",
    "double_loop": "C = torch.empty(n, n)\nfor i in range(n):\n    for j in range(n):\n        C[i, j] = (A[i] * B[j]).sum()",
    "torch_mm": "C = torch.mm(A, B.T)  # the same as A @ B.T",
    "numpy_matmul": "C = A_np @ B_np.T  # NumPy, always on the CPU",
}

UPDATE_VARIANTS = ("rebind", "slice_assign", "iadd", "add_", "rebind_matmul", "addmm_out", "addmm_")
UPDATE_CODE = {
    "rebind": "C = C + D",
    "slice_assign": "C[:] = D + C",
    "iadd": "C += D",
    "add_": "C.add_(D)",
    "rebind_matmul": "C = C + A @ B.T",
    "addmm_out": "torch.addmm(C, A, B.T, out=C)",
    "addmm_": "C.addmm_(A, B.T)",
}
# What one iteration computes: D = A Bᵀ once before the loop (as the notebook does), or the
# matmul inside every iteration (what the fused addmm forms do).
UPDATE_WORK = {
    "rebind": "add",
    "slice_assign": "add",
    "iadd": "add",
    "add_": "add",
    "rebind_matmul": "matmul_add",
    "addmm_out": "matmul_add",
    "addmm_": "matmul_add",
}

# Cheapest first, so a budget cut drops the out-of-place matmul baseline before the fused forms.
_RUN_ORDER = ("iadd", "add_", "slice_assign", "rebind", "addmm_", "addmm_out", "rebind_matmul")

# Bounds. At the largest allowed shapes one call takes well under a second on 2 CPU cores
# (measured: row loop 1024x1024 85 ms, mm 4096x1024 0.2 s, double loop 64x1024 30 ms), so the
# budget, checked between calls, can overrun by at most about that.
MAX_SIZE = {"cpu": 4096, "cuda": 8192, "mps": 4096}
METHOD_MAX_SIZE = {"row_loop": 1024, "double_loop": 64, "numpy_matmul": 4096}
MAX_INNER = 1024
MAX_SIZES = 8
MIN_REPEATS, MAX_REPEATS = 3, 50
MIN_BUDGET_S, MAX_BUDGET_S = 0.05, 30.0
DEFAULT_BUDGET_S = 8.0
MAX_THREADS = 4  # never more than this many intra-op threads, whatever the machine
# A timed block lasts at least this long: far above the timer's resolution, and longer than a
# scheduler time slice, so a busy machine slows every block alike instead of a random few.
MIN_BLOCK_S = 1e-2
PROFILED_ITERATIONS = 3
INPLACE_CHECK_ROWS = 256  # the update check compares this many evenly spaced rows of C (all columns)

_SLOT = threading.RLock()


# --------------------------------------------------------------------------------------------
# Guards: one benchmark at a time, modest threads, validated inputs
# --------------------------------------------------------------------------------------------


@contextmanager
def benchmark_slot() -> Iterator[None]:
    """Hold this process's single benchmark slot, or raise ``LabError("err.perf_busy")`` at once.

    The acquire never blocks: a second user gets "busy, try again" instead of a frozen page.
    The lock is re-entrant, so a caller holding the slot can run several benchmarks in a row.
    """
    if not _SLOT.acquire(blocking=False):
        raise LabError("err.perf_busy")
    try:
        yield
    finally:
        _SLOT.release()


def max_threads() -> int:
    """The most intra-op threads a benchmark may use here: ``min(MAX_THREADS, cpu count)``."""
    return max(1, min(MAX_THREADS, os.cpu_count() or 1))


_BLAS_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads64_",
                 "openblas_set_num_threads")


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
    threads = _check_int(threads, 1, max_threads(), "err.perf_threads")
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


def parse_sizes(text: str, device: str = "cpu") -> tuple[int, ...]:
    """Matrix sizes from text such as ``"64, 128 256"``: sorted, without repeats, bounded.

    Tokens are split on commas, semicolons and spaces and must be plain decimal integers
    (no expressions are evaluated). Raises LabError for an empty list, a token that is not
    an integer, a size outside ``1..MAX_SIZE[device]`` or more than ``MAX_SIZES`` sizes.
    """
    tokens = [t for t in str(text).replace(",", " ").replace(";", " ").split() if t]
    if not tokens:
        raise LabError("err.perf_sizes_empty")
    sizes = []
    for token in tokens:
        if not (token.isascii() and token.isdigit()):
            raise LabError("err.perf_size_token", token=token[:20])
        if len(token) > 7:  # far above any limit; no need to build the huge int
            top = MAX_SIZE.get(str(device).split(":")[0], MAX_SIZE["cpu"])
            raise LabError("err.perf_size_range", size=token[:20], high=top, device=str(device))
        sizes.append(int(token))
    return check_sizes(sizes, device)


def check_sizes(sizes: Sequence[int], device: str = "cpu") -> tuple[int, ...]:
    """``sizes`` sorted and de-duplicated, or LabError if any is outside ``1..MAX_SIZE[device]``."""
    top = MAX_SIZE.get(str(device).split(":")[0], MAX_SIZE["cpu"])
    if len(sizes) == 0:
        raise LabError("err.perf_sizes_empty")
    for n in sizes:
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or not 1 <= n <= top:
            raise LabError("err.perf_size_range", size=str(n), high=top, device=str(device))
    unique = tuple(sorted({int(n) for n in sizes}))
    if len(unique) > MAX_SIZES:
        raise LabError("err.perf_sizes_count", count=len(unique), high=MAX_SIZES)
    return unique


def _check_int(value: Any, low: int, high: int, key: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not low <= value <= high:
        raise LabError(key, value=str(value), low=low, high=high)
    return int(value)


def _check_budget(budget_s: Any) -> float:
    ok = isinstance(budget_s, (int, float)) and not isinstance(budget_s, bool) and math.isfinite(budget_s)
    if not ok or not MIN_BUDGET_S <= budget_s <= MAX_BUDGET_S:
        raise LabError("err.perf_budget", value=str(budget_s), low=MIN_BUDGET_S, high=MAX_BUDGET_S)
    return float(budget_s)


# --------------------------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    """Repeated timing of one callable.

    ``times_s`` holds the per-call time of each timed block (block time / calls per block);
    ``first_call_s`` is one ``time.time()`` around the first, cold call, as the notebook timed.
    """

    first_call_s: float
    times_s: tuple[float, ...]
    calls_per_block: int

    @property
    def median_s(self) -> float:
        return float(np.median(self.times_s))

    @property
    def q1_s(self) -> float:
        return float(np.percentile(self.times_s, 25))

    @property
    def q3_s(self) -> float:
        return float(np.percentile(self.times_s, 75))


def _synchronizer(device: torch.device, synchronize: bool) -> Callable[[], None]:
    if synchronize and device.type == "cuda":
        return torch.cuda.synchronize
    if synchronize and device.type == "mps":
        return torch.mps.synchronize
    return lambda: None


def _clock_block(fn: Callable[[], Any], min_block_s: float) -> tuple[float, int]:
    """Call ``fn`` until ``min_block_s`` has passed; (seconds per call, calls)."""
    count = 0
    t0 = time.perf_counter()
    while True:
        fn()
        count += 1
        elapsed = time.perf_counter() - t0
        if elapsed >= min_block_s:
            return elapsed / count, count


def _counted_block(fn: Callable[[], Any], sync: Callable[[], None], number: int) -> tuple[float, int]:
    """``number`` calls of ``fn`` between two synchronisations; (seconds per call, calls)."""
    sync()
    t0 = time.perf_counter()
    for _ in range(number):
        fn()
    sync()
    return (time.perf_counter() - t0) / number, number


def measure(
    fn: Callable[[], Any],
    *,
    repeats: int = 7,
    device: torch.device | str = "cpu",
    synchronize: bool = True,
    deadline: float | None = None,
    min_block_s: float = MIN_BLOCK_S,
) -> tuple[Measurement, Any]:
    """Time ``fn`` robustly; returns the measurement and the first call's result.

    The scheme of ``torch.utils.benchmark.Timer.blocked_autorange``: one cold call (kept apart
    as the single-shot figure), one warm-up call, then up to ``repeats`` blocks, each lasting at
    least ``min_block_s``; a block's figure is its time divided by its calls.

    On the CPU a block calls ``fn`` until the clock passes ``min_block_s`` (a block sized from
    one warm call would be too short whenever that call was preempted). On a GPU, where a call
    only queues work, the block is a fixed number of calls sized from the warm call, with the
    device synchronised around it. ``synchronize=False`` times one call per block with the
    clock read as soon as the call returns, the usual mistake: only the kernel launch is timed
    (the device is still synchronised between blocks, outside the clock). ``deadline`` (a
    ``time.perf_counter()`` value) stops starting blocks that would not finish in time; at
    least one block is kept.
    """
    dev = torch.device(device)
    sync = _synchronizer(dev, True)  # between measurements always: queued work must not spill over
    sync()
    start = time.time()  # the notebook's single-shot timing, kept on purpose for contrast
    out = fn()
    first = time.time() - start
    sync()

    t0 = time.perf_counter()
    fn()
    sync()
    per_call = max(time.perf_counter() - t0, 1e-9)
    number = int(min(100_000, max(1, math.ceil(min_block_s / per_call))))

    times: list[float] = []
    counts: list[int] = []
    for _ in range(repeats):
        block = max(min_block_s, per_call) if dev.type == "cpu" else per_call * (number if synchronize else 1)
        if deadline is not None and times and time.perf_counter() + block > deadline:
            break
        if dev.type == "cpu":
            per_call, count = _clock_block(fn, min_block_s)
        elif synchronize:
            per_call, count = _counted_block(fn, sync, number)
        else:  # the mistake on purpose: one call, clock read before the GPU has finished
            sync()
            t0 = time.perf_counter()
            fn()
            per_call, count = time.perf_counter() - t0, 1
            sync()
        times.append(per_call)
        counts.append(count)
    return Measurement(first_call_s=first, times_s=tuple(times), calls_per_block=int(np.median(counts))), out


# --------------------------------------------------------------------------------------------
# Vectorization: loops vs broadcasting vs matmul
# --------------------------------------------------------------------------------------------


def row_loop(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """C = A Bᵀ one row at a time: row i is ``(A[i] * B).sum(dim=1)`` (broadcasting, as the notebook)."""
    C = A.new_empty(A.shape[0], B.shape[0])
    for i in range(A.shape[0]):
        C[i] = (A[i] * B).sum(dim=1)
    return C


def double_loop(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """C = A Bᵀ one entry at a time: C[i, j] = sum_k A[i, k] B[j, k]; n² tensor operations."""
    C = A.new_empty(A.shape[0], B.shape[0])
    for i in range(A.shape[0]):
        for j in range(B.shape[0]):
            C[i, j] = (A[i] * B[j]).sum()
    return C


def unit_roundoff(dtype: torch.dtype) -> float:
    """u = eps / 2: the largest relative rounding error of one operation in ``dtype``."""
    return float(torch.finfo(dtype).eps) / 2


class MatmulReference:
    """R = A Bᵀ from NumPy in float64 and the per-entry tolerance scale, computed once per size.

    Tolerance for C = terms · A Bᵀ: ``(2·terms − 1) · γ_(k+1) · ‖a_i‖ ‖b_j‖`` per entry, with
    ``γ_m = m u / (1 − m u)`` and u the unit roundoff of ``dtype``. A length-k dot product in
    any summation order errs by at most γ_k Σ|a||b|, and Σ|a_ik||b_jk| ≤ ‖a_i‖‖b_j‖
    (Cauchy–Schwarz); the extra term and the factor cover the additions of ``terms``
    accumulated products.
    """

    def __init__(self, A64: np.ndarray, B64: np.ndarray, dtype: torch.dtype, max_rows: int | None = None) -> None:
        # max_rows: check only that many evenly spaced rows of C (every column), to bound the cost
        n = A64.shape[0]
        self.rows = np.unique(np.linspace(0, n - 1, max_rows).round().astype(int)) if max_rows and max_rows < n else None
        if self.rows is not None:
            A64 = A64[self.rows]
        self.ref = A64 @ B64.T
        m = A64.shape[1] + 1
        u = unit_roundoff(dtype)
        gamma = m * u / (1 - m * u)
        norms = np.outer(np.linalg.norm(A64, axis=1), np.linalg.norm(B64, axis=1))
        self.scale = np.maximum(gamma * norms, np.finfo(np.float64).tiny)

    def check(self, C: Any, terms: int = 1) -> tuple[float, float]:
        """(max |C − terms·R|, max |C − terms·R| / tolerance); a ratio ≤ 1 passes, NaN/inf give inf."""
        if self.rows is not None:
            C = C[torch.as_tensor(self.rows, device=C.device)] if isinstance(C, torch.Tensor) else np.asarray(C)[self.rows]
        got = C.detach().cpu().double().numpy() if isinstance(C, torch.Tensor) else np.array(C, dtype=np.float64)
        got = got / terms  # compare C / terms with R: no extra n x n array for terms · R
        np.subtract(got, self.ref, out=got)
        np.abs(got, out=got)
        if not np.all(np.isfinite(got)):
            return float("inf"), float("inf")
        err = terms * float(got.max(initial=0.0))
        np.divide(got, self.scale, out=got)
        return err, float(got.max(initial=0.0)) * terms / (2 * terms - 1)


def matmul_error_ratio(C: Any, A64: np.ndarray, B64: np.ndarray, dtype: torch.dtype, terms: int = 1) -> tuple[float, float]:
    """(max |C − R|, max |C − R| / tolerance) for R = terms · A Bᵀ; see ``MatmulReference``."""
    return MatmulReference(A64, B64, dtype).check(C, terms)


@dataclass(frozen=True)
class Timing:
    """One method at one size: robust time, the notebook-style single shot, correctness."""

    method: str
    n: int
    median_s: float
    q1_s: float
    q3_s: float
    blocks: int
    calls_per_block: int
    first_call_s: float
    max_abs_error: float
    error_ratio: float

    @property
    def iqr_s(self) -> float:
        return self.q3_s - self.q1_s

    @property
    def correct(self) -> bool:
        return self.error_ratio <= 1.0


@dataclass(frozen=True)
class Skipped:
    """A (method, size) cell not measured; ``reason`` is "size_limit" or "budget"."""

    method: str
    n: int
    reason: str


@dataclass(frozen=True)
class VectorizationResult:
    """Everything one vectorization run measured, plus the conditions it ran under."""

    device: str
    dtype: str
    inner: int
    sizes: tuple[int, ...]
    methods: tuple[str, ...]
    repeats: int
    synchronize: bool
    budget_s: float
    elapsed_s: float
    threads: int
    timings: tuple[Timing, ...]
    skipped: tuple[Skipped, ...]

    @property
    def budget_exhausted(self) -> bool:
        """True when the budget cut the run short (a cell skipped or given fewer blocks)."""
        return any(s.reason == "budget" for s in self.skipped) or any(
            t.blocks < self.repeats for t in self.timings
        )

    def timing(self, method: str, n: int) -> Timing | None:
        """The timing of ``method`` at size ``n``, or None if it was not measured."""
        return next((t for t in self.timings if t.method == method and t.n == n), None)

    def speedups(self, baseline: str = "row_loop") -> list[tuple[int, str, float]]:
        """(n, method, median(baseline) / median(method)) for every measured pair; > 1 is faster."""
        rows = []
        for n in self.sizes:
            base = self.timing(baseline, n)
            if base is None:
                continue
            for method in self.methods:
                other = self.timing(method, n)
                if method != baseline and other is not None and other.median_s > 0:
                    rows.append((n, method, base.median_s / other.median_s))
        return rows


def _method_fn(method: str, A: torch.Tensor, B: torch.Tensor, a_np: np.ndarray, b_np: np.ndarray) -> Callable[[], Any]:
    if method == "row_loop":
        return lambda: row_loop(A, B)
    if method == "double_loop":
        return lambda: double_loop(A, B)
    if method == "torch_mm":
        return lambda: torch.mm(A, B.T)
    return lambda: a_np @ b_np.T


def _inputs(n: int, k: int, dtype: torch.dtype, seed: int) -> tuple[np.ndarray, np.ndarray, torch.Tensor, torch.Tensor]:
    """A, B ~ N(0, 1) of n x k, rounded to ``dtype``; float64 copies of the rounded values."""
    gen = torch.Generator().manual_seed(seed)
    A = torch.randn(n, k, generator=gen, dtype=torch.float64).to(dtype)
    B = torch.randn(n, k, generator=gen, dtype=torch.float64).to(dtype)
    return A.double().numpy(), B.double().numpy(), A, B


def vectorization_benchmark(
    sizes: Sequence[int],
    *,
    inner: int = 256,
    device: str = "cpu",
    dtype: str = "float32",
    repeats: int = 7,
    budget_s: float = DEFAULT_BUDGET_S,
    methods: Sequence[str] = METHODS,
    synchronize: bool = True,
    threads: int = 1,
    seed: int = 0,
) -> VectorizationResult:
    """Time C = A Bᵀ (A, B of ``n x inner``, N(0, 1)) by each method at each size.

    Sizes run from small to large, all methods at one size before the next, so a budget cut
    drops the largest sizes. A cell is skipped when the size is above the method's own bound
    (``METHOD_MAX_SIZE``) or when its predicted cost (the method's last time scaled by n²) would
    overrun the budget. Each result is checked against NumPy in float64 (``MatmulReference``). Runs inside ``benchmark_slot`` (busy -> LabError) with torch on ``threads`` threads.
    """
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    sizes = check_sizes(sizes, dev.type)
    inner = _check_int(inner, 1, MAX_INNER, "err.perf_inner")
    repeats = _check_int(repeats, MIN_REPEATS, MAX_REPEATS, "err.perf_repeats")
    budget_s = _check_budget(budget_s)
    threads = _check_int(threads, 1, max_threads(), "err.perf_threads")
    if isinstance(methods, str) or not methods or any(m not in METHODS for m in methods):
        raise LabError("err.perf_methods", allowed=", ".join(METHODS))
    methods = tuple(m for m in METHODS if m in methods)

    timings: list[Timing] = []
    skipped: list[Skipped] = []
    with benchmark_slot(), benchmark_threads(threads):
        start = time.perf_counter()
        deadline = start + budget_s
        last: dict[str, tuple[int, float]] = {}
        for n in sizes:
            a64, b64, A, B = _inputs(n, inner, dt, seed + n)
            A, B = A.to(dev), B.to(dev)
            a_np, b_np = A.cpu().numpy(), B.cpu().numpy()
            reference = MatmulReference(a64, b64, dt)
            for method in methods:
                if n > METHOD_MAX_SIZE.get(method, MAX_SIZE[dev.type]):
                    skipped.append(Skipped(method, n, "size_limit"))
                    continue
                if method in last:
                    n0, t0 = last[method]
                    # first call + warm call + one block: the least a cell costs
                    predicted = t0 * (n / n0) ** 2 * 2 + MIN_BLOCK_S
                    if time.perf_counter() + predicted > deadline:
                        skipped.append(Skipped(method, n, "budget"))
                        continue
                elif time.perf_counter() >= deadline:
                    skipped.append(Skipped(method, n, "budget"))
                    continue
                fn = _method_fn(method, A, B, a_np, b_np)
                m, out = measure(fn, repeats=repeats, device=dev, synchronize=synchronize, deadline=deadline)
                last[method] = (n, m.median_s)
                err, ratio = reference.check(out)
                timings.append(Timing(method, n, m.median_s, m.q1_s, m.q3_s, len(m.times_s),
                                      m.calls_per_block, m.first_call_s, err, ratio))
        elapsed = time.perf_counter() - start
    return VectorizationResult(
        device=str(dev), dtype=dtype, inner=inner, sizes=sizes, methods=methods, repeats=repeats,
        synchronize=synchronize, budget_s=budget_s, elapsed_s=elapsed, threads=threads,
        timings=tuple(timings), skipped=tuple(skipped),
    )


# --------------------------------------------------------------------------------------------
# In-place updates: bytes allocated per iteration, data_ptr, time
# --------------------------------------------------------------------------------------------


class _State:
    """Holds C so that a rebinding update (C = C + D) can replace it between calls."""

    def __init__(self, C: torch.Tensor) -> None:
        self.C = C


def _update_step(variant: str, s: _State, D: torch.Tensor, A: torch.Tensor, B: torch.Tensor) -> Callable[[], None]:
    def rebind() -> None:
        s.C = s.C + D

    def slice_assign() -> None:
        s.C[:] = D + s.C

    def iadd() -> None:
        C = s.C
        C += D

    def add_() -> None:
        s.C.add_(D)

    def rebind_matmul() -> None:
        s.C = s.C + A @ B.T

    def addmm_out() -> None:
        torch.addmm(s.C, A, B.T, out=s.C)

    def addmm_() -> None:
        s.C.addmm_(A, B.T)

    steps = {"rebind": rebind, "slice_assign": slice_assign, "iadd": iadd, "add_": add_,
             "rebind_matmul": rebind_matmul, "addmm_out": addmm_out, "addmm_": addmm_}
    return steps[variant]


def _positive_cpu_allocations(prof: torch.profiler.profile) -> int:
    """Sum of the positive allocation events the CPU profiler recorded (frees are negative).

    Uses the event tree (every alloc and free, as torch.profiler's memory profiler does); if
    that private API moves, falls back to the per-operator net memory, which misses a temporary
    allocated and freed inside a single operator.
    """
    try:
        from torch._C._profiler import _EventType

        total = 0
        stack = list(prof.profiler.kineto_results.experimental_event_tree())
        while stack:
            ev = stack.pop()
            if ev.tag == _EventType.Allocation and ev.extra_fields.alloc_size > 0:
                total += ev.extra_fields.alloc_size
            stack.extend(ev.children)
        return int(total)
    except (ImportError, AttributeError):  # pragma: no cover - depends on torch internals
        return int(sum(max(e.self_cpu_memory_usage, 0) for e in prof.events()))


@functools.lru_cache(maxsize=1)
def _warm_profiler() -> None:
    """Start and stop the CPU profiler once: its first start costs 1-2 s per process."""
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU], profile_memory=True):
        torch.zeros(1).add_(1)


def bytes_per_iteration(step: Callable[[], None], device: torch.device, iterations: int = PROFILED_ITERATIONS) -> float | None:
    """Bytes allocated per call of ``step`` (after one warm-up call); None where not measurable.

    CPU: torch.profiler with ``profile_memory=True``, the sum of positive allocation events.
    CUDA: the delta of ``torch.cuda.memory_stats()["allocated_bytes.all.allocated"]``, which
    counts every allocation, including those the caching allocator serves from its cache.
    """
    step()
    if device.type == "cpu":
        from torch.profiler import ProfilerActivity, profile

        with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
            for _ in range(iterations):
                step()
        return _positive_cpu_allocations(prof) / iterations
    if device.type == "cuda":
        torch.cuda.synchronize(device)
        before = torch.cuda.memory_stats(device)["allocated_bytes.all.allocated"]
        for _ in range(iterations):
            step()
        torch.cuda.synchronize(device)
        return (torch.cuda.memory_stats(device)["allocated_bytes.all.allocated"] - before) / iterations
    return None


@dataclass(frozen=True)
class UpdateResult:
    """One way of writing C <- A Bᵀ + C: allocation, storage identity, time, correctness."""

    variant: str
    code: str
    work: str
    bytes_per_iter: float | None
    keeps_data_ptr: bool
    median_s: float
    q1_s: float
    q3_s: float
    blocks: int
    max_abs_error: float
    error_ratio: float

    @property
    def correct(self) -> bool:
        return self.error_ratio <= 1.0


@dataclass(frozen=True)
class InplaceResult:
    """All update variants for an n x n C, and the conditions they ran under."""

    device: str
    dtype: str
    n: int
    inner: int
    c_bytes: int
    repeats: int
    budget_s: float
    elapsed_s: float
    threads: int
    memory_method: str
    rows: tuple[UpdateResult, ...]
    skipped: tuple[str, ...]

    @property
    def budget_exhausted(self) -> bool:
        return bool(self.skipped) or any(r.blocks < self.repeats for r in self.rows)

    def row(self, variant: str) -> UpdateResult | None:
        return next((r for r in self.rows if r.variant == variant), None)


def inplace_benchmark(
    n: int,
    *,
    inner: int = 256,
    device: str = "cpu",
    dtype: str = "float32",
    repeats: int = 7,
    budget_s: float = 4.0,
    variants: Sequence[str] = UPDATE_VARIANTS,
    threads: int = 1,
    seed: int = 0,
) -> InplaceResult:
    """Measure each update variant on an n x n C (A, B of n x inner, D = A Bᵀ precomputed).

    Per variant: two updates from C = 0 must give 2 A Bᵀ (``MatmulReference.check`` with
    ``terms=2`` on ``INPLACE_CHECK_ROWS`` evenly spaced rows) and must keep ``C.data_ptr()`` to count as in place;
    then ``bytes_per_iteration`` and a timing (``measure``). Variants run cheapest first; one
    whose predicted cost (from the two checked updates) would overrun the budget is skipped
    and listed. Runs inside ``benchmark_slot``.
    """
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    n = _check_int(n, 1, MAX_SIZE[dev.type], "err.perf_inplace_size")
    inner = _check_int(inner, 1, MAX_INNER, "err.perf_inner")
    repeats = _check_int(repeats, MIN_REPEATS, MAX_REPEATS, "err.perf_repeats")
    budget_s = _check_budget(budget_s)
    threads = _check_int(threads, 1, max_threads(), "err.perf_threads")
    if isinstance(variants, str) or not variants or any(v not in UPDATE_VARIANTS for v in variants):
        raise LabError("err.perf_variants", allowed=", ".join(UPDATE_VARIANTS))

    rows: list[UpdateResult] = []
    skipped: list[str] = []
    with benchmark_slot(), benchmark_threads(threads):
        if dev.type == "cpu":
            _warm_profiler()  # a one-time cost of the process, not of this run: kept off the budget
        start = time.perf_counter()
        deadline = start + budget_s
        a64, b64, A, B = _inputs(n, inner, dt, seed + n)
        A, B = A.to(dev), B.to(dev)
        D = torch.mm(A, B.T)
        reference = MatmulReference(a64, b64, dt, max_rows=INPLACE_CHECK_ROWS)
        sync = _synchronizer(dev, True)
        for variant in sorted(variants, key=_RUN_ORDER.index):
            if time.perf_counter() >= deadline:
                skipped.append(variant)
                continue
            s = _State(torch.zeros(n, n, dtype=dt, device=dev))
            step = _update_step(variant, s, D, A, B)
            kept = True
            t0 = time.perf_counter()
            for _ in range(2):
                ptr = s.C.data_ptr()
                step()
                kept = kept and s.C.data_ptr() == ptr
            sync()
            per_step = (time.perf_counter() - t0) / 2
            # what is left to do: 1 + PROFILED_ITERATIONS profiled steps (the profiler roughly
            # doubles them), then a cold, a warm and at least one block in ``measure``
            predicted = per_step * (2 * (1 + PROFILED_ITERATIONS) + 2) + max(per_step, MIN_BLOCK_S)
            if time.perf_counter() + predicted > deadline:
                skipped.append(variant)
                continue
            err, ratio = reference.check(s.C, terms=2)
            allocated = bytes_per_iteration(step, dev)
            m, _ = measure(step, repeats=repeats, device=dev, deadline=deadline)
            rows.append(UpdateResult(variant, UPDATE_CODE[variant], UPDATE_WORK[variant], allocated, kept,
                                     m.median_s, m.q1_s, m.q3_s, len(m.times_s), err, ratio))
            del s, step
        rows.sort(key=lambda r: UPDATE_VARIANTS.index(r.variant))
        skipped.sort(key=UPDATE_VARIANTS.index)
        elapsed = time.perf_counter() - start
    memory_method = {"cpu": "torch.profiler", "cuda": "torch.cuda.memory_stats"}.get(dev.type, "none")
    return InplaceResult(
        device=str(dev), dtype=dtype, n=n, inner=inner, c_bytes=n * n * dt.itemsize, repeats=repeats,
        budget_s=budget_s, elapsed_s=elapsed, threads=threads, memory_method=memory_method,
        rows=tuple(rows), skipped=tuple(skipped),
    )


# --------------------------------------------------------------------------------------------
# Autograd and in-place: the version counter
# --------------------------------------------------------------------------------------------

VERSION_BROKEN_CODE = """x = torch.tensor([-2.0, 0.0, 1.5], dtype=torch.float64, requires_grad=True)
s = torch.sigmoid(x)      # backward needs s: ds/dx = s (1 - s)
s.mul_(2)                 # in place: s._version goes from 0 to 1
s.sum().backward()        # RuntimeError"""

VERSION_FIXED_CODE = """x = torch.tensor([-2.0, 0.0, 1.5], dtype=torch.float64, requires_grad=True)
s = torch.sigmoid(x)
t = s * 2                 # out of place: s stays at version 0
t.sum().backward()        # x.grad = 2 s (1 - s)"""

_DEMO_X = (-2.0, 0.0, 1.5)


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


def version_counter_demo() -> VersionCounterDemo:
    """Run ``VERSION_BROKEN_CODE`` (capturing the real RuntimeError) and ``VERSION_FIXED_CODE``.

    The expected gradient 2 s (1 − s), s = 1 / (1 + e^(−x)), is computed with NumPy.
    """
    x = torch.tensor(_DEMO_X, dtype=torch.float64, requires_grad=True)
    s = torch.sigmoid(x)
    before = s._version
    s.mul_(2)
    after = s._version
    try:
        s.sum().backward()
        message = ""
    except RuntimeError as exc:
        message = str(exc)

    x = torch.tensor(_DEMO_X, dtype=torch.float64, requires_grad=True)
    s = torch.sigmoid(x)
    t = s * 2
    t.sum().backward()
    sig = 1 / (1 + np.exp(-np.array(_DEMO_X)))
    return VersionCounterDemo(
        broken_code=VERSION_BROKEN_CODE,
        error_message=message,
        version_before=int(before),
        version_after=int(after),
        fixed_code=VERSION_FIXED_CODE,
        x=_DEMO_X,
        fixed_grad=tuple(float(g) for g in x.grad),
        expected_grad=tuple(float(g) for g in 2 * sig * (1 - sig)),
    )
