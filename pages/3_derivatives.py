"""Derivatives: PyTorch autograd on a grid against the exact SymPy derivative."""

import functools

import streamlit as st

from core.backward_graph import clamp_step, trace_view
from core.derivatives import presets, step_sweep, tangent
from core.derivatives.export import grid_csv
from core.derivatives.figures import add_tangent, step_sweep_figure
from core.derivatives.presets import CUSTOM, PRESETS, clip_x0, fd_label
from core.derivatives.view import grid_view
from core.devices import available_devices
from core.errors import LabError
from core.expression import MAX_LENGTH, catalogue_help, conventions, parse
from core.trace import Trace, autodiff_trace
from ui.frame import Page, heavy_cache, run

# Everything the page shows that depends on the grid; only small objects are cached.
compute = heavy_cache(max_entries=8)(grid_view)


@heavy_cache(max_entries=8)
def sweep(text, start, stop, lang, presentation):
    return step_sweep_figure(step_sweep(text, start=start, stop=stop), lang=lang, presentation=presentation)


def backward_steps(page: Page, trace: Trace, key: str, name: str) -> None:
    """The backward pass at x0, one node per step, and forward mode beside (core.backward_graph.trace_view)."""
    t, last = page.t, trace.steps - 1
    clamp_step(st.session_state, key, trace.steps)  # the new expression may have fewer nodes than the last one
    c1, c2 = st.columns([2, 3])
    step = page.number(t("trace.step"), low=0, high=last, value=0, key=key, where=c1, help=t("trace.step_help"), bind=True)
    page.share({key: step})
    view = trace_view(trace, step, lang=page.lang, name=name)
    c1.markdown(view.products)
    c2.graphviz_chart(view.dot)
    st.markdown(view.forward_text)


def _use_preset() -> None:
    choice = st.session_state.get("deriv_preset")
    if choice in PRESETS:
        st.session_state["deriv_expr"] = choice


def _x0(page: Page, where, start: float, stop: float) -> float:
    """The tangent's slider. Its range follows start and stop, so its link value is read here,
    not by a URL-bound slider (one is re-seeded from the URL whenever its range changes)."""
    link = page.link_number("deriv_x0")
    if link is not None:
        st.session_state["deriv_x0"] = link
    x0 = st.session_state.get("deriv_x0")
    if x0 is not None and clip_x0(x0, start, stop) != x0:
        st.session_state["deriv_x0"] = clip_x0(x0, start, stop)  # the range moved under x0
    return where.slider(page.t("deriv.x0"), *presets.x0_range(start, stop), clip_x0(0.0, start, stop), key="deriv_x0")


def main(page: Page) -> None:
    t = page.t
    st.title(t("deriv.title"))
    st.markdown(t("deriv.intro"))

    c1, c2 = st.columns([1, 2])
    functions = t("deriv.expr_help", functions=catalogue_help(page.lang))
    text = c2.text_input(
        t("deriv.expr"), value=PRESETS[0], max_chars=MAX_LENGTH, key="deriv_expr", help=functions, bind="query-params"
    )
    # the catalogue shows what the box holds: its entry, or "my expression" for typed text
    st.session_state["deriv_preset"] = text if text in PRESETS else CUSTOM
    labels = {p: p for p in PRESETS} | {CUSTOM: t("deriv.preset_custom")}
    c1.selectbox(t("deriv.preset"), [CUSTOM, *PRESETS], key="deriv_preset", on_change=_use_preset, format_func=labels.get)
    c1, c2, c3, c4, c5 = st.columns(5)
    grid = {
        "start": page.number(t("deriv.start"), **presets.START, key="deriv_start", where=c1, bind=True),
        "stop": page.number(t("deriv.stop"), **presets.STOP, key="deriv_stop", where=c2, bind=True),
        "points": page.number(t("deriv.points"), **presets.POINTS, key="deriv_points", where=c3, bind=True),
        "device": c4.selectbox(t("common.device"), available_devices(), key="deriv_device", bind="query-params"),
        "dtype": c5.selectbox(t("common.dtype"), presets.DTYPES, key="deriv_dtype", bind="query-params"),
        "order": st.segmented_control(t("deriv.order"), presets.ORDERS, default=1, key="deriv_order", bind="query-params") or 1,
    }
    start, stop, points, device, dtype, order = grid.values()

    c1, c2 = st.columns([1, 1])
    x0 = _x0(page, c1, start, stop)
    use_fd = c2.toggle(t("deriv.fd"), key="deriv_fd", bind="query-params")
    fd_exp = None
    if use_fd:
        fd_exp = c2.select_slider(t("deriv.fd_h"), **presets.FD_SLIDER, key="deriv_fd_h", bind="query-params")
        if order != 1:
            c2.info(t("deriv.fd_order"))

    shared = {"expr": text, **grid, "x0": x0, "fd": use_fd, "fd_h": None if fd_exp is None else fd_label(fd_exp)}
    page.share({f"deriv_{name}": value for name, value in shared.items()})  # the widgets' keys

    fd_h = None if fd_exp is None else presets.fd_step(fd_exp)
    fig, summary = compute(text, start, stop, points, device, dtype, order, fd_h, page.lang, page.presentation)
    tan = tangent(text, x0, device=device, dtype=dtype)

    c1, c2 = st.columns(2)
    c1.caption(t("deriv.latex_f"))
    c1.latex(summary.f_latex)
    c2.caption(t("deriv.latex_df"))
    c2.latex(summary.df_latex)

    m1, m2, m3 = st.columns(3)
    label, value, help_text = summary.error_metric(page.lang)
    m1.metric(label, value, help=help_text)
    m2.metric(t("deriv.slope"), f"{tan.slope:.10g}")
    m3.metric(t("deriv.slope_exact"), f"{tan.slope_exact:.10g}")

    note = summary.nonfinite_note(page.lang)
    if note:
        st.warning(note, icon=":material/warning:")
    if summary.no_common_point:
        st.info(t("deriv.no_common"))

    add_tangent(fig, tan, stop - start, lang=page.lang, presentation=page.presentation)
    st.plotly_chart(fig, width="stretch", key="deriv_chart")
    st.caption(" ".join(t(k) for k in ("deriv.conventions", *conventions(parse(text))) if k != "expr.conv_relu"))

    with st.expander(t("common.code")):
        st.code(summary.code, language="python")

    with st.expander(t("deriv.graph"), expanded=True):
        st.caption(t("deriv.graph_text"))
        backward_steps(page, autodiff_trace(text, x0, dtype=dtype), "deriv_step", "f")  # a few ms

    csv = functools.partial(grid_csv, text, **grid)  # made when the button is clicked
    st.download_button(
        t("common.download_csv"),
        csv,
        "derivative.csv",
        "text/csv",
        key="deriv_csv",
        on_click="ignore",
        icon=":material/download:",
    )

    with st.expander(t("deriv.why"), expanded=use_fd):
        st.markdown(t("deriv.why_text"))
        if use_fd:
            try:
                st.plotly_chart(sweep(text, start, stop, page.lang, page.presentation), width="stretch", key="deriv_sweep")
            except LabError as err:
                page.error(err)


run(main, "nav.derivatives", icon=":material/show_chart:")
