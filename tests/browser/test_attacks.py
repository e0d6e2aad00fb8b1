"""Links that used to stall or exhaust the whole server (issue 11), against a real server in
Chromium. Each attack must end with a clear message (or a result) within the time limit, keep
the server's memory within bound, and leave a second student's session answering: its simple
rerun within 2x its quiet time, and /_stcore/health within 1 s throughout.

The CI run takes one attack of each family; ``-m attack`` runs them all (README).
"""

from __future__ import annotations

import statistics
import threading
import time
import urllib.parse
import urllib.request

import psutil
import pytest

from core.governor import TIME_LIMIT_S
from tests.browser.conftest import IDLE, assert_no_exception, free_port, open_path, start_server, wait_idle

pytestmark = pytest.mark.browser

TOWER = "0*" + "**".join(["x"] * 22)  # SymPy folds it to 0; autograd still builds the tower
DEEP_SIN = "0*" + "sin(" * 23 + "x" + ")" * 23
MB = 2**20
PEAK_MB = 300  # one interaction, whatever the input
RSS_SLACK_MB = 60  # what the browser's own rendering of a page costs the server (its messages)


def link(expr: str, points: int = 1_000_000, order: int = 3) -> str:
    return "derivatives?" + urllib.parse.urlencode({"deriv_expr": expr, "deriv_points": points, "deriv_order": order})


# (name, link, what the page must end with: "error" box or a drawn "chart")
ATTACKS_CI = [
    ("tower of powers times 0, order 3, 1e6 points", link(TOWER), "any"),
    ("exact integer blow-up at parse time", link("((((999999*x)**64)**64)**64)**64"), "error"),
    ("symbolic diff that never ends", link("tanh((log1p(x) - sqrt(x))**64)", order=1), "error"),
]
ATTACKS_ALL = ATTACKS_CI + [
    ("23 nested sines times 0", link(DEEP_SIN), "any"),
    ("exact integer past LaTeX's digit limit", link("(((3*x)**64)**64)**64"), "error"),
    ("infinite grid size", "derivatives?deriv_points=inf", "chart"),
    ("5,000-digit grid size", "derivatives?deriv_points=" + "9" * 5000, "chart"),
    ("x**x**x at order 3", link("x**x**x"), "chart"),
]


class Server:
    """A fresh app server whose memory and health are watched from a thread."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc = start_server(self.port)
        self.ps = psutil.Process(self.proc.pid)
        self.url = f"http://127.0.0.1:{self.port}"
        self._stop = threading.Event()
        self.peak = 0
        self.health: list[float] = []
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def rss(self) -> int:
        return self.ps.memory_info().rss

    def _watch(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.rss())
            t0 = time.monotonic()
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=5) as r:
                    r.read()
                self.health.append(time.monotonic() - t0)
            except OSError:
                self.health.append(5.0)
            time.sleep(0.1)

    def reset(self) -> None:
        self.peak = self.rss()
        self.health.clear()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self.proc.terminate()
        self.proc.wait(timeout=20)


@pytest.fixture(scope="module")
def server():
    s = Server()
    yield s
    s.close()


def simple_rerun(tab) -> float:
    """Seconds for a small change on the Derivatives page (order 1 <-> 2 of sin(x), 1000 points)."""
    pressed = tab.locator(".st-key-deriv_order button[aria-pressed='true'], .st-key-deriv_order [aria-checked='true']")
    current = pressed.first.inner_text().strip()
    target = "2" if current == "1" else "1"
    t0 = time.monotonic()
    tab.locator(".st-key-deriv_order").get_by_text(target, exact=True).click()
    tab.wait_for_timeout(50)
    tab.wait_for_selector(IDLE, timeout=60_000)
    return time.monotonic() - t0


def quiet_time(tab) -> float:
    simple_rerun(tab)  # warm
    return statistics.median(simple_rerun(tab) for _ in range(5))


def run_attack(server: Server, browser, path: str, expect: str) -> dict:
    """Open ``path`` in one tab while a second tab reruns a simple view; return the figures."""
    student = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    attacker = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        open_path(student, server.url, "derivatives")
        quiet = quiet_time(student)
        server.reset()
        before = server.rss()
        t0 = time.monotonic()
        attacker.goto(f"{server.url}/{path}")
        attacker.wait_for_selector('[data-testid="stMain"] h1', timeout=60_000)
        loaded = []
        while time.monotonic() - t0 < TIME_LIMIT_S + 20:
            loaded.append(simple_rerun(student))
            if attacker.locator(IDLE).count():
                break
        wait_idle(attacker, timeout_ms=int((TIME_LIMIT_S + 20) * 1000))
        elapsed = time.monotonic() - t0
        assert_no_exception(attacker)
        if expect == "error":
            assert attacker.locator('[data-testid="stAlertContentError"]').count() >= 1
        if expect == "chart":
            attacker.wait_for_selector('[data-testid="stPlotlyChart"]', timeout=30_000)
        return {
            "elapsed": elapsed,
            "quiet": quiet,
            "loaded": max(loaded) if loaded else 0.0,
            "loaded_median": statistics.median(loaded) if loaded else 0.0,
            "peak_mb": (server.peak - before) / MB,
            "health_max": max(server.health, default=0.0),
        }
    finally:
        student.context.close()
        attacker.context.close()


def check(figures: dict, name: str) -> None:
    print(
        f"\n{name}: ended in {figures['elapsed']:.1f} s, server +{figures['peak_mb']:.0f} MB at peak, "
        f"health max {figures['health_max'] * 1000:.0f} ms, other session's rerun {figures['loaded_median']:.2f} s "
        f"(worst {figures['loaded']:.2f} s) "
        f"(quiet {figures['quiet']:.2f} s)"
    )
    assert figures["elapsed"] <= TIME_LIMIT_S + 8, (name, figures)  # + page load and drawing
    assert figures["peak_mb"] <= PEAK_MB + RSS_SLACK_MB, (name, figures)
    assert figures["health_max"] <= 1.0, (name, figures)
    # a rerun is a few hundred ms: the other session's typical rerun may take 2x plus the time one
    # other script's step holds the GIL; its worst one (the attacker's page load, a fork for the
    # symbolic child) up to 4x plus a second, so that one outlier on a shared machine is not a verdict
    assert figures["loaded_median"] <= 2 * figures["quiet"] + 0.5, (name, figures)
    assert figures["loaded"] <= 4 * figures["quiet"] + 1.0, (name, figures)


@pytest.mark.parametrize("name,path,expect", ATTACKS_CI, ids=[a[0] for a in ATTACKS_CI])
def test_attack_ends_clearly_and_others_keep_working(server, browser, name, path, expect):
    check(run_attack(server, browser, path, expect), name)


@pytest.mark.attack
@pytest.mark.parametrize("name,path,expect", ATTACKS_ALL[len(ATTACKS_CI) :], ids=[a[0] for a in ATTACKS_ALL[len(ATTACKS_CI) :]])
def test_more_of_each_family(server, browser, name, path, expect):
    check(run_attack(server, browser, path, expect), name)


@pytest.mark.attack
def test_four_concurrent_worst_cases_stay_within_600_mb_and_memory_comes_back(server, browser):
    """Four students open x**x**x at 1e6 points, order 3, at once; two run, two queue."""
    tabs = [browser.new_context().new_page() for _ in range(4)]
    try:
        before = server.rss()
        server.reset()
        for tab in tabs:
            tab.goto(f"{server.url}/{link('x**x**x')}")
        for tab in tabs:
            tab.wait_for_selector('[data-testid="stMain"] h1', timeout=60_000)
            wait_idle(tab, timeout_ms=90_000)
            assert_no_exception(tab)
        print(
            f"\nfour at once: server +{(server.peak - before) / MB:.0f} MB at peak, health max {max(server.health) * 1000:.0f} ms"
        )
        assert (server.peak - before) / MB <= 600
        assert max(server.health) <= 1.0
    finally:
        for tab in tabs:
            tab.context.close()
    time.sleep(5)
    print(f"five seconds later: {(server.rss() - before) / MB:+.0f} MB against before")
    assert (server.rss() - before) / MB <= 100


def test_closing_the_tab_stops_the_symbolic_child(server, browser):
    """A student opens the never-ending diff and closes the tab: its child process is killed at
    the next checkpoint instead of running to its time limit."""
    tab = browser.new_context().new_page()
    tab.goto(f"{server.url}/{link('tanh((log1p(x) - sqrt(x))**62)', order=1)}")  # not yet remembered
    deadline = time.monotonic() + 20
    while not server.ps.children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.ps.children(), "the symbolic work never started in a child"
    tab.context.close()
    closed = time.monotonic()
    while server.ps.children() and time.monotonic() - closed < 10:
        time.sleep(0.05)
    print(f"\nchild gone {time.monotonic() - closed:.2f} s after the tab closed")
    assert not server.ps.children()
    assert time.monotonic() - closed < 3.0  # the limit itself is SYMBOLIC_TIME_LIMIT_S (6 s)
