"""The protocol-level load generator: its protocol pieces against a fake server, then a class of 10 on the app.

The fake server (websockets on loopback) plays Streamlit's side of ``tools/protocol.py``'s docstring:
HTTP for the page shell and pings, then ``new_session``, deltas and ``script_finished`` per rerun.
"""

from __future__ import annotations

import math
import random
from http import HTTPStatus

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.Slider_pb2 import Slider
from websockets.asyncio.server import serve

from benchmarks import classroom
from tests.browser.conftest import ARTIFACTS
from tools import protocol, server
from tools.protocol import MessageCache, Node, Session, Tree, encode, initial_state, run_sync, widget_key

EXPR_ID = "$$ID-0a1b-deriv_expr"
CHART_HASH = "chart-hash-1"


def delta(path: list[int], element: str, **fields) -> ForwardMsg:
    msg = ForwardMsg()
    msg.metadata.delta_path[:] = path
    body = getattr(msg.delta.new_element, element)
    for name, value in fields.items():
        if isinstance(value, list):
            getattr(body, name).extend(value)
        else:
            setattr(body, name, value)
    if element in ("markdown", "empty", "exception") and not fields:
        body.SetInParent()
    return msg


def chart(path: list[int]) -> ForwardMsg:
    msg = delta(path, "plotly_chart", id="$$ID-77-deriv_chart", spec='{"data": [' + "1, " * 6000 + "1]}")
    msg.hash, msg.metadata.cacheable = CHART_HASH, True
    return msg


def reference(path: list[int], ref: str = CHART_HASH) -> ForwardMsg:
    msg = ForwardMsg(ref_hash=ref)
    msg.metadata.delta_path[:] = path
    return msg


def new_session() -> list[ForwardMsg]:
    start = ForwardMsg()
    start.new_session.config.max_cached_message_age = 2
    start.new_session.page_script_hash = start.new_session.main_script_hash = "home-hash"
    nav = ForwardMsg()
    page = nav.navigation.app_pages.add(page_script_hash="home-hash", page_name="app", url_pathname="", is_default=True)
    nav.navigation.app_pages.add(page_script_hash="lab-hash", page_name="lab", url_pathname="lab")
    nav.navigation.page_script_hash = page.page_script_hash
    return [start, nav]


def finished() -> ForwardMsg:
    return ForwardMsg(script_finished=ForwardMsg.FINISHED_SUCCESSFULLY)


class FakeStreamlit:
    """Answers each rerun with the next script of messages; keeps every BackMsg and handshake it saw."""

    def __init__(self, runs: list[list[ForwardMsg]]) -> None:
        self.runs, self.seen, self.handshakes, self.paths = runs, [], [], []

    def http(self, connection, request):
        self.paths.append(request.path)
        if request.path.startswith("/_stcore/stream"):
            self.handshakes.append(request.headers)
            return None
        body = '<html><script src="./static/js/app.js"></script></html>' if request.path == "/" else "ok"
        response = connection.respond(HTTPStatus.OK, body)
        response.headers["X-Upstream"] = "replica-a"
        if request.path == "/_stcore/health":
            response.headers["Set-Cookie"] = "_streamlit_xsrf=token-1; Path=/"
        return response

    def stamp(self, connection, request, response):
        response.headers["X-Upstream"] = "replica-a"
        return response

    async def handler(self, ws) -> None:
        async for raw in ws:
            self.seen.append(BackMsg.FromString(raw))
            for msg in self.runs.pop(0) if self.runs else []:
                await ws.send(msg.SerializeToString())


async def with_fake(runs: list[list[ForwardMsg]], script):
    fake = FakeStreamlit(runs)
    async with serve(
        fake.handler, "127.0.0.1", 0, process_request=fake.http, process_response=fake.stamp, subprotocols=["streamlit"]
    ) as srv:
        port = srv.sockets[0].getsockname()[1]
        session = Session(f"http://127.0.0.1:{port}", timeout_s=10)
        try:
            return fake, session, await script(session)
        finally:
            await session.close()


# --- the protocol pieces --------------------------------------------------------------------


def test_widget_key_is_read_from_the_id():
    assert widget_key(EXPR_ID) == "deriv_expr"
    assert widget_key("$$ID-0a1b-None") is None
    assert widget_key("deriv_expr") is None


def test_a_widget_is_found_by_its_key_not_by_a_longer_one():
    tree = Tree()
    tree.apply(delta([0, 0], "text_input", id="$$ID-1-deriv_expr_2", default="a"), run=1)
    tree.apply(delta([0, 1], "text_input", id=EXPR_ID, default="sin(x)"), run=1)
    tree.apply(delta([0, 2], "markdown", body="hello"), run=1)
    assert tree.find("deriv_expr").id == EXPR_ID
    assert tree.find("deriv") is None


def test_what_a_run_did_not_draw_again_is_dropped():
    tree = Tree()
    tree.apply(delta([0, 0], "markdown", body="old"), run=1)
    tree.apply(delta([0, 1], "markdown", body="gone"), run=1)
    tree.apply(delta([0, 0], "markdown", body="new"), run=2)
    tree.prune(2)
    assert [n.body.body for n in tree.elements()] == ["new"]


def test_an_exception_or_an_unexpected_error_message_is_a_problem():
    tree = Tree()
    tree.apply(delta([0, 0], "alert", body="bad expression", format=1), run=1)
    assert tree.problems() == ["error shown: bad expression"]
    assert tree.problems(expect_error=True) == []
    tree.apply(delta([0, 1], "exception", type="ValueError", message="boom"), run=1)
    assert tree.problems(expect_error=True) == ["exception shown: ValueError: boom"]


def test_a_cached_message_reference_is_answered_with_the_cached_copy():
    cache, original = MessageCache(), chart([0, 3])
    cache.resolve(original, original.SerializeToString())
    assert cache.hashes() == [CHART_HASH]
    resolved = cache.resolve(reference([0, 5]), b"")
    assert resolved.delta.new_element.plotly_chart.spec == original.delta.new_element.plotly_chart.spec
    assert list(resolved.metadata.delta_path) == [0, 5]  # the reference's place, not the original's


def test_a_reference_to_a_message_never_cached_is_a_miss():
    with pytest.raises(KeyError):
        MessageCache().resolve(reference([0, 1], "unknown"), b"")


def test_cached_messages_expire_after_max_age_unused_runs_as_in_the_browser():
    cache, msg = MessageCache(), chart([0, 1])
    cache.resolve(msg, msg.SerializeToString())
    cache.finish_run(max_age=2)
    cache.finish_run(max_age=2)
    assert cache.hashes() == [CHART_HASH]
    cache.resolve(reference([0, 1]), b"")  # a hit keeps it young
    cache.finish_run(max_age=2)
    cache.finish_run(max_age=2)
    assert cache.hashes() == [CHART_HASH]
    cache.finish_run(max_age=2)
    assert cache.hashes() == []


def node(element: str, **fields) -> Node:
    msg = delta([0, 0], element, id=f"$$ID-1-{element}", **fields)
    return Tree().apply(msg, run=1)


@pytest.mark.parametrize(
    ("element", "fields", "which", "expected"),
    [
        ("text_input", {"default": "sin(x)"}, "string_value", "sin(x)"),
        ("number_input", {"default": 2.5, "data_type": 1}, "double_value", 2.5),
        ("number_input", {"default": 3.0, "data_type": 0}, "int_value", 3),
        ("slider", {"default": [0.5], "type": Slider.SLIDER}, "double_array_value", [0.5]),
        ("slider", {"default": [1.0], "options": ["a", "b"], "type": Slider.SELECT_SLIDER}, "string_array_value", ["b"]),
        ("selectbox", {"default": 1, "options": ["float64", "float32"]}, "string_value", "float32"),
        ("checkbox", {"default": True}, "bool_value", True),
    ],
)
def test_a_new_widget_holds_its_default_as_the_browser_does(element, fields, which, expected):
    state = initial_state(node(element, **fields))
    got = getattr(state, which)
    assert (list(got.data) if hasattr(got, "data") else got) == expected


def test_a_value_set_by_the_server_replaces_the_default():
    state = initial_state(node("text_input", default="sin(x)", value="x**2", set_value=True))
    assert state.string_value == "x**2"


def test_a_segmented_control_sends_the_label_the_user_clicked():
    msg = delta([0, 0], "button_group", id="$$ID-1-deriv_order", default=[0])
    for label in ("1", "2", "3"):
        msg.delta.new_element.button_group.options.add(content=label)
    widget = Tree().apply(msg, run=1)
    assert list(initial_state(widget).string_array_value.data) == ["1"]
    assert list(encode(widget, "3").string_array_value.data) == ["3"]
    with pytest.raises(ValueError):
        encode(widget, "4")


def test_a_url_bound_widget_writes_its_value_as_the_browser_does():
    assert protocol.bound_query("", "deriv_expr", ["x**3 - 2*x"]) == "deriv_expr=x%2A%2A3+-+2%2Ax"
    assert protocol.bound_query("z=1&deriv_expr=a", "deriv_expr", None) == "z=1"  # back to its default: out
    assert protocol.bound_query("z=1", "a", ["1", "2"]) == "a=1&a=2&z=1"  # keys sorted, arrays repeated
    slider = node("slider", default=[7.0], type=Slider.SLIDER)
    assert protocol.url_values(encode(slider, 17.0)) == ["17"]  # numbers as JavaScript prints them
    assert protocol.url_values(encode(node("checkbox", default=False), True)) == ["true"]


def test_only_loopback_targets_are_allowed():
    assert protocol.loopback_only("http://127.0.0.1:8501/") == "http://127.0.0.1:8501"
    assert protocol.loopback_only("http://localhost:8501") == "http://localhost:8501"
    for url in ("http://10.0.0.1:8501", "http://example.com", "ftp://127.0.0.1"):
        with pytest.raises(ValueError):
            protocol.loopback_only(url)


def test_a_student_never_sets_the_value_already_shown():
    msg = delta([0, 0], "selectbox", id="$$ID-1-chain_dtype", default=0, options=["float64", "float32"])
    session = Session("http://127.0.0.1:1")
    session.tree.apply(msg, run=1)
    session.states[msg.delta.new_element.selectbox.id] = initial_state(session.tree.find("chain_dtype"))
    rng = random.Random(0)
    assert {classroom.choose(classroom.Step("chain_dtype"), session, rng) for _ in range(10)} == {"float32"}
    assert classroom.choose(classroom.Step("chain_dtype", ("float64", "float32")), session, rng) == "float32"


def test_a_session_speaks_the_handshake_and_answers_a_cached_reference():
    first = [*new_session(), delta([0, 0], "text_input", id=EXPR_ID, default="sin(x)"), chart([0, 1]), finished()]
    second = [*new_session(), delta([0, 0], "text_input", id=EXPR_ID, default="sin(x)"), reference([0, 1]), finished()]

    async def script(session: Session):
        opened = await session.load("", assets=True)
        changed = await session.change("deriv_expr", "x**2")
        return opened, changed

    fake, session, (opened, changed) = run_sync(with_fake([first, second], script))
    assert opened.error is None and changed.error is None, (opened, changed)
    assert fake.paths[:2] == ["/", "/static/js/app.js"]  # the shell, then what it names
    assert set(fake.paths[2:4]) == {"/_stcore/health", "/_stcore/host-config"}  # the browser's pings, together
    assert fake.paths[4] == "/_stcore/stream"
    hello = fake.handshakes[0]
    assert hello["Sec-WebSocket-Protocol"] == "streamlit, token-1"  # the XSRF cookie's value, as the browser sends it
    assert "_streamlit_xsrf=token-1" in hello["Cookie"]
    first_rerun, second_rerun = (m.rerun_script for m in fake.seen)
    assert first_rerun.page_name == "" and not first_rerun.cached_message_hashes
    assert list(second_rerun.cached_message_hashes) == [CHART_HASH]
    assert second_rerun.page_script_hash == "home-hash"  # the page the widget is on
    assert [(w.id, w.string_value) for w in second_rerun.widget_states.widgets] == [(EXPR_ID, "x**2")]
    assert session.widget("deriv_chart").body.spec.startswith('{"data": [1, ')  # the reference was answered
    assert changed.bytes < opened.bytes / 3  # the chart did not travel twice
    assert session.value("deriv_expr") == "x**2"  # the user's value, not the default sent again
    assert [v for _, v in session.upstreams] == ["replica-a"] * 5
    assert session.upstreams[-1][0] == "websocket"


def test_a_reference_the_client_cannot_answer_ends_the_session_with_an_error():
    first = [*new_session(), reference([0, 1], "never-sent"), finished()]

    async def script(session: Session):
        return await session.load("")

    _, session, opened = run_sync(with_fake([first], script))
    assert "cached ForwardMsg miss" in opened.error
    assert not session.connected


def test_a_page_link_sends_the_target_page_hash():
    first = [*new_session(), delta([0, 0], "markdown", body="home"), finished()]
    second = [*new_session(), delta([0, 0], "markdown", body="lab"), finished()]

    async def script(session: Session):
        await session.load("")
        return await session.goto("lab")

    fake, session, result = run_sync(with_fake([first, second], script))
    assert result.error is None
    assert fake.seen[1].rerun_script.page_script_hash == "lab-hash"
    assert [n.body.body for n in session.tree.elements()] == ["lab"]


def test_a_server_that_never_finishes_is_a_timeout():
    async def script(session: Session):
        session.timeout_s = 0.5
        return await session.load("")

    _, _, result = run_sync(with_fake([new_session()], script))
    assert result.error.startswith("timeout")


def test_the_report_counts_each_visit_and_its_bytes():
    report = classroom.ClassReport("http://127.0.0.1:1", [classroom.StudentReport(0)], 1.0, (0, 0), 0, "links")
    report.students[0].interactions = [
        classroom.Interaction(0, "home", "open", 0, 0.1, 100),
        classroom.Interaction(0, "home", "lang='English'", 0, 0.3, 50),
        classroom.Interaction(0, "lab", "open", 0, 0.2, 1000),
    ]
    assert report.visit_bytes() == {"home": [150], "lab": [1000]}
    home = report.page_medians()["home"]
    assert (home["open_s"], home["change_s"], home["visit_bytes"], home["open_bytes"], home["errors"]) == (0.1, 0.3, 150, 100, 0)
    assert report.latency(0.5) == 0.2 and report.latency(1.0) == 0.3
    assert math.isnan(report.cpu_per_interaction_s)  # no server measured


# --- against the app ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fresh_app():
    """The app on a server of its own, started for this module."""
    ARTIFACTS.mkdir(exist_ok=True)
    port = server.free_port()
    proc = server.start_server(port, log=ARTIFACTS / f"classroom-server-{port}.log")
    yield proc, f"http://127.0.0.1:{port}"
    server.stop_server(proc)


@pytest.mark.slow
def test_the_app_takes_a_typed_expression_over_the_protocol(fresh_app):
    _, url = fresh_app

    async def script():
        session = Session(url, timeout_s=120)
        try:
            opened = await session.load("derivatives")
            typed = await session.change("deriv_expr", "x**3 - 2*x")
            return session, opened, typed
        finally:
            await session.close()

    session, opened, typed = run_sync(script())
    assert opened.error is None and typed.error is None, (opened, typed)
    assert "deriv_expr=x%2A%2A3+-+2%2Ax" in session.query_string  # the URL-bound box wrote itself into the URL
    latex = " ".join(n.body.body for n in session.tree.elements(0) if n.type == "markdown")
    assert "x^{3}" in latex  # the formula shown is the typed one
    assert session.widget("deriv_chart") is not None


@pytest.mark.slow
def test_a_class_of_ten_tours_every_lab_without_errors(fresh_app):
    proc, url = fresh_app
    app, base = classroom.measure(10, url=url, pids=[proc.pid], seed=1, think_s=(0.2, 0.8), ramp_s=3.0, time_limit_s=240.0)
    text = app.format(base) + "\n" + base.format()
    (ARTIFACTS / "classroom-10.txt").write_text(text)
    print(text)
    assert app.errors == [] and base.errors == [], text
    tour = [v.name for v in classroom.TOUR]
    steps = sum(len(v.steps) for v in classroom.TOUR)
    for s in app.students:
        assert [i.page for i in s.interactions if i.action == "open"] == tour
        assert len(s.interactions) == len(tour) + steps
    assert len(app.latencies) == 10 * (len(tour) + steps)
    assert app.cpu_per_interaction_s > 0 and base.cpu_per_interaction_s > 0
    assert app.peak_rss_mb > 100
