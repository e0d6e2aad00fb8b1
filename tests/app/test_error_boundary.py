"""The frame's error boundary (ui/frame.py): an unexpected exception in any page shows a translated
message with a short reference and never a traceback, whatever ``client.showErrorDetails`` says; the
traceback goes to the server's log with the same reference; the share link and navigation stay."""

from __future__ import annotations

import logging
import re

import pytest
from streamlit import config

from tools.apptest import open_page
from ui.frame import FAULT_ENV, lab_pages

PAGES = [None] + [path.removeprefix("pages/") for path, _, _ in lab_pages()[1:]]
TITLE_KEYS = dict(zip(PAGES, [key for _, key, _ in lab_pages()], strict=True))
REFERENCE = re.compile(r"`([0-9a-f]{8})`")


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def server_log():
    handler = Records()
    logger = logging.getLogger("autograd_lab")
    logger.addHandler(handler)
    yield handler.records
    logger.removeHandler(handler)


@pytest.fixture(params=["full", "none"])
def error_details(request):
    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", request.param)
    yield request.param
    config.set_option("client.showErrorDetails", before)


def boundary_message(at) -> str:
    assert not at.exception, [e.value for e in at.exception]
    messages = [e.value for e in at.error if REFERENCE.search(e.value)]
    assert len(messages) == 1, [e.value for e in at.error]
    return messages[0]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p or "home")
def test_injected_failure_shows_a_message_with_a_reference_not_a_traceback(page, error_details, monkeypatch, server_log):
    monkeypatch.setenv(FAULT_ENV, TITLE_KEYS[page])
    at = open_page(page, lang="en")
    message = boundary_message(at)
    assert message.startswith("Something went wrong on this page")
    assert "Traceback" not in message and "RuntimeError" not in message
    ref = REFERENCE.search(message).group(1)
    logged = [r for r in server_log if ref in r.getMessage()]
    assert len(logged) == 1 and logged[0].exc_info is not None  # the traceback is in the log only
    assert at.sidebar.get("page_link"), "navigation is still drawn"
    assert any("lang=en" in c.value for c in at.sidebar.code), "the share link is still drawn"


def test_the_message_is_translated(monkeypatch):
    monkeypatch.setenv(FAULT_ENV, "all")
    at = open_page("3_derivatives.py", lang="pt")
    assert boundary_message(at).startswith("Algo deu errado nesta página")


def test_a_failure_inside_core_is_caught_too(error_details, monkeypatch, server_log):
    import core.devices

    def broken():
        raise ZeroDivisionError("a bug deep in core")

    monkeypatch.setattr(core.devices, "environment", broken)
    at = open_page(None, lang="en")
    ref = REFERENCE.search(boundary_message(at)).group(1)
    assert any(ref in r.getMessage() and r.exc_info[0] is ZeroDivisionError for r in server_log)


def test_the_page_works_again_once_the_failure_is_gone(monkeypatch):
    monkeypatch.setenv(FAULT_ENV, "nav.derivatives")
    at = open_page("3_derivatives.py", lang="en")
    boundary_message(at)
    monkeypatch.delenv(FAULT_ENV)
    at.run()
    assert not at.exception and not at.error
    assert at.get("plotly_chart")


def test_another_page_is_unaffected(monkeypatch):
    monkeypatch.setenv(FAULT_ENV, "nav.derivatives")
    at = open_page("6_stability.py", lang="en")
    assert not at.exception and not [e for e in at.error if REFERENCE.search(e.value)]


def test_bad_input_still_draws_the_share_link():
    at = open_page("3_derivatives.py", lang="en")
    at.text_input(key="deriv_expr").set_value("import os").run()
    assert at.error and not at.exception
    assert any("deriv_expr=import+os" in c.value for c in at.sidebar.code)
