"""Memory per request on the Derivatives page: RSS before, at its peak, and after.

Run: python benchmarks/memory.py [--expressions 20] [--points 1000000] [--order 3]

The page runs in this process under AppTest, exactly as a server runs it (same scripts, same
caches, same allocator settings); a thread samples the process's RSS every 5 ms. Printed:
- idle: RSS after the page has been opened once at its defaults;
- each interaction: its peak above idle (target: at most +300 MB) and RSS after it;
- after all of them: RSS against idle (target: back within 100 MB).
The expressions differ, so no cache can answer for them: each one runs autograd to the
given order on the whole grid and evaluates the exact reference in NumPy.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MB = 1024 * 1024
PEAK_TARGET_MB = 300
RETURN_TARGET_MB = 100

# different shapes of work: long chains, nested exponentials, kinks, activations, powers
EXPRESSIONS = (
    "x**x**x",
    "exp(exp(exp(x/10)))",
    "sin(sin(sin(sin(x))))",
    "gelu(gelu(x))",
    "sigmoid(x)**2",
    "tanh(x)*softplus(x)",
    "silu(x)*cos(x)",
    "log1p(exp(x))",
    "sqrt(abs(x))*sin(x)",
    "relu(x)**3",
    "atan(x)*erf(x)",
    "x**2*sin(x)",
    "exp(-x**2/2)*cosh(x/5)",
    "log(abs(x)+1)*tan(x/20)",
    "sinh(x/5)*sigmoid(x)",
    "softplus(sin(x))",
    "erf(x)**2+atan(x)",
    "x*sqrt(abs(x))+1",
    "cos(x)**3*exp(-abs(x))",
    "tanh(tanh(tanh(x)))",
)


class Sampler:
    """Samples this process's RSS in a thread; ``peak()`` since the last ``reset()``."""

    def __init__(self, interval: float = 0.005) -> None:
        self.proc = psutil.Process()
        self.interval = interval
        self._peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def rss(self) -> int:
        return self.proc.memory_info().rss

    def _run(self) -> None:
        while not self._stop.is_set():
            self._peak = max(self._peak, self.rss())
            time.sleep(self.interval)

    def reset(self) -> None:
        self._peak = self.rss()

    def peak(self) -> int:
        return max(self._peak, self.rss())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def run(expressions: int, points: int, order: int, dtype: str = "float64") -> dict[str, float]:
    """Open the page, then type ``expressions`` different expressions at the given sizes.

    Returns idle, worst peak above idle and final RSS in MB; prints one line per interaction.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    at.session_state["lang"] = "en"
    at.run()
    at.switch_page("pages/3_derivatives.py").run()
    sampler = Sampler()
    # the largest sizes the controls allow
    at.number_input(key="deriv_points").set_value(points).run()
    at.selectbox(key="deriv_dtype").set_value(dtype).run()
    at.segmented_control(key="deriv_order").set_value(order).run()
    idle = sampler.rss()
    print(f"idle after opening the page at {points:,} points, order {order}, {dtype}: {idle / MB:.0f} MB")
    worst = 0.0
    failures = 0
    for text in EXPRESSIONS[:expressions]:
        before = sampler.rss()
        sampler.reset()
        t0 = time.perf_counter()
        at.text_input(key="deriv_expr").set_value(text).run()
        elapsed = time.perf_counter() - t0
        peak = sampler.peak()
        after = sampler.rss()
        problems = [e.value for e in at.exception] + [e.value for e in at.error]
        worst = max(worst, (peak - idle) / MB)
        failures += bool(problems)
        print(
            f"  {text:28s} before {before / MB:6.0f}  peak {peak / MB:6.0f} (+{(peak - idle) / MB:4.0f} over idle)"
            f"  after {after / MB:6.0f} MB  {elapsed:5.1f} s" + (f"  ! {problems[0][:60]}" if problems else "")
        )
    time.sleep(1.0)
    final = sampler.rss()
    from core.allocator import release_memory

    release_memory(collect=True)
    trimmed = sampler.rss()
    print(f"after gc + malloc_trim: {trimmed / MB:.0f} MB ({(trimmed - final) / MB:+.0f} MB)")
    sampler.stop()
    return {
        "failures": failures,
        "idle": idle / MB,
        "worst_peak_over_idle": worst,
        "final": final / MB,
        "final_over_idle": (final - idle) / MB,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--expressions", type=int, default=20)
    ap.add_argument("--points", type=int, default=1_000_000)
    ap.add_argument("--order", type=int, default=3)
    ap.add_argument("--dtype", default="float64")
    args = ap.parse_args()
    r = run(args.expressions, args.points, args.order, args.dtype)
    print(f"worst peak above idle: {r['worst_peak_over_idle']:.0f} MB (target <= {PEAK_TARGET_MB} MB)")
    print(f"after all: {r['final']:.0f} MB, {r['final_over_idle']:+.0f} MB against idle (target within {RETURN_TARGET_MB} MB)")


if __name__ == "__main__":
    main()
