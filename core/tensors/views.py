"""What each tab of the Tensors page shows below its controls, in order, as plain data.

A view is a list of blocks (a sentence, an alert, a chart, a table, code), each placed in the full
width or in one of the tab's columns. Building it holds all of the page's choices (which chart, with
which title, which message); the page only draws the blocks one by one (``pages/1_tensors.py``).
Texts go through ``t``, the page's translator (see ``core.tensors.tables``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import plotly.graph_objects as go

from core.errors import Both, LabError
from core.tensors import tables
from core.tensors.broadcast_figures import broadcast_cells_figure, broadcast_figure
from core.tensors.broadcasting import BroadcastReport
from core.tensors.calls import Note, Verdict
from core.tensors.code import broadcast_code, concat_code
from core.tensors.concatenation import ConcatReport
from core.tensors.figures import flat_index_figure, index_figure, result_figure, source_figure
from core.tensors.indexing import IndexReport
from core.tensors.interop import ConversionReport
from core.tensors.layout import ReshapeReport
from core.tensors.presets import CONTENT_PX, column_px
from core.tensors.shapes import Shape, format_shape
from core.tensors.tables import Translate

ERROR_ICON = ":material/error:"
SUCCESS_ICON = ":material/check_circle:"
DIFFERENCE_ICON = ":material/compare_arrows:"
PYTHON = {"language": "python"}


@dataclass(frozen=True)
class Block:
    """One thing to draw: ``kind`` names the Streamlit call (markdown, caption, info, success,
    warning, error, plotly_chart, table, code), ``body`` its first argument, ``args`` the others."""

    kind: str
    body: Any
    column: int | None = None  # None: the full width (below the columns when they are open)
    args: dict[str, Any] = field(default_factory=dict)  # a chart's key, an alert's icon, code's language


@dataclass(frozen=True)
class View:
    """A tab's blocks; the first block meant for a column opens the columns (``weights``),
    one under the other when ``stacked`` (a projector)."""

    blocks: list[Block]
    weights: tuple[int, ...] = ()
    stacked: bool = False


def error_block(err: LabError, t: Translate, lang: str, column: int | None = None) -> Block:
    """A core error as the page shows it (``Page.error``): its text in ``lang``, an error icon."""
    params = {k: (v.en if lang == "en" else v.pt) if isinstance(v, Both) else v for k, v in err.params.items()}
    return Block("error", t(err.key, **params), column, {"icon": ERROR_ICON})


def chart(fig: go.Figure | None, key: str, shape: Shape, t: Translate, column: int | None = None) -> Block:
    """The chart, or a line saying why there is none (empty, or too big to draw cell by cell)."""
    if fig is None:
        return Block("info", tables.say(tables.missing_figure(shape), t), column)
    return Block("plotly_chart", fig, column, {"key": key})


def index_view(x: np.ndarray, report: IndexReport | None, t: Translate, lang: str, presentation: bool) -> View:
    """X with the picked cells beside the result(s), how the libraries differ, the table.

    Without a report (the index was refused: the page shows why), X alone, nothing picked.
    """
    look = {"lang": lang, "presentation": presentation}
    title = t("tens.index.x_title", shape=format_shape(x.shape))
    if report is None:
        fig = index_figure(x, np.zeros(x.shape, dtype=int), title=title, **look, width_px=CONTENT_PX)
        return View([chart(fig, "tens_fig_x", x.shape, t)])
    px = column_px([3, 2], presentation)
    blocks = [chart(index_figure(x, report.counts, title=title, **look, width_px=px[0]), "tens_fig_x", x.shape, t, 0)]
    for out, key, note in report.drawn:
        fig = result_figure(out.values, out.positions, x.shape, title=tables.say(note, t), **look, width_px=px[1])
        blocks.append(chart(fig, key, out.shape, t, 1))
    blocks += [Block("warning", tables.say(n, t), args={"icon": DIFFERENCE_ICON}) for n in report.differences]
    blocks += [Block("table", tables.index_rows(report, t)), Block("caption", t("tens.index.view_note"))]
    return View(blocks, (3, 2), presentation)


def reshape_view(x: np.ndarray, report: ReshapeReport, method: str, t: Translate, lang: str, presentation: bool) -> View:
    """The source's layout, its memory positions beside the chosen method's result, the table.

    When ``view`` fails, its error and why, and what ``reshape`` (which copies) gives instead.
    """
    look = {"lang": lang, "presentation": presentation}
    px = column_px([1, 1], presentation)
    chosen, shown = report.outcome(method, "torch"), report.shown(method)
    title = t("tens.reshape.source_title", code=report.source_code)
    fig = flat_index_figure(report.source_positions, x, name=report.source_code, title=title, **look, width_px=px[0])
    blocks = [Block("markdown", tables.reshape_source(report, t)), chart(fig, "tens_fig_source", x.shape, t, 0)]
    if not chosen.ok:
        blocks.append(Block("error", t("tens.reshape.failed", code=chosen.code, error=chosen.error), 1, {"icon": ERROR_ICON}))
        if shown is not None:
            blocks.append(Block("info", t("tens.reshape.why_view_fails"), 1))
    if shown is not None:
        title = t("tens.reshape.result_title", code=shown.code, shape=format_shape(shown.layout.shape))
        fig = flat_index_figure(shown.positions, x, name="Y", title=title, **look, width_px=px[1])
        blocks.append(chart(fig, "tens_fig_reshaped", shown.layout.shape, t, 1))
    if chosen.ok:
        blocks.append(Block("markdown", tables.reshape_outcome(chosen, t), 1))
    blocks += [Block("table", tables.reshape_rows(report, t)), Block("caption", t("tens.reshape.strides_note"))]
    return View(blocks, (1, 1), presentation)


def _verdict(report: Verdict, t: Translate, lang: str, hint: Note | None = None) -> list[Block]:
    """The result's shape, or both libraries' refusal (and a hint); then how the libraries differ."""
    if report.error is None:
        blocks = [Block("success", tables.say(report.result_note, t), args={"icon": SUCCESS_ICON})]
    else:
        blocks = [error_block(report.error, t, lang)]
    if hint is not None:
        blocks.append(Block("info", tables.say(hint, t)))
    return blocks + [Block("warning", tables.say(n, t)) for n in report.differences]


def broadcast_view(report: BroadcastReport, t: Translate, lang: str, presentation: bool) -> View:
    """The result or the conflict, the shapes aligned from the right, A + B cell by cell, the code."""
    blocks = _verdict(report, t, lang)
    for key, figure in (("tens_fig_bc", broadcast_figure), ("tens_fig_bc_cells", broadcast_cells_figure)):
        fig = figure(report, lang=lang, presentation=presentation)
        blocks += [Block("plotly_chart", fig, args={"key": key})] if fig is not None else []
    blocks += [Block("caption", t("tens.bc.rule")), Block("code", broadcast_code(report.a, report.b), args=PYTHON)]
    return View(blocks)


def concat_view(report: ConcatReport, t: Translate, lang: str, presentation: bool) -> View:
    """The result or both refusals, A, B and the result side by side (labels a0, b3...), the code."""
    blocks = _verdict(report, t, lang, report.hint)
    weights = (1, 1, 2)
    for k, (px, (name, title, source, element)) in enumerate(zip(column_px(list(weights)), report.parts, strict=False)):
        fig = source_figure(source, element, name=name, title=title, lang=lang, presentation=presentation, width_px=px)
        blocks.append(chart(fig, f"tens_fig_cat_{('a', 'b', 'result')[k]}", source.shape, t, k))
    return View([*blocks, Block("code", concat_code(report), args=PYTHON)], weights)


def conversion_view(report: ConversionReport, t: Translate, column: int) -> View:
    """The statement that ran (in the controls' ``column``), every object before and after."""
    blocks = [Block("caption", t("tens.conv.running"), column), Block("code", report.statement, column, PYTHON)]
    return View([*blocks, Block("table", tables.conversion_rows(report, t)), Block("caption", t("tens.conv.note"))])
