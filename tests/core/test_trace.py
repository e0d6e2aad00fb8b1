"""core.trace: the backward pass with its numbers, forward mode beside it, against hand-computed
adjoints, SymPy's derivative and torch.func."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest
import sympy as sp

import core.trace as trace_module
from core.chain.graph import chain_trace, composition
from core.errors import ExpressionError, LabError
from core.expression import CATALOGUE, parse
from core.expression.numeric import evaluate
from core.trace import autodiff_trace, backward_trace, forward_trace, jvp_vjp

X0 = 0.7
REL = 1e-13  # float64: a few roundings per node


def close(a: float, b: float, rel: float = REL) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=rel)


def shape(nodes) -> list[tuple[str, tuple[int, ...]]]:
    return [(n.op, n.inputs) for n in nodes]


def sympy_slope(text: str, x0: float) -> float:
    """The exact derivative at x0: SymPy's, in 50 digits (NaN where it is not real); where SymPy cannot
    evaluate it (sinc's derivative is a function of the lab's), the lab's NumPy reference of it."""
    f = parse(text)
    df = sp.diff(f.real_sympy, f.real_symbol)
    value = df.subs(f.real_symbol, sp.Float(x0, 50)).evalf(50)
    try:
        z = complex(value)
    except TypeError:
        return float(evaluate(df, f.real_symbol, np.array([x0]))[0])
    return z.real if z.imag == 0 else math.nan  # complex: x0 lies outside the domain


# --- hand-computed adjoints ----------------------------------------------------------------------


def test_x_sin_x_sums_both_paths_into_x():
    s, c = math.sin(X0), math.cos(X0)
    mul, sin, x = backward_trace("x*sin(x)", X0)
    assert shape((mul, sin, x)) == [("mul", (2, 1)), ("sin", (2,)), ("x", ())]
    assert close(mul.value, X0 * s) and mul.grad == 1.0 and close(mul.local[0], s) and close(mul.local[1], X0)
    assert close(sin.value, s) and close(sin.grad, X0) and close(sin.local[0], c)
    assert x.value == X0 and close(x.grad, s + X0 * c) and x.local == ()


def test_exp_of_a_square():
    e = math.exp(X0**2)
    exp, pow_, x = backward_trace("exp(x**2)", X0)
    assert shape((exp, pow_, x)) == [("exp", (1,)), ("pow", (2,)), ("x", ())]
    assert close(exp.value, e) and exp.grad == 1.0 and close(exp.local[0], e)
    assert close(pow_.value, X0**2) and close(pow_.grad, e) and close(pow_.local[0], 2 * X0)
    assert close(x.grad, 2 * X0 * e)


def test_log_of_one_plus_x_squared():
    q = 1 + X0 * X0
    log, add, mul, x = backward_trace("log(1+x*x)", X0)
    assert shape((log, add, mul, x)) == [("log", (1,)), ("add", (2,)), ("mul", (3, 3)), ("x", ())]
    assert close(log.local[0], 1 / q) and close(add.grad, 1 / q) and add.local == (1.0,)
    assert close(mul.grad, 1 / q) and mul.local == (X0, X0)  # x*x: one local per input, both x
    assert close(x.grad, 2 * X0 / q)


def test_the_notebooks_logistic():
    """1/(1+exp(-x)): torch writes 1/u as u.reciprocal() * 1, and the trace shows exactly that."""
    e = math.exp(-X0)
    s = 1 / (1 + e)
    nodes = backward_trace("1/(1+exp(-x))", X0)
    assert [n.op for n in nodes] == ["mul", "reciprocal", "add", "exp", "neg", "x"]
    mul, rec, add, exp, neg, x = nodes
    assert close(rec.value, s) and close(rec.local[0], -(s**2)) and close(add.grad, -(s**2))
    assert close(exp.grad, -(s**2)) and close(neg.grad, -(s**2) * e) and neg.local == (-1.0,)
    assert close(x.grad, s * (1 - s))
    assert close(backward_trace("sigmoid(x)", X0)[-1].grad, s * (1 - s))


def test_the_root_comes_first_and_every_input_after_its_user():
    nodes = backward_trace("sin(sin(x))*sin(x) + exp(-x*x)", 0.3)
    assert nodes[0].grad == 1.0 and nodes[-1].op == "x" and [n.index for n in nodes] == list(range(len(nodes)))
    assert all(i > n.index for n in nodes for i in n.inputs)
    assert all(len(n.local) == len(n.inputs) for n in nodes)
    labels = [n.label for n in nodes]
    assert len(set(labels)) == len(labels) and {"sin₁", "sin₂", "sin₃"} <= set(labels)  # numbered in forward order


def test_each_adjoint_is_the_sum_of_what_its_users_send():
    nodes = backward_trace("x*sin(x)**2 + log(1+x*x)*x", 0.9)
    for j, node in enumerate(nodes[1:], start=1):
        sent = sum(n.grad * loc for n in nodes for i, loc in zip(n.inputs, n.local, strict=True) if i == j)
        assert close(node.grad, sent, 1e-12), node


# --- constants, x alone, a constant f --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "ops", "local"),
    [
        ("2*x", ["mul", "x"], (2.0,)),
        ("x**2", ["pow", "x"], (2 * X0,)),
        ("x+1", ["add", "x"], (1.0,)),
        ("1-x", ["sub", "x"], (-1.0,)),
    ],
)
def test_a_constant_operand_has_no_local_derivative(text, ops, local):
    nodes = backward_trace(text, X0)
    assert [n.op for n in nodes] == ops and nodes[0].local == pytest.approx(local, rel=REL)
    assert nodes[0].inputs == (1,)


def test_x_alone_is_root_and_leaf():
    (x,) = backward_trace("x", X0)
    assert (x.op, x.grad, x.value, x.inputs) == ("x", 1.0, X0, ())
    (fx,) = forward_trace("x", X0)
    assert fx.tangent == 1.0


@pytest.mark.parametrize("text", ["3", "2*pi", "x - x + 1"])
def test_a_constant_expression_sends_nothing_back(text):
    nodes = backward_trace(text, X0)
    assert nodes[0].grad == 1.0 and nodes[-1].op == "x" and nodes[-1].grad == 0.0
    assert forward_trace(text, X0)[-1].tangent == 0.0


# --- non-finite values stay honest ------------------------------------------------------------------


def test_log_at_zero_is_minus_inf_with_an_infinite_local_derivative():
    log, x = backward_trace("log(x)", 0.0)
    assert log.value == -math.inf and log.local == (math.inf,) and x.grad == math.inf
    assert forward_trace("log(x)", 0.0)[-1].tangent == math.inf


def test_sqrt_of_a_negative_number_is_nan_without_a_crash():
    sqrt, x = backward_trace("sqrt(x)", -1.0)
    assert math.isnan(sqrt.value) and math.isnan(x.grad)


def test_x_sqrt_x_at_zero_is_nan_as_in_torch():
    # 0 * inf: torch's own answer, kept (x**1.5 gives 0)
    assert math.isnan(backward_trace("x*sqrt(x)", 0.0)[-1].grad)
    assert backward_trace("x**1.5", 0.0)[-1].grad == 0.0


# --- against SymPy and torch.func --------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(("text", "x0"), [("x*sin(x)", 0.7), ("exp(x**2)", -0.4), ("log(1+x*x)", 1.5), ("tanh(x)**3/x", 2.1)])
def test_the_leafs_adjoint_is_sympys_derivative(text, x0, dtype):
    got = backward_trace(text, x0, dtype=dtype)[-1].grad
    assert math.isclose(got, sympy_slope(text, x0), rel_tol=1e-12 if dtype == "float64" else 3e-6)


def test_float32_numbers_are_float32_values():
    for n in backward_trace("exp(x)*sin(x)", 0.3, dtype="float32"):
        for v in (n.value, n.grad, *n.local):
            assert float(np.float32(v)) == v


def _call(name: str) -> str:
    """The catalogue's example call, its x replaced by x*x (a chain through the function)."""
    return re.sub(r"\bx\b", "(x*x)", CATALOGUE[name].example)


ONE_VARIABLE = [name for name, entry in CATALOGUE.items() if entry.min_variables == 1]


@pytest.mark.parametrize("name", ONE_VARIABLE)
def test_jvp_equals_vjp_for_every_catalogue_function(name):
    """At the first of a few points where the function is finite and smooth: forward mode's last
    tangent, the backward leaf's adjoint, torch.func.jvp and vjp, and SymPy's derivative agree."""
    text = _call(name)
    for x0 in (0.6, 1.2, -0.7):
        want = sympy_slope(text, x0)
        t = autodiff_trace(text, x0)
        if math.isfinite(want) and math.isfinite(t.backward[0].value):
            break
    else:
        pytest.fail(f"no point in the domain of {text}")
    root = next(m for m in t.forward if m.node == 0)
    assert t.forward[-1] is root and close(root.tangent, t.backward[-1].grad, 1e-12)
    assert close(t.jvp, t.vjp, 1e-12) and close(t.jvp, t.backward[-1].grad, 1e-12)
    assert math.isclose(t.backward[-1].grad, want, rel_tol=1e-11, abs_tol=1e-12), (text, x0)


def test_forward_mode_visits_the_same_nodes_in_the_order_they_were_computed():
    text = "exp(-x*x)*sin(3*x)"
    back, fwd = backward_trace(text, 0.4), forward_trace(text, 0.4)
    assert sorted(m.node for m in fwd) == list(range(len(back))) and fwd[0].op == "x" and fwd[-1].node == 0
    for m in fwd:
        b = back[m.node]
        assert (m.op, m.label, m.value, m.local) == (b.op, b.label, b.value, b.local)
        assert all(i < m.index for i in m.inputs)  # inputs first
        if m.inputs:  # the tangent the dual numbers gave is the chain rule over the local derivatives
            assert close(m.tangent, sum(loc * fwd[i].tangent for loc, i in zip(m.local, m.inputs, strict=True)), 1e-12)


def test_jvp_vjp_match_numpys_central_difference():
    jvp, vjp = jvp_vjp("sin(x)*exp(x)", 0.5)
    h = 1e-6
    fd = (np.sin(0.5 + h) * np.exp(0.5 + h) - np.sin(0.5 - h) * np.exp(0.5 - h)) / (2 * h)
    assert jvp == pytest.approx(fd, rel=1e-8) and vjp == pytest.approx(fd, rel=1e-8)


def test_the_chain_rule_labs_composition():
    c = composition("x*x", "u**3")
    assert c.text == "(x*x)**3"
    t = chain_trace("x*x", "u**3", 0.5)
    assert [n.op for n in t.backward] == ["pow", "mul", "x"] and close(t.backward[-1].grad, 6 * 0.5**5)
    assert [n.op for n in chain_trace("sin(x)", "u*u + relu(u)", 1.0).backward][-1] == "x"


# --- the node objects --------------------------------------------------------------------------------


def test_nodes_are_frozen_and_readable_by_any_name():
    node = backward_trace("x*sin(x)", X0)[1]
    assert node["grad"] == node.grad == node.adjoint == node.gradient == node["adjoint"]
    assert node["op"] == node.operation == "sin" and node.local_derivative == node["local"] == node.local
    assert node.as_dict()["inputs"] == (2,) and "value" in node.keys() and "adjoint" in node and "nope" not in node
    assert dict(node)["grad"] == node.grad
    with pytest.raises(KeyError):
        node["nope"]
    with pytest.raises(AttributeError):
        node.nope  # noqa: B018
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.grad = 2.0  # type: ignore[misc]
    assert forward_trace("x*x", 1.0)[-1]["tangent"] == forward_trace("x*x", 1.0)[-1].derivative == 2.0


# --- bad arguments --------------------------------------------------------------------------------


@pytest.mark.parametrize("x0", [math.nan, math.inf, -math.inf, "1", None, True, 1e7, 1 + 2j])
def test_a_bad_point_is_refused_with_a_translated_message(x0):
    with pytest.raises(LabError) as err:
        backward_trace("sin(x)", x0)
    assert "x₀" in err.value.message("pt") and "x₀" in str(err.value) and err.value.message("pt") != str(err.value)


@pytest.mark.parametrize("dtype", ["float16", "int64", None, "torch.float64"])
def test_a_bad_dtype_is_refused(dtype):
    with pytest.raises(LabError, match="dtype"):
        forward_trace("sin(x)", 1.0, dtype=dtype)


def test_a_bad_expression_is_refused():
    with pytest.raises(ExpressionError):
        backward_trace("x+", 1.0)
    with pytest.raises(LabError):
        backward_trace(42, 1.0)  # type: ignore[arg-type]
    with pytest.raises(LabError, match="x, y"):
        backward_trace(parse("x*y", variables=("x", "y")), 1.0)


def test_the_graph_size_is_bounded(monkeypatch):
    monkeypatch.setattr(trace_module, "MAX_TRACE_NODES", 4)
    with pytest.raises(LabError, match="4 nodes"):
        backward_trace("sin(cos(tan(exp(x))))", 0.1)
    assert len(backward_trace("sin(cos(x))", 0.1)) == 3
