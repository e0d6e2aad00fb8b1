"""Numerical stability: where -log(e^x/(e^x+e^y)) breaks, in each dtype, and a form that never does."""

from __future__ import annotations

import streamlit as st

from core.devices import available_devices
from core.errors import LabError
from core.stability import presets, tables
from core.stability.code import stable_code
from core.stability.evaluation import Comparison, compare
from core.stability.figures import along_x_figure, error_map_figure, floor_text, softmax_figure
from core.stability.grids import chart_line, chart_map
from core.stability.softmax import compare_logsumexp, parse_vector
from ui.frame import Page, fragment, heavy_cache, run, shared_figure

cached_point = st.cache_data(max_entries=64, ttl=3600, show_spinner=False)(compare)
cached_line = heavy_cache(max_entries=32)(chart_line)
cached_map = heavy_cache(max_entries=16)(chart_map)
cached_lse = st.cache_data(max_entries=32, ttl=3600, show_spinner=False)(compare_logsumexp)


def apply_preset(name: str) -> None:
    st.session_state.update(presets.preset_state(name))


def shared(*keys: str) -> dict:  # the URL-bound choices: a link reproduces this view
    return {k: st.session_state.get(k) for k in keys}


def render_point(page: Page, point: Comparison) -> None:
    """Value, d/dx, d/dy and their errors for each form at the chosen point, then the thresholds."""
    params = tables.point_params(point)
    st.subheader(page.t("stab.point.title"))
    st.markdown(page.t("stab.stored", **params))
    st.table(tables.point_styler(point, page.lang))
    st.caption(page.t("stab.point.caption", **params))
    st.markdown(f"**{page.t('stab.th.title', dtype=point.dtype)}**")
    for col, (label, value, help_key, help_params) in zip(st.columns(3), tables.threshold_metrics(point.dtype), strict=True):
        col.metric(page.t(label), value, help=page.t(help_key, **help_params))


@fragment
def render_along_x(page: Page, point: Comparison, device: str) -> None:
    """The three forms along x at y, and the exact runs of x where each fails (a fragment: the span reruns it alone)."""
    dtype, x, y = point.dtype, point.x.item(), point.y.item()
    st.subheader(page.t("stab.chart.title", y=tables.number_text(y)))
    help_text = page.t("stab.chart.span_help")
    span = st.select_slider(page.t("stab.chart.span"), options=presets.SPAN_CHOICES, key="stab_chart_span", help=help_text)
    line = cached_line(y, span, dtype, device)
    xs = line.comparison.x
    x_now = x if xs.min() <= x <= xs.max() else None  # outside the chart: one figure for every such x
    key = (y, span, dtype, device, page.lang, page.presentation, x_now)
    fig = shared_figure("stab_line", key, lambda: along_x_figure(line, page.lang, page.presentation, x_now))
    st.plotly_chart(fig, width="stretch", key="stab_chart")
    st.caption(page.t("stab.chart.caption", floor=floor_text(dtype)))
    st.markdown(f"**{page.t('stab.regions.title')}**")
    if line.regions:
        st.table(tables.region_rows(line.regions, dtype, page.lang))
    else:
        st.info(page.t("stab.regions.none"))
    st.caption(page.t("stab.regions.caption", **tables.regions_params(line)))
    if (stable_ok := tables.stable_ok_params(line)) is not None:
        st.success(page.t("stab.regions.stable_ok", **stable_ok))


@fragment
def render_map(page: Page, dtype: str, device: str) -> None:
    """Relative error (log colour, black for NaN/inf) of each form over a square of (x, y) (a fragment)."""
    st.subheader(page.t("stab.map.title"))
    c_span, c_points, c_quantity = st.columns(3)
    span = c_span.select_slider(page.t("stab.map.span"), options=presets.SPAN_CHOICES, key="stab_map_span")
    points = int(c_points.select_slider(page.t("stab.map.points"), options=presets.MAP_POINT_CHOICES, key="stab_map_points"))
    quantity = c_quantity.segmented_control(
        page.t("stab.map.quantity"),
        options=presets.MAP_QUANTITIES,
        format_func=lambda q: page.t(f"stab.map.q.{q}"),
        key="stab_map_quantity",
    )
    grid = cached_map(span, points, dtype, device)
    quantity = quantity or "value"
    key = (span, points, dtype, device, quantity, page.lang, page.presentation)
    fig = shared_figure("stab_map", key, lambda: error_map_figure(grid, quantity, page.lang, page.presentation))
    st.plotly_chart(fig, width="stretch", key="stab_map")
    st.caption(page.t("stab.map.caption", n=points, dtype=dtype) + " " + page.t("stab.map.summary", **tables.finite_shares(grid)))


def render_logsumexp(page: Page, dtype: str, device: str) -> None:
    """Naive log(sum(exp(v))) against torch.logsumexp, and the softmax from each, for a scaled vector."""
    st.subheader(page.t("stab.lse.title"))
    st.markdown(page.t("stab.lse.intro"))
    c_vec, c_scale = st.columns(2)
    vector_help = page.t("stab.lse.vector_help", n=presets.MAX_VECTOR_LENGTH, limit=f"{presets.INPUT_LIMIT:g}")
    text = c_vec.text_input(
        page.t("stab.lse.vector"), max_chars=200, key="stab_lse_vector", bind="query-params", help=vector_help
    )
    scale_box = {"low": -presets.SCALE_LIMIT, "high": presets.SCALE_LIMIT, "step": 1.0, "format": "%.8g", "bind": True}
    scale = page.number(
        page.t("stab.lse.scale"), value=presets.DEFAULTS["lse_scale"], key="stab_lse_scale", where=c_scale, **scale_box
    )
    page.share(shared("stab_lse_vector", "stab_lse_scale"))
    try:
        vector = tuple(parse_vector(text))
        lse = cached_lse(vector, scale, dtype, device)
    except LabError as err:
        page.error(err)
        return
    for col, (label, value) in zip(st.columns(3), tables.lse_metrics(lse), strict=True):
        col.metric(page.t(label), value)
    st.markdown(page.t("stab.lse.range", **tables.lse_range_params(lse)))
    st.table(tables.softmax_styler(lse, page.lang))
    key = (vector, scale, dtype, device, page.lang, page.presentation)
    fig = shared_figure("stab_softmax", key, lambda: softmax_figure(lse, page.lang, page.presentation))
    st.plotly_chart(fig, width="stretch", key="stab_softmax")


def main(page: Page) -> None:
    for key, value in presets.session_defaults().items():  # number boxes take theirs from page.number
        st.session_state.setdefault(key, value)
    st.title(page.t("nav.stability"))
    st.markdown(page.t("stab.intro"))
    with st.expander(page.t("stab.explain.title")):
        st.markdown(page.t("stab.explain.body"))

    st.caption(page.t("stab.presets"))
    per_row = 2 if page.presentation else len(presets.PRESETS)  # projector fonts need wider buttons
    preset_cols = st.columns(per_row)
    for i, name in enumerate(presets.PRESETS):
        label = page.t(f"stab.preset.{name}")
        preset_cols[i % per_row].button(label, key=f"stab_preset_{name}", on_click=apply_preset, args=(name,), width="stretch")

    c_x, c_y, c_dtype, c_device = st.columns(4)
    box = {"low": -presets.INPUT_LIMIT, "high": presets.INPUT_LIMIT, "step": 1.0, "format": "%.8g", "bind": True}
    box["help"] = page.t("stab.bound_help", limit=f"{presets.INPUT_LIMIT:g}")
    x = page.number(page.t("stab.x"), value=presets.DEFAULTS["x"], key="stab_x", where=c_x, **box)
    y = page.number(page.t("stab.y"), value=presets.DEFAULTS["y"], key="stab_y", where=c_y, **box)
    dtype = c_dtype.selectbox(page.t("common.dtype"), presets.DTYPE_NAMES, key="stab_dtype", bind="query-params")
    device = c_device.selectbox(page.t("common.device"), available_devices(), key="stab_device", bind="query-params")
    page.share(shared("stab_x", "stab_y", "stab_dtype", "stab_device"))

    point = cached_point(x, y, dtype, device)  # a LabError (float64 on Apple MPS) ends the page with its message
    render_point(page, point)
    render_along_x(page, point, device)
    render_map(page, dtype, device)
    render_logsumexp(page, dtype, device)
    st.caption(page.t("stab.code.caption"))
    st.code(stable_code(page.lang), language="python")


run(main, "nav.stability", icon=":material/balance:")
