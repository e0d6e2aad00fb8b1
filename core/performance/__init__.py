"""The Performance lab: C = A Bᵀ timed properly, and in-place updates that allocate nothing."""

from __future__ import annotations

from core.performance.compute import (
    InplaceResult,
    VectorizationResult,
    benchmark_slot,
    inplace_benchmark,
    measure,
    parse_sizes,
    vectorization_benchmark,
    version_counter_demo,
)

__all__ = [
    "InplaceResult",
    "VectorizationResult",
    "benchmark_slot",
    "inplace_benchmark",
    "measure",
    "parse_sizes",
    "vectorization_benchmark",
    "version_counter_demo",
]
