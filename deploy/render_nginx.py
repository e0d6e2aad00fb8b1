"""Fill deploy/nginx.conf (the nginx site for several replicas of the app) and print it.

    python deploy/render_nginx.py --listen 80 --sockets /run/autograd-lab \\
        --replica 127.0.0.1:8501 --replica 127.0.0.1:8502 > /etc/nginx/conf.d/autograd-lab.conf

The static folder defaults to the installed Streamlit's, which must be the version the replicas run:
nginx serves those files in their place. ``benchmarks/scale_out.py`` renders the same template.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

TEMPLATE = Path(__file__).resolve().with_name("nginx.conf")
PER_REPLICA = ("{{n}}", "{{replica}}")
_ADDRESS = re.compile(r"^[A-Za-z0-9.\-]+:[0-9]{1,5}$|^\[[0-9A-Fa-f:]+\]:[0-9]{1,5}$")  # host:port, [v6]:port
_LISTEN = re.compile(r"^([A-Za-z0-9.\-]+:|\[[0-9A-Fa-f:]+\]:)?[0-9]{1,5}$")
_PATH = re.compile(r"^/[A-Za-z0-9._+\-/]*$")  # absolute, nothing nginx would read as syntax


def streamlit_static() -> Path:
    """The static/ folder of the Streamlit this Python imports (index.html and the bundles)."""
    import streamlit

    return Path(streamlit.__file__).resolve().parent / "static"


def render(replicas: Sequence[str], *, listen: str, sockets: Path | str, static: Path | str | None = None) -> str:
    """deploy/nginx.conf for ``replicas`` (``host:port`` each), listening on ``listen``.

    Each line that names a per-replica placeholder is written once per replica, in order; comment
    lines are copied unchanged. ValueError for a value nginx would misread (spaces, ``;``, braces,
    quotes) or a static folder without index.html.
    """
    static = Path(static) if static is not None else streamlit_static()
    if not replicas:
        raise ValueError("at least one replica is needed")
    for address in replicas:
        if not _ADDRESS.match(address):
            raise ValueError(f"a replica is host:port, not {address!r}")
    if not _LISTEN.match(str(listen)):
        raise ValueError(f"listen is [address:]port, not {listen!r}")
    for name, path in (("sockets", sockets), ("static", static)):
        if not _PATH.match(str(path)):
            raise ValueError(f"{name} must be an absolute path of plain characters, not {str(path)!r}")
    if not (static / "index.html").is_file():
        raise ValueError(f"no index.html in {static}: not Streamlit's static folder")
    values = {"{{listen}}": str(listen), "{{sockets}}": str(sockets).rstrip("/"), "{{static}}": str(static)}
    out = []
    for line in TEMPLATE.read_text().splitlines():
        if line.lstrip().startswith("#"):
            out.append(line)
            continue
        for key, value in values.items():
            line = line.replace(key, value)
        if any(p in line for p in PER_REPLICA):
            out += [line.replace("{{n}}", str(n)).replace("{{replica}}", r) for n, r in enumerate(replicas)]
        else:
            out.append(line)
    text = "\n".join(out) + "\n"
    left = [line for line in out if "{{" in line and not line.lstrip().startswith("#")]
    if left:
        raise ValueError(f"unknown placeholder in {TEMPLATE.name}: {left[0].strip()}")
    return text


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replica", action="append", required=True, help="host:port of one replica (repeat)")
    parser.add_argument("--listen", default="80", help="what nginx listens on: port or address:port")
    parser.add_argument("--sockets", default="/run/autograd-lab", help="folder for the route pickers' unix sockets")
    parser.add_argument("--static", type=Path, help="Streamlit's static/ folder (default: this Python's Streamlit)")
    args = parser.parse_args(argv)
    try:
        sys.stdout.write(render(args.replica, listen=args.listen, sockets=args.sockets, static=args.static))
    except ValueError as err:
        parser.error(str(err))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
