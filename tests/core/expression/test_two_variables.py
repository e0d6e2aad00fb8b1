"""Expressions in x and y: ``parse(text, variables=("x", "y"))``, evaluated by torch and by NumPy."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
import torch

from core.errors import ExpressionError
from core.expression import parse
from core.expression.numeric import evaluate

XY = ("x", "y")


def test_one_variable_is_still_the_default():
    e = parse("x**2")
    assert e.variables == ("x",) and e.variable == "x"
    with pytest.raises(ExpressionError) as info:
        parse("x + y")
    assert info.value.key == "err.expr_name"


def test_two_variables_call_sympy_latex_and_code():
    e = parse("x**2 + 3*x*y - sin(y)", variables=XY)
    x, y = sp.symbols("x y")
    assert e.variables == XY
    assert sp.simplify(e.sympy - (x**2 + 3 * x * y - sp.sin(y))) == 0
    assert e.sympy.free_symbols == {x, y}
    assert "\\sin" in e.latex
    xs = torch.linspace(-2, 2, 7, dtype=torch.float64)
    ys = torch.linspace(-1, 3, 7, dtype=torch.float64)
    expected = xs**2 + 3 * xs * ys - torch.sin(ys)
    torch.testing.assert_close(e(xs, ys), expected, rtol=1e-15, atol=1e-15)
    scope = {"torch": torch, "math": __import__("math"), "x": xs, "y": ys}
    torch.testing.assert_close(eval(e.code, scope), expected, rtol=1e-15, atol=1e-15)


def test_results_broadcast_to_the_inputs_shape():
    xs = torch.linspace(-1, 1, 4, dtype=torch.float64)[None, :]
    ys = torch.linspace(-1, 1, 3, dtype=torch.float64)[:, None]
    assert parse("x", variables=XY)(xs, ys).shape == (3, 4)
    assert parse("y*2", variables=XY)(xs, ys).shape == (3, 4)
    assert parse("7", variables=XY)(xs, ys).shape == (3, 4)
    assert parse("7", variables=XY).is_constant and not parse("y", variables=XY).is_constant


def test_autograd_gives_both_partials():
    e = parse("x**2*y + exp(x*y)", variables=XY)
    x = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
    y = torch.tensor(-1.3, dtype=torch.float64, requires_grad=True)
    e(x, y).backward()
    xs, ys = sp.symbols("x y")
    f = xs**2 * ys + sp.exp(xs * ys)
    for got, sym in ((x.grad, xs), (y.grad, ys)):
        want = float(sp.diff(f, sym).subs({xs: 0.7, ys: -1.3}))
        assert abs(float(got) - want) <= 1e-13 * max(1.0, abs(want))


def test_numpy_reference_takes_several_symbols():
    e = parse("x*y + log(x)", variables=XY)
    gx = np.linspace(0.5, 2, 5)[None, :]
    gy = np.linspace(-1, 1, 3)[:, None]
    got = evaluate(e.real_sympy, e.real_symbols, (gx, gy))
    assert got.shape == (3, 5)
    np.testing.assert_allclose(got, gx * gy + np.log(gx), rtol=1e-15)


@pytest.mark.parametrize(
    "variables",
    [("y",), ("x", "u"), ("x", "x"), ("x", "y", "u"), "xy", ("y", "x"), ()],
)
def test_other_declarations_are_refused(variables):
    with pytest.raises(ValueError):
        parse("x", variables=variables)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("x + z", "err.expr_name_many"),
        ("x(y)", "err.expr_implicit_mul"),
        ("y(x + 1)", "err.expr_implicit_mul"),
        ("__import__('os')", "err.expr_function"),
        ("x.real + y", "err.expr_node"),
    ],
)
def test_the_allowlist_and_its_messages_hold_for_two_variables(text, key):
    with pytest.raises(ExpressionError) as info:
        parse(text, variables=XY)
    assert info.value.key == key


def test_calling_with_the_wrong_number_of_tensors_is_a_type_error():
    t = torch.zeros(2)
    with pytest.raises(TypeError):
        parse("x*y", variables=XY)(t)
    with pytest.raises(TypeError):
        parse("x")(t, t)
