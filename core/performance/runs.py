"""One run of the page: the settings it was asked with, and both benchmarks under the page's budgets."""

from __future__ import annotations

from dataclasses import dataclass

from core.performance.inplace import InplaceResult, inplace_benchmark
from core.performance.vectorization import VectorizationResult, vectorization_benchmark


@dataclass(frozen=True)
class RunSettings:
    """The page's choices for one run; a stored result whose settings differ is stale."""

    sizes: tuple[int, ...] | None  # None where the typed sizes were refused: nothing can run
    inner: int
    device: str
    threads: int
    repeats: int
    c_size: int
    sync: bool = True


def run_both(settings: RunSettings, vec_budget_s: float, mem_budget_s: float) -> tuple[VectorizationResult, InplaceResult]:
    """``vectorization_benchmark`` on ``settings.sizes``, then ``inplace_benchmark`` on a
    ``settings.c_size`` square C, each within its own budget (seconds)."""
    s = settings
    common = {"inner": s.inner, "device": s.device, "repeats": s.repeats, "threads": s.threads}
    vec = vectorization_benchmark(s.sizes or (), budget_s=vec_budget_s, synchronize=s.sync, **common)
    mem = inplace_benchmark(s.c_size, budget_s=mem_budget_s, **common)
    return vec, mem
