"""Chain rule: detach(), the intermediate gradients, the autograd graph and three traps."""

import numpy as np
import streamlit as st

from core.chain_rule import (
    INNER_CATALOGUE,
    MAX_BACKWARD_CALLS,
    MAX_POINTS_TEXT,
    MAX_TABLE_POINTS,
    NOTEBOOK_X,
    OUTER_CATALOGUE,
    PRESETS,
    accumulation_trap,
    chain_code,
    chain_figure,
    chain_rule,
    check_trap_inputs,
    nonscalar_trap,
    parse_inner,
    parse_outer,
    parse_points,
    sum_trap,
)
from core.derivatives import check_grid
from core.devices import available_devices
from core.errors import LabError
from core.expression import MAX_LENGTH
from core.functions import CATALOGUE
from core.graph import chain_graph_dot
from ui.page import setup

page = setup("nav.chain_rule", icon=":material/link:")
t = page.t
CHART_POINTS = 401
CUSTOM = "custom"


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def compute(inner, outer, points, device, dtype):
    return chain_rule(inner, outer, list(points), device=device, dtype=dtype)


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def graphs(inner, outer, lang):
    return chain_graph_dot(inner, outer, detached=True, lang=lang), chain_graph_dot(inner, outer, detached=False, lang=lang)


def _points_text(values) -> str:
    return ", ".join(f"{v:g}" for v in values)


def _use_preset() -> None:
    name = st.session_state.get("chain_preset")
    if name in PRESETS:
        st.session_state["chain_inner"], st.session_state["chain_outer"] = PRESETS[name]
        if name.startswith("notebook"):
            st.session_state["chain_points"] = _points_text(NOTEBOOK_X)
        st.session_state["chain_inner_pick"] = st.session_state["chain_outer_pick"] = None


def _use_pick(pick_key: str, text_key: str) -> None:
    choice = st.session_state.get(pick_key)
    if choice:
        st.session_state[text_key] = choice
        st.session_state["chain_preset"] = CUSTOM


def _fmt(a) -> list[float]:
    return [float(v) for v in np.asarray(a, dtype=np.float64)]


def _cells(a) -> list[str]:
    # text cells: st.dataframe would show NaN as "None", and NaN is what this lab is about
    return [f"{v:.10g}".replace("nan", "NaN") for v in np.asarray(a, dtype=np.float64)]


def numbers_table(columns: dict[str, list[str]], key: str) -> None:
    """A table of number cells written as text, right-aligned like numbers."""
    config = {name: st.column_config.TextColumn(alignment="right") for name in columns}
    st.dataframe(columns, hide_index=True, column_config=config, key=key)


# defaults through session state (not value=): the preset and catalogue callbacks write these keys
for key, default in (("chain_preset", "notebook_cube"), ("chain_inner", PRESETS["notebook_cube"][0]),
                     ("chain_outer", PRESETS["notebook_cube"][1]), ("chain_points", _points_text(NOTEBOOK_X))):
    st.session_state.setdefault(key, default)

st.title(t("chain.title"))
st.markdown(t("chain.intro"))

st.selectbox(t("chain.preset"), [CUSTOM, *PRESETS], key="chain_preset", on_change=_use_preset,
             format_func=lambda k: t("chain.preset_custom") if k == CUSTOM else t(f"chain.preset.{k}"))
help_text = t("chain.expr_help", functions=", ".join(CATALOGUE))
col_f, col_g = st.columns(2)
col_f.selectbox(t("chain.inner_pick"), INNER_CATALOGUE, index=None, key="chain_inner_pick",
             on_change=_use_pick, args=("chain_inner_pick", "chain_inner"), placeholder="x*x, sin(x), ...")
inner_text = col_f.text_input(t("chain.inner"), max_chars=MAX_LENGTH,
                           key="chain_inner", bind="query-params", help=help_text)
col_g.selectbox(t("chain.outer_pick"), OUTER_CATALOGUE, index=None, key="chain_outer_pick",
             on_change=_use_pick, args=("chain_outer_pick", "chain_outer"), placeholder="u**3, log(u), ...")
outer_text = col_g.text_input(t("chain.outer"), max_chars=MAX_LENGTH,
                           key="chain_outer", bind="query-params", help=help_text)

col_x, c2, c3, c4, c5 = st.columns([3, 1, 1, 1, 1])
points_text = col_x.text_input(t("chain.points"), max_chars=MAX_POINTS_TEXT,
                            key="chain_points", bind="query-params", help=t("chain.points_help", limit=MAX_TABLE_POINTS))
start = c2.number_input(t("chain.start"), -1000.0, 1000.0, -3.0, key="chain_start", bind="query-params")
stop = c3.number_input(t("chain.stop"), -1000.0, 1000.0, 3.0, key="chain_stop", bind="query-params")
device = c4.selectbox(t("common.device"), available_devices(), key="chain_device", bind="query-params")
dtype = c5.selectbox(t("common.dtype"), ["float64", "float32"], key="chain_dtype", bind="query-params")

# each input is checked on its own, so the message appears under the field that is wrong
failed = False
for column, check, text in ((col_f, parse_inner, inner_text), (col_g, parse_outer, outer_text), (col_x, parse_points, points_text)):
    try:
        check(text)
    except LabError as err:
        column.error(err.message(page.lang), icon=":material/error:")
        failed = True
if failed:
    st.stop()

try:
    points = tuple(_fmt(parse_points(points_text)))
    lo, hi, _ = check_grid(float(start), float(stop), CHART_POINTS)
    table = compute(inner_text, outer_text, points, device, dtype)
    curve = compute(inner_text, outer_text, tuple(_fmt(np.linspace(lo, hi, CHART_POINTS))), device, dtype)
    code = chain_code(inner_text, outer_text, points, device=device, dtype=dtype, lang=page.lang)
    dot_cut, dot_full = graphs(inner_text, outer_text, page.lang)
except LabError as err:
    page.error(err)
    st.stop()

c1, c2, c3 = st.columns([1, 1, 2])
c1.caption(t("chain.latex_inner"))
c1.latex(f"u = f(x) = {table.inner_latex}")
c2.caption(t("chain.latex_outer"))
c2.latex(f"z = g(u) = {table.outer_latex}")
c3.caption(t("chain.latex_comp"))
c3.latex(rf"z = {table.composition_latex}, \quad \frac{{dz}}{{dx}} = {table.exact_latex}")

st.subheader(t("chain.table"))
numbers_table(
    {
        "x": _cells(table.x),
        t("chain.col_u"): _cells(table.u),
        t("chain.col_z"): _cells(table.z),
        t("chain.col_du_dx"): _cells(table.du_dx),
        t("chain.col_dz_du"): _cells(table.dz_du),
        t("chain.col_chain"): _cells(table.dz_dx_chain),
        t("chain.col_full"): _cells(table.dz_dx),
        t("chain.col_exact"): _cells(table.dz_dx_exact),
    },
    key="chain_table",
)
st.caption(t("chain.table_caption"))
m1, m2 = st.columns(2)
for metric, value, label in ((m1, table.chain_vs_full, "chain.metric_chain"), (m2, table.full_vs_exact, "chain.metric_exact")):
    metric.metric(t(label), "—" if np.isnan(value) else f"{value:.3e}", help=t("chain.metric_help"))
arrays = (table.du_dx, table.dz_du, table.dz_dx_chain, table.dz_dx, curve.dz_dx)
if not all(np.isfinite(a).all() for a in arrays):
    st.info(t("chain.nonfinite"), icon=":material/info:")
if np.isnan(table.dz_dx_exact).all() and np.isfinite(table.dz_dx).any():
    st.info(t("chain.no_exact"), icon=":material/info:")

st.subheader(t("chain.chart"))
fig = chain_figure(curve, marks=table, lang=page.lang, presentation=page.presentation)
st.plotly_chart(fig, width="stretch", key="chain_chart")

st.subheader(t("chain.code"))
st.code(code, language="python", line_numbers=True)
st.caption(t("chain.code_caption"))

st.subheader(t("chain.graph"))
st.markdown(t("chain.graph_intro"))
tab_cut, tab_full = st.tabs([t("chain.graph_tab_cut"), t("chain.graph_tab_full")])
tab_cut.graphviz_chart(dot_cut)
tab_full.graphviz_chart(dot_full)

st.subheader(t("chain.traps"))
st.caption(t("chain.traps_intro"))


def show_accumulation() -> None:
    st.markdown(t("chain.trap_acc_text"))
    calls = st.columns(3)[0].number_input(t("chain.trap_calls"), 1, MAX_BACKWARD_CALLS, 2, key="chain_calls")
    acc = accumulation_trap(inner_text, points, int(calls), device=device, dtype=dtype)
    rows = {"x": _cells(acc.x)}
    for k, grad in enumerate(acc.grads, start=1):
        rows[t("chain.trap_after", k=k)] = _cells(grad)
    rows[t("chain.trap_zero")] = _cells(acc.after_zero)
    rows[t("chain.trap_none")] = _cells(acc.after_none)
    numbers_table(rows, key="chain_acc_table")
    st.caption(t("chain.trap_acc_ratio", k=acc.calls))


def show_vjp() -> None:
    st.markdown(t("chain.trap_vjp_text", n=len(points)))
    weights_text = st.text_input(t("chain.trap_weights"), value="", max_chars=MAX_POINTS_TEXT, key="chain_weights")
    weights = parse_points(weights_text) if weights_text.strip() else None
    vjp = nonscalar_trap(inner_text, points, weights, device=device, dtype=dtype)
    st.code(f">>> u.backward()\nRuntimeError: {vjp.message}" if vjp.message else t("chain.trap_no_error"), language="text")
    numbers_table(
        {
            "x": _cells(vjp.x),
            t("chain.col_ones"): _cells(vjp.grad_ones),
            t("chain.col_sum"): _cells(vjp.grad_sum),
            t("chain.col_w"): _cells(vjp.weights),
            t("chain.col_weighted"): _cells(vjp.grad_weights),
        },
        key="chain_vjp_table",
    )


def show_sum() -> None:
    st.markdown(t("chain.trap_sum_text"))
    cases = sum_trap(inner_text, points, device=device, dtype=dtype)
    st.dataframe(
        {
            t("chain.col_case"): [c.code for c in cases],
            t("chain.col_elementwise"): [t("chain.yes") if c.elementwise else t("chain.no") for c in cases],
            t("chain.col_grad_sum"): [", ".join(f"{v:.6g}" for v in c.grad_of_sum) for c in cases],
            t("chain.col_diag"): [", ".join(f"{v:.6g}" for v in c.jacobian_diagonal) for c in cases],
        },
        hide_index=True, key="chain_sum_table",
    )


try:
    check_trap_inputs(inner_text, points)
except LabError as err:  # one point or a constant f: say so once instead of under every trap
    st.info(err.message(page.lang), icon=":material/info:")
    st.stop()
for title, show, expanded in (("chain.trap_acc", show_accumulation, True), ("chain.trap_vjp", show_vjp, False),
                              ("chain.trap_sum", show_sum, False)):
    with st.expander(t(title), expanded=expanded):
        try:
            show()
        except LabError as err:
            page.error(err)

# the URL-bound choices: a link reproduces this view (and says which link values were refused)
page.share({k: st.session_state.get(k) for k in (
    "chain_inner",
    "chain_outer",
    "chain_points",
    "chain_start",
    "chain_stop",
    "chain_device",
    "chain_dtype",
)})
