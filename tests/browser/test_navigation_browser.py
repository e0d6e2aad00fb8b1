"""Navigation on a freshly started server: a deep link is the first request it ever serves."""

import pytest

from tests.browser.conftest import assert_no_exception, free_port, open_path, start_server

pytestmark = pytest.mark.browser


@pytest.fixture
def fresh_server():
    port = free_port()
    proc = start_server(port)
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=10)


def test_deep_link_to_a_fresh_server_opens_the_page_with_our_sidebar(fresh_server, page):
    open_path(page, fresh_server, "stability")
    assert_no_exception(page)
    assert "Estabilidade" in page.locator('[data-testid="stMain"] h1').first.inner_text()
    # Streamlit's own page list stays hidden; the shared sidebar draws one link per page
    assert page.locator('[data-testid="stSidebarNav"]').count() == 0
    links = page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"]')
    assert links.count() == 6
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
