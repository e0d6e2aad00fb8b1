"""Navigation on a freshly started server: a deep link is the first request it ever serves."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_no_exception, free_port, open_path, start_server, wait_idle
from tools.server import stop_server
from ui.frame import lab_pages

pytestmark = pytest.mark.browser


@pytest.fixture
def fresh_server():
    port = free_port()
    proc = start_server(port)
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


def test_deep_link_to_a_fresh_server_opens_the_page_with_our_sidebar(fresh_server, page):
    open_path(page, fresh_server, "stability")
    assert_no_exception(page)
    assert "Estabilidade" in page.locator('[data-testid="stMain"] h1').first.inner_text()
    # Streamlit's own page list stays hidden; the shared sidebar draws one link per page
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]')
    # a fresh server's first deep link may run the page twice (its page list is read on the first
    # request); the second run draws the sidebar again: wait for it rather than count at once
    expect(links).to_have_count(len(lab_pages()), timeout=30_000)  # home and every lab
    # and the links work: follow one to another lab
    links.filter(has_text="Derivadas").first.click()
    page.wait_for_url("**/derivatives", timeout=60_000)
    page.locator('[data-testid="stMain"] h1').filter(has_text="Derivadas").wait_for(timeout=60_000)
    assert_no_exception(page)


def test_language_switch_translates_the_sidebar_and_survives_navigation(fresh_server, page):
    open_path(page, fresh_server, "chain_rule")
    page.locator('[data-testid="stSidebar"]').get_by_text("English", exact=True).click()
    page.locator('[data-testid="stMain"] h1').filter(has_text="Chain rule").wait_for(timeout=60_000)
    page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]').filter(has_text="Derivatives").first.click()
    page.wait_for_url("**/derivatives", timeout=60_000)
    page.locator('[data-testid="stMain"] h1').filter(has_text="Derivatives").wait_for(timeout=60_000)
    assert_no_exception(page)


def test_a_shared_links_language_and_presentation_mode_stay_on_the_next_lab(fresh_server, page):
    """A link opened in English stays in English on the next lab the sidebar leads to (the sidebar's
    widget came back in Portuguese there before the frame remembered the choice), and so does
    presentation mode."""
    open_path(page, fresh_server, "derivatives?lang=en")
    sidebar = page.locator('[data-testid="stSidebar"]')
    for lab, title in (("chain_rule", "Chain rule"), ("stability", "Numerical stability")):
        sidebar.locator(f'[data-testid="stPageLink"] a[href*="{lab}"]').click()
        page.wait_for_url(f"**/{lab}", timeout=60_000)
        page.locator('[data-testid="stMain"] h1').filter(has_text=title).wait_for(timeout=60_000)
    sidebar.get_by_text("Presentation mode", exact=True).click()
    wait_idle(page)
    sidebar.locator('[data-testid="stPageLink"] a[href*="tensors"]').click()
    page.wait_for_url("**/tensors", timeout=60_000)
    page.locator('[data-testid="stMain"] h1').filter(has_text="Tensors").wait_for(timeout=60_000)
    wait_idle(page)
    assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "22px"
    assert_no_exception(page)
