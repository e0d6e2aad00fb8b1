"""A class of students on the app, measured without browsers: each student speaks Streamlit's protocol.

Run: python benchmarks/classroom.py --students 30
Each student is a ``tools.protocol.Session`` (one browser tab, no browser): it loads the home page
as a browser does (the HTML and the scripts and styles it names, the health and host-config pings,
the websocket with the cookies it got), then tours every lab through the sidebar's page links,
changing real widgets on each: a typed expression or text, a slider, a select or segmented control
(``TOUR``). The performance lab's Measure button is never pressed (it would measure the benchmark
queue, not the page; the lab's own tests cover it). Between actions a student thinks, seeded,
uniform in ``--think`` (3 to 10 s): it reads the chart before the next change. Every loop is bounded:
the tour is a fixed list, each interaction waits at most ``--timeout``, the whole class at most
``--time-limit``.

In the same run the same class, with the same seed and think times, uses a minimal torch + plotly
page (``BASELINE_APP``: one slider, one chart) on its own server, and every figure is printed also
as a ratio to that baseline. By default the script starts both servers itself (``tools.server``);
``--url`` targets a running app instead (loopback only, e.g. nginx in front of replicas), whose
server processes are measured when their ids are given with ``--pid``.

It prints per interaction: errors (an exception shown, an error message shown, a timeout, a dropped
connection, a cached-message miss), the server latency (rerun request sent -> ``script_finished``)
at p50, p95 and max, the page shell's time (the HTML, and on a first load its assets), and the bytes
received (websocket payloads after decompression); per page, the median latency to open it and to
change a widget (and the change's p95), the median bytes of its opening and of one visit (opening
the page and the changes made there), and its errors; for each server process measured, its peak
RSS (VmHWM) and its CPU time (its own and its reaped children's: the symbolic work runs in forked
children) as a share of one core and per interaction; and the CPU the rest of the machine used
meanwhile (on a shared machine, what the server competed with). Exit status 0 only without errors.

Library use (``benchmarks/scale_out.py`` drives the same students through nginx)::

    from benchmarks.classroom import run_class
    report = run_class("http://127.0.0.1:8080", 6, seed=0, think_s=(0.5, 1.0), time_limit_s=300,
                       navigation="reload", pids=[replica_a.pid, replica_b.pid])
    report.errors                 # ["student 3 derivatives deriv_expr='x**2': timeout: ..."], [] when all went well
    report.students[i].upstreams  # [("GET /", "127.0.0.1:8501"), ("websocket", "127.0.0.1:8501"), ...] in order
    report.students[i].interactions  # Interaction(student, page, action, started_s, latency_s, bytes, error, ...)
    report.latency(0.95), report.page_medians(), report.visit_bytes(), report.servers  # figures
    print(report.format())

``run_class(url, students, *, seed=0, think_s=(3.0, 10.0), time_limit_s=900.0, timeout_s=180.0,
ramp_s=10.0, navigation="links", assets=True, tour=TOUR, pids=()) -> ClassReport``. ``navigation``
is ``"links"`` (page links in one websocket, as a student clicks the sidebar) or ``"reload"`` (every
lab is a fresh page load with the same cookies, as typing each lab's URL: more HTTP requests, so more
``X-Upstream`` values to prove session affinity). ``run_class_async`` is the same coroutine for a
caller that runs its own event loop; ``ServerMonitor(pid)`` samples one process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tools.protocol import Result, Session, loopback_only, options, run_sync  # noqa: E402
from tools.server import free_port, launch, start_server, stop_server, wait_healthy  # noqa: E402


@dataclass(frozen=True)
class Step:
    """Change widget ``key`` to one of ``values`` (another option or slider position when empty)."""

    key: str
    values: tuple = ()


@dataclass(frozen=True)
class Visit:
    """Open the page at URL path ``path`` ("" is home), then make its ``steps``."""

    name: str
    path: str
    steps: tuple[Step, ...]


# The keys are the pages' own (pages/*.py, app.py's sidebar): a typed text, a slider, a choice on each.
TOUR: tuple[Visit, ...] = (
    Visit("home", "", (Step("lang", ("English",)), Step("lang", ("Português",)))),  # the sidebar's segmented control
    Visit(
        "tensors",
        "tensors",
        (
            Step("tens_index", ("X[:, 1]", "X[0]", "X[X > 0.5]", "X[..., 1:3]")),
            Step("tens_pattern"),
            Step("tens_seed", (1, 2, 7, 42)),
        ),
    ),
    Visit(
        "performance",
        "performance",
        (Step("perf_sizes", ("16, 64, 256", "100, 1000", "32, 128, 512, 2048")), Step("perf_repeats"), Step("perf_threads")),
    ),
    Visit(
        "derivatives",
        "derivatives",
        (
            Step("deriv_expr", ("x**2*sin(x)", "exp(-x**2)", "tanh(x)", "x**3 - 2*x", "relu(x)", "sigmoid(x)")),
            Step("deriv_x0"),
            Step("deriv_order"),
        ),
    ),
    Visit(
        "chain_rule",
        "chain_rule",
        (
            Step("chain_outer", ("sin(u)", "exp(u)", "u**2", "log(1 + u**2)")),
            Step("chain_start", (-2.0, -1.0, 0.5)),
            Step("chain_dtype"),
        ),
    ),
    Visit(
        "gradients",
        "gradients",
        (Step("grad_px", (1.0, -1.5, 0.5, 2.0)), Step("grad_lr", (0.05, 0.02, 0.01)), Step("grad_angle")),
    ),
    Visit(
        "stability",
        "stability",
        (Step("stab_x", (400.0, 90.0, 20.0, 800.0)), Step("stab_chart_span"), Step("stab_map_quantity")),
    ),
)

# The reference: a minimal torch + plotly page, one slider, one chart.
BASELINE_APP = '''"""Baseline for benchmarks/classroom.py: a minimal torch + plotly page (one slider, one chart)."""

import plotly.graph_objects as go
import streamlit as st
import torch

st.title("Baseline")
k = st.slider("k", 0.5, 5.0, 1.0, 0.25, key="base_k")
x = torch.linspace(-5.0, 5.0, 1001, dtype=torch.float64, requires_grad=True)
y = torch.sin(k * x)
(dy,) = torch.autograd.grad(y.sum(), x)
xs = x.detach().numpy()
fig = go.Figure([go.Scatter(x=xs, y=y.detach().numpy(), name="f"), go.Scatter(x=xs, y=dy.numpy(), name="df/dx")])
st.plotly_chart(fig, key="base_chart")
'''
BASELINE_TOUR: tuple[Visit, ...] = (Visit("baseline", "", tuple(Step("base_k") for _ in range(5))),)


@dataclass
class Interaction:
    """One action of one student and what it cost."""

    student: int
    page: str
    action: str  # "open" or "key=value"
    started_s: float  # since the class started
    latency_s: float | None  # rerun sent -> script_finished; None when it never finished
    bytes: int
    error: str | None = None
    shell_s: float | None = None  # a page load: HTML (+ assets)
    connect_s: float | None = None  # a page load: the websocket handshake


@dataclass
class StudentReport:
    index: int
    interactions: list[Interaction] = field(default_factory=list)
    upstreams: list[tuple[str, str]] = field(default_factory=list)  # (request, X-Upstream), in order


@dataclass
class ServerStats:
    """One server process over the class: CPU (its own and its reaped children's) and memory."""

    pid: int
    cpu_s: float = 0.0
    wall_s: float = 0.0
    peak_rss_mb: float = 0.0  # VmHWM: the most it ever held, between samples too
    sampled_max_rss_mb: float = 0.0
    end_rss_mb: float = 0.0

    @property
    def cpu_share(self) -> float:
        """CPU seconds per wall second: 1.0 is one core kept busy."""
        return self.cpu_s / self.wall_s if self.wall_s else float("nan")


@dataclass
class ClassReport:
    url: str
    students: list[StudentReport]
    wall_s: float
    think_s: tuple[float, float]
    seed: int
    navigation: str
    servers: list[ServerStats] = field(default_factory=list)
    client_cpu_s: float = 0.0  # this process's own CPU over the class (it shares the machine)
    machine_cpu_s: float = 0.0  # every process on the machine over the class (/proc/stat)
    label: str = "app"

    @property
    def interactions(self) -> list[Interaction]:
        return [i for s in self.students for i in s.interactions]

    @property
    def errors(self) -> list[str]:
        return [f"student {i.student} {i.page} {i.action}: {i.error}" for i in self.interactions if i.error]

    @property
    def latencies(self) -> list[float]:
        return sorted(i.latency_s for i in self.interactions if i.latency_s is not None)

    def latency(self, q: float) -> float:
        """The ``q`` quantile of the server latency (nearest rank), NaN without any."""
        return quantile(self.latencies, q)

    @property
    def cpu_s(self) -> float:
        return sum(s.cpu_s for s in self.servers)

    @property
    def cpu_per_interaction_s(self) -> float:
        done = len(self.latencies)
        return self.cpu_s / done if self.servers and done else float("nan")

    @property
    def peak_rss_mb(self) -> float:
        return max((s.peak_rss_mb for s in self.servers), default=float("nan"))

    def page_medians(self) -> dict[str, dict[str, float]]:
        """Per page: the median latency to open it and to change a widget on it (and the change's
        p95), the median bytes of one visit and of its opening, and the errors there."""
        out = {}
        visits = self.visit_bytes()
        for page in dict.fromkeys(i.page for i in self.interactions):
            mine = [i for i in self.interactions if i.page == page]
            opens = [i for i in mine if i.action == "open" and i.latency_s is not None]
            changes = sorted(i.latency_s for i in mine if i.action != "open" and i.latency_s is not None)
            out[page] = {
                "open_s": _median([i.latency_s for i in opens]),
                "change_s": _median(changes),
                "change_p95_s": quantile(changes, 0.95),
                "visit_bytes": _median(visits.get(page, [])),
                "open_bytes": _median([i.bytes for i in opens]),
                "errors": sum(1 for i in mine if i.error),
            }
        return out

    def visit_bytes(self) -> dict[str, list[int]]:
        """Per page, the bytes each visit received (its opening and the changes made there)."""
        out: dict[str, list[int]] = {}
        for s in self.students:
            visit: tuple[str, int] | None = None
            for i in s.interactions:
                if i.action == "open":
                    if visit:
                        out.setdefault(visit[0], []).append(visit[1])
                    visit = (i.page, 0)
                if visit:
                    visit = (visit[0], visit[1] + i.bytes)
            if visit:
                out.setdefault(visit[0], []).append(visit[1])
        return out

    def summary(self) -> dict[str, float]:
        """The headline figures (NaN where not measured)."""
        shells = sorted(i.shell_s for i in self.interactions if i.shell_s is not None)
        visits = [b for per_page in self.visit_bytes().values() for b in per_page]
        return {
            "students": len(self.students),
            "interactions": len(self.interactions),
            "errors": len(self.errors),
            "wall_s": self.wall_s,
            "p50_s": self.latency(0.5),
            "p95_s": self.latency(0.95),
            "max_s": self.latency(1.0),
            "shell_p50_s": quantile(shells, 0.5),
            "shell_p95_s": quantile(shells, 0.95),
            "bytes": float(sum(i.bytes for i in self.interactions)),
            "visit_bytes_median": _median(visits),
            "interaction_bytes_median": _median([i.bytes for i in self.interactions if i.latency_s is not None]),
            "cpu_s": self.cpu_s if self.servers else float("nan"),
            "cpu_share": self.cpu_s / self.wall_s if self.servers and self.wall_s else float("nan"),
            "cpu_per_interaction_s": self.cpu_per_interaction_s,
            "peak_rss_mb": self.peak_rss_mb,
            "client_cpu_s": self.client_cpu_s,
            "others_cpu_s": self.others_cpu_s,
        }

    @property
    def others_cpu_s(self) -> float:
        """CPU the rest of the machine used meanwhile (not the measured servers, not this client):
        on a shared machine, what the server had to compete with."""
        return max(0.0, self.machine_cpu_s - self.cpu_s - self.client_cpu_s) if self.servers else float("nan")

    def format(self, baseline: ClassReport | None = None) -> str:
        """The figures as text; with ``baseline``, each also as a ratio to it."""
        s, lines = self.summary(), []
        b = baseline.summary() if baseline else None

        def ratio(name: str) -> str:
            if b is None or not b[name] or b[name] != b[name] or s[name] != s[name]:
                return ""
            return f" ({s[name] / b[name]:.2f}x baseline)"

        lines.append(
            f"{self.label} ({self.url}): {s['students']} students, {s['interactions']} interactions in {s['wall_s']:.0f} s, "
            f"think {self.think_s[0]:g}-{self.think_s[1]:g} s, seed {self.seed}, navigation by {self.navigation}"
        )
        lines.append(f"  errors: {s['errors']}")
        lines.append("  server latency (rerun sent -> script finished):")
        lines.append(
            f"    p50 {s['p50_s']:.3f} s{ratio('p50_s')}, p95 {s['p95_s']:.3f} s{ratio('p95_s')}, max {s['max_s']:.3f} s{ratio('max_s')}"
        )
        if s["shell_p50_s"] == s["shell_p50_s"]:
            lines.append(
                f"  page shell (HTML, with its assets on a first load): p50 {s['shell_p50_s']:.3f} s, p95 {s['shell_p95_s']:.3f} s"
            )
        lines.append(
            f"  bytes received: {s['bytes'] / 1e6:.2f} MB; per interaction, median {s['interaction_bytes_median'] / 1e3:.1f} kB"
            f"{ratio('interaction_bytes_median')}; per visit of a page, median {s['visit_bytes_median'] / 1e3:.1f} kB"
        )
        for srv in self.servers:
            lines.append(
                f"  server pid {srv.pid}: CPU {srv.cpu_s:.1f} s over {srv.wall_s:.0f} s ({srv.cpu_share:.0%} of one core), "
                f"peak RSS {srv.peak_rss_mb:.0f} MB (sampled max {srv.sampled_max_rss_mb:.0f}, at the end {srv.end_rss_mb:.0f})"
            )
        if self.servers:
            lines.append(
                f"  server CPU per interaction: {s['cpu_per_interaction_s'] * 1e3:.0f} ms{ratio('cpu_per_interaction_s')}; "
                f"peak RSS {s['peak_rss_mb']:.0f} MB{ratio('peak_rss_mb')}"
            )
        cores = os.cpu_count() or 1
        lines.append(f"  this client's own CPU: {s['client_cpu_s']:.1f} s (on the same {cores} cores)")
        if self.servers:
            lines.append(
                f"  other processes on this machine meanwhile: {s['others_cpu_s']:.1f} CPU-s "
                f"({s['others_cpu_s'] / self.wall_s / cores:.0%} of its {cores} cores)"
            )
        lines.append("  per page (medians; a visit is the opening and the changes made there):")
        lines.append(
            f"    {'page':<12} {'open':>8} {'change':>8} {'change p95':>10} {'open kB':>8} {'visit kB':>9} {'errors':>6}"
        )
        for page, m in self.page_medians().items():
            lines.append(
                f"    {page:<12} {m['open_s']:>7.3f}s {m['change_s']:>7.3f}s {m['change_p95_s']:>9.3f}s "
                f"{m['open_bytes'] / 1e3:>8.1f} {m['visit_bytes'] / 1e3:>9.1f} {m['errors']:>6}"
            )
        for err in self.errors[:20]:
            lines.append(f"  ! {err}")
        if len(self.errors) > 20:
            lines.append(f"  ! ... and {len(self.errors) - 20} more")
        return "\n".join(lines)


def quantile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank quantile of sorted values; NaN for none."""
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


class ServerMonitor:
    """Samples one process's memory from /proc while the class runs; CPU from its start and end."""

    def __init__(self, pid: int, every_s: float = 0.5) -> None:
        self.stats, self.every_s = ServerStats(pid), every_s
        self._task: asyncio.Task | None = None
        self._cpu0 = self._t0 = 0.0

    def start(self) -> None:
        self._cpu0, self._t0 = cpu_seconds(self.stats.pid), time.perf_counter()
        self._task = asyncio.create_task(self._sample())

    async def _sample(self) -> None:
        while True:
            self.stats.sampled_max_rss_mb = max(self.stats.sampled_max_rss_mb, status_mb(self.stats.pid, "VmRSS"))
            await asyncio.sleep(self.every_s)

    async def stop(self) -> ServerStats:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        st = self.stats
        st.cpu_s, st.wall_s = cpu_seconds(st.pid) - self._cpu0, time.perf_counter() - self._t0
        st.peak_rss_mb, st.end_rss_mb = status_mb(st.pid, "VmHWM"), status_mb(st.pid, "VmRSS")
        st.sampled_max_rss_mb = max(st.sampled_max_rss_mb, st.end_rss_mb)
        return st


def status_mb(pid: int, name: str) -> float:
    """A /proc/<pid>/status memory line (VmRSS, VmHWM) in MB; NaN once the process is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(name + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process and of its children it has waited for (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU time every process on this machine has used since boot (/proc/stat: all but idle and iowait)."""
    fields = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = sum(fields[:8]) - fields[3] - fields[4]  # user nice system idle iowait irq softirq steal
    return busy / os.sysconf("SC_CLK_TCK")


def choose(step: Step, session: Session, rng: random.Random) -> Any:
    """The value a student sets: one of the step's values, or another option or slider position,
    never the one shown now (a browser sends nothing when nothing changed)."""
    node = session.widget(step.key)
    if node is None:
        return None
    now = session.value(step.key)
    if step.values:
        picks = [v for v in step.values if str(v) != str(now)] or list(step.values)
        return rng.choice(picks)
    labels = options(node)
    if labels:
        return rng.choice([o for o in labels if o != str(now)] or labels)
    if node.type == "slider":  # a number slider: another position on its grid
        body = node.body
        steps = max(1, round((body.max - body.min) / body.step)) if body.step else 10
        grid = [body.min + k * (body.max - body.min) / steps for k in range(steps + 1)]
        return rng.choice([g for g in grid if now is None or abs(g - float(now)) > 1e-9] or grid)
    if node.type == "checkbox":
        return not bool(now)
    return None


async def student(
    index: int,
    url: str,
    *,
    rng: random.Random,
    think_s: tuple[float, float],
    deadline: float,
    started: float,
    timeout_s: float,
    navigation: str,
    assets: bool,
    tour: Sequence[Visit],
    pool: ThreadPoolExecutor,
) -> StudentReport:
    """One student's tour: the first page loaded, the next ones by link (or reload), changes between."""
    report = StudentReport(index)
    session = Session(url, pool=pool, timeout_s=timeout_s)
    report.upstreams = session.upstreams  # the same list, filled as the session goes

    def record(page: str, action: str, t0: float, result: Result) -> bool:
        report.interactions.append(
            Interaction(
                index, page, action, t0 - started, result.latency_s, result.bytes, result.error, result.shell_s, result.connect_s
            )
        )
        return result.latency_s is not None  # False: the page is not there to go on with

    async def think() -> bool:
        left = deadline - time.perf_counter()
        await asyncio.sleep(max(0.0, min(rng.uniform(*think_s), left)))
        return time.perf_counter() < deadline

    try:
        for n, visit in enumerate(tour):
            if n and not await think():
                record(visit.name, "open", time.perf_counter(), Result(None, 0, "time limit reached before this page"))
                break
            t0 = time.perf_counter()
            if n == 0 or navigation == "reload":
                ok = record(visit.name, "open", t0, await session.load(visit.path, assets=assets and n == 0))
            else:
                ok = record(visit.name, "open", t0, await session.goto(visit.path))
            if not ok:
                if not session.connected:
                    break  # the connection is gone: the tour ends here (already an error)
                continue
            for step in visit.steps:
                if not await think():
                    record(visit.name, step.key, time.perf_counter(), Result(None, 0, "time limit reached"))
                    return report
                value = choose(step, session, rng)
                t0 = time.perf_counter()
                if value is None:
                    record(visit.name, step.key, t0, Result(None, 0, f"no widget {step.key!r} to change"))
                    continue
                record(visit.name, f"{step.key}={value!r}", t0, await session.change(step.key, value))
    finally:
        await session.close()
    return report


async def run_class_async(
    url: str,
    students: int,
    *,
    seed: int = 0,
    think_s: tuple[float, float] = (3.0, 10.0),
    time_limit_s: float = 900.0,
    timeout_s: float = 180.0,
    ramp_s: float = 10.0,
    navigation: str = "links",
    assets: bool = True,
    tour: Sequence[Visit] = TOUR,
    pids: Sequence[int] = (),
    label: str = "app",
) -> ClassReport:
    """Run ``students`` students on ``url`` at once (arrivals spread evenly over ``ramp_s``)."""
    url = loopback_only(url)
    if navigation not in ("links", "reload"):
        raise ValueError(f"navigation is 'links' or 'reload', not {navigation!r}")
    monitors = [ServerMonitor(pid) for pid in pids]
    for m in monitors:
        m.start()
    cpu0, machine0, t0 = _own_cpu(), machine_cpu_seconds(), time.perf_counter()
    deadline = t0 + time_limit_s
    with ThreadPoolExecutor(max_workers=max(4, 2 * students), thread_name_prefix="classroom-http") as pool:

        async def arrive(i: int) -> StudentReport:
            await asyncio.sleep(ramp_s * i / max(1, students))
            rng = random.Random(f"{seed}:{i}")
            return await student(
                i,
                url,
                rng=rng,
                think_s=think_s,
                deadline=deadline,
                started=t0,
                timeout_s=timeout_s,
                navigation=navigation,
                assets=assets,
                tour=tour,
                pool=pool,
            )

        tasks = [asyncio.create_task(arrive(i)) for i in range(students)]
        done, pending = await asyncio.wait(tasks, timeout=time_limit_s + timeout_s + 30)  # the hard stop
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    reports = []
    for i, task in enumerate(tasks):
        if task in done and task.exception() is None:
            reports.append(task.result())
        else:
            why = "stopped at the hard time limit" if task in pending else f"crashed: {task.exception()!r}"
            reports.append(StudentReport(i, [Interaction(i, "-", "tour", 0.0, None, 0, why)]))
    wall = time.perf_counter() - t0
    servers = [await m.stop() for m in monitors]
    machine = machine_cpu_seconds() - machine0
    return ClassReport(url, reports, wall, think_s, seed, navigation, servers, _own_cpu() - cpu0, machine, label)


def run_class(url: str, students: int, **kwargs: Any) -> ClassReport:
    """``run_class_async`` in an event loop of its own (see the module docstring)."""
    return run_sync(run_class_async(url, students, **kwargs))


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def warm_up(url: str, tour: Sequence[Visit]) -> None:
    """Open every page once, as nobody in the class (imports and first-run caches are not the class's)."""
    session = Session(url, timeout_s=300.0)
    try:
        for n, visit in enumerate(tour):
            result = await (session.load(visit.path) if n == 0 else session.goto(visit.path))
            if result.error:
                raise RuntimeError(f"warm-up failed on {visit.name}: {result.error}")
    finally:
        await session.close()


def own_server(script: Path | None = None, log: Path | None = None):
    """Start the app (or ``script``) headless on a free loopback port; (process, url)."""
    port = free_port()
    if script is None:
        proc = start_server(port, log=log)
    else:
        proc = launch(port, script, log=log)
        try:
            wait_healthy(port, 90.0, proc)
        except RuntimeError:
            proc.kill()
            raise
    return proc, f"http://127.0.0.1:{port}"


def baseline_dir() -> Path:
    """A folder holding the baseline page and the app's own .streamlit/config.toml (same settings)."""
    where = Path(tempfile.mkdtemp(prefix="classroom-baseline-"))
    (where / "baseline.py").write_text(BASELINE_APP)
    if (ROOT / ".streamlit").is_dir():
        shutil.copytree(ROOT / ".streamlit", where / ".streamlit")
    return where


def measure(
    students: int,
    *,
    url: str | None = None,
    pids: Sequence[int] = (),
    baseline: bool = True,
    warm: bool = True,
    log_dir: Path | None = None,
    **kwargs: Any,
) -> tuple[ClassReport, ClassReport | None]:
    """The class on the app (its own server unless ``url``), then on the baseline page (its own server)."""
    log_dir = log_dir or Path(tempfile.mkdtemp(prefix="classroom-logs-"))
    app = _measure_one(students, None, url, pids, TOUR, "app", warm, log_dir / "app-server.log", kwargs)
    base = None
    if baseline:
        where = baseline_dir()
        try:
            kw = {**kwargs, "navigation": "links"}
            base = _measure_one(
                students, where / "baseline.py", None, (), BASELINE_TOUR, "baseline", warm, log_dir / "baseline-server.log", kw
            )
        finally:
            shutil.rmtree(where, ignore_errors=True)
    return app, base


def _measure_one(students, script, url, pids, tour, label, warm, log, kwargs) -> ClassReport:
    proc = None
    if url is None:
        proc, url = own_server(script, log)
        pids = [proc.pid]
    try:
        if warm:
            run_sync(warm_up(url, tour))
        return run_class(url, students, tour=tour, pids=pids, label=label, **kwargs)
    finally:
        if proc is not None:
            stop_server(proc)


def add_class_arguments(parser: argparse.ArgumentParser, *, students: int) -> None:
    """The options of a class, shared with benchmarks/scale_out.py: its size, seed and pace."""
    parser.add_argument("--students", type=int, default=students)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--think", type=float, nargs=2, default=(3.0, 10.0), metavar=("LOW", "HIGH"), help="seconds between actions"
    )
    parser.add_argument("--time-limit", type=float, default=900.0, help="seconds for the whole class")
    parser.add_argument("--timeout", type=float, default=180.0, help="seconds one interaction may take")
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which the students arrive")
    parser.add_argument("--no-assets", action="store_true", help="load only the HTML, not the scripts and styles it names")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_class_arguments(parser, students=30)
    parser.add_argument("--navigation", choices=("links", "reload"), default="links")
    parser.add_argument("--url", help="a running app (loopback only) instead of a server started here")
    parser.add_argument("--pid", type=int, action="append", default=[], help="a server process behind --url to measure")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-warm-up", action="store_true", help="measure from a cold server")
    parser.add_argument("--json", type=Path, help="also write every interaction and figure here")
    args = parser.parse_args(argv)
    if not 1 <= args.students <= 500:
        parser.error("--students must be between 1 and 500")
    app, base = measure(
        args.students,
        url=args.url,
        pids=args.pid,
        baseline=not args.no_baseline,
        warm=not args.no_warm_up,
        seed=args.seed,
        think_s=tuple(args.think),
        time_limit_s=args.time_limit,
        timeout_s=args.timeout,
        ramp_s=args.ramp,
        navigation=args.navigation,
        assets=not args.no_assets,
    )
    print(app.format(base))
    if base is not None:
        print(base.format())
    if args.json:
        blob = {"app": asdict(app) | {"summary": app.summary()}}
        if base is not None:
            blob["baseline"] = asdict(base) | {"summary": base.summary()}
        args.json.write_text(json.dumps(blob, indent=1, default=str))
    return 0 if not app.errors and not (base and base.errors) else 1


if __name__ == "__main__":
    raise SystemExit(main())
