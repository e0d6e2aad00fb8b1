"""The in-place benchmark: C <- A Bᵀ + C written seven ways; bytes allocated, data_ptr, time, correctness.

The bytes each iteration allocates come from ``core.performance.allocations`` (CPU: the
allocation events of PyTorch's legacy autograd profiler, which needs no Kineto; CUDA: the
caching allocator's counters); an update is in place when ``C.data_ptr()`` stays the same.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

from core.allocator import release_memory
from core.checks import check_int
from core.devices import resolve_device, resolve_dtype
from core.errors import LabError
from core.performance.allocations import bytes_per_iteration, cpu_memory_method
from core.performance.budget import SAFETY, Budget, predict_from_rows
from core.performance.code import UPDATE_CODE
from core.performance.inputs import check_budget
from core.performance.matmul import MatmulReference, random_inputs
from core.performance.presets import (
    CHECK_ROWS,
    MAX_INNER,
    MAX_REPEATS,
    MIN_BLOCK_S,
    MIN_REPEATS,
    PROFILED_ITERATIONS,
    UPDATE_VARIANTS,
    UPDATE_WORK,
    max_size,
)
from core.performance.queue import benchmark_slot
from core.performance.threads import benchmark_threads, check_threads
from core.performance.timing import CheckedTiming, OutOfBudget, measure, synchronizer, timed

# Cheapest first, so a budget cut drops the out-of-place matmul baseline before the fused forms.
RUN_ORDER = ("iadd", "add_", "slice_assign", "rebind", "addmm_", "addmm_out", "rebind_matmul")


@dataclass(frozen=True, kw_only=True)
class UpdateResult(CheckedTiming):
    """One way of writing C <- A Bᵀ + C: allocation, storage identity, time, correctness."""

    variant: str
    code: str
    work: str
    bytes_per_iter: float | None
    keeps_data_ptr: bool


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

    steps = {
        "rebind": rebind,
        "slice_assign": slice_assign,
        "iadd": iadd,
        "add_": add_,
        "rebind_matmul": rebind_matmul,
        "addmm_out": addmm_out,
        "addmm_": addmm_,
    }
    return steps[variant]


def _update_row(
    variant: str,
    n: int,
    dt: torch.dtype,
    dev: torch.device,
    A: torch.Tensor,
    B: torch.Tensor,
    D: torch.Tensor | None,
    reference: MatmulReference,
    budget: Budget,
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
    sync = synchronizer(dev)
    fill_s, C = timed(lambda: torch.zeros(n, n, dtype=dt, device=dev), sync)
    s = _State(C)
    del C
    step = _update_step(variant, s, D, A, B)
    first = (fill_s if math.isinf(add_s) else add_s) + fill_s + (mm_s if UPDATE_WORK[variant] == "matmul_add" else 0.0)
    if not budget.fits(SAFETY * first):
        return None, math.inf
    ptr = s.C.data_ptr()
    step_s, _ = timed(step, sync)
    kept = s.C.data_ptr() == ptr
    # what is left: a second checked update, 1 + PROFILED_ITERATIONS counted ones, and in
    # ``measure`` a cold, a warm and at least one block
    if not budget.fits(SAFETY * step_s * (4 + PROFILED_ITERATIONS) + MIN_BLOCK_S):
        return None, step_s
    ptr = s.C.data_ptr()
    second, _ = timed(step, sync)
    kept = kept and s.C.data_ptr() == ptr
    error = reference.check(s.C, terms=2)
    allocated = bytes_per_iteration(step, dev)
    try:
        # the share, but never less than a warm update and one block (checked to fit above)
        floor = time.perf_counter() + 2 * step_s + MIN_BLOCK_S
        m, _ = measure(step, repeats=repeats, device=dev, deadline=min(budget.deadline, max(share, floor)))
    except OutOfBudget:
        return None, min(step_s, second)
    row = UpdateResult.of(
        m,
        error,
        variant=variant,
        code=UPDATE_CODE[variant],
        work=UPDATE_WORK[variant],
        bytes_per_iter=allocated,
        keeps_data_ptr=kept,
    )
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
    (``predict_from_rows``); each variant from what was measured before it (``_update_row``);
    predictions are multiplied by ``SAFETY``. Runs inside ``benchmark_slot``.
    """
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    n = check_int(n, 1, max_size(dev.type), name="n")
    inner = check_int(inner, 1, MAX_INNER, name="inner")
    repeats = check_int(repeats, MIN_REPEATS, MAX_REPEATS, name="repeats")
    budget_s = check_budget(budget_s)
    threads = check_threads(threads)
    if isinstance(variants, str) or not variants or any(v not in UPDATE_VARIANTS for v in variants):
        raise LabError("err.perf_variants", allowed=", ".join(UPDATE_VARIANTS))

    rows: list[UpdateResult] = []
    skipped: list[str] = []
    order = sorted(set(variants), key=RUN_ORDER.index)
    memory_method = {"cpu": cpu_memory_method(), "cuda": "torch.cuda.memory_stats"}.get(dev.type, "none")
    sync = synchronizer(dev)
    D: torch.Tensor | None = None
    with benchmark_slot(), benchmark_threads(threads):
        budget = Budget(budget_s)
        with benchmark_threads(1):  # preparation, not measured: one thread never stalls on a busy core
            a64, b64, A, B = random_inputs(n, inner, dt, seed + n)
            A, B = A.to(dev), B.to(dev)
            reference = MatmulReference(a64, b64, dt, max_rows=CHECK_ROWS)
            del a64, b64
            mm_s = predict_from_rows(lambda r: torch.mm(A[:r], B.T), n, sync, budget)
            if budget.fits(SAFETY * mm_s):
                mm_s, D = timed(lambda: torch.mm(A, B.T), sync)
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
        A = B = D = reference = None  # freed before release_memory gives the memory back
    release_memory()  # hundreds of MB of temporaries were freed: give them back to the system
    return InplaceResult(
        device=str(dev),
        dtype=dtype,
        n=n,
        inner=inner,
        c_bytes=n * n * dt.itemsize,
        repeats=repeats,
        budget_s=budget_s,
        elapsed_s=elapsed,
        threads=threads,
        memory_method=memory_method,
        rows=tuple(rows),
        skipped=tuple(skipped),
    )
