"""Synthetic vectorization results for the figure and table tests: no timing involved."""

from __future__ import annotations

from core.performance.vectorization import Skipped, Timing, VectorizationResult


def synthetic_result(
    per_call: dict[str, float],
    sizes: tuple[int, ...] = (64, 128),
    spread: float = 1.2,
    cold: dict[str, float] | None = None,
    skipped: tuple[Skipped, ...] = (),
) -> VectorizationResult:
    """A run where median = per_call[method] · n², quartiles at /spread and ·spread, and the
    single first call lasts ``cold[method]`` times the median (1 by default)."""
    timings = []
    for n in sizes:
        for method, per in per_call.items():
            med = per * n * n
            first = med * (cold or {}).get(method, 1.0)
            timings.append(
                Timing(
                    method=method,
                    n=n,
                    median_s=med,
                    q1_s=med / spread,
                    q3_s=med * spread,
                    blocks=7,
                    calls_per_block=1,
                    first_call_s=first,
                    max_abs_error=1e-6,
                    error_ratio=0.01,
                )
            )
    return VectorizationResult(
        "cpu", "float32", 256, tuple(sizes), tuple(per_call), 7, True, 8.0, 1.0, 1, tuple(timings), skipped
    )
