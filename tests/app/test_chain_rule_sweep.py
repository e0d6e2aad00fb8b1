"""Every catalogue pair through the Chain-rule page, in every dtype it offers (float64 in pt, float32 in en).

No exception and no error for any pair; the table shows core's numbers, the chart draws core's
curve, both graphs and the program are there.
"""

from __future__ import annotations

import base64
import itertools
import json

import numpy as np
import pytest

from core.chain.presets import DTYPE_CHOICES, INNER_CATALOGUE, NOTEBOOK_X, OUTER_CATALOGUE, chart_grid
from core.chain.rule import chain_rule
from core.chain.tables import table_columns
from tests.app.conftest import open_page

PAGE = "4_chain_rule.py"
PAIRS = list(itertools.product(INNER_CATALOGUE, OUTER_CATALOGUE))
COMBOS = [("sigmoid(x)**2", "relu(u)**2"), ("relu(x)**2", "sigmoid(u)**3"), ("softplus(x)**3", "exp(-sigmoid(u)**2)")]
# the functions of issue 14, two per pair; at x = 1, min(u, 1) ties (the table shows torch's half)
NEW_PAIRS = [
    ("asin(x/4)", "acosh(u + 2)"),
    ("acos(x/4)", "atanh(u/4)"),
    ("asinh(x)", "sec(u)"),
    ("csc(x)", "cot(u)"),
    ("erfc(x)", "sinc(u)"),
    ("expm1(x)", "log2(u)"),
    ("sign(x)", "log10(u + 2)"),
    ("max(x, 0.5)", "min(u, 1)"),
    ("clamp(x, -1, 1)", "expm1(u)"),
]
CELL_RTOL = 1e-9  # the page writes 10 significant digits


def _decode(values) -> np.ndarray:
    if isinstance(values, dict):  # plotly 7 sends numpy arrays as {"dtype", "bdata"}
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=np.dtype(values["dtype"])).astype(np.float64)
    return np.asarray([np.nan if v is None else v for v in values], dtype=np.float64)


def _same_numbers(shown: list[str], expected: np.ndarray, rtol: float) -> bool:
    got = np.array([float(v) for v in shown])
    want = np.asarray(expected, dtype=np.float64)
    if not np.array_equal(np.isnan(got), np.isnan(want)) or not np.array_equal(np.isinf(got), np.isinf(want)):
        return False
    fin = np.isfinite(want)
    return bool(
        np.all(np.abs(got[fin] - want[fin]) <= rtol * np.abs(want[fin]))
        and np.all(got[~fin & ~np.isnan(want)] == want[~fin & ~np.isnan(want)])
    )


def check_pair(at, inner: str, outer: str, dtype: str, lang: str) -> None:
    """Type the pair, rerun, and compare everything the page shows with core."""
    at.text_input(key="chain_inner").set_value(inner)
    at.text_input(key="chain_outer").set_value(outer)
    at.run()
    assert not at.exception, (inner, outer, dtype, [e.value for e in at.exception])
    assert not at.error, (inner, outer, dtype, [e.value for e in at.error])

    expected = table_columns(chain_rule(inner, outer, list(NOTEBOOK_X), dtype=dtype), lang)
    shown = at.dataframe[0].value
    assert list(shown.columns) == list(expected)
    for name, cells in expected.items():
        want = np.array([float(c) for c in cells])
        assert _same_numbers(list(shown[name]), want, CELL_RTOL), (inner, outer, dtype, name, list(shown[name]), cells)

    curve = chain_rule(inner, outer, list(chart_grid(-3.0, 3.0)), dtype=dtype)
    (chart,) = at.get("plotly_chart")
    traces = json.loads(chart.proto.spec)["data"]
    full = _decode(traces[3]["y"])
    want = np.where(np.isfinite(curve.dz_dx), curve.dz_dx, np.nan).astype(np.float32).astype(np.float64)
    np.testing.assert_array_equal(full, want)
    assert len(at.get("graphviz_chart")) == 2
    code = at.code[0].value
    assert "dz_dx_chain = dz_du * du_dx" in code
    assert ("# <- preenche" in code) if lang == "pt" else ("# <- fills" in code)


@pytest.fixture(scope="module", params=[("float64", "pt"), ("float32", "en")], ids=["float64-pt", "float32-en"])
def page(request):
    dtype, lang = request.param
    at = open_page(PAGE, lang=lang)
    assert not at.exception and at.selectbox(key="chain_dtype").value == DTYPE_CHOICES[0] == "float64"
    if dtype != DTYPE_CHOICES[0]:
        at.selectbox(key="chain_dtype").set_value(dtype).run()
    assert set(DTYPE_CHOICES) == {"float64", "float32"}
    return at, dtype, lang


@pytest.mark.parametrize("inner,outer", PAIRS + COMBOS + NEW_PAIRS, ids=[f"{f}|{g}" for f, g in PAIRS + COMBOS + NEW_PAIRS])
def test_pair_on_the_page(page, inner, outer):
    at, dtype, lang = page
    check_pair(at, inner, outer, dtype, lang)
