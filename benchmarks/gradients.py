"""Benchmark: core.gradient_field against the same computation written by hand, and its memory.

Run: python benchmarks/gradients.py [--reps N]
Prints, at 1000 × 1000 points in float64 on the CPU (one thread):
- the median time of gradient_field and of the same work by hand (torch autograd on the meshgrid,
  plus NumPy evaluation of the partial derivatives SymPy gives, written out), interleaved after a
  warm-up, with the interquartile range, the ratio of the medians (target <= 1.3) and the median
  of the back-to-back pairs' ratios (steadier on a busy machine);
- the resident memory of a fresh process before, at peak (sampled every 5 ms in a thread) and
  after one gradient_field call, for that expression and for a large one (a graph of ~180 nodes),
  whose autograd runs in blocks: the peak is what one request adds to a server;
- descend's cost per step against a bare torch.optim loop on the same expression.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import psutil
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.expression.parser import parse
from core.gradients import descend, gradient_field

TEXT = "sin(x)*cos(y) + x**2*y"
LARGE = "tanh(sin(x*y)**3+exp(cos(x-y))*log(1+x**2+y**2))*sigmoid(x*y-x/3)+atan(x**2*y**3)*cosh(x/5-y/7)**2"
POINTS = 1000


def by_hand(points: int = POINTS) -> float:
    """torch autograd over the grid, and ∂f/∂x = cos x cos y + 2xy, ∂f/∂y = -sin x sin y + x² in NumPy."""
    xs = torch.linspace(-3.0, 3.0, points, dtype=torch.float64)
    ys = torch.linspace(-3.0, 3.0, points, dtype=torch.float64)
    Y, X = torch.meshgrid(ys, xs, indexing="ij")
    X, Y = X.detach().requires_grad_(True), Y.detach().requires_grad_(True)
    f = torch.sin(X) * torch.cos(Y) + X**2 * Y
    gx, gy = torch.autograd.grad(f.sum(), (X, Y))
    x, y = xs.numpy()[None, :], ys.numpy()[:, None]
    ex = np.cos(x) * np.cos(y) + 2 * x * y
    ey = -np.sin(x) * np.sin(y) + x**2
    return max(float(np.max(np.abs(gx.numpy() - ex))), float(np.max(np.abs(gy.numpy() - ey))))


def with_core(points: int = POINTS) -> float:
    return gradient_field(TEXT, points=points).max_abs_error


def timed(reps: int) -> tuple[list[float], list[float]]:
    for fn in (by_hand, with_core):  # warm-up: allocation, dispatch, and SymPy's partials (remembered)
        fn()
    hand, core = [], []
    for _ in range(reps):  # interleaved, so drifts in machine load hit both alike
        t0 = time.perf_counter()
        by_hand()
        t1 = time.perf_counter()
        with_core()
        t2 = time.perf_counter()
        hand.append(t1 - t0)
        core.append(t2 - t1)
    return hand, core


def spread(ts: list[float]) -> str:
    q = statistics.quantiles(ts, n=4)
    return f"{statistics.median(ts) * 1e3:8.1f} ms (IQR {q[0] * 1e3:.1f}-{q[2] * 1e3:.1f})"


def rss_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def peak_rss(fn) -> tuple[float, float, float]:
    """RSS before, at peak while ``fn()`` runs, and after (MB)."""
    gc.collect()
    before = rss_mb()
    peak = [before]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], rss_mb())
            time.sleep(0.005)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        fn()
    finally:
        done.set()
        t.join()
    gc.collect()
    return before, max(peak[0], rss_mb()), rss_mb()


def per_step(text: str, steps: int = 2000) -> tuple[float, float]:
    """Seconds per step of descend and of a bare torch.optim SGD loop on the same Expression."""
    expr = parse(text, variables=("x", "y"))

    def bare() -> None:
        p = torch.tensor([-1.0, 1.0], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.SGD([p], lr=1e-3)
        for _ in range(steps):
            opt.zero_grad()
            expr(p[0], p[1]).backward()
            opt.step()

    bare()
    descend(text, (-1.0, 1.0), lr=1e-3, steps=steps)
    a, b = [], []
    for _ in range(3):
        t0 = time.perf_counter()
        descend(text, (-1.0, 1.0), lr=1e-3, steps=steps)
        t1 = time.perf_counter()
        bare()
        t2 = time.perf_counter()
        a.append((t1 - t0) / steps)
        b.append((t2 - t1) / steps)
    return min(a), min(b)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--rss", metavar="TEXT", help="only measure the memory of one call, in this process")
    args = ap.parse_args()
    torch.set_num_threads(1)
    if args.rss:
        gradient_field(args.rss, points=10)  # SymPy's partials first: the child's memory is not ours
        print(" ".join(f"{v:.1f}" for v in peak_rss(lambda: gradient_field(args.rss, points=POINTS))))
        return 0
    print(f"gradient_field vs by hand: {TEXT}, {POINTS} x {POINTS}, float64, CPU, torch {torch.__version__}, 1 thread")
    hand, core = timed(args.reps)
    ratio = statistics.median(core) / statistics.median(hand)
    # each pair ran back to back under the same load: the median of the pairs' ratios is the steadier figure
    pairs = [c / h for h, c in zip(hand, core, strict=True)]
    q = statistics.quantiles(pairs, n=4)
    print(f"  by hand {spread(hand)}   core {spread(core)}")
    print(f"  ratio of medians {ratio:.2f}; median of paired ratios {statistics.median(pairs):.2f} (IQR {q[0]:.2f}-{q[2]:.2f})")
    print("  target: ratio of medians <= 1.3")
    ok = ratio <= 1.3
    for name, text in (("small", TEXT), ("large", LARGE)):
        run = subprocess.run([sys.executable, __file__, "--rss", text], capture_output=True, text=True, check=True)
        before, peak, after = (float(v) for v in run.stdout.split())
        print(
            f"  RSS {name:5s} expression: before {before:7.1f} MB  peak {peak:7.1f} MB (+{peak - before:.1f})  after {after:7.1f} MB"
        )
    core_step, bare_step = per_step("(1 - x)**2 + 100*(y - x**2)**2")
    print(
        f"descend: {core_step * 1e6:.0f} us/step, bare torch.optim loop {bare_step * 1e6:.0f} us/step, ratio {core_step / bare_step:.2f}"
    )
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
