"""Streamlit 1.67's own websocket protocol, spoken without a browser: one ``Session`` is one open tab.

What the browser client does, and where the installed sources say so (paths under ``streamlit/``):

- It loads the page's HTML (``static/index.html``; any app path serves it), then asks
  ``/_stcore/health`` (whose response sets the ``_streamlit_xsrf`` cookie,
  ``web/server/starlette/starlette_routes.py`` ``_ensure_xsrf_cookie``) and ``/_stcore/host-config``,
  and opens the websocket ``/_stcore/stream`` with the subprotocols ``["streamlit", <xsrf cookie or
  PLACEHOLDER_AUTH_TOKEN>, <last session id>]`` (``web/server/starlette/starlette_websocket.py``
  ``_parse_subprotocols``; the client side is ``getSessionTokens`` in the bundled
  ``static/static/js/index.*.js``). Frames are binary protobufs: ``BackMsg`` in, ``ForwardMsg`` out.
- Nothing comes before the client's first ``BackMsg.rerun_script`` (a ``ClientState``,
  ``proto/ClientState_pb2.pyi``): the query string, ``page_name`` taken from the URL path ("" for the
  home page) or, for a page link, the target's ``page_script_hash`` (from the ``navigation``
  message's ``app_pages``), the widget states, the hashes of the cached messages, and ``context_info``.
- A run answers ``new_session`` (``script_run_id``, ``config.max_cached_message_age``), the deltas, and
  ``script_finished`` (``FINISHED_SUCCESSFULLY``; ``FINISHED_EARLY_FOR_RERUN`` when a newer rerun
  replaced it, the run that follows ends the interaction; ``FINISHED_FRAGMENT_RUN_SUCCESSFULLY`` for a
  fragment). Each delta carries ``metadata.delta_path`` (root container, then the index in each block:
  0 main, 1 sidebar, 2 event, 3 bottom) and ``delta.fragment_id``; elements a run did not draw again
  are dropped when it finishes (the browser's ``clearStaleNodes``).
- Widget ids are ``$$ID-<hash>-<user key>`` (``elements/lib/utils.py``), so a widget is found by its
  key. The widget states sent back are the ones the browser's widget manager holds: each widget's
  ``default`` until the server sends ``set_value`` (session state wrote it) or the user changes it,
  encoded as ``runtime/state`` expects (``value_type`` in ``elements/widgets/*.py``): text ->
  ``string_value``, number -> ``double_value`` (``int_value`` for INT boxes), slider ->
  ``double_array_value``, select slider, segmented control and pills -> ``string_array_value`` of
  the shown labels, selectbox and radio -> ``string_value`` of the shown label, checkbox and toggle
  -> ``bool_value``, button -> ``trigger_value`` for the one run it is clicked.
- The forward-message cache (``runtime/forward_msg_cache.py``, ``scriptrunner_utils/
  script_run_context.py`` ``enqueue``): a ``new_element`` delta of at least
  ``global.minCachedMessageSize`` (10 kB) comes with ``metadata.cacheable`` and its ``hash``; the browser
  keeps it, lists every kept hash in the next ``rerun_script.cached_message_hashes``, and the server
  then sends only ``ref_hash`` for an identical message, which the browser replaces by its copy. After
  each finished run (one that got a ``new_session``) the browser drops messages unused for more than
  ``max_cached_message_age`` runs (``ForwardMessageCache`` in the bundled JS). ``MessageCache`` does
  the same; a reference to a message it does not hold is an error, as in the browser.

``Session`` records the ``X-Upstream`` header of every HTTP response and of the websocket handshake
(a load balancer in front may add it) in ``upstreams``, in order. Only loopback targets are allowed.
"""

from __future__ import annotations

import asyncio
import gzip
import http.cookiejar
import ipaddress
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

STREAM = "_stcore/stream"
DONE = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY, ForwardMsg.FINISHED_WITH_COMPILE_ERROR}
WIDGETS = {"text_input", "text_area", "number_input", "slider", "selectbox", "radio", "button_group", "checkbox"}
TRIGGERS = {"button", "download_button"}
ERROR_ALERT = 1  # Alert.Format.ERROR
MAX_MESSAGES = 20_000  # messages one interaction may bring before it counts as runaway
BROWSER_HEADERS = {
    "Accept-Encoding": "gzip",
    "Accept-Language": "pt-BR,pt;q=0.9,en;q=0.8",
    "User-Agent": "autograd-lab-classroom",
}
_ASSET = re.compile(r'(?:src|href)="\./(static/[^"]+)"')


def run_sync(coro: Any) -> Any:
    """``asyncio.run(coro)``, in a worker thread when this thread already runs an event loop.

    Playwright's sync API keeps a loop running in pytest's main thread for the whole session once a
    browser test has started, and ``asyncio.run`` refuses to start another one there.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def loopback_only(url: str) -> str:
    """``url`` without its trailing slash; ValueError unless it is http(s) on 127.0.0.1 or localhost."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host == "localhost"
    if parts.scheme not in ("http", "https") or not local:
        raise ValueError(f"only loopback targets are allowed, not {url!r}")
    return url.rstrip("/")


def widget_key(widget_id: str) -> str | None:
    """The user key inside a Streamlit widget id ``$$ID-<hash>-<key>`` (None without a key)."""
    parts = widget_id.split("-", 2)
    if len(parts) != 3 or parts[0] != "$$ID" or parts[2] == "None":
        return None
    return parts[2]


@dataclass
class Node:
    """One element or block of the delta tree, with the run that last drew it."""

    kind: str  # "element" or "block"
    type: str  # the Element or Block oneof: "text_input", "plotly_chart", "column", ...
    proto: Any  # the Element or Block message
    run: int
    fragment_id: str = ""
    script_hash: str = ""

    @property
    def body(self) -> Any:
        """The element's own message (``proto.text_input`` for a text input), or the block."""
        return getattr(self.proto, self.type) if self.kind == "element" else self.proto

    @property
    def id(self) -> str:
        return getattr(self.body, "id", "") if self.kind == "element" else self.proto.id


class Tree:
    """The elements on screen, by delta path, as the browser's app root holds them."""

    def __init__(self) -> None:
        self.nodes: dict[tuple[int, ...], Node] = {}

    def apply(self, msg: ForwardMsg, run: int) -> Node | None:
        """Put a delta's element or block at its path (a transient or unknown delta changes nothing)."""
        delta, path = msg.delta, tuple(msg.metadata.delta_path)
        which = delta.WhichOneof("type")
        if which == "new_element":
            node = Node("element", delta.new_element.WhichOneof("type") or "", delta.new_element, run)
        elif which == "add_block":
            node = Node("block", delta.add_block.WhichOneof("type") or "vertical", delta.add_block, run)
        else:
            return None
        node.fragment_id, node.script_hash = delta.fragment_id, msg.metadata.active_script_hash
        self.nodes[path] = node
        return node

    def prune(self, run: int, fragment_ids: tuple[str, ...] = ()) -> None:
        """Drop what run ``run`` did not draw (only inside ``fragment_ids`` for a fragment run)."""
        for path, node in list(self.nodes.items()):
            if node.run != run and (not fragment_ids or node.fragment_id in fragment_ids):
                del self.nodes[path]

    def __iter__(self) -> Iterator[tuple[tuple[int, ...], Node]]:
        """Nodes in document order."""
        return iter(sorted(self.nodes.items()))

    def elements(self, root: int | None = None) -> list[Node]:
        """The elements (not blocks), in document order; only under root container ``root`` if given."""
        return [n for p, n in self if n.kind == "element" and (root is None or p[0] == root)]

    def counts(self, root: int | None = None) -> dict[str, int]:
        """How many elements and blocks of each type there are (placeholders left out)."""
        out: dict[str, int] = {}
        for path, node in self:
            if node.type != "empty" and (root is None or path[0] == root):
                out[node.type] = out.get(node.type, 0) + 1
        return out

    def find(self, key: str) -> Node | None:
        """The element whose id carries the user key ``key``."""
        return next((n for _, n in self if n.id and widget_key(n.id) == key), None)

    def problems(self, expect_error: bool = False) -> list[str]:
        """Exceptions shown, and error messages unless one is expected (then its absence)."""
        found = []
        errors = [n for n in self.elements() if n.type == "alert" and n.body.format == ERROR_ALERT]
        for node in self.elements():
            if node.type == "exception":
                found.append(f"exception shown: {node.body.type}: {node.body.message[:160]}")
        if not expect_error:
            found += [f"error shown: {n.body.body[:160]}" for n in errors]
        elif not errors:
            found.append("an error message was expected and none is shown")
        return found


def _cached_entry_fragment(msg: ForwardMsg) -> str:
    return msg.delta.fragment_id if msg.HasField("delta") else ""


class MessageCache:
    """The browser's forward-message cache: keeps cacheable messages, answers ``ref_hash``."""

    def __init__(self) -> None:
        self.run_count = 0
        self.entries: dict[str, tuple[bytes, int, str]] = {}  # hash -> (encoded message, last used run, fragment)

    def hashes(self) -> list[str]:
        """What the next ``rerun_script.cached_message_hashes`` lists."""
        return list(self.entries)

    def resolve(self, msg: ForwardMsg, raw: bytes) -> ForwardMsg:
        """Keep ``msg`` if cacheable; for a reference, the cached message with the reference's metadata.

        KeyError for a reference to a message this cache does not hold (the browser fails the same way).
        """
        if msg.WhichOneof("type") != "ref_hash":
            if msg.metadata.cacheable and msg.hash:
                old = self.entries.get(msg.hash)
                self.entries[msg.hash] = (old[0] if old else raw, self.run_count, _cached_entry_fragment(msg))
            return msg
        blob, _, fragment = self.entries[msg.ref_hash]
        self.entries[msg.ref_hash] = (blob, self.run_count, fragment)
        full = ForwardMsg()
        full.ParseFromString(blob)
        full.metadata.CopyFrom(msg.metadata)
        return full

    def finish_run(self, max_age: int, fragment_ids: tuple[str, ...] = ()) -> None:
        """A run finished: count it, and drop what went unused for more than ``max_age`` runs."""
        self.run_count += 1
        for key, (_, used, fragment) in list(self.entries.items()):
            if fragment_ids and (not fragment or fragment not in fragment_ids):
                continue
            if self.run_count - used > max_age:
                del self.entries[key]


def initial_state(node: Node) -> WidgetState | None:
    """The state the browser holds for a widget just drawn: ``set_value``'s value, else its default."""
    body, kind = node.body, node.type
    ws = WidgetState(id=body.id)
    if kind in ("text_input", "text_area"):
        value = body.value if body.set_value else (body.default if body.HasField("default") else None)
        if value is None or (body.set_value and not body.HasField("value")):
            return None
        ws.string_value = value
    elif kind == "number_input":
        if body.set_value and not body.HasField("value"):
            return None
        if not body.set_value and not body.HasField("default"):
            return None
        _set_number(ws, body, body.value if body.set_value else body.default)
    elif kind == "slider":
        if body.type == body.SELECT_SLIDER:
            labels = list(body.raw_value) if body.set_value else [body.options[int(i)] for i in body.default]
            ws.string_array_value.data[:] = labels
        else:
            ws.double_array_value.data[:] = list(body.value if body.set_value else body.default)
    elif kind in ("selectbox", "radio"):
        if body.set_value:
            if not body.HasField("raw_value"):
                return None
            ws.string_value = body.raw_value
        elif body.HasField("default") and body.options:
            ws.string_value = body.options[body.default]
        else:
            return None
    elif kind == "button_group":
        labels = list(body.raw_values) if body.set_value else [body.options[i].content for i in body.default]
        ws.string_array_value.data[:] = labels
    elif kind == "checkbox":
        ws.bool_value = body.value if body.set_value else body.default
    else:
        return None
    return ws


def default_state(node: Node) -> WidgetState | None:
    """The state of the widget's own default, whatever the server set (what a URL binding compares to)."""
    proto = type(node.proto)()
    proto.CopyFrom(node.proto)
    getattr(proto, node.type).set_value = False
    return initial_state(Node(node.kind, node.type, proto, node.run))


def url_values(state: WidgetState | None) -> list[str] | None:
    """A widget state as the browser writes it into the URL (``convertToUrlValue``): numbers as
    JavaScript prints them, booleans as true/false, one entry per array element."""
    if state is None or state.WhichOneof("value") is None:
        return None
    which = state.WhichOneof("value")
    value = getattr(state, which)
    if which == "bool_value":
        return ["true" if value else "false"]
    if which in ("double_value", "int_value"):
        return [_js_number(value)]
    if which == "string_value":
        return [value]
    if which == "string_array_value":
        return [v for v in value.data if v != ""]
    if which in ("double_array_value", "int_array_value"):
        return [_js_number(v) for v in value.data]
    return None


def _js_number(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(float(v))


def bound_query(query: str, key: str, values: list[str] | None) -> str:
    """``query`` with the URL-bound widget ``key`` set to ``values`` (removed for None), keys sorted
    and encoded as the browser's query-string library does (spaces as +)."""
    pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if k != key]
    pairs += [(key, v) for v in values or ()]
    pairs.sort(key=lambda kv: kv[0])
    return urlencode(pairs, quote_via=quote, safe="-_.~").replace("%20", "+")


def _set_number(ws: WidgetState, body: Any, value: float) -> None:
    if body.data_type == body.INT:
        ws.int_value = int(value)
    else:
        ws.double_value = float(value)


def encode(node: Node, value: Any) -> WidgetState:
    """The widget state a browser sends when the user sets ``node`` to ``value``.

    ``value`` is what the user sees: the text, the number, a slider position (for a select slider
    or a choice, the option's label), True/False for a checkbox.
    """
    body, kind = node.body, node.type
    ws = WidgetState(id=body.id)
    if kind in ("text_input", "text_area"):
        ws.string_value = str(value)
    elif kind == "number_input":
        _set_number(ws, body, value)
    elif kind == "slider" and body.type == body.SELECT_SLIDER:
        ws.string_array_value.data[:] = [_option(value, list(body.options))]
    elif kind == "slider":
        ws.double_array_value.data[:] = list(value) if isinstance(value, (list, tuple)) else [float(value)]
    elif kind in ("selectbox", "radio"):
        ws.string_value = _option(value, list(body.options))
    elif kind == "button_group":
        ws.string_array_value.data[:] = [_option(value, [o.content for o in body.options])]
    elif kind == "checkbox":
        ws.bool_value = bool(value)
    else:
        raise ValueError(f"cannot set a {kind} widget")
    return ws


def _option(value: Any, labels: list[str]) -> str:
    if str(value) not in labels:
        raise ValueError(f"{value!r} is not one of {labels}")
    return str(value)


def options(node: Node) -> list[str]:
    """The labels a choice widget offers (select slider, selectbox, radio, segmented control, pills)."""
    body = node.body
    if node.type == "button_group":
        return [o.content for o in body.options]
    return list(getattr(body, "options", []))


def shown_value(state: WidgetState | None) -> Any:
    """The value inside a widget state (a one-label list is the label)."""
    if state is None:
        return None
    which = state.WhichOneof("value")
    value = getattr(state, which) if which else None
    if which in ("string_array_value", "double_array_value", "int_array_value"):
        data = list(value.data)
        return data[0] if len(data) == 1 else data
    return value


@dataclass
class Result:
    """One interaction as the client saw it."""

    latency_s: float | None  # rerun sent -> script finished; None when it never finished
    bytes: int  # websocket payload bytes received meanwhile (after permessage-deflate)
    error: str | None = None
    shell_s: float | None = None  # a page load: the HTML (and its assets) took this long
    connect_s: float | None = None  # a page load: the websocket handshake took this long


class ProtocolError(Exception):
    """The connection broke or the server answered what a browser would not accept."""


@dataclass
class Session:
    """One browser tab on a Streamlit app, without the browser.

    ``load(path)`` opens a page as typing its URL does; ``goto(page)`` follows a page link;
    ``change(key, value)`` sets a widget as the user would and waits for the rerun to finish;
    ``click(key)`` presses a button. Each returns a ``Result`` and never raises for a server fault:
    the fault is the result's ``error``.
    """

    base_url: str
    pool: Executor | None = None  # where the blocking HTTP requests run (the loop's default if None)
    timeout_s: float = 180.0  # one interaction, at most
    locale: str = "pt-BR"
    upstreams: list[tuple[str, str]] = field(default_factory=list)  # (request, X-Upstream value)
    tree: Tree = field(default_factory=Tree)
    cache: MessageCache = field(default_factory=MessageCache)
    states: dict[str, WidgetState] = field(default_factory=dict)  # widget id -> what the browser holds
    pages: dict[str, str] = field(default_factory=dict)  # url path ("" for home) -> page_script_hash
    query_string: str = ""

    def __post_init__(self) -> None:
        self.base_url = loopback_only(self.base_url)
        self.jar = http.cookiejar.CookieJar()
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), urllib.request.HTTPCookieProcessor(self.jar))
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task | None = None
        self._waiter: asyncio.Future | None = None
        self._received = 0
        self._run = 0
        self._new_session = False
        self._main_hash = ""
        self._page_hash = ""
        self._max_age = 2
        self._fragment = ""
        self._fault: str | None = None  # the connection is gone: every later interaction fails with this
        self._notes: list[str] = []  # what went wrong in the run under way
        self._assets_loaded = False

    # --- HTTP, as the page shell and the browser's pings -------------------------------------

    def _get(self, path: str) -> bytes:
        """GET as a browser does (it takes gzip); the X-Upstream of any answer, an error's too, is kept."""
        request = urllib.request.Request(urljoin(self.base_url + "/", path), headers=BROWSER_HEADERS)
        try:
            with self._opener.open(request, timeout=self.timeout_s) as resp:
                body, headers = resp.read(), resp.headers
        except urllib.error.HTTPError as err:
            self._upstream(f"GET /{path}", err.headers)
            raise
        self._upstream(f"GET /{path}", headers)
        return gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body

    def _upstream(self, what: str, headers: Any) -> None:
        if headers is not None and (upstream := headers.get("X-Upstream")) is not None:
            self.upstreams.append((what, upstream))

    async def _http(self, path: str) -> bytes:
        return await asyncio.get_running_loop().run_in_executor(self.pool, self._get, path)

    def _cookie_header(self) -> str | None:
        probe = urllib.request.Request(self.base_url + "/")
        self.jar.add_cookie_header(probe)
        return probe.get_header("Cookie")

    def _xsrf(self) -> str:
        return next((c.value for c in self.jar if c.name == "_streamlit_xsrf" and c.value), "PLACEHOLDER_AUTH_TOKEN")

    # --- the websocket -----------------------------------------------------------------------

    async def load(self, path: str = "", *, assets: bool = False) -> Result:
        """Open ``base_url/path`` as a browser does (HTML, pings, websocket, first run) in a new session.

        With ``assets``, the scripts and styles the HTML names are fetched too, once per session
        object (a browser's empty cache; they are immutable afterwards).
        """
        await self.close()
        t0 = time.perf_counter()
        try:
            html = (await self._http(path)).decode("utf-8", "replace")
            if assets and not self._assets_loaded:
                for asset in dict.fromkeys(_ASSET.findall(html)):
                    await self._http(asset)
                self._assets_loaded = True
            shell_s = time.perf_counter() - t0
            await asyncio.gather(self._http("_stcore/health"), self._http("_stcore/host-config"))
            t1 = time.perf_counter()
            await self._connect()
            connect_s = time.perf_counter() - t1
        except (OSError, InvalidHandshake, TimeoutError) as exc:
            return Result(None, 0, f"page load failed: {type(exc).__name__}: {exc}"[:240])
        self.tree, self.states, self.cache, self.query_string = Tree(), {}, MessageCache(), urlsplit(path).query
        result = await self._rerun(page_name=urlsplit(path).path.strip("/"))
        result.shell_s, result.connect_s = shell_s, connect_s
        return result

    async def _connect(self) -> None:
        origin = self.base_url
        ws_url = "ws" + self.base_url[4:] + "/" + STREAM
        headers = {"Cookie": cookie} if (cookie := self._cookie_header()) else {}
        self._ws = await connect(
            ws_url,
            subprotocols=["streamlit", self._xsrf()],
            origin=origin,
            additional_headers=headers,
            proxy=None,
            max_size=None,  # as a browser: no message is too large
            ping_interval=None,  # a browser never pings; the server's pings are answered
            open_timeout=self.timeout_s,
            user_agent_header="autograd-lab-classroom",
        )
        self._upstream("websocket", self._ws.response.headers)
        self._fault = None
        self._reader = asyncio.create_task(self._read(self._ws))

    async def close(self) -> None:
        """Close the tab (the server ends the session)."""
        if self._reader is not None:
            self._reader.cancel()
            await asyncio.gather(self._reader, return_exceptions=True)
            self._reader = None
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def goto(self, path: str) -> Result:
        """Follow the page link to ``path`` (its URL path, "" for home) in the same session."""
        page_hash = self.pages.get(path.strip("/"))
        if page_hash is None:
            return Result(None, 0, f"no page {path!r} in the app's navigation ({sorted(self.pages)})")
        kept = {i: s for i, s in self.states.items() if self._drawn_by_main(i)}  # the browser's filterMainScriptElements
        self.query_string = ""  # a page link drops the query (widgets write theirs back)
        return await self._rerun(list(kept.values()), page_hash=page_hash)

    @property
    def connected(self) -> bool:
        """Whether the websocket is open and usable (a dropped one stays dropped until ``load``)."""
        return self._ws is not None and self._fault is None

    def _drawn_by_main(self, widget_id: str) -> bool:
        return any(n.id == widget_id and n.script_hash == self._main_hash for _, n in self.tree)

    def widget(self, key: str) -> Node | None:
        """The widget (or keyed element) with user key ``key`` on screen now."""
        return self.tree.find(key)

    def value(self, key: str) -> Any:
        """The value the browser holds for widget ``key`` (None if unknown)."""
        node = self.widget(key)
        return shown_value(self.states.get(node.id)) if node else None

    async def change(self, key: str, value: Any, *, expect_error: bool = False) -> Result:
        """Set widget ``key`` to ``value`` (see ``encode``) and wait for the rerun."""
        node = self.widget(key)
        if node is None or node.type not in WIDGETS:
            return Result(None, 0, f"no widget {key!r} on the page")
        try:
            self.states[node.id] = encode(node, value)
        except ValueError as exc:
            return Result(None, 0, f"{key}: {exc}")
        self._sync_url(node)
        return await self._rerun(self._active(), fragment_id=node.fragment_id, expect_error=expect_error)

    async def click(self, key: str) -> Result:
        """Press button ``key`` (its trigger is sent with this one rerun only)."""
        node = self.widget(key)
        if node is None or node.type not in TRIGGERS:
            return Result(None, 0, f"no button {key!r} on the page")
        return await self._rerun([*self._active(), WidgetState(id=node.id, trigger_value=True)], fragment_id=node.fragment_id)

    def _sync_url(self, node: Node) -> None:
        """A URL-bound widget the user changed writes its value into the URL, or takes it out when
        it is back to its default (the browser's ``maybeSyncValueToUrl``)."""
        body = node.body
        if not body.HasField("query_param_key") or not body.query_param_key:
            return
        value, default = url_values(self.states.get(node.id)), url_values(default_state(node))
        self.query_string = bound_query(self.query_string, body.query_param_key, None if value == default else value)

    def _active(self) -> list[WidgetState]:
        on_screen = {n.id for _, n in self.tree if n.id}
        return [s for i, s in self.states.items() if i in on_screen]

    async def _rerun(
        self,
        states: Sequence[WidgetState] = (),
        *,
        page_hash: str = "",
        page_name: str = "",
        fragment_id: str = "",
        expect_error: bool = False,
    ) -> Result:
        if self._ws is None or self._fault:
            return Result(None, 0, self._fault or "not connected")
        if not page_hash and not page_name:
            page_hash = self._page_hash  # the browser's currentPageScriptHash
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string, rerun.page_script_hash, rerun.page_name = self.query_string, page_hash, page_name
        rerun.fragment_id = fragment_id
        rerun.widget_states.widgets.extend(states)
        rerun.cached_message_hashes.extend(self.cache.hashes())
        info = rerun.context_info
        info.timezone, info.timezone_offset, info.locale = "America/Sao_Paulo", 180, self.locale
        info.url, info.is_embedded, info.color_scheme = f"{self.base_url}/{page_name}", False, "light"
        self._waiter = asyncio.get_running_loop().create_future()
        self._new_session, self._fragment, self._notes = False, fragment_id, []
        if fragment_id:
            self._run += 1  # a fragment run gets no new_session
        before, t0 = self._received, time.perf_counter()
        try:
            await self._ws.send(msg.SerializeToString())
            await asyncio.wait_for(asyncio.shield(self._waiter), self.timeout_s)
        except TimeoutError:
            return Result(None, self._received - before, f"timeout: no script_finished in {self.timeout_s:.0f} s")
        except (ConnectionClosed, ProtocolError) as exc:
            self._fault = self._fault or f"connection dropped: {exc}"[:240]
            return Result(None, self._received - before, self._fault)
        latency = time.perf_counter() - t0
        status = self._waiter.result()
        problems = self._notes + self.tree.problems(expect_error)
        if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            problems.insert(0, "the script did not compile")
        return Result(latency, self._received - before, "; ".join(problems) or None)

    async def _read(self, ws: ClientConnection) -> None:
        """Take every ForwardMsg as it comes: the cache, the tree, the widget states, the end of a run."""
        count = 0
        try:
            async for raw in ws:
                self._received += len(raw)
                count += 1
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                try:
                    msg = self.cache.resolve(msg, raw)
                except KeyError:
                    raise ProtocolError(f"cached ForwardMsg miss [hash={msg.ref_hash}]") from None
                self._take(msg)
                if count > MAX_MESSAGES:
                    raise ProtocolError(f"more than {MAX_MESSAGES} messages without an end")
                if msg.WhichOneof("type") == "script_finished" and msg.script_finished in DONE:
                    count = 0
            raise ConnectionClosed(ws.close_rcvd, ws.close_sent)
        except ConnectionClosed as exc:
            self._stop(f"connection dropped: {exc}")
        except Exception as exc:  # a message this client cannot take ends the session, never silently
            self._stop(f"{type(exc).__name__}: {exc}")

    def _stop(self, why: str) -> None:
        self._fault = why[:240]
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(ProtocolError(self._fault))

    def _take(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self._run += 1
            self._new_session = True
            self._max_age = msg.new_session.config.max_cached_message_age
            self._main_hash = msg.new_session.main_script_hash
            self._page_hash = msg.new_session.page_script_hash  # until navigation names it
        elif kind == "navigation":
            self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            self._page_hash = msg.navigation.page_script_hash or self._page_hash  # the page this run shows
        elif kind == "page_info_changed":
            self.query_string = msg.page_info_changed.query_string
        elif kind == "delta":
            node = self.tree.apply(msg, self._run)
            if node is not None and node.kind == "element" and node.type in WIDGETS and node.id:
                if node.body.set_value or node.id not in self.states:
                    state = initial_state(node)
                    if state is None:
                        self.states.pop(node.id, None)
                    else:
                        self.states[node.id] = state
        elif kind == "page_not_found":
            self._notes.append(f"page not found: {msg.page_not_found.page_name!r}")
        elif kind == "script_finished":
            self._finished(msg.script_finished)

    def _finished(self, status: int) -> None:
        if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            return  # the rerun that replaced it comes next
        fragments = (self._fragment,) if status == ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY and self._fragment else ()
        if status != ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
            self.tree.prune(self._run, fragments)
        if self._new_session:
            self.cache.finish_run(self._max_age, fragments)
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(status)
