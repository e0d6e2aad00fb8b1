"""Performance lab: C = A Bᵀ by loops, broadcasting and matmul, in-place updates, measured right.

Three measurements, each a pure function (no streamlit):

* ``vectorization_benchmark``: the course notebook's row loop ``C[i] = (A[i] * B).sum(1)``,
  a double Python loop, ``torch.mm(A, B.T)`` and NumPy's ``A @ B.T``, timed with warm-up and
  repeated blocks (median and interquartile range), every result checked against NumPy's
  matmul in float64.
* ``inplace_benchmark``: the update C <- A Bᵀ + C written seven ways, with the bytes each
  iteration allocates (CPU: the allocation events of PyTorch's legacy autograd profiler, which
  needs no Kineto; ``torch.profiler`` only as a fallback; CUDA: the caching allocator's
  counters), whether ``C.data_ptr()`` stays the same, and the time.
* ``version_counter_demo``: modifying in place a tensor that backward needs raises autograd's
  version-counter error; the real message and the fix.

Heavy work is guarded:

* sizes are bounded;
* one benchmark runs at a time per process: ``BENCHMARK_QUEUE`` lines callers up in FIFO
  order with a visible place, a bounded length and a bounded wait (``benchmark_slot`` is the
  old non-blocking form: busy -> ``LabError("err.perf_busy")`` at once);
* every run has a time budget that holds: before each size, each method and each update
  variant the next piece's cost is predicted from what was already measured (scaled by the
  work it does, times ``SAFETY``) and skipped, and listed, if it would not fit. A thread cannot
  be interrupted, and ``signal.alarm`` does not work outside the main thread, where Streamlit
  runs scripts, so the check happens between pieces;
* torch and NumPy's OpenBLAS run on few threads (one by default) while a benchmark runs.
"""

from __future__ import annotations

import ctypes
import functools
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from core import governor
from core.devices import resolve_device, resolve_dtype
from core.errors import LabError
from core.i18n import tr

METHODS = ("row_loop", "double_loop", "torch_mm", "numpy_matmul")

# Code shown to the reader: (code, comment key or None) per line; comments come from the text
# table, so a pt page shows Portuguese comments (``method_code``, ``version_code``).
_METHOD_LINES: dict[str, tuple[tuple[str, str | None], ...]] = {
    "row_loop": (("C = torch.empty(n, n)", None), ("for i in range(n):", None),
                 ("    C[i] = (A[i] * B).sum(dim=1)", None)),
    "double_loop": (("C = torch.empty(n, n)", None), ("for i in range(n):", None), ("    for j in range(n):", None),
                    ("        C[i, j] = (A[i] * B[j]).sum()", None)),
    "torch_mm": (("C = torch.mm(A, B.T)", "perf.code.mm_same"),),
    "numpy_matmul": (("C = A_np @ B_np.T", "perf.code.numpy_cpu"),),
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

# Bounds. At the largest allowed shapes one operation lasts well under a second on 2 CPU
# cores (measured with one thread: mm 4096 x 1024 0.33 s, C.addmm_ at 4096 x 1024 up to
# 0.9 s); the Python loops, many small operations, check the clock themselves.
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
CHECK_ROWS = 256  # a result check compares this many evenly spaced rows of C (all columns)
INPLACE_CHECK_ROWS = CHECK_ROWS  # the old name

# The budget. Every piece of work is predicted before it starts, and skipped if the
# prediction times SAFETY does not fit in what is left. A method's first size is predicted
# by a probe on a few rows of A (``_predict_from_rows``: the work of all three C = A Bᵀ forms
# grows with the rows of A); with one thread its predictions came within 20 % of the full
# call here (mm 512-4096, row loop 512-1024, k = 1024). Later sizes are extrapolated from the
# previous one by (n / n0)² (the work is n² k), unless the jump is above MAX_EXTRAPOLATION,
# where a small size's fixed costs would dominate. SAFETY covers cache effects between
# sizes; with two threads on two busy cores a call can stall far beyond any prediction,
# which is why the loops stop themselves at the deadline (``LOOP_CHECK_ROWS``).
SAFETY = 2.0
PROBE_FRACTION = 16
PROBE_MIN_S = 1e-3  # a probe call this long is far above the timer's resolution
PROBE_SHARE = 0.1  # a probe uses at most this share of the time left
LOOP_CHECK_ROWS = 16  # the Python loops read the clock once per this many rows
MAX_EXTRAPOLATION = 4.0
# What a run costs beyond the two budgets: the preparation that no measurement precedes
# (the smallest size's inputs and reference, about 0.1 s at 4096 x 1024), one operation
# that ran longer than predicted (0.35 s at the largest sizes), and drawing the results.
# The page announces both budgets + RUN_OVERHEAD_S as the longest a run takes; together they
# are the governor's limit for one interaction (core.governor.TIME_LIMIT_S, 10 s).
RUN_OVERHEAD_S = 2.0
PAGE_BUDGETS_S = (4.5, 3.5)  # the page's budgets: C = A Bᵀ, then the in-place updates
BUDGET_ENV = "AUTOGRAD_LAB_PERF_BUDGET_S"  # total of both, e.g. "1.5" in tests; split as above

# The queue: at most MAX_QUEUE runs wait behind the running one; a waiter gives up after
# MAX_WAIT_S. With a run bounded by 10 s, a full queue drains in about a minute.
MAX_QUEUE = 6
MAX_WAIT_S = 150.0
QUEUE_POLL_S = 0.5  # how often a waiter reports its place


def _commented(lines: Sequence[tuple[str, str | None]], lang: str, column: int | None = None) -> str:
    """Code lines with their translated comments aligned at ``column`` (default: 2 after the longest)."""
    width = column if column is not None else max((len(c) + 2 for c, k in lines if k), default=0)
    out = [f"{code:<{width}}# {tr(key, lang)}" if key else code for code, key in lines]
    return "\n".join(line.rstrip() for line in out)


def method_code(method: str, lang: str = "en") -> str:
    """The code of a vectorization method, comments in ``lang`` ("pt" or "en")."""
    return _commented(_METHOD_LINES[method], lang)


def page_budgets(total: str | float | None) -> tuple[float, float]:
    """(vectorization, in-place) budgets in seconds from a total (``BUDGET_ENV``'s text).

    Split in the ratio of ``PAGE_BUDGETS_S``; None, a non-number, NaN or inf give the
    defaults; a total is clamped so each part stays within ``MIN_BUDGET_S..MAX_BUDGET_S``.
    """
    default = sum(PAGE_BUDGETS_S)
    try:
        value = float(str(total).strip()[:40]) if total is not None else default
    except ValueError:
        value = default
    if not math.isfinite(value):
        value = default
    share = PAGE_BUDGETS_S[0] / default
    low = MIN_BUDGET_S / min(share, 1 - share)
    high = MAX_BUDGET_S / max(share, 1 - share)
    value = min(max(value, low), high)
    return value * share, value * (1 - share)


def announced_bound_s(vec_budget_s: float, mem_budget_s: float) -> float:
    """The longest a page run takes: both budgets plus ``RUN_OVERHEAD_S``."""
    return vec_budget_s + mem_budget_s + RUN_OVERHEAD_S


# --------------------------------------------------------------------------------------------
# Guards: one benchmark at a time (a queue), modest threads, validated inputs
# --------------------------------------------------------------------------------------------


class BenchmarkQueue(governor.FairQueue):
    """One benchmark at a time, the others waiting in first-come order.

    ``acquire`` is a context manager: it returns at once when the slot is free and nobody
    waits; otherwise the caller joins the end of the line and waits, calling
    ``on_wait(place, waited_s)`` about every ``poll_s`` seconds (place 1 = next to run).
    Raises ``LabError("err.perf_queue_full")`` when ``max_waiting`` callers already wait and
    ``LabError("err.perf_queue_timeout")`` after ``timeout`` seconds (default ``max_wait_s``);
    ``timeout=0`` never waits and raises ``LabError("err.perf_busy")``. A waiter whose
    ``on_wait`` raises (a closed browser tab stops its script that way) leaves the line, and
    those behind it move up. The slot is released when the block ends, also by an exception.
    The holder's thread may acquire again (re-entrant), so a page holding the slot can call
    the benchmarks, which acquire it themselves. Thread-safe.
    """

    def __init__(self, max_waiting: int = MAX_QUEUE, max_wait_s: float = MAX_WAIT_S, poll_s: float = QUEUE_POLL_S):
        # one slot, the governor's fair queue, this lab's own messages
        super().__init__(1, max_waiting=max_waiting, max_wait_s=max_wait_s, poll_s=poll_s,
                         full_key="err.perf_queue_full", timeout_key="err.perf_queue_timeout", busy_key="err.perf_busy")


BENCHMARK_QUEUE = BenchmarkQueue()


@contextmanager
def benchmark_slot() -> Iterator[None]:
    """Hold this process's single benchmark slot, or raise ``LabError("err.perf_busy")`` at once.

    The non-blocking form of ``BENCHMARK_QUEUE.acquire``: a caller that finds the slot held
    (or others waiting for it) is refused instead of waiting. Re-entrant for the holder's
    thread, so a caller holding the slot can run several benchmarks in a row.
    """
    with BENCHMARK_QUEUE.acquire(timeout=0):
        yield


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


class OutOfBudget(Exception):
    """``measure`` stopped: the time left could not hold a warm call and one timed block."""


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
    (the device is still synchronised between blocks, outside the clock).

    ``deadline`` (a ``time.perf_counter()`` value) is checked before the warm call and before
    every block: a piece that would end after it is not started. When not even the warm call
    and one block fit, ``OutOfBudget`` is raised (the caller lists the cell as skipped); the
    cold call is the caller's to predict (``_cell_cost``). A function that raises
    ``OutOfBudget`` itself (the loops, given a deadline) ends the timing the same way, or, in
    a later block, keeps the blocks before it.
    """
    dev = torch.device(device)
    sync = _synchronizer(dev, True)  # between measurements always: queued work must not spill over
    sync()
    cold = time.perf_counter()
    start = time.time()  # the notebook's single-shot timing, kept on purpose for contrast
    out = fn()
    first = time.time() - start
    sync()
    if deadline is not None and time.perf_counter() + 2 * (time.perf_counter() - cold) > deadline:
        raise OutOfBudget  # a warm call and a block, each about as long as the cold call

    t0 = time.perf_counter()
    fn()
    sync()
    per_call = max(time.perf_counter() - t0, 1e-9)
    number = int(min(100_000, max(1, math.ceil(min_block_s / per_call))))

    times: list[float] = []
    counts: list[int] = []
    for _ in range(repeats):
        governor.check()  # a closed tab or a rerun stops the benchmark here
        # a CPU block runs until min_block_s has passed, so it can end up to one call later
        block = min_block_s + per_call if dev.type == "cpu" else per_call * (number if synchronize else 1)
        if deadline is not None and time.perf_counter() + block > deadline:
            break
        if dev.type == "cpu":
            try:
                per_call, count = _clock_block(fn, min_block_s)
            except OutOfBudget:  # a loop stopped inside the block: keep the blocks before it
                break
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
    if not times:
        raise OutOfBudget
    return Measurement(first_call_s=first, times_s=tuple(times), calls_per_block=int(np.median(counts))), out


# --------------------------------------------------------------------------------------------
# Vectorization: loops vs broadcasting vs matmul
# --------------------------------------------------------------------------------------------


def _check_clock(deadline: float | None) -> None:
    if deadline is not None and time.perf_counter() > deadline:
        raise OutOfBudget
    governor.check()


def row_loop(A: torch.Tensor, B: torch.Tensor, deadline: float | None = None) -> torch.Tensor:
    """C = A Bᵀ one row at a time: row i is ``(A[i] * B).sum(dim=1)`` (broadcasting, as the notebook).

    ``deadline`` (a ``time.perf_counter()`` value): raise ``OutOfBudget`` once the clock has
    passed it, checked every ``LOOP_CHECK_ROWS`` rows. A loop is many small operations, and on
    a busy machine with several threads each may stall, so one call can take many times its
    prediction; the check keeps the budget without a measurable cost (one clock read per
    ``LOOP_CHECK_ROWS`` rows of at least two tensor operations each).
    """
    C = A.new_empty(A.shape[0], B.shape[0])
    for i in range(A.shape[0]):
        C[i] = (A[i] * B).sum(dim=1)
        if i % LOOP_CHECK_ROWS == 0:
            _check_clock(deadline)
    return C


def double_loop(A: torch.Tensor, B: torch.Tensor, deadline: float | None = None) -> torch.Tensor:
    """C = A Bᵀ one entry at a time: C[i, j] = sum_k A[i, k] B[j, k]; n² tensor operations.

    ``deadline``: as in ``row_loop``, checked after every row of C.
    """
    C = A.new_empty(A.shape[0], B.shape[0])
    for i in range(A.shape[0]):
        for j in range(B.shape[0]):
            C[i, j] = (A[i] * B[j]).sum()
        _check_clock(deadline)
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


def _method_fn(method: str, A: torch.Tensor, B: torch.Tensor, a_np: np.ndarray, b_np: np.ndarray,
               deadline: float | None = None) -> Callable[[], Any]:
    """The call that computes C by ``method``; the loops stop at ``deadline`` (``OutOfBudget``).

    One operation (torch.mm, NumPy's matmul) cannot be stopped, but at the largest sizes it
    lasts about 0.35 s here, and it is predicted.
    """
    if method == "row_loop":
        return lambda: row_loop(A, B, deadline)
    if method == "double_loop":
        return lambda: double_loop(A, B, deadline)
    if method == "torch_mm":
        return lambda: torch.mm(A, B.T)
    return lambda: a_np @ b_np.T


def _inputs(n: int, k: int, dtype: torch.dtype, seed: int) -> tuple[np.ndarray, np.ndarray, torch.Tensor, torch.Tensor]:
    """A, B ~ N(0, 1) of n x k, rounded to ``dtype``; float64 copies of the rounded values.

    Drawn in float32 (five times faster than float64 draws at 4096 x 1024, and the draw is
    preparation the budget cannot predict for the first size).
    """
    gen = torch.Generator().manual_seed(seed)
    A = torch.randn(n, k, generator=gen, dtype=torch.float32).to(dtype)
    B = torch.randn(n, k, generator=gen, dtype=torch.float32).to(dtype)
    return A.double().numpy(), B.double().numpy(), A, B


class _Budget:
    """A deadline and the test every piece of work passes before it starts."""

    def __init__(self, seconds: float) -> None:
        self.start = time.perf_counter()
        self.deadline = self.start + seconds

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def fits(self, predicted_s: float) -> bool:
        """Whether work predicted to take ``predicted_s`` (already times SAFETY) ends in time."""
        return predicted_s <= self.left()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start


def _timed(fn: Callable[[], Any], sync: Callable[[], None]) -> tuple[float, Any]:
    """(seconds, result) of one call of ``fn``, the device synchronised around it."""
    sync()
    t0 = time.perf_counter()
    out = fn()
    sync()
    return time.perf_counter() - t0, out


def _predict_from_rows(call_on_rows: Callable[[int], Any], n: int, sync: Callable[[], None], budget: _Budget) -> float:
    """Seconds one call on all n rows should take, from calls on a few rows of A.

    The work of C = A Bᵀ grows with the rows of A, on top of a fixed cost per call (the
    launch, and on a busy machine a stall: two threads on two loaded cores made a one-row
    torch.mm take 6 ms). The probe doubles the rows from one until the time grows with them
    (doubling the rows costs at least half as much again, and a call lasts ``PROBE_MIN_S``),
    then extends the straight line through the last two points to n rows. If that never
    happens by n/PROBE_FRACTION rows, it scales the last time by the rows, which overstates
    a fixed cost at most PROBE_FRACTION times. Each point is the faster of two calls (one may
    be preempted). The probe itself is bounded: it stops with the scaled estimate once it has
    used ``PROBE_SHARE`` of the time that was left, and returns inf as soon as a call on a
    few rows (a lower bound for all n) already would not fit.
    """

    def fastest(r: int) -> float:
        call = functools.partial(call_on_rows, r)
        return min(_timed(call, sync)[0], _timed(call, sync)[0])

    top = max(1, -(-n // PROBE_FRACTION))
    stop = time.perf_counter() + PROBE_SHARE * max(budget.left(), 0.0)
    try:
        r, t = 1, fastest(1)
        while r < top:
            if not budget.fits(SAFETY * t):
                return math.inf
            if time.perf_counter() > stop:
                break
            r2 = min(2 * r, top)
            t2 = fastest(r2)
            if t2 >= PROBE_MIN_S and t2 >= 1.5 * t:
                return t2 + (n - r2) * (t2 - t) / (r2 - r)
            r, t = r2, t2
    except OutOfBudget:  # a probe call stopped at the deadline: nothing more fits
        return math.inf
    return t * n / r


def _trim_heap() -> None:
    """Give freed heap memory back to the system (glibc's ``malloc_trim``; a no-op elsewhere).

    The benchmarks free hundreds of MB of temporaries; glibc keeps freed heap blocks for
    reuse, so without this the server's RSS would stay near the run's peak. (No
    ``gc.collect()``: nothing here makes reference cycles, and it costs 130 ms in a server.)
    """
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _cell_cost(call_s: float) -> float:
    """Predicted seconds of ``measure`` for a call of ``call_s``: a cold and a warm call and one
    block, which lasts at least MIN_BLOCK_S and at most one call more."""
    return SAFETY * 3 * call_s + MIN_BLOCK_S


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
    (``METHOD_MAX_SIZE``) or when its predicted cost would not fit in what is left of
    ``budget_s``: a call's time is extrapolated from the method's previous size by (n / n0)²
    (the work is n² k), or, for its first size or a jump above ``MAX_EXTRAPOLATION``, from a
    probe on a few rows of A (``_predict_from_rows``); the cell costs a cold, a warm and at
    least one timed call (``_cell_cost``, with ``SAFETY``), and the loops stop themselves at
    the deadline. A method that did not fit is not tried at larger sizes. A size's
    preparation (inputs and reference, on one thread, work proportional to n k) is predicted
    from the previous size's; once it does not fit, every larger size is skipped. Each result is checked against NumPy in float64 on
    ``CHECK_ROWS`` evenly spaced rows (``MatmulReference``). Runs inside ``benchmark_slot``
    (busy -> LabError) with torch on ``threads`` threads.
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
    sync = _synchronizer(dev, True)
    with benchmark_slot(), benchmark_threads(threads):
        budget = _Budget(budget_s)
        last: dict[str, tuple[int, float]] = {}  # method -> (size, median seconds per call)
        prepared: tuple[int, float] | None = None  # (size, seconds) of the last preparation
        over: set[str] = set()  # methods that did not fit at a smaller size: larger ones cost more
        for n in sizes:
            wanted = [m for m in methods if n <= METHOD_MAX_SIZE.get(m, MAX_SIZE[dev.type])]
            skipped += [Skipped(m, n, "size_limit") for m in methods if m not in wanted]
            skipped += [Skipped(m, n, "budget") for m in wanted if m in over]
            wanted = [m for m in wanted if m not in over]
            if not wanted:
                continue
            ready = budget.left() > 0 if prepared is None else budget.fits(SAFETY * prepared[1] * n / prepared[0])
            if not ready:
                skipped += [Skipped(m, n, "budget") for m in wanted]
                over.update(wanted)
                continue
            t0 = time.perf_counter()
            with benchmark_threads(1):  # preparation, not measured: one thread never stalls on a busy core
                a64, b64, A, B = _inputs(n, inner, dt, seed + n)
                A, B = A.to(dev), B.to(dev)
                a_np, b_np = A.cpu().numpy(), B.cpu().numpy()
                reference = MatmulReference(a64, b64, dt, max_rows=CHECK_ROWS)
                del a64, b64
            prepared = (n, time.perf_counter() - t0)
            for method in wanted:
                if budget.left() <= 0:
                    skipped.append(Skipped(method, n, "budget"))
                    over.add(method)
                    continue
                # unsynchronised GPU medians time only the launches: predict those from a probe
                if synchronize and method in last and n / last[method][0] <= MAX_EXTRAPOLATION:
                    n0, t_call = last[method]
                    call_s = t_call * (n / n0) ** 2
                else:  # a probe's loop can run out of time too: then inf, the cell is skipped
                    call_s = _predict_from_rows(
                        lambda r, m=method, A=A, B=B, a=a_np, b=b_np: _method_fn(m, A[:r], B, a[:r], b, budget.deadline)(),
                        n, sync, budget)
                if not budget.fits(_cell_cost(call_s)):
                    skipped.append(Skipped(method, n, "budget"))
                    over.add(method)
                    continue
                fn = _method_fn(method, A, B, a_np, b_np, budget.deadline)
                try:
                    m, out = measure(fn, repeats=repeats, device=dev, synchronize=synchronize, deadline=budget.deadline)
                except OutOfBudget:  # slower than predicted: the cold call ran, nothing more
                    skipped.append(Skipped(method, n, "budget"))
                    over.add(method)
                    continue
                last[method] = (n, m.median_s)
                err, ratio = reference.check(out)
                del out
                timings.append(Timing(method, n, m.median_s, m.q1_s, m.q3_s, len(m.times_s),
                                      m.calls_per_block, m.first_call_s, err, ratio))
        A = B = a_np = b_np = reference = None  # freed before _trim_heap gives the memory back
        elapsed = budget.elapsed()
    _trim_heap()  # hundreds of MB of temporaries were freed: give them back to the system
    return VectorizationResult(
        device=str(dev), dtype=dtype, inner=inner, sizes=sizes, methods=methods, repeats=repeats,
        synchronize=synchronize, budget_s=budget_s, elapsed_s=elapsed, threads=threads,
        timings=tuple(timings), skipped=tuple(sorted(skipped, key=lambda c: (c.n, METHODS.index(c.method)))),
    )


# --------------------------------------------------------------------------------------------
# In-place updates: bytes allocated per iteration, data_ptr, time
# --------------------------------------------------------------------------------------------


class _State:
    """Holds C so that a rebinding update (C = C + D) can replace it between calls."""

    def __init__(self, C: torch.Tensor) -> None:
        self.C = C


def _update_step(variant: str, s: _State, D: torch.Tensor | None, A: torch.Tensor, B: torch.Tensor) -> Callable[[], None]:
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


def _kineto_allocations(step: Callable[[], None], iterations: int) -> int:
    """Bytes ``iterations`` calls of ``step`` allocate, by torch.profiler (Kineto).

    The fallback: Kineto's first start costs 1-2 s and 130-170 MB of RSS that the process
    keeps (measured on the server).
    """
    from torch.profiler import ProfilerActivity, profile

    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        for _ in range(iterations):
            step()
    return _positive_cpu_allocations(prof)


def _legacy_allocations(step: Callable[[], None], iterations: int) -> int:
    """Bytes ``iterations`` calls of ``step`` allocate on the CPU, by the legacy autograd profiler.

    The CPU allocator reports every allocation and free to an enabled profiler (the same
    hook Kineto's memory events come from); the legacy profiler records them without
    starting Kineto: no warm-up, a few MB. Only this thread's allocations are seen, so
    other sessions computing meanwhile do not count. Sum of the positive records.
    """
    from torch.autograd import ProfilerConfig, ProfilerState, _disable_profiler_legacy, _enable_profiler_legacy

    config = ProfilerConfig(ProfilerState.CPU, False, True, False, False, False,
                            torch._C._profiler._ExperimentalConfig())
    _enable_profiler_legacy(config)
    try:
        for _ in range(iterations):
            step()
    finally:
        records = _disable_profiler_legacy()
    return int(sum(r.cpu_memory_usage() for thread in records for r in thread
                   if r.kind() == "memory_alloc" and r.cpu_memory_usage() > 0))


CPU_MEMORY_METHODS = ("torch.autograd.profiler_legacy", "torch.profiler")


@functools.lru_cache(maxsize=1)
def cpu_memory_method() -> str:
    """How CPU allocations are counted here: the legacy profiler if it counts a known
    allocation exactly (two 1000-float tensors: 8000 bytes), else torch.profiler."""
    try:
        if _legacy_allocations(lambda: torch.empty(1000, dtype=torch.float32), 2) == 8000:
            return CPU_MEMORY_METHODS[0]
    except (ImportError, AttributeError, RuntimeError, TypeError):  # pragma: no cover - torch internals
        pass
    return CPU_MEMORY_METHODS[1]  # pragma: no cover - only where the legacy profiler moved


def bytes_per_iteration(step: Callable[[], None], device: torch.device, iterations: int = PROFILED_ITERATIONS) -> float | None:
    """Bytes allocated per call of ``step`` (after one warm-up call); None where not measurable.

    CPU: the allocation records of ``cpu_memory_method()`` (the legacy autograd profiler, or
    torch.profiler where that is missing), summed over the positive ones: every allocation,
    including a temporary freed inside the same operator. CUDA: the delta of
    ``torch.cuda.memory_stats()["allocated_bytes.all.allocated"]``, which counts every
    allocation, including those the caching allocator serves from its cache.
    """
    step()
    if device.type == "cpu":
        if cpu_memory_method() == CPU_MEMORY_METHODS[0]:
            return _legacy_allocations(step, iterations) / iterations
        return _kineto_allocations(step, iterations) / iterations  # pragma: no cover - fallback
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


def _update_row(
    variant: str,
    n: int,
    dt: torch.dtype,
    dev: torch.device,
    A: torch.Tensor,
    B: torch.Tensor,
    D: torch.Tensor | None,
    reference: MatmulReference,
    budget: _Budget,
    repeats: int,
    add_s: float,
    mm_s: float,
    share: float,
) -> tuple[UpdateResult | None, float]:
    """One update variant on a fresh C = 0, or None where the budget would not hold it; and
    the time of one update (inf if none ran).

    The first update is predicted from ``add_s`` (the fastest add-only update so far; inf
    before any: then the time to fill C stands in), ``mm_s`` for the matmul forms, and one
    fill of C for a result the update may allocate; the rest (eight updates and a block)
    from the first update. The timed blocks stop at ``share`` (a ``time.perf_counter()``
    value), this variant's part of the budget. Locals die on return, so a skipped variant's C
    is freed at once.
    """
    sync = _synchronizer(dev, True)
    fill_s, C = _timed(lambda: torch.zeros(n, n, dtype=dt, device=dev), sync)
    s = _State(C)
    del C
    step = _update_step(variant, s, D, A, B)
    first = (fill_s if math.isinf(add_s) else add_s) + fill_s + (mm_s if UPDATE_WORK[variant] == "matmul_add" else 0.0)
    if not budget.fits(SAFETY * first):
        return None, math.inf
    ptr = s.C.data_ptr()
    step_s, _ = _timed(step, sync)
    kept = s.C.data_ptr() == ptr
    # what is left: a second checked update, 1 + PROFILED_ITERATIONS counted ones, and in
    # ``measure`` a cold, a warm and at least one block
    if not budget.fits(SAFETY * step_s * (4 + PROFILED_ITERATIONS) + MIN_BLOCK_S):
        return None, step_s
    ptr = s.C.data_ptr()
    second, _ = _timed(step, sync)
    kept = kept and s.C.data_ptr() == ptr
    err, ratio = reference.check(s.C, terms=2)
    allocated = bytes_per_iteration(step, dev)
    try:
        # the share, but never less than a warm update and one block (checked to fit above)
        floor = time.perf_counter() + 2 * step_s + MIN_BLOCK_S
        m, _ = measure(step, repeats=repeats, device=dev, deadline=min(budget.deadline, max(share, floor)))
    except OutOfBudget:
        return None, min(step_s, second)
    row = UpdateResult(variant, UPDATE_CODE[variant], UPDATE_WORK[variant], allocated, kept, m.median_s, m.q1_s,
                       m.q3_s, len(m.times_s), err, ratio)
    return row, min(step_s, second)


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
    ``terms=2`` on ``CHECK_ROWS`` evenly spaced rows) and must keep ``C.data_ptr()`` to count
    as in place; then ``bytes_per_iteration`` and a timing (``measure``).

    The budget is checked before every piece, variants cheapest first; what would not fit
    is skipped and listed. D's matmul is predicted from a few of its rows
    (``_predict_from_rows``); each variant from what was measured before it (``_update_row``);
    predictions are multiplied by ``SAFETY``. Runs inside ``benchmark_slot``.
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
    order = sorted(set(variants), key=_RUN_ORDER.index)
    memory_method = {"cpu": cpu_memory_method(), "cuda": "torch.cuda.memory_stats"}.get(dev.type, "none")
    sync = _synchronizer(dev, True)
    D: torch.Tensor | None = None
    with benchmark_slot(), benchmark_threads(threads):
        budget = _Budget(budget_s)
        with benchmark_threads(1):  # preparation, not measured: one thread never stalls on a busy core
            a64, b64, A, B = _inputs(n, inner, dt, seed + n)
            A, B = A.to(dev), B.to(dev)
            reference = MatmulReference(a64, b64, dt, max_rows=CHECK_ROWS)
            del a64, b64
            mm_s = _predict_from_rows(lambda r: torch.mm(A[:r], B.T), n, sync, budget)
            if budget.fits(SAFETY * mm_s):
                mm_s, D = _timed(lambda: torch.mm(A, B.T), sync)
            else:
                skipped, order = list(order), []
        add_s = math.inf  # the fastest add-only update measured so far
        for i, variant in enumerate(order):
            if all(UPDATE_WORK[v] != "add" for v in order[i:]):
                D = None  # only the add-only forms read D: 64 MiB less at the peak for a 4096 x 4096 C
            row, step_s = None, math.inf
            if budget.left() > 0:
                # an equal share of what is left for each variant still to run, so that the first
                # ones' repetitions do not crowd out the rest of the table
                share = time.perf_counter() + budget.left() / (len(order) - i)
                row, step_s = _update_row(variant, n, dt, dev, A, B, D, reference, budget, repeats, add_s, mm_s, share)
            if row is None:
                skipped.append(variant)
            else:
                rows.append(row)
            if UPDATE_WORK[variant] == "add":
                add_s = min(add_s, step_s)
        rows.sort(key=lambda r: UPDATE_VARIANTS.index(r.variant))
        skipped.sort(key=UPDATE_VARIANTS.index)
        elapsed = budget.elapsed()
        A = B = D = reference = None  # freed before _trim_heap gives the memory back
    _trim_heap()  # hundreds of MB of temporaries were freed: give them back to the system
    return InplaceResult(
        device=str(dev), dtype=dtype, n=n, inner=inner, c_bytes=n * n * dt.itemsize, repeats=repeats,
        budget_s=budget_s, elapsed_s=elapsed, threads=threads, memory_method=memory_method,
        rows=tuple(rows), skipped=tuple(skipped),
    )


# --------------------------------------------------------------------------------------------
# Autograd and in-place: the version counter
# --------------------------------------------------------------------------------------------

_DEMO_LINE = "x = torch.tensor([-2.0, 0.0, 1.5], dtype=torch.float64, requires_grad=True)"
_VERSION_LINES = {
    False: ((_DEMO_LINE, None), ("s = torch.sigmoid(x)", "perf.code.backward_needs"),
            ("s.mul_(2)", "perf.code.in_place"), ("s.sum().backward()", "perf.code.runtime_error")),
    True: ((_DEMO_LINE, None), ("s = torch.sigmoid(x)", None), ("t = s * 2", "perf.code.out_of_place"),
           ("t.sum().backward()", "perf.code.grad")),
}


def version_code(fixed: bool, lang: str = "en") -> str:
    """The version-counter demo's code, broken (``fixed=False``) or fixed, comments in ``lang``."""
    return _commented(_VERSION_LINES[fixed], lang, column=26)


METHOD_CODE = {m: method_code(m) for m in METHODS}  # English; ``method_code(m, lang)`` translates
VERSION_BROKEN_CODE = version_code(False)
VERSION_FIXED_CODE = version_code(True)

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


def version_counter_demo(lang: str = "en") -> VersionCounterDemo:
    """Run ``VERSION_BROKEN_CODE`` (capturing the real RuntimeError) and ``VERSION_FIXED_CODE``.

    The code is returned with its comments in ``lang``; the error message is PyTorch's own.
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
        broken_code=version_code(False, lang),
        error_message=message,
        version_before=int(before),
        version_after=int(after),
        fixed_code=version_code(True, lang),
        x=_DEMO_X,
        fixed_grad=tuple(float(g) for g in x.grad),
        expected_grad=tuple(float(g) for g in 2 * sig * (1 - sig)),
    )
