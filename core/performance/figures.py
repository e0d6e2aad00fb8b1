"""The Performance lab's charts: time per call against n, and the speed-up over the row loop.

Every builder takes a ``VectorizationResult`` and the reader's language and returns a
``go.Figure`` in the app's style (``core.style``). Log axes carry explicit ticks at powers of
ten, labelled in units a student reads (1 ms, 10 µs; 10×, 0.1×): Plotly's own log ticks label
the minor ticks too ("5, 2, 10, 5, 2") and use SI prefixes (10f, 1p, 100µ).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import plotly.graph_objects as go

from core.i18n import tr
from core.performance.presets import METHODS
from core.performance.tables import format_seconds, method_label
from core.performance.vectorization import VectorizationResult
from core.style import power_text, sizes, style

METHOD_COLORS = {
    "row_loop": "#d1495b",
    "double_loop": "#edae49",
    "torch_mm": "#1f5fbf",
    "numpy_matmul": "#00798c",
}
METHOD_SYMBOLS = {"row_loop": "circle", "double_loop": "diamond", "torch_mm": "square", "numpy_matmul": "triangle-up"}
# room for tick labels with units ("100 µs") on the left and the size axis's title below
MARGIN = {"l": 70, "r": 20, "t": 50, "b": 60}


def duration_tick(e: int) -> str:
    """The label of 10^e seconds: 1 ns ... 100 ms, 1 s, 10 s, 100 s; beyond, 10⁴ s."""
    if -9 <= e < 3:
        unit, scale = (("ns", -9), ("µs", -6), ("ms", -3), ("s", 0))[min((e + 9) // 3, 3)]
        return f"{10 ** (e - scale)} {unit}"
    return f"{power_text(e)} s"


def factor_tick(e: int) -> str:
    """The label of a factor 10^e: 0.001× ... 1000×; beyond, 10⁴×."""
    if -3 <= e <= 3:
        return f"{10.0**e:g}×"
    return f"{power_text(e)}×"


def log_ticks(values: Iterable[float], label: Callable[[int], str], pad_top: float = 0.0) -> dict:
    """Axis settings for a log axis: a tick at every power of ten from the decade below the
    smallest positive value to the decade above the largest, labelled by ``label``, and the
    range fixed to those decades (so at least two ticks show). Non-positive and non-finite
    values are ignored; none left gives the decade [1, 10]. ``pad_top`` adds room above (in
    decades) for labels drawn outside bars."""
    logs = [math.log10(v) for v in values if isinstance(v, (int, float)) and math.isfinite(v) and v > 0]
    # a twentieth of a decade of margin keeps a point that sits on a power of ten off the edge
    low = math.floor(min(logs) - 0.05) if logs else 0
    high = math.ceil(max(logs) + 0.05) if logs else 1
    high = max(high, low + 1)
    exps = list(range(low, high + 1))
    return {
        "type": "log",
        "tickmode": "array",
        "tickvals": [10.0**e for e in exps],
        "ticktext": [label(e) for e in exps],
        "range": [low, high + pad_top],
        "minor": {"showgrid": False},
    }


MIN_TICK_GAP = 0.08  # decades between two size labels on a log axis: closer labels overlap


def size_ticks(sizes: Iterable[int]) -> list[int]:
    """The sizes to label on a log axis, smallest first, each at least MIN_TICK_GAP decades
    above the previous one (4089, 4090, ... 4096 would print on top of each other)."""
    kept: list[int] = []
    for n in sorted({int(v) for v in sizes if v > 0}):
        if not kept or math.log10(n) - math.log10(kept[-1]) >= MIN_TICK_GAP:
            kept.append(n)
    return kept


def timing_figure(result: VectorizationResult, lang: str = "pt", presentation: bool = False) -> go.Figure:
    """Median time per call against n, log-log, one line per method; error bars span the IQR.

    On log-log axes a method whose cost grows like n² is a straight line of slope 2; a constant
    vertical gap between two lines is a constant speed-up factor.
    """
    size = sizes(presentation)
    fig = go.Figure()
    for method in result.methods:
        rows = sorted((t for t in result.timings if t.method == method), key=lambda t: t.n)
        if not rows:
            continue
        fig.add_trace(
            go.Scatter(
                x=[t.n for t in rows],
                y=[t.median_s for t in rows],
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": [max(t.q3_s - t.median_s, 0.0) for t in rows],
                    "arrayminus": [max(t.median_s - t.q1_s, 0.0) for t in rows],
                    "thickness": size.thin,
                },
                mode="lines+markers",
                name=method_label(method, lang),
                line={"color": METHOD_COLORS[method], "width": size.line},
                marker={"symbol": METHOD_SYMBOLS[method], "size": size.marker},
                customdata=[[format_seconds(t.median_s), format_seconds(t.q1_s), format_seconds(t.q3_s), t.blocks] for t in rows],
                hovertemplate=tr("perf.fig.hover", lang) + "<extra>%{fullData.name}</extra>",
            )
        )
    # ticks at the measured sizes: the default log ticks (2, 3, ..., 100) label none of them
    labelled = size_ticks(t.n for t in result.timings)
    fig.update_xaxes(
        type="log",
        title_text=tr("perf.fig.size_axis", lang, k=result.inner),
        tickmode="array",
        tickvals=labelled,
        ticktext=[str(n) for n in labelled],
    )
    extent = [v for t in result.timings for v in (t.q1_s, t.median_s, t.q3_s)]
    fig.update_yaxes(title_text=tr("perf.fig.time_axis", lang), **log_ticks(extent, duration_tick))
    return _style(fig, presentation, 460)


def speedup_figure(
    result: VectorizationResult, lang: str = "pt", presentation: bool = False, baseline: str = "row_loop"
) -> go.Figure:
    """Bars of median(baseline) / median(method) for each size (log scale; 1 = as fast as the baseline)."""
    fig = go.Figure()
    pairs = result.speedups(baseline)
    for method in (m for m in METHODS if m != baseline):
        rows = [(n, r) for n, m, r in pairs if m == method]
        if not rows:
            continue
        fig.add_trace(
            go.Bar(
                x=[str(n) for n, _ in rows],
                y=[r for _, r in rows],
                name=method_label(method, lang),
                marker_color=METHOD_COLORS[method],
                text=[f"{r:.3g}×" for _, r in rows],
                textposition="outside",
                hovertemplate="n = %{x}<br>%{y:.3g}×<extra>%{fullData.name}</extra>",
            )
        )
    fig.add_hline(y=1, line_dash="dash", line_color="#555")  # 1 = as fast as the baseline (caption says so)
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category", title_text=tr("perf.fig.n_axis", lang))
    # the ticks include 1 (the dashed line) and leave room for the labels above the bars
    ratios = [r for _, _, r in pairs] + [1.0]
    fig.update_yaxes(title_text=tr("perf.fig.speedup_axis", lang), **log_ticks(ratios, factor_tick, pad_top=0.35))
    return _style(fig, presentation, 420)


def _style(fig: go.Figure, presentation: bool, height: int) -> go.Figure:
    """The app's style (``core.style.style``) with this lab's margins."""
    return style(fig, presentation, height).update_layout(margin=MARGIN)
