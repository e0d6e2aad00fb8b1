"""What the Derivatives page shows for one grid: the chart, the two formulas, the metric, the notes.

The page caches ``grid_view``'s result (a figure and a small ``Summary``), never the grid's arrays,
and renders it; the texts here are the page's, in its language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import plotly.graph_objects as go

from core.allocator import release_memory
from core.derivatives.code import torch_code
from core.derivatives.figures import derivative_figure
from core.derivatives.finite_difference import central_difference
from core.derivatives.grid import Derivative, differentiate
from core.i18n import tr

RELEASE_FROM_POINTS = 100_000  # after grids this large, return freed heap pages (~50 ms)


@dataclass(frozen=True)
class Summary:
    """The small part of a ``Derivative`` the page shows besides the chart, and the program."""

    order: int
    points: int
    latex_f: str
    latex_df: str
    max_abs_error: float
    max_rel_error: float
    error_kind: str
    nonfinite: dict[str, int]
    code: str

    @property
    def f_latex(self) -> str:
        """The function as an equation: ``f(x) = ...``."""
        return f"f(x) = {self.latex_f}"

    @property
    def df_latex(self) -> str:
        """The exact derivative as an equation, primes for the order: ``f''(x) = ...``."""
        return f"f{chr(39) * self.order}(x) = {self.latex_df}"

    @property
    def no_common_point(self) -> bool:
        """Whether no grid point has autograd and the exact derivative both finite."""
        return math.isnan(self.max_abs_error)

    def error_metric(self, lang: str = "pt") -> tuple[str, str, str]:
        """(label, value, help) of the error the page shows: the relative one where the values
        are huge (``Derivative.error_kind``), else the absolute one; a dash where it is NaN."""
        err = self.max_abs_error
        if self.error_kind == "relative":
            rel = self.max_rel_error
            return (
                tr("deriv.max_rel_error", lang),
                _metric(rel),
                tr("deriv.max_rel_error_help", lang, abs=f"{err:.3e}"),
            )
        return tr("deriv.max_error", lang), _metric(err), tr("deriv.max_error_help", lang)

    def nonfinite_note(self, lang: str = "pt") -> str | None:
        """How many points are NaN or ±inf in f, autograd and the exact derivative; None if none."""
        bad = self.nonfinite
        if not any(bad.values()):
            return None
        return tr(
            "deriv.nonfinite", lang, count=max(bad.values()), points=self.points, f=bad["f"], df=bad["df"], exact=bad["df_exact"]
        )


def _metric(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.3e}"


def summarize(result: Derivative, *, start: float, stop: float, points: int, device: str, lang: str = "pt") -> Summary:
    """The page's ``Summary`` of ``result``, its program written for ``start``..``stop`` on ``device``."""
    code = torch_code(
        result.expression, start=start, stop=stop, points=points, device=device, dtype=result.dtype, order=result.order, lang=lang
    )
    return Summary(
        result.order,
        points,
        result.expression.latex,
        result.exact_latex,
        result.max_abs_error,
        result.max_rel_error,
        result.error_kind,
        result.nonfinite,
        code,
    )


def grid_view(
    text: str,
    start: float,
    stop: float,
    points: int,
    device: str,
    dtype: str,
    order: int,
    fd_h: float | None,
    lang: str = "pt",
    presentation: bool = False,
) -> tuple[go.Figure, Summary]:
    """The chart (with the central difference of step ``fd_h`` at order 1) and the ``Summary``.

    Raises ``LabError`` on bad input, as ``differentiate`` does. After a large grid the freed
    memory is handed back to the system: the arrays are gone once this returns. The arguments
    are positional, so that a page can cache this function as it is (``heavy_cache``).
    """
    result = differentiate(text, start=start, stop=stop, points=points, device=device, dtype=dtype, order=order)
    fd = central_difference(result.expression, result.x, fd_h, dtype) if fd_h and order == 1 else None
    fig = derivative_figure(result, lang=lang, fd=fd, fd_h=fd_h, presentation=presentation)
    summary = summarize(result, start=start, stop=stop, points=points, device=device, lang=lang)
    del result, fd
    if points >= RELEASE_FROM_POINTS:
        release_memory()  # the grid's arrays are gone: hand their pages back to the system
    return fig, summary
