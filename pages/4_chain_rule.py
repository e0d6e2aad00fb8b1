"""Chain rule: detach(), the intermediate gradients, the autograd graph and three traps."""

import streamlit as st

from core.backward_graph import clamp_step, trace_view
from core.chain import inputs, presets, tables, traps
from core.chain.code import chain_code
from core.chain.figures import chain_figure
from core.chain.graph import chain_graph_dot, chain_trace
from core.chain.rule import chain_rule
from core.devices import available_devices
from core.errors import LabError
from core.expression import catalogue_help
from core.expression.parser import MAX_LENGTH
from ui.frame import Page, heavy_cache, run

SHARED = ("chain_inner", "chain_outer", "chain_points", "chain_start", "chain_stop", "chain_device", "chain_dtype")


@heavy_cache(max_entries=32)
def compute(inner, outer, points, device, dtype):
    return chain_rule(inner, outer, list(points), device=device, dtype=dtype)


def _use_preset() -> None:
    name = st.session_state.get("chain_preset")
    if name in presets.PRESETS:
        inner, outer, points = presets.preset_choice(name)
        st.session_state["chain_inner"], st.session_state["chain_outer"] = inner, outer
        if points is not None:
            st.session_state["chain_points"] = points
        st.session_state["chain_inner_pick"] = st.session_state["chain_outer_pick"] = None


def _use_pick(pick_key: str, text_key: str) -> None:
    choice = st.session_state.get(pick_key)
    if choice:
        st.session_state[text_key] = choice
        st.session_state["chain_preset"] = presets.CUSTOM


def numbers_table(columns: dict[str, list[str]], key: str) -> None:
    """A table of number cells written as text, right-aligned like numbers."""
    config = {name: st.column_config.TextColumn(alignment="right") for name in columns}
    st.dataframe(columns, hide_index=True, column_config=config, key=key)


def main(page: Page) -> None:
    t, lang = page.t, page.lang
    for name, value in presets.DEFAULTS.items():  # session state, not value=: the callbacks write these keys
        st.session_state.setdefault(f"chain_{name}", value)
    st.title(t("chain.title"))
    st.markdown(t("chain.intro"))

    example = {presets.CUSTOM: t("chain.preset_custom")} | {k: t(f"chain.preset.{k}") for k in presets.PRESETS}
    st.selectbox(t("chain.preset"), presets.PRESET_CHOICES, key="chain_preset", on_change=_use_preset, format_func=example.get)
    help_text = t("chain.expr_help", functions=catalogue_help(page.lang))
    fields = dict(zip(("inner", "outer"), st.columns(2), strict=True))  # the column of each typed field
    for part, col in fields.items():
        pick, label, (catalogue, hint) = f"chain_{part}_pick", t(f"chain.{part}_pick"), presets.PICKERS[part]
        col.selectbox(label, catalogue, index=None, key=pick, on_change=_use_pick, args=(pick, f"chain_{part}"), placeholder=hint)
        col.text_input(t(f"chain.{part}"), max_chars=MAX_LENGTH, key=f"chain_{part}", bind="query-params", help=help_text)
    fields["points"], c2, c3, c4, c5 = st.columns([3, 1, 1, 1, 1])
    points_help = t("chain.points_help", limit=inputs.MAX_TABLE_POINTS)
    limit = inputs.MAX_POINTS_TEXT
    fields["points"].text_input(t("chain.points"), max_chars=limit, key="chain_points", bind="query-params", help=points_help)
    (x0, x1), low, high = presets.CHART_RANGE, -presets.CHART_LIMIT, presets.CHART_LIMIT
    start = page.number(t("chain.start"), low=low, high=high, value=x0, key="chain_start", where=c2, bind=True)
    stop = page.number(t("chain.stop"), low=low, high=high, value=x1, key="chain_stop", where=c3, bind=True)
    device = c4.selectbox(t("common.device"), available_devices(), key="chain_device", bind="query-params")
    dtype = c5.selectbox(t("common.dtype"), presets.DTYPE_CHOICES, key="chain_dtype", bind="query-params")
    page.share({k: st.session_state.get(k) for k in SHARED})  # a link reproduces this view

    inner, outer, typed = (st.session_state[f"chain_{k}"] for k in ("inner", "outer", "points"))
    errors = inputs.field_errors(inner, outer, typed)
    for part, err in errors.items():  # each message under the field that is wrong
        with fields[part]:
            page.error(err)
    if errors:
        return

    points = tuple(inputs.parse_points(typed).tolist())
    table = compute(inner, outer, points, device, dtype)
    curve = compute(inner, outer, presets.chart_grid(start, stop), device, dtype)
    program = chain_code(inner, outer, points, device=device, dtype=dtype, lang=lang)

    for col, (caption, latex) in zip(st.columns([1, 1, 2]), tables.formulas(table), strict=True):
        col.caption(t(caption))
        col.latex(latex)
    st.subheader(t("chain.table"))
    numbers_table(tables.table_columns(table, lang), key="chain_table")
    st.caption(t("chain.table_caption"))
    m1, m2 = st.columns(2)
    m1.metric(t("chain.metric_chain"), tables.metric_text(table.chain_vs_full), help=t("chain.metric_help"))
    m2.metric(t("chain.metric_exact"), tables.metric_text(table.full_vs_exact), help=t("chain.metric_help"))
    for note in tables.notes(table, curve):
        st.info(t(note), icon=":material/info:")

    st.subheader(t("chain.chart"))
    figure = chain_figure(curve, marks=table, lang=lang, presentation=page.presentation)
    st.plotly_chart(figure, width="stretch", key="chain_chart")
    st.subheader(t("chain.code"))
    st.code(program, language="python", line_numbers=True)
    st.caption(t("chain.code_caption"))
    st.subheader(t("chain.graph"))
    st.markdown(t("chain.graph_intro"))
    tab_cut, tab_full = st.tabs([t("chain.graph_tab_cut"), t("chain.graph_tab_full")], key="chain_graph_tabs")
    tab_cut.graphviz_chart(chain_graph_dot(inner, outer, lang=lang, dtype=dtype, points=len(points)))  # x  (n,) dtype
    with tab_full:  # the one graph of z = g(f(x)) at the table's last point, one node per step
        trace = chain_trace(inner, outer, points[-1], dtype=dtype)
        clamp_step(st.session_state, "chain_step", trace.steps)
        c1, c2 = st.columns([2, 3])
        step = page.number(t("trace.step"), low=0, high=trace.steps - 1, value=0, key="chain_step", where=c1, bind=True)
        page.share({"chain_step": step})
        view = trace_view(trace, step, lang=lang, name="z")
        c1.markdown(view.products)
        c2.graphviz_chart(view.dot)
        st.markdown(view.forward_text)

    st.subheader(t("chain.traps"))
    st.caption(t("chain.traps_intro"))
    try:
        traps.check_trap_inputs(inner, points)
    except LabError as err:  # one point or a constant f: say so once instead of under every trap
        st.info(err.message(lang), icon=":material/info:")
        return
    on = {"device": device, "dtype": dtype}
    with st.expander(t("chain.trap_acc"), expanded=True):
        st.markdown(t("chain.trap_acc_text"))
        where, high = st.columns(3)[0], traps.MAX_BACKWARD_CALLS
        calls = page.number(t("chain.trap_calls"), low=1, high=high, value=2, key="chain_calls", where=where)
        acc = traps.accumulation_trap(inner, points, calls, **on)
        numbers_table(tables.accumulation_columns(acc, lang), key="chain_acc_table")
        st.caption(t("chain.trap_acc_ratio", k=acc.calls))
    with st.expander(t("chain.trap_vjp"), expanded=False):
        st.markdown(t("chain.trap_vjp_text", n=len(points)))
        weights = st.text_input(t("chain.trap_weights"), value="", max_chars=limit, key="chain_weights")
        try:  # a bad w is said here, and the last trap still shows
            vjp = traps.nonscalar_trap(inner, points, inputs.parse_weights(weights), **on)
        except LabError as err:
            page.error(err)
        else:
            st.code(tables.nonscalar_code(vjp, lang), language="text")
            numbers_table(tables.nonscalar_columns(vjp, lang), key="chain_vjp_table")
    with st.expander(t("chain.trap_sum"), expanded=False):
        st.markdown(t("chain.trap_sum_text"))
        st.dataframe(tables.sum_columns(traps.sum_trap(inner, points, **on), lang), hide_index=True, key="chain_sum_table")


run(main, "nav.chain_rule", icon=":material/link:")
