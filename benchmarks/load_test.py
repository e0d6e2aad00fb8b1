"""Load test: N concurrent real browser sessions touring every lab against one server.

Run: python benchmarks/load_test.py --sessions 30
Each session is its own Chromium context (its own Streamlit session) and tours every page,
making a few interactions on each. Reports errors (must be 0), p50/p95 of the time from an
interaction to the page being idle again with its chart redrawn, and the server's peak RSS.
Exit status 0 only when there were no errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.server import CHROMIUM, CHROMIUM_ARGS, IDLE, free_port, start_server, stop_server  # noqa: E402

# (page path, [(widget key, action, value)]): fill a text/number input, or click a button.
TOUR: list[tuple[str, list[tuple[str, str, str]]]] = [
    ("", []),
    ("tensors", [("tens_index", "fill", "X[:, 1]"), ("tens_index", "fill", "X[X > 0.5]")]),
    ("performance", [("perf_run", "click", "")]),
    ("derivatives", [("deriv_expr", "fill", "x**2*sin(x)"), ("deriv_expr", "fill", "relu(x)")]),
    ("chain_rule", [("chain_outer", "fill", "sin(u)")]),
    ("stability", [("stab_x", "fill", "400"), ("stab_y", "fill", "800")]),
]


@dataclass
class Report:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def peak_rss_mb(pid: int) -> float:
    """Peak resident set size of a process (Linux VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def wait_idle(tab, timeout_ms: int) -> None:
    await tab.wait_for_timeout(150)
    await tab.wait_for_selector(IDLE, timeout=timeout_ms)


async def check_page(tab, where: str, report: Report) -> None:
    if await tab.locator('[data-testid="stException"]').count():
        report.errors.append(f"{where}: exception shown")


async def session(browser, base: str, index: int, report: Report, timeout_ms: int) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    # every Playwright action waits as long as a step may take: on a saturated machine the browsers
    # themselves (not only the server) are slow to fill an input
    context.set_default_timeout(timeout_ms)
    tab = await context.new_page()
    tab.on("pageerror", lambda exc: report.errors.append(f"session {index}: page error {exc}"))
    try:
        for path, steps in TOUR:
            await tab.goto(f"{base}/{path}", timeout=timeout_ms)
            await tab.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
            await wait_idle(tab, timeout_ms)
            await check_page(tab, f"session {index} /{path}", report)
            for key, action, value in steps:
                widget = tab.locator(f".st-key-{key} {'button' if action == 'click' else 'input'}").first
                try:
                    await widget.wait_for(state="visible", timeout=timeout_ms)
                except Exception:
                    report.errors.append(f"session {index} /{path}: no widget {key}")
                    continue
                t0 = time.perf_counter()
                if action == "click":
                    await widget.click()
                else:
                    await widget.fill(value)
                    await widget.press("Enter")
                await tab.wait_for_timeout(100)
                await tab.wait_for_selector(IDLE, timeout=timeout_ms)
                charts = tab.locator('[data-testid="stPlotlyChart"], [data-testid="stGraphVizChart"]')
                if await charts.count():
                    await charts.first.wait_for(state="visible", timeout=timeout_ms)
                report.latencies.append(time.perf_counter() - t0)
                await check_page(tab, f"session {index} /{path} after {key}", report)
    except Exception as exc:  # a timeout or a crash is an error of the run, not of the script
        report.errors.append(f"session {index}: {type(exc).__name__}: {str(exc)[:200]}")
    finally:
        await context.close()


async def run(sessions: int, timeout_ms: int) -> tuple[Report, float, float, float]:
    from playwright.async_api import async_playwright

    port = free_port()
    server = start_server(port)
    report = Report()
    try:
        base = f"http://127.0.0.1:{port}"
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            # stagger the arrivals over a couple of seconds, as a class opening a link does
            tasks = []
            for i in range(sessions):
                tasks.append(asyncio.create_task(session(browser, base, i, report, timeout_ms)))
                await asyncio.sleep(0.1)
            await asyncio.gather(*tasks)
            await browser.close()
        return report, peak_rss_mb(server.pid), rss_mb(server.pid), cpu_seconds(server.pid)
    finally:
        stop_server(server)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds per step")
    args = parser.parse_args()
    t0 = time.perf_counter()
    report, peak, now, cpu = asyncio.run(run(args.sessions, int(args.timeout * 1000)))
    lat = sorted(report.latencies)
    wall = time.perf_counter() - t0
    print(f"sessions: {args.sessions}, interactions: {len(lat)}, wall: {wall:.1f} s")
    # the browsers run on the same machine: this says how much of it the server itself used
    print(f"server CPU: {cpu:.1f} s over {wall:.1f} s wall ({cpu / wall / (os.cpu_count() or 1):.0%} of {os.cpu_count()} cores)")
    if lat:
        p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
        print(f"interaction -> updated chart: p50 {statistics.median(lat):.2f} s, p95 {p95:.2f} s, max {lat[-1]:.2f} s")
    print(f"server RSS: peak {peak:.0f} MB, at the end {now:.0f} MB")
    print(f"errors: {len(report.errors)}")
    for e in report.errors[:20]:
        print("  ", e)
    return 0 if not report.errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
