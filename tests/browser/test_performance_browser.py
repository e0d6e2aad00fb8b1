"""The Performance page in a real Chromium: run, bad input, a second user queued behind a run,
tick labels in units, and Portuguese code comments."""

import time

import pytest

from tests.browser.conftest import assert_no_exception, open_path, screenshot, wait_idle

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"]'
ALERT = '[data-testid="stAlert"]'


def set_sizes(page, text: str) -> None:
    box = page.locator(".st-key-perf_sizes input")
    box.fill(text)
    box.press("Enter")
    wait_idle(page)


def test_performance_run_draws_chart_and_tables(app_url, page):
    open_path(page, app_url, "performance")
    assert_no_exception(page)
    assert page.locator(CHART).count() == 0  # nothing is measured on load
    set_sizes(page, "16, 32, 64, 128")
    page.locator(".st-key-perf_run button").click()
    wait_idle(page, timeout_ms=90_000)
    page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
    assert page.locator(f"{CHART} .scatterlayer .trace").count() >= 3
    assert page.locator('[data-testid="stDataFrame"]').count() >= 4
    assert_no_exception(page)
    screenshot(page, "performance")
    assert not page.console_errors


def test_performance_out_of_bounds_size_shows_error(app_url, page):
    open_path(page, app_url, "performance")
    set_sizes(page, "99999")
    alert = page.locator(ALERT).first
    alert.wait_for(state="visible", timeout=30_000)
    assert "99999" in alert.inner_text()
    assert page.locator(".st-key-perf_run button").is_disabled()
    assert_no_exception(page)
    screenshot(page, "performance-bad-input")


def set_language(tab, lang: str) -> None:
    if lang == "en":
        tab.locator(".st-key-lang").get_by_text("English", exact=True).click()
        wait_idle(tab)


def _long_run_settings(tab) -> None:
    """Settings for a run of several seconds: large sizes and the notebook's 4096 x 4096 C."""
    set_sizes(tab, "512, 1024, 2048")
    tab.locator(".st-key-perf_c_size input").fill("4096")
    tab.locator(".st-key-perf_c_size input").press("Enter")
    wait_idle(tab)


@pytest.mark.parametrize(("lang", "place_text"), [("pt", "Você é o 1º da fila"), ("en", "You are number 1 in the queue")])
def test_second_user_queues_with_place_then_gets_result(app_url, browser, page, lang, place_text):
    open_path(page, app_url, "performance")
    set_language(page, lang)
    _long_run_settings(page)

    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        open_path(other, app_url, "performance")
        set_language(other, lang)
        set_sizes(other, "16, 32")
        page.locator(".st-key-perf_run button").click()
        page.locator('[data-testid="stSpinner"]').wait_for(state="visible", timeout=30_000)
        t0 = time.perf_counter()
        other.locator(".st-key-perf_run button").click()
        notice = other.locator(ALERT).filter(has_text=place_text).first
        notice.wait_for(state="visible", timeout=30_000)
        shown = time.perf_counter() - t0
        assert page.locator('[data-testid="stSpinner"]').count() == 1, "the first run should still be going"
        assert_no_exception(other)
        screenshot(other, f"performance-queued-{lang}")
        assert shown < 10  # the place shows while the first run measures, not after it
        # the queued run starts by itself once the first ends, and draws its own result
        other.locator(CHART).first.wait_for(state="visible", timeout=90_000)
        wait_idle(other, timeout_ms=90_000)
        assert other.locator(ALERT).filter(has_text=place_text).count() == 0
        assert_no_exception(other)
    finally:
        other.context.close()
    wait_idle(page, timeout_ms=90_000)
    page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
    assert_no_exception(page)


def test_performance_axes_in_units_and_comments_in_portuguese(app_url, page):
    open_path(page, app_url, "performance")
    set_sizes(page, "16, 32, 64")
    page.locator(".st-key-perf_run button").click()
    wait_idle(page, timeout_ms=90_000)
    page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
    ticks = page.locator(f"{CHART} .ytick text").evaluate_all("els => els.map(e => e.textContent)")
    assert ticks and all(t.endswith(("s", "×")) for t in ticks), ticks  # "10 µs", "1 ms", "10×"
    assert not any(t[-1:] in "fpnµmk" and t[:-1].replace(".", "").isdigit() for t in ticks), ticks
    page.get_by_text("O código de cada método").click()
    codes = "\n".join(page.locator('[data-testid="stCode"]').all_inner_texts())
    assert "o mesmo que A @ B.T" in codes and "the same as" not in codes
    screenshot(page, "performance-ticks")
