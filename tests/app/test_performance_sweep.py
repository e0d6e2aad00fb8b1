"""Every widget of the Performance page at its minimum, a middle value and its maximum, alone and
after a bad input elsewhere on the page; each run with a small budget (``BUDGET_ENV``).

No exception may reach the page, every run must end within the announced time, and whatever
the budget left out must be named on the page.
"""

from __future__ import annotations

import re
import time

import pytest

from core.performance.code import UPDATE_CODE
from core.performance.presets import (
    BUDGET_ENV,
    MAX_INNER,
    MAX_SIZE,
    MAX_SIZES,
    MIN_REPEATS,
    REPEATS_HIGH,
    announced_bound_s,
    page_budgets,
)
from core.performance.threads import max_threads
from tests.app.conftest import open_page

PAGE = "2_performance.py"
BUDGET = "0.3"  # seconds for both benchmarks together: each run stays short
BOUND = announced_bound_s(*page_budgets(BUDGET))
TOP = MAX_SIZE["cpu"]

# (kind, key, [minimum, middle, maximum]); text boxes get their extreme inputs
SWEEP = [
    ("text_input", "perf_sizes", ["1", f"64, {TOP // 2}", ", ".join(str(n) for n in range(TOP - MAX_SIZES + 1, TOP + 1))]),
    ("number_input", "perf_inner", [1, MAX_INNER // 2, MAX_INNER]),
    ("number_input", "perf_c_size", [16, (16 + TOP) // 2, TOP]),
    ("slider", "perf_repeats", [MIN_REPEATS, (MIN_REPEATS + REPEATS_HIGH) // 2, REPEATS_HIGH]),
    ("selectbox", "perf_threads", sorted({1, (1 + max_threads()) // 2, max_threads()})),
    ("selectbox", "perf_device", ["cpu"]),
]
BAD_SIZES = "64, abc"


def _widget(at, kind, key):
    return getattr(at, kind)(key=key)


def _run(at) -> float:
    t0 = time.perf_counter()
    at.button(key="perf_run").click().run()
    return time.perf_counter() - t0


def _check_run(at, wall: float) -> None:
    assert not at.exception
    assert wall <= BOUND, f"run took {wall:.2f} s, announced {BOUND:.2f} s"
    result = at.session_state["perf_result"]
    vec, mem = result["vec"], result["mem"]
    warnings = " ".join(w.value for w in at.warning)
    for cell in vec.skipped:
        if cell.reason == "budget":
            assert f"n = {cell.n}" in warnings, (cell, warnings)
    for variant in mem.skipped:
        assert UPDATE_CODE[variant] in warnings, (variant, warnings)
    # every cell is measured or named as left out
    assert len(vec.timings) + len(vec.skipped) == len(vec.methods) * len(vec.sizes)


@pytest.fixture(autouse=True)
def small_budget(monkeypatch):
    monkeypatch.setenv(BUDGET_ENV, BUDGET)


@pytest.mark.parametrize(("kind", "key", "values"), SWEEP, ids=[k for _, k, _ in SWEEP])
def test_widget_alone(kind, key, values):
    at = open_page(PAGE, lang="en")
    if key not in [getattr(el, "key", None) for el in at.main.get(kind)]:
        pytest.skip(f"{key} is not on this machine's page")
    for value in values:
        _widget(at, kind, key).set_value(value).run()
        assert not at.exception, (key, value)
        wall = _run(at)
        _check_run(at, wall)
        assert at.session_state["perf_result"]["inputs"].device == "cpu"


@pytest.mark.parametrize(("kind", "key", "values"), SWEEP, ids=[k for _, k, _ in SWEEP])
def test_widget_after_bad_input_elsewhere(kind, key, values):
    at = open_page(PAGE, lang="pt")
    if key == "perf_sizes":  # the bad input elsewhere: a number far out of range
        at.number_input(key="perf_inner").set_value(10**12).run()
    else:
        at.text_input(key="perf_sizes").set_value(BAD_SIZES).run()
    assert not at.exception
    for value in values:
        _widget(at, kind, key).set_value(value).run()
        assert not at.exception, (key, value)
        if key == "perf_sizes":
            plain = [re.sub(r"(?<=\d)[\s,.\u202f\u00a0](?=\d{3}\b)", "", w.value) for w in at.warning]
            assert any(f"usando {MAX_INNER}" in w for w in plain), plain  # the clamped k, said
            wall = _run(at)
            _check_run(at, wall)
            assert at.session_state["perf_result"]["inputs"].inner == MAX_INNER
        else:
            assert any("abc" in e.value for e in at.error)  # the bad size stays reported
            assert at.button(key="perf_run").disabled  # nothing to press: no run with a bad size
            assert "perf_result" not in at.session_state


def test_budget_variable_reaches_the_benchmarks():
    at = open_page(PAGE, lang="en")
    _run(at)
    result = at.session_state["perf_result"]
    vec, mem = page_budgets(BUDGET)
    assert result["vec"].budget_s == pytest.approx(vec)
    assert result["mem"].budget_s == pytest.approx(mem)
