"""Benchmark: the performance lab's figures, all measured in this one run.

Run: python benchmarks/perf_lab.py [--device cuda] [--threads 1] [--json benchmarks/results/perf_lab.json]
     python benchmarks/perf_lab.py --page   (only 5: the page's memory and time per "Medir")

Prints
1. the notebook's way: a fresh Python process (cold torch), one time.time() around the row loop
   and one around torch.mm at 128 x 256; repeated in a few fresh processes;
2. the robust way (core.vectorization_benchmark): median and IQR per method and size, and the
   speed-up of torch.mm and NumPy over the row loop; plus torch.utils.benchmark's own
   blocked_autorange at 128 x 256 as a cross-check of the ratio;
3. the in-place updates (core.inplace_benchmark): bytes allocated per iteration, whether
   data_ptr stays, and the time, per variant;
4. on a GPU: torch.mm timed with and without torch.cuda.synchronize();
5. the page itself (AppTest, one fresh process per setting): resident memory before, at the peak
   of and after one "Medir" at the default and at the maximum settings, and the run's wall
   time against the time the page announces.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import torch  # noqa: E402
from torch.utils import benchmark as tbench  # noqa: E402

from core.performance import inplace_benchmark, measure, vectorization_benchmark  # noqa: E402
from core.performance.matmul import row_loop  # noqa: E402
from core.performance.tables import format_bytes, format_seconds  # noqa: E402
from core.performance.threads import benchmark_threads, numpy_threads_controlled  # noqa: E402

PAGE_RUN = """
import json, sys, threading, time
sys.path.insert(0, {root!r})
from tools.apptest import open_page
from core.performance.presets import MAX_INNER, MAX_SIZE, MAX_SIZES, announced_bound_s, page_budgets
from core.performance.threads import max_threads

def rss():
    return int(open("/proc/self/statm").read().split()[1]) * 4096 / 2**20

at = open_page("2_performance.py", timeout=300)
if {setting!r} == "maximum":
    top = MAX_SIZE["cpu"]
    at.text_input(key="perf_sizes").set_value(", ".join(str(top * i // MAX_SIZES) for i in range(1, MAX_SIZES + 1)))
    at.number_input(key="perf_inner").set_value(MAX_INNER)
    at.slider(key="perf_repeats").set_value(at.slider(key="perf_repeats").max)
    at.number_input(key="perf_c_size").set_value(top)
    at.selectbox(key="perf_threads").set_value(max_threads())
    at.run()
before = rss()
peak = [before]
stop = threading.Event()

def sample():
    while not stop.is_set():
        peak[0] = max(peak[0], rss())
        time.sleep(0.02)

sampler = threading.Thread(target=sample)
sampler.start()
t0 = time.perf_counter()
at.button(key="perf_run").click().run()
wall = time.perf_counter() - t0
stop.set()
sampler.join()
res = at.session_state["perf_result"]
print(json.dumps({{"before_mb": before, "peak_mb": peak[0], "after_mb": rss(), "wall_s": wall,
                  "announced_s": announced_bound_s(*page_budgets(None)), "exception": bool(at.exception),
                  "vec_s": res["vec"].elapsed_s, "mem_s": res["mem"].elapsed_s,
                  "memory_method": res["mem"].memory_method}}))
"""

COLD = """
import sys, time
sys.path.insert(0, {root!r})
import torch
if {threads} > 0:
    torch.set_num_threads({threads})
from core.performance.matmul import row_loop
A, B = torch.randn(128, 256), torch.randn(128, 256)
t = time.time(); row_loop(A, B); loop = time.time() - t
t = time.time(); torch.mm(A, B.T); mm = time.time() - t
print(loop, mm)
"""


def cold_single_shots(processes: int, threads: int) -> list[tuple[float, float]]:
    """(loop, mm) seconds, one time.time() each, in ``processes`` fresh interpreters (threads 0: torch's default)."""
    shots = []
    for _ in range(processes):
        out = subprocess.run(
            [sys.executable, "-c", COLD.format(root=str(ROOT), threads=threads)],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        loop, mm = (float(v) for v in out.stdout.split()[-2:])
        shots.append((loop, mm))
    return shots


def timer_cross_check(threads: int) -> tuple[float, float]:
    """torch.utils.benchmark.Timer.blocked_autorange medians for the row loop and torch.mm at 128 x 256."""
    A, B = torch.randn(128, 256), torch.randn(128, 256)
    loop = tbench.Timer("row_loop(A, B)", globals={"row_loop": row_loop, "A": A, "B": B}, num_threads=threads).blocked_autorange(
        min_run_time=0.5
    )
    mm = tbench.Timer("torch.mm(A, B.T)", globals={"torch": torch, "A": A, "B": B}, num_threads=threads).blocked_autorange(
        min_run_time=0.5
    )
    return loop.median, mm.median


def page_run(setting: str) -> dict:
    """One "Medir" on the page in a fresh process: RSS before, peak and after (MB), wall time (s)."""
    out = subprocess.run(
        [sys.executable, "-c", PAGE_RUN.format(root=str(ROOT), setting=setting)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        cwd=ROOT,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def print_page_runs(report: dict) -> None:
    print('\n5. The page: one "Medir" in a fresh process (AppTest), RSS sampled every 20 ms')
    report["page"] = {}
    for setting in ("default", "maximum"):
        r = page_run(setting)
        report["page"][setting] = r
        print(
            f"   {setting:8}: RSS before {r['before_mb']:.0f} MB, peak +{r['peak_mb'] - r['before_mb']:.0f} MB, "
            f"after +{r['after_mb'] - r['before_mb']:.0f} MB; wall {r['wall_s']:.1f} s of {r['announced_s']:g} s "
            f"announced (C = A Bᵀ {r['vec_s']:.1f} s, updates {r['mem_s']:.1f} s; bytes by {r['memory_method']})"
        )


def gpu_sync_demo(n: int = 8192) -> dict[str, float]:
    """Median per-call time of an n x n torch.mm on CUDA, with and without synchronisation."""
    A = torch.randn(n, n, device="cuda")
    B = torch.randn(n, n, device="cuda")
    with_sync, _ = measure(lambda: torch.mm(A, B), repeats=7, device="cuda", synchronize=True)
    without, _ = measure(lambda: torch.mm(A, B), repeats=7, device="cuda", synchronize=False)
    torch.cuda.synchronize()
    return {
        "n": n,
        "sync_median_s": with_sync.median_s,
        "nosync_median_s": without.median_s,
        "sync_first_call_s": with_sync.first_call_s,
        "nosync_first_call_s": without.first_call_s,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--sizes", default="32,64,128,256,512,1024")
    parser.add_argument("--inplace", default="1024,4096", help="sizes n of the n x n C")
    parser.add_argument("--cold", type=int, default=5, help="fresh processes for the single-shot timing")
    parser.add_argument(
        "--cold-threads", type=int, default=0, help="torch threads in those processes (0: torch's default, as in the notebook)"
    )
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--page", action="store_true", help="only the page's memory and time per run (part 5)")
    args = parser.parse_args()
    if args.page:
        report = {}
        print_page_runs(report)
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            args.json.write_text(json.dumps(report, indent=1))
        return 0
    report: dict = {
        "device": args.device,
        "threads": args.threads,
        "torch": torch.__version__,
        "numpy_threads_controlled": numpy_threads_controlled(),
    }

    print(
        f"torch {torch.__version__}, device {args.device}, {args.threads} thread(s) "
        f"(NumPy's BLAS {'also set' if numpy_threads_controlled() else 'not controlled'})"
    )

    if args.cold:
        threads = args.cold_threads or "default"
        print(
            f"\n1. The notebook's way: one time.time() per method, first calls in a fresh process, 128 x 256, {threads} threads"
        )
        shots = cold_single_shots(args.cold, args.cold_threads)
        for loop, mm in shots:
            verdict = "loop looks FASTER" if loop < mm else "mm faster"
            print(f"   loop {format_seconds(loop):>10}   mm {format_seconds(mm):>10}   loop/mm {loop / mm:7.3g}  {verdict}")
        report["cold_single_shots"] = shots

    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"\n2. The robust way: median (IQR) of 9 blocks per cell, sizes {sizes}, k = 256")
    t0 = time.perf_counter()
    vec = vectorization_benchmark(sizes, inner=256, device=args.device, repeats=9, budget_s=30.0, threads=args.threads)
    print(f"   ({time.perf_counter() - t0:.1f} s; skipped: {[(s.method, s.n, s.reason) for s in vec.skipped]})")
    for t in vec.timings:
        print(
            f"   {t.method:13} n={t.n:5}  {format_seconds(t.median_s):>10} ({format_seconds(t.iqr_s):>9})"
            f"  first call {format_seconds(t.first_call_s):>10}  error/tol {t.error_ratio:.2g}"
        )
    print("   speed-up over the row loop (ratio of medians):")
    for n, method, ratio in vec.speedups():
        print(f"   n={n:5}  {method:13} {ratio:8.3g}x")
    report["vectorization"] = asdict(vec)

    if args.device == "cpu":
        with benchmark_threads(args.threads):
            loop, mm = timer_cross_check(args.threads)
        print(
            f"   cross-check, torch.utils.benchmark blocked_autorange at 128: loop {format_seconds(loop)}, "
            f"mm {format_seconds(mm)}, loop/mm {loop / mm:.3g}x"
        )
        report["timer_cross_check"] = {"loop_s": loop, "mm_s": mm}

    print("\n3. In-place updates C <- A B^T + C (k = 256)")
    report["inplace"] = []
    for n in (int(s) for s in args.inplace.split(",")):
        mem = inplace_benchmark(n, inner=256, device=args.device, repeats=7, budget_s=30.0, threads=args.threads)
        print(f"   C of {n} x {n} ({format_bytes(mem.c_bytes)}), bytes by {mem.memory_method}, {mem.elapsed_s:.1f} s")
        for r in mem.rows:
            per_c = "" if r.bytes_per_iter is None else f"({r.bytes_per_iter / mem.c_bytes:.2f} C)"
            print(
                f"   {r.code:30} {format_bytes(r.bytes_per_iter):>10} {per_c:9} data_ptr kept: "
                f"{'yes' if r.keeps_data_ptr else 'no ':3}  {format_seconds(r.median_s):>10} ({format_seconds(r.q3_s - r.q1_s)})"
                f"  {'ok' if r.correct else 'WRONG'}"
            )
        report["inplace"].append(asdict(mem))

    if args.device.startswith("cuda"):
        print("\n4. GPU: torch.mm 8192 x 8192 with and without torch.cuda.synchronize()")
        demo = gpu_sync_demo()
        print(
            f"   with sync {format_seconds(demo['sync_median_s'])}, without {format_seconds(demo['nosync_median_s'])} "
            f"(first calls: {format_seconds(demo['sync_first_call_s'])}, {format_seconds(demo['nosync_first_call_s'])})"
        )
        nosync = vectorization_benchmark(
            [128, 1024, 4096, 8192],
            inner=1024,
            device=args.device,
            repeats=7,
            budget_s=30.0,
            synchronize=False,
            methods=("row_loop", "torch_mm"),
        )
        print("   vectorization benchmark WITHOUT synchronisation (wrong on purpose):")
        for t in nosync.timings:
            print(f"   {t.method:13} n={t.n:5}  {format_seconds(t.median_s):>10}")
        report["gpu_sync"] = demo
        report["vectorization_nosync"] = asdict(nosync)

    if args.device == "cpu":
        print_page_runs(report)

    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1, default=str))
        print(f"\nwritten {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
