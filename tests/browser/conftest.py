"""Real-browser tests: one headless Streamlit server and one Chromium per session.

Under CI (CI=true) a missing Chromium or Playwright is a failure, never a skip.
Screenshots are saved under tests/browser/artifacts/ (ignored by git).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tools import server
from tools.server import CHROMIUM, CHROMIUM_ARGS, IDLE, free_port

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "IDLE", "free_port", "start_server"]

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def _missing(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"browser tests must run under CI: {reason}")
    pytest.skip(reason)


def start_server(port: int, extra_env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
    """The app's server on ``port`` (``tools.server.start_server``), its log under artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    return server.start_server(port, extra_env, log=ARTIFACTS / f"server-{port}.log", **kwargs)


@pytest.fixture(scope="session")
def app_url():
    """Base URL of a headless app server started for this test session."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = free_port()
    proc = start_server(port)
    yield f"http://127.0.0.1:{port}"
    server.stop_server(proc)


@pytest.fixture(scope="session")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright is not installed")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        _missing(f"no Chromium at {CHROMIUM}")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab (1400x1000) with console errors collected in ``page.console_errors``."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.console_errors = []
    tab.on("pageerror", lambda exc: tab.console_errors.append(str(exc)))
    yield tab
    context.close()


def wait_idle(tab, timeout_ms: int = 60_000) -> None:
    """Wait until the Streamlit script has finished running."""
    tab.wait_for_timeout(300)
    tab.wait_for_selector(IDLE, timeout=timeout_ms)


def open_path(tab, base: str, path: str, timeout_ms: int = 90_000) -> None:
    """Open ``base/path`` and wait until the app is idle."""
    tab.goto(f"{base}/{path.lstrip('/')}", timeout=timeout_ms)
    tab.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    # the app is "not running" before its first run starts too: wait for a page's title first
    tab.wait_for_selector('[data-testid="stMain"] h1', timeout=timeout_ms)
    wait_idle(tab, timeout_ms)


MAX_SHOT_HEIGHT = 12_000  # px: the longest page in presentation mode fits
_DRAWN = """
() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].every(c => c.querySelector('.main-svg'))
   && [...document.querySelectorAll('[data-testid="stGraphVizChart"]')].every(c => c.querySelector('svg'))
"""


def _wait_drawn(tab, timeout_ms: int = 15_000) -> None:
    """Wait until every chart on the page has drawn (a screenshot taken earlier shows gaps and a
    height that changes from run to run)."""
    try:
        tab.wait_for_function(_DRAWN, timeout=timeout_ms)
    except Exception:  # a chart that never draws is the test's to report, not the screenshot's
        pass


def screenshot(tab, name: str) -> Path:
    """Save a full-page screenshot under tests/browser/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    out = ARTIFACTS / f"{name}.png"
    # Streamlit scrolls inside its own container, so a "full page" shot is only the viewport:
    # make the viewport as tall as the content instead, then put it back.
    _wait_drawn(tab)
    size = tab.viewport_size
    height = tab.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=\"stMain\"], section')].map(e => e.scrollHeight), 800)"
    )
    tab.set_viewport_size({"width": size["width"], "height": min(int(height) + 100, MAX_SHOT_HEIGHT)})
    tab.wait_for_timeout(400)
    _wait_drawn(tab)  # charts that entered the taller viewport draw now
    tab.screenshot(path=str(out))
    tab.set_viewport_size(size)
    return out


def assert_no_exception(tab) -> None:
    assert tab.locator('[data-testid="stException"]').count() == 0, "a traceback is shown on the page"
