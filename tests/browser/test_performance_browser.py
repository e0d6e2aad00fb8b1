"""The Performance page in a real Chromium: run, bad input, and a second user while a run is busy."""

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


def test_second_user_gets_busy_message_and_page_stays_responsive(app_url, browser, page):
    open_path(page, app_url, "performance")
    # a run of several seconds: large sizes and the notebook's 4096 x 4096 C
    set_sizes(page, "512, 1024, 2048")
    page.locator(".st-key-perf_c_size input").fill("4096")
    page.locator(".st-key-perf_c_size input").press("Enter")
    wait_idle(page)

    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        open_path(other, app_url, "performance")
        set_sizes(other, "16")
        page.locator(".st-key-perf_run button").click()
        page.locator('[data-testid="stSpinner"]').wait_for(state="visible", timeout=30_000)
        t0 = time.perf_counter()
        other.locator(".st-key-perf_run button").click()
        alert = other.locator(ALERT).filter(has_text="Tente de novo").first
        alert.wait_for(state="visible", timeout=30_000)
        answered = time.perf_counter() - t0
        assert page.locator('[data-testid="stSpinner"]').count() == 1, "the first run should still be going"
        assert_no_exception(other)
        screenshot(other, "performance-busy")
        # the busy answer comes while the first run is still measuring, not after it
        assert answered < 10
    finally:
        other.context.close()
    wait_idle(page, timeout_ms=90_000)
    page.locator(CHART).first.wait_for(state="visible", timeout=60_000)
    assert_no_exception(page)
