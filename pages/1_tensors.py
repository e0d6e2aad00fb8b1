"""Tensor playground: indexing, reshape/view, broadcasting, cat/stack, NumPy <-> PyTorch.

Every widget is drawn on every run, whatever fails: Streamlit forgets the state of a
widget a run does not draw, and a box redrawn later would no longer match the result.
So a bad shape of X is reported at the top and in the two tabs that need X; the page
never stops before the tabs. Defaults are given with ``value=`` (never seeded into
session state), so a box and its URL binding always agree. Choice widgets show their
options as code (``torch.rand``, ``torch.cat``): Streamlit keeps a choice, and writes it
to the URL, by its label, so a label that changed with the language, a position or a
value would drop it.
"""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.errors import LabError
from core.tensors.compute import (
    BROADCAST_PRESETS,
    CONCAT_CHOICES,
    CONVERSION_SIZE,
    INDEX_PRESETS,
    LIBRARY_NAMES,
    MAX_CONCAT_DIM,
    MAX_CONVERSION_VALUE,
    MAX_INDEX_CHARS,
    MAX_SEED,
    MUTATE_CHOICES,
    PATTERN_CHOICES,
    RESHAPE_METHODS,
    Note,
    broadcast_code,
    broadcast_report,
    concat_code,
    concat_report,
    conversion_demo,
    device_code,
    device_reports,
    format_shape,
    index_tensor,
    make_tensor,
    parse_shape,
    reshape_report,
)
from core.tensors.figures import (
    broadcast_cells_figure,
    broadcast_figure,
    flat_index_figure,
    index_figure,
    result_figure,
    source_figure,
)
from ui.frame import Page, setup

page = setup("nav.tensors", icon=":material/grid_on:")
t = page.t
CHART = {"width": "stretch", "config": {"displayModeBar": False}}
CONTENT_PX = 950  # main column width on a 1400 px screen with the sidebar open: sizes the cells

index_cached = st.cache_data(max_entries=64, ttl=3600, show_spinner=False)(index_tensor)
reshape_cached = st.cache_data(max_entries=64, ttl=3600, show_spinner=False)(reshape_report)
broadcast_cached = st.cache_data(max_entries=64, ttl=3600, show_spinner=False)(broadcast_report)
concat_cached = st.cache_data(max_entries=64, ttl=3600, show_spinner=False)(concat_report)
devices_cached = st.cache_data(max_entries=1, ttl=3600, show_spinner=False)(device_reports)


def draw(fig, key: str, shape: tuple[int, ...], where=st) -> None:
    """A chart, or a line saying why there is none (empty, or too big to draw cell by cell)."""
    if fig is not None:
        where.plotly_chart(fig, key=key, **CHART)
    elif 0 in shape:
        where.info(t("tens.index.empty", shape=format_shape(shape)))
    else:
        where.info(t("tens.index.too_big", shape=format_shape(shape)))


def side_by_side(page: Page, weights: list[int]) -> tuple[object, object, list[int]]:
    """Two columns (and their expected pixel widths); stacked full width on a projector."""
    if page.presentation:
        return st.container(), st.container(), [CONTENT_PX, CONTENT_PX]
    left, right = st.columns(weights)
    return left, right, [CONTENT_PX * w // sum(weights) for w in weights]


def note(item: Note) -> str:
    return t(item.key, **item.params)


def yes_no(flag: bool | None) -> str:
    return "—" if flag is None else t("tens.yes") if flag else t("tens.no")


def copy_preset(source: str, target: str) -> None:
    """Copy a clicked preset into the text box, then clear the pill (the box is the truth)."""
    chosen = st.session_state.get(source)
    if chosen:
        st.session_state[target] = chosen
    st.session_state[source] = None


# --------------------------------------------------------------------------------------
st.title(t("tens.title"))
st.markdown(t("tens.intro"))

c_shape, c_pattern, c_seed = st.columns([2, 3, 1])
shape_text = c_shape.text_input(t("tens.shape"), value="3, 2, 4", key="tens_shape", bind="query-params", help=t("tens.shape_help"),
                                max_chars=40)
pattern = PATTERN_CHOICES.get(c_pattern.segmented_control(
    t("tens.pattern"), list(PATTERN_CHOICES), default="torch.rand", key="tens_pattern", bind="query-params",
    help="  \n".join(f"{code}: {t(f'tens.pattern.{p}')}" for code, p in PATTERN_CHOICES.items()),
), "rand")
seed = page.number(t("tens.seed"), low=0, high=MAX_SEED, value=0, key="tens_seed", where=c_seed, bind=True)
shape: tuple[int, ...] | None = None
x: np.ndarray | None = None
try:
    shape = parse_shape(shape_text)
    x = make_tensor(shape, pattern, seed)
except LabError as err:
    page.error(err)  # no st.stop(): the tabs' widgets must still be drawn (see the docstring)

tab_index, tab_reshape, tab_broadcast, tab_cat, tab_devices = st.tabs(
    [t("tens.tab.index"), t("tens.tab.reshape"), t("tens.tab.broadcast"), t("tens.tab.cat"), t("tens.tab.devices")]
)


def indexing(page: Page, x: np.ndarray | None) -> None:
    st.markdown(t("tens.index.intro"))
    st.pills(t("tens.presets"), INDEX_PRESETS, key="tens_index_preset", on_change=copy_preset,
             args=("tens_index_preset", "tens_index"))
    text = st.text_input(t("tens.index"), value=INDEX_PRESETS[0], key="tens_index", bind="query-params",
                         max_chars=MAX_INDEX_CHARS, help=t("tens.index_help"))
    if x is None:
        st.info(t("tens.need_x"))
        return
    try:
        report = index_cached(x, text)
    except LabError as err:
        page.error(err)
        st.plotly_chart(index_figure(x, np.zeros(x.shape, dtype=int), title=t("tens.index.x_title",
                        shape=format_shape(x.shape)), lang=page.lang, presentation=page.presentation,
                        width_px=CONTENT_PX), key="tens_fig_x", **CHART)
        return
    main = report.numpy if report.numpy.ok else report.torch
    left, right, share = side_by_side(page, [3, 2])
    with left:
        st.plotly_chart(index_figure(x, report.counts, title=t("tens.index.x_title", shape=format_shape(x.shape)),
                                     lang=page.lang, presentation=page.presentation, width_px=share[0]),
                        key="tens_fig_x", **CHART)
    with right:
        same = report.numpy.ok and report.torch.ok and not report.differences
        title = t("tens.index.result_same" if same else f"tens.index.result_{main.library}",
                  index=report.index.text, shape=format_shape(main.shape))
        fig = result_figure(main.values, main.positions, x.shape, title=title, lang=page.lang,
                            presentation=page.presentation, width_px=share[1])
        draw(fig, "tens_fig_result", main.shape)
        other = report.torch
        if report.numpy.ok and other.ok and any(n.key in ("tens.diff.shape", "tens.diff.positions")
                                                for n in report.differences):
            fig = result_figure(other.values, other.positions, x.shape, title=t(
                "tens.index.result_torch", index=report.index.text, shape=format_shape(other.shape)),
                lang=page.lang, presentation=page.presentation, width_px=share[1])
            draw(fig, "tens_fig_result_torch", other.shape)
    for item in report.differences:
        st.warning(note(item), icon=":material/compare_arrows:")
    rows = []
    for out in (report.numpy, report.torch):
        rows.append({
            t("tens.col.library"): LIBRARY_NAMES[out.library],
            t("tens.col.code"): report.code(out.library),
            t("tens.col.shape"): format_shape(out.shape) if out.ok else "—",
            t("tens.col.memory"): (t("tens.view") if out.is_view else t("tens.copy")) if out.ok else "—",
            t("tens.col.error"): out.error or "",
        })
    st.table(rows)
    st.caption(t("tens.index.view_note"))


def reshaping(page: Page, shape: tuple[int, ...] | None, x: np.ndarray | None) -> None:
    st.markdown(t("tens.reshape.intro"))
    c_target, c_method, c_swap = st.columns([2, 3, 2])
    target = c_target.text_input(t("tens.target"), value="4, -1", key="tens_target", bind="query-params", max_chars=40,
                                 help=t("tens.target_help"))
    method = c_method.segmented_control(t("tens.method"), RESHAPE_METHODS, default="view", key="tens_method", bind="query-params") or "view"
    swap = c_swap.toggle(t("tens.transpose"), key="tens_transpose", bind="query-params", help=t("tens.transpose_help"),
                         disabled=shape is not None and len(shape) < 2)
    if shape is None or x is None:
        st.info(t("tens.need_x"))
        return
    try:
        report = reshape_cached(shape, target, swap)
    except LabError as err:
        page.error(err)
        return
    src = report.torch_source
    st.markdown(t("tens.reshape.source", code=report.source_code, shape=format_shape(src.shape),
                  strides=format_shape(src.strides), bytes=format_shape(report.numpy_source.strides),
                  contiguous=yes_no(src.contiguous),
                  order=", ".join(str(p) for p in report.reading_order[:12]) + (
                      ", …" if len(report.reading_order) > 12 else "")))
    chosen = report.outcome(method, "torch")
    left, right, share = side_by_side(page, [1, 1])
    with left:
        fig = flat_index_figure(report.source_positions, x, name=report.source_code, lang=page.lang,
                                title=t("tens.reshape.source_title", code=report.source_code),
                                presentation=page.presentation, width_px=share[0])
        if fig is not None:
            st.plotly_chart(fig, key="tens_fig_source", **CHART)
    with right:
        if chosen.ok:
            fig = flat_index_figure(chosen.positions, x, name="Y", lang=page.lang,
                                    title=t("tens.reshape.result_title", code=chosen.code,
                                            shape=format_shape(chosen.layout.shape)),
                                    presentation=page.presentation, width_px=share[1])
            draw(fig, "tens_fig_reshaped", chosen.layout.shape)
            st.markdown(t("tens.reshape.outcome", code=chosen.code, strides=format_shape(chosen.layout.strides),
                          contiguous=yes_no(chosen.layout.contiguous),
                          memory=t("tens.view") if chosen.shares_memory else t("tens.copy")))
        else:
            st.error(t("tens.reshape.failed", code=chosen.code, error=chosen.error), icon=":material/error:")
            fallback = report.outcome("reshape", "torch")
            if method == "view" and fallback.ok:
                st.info(t("tens.reshape.why_view_fails"))
                fig = flat_index_figure(fallback.positions, x, name="Y", lang=page.lang,
                                        title=t("tens.reshape.result_title", code=fallback.code,
                                                shape=format_shape(fallback.layout.shape)),
                                        presentation=page.presentation, width_px=share[1])
                draw(fig, "tens_fig_reshaped", fallback.layout.shape)
    rows = []
    for out in report.outcomes:
        rows.append({
            t("tens.col.library"): LIBRARY_NAMES[out.library],
            t("tens.col.code"): out.code,
            t("tens.col.shape"): format_shape(out.layout.shape) if out.ok else "—",
            t("tens.col.strides"): format_shape(out.layout.strides) if out.ok else "—",
            t("tens.col.contiguous"): yes_no(out.layout.contiguous) if out.ok else "—",
            t("tens.col.memory"): (t("tens.view") if out.shares_memory else t("tens.copy")) if out.ok else "—",
            t("tens.col.error"): out.error or "",
        })
    st.table(rows)
    st.caption(t("tens.reshape.strides_note"))


def broadcasting(page: Page) -> None:
    st.markdown(t("tens.bc.intro"))
    labels = {f"{format_shape(a)} + {format_shape(b)}": (a, b) for a, b in BROADCAST_PRESETS}

    def apply_preset() -> None:
        chosen = st.session_state.get("tens_bc_preset")
        if chosen:
            a, b = labels[chosen]
            st.session_state["tens_bc_a"] = ", ".join(map(str, a))
            st.session_state["tens_bc_b"] = ", ".join(map(str, b))
        st.session_state["tens_bc_preset"] = None

    st.pills(t("tens.bc.presets"), list(labels), key="tens_bc_preset", on_change=apply_preset)
    c_a, c_b = st.columns(2)
    a_text = c_a.text_input(t("tens.bc.a"), value="4, 1", key="tens_bc_a", bind="query-params", max_chars=60,
                            help=t("tens.bc.shape_help"))
    b_text = c_b.text_input(t("tens.bc.b"), value="1, 3", key="tens_bc_b", bind="query-params", max_chars=60,
                            help=t("tens.bc.shape_help"))
    try:
        report = broadcast_cached(a_text, b_text)
    except LabError as err:
        page.error(err)
        return
    if report.error is None:
        st.success(t("tens.bc.result", a=format_shape(report.a), b=format_shape(report.b),
                     shape=format_shape(report.result)), icon=":material/check_circle:")
    else:
        page.error(report.error)
    for item in report.differences:
        st.warning(note(item))
    fig = broadcast_figure(report, lang=page.lang, presentation=page.presentation)
    if fig is not None:
        st.plotly_chart(fig, key="tens_fig_bc", **CHART)
    cells = broadcast_cells_figure(report, lang=page.lang, presentation=page.presentation)
    if cells is not None:
        st.plotly_chart(cells, key="tens_fig_bc_cells", **CHART)
    st.caption(t("tens.bc.rule"))
    st.code(broadcast_code(report.a, report.b), language="python")


def concatenating(page: Page) -> None:
    st.markdown(t("tens.cat.intro"))
    c_a, c_b, c_dim, c_op = st.columns([2, 2, 1, 2])
    a_text = c_a.text_input(t("tens.cat.a"), value="2, 3", key="tens_cat_a", bind="query-params", max_chars=40,
                            help=t("tens.cat.shape_help"))
    b_text = c_b.text_input(t("tens.cat.b"), value="1, 3", key="tens_cat_b", bind="query-params", max_chars=40,
                            help=t("tens.cat.shape_help"))
    dim = page.number("dim", low=-MAX_CONCAT_DIM, high=MAX_CONCAT_DIM, value=0, key="tens_cat_dim", where=c_dim,
                      bind=True)
    op = CONCAT_CHOICES.get(c_op.segmented_control(t("tens.cat.op"), list(CONCAT_CHOICES), default="torch.cat",
                                                   key="tens_cat_op", bind="query-params"), "cat")
    try:
        report = concat_cached(a_text, b_text, dim, op)
    except LabError as err:
        page.error(err)
        return
    if report.error is None:
        st.success(t("tens.cat.result", code=report.code, a=format_shape(report.a), b=format_shape(report.b),
                     shape=format_shape(report.result)), icon=":material/check_circle:")
    else:
        page.error(report.error)
        if op == "stack" and report.a != report.b:
            st.info(t("tens.cat.stack_hint"))
    for item in report.differences:
        st.warning(note(item))
    widths = [1, 1, 2]
    cols = st.columns(widths)
    na = int(np.prod(report.a))
    parts = [
        ("A", np.zeros(report.a, dtype=int), np.arange(na).reshape(report.a), "tens_fig_cat_a"),
        ("B", np.ones(report.b, dtype=int), np.arange(int(np.prod(report.b))).reshape(report.b), "tens_fig_cat_b"),
    ]
    if report.error is None:
        parts.append((f"torch.{op}", report.source, report.element, "tens_fig_cat_result"))
    for col, width, (name, source, element, key) in zip(cols, widths, parts, strict=False):
        fig = source_figure(source, element, name=name if len(name) == 1 else "Y", lang=page.lang,
                            title=f"{name} {format_shape(source.shape)}", presentation=page.presentation,
                            width_px=CONTENT_PX * width // sum(widths))
        draw(fig, key, source.shape, col)
    st.code(concat_code(report), language="python")


def devices_and_conversion(page: Page) -> None:
    st.markdown(t("tens.dev.intro"))
    st.code(device_code(page.lang), language="python")
    for dev in devices_cached():
        shares = t("tens.dev.to_shares") if dev.to_shares_memory else t("tens.dev.to_copies")
        back = t("tens.dev.numpy_ok") if dev.numpy_error is None else t("tens.dev.numpy_fails", error=dev.numpy_error)
        label = f"**{dev.device}**" + (f" ({dev.name})" if dev.name != dev.device else "")
        st.markdown(f"- {label}: {shares} {back}")
    st.subheader(t("tens.conv.title"))
    st.markdown(t("tens.conv.intro"))
    c_pos, c_val, c_what = st.columns([1, 1, 2])
    position = page.number(t("tens.conv.position"), low=0, high=CONVERSION_SIZE - 1, value=0, key="tens_conv_pos",
                           where=c_pos, bind=True)
    value = page.number(t("tens.conv.value"), low=-MAX_CONVERSION_VALUE, high=MAX_CONVERSION_VALUE, value=100.0,
                        key="tens_conv_value", where=c_val, bind=True)
    mutate = MUTATE_CHOICES.get(c_what.radio(t("tens.conv.mutate"), list(MUTATE_CHOICES), horizontal=True,
                                             key="tens_conv_mutate", bind="query-params"), "a")
    try:
        report = conversion_demo(position, value, mutate)
    except LabError as err:
        page.error(err)
        return
    c_what.caption(t("tens.conv.running"))
    c_what.code(report.statement, language="python")
    rows = []
    for name, before in report.before.items():
        after = report.after[name]
        rows.append({
            t("tens.col.object"): name,
            t("tens.col.before"): str(before),
            t("tens.col.after"): str(after),
            t("tens.col.changed"): yes_no(before != after),
            t("tens.col.shares"): yes_no(report.shares.get(name)) if name != "a" else "—",
            "dtype": report.dtypes[name],
        })
    st.table(rows)
    st.caption(t("tens.conv.note"))


with tab_index:
    indexing(page, x)
with tab_reshape:
    reshaping(page, shape, x)
with tab_broadcast:
    broadcasting(page)
with tab_cat:
    concatenating(page)
with tab_devices:
    devices_and_conversion(page)

# the URL-bound choices: a link reproduces this view (and says which link values were refused)
page.share({k: st.session_state.get(k) for k in (
    "tens_shape",
    "tens_pattern",
    "tens_seed",
    "tens_index",
    "tens_target",
    "tens_method",
    "tens_transpose",
    "tens_bc_a",
    "tens_bc_b",
    "tens_cat_a",
    "tens_cat_b",
    "tens_cat_dim",
    "tens_cat_op",
    "tens_conv_pos",
    "tens_conv_value",
    "tens_conv_mutate",
)})
