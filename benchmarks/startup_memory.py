"""Start-up and memory budget, measured against a minimal baseline in the same run.

Run: python benchmarks/startup_memory.py [--runs 3]
Cold start = from launching `streamlit run` to the first chart visible in Chromium. The baseline
is a one-file Streamlit app that imports torch and draws one Plotly chart; the app is measured on
a deep link to its Derivatives page. Runs alternate (baseline, app, baseline, app, ...) so machine
noise hits both. Then one server has every lab visited in one browser session, and its resident
memory is read. Targets: app/baseline cold start <= 1.5; server RSS after all labs <= 600 MB.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools.server import CHROMIUM, CHROMIUM_ARGS, IDLE, free_port, launch, wait_healthy  # noqa: E402

BASELINE = """
import plotly.graph_objects as go
import streamlit as st
import torch

x = torch.linspace(-10, 10, 1000)
st.plotly_chart(go.Figure(go.Scatter(x=x.numpy(), y=torch.sin(x).numpy())))
"""
LABS = ["", "tensors", "performance", "derivatives", "chain_rule", "stability"]


def cold_start(browser, script: Path, path: str) -> float:
    """Seconds from launching the server to a chart drawn on ``path``."""
    port = free_port()
    t0 = time.perf_counter()
    proc = launch(port, script)
    try:
        wait_healthy(port, 90, proc)
        context = browser.new_context()
        tab = context.new_page()
        tab.goto(f"http://127.0.0.1:{port}/{path}", timeout=120_000)
        tab.locator('[data-testid="stPlotlyChart"] .scatterlayer .trace').first.wait_for(state="visible", timeout=120_000)
        elapsed = time.perf_counter() - t0
        context.close()
        return elapsed
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def rss_after_tour(browser) -> tuple[float, float]:
    """(RSS, peak RSS) in MB of one server after every lab was visited."""
    port = free_port()
    proc = launch(port)
    try:
        wait_healthy(port, 90, proc)
        tab = browser.new_context().new_page()
        for path in LABS:
            tab.goto(f"http://127.0.0.1:{port}/{path}", timeout=120_000)
            tab.wait_for_selector('[data-testid="stApp"]', timeout=120_000)
            tab.wait_for_timeout(300)
            tab.wait_for_selector(IDLE, timeout=120_000)
        run = tab.locator(".st-key-perf_run button")
        tab.goto(f"http://127.0.0.1:{port}/performance", timeout=120_000)
        tab.wait_for_selector(IDLE, timeout=120_000)
        if run.count():
            run.click()
            tab.wait_for_timeout(300)
            tab.wait_for_selector(IDLE, timeout=180_000)
        status = Path(f"/proc/{proc.pid}/status").read_text().splitlines()
        values = {line.split(":")[0]: int(line.split()[1]) / 1024 for line in status if line.startswith(("VmRSS", "VmHWM"))}
        return values["VmRSS"], values["VmHWM"]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        baseline = Path(tmp) / "baseline.py"
        baseline.write_text(BASELINE)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        base_t, app_t = [], []
        for _ in range(args.runs):
            base_t.append(cold_start(browser, baseline, ""))
            app_t.append(cold_start(browser, ROOT / "app.py", "derivatives"))
        rss, peak = rss_after_tour(browser)
        browser.close()
    ratio = statistics.median(app_t) / statistics.median(base_t)
    print(
        f"cold start, baseline (torch + one Plotly chart): median {statistics.median(base_t):.2f} s  runs {[round(t, 2) for t in base_t]}"
    )
    print(
        f"cold start, Autograd Lab /derivatives:          median {statistics.median(app_t):.2f} s  runs {[round(t, 2) for t in app_t]}"
    )
    print(f"ratio app/baseline: {ratio:.2f} (target <= 1.5)")
    print(f"server RSS after visiting every lab and one performance run: {rss:.0f} MB (peak {peak:.0f} MB; target <= 600 MB)")
    ok = ratio <= 1.5 and rss <= 600
    print("targets met" if ok else "TARGET MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
