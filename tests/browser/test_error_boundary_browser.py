"""The error boundary in a real Chromium, on servers started with either ``client.showErrorDetails``
setting: an injected failure on one page shows the translated message with its reference, no
traceback, the traceback is in the server's log, and the sidebar still leads to working pages."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ARTIFACTS, assert_no_exception, screenshot, start_server, wait_idle
from tools.server import free_port, stop_server
from ui.frame import FAULT_ENV

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module", params=["full", "none"])
def failing_server(request):
    """A server on which the Derivatives page fails, with ``showErrorDetails`` set as given."""
    port = free_port()
    proc = start_server(port, {FAULT_ENV: "nav.derivatives"}, options={"client.showErrorDetails": request.param})
    yield request.param, f"http://127.0.0.1:{port}", ARTIFACTS / f"server-{port}.log"
    stop_server(proc)


def test_injected_failure_shows_a_reference_and_navigation_still_works(failing_server, page):
    details, base, log = failing_server
    page.goto(f"{base}/derivatives?lang=en", timeout=90_000)  # no title: the page fails before drawing one
    alert = page.locator('[data-testid="stAlertContainer"]', has_text="Something went wrong on this page")
    alert.wait_for(timeout=90_000)
    wait_idle(page)
    assert_no_exception(page)
    body = page.locator('[data-testid="stMain"]').inner_text()
    assert "Traceback" not in body and "RuntimeError" not in body and "fault injected" not in body
    ref = re.search(r"reference\s+([0-9a-f]{8})", alert.inner_text()).group(1)
    screenshot(page, f"error-boundary-{details}")
    text = log.read_text()
    assert ref in text and "Traceback" in text and "fault injected" in text  # the log has what the page hides
    assert page.locator('[data-testid="stSidebar"] [data-testid="stCode"]').count() == 1  # the share link
    page.locator('[data-testid="stSidebar"] [data-testid="stPageLink"] a[href*="stability"]').click()
    page.wait_for_url(re.compile(r"/stability"))
    wait_idle(page)
    page.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=60_000)
    assert_no_exception(page)
    assert not page.console_errors
