"""What the Chain rule page shows as text: the tables' cells and columns, the metrics, the notes."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from core.chain.rule import ChainResult
from core.chain.traps import AccumulationTrap, NonScalarTrap, SumCase
from core.i18n import tr


def formulas(result: ChainResult) -> list[tuple[str, str]]:
    """(caption key, LaTeX) of f, of g, and of the composition with its exact derivative."""
    return [
        ("chain.latex_inner", f"u = f(x) = {result.inner_latex}"),
        ("chain.latex_outer", f"z = g(u) = {result.outer_latex}"),
        ("chain.latex_comp", rf"z = {result.composition_latex}, \quad \frac{{dz}}{{dx}} = {result.exact_latex}"),
    ]


def number_cells(values: object) -> list[str]:
    """Numbers as table text with 10 significant digits, NaN written ``NaN`` and ±inf as ``inf``.

    Text, not numbers: a dataframe shows NaN as "None", and NaN is what this lab is about.
    """
    return [f"{v:.10g}".replace("nan", "NaN") for v in np.asarray(values, dtype=np.float64).ravel()]


def metric_text(value: float) -> str:
    """A maximum difference for a metric: ``1.234e-15``, or a dash when no point had both finite."""
    return "—" if math.isnan(value) else f"{value:.3e}"


def table_columns(result: ChainResult, lang: str = "pt") -> dict[str, list[str]]:
    """The page's table: x, u, z, both factors, their product, the full backward and the exact dz/dx."""
    return {
        "x": number_cells(result.x),
        tr("chain.col_u", lang): number_cells(result.u),
        tr("chain.col_z", lang): number_cells(result.z),
        tr("chain.col_du_dx", lang): number_cells(result.du_dx),
        tr("chain.col_dz_du", lang): number_cells(result.dz_du),
        tr("chain.col_chain", lang): number_cells(result.dz_dx_chain),
        tr("chain.col_full", lang): number_cells(result.dz_dx),
        tr("chain.col_exact", lang): number_cells(result.dz_dx_exact),
    }


def notes(table: ChainResult, curve: ChainResult) -> list[str]:
    """Text keys of the notes the results call for: one when a value is not finite (NaN or ±inf).

    (An exact derivative that the NumPy evaluator cannot evaluate is no note: ``chain_rule``
    raises ``err.no_reference`` for it, and the page shows that message.)
    """
    arrays = (table.du_dx, table.dz_du, table.dz_dx_chain, table.dz_dx, curve.dz_dx)
    return [] if all(np.isfinite(a).all() for a in arrays) else ["chain.nonfinite"]


def accumulation_columns(acc: AccumulationTrap, lang: str = "pt") -> dict[str, list[str]]:
    """x, x.grad after each call, then after ``zero_()`` and after ``= None`` (one more call each)."""
    columns = {"x": number_cells(acc.x)}
    for k, grad in enumerate(acc.grads, start=1):
        columns[tr("chain.trap_after", lang, k=k)] = number_cells(grad)
    columns[tr("chain.trap_zero", lang)] = number_cells(acc.after_zero)
    columns[tr("chain.trap_none", lang)] = number_cells(acc.after_none)
    return columns


def nonscalar_columns(trap: NonScalarTrap, lang: str = "pt") -> dict[str, list[str]]:
    """x, the gradient from ``backward(ones)``, from ``sum().backward()``, w, and from ``backward(w)``."""
    return {
        "x": number_cells(trap.x),
        tr("chain.col_ones", lang): number_cells(trap.grad_ones),
        tr("chain.col_sum", lang): number_cells(trap.grad_sum),
        tr("chain.col_w", lang): number_cells(trap.weights),
        tr("chain.col_weighted", lang): number_cells(trap.grad_weights),
    }


def nonscalar_code(trap: NonScalarTrap, lang: str = "pt") -> str:
    """The failing call and PyTorch's own (English) message, as a console would show them."""
    return f">>> u.backward()\nRuntimeError: {trap.message}" if trap.message else tr("chain.trap_no_error", lang)


def sum_columns(cases: Sequence[SumCase], lang: str = "pt") -> dict[str, list[str]]:
    """One row per function: its code, elementwise or not, the gradient of the sum, the Jacobian's diagonal."""

    def values(a: np.ndarray) -> str:
        return ", ".join(f"{v:.6g}" for v in a)

    return {
        tr("chain.col_case", lang): [c.code for c in cases],
        tr("chain.col_elementwise", lang): [tr("chain.yes" if c.elementwise else "chain.no", lang) for c in cases],
        tr("chain.col_grad_sum", lang): [values(c.grad_of_sum) for c in cases],
        tr("chain.col_diag", lang): [values(c.jacobian_diagonal) for c in cases],
    }
