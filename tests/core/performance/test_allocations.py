"""Counting allocations without torch.profiler: same bytes, a fraction of the memory.

The legacy autograd profiler reads the same allocator records as torch.profiler (Kineto) but
does not start Kineto, whose first start kept 130-170 MB in the server for good.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
import torch

from core.performance.allocations import (
    CPU_MEMORY_METHODS,
    _kineto_allocations,
    _legacy_allocations,
    bytes_per_iteration,
    cpu_memory_method,
)
from core.performance.inplace import inplace_benchmark
from tests.conftest import ROOT

N = 192
FLOAT = 4


def _steps() -> dict:
    gen = torch.Generator().manual_seed(0)
    A, B = torch.randn(N, 48, generator=gen), torch.randn(N, 48, generator=gen)
    D = A @ B.T
    X = torch.randn(64, 64, generator=gen, dtype=torch.float64) + 64 * torch.eye(64, dtype=torch.float64)
    state = {"C": torch.zeros(N, N)}

    def rebind():
        state["C"] = state["C"] + D

    def slice_assign():
        state["C"][:] = D + state["C"]

    def rebind_matmul():
        state["C"] = state["C"] + A @ B.T

    return {
        "rebind": rebind,
        "slice_assign": slice_assign,
        "rebind_matmul": rebind_matmul,
        "add_": lambda: state["C"].add_(D),
        "addmm_": lambda: state["C"].addmm_(A, B.T),
        "contiguous_of_transpose": lambda: X.T.contiguous(),
        "solve_with_workspace": lambda: torch.linalg.solve(X, X),  # temporaries freed inside one operator
        "sort": lambda: torch.sort(X.flatten()),
    }


def test_legacy_profiler_is_the_cpu_method_here():
    assert cpu_memory_method() == CPU_MEMORY_METHODS[0] == "torch.autograd.profiler_legacy"


def test_inplace_result_names_the_method_used():
    result = inplace_benchmark(64, inner=8, repeats=3, budget_s=5.0, variants=("iadd",))
    assert result.memory_method == cpu_memory_method()


@pytest.mark.parametrize("name", list(_steps()))
def test_legacy_count_equals_torch_profiler(name):
    # torch.profiler (Kineto) is the independent reference: the same records, another collector
    step = _steps()[name]
    step()
    assert _legacy_allocations(step, 3) == _kineto_allocations(step, 3)


@pytest.mark.parametrize(
    ("name", "c_sizes"),
    [("rebind", 1), ("slice_assign", 1), ("rebind_matmul", 2), ("add_", 0), ("addmm_", 0)],
)
def test_bytes_per_iteration_counts_whole_c_results(name, c_sizes):
    got = bytes_per_iteration(_steps()[name], torch.device("cpu"))
    assert got == c_sizes * N * N * FLOAT


def test_only_this_threads_allocations_count():
    import threading

    stop = threading.Event()

    def other_session() -> None:
        while not stop.is_set():
            torch.empty(100_000)

    th = threading.Thread(target=other_session)
    th.start()
    try:
        got = _legacy_allocations(lambda: torch.empty(1000), 5)
    finally:
        stop.set()
        th.join(10)
    assert got == 5 * 1000 * FLOAT


def test_count_survives_a_failing_step():
    def failing() -> None:
        torch.empty(10)
        raise RuntimeError("step failed")

    with pytest.raises(RuntimeError):
        _legacy_allocations(failing, 1)
    assert _legacy_allocations(lambda: torch.empty(250), 1) == 250 * FLOAT  # the profiler was switched off


RSS_SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    import torch
    from core.performance import inplace_benchmark, vectorization_benchmark

    def rss():
        return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20

    torch.zeros(1) + 1
    before = rss()
    vectorization_benchmark([32, 64, 128, 256, 512], inner=256, repeats=3, budget_s=8.0)
    inplace_benchmark(1024, inner=256, repeats=3, budget_s=6.0)
    print(rss() - before)
""")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/statm")
def test_default_run_leaves_little_resident_memory():
    # the page's default run in a fresh process: +144 MB left behind with torch.profiler,
    # +11 MB with the legacy counter and malloc_trim (measured here)
    out = subprocess.run(
        [sys.executable, "-c", RSS_SCRIPT.format(root=str(ROOT))], capture_output=True, text=True, timeout=120, check=True
    )
    grown = float(out.stdout.split()[-1])
    assert grown < 60, f"RSS grew by {grown:.0f} MB"
