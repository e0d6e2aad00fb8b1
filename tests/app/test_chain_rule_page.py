"""The Chain rule page in AppTest: it runs, draws, reacts to its widgets and shows errors as messages."""

from __future__ import annotations

import base64
import json
import math
import re

import numpy as np
import pytest

from core.backward_graph import number
from core.chain.graph import chain_trace
from tests.app.conftest import open_page

PAGE = "4_chain_rule.py"


def chart_traces(at) -> list[dict]:
    (el,) = at.get("plotly_chart")
    return json.loads(el.proto.spec)["data"]


def trace_y(trace: dict) -> np.ndarray:
    y = trace["y"]
    if isinstance(y, dict):  # plotly 7 sends numpy arrays as {"dtype", "bdata"}
        return np.frombuffer(base64.b64decode(y["bdata"]), dtype=np.dtype(y["dtype"]))
    return np.asarray(y, dtype=float)


def graphs(at) -> list[str]:
    return [el.proto.spec for el in at.get("graphviz_chart")]


def table(at):
    return at.dataframe[0].value


def column(df, name: str) -> list[float]:
    """A column of number cells (written as text on the page) as floats."""
    return [float(v) for v in df[name]]


@pytest.fixture(scope="module")
def page_en():
    return open_page(PAGE, lang="en")


def test_page_runs_and_draws_chart_table_and_graphs(page_en):
    at = page_en
    assert not at.exception
    assert not at.error
    assert len(chart_traces(at)) == 5
    dots = graphs(at)
    assert len(dots) == 2
    assert "detach() cuts here" in dots[0] and "PowBackward0" in dots[0]
    assert "detach() cuts here" not in dots[1]


def test_default_is_the_notebooks_first_exercise(page_en):
    df = table(page_en)
    assert column(df, "x") == [0, 1, 2, 3]
    assert column(df, "du/dx (x.grad)") == [0, 2, 4, 6]
    assert column(df, "dz/du (v.grad)") == [0, 3, 48, 243]
    assert column(df, "dz/du · du/dx") == column(df, "dz/dx (full backward)")


def test_portuguese_page_runs():
    at = open_page(PAGE, lang="pt")
    assert not at.exception and not at.error
    assert "detach() corta aqui" in graphs(at)[0]


def test_second_notebook_preset_changes_the_table():
    at = open_page(PAGE, lang="en")
    at.selectbox(key="chain_preset").set_value("notebook_poly").run()
    assert not at.exception
    assert at.text_input(key="chain_inner").value == "1 + x**2"
    assert at.text_input(key="chain_outer").value == "1 + 7*u**4"
    assert column(table(at), "dz/du (v.grad)") == [28, 224, 3500, 28000]


def test_typing_an_outer_function_changes_the_chart():
    at = open_page(PAGE, lang="en")
    before = trace_y(chart_traces(at)[3])
    at.text_input(key="chain_outer").set_value("sin(u)").run()
    assert not at.exception and not at.error
    after = trace_y(chart_traces(at)[3])
    assert not np.allclose(before, after, equal_nan=True)
    assert "CosBackward0" not in graphs(at)[0] and "SinBackward0" in graphs(at)[0]


def test_catalogue_pick_fills_the_text_and_marks_the_choice_custom():
    at = open_page(PAGE, lang="en")
    at.selectbox(key="chain_inner_pick").set_value("sin(x)").run()
    assert not at.exception
    assert at.text_input(key="chain_inner").value == "sin(x)"
    assert at.selectbox(key="chain_preset").value == "custom"


def test_outer_written_in_x_shows_a_clear_error():
    at = open_page(PAGE, lang="en")
    at.text_input(key="chain_outer").set_value("x**3").run()
    assert not at.exception
    assert any("written in u" in e.value for e in at.error)
    assert not at.get("plotly_chart")


def test_invalid_expression_shows_an_error_and_no_exception():
    at = open_page(PAGE, lang="en")
    at.text_input(key="chain_inner").set_value("__import__('os').system('true')").run()
    assert not at.exception
    assert at.error and not at.get("plotly_chart")


def test_bad_points_show_an_error():
    at = open_page(PAGE, lang="en")
    at.text_input(key="chain_points").set_value("1, two, 3").run()
    assert not at.exception
    assert any("`two` is not a number" in e.value for e in at.error)


def test_more_backward_calls_accumulate_more():
    at = open_page(PAGE, lang="en")
    at.number_input(key="chain_calls").set_value(3).run()
    assert not at.exception
    acc = at.dataframe[1].value
    assert column(acc, "x.grad after call 3") == [0, 6, 12, 18]
    assert column(acc, "zero_(), then 1 call") == [0, 2, 4, 6]


def test_traps_show_the_real_error_and_the_counter_examples(page_en):
    codes = [c.value for c in page_en.code]
    assert any("grad can be implicitly created only for scalar outputs" in c for c in codes)
    sums = page_en.dataframe[3].value
    assert list(sums["elementwise?"]) == ["yes", "no", "no"]


def test_one_point_explains_why_the_traps_need_two():
    at = open_page(PAGE, lang="en")
    at.text_input(key="chain_points").set_value("2").run()
    assert not at.exception and not at.error
    assert any("need 2 to 20 points" in i.value for i in at.info)
    assert column(table(at), "dz/du (v.grad)") == [48]


def test_float32_and_chart_range_are_used():
    at = open_page(PAGE, lang="en")
    at.selectbox(key="chain_dtype").set_value("float32").run()
    at.number_input(key="chain_start").set_value(0.0).run()
    assert not at.exception and not at.error
    x = chart_traces(at)[0]["x"]
    xs = np.frombuffer(base64.b64decode(x["bdata"]), dtype=np.dtype(x["dtype"])) if isinstance(x, dict) else np.asarray(x)
    assert xs.min() == 0.0 and xs.max() == 3.0


def share_link(at) -> str:
    (link,) = [c.value for c in at.sidebar.code if "?" in c.value]
    return link


@pytest.mark.parametrize(
    "key,value,shared",
    [
        ("chain_points", "1, two", "chain_points=1%2C+two"),
        ("chain_outer", "x**3", "chain_outer=x%2A%2A3"),
        ("chain_points", "2", "chain_points=2"),  # one point: the traps say why they are missing
    ],
)
def test_share_link_is_drawn_even_when_the_page_stops_early(key, value, shared):
    at = open_page(PAGE, lang="en")
    at.text_input(key=key).set_value(value).run()
    assert not at.exception
    assert shared in share_link(at) and "chain_inner=x%2Ax" in share_link(at)


def test_every_wrong_field_gets_its_own_message():
    at = open_page(PAGE, lang="en")
    at.text_input(key="chain_inner").set_value("u*u")
    at.text_input(key="chain_outer").set_value("x**3")
    at.text_input(key="chain_points").set_value("1, two").run()
    assert not at.exception and not at.get("plotly_chart")
    messages = [e.value for e in at.error]
    assert len(messages) == 3
    assert "written in x" in messages[0] and "written in u" in messages[1] and "`two` is not a number" in messages[2]


def test_a_bad_weight_vector_is_said_in_its_trap_and_the_last_trap_still_shows():
    at = open_page(PAGE, lang="en")
    at.text_input(key="chain_weights").set_value("1, 2").run()
    assert not at.exception
    assert any("The vector w has 2 values but u has 4" in e.value for e in at.error)
    assert list(at.dataframe[-1].value["elementwise?"]) == ["yes", "no", "no"]


# --- the one graph, step by step (issue 14) ------------------------------------------------------------


def step_products(at) -> str:
    (text,) = [m.value for m in at.markdown if m.value.startswith(("**Step", "**Passo"))]
    return text


def highlighted(at) -> str:
    (node,) = re.findall(r"^\s*(n\d+) \[.*fillcolor=\"#ffd8a8\"", graphs(at)[1], re.M)
    return node


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_the_step_control_walks_z_of_f_of_x_at_the_last_point(lang):
    at = open_page(PAGE, lang=lang)
    at.text_input(key="chain_inner").set_value("sin(x)").run()
    at.text_input(key="chain_outer").set_value("u*u + exp(u)").run()
    at.text_input(key="chain_points").set_value("0.5, 2").run()
    nodes = chain_trace("sin(x)", "u*u + exp(u)", 2.0).backward
    assert len(graphs(at)) == 2 and "detach()" in graphs(at)[0]  # the cut graph keeps its tab
    word = "Passo" if lang == "pt" else "Step"
    for step in (0, len(nodes) - 1, 1):  # both ends, then back inside
        at.number_input(key="chain_step").set_value(step).run()
        assert not at.exception and not at.error
        node, text = nodes[step], step_products(at)
        assert f"{word} {step + 1} {'de' if lang == 'pt' else 'of'} {len(nodes)}: {node.label}" in text
        for loc in node.local:
            assert f"{number(node.grad)} × {number(loc)} = {number(node.grad * loc)}" in text
        assert highlighted(at) == f"n{step}"
        current = re.search(rf"^\s*n{step} \[label=\"([^\"]*)\"", graphs(at)[1], re.M).group(1)
        assert f"ḡ = {number(node.grad)}" in current and number(node.value) in current
    exact = 2 * math.sin(2) * math.cos(2) + math.exp(math.sin(2)) * math.cos(2)
    assert nodes[-1].grad == pytest.approx(exact, rel=1e-14)  # the leaf's adjoint is dz/dx
    assert any("chain_step=1" in c.value for c in at.code)  # the share link holds the step


def test_the_step_returns_to_the_leaf_when_the_graph_shrinks():
    at = open_page(PAGE, lang="en")
    at.text_input(key="chain_outer").set_value("exp(u)*u + u").run()
    at.number_input(key="chain_step").set_value(6).run()
    at.text_input(key="chain_outer").set_value("u").run()
    assert not at.exception and not at.warning
    last = chain_trace(at.text_input(key="chain_inner").value, "u", 3.0).steps - 1
    assert at.number_input(key="chain_step").value == last and highlighted(at) == f"n{last}"
