"""AppTest helpers: every page test starts from app.py and switches page."""

from __future__ import annotations

import pytest

from tools.apptest import open_page

__all__ = ["open_page", "page_opener"]


@pytest.fixture
def page_opener():
    return open_page
