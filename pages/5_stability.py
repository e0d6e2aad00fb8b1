"""Numerical stability: where -log(e^x/(e^x+e^y)) breaks, in each dtype, and a form that never does."""

from __future__ import annotations

import numpy as np
import streamlit as st

from core.devices import available_devices
from core.errors import LabError
from core.stability.compute import (
    CHART_POINTS,
    DEFAULTS,
    DTYPE_NAMES,
    INPUT_LIMIT,
    MAP_POINT_CHOICES,
    MAX_VECTOR_LENGTH,
    METHODS,
    PRESETS,
    SCALE_LIMIT,
    SPAN_CHOICES,
    AlongX,
    Comparison,
    along_x,
    chart_range,
    compare,
    compare_logsumexp,
    error_map,
    exp_thresholds,
    map_half_width,
    parse_vector,
    stable_code,
    why_params,
)
from core.stability.figures import (
    along_x_figure,
    error_map_figure,
    floor_text,
    number_text,
    point_table,
    region_rows,
    softmax_figure,
    softmax_table,
)
from ui.frame import Page, heavy_cache, setup


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def cached_point(x: float, y: float, dtype: str, device: str) -> Comparison:
    return compare(x, y, dtype, device)


@heavy_cache(max_entries=32)
def cached_along_x(y: float, lo: float, hi: float, dtype: str, device: str) -> AlongX:
    return along_x(y, lo, hi, CHART_POINTS, dtype, device)


@heavy_cache(max_entries=16)
def cached_map(half_width: float, points: int, dtype: str, device: str) -> Comparison:
    return error_map(half_width, points, dtype, device)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def cached_lse(base: tuple[float, ...], scale: float, dtype: str, device: str):
    return compare_logsumexp(base, scale, dtype, device)


def apply_preset(name: str) -> None:
    st.session_state.update({f"stab_{k}": v for k, v in PRESETS[name].items()})


def highlight_nonfinite(value: object) -> str:
    """Red cells for NaN and inf."""
    if isinstance(value, float) and not np.isfinite(value):
        return "background-color: #ffd6d6; color: #a00000; font-weight: 600"
    return ""


def render_point(page: Page, point: Comparison) -> None:
    """Value, d/dx, d/dy and their errors for each form at the chosen point, then the thresholds."""
    th = exp_thresholds(point.dtype)
    st.subheader(page.t("stab.point.title"))
    st.markdown(page.t("stab.stored", dtype=point.dtype, x=number_text(point.x.item()), y=number_text(point.y.item())))
    table = point_table(point, page.lang)
    st.table(
        table.style.format("{:.10g}", subset=list(table.columns[:3]), na_rep="NaN")
        .format("{:.2e}", subset=list(table.columns[3:]), na_rep="NaN")
        .map(highlight_nonfinite)
    )
    st.caption(page.t("stab.point.caption", dtype=point.dtype, eps=f"{th.eps:.3g}"))

    st.markdown(f"**{page.t('stab.th.title', dtype=point.dtype)}**")
    m1, m2, m3 = st.columns(3)
    m1.metric(page.t("stab.th.overflow"), f"{th.overflow:.8g}", help=page.t("stab.th.overflow_help", max=f"{th.max:.6g}"))
    m2.metric(page.t("stab.th.underflow"), f"{th.underflow:.8g}", help=page.t("stab.th.underflow_help"))
    m3.metric(page.t("stab.th.absorb"), f"{th.absorb:.8g}", help=page.t("stab.th.absorb_help", eps=f"{th.eps:.3g}"))


def render_along_x(page: Page, point: Comparison, device: str) -> None:
    """The three forms along x at the chosen y, and the exact runs of x where each fails."""
    dtype, th = point.dtype, exp_thresholds(point.dtype)
    x, y = point.x.item(), point.y.item()
    st.subheader(page.t("stab.chart.title", y=number_text(y)))
    span = st.select_slider(page.t("stab.chart.span"), options=SPAN_CHOICES, key="stab_chart_span", help=page.t("stab.chart.span_help"))
    line = cached_along_x(y, *chart_range(y, span, dtype), dtype, device)
    st.plotly_chart(along_x_figure(line, page.lang, page.presentation, x_now=x), width="stretch", key="stab_chart")
    st.caption(page.t("stab.chart.caption", floor=floor_text(dtype)))

    st.markdown(f"**{page.t('stab.regions.title')}**")
    if line.regions:
        st.table(region_rows(line.regions, dtype, page.lang))
    else:
        st.info(page.t("stab.regions.none"))
    xs = line.comparison.x
    st.caption(page.t("stab.regions.caption", y=number_text(y), lo=number_text(xs.min()), hi=number_text(xs.max()), dtype=dtype))
    if not any(r.method == "stable" for r in line.regions):
        worst = line.comparison.worst_error("stable")
        st.success(page.t("stab.regions.stable_ok", err=f"{worst:.2e}", ulps=f"{worst / th.eps:.2f}"))


def render_map(page: Page, dtype: str, device: str) -> None:
    """Relative error (log colour, black for NaN/inf) of each form over a square of (x, y)."""
    st.subheader(page.t("stab.map.title"))
    c_span, c_points, c_quantity = st.columns(3)
    span = c_span.select_slider(page.t("stab.map.span"), options=SPAN_CHOICES, key="stab_map_span")
    points = c_points.select_slider(page.t("stab.map.points"), options=MAP_POINT_CHOICES, key="stab_map_points")
    quantity = c_quantity.segmented_control(
        page.t("stab.map.quantity"),
        options=["value", "grad"],
        format_func=lambda q: page.t(f"stab.map.q.{q}"),
        key="stab_map_quantity",
    ) or "value"
    grid = cached_map(map_half_width(span, dtype), int(points), dtype, device)
    st.plotly_chart(error_map_figure(grid, quantity, page.lang, page.presentation), width="stretch", key="stab_map")
    finite = {m: f"{np.mean(grid.finite(m)):.0%}" for m in METHODS}
    st.caption(page.t("stab.map.caption", n=int(points), dtype=dtype) + " " + page.t("stab.map.summary", **finite))


def render_logsumexp(page: Page, dtype: str, device: str) -> None:
    """Naive log(sum(exp(v))) against torch.logsumexp, and the softmax from each, for a scaled vector."""
    st.subheader(page.t("stab.lse.title"))
    st.markdown(page.t("stab.lse.intro"))
    c_vec, c_scale = st.columns(2)
    text = c_vec.text_input(
        page.t("stab.lse.vector"), max_chars=200, key="stab_lse_vector", bind="query-params",
        help=page.t("stab.lse.vector_help", n=MAX_VECTOR_LENGTH, limit=f"{INPUT_LIMIT:g}"),
    )
    scale = page.number(page.t("stab.lse.scale"), low=-SCALE_LIMIT, high=SCALE_LIMIT, value=DEFAULTS["lse_scale"],
                        key="stab_lse_scale", where=c_scale, step=1.0, format="%.8g", bind=True)
    try:
        lse = cached_lse(tuple(parse_vector(text)), scale, dtype, device)
    except LabError as err:
        page.error(err)
        return
    l1, l2, l3 = st.columns(3)
    l1.metric(page.t("stab.lse.naive"), number_text(lse.naive))
    l2.metric(page.t("stab.lse.torch"), number_text(lse.torch))
    l3.metric(page.t("stab.lse.exact"), number_text(lse.exact))
    lo, hi = lse.scale_range
    st.markdown(page.t("stab.lse.range", dtype=dtype, lo=number_text(lo), hi=number_text(hi), T=why_params(dtype)["T"]))
    st.table(softmax_table(lse, page.lang).style.format("{:.8g}", na_rep="NaN").map(highlight_nonfinite))
    st.plotly_chart(softmax_figure(lse, page.lang, page.presentation), width="stretch", key="stab_softmax")


page = setup("nav.stability", icon=":material/balance:")
# number boxes take their default from page.number; the rest through session state
for key, default in DEFAULTS.items():
    if key not in ("x", "y", "lse_scale"):
        st.session_state.setdefault(f"stab_{key}", default)

st.title(page.t("nav.stability"))
st.markdown(page.t("stab.intro"))
with st.expander(page.t("stab.explain.title")):
    st.markdown(page.t("stab.explain.body"))

st.caption(page.t("stab.presets"))
per_row = 2 if page.presentation else len(PRESETS)  # projector fonts need wider buttons
preset_cols = st.columns(per_row)
for i, name in enumerate(PRESETS):
    preset_cols[i % per_row].button(
        page.t(f"stab.preset.{name}"), key=f"stab_preset_{name}", on_click=apply_preset, args=(name,), width="stretch"
    )

bound = page.t("stab.bound_help", limit=f"{INPUT_LIMIT:g}")
c_x, c_y, c_dtype, c_device = st.columns(4)
x = page.number(page.t("stab.x"), low=-INPUT_LIMIT, high=INPUT_LIMIT, value=DEFAULTS["x"], key="stab_x", where=c_x,
                step=1.0, format="%.8g", bind=True, help=bound)
y = page.number(page.t("stab.y"), low=-INPUT_LIMIT, high=INPUT_LIMIT, value=DEFAULTS["y"], key="stab_y", where=c_y,
                step=1.0, format="%.8g", bind=True, help=bound)
dtype = c_dtype.selectbox(page.t("common.dtype"), DTYPE_NAMES, key="stab_dtype", bind="query-params")
device = c_device.selectbox(page.t("common.device"), available_devices(), key="stab_device", bind="query-params")

try:
    point = cached_point(x, y, dtype, device)
    render_point(page, point)
    render_along_x(page, point, device)
    render_map(page, dtype, device)
except LabError as err:  # e.g. float64 on Apple MPS
    page.error(err)
    st.stop()
render_logsumexp(page, dtype, device)

st.caption(page.t("stab.code.caption"))
st.code(stable_code(page.lang), language="python")

# the URL-bound choices: a link reproduces this view (and says which link values were refused)
page.share({k: st.session_state.get(k) for k in (
    "stab_x", "stab_y", "stab_dtype", "stab_device", "stab_lse_vector", "stab_lse_scale",
)})
