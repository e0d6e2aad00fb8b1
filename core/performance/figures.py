"""Figures and table rows for the performance lab (Plotly; no streamlit).

Every builder takes a result from ``core.performance.compute`` and the reader's language, and returns
either a ``go.Figure`` or a list of row dicts ready for a table. Log axes carry explicit ticks
at powers of ten, labelled in units a student reads (1 ms, 10 µs; 10×, 0.1×): Plotly's own
log ticks label the minor ticks too ("5, 2, 10, 5, 2") and use SI prefixes (10f, 1p, 100µ).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import plotly.graph_objects as go

from core.devices import DTYPES
from core.i18n import tr
from core.performance.compute import METHODS, InplaceResult, VectorizationResult, unit_roundoff

METHOD_COLORS = {
    "row_loop": "#d1495b",
    "double_loop": "#edae49",
    "torch_mm": "#1f5fbf",
    "numpy_matmul": "#00798c",
}
METHOD_SYMBOLS = {"row_loop": "circle", "double_loop": "diamond", "torch_mm": "square", "numpy_matmul": "triangle-up"}


def method_label(method: str, lang: str) -> str:
    """Translated name of a vectorization method."""
    return tr(f"perf.method.{method}", lang)


def format_seconds(t: float) -> str:
    """A time with a unit a person reads at a glance: 12.3 µs, 4.56 ms, 1.23 s."""
    if t != t or t < 0:  # NaN or a negative placeholder
        return "—"
    if t < 1e-3:
        return f"{t * 1e6:.3g} µs"
    if t < 1:
        return f"{t * 1e3:.3g} ms"
    return f"{t:.3g} s"


def format_bytes(b: float | None) -> str:
    """Bytes in B, KiB or MiB (binary units, as allocators count); "—" when not measured."""
    if b is None:
        return "—"
    if abs(b) < 1024:
        return f"{b:.0f} B"
    if abs(b) < 1024**2:
        return f"{b / 1024:.1f} KiB"
    return f"{b / 1024**2:.2f} MiB"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def power_of_ten(e: int) -> str:
    """10 to the integer power ``e``, written 10⁻³."""
    return "10" + str(e).translate(_SUPERSCRIPT)


def duration_tick(e: int) -> str:
    """The label of 10^e seconds: 1 ns ... 100 ms, 1 s, 10 s, 100 s; beyond, 10⁴ s."""
    if -9 <= e < 3:
        unit, scale = (("ns", -9), ("µs", -6), ("ms", -3), ("s", 0))[min((e + 9) // 3, 3)]
        return f"{10 ** (e - scale)} {unit}"
    return f"{power_of_ten(e)} s"


def factor_tick(e: int) -> str:
    """The label of a factor 10^e: 0.001× ... 1000×; beyond, 10⁴×."""
    if -3 <= e <= 3:
        return f"{10.0**e:g}×"
    return f"{power_of_ten(e)}×"


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
    return {"type": "log", "tickmode": "array", "tickvals": [10.0**e for e in exps],
            "ticktext": [label(e) for e in exps], "range": [low, high + pad_top], "minor": {"showgrid": False}}


MIN_TICK_GAP = 0.08  # decades between two size labels on a log axis: closer labels overlap


def size_ticks(sizes: Iterable[int]) -> list[int]:
    """The sizes to label on a log axis, smallest first, each at least MIN_TICK_GAP decades
    above the previous one (4089, 4090, ... 4096 would print on top of each other)."""
    kept: list[int] = []
    for n in sorted({int(v) for v in sizes if v > 0}):
        if not kept or math.log10(n) - math.log10(kept[-1]) >= MIN_TICK_GAP:
            kept.append(n)
    return kept


def _style(fig: go.Figure, presentation: bool, height: int) -> go.Figure:
    base = 20 if presentation else 13
    fig.update_layout(
        template="plotly_white",
        font={"size": base},
        height=int(height * (1.25 if presentation else 1)),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0, "font": {"size": base}},
        margin={"l": 70, "r": 20, "t": 50, "b": 60},
        hoverlabel={"font_size": base},
    )
    return fig


def timing_figure(result: VectorizationResult, lang: str = "pt", presentation: bool = False) -> go.Figure:
    """Median time per call against n, log-log, one line per method; error bars span the IQR.

    On log-log axes a method whose cost grows like n² is a straight line of slope 2; a constant
    vertical gap between two lines is a constant speed-up factor.
    """
    fig = go.Figure()
    for method in result.methods:
        rows = sorted((t for t in result.timings if t.method == method), key=lambda t: t.n)
        if not rows:
            continue
        fig.add_trace(go.Scatter(
            x=[t.n for t in rows],
            y=[t.median_s for t in rows],
            error_y={
                "type": "data", "symmetric": False,
                "array": [max(t.q3_s - t.median_s, 0.0) for t in rows],
                "arrayminus": [max(t.median_s - t.q1_s, 0.0) for t in rows],
                "thickness": 2.5 if presentation else 1.5,
            },
            mode="lines+markers",
            name=method_label(method, lang),
            line={"color": METHOD_COLORS[method], "width": 4 if presentation else 2},
            marker={"symbol": METHOD_SYMBOLS[method], "size": 12 if presentation else 8},
            customdata=[[format_seconds(t.median_s), format_seconds(t.q1_s), format_seconds(t.q3_s), t.blocks]
                        for t in rows],
            hovertemplate=tr("perf.fig.hover", lang) + "<extra>%{fullData.name}</extra>",
        ))
    # ticks at the measured sizes: the default log ticks (2, 3, ..., 100) label none of them
    sizes = size_ticks(t.n for t in result.timings)
    fig.update_xaxes(type="log", title_text=tr("perf.fig.size_axis", lang, k=result.inner), tickmode="array",
                     tickvals=sizes, ticktext=[str(n) for n in sizes])
    extent = [v for t in result.timings for v in (t.q1_s, t.median_s, t.q3_s)]
    fig.update_yaxes(title_text=tr("perf.fig.time_axis", lang), **log_ticks(extent, duration_tick))
    return _style(fig, presentation, 460)


def speedup_figure(result: VectorizationResult, lang: str = "pt", presentation: bool = False,
                   baseline: str = "row_loop") -> go.Figure:
    """Bars of median(baseline) / median(method) for each size (log scale; 1 = as fast as the baseline)."""
    fig = go.Figure()
    pairs = result.speedups(baseline)
    for method in (m for m in METHODS if m != baseline):
        rows = [(n, r) for n, m, r in pairs if m == method]
        if not rows:
            continue
        fig.add_trace(go.Bar(
            x=[str(n) for n, _ in rows],
            y=[r for _, r in rows],
            name=method_label(method, lang),
            marker_color=METHOD_COLORS[method],
            text=[f"{r:.3g}×" for _, r in rows],
            textposition="outside",
            hovertemplate="n = %{x}<br>%{y:.3g}×<extra>%{fullData.name}</extra>",
        ))
    fig.add_hline(y=1, line_dash="dash", line_color="#555")  # 1 = as fast as the baseline (caption says so)
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category", title_text=tr("perf.fig.n_axis", lang))
    # the ticks include 1 (the dashed line) and leave room for the labels above the bars
    ratios = [r for _, _, r in pairs] + [1.0]
    fig.update_yaxes(title_text=tr("perf.fig.speedup_axis", lang), **log_ticks(ratios, factor_tick, pad_top=0.35))
    return _style(fig, presentation, 420)


def speedup_rows(result: VectorizationResult, lang: str = "pt", baseline: str = "row_loop") -> list[dict[str, str]]:
    """Table rows, one per size: the speed-up of each method over the baseline (ratio of medians)."""
    pairs = result.speedups(baseline)
    methods = [m for m in METHODS if m != baseline and any(p[1] == m for p in pairs)]
    rows = []
    for n in result.sizes:
        found = {m: r for size, m, r in pairs if size == n}
        if found:
            row = {tr("perf.col.n", lang): str(n)}
            row.update({method_label(m, lang): f"{found[m]:.3g}×" if m in found else "—" for m in methods})
            rows.append(row)
    return rows


def tolerance_text(result: VectorizationResult, lang: str = "pt") -> str:
    """The stated tolerance of the correctness check, with this run's unit roundoff."""
    u = unit_roundoff(DTYPES[result.dtype])
    return tr("perf.tolerance", lang, u=f"{u:.3g}", dtype=result.dtype, k=result.inner)


def correctness_rows(result: VectorizationResult, lang: str = "pt") -> list[dict[str, str]]:
    """Table rows: size, method, max |C − C_NumPy|, max error / tolerance, pass or fail."""
    yes, no = tr("perf.yes", lang), tr("perf.no", lang)
    return [
        {
            tr("perf.col.n", lang): str(t.n),
            tr("perf.col.method", lang): method_label(t.method, lang),
            tr("perf.col.max_error", lang): f"{t.max_abs_error:.3g}",
            tr("perf.col.error_ratio", lang): f"{t.error_ratio:.3g}",
            tr("perf.col.correct", lang): yes if t.correct else no,
        }
        for t in sorted(result.timings, key=lambda t: (t.n, METHODS.index(t.method)))
    ]


def contrast_size(result: VectorizationResult) -> int | None:
    """The size for the single-shot contrast: the notebook's 128 if measured, else the smallest."""
    measured = sorted({t.n for t in result.timings})
    if not measured:
        return None
    return 128 if 128 in measured else measured[0]


def single_shot_rows(result: VectorizationResult, lang: str = "pt") -> list[dict[str, str]]:
    """One row per method at ``contrast_size``: the single time.time() call next to median and IQR."""
    n = contrast_size(result)
    rows = []
    for method in result.methods:
        t = result.timing(method, n) if n is not None else None
        if t is None:
            continue
        rows.append({
            tr("perf.col.method", lang): method_label(method, lang),
            tr("perf.col.single_shot", lang): format_seconds(t.first_call_s),
            tr("perf.col.median", lang, repeats=t.blocks): format_seconds(t.median_s),
            tr("perf.col.iqr", lang): format_seconds(t.iqr_s),
        })
    return rows


def single_shot_ratios(result: VectorizationResult) -> tuple[float, float] | None:
    """(single-shot loop/mm, median loop/mm) at ``contrast_size``; None if either is missing."""
    n = contrast_size(result)
    loop = result.timing("row_loop", n) if n is not None else None
    mm = result.timing("torch_mm", n) if n is not None else None
    if loop is None or mm is None or mm.first_call_s <= 0 or mm.median_s <= 0:
        return None
    return loop.first_call_s / mm.first_call_s, loop.median_s / mm.median_s


def allocation_rows(result: InplaceResult, lang: str = "pt") -> list[dict[str, str]]:
    """Table rows per update variant: code, work, bytes/iteration (and in sizes of C), same data_ptr, time, correct."""
    yes, no = tr("perf.yes", lang), tr("perf.no", lang)
    rows = []
    for r in result.rows:
        rows.append({
            tr("perf.col.code", lang): r.code,
            tr("perf.col.work", lang): tr(f"perf.work.{r.work}", lang),
            tr("perf.col.bytes", lang): format_bytes(r.bytes_per_iter) if r.bytes_per_iter is None
            else f"{format_bytes(r.bytes_per_iter)} ({r.bytes_per_iter / result.c_bytes:.2f} C)",
            tr("perf.col.same_ptr", lang): yes if r.keeps_data_ptr else no,
            tr("perf.col.time_iter", lang): f"{format_seconds(r.median_s)} (± {format_seconds((r.q3_s - r.q1_s) / 2)})",
            tr("perf.col.correct", lang): yes if r.correct else no,
        })
    return rows
