"""The Chain rule page's chart: the two factors, then their product against the full backward."""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.chain.rule import ChainResult
from core.i18n import tr
from core.style import COLORS, compact, finite, sizes, style


def chain_figure(
    result: ChainResult, *, marks: ChainResult | None = None, lang: str = "pt", presentation: bool = False
) -> go.Figure:
    """Top: the two factors du/dx and dz/du (at u(x)); bottom: their product and the full dz/dx.

    The product is solid and the full derivative dashed on top of it: where they agree the
    two lines are one. ``marks`` (the table's points) adds markers on the full derivative.
    Non-finite values are gaps in the lines; the axes write powers of ten (``style``), never SI
    prefixes: a derivative of 2e-6 must not read "2µ" (nor 3e9 "3G").
    """
    titles = (tr("chain.fig_factors", lang), tr("chain.fig_product", lang))
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08, subplot_titles=titles)
    x = compact(result.x)
    series = [
        (1, result.du_dx, tr("chain.trace_du_dx", lang), COLORS["f"], None),
        (1, result.dz_du, tr("chain.trace_dz_du", lang), COLORS["fd"], None),
        (2, result.dz_dx_chain, tr("chain.trace_chain", lang), COLORS["autograd"], None),
        (2, result.dz_dx, tr("chain.trace_full", lang), COLORS["exact"], "dash"),
    ]
    for row, y, name, color, dash in series:
        line = {"color": color, "dash": dash}
        fig.add_trace(go.Scatter(x=x, y=finite(y), name=name, mode="lines", line=line), row=row, col=1)
    if marks is not None:
        marker = {"color": COLORS["exact"], "size": sizes(presentation).marker, "symbol": "circle-open"}
        name = tr("chain.trace_points", lang)
        fig.add_trace(
            go.Scatter(x=compact(marks.x), y=finite(marks.dz_dx), name=name, mode="markers", marker=marker), row=2, col=1
        )
    fig.update_xaxes(title_text="x", row=2, col=1)
    style(fig, presentation, height=620)
    # the shared style puts the legend just above the plot, where the first subplot title sits
    return fig.update_layout(legend={"y": 1.06}, margin={"t": 110 if presentation else 90})
