"""Bytes one call allocates: the CPU allocator's records (legacy profiler), or the GPU allocator's counters."""

from __future__ import annotations

import functools
from collections.abc import Callable

import torch

from core.performance.presets import PROFILED_ITERATIONS

CPU_MEMORY_METHODS = ("torch.autograd.profiler_legacy", "torch.profiler")


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

    config = ProfilerConfig(ProfilerState.CPU, False, True, False, False, False, torch._C._profiler._ExperimentalConfig())
    _enable_profiler_legacy(config)
    try:
        for _ in range(iterations):
            step()
    finally:
        records = _disable_profiler_legacy()
    return int(
        sum(r.cpu_memory_usage() for thread in records for r in thread if r.kind() == "memory_alloc" and r.cpu_memory_usage() > 0)
    )


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
