"""Performance lab: loop vs broadcasting vs matmul, and in-place updates, measured right.

The budgets come from ``core.performance.compute.page_budgets``; the environment variable
``AUTOGRAD_LAB_PERF_BUDGET_S`` (``BUDGET_ENV``) sets their total, e.g. ``1.5`` in tests.
"""

from __future__ import annotations

import os

import streamlit as st

from core.devices import available_devices
from core.errors import LabError
from core.performance import compute as perf
from core.performance.compute import (
    BUDGET_ENV,
    MAX_INNER,
    MAX_REPEATS,
    MAX_SIZE,
    MAX_SIZES,
    METHOD_MAX_SIZE,
    METHODS,
    MIN_BLOCK_S,
    MIN_REPEATS,
    PROFILED_ITERATIONS,
    RUN_OVERHEAD_S,
    UPDATE_CODE,
    InplaceResult,
    VectorizationResult,
    announced_bound_s,
    inplace_benchmark,
    max_threads,
    method_code,
    numpy_threads_controlled,
    page_budgets,
    parse_sizes,
    vectorization_benchmark,
    version_counter_demo,
)
from core.performance.figures import (
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
from ui.frame import Page, cancellable, setup

REPEATS_HIGH = min(MAX_REPEATS, 30)


@st.cache_data(max_entries=2)
def _version_demo(lang: str):
    return version_counter_demo(lang)


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
    method = page.t(f"perf.mem_method.{mem.memory_method}")
    st.caption(page.t("perf.inplace_caption", n=mem.n, c_bytes=format_bytes(mem.c_bytes), method=method,
                      iters=PROFILED_ITERATIONS))
    if mem.skipped:
        codes = ", ".join(f"`{UPDATE_CODE[v]}`" for v in mem.skipped)
        st.warning(page.t("perf.inplace_skipped", variants=codes), icon=":material/timer:")
    st.dataframe(allocation_rows(mem, page.lang), hide_index=True, key="perf_alloc_table")


def show_place(page: Page, box, place: int, waited_s: float) -> None:
    """The queue notice in ``box`` (an ``st.empty``), redrawn while the run waits for its turn."""
    box.info(page.t("perf.queue_place", place=place, waited=waited_s, max_wait=perf.BENCHMARK_QUEUE.max_wait_s),
             icon=":material/hourglass_top:")


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
inner = page.number(page.t("perf.inner"), low=1, high=MAX_INNER, value=256, step=32, key="perf_inner", where=c1,
                    bind=True, help=page.t("perf.inner_help"))
threads = c2.selectbox(page.t("perf.threads"), list(range(1, max_threads() + 1)), key="perf_threads",
                       help=page.t("perf.threads_help"))
repeats = c3.slider(page.t("perf.repeats"), MIN_REPEATS, REPEATS_HIGH, 7, key="perf_repeats", bind="query-params",
                    help=page.t("perf.repeats_help", block_ms=MIN_BLOCK_S * 1e3))
c_size = page.number(page.t("perf.c_size"), low=16, high=MAX_SIZE["cpu"], value=1024, step=256, key="perf_c_size",
                     where=c3, bind=True, help=page.t("perf.c_size_help"))
synchronize = True
if device != "cpu":
    synchronize = c2.checkbox(page.t("perf.sync"), value=True, key="perf_sync", help=page.t("perf.sync_help"))

try:
    sizes = parse_sizes(sizes_text, device)
except LabError as err:
    page.error(err)
    sizes = None

vec_budget, mem_budget = page_budgets(os.environ.get(BUDGET_ENV))
bound = announced_bound_s(vec_budget, mem_budget)
inputs = {"sizes": sizes, "inner": int(inner), "device": device, "threads": int(threads), "repeats": int(repeats),
          "c_size": int(c_size), "sync": bool(synchronize)}
clicked = st.button(page.t("perf.run"), key="perf_run", type="primary", icon=":material/timer:",
                    disabled=sizes is None)
st.caption(page.t("perf.budget_note", vec=round(vec_budget, 2), mem=round(mem_budget, 2), overhead=RUN_OVERHEAD_S,
                  total=round(bound, 2)))


# Benchmarks run only on the click; the result lives in session_state, so a rerun (any other
# widget) shows it again without measuring. A click while another run holds the slot waits in
# the queue, its place shown and updated, instead of being turned away.
if clicked and sizes is not None:
    queue_box = st.empty()
    try:
        with perf.BENCHMARK_QUEUE.acquire(on_wait=lambda place, waited: show_place(page, queue_box, place, waited)):
            queue_box.empty()
            with st.spinner(page.t("perf.running", budget=round(bound, 2))), cancellable(bound + RUN_OVERHEAD_S):
                vec = vectorization_benchmark(sizes, inner=int(inner), device=device, repeats=int(repeats),
                                              budget_s=vec_budget, synchronize=synchronize, threads=int(threads))
                mem = inplace_benchmark(int(c_size), inner=int(inner), device=device, repeats=int(repeats),
                                        budget_s=mem_budget, threads=int(threads))
        st.session_state["perf_result"] = {"inputs": inputs, "vec": vec, "mem": mem}
    except LabError as err:
        queue_box.empty()
        page.error(err)

result = st.session_state.get("perf_result")
if result is None:
    st.info(page.t("perf.press_run"), icon=":material/touch_app:")
else:
    if result["inputs"] != inputs:
        st.info(page.t("perf.stale"), icon=":material/history:")
    show_vectorization(page, result["vec"])

with st.expander(page.t("perf.code_title")):
    for method in METHODS:
        st.markdown(f"**{method_label(method, page.lang)}**")
        st.code(method_code(method, page.lang), language="python")

st.subheader(page.t("perf.why_title"))
st.markdown(page.t("perf.why_body"))

st.subheader(page.t("perf.inplace_title"))
st.markdown(page.t("perf.inplace_intro"))
if result is not None:
    show_inplace(page, result["mem"])

st.subheader(page.t("perf.version_title"))
st.markdown(page.t("perf.version_intro"))
demo = _version_demo(page.lang)
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
