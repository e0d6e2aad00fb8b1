"""The governor (core/governor.py) and the isolated child (core/isolate.py): time limits, the
memory limit, the fair queue with places, cancellation, and that nothing leaks a process."""

from __future__ import annotations

import threading
import time

import pytest

from core import governor
from core.errors import LabError
from core.governor import Budget, FairQueue, interaction
from core.isolate import run_isolated


def _sleep_forever() -> None:
    while True:
        time.sleep(0.01)


def _allocate(megabytes: int) -> int:
    blocks = [bytearray(2**20) for _ in range(megabytes)]
    return len(blocks)


def _fail() -> None:
    raise KeyError("inside")


def _lab() -> None:
    raise LabError("err.diff_too_complex", order=2)


def _value(a: int, b: int) -> dict:
    return {"sum": a + b}


# --------------------------------------------------------------------------------- isolate


def test_isolated_returns_the_value():
    assert run_isolated(_value, 2, 3, time_limit_s=5, memory_mb=100) == {"sum": 5}


def test_isolated_child_is_killed_at_its_time_limit():
    t0 = time.monotonic()
    with pytest.raises(LabError) as err:
        run_isolated(_sleep_forever, time_limit_s=0.5, memory_mb=100)
    assert err.value.key == "err.limit_time"
    assert time.monotonic() - t0 < 2.0


def test_isolated_child_runs_out_of_its_memory_not_the_servers():
    with pytest.raises(LabError) as err:
        run_isolated(_allocate, 2000, time_limit_s=20, memory_mb=100)
    assert err.value.key == "err.limit_memory"


def test_isolated_child_within_its_memory_succeeds():
    assert run_isolated(_allocate, 20, time_limit_s=20, memory_mb=100) == 20


def test_isolated_lab_error_comes_back_as_itself():
    with pytest.raises(LabError) as err:
        run_isolated(_lab, time_limit_s=5, memory_mb=100)
    assert err.value.key == "err.diff_too_complex" and err.value.params == {"order": 2}


def test_isolated_other_errors_become_a_lab_error():
    with pytest.raises(LabError) as err:
        run_isolated(_fail, time_limit_s=5, memory_mb=100)
    assert err.value.key == "err.limit_failed" and "KeyError" in err.value.params["detail"]


def test_isolated_checkpoint_cancels_and_kills_the_child():
    calls = []

    class Cancelled(Exception):
        pass

    def checkpoint():
        calls.append(1)
        if len(calls) > 3:
            raise Cancelled

    t0 = time.monotonic()
    with pytest.raises(Cancelled):
        run_isolated(_sleep_forever, time_limit_s=30, memory_mb=100, checkpoint=checkpoint)
    assert time.monotonic() - t0 < 2.0


def test_no_child_outlives_its_call():
    import multiprocessing

    for _ in range(3):
        with pytest.raises(LabError):
            run_isolated(_sleep_forever, time_limit_s=0.2, memory_mb=100)
    assert not multiprocessing.active_children()


# --------------------------------------------------------------------------------- budget


def test_budget_check_passes_within_the_limit():
    Budget(time_limit_s=5).check()


def test_budget_check_raises_past_the_limit():
    b = Budget(time_limit_s=0.05)
    time.sleep(0.1)
    with pytest.raises(LabError) as err:
        b.check()
    assert err.value.key == "err.limit_time" and err.value.params["seconds"] == "0.05"


def test_budget_refuses_work_predicted_not_to_fit():
    with pytest.raises(LabError) as err:
        Budget(time_limit_s=1).fits(30)
    assert err.value.key == "err.limit_time_predicted"


def test_interaction_sets_the_current_budget_and_restores_it():
    assert governor._BUDGET.get() is None
    with interaction(time_limit_s=3) as b:
        assert governor.current() is b
    assert governor._BUDGET.get() is None


def test_check_runs_the_checkpoint():
    seen = []
    with interaction(checkpoint=lambda: seen.append(1)):
        governor.check()
    assert seen == [1]


# --------------------------------------------------------------------------------- fair queue


def _hold(queue: FairQueue, started: threading.Event, release: threading.Event, **kw) -> threading.Thread:
    def run():
        with queue.acquire(**kw):
            started.set()
            release.wait(10)

    th = threading.Thread(target=run, daemon=True)
    th.start()
    return th


def test_queue_runs_capacity_at_once():
    q = FairQueue(2, poll_s=0.01)
    release = threading.Event()
    a, b = threading.Event(), threading.Event()
    ta, tb = _hold(q, a, release), _hold(q, b, release)
    assert a.wait(2) and b.wait(2)
    assert q.running() == 2 and q.busy()
    release.set()
    ta.join(2), tb.join(2)
    assert q.running() == 0


def test_queue_reports_places_in_first_come_order():
    q = FairQueue(1, poll_s=0.01)
    release = threading.Event()
    started = threading.Event()
    holder = _hold(q, started, release)
    assert started.wait(2)
    places: dict[str, list[int]] = {"b": [], "c": []}
    order: list[str] = []

    def waiter(name: str) -> threading.Thread:
        def run():
            with q.acquire(on_wait=lambda place, waited: places[name].append(place)):
                order.append(name)

        th = threading.Thread(target=run, daemon=True)
        th.start()
        return th

    tb = waiter("b")
    while q.waiting() < 1:
        time.sleep(0.005)
    tc = waiter("c")
    while q.waiting() < 2:
        time.sleep(0.005)
    time.sleep(0.05)
    release.set()
    for th in (holder, tb, tc):
        th.join(3)
    assert order == ["b", "c"]
    assert places["b"] and set(places["b"]) == {1}
    assert places["c"] and places["c"][0] == 2


def test_queue_refuses_when_full_and_after_its_wait():
    q = FairQueue(1, max_waiting=1, poll_s=0.01)
    release, started = threading.Event(), threading.Event()
    holder = _hold(q, started, release)
    assert started.wait(2)
    waiting = threading.Thread(target=lambda: q.acquire(timeout=5).__enter__(), daemon=True)
    waiting.start()
    while q.waiting() < 1:
        time.sleep(0.005)
    with pytest.raises(LabError) as err:
        with q.acquire():
            pass
    assert err.value.key == "err.limit_queue_full"
    release.set()
    holder.join(2)


def test_queue_timeout_and_busy():
    q = FairQueue(1, poll_s=0.01)
    release, started = threading.Event(), threading.Event()
    holder = _hold(q, started, release)
    assert started.wait(2)
    with pytest.raises(LabError) as err:
        with q.acquire(timeout=0.1):
            pass
    assert err.value.key == "err.limit_queue_timeout"
    with pytest.raises(LabError) as err:
        with q.acquire(timeout=0):
            pass
    assert err.value.key == "err.limit_busy"
    assert q.waiting() == 0
    release.set()
    holder.join(2)


def test_a_waiter_that_gives_up_leaves_the_line():
    q = FairQueue(1, poll_s=0.01)
    release, started = threading.Event(), threading.Event()
    holder = _hold(q, started, release)
    assert started.wait(2)

    class Closed(Exception):
        pass

    def on_wait(place, waited):
        raise Closed

    with pytest.raises(Closed):
        with q.acquire(on_wait=on_wait):
            pass
    assert q.waiting() == 0
    release.set()
    holder.join(2)
    with q.acquire(timeout=1):
        pass


def test_slot_is_released_by_an_exception_and_is_reentrant():
    q = FairQueue(1)
    with pytest.raises(RuntimeError):
        with q.acquire():
            with q.acquire():  # the holder's thread again: no wait
                raise RuntimeError
    assert q.running() == 0
