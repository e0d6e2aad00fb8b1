"""Every URL-bound widget of every page, opened by a link with a hostile value (issue 11):
inf, NaN, overflow, a 5,000-digit number, wrong types, Markdown. No crash, ever; a value that is
not used is named in the link notice, shown literally (never as a link or an image)."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui.frame import lab_pages

PAGES = [path.removeprefix("pages/") for path, _, _ in lab_pages() if path.startswith("pages/")]
HOSTILE = [
    "inf",
    "-inf",
    "nan",
    "1e400",
    "-1e400",
    "9" * 5000,
    "0x1F",
    "1_000",
    "",
    " ",
    "true",
    "[a](https://evil.invalid)",
    "![p](https://evil.invalid/p.png)",
    "<b>x</b>",
    ":material/warning:",
    "$x^2$",
    "é" * 50,
]


def assert_inert(markdown: str, where) -> None:
    """No hostile construct can act in ``markdown``: outside code spans there is no link, image,
    bare URL, icon shortcode, LaTeX or HTML made of the hostile values."""
    outside = re.sub(r"`[^`]*`", "", markdown)
    for live in ("](https://evil", "https://evil", ":material/warning:", "$x^2$", "<b>"):
        assert live not in outside, (where, live, markdown[:200])


def bound_keys(page: str) -> list[str]:
    """The keys a share link of ``page`` carries (read off the page's own link)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(f"pages/{page}").run()
    links = [c.value for c in at.code if "lang=" in c.value]
    assert links
    query = links[0].split("?", 1)[1]
    return [kv.split("=", 1)[0] for kv in query.split("&") if not kv.startswith("lang=")]


def open_with(page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(f"pages/{page}").run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_hostile_value_in_every_bound_widget(page):
    """Each hostile value in all of the page's link keys at once."""
    keys = bound_keys(page)
    assert keys, page
    for raw in HOSTILE:
        at = open_with(page, {key: raw for key in keys})
        assert not at.exception, (page, raw[:40], [e.value for e in at.exception])
        for box in list(at.warning) + list(at.error) + list(at.info) + list(at.markdown) + list(at.caption):
            assert_inert(box.value, (page, raw[:40]))


@pytest.mark.parametrize("page", PAGES)
def test_each_bound_widget_alone_with_the_worst_values(page):
    """One key at a time, so that no other key's notice hides a crash or a live value."""
    for key in bound_keys(page):
        for raw in ("inf", "9" * 5000, "[a](https://evil.invalid)"):
            at = open_with(page, {key: raw})
            assert not at.exception, (page, key, raw[:40], [e.value for e in at.exception])
            for box in list(at.warning) + list(at.error) + list(at.info) + list(at.markdown) + list(at.caption):
                assert_inert(box.value, (page, key, raw[:40]))
