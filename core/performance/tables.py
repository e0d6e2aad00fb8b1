"""What the Performance page shows of a run, besides the charts: table rows, units, and lists of cells.

Every builder takes a result and the reader's language and returns plain text or a list of row
dicts ready for a table (no streamlit).
"""

from __future__ import annotations

from core.devices import DTYPES
from core.i18n import tr
from core.performance.code import UPDATE_CODE
from core.performance.inplace import InplaceResult
from core.performance.matmul import unit_roundoff
from core.performance.presets import METHODS
from core.performance.vectorization import VectorizationResult
from core.performance.version_counter import VersionCounterDemo


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


def skipped_cells(result: VectorizationResult, reason: str, lang: str) -> str:
    """The cells left out for ``reason`` ("budget" or "size_limit"): "torch.mm n = 4096, …"."""
    return ", ".join(f"{method_label(s.method, lang)} n = {s.n}" for s in result.skipped if s.reason == reason)


def skipped_updates(result: InplaceResult) -> str:
    """The update variants the budget left out, as code spans: "`C = C + D`, …"."""
    return ", ".join(f"`{UPDATE_CODE[v]}`" for v in result.skipped)


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
        rows.append(
            {
                tr("perf.col.method", lang): method_label(method, lang),
                tr("perf.col.single_shot", lang): format_seconds(t.first_call_s),
                tr("perf.col.median", lang, repeats=t.blocks): format_seconds(t.median_s),
                tr("perf.col.iqr", lang): format_seconds(t.iqr_s),
            }
        )
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
        allocated = format_bytes(r.bytes_per_iter)
        if r.bytes_per_iter is not None:
            allocated += f" ({r.bytes_per_iter / result.c_bytes:.2f} C)"
        rows.append(
            {
                tr("perf.col.code", lang): r.code,
                tr("perf.col.work", lang): tr(f"perf.work.{r.work}", lang),
                tr("perf.col.bytes", lang): allocated,
                tr("perf.col.same_ptr", lang): yes if r.keeps_data_ptr else no,
                tr("perf.col.time_iter", lang): f"{format_seconds(r.median_s)} (± {format_seconds(r.iqr_s / 2)})",
                tr("perf.col.correct", lang): yes if r.correct else no,
            }
        )
    return rows


def version_rows(demo: VersionCounterDemo, lang: str = "pt") -> list[dict[str, float]]:
    """Table rows of the fixed demo: x, the gradient autograd gave, and 2 s (1 − s) from NumPy."""
    columns = [tr(f"perf.col.{c}", lang) for c in ("x", "grad", "expected")]
    return [dict(zip(columns, values, strict=True)) for values in zip(demo.x, demo.fixed_grad, demo.expected_grad, strict=True)]


def conditions(result: VectorizationResult) -> dict[str, object]:
    """The parameters of ``perf.conditions``: where and how the run measured, and its budget."""
    r = result
    return {
        "device": r.device,
        "dtype": r.dtype,
        "k": r.inner,
        "threads": r.threads,
        "repeats": r.repeats,
        "elapsed": r.elapsed_s,
        "budget": r.budget_s,
    }
