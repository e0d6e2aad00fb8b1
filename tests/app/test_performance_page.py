"""AppTest tests of pages/2_performance.py: widgets found by their perf_ keys; tiny sizes only."""

from __future__ import annotations

import json
import threading

import pytest

from core.performance import benchmark_slot
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
    for head in (("n", "double loop", "torch.mm"),
                 ("Method", "One call, time.time()", "Median of 3 blocks"),
                 ("n", "Method", "max |C − R|"),
                 ("Code", "Per iteration", "Bytes allocated / iteration")):
        assert head in tables, head
    alloc = tables[("Code", "Per iteration", "Bytes allocated / iteration")]
    assert list(alloc["Code"]) == ["C = C + D", "C[:] = D + C", "C += D", "C.add_(D)", "C = C + A @ B.T",
                                   "torch.addmm(C, A, B.T, out=C)", "C.addmm_(A, B.T)"]
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


def test_busy_server_shows_try_again():
    at = open_page(PAGE, lang="en")
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with benchmark_slot():
            held.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(10)
        run_small(at)
    finally:
        release.set()
        holder.join(10)
    assert not at.exception
    assert any("Try again" in e.value for e in at.error)
    assert "perf_result" not in at.session_state
