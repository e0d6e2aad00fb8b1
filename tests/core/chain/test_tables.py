"""core.chain.tables: what the Chain-rule page shows as text, built in core: cells, columns, metrics, notes."""

from __future__ import annotations

import math

from core.chain.presets import NOTEBOOK_X
from core.chain.rule import chain_rule
from core.chain.tables import (
    accumulation_columns,
    formulas,
    metric_text,
    nonscalar_code,
    nonscalar_columns,
    notes,
    number_cells,
    sum_columns,
    table_columns,
)
from core.chain.traps import accumulation_trap, nonscalar_trap, sum_trap


def test_number_cells_write_nan_and_inf_readably():
    assert number_cells([0.0, 1 / 3, math.nan, math.inf, -math.inf, 1e-300]) == [
        "0",
        "0.3333333333",
        "NaN",
        "inf",
        "-inf",
        "1e-300",
    ]


def test_table_columns_are_the_results_numbers_in_each_language():
    r = chain_rule("1 + x**2", "1 + 7*u**4", list(NOTEBOOK_X))
    en, pt = table_columns(r, "en"), table_columns(r, "pt")
    assert list(en)[-1] == "dz/dx exact" and list(pt)[-1] == "dz/dx exata"
    assert en["dz/du (v.grad)"] == ["28", "224", "3500", "28000"]  # 28 u^3 at u = 1, 2, 5, 10
    assert [float(v) for v in en["dz/dx (full backward)"]] == [0.0, 448.0, 14000.0, 168000.0]  # 56 x u^3


def test_metric_text_and_notes():
    assert metric_text(math.nan) == "—" and metric_text(1.5e-15) == "1.500e-15"
    ok = chain_rule("x*x", "u**3", [1.0, 2.0])
    assert notes(ok, ok) == []
    kink = chain_rule("x**2", "sqrt(u)", [0.0, 1.0])  # sqrt'(0) = inf: a NaN product
    assert notes(kink, kink) == ["chain.nonfinite"]


def test_trap_tables():
    acc = accumulation_trap("x*x", [1.0, 2.0], 3)
    cols = accumulation_columns(acc, "pt")
    assert list(cols) == [
        "x",
        "x.grad após a 1ª chamada",
        "x.grad após a 2ª chamada",
        "x.grad após a 3ª chamada",
        "zero_(), depois 1 chamada",
        "= None, depois 1 chamada",
    ]
    assert cols["x.grad após a 3ª chamada"] == ["6", "12"]
    vjp = nonscalar_trap("x*x", [1.0, 2.0], [3.0, -1.0])
    assert nonscalar_columns(vjp, "en")["u.backward(w)"] == ["6", "-4"]
    assert nonscalar_code(vjp, "en").startswith(">>> u.backward()\nRuntimeError: grad can be implicitly created")
    sums = sum_columns(sum_trap("x*x", [1.0, 2.0]), "en")
    assert sums["elementwise?"] == ["yes", "no", "no"] and sums["gradient of the sum"][2] == "6, 6"


def test_formulas_caption_f_g_and_the_composition():
    r = chain_rule("x*x", "u**3", [1.0])
    (c1, f), (c2, g), (c3, comp) = formulas(r)
    assert (c1, c2, c3) == ("chain.latex_inner", "chain.latex_outer", "chain.latex_comp")
    assert f.startswith("u = f(x) = ") and g == "z = g(u) = u^{3}"
    assert comp == rf"z = {r.composition_latex}, \quad \frac{{dz}}{{dx}} = {r.exact_latex}"
