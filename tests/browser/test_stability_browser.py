"""The numerical stability lab in a real Chromium: loads, draws, presets, bounds and bad input."""

from __future__ import annotations

import re

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
    # errors of 0 (y - x = 400: the reference's remainder underflows) are drawn at a floor the legend names
    assert page.locator(f"{CHART} .legendtext", has_text="erro 0 ou abaixo de 10").count() == 1
    code = page.locator('[data-testid="stCode"]', has_text="def log_exp").inner_text()
    assert "subtrai o máximo" in code and "subtracts" not in code
    assert "core." not in page.locator('[data-testid="stMain"]').inner_text()

    # float16 just past ln(65504): the regions table names the exact first failing number
    click(page, "stab_preset_f16_overflow")
    assert_no_exception(page)
    page.locator(TABLE, has_text="11.09375").first.wait_for(state="visible", timeout=30_000)
    screenshot(page, "stability-float16")

    # an x outside the bound: the bound is used, and a message in Portuguese says so
    type_into(page, "stab_x", "20000")
    assert_no_exception(page)
    page.get_by_text("20000 está fora do intervalo permitido (-10000 a 10000); usando 10000.").wait_for(
        state="visible", timeout=30_000
    )
    assert page.get_by_text("Em float16, x = 10000 e y = 0").count() == 1

    # a bad vector: a message, no traceback, the rest of the page still there
    type_into(page, "stab_lse_vector", "1, abc")
    assert_no_exception(page)
    page.locator(ERROR).first.wait_for(state="visible", timeout=30_000)
    assert "abc não é um número" in page.locator(ERROR).first.inner_text()  # core.checks.parse_numbers' message
    assert page.locator(CHART).count() >= 2
    screenshot(page, "stability-bad-vector")
    assert not page.console_errors


SI_LABEL = re.compile(r"^[−-]?\d+(\.\d+)?\s?[yzafpnµumkMGTPEB]$")  # 10f, 1p, 100µ, 20k


def overlapping(boxes: list[dict]) -> list[tuple[dict, dict]]:
    """Pairs of label boxes (sorted top to bottom) whose vertical extents overlap."""
    boxes = sorted(boxes, key=lambda b: b["y"])
    return [(a, b) for a, b in zip(boxes, boxes[1:], strict=False) if a["y"] + a["height"] > b["y"] + 0.5]


@pytest.mark.parametrize("presentation", [False, True], ids=["normal", "presentation"])
def test_stability_charts_use_powers_of_ten_and_colour_bar_labels_do_not_overlap(page, app_url, presentation):
    open_path(page, app_url, "stability?stab_dtype=float64")
    if presentation:
        page.locator(".st-key-presentation label").click()
        wait_idle(page)
    assert_no_exception(page)
    page.locator(CHART).nth(2).wait_for(state="visible", timeout=60_000)
    page.locator(".colorbar").first.wait_for(state="attached", timeout=30_000)
    ticks = page.locator(f"{CHART} .xtick text, {CHART} .ytick text, {CHART} .cbaxis text").all_text_contents()
    assert ticks and not [t for t in ticks if SI_LABEL.match(t.strip())], ticks
    error_ticks = [t.replace("\u200b", "") for t in page.locator(f"{CHART} .yaxislayer-above .y3tick text").all_text_contents()]
    assert any(t.startswith("10−") for t in error_ticks), error_ticks  # 10⁻¹⁶ drawn as 10<sup>−16</sup>
    labels = page.locator(".colorbar .cbaxis text")
    boxes = [labels.nth(i).bounding_box() for i in range(labels.count())]
    assert len(boxes) >= 4 and not overlapping(boxes), boxes
    assert "ou 0" in " ".join(labels.all_text_contents())
    page.locator(".colorbar").first.scroll_into_view_if_needed()
    screenshot(page, f"stability-map-float64-{'presentation' if presentation else 'normal'}")
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
    code = page.locator('[data-testid="stCode"]', has_text="def log_exp").inner_text()
    assert "subtracts the max" in code and "subtrai" not in code
    assert "core." not in page.locator('[data-testid="stMain"]').inner_text()
    assert not page.console_errors


def test_span_and_map_controls_rerun_only_their_sections(page, app_url):
    # st.fragment: moving the span or the map's quantity reruns that section alone
    open_path(page, app_url, "stability?lang=en&stab_x=7")
    page.locator(CHART).nth(2).wait_for(state="visible", timeout=60_000)
    link = page.locator('[data-testid="stSidebar"] [data-testid="stCode"]').first
    before = link.text_content()
    assert "stab_x=7" in before
    caption = page.get_by_text(re.compile(r"With y = 3, for x from"))
    first = caption.inner_text()
    page.locator(".st-key-stab_chart_span input[type=range]").press("ArrowRight")
    wait_idle(page)
    page.locator(".st-key-stab_map_quantity button").nth(1).click()
    wait_idle(page)
    assert_no_exception(page)
    assert page.locator(ERROR).count() == 0
    assert caption.inner_text() != first  # the chart's range moved with the span
    assert page.locator(CHART).count() == 3 and page.locator(f"{CHART} .main-svg").count() >= 3
    assert link.text_content() == before  # the share link (drawn by full runs) still holds this view
    screenshot(page, "stability-fragments")
    assert not page.console_errors
