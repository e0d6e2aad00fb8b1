"""A class through real nginx in front of several replicas of the app: affinity proven, load measured.

Run: python benchmarks/scale_out.py --students 100 --replicas 2
It installs nothing. It starts ``--replicas`` servers of the app on free loopback ports
(``tools.server``) and nginx (the system's, ``$NGINX`` or ``nginx`` on PATH) on another, as a child
process with a private prefix: its own folder for the pid, logs, temporary files and sockets, the
site from ``deploy/nginx.conf`` (rendered by ``deploy/render_nginx.py``) and ``daemon off``. Each
replica is warmed directly (every page opened once), then the students of
``benchmarks/classroom.py`` tour the labs through nginx, each lab a fresh page load with the
same cookies (``navigation="reload"``), so every student makes 3 proxied requests per lab (health,
host-config, websocket), each answered with the ``X-Upstream`` header nginx adds.

It prints the sessions each replica served (a student's replica is the one all its X-Upstream
values name), the students whose requests reached more than one replica, the errors, the server
latency at p50, p95 and max (overall and per replica), each replica's peak RSS and CPU share,
nginx's own CPU, the page shell's time (HTML and assets, from nginx's disk), and the targets of
issue 13 (0 errors, p95 at most 5 s, at most 690 MB per replica); then the class report of
``classroom.py``. Exit status 0 only when there were no errors, every student's requests carried
X-Upstream and named one replica, and every replica served a student (when there were as many
students). Every wait is bounded; only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.classroom import (  # noqa: E402
    TOUR,
    ClassReport,
    add_class_arguments,
    cpu_seconds,
    quantile,
    run_class,
    warm_up,
)
from deploy.render_nginx import render, streamlit_static  # noqa: E402
from tools.protocol import run_sync  # noqa: E402
from tools.server import free_port, start_server, stop_server  # noqa: E402

_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never through a proxy
TARGET_P95_S = 5.0
TARGET_RSS_MB = 690.0
# The static folder's file types (css gif html js json png svg woff2), as Debian's mime.types names them.
MIME_TYPES = {
    "text/html": "html",
    "text/css": "css",
    "application/javascript": "js",
    "application/json": "json",
    "image/png": "png",
    "image/gif": "gif",
    "image/svg+xml": "svg",
    "font/woff2": "woff2",
    "font/woff": "woff",
    "font/ttf": "ttf",
}


def nginx_binary() -> str | None:
    """The nginx to run: ``$NGINX``, else ``nginx`` on PATH or in /usr/sbin (None when there is none)."""
    found = os.environ.get("NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
    return found if os.access(found, os.X_OK) else None


def main_config(run_dir: Path) -> str:
    """nginx's main configuration around the site: every path inside ``run_dir``, one worker, no daemon."""
    types = "\n".join(f"        {mime} {ext};" for mime, ext in MIME_TYPES.items())
    temp = "\n".join(
        f"    {kind}_temp_path {run_dir}/temp/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, workers would drop to "nobody", who cannot read a Streamlit installed under /root.
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
daemon off;
pid {run_dir}/nginx.pid;
error_log {run_dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    types {{
{types}
    }}
    default_type application/octet-stream;
    log_format lab '$remote_addr [$time_local] "$request" $status $body_bytes_sent $request_time "$upstream_addr" $upstream_response_time';
    access_log {run_dir}/nginx-access.log lab;
    sendfile on;
{temp}
    include {run_dir}/site.conf;
}}
"""


def nginx_command(nginx: str, run_dir: Path, *extra: str) -> list[str]:
    return [nginx, "-p", str(run_dir), "-c", str(run_dir / "nginx.conf"), "-e", str(run_dir / "nginx-error.log"), *extra]


def write_config(run_dir: Path, replicas: Sequence[str], port: int) -> None:
    """The site for ``replicas`` (host:port) on 127.0.0.1:``port``, and the main file, into ``run_dir``."""
    (run_dir / "temp").mkdir(exist_ok=True)
    (run_dir / "site.conf").write_text(render(replicas, listen=f"127.0.0.1:{port}", sockets=run_dir))
    (run_dir / "nginx.conf").write_text(main_config(run_dir))


def check_config(nginx: str, run_dir: Path) -> subprocess.CompletedProcess:
    """``nginx -t`` on the files in ``run_dir`` (its output in ``stderr``)."""
    return subprocess.run(nginx_command(nginx, run_dir, "-t"), capture_output=True, text=True, timeout=30)


@dataclass
class Deployment:
    """Replicas of the app behind nginx, all on loopback."""

    url: str  # nginx
    replica_urls: list[str]
    replicas: list[subprocess.Popen]
    nginx: subprocess.Popen
    run_dir: Path

    @property
    def addresses(self) -> list[str]:
        """Each replica as nginx's ``$upstream_addr`` names it (host:port)."""
        return [u.split("//", 1)[1] for u in self.replica_urls]

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.replicas]

    def nginx_pids(self) -> list[int]:
        """nginx's master and its workers."""
        try:
            children = Path(f"/proc/{self.nginx.pid}/task/{self.nginx.pid}/children").read_text().split()
        except OSError:
            children = []
        return [self.nginx.pid, *(int(c) for c in children)]


def same_shell(replica_url: str) -> None:
    """RuntimeError unless the replica's page shell is byte for byte the index.html nginx will serve
    (the replicas run another Streamlit than the one whose static folder was rendered)."""
    with _LOCAL.open(replica_url + "/", timeout=30) as r:
        served = r.read()
    if served != (streamlit_static() / "index.html").read_bytes():
        raise RuntimeError(f"{replica_url} serves another index.html than {streamlit_static()}: another Streamlit")


def _wait_for(url: str, timeout_s: float, proc: subprocess.Popen) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"nginx exited with code {proc.returncode}")
        try:
            with _LOCAL.open(url, timeout=2) as r:
                if r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"nginx did not answer {url} in {timeout_s:.0f} s")


def _stop(proc: subprocess.Popen, timeout_s: float = 10.0) -> None:
    if proc.poll() is None:
        stop_server(proc, timeout_s)


@contextmanager
def deployment(
    replicas: int = 2, *, warm: bool = True, log_dir: Path | None = None, timeout_s: float = 90.0
) -> Iterator[Deployment]:
    """Start ``replicas`` servers of the app and nginx in front; stop them all at the end.

    With ``warm``, every page is opened once on each replica directly (imports and first-run
    caches are not the class's). With ``log_dir``, the replicas' and nginx's logs are copied
    there at the end. RuntimeError when nginx is missing or does not come up.
    """
    nginx = nginx_binary()
    if nginx is None:
        raise RuntimeError("no nginx (set $NGINX or install Debian's nginx package)")
    if not 1 <= replicas <= 16:
        raise ValueError("replicas must be between 1 and 16")
    run_dir = Path(tempfile.mkdtemp(prefix="scale-out-", dir="/tmp"))  # short: unix socket paths hold 107 bytes
    procs: list[subprocess.Popen] = []
    front = None
    try:
        ports = []
        for i in range(replicas):
            port = free_port()
            procs.append(start_server(port, log=run_dir / f"replica{i}.log", timeout_s=timeout_s))
            ports.append(port)
        urls = [f"http://127.0.0.1:{p}" for p in ports]
        same_shell(urls[0])
        port = free_port()
        write_config(run_dir, [u.split("//", 1)[1] for u in urls], port)
        checked = check_config(nginx, run_dir)
        if checked.returncode != 0:
            raise RuntimeError(f"nginx -t failed: {checked.stderr.strip()}")
        front = subprocess.Popen(nginx_command(nginx, run_dir), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}"
        _wait_for(url + "/_stcore/health", timeout_s, front)
        if warm:

            async def warm_all() -> None:
                await asyncio.gather(*(warm_up(u, TOUR) for u in urls))

            run_sync(warm_all())
        yield Deployment(url, urls, procs, front, run_dir)
    finally:
        if front is not None:
            _stop(front)
        for proc in procs:
            _stop(proc)
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            for log in run_dir.glob("*.log"):
                shutil.copy(log, log_dir / log.name)
        shutil.rmtree(run_dir, ignore_errors=True)


@dataclass
class ScaleOutReport:
    """The class through nginx, and what each replica did."""

    klass: ClassReport
    addresses: list[str]  # replica i's host:port
    pids: list[int]
    nginx_cpu_s: float
    served: dict[str, int] = field(default_factory=dict)  # host:port -> students all of whose requests went there
    switched: dict[int, list[str]] = field(default_factory=dict)  # student -> the distinct X-Upstream values, in order
    unseen: list[int] = field(default_factory=list)  # students with no X-Upstream at all (failed before any)

    @classmethod
    def of(cls, klass: ClassReport, addresses: list[str], pids: list[int], nginx_cpu_s: float) -> ScaleOutReport:
        report = cls(klass, addresses, pids, nginx_cpu_s)
        for s in klass.students:
            values = list(dict.fromkeys(v for _, v in s.upstreams))
            if not values:
                report.unseen.append(s.index)
            elif len(values) > 1:
                report.switched[s.index] = values
            else:
                report.served[values[0]] = report.served.get(values[0], 0) + 1
        return report

    def replica_of(self, student: int) -> str | None:
        values = {v for _, v in self.klass.students[student].upstreams}
        return values.pop() if len(values) == 1 else None

    def latencies(self, address: str) -> list[float]:
        """The server latencies of the students pinned to ``address``, sorted."""
        mine = {s.index for s in self.klass.students if self.replica_of(s.index) == address}
        return sorted(i.latency_s for i in self.klass.interactions if i.student in mine and i.latency_s is not None)

    def shells(self) -> tuple[list[float], list[float]]:
        """Page-shell times from nginx: first loads (HTML and its assets), then reloads (HTML only)."""
        first, again = [], []
        for s in self.klass.students:
            loads = [i.shell_s for i in s.interactions if i.shell_s is not None]
            first += loads[:1]
            again += loads[1:]
        return sorted(first), sorted(again)

    @property
    def problems(self) -> list[str]:
        """Why the run fails: errors, a student on two replicas or on none that said so, a replica
        that served nobody."""
        out = []
        if self.klass.errors:
            out.append(f"{len(self.klass.errors)} errors")
        if self.unseen:
            out.append(f"students with no X-Upstream (affinity unproven): {self.unseen[:10]}")
        for student, values in self.switched.items():
            out.append(f"student {student} switched replica: {' -> '.join(values)}")
        idle = [a for a in self.addresses if not self.served.get(a)]
        if idle and len(self.klass.students) >= len(self.addresses):
            out.append(f"replicas that served no session: {', '.join(idle)}")
        return out

    def format(self) -> str:
        k, s = self.klass, self.klass.summary()
        requests = sum(len(st.upstreams) for st in k.students)
        lines = [
            f"scale-out: {len(k.students)} students through nginx ({k.url}) on {len(self.addresses)} replicas, "
            f"navigation by {k.navigation}, think {k.think_s[0]:g}-{k.think_s[1]:g} s, {s['wall_s']:.0f} s",
            f"  affinity: {requests} proxied requests with X-Upstream; students on more than one replica: {len(self.switched)}"
            + (f"; students with no X-Upstream: {len(self.unseen)}" if self.unseen else ""),
            f"  errors: {s['errors']}",
            f"  server latency: p50 {s['p50_s']:.3f} s, p95 {s['p95_s']:.3f} s, max {s['max_s']:.3f} s",
        ]
        stats = {srv.pid: srv for srv in k.servers}
        for i, (address, pid) in enumerate(zip(self.addresses, self.pids, strict=True)):
            lat, srv = self.latencies(address), stats.get(pid)
            line = (
                f"  replica {i} ({address}, pid {pid}): {self.served.get(address, 0)} students' sessions; "
                f"p50 {quantile(lat, 0.5):.3f} s, p95 {quantile(lat, 0.95):.3f} s over {len(lat)} interactions"
            )
            if srv is not None:
                line += f"; peak RSS {srv.peak_rss_mb:.0f} MB; CPU {srv.cpu_s:.1f} s ({srv.cpu_share:.0%} of one core)"
            lines.append(line)
        first, again = self.shells()
        lines.append(
            f"  page shell from nginx: first load (HTML + assets) p50 {quantile(first, 0.5):.3f} s, p95 {quantile(first, 0.95):.3f} s; "
            f"reload (HTML) p50 {quantile(again, 0.5):.3f} s, p95 {quantile(again, 0.95):.3f} s"
        )
        share = self.nginx_cpu_s / k.wall_s if k.wall_s else float("nan")
        lines.append(f"  nginx CPU: {self.nginx_cpu_s:.1f} s ({share:.0%} of one core)")
        rss = max((srv.peak_rss_mb for srv in k.servers), default=float("nan"))
        checks = [
            ("0 errors", s["errors"] == 0),
            (f"p95 <= {TARGET_P95_S:g} s", s["p95_s"] <= TARGET_P95_S),
            (f"peak RSS <= {TARGET_RSS_MB:g} MB per replica (max {rss:.0f})", rss <= TARGET_RSS_MB),
        ]
        lines.append("  targets: " + "; ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in checks))
        lines += [f"  ! {p}" for p in self.problems[:20]]
        return "\n".join(lines)


def run(
    students: int,
    *,
    replicas: int = 2,
    warm: bool = True,
    log_dir: Path | None = None,
    **kwargs,
) -> ScaleOutReport:
    """Start the deployment, run the class through nginx (``run_class`` keyword arguments), stop it."""
    with deployment(replicas, warm=warm, log_dir=log_dir) as dep:
        before = {pid: cpu_seconds(pid) for pid in dep.nginx_pids()}
        klass = run_class(dep.url, students, navigation="reload", pids=dep.pids, label="scale-out", **kwargs)
        nginx_cpu = sum(cpu_seconds(pid) - cpu0 for pid, cpu0 in before.items() if Path(f"/proc/{pid}").exists())
        return ScaleOutReport.of(klass, dep.addresses, dep.pids, nginx_cpu)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_class_arguments(parser, students=100)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--no-warm-up", action="store_true", help="measure from cold replicas")
    parser.add_argument("--logs", type=Path, help="copy the replicas' and nginx's logs into this folder")
    parser.add_argument("--json", type=Path, help="also write the figures and every student's X-Upstream values here")
    args = parser.parse_args(argv)
    if not 1 <= args.students <= 500:
        parser.error("--students must be between 1 and 500")
    if not 1 <= args.replicas <= 16:
        parser.error("--replicas must be between 1 and 16")
    if nginx_binary() is None:
        parser.error("no nginx: install Debian's nginx package or set $NGINX")
    report = run(
        args.students,
        replicas=args.replicas,
        warm=not args.no_warm_up,
        log_dir=args.logs,
        seed=args.seed,
        think_s=tuple(args.think),
        time_limit_s=args.time_limit,
        timeout_s=args.timeout,
        ramp_s=args.ramp,
        assets=not args.no_assets,
    )
    print(report.format())
    print(report.klass.format())
    if args.json:
        first, again = report.shells()
        blob = {
            "summary": report.klass.summary(),
            "served": report.served,
            "switched": report.switched,
            "problems": report.problems,
            "nginx_cpu_s": report.nginx_cpu_s,
            "shell_first_s": first,
            "shell_reload_s": again,
            "servers": [asdict(s) for s in report.klass.servers],
            "upstreams": {s.index: Counter(v for _, v in s.upstreams) for s in report.klass.students},
        }
        args.json.write_text(json.dumps(blob, indent=1, default=str))
    return 1 if report.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
