"""core.expression.parser: the allowlist, the three forms (torch, SymPy, code), the limits and the messages.

References are independent of the code under test: mpmath at 40 digits for every catalogue function,
NumPy through core.expression.numeric.evaluate for the SymPy form, and a tiny AST interpreter (below) for the
generated PyTorch code, so `.code` is checked without exec/eval.
"""

from __future__ import annotations

import ast
import math
import operator
import re

import mpmath
import numpy as np
import pytest
import sympy as sp
import torch
import torch.nn.functional as F

from core.errors import ExpressionError, LabError
from core.expression.catalogue import CATALOGUE, relu, sigmoid, softplus
from core.expression.numeric import evaluate
from core.expression.parser import (
    MAX_CONSTANT,
    MAX_DEPTH,
    MAX_EXPONENT,
    MAX_LENGTH,
    MAX_LITERAL,
    MAX_NODES,
    MAX_SYMPY_NODES,
    Expression,
    parse,
    tree_size,
)

mpmath.mp.dps = 40

# Independent definitions, written from the textbook formulas (not from core.expression.catalogue).
MPMATH = {
    "sin": mpmath.sin,
    "cos": mpmath.cos,
    "tan": mpmath.tan,
    "exp": mpmath.exp,
    "log": mpmath.log,
    "log1p": mpmath.log1p,
    "sqrt": mpmath.sqrt,
    "sinh": mpmath.sinh,
    "cosh": mpmath.cosh,
    "tanh": mpmath.tanh,
    "atan": mpmath.atan,
    "erf": mpmath.erf,
    "abs": abs,
    "sigmoid": lambda t: 1 / (1 + mpmath.exp(-t)),
    "relu": lambda t: max(t, 0),
    "softplus": lambda t: mpmath.log(1 + mpmath.exp(t)),
    "gelu": lambda t: t * (1 + mpmath.erf(t / mpmath.sqrt(2))) / 2,
    "silu": lambda t: t / (1 + mpmath.exp(-t)),
    "asin": mpmath.asin,
    "acos": mpmath.acos,
    "asinh": mpmath.asinh,
    "acosh": mpmath.acosh,
    "atanh": mpmath.atanh,
    "sec": lambda t: 1 / mpmath.cos(t),
    "csc": lambda t: 1 / mpmath.sin(t),
    "cot": lambda t: mpmath.cos(t) / mpmath.sin(t),
    "sinc": lambda t: mpmath.sinpi(t) / (mpmath.pi * t) if t else mpmath.mpf(1),  # the normalised sinc
    "erfc": mpmath.erfc,
    "sign": mpmath.sign,
    "expm1": mpmath.expm1,
    "log2": lambda t: mpmath.log(t, 2),
    "log10": mpmath.log10,
}
# the catalogue's one-argument functions (min, max, clamp, atan2 and hypot: tests/core/expression/test_catalogue.py)
UNARY = sorted(n for n, f in CATALOGUE.items() if f.arity == 1)
# Where each function is real and finite; the rest use (-30, 30), which crosses softplus's threshold (20).
DOMAINS = {
    "log": (1e-3, 20.0),
    "log2": (1e-3, 20.0),
    "log10": (1e-3, 20.0),
    "sqrt": (0.0, 20.0),
    "log1p": (-0.999, 20.0),
    "tan": (-1.55, 1.55),
    "sec": (-1.55, 1.55),
    "csc": (0.05, 3.1),
    "cot": (0.05, 3.1),
    "asin": (-1.0, 1.0),
    "acos": (-1.0, 1.0),
    "acosh": (1.0, 30.0),
    "atanh": (-0.999, 0.999),
}
CONSTANT_AT = {"acosh": 1.75}  # where test_catalogue_constant_argument_is_folded_to_the_right_value folds (0.75 elsewhere)
# float64 tolerance: |got - ref| <= RTOL |ref| + ATOL. 1e-14 is ~45 ulp; ATOL covers values that are
# differences of O(1) numbers (gelu(-30) = -30 (1 + erf(-21.2)) / 2 is ~1e-98 exactly, 0 in float64).
RTOL, ATOL = 1e-14, 1e-15
# torch's softplus returns x itself above x = 20 (documented threshold): log1p(e^-20) ~ 2e-9 is dropped.
RTOL_OVERRIDE = {"softplus": 1e-9}


def _grid(name: str, n: int = 401) -> np.ndarray:
    lo, hi = DOMAINS.get(name, (-30.0, 30.0))
    return np.linspace(lo, hi, n)


def _mp_reference(name: str, x: np.ndarray) -> np.ndarray:
    return np.array([float(MPMATH[name](mpmath.mpf(float(v)))) for v in x])


def _assert_close(got: np.ndarray, ref: np.ndarray, rtol: float, atol: float = ATOL) -> None:
    err = np.abs(got - ref)
    bound = rtol * np.abs(ref) + atol
    worst = int(np.argmax(err - bound))
    assert np.all(err <= bound), f"worst at index {worst}: got {got[worst]!r}, reference {ref[worst]!r}"


# --- a tiny interpreter for the generated code: only what `.code` may contain --------------------

_MODULES = {"torch": torch, "F": F, "math": math}
_ALLOWED_ATTRIBUTES = {
    "torch": {n for e in CATALOGUE.values() for n in re.findall(r"\btorch\.(\w+)", f"{e.code} {e.code_format or ''}")},
    "F": {n for e in CATALOGUE.values() for n in re.findall(r"\bF\.(\w+)", f"{e.code} {e.code_format or ''}")},
    "math": {"pi", "e"},
}
_BINARY = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv, ast.Pow: operator.pow}


def run_code(code: str, variable: str, value: torch.Tensor):
    """Evaluate our generated ``code`` with Python's own operator semantics, refusing anything else."""

    def ev(node: ast.AST):
        if isinstance(node, ast.Constant) and type(node.value) in (int, float):
            return node.value
        if isinstance(node, ast.Name) and node.id == variable:
            return value
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in _MODULES:
            assert node.attr in _ALLOWED_ATTRIBUTES[node.value.id], ast.dump(node)
            return getattr(_MODULES[node.value.id], node.attr)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -ev(node.operand)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
            return _BINARY[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
            fn = ev(node.func)
            assert callable(fn)
            return fn(ev(node.args[0]))
        raise AssertionError(f"unexpected node in generated code: {ast.dump(node)}")

    return ev(ast.parse(code, mode="eval").body)


# --- the catalogue -------------------------------------------------------------------------------


def test_catalogue_holds_the_functions_the_course_needs():
    required = {"sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "sigmoid", "relu", "abs", "softplus"}
    assert required <= set(CATALOGUE)
    assert set(UNARY) == set(MPMATH), "a catalogue function has no independent reference in this test"


@pytest.mark.parametrize("name", UNARY)
def test_catalogue_function_parses_to_its_three_forms(name):
    e = parse(f"{name}(x)")
    assert isinstance(e, Expression)
    entry = CATALOGUE[name]
    assert e.code == (entry.code_format.format("x") if entry.code_format else f"{entry.code}(x)")
    assert e.sympy.free_symbols == {sp.Symbol("x")}  # the public form: a plain symbol, as SymPy users write
    assert e.real_sympy.free_symbols == {e.real_symbol}
    assert e.real_symbol.is_real  # the form differentiated: d|x|/dx = sign(x) only for a real x
    assert not e.is_constant


@pytest.mark.parametrize("name", UNARY)
def test_catalogue_torch_form_matches_mpmath(name):
    x = _grid(name)
    got = parse(f"{name}(x)")(torch.from_numpy(x)).numpy()
    _assert_close(got, _mp_reference(name, x), RTOL_OVERRIDE.get(name, RTOL))


@pytest.mark.parametrize("name", UNARY)
def test_catalogue_sympy_form_matches_mpmath(name):
    # The exact reference: SymPy's form evaluated with NumPy by core.expression.numeric (no torch involved).
    # log1p's SymPy form is log(1 + x): accurate to rounding away from x = 0, which the grid avoids
    # by more than 0.02 (the reference is used for derivatives, 1/(1 + x), which has no such issue).
    x = _grid(name)
    e = parse(f"{name}(x)")
    got = evaluate(e.sympy, e.symbol, x)
    _assert_close(got, _mp_reference(name, x), 1e-13)


@pytest.mark.parametrize("name", UNARY)
def test_catalogue_constant_argument_is_folded_to_the_right_value(name):
    at = CONSTANT_AT.get(name, 0.75)
    e = parse(f"{name}({at})")
    assert e.is_constant
    ref = float(MPMATH[name](mpmath.mpf(at)))
    got = e(torch.zeros(3, dtype=torch.float64))
    assert got.shape == (3,)
    assert torch.all(got == got[0])
    assert abs(got[0].item() - ref) <= RTOL * abs(ref) + ATOL
    # the SymPy form of the constant is the exact value, evaluated by the reference evaluator
    assert abs(evaluate(e.sympy, e.symbol, np.zeros(1))[0] - ref) <= RTOL * abs(ref) + ATOL


@pytest.mark.parametrize("name", UNARY)
def test_catalogue_code_computes_the_same_values(name):
    e = parse(f"{name}(x)")
    xt = torch.from_numpy(_grid(name))
    torch.testing.assert_close(run_code(e.code, "x", xt), e(xt), rtol=0, atol=0, equal_nan=True)


def test_unevaluated_custom_constants_are_numbers_for_the_reference():
    # relu(2) and softplus(1) stay unevaluated in SymPy (no evalf); core.expression.numeric must still evaluate them.
    for text, ref in (("x*relu(2)", 2.0), ("x*relu(-1)", 0.0), ("x*softplus(1)", math.log1p(math.e))):
        e = parse(text)
        d = sp.diff(e.sympy, e.symbol)
        got = evaluate(d, e.symbol, np.array([0.0, 1.0]))
        np.testing.assert_allclose(got, [ref, ref], rtol=1e-15, err_msg=text)


# --- LaTeX and code ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["x**2*sin(x)", "exp(-x**2/2)", "sigmoid(x)", "relu(x)", "softplus(x)", "abs(x)", "x**1.5", "pi*x"]
)
def test_latex_comes_from_the_sympy_form(text):
    e = parse(text)
    assert e.latex == sp.latex(e.sympy)
    assert "**" not in e.latex and "torch" not in e.latex


def test_latex_of_the_running_example():
    assert parse("x**2*sin(x)").latex == r"x^{2} \sin{\left(x \right)}"


def test_latex_names_custom_functions():
    assert r"\operatorname{ReLU}" in parse("relu(x)").latex
    assert r"\sigma" in parse("sigmoid(x)").latex
    assert r"\operatorname{softplus}" in parse("softplus(x)").latex


CUSTOM = {
    "relu": (relu, r"\operatorname{ReLU}"),
    "sigmoid": (sigmoid, r"\sigma"),
    "softplus": (softplus, r"\operatorname{softplus}"),
}
POWERS = [
    sp.Integer(2),
    sp.Integer(3),
    sp.Integer(-1),
    sp.Integer(-2),
    sp.Rational(1, 2),
    sp.Rational(3, 2),
    sp.Rational(-1, 3),
    sp.Float(1.5),
    sp.Symbol("x"),
]


@pytest.mark.parametrize("power", POWERS, ids=str)
@pytest.mark.parametrize("name", sorted(CUSTOM))
def test_latex_of_a_custom_function_under_any_power(name, power):
    # SymPy passes exp= to a function under a power (sigmoid(x)**2 in every derivative of the logistic)
    fn, tex = CUSTOM[name]
    x = sp.Symbol("x", real=True)
    for settings in ({}, {"fold_frac_powers": True}, {"root_notation": False}):
        out = sp.latex(fn(x) ** power, **settings)
        assert tex in out and r"\left(x\right)" in out, (settings, out)
        assert out.count("{") == out.count("}")


@pytest.mark.parametrize("name", sorted(CUSTOM))
def test_latex_of_a_custom_function_squared_puts_the_power_on_the_name(name):
    fn, tex = CUSTOM[name]
    x = sp.Symbol("x")
    assert sp.latex(fn(x) ** 2) == tex + r"^{2}\left(x\right)"  # as SymPy writes \sin^{2}{\left(x \right)}
    assert sp.latex(1 / fn(x) ** 2) == r"\frac{1}{" + tex + r"^{2}\left(x\right)}"
    assert sp.latex(sp.sqrt(fn(x))) == r"\sqrt{" + tex + r"\left(x\right)}"


@pytest.mark.parametrize("name", sorted(CUSTOM))
def test_latex_of_custom_functions_in_derivative_subs_and_nested_forms(name):
    fn, tex = CUSTOM[name]
    x = sp.Symbol("x")
    forms = [
        sp.Derivative(fn(x), x),
        sp.Derivative(fn(x) ** 2, (x, 3)),
        sp.Subs(sp.Derivative(fn(x) ** 3, x), x, 0),
        fn(fn(x)) ** 2,
        sigmoid(relu(softplus(fn(x) ** 2))) ** sp.Rational(3, 2),
        sp.exp(-(fn(x) ** 2)) / fn(x - 1) ** 2,
    ]
    for form in forms:
        out = sp.latex(form)
        assert tex in out and "Derivative" not in out, out
        assert name in str(form) and name in sp.pretty(form), form  # str and pretty keep the catalogue name


@pytest.mark.parametrize(
    "text",
    [
        "sigmoid(x)",
        "softplus(x)",
        "silu(x)",
        "relu(x)**2",
        "sigmoid(x)**2",
        "1/sigmoid(x)",
        "sigmoid(relu(x))",
        "softplus(x)**1.5",
        "relu(x)**-2",
    ],
)
def test_every_derivative_of_the_custom_functions_prints(text):
    from core.derivatives import exact_derivative

    for order in (1, 2, 3):
        out = sp.latex(exact_derivative(text, order))
        assert "Derivative" not in out and out.count("{") == out.count("}"), (text, order)


def test_custom_functions_are_real_for_a_real_argument():
    # so SymPy writes d|f|/dx as sign(f) f' (a form the reference evaluates) and |relu(x)| as relu(x)
    x, z = sp.Symbol("x", real=True), sp.Symbol("z")
    assert relu(x).is_real and relu(x).is_nonnegative
    assert sigmoid(x).is_positive and softplus(x).is_positive and sigmoid(x).is_finite
    assert relu(z).is_real is None and sigmoid(z).is_positive is None  # nothing claimed for a complex argument
    assert sp.Abs(relu(x)) == relu(x) and sp.Abs(sigmoid(x)) == sigmoid(x)
    assert sp.diff(sp.Abs(softplus(sp.sin(x))), x).has(sp.sign) is False  # softplus > 0: |softplus| is softplus


def test_latex_does_not_echo_the_raw_text():
    # The page shows LaTeX, never the user's text: a space-padded, redundant input prints normally.
    assert parse("  ((x))  *  ((x)) ").latex == "x^{2}"


# Precedence and associativity are where printed code goes wrong.
CODE_CASES = [
    "-x**2",
    "(-x)**2",
    "2**-x",
    "x**-1",
    "x**2**3",
    "(x**2)**3",
    "x/(x*x)",
    "x-(x-x)",
    "-(x-1)",
    "1/-x",
    "x**-x",
    "(-2)**x",
    "-(2)**x",
    "e**x",
    "pi*x",
    "--x",
    "x*-1",
    "x - -1",
    "(x+1)/(x-1)",
    "x/2/3",
    "x-1-2",
    "2**x**2",
    "(2**x)**2",
    "sin(x)**2",
    "-sin(x)**-2",
    "exp(-x**2/2)",
    "x**2*sin(x)",
    "x*sqrt(x)",
    "x**1.5",
    "log1p(exp(x))",
    "gelu(x)*silu(x)/softplus(x)",
    "1/(1+exp(-x))",
    "(-0.5)**x",
    "0.5**-x",
    "x**0.5**2",
    "x - (x - 1)",
    "x + (1 - x)",
    "x * (x * 3)",
    "x / (x / 3)",
    "-pi + (pi + x)",
]


@pytest.mark.parametrize("text", CODE_CASES)
def test_code_computes_the_same_values(text):
    e = parse(text)
    xt = torch.linspace(-3, 3, 61, dtype=torch.float64)  # holds 0, negative integers and non-integers
    torch.testing.assert_close(run_code(e.code, "x", xt), e(xt), rtol=1e-15, atol=0, equal_nan=True)


@pytest.mark.parametrize("text", CODE_CASES)
def test_code_is_only_torch_math_and_the_variable(text):
    tree = ast.parse(parse(text).code, mode="eval")
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
    assert names <= {"x", "torch", "F", "math"}
    allowed = (
        ast.Expression,
        ast.Constant,
        ast.Name,
        ast.Load,
        ast.Attribute,
        ast.Call,
        ast.UnaryOp,
        ast.USub,
        ast.BinOp,
        ast.Add,
        ast.Sub,
        ast.Mult,
        ast.Div,
        ast.Pow,
    )
    assert all(isinstance(n, allowed) for n in ast.walk(tree))


def test_code_keeps_parentheses_around_a_negative_zero_base():
    # (-0.0)**x is pow(-0.0, x): +inf at x = -2. Printed as "-0.0 ** x", Python reads -(0.0 ** x) = -inf.
    e = parse("(-0.0)**x")
    xt = torch.tensor([-2.0, -1.0, 2.0], dtype=torch.float64)
    torch.testing.assert_close(run_code(e.code, "x", xt), e(xt), rtol=0, atol=0, equal_nan=True)


def test_code_keeps_the_grouping_of_a_sum():
    # Floats do not associate: -1e6 + (1e6 + x) is 0 at x = 1e-11, (-1e6 + 1e6) + x is 1e-11.
    e = parse("-1e6 + (1e6 + x)")
    xt = torch.tensor([1e-11], dtype=torch.float64)
    assert e(xt).item() == 0.0
    assert run_code(e.code, "x", xt).item() == 0.0, e.code


def test_code_keeps_the_grouping_of_a_product():
    # 1e-200 * (1e-200 * x) is 1e-100 at x = 1e300; (1e-200 * 1e-200) * x underflows to 0.
    e = parse("1e-200 * (1e-200 * x)")
    xt = torch.tensor([1e300], dtype=torch.float64)
    assert e(xt).item() == pytest.approx(1e-100, rel=1e-12, abs=0)
    assert run_code(e.code, "x", xt).item() == pytest.approx(1e-100, rel=1e-12, abs=0), e.code


def test_code_uses_the_chosen_variable():
    e = parse("sin(u)*u", variable="u")
    assert e.code == "torch.sin(u) * u"
    ut = torch.linspace(-1, 1, 5, dtype=torch.float64)
    torch.testing.assert_close(run_code(e.code, "u", ut), e(ut), rtol=0, atol=0)


def test_other_variable_names_are_refused_by_the_api():
    with pytest.raises(ValueError):
        parse("y", variable="y")


def test_the_other_variable_is_an_unknown_name():
    with pytest.raises(ExpressionError) as info:
        parse("sin(x)", variable="u")
    assert "'x'" in str(info.value) and "'u'" in str(info.value)


# --- calling an Expression -------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_expression_keeps_the_dtype(dtype):
    xt = torch.linspace(-1, 1, 7, dtype=dtype)
    assert parse("x**2*sin(x)")(xt).dtype == dtype
    assert parse("2**x")(xt).dtype == dtype


def test_constant_expression_gives_a_full_tensor():
    xt = torch.linspace(-1, 1, 7, dtype=torch.float32)
    out = parse("pi/2")(xt)
    assert out.shape == xt.shape and out.dtype == xt.dtype
    assert torch.all(out == torch.tensor(math.pi / 2, dtype=torch.float32))


def test_constants_pi_and_e():
    assert parse("pi").sympy == sp.pi
    assert parse("e").sympy == sp.E
    assert parse("e**x").sympy == sp.exp(parse("x").symbol)


def test_whitespace_and_newlines_are_normalised():
    e = parse("  sin( x )\t*\n2 ")
    assert e.text == "sin( x ) * 2"
    assert e.code == "torch.sin(x) * 2"


def test_tree_size_counts_shared_subtrees_each_time():
    x = sp.Symbol("x")
    s = sp.sin(x)
    assert tree_size(x) == 1
    assert tree_size(s) == 2
    assert tree_size(s * sp.cos(s)) == 1 + 2 + 3


# --- limits: one named test each ------------------------------------------------------------------


def _key(text: str, **kw) -> str:
    with pytest.raises(ExpressionError) as info:
        parse(text, **kw)
    return info.value.key


def test_limit_length():
    padded = "x" + " " * (MAX_LENGTH - 1)
    assert len(padded) == MAX_LENGTH
    parse(padded)
    assert _key(padded + " ") == "err.expr_length"


def test_limit_nodes():
    text = "+".join(["x"] * 40)  # 80 characters, 1 + 39 * 2 + 40 * 2 = 159 ast nodes
    assert len(text) <= MAX_LENGTH
    assert _key(text) == "err.expr_nodes"
    parse("+".join(["x"] * 10))


def test_limit_depth():
    def nested(k: int) -> str:
        return "sin(" * k + "x" + ")" * k

    parse(nested(MAX_DEPTH))
    assert _key(nested(MAX_DEPTH + 1)) == "err.expr_too_deep"


def test_limit_literal_size():
    parse(f"{MAX_LITERAL:.0f}*x")
    assert _key(f"{int(MAX_LITERAL) + 1}*x") == "err.expr_literal"
    assert _key("1e999*x") == "err.expr_literal"


def test_limit_constant_exponent():
    parse(f"x**{MAX_EXPONENT}")
    parse(f"x**-{MAX_EXPONENT}")
    assert _key(f"x**{MAX_EXPONENT + 1}") == "err.expr_exponent"
    assert _key(f"x**-{MAX_EXPONENT + 1}") == "err.expr_exponent"


def test_limit_folded_exponent():
    # the bound applies to the exponent's folded value, not only to a literal
    assert _key("x**(60+5)") == "err.expr_exponent"
    assert _key("x**(1/(1/100))") == "err.expr_exponent"


def test_limit_folded_constant():
    assert parse("1e6*1e6*x").sympy == sp.Float(MAX_CONSTANT) * parse("x").symbol
    assert _key("1e6*1e6*2*x") == "err.expr_constant"
    for text in ("exp(1000)", "1/0", "log(-1)", "sqrt(-1)", "0**-1", "(-8)**(1/3)", "tan(pi/2)"):
        assert _key(text) == "err.expr_constant", text


def test_limit_expanded_sympy_tree():
    # gelu's SymPy form holds its argument twice: nesting doubles the tree
    assert tree_size(parse("gelu(" * 6 + "x" + ")" * 6).sympy) <= MAX_SYMPY_NODES
    assert _key("gelu(" * 7 + "x" + ")" * 7) == "err.expr_expanded"


# --- errors: ValueError subclasses, pt and en messages that say what is wrong ----------------------


def test_expression_error_is_a_value_error():
    assert issubclass(ExpressionError, LabError)
    assert issubclass(ExpressionError, ValueError)
    with pytest.raises(ValueError):
        parse("x^2")


# (text, key, fragments both messages must contain)
ERROR_CASES = [
    ("", "err.expr_empty", ["x**2*sin(x)"]),
    ("   ", "err.expr_empty", ["x**2*sin(x)"]),
    ("x^2", "err.expr_caret", ["^", "x**2"]),
    ("2x", "err.expr_implicit_mul", ["2*x", "2"]),
    ("x $ 1", "err.expr_syntax", ["3", "2*x"]),
    ("x + y", "err.expr_name", ["'y'", "5", "'x'"]),
    ("foo(x)", "err.expr_function", ["'foo'", "sin", "softplus"]),
    ("sin(x, x)", "err.expr_arity", ["sin", "sin(x)"]),
    ("sin(x=1)", "err.expr_arity", ["sin"]),
    ("sin", "err.expr_call_needed", ["sin(...)"]),
    ("x % 2", "err.expr_operator", ["%", "**"]),
    ("x // 2", "err.expr_operator", ["//"]),
    ("x.real", "err.expr_node", [("attribute", "atributo"), "**"]),
    ("x[0]", "err.expr_node", [("indexing", "indexação")]),
    ("'x'", "err.expr_node", ["'str'"]),
    ("x < 1", "err.expr_node", [("comparison", "comparação")]),
    ("2*x + 1e7", "err.expr_literal", ["7", "1e+06"]),
    ("x**65", "err.expr_exponent", ["64"]),
    ("x + 1/0", "err.expr_constant", ["5", "1e+12"]),
    ("x" * (MAX_LENGTH + 1), "err.expr_length", [str(MAX_LENGTH + 1), str(MAX_LENGTH)]),
    ("+".join(["x"] * 40), "err.expr_nodes", ["159", str(MAX_NODES)]),
    ("-(" * 30 + "x" + ")" * 30, "err.expr_too_deep", [str(MAX_DEPTH)]),
]


@pytest.mark.parametrize(("text", "key", "fragments"), ERROR_CASES, ids=[c[1] + ":" + c[0][:12] for c in ERROR_CASES])
def test_error_messages_say_what_is_wrong_in_both_languages(text, key, fragments):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    err = info.value
    assert err.key == key
    en, pt = err.message("en"), err.message("pt")
    assert str(err) == en
    assert en != pt, "the Portuguese message is missing"
    for i, msg in enumerate((en, pt)):
        assert "{" not in msg and "}" not in msg, msg
        for fragment in fragments:
            # a fragment is the same in both languages, or an (English, Portuguese) pair
            part = fragment[i] if isinstance(fragment, tuple) else fragment
            assert part in msg, (part, msg)


def test_error_for_text_that_is_not_a_string():
    with pytest.raises(ExpressionError) as info:
        parse(123)  # type: ignore[arg-type]
    assert info.value.key == "err.expr_type"


def test_error_column_points_at_the_offending_part():
    with pytest.raises(ExpressionError) as info:
        parse("sin(x) + cos(x) + tanx(x)")
    assert info.value.params["col"] == 19
    assert "19" in info.value.message("pt")


# (typed text, key, column in the typed text, fragments both messages must contain)
COLUMN_CASES = [
    ("x+", "err.expr_incomplete", 2, ["'+'"]),
    ("sin(x)+", "err.expr_incomplete", 7, ["'+'"]),
    ("x**", "err.expr_incomplete", 2, ["'**'"]),
    ("  x  +  ", "err.expr_incomplete", 6, ["'+'"]),
    ("x +\n", "err.expr_incomplete", 3, ["'+'"]),
    ("-", "err.expr_incomplete", 1, ["'-'"]),
    ("(x", "err.expr_unclosed", 3, ["'('", "1"]),
    ("sin(x", "err.expr_unclosed", 6, ["'('", "4"]),
    ("sin((x)", "err.expr_unclosed", 8, ["'('", "4"]),
    ("x)", "err.expr_unmatched", 2, ["')'"]),
    ("2x", "err.expr_implicit_mul", 2, ["2*x"]),
    ("  2x", "err.expr_implicit_mul", 4, ["2*x"]),
    ("3.5x + 1", "err.expr_implicit_mul", 4, ["3.5*x"]),
    ("1e3x", "err.expr_implicit_mul", 4, ["1e3*x"]),
    ("2sin(x)", "err.expr_implicit_mul", 2, ["2*sin(x)"]),
    ("x + 2 x", "err.expr_implicit_mul", 7, ["2*x"]),
    ("sin(x) cos(x)", "err.expr_implicit_mul", 8, ["sin(x)*cos(x)"]),
    ("2(x+1)", "err.expr_implicit_mul", 2, ["2*(x+1)"]),
    ("(x+1)(x-1)", "err.expr_implicit_mul", 6, ["(x+1)*(x-1)"]),
    ("x(x+1)", "err.expr_implicit_mul", 2, ["x*(x+1)"]),
    ("x²", "err.expr_superscript", 2, ["'²'", "x**2"]),
    ("x³ + 1", "err.expr_superscript", 2, ["'³'", "x**3"]),
    ("1 + sin(x)²", "err.expr_superscript", 11, ["'²'", "sin(x)**2"]),
    ("x⁻¹", "err.expr_superscript", 2, ["x**(-1)"]),
    ("x¹⁰", "err.expr_superscript", 2, ["x**10"]),
    ("x^2", "err.expr_caret", 2, ["**", "x**2"]),
    ("(x+1) ^ 2", "err.expr_caret", 7, ["**"]),
    ("x^", "err.expr_caret", 2, ["**"]),
    ("x @ 2", "err.expr_operator", 3, ["@"]),
    ("x  //  2", "err.expr_operator", 4, ["//"]),
    ("x $ 1", "err.expr_syntax", 3, []),
    ("sin(x)  +  tanx(x)", "err.expr_function", 12, ["'tanx'"]),
    ("x +\n\n  y", "err.expr_name", 8, ["'y'"]),
    ("ｓｉｎ(x) + tanx(x)", "err.expr_function", 10, ["'tanx'"]),  # NFKC letters: columns in characters, not bytes
]


@pytest.mark.parametrize(("text", "key", "col", "fragments"), COLUMN_CASES, ids=[repr(c[0]) for c in COLUMN_CASES])
def test_error_column_is_where_the_problem_is_in_the_typed_text(text, key, col, fragments):
    with pytest.raises(ExpressionError) as info:
        parse(text)
    err = info.value
    assert (err.key, err.params.get("col")) == (key, col)
    for lang in ("pt", "en"):
        msg = err.message(lang)
        assert str(col) in msg and "{" not in msg, msg
        for fragment in fragments:
            assert fragment in msg, (fragment, msg)
    assert err.message("pt") != err.message("en")


def test_superscript_hint_names_every_superscript_digit():
    for sup, digit in zip("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789", strict=True):
        with pytest.raises(ExpressionError) as info:
            parse(f"x{sup}")
        assert info.value.key == "err.expr_superscript" and f"x**{digit}" in info.value.message("en")


def test_public_sympy_form_uses_the_plain_symbol_users_write():
    x = sp.Symbol("x")
    assert parse("x**2*sin(x)").sympy - x**2 * sp.sin(x) == 0
    assert parse("x**2").sympy.subs("x", 3) == 9  # subs with a name finds it


def test_exact_derivative_is_in_the_plain_symbol_too():
    from core.derivatives import differentiate, exact_derivative

    x = sp.Symbol("x")
    assert exact_derivative("sin(x)") == sp.cos(x)
    assert exact_derivative("abs(x)") == sp.sign(x)
    assert differentiate("x**3", points=5).exact == 3 * x**2
