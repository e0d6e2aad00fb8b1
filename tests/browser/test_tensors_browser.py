"""The tensor playground in a real Chromium: loads, draws, and shows errors as messages."""

from __future__ import annotations

import pytest

from tests.browser.conftest import assert_no_exception, open_path, screenshot, wait_idle

pytestmark = pytest.mark.browser

CHART = '[data-testid="stPlotlyChart"]'
ERROR = '[data-testid="stAlertContentError"]'
WARNING = '[data-testid="stAlertContentWarning"]'


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

    # issue 14: a list of lists with no comma, read differently by the two libraries
    type_into(page, "tens_index", "X[[[0], [1]]]")
    assert_no_exception(page)
    warning = page.locator(WARNING, has_text="NumPy devolve formato (2, 1, 2, 4) e PyTorch devolve (1, 4)")
    warning.wait_for(state="visible", timeout=30_000)
    page.locator(WARNING, has_text="Using a non-tuple sequence for multidimensional indexing").wait_for(state="visible")
    assert page.get_by_text("X[[[0], [1]]] no PyTorch: formato (1, 4)").count() > 0
    screenshot(page, "tensors-nested-list")

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


RADIO = ".st-key-tens_conv_mutate"


def checked(page) -> list[bool]:
    return page.locator(f"{RADIO} input[type=radio]").evaluate_all("els => els.map(e => e.checked)")


def test_conversion_choice_survives_changing_position_and_value(page, app_url):
    """Issue 10: the radio's labels showed the position and the value, and the browser keeps
    a radio's choice by its label, so changing either unticked it ("Escolha mudar ...")."""
    open_path(page, app_url, "tensors")
    page.get_by_role("tab").nth(4).click()
    page.locator(RADIO).get_by_text("torch.from_numpy(a)", exact=True).click()
    wait_idle(page)
    assert checked(page) == [False, True]
    type_into(page, "tens_conv_pos", "2")
    type_into(page, "tens_conv_value", "-7.5")
    assert_no_exception(page)
    assert checked(page) == [False, True]
    assert page.locator(ERROR).count() == 0
    assert page.locator("[data-testid='stCode']", has_text="torch.from_numpy(a)[2] = -7.5").count() > 0
    rows = page.locator('[data-testid="stTable"] tbody tr').all_inner_texts()
    assert any("torch.from_numpy(a)" in r and "-7.5" in r for r in rows), rows
    assert any("torch.tensor(a)" in r and "-7.5" not in r for r in rows), rows
    # the same after switching to English (the labels are code, the same in both languages);
    # Streamlit's tabs go back to the first one when their labels change language
    page.locator(".st-key-lang button", has_text="English").click()
    wait_idle(page)
    page.get_by_role("tab", name="Devices and conversion").click()
    assert checked(page) == [False, True]
    type_into(page, "tens_conv_value", "3.25")
    assert checked(page) == [False, True]
    assert page.locator(ERROR).count() == 0
    assert page.locator("[data-testid='stCode']", has_text="torch.from_numpy(a)[2] = 3.25").count() > 0
    # out of range: a translated notice, the value clamped
    type_into(page, "tens_conv_pos", "9")
    page.get_by_text("9 is outside the allowed range (0 to 3); using 3.").wait_for(state="visible", timeout=30_000)
    assert checked(page) == [False, True]
    screenshot(page, "tensors-conversion")
    assert not page.console_errors


def test_broadcast_boxes_keep_their_values_after_a_bad_shape_of_x(page, app_url):
    """Issue 10: a bad X stopped the page, the broadcasting boxes were not drawn, and when they
    came back they showed empty while the result still read the old shapes."""
    open_path(page, app_url, "tensors")
    page.get_by_role("tab").nth(2).click()
    type_into(page, "tens_bc_a", "5, 1")
    for bad in ("9, 9", "x"):
        type_into(page, "tens_shape", bad)
        type_into(page, "tens_shape", "3, 2, 4")
        page.get_by_role("tab").nth(2).click()
        wait_idle(page)
        assert_no_exception(page)
        boxes = [page.locator(f".st-key-{k} input").input_value() for k in ("tens_bc_a", "tens_bc_b")]
        assert boxes == ["5, 1", "1, 3"]
        success = page.locator('[data-testid="stAlertContentSuccess"]').first.inner_text()
        assert "A (5, 1) + B (1, 3) tem formato (5, 3)" in success
    type_into(page, "tens_bc_b", "x")
    page.locator(ERROR, has_text="não tem números").wait_for(state="visible", timeout=30_000)
    assert "A (5, 1) + B" not in " ".join(page.locator('[data-testid="stAlertContentSuccess"]').all_inner_texts())
    screenshot(page, "tensors-broadcast-after-bad-x")
    assert not page.console_errors
