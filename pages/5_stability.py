"""Numerical stability: where -log(e^x/(e^x+e^y)) breaks, in each dtype, and a form that never does."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from core.devices import available_devices
from core.errors import LabError
from core.stability import (
    DTYPE_NAMES,
    INPUT_LIMIT,
    MAX_VECTOR_LENGTH,
    METHODS,
    SCALE_LIMIT,
    AlongX,
    Comparison,
    Region,
    along_x,
    compare,
    compare_logsumexp,
    error_map,
    exp_thresholds,
    parse_vector,
    why_params,
)
from core.stability_figures import along_x_figure, error_floor, error_map_figure, softmax_figure
from ui.page import Page, setup

PRESETS = {
    "nb_small": {"stab_x": 2.0, "stab_y": 3.0, "stab_dtype": "float64"},
    "nb_large": {"stab_x": 400.0, "stab_y": 800.0, "stab_dtype": "float64"},
    "f16_overflow": {"stab_x": 11.1, "stab_y": 0.0, "stab_dtype": "float16"},
    "bf16_loss": {"stab_x": 6.0, "stab_y": 0.0, "stab_dtype": "bfloat16"},
}
DEFAULTS = {
    "stab_x": 2.0,
    "stab_y": 3.0,
    "stab_dtype": "float32",
    "stab_chart_span": 1.5,
    "stab_map_span": 1.5,
    "stab_map_points": 61,
    "stab_map_quantity": "value",
    "stab_lse_vector": "1, 2, 3",
    "stab_lse_scale": 30.0,
}
SPANS = [0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0]  # multiples of the dtype's overflow threshold T
MAP_POINTS = [21, 41, 61, 81, 101]
CHART_POINTS = 1001
STABLE_SNIPPET = """import torch

def log_exp(x, y):
    # f = log(1 + e^(y - x)) = softplus(y - x) = logaddexp(y - x, 0):
    # logaddexp subtracts the max before exp, and its gradient is the sigmoid.
    d = y - x
    return torch.logaddexp(d, torch.zeros_like(d))
"""


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def cached_point(x: float, y: float, dtype: str, device: str) -> Comparison:
    return compare(x, y, dtype, device)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def cached_along_x(y: float, lo: float, hi: float, dtype: str, device: str) -> AlongX:
    return along_x(y, lo, hi, CHART_POINTS, dtype, device)


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def cached_map(half_width: float, points: int, dtype: str, device: str) -> Comparison:
    return error_map(half_width, points, dtype, device)


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def cached_lse(base: tuple[float, ...], scale: float, dtype: str, device: str):
    return compare_logsumexp(base, scale, dtype, device)


def apply_preset(values: dict) -> None:
    st.session_state.update(values)


def highlight_nonfinite(value: object) -> str:
    """Red cells for NaN and inf."""
    if isinstance(value, float) and not np.isfinite(value):
        return "background-color: #ffd6d6; color: #a00000; font-weight: 600"
    return ""


def num(value: float) -> str:
    return f"{value:.10g}"


def render_point(page: Page, point: Comparison) -> None:
    """Value, d/dx, d/dy and their errors for each form at the chosen point, then the thresholds."""
    th = exp_thresholds(point.dtype)
    st.subheader(page.t("stab.point.title"))
    st.markdown(page.t("stab.stored", dtype=point.dtype, x=num(point.x.item()), y=num(point.y.item())))
    col = {k: page.t(f"stab.col.{k}") for k in ("form", "value", "dx", "dy", "err_value", "err_grad")}
    rows = []
    for method in METHODS:
        ev, err = point.results[method], point.errors[method]
        rows.append({
            col["form"]: page.t(f"stab.method.{method}"),
            col["value"]: ev.value.item(),
            col["dx"]: ev.grad_x.item(),
            col["dy"]: ev.grad_y.item(),
            col["err_value"]: err["value"].item(),
            col["err_grad"]: max(err["grad_x"].item(), err["grad_y"].item()),
        })
    ref = point.reference
    rows.append({
        col["form"]: page.t("stab.method.reference"),
        col["value"]: ref.value_hi.item(),
        col["dx"]: -ref.grad_hi.item(),
        col["dy"]: ref.grad_hi.item(),
        col["err_value"]: 0.0,
        col["err_grad"]: 0.0,
    })
    table = pd.DataFrame(rows).set_index(col["form"])
    st.table(
        table.style.format("{:.10g}", subset=[col["value"], col["dx"], col["dy"]], na_rep="NaN")
        .format("{:.2e}", subset=[col["err_value"], col["err_grad"]], na_rep="NaN")
        .map(highlight_nonfinite)
    )
    st.caption(page.t("stab.point.caption", dtype=point.dtype, eps=f"{th.eps:.3g}"))

    st.markdown(f"**{page.t('stab.th.title', dtype=point.dtype)}**")
    m1, m2, m3 = st.columns(3)
    m1.metric(page.t("stab.th.overflow"), f"{th.overflow:.8g}", help=page.t("stab.th.overflow_help", max=f"{th.max:.6g}"))
    m2.metric(page.t("stab.th.underflow"), f"{th.underflow:.8g}", help=page.t("stab.th.underflow_help"))
    m3.metric(page.t("stab.th.absorb"), f"{th.absorb:.8g}", help=page.t("stab.th.absorb_help", eps=f"{th.eps:.3g}"))


def region_row(page: Page, r: Region, params: dict[str, str]) -> dict[str, str]:
    def edge(value: float, is_open: bool) -> str:
        text = num(value) if r.exact else f"≈ {num(value)}"
        return page.t("stab.regions.open", x=text) if is_open else text

    why = page.t(r.reason, **params)
    why += page.t("stab.regions.intermittent") if r.intermittent else ""
    why += "" if r.exact else page.t("stab.regions.approx")
    return {
        page.t("stab.col.form"): page.t(f"stab.short.{r.method}"),
        page.t("stab.col.part"): page.t(f"stab.part.{r.part}"),
        page.t("stab.col.kind"): page.t(f"stab.kind.{r.kind}"),
        page.t("stab.col.from"): edge(r.start, r.open_start),
        page.t("stab.col.to"): edge(r.stop, r.open_stop),
        page.t("stab.col.why"): why,
    }


def render_along_x(page: Page, point: Comparison, device: str) -> None:
    """The three forms along x at the chosen y, and the exact runs of x where each fails."""
    dtype, th = point.dtype, exp_thresholds(point.dtype)
    x, y = point.x.item(), point.y.item()
    st.subheader(page.t("stab.chart.title", y=num(y)))
    span = st.select_slider(page.t("stab.chart.span"), options=SPANS, key="stab_chart_span", help=page.t("stab.chart.span_help"))
    lo, hi = max(y - span * th.overflow, -INPUT_LIMIT), min(y + span * th.overflow, INPUT_LIMIT)
    line = cached_along_x(y, lo, hi, dtype, device)
    st.plotly_chart(along_x_figure(line, page.lang, page.presentation, x_now=x), width="stretch", key="stab_chart")
    st.caption(page.t("stab.chart.caption", floor=f"{error_floor(dtype):.2g}"))

    st.markdown(f"**{page.t('stab.regions.title')}**")
    params = why_params(dtype)
    if line.regions:
        st.table(pd.DataFrame([region_row(page, r, params) for r in line.regions]).style.hide(axis="index"))
    else:
        st.info(page.t("stab.regions.none"))
    xs = line.comparison.x
    st.caption(page.t("stab.regions.caption", y=num(y), lo=num(xs.min()), hi=num(xs.max()), dtype=dtype))
    if not any(r.method == "stable" for r in line.regions):
        worst = line.comparison.worst_error("stable")
        st.success(page.t("stab.regions.stable_ok", err=f"{worst:.2e}", ulps=f"{worst / th.eps:.2f}"))


def render_map(page: Page, dtype: str, device: str) -> None:
    """Relative error (log colour, black for NaN/inf) of each form over a square of (x, y)."""
    st.subheader(page.t("stab.map.title"))
    c_span, c_points, c_quantity = st.columns(3)
    span = c_span.select_slider(page.t("stab.map.span"), options=SPANS, key="stab_map_span")
    points = c_points.select_slider(page.t("stab.map.points"), options=MAP_POINTS, key="stab_map_points")
    quantity = c_quantity.segmented_control(
        page.t("stab.map.quantity"),
        options=["value", "grad"],
        format_func=lambda q: page.t(f"stab.map.q.{q}"),
        key="stab_map_quantity",
    ) or "value"
    grid = cached_map(min(span * exp_thresholds(dtype).overflow, INPUT_LIMIT), int(points), dtype, device)
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
    scale = c_scale.number_input(
        page.t("stab.lse.scale"), min_value=-SCALE_LIMIT, max_value=SCALE_LIMIT, step=1.0, format="%.8g",
        key="stab_lse_scale", bind="query-params",
    )
    try:
        lse = cached_lse(tuple(parse_vector(text)), float(scale), dtype, device)
    except LabError as err:
        page.error(err)
        return
    l1, l2, l3 = st.columns(3)
    l1.metric(page.t("stab.lse.naive"), num(lse.naive))
    l2.metric(page.t("stab.lse.torch"), num(lse.torch))
    l3.metric(page.t("stab.lse.exact"), num(lse.exact))
    lo, hi = lse.scale_range
    st.markdown(page.t("stab.lse.range", dtype=dtype, lo=num(lo), hi=num(hi), T=why_params(dtype)["T"]))
    soft = pd.DataFrame({
        page.t("stab.lse.col.v"): lse.v,
        page.t("stab.lse.col.naive"): lse.softmax_naive,
        page.t("stab.lse.col.torch"): lse.softmax_torch,
        page.t("stab.lse.col.exact"): lse.softmax_exact,
    })
    st.table(soft.style.format("{:.8g}", na_rep="NaN").map(highlight_nonfinite))
    st.plotly_chart(softmax_figure(lse, page.lang, page.presentation), width="stretch", key="stab_softmax")


page = setup("nav.stability", icon=":material/balance:")
for key, default in DEFAULTS.items():
    st.session_state.setdefault(key, default)

st.title(page.t("nav.stability"))
st.markdown(page.t("stab.intro"))
with st.expander(page.t("stab.explain.title")):
    st.markdown(page.t("stab.explain.body"))

st.caption(page.t("stab.presets"))
per_row = 2 if page.presentation else len(PRESETS)  # projector fonts need wider buttons
preset_cols = st.columns(per_row)
for i, (name, values) in enumerate(PRESETS.items()):
    preset_cols[i % per_row].button(
        page.t(f"stab.preset.{name}"), key=f"stab_preset_{name}", on_click=apply_preset, args=(values,), width="stretch"
    )

bound = page.t("stab.bound_help", limit=f"{INPUT_LIMIT:g}")
c_x, c_y, c_dtype, c_device = st.columns(4)
x = c_x.number_input(page.t("stab.x"), min_value=-INPUT_LIMIT, max_value=INPUT_LIMIT, step=1.0, format="%.8g",
                     key="stab_x", bind="query-params", help=bound)
y = c_y.number_input(page.t("stab.y"), min_value=-INPUT_LIMIT, max_value=INPUT_LIMIT, step=1.0, format="%.8g",
                     key="stab_y", bind="query-params", help=bound)
dtype = c_dtype.selectbox(page.t("common.dtype"), DTYPE_NAMES, key="stab_dtype", bind="query-params")
device = c_device.selectbox(page.t("common.device"), available_devices(), key="stab_device", bind="query-params")

try:
    point = cached_point(float(x), float(y), dtype, device)
    render_point(page, point)
    render_along_x(page, point, device)
    render_map(page, dtype, device)
except LabError as err:  # e.g. float64 on Apple MPS
    page.error(err)
    st.stop()
render_logsumexp(page, dtype, device)

st.caption(page.t("stab.code.caption"))
st.code(STABLE_SNIPPET, language="python")

# the URL-bound choices: a link reproduces this view (and says which link values were refused)
page.share({k: st.session_state.get(k) for k in (
    "stab_x",
    "stab_y",
    "stab_dtype",
    "stab_device",
    "stab_lse_vector",
    "stab_lse_scale",
)})
