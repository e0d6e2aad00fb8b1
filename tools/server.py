"""Start and stop a headless Streamlit server, and the settings of the Chromium that drives it.

One module for tests (tests/browser/) and benchmarks (benchmarks/): both start the app the same way.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# without the networking flags Chromium keeps trying hosts it cannot reach
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'  # the script has finished its run


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(port: int, timeout_s: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    """Poll ``/_stcore/health`` until the server answers ``ok``; RuntimeError after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"streamlit server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().decode().strip() == "ok":
                    return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"streamlit server did not become healthy in {timeout_s:.0f} s")


def launch(
    port: int,
    script: Path | str = "app.py",
    *,
    extra_env: dict[str, str] | None = None,
    options: dict[str, str] | None = None,
    log: Path | None = None,
) -> subprocess.Popen:
    """``streamlit run script`` headless on 127.0.0.1:``port``, without waiting for it.

    ``options`` are extra ``--section.name value`` flags (e.g. ``{"client.showErrorDetails": "full"}``);
    the server's output goes to ``log`` (nowhere without one).
    """
    script = Path(script) if Path(script).is_absolute() else ROOT / script
    flags = {
        "server.headless": "true",
        "server.port": str(port),
        "server.address": "127.0.0.1",
        "browser.gatherUsageStats": "false",
        "server.fileWatcherType": "none",
        **(options or {}),
    }
    command = [sys.executable, "-m", "streamlit", "run", str(script)]
    for name, value in flags.items():
        command += [f"--{name}", value]
    out = open(log, "w") if log else subprocess.DEVNULL
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(extra_env or {})}
    return subprocess.Popen(command, cwd=script.parent, env=env, stdout=out, stderr=subprocess.STDOUT)


def start_server(
    port: int,
    extra_env: dict[str, str] | None = None,
    *,
    options: dict[str, str] | None = None,
    log: Path | None = None,
    timeout_s: float = 60.0,
) -> subprocess.Popen:
    """Start the app (``launch``) and wait until it is healthy; the process is killed if it never is."""
    proc = launch(port, extra_env=extra_env, options=options, log=log)
    try:
        wait_healthy(port, timeout_s, proc)
    except RuntimeError:
        proc.kill()
        raise
    return proc


def stop_server(proc: subprocess.Popen, timeout_s: float = 10.0) -> None:
    """Terminate the server, and kill it if it does not stop in ``timeout_s``."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
