"""core.backward_graph: DOT text of autograd's backward graph, read from real tensors."""

from __future__ import annotations

import re

import pytest
import torch

from core.backward_graph import MAX_NODES, backward_graph_dot, clamp_step, number, received, trace_dot, trace_view
from core.chain.graph import chain_graph_dot
from core.derivatives.graph import expression_graph_dot
from core.errors import ExpressionError, LabError
from core.expression.catalogue import CATALOGUE
from core.expression.parser import parse
from core.trace import autodiff_trace

NODE = re.compile(r"^\s*(n\d+) \[label=\"((?:[^\"\\]|\\.)*)\"", re.M)
EDGE = re.compile(r"^\s*(n\d+) -> (n\d+)(?: \[(.*)\])?;$", re.M)


def nodes(dot: str) -> dict[str, str]:
    """node id -> label."""
    return dict(NODE.findall(dot))


def edges(dot: str) -> list[tuple[str, str, str]]:
    return EDGE.findall(dot)


def ids_with_label(dot: str, label: str) -> list[str]:
    return [nid for nid, text in nodes(dot).items() if text.split("\\n")[0].split("  ")[0] == label]


def test_chain_graph_holds_both_graphs_and_the_cut():
    dot = chain_graph_dot("x*x", "u**3", lang="en")
    labels = [text.split("\\n")[0] for text in nodes(dot).values()]
    assert "PowBackward0" in labels and "MulBackward0" in labels
    assert labels.count("AccumulateGrad") == 2  # one for x, one for v
    (v,) = ids_with_label(dot, "v")
    (u,) = ids_with_label(dot, "u")
    cut = [e for e in edges(dot) if e[0] == v and e[1] == u]
    assert len(cut) == 1 and "style=dashed" in cut[0][2] and "detach()" in cut[0][2]
    assert "subgraph cluster_outer" in dot and "subgraph cluster_inner" in dot


def test_leaves_are_labelled_by_name_and_shape():
    dot = chain_graph_dot("sin(x)", "exp(u)", lang="en")
    labels = list(nodes(dot).values())
    assert any(label.startswith("x  (4,) float64") for label in labels)
    assert any(label.startswith("v  (4,) float64") for label in labels)


def test_accumulate_grad_points_to_its_leaf():
    dot = chain_graph_dot("sin(x)", "exp(u)", lang="en")
    (x,) = ids_with_label(dot, "x")
    (v,) = ids_with_label(dot, "v")
    into = {b: a for a, b, _ in edges(dot) if b in (x, v)}
    assert nodes(dot)[into[x]] == "AccumulateGrad" and nodes(dot)[into[v]] == "AccumulateGrad"


def test_no_cut_without_detach():
    dot = chain_graph_dot("1 + x**2", "1 + 7*u**4", detached=False, lang="en")
    assert "detach() cuts" not in dot and "style=dashed" not in dot
    assert ids_with_label(dot, "v") == []
    assert [t.split("\\n")[0] for t in nodes(dot).values()].count("AccumulateGrad") == 1


def test_ids_follow_visiting_order_and_hold_no_addresses():
    dot = chain_graph_dot("x**2*sin(x)", "sigmoid(u)")
    ids = list(nodes(dot))
    assert ids == [f"n{k}" for k in range(len(ids))]
    assert "0x" not in dot and not re.search(r"\b\d{9,}\b", dot)


def test_same_input_gives_the_same_text():
    assert chain_graph_dot("gelu(x)", "u**2") == chain_graph_dot("gelu(x)", "u**2")


def test_a_variable_used_twice_gives_two_edges_to_one_accumulate():
    dot = expression_graph_dot("x*x", lang="en")
    (mul,) = ids_with_label(dot, "MulBackward0")
    targets = [b for a, b, _ in edges(dot) if a == mul]
    assert len(targets) == 2 and len(set(targets)) == 1
    assert nodes(dot)[targets[0]] == "AccumulateGrad"


@pytest.mark.parametrize("name", sorted(n for n, entry in CATALOGUE.items() if entry.min_variables == 1))
def test_catalogue_functions_are_labelled_by_torchs_class_name(name):
    x = torch.tensor([0.5, 1.0], dtype=torch.float64, requires_grad=True)
    text = CATALOGUE[name].example  # sin(x), min(x, 1), clamp(x, -1, 1)
    expected = type(parse(text)(x).grad_fn).__name__  # what z.grad_fn prints
    dot = expression_graph_dot(text, lang="en")
    assert ids_with_label(dot, expected), dot
    assert ids_with_label(dot, "SumBackward0")


def test_unsummed_expression_has_no_sum_node():
    dot = expression_graph_dot("sin(x)", summed=False)
    assert ids_with_label(dot, "SumBackward0") == [] and ids_with_label(dot, "SinBackward0")


def test_constant_expression_is_one_note():
    dot = expression_graph_dot("2*pi", summed=False, lang="en")
    assert len(nodes(dot)) == 1 and "no grad_fn" in dot


def test_identity_expression_is_the_leaf_itself():
    dot = expression_graph_dot("x", summed=False, lang="en")
    assert list(nodes(dot).values())[0].startswith("y = x")
    (x,) = ids_with_label(dot, "x")
    assert [b for _, b, _ in edges(dot)] == [x] and "the same tensor" in dot


def test_identity_inner_shows_u_is_x():
    dot = chain_graph_dot("x", "u**2", lang="en")
    assert "u = x" in dot and "the same tensor" in dot


def test_constant_outer_still_draws_v_and_the_cut():
    dot = chain_graph_dot("sin(x)", "3", lang="en")
    assert ids_with_label(dot, "v") and "detach() cuts" in dot and "no grad_fn" in dot


def test_names_and_quotes_in_labels_are_escaped():
    a = torch.ones(2, requires_grad=True)
    dot = backward_graph_dot(a * 2, {a: 'a"b'}, output_name="y", lang="en")
    assert 'a\\"b' in dot
    assert dot.count("{") == dot.count("}")


def test_unnamed_leaves_are_called_leaf():
    a = torch.ones(3, requires_grad=True)
    dot = backward_graph_dot(a.exp(), lang="en")
    assert any(label.startswith("leaf  (3,)") for label in nodes(dot).values())


def test_large_graphs_are_cut_at_the_node_limit():
    a = torch.ones(1, requires_grad=True)
    y = a
    for _ in range(3 * MAX_NODES):
        y = y * 1.0001
    dot = backward_graph_dot(y, {a: "a"}, lang="en")
    assert len(nodes(dot)) <= MAX_NODES + 1
    assert f"graph cut at {MAX_NODES} nodes" in dot


def test_graph_labels_are_translated():
    assert "detach() corta aqui" in chain_graph_dot("x*x", "u**3", lang="pt")
    assert "detach() cuts here" in chain_graph_dot("x*x", "u**3", lang="en")


def test_bad_expressions_are_expression_errors():
    with pytest.raises(ExpressionError):
        chain_graph_dot("x*x", "x**3")
    with pytest.raises(ExpressionError):
        expression_graph_dot("import os")


# --- the leaf shows the grid the page computes on ---------------------------------------------------


def labels(dot: str) -> list[str]:
    return [text.split("\\n")[0] for text in nodes(dot).values()]


def test_expression_graph_defaults_are_unchanged():
    dot = expression_graph_dot("sin(x)", lang="en")
    assert "x  (4,) float64" in labels(dot) and "y.sum()  () float64" in labels(dot)
    assert dot == expression_graph_dot("sin(x)", lang="en", dtype="float64", points=None)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("points", [2, 1000, 1_000_000])
def test_expression_graph_leaf_shows_the_real_grid(dtype, points):
    dot = expression_graph_dot("x**2*sin(x)", lang="en", dtype=dtype, points=points)
    assert f"x  ({points},) {dtype}" in labels(dot)
    assert f"y.sum()  () {dtype}" in labels(dot)  # the sum stays a scalar
    unsummed = expression_graph_dot("x**2*sin(x)", summed=False, lang="en", dtype=dtype, points=points)
    assert f"y  ({points},) {dtype}" in labels(unsummed)
    assert "(4,)" not in dot and "(4,)" not in unsummed


def test_expression_graph_is_computed_in_the_dtype():
    # float32 is not only a label: the graph's nodes are torch's own (a float64 constant would
    # add a ToCopyBackward node if the x were float64 and the label lied)
    dot32 = expression_graph_dot("exp(-x**2/2)", lang="en", dtype="float32", points=10)
    dot64 = expression_graph_dot("exp(-x**2/2)", lang="en", dtype="float64", points=10)
    assert dot32.replace("float32", "float64") == dot64


def test_chain_graph_takes_the_same_dtype_and_points():
    dot = chain_graph_dot("sin(x)", "exp(u)", lang="en", dtype="float32", points=7)
    assert "x  (7,) float32" in labels(dot) and "v  (7,) float32" in labels(dot)
    assert "z  (7,) float32" in labels(dot) and "u  (7,) float32" in labels(dot)
    full = chain_graph_dot("sin(x)", "exp(u)", detached=False, lang="en", dtype="float32", points=7)
    assert "x  (7,) float32" in labels(full)


@pytest.mark.parametrize("points", [0, -5, 2.5, True, "1000", 10**10])
def test_graph_refuses_a_bad_point_count(points):
    with pytest.raises(LabError):
        expression_graph_dot("sin(x)", points=points)


@pytest.mark.parametrize("dtype", ["float16", "int32", "double", None])
def test_graph_refuses_a_bad_dtype(dtype):
    with pytest.raises(LabError):
        expression_graph_dot("sin(x)", dtype=dtype)


# --- the backward pass with its numbers (trace_dot, trace_view, clamp_step) ---------------------------


def _trace(text: str = "x*sin(x)", x0: float = 0.7, dtype: str = "float64"):
    return autodiff_trace(text, x0, dtype=dtype)


def test_trace_graph_highlights_only_the_current_node():
    t = _trace()
    for step in range(t.steps):
        dot = trace_dot(t.backward, step, lang="en")
        styled = re.findall(r"^\s*(n\d+) \[.*fillcolor=\"#ffd8a8\"", dot, re.M)
        assert styled == [f"n{step}"]
        assert len(nodes(dot)) == t.steps and dot.count("{") == dot.count("}")


def test_trace_graph_shows_each_value_and_final_adjoint():
    t = _trace()
    dot = trace_dot(t.backward, t.steps - 1, lang="en")
    for n in t.backward:
        label = nodes(dot)[f"n{n.index}"]
        assert f"value = {number(n.value)}" in label and f"ḡ = {number(n.grad)}" in label
    assert [e[:2] for e in edges(dot)] == [("n0", "n2"), ("n0", "n1"), ("n1", "n2")]  # node -> its inputs


def test_trace_graph_shows_partial_sums_before_a_node_is_reached():
    t = _trace()
    dot = trace_dot(t.backward, 0, lang="en")  # mul has sent x its first product only
    mul, sin, x = t.backward
    assert f"ḡ so far = {number(mul.grad * mul.local[0])}" in nodes(dot)["n2"]
    assert received(t.backward, 1)[2] == pytest.approx(x.grad, rel=1e-15)
    assert received(t.backward, 0)[1] == pytest.approx(sin.grad, rel=1e-15)


def test_the_current_nodes_edges_carry_the_product():
    t = _trace()
    mul, sin, _ = t.backward
    dot = trace_dot(t.backward, 1, lang="en")
    (edge,) = [e for e in edges(dot) if e[0] == "n1"]
    assert f"{number(sin.grad)} × {number(sin.local[0])} = {number(sin.grad * sin.local[0])}" in edge[2]


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_trace_view_products_use_the_traces_numbers(lang):
    t = _trace()
    mul, sin, x = t.backward
    view = trace_view(t, 1, lang=lang)
    assert view.products.startswith("**") and "sin (SinBackward0)" in view.products
    assert (
        f"ḡ(x) += ḡ(sin) × ∂sin/∂x = {number(sin.grad)} × {number(sin.local[0])} = {number(sin.grad * sin.local[0])}"
        in view.products
    )
    last = trace_view(t, 2, lang=lang)
    assert f"ḡ(x) = {number(x.grad)} = f'(x₀)" in last.products and "AccumulateGrad" in last.products
    assert number(t.jvp) in view.agreement and number(t.vjp) in view.agreement
    assert view.forward[list(view.forward)[2]] == [number(m.tangent) for m in t.forward]
    assert ("Modo direto" if lang == "pt" else "Forward mode") in view.forward_text
    assert ("Rⁿ → R" in view.forward_text) and view.dot == trace_dot(
        t.backward, 1, title=view.dot.split('label="')[1].split('"')[0], lang=lang
    )


def test_trace_view_of_a_constant_and_of_x_alone():
    view = trace_view(_trace("3"), 0, lang="en")
    assert "does not depend on x" in view.products
    view = trace_view(_trace("x"), 0, lang="en")
    assert "ḡ(x) = 1 = f'(x₀)" in view.products and len(nodes(view.dot)) == 1


def test_trace_view_shows_non_finite_numbers_as_they_are():
    view = trace_view(_trace("log(x)", 0.0), 0, lang="en")
    assert "value = -inf" in view.dot and "1 × inf = inf" in view.products


@pytest.mark.parametrize("step", [-1, 3, 1.5, "1", None])
def test_trace_view_refuses_a_step_out_of_range(step):
    with pytest.raises(LabError):
        trace_view(_trace(), step)


def test_clamp_step_brings_the_value_back_into_range():
    state = {"k": 5.0}
    clamp_step(state, "k", 3)
    assert state == {"k": 2.0}
    clamp_step(state, "k", 3)
    assert state == {"k": 2.0}
    empty: dict = {}
    clamp_step(empty, "k", 3)
    assert empty == {}
