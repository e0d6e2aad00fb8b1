"""AppTest tests of pages/3_derivatives.py (widgets by their deriv_ keys) and of the home page."""

from __future__ import annotations

import json
import math
import re

import pytest
from streamlit.testing.v1 import AppTest

from core.backward_graph import number
from core.i18n import tr
from core.trace import backward_trace, forward_trace
from tests.app.conftest import open_page
from tests.conftest import ROOT
from ui.frame import lab_pages

PAGE = "3_derivatives.py"
SPEC_LIMIT = 300_000  # bytes of chart spec sent to the browser


def chart_specs(at) -> dict[str, str]:
    """Raw JSON spec of every plotly chart on the page, by key (deriv_chart, deriv_sweep)."""
    out = {}
    for el in at.get("plotly_chart"):
        key = next((k for k in ("deriv_chart", "deriv_sweep") if k in el.proto.id), el.proto.id)
        out[key] = el.proto.spec
    return out


def trace_names(at, key: str = "deriv_chart") -> list[str]:
    return [t.get("name") or "" for t in json.loads(chart_specs(at)[key])["data"]]


def assert_fine(at) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]
    assert "deriv_chart" in chart_specs(at)


@pytest.fixture
def page_pt():
    return open_page(PAGE)


# --- it runs, in both languages ------------------------------------------------------------------


def test_page_runs_with_a_chart(page_pt):
    at = page_pt
    assert_fine(at)
    assert at.title[0].value == "Derivadas: autograd contra a derivada exata"
    names = trace_names(at)
    assert names[:3] == ["f(x)", "f'(x) autograd", "f'(x) exata"]
    assert any("tangente" in n for n in names)
    latex = " ".join(el.value for el in at.latex)
    assert r"\sin" in latex and r"\cos" in latex  # f and f' from SymPy, not the raw text
    assert any("torch.sin(x)" in c.value for c in at.code)


def test_english_mode_shows_english_text():
    at = open_page(PAGE, lang="en")
    assert_fine(at)
    assert at.title[0].value == "Derivatives: autograd against the exact derivative"
    assert "f'(x) exact" in trace_names(at)
    assert at.text_input(key="deriv_expr").label == "f(x) ="
    assert at.number_input(key="deriv_points").label == "Grid points"


def test_sidebar_language_switch_translates_the_page(page_pt):
    at = page_pt
    at.segmented_control(key="lang").set_value("en").run()
    assert_fine(at)
    assert at.title[0].value == "Derivatives: autograd against the exact derivative"


# --- every widget changes the result -------------------------------------------------------------

WIDGET_CHANGES = [
    ("expression", lambda at: at.text_input(key="deriv_expr").set_value("x**2*sin(x)")),
    ("order", lambda at: at.segmented_control(key="deriv_order").set_value(2)),
    ("dtype", lambda at: at.selectbox(key="deriv_dtype").set_value("float32")),
    ("points", lambda at: at.number_input(key="deriv_points").set_value(5000)),
    ("start", lambda at: at.number_input(key="deriv_start").set_value(-3.0)),
    ("stop", lambda at: at.number_input(key="deriv_stop").set_value(4.0)),
    ("tangent_x0", lambda at: at.slider(key="deriv_x0").set_value(2.0)),
    ("presentation", lambda at: at.toggle(key="presentation").set_value(True)),
]


@pytest.mark.parametrize("change", [c[1] for c in WIDGET_CHANGES], ids=[c[0] for c in WIDGET_CHANGES])
def test_changing_a_widget_changes_the_chart(page_pt, change):
    at = page_pt
    before = chart_specs(at)["deriv_chart"]
    change(at).run()
    assert_fine(at)
    assert chart_specs(at)["deriv_chart"] != before


def test_order_two_shows_the_second_derivative(page_pt):
    at = page_pt
    at.segmented_control(key="deriv_order").set_value(2).run()
    assert_fine(at)
    assert "f''(x) autograd" in trace_names(at)
    assert any(r"- \sin" in el.value for el in at.latex)


def test_new_expression_changes_latex_and_code(page_pt):
    at = page_pt
    at.text_input(key="deriv_expr").set_value("x**2*sin(x)").run()
    assert_fine(at)
    assert any(r"x^{2} \sin{\left(x \right)}" in el.value for el in at.latex)
    assert any("x ** 2 * torch.sin(x)" in c.value for c in at.code)


def test_tangent_slider_moves_the_slope(page_pt):
    at = page_pt
    at.slider(key="deriv_x0").set_value(0.0).run()
    slope_at_0 = at.metric[1].value
    at.slider(key="deriv_x0").set_value(3.0).run()
    assert_fine(at)
    assert at.metric[1].value != slope_at_0
    assert float(at.metric[1].value) == pytest.approx(-0.9899924966, rel=1e-9)  # cos(3)


# --- bad input: a message, never an exception ------------------------------------------------------


@pytest.mark.parametrize("text", ["x^2", "__import__('os').system('ls')", "foo(x)", "9**9**9**9", "", "sin(x"])
def test_invalid_expression_shows_an_error(page_pt, text):
    at = page_pt
    at.text_input(key="deriv_expr").set_value(text).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "deriv_chart" not in chart_specs(at)


def test_invalid_expression_message_says_what_to_write(page_pt):
    at = page_pt
    at.text_input(key="deriv_expr").set_value("x^2").run()
    assert "x**2" in at.error[0].value


def test_start_not_below_stop_shows_an_error(page_pt):
    at = page_pt
    at.number_input(key="deriv_start").set_value(20.0).run()
    assert not at.exception
    assert len(at.error) == 1 and "20" in at.error[0].value


def test_equal_bounds_show_an_error(page_pt):
    at = page_pt
    at.number_input(key="deriv_stop").set_value(-10.0).run()
    assert not at.exception
    assert len(at.error) == 1


@pytest.mark.parametrize("text", ["x*relu(2)", "x*softplus(1)", "abs(sqrt(x))", "abs(log(x))", "pi", "x-x", "(-0.0)**x"])
def test_unusual_but_valid_expressions_do_not_crash(page_pt, text):
    at = page_pt
    at.text_input(key="deriv_expr").set_value(text).run()
    assert not at.exception, [e.value for e in at.exception]


def test_nonfinite_points_show_a_warning_with_counts(page_pt):
    at = page_pt
    at.text_input(key="deriv_expr").set_value("log(x)").run()
    assert_fine(at)
    assert len(at.warning) == 1
    assert "500" in at.warning[0].value  # linspace(-10, 10, 1000): 500 points x < 0


# --- presets, finite differences, size ---------------------------------------------------------


def test_preset_sets_the_expression(page_pt):
    at = page_pt
    at.selectbox(key="deriv_preset").set_value("sigmoid(x)").run()
    assert_fine(at)
    assert at.text_input(key="deriv_expr").value == "sigmoid(x)"
    assert any(r"\sigma" in el.value for el in at.latex)


def test_finite_difference_toggle_adds_the_sweep_chart(page_pt):
    at = page_pt
    assert "deriv_sweep" not in chart_specs(at)
    at.toggle(key="deriv_fd").set_value(True).run()
    assert_fine(at)
    assert "deriv_sweep" in chart_specs(at)
    assert any("diferença finita" in n for n in trace_names(at))
    sweep_names = " ".join(trace_names(at, "deriv_sweep"))
    assert "float32" in sweep_names and "float64" in sweep_names


def test_finite_difference_step_changes_the_chart(page_pt):
    at = page_pt
    at.toggle(key="deriv_fd").set_value(True).run()
    before = chart_specs(at)["deriv_chart"]
    at.select_slider(key="deriv_fd_h").set_value(-8.0).run()
    assert_fine(at)
    assert chart_specs(at)["deriv_chart"] != before


def test_finite_difference_with_higher_order_explains_itself(page_pt):
    at = page_pt
    at.toggle(key="deriv_fd").set_value(True).run()
    at.segmented_control(key="deriv_order").set_value(2).run()
    assert_fine(at)
    assert len(at.info) >= 1


def test_million_points_send_a_small_chart(page_pt):
    at = page_pt
    at.number_input(key="deriv_points").set_value(1_000_000).run()
    assert_fine(at)
    size = len(chart_specs(at)["deriv_chart"].encode())
    assert size <= SPEC_LIMIT, size


# --- the home page -----------------------------------------------------------------------------


def test_home_page_renders_and_lists_the_labs():
    at = open_page(None)
    assert not at.exception
    assert at.title[0].value == "Autograd Lab"
    labels = " ".join(link.label for link in at.main.get("page_link"))
    present = lab_pages()[1:]
    assert any(path == "pages/3_derivatives.py" for path, _, _ in present)
    assert "Derivadas" in labels and "Regra da cadeia" in labels
    for _path, key, _icon in present:  # every lab present in this checkout, by its own title
        assert tr(key, "pt") in labels, (key, labels)


def test_home_page_in_english():
    at = open_page(None, lang="en")
    assert not at.exception
    assert "Derivatives" in " ".join(link.label for link in at.main.get("page_link"))


# --- the backward pass, step by step (issue 14) ------------------------------------------------------


def step_products(at) -> str:
    """The Markdown the page shows for the current step: its heading, then its products."""
    (text,) = [m.value for m in at.markdown if m.value.startswith(("**Step", "**Passo"))]
    return text


def highlighted(at) -> str:
    (dot,) = [el.proto.spec for el in at.get("graphviz_chart")]
    (node,) = re.findall(r"^\s*(n\d+) \[.*fillcolor=\"#ffd8a8\"", dot, re.M)
    return node


def test_step_control_walks_the_backward_pass_end_to_end_with_cores_numbers():
    at = open_page(PAGE, lang="en")
    at.text_input(key="deriv_expr").set_value("x*sin(x)").run()
    at.slider(key="deriv_x0").set_value(1.0).run()
    nodes = backward_trace("x*sin(x)", 1.0)
    assert at.number_input(key="deriv_step").value == 0 and highlighted(at) == "n0"
    for step, node in enumerate(nodes):
        at.number_input(key="deriv_step").set_value(step).run()
        assert_fine(at)
        text = step_products(at)
        assert f"Step {step + 1} of {len(nodes)}: {node.label}" in text and f"ḡ({node.label}) = {number(node.grad)}" in text
        for loc in node.local:
            assert f"{number(node.grad)} × {number(loc)} = {number(node.grad * loc)}" in text
        assert highlighted(at) == f"n{step}"
    assert f"ḡ(x) = {number(nodes[-1].grad)} = f'(x₀)" in text  # the leaf: f'(1) = sin 1 + cos 1
    assert number(math.sin(1) + math.cos(1)) == number(nodes[-1].grad)
    forward = forward_trace("x*sin(x)", 1.0)
    assert any(f"| {number(forward[-1].tangent)} |" in m.value for m in at.markdown)  # forward mode reaches it too
    assert any("deriv_step=2" in c.value for c in at.code)  # the share link holds the step


def test_step_control_is_held_to_its_bounds():
    at = open_page(PAGE, lang="en")  # sin(x): two nodes
    at.number_input(key="deriv_step").set_value(7).run()  # past the end: the last node, the leaf x
    assert not at.exception and highlighted(at) == "n1" and at.number_input(key="deriv_step").value == 1
    at.number_input(key="deriv_step").set_value(-3).run()  # below 0: the root, with a notice
    assert not at.exception and highlighted(at) == "n0" and any("using 0" in w.value for w in at.warning)


def test_a_shorter_expression_brings_the_step_back_to_its_last_node():
    at = open_page(PAGE, lang="pt")
    at.text_input(key="deriv_expr").set_value("exp(-x**2/2)*x").run()
    at.number_input(key="deriv_step").set_value(5).run()
    at.text_input(key="deriv_expr").set_value("x").run()  # one node: x is root and leaf
    assert_fine(at)
    assert at.number_input(key="deriv_step").value == 0 and highlighted(at) == "n0" and not at.warning
    assert "Passo 1 de 1: x (AccumulateGrad)" in step_products(at)


def test_the_step_follows_the_dtype_and_a_link():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update({"deriv_expr": "log(1+x*x)", "deriv_step": "2", "deriv_dtype": "float32", "lang": "en"})
    at.run()
    at.switch_page(f"pages/{PAGE}").run()
    assert_fine(at)
    node = backward_trace("log(1+x*x)", 0.0, dtype="float32")[2]
    assert highlighted(at) == "n2" and f"Step 3 of 4: {node.label}" in step_products(at)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("sign(x)*x", ["expr.conv_sign"]),
        ("max(sin(x), cos(x))", ["expr.conv_max_min"]),
        ("clamp(x, -1, 1)", ["expr.conv_clamp"]),
        ("sin(x)", []),
    ],
)
def test_the_page_states_torch_s_convention_for_the_functions_typed(text, keys):
    """sign'(0) = 0, the tie split of max/min and clamp's bounds follow torch, and the page says so
    (in the caption under the chart) only for an expression that uses them."""
    at = open_page("3_derivatives.py", lang="en")
    at.text_input(key="deriv_expr").set_value(text).run()
    assert not at.exception and not at.error
    caption = " ".join(c.value for c in at.caption)
    for key in ("expr.conv_sign", "expr.conv_max_min", "expr.conv_clamp"):
        assert (tr(key, "en") in caption) == (key in keys), key
    assert "atan2" not in at.text_input(key="deriv_expr").help  # two-variable functions only in the Gradients lab
    assert "`sinc`" in at.text_input(key="deriv_expr").help
