"""The vectorization benchmark: C = A Bᵀ by loops, broadcasting and matmul, timed and checked.

The course notebook's row loop ``C[i] = (A[i] * B).sum(1)``, a double Python loop,
``torch.mm(A, B.T)`` and NumPy's ``A @ B.T``, timed with warm-up and repeated blocks (median
and interquartile range), every result checked against NumPy's matmul in float64; within a
time budget that holds (``core.performance.budget``), one run at a time (``benchmark_slot``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from core.allocator import release_memory
from core.checks import check_int
from core.devices import resolve_device, resolve_dtype
from core.errors import LabError
from core.performance.budget import MAX_EXTRAPOLATION, SAFETY, Budget, cell_cost, predict_from_rows
from core.performance.inputs import check_budget, check_sizes
from core.performance.matmul import MatmulReference, method_fn, random_inputs
from core.performance.presets import (
    CHECK_ROWS,
    DEFAULT_BUDGET_S,
    MAX_INNER,
    MAX_REPEATS,
    MAX_SIZE,
    METHOD_MAX_SIZE,
    METHODS,
    MIN_REPEATS,
)
from core.performance.queue import benchmark_slot
from core.performance.threads import benchmark_threads, check_threads
from core.performance.timing import CheckedTiming, OutOfBudget, measure, synchronizer


@dataclass(frozen=True, kw_only=True)
class Timing(CheckedTiming):
    """One method at one size: robust time, the notebook-style single shot, correctness."""

    method: str
    n: int
    calls_per_block: int
    first_call_s: float


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
        return any(s.reason == "budget" for s in self.skipped) or any(t.blocks < self.repeats for t in self.timings)

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
    probe on a few rows of A (``predict_from_rows``); the cell costs a cold, a warm and at
    least one timed call (``cell_cost``, with ``SAFETY``), and the loops stop themselves at
    the deadline. A method that did not fit is not tried at larger sizes. A size's
    preparation (inputs and reference, on one thread, work proportional to n k) is predicted
    from the previous size's; once it does not fit, every larger size is skipped. Each result
    is checked against NumPy in float64 on ``CHECK_ROWS`` evenly spaced rows
    (``MatmulReference``). Runs inside ``benchmark_slot`` (busy -> LabError) with torch on
    ``threads`` threads.
    """
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    sizes = check_sizes(sizes, dev.type)
    inner = check_int(inner, 1, MAX_INNER, name="inner")
    repeats = check_int(repeats, MIN_REPEATS, MAX_REPEATS, name="repeats")
    budget_s = check_budget(budget_s)
    threads = check_threads(threads)
    if isinstance(methods, str) or not methods or any(m not in METHODS for m in methods):
        raise LabError("err.perf_methods", allowed=", ".join(METHODS))
    methods = tuple(m for m in METHODS if m in methods)

    timings: list[Timing] = []
    skipped: list[Skipped] = []
    sync = synchronizer(dev)
    with benchmark_slot(), benchmark_threads(threads):
        budget = Budget(budget_s)
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
                a64, b64, A, B = random_inputs(n, inner, dt, seed + n)
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
                    call_s = predict_from_rows(
                        lambda r, m=method, A=A, B=B, a=a_np, b=b_np: method_fn(m, A[:r], B, a[:r], b, budget.deadline)(),
                        n,
                        sync,
                        budget,
                    )
                if not budget.fits(cell_cost(call_s)):
                    skipped.append(Skipped(method, n, "budget"))
                    over.add(method)
                    continue
                fn = method_fn(method, A, B, a_np, b_np, budget.deadline)
                try:
                    m, out = measure(fn, repeats=repeats, device=dev, synchronize=synchronize, deadline=budget.deadline)
                except OutOfBudget:  # slower than predicted: the cold call ran, nothing more
                    skipped.append(Skipped(method, n, "budget"))
                    over.add(method)
                    continue
                last[method] = (n, m.median_s)
                error = reference.check(out)
                del out
                timings.append(
                    Timing.of(m, error, method=method, n=n, calls_per_block=m.calls_per_block, first_call_s=m.first_call_s)
                )
        A = B = a_np = b_np = reference = None  # freed before release_memory gives the memory back
        elapsed = budget.elapsed()
    release_memory()  # hundreds of MB of temporaries were freed: give them back to the system
    return VectorizationResult(
        device=str(dev),
        dtype=dtype,
        inner=inner,
        sizes=sizes,
        methods=methods,
        repeats=repeats,
        synchronize=synchronize,
        budget_s=budget_s,
        elapsed_s=elapsed,
        threads=threads,
        timings=tuple(timings),
        skipped=tuple(sorted(skipped, key=lambda c: (c.n, METHODS.index(c.method)))),
    )
