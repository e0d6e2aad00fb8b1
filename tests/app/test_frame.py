"""The frame every page draws (ui/frame.py): links carry the language, link values are checked
before a widget reads them, out-of-range numbers get a translated notice, untrusted text is never
Markdown, presentation mode styles everything."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT
from ui.frame import MAX_QUERY_VALUE, plain

DERIV = "3_derivatives.py"


def open_with(page: str, query: dict[str, str], lang: str | None = None) -> AppTest:
    """Open ``page`` as a deep link would: the query reaches the page's first run."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if lang:
        at.session_state["lang"] = lang
    at.run()
    for k, v in query.items():
        at.query_params[k] = v
    at.switch_page(f"pages/{page}").run()
    return at


def share_link(at: AppTest) -> str:
    links = [c.value for c in at.code if "?" in c.value and "lang=" in c.value]
    assert links, [c.value for c in at.code]
    return links[0]


def test_share_link_carries_the_language():
    at = open_with(DERIV, {}, lang="en")
    assert "lang=en" in share_link(at)
    at.segmented_control(key="lang").set_value("pt").run()
    assert "lang=pt" in share_link(at)


def test_share_link_carries_x0_and_the_finite_difference():
    at = open_with(DERIV, {})
    at.slider(key="deriv_x0").set_value(2.5).run()
    at.toggle(key="deriv_fd").set_value(True).run()
    at.select_slider(key="deriv_fd_h").set_value(-6.0).run()
    link = share_link(at)
    assert "deriv_x0=2.5" in link and "deriv_fd=true" in link and "deriv_fd_h=1e-6" in link


def test_link_with_x0_and_finite_difference_restores_them():
    at = open_with(DERIV, {"deriv_x0": "-1.5", "deriv_fd": "true", "deriv_fd_h": "1e-6"})
    assert not at.exception
    assert at.slider(key="deriv_x0").value == -1.5
    assert at.toggle(key="deriv_fd").value is True
    assert at.select_slider(key="deriv_fd_h").value == -6.0


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_link_opens_in_its_language(lang):
    at = open_with(DERIV, {"lang": lang})
    assert at.segmented_control(key="lang").value == lang
    title = at.title[0].value
    assert ("Derivatives" in title) == (lang == "en")


def test_unknown_language_in_link_is_ignored():
    at = open_with(DERIV, {"lang": "xx"})
    assert not at.exception
    assert at.segmented_control(key="lang").value == "pt"


@pytest.mark.parametrize("raw", ["inf", "-inf", "nan", "1e400", "9" * 5000, "abc", "1.5", "5000000"])
def test_bad_number_in_link_gets_a_notice_not_a_crash(raw):
    at = open_with(DERIV, {"deriv_points": raw})
    assert not at.exception, [e.value for e in at.exception]
    notices = [w.value for w in at.warning if "deriv_points=" in w.value]
    assert notices, [w.value for w in at.warning]
    # whatever the box shows, the view is computed with a grid size in range, and the link says so
    points = int(share_link(at).split("deriv_points=")[1].split("&")[0])
    assert 2 <= points <= 1_000_000


def test_long_link_value_is_dropped_with_a_notice():
    at = open_with(DERIV, {"deriv_expr": "x+" * (MAX_QUERY_VALUE // 2 + 10) + "x"})
    assert not at.exception
    assert at.text_input(key="deriv_expr").value == "sin(x)"
    assert [w.value for w in at.warning if "deriv_expr=" in w.value]


@pytest.mark.parametrize(
    "raw",
    ["[Log in again](https://evil.invalid/login)", "![a](https://evil.invalid/p.png)", "<img src=x>", "# big", "`x`"],
)
def test_link_values_in_the_notice_are_shown_literally(raw):
    at = open_with(DERIV, {"deriv_points": raw})
    assert not at.exception
    notices = [w.value for w in at.warning if "deriv_points=" in w.value]
    assert notices
    shown = notices[0]
    # inside a code span: no link, image or heading can be drawn from it
    assert plain("deriv_points=" + raw)[:-1] in shown


def test_plain_never_leaves_the_code_span():
    assert plain("a`b") == "`a\u02cbb`"
    assert plain("a\nb") == "`a b`"


@pytest.mark.parametrize("lang,word", [("pt", "fora do intervalo"), ("en", "outside the allowed range")])
def test_out_of_range_number_gets_a_translated_notice(lang, word):
    at = open_with(DERIV, {}, lang=lang)
    at.number_input(key="deriv_stop").set_value(1e300).run()
    assert not at.exception
    notices = [w.value for w in at.warning if word in w.value]
    assert notices, [w.value for w in at.warning]
    assert not at.error  # clamped to the bound, the view still draws


def test_presentation_mode_styles_metrics_inputs_and_tables():
    at = open_with(DERIV, {})
    at.toggle(key="presentation").set_value(True).run()
    css = "\n".join(h.proto.body for h in at.get("html"))
    for selector in ("stMetricValue", "stMetricLabel", "stTable", "input", "stPageLink", "stSidebar"):
        assert selector in css, selector


def test_heavy_results_survive_reruns(monkeypatch):
    """heavy_cache's store outlives the page's script: moving the tangent (which the grid does not
    depend on) or a plain rerun does not compute the grid again."""
    import core.derivatives.view as view

    calls = []
    real = view.grid_view

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(view, "grid_view", counted)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(f"pages/{DERIV}").run()
    at.text_input(key="deriv_expr").set_value("x**3 - 2*x").run()
    assert [c[0] for c in calls] == ["sin(x)", "x**3 - 2*x"]
    at.slider(key="deriv_x0").set_value(1.5).run()
    at.run()
    at.text_input(key="deriv_expr").set_value("sin(x)").run()  # back to the first: still cached
    assert len(calls) == 2 and not at.exception


def test_the_heap_is_frozen_once_per_page_so_streamlits_collect_after_each_run_is_cheap():
    """Streamlit's gc.collect() after every run walked all of torch, SymPy and Plotly (about three
    quarters of an interaction's server CPU): the frame freezes the heap after each page's first run."""
    import gc

    import ui.frame as frame

    frame._FROZEN.discard("nav.derivatives")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page(f"pages/{DERIV}").run()
    assert "nav.derivatives" in frame._FROZEN and gc.get_freeze_count() > 0
    frozen = gc.get_freeze_count()
    at.text_input(key="deriv_expr").set_value("cos(x)").run()  # not the first run: no new freeze
    assert gc.get_freeze_count() <= frozen and not at.exception  # frozen objects that die leave the count
