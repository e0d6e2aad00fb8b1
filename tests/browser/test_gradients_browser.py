"""The Gradients page in a real Chromium: a click on the chart moves the point and its numbers."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_exception, open_path, screenshot, wait_idle

pytestmark = pytest.mark.browser


def test_clicking_the_chart_moves_the_point_then_a_bad_expression_is_a_message(app_url, page):
    open_path(page, app_url, "gradients?lang=en")
    assert_no_exception(page)
    px, py = page.locator(".st-key-grad_px input"), page.locator(".st-key-grad_py input")
    expect(px).to_have_value("2.5", timeout=30_000)
    # the plot area of the contour (x and y from -3 to 3, one unit as long on both axes)
    area = page.locator(".st-key-grad_chart .nsewdrag").first
    area.wait_for(state="visible", timeout=60_000)
    box = area.bounding_box()
    at = (box["x"] + 0.25 * box["width"], box["y"] + 0.75 * box["height"])  # near (-1.5, -1.5)
    page.mouse.move(*at)
    page.wait_for_timeout(300)  # Plotly picks the point under the pointer on hover, then reports the click
    page.mouse.click(*at)
    wait_idle(page)
    expect(px).not_to_have_value("2.5", timeout=30_000)
    x, y = float(px.input_value()), float(py.input_value())
    assert abs(x + 1.5) <= 0.25 and abs(y + 1.5) <= 0.25, (x, y)  # the clickable grid is 0.1 apart
    assert len(px.input_value()) <= 8 and len(py.input_value()) <= 8, (
        px.input_value(),
        py.input_value(),
    )  # -1.59, not float32 noise
    value = page.locator('[data-testid="stMetric"]').filter(has_text="f(p)").locator('[data-testid="stMetricValue"]')
    expect(value).to_have_text(f"{x * x + y * y:.6g}", timeout=30_000)  # f = x**2 + y**2 at the new point
    screenshot(page, "gradients-clicked")

    box = page.locator(".st-key-grad_expr input")
    box.fill("x +* y")
    box.press("Enter")
    wait_idle(page)
    alert = page.locator('[data-testid="stAlert"]').first
    alert.wait_for(state="visible", timeout=30_000)
    assert "*" in alert.inner_text()
    assert_no_exception(page)
    assert not page.console_errors
