"""Community Cloud's arrangement, checked offline: cloud/requirements.txt installs PyTorch's CPU-only
wheel on every Python Cloud offers and otherwise the pins of requirements.txt, and the entry point
cloud/streamlit_app.py boots the same app as app.py (same pages, same sidebar links).

Streamlit resolves a page link's path from the entry script's folder, so the links that ui/frame.py
and app.py draw must name pages in a form that resolves from cloud/ as well as from the root."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from tools.apptest import open_page
from ui.frame import lab_pages

CLOUD = ROOT / "cloud"

# The Pythons Community Cloud offers: "all released versions of Python that are still receiving security
# updates", 3.12 by default (docs.streamlit.io, Deploy your app on Community Cloud, "Optional: Configure
# secrets and Python version"). On 2026-11-30 that is 3.11 to 3.15: 3.10's security support ended in
# October 2026 (devguide.python.org/versions), and this app needs 3.11 or newer anyway.
CLOUD_PYTHONS = ("3.11", "3.12", "3.13", "3.14", "3.15")
# Cloud runs on x86_64 Linux; aarch64 keeps an ARM Linux host (a container on Apple silicon) CPU-only too.
MACHINES = ("x86_64", "aarch64")

# torch 2.13.0's CPU-only Linux wheels as PyTorch's CPU index (download.pytorch.org/whl/cpu/torch/) lists
# them, copied from the listing recorded in asanderson/llm-redact, scripts/cpu_torch.py (commit b4efc9e,
# "checked 2026-10-06"). Its SHA-256 of the cp311 x86_64 wheel, 6746dbcb...264667b, is that of the wheel
# on this project's machines (/opt/wheels), and the cp312 and cp313 digests match other public projects'.
TORCH_CPU_WHEELS = frozenset(
    f"torch-2.13.0+cpu-cp{py}-cp{py}-manylinux_2_28_{machine}.whl"
    for py in ("311", "312", "313", "314", "315")
    for machine in ("x86_64", "aarch64")
)
WHEEL_HOST = "download.pytorch.org"
WHEEL_DIR = "/whl/cpu/"


def requirements(path: Path) -> list[Requirement]:
    """The requirements of a pip requirements file that holds requirement lines and comments only."""
    lines = [re.sub(r"(^|\s)#.*", "", line).strip() for line in path.read_text().splitlines()]  # pip's comments
    return [Requirement(line) for line in lines if line]


def torch_lines() -> list[Requirement]:
    return [r for r in requirements(CLOUD / "requirements.txt") if r.name == "torch"]


def root_pin(name: str) -> str:
    """The version ``requirements.txt`` pins ``name`` to (every pin there is ``==``)."""
    (req,) = [r for r in requirements(ROOT / "requirements.txt") if canonicalize_name(r.name) == canonicalize_name(name)]
    (spec,) = req.specifier
    assert spec.operator == "==", req
    return spec.version


def env(platform: str, machine: str, python: str) -> dict[str, str]:
    return default_environment() | {
        "sys_platform": platform,
        "platform_system": {"linux": "Linux", "darwin": "Darwin", "win32": "Windows"}[platform],
        "platform_machine": machine,
        "python_version": python,
        "python_full_version": python + ".0",
    }


def applying(platform: str, machine: str, python: str) -> list[Requirement]:
    """The torch lines pip and uv install from on that platform (markers true there)."""
    return [r for r in torch_lines() if r.marker is None or r.marker.evaluate(env(platform, machine, python))]


def wheel_name(req: Requirement) -> str:
    return unquote(urlsplit(req.url).path.rsplit("/", 1)[1])


def test_the_cloud_file_has_no_option_lines():
    # an index line would make uv look for numpy, sympy and mpmath on PyTorch's index first
    text = (CLOUD / "requirements.txt").read_text()
    assert not [line for line in text.splitlines() if line.lstrip().startswith("-")]


def test_root_requirements_have_no_index_lines():
    text = (ROOT / "requirements.txt").read_text()
    assert not [line for line in text.splitlines() if line.lstrip().startswith("-")]


def test_every_other_pin_equals_requirements_txt():
    cloud = {canonicalize_name(r.name): str(r) for r in requirements(CLOUD / "requirements.txt") if r.name != "torch"}
    root = {canonicalize_name(r.name): str(r) for r in requirements(ROOT / "requirements.txt") if r.name != "torch"}
    assert cloud == root


def test_every_torch_address_is_a_cpu_wheel_on_pytorchs_index():
    urls = [r for r in torch_lines() if r.url]
    assert urls
    for req in urls:
        parts = urlsplit(req.url)
        assert (parts.scheme, parts.netloc, parts.query, parts.fragment) == ("https", WHEEL_HOST, "", ""), req.url
        assert parts.path == WHEEL_DIR + parts.path.rsplit("/", 1)[1], req.url
        assert "+" not in parts.path, f"'+' must be written %2B in an address: {req.url}"
        assert wheel_name(req) in TORCH_CPU_WHEELS, req.url


def test_every_torch_wheel_has_the_pinned_version_and_the_cpu_label():
    for req in (r for r in torch_lines() if r.url):
        _, version, _, _ = parse_wheel_filename(wheel_name(req))
        assert (version.public, version.local) == (root_pin("torch"), "cpu"), req.url


def test_every_cloud_python_gets_its_own_cpu_wheel_on_linux():
    for machine in MACHINES:
        for python in CLOUD_PYTHONS:
            got = applying("linux", machine, python)
            assert len(got) == 1 and got[0].url, (machine, python, [str(r) for r in got])
            _, _, _, tags = parse_wheel_filename(wheel_name(got[0]))
            cp = "cp" + python.replace(".", "")
            assert {(t.interpreter, t.abi) for t in tags} == {(cp, cp)}, got[0].url
            assert all(t.platform.endswith("_" + machine) for t in tags), got[0].url


def test_each_cpu_wheel_is_named_once():
    names = [wheel_name(r) for r in torch_lines() if r.url]
    assert len(names) == len(set(names)) == len(CLOUD_PYTHONS) * len(MACHINES)


@pytest.mark.parametrize(
    ("platform", "machine"),
    [("darwin", "arm64"), ("darwin", "x86_64"), ("win32", "AMD64"), ("win32", "ARM64"), ("linux", "s390x"), ("linux", "ppc64le")],
)
def test_other_platforms_take_pypis_torch_at_the_same_pin(platform, machine):
    # PyPI's torch is CPU-only on macOS and Windows
    for python in CLOUD_PYTHONS:
        (req,) = applying(platform, machine, python)
        assert req.url is None and str(req.specifier) == "==" + root_pin("torch")


@pytest.mark.parametrize("python", ["3.9", "3.10", "3.16", "3.17"])
def test_a_python_without_a_listed_wheel_stops_the_install_at_the_pin(python):
    # torch 2.13.0 has no wheel there at all: the install fails on torch==2.13.0, instead of leaving torch out
    for machine in MACHINES:
        (req,) = applying("linux", machine, python)
        assert req.url is None and str(req.specifier) == "==" + root_pin("torch")


def test_the_wheel_on_this_machines_disk_is_in_the_listing():
    found = [p.name for p in Path("/opt/wheels").glob(f"torch-{root_pin('torch')}+cpu-*.whl")]
    if not found:
        pytest.skip("no torch wheel of the pinned version on this machine's disk")
    assert set(found) <= TORCH_CPU_WHEELS


def sidebar_links(at: AppTest) -> list[tuple[str, str, str]]:
    """The sidebar's page links: label, URL path and the page they open."""
    return [(link.proto.label, link.proto.page, link.proto.page_script_hash) for link in at.sidebar.page_link]


def open_cloud(page: str | None = None, *, lang: str = "en") -> AppTest:
    """Run cloud/streamlit_app.py as Community Cloud would, then switch to ``pages/<page>``."""
    at = AppTest.from_file(str(CLOUD / "streamlit_app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    if page is not None:
        at.switch_page(f"../pages/{page}").run()  # switch_page takes a path from the entry script's folder
    return at


@pytest.fixture(scope="module")
def root_home() -> AppTest:
    return open_page(lang="en")


def test_the_cloud_entry_boots_the_home_page(root_home):
    at = open_cloud()
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]  # the error boundary's message, if a link failed
    assert [t.value for t in at.title] == [t.value for t in root_home.title]


def test_the_cloud_entry_has_the_same_sidebar_links(root_home):
    at = open_cloud()
    assert not at.exception, [e.value for e in at.exception]
    assert sidebar_links(at) == sidebar_links(root_home)
    assert len(sidebar_links(at)) == len(lab_pages())


def test_the_cloud_home_page_links_every_lab(root_home):
    at = open_cloud()
    main_links = [(link.proto.label, link.proto.page) for link in at.main.page_link]
    assert main_links == [(link.proto.label, link.proto.page) for link in root_home.main.page_link]
    assert len(main_links) == len(lab_pages()) - 1


@pytest.mark.parametrize("page", [path.removeprefix("pages/") for path, _, _ in lab_pages()[1:]])
def test_every_lab_opens_under_the_cloud_entry(page, root_home):
    at = open_cloud(page)
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert sidebar_links(at) == sidebar_links(root_home)
    assert [t.value for t in at.title] == [t.value for t in open_page(page, lang="en").title]
