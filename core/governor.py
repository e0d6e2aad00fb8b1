"""Limits on every heavy computation: time, memory, and how many run at once.

One server serves a whole class, so no request may hold it: every heavy computation runs under
a budget, and the server runs only a few at a time.

- Time: one interaction has ``TIME_LIMIT_S``. Work that goes in steps (autograd and the NumPy
  reference go block by block) calls ``check()`` between steps; symbolic work, which cannot be
  interrupted in a thread, runs in a child process killed at its limit (core/isolate.py).
- Memory: before a grid is differentiated, its peak is estimated from the graph autograd
  actually builds (measured on a probe of a few points), and the grid is cut into blocks that
  fit ``MEMORY_BUDGET_MB``; a graph too large even for the smallest block is refused. As a
  backstop, ``check()`` stops a computation whose process has grown by more than ``RSS_CAP_MB``.
- Concurrency: ``HEAVY`` lets ``MAX_HEAVY`` computations run at once; the others wait in line
  and are told their place; beyond ``MAX_WAITING`` waiting, or ``MAX_WAIT_S`` seconds, they are
  refused with a message.
- Cancellation: a page passes a ``checkpoint`` callable (it touches the page, and Streamlit
  raises there when the student reran or closed the tab), so abandoned work stops at its next
  step, and a waiting request leaves the line.

Every limit is a named constant here, and each refusal is a ``LabError`` naming its limit.
Outside a page (a notebook), the same limits hold with no checkpoint.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from core.errors import LabError

TIME_LIMIT_S = 10.0  # wall time of one interaction, queueing excluded
MEMORY_BUDGET_MB = 200  # estimated peak of one computation's working memory
RSS_CAP_MB = 450  # backstop: a computation stops if the process grew by more than this meanwhile
MAX_HEAVY = 2  # heavy computations running at once on one server
MAX_WAITING = 24  # requests waiting for a slot; beyond, refused
MAX_WAIT_S = 60.0  # longest wait in line
POLL_S = 0.25  # how often a waiting request looks again (and reports its place)

Checkpoint = Callable[[], None]


class Cancelled(BaseException):
    """Raised by a page's checkpoint when the student reran the page or left it: the work in
    progress is abandoned. A BaseException, so that no ``except Exception`` swallows it."""


def _rss_mb() -> float:
    """Resident memory of this process in MB (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return 0.0


@dataclass
class Budget:
    """The time and memory one interaction may still use; ``check()`` enforces both."""

    time_limit_s: float = TIME_LIMIT_S
    rss_cap_mb: float = RSS_CAP_MB
    checkpoint: Checkpoint | None = None
    start: float = field(default_factory=time.monotonic)
    rss_start_mb: float = field(default_factory=_rss_mb)

    def remaining_s(self) -> float:
        return self.time_limit_s - (time.monotonic() - self.start)

    def check(self) -> None:
        """Raise ``LabError`` past the time limit or the memory backstop; run the checkpoint."""
        if self.checkpoint is not None:
            self.checkpoint()
        if self.remaining_s() < 0:
            raise LabError("err.limit_time", seconds=f"{self.time_limit_s:g}")
        if self.rss_start_mb and _rss_mb() - self.rss_start_mb > self.rss_cap_mb:
            raise LabError("err.limit_rss", megabytes=round(self.rss_cap_mb))

    def fits(self, seconds: float) -> None:
        """Refuse now, rather than at the limit, work predicted to take ``seconds`` more."""
        if seconds > self.remaining_s():
            raise LabError("err.limit_time_predicted", seconds=f"{self.time_limit_s:g}", predicted=f"{seconds:.0f}")


_BUDGET: ContextVar[Budget | None] = ContextVar("autograd_lab_budget", default=None)


def current() -> Budget:
    """The budget of the interaction in progress, or a fresh one (outside a page, each call of a
    core function is its own interaction)."""
    budget = _BUDGET.get()
    return budget if budget is not None else Budget()


def check() -> None:
    """``current().check()``: call between the steps of any heavy computation."""
    budget = _BUDGET.get()
    if budget is not None:
        budget.check()


@contextmanager
def interaction(checkpoint: Checkpoint | None = None, time_limit_s: float = TIME_LIMIT_S) -> Iterator[Budget]:
    """Everything inside shares one budget (a page's whole rerun is one interaction)."""
    budget = Budget(time_limit_s=time_limit_s, checkpoint=checkpoint)
    token = _BUDGET.set(budget)
    try:
        yield budget
    finally:
        _BUDGET.reset(token)


class FairQueue:
    """``capacity`` holders at a time, the others waiting in first-come order.

    ``acquire`` is a context manager: it returns at once when a slot is free and nobody waits;
    otherwise the caller joins the end of the line and waits, calling ``on_wait(place, waited_s)``
    about every ``poll_s`` seconds (place 1 = next to run). Raises ``LabError(full_key)`` when
    ``max_waiting`` callers already wait, ``LabError(timeout_key)`` after ``timeout`` seconds
    (default ``max_wait_s``), and with ``timeout=0`` ``LabError(busy_key)`` instead of waiting.
    A waiter whose ``on_wait`` raises (a closed tab stops its script that way) leaves the line,
    and those behind it move up. A slot is released when the block ends, also by an exception.
    A thread that holds a slot may acquire again without waiting (re-entrant). Thread-safe.
    """

    def __init__(
        self,
        capacity: int = MAX_HEAVY,
        *,
        max_waiting: int = MAX_WAITING,
        max_wait_s: float = MAX_WAIT_S,
        poll_s: float = POLL_S,
        full_key: str = "err.limit_queue_full",
        timeout_key: str = "err.limit_queue_timeout",
        busy_key: str = "err.limit_busy",
    ) -> None:
        self.capacity = capacity
        self.max_waiting = max_waiting
        self.max_wait_s = max_wait_s
        self.poll_s = poll_s
        self.keys = {"full": full_key, "timeout": timeout_key, "busy": busy_key}
        self._cond = threading.Condition()
        self._waiting: deque[object] = deque()
        self._holders: dict[int, int] = {}  # thread id -> depth

    def waiting(self) -> int:
        """How many callers wait now (those running not counted)."""
        with self._cond:
            return len(self._waiting)

    def running(self) -> int:
        """How many hold a slot now."""
        with self._cond:
            return len(self._holders)

    def busy(self) -> bool:
        """Whether every slot is taken."""
        return self.running() >= self.capacity

    @contextmanager
    def acquire(
        self,
        ticket: object | None = None,
        *,
        on_wait: Callable[[int, float], None] | None = None,
        timeout: float | None = None,
    ) -> Iterator[None]:
        me = threading.get_ident()
        entry = object() if ticket is None else ticket
        with self._cond:
            if me in self._holders:
                self._holders[me] += 1
                entry = None
            elif len(self._holders) < self.capacity and not self._waiting:
                self._holders[me] = 1
                entry = None
            elif timeout is not None and timeout <= 0:
                raise LabError(self.keys["busy"])
            elif len(self._waiting) >= self.max_waiting:
                raise LabError(self.keys["full"], high=self.max_waiting)
            else:
                self._waiting.append(entry)
        if entry is not None:
            self._wait_turn(entry, me, on_wait, self.max_wait_s if timeout is None else timeout)
        try:
            yield
        finally:
            with self._cond:
                self._holders[me] -= 1
                if self._holders[me] == 0:
                    del self._holders[me]
                    self._cond.notify_all()

    def _wait_turn(self, entry: object, me: int, on_wait: Callable[[int, float], None] | None, timeout: float) -> None:
        """Wait until ``entry`` is first in line and a slot is free; then hold it."""
        start = time.monotonic()
        try:
            while True:
                with self._cond:
                    if len(self._holders) < self.capacity and self._waiting[0] is entry:
                        self._waiting.popleft()
                        self._holders[me] = 1
                        self._cond.notify_all()  # the next in line may fit too
                        return
                    waited = time.monotonic() - start
                    if waited >= timeout:
                        raise LabError(self.keys["timeout"], seconds=round(timeout))
                    place = self._waiting.index(entry) + 1
                if on_wait is not None:
                    on_wait(place, waited)
                with self._cond:
                    self._cond.wait(min(self.poll_s, max(timeout - waited, 0.0)))
        except BaseException:
            with self._cond:
                if entry in self._waiting:
                    self._waiting.remove(entry)
                    self._cond.notify_all()
            raise


HEAVY = FairQueue(MAX_HEAVY)  # the server's heavy computations: derivatives, chain rule, maps
