"""The frame every page runs in: page config, the shared sidebar, translation, errors, the share link.

A page is a function ``main(page)`` handed to ``run``: the frame sets the page up, draws the
sidebar (language, presentation mode, the labs), runs ``main`` inside an error boundary, and
draws the share link last, so the link is there even when the page stopped early on bad input.

The boundary: a ``LabError`` that reaches it is shown as the page's own message; any other
exception is shown as a translated message with a short reference, and its traceback goes to
the server's log only. Streamlit never sees the exception, so no traceback reaches a browser
whatever ``client.showErrorDetails`` says (Community Cloud sets it to a value that shows them).

Navigation: Streamlit discovers ``pages/`` by itself; ``showSidebarNavigation`` is off
in ``.streamlit/config.toml`` and every page draws the same sidebar of page links,
which works in AppTest, in a browser and on a deep link to a fresh server.
"""

from __future__ import annotations

import functools
import gc
import logging
import math
import os
import pickle
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import streamlit as st
import torch
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from core import governor
from core.allocator import tune_allocator
from core.errors import Both, LabError
from core.i18n import table, tr

# Many students share one small server: one intra-op thread per computation lets concurrent
# sessions use the cores instead of fighting over them (override with AUTOGRAD_LAB_THREADS).
torch.set_num_threads(max(1, int(os.environ.get("AUTOGRAD_LAB_THREADS", "1"))))


# A long-running server must give memory back after each large computation (see core/allocator.py).
tune_allocator()

PAGES = (
    ("app.py", "nav.home", ":material/home:"),
    ("pages/1_tensors.py", "nav.tensors", ":material/grid_on:"),
    ("pages/2_performance.py", "nav.performance", ":material/speed:"),
    ("pages/3_derivatives.py", "nav.derivatives", ":material/show_chart:"),
    ("pages/4_chain_rule.py", "nav.chain_rule", ":material/link:"),
    ("pages/5_gradients.py", "nav.gradients", ":material/explore:"),
    ("pages/6_stability.py", "nav.stability", ":material/balance:"),
)

LANGUAGES = ("pt", "en")
MAX_QUERY_VALUE = 400  # characters of one link value; the longest a view writes is an expression (200)
MAX_QUERY_KEY = 40
BOUNDS_KEY = "_ui_number_bounds"
LANG_KEY, PRESENTATION_KEY = "lang", "presentation"  # the sidebar's widgets
LANG_MEMORY, PRESENTATION_MEMORY = "_ui_lang", "_ui_presentation"  # the same choices, kept across pages
FAULT_ENV = "AUTOGRAD_LAB_FAULT"  # tests only: "all" or a page's title key makes that page fail (the boundary's test)

log = logging.getLogger("autograd_lab")
if not log.handlers:  # Streamlit configures its own loggers only: this one writes to the server's stderr
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False

# Always: the "Press Enter to apply" hint covers the value in narrow columns (text boxes also
# apply when they lose focus, so the hint is not needed to use them); a long derivative's
# LaTeX scrolls sideways instead of being cut at the column's edge.
_BASE_CSS = """
<style>
[data-testid="InputInstructions"] { display: none; }
.katex-display { overflow-x: auto; overflow-y: hidden; padding-bottom: 4px; }
</style>
"""

# Presentation mode: everything a projector shows gets larger, and nothing is cut. Labels that
# Streamlit truncates with an ellipsis (metric labels, sidebar links) wrap instead; the share
# link, which nobody reads off a projector, stays small so it does not wrap a few letters a line.
_PRESENTATION_CSS = """
<style>
html, body, [data-testid="stAppViewContainer"] { font-size: 22px; }
[data-testid="stMarkdownContainer"] p, [data-testid="stMarkdownContainer"] li { font-size: 1.25rem; }
[data-testid="stWidgetLabel"] p { font-size: 1.15rem; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p { font-size: 1.05rem; }
input, textarea, [data-baseweb="select"] div, [data-testid="stButtonGroup"] p { font-size: 1.15rem !important; }
[data-testid="stSliderThumbValue"], [data-testid="stSliderTickBar"] div { font-size: 1.05rem; }
[data-testid="stMetricValue"], [data-testid="stMetricValue"] p { font-size: 2.4rem !important; line-height: 1.2; }
[data-testid="stMetricLabel"] p { font-size: 1.15rem !important; }
.stMarkdownEllipsis, .stMarkdownEllipsis p, [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stTable"] table, [data-testid="stTable"] th, [data-testid="stTable"] td { font-size: 1.15rem; }
[data-testid="stMain"] [data-testid="stCode"] code { font-size: 1.05rem; }
[data-testid="stAlertContainer"] p { font-size: 1.2rem; }
.katex { font-size: 1.5em !important; }
[data-testid="stExpander"] summary p, [data-baseweb="tab"] p { font-size: 1.2rem; }
[data-testid="stMainBlockContainer"] { padding-left: 2.5rem; padding-right: 2.5rem; max-width: none; }
[data-testid="stSidebar"] { min-width: 340px; }
[data-testid="stPageLink"] p, [data-testid="stPageLink"] span {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stSidebar"] [data-testid="stCode"] code { font-size: 0.7rem; word-break: break-all; }
</style>
"""


@dataclass(frozen=True)
class Page:
    """What a page needs from the frame: language, presentation flag, the URL's query."""

    lang: str
    presentation: bool
    query: dict[str, str] = field(default_factory=dict)  # as the URL had it before any widget ran
    rejected_link_values: list[str] = field(default_factory=list)  # "key=value" the frame replaced
    shared: dict[str, Any] = field(default_factory=dict)  # the view's values for the share link

    def t(self, key: str, **params: Any) -> str:
        """Translated text for ``key``, ready for Markdown.

        The table's texts are Markdown written here; the values put into them may come from a
        link, a text box or a library's error message, so each text value is defused (or, where
        the text puts it in a code span, kept from closing it): a value can never become a
        link, an image, HTML, an emoji or LaTeX.
        """
        return tr(key, self.lang, **_safe_params(key, self.lang, params))

    def error(self, err: LabError) -> None:
        """Show a core error as a message, never a traceback (its values escaped, as in ``t``)."""
        params = {k: (v.en if self.lang == "en" else v.pt) if isinstance(v, Both) else v for k, v in err.params.items()}
        st.error(self.t(err.key, **params), icon=":material/error:")

    def number(
        self,
        label: str,
        *,
        low: float,
        high: float,
        value: float,
        key: str,
        where: Any = None,
        step: float | None = None,
        bind: bool = False,
        help: str | None = None,
        format: str | None = None,
    ) -> Any:
        """A number box whose range is checked here, with a translated message, not by the browser.

        Streamlit's own ``min_value``/``max_value`` make the browser refuse an out-of-range entry
        with an English tooltip and silently keep the old value. Here the box takes any number;
        one outside ``[low, high]`` is replaced by the nearest bound and a notice in the page's
        language says so. Integers when ``low``, ``high`` and ``value`` are all ints. A link
        value that is not a finite number in range is named in the page's link notice.
        """
        where = st if where is None else where
        st.session_state.setdefault(BOUNDS_KEY, {})[key] = (low, high)  # for tests that sweep every box to its bounds
        integer = all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high, value))
        if bind and key in self.query:
            # Streamlit drops a link value that is no number, and seeds the box with one out of
            # range (clamped below); either way the notice names the link value that was not used
            num = _finite_number(self.query[key], integer)
            if num is None or not low <= num <= high:
                self.rejected_link_values.append(f"{key}={self.query[key]}")
        # Integer boxes are float boxes shown without decimals: Streamlit's int boxes carry hidden
        # bounds of +-(2**53 - 1) that the browser enforces with its own English tooltip.
        got = where.number_input(
            label,
            value=float(value) if integer else value,
            step=float(step or 1) if integer else step,
            format=format or ("%.0f" if integer else None),
            key=key,
            help=help,
            bind="query-params" if bind else None,
        )
        if got is None:
            got = value
        if isinstance(got, float) and not math.isfinite(got):
            clamped = value
        else:
            clamped = min(max(got, low), high)
        if clamped != got:
            where.warning(
                self.t("common.out_of_range", value=_show(got), low=_show(low), high=_show(high), used=_show(clamped)),
                icon=":material/straighten:",
            )
        elif integer and not float(got).is_integer():
            clamped = round(got)
            where.warning(self.t("common.whole_number", value=_show(got), used=_show(clamped)), icon=":material/straighten:")
        return int(clamped) if integer else float(clamped)

    def link_number(self, key: str) -> float | None:
        """The finite number the link this view was opened with gives for ``key`` (first run only).

        For a control that is not bound to the URL by Streamlit (its range moves with other
        controls); an unusable value is named in the link notice and None is returned.
        """
        if key not in self.query:
            return None
        num = _finite_number(self.query[key], integer=False)
        if num is None:
            self.rejected_link_values.append(f"{key}={self.query[key]}")
        return num

    def share(self, values: dict[str, Any]) -> None:
        """Check the link this view was opened with, and put ``values`` in the share link.

        ``values`` maps widget keys to their current values (those bound to the URL with
        ``bind="query-params"`` and any other the link should carry). Streamlit drops a query
        value it cannot use (unknown option, out of range) and the widget falls back to its
        default; this says so, once per page visit, instead of silently showing something else
        than the link promised. May be called more than once (one call per tab); the frame
        draws the link after the page has run.
        """
        rejected = list(self.rejected_link_values)
        rejected += [f"{k}={self.query[k]}" for k, v in values.items() if k in self.query and not _same(self.query[k], v)]
        rejected = [r for r in dict.fromkeys(rejected) if r not in self.shared.get(_WARNED, ())]  # each value once
        if rejected:
            shown = ", ".join(plain(r[:80]) for r in rejected[:6]) + (" …" if len(rejected) > 6 else "")
            # each value is already a code span (plain): inert, and shown exactly as the link had it
            st.warning(tr("share.rejected", self.lang, params=shown), icon=":material/link_off:")
            self.shared.setdefault(_WARNED, set()).update(rejected)
        self.shared.update(values)

    def share_link(self) -> str:
        """The link to this view: its language and the values given to ``share``; before (or
        without) any, the values the URL holds now (URL-bound widgets keep it current)."""
        values = {k: v for k, v in self.shared.items() if k != _WARNED}
        if not values:
            values = {k: v for k, v in st.query_params.to_dict().items() if k != "lang"}
        base = (getattr(st.context, "url", None) or "").split("?")[0]
        query = {"lang": self.lang} | {k: _as_text(v) for k, v in values.items() if v is not None}
        return base + "?" + urlencode(query)

    def draw_share_link(self) -> None:
        with st.sidebar.expander(self.t("share.title"), icon=":material/share:"):
            st.caption(self.t("share.help"))
            st.code(self.share_link(), language=None, wrap_lines=True)


_WARNED = "\0warned"  # a key no widget has: the link values already named in a notice


_ZW = "\u200b"  # zero-width space: breaks a Markdown construct without changing what is read
_EMOJI = re.compile(r":(?=[A-Za-z_/+-])")


def defuse_markdown(text: str) -> str:
    """``text`` with every Markdown construct that could act broken up, the rest untouched.

    A value from a link or a library's message is shown inside Markdown texts, and Streamlit
    also puts the same texts in places that are not Markdown (chart titles): escaping every
    punctuation mark would show backslashes there. So only what could act is broken, by an
    invisible space: links and images ``](``, bare links ``://`` and ``www.``, emoji and icons
    ``:name:``, LaTeX ``$`` (escaped), HTML ``<`` and line breaks.
    """
    text = str(text).replace("\n", " ").replace("\r", " ")
    text = text.replace("](", "]" + _ZW + "(").replace("://", ":" + _ZW + "//").replace("www.", "www" + _ZW + ".")
    text = _EMOJI.sub(":" + _ZW, text)
    return text.replace("$", "\\$").replace("<", "<" + _ZW)


def _in_code_span(template: str, name: str) -> bool:
    """Whether ``{name}`` sits inside a `code span` of ``template``."""
    at = template.find("{" + name)
    return at >= 0 and template[:at].count("`") % 2 == 1


def _safe_params(key: str, lang: str, params: dict[str, Any]) -> dict[str, Any]:
    pair = table().get(key)
    template = (pair[1] if lang == "en" else pair[0]) if pair else ""
    safe = {}
    for name, value in params.items():
        if isinstance(value, str):
            value = value.replace("`", "\u02cb") if _in_code_span(template, name) else defuse_markdown(value)
        safe[name] = value
    return safe


def _finite_number(raw: str, integer: bool) -> float | int | None:
    """``raw`` as a finite number (an int when ``integer``), or None."""
    try:
        num = float(str(raw)[:40])
    except ValueError:
        return None
    if not math.isfinite(num) or (integer and not num.is_integer()):
        return None
    return int(num) if integer else num


def _show(v: float) -> str:
    return f"{v:,}".replace(",", "\u202f") if isinstance(v, int) else f"{v:.6g}"


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


_STORES: dict[tuple[str, str], tuple[OrderedDict[tuple, bytes], threading.Lock]] = {}


def heavy_cache(max_entries: int = 8) -> Callable:
    """Like ``st.cache_data`` (copies out, bounded), for heavy work under the governor.

    On a miss the call waits for one of the server's heavy slots (``core.governor.HEAVY``), with
    its place in line shown on the page, then runs under one interaction's time budget with a
    checkpoint: when the student reruns the page or closes the tab, the work stops at its next
    step (and a symbolic child process is killed) instead of running to its end. A hit costs
    no slot. Arguments must be hashable; failures are not remembered here.
    """

    def decorate(fn: Callable) -> Callable:
        # A page's script runs again on every rerun, and so does this decorator: the store is kept
        # in the module, per function (file and name), or every rerun would start with an empty one.
        store, lock = _STORES.setdefault((fn.__code__.co_filename, fn.__qualname__), (OrderedDict(), threading.Lock()))

        @functools.wraps(fn)
        def wrapper(*args: Any) -> Any:
            with lock:
                blob = store.get(args)
                if blob is not None:
                    store.move_to_end(args)
            if blob is not None:
                return pickle.loads(blob)
            value = run_heavy(fn, *args)
            with lock:
                store[args] = pickle.dumps(value)
                while len(store) > max_entries:
                    store.popitem(last=False)
            return value

        wrapper.clear = store.clear  # type: ignore[attr-defined]
        return wrapper

    return decorate


def run_heavy(fn: Callable, *args: Any) -> Any:
    """``fn(*args)`` as one governed heavy computation of this session (see ``heavy_cache``)."""
    lang = st.session_state.get("lang") or "pt"
    status = st.empty()

    def on_wait(place: int, waited: float) -> None:
        status.info(tr("common.queue_place", lang, place=place, waited=int(waited)), icon=":material/hourglass_top:")

    try:
        with governor.HEAVY.acquire(on_wait=on_wait), governor.interaction(checkpoint=_abandoned):
            value = fn(*args)
    except governor.Cancelled:
        status.empty()  # a yield point: Streamlit raises the pending rerun or stop here
        st.stop()
    status.empty()
    return value


@contextmanager
def cancellable(time_limit_s: float = governor.TIME_LIMIT_S) -> Iterator[None]:
    """Run the block as one interaction that stops when the student reruns or leaves the page
    (for work that holds a slot of its own, like the performance benchmark)."""
    try:
        with governor.interaction(checkpoint=_abandoned, time_limit_s=time_limit_s):
            yield
    except governor.Cancelled:
        st.empty()  # a yield point: Streamlit raises the pending rerun or stop here
        st.stop()


def _abandoned() -> None:
    """Raise ``Cancelled`` when this session has asked for a rerun or a stop (a widget changed,
    the tab closed). Streamlit acts on such a request only when the script next touches the
    page, which a computation never does; this reads the pending request instead."""
    ctx = get_script_run_ctx(suppress_warning=True)
    state = getattr(getattr(ctx, "script_requests", None), "_state", None)
    if getattr(state, "name", "CONTINUE") in ("STOP", "RERUN"):
        raise governor.Cancelled


def page_target(path: str) -> str:
    """A page of ``PAGES`` (a path from the repository root) as ``st.page_link`` finds it from any
    entry script, ``app.py`` or ``cloud/streamlit_app.py``: Streamlit joins a link's path to the
    entry script's folder, and an absolute path stays itself."""
    return str(Path(__file__).resolve().parent.parent / path)


def lab_pages() -> list[tuple[str, str, str]]:
    """The pages present in this checkout, in course order: (path, title key, icon)."""
    root = Path(__file__).resolve().parent.parent
    return [entry for entry in PAGES if (root / entry[0]).exists()]


def run(main: Callable[[Page], None], title_key: str, icon: str = ":material/functions:") -> None:
    """Run one page: the frame around ``main(page)``, with the error boundary and the share link.

    ``main`` may raise ``LabError`` (shown as the page's message) or simply return early; a
    Streamlit stop or rerun (``st.stop()``, a widget changed) passes through untouched.
    """
    page: Page | None = None
    try:
        page = setup(title_key, icon)
        if os.environ.get(FAULT_ENV) in ("all", title_key):
            raise RuntimeError(f"fault injected by {FAULT_ENV} for the error boundary's tests")
        main(page)
    except LabError as err:
        if page is None:
            raise  # only the page's own inputs raise LabError: none can reach the frame's set-up
        page.error(err)
    except Exception:
        _unexpected(title_key, page.lang if page else st.session_state.get(LANG_MEMORY, "pt"))
    if page is not None:
        page.draw_share_link()
    _freeze_once(title_key)


def _unexpected(title_key: str, lang: str) -> None:
    """The message for an exception nobody expected: translated, with a reference to the log."""
    ref = secrets.token_hex(4)
    log.exception("unexpected error on page %s, reference %s", title_key, ref)
    st.error(tr("frame.unexpected", lang, ref=ref), icon=":material/error:")


def fragment(draw: Callable[..., None]) -> Callable[..., None]:
    """``st.fragment`` with the frame's error boundary: ``draw(page, ...)`` reruns alone when one
    of its own widgets changes, and such a rerun does not pass through ``run``.

    As in ``run``: a ``LabError`` is shown as the page's message, anything else as the translated
    message with a reference (the traceback goes to the log only); Streamlit's stop and rerun
    pass through. The sidebar's share link is not redrawn on a fragment's own rerun, so keep a
    fragment's widgets out of the link (or accept a link one full run old).
    """

    @st.fragment
    @functools.wraps(draw)
    def bounded(page: Page, *args: Any, **kwargs: Any) -> None:
        try:
            draw(page, *args, **kwargs)
        except LabError as err:
            page.error(err)
        except Exception:
            _unexpected(st.session_state.get("_ui_page", "?"), page.lang)

    return bounded


@st.cache_resource(max_entries=96, show_spinner=False)
def _shared(kind: str, key: tuple, _build: Callable[[], Any]) -> Any:
    return _build()


def shared_figure(kind: str, key: tuple, build: Callable[[], Any]) -> Any:
    """``build()`` once per (kind, key) for every session of this process, then the same object.

    For figures that are the same for every student with the same choices (a class opens at the
    defaults): Streamlit only reads a figure it is given, so one object serves all. ``key`` holds
    every input the figure depends on (language and presentation mode included); the data it is
    drawn from need not be hashed. Never mutate what comes back. Not pickled: unpickling a Plotly
    figure validates all of it again.
    """
    return _shared(kind, key, build)


_FROZEN: set[str] = set()  # the pages after whose first run in this process the heap was frozen
_FREEZE_LOCK = threading.Lock()


def _freeze_once(title_key: str) -> None:
    """Move everything alive after a page's first run in this process out of the cyclic collector.

    Streamlit runs a full ``gc.collect()`` after every script run (``runner.postScriptGC``). With
    torch, SymPy, Plotly and pandas loaded it walks some 300,000 long-lived objects (the modules,
    the lazily loaded Plotly validators, the SymPy caches): 170-190 ms of CPU, about three quarters
    of what one interaction cost the server. Frozen objects are skipped by every later collection;
    reference counting still frees them when they die. A page's first run loads what that page
    needs, so one freeze per page and process is enough (the cyclic garbage of that one run stays
    uncollected, a few objects).
    """
    with _FREEZE_LOCK:
        if title_key in _FROZEN:
            return
        _FROZEN.add(title_key)
        gc.freeze()


def setup(title_key: str, icon: str = ":material/functions:") -> Page:
    """Configure the page and draw the shared sidebar; returns the reader's choices."""
    # the link's values matter on the first run of a page visit; later runs follow the widgets
    first_run = st.session_state.get("_ui_page") != title_key
    st.session_state["_ui_page"] = title_key
    dropped = _drop_long_query_values() if first_run else []
    if first_run:
        # A page switch may bring the sidebar's widgets back with a stale value (seen in Chromium:
        # a link opened in English, then the next lab in Portuguese): the frame remembers the reader's
        # choices in keys of its own and puts them back. A shared link's language wins.
        for widget, memory in ((LANG_KEY, LANG_MEMORY), (PRESENTATION_KEY, PRESENTATION_MEMORY)):
            if memory in st.session_state:
                st.session_state[widget] = st.session_state[memory]
        if st.query_params.get("lang") in LANGUAGES:
            st.session_state[LANG_KEY] = st.query_params["lang"]  # a shared link opens in its language
    tab_lang = st.session_state.get("lang") or "pt"
    st.set_page_config(page_title=f"{tr(title_key, tab_lang)} · Autograd Lab", page_icon=icon, layout="wide")
    with st.sidebar:
        lang = (
            st.segmented_control(
                "Idioma / Language",
                options=list(LANGUAGES),
                format_func={"pt": "Português", "en": "English"}.get,
                default="pt",
                key=LANG_KEY,
                persist_state="session",
            )
            or "pt"
        )
        presentation = st.toggle(
            tr("sidebar.presentation", lang),
            key=PRESENTATION_KEY,
            help=tr("sidebar.presentation_help", lang),
            persist_state="session",
        )
        st.caption(tr("sidebar.labs", lang))
        for path, key, page_icon in lab_pages():
            st.page_link(page_target(path), label=tr(key, lang), icon=page_icon)
    st.session_state[LANG_MEMORY], st.session_state[PRESENTATION_MEMORY] = lang, bool(presentation)
    st.html(_BASE_CSS + (_PRESENTATION_CSS if presentation else ""))
    if dropped:
        shown = ", ".join(plain(d) for d in dropped[:6])
        st.warning(tr("share.too_long", lang, params=shown, limit=MAX_QUERY_VALUE), icon=":material/link_off:")
    query = dict(st.query_params.to_dict()) if first_run else {}
    return Page(lang=lang, presentation=bool(presentation), query=query)


def _drop_long_query_values() -> list[str]:
    """Remove link values longer than any widget accepts, before a widget reads them.

    The longest value a view puts in its link is an expression (200 characters); anything far
    longer is not a link this app made. Returns the dropped "key=value…" texts, shortened.
    """
    dropped = []
    for key in list(st.query_params.keys()):
        raw = st.query_params.get(key, "")
        if len(key) > MAX_QUERY_KEY or len(raw) > MAX_QUERY_VALUE:
            dropped.append(f"{key[:MAX_QUERY_KEY]}={raw[:40]}…")
            del st.query_params[key]
            _forget_link_value(key)
    return dropped


def _forget_link_value(key: str) -> None:
    """Stop a URL-bound widget from reading ``key`` on this page load.

    Deleting from ``st.query_params`` changes the URL but not the copy Streamlit keeps of the
    link it was opened with, from which bound widgets take their first value. That copy has no
    public API; if it moves in a later Streamlit, tests/app/test_frame.py fails (the widget then
    gets the value cut to its max_chars, which is still safe).
    """
    ctx = get_script_run_ctx()
    try:
        with ctx.session_state.query_params() as params:
            params._initial_query_params.pop(key, None)
    except AttributeError:
        pass


def plain(text: str) -> str:
    """``text`` shown literally inside Markdown: as inline code, so it can never be a link,
    an image, a heading, an emoji or LaTeX, whatever it contains."""
    return "`" + str(text).replace("`", "\u02cb").replace("\n", " ") + "`"
