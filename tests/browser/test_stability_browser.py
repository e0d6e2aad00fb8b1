"""The numerical stability lab in a real Chromium: loads, draws, presets, bounds and bad input."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_exception, open_path, screenshot, wait_idle

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"]'
ERROR = '[data-testid="stAlertContentError"]'
TABLE = '[data-testid="stTable"]'


def type_into(page, key: str, text: str) -> None:
    box = page.locator(f".st-key-{key} input")
    box.fill(text)
    box.press("Enter")
    wait_idle(page)


def click(page, key: str) -> None:
    page.locator(f".st-key-{key} button").click()
    wait_idle(page)


def test_stability_page_draws_presets_and_reports_bad_input(page, app_url):
    open_path(page, app_url, "stability")
    assert_no_exception(page)
    page.locator(CHART).nth(2).wait_for(state="visible", timeout=60_000)  # along x, map, softmax
    assert page.locator(f"{CHART} .main-svg").count() >= 3
    assert page.locator(ERROR).count() == 0
    screenshot(page, "stability-default")

    # the notebook's (400, 800) in float64: naive's gradients are NaN, the others -1 and 1
    click(page, "stab_preset_nb_large")
    assert_no_exception(page)
    page.get_by_text("Em float64, x = 400 e y = 800").wait_for(state="visible", timeout=30_000)
    rows = page.locator(f"{TABLE} tbody tr")
    naive, rewritten = rows.nth(0).inner_text(), rows.nth(1).inner_text()
    assert naive.count("NaN") == 2 and "inf" in naive
    assert "-1" in rewritten and "400" in rewritten
    screenshot(page, "stability-notebook-400-800")

    # float16 just past ln(65504): the regions table names the exact first failing number
    click(page, "stab_preset_f16_overflow")
    assert_no_exception(page)
    page.locator(TABLE, has_text="11.09375").first.wait_for(state="visible", timeout=30_000)
    screenshot(page, "stability-float16")

    # an x outside the bound is not applied: the page keeps the last valid value
    type_into(page, "stab_x", "20000")
    assert_no_exception(page)
    assert page.get_by_text("Em float16, x = 11.1015625").count() == 1

    # a bad vector: a message, no traceback, the rest of the page still there
    type_into(page, "stab_lse_vector", "1, abc")
    assert_no_exception(page)
    page.locator(ERROR).first.wait_for(state="visible", timeout=30_000)
    assert "'abc' não é um número finito" in page.locator(ERROR).first.inner_text()
    assert page.locator(CHART).count() >= 2
    screenshot(page, "stability-bad-vector")
    assert not page.console_errors


def test_stability_page_in_english_and_presentation_mode(page, app_url):
    open_path(page, app_url, "stability")
    page.locator(".st-key-lang").get_by_text("English").click()
    wait_idle(page)
    page.locator(".st-key-presentation label").click()
    wait_idle(page)
    assert_no_exception(page)
    page.get_by_role("heading", name="Numerical stability").wait_for(state="visible", timeout=30_000)
    page.locator(CHART).first.wait_for(state="visible", timeout=30_000)
    screenshot(page, "stability-english-presentation")
    assert not page.console_errors
