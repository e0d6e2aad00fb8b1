"""The Chain rule page in a real Chromium: chart and graph drawn, bad input shown as a message."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_exception, open_path, screenshot, wait_idle

pytestmark = pytest.mark.browser


def test_chain_rule_draws_the_chart_and_the_graph(app_url, page):
    open_path(page, app_url, "chain_rule")
    assert_no_exception(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.wait_for(state="visible", timeout=60_000)
    assert page.locator('[data-testid="stPlotlyChart"] .scatterlayer .trace').count() >= 4
    graph = page.locator('[data-testid="stGraphVizChart"]').first
    graph.wait_for(state="visible", timeout=60_000)
    # the DOT text is laid out in the browser: a drawn graph is an SVG with one <g class="node"> per node
    svg = graph.locator("svg")
    svg.wait_for(state="visible", timeout=60_000)
    assert svg.locator("g.node").count() >= 8
    assert "detach()" in svg.text_content()
    screenshot(page, "chain_rule")
    assert not page.console_errors


def test_chain_rule_outer_in_x_shows_a_message(app_url, page):
    open_path(page, app_url, "chain_rule")
    box = page.locator(".st-key-chain_outer input")
    box.fill("x**3")
    box.press("Enter")
    wait_idle(page)
    alert = page.locator('[data-testid="stAlert"]').first
    alert.wait_for(state="visible", timeout=30_000)
    assert "u" in alert.inner_text() and "x" in alert.inner_text()
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 0
    assert_no_exception(page)
    screenshot(page, "chain_rule-bad-input")


def test_chain_rule_unsafe_points_show_a_message(app_url, page):
    open_path(page, app_url, "chain_rule")
    box = page.locator(".st-key-chain_points input")
    box.fill("__import__('os')")
    box.press("Enter")
    wait_idle(page)
    alert = page.locator('[data-testid="stAlert"]').first
    alert.wait_for(state="visible", timeout=30_000)
    assert "__import__" in alert.inner_text()
    assert_no_exception(page)


def test_chain_rule_chart_labels_large_derivatives_with_powers_of_ten(app_url, page):
    # d/dx e^(e^x) reaches 1e10 at x = 3: plotly's default would write "10G"
    open_path(page, app_url, "chain_rule?chain_inner=exp(x)&chain_outer=exp(u)")
    assert_no_exception(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.wait_for(state="visible", timeout=60_000)
    page.locator('[data-testid="stPlotlyChart"] .ytick text').first.wait_for(state="attached", timeout=30_000)
    ticks = [t.replace("\u200b", "") for t in page.locator('[data-testid="stPlotlyChart"] .ytick text').all_text_contents()]
    assert any("×10" in t for t in ticks), ticks
    code = page.locator('[data-testid="stCode"]', has_text="dz_dx_chain").inner_text()
    assert "preenche x.grad com du/dx" in code and "fills" not in code  # comments in the page's language
    assert not [t for t in ticks if re.match(r"^[−-]?\d+(\.\d+)?\s?[yzafpnµumkMGTPEB]$", t.strip())], ticks
    assert not page.console_errors


def test_chain_rule_stepping_keeps_its_tab_and_moves_the_highlight(app_url, page):
    """The step control sits in the second tab: a step reruns the page, and the tab must stay open
    (an unkeyed st.tabs went back to the first tab on every rerun)."""
    open_path(page, app_url, "chain_rule?lang=en")
    tab = page.get_by_role("tab").filter(has_text="Without detach")
    tab.click()
    wait_idle(page)
    products = page.locator('[data-testid="stMarkdown"]').filter(has_text=re.compile(r"Step \d+ of \d+:")).first
    expect(products).to_contain_text("Step 1 of 3: pow", timeout=30_000)
    page.locator('.st-key-chain_step [data-testid="stNumberInputStepUp"]').click()
    wait_idle(page)
    expect(tab).to_have_attribute("aria-selected", "true")
    expect(products).to_contain_text("Step 2 of 3: mul", timeout=30_000)
    current = page.locator('[data-testid="stGraphVizChart"] g.node').filter(has=page.locator('[fill="#ffd8a8"]'))
    expect(current).to_contain_text("MulBackward0", timeout=30_000)
    assert_no_exception(page)
    assert not page.console_errors
