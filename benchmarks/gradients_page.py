"""Benchmark: the Gradients page's reruns at 201 x 201 points, as a ratio to a trivial page.

Run: python benchmarks/gradients_page.py [--reps N]
In AppTest (the server's script time, no browser), after a warm-up: the median rerun of a trivial
page (the home page), then of the Gradients page when the point moves (a new point each time:
the field comes from the cache, the Hessian and the slice are new) and when lr changes (a new lr
each time: three optimizers run again). Prints medians with their interquartile range, the
ratios, and the bytes of the charts' specs. Targets: each median <= 150 ms; on a slower machine
the ratio to the home page (the frame, a title and the labs' links) says the same.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from streamlit.testing.v1 import AppTest  # noqa: E402

from tools.apptest import open_page  # noqa: E402

TARGET_S = 0.150
TARGET_RATIO = 15.0  # 150 ms over the home page's ~10 ms rerun on this (2-core, shared) machine


def timed(at: AppTest, change) -> float:
    change(at)
    t0 = time.perf_counter()
    at.run()
    return time.perf_counter() - t0


def spread(ts: list[float]) -> str:
    q = statistics.quantiles(ts, n=4)
    return f"{statistics.median(ts) * 1e3:7.1f} ms (IQR {q[0] * 1e3:.1f}-{q[2] * 1e3:.1f})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=15)
    reps = parser.parse_args().reps

    trivial = open_page(None, lang="en")  # the home page: the frame, a title and a list of links
    page = open_page("5_gradients.py", lang="en")
    assert not page.exception, [e.value for e in page.exception]
    assert page.number_input(key="grad_points").value == 201
    page.number_input(key="grad_px").set_value(0.3).run()  # warm-up of every path a move takes
    page.number_input(key="grad_lr").set_value(0.07).run()
    base, moves, lrs = [], [], []
    for k in range(reps):  # interleaved, so drifts in machine load hit all three alike
        base.append(timed(trivial, lambda at: None))
        moves.append(timed(page, lambda at, k=k: at.number_input(key="grad_px").set_value(-2.0 + 0.21 * k)))
        lrs.append(timed(page, lambda at, k=k: at.number_input(key="grad_lr").set_value(0.01 + 0.003 * k)))
    assert not page.exception, [e.value for e in page.exception]
    sizes = {el.proto.id.rsplit("-", 1)[-1]: len(el.proto.spec) for el in page.get("plotly_chart")}

    ok = True
    print(f"trivial page        {spread(base)}")
    for name, ts in (("move the point", moves), ("change lr", lrs)):
        ratio = statistics.median(ts) / statistics.median(base)
        met = statistics.median(ts) <= TARGET_S or ratio <= TARGET_RATIO
        ok &= met
        print(f"{name:<19} {spread(ts)}  ratio {ratio:5.2f}  {'ok' if met else 'SLOW'}")
    print("chart specs: " + ", ".join(f"{k} {v / 1024:.0f} KB" for k, v in sizes.items()))
    ok &= all(v <= 1_000_000 for v in sizes.values())
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
