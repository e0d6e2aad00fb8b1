"""What the Stability page shows besides its charts: the tables, and the numbers its texts quote.

Tables come with their column names in the page's language; the ``*_params`` helpers give the
values a page text (``stab.*``) takes, already written as the page writes numbers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from core.i18n import tr
from core.stability.evaluation import Comparison
from core.stability.forms import METHODS
from core.stability.grids import AlongX
from core.stability.reasons import why_params
from core.stability.regions import Region
from core.stability.softmax import LogSumExp
from core.stability.thresholds import exp_thresholds

if TYPE_CHECKING:  # pandas imports its Styler (and jinja2) only when a table is styled
    from pandas.io.formats.style import Styler

NONFINITE_CELL = "background-color: #ffd6d6; color: #a00000; font-weight: 600"


def number_text(value: float) -> str:
    """A number as the page writes it in texts: up to 10 significant digits (``400``, ``11.1015625``)."""
    return f"{value:.10g}"


def point_table(point: Comparison, lang: str = "pt") -> pd.DataFrame:
    """One row per form, then the exact reference: f, ∂f/∂x, ∂f/∂y (first three columns, values)
    and the relative errors of f and of the worse gradient (last two columns), indexed by the form."""
    col = {k: tr(f"stab.col.{k}", lang) for k in ("form", "value", "dx", "dy", "err_value", "err_grad")}
    rows = []
    for method in METHODS:
        ev, err = point.results[method], point.errors[method]
        rows.append(
            {
                col["form"]: tr(f"stab.method.{method}", lang),
                col["value"]: ev.value.item(),
                col["dx"]: ev.grad_x.item(),
                col["dy"]: ev.grad_y.item(),
                col["err_value"]: err["value"].item(),
                col["err_grad"]: max(err["grad_x"].item(), err["grad_y"].item()),
            }
        )
    ref = point.reference
    rows.append(
        {
            col["form"]: tr("stab.method.reference", lang),
            col["value"]: ref.value_hi.item(),
            col["dx"]: -ref.grad_hi.item(),
            col["dy"]: ref.grad_hi.item(),
            col["err_value"]: 0.0,
            col["err_grad"]: 0.0,
        }
    )
    return pd.DataFrame(rows).set_index(col["form"])


def region_rows(regions: list[Region], dtype: str, lang: str = "pt") -> list[dict[str, str]]:
    """The regions table: form, value or gradients, result, from, to, and why (with the dtype's numbers)."""
    params = why_params(dtype)

    def edge(r: Region, value: float, is_open: bool) -> str:
        text = number_text(value) if r.exact else f"≈ {number_text(value)}"
        return tr("stab.regions.open", lang, x=text) if is_open else text

    rows = []
    for r in regions:
        why = tr(r.reason, lang, **params)
        why += tr("stab.regions.intermittent", lang) if r.intermittent else ""
        why += "" if r.exact else tr("stab.regions.approx", lang)
        rows.append(
            {
                tr("stab.col.form", lang): tr(f"stab.short.{r.method}", lang),
                tr("stab.col.part", lang): tr(f"stab.part.{r.part}", lang),
                tr("stab.col.kind", lang): tr(f"stab.kind.{r.kind}", lang),
                tr("stab.col.from", lang): edge(r, r.start, r.open_start),
                tr("stab.col.to", lang): edge(r, r.stop, r.open_stop),
                tr("stab.col.why", lang): why,
            }
        )
    return rows


def softmax_table(result: LogSumExp, lang: str = "pt") -> pd.DataFrame:
    """The scaled vector and its softmax three ways, one column each."""
    return pd.DataFrame(
        {
            tr("stab.lse.col.v", lang): result.v,
            tr("stab.lse.col.naive", lang): result.softmax_naive,
            tr("stab.lse.col.torch", lang): result.softmax_torch,
            tr("stab.lse.col.exact", lang): result.softmax_exact,
        }
    )


def highlight_nonfinite(value: object) -> str:
    """The style of one table cell: red for NaN and inf."""
    return NONFINITE_CELL if isinstance(value, float) and not np.isfinite(value) else ""


def point_styler(point: Comparison, lang: str = "pt") -> Styler:
    """``point_table`` as the page shows it: values to 10 digits, errors as 1.23e-16, NaN/inf in red.

    Its uuid is fixed (pandas draws a random one): the same numbers make the same element, and
    the same message, from one run to the next.
    """
    table = point_table(point, lang)
    values, errors = list(table.columns[:3]), list(table.columns[3:])
    style = table.style.format("{:.10g}", subset=values, na_rep="NaN").format("{:.2e}", subset=errors, na_rep="NaN")
    return style.map(highlight_nonfinite).set_uuid("stab_point")


def softmax_styler(result: LogSumExp, lang: str = "pt") -> Styler:
    """``softmax_table`` as the page shows it: 8 digits, NaN/inf in red (a fixed uuid, as ``point_styler``)."""
    return softmax_table(result, lang).style.format("{:.8g}", na_rep="NaN").map(highlight_nonfinite).set_uuid("stab_softmax")


def point_params(point: Comparison) -> dict[str, str]:
    """``stab.stored`` and ``stab.point.caption``: the dtype, the x and y it stores, and its eps."""
    x, y, eps = number_text(point.x.item()), number_text(point.y.item()), f"{exp_thresholds(point.dtype).eps:.3g}"
    return {"dtype": point.dtype, "x": x, "y": y, "eps": eps}


def threshold_metrics(dtype: str) -> list[tuple[str, str, str, dict[str, str]]]:
    """The three exp thresholds of ``dtype`` as metrics: (label key, value, help key, help params)."""
    th = exp_thresholds(dtype)
    return [
        ("stab.th.overflow", f"{th.overflow:.8g}", "stab.th.overflow_help", {"max": f"{th.max:.6g}"}),
        ("stab.th.underflow", f"{th.underflow:.8g}", "stab.th.underflow_help", {}),
        ("stab.th.absorb", f"{th.absorb:.8g}", "stab.th.absorb_help", {"eps": f"{th.eps:.3g}"}),
    ]


def regions_params(line: AlongX) -> dict[str, str]:
    """``stab.regions.caption``: the fixed y and the scanned range of x."""
    xs = line.comparison.x
    return {"y": number_text(line.y), "lo": number_text(xs.min()), "hi": number_text(xs.max()), "dtype": line.comparison.dtype}


def stable_ok_params(line: AlongX) -> dict[str, str] | None:
    """``stab.regions.stable_ok``: the stable form's worst error (also in eps) where it fails nowhere, else None."""
    if any(r.method == "stable" for r in line.regions):
        return None
    worst = line.comparison.worst_error("stable")
    return {"err": f"{worst:.2e}", "ulps": f"{worst / exp_thresholds(line.comparison.dtype).eps:.2f}"}


def finite_shares(grid: Comparison) -> dict[str, str]:
    """``stab.map.summary``: the share of cells where each form's value and gradients are finite."""
    return {m: f"{np.mean(grid.finite(m)):.0%}" for m in METHODS}


def lse_metrics(result: LogSumExp) -> list[tuple[str, str]]:
    """The three log-sum-exps as metrics: (label key, value)."""
    return [
        ("stab.lse.naive", number_text(result.naive)),
        ("stab.lse.torch", number_text(result.torch)),
        ("stab.lse.exact", number_text(result.exact)),
    ]


def lse_range_params(result: LogSumExp) -> dict[str, str]:
    """``stab.lse.range``: the scales for which the naive sum stays finite, and the dtype's T."""
    lo, hi = result.scale_range
    return {"dtype": result.dtype, "lo": number_text(lo), "hi": number_text(hi), "T": why_params(result.dtype)["T"]}
