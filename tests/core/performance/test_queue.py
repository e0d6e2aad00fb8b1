"""The benchmark queue: FIFO order, places, bounded length and wait, cancellation, release."""

from __future__ import annotations

import threading
import time

import pytest

from core.errors import LabError
from core.i18n import tr
from core.performance.queue import MAX_QUEUE, MAX_WAIT_S, BenchmarkQueue, benchmark_slot

POLL = 0.02  # fast polling keeps these tests short


def _wait_for(predicate, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.005)


class Holder:
    """A thread that holds the queue's slot until released."""

    def __init__(self, queue: BenchmarkQueue) -> None:
        self.release = threading.Event()
        held = threading.Event()

        def run() -> None:
            with queue.acquire():
                held.set()
                self.release.wait(20)

        self.thread = threading.Thread(target=run)
        self.thread.start()
        assert held.wait(10)

    def stop(self) -> None:
        self.release.set()
        self.thread.join(10)


def _waiter(queue: BenchmarkQueue, name: str, order: list, places: dict, errors: dict, **kwargs) -> threading.Thread:
    """A thread that queues, records the places it was shown, and appends its name when it runs."""
    places[name] = []

    def run() -> None:
        try:
            with queue.acquire(on_wait=lambda place, waited: places[name].append(place), **kwargs):
                order.append(name)
        except BaseException as exc:
            errors[name] = exc

    th = threading.Thread(target=run)
    th.start()
    return th


def test_waiters_run_in_arrival_order():
    queue = BenchmarkQueue(poll_s=POLL)
    holder = Holder(queue)
    order, places, errors = [], {}, {}
    threads = []
    for i, name in enumerate("abcd", start=1):
        threads.append(_waiter(queue, name, order, places, errors))
        _wait_for(lambda i=i: queue.waiting() == i)  # each joins before the next arrives
    holder.stop()
    for th in threads:
        th.join(10)
    assert order == list("abcd")
    assert not errors
    assert queue.waiting() == 0 and not queue.busy()


def test_places_start_at_arrival_position_and_move_up():
    queue = BenchmarkQueue(poll_s=POLL)
    holder = Holder(queue)
    order, places, errors = [], {}, {}
    threads = []
    for i, name in enumerate("abc", start=1):
        threads.append(_waiter(queue, name, order, places, errors))
        _wait_for(lambda i=i, name=name: queue.waiting() == i and places[name])
    time.sleep(5 * POLL)  # several reports each while nobody moves
    holder.stop()
    for th in threads:
        th.join(10)
    assert [places[name][0] for name in "abc"] == [1, 2, 3]
    for name in "abc":
        seen = places[name]
        assert seen == sorted(seen, reverse=True), (name, seen)  # a place never gets worse
        assert len(seen) >= 3, (name, seen)  # reported again while waiting, not only once


def test_free_slot_is_taken_at_once_without_waiting():
    queue = BenchmarkQueue(poll_s=POLL)
    calls = []
    t0 = time.perf_counter()
    with queue.acquire(on_wait=lambda place, waited: calls.append(place)):
        assert queue.busy()
    assert time.perf_counter() - t0 < 0.5
    assert calls == []
    assert not queue.busy()


def test_timeout_gives_up_with_message_and_leaves_queue():
    queue = BenchmarkQueue(poll_s=POLL)
    holder = Holder(queue)
    try:
        t0 = time.perf_counter()
        with pytest.raises(LabError) as info, queue.acquire(timeout=0.3):
            pass
        waited = time.perf_counter() - t0
    finally:
        holder.stop()
    assert info.value.key == "err.perf_queue_timeout"
    assert 0.3 <= waited < 3.0
    assert queue.waiting() == 0


def test_default_timeout_is_the_named_bound():
    queue = BenchmarkQueue()
    assert (queue.max_waiting, queue.max_wait_s) == (MAX_QUEUE, MAX_WAIT_S)


def test_cancelled_waiter_leaves_and_others_move_up():
    queue = BenchmarkQueue(poll_s=POLL)
    holder = Holder(queue)
    order, places, errors = [], {}, {}
    give_up = threading.Event()

    class GaveUp(Exception):
        pass

    def impatient(place: int, waited: float) -> None:
        if give_up.is_set():
            raise GaveUp  # what Streamlit's stop request does inside a page's callback

    def run_a() -> None:
        try:
            with queue.acquire(on_wait=impatient):
                order.append("a")
        except GaveUp as exc:
            errors["a"] = exc

    a = threading.Thread(target=run_a)
    a.start()
    _wait_for(lambda: queue.waiting() == 1)
    b = _waiter(queue, "b", order, places, errors)
    _wait_for(lambda: places["b"] and places["b"][-1] == 2)
    give_up.set()
    a.join(10)
    _wait_for(lambda: places["b"][-1] == 1)  # b moved up while the holder still runs
    assert queue.waiting() == 1
    holder.stop()
    b.join(10)
    assert order == ["b"]
    assert isinstance(errors.get("a"), GaveUp)


def test_slot_released_on_exception():
    queue = BenchmarkQueue(poll_s=POLL)
    with pytest.raises(RuntimeError), queue.acquire():
        raise RuntimeError("benchmark failed")
    assert not queue.busy()
    with queue.acquire(timeout=0):  # free again: no wait, no busy error
        pass


def test_waiter_gets_slot_after_holder_raised():
    queue = BenchmarkQueue(poll_s=POLL)
    entered, fail = threading.Event(), threading.Event()

    def failing_holder() -> None:
        with pytest.raises(RuntimeError), queue.acquire():
            entered.set()
            fail.wait(10)
            raise RuntimeError("boom")

    th = threading.Thread(target=failing_holder)
    th.start()
    assert entered.wait(10)
    order, places, errors = [], {}, {}
    w = _waiter(queue, "w", order, places, errors)
    _wait_for(lambda: queue.waiting() == 1)
    fail.set()
    th.join(10)
    w.join(10)
    assert order == ["w"] and not errors


def test_full_queue_refused_at_once():
    queue = BenchmarkQueue(max_waiting=2, poll_s=POLL)
    holder = Holder(queue)
    order, places, errors = [], {}, {}
    threads = [_waiter(queue, name, order, places, errors) for name in "ab"]
    _wait_for(lambda: queue.waiting() == 2)
    try:
        t0 = time.perf_counter()
        with pytest.raises(LabError) as info, queue.acquire():
            pass
        assert time.perf_counter() - t0 < 0.5
    finally:
        holder.stop()
        for th in threads:
            th.join(10)
    assert info.value.key == "err.perf_queue_full"
    assert order == ["a", "b"]


def test_reentrant_for_the_holder_thread():
    queue = BenchmarkQueue(poll_s=POLL)
    with queue.acquire(), queue.acquire(timeout=0), queue.acquire():
        assert queue.busy()
    assert not queue.busy()


def test_slot_does_not_jump_the_queue():
    # a non-blocking caller is refused while others wait, even between two runs
    queue = BenchmarkQueue(poll_s=POLL)
    holder = Holder(queue)
    order, places, errors = [], {}, {}
    w = _waiter(queue, "w", order, places, errors)
    _wait_for(lambda: queue.waiting() == 1)
    try:
        with pytest.raises(LabError) as info, queue.acquire(timeout=0):
            pass
    finally:
        holder.stop()
        w.join(10)
    assert info.value.key == "err.perf_busy"


def test_benchmark_slot_still_refuses_at_once_when_held_elsewhere():
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with benchmark_slot():
            held.set()
            release.wait(10)

    th = threading.Thread(target=hold)
    th.start()
    try:
        assert held.wait(10)
        with pytest.raises(LabError) as info, benchmark_slot():
            pass
    finally:
        release.set()
        th.join(10)
    assert info.value.key == "err.perf_busy"


@pytest.mark.parametrize(("lang", "expected"), [("pt", "Você é o 2º da fila"), ("en", "You are number 2 in the queue")])
def test_place_message_translated(lang, expected):
    assert expected in tr("perf.queue_place", lang, place=2, waited=3.0, max_wait=MAX_WAIT_S)


@pytest.mark.parametrize("key", ["err.perf_queue_full", "err.perf_queue_timeout"])
def test_queue_errors_translated(key):
    err = LabError(key, high=MAX_QUEUE, seconds=round(MAX_WAIT_S))
    assert err.message("pt") != err.message("en")
    assert "fila" in err.message("pt") and "queue" in err.message("en")
