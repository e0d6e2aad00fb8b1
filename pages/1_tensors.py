"""Tensor playground: indexing, reshape/view, broadcasting, cat/stack, NumPy <-> PyTorch.

Every widget is drawn on every run, whatever fails (Streamlit forgets a widget a run does not draw):
a bad X is reported at the top and in the two tabs that need it, a bad input in a tab stops that tab
only, and each tab puts its own widgets in the share link. The widgets are described in
core/tensors/controls.py and what each tab shows below them in core/tensors/views.py.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core import tensors as tens
from core.errors import LabError
from core.tensors import tables, views
from core.tensors.controls import CONTROLS
from ui.frame import Page, run

CHART = {"width": "stretch", "config": {"displayModeBar": False}}
cached = st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
index_cached, reshape_cached, broadcast_cached, concat_cached = map(
    cached, (tens.index_tensor, tens.reshape_report, tens.broadcast_report, tens.concat_report)
)
devices_cached = st.cache_data(max_entries=1, ttl=3600, show_spinner=False)(tens.device_reports)
PRESET_BOXES = tables.preset_boxes()


def control(page: Page, key: str, where=st, **extra):
    """The widget ``key`` as core/tensors/controls.py describes it; for a choice, the name behind its label."""
    c = CONTROLS[key]
    label, args = page.t(c.label), {"key": key, "help": page.t(c.help) if c.help else None, **extra}
    if c.kind == "number":
        return page.number(label, low=c.bounds[0], high=c.bounds[1], value=c.default, where=where, bind=True, **args)
    if c.kind == "text":
        return where.text_input(label, value=c.default, bind="query-params", max_chars=c.chars, **args)
    if c.kind == "toggle":
        return where.toggle(label, bind="query-params", **args)
    if c.kind == "radio":
        chosen = where.radio(label, list(c.options), horizontal=True, bind="query-params", **args)
    else:
        chosen = where.segmented_control(label, list(c.options), default=c.default, bind="query-params", **args)
    return c.options.get(chosen, c.options[c.default])


def row(page: Page, weights: list[int] | None, keys: tuple[str, ...], **extra: dict) -> tuple[list, list]:
    """Controls side by side (one alone: the full width), their values put in the share link."""
    cols = st.columns(weights) if weights else [st]
    values = [control(page, key, col, **extra.get(key, {})) for key, col in zip(keys, cols, strict=True)]
    page.share({k: st.session_state.get(k) for k in keys})
    return values, cols


def pills(page: Page, label: str, pill: str, *boxes: str) -> None:
    """Examples that, clicked, fill the boxes (then the pill clears: the boxes are the truth)."""
    st.pills(page.t(label), list(PRESET_BOXES[pill]), key=pill, on_change=copy_preset, args=(pill, *boxes))


def copy_preset(pill: str, *boxes: str) -> None:
    if chosen := st.session_state.get(pill):
        st.session_state.update(zip(boxes, PRESET_BOXES[pill][chosen], strict=True))
    st.session_state[pill] = None


def attempt(page: Page, fn, *args):
    """``fn(*args)``, or None once its error is shown (only this tab stops)."""
    try:
        return fn(*args)
    except LabError as err:
        page.error(err)


def show(page: Page, view: views.View, columns: list | None = None) -> None:
    """Draw a tab's blocks in order; the first one meant for a column opens the tab's columns."""
    for block in view.blocks:
        if block.column is not None and columns is None:
            columns = [st.container() for _ in view.weights] if view.stacked else st.columns(list(view.weights))
        where = st if block.column is None else columns[block.column]
        getattr(where, block.kind)(block.body, **block.args, **(CHART if block.kind == "plotly_chart" else {}))


def indexing(page: Page, x: np.ndarray | None) -> None:
    st.markdown(page.t("tens.index.intro"))
    pills(page, "tens.presets", "tens_index_preset", "tens_index")
    (text,), _ = row(page, None, ("tens_index",))
    if x is None:
        st.info(page.t("tens.need_x"))
    else:  # when the index is refused, X alone under the message
        show(page, views.index_view(x, attempt(page, index_cached, x, text), page.t, page.lang, page.presentation))


def reshaping(page: Page, x: np.ndarray | None) -> None:
    st.markdown(page.t("tens.reshape.intro"))
    swap = {"disabled": x is not None and x.ndim < 2}
    (target, method, swap), _ = row(page, [2, 3, 2], ("tens_target", "tens_method", "tens_transpose"), tens_transpose=swap)
    if x is None:
        st.info(page.t("tens.need_x"))
    elif report := attempt(page, reshape_cached, x.shape, target, swap):
        show(page, views.reshape_view(x, report, method, page.t, page.lang, page.presentation))


def broadcasting(page: Page, x: np.ndarray | None) -> None:
    st.markdown(page.t("tens.bc.intro"))
    pills(page, "tens.bc.presets", "tens_bc_preset", "tens_bc_a", "tens_bc_b")
    (a, b), _ = row(page, [1, 1], ("tens_bc_a", "tens_bc_b"))
    if report := attempt(page, broadcast_cached, a, b):
        show(page, views.broadcast_view(report, page.t, page.lang, page.presentation))


def concatenating(page: Page, x: np.ndarray | None) -> None:
    st.markdown(page.t("tens.cat.intro"))
    (a, b, dim, op), _ = row(page, [2, 2, 1, 2], ("tens_cat_a", "tens_cat_b", "tens_cat_dim", "tens_cat_op"))
    if report := attempt(page, concat_cached, a, b, dim, op):
        show(page, views.concat_view(report, page.t, page.lang, page.presentation))


def devices_and_conversion(page: Page, x: np.ndarray | None) -> None:
    t = page.t
    st.markdown(t("tens.dev.intro"))
    st.code(tens.device_code(page.lang), language="python")
    for line in tables.device_lines(devices_cached(), t):
        st.markdown(line)
    st.subheader(t("tens.conv.title"))
    st.markdown(t("tens.conv.intro"))
    (position, value, mutate), cols = row(page, [1, 1, 2], ("tens_conv_pos", "tens_conv_value", "tens_conv_mutate"))
    if report := attempt(page, tens.conversion_demo, position, value, mutate):
        show(page, views.conversion_view(report, t, column=2), cols)


def main(page: Page) -> None:
    t = page.t
    st.title(t("tens.title"))
    st.markdown(t("tens.intro"))
    extra = {"tens_pattern": {"help": tables.pattern_help(t)}}
    (shape, pattern, seed), _ = row(page, [2, 3, 1], ("tens_shape", "tens_pattern", "tens_seed"), **extra)
    x = attempt(page, lambda: tens.make_tensor(tens.parse_shape(shape), pattern, seed))  # and on: see the docstring
    tabs = st.tabs([t(f"tens.tab.{name}") for name in ("index", "reshape", "broadcast", "cat", "devices")])
    for tab, section in zip(tabs, (indexing, reshaping, broadcasting, concatenating, devices_and_conversion), strict=True):
        with tab:
            section(page, x)


run(main, "nav.tensors", icon=":material/grid_on:")
