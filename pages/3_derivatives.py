"""Derivatives: PyTorch autograd on a grid against the exact SymPy derivative."""

import numpy as np
import streamlit as st

from core import governor
from core.allocator import release_memory
from core.derivatives.compute import (
    MAX_BOUND,
    MAX_ORDER,
    MAX_POINTS,
    MIN_POINTS,
    PRESETS,
    central_difference,
    differentiate,
    step_sweep,
    tangent,
    to_csv,
    torch_code,
)
from core.derivatives.figures import derivative_figure, step_sweep_figure, tangent_traces
from core.derivatives.graph import expression_graph_dot
from core.devices import available_devices
from core.errors import LabError
from core.expression.catalogue import CATALOGUE
from core.expression.parser import MAX_LENGTH
from ui.frame import heavy_cache, setup

page = setup("nav.derivatives", icon=":material/show_chart:")
t = page.t


@heavy_cache(max_entries=8)
def compute(text, start, stop, points, device, dtype, order, fd_h, lang, presentation):
    """Everything the page shows that depends on the grid; only small objects are cached."""
    result = differentiate(text, start=start, stop=stop, points=points, device=device, dtype=dtype, order=order)
    fd = central_difference(result.expression, result.x, fd_h, dtype) if fd_h and order == 1 else None
    fig = derivative_figure(result, lang=lang, fd=fd, fd_h=fd_h, presentation=presentation)
    summary = {
        "latex_f": result.expression.latex,
        "latex_df": result.exact_latex,
        "max_abs_error": result.max_abs_error,
        "max_rel_error": result.max_rel_error,
        "error_kind": result.error_kind,
        "nonfinite": result.nonfinite,
        "code": torch_code(result.expression, start=start, stop=stop, points=points, device=device, dtype=dtype, order=order,
                           lang=lang),
    }
    if points >= RELEASE_FROM_POINTS:
        release_memory()  # the grid's arrays are gone: hand their pages back to the system
    return fig, summary


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def graph(text, lang, dtype, points):
    return expression_graph_dot(text, lang=lang, dtype=dtype, points=points)


@heavy_cache(max_entries=8)
def sweep(text, start, stop, lang, presentation):
    return step_sweep_figure(step_sweep(text, start=start, stop=stop), lang=lang, presentation=presentation)


CUSTOM = ""
RELEASE_FROM_POINTS = 100_000  # after grids this large, return freed heap pages (~50 ms)
FD_EXPONENTS = [k / 2 for k in range(-32, 1)]  # finite-difference steps 1e-16 ... 1e0, half decades


def fd_label(e: float) -> str:
    """The step 10**e as the slider (and the link) writes it: 1e-6, 1e-5.5."""
    return f"1e{e:g}"


def _use_preset() -> None:
    choice = st.session_state.get("deriv_preset")
    if choice in PRESETS:
        st.session_state["deriv_expr"] = choice


st.title(t("deriv.title"))
st.markdown(t("deriv.intro"))

c1, c2 = st.columns([1, 2])
text = c2.text_input(
    t("deriv.expr"), value=PRESETS[0], max_chars=MAX_LENGTH, key="deriv_expr",
    help=t("deriv.expr_help", functions=", ".join(CATALOGUE)), bind="query-params",
)
# the catalogue shows what the box holds: its entry, or "my expression" for typed text
st.session_state["deriv_preset"] = text if text in PRESETS else CUSTOM
c1.selectbox(t("deriv.preset"), [CUSTOM, *PRESETS], key="deriv_preset", on_change=_use_preset,
             format_func=lambda p: t("deriv.preset_custom") if p == CUSTOM else p)
c1, c2, c3, c4, c5 = st.columns(5)
start = page.number(t("deriv.start"), low=-MAX_BOUND, high=MAX_BOUND, value=-10.0, key="deriv_start", where=c1, bind=True)
stop = page.number(t("deriv.stop"), low=-MAX_BOUND, high=MAX_BOUND, value=10.0, key="deriv_stop", where=c2, bind=True)
points = page.number(t("deriv.points"), low=MIN_POINTS, high=MAX_POINTS, value=1000, step=1000, key="deriv_points", where=c3,
                     bind=True)
devices = available_devices()
device = c4.selectbox(t("common.device"), devices, key="deriv_device", bind="query-params")
dtype = c5.selectbox(t("common.dtype"), ["float64", "float32"], key="deriv_dtype", bind="query-params")
order = st.segmented_control(
    t("deriv.order"), list(range(1, MAX_ORDER + 1)), default=1, key="deriv_order", bind="query-params"
) or 1

c1, c2 = st.columns([1, 1])
lo, hi = float(min(start, stop)), float(max(start, stop))
# x0's range follows start and stop, so its link value is read here, not by a URL-bound slider
# (a bound slider is re-seeded from the URL whenever its range changes, and may fall outside it)
x0_link = page.link_number("deriv_x0")
if x0_link is not None:
    st.session_state["deriv_x0"] = x0_link
if "deriv_x0" in st.session_state and not lo <= st.session_state["deriv_x0"] <= hi:
    st.session_state["deriv_x0"] = float(np.clip(st.session_state["deriv_x0"], lo, hi))  # the range moved under x0
x0 = c1.slider(t("deriv.x0"), lo, hi if hi > lo else lo + 1.0, float(np.clip(0.0, lo, hi)), key="deriv_x0")
use_fd = c2.toggle(t("deriv.fd"), key="deriv_fd", bind="query-params")
fd_h = None
fd_exp = None
if use_fd:
    fd_exp = c2.select_slider(t("deriv.fd_h"), FD_EXPONENTS, value=-4.0, format_func=fd_label, key="deriv_fd_h",
                              bind="query-params")
    fd_h = float(10.0**fd_exp)
    if order != 1:
        c2.info(t("deriv.fd_order"))

page.share({"deriv_expr": text, "deriv_start": start, "deriv_stop": stop, "deriv_points": points,
            "deriv_device": device, "deriv_dtype": dtype, "deriv_order": order, "deriv_x0": x0,
            "deriv_fd": use_fd, "deriv_fd_h": None if fd_exp is None else fd_label(fd_exp)})

try:
    fig, summary = compute(text, float(start), float(stop), int(points), device, dtype, int(order), fd_h, page.lang, page.presentation)
    tan = tangent(text, float(x0), device=device, dtype=dtype)
    dot = graph(text, page.lang, dtype, int(points))
except LabError as err:
    page.error(err)
    st.stop()

c1, c2 = st.columns(2)
c1.caption(t("deriv.latex_f"))
c1.latex(f"f(x) = {summary['latex_f']}")
c2.caption(t("deriv.latex_df"))
c2.latex(f"f{chr(39) * int(order)}(x) = {summary['latex_df']}")

m1, m2, m3 = st.columns(3)
err = summary["max_abs_error"]
if summary["error_kind"] == "relative":
    rel = summary["max_rel_error"]
    m1.metric(t("deriv.max_rel_error"), "—" if np.isnan(rel) else f"{rel:.3e}", help=t("deriv.max_rel_error_help", abs=f"{err:.3e}"))
else:
    m1.metric(t("deriv.max_error"), "—" if np.isnan(err) else f"{err:.3e}", help=t("deriv.max_error_help"))
m2.metric(t("deriv.slope"), f"{tan.slope:.10g}")
m3.metric(t("deriv.slope_exact"), f"{tan.slope_exact:.10g}")

bad = summary["nonfinite"]
if any(bad.values()):
    st.warning(t("deriv.nonfinite", count=max(bad.values()), points=int(points), f=bad["f"], df=bad["df"], exact=bad["df_exact"]),
               icon=":material/warning:")
if np.isnan(err):
    st.info(t("deriv.no_common"))

for trace in tangent_traces(tan, float(stop) - float(start), lang=page.lang, presentation=page.presentation):
    fig.add_trace(trace, row=1, col=1)
st.plotly_chart(fig, width="stretch", key="deriv_chart")
st.caption(t("deriv.conventions"))

with st.expander(t("common.code")):
    st.code(summary["code"], language="python")

with st.expander(t("deriv.graph")):
    st.caption(t("deriv.graph_text"))
    st.graphviz_chart(dot)


def _csv() -> bytes:
    with governor.interaction():  # the same limits as the chart, outside the page's run
        result = differentiate(text, start=float(start), stop=float(stop), points=int(points), device=device, dtype=dtype, order=int(order))
        return to_csv(result)[0]


st.download_button(t("common.download_csv"), _csv, file_name="derivative.csv", mime="text/csv", key="deriv_csv",
                   on_click="ignore", icon=":material/download:")

with st.expander(t("deriv.why"), expanded=use_fd):
    st.markdown(t("deriv.why_text"))
    if use_fd:
        try:
            st.plotly_chart(sweep(text, float(start), float(stop), page.lang, page.presentation), width="stretch", key="deriv_sweep")
        except LabError as err:
            page.error(err)
