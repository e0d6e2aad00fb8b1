"""The protocol client sees what a real browser shows: the same elements, of the same types, with the same keys.

For one page state (a page opened, one widget set the same way in both), the delta tree that
``tools.protocol.Session`` builds is compared with Chromium's DOM: per root container (main,
sidebar), the count of each element type (by the ``data-testid`` Streamlit gives it), the number
of element containers, and the widget keys (``.st-key-<key>``).
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from streamlit.proto.Block_pb2 import Block

from tests.browser.conftest import open_path, screenshot, wait_idle
from tools.protocol import Session, widget_key

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Element and block types of the delta tree, and the data-testid the browser gives each.
TESTIDS = {
    "alert": "stAlert",
    "button": "stButton",
    "button_group": "stButtonGroup",
    "checkbox": "stCheckbox",  # toggles too
    "code": "stCode",
    "column": "stColumn",
    "dataframe": "stDataFrame",
    "download_button": "stDownloadButton",
    "expandable": "stExpander",
    "flex_container": "stHorizontalBlock",
    "graphviz_chart": "stGraphVizChart",
    "heading": "stHeading",
    "markdown": "stMarkdown",  # captions and LaTeX are markdown elements
    "metric": "stMetric",
    "number_input": "stNumberInput",
    "page_link": "stPageLink",
    "plotly_chart": "stPlotlyChart",
    "selectbox": "stSelectbox",
    "slider": "stSlider",
    "table": "stTable",
    "text_input": "stTextInput",
}
ROOTS = {0: "stMain", 1: "stSidebar"}
HORIZONTAL = Block.FlexContainer.Direction.HORIZONTAL

DOM = """() => {
  const out = {};
  for (const root of ['stMain', 'stSidebar']) {
    const r = document.querySelector(`[data-testid="${root}"]`);
    const counts = {};
    r.querySelectorAll('[data-testid]').forEach(e => {
      const t = e.getAttribute('data-testid'); counts[t] = (counts[t] || 0) + 1; });
    const keys = [...r.querySelectorAll('[class*="st-key-"]')]
      .map(e => [...e.classList].find(c => c.startsWith('st-key-')).slice(7));
    out[root] = {counts, keys};
  }
  return out;
}"""


def protocol_view(url: str, path: str, key: str, value) -> dict[str, dict]:
    async def look():
        session = Session(url, timeout_s=120)
        try:
            opened = await session.load(path)
            assert opened.error is None, opened
            changed = await session.change(key, value)
            assert changed.error is None, changed
            return session.tree
        finally:
            await session.close()

    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API holds this thread's event loop
        tree = thread.submit(asyncio.run, look()).result()
    out = {}
    for root, name in ROOTS.items():
        counts = tree.counts(root)
        # a vertical flex container (st.container, a fragment's own) is a stVerticalBlock in the
        # browser, a type this comparison leaves out on both sides; only rows are stHorizontalBlock
        vertical = sum(
            1 for p, n in tree if p[0] == root and n.type == "flex_container" and n.proto.flex_container.direction != HORIZONTAL
        )
        if vertical:
            counts["flex_container"] -= vertical
        out[name] = {
            "types": {TESTIDS[t]: n for t, n in counts.items() if t in TESTIDS},
            # a placeholder (st.empty) is there only on a cache miss, which depends on who asked first
            "containers": len([n for n in tree.elements(root) if n.type != "empty"]),
            "keys": sorted(k for p, n in tree if p[0] == root and n.id and (k := widget_key(n.id))),
            "unmapped": sorted(t for t in counts if t not in TESTIDS),
        }
    return out


def browser_view(tab, url: str, path: str, key: str, text: str) -> dict[str, dict]:
    open_path(tab, url, path)
    box = tab.locator(f".st-key-{key} input").first
    box.fill(text)
    box.press("Enter")
    wait_idle(tab)
    tab.wait_for_timeout(1000)  # charts and tables finish mounting after the run
    seen = tab.evaluate(DOM)
    out = {}
    for name in ROOTS.values():
        counts = seen[name]["counts"]
        out[name] = {
            "types": {tid: counts[tid] for tid in TESTIDS.values() if counts.get(tid)},
            "containers": counts.get("stElementContainer", 0) - counts.get("stEmpty", 0),
            "keys": sorted(seen[name]["keys"]),
        }
    return out


@pytest.mark.parametrize(
    ("path", "key", "text", "value"),
    [
        ("derivatives", "deriv_expr", "x**2*sin(x)", "x**2*sin(x)"),
        ("stability", "stab_x", "400", 400.0),  # the heaviest page: tables, metrics, three charts
    ],
)
def test_the_protocol_client_and_chromium_see_the_same_elements(page, app_url, path, key, text, value):
    ours = protocol_view(app_url, path, key, value)
    theirs = browser_view(page, app_url, path, key, text)
    screenshot(page, f"classroom-compare-{path}")
    for name in ROOTS.values():
        assert not ours[name]["unmapped"] or name == "stSidebar", (
            f"element types without a test id here: {ours[name]['unmapped']}"
        )
        assert ours[name]["types"] == theirs[name]["types"], name
        assert ours[name]["containers"] == theirs[name]["containers"], name
        assert ours[name]["keys"] == theirs[name]["keys"], name
    assert ours["stMain"]["types"].get("stPlotlyChart"), "the page's chart is in both"
