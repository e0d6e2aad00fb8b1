"""The frame every page draws: page config, the shared sidebar, translation, errors.

Navigation: Streamlit discovers ``pages/`` by itself; ``showSidebarNavigation`` is off
in ``.streamlit/config.toml`` and every page draws the same sidebar of page links,
which works in AppTest, in a browser and on a deep link to a fresh server.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from core.errors import LabError
from core.i18n import tr

PAGES = (
    ("app.py", "nav.home", ":material/home:"),
    ("pages/1_tensors.py", "nav.tensors", ":material/grid_on:"),
    ("pages/2_performance.py", "nav.performance", ":material/speed:"),
    ("pages/3_derivatives.py", "nav.derivatives", ":material/show_chart:"),
    ("pages/4_chain_rule.py", "nav.chain_rule", ":material/link:"),
    ("pages/5_stability.py", "nav.stability", ":material/balance:"),
)

_PRESENTATION_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.25rem; }
[data-testid="stWidgetLabel"] p { font-size: 1.15rem; }
</style>
"""


@dataclass(frozen=True)
class Page:
    """What a page needs from the frame: the language and the presentation flag."""

    lang: str
    presentation: bool

    def t(self, key: str, **params: Any) -> str:
        """Translated text for ``key``."""
        return tr(key, self.lang, **params)

    def error(self, err: LabError) -> None:
        """Show a core error as a message, never a traceback."""
        st.error(err.message(self.lang), icon=":material/error:")


def lab_pages() -> list[tuple[str, str, str]]:
    """The pages present in this checkout, in course order: (path, title key, icon)."""
    root = Path(__file__).resolve().parent.parent
    return [entry for entry in PAGES if (root / entry[0]).exists()]


def setup(title_key: str, icon: str = ":material/functions:") -> Page:
    """Configure the page and draw the shared sidebar; returns the reader's choices."""
    st.set_page_config(page_title=f"{tr(title_key, 'pt')} · Autograd Lab", page_icon=icon, layout="wide")
    with st.sidebar:
        lang = st.segmented_control(
            "Idioma / Language",
            options=["pt", "en"],
            format_func={"pt": "Português", "en": "English"}.get,
            default="pt",
            key="lang",
            persist_state="session",
        ) or "pt"
        presentation = st.toggle(
            tr("sidebar.presentation", lang),
            key="presentation",
            help=tr("sidebar.presentation_help", lang),
            persist_state="session",
        )
        st.caption(tr("sidebar.labs", lang))
        for path, key, page_icon in lab_pages():
            st.page_link(path, label=tr(key, lang), icon=page_icon)
    if presentation:
        st.html(_PRESENTATION_CSS)
    return Page(lang=lang, presentation=bool(presentation))
