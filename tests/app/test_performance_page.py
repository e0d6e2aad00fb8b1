"""AppTest tests of pages/2_performance.py: widgets found by their perf_ keys; tiny sizes only."""

from __future__ import annotations

import json
import re
import threading
import time

import pytest

import core.performance.queue as perf
from core.performance.presets import BUDGET_ENV, announced_bound_s, page_budgets
from core.performance.queue import BenchmarkQueue
from tests.app.conftest import open_page

PAGE = "2_performance.py"


def charts(at) -> dict[str, dict]:
    """Plotly chart specs by element key (perf_time_chart, perf_speedup_chart)."""
    found = {}
    for el in at.get("plotly_chart"):
        key = next(k for k in ("perf_time_chart", "perf_speedup_chart") if k in el.proto.id)
        found[key] = json.loads(el.proto.spec)
    return found


def run_small(at, sizes: str = "8, 16"):
    """Set tiny inputs and press the run button."""
    at.text_input(key="perf_sizes").set_value(sizes)
    at.number_input(key="perf_inner").set_value(16)
    at.slider(key="perf_repeats").set_value(3)
    at.number_input(key="perf_c_size").set_value(32)
    at.run()
    return at.button(key="perf_run").click().run()


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_page_loads_without_exception_or_benchmark(lang):
    at = open_page(PAGE, lang=lang)
    assert not at.exception
    assert not at.error
    assert "perf_result" not in at.session_state  # nothing is timed without the click
    assert not at.get("plotly_chart")
    assert "modified by an inplace operation" in "\n".join(c.value for c in at.code)


def test_run_button_produces_charts_and_tables():
    at = run_small(open_page(PAGE, lang="en"))
    assert not at.exception
    assert not at.error
    assert set(charts(at)) == {"perf_time_chart", "perf_speedup_chart"}
    # dataframes carry no key in AppTest; find them by their first columns
    tables = {tuple(el.value.columns[:3]): el.value for el in at.dataframe}
    for head in (
        ("n", "double loop", "torch.mm"),
        ("Method", "One call, time.time()", "Median of 3 blocks"),
        ("n", "Method", "max |C − R|"),
        ("Code", "Per iteration", "Bytes allocated / iteration"),
    ):
        assert head in tables, head
    alloc = tables[("Code", "Per iteration", "Bytes allocated / iteration")]
    assert list(alloc["Code"]) == [
        "C = C + D",
        "C[:] = D + C",
        "C += D",
        "C.add_(D)",
        "C = C + A @ B.T",
        "torch.addmm(C, A, B.T, out=C)",
        "C.addmm_(A, B.T)",
    ]
    assert any("All results within the tolerance" in s.value for s in at.success)


def test_rerun_without_click_does_not_measure_again():
    at = run_small(open_page(PAGE))
    first = at.session_state["perf_result"]
    at.toggle(key="presentation").set_value(True).run()
    assert not at.exception
    assert at.session_state["perf_result"] is first


def test_changing_size_changes_the_result():
    at = run_small(open_page(PAGE), "8, 16")
    assert charts(at)["perf_time_chart"]["data"][0]["x"] == [8, 16]
    at.text_input(key="perf_sizes").set_value("12, 24").run()
    assert any("mudaram" in i.value for i in at.info)  # stale results are labelled until the next run
    at.button(key="perf_run").click().run()
    assert not at.exception
    assert charts(at)["perf_time_chart"]["data"][0]["x"] == [12, 24]


@pytest.mark.parametrize("sizes", ["99999", "64, abc", "0"])
def test_out_of_bounds_size_shows_error_without_exception(sizes):
    at = open_page(PAGE, lang="en")
    at.text_input(key="perf_sizes").set_value(sizes).run()
    assert not at.exception
    assert at.error
    assert at.button(key="perf_run").disabled
    assert "perf_result" not in at.session_state


class Holder:
    """Another user's run: holds ``queue``'s slot until ``stop`` (or ``after_s`` seconds)."""

    def __init__(self, queue: BenchmarkQueue, after_s: float = 30.0) -> None:
        self.release = threading.Event()
        held = threading.Event()

        def run() -> None:
            with queue.acquire():
                held.set()
                self.release.wait(after_s)

        self.thread = threading.Thread(target=run)
        self.thread.start()
        assert held.wait(10)

    def stop(self) -> None:
        self.release.set()
        self.thread.join(10)


def test_click_while_busy_waits_in_queue_then_runs():
    at = open_page(PAGE, lang="en")
    holder = Holder(perf.BENCHMARK_QUEUE, after_s=1.5)  # the other run ends by itself
    try:
        t0 = time.perf_counter()
        run_small(at)
        waited = time.perf_counter() - t0
    finally:
        holder.stop()
    assert not at.exception
    assert not at.error  # queued, not turned away
    assert "perf_result" in at.session_state
    assert waited >= 1.0  # it did wait for the other run
    assert not any("queue" in i.value for i in at.info)  # the place notice is gone once it runs
    assert perf.BENCHMARK_QUEUE.waiting() == 0 and not perf.BENCHMARK_QUEUE.busy()


@pytest.mark.parametrize(("lang", "text"), [("pt", "fila de testes está cheia"), ("en", "queue is full")])
def test_full_queue_refused_with_translated_message(monkeypatch, lang, text):
    queue = BenchmarkQueue(max_waiting=0)
    monkeypatch.setattr(perf, "BENCHMARK_QUEUE", queue)
    at = open_page(PAGE, lang=lang)
    holder = Holder(queue)
    try:
        run_small(at)
    finally:
        holder.stop()
    assert not at.exception
    assert any(text in e.value for e in at.error), [e.value for e in at.error]
    assert "perf_result" not in at.session_state


@pytest.mark.parametrize(("lang", "text"), [("pt", "esperou 1 s na fila"), ("en", "waited 1 s in the queue")])
def test_queue_wait_gives_up_with_translated_message(monkeypatch, lang, text):
    queue = BenchmarkQueue(max_wait_s=1.0, poll_s=0.1)
    monkeypatch.setattr(perf, "BENCHMARK_QUEUE", queue)
    at = open_page(PAGE, lang=lang)
    holder = Holder(queue)
    try:
        run_small(at)
    finally:
        holder.stop()
    assert not at.exception
    assert any(text in e.value.lower() for e in at.error), [e.value for e in at.error]
    assert queue.waiting() == 0


def test_announced_time_is_budgets_plus_overhead_and_holds(monkeypatch):
    monkeypatch.setenv(BUDGET_ENV, "0.7")
    bound = announced_bound_s(*page_budgets("0.7"))
    at = open_page(PAGE, lang="en")
    note = next(c.value for c in at.caption if "at most" in c.value)
    assert f"at most {round(bound, 2):g} s" in note
    vec, mem = page_budgets("0.7")
    assert f"{round(vec, 2):g} s for C = A Bᵀ and {round(mem, 2):g} s for the updates" in note
    t0 = time.perf_counter()
    run_small(at, "32, 64, 128, 256, 512, 1024")
    assert time.perf_counter() - t0 <= bound
    assert not at.exception
    result = at.session_state["perf_result"]
    assert result["vec"].budget_s == pytest.approx(vec) and result["mem"].budget_s == pytest.approx(mem)


def test_allocation_method_named_on_page():
    at = run_small(open_page(PAGE, lang="en"))
    assert any("legacy profiler" in c.value for c in at.caption)


def test_code_comments_in_portuguese_on_pt_page():
    at = open_page(PAGE, lang="pt")
    comments = [line.partition("#")[2] for c in at.code for line in c.value.splitlines() if "#" in line]
    assert len(comments) >= 6
    english = re.compile(r"\b(the|always|needs|goes|stays|out of place)\b")
    assert not [c for c in comments if english.search(c)], comments
    assert any("o mesmo que A @ B.T" in c for c in comments)


@pytest.mark.parametrize(
    ("key", "typed", "used"),
    [("perf_inner", 99999, 1024), ("perf_inner", 0, 1), ("perf_c_size", 10**9, 4096), ("perf_c_size", 1, 16)],
)
def test_out_of_range_number_is_clamped_with_a_notice(key, typed, used):
    at = open_page(PAGE, lang="pt")
    at.number_input(key=key).set_value(typed).run()
    assert not at.exception
    assert any(f"usando {used}" in _plain_digits(w.value) for w in at.warning), [w.value for w in at.warning]


def _plain_digits(text: str) -> str:
    """``text`` without thousands separators (the frame's format for big numbers may change)."""
    return re.sub(r"(?<=\d)[\s,.\u202f\u00a0](?=\d{3}\b)", "", text)
