"""Issue 7: every lab's main choices live in the URL, and bad URL values get a notice."""

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

GOOD = {
    "3_derivatives.py": {
        "deriv_expr": "relu(x)",
        "deriv_start": "-2.5",
        "deriv_points": "5000",
        "deriv_order": "2",
        "deriv_dtype": "float32",
    },
    "6_stability.py": {"stab_x": "400", "stab_y": "800", "stab_dtype": "float64"},
    "4_chain_rule.py": {"chain_inner": "1 + x**2", "chain_outer": "1 + 7*u**4", "chain_points": "0, 1, 2, 3"},
    "1_tensors.py": {"tens_shape": "4, 3", "tens_index": "X[:, 1]"},
    "2_performance.py": {"perf_sizes": "64, 128", "perf_repeats": "9"},
}
BAD = {
    "3_derivatives.py": ("deriv_points", "5000000"),
    "6_stability.py": ("stab_dtype", "float128"),
    "4_chain_rule.py": ("chain_start", "-1e9"),
    "1_tensors.py": ("tens_pattern", "bogus"),
    "2_performance.py": ("perf_repeats", "100000"),
}


def open_with(page: str, query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    at.switch_page(f"pages/{page}").run()
    return at


def _text(value) -> str:
    if isinstance(value, float):
        return repr(value)
    return str(value)


@pytest.mark.parametrize("page", sorted(GOOD))
def test_link_restores_the_choices(page):
    at = open_with(page, GOOD[page])
    assert not at.exception
    for key, raw in GOOD[page].items():
        value = at.session_state[key]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            assert float(value) == float(raw), key
        else:
            assert str(value) == raw, key
    assert not [w for w in at.warning if "link" in w.value]


@pytest.mark.parametrize("page", sorted(BAD))
def test_bad_link_value_falls_back_with_a_notice(page):
    key, raw = BAD[page]
    at = open_with(page, {key: raw})
    assert not at.exception
    notices = [w.value for w in at.warning if f"{key}={raw}" in w.value]
    assert notices, [w.value for w in at.warning]
    assert _text(at.session_state[key]) != raw


def test_share_link_holds_the_current_choices():
    at = open_with("3_derivatives.py", {})
    at.text_input(key="deriv_expr").set_value("tanh(x)").run()
    links = [c.value for c in at.code if "deriv_expr=" in c.value]
    assert links and "deriv_expr=tanh%28x%29" in links[0]


def test_presentation_mode_is_kept_across_pages():
    at = open_with("3_derivatives.py", {})
    at.toggle(key="presentation").set_value(True).run()
    at.switch_page("pages/6_stability.py").run()
    assert at.toggle(key="presentation").value is True
    at.switch_page("app.py").run()
    assert at.toggle(key="presentation").value is True
    assert not at.exception


def test_language_is_kept_across_pages():
    at = open_with("3_derivatives.py", {})
    at.segmented_control(key="lang").set_value("en").run()
    at.switch_page("pages/4_chain_rule.py").run()
    assert at.segmented_control(key="lang").value == "en"
    assert not at.exception
