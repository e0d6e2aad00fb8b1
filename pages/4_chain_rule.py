"""Chain rule: detach(), the intermediate gradients, the autograd graph and three traps."""

import streamlit as st

from core.chain.compute import (
    CHART_LIMIT,
    DEFAULT_PRESET,
    DTYPE_CHOICES,
    INNER_CATALOGUE,
    MAX_BACKWARD_CALLS,
    MAX_POINTS_TEXT,
    MAX_TABLE_POINTS,
    NOTEBOOK_X,
    OUTER_CATALOGUE,
    PRESETS,
    accumulation_columns,
    accumulation_trap,
    chain_code,
    chain_figure,
    chain_rule,
    chart_grid,
    check_trap_inputs,
    metric_text,
    nonscalar_code,
    nonscalar_columns,
    nonscalar_trap,
    notes,
    parse_inner,
    parse_outer,
    parse_points,
    points_text,
    preset_choice,
    sum_columns,
    sum_trap,
    table_columns,
)
from core.chain.graph import chain_graph_dot
from core.devices import available_devices
from core.errors import LabError
from core.expression.catalogue import CATALOGUE
from core.expression.parser import MAX_LENGTH
from ui.frame import heavy_cache, setup

page = setup("nav.chain_rule", icon=":material/link:")
t = page.t
CUSTOM = "custom"


@heavy_cache(max_entries=32)
def compute(inner, outer, points, device, dtype):
    return chain_rule(inner, outer, list(points), device=device, dtype=dtype)


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def graphs(inner, outer, lang, dtype, n):
    # the labels show the table's points in the chosen dtype: x  (n,) dtype
    return tuple(chain_graph_dot(inner, outer, detached=cut, lang=lang, dtype=dtype, points=n) for cut in (True, False))


def _use_preset() -> None:
    name = st.session_state.get("chain_preset")
    if name in PRESETS:
        inner, outer, points = preset_choice(name)
        st.session_state["chain_inner"], st.session_state["chain_outer"] = inner, outer
        if points is not None:
            st.session_state["chain_points"] = points
        st.session_state["chain_inner_pick"] = st.session_state["chain_outer_pick"] = None


def _use_pick(pick_key: str, text_key: str) -> None:
    choice = st.session_state.get(pick_key)
    if choice:
        st.session_state[text_key] = choice
        st.session_state["chain_preset"] = CUSTOM


def numbers_table(columns: dict[str, list[str]], key: str) -> None:
    """A table of number cells written as text, right-aligned like numbers."""
    config = {name: st.column_config.TextColumn(alignment="right") for name in columns}
    st.dataframe(columns, hide_index=True, column_config=config, key=key)


# defaults through session state (not value=): the preset and catalogue callbacks write these keys
for key, default in (("chain_preset", DEFAULT_PRESET), ("chain_inner", PRESETS[DEFAULT_PRESET][0]),
                     ("chain_outer", PRESETS[DEFAULT_PRESET][1]), ("chain_points", points_text(NOTEBOOK_X))):
    st.session_state.setdefault(key, default)

st.title(t("chain.title"))
st.markdown(t("chain.intro"))

st.selectbox(t("chain.preset"), [CUSTOM, *PRESETS], key="chain_preset", on_change=_use_preset,
             format_func=lambda k: t("chain.preset_custom") if k == CUSTOM else t(f"chain.preset.{k}"))
help_text = t("chain.expr_help", functions=", ".join(CATALOGUE))
col_f, col_g = st.columns(2)
col_f.selectbox(t("chain.inner_pick"), INNER_CATALOGUE, index=None, key="chain_inner_pick",
                on_change=_use_pick, args=("chain_inner_pick", "chain_inner"), placeholder="x*x, sin(x), ...")
inner_text = col_f.text_input(t("chain.inner"), max_chars=MAX_LENGTH, key="chain_inner", bind="query-params", help=help_text)
col_g.selectbox(t("chain.outer_pick"), OUTER_CATALOGUE, index=None, key="chain_outer_pick",
                on_change=_use_pick, args=("chain_outer_pick", "chain_outer"), placeholder="u**3, log(u), ...")
outer_text = col_g.text_input(t("chain.outer"), max_chars=MAX_LENGTH, key="chain_outer", bind="query-params", help=help_text)

col_x, c2, c3, c4, c5 = st.columns([3, 1, 1, 1, 1])
points_typed = col_x.text_input(t("chain.points"), max_chars=MAX_POINTS_TEXT, key="chain_points", bind="query-params",
                                help=t("chain.points_help", limit=MAX_TABLE_POINTS))
start = page.number(t("chain.start"), low=-CHART_LIMIT, high=CHART_LIMIT, value=-3.0, key="chain_start", where=c2, bind=True)
stop = page.number(t("chain.stop"), low=-CHART_LIMIT, high=CHART_LIMIT, value=3.0, key="chain_stop", where=c3, bind=True)
device = c4.selectbox(t("common.device"), available_devices(), key="chain_device", bind="query-params")
dtype = c5.selectbox(t("common.dtype"), DTYPE_CHOICES, key="chain_dtype", bind="query-params")

# each input is checked on its own, so the message appears under the field that is wrong
failed = False
for column, check, text in ((col_f, parse_inner, inner_text), (col_g, parse_outer, outer_text), (col_x, parse_points, points_typed)):
    try:
        check(text)
    except LabError as err:
        column.error(err.message(page.lang), icon=":material/error:")
        failed = True
if failed:
    st.stop()

try:
    points = tuple(parse_points(points_typed).tolist())
    table = compute(inner_text, outer_text, points, device, dtype)
    curve = compute(inner_text, outer_text, chart_grid(start, stop), device, dtype)
    code = chain_code(inner_text, outer_text, points, device=device, dtype=dtype, lang=page.lang)
    dot_cut, dot_full = graphs(inner_text, outer_text, page.lang, dtype, len(points))
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
numbers_table(table_columns(table, page.lang), key="chain_table")
st.caption(t("chain.table_caption"))
m1, m2 = st.columns(2)
m1.metric(t("chain.metric_chain"), metric_text(table.chain_vs_full), help=t("chain.metric_help"))
m2.metric(t("chain.metric_exact"), metric_text(table.full_vs_exact), help=t("chain.metric_help"))
for note in notes(table, curve):
    st.info(t(note), icon=":material/info:")

st.subheader(t("chain.chart"))
st.plotly_chart(chain_figure(curve, marks=table, lang=page.lang, presentation=page.presentation), width="stretch", key="chain_chart")

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
    calls = page.number(t("chain.trap_calls"), low=1, high=MAX_BACKWARD_CALLS, value=2, key="chain_calls", where=st.columns(3)[0])
    acc = accumulation_trap(inner_text, points, calls, device=device, dtype=dtype)
    numbers_table(accumulation_columns(acc, page.lang), key="chain_acc_table")
    st.caption(t("chain.trap_acc_ratio", k=acc.calls))


def show_vjp() -> None:
    st.markdown(t("chain.trap_vjp_text", n=len(points)))
    weights_text = st.text_input(t("chain.trap_weights"), value="", max_chars=MAX_POINTS_TEXT, key="chain_weights")
    weights = parse_points(weights_text) if weights_text.strip() else None
    vjp = nonscalar_trap(inner_text, points, weights, device=device, dtype=dtype)
    st.code(nonscalar_code(vjp, page.lang), language="text")
    numbers_table(nonscalar_columns(vjp, page.lang), key="chain_vjp_table")


def show_sum() -> None:
    st.markdown(t("chain.trap_sum_text"))
    cases = sum_trap(inner_text, points, device=device, dtype=dtype)
    st.dataframe(sum_columns(cases, page.lang), hide_index=True, key="chain_sum_table")


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
    "chain_inner", "chain_outer", "chain_points", "chain_start", "chain_stop", "chain_device", "chain_dtype",
)})
