"""Benchmark: core.differentiate against the same computation written by hand, and chart size.

Run: python benchmarks/derivatives.py
Prints, for 1e3, 1e5 and 1e6 points, the median time of each (interleaved runs, after a
warm-up) with the interquartile range, their ratio, and the byte size of the chart spec that
the Derivatives page sends to the browser. Targets: ratio <= 1.3 at 1e6 points; spec <= 300 KB.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import plotly.io as pio
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.derivatives import differentiate
from core.derivatives.figures import derivative_figure

TEXT = "x**2*sin(x)"


def by_hand(points: int) -> float:
    """torch autograd plus NumPy evaluation of the derivative SymPy gives: 2x sin x + x^2 cos x."""
    x = torch.linspace(-10.0, 10.0, points, dtype=torch.float64, requires_grad=True)
    y = x**2 * torch.sin(x)
    y.sum().backward()
    df = x.grad.numpy()
    xn = x.detach().numpy()
    exact = 2 * xn * np.sin(xn) + xn**2 * np.cos(xn)
    ok = np.isfinite(df) & np.isfinite(exact)
    return float(np.max(np.abs(df[ok] - exact[ok])))


def with_core(points: int) -> float:
    return differentiate(TEXT, start=-10.0, stop=10.0, points=points).max_abs_error


def measure(points: int, reps: int) -> tuple[list[float], list[float]]:
    for fn in (by_hand, with_core):  # warm-up: first calls pay for allocation and dispatch set-up
        fn(points)
    hand, core = [], []
    for _ in range(reps):  # interleaved, so drifts in machine load hit both alike
        t0 = time.perf_counter()
        by_hand(points)
        t1 = time.perf_counter()
        with_core(points)
        t2 = time.perf_counter()
        hand.append(t1 - t0)
        core.append(t2 - t1)
    return hand, core


def spread(ts: list[float]) -> str:
    q = statistics.quantiles(ts, n=4)
    return f"{statistics.median(ts) * 1e3:8.2f} ms (IQR {q[0] * 1e3:.2f}-{q[2] * 1e3:.2f})"


def main() -> int:
    torch.set_num_threads(1)
    ok = True
    print(f"expression: {TEXT}, float64, CPU, torch {torch.__version__}, 1 thread")
    for points, reps in ((1_000, 200), (100_000, 30), (1_000_000, 15)):
        hand, core = measure(points, reps)
        ratio = statistics.median(core) / statistics.median(hand)
        fig = derivative_figure(differentiate(TEXT, points=points))
        spec = len(pio.to_json(fig, validate=False).encode())
        print(
            f"{points:>9,} pts  by hand {spread(hand)}  core {spread(core)}  ratio {ratio:5.2f}  chart spec {spec / 1024:6.1f} KB"
        )
        ok &= spec <= 300 * 1024
        if points == 1_000_000:
            ok &= ratio <= 1.3
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
