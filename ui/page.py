"""The frame every page draws: page config, the shared sidebar, translation, errors.

Navigation: Streamlit discovers ``pages/`` by itself; ``showSidebarNavigation`` is off
in ``.streamlit/config.toml`` and every page draws the same sidebar of page links,
which works in AppTest, in a browser and on a deep link to a fresh server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import streamlit as st
import torch

from core.errors import LabError
from core.i18n import tr

# Many students share one small server: one intra-op thread per computation lets concurrent
# sessions use the cores instead of fighting over them (override with AUTOGRAD_LAB_THREADS).
torch.set_num_threads(max(1, int(os.environ.get("AUTOGRAD_LAB_THREADS", "1"))))


def _limit_malloc_arenas(count: int = 2) -> None:
    """Cap glibc's malloc arenas: each session's script thread would otherwise get its own,
    and memory freed in one arena is not reused by another, so the server's RSS creeps up
    with the number of concurrent sessions. A no-op where the C library is not glibc."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(-8, count)  # -8 is M_ARENA_MAX
    except (OSError, AttributeError):
        pass


_limit_malloc_arenas()

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
    """What a page needs from the frame: language, presentation flag, the URL's query."""

    lang: str
    presentation: bool
    query: dict[str, str] = field(default_factory=dict)  # as the URL had it before any widget ran

    def t(self, key: str, **params: Any) -> str:
        """Translated text for ``key``."""
        return tr(key, self.lang, **params)

    def error(self, err: LabError) -> None:
        """Show a core error as a message, never a traceback."""
        st.error(err.message(self.lang), icon=":material/error:")

    def share(self, values: dict[str, Any]) -> None:
        """Check the link this view was opened with, and offer a link to the current view.

        ``values`` maps each widget key bound to the URL (``bind="query-params"``) to its
        current value. Streamlit drops a query value it cannot use (unknown option, out of
        range) and the widget falls back to its default; this says so, once per page visit,
        instead of silently showing something else than the link promised.
        """
        rejected = [f"{k}={self.query[k]}" for k, v in values.items() if k in self.query and not _same(self.query[k], v)]
        if rejected:
            st.warning(self.t("share.rejected", params=", ".join(rejected)[:300]), icon=":material/link_off:")
        base = (getattr(st.context, "url", None) or "").split("?")[0]
        link = base + "?" + urlencode({k: _as_text(v) for k, v in values.items() if v is not None})
        with st.sidebar.expander(self.t("share.title"), icon=":material/share:"):
            st.caption(self.t("share.help"))
            st.code(link, language=None, wrap_lines=True)


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _same(raw: str, value: Any) -> bool:
    """Whether the URL's text ``raw`` is what the widget now holds."""
    if isinstance(value, bool):
        return raw.lower() == str(value).lower()
    if isinstance(value, (int, float)):
        try:
            return float(raw) == float(value)
        except ValueError:
            return False
    return raw == str(value)


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
    # the link's values matter on the first run of a page visit; later runs follow the widgets
    first_run = st.session_state.get("_ui_page") != title_key
    st.session_state["_ui_page"] = title_key
    query = dict(st.query_params.to_dict()) if first_run else {}
    return Page(lang=lang, presentation=bool(presentation), query=query)
