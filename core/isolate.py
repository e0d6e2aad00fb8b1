"""Run one piece of symbolic work in a child process that can be killed.

SymPy's work is Python the server cannot interrupt in a thread: one ``diff`` of a 40-character
expression can run for many minutes, holding the GIL and memory for every student on the server.
So it runs in a child forked from the server for that one job (a fresh process each time, so
nothing it leaves behind survives it):
- it is killed when it passes its time limit, or when the caller's ``checkpoint`` raises (the
  student reran the page or closed the tab);
- it runs under an address-space limit of its own size at the fork plus ``memory_mb``, so a
  blow-up ends in a MemoryError inside the child, not in the server's memory;
- it runs at a lower scheduling priority, so on a small machine the server's other sessions
  keep their share of the CPU while it works;
- its result comes back pickled through a pipe, and any failure comes back as a ``LabError``.

Forking copies nothing up front (the child shares the server's pages until it writes to them):
measured here, a round trip costs a few tens of milliseconds (benchmarks/governor.py).
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import time
import warnings
from collections.abc import Callable
from typing import Any

from core.errors import LabError

POLL_S = 0.02  # how often the parent looks at the pipe, the clock and the checkpoint


def _vm_size() -> int:
    """This process's virtual size in bytes (what RLIMIT_AS limits)."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


CHILD_NICE = 10  # the child yields the CPU to the server's own threads (other students' reruns)


def _child(send, fn: Callable[..., Any], args: tuple, memory_mb: int) -> None:
    try:
        os.nice(CHILD_NICE)
    except OSError:
        pass
    try:
        limit = _vm_size() + memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (OSError, ValueError):
        pass  # no /proc or no limit on this system: the time limit still holds
    try:
        outcome = ("ok", fn(*args))
    except LabError as err:
        outcome = ("lab", (err.key, err.params))
    except MemoryError:
        outcome = ("memory", None)
    except RecursionError:
        outcome = ("recursion", None)
    except Exception as exc:
        outcome = ("error", f"{type(exc).__name__}: {exc}"[:200])
    try:
        send.send(outcome)
    except MemoryError:
        send.send(("memory", None))
    except Exception as exc:
        send.send(("error", f"{type(exc).__name__}: {exc}"[:200]))
    send.close()


def run_isolated(
    fn: Callable[..., Any],
    *args: Any,
    time_limit_s: float,
    memory_mb: int,
    checkpoint: Callable[[], None] | None = None,
) -> Any:
    """``fn(*args)`` in a forked child, within ``time_limit_s`` and ``memory_mb`` more memory.

    Raises ``LabError``: "err.limit_time" past the time limit, "err.limit_memory" when the child
    runs out of its memory, or the child's own LabError. Whatever ``checkpoint`` raises is
    raised here too, after the child is killed.
    """
    try:
        ctx = multiprocessing.get_context("fork")
    except ValueError:  # no fork (Windows): a notebook there runs the work in-process, unguarded
        return fn(*args)
    recv, send = ctx.Pipe(duplex=False)
    with warnings.catch_warnings():
        # Python 3.12+ warns that forking a threaded process may deadlock the child: this child
        # only runs pure-Python SymPy, and a child that hangs is killed at its time limit anyway
        warnings.simplefilter("ignore", DeprecationWarning)
        proc = ctx.Process(target=_child, args=(send, fn, args, memory_mb), daemon=True)
        proc.start()
    send.close()
    deadline = time.monotonic() + time_limit_s
    try:
        while True:
            if recv.poll(POLL_S):
                try:
                    status, payload = recv.recv()
                except (EOFError, OSError):
                    status, payload = "memory", None  # died while sending: killed by its limit
                break
            if not proc.is_alive() and not recv.poll(0):
                status, payload = "memory", None  # the kernel or the allocator ended it
                break
            if time.monotonic() > deadline:
                raise LabError("err.limit_time", seconds=f"{time_limit_s:g}")
            if checkpoint is not None:
                checkpoint()
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(timeout=5)
        recv.close()
    if status == "ok":
        return payload
    if status == "lab":
        key, params = payload
        raise LabError(key, **params)
    if status == "memory":
        raise LabError("err.limit_memory", megabytes=memory_mb)
    if status == "recursion":
        raise LabError("err.limit_recursion")
    raise LabError("err.limit_failed", detail=payload)
