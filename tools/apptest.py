"""Streamlit's AppTest, opened the way a student arrives: app.py first, then a page."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tools.server import ROOT


def open_page(page: str | None = None, *, lang: str = "pt", timeout: float = 60) -> AppTest:
    """Run app.py, then switch to ``pages/<page>`` (None: stay on the home page)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.session_state["lang"] = lang
    at.run()
    if page is not None:
        at.switch_page(f"pages/{page}").run()
    return at
