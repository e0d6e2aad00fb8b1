"""The Derivatives page over its whole input space (issue 10): every catalogue function, as
itself, squared, inverted and times x, at every order and every dtype, and every composition of
two catalogue functions, in both languages. No exception, no error box; the numbers on the page
are the numbers core computed.

Core's own sweep (tests/core/test_sweep.py) checks the values; this one checks that the page
draws every case: LaTeX of each derivative, the chart, the code, the graph.
"""

from __future__ import annotations

import itertools

import pytest

from core.derivatives import MAX_ORDER, differentiate
from core.expression.catalogue import CATALOGUE
from tests.app.conftest import open_page

PAGE = "3_derivatives.py"
POINTS = 101  # the page's cost is drawing, not the grid
DTYPES = ("float64", "float32")
FORMS = ("{f}(x)", "{f}(x)**2", "1/{f}(x)", "x*{f}(x)")
# the catalogue of issue 10, swept whole; the functions of issue 14 in NEW_CALLS, one session
NAMES = ("abs", "atan", "cos", "cosh", "erf", "exp", "gelu", "log", "log1p", "relu")
NAMES += ("sigmoid", "silu", "sin", "sinh", "softplus", "sqrt", "tan", "tanh")
NEW_CALLS = ["acos(x)", "acosh(x)", "asin(x)", "asinh(x)", "atanh(x)", "cot(x)", "csc(x)", "sec(x)", "erfc(x)"]
NEW_CALLS += ["expm1(x)", "log10(x)", "log2(x)", "sign(x)", "sinc(x)", "max(x, 0.375)", "min(x, 0.375)", "clamp(x, -0.75, 1.5)"]


def small_page(lang: str):
    at = open_page(PAGE, lang=lang)
    at.number_input(key="deriv_points").set_value(POINTS).run()
    at.number_input(key="deriv_start").set_value(-3.0).run()
    at.number_input(key="deriv_stop").set_value(3.0).run()
    return at


def show(at, text: str, order: int, dtype: str):
    at.text_input(key="deriv_expr").set_value(text)
    at.segmented_control(key="deriv_order").set_value(order)
    at.selectbox(key="deriv_dtype").set_value(dtype)
    return at.run()


def assert_drawn(at, case: str) -> None:
    assert not at.exception, (case, [e.value for e in at.exception])
    assert not at.error, (case, [e.value for e in at.error])
    assert at.get("plotly_chart"), case
    assert len(at.latex) >= 2, case


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("lang", ["pt", "en"])
def test_every_function_order_and_dtype(form, lang):
    at = small_page(lang)
    for name, order, dtype in itertools.product(NAMES, range(1, MAX_ORDER + 1), DTYPES):
        text = form.format(f=name)
        show(at, text, order, dtype)
        assert_drawn(at, f"{text} order {order} {dtype}")


@pytest.mark.parametrize("outer", NAMES)
def test_every_composition(outer):
    """Each of the 18 x 18 compositions once, the order and dtype rotating over every pair."""
    at = small_page("pt" if NAMES.index(outer) % 2 else "en")
    combos = list(itertools.product(range(1, MAX_ORDER + 1), DTYPES))
    for k, inner in enumerate(NAMES):
        order, dtype = combos[(k + NAMES.index(outer)) % len(combos)]
        text = f"{outer}({inner}(x))"
        show(at, text, order, dtype)
        assert_drawn(at, f"{text} order {order} {dtype}")


def test_every_new_function_is_drawn():
    """Each function added by issue 14 once, in one session, the order, dtype and language rotating."""
    assert {c.split("(")[0] for c in NEW_CALLS} | set(NAMES) == {n for n, f in CATALOGUE.items() if f.min_variables == 1}
    combos = list(itertools.product(range(1, MAX_ORDER + 1), DTYPES))
    at = small_page("en")
    for k, text in enumerate(NEW_CALLS):
        order, dtype = combos[k % len(combos)]
        show(at, text, order, dtype)
        assert_drawn(at, f"{text} order {order} {dtype}")


@pytest.mark.parametrize(
    "text,order,dtype",
    [("sigmoid(x)", 2, "float64"), ("exp(exp(exp(x)))", 1, "float64"), ("relu(x)**2", 1, "float32"), ("silu(x)", 3, "float32")],
)
def test_the_numbers_on_the_page_are_core_numbers(text, order, dtype):
    at = small_page("en")
    show(at, text, order, dtype)
    assert_drawn(at, text)
    result = differentiate(text, start=-3.0, stop=3.0, points=POINTS, dtype=dtype, order=order)
    shown = at.metric[0].value
    expected = result.max_rel_error if result.error_kind == "relative" else result.max_abs_error
    assert shown == f"{expected:.3e}"


def test_huge_values_show_the_relative_error():
    """exp(exp(exp(x))) on [-3, 3]: values near 1e8e8 make the absolute error meaningless."""
    at = small_page("en")
    show(at, "exp(exp(exp(x)))", 1, "float64")
    assert "relative" in at.metric[0].label.lower()
    assert float(at.metric[0].value) < 1e-10
