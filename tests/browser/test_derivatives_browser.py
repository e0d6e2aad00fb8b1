"""The home page and the Derivatives page in a real Chromium."""

import re

import pytest
from playwright.sync_api import expect

from core.backward_graph import number
from core.trace import backward_trace
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


def test_derivatives_step_control_moves_the_highlighted_product(app_url, page):
    """One click on the step box's + walks the backward pass one node on: the highlighted node in the
    drawn graph and the product shown beside it change, with core's numbers."""
    open_path(page, app_url, "derivatives?lang=en&deriv_expr=x*sin(x)&deriv_x0=1")
    assert_no_exception(page)
    mul, sin, _ = backward_trace("x*sin(x)", 1.0)
    products = page.locator('[data-testid="stMarkdown"]').filter(has_text=re.compile(r"Step \d+ of \d+:")).first
    current = page.locator('[data-testid="stGraphVizChart"] g.node').filter(has=page.locator('[fill="#ffd8a8"]'))
    expect(products).to_contain_text("Step 1 of 3: mul", timeout=60_000)
    expect(current).to_contain_text("MulBackward0", timeout=30_000)
    page.locator('.st-key-deriv_step [data-testid="stNumberInputStepUp"]').click()
    wait_idle(page)
    expect(products).to_contain_text("Step 2 of 3: sin", timeout=30_000)
    expect(products).to_contain_text(f"{number(sin.grad)} × {number(sin.local[0])} = {number(sin.grad * sin.local[0])}")
    expect(current).to_contain_text("SinBackward0", timeout=30_000)
    expect(current).to_contain_text(f"ḡ = {number(sin.grad)}")
    assert_no_exception(page)
    screenshot(page, "derivatives-backward-step")
    assert not page.console_errors
