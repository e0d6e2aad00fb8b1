"""Scale-out through real nginx: deploy/nginx.conf in front of two replicas, a small class through it.

The template's rendering is checked without nginx. The rest runs Debian's nginx (benchmarks/scale_out.py
starts it as a child with a private prefix): a missing nginx is a skip here and a failure under CI
(CI set), as tests/browser does for Chromium.
"""

from __future__ import annotations

import os
import re
import urllib.error
import urllib.request

import pytest

from benchmarks import classroom, scale_out
from deploy import render_nginx
from tests.browser.conftest import ARTIFACTS
from tools.server import free_port

IMMUTABLE = "public, immutable, max-age=31536000"  # what Streamlit sends with its hashed bundles
PROXIED = {"GET /_stcore/health", "GET /_stcore/host-config", "websocket"}  # what a page load asks a replica


def need_nginx() -> str:
    nginx = scale_out.nginx_binary()
    if nginx is None:
        if os.environ.get("CI"):
            pytest.fail("nginx must be installed under CI (.ci/run installs Debian's package)")
        pytest.skip("no nginx here (Debian's nginx package, or $NGINX)")
    return nginx


def fetch(url: str, cookie: str | None = None) -> tuple[int, dict[str, str], bytes]:
    """GET without gzip or redirects: status, headers (lower-case names), body."""
    headers = {"Cookie": cookie} if cookie else {}
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=30) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as err:
        return err.code, {k.lower(): v for k, v in err.headers.items()}, err.read()


# --- the template, without nginx ------------------------------------------------------------


def test_each_replica_gets_its_own_lines_in_order(tmp_path):
    text = render_nginx.render(["127.0.0.1:8501", "10.0.0.2:8502", "lab-2.internal:8501"], listen="80", sockets=tmp_path)
    assert "replica0 lab_replica0;" in text and "replica2 lab_replica2;" in text
    assert "upstream lab_replica1 { server 10.0.0.2:8502; }" in text
    assert text.count('add_header Set-Cookie "lab_route=replica') == 3  # one route picker per replica
    assert f"server unix:{tmp_path}/route2.sock;" in text
    assert "{{" not in "".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def test_the_static_folder_is_this_pythons_streamlit(tmp_path):
    text = render_nginx.render(["127.0.0.1:8501"], listen="80", sockets=tmp_path)
    assert f"root {render_nginx.streamlit_static()};" in text
    assert (render_nginx.streamlit_static() / "index.html").is_file()


@pytest.mark.parametrize(
    "replicas, listen, sockets",
    [
        (["127.0.0.1:8501; include /etc/passwd"], "80", "/run/lab"),  # nginx syntax in an address
        (["127.0.0.1"], "80", "/run/lab"),  # no port
        ([], "80", "/run/lab"),  # nobody to send students to
        (["127.0.0.1:8501"], "80 default_server", "/run/lab"),
        (["127.0.0.1:8501"], "80", "run/lab"),  # relative
        (["127.0.0.1:8501"], "80", "/run/my lab"),  # a space ends nginx's argument
    ],
)
def test_values_nginx_would_misread_are_refused(replicas, listen, sockets):
    with pytest.raises(ValueError):
        render_nginx.render(replicas, listen=listen, sockets=sockets)


def test_a_folder_without_index_html_is_not_streamlits(tmp_path):
    with pytest.raises(ValueError, match="index.html"):
        render_nginx.render(["127.0.0.1:8501"], listen="80", sockets="/run/lab", static=tmp_path)


# --- through real nginx -----------------------------------------------------------------------


@pytest.mark.slow
def test_nginx_accepts_the_rendered_config(tmp_path):
    nginx = need_nginx()
    scale_out.write_config(tmp_path, ["127.0.0.1:8501", "127.0.0.1:8502", "127.0.0.1:8503"], free_port())
    checked = scale_out.check_config(nginx, tmp_path)
    assert checked.returncode == 0, checked.stderr
    assert "test is successful" in checked.stderr


@pytest.fixture(scope="module")
def deployed():
    """Two replicas of the app behind nginx, warmed, for this module."""
    need_nginx()
    with scale_out.deployment(2, log_dir=ARTIFACTS / "scale-out") as dep:
        yield dep


@pytest.mark.slow
def test_a_class_of_six_keeps_each_student_on_one_replica(deployed):
    klass = classroom.run_class(
        deployed.url, 6, seed=0, think_s=(0.2, 0.6), ramp_s=2.0, time_limit_s=240.0, navigation="reload", pids=deployed.pids
    )
    report = scale_out.ScaleOutReport.of(klass, deployed.addresses, deployed.pids, 0.0)
    text = report.format() + "\n" + klass.format()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "scale-out-6.txt").write_text(text)
    print(text)
    assert klass.errors == [], text
    assert report.switched == {} and report.unseen == [], text
    assert report.served == {a: 3 for a in deployed.addresses}, text  # new visitors alternate: 3 and 3
    for s in klass.students:
        asked = [request for request, _ in s.upstreams]
        assert set(asked) == PROXIED, asked  # the page shell and its assets never reached a replica
        assert asked.count("websocket") == len(classroom.TOUR)  # one websocket per lab, each on the same replica
    assert report.problems == []


@pytest.mark.slow
def test_nginx_serves_the_bundles_itself_with_streamlits_caching(deployed):
    status, _, shell = fetch(deployed.url + "/")
    assert status == 200
    bundle = re.search(r'src="\./(static/js/index\.[^"]+\.js)"', shell.decode()).group(1)
    status, headers, body = fetch(f"{deployed.url}/{bundle}")
    assert status == 200
    assert headers["cache-control"] == IMMUTABLE
    assert "x-upstream" not in headers  # from nginx's disk, not from Python
    assert body == (render_nginx.streamlit_static() / bundle).read_bytes()
    assert body == fetch(f"{deployed.replica_urls[0]}/{bundle}")[2]  # what a replica would have sent


@pytest.mark.slow
def test_a_lab_path_gets_the_replicas_own_shell_and_a_route_cookie(deployed):
    status, headers, body = fetch(deployed.url + "/derivatives")
    assert status == 200
    assert "x-upstream" not in headers
    assert headers["cache-control"] == "no-cache"
    assert re.fullmatch(r"lab_route=replica[01]; Path=/; HttpOnly; SameSite=Lax", headers["set-cookie"])
    assert body == fetch(deployed.replica_urls[1] + "/derivatives")[2]
    again = fetch(deployed.url + "/derivatives", cookie=headers["set-cookie"].split(";")[0])[1]
    assert "set-cookie" not in again  # a returning visitor keeps its replica


@pytest.mark.slow
def test_the_browsers_probe_under_a_lab_path_gets_streamlits_404(deployed):
    # The browser on /derivatives first tries /derivatives/_stcore/health: HTML there would make it
    # look for the websocket under /derivatives.
    status, headers, _ = fetch(deployed.url + "/derivatives/_stcore/health", cookie="lab_route=replica0")
    assert status == 404
    assert headers["x-upstream"] == deployed.addresses[0]
