"""The frame in a real Chromium: tab titles and links in the reader's language, presentation mode
that enlarges everything and cuts nothing at 1280x720 and 1920x1080, number boxes that explain
an out-of-range value, and link values that are never Markdown. Screenshots of every page in
both languages, with and without presentation mode, land in tests/browser/artifacts/."""

from __future__ import annotations

import socket

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_exception, open_path, screenshot, wait_idle
from ui.frame import lab_pages

pytestmark = pytest.mark.browser

PATHS = ["/"] + ["/" + p.removeprefix("pages/").split("_", 1)[1].removesuffix(".py") for p, _, _ in lab_pages()[1:]]
SIZES = [(1280, 720), (1920, 1080)]

# Text that Streamlit cuts with an ellipsis when it does not fit: metric labels and values,
# sidebar links, widget labels, tab names. scrollWidth > clientWidth means a cut.
CUT_SCRIPT = """
() => {
  const sel = ['[data-testid="stMetricLabel"] *', '[data-testid="stMetricValue"] *', '[data-testid="stPageLink"] span',
               '[data-testid="stPageLink"] p', '[data-testid="stWidgetLabel"] p', '[data-baseweb="tab"] p',
               '[data-testid="stMarkdownContainer"] p', '.stMarkdownEllipsis p', '[data-baseweb="select"] div'];
  const cut = [];
  for (const s of sel) for (const e of document.querySelectorAll(s)) {
    const st = getComputedStyle(e);
    const clipped = st.textOverflow === 'ellipsis' || (e.closest('.stMarkdownEllipsis') && st.overflow === 'hidden');
    if (e.offsetParent !== null && e.scrollWidth > e.clientWidth + 2 && st.overflow !== 'visible' && clipped)
      cut.push(s + ': ' + e.innerText.slice(0, 40));
  }
  return cut;
}
"""


def set_presentation(tab, on: bool) -> None:
    toggle = tab.locator(".st-key-presentation input")
    if toggle.is_checked() != on:
        tab.locator(".st-key-presentation label").first.click()
        wait_idle(tab)


def set_language(tab, lang: str) -> None:
    label = {"pt": "Português", "en": "English"}[lang]
    tab.locator(".st-key-lang").get_by_text(label, exact=True).click()
    wait_idle(tab)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_tab_title_and_share_link_follow_the_language(app_url, page, lang):
    open_path(page, app_url, f"derivatives?lang={lang}")
    expect(page).to_have_title(("Derivadas" if lang == "pt" else "Derivatives") + " · Autograd Lab", timeout=30_000)
    page.locator('[data-testid="stSidebar"] [data-testid="stExpander"] summary').first.click()
    link = page.locator('[data-testid="stSidebar"] [data-testid="stCode"]').first.inner_text()
    assert f"lang={lang}" in link


@pytest.mark.parametrize("width,height", SIZES)
def test_presentation_mode_cuts_nothing(app_url, browser, width, height):
    context = browser.new_context(viewport={"width": width, "height": height})
    tab = context.new_page()
    try:
        for lang in ("pt", "en"):
            for path in PATHS:
                open_path(tab, app_url, path + f"?lang={lang}")  # a new session: switch it on again
                set_presentation(tab, True)
                assert tab.locator(".st-key-presentation input").is_checked()
                assert_no_exception(tab)
                cut = tab.evaluate(CUT_SCRIPT)
                assert not cut, (path, lang, cut)
                if path == "/derivatives":  # enlarged, not only uncut: metric values and inputs
                    size = tab.locator('[data-testid="stMetricValue"] p').first.evaluate(
                        "e => parseFloat(getComputedStyle(e).fontSize)"
                    )
                    box = tab.locator(".st-key-deriv_expr input").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
                    assert size >= 40 and box >= 20, (size, box)
                name = path.strip("/") or "home"
                screenshot(tab, f"present-{width}x{height}-{lang}-{name}")
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_every_page_without_presentation(app_url, page, lang):
    for path in PATHS:
        open_path(page, app_url, path + f"?lang={lang}")
        assert_no_exception(page)
        screenshot(page, f"plain-{lang}-{path.strip('/') or 'home'}")


@pytest.mark.parametrize("lang,word", [("pt", "fora do intervalo"), ("en", "outside the allowed range")])
def test_out_of_range_number_is_explained(app_url, page, lang, word):
    open_path(page, app_url, f"derivatives?lang={lang}")
    box = page.locator(".st-key-deriv_start input")
    box.fill("1e300")
    box.press("Enter")
    wait_idle(page)
    expect(page.locator('[data-testid="stAlert"]').filter(has_text=word).first).to_be_visible(timeout=30_000)
    assert_no_exception(page)
    screenshot(page, f"out-of-range-{lang}")


def test_link_values_are_never_markdown(app_url, page):
    open_path(page, app_url, "derivatives?deriv_points=[Log%20in](https://evil.invalid/x)")
    assert_no_exception(page)
    notice = page.locator('[data-testid="stAlert"]').filter(has_text="deriv_points").first
    expect(notice).to_be_visible(timeout=30_000)
    assert notice.locator("a").count() == 0 and notice.locator("img").count() == 0
    expect(page.locator(".st-key-deriv_points input")).to_have_value("1000")


def test_long_link_value_is_cut_by_the_app(app_url, page):
    """A 20 kB value reaches the app (below the HTTP server's limit), which drops it and says so."""
    open_path(page, app_url, "derivatives?deriv_expr=" + "x%2B" * 5000 + "x")
    assert_no_exception(page)
    expect(page.locator('[data-testid="stAlert"]').filter(has_text="deriv_expr").first).to_be_visible(timeout=30_000)
    expect(page.locator(".st-key-deriv_expr input")).to_have_value("sin(x)")


def test_oversized_request_is_refused_by_the_http_server(app_url):
    """Far beyond any link the app writes, uvicorn (h11) refuses the request line with a 400 before
    the app runs; documented in the README. This pins the behaviour the README describes."""
    host, port = app_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as s:
        try:
            s.sendall(f"GET /derivatives?deriv_expr={'a' * 400_000} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed while the rest was still on its way
        head = s.recv(200)
    assert head.startswith(b"HTTP/1.1 400"), head
