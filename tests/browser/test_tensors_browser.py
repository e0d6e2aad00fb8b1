"""The tensor playground in a real Chromium: loads, draws, and shows errors as messages."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_exception, open_path, screenshot, wait_idle

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"]'
ERROR = '[data-testid="stAlertContentError"]'


def type_into(page, key: str, text: str) -> None:
    box = page.locator(f".st-key-{key} input")
    box.fill(text)
    box.press("Enter")
    wait_idle(page)


def test_tensors_page_draws_and_reports_bad_input(page, app_url):
    open_path(page, app_url, "tensors")
    assert_no_exception(page)
    page.locator(CHART).first.wait_for(state="visible", timeout=30_000)
    assert page.locator(f"{CHART} .main-svg").count() > 0
    screenshot(page, "tensors-good")

    type_into(page, "tens_index", "X[[0, 2], 1]")
    assert_no_exception(page)
    assert page.locator(ERROR).count() == 0
    assert page.get_by_text("X[[0, 2], 1]: formato (2, 4)").count() > 0

    type_into(page, "tens_index", "__import__('os')")
    assert_no_exception(page)
    page.locator(ERROR).first.wait_for(state="visible", timeout=30_000)
    assert "não são permitidas" in page.locator(ERROR).first.inner_text()
    page.locator(CHART).first.wait_for(state="visible", timeout=30_000)
    screenshot(page, "tensors-bad-index")

    page.get_by_role("tab").nth(1).click()
    page.locator(".st-key-tens_transpose label").click()
    wait_idle(page)
    assert_no_exception(page)
    page.locator(ERROR, has_text="view size is not compatible").wait_for(state="visible", timeout=30_000)
    screenshot(page, "tensors-view-fails")
    assert not page.console_errors
