"""Performance lab: loop vs broadcasting vs matmul, and in-place updates, measured right."""

from __future__ import annotations

import streamlit as st

from core.devices import available_devices
from core.errors import LabError
from core.performance import (
    MAX_INNER,
    MAX_REPEATS,
    MAX_SIZE,
    MAX_SIZES,
    METHOD_CODE,
    METHOD_MAX_SIZE,
    MIN_REPEATS,
    PROFILED_ITERATIONS,
    InplaceResult,
    VectorizationResult,
    benchmark_slot,
    inplace_benchmark,
    max_threads,
    numpy_threads_controlled,
    parse_sizes,
    vectorization_benchmark,
    version_counter_demo,
)
from core.performance_figures import (
    allocation_rows,
    contrast_size,
    correctness_rows,
    format_bytes,
    method_label,
    single_shot_ratios,
    single_shot_rows,
    speedup_figure,
    speedup_rows,
    timing_figure,
    tolerance_text,
)
from ui.page import Page, setup

VEC_BUDGET_S = 8.0
MEM_BUDGET_S = 6.0


@st.cache_data(max_entries=1)
def _version_demo():
    return version_counter_demo()


def _cells(page: Page, result: VectorizationResult, reason: str) -> str:
    return ", ".join(f"{method_label(s.method, page.lang)} n = {s.n}" for s in result.skipped if s.reason == reason)


def show_vectorization(page: Page, vec: VectorizationResult) -> None:
    st.caption(page.t("perf.conditions", device=vec.device, dtype=vec.dtype, k=vec.inner, threads=vec.threads,
                      repeats=vec.repeats, elapsed=vec.elapsed_s, budget=vec.budget_s)
               + " " + page.t("perf.numpy_threads" if numpy_threads_controlled() else "perf.numpy_threads_free",
                              threads=vec.threads))
    if any(s.reason == "budget" for s in vec.skipped):
        st.warning(page.t("perf.budget_spent", cells=_cells(page, vec, "budget")), icon=":material/timer:")
    elif vec.budget_exhausted:
        st.warning(page.t("perf.budget_short"), icon=":material/timer:")
    if any(s.reason == "size_limit" for s in vec.skipped):
        st.caption(page.t("perf.size_skipped", row=METHOD_MAX_SIZE["row_loop"], double=METHOD_MAX_SIZE["double_loop"],
                          numpy=METHOD_MAX_SIZE["numpy_matmul"], cells=_cells(page, vec, "size_limit")))

    st.subheader(page.t("perf.time_title"))
    st.plotly_chart(timing_figure(vec, page.lang, page.presentation), width="stretch", key="perf_time_chart")
    st.caption(page.t("perf.time_caption"))

    st.subheader(page.t("perf.speedup_title"))
    if vec.speedups():
        left, right = st.columns([3, 2])
        left.plotly_chart(speedup_figure(vec, page.lang, page.presentation), width="stretch", key="perf_speedup_chart")
        right.dataframe(speedup_rows(vec, page.lang), hide_index=True, key="perf_speedup_table")
    st.caption(page.t("perf.speedup_caption"))

    st.subheader(page.t("perf.shot_title"))
    n = contrast_size(vec)
    if n is not None:
        st.caption(page.t("perf.shot_caption", n=n))
        st.dataframe(single_shot_rows(vec, page.lang), hide_index=True, key="perf_shot_table")
        ratios = single_shot_ratios(vec)
        if ratios is not None:
            st.markdown(page.t("perf.shot_ratio", single=ratios[0], robust=ratios[1]))
        st.caption(page.t("perf.shot_warm"))

    st.subheader(page.t("perf.correct_title"))
    st.markdown(tolerance_text(vec, page.lang))
    if all(t.correct for t in vec.timings):
        st.success(page.t("perf.all_correct"), icon=":material/check_circle:")
    else:
        st.error(page.t("perf.some_wrong"), icon=":material/error:")
    st.dataframe(correctness_rows(vec, page.lang), hide_index=True, key="perf_correct_table")


def show_inplace(page: Page, mem: InplaceResult) -> None:
    st.caption(page.t("perf.inplace_caption", n=mem.n, c_bytes=format_bytes(mem.c_bytes), method=mem.memory_method,
                      iters=PROFILED_ITERATIONS))
    if mem.skipped:
        st.warning(page.t("perf.inplace_skipped", variants=", ".join(mem.skipped)), icon=":material/timer:")
    st.dataframe(allocation_rows(mem, page.lang), hide_index=True, key="perf_alloc_table")


page = setup("nav.performance", icon=":material/speed:")
st.title(page.t("nav.performance"))
st.markdown(page.t("perf.intro"))

devices = available_devices()
c1, c2, c3 = st.columns(3)
device = c2.selectbox(page.t("common.device"), devices, key="perf_device", bind="query-params")
top = MAX_SIZE[device]
sizes_text = c1.text_input(
    page.t("perf.sizes"), value="32, 64, 128, 256, 512", key="perf_sizes", bind="query-params", max_chars=80,
    help=page.t("perf.sizes_help", high=top, count=MAX_SIZES, row=METHOD_MAX_SIZE["row_loop"],
                double=METHOD_MAX_SIZE["double_loop"]),
)
inner = c1.number_input(page.t("perf.inner"), min_value=1, max_value=MAX_INNER, value=256, step=32,
                        key="perf_inner", bind="query-params", help=page.t("perf.inner_help"))
threads = c2.selectbox(page.t("perf.threads"), list(range(1, max_threads() + 1)), key="perf_threads",
                       help=page.t("perf.threads_help"))
repeats = c3.slider(page.t("perf.repeats"), MIN_REPEATS, min(MAX_REPEATS, 30), 7, key="perf_repeats", bind="query-params",
                    help=page.t("perf.repeats_help"))
c_size = c3.number_input(page.t("perf.c_size"), min_value=16, max_value=MAX_SIZE["cpu"], value=1024, step=256,
                         key="perf_c_size", bind="query-params", help=page.t("perf.c_size_help"))
synchronize = True
if device != "cpu":
    synchronize = c2.checkbox(page.t("perf.sync"), value=True, key="perf_sync", help=page.t("perf.sync_help"))

try:
    sizes = parse_sizes(sizes_text, device)
except LabError as err:
    page.error(err)
    sizes = None

inputs = {"sizes": sizes, "inner": int(inner), "device": device, "threads": int(threads), "repeats": int(repeats),
          "c_size": int(c_size), "sync": bool(synchronize)}
clicked = st.button(page.t("perf.run"), key="perf_run", type="primary", icon=":material/timer:",
                    disabled=sizes is None)
st.caption(page.t("perf.budget_note", vec=VEC_BUDGET_S, mem=MEM_BUDGET_S))

# Benchmarks run only on the click; the result lives in session_state, so a rerun (any other
# widget) shows it again without measuring.
if clicked and sizes is not None:
    try:
        with st.spinner(page.t("perf.running", budget=VEC_BUDGET_S + MEM_BUDGET_S)), benchmark_slot():
            vec = vectorization_benchmark(sizes, inner=int(inner), device=device, repeats=int(repeats),
                                          budget_s=VEC_BUDGET_S, synchronize=synchronize, threads=int(threads))
            mem = inplace_benchmark(int(c_size), inner=int(inner), device=device, repeats=int(repeats),
                                    budget_s=MEM_BUDGET_S, threads=int(threads))
        st.session_state["perf_result"] = {"inputs": inputs, "vec": vec, "mem": mem}
    except LabError as err:
        page.error(err)

result = st.session_state.get("perf_result")
if result is None:
    st.info(page.t("perf.press_run"), icon=":material/touch_app:")
else:
    if result["inputs"] != inputs:
        st.info(page.t("perf.stale"), icon=":material/history:")
    show_vectorization(page, result["vec"])

with st.expander(page.t("perf.code_title")):
    for method, code in METHOD_CODE.items():
        st.markdown(f"**{method_label(method, page.lang)}**")
        st.code(code, language="python")

st.subheader(page.t("perf.why_title"))
st.markdown(page.t("perf.why_body"))

st.subheader(page.t("perf.inplace_title"))
st.markdown(page.t("perf.inplace_intro"))
if result is not None:
    show_inplace(page, result["mem"])

st.subheader(page.t("perf.version_title"))
st.markdown(page.t("perf.version_intro"))
demo = _version_demo()
st.code(demo.broken_code, language="python")
st.code(demo.error_message or page.t("perf.version_no_error"), language="text", wrap_lines=True)
st.caption(page.t("perf.version_counts", before=demo.version_before, after=demo.version_after))
st.markdown(page.t("perf.version_fix"))
st.code(demo.fixed_code, language="python")
st.dataframe(
    [{page.t("perf.col.x"): x, page.t("perf.col.grad"): g, page.t("perf.col.expected"): e}
     for x, g, e in zip(demo.x, demo.fixed_grad, demo.expected_grad, strict=True)],
    hide_index=True, key="perf_version_table",
)

# the URL-bound choices: a link reproduces this view (and says which link values were refused)
page.share({k: st.session_state.get(k) for k in (
    "perf_device",
    "perf_sizes",
    "perf_inner",
    "perf_repeats",
    "perf_c_size",
)})
