"""The home page and the Derivatives page in a real Chromium."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_exception, open_path, screenshot, wait_idle

pytestmark = pytest.mark.browser


def test_home_lists_the_labs_and_links_work(app_url, page):
    open_path(page, app_url, "/")
    assert_no_exception(page)
    assert page.get_by_text("Autograd Lab").first.is_visible()
    assert page.locator('[data-testid="stPageLink"]').count() >= 2
    screenshot(page, "home")


def test_derivatives_deep_link_draws_the_chart(app_url, page):
    open_path(page, app_url, "derivatives")
    assert_no_exception(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.wait_for(state="visible", timeout=60_000)
    # plotly draws its traces as SVG paths: a drawn chart has line paths with data
    assert page.locator('[data-testid="stPlotlyChart"] .scatterlayer .trace').count() >= 3
    screenshot(page, "derivatives")
    assert not page.console_errors


def test_derivatives_bad_expression_shows_a_message(app_url, page):
    open_path(page, app_url, "derivatives")
    box = page.locator(".st-key-deriv_expr input")
    box.fill("__import__('os').system('echo hacked')")
    box.press("Enter")
    wait_idle(page)
    alert = page.locator('[data-testid="stAlert"]').first
    alert.wait_for(state="visible", timeout=30_000)
    assert "não é permitido" in alert.inner_text()
    assert_no_exception(page)
    screenshot(page, "derivatives-bad-input")


def test_derivatives_query_string_sets_the_function(app_url, page):
    open_path(page, app_url, "derivatives?deriv_expr=relu(x)&deriv_order=2")
    assert_no_exception(page)
    # the box may be re-rendered once while bound widgets settle: poll instead of one read
    expect(page.locator(".st-key-deriv_expr input")).to_have_value("relu(x)", timeout=30_000)
    expect(
        page.locator(".st-key-deriv_order button[aria-pressed='true'], .st-key-deriv_order [aria-checked='true']").first
    ).to_have_text("2")
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(state="visible", timeout=60_000)
