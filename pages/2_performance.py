"""Performance lab: loop vs broadcasting vs matmul, and in-place updates, measured right.

``AUTOGRAD_LAB_PERF_BUDGET_S`` (``presets.BUDGET_ENV``) sets the total budget, e.g. ``1.5`` in tests.
"""

from __future__ import annotations

import os

import streamlit as st

from core.devices import available_devices
from core.errors import LabError
from core.performance import presets as p
from core.performance import queue, tables
from core.performance.code import method_code
from core.performance.figures import speedup_figure, timing_figure
from core.performance.inputs import parse_sizes
from core.performance.runs import RunSettings, run_both
from core.performance.threads import numpy_threads_controlled, thread_choices
from core.performance.vectorization import VectorizationResult
from core.performance.version_counter import version_counter_demo
from ui.frame import Page, cancellable, run

TIMER = ":material/timer:"
_version_demo = st.cache_data(max_entries=2)(version_counter_demo)  # one run per language


def show_vectorization(page: Page, vec: VectorizationResult) -> None:
    numpy_key = "perf.numpy_threads" if numpy_threads_controlled() else "perf.numpy_threads_free"
    st.caption(page.t("perf.conditions", **tables.conditions(vec)) + " " + page.t(numpy_key, threads=vec.threads))
    if cells := tables.skipped_cells(vec, "budget", page.lang):
        st.warning(page.t("perf.budget_spent", cells=cells), icon=TIMER)
    elif vec.budget_exhausted:
        st.warning(page.t("perf.budget_short"), icon=TIMER)
    if cells := tables.skipped_cells(vec, "size_limit", page.lang):
        st.caption(page.t("perf.size_skipped", **p.METHOD_LIMITS, cells=cells))

    st.subheader(page.t("perf.time_title"))
    st.plotly_chart(timing_figure(vec, page.lang, page.presentation), width="stretch", key="perf_time_chart")
    st.caption(page.t("perf.time_caption"))

    st.subheader(page.t("perf.speedup_title"))
    if vec.speedups():
        left, right = st.columns([3, 2])
        left.plotly_chart(speedup_figure(vec, page.lang, page.presentation), width="stretch", key="perf_speedup_chart")
        right.dataframe(tables.speedup_rows(vec, page.lang), hide_index=True, key="perf_speedup_table")
    st.caption(page.t("perf.speedup_caption"))

    st.subheader(page.t("perf.shot_title"))
    if (n := tables.contrast_size(vec)) is not None:
        st.caption(page.t("perf.shot_caption", n=n))
        st.dataframe(tables.single_shot_rows(vec, page.lang), hide_index=True, key="perf_shot_table")
        if (ratios := tables.single_shot_ratios(vec)) is not None:
            st.markdown(page.t("perf.shot_ratio", single=ratios[0], robust=ratios[1]))
        st.caption(page.t("perf.shot_warm"))

    st.subheader(page.t("perf.correct_title"))
    st.markdown(tables.tolerance_text(vec, page.lang))
    if all(t.correct for t in vec.timings):
        st.success(page.t("perf.all_correct"), icon=":material/check_circle:")
    else:
        st.error(page.t("perf.some_wrong"), icon=":material/error:")
    st.dataframe(tables.correctness_rows(vec, page.lang), hide_index=True, key="perf_correct_table")


def main(page: Page) -> None:
    st.title(page.t("nav.performance"))
    st.markdown(page.t("perf.intro"))
    c1, c2, c3 = st.columns(3)
    device = c2.selectbox(page.t("common.device"), available_devices(), key="perf_device", bind="query-params")
    hint = page.t("perf.sizes_help", high=p.max_size(device), count=p.MAX_SIZES, **p.METHOD_LIMITS)
    text = c1.text_input(page.t("perf.sizes"), p.DEFAULT_SIZES, p.SIZES_MAX_CHARS, "perf_sizes", bind="query-params", help=hint)
    inner = page.number(page.t("perf.inner"), **p.INNER_BOX, key="perf_inner", where=c1, help=page.t("perf.inner_help"))
    threads = c2.selectbox(page.t("perf.threads"), thread_choices(), key="perf_threads", help=page.t("perf.threads_help"))
    hint = page.t("perf.repeats_help", block_ms=p.MIN_BLOCK_S * 1e3)
    repeats = c3.slider(page.t("perf.repeats"), *p.REPEATS_SLIDER, key="perf_repeats", bind="query-params", help=hint)
    c_size = page.number(page.t("perf.c_size"), **p.C_SIZE_BOX, key="perf_c_size", where=c3, help=page.t("perf.c_size_help"))
    sync = device == "cpu" or c2.checkbox(page.t("perf.sync"), value=True, key="perf_sync", help=page.t("perf.sync_help"))
    # the URL-bound choices: a link reproduces this view (and says which link values were refused)
    page.share({k: st.session_state.get(k) for k in p.SHARED_KEYS})

    try:
        sizes = parse_sizes(text, device)
    except LabError as err:  # said, and the button is disabled; the rest of the page still teaches
        page.error(err)
        sizes = None
    settings = RunSettings(sizes, inner, device, int(threads), int(repeats), c_size, sync)
    vec_budget, mem_budget = p.page_budgets(os.environ.get(p.BUDGET_ENV))
    bound = p.announced_bound_s(vec_budget, mem_budget)
    clicked = st.button(page.t("perf.run"), key="perf_run", type="primary", icon=TIMER, disabled=sizes is None)
    st.caption(page.t("perf.budget_note", **p.budget_note(vec_budget, mem_budget)))

    # Only a click measures; a rerun shows the stored result again. A click while another run holds
    # the slot waits in the queue, its place shown and updated, instead of being turned away.
    if clicked and sizes is not None:
        box = st.empty()

        def show_place(place: int, waited_s: float) -> None:
            max_wait = queue.BENCHMARK_QUEUE.max_wait_s
            box.info(page.t("perf.queue_place", place=place, waited=waited_s, max_wait=max_wait), icon=":material/hourglass_top:")

        try:
            with queue.BENCHMARK_QUEUE.acquire(on_wait=show_place):
                box.empty()
                with st.spinner(page.t("perf.running", budget=round(bound, 2))), cancellable(bound + p.RUN_OVERHEAD_S):
                    vec, mem = run_both(settings, vec_budget, mem_budget)
            st.session_state["perf_result"] = {"inputs": settings, "vec": vec, "mem": mem}
        except LabError as err:
            box.empty()
            page.error(err)

    result = st.session_state.get("perf_result")
    if result is None:
        st.info(page.t("perf.press_run"), icon=":material/touch_app:")
    else:
        if result["inputs"] != settings:
            st.info(page.t("perf.stale"), icon=":material/history:")
        show_vectorization(page, result["vec"])

    with st.expander(page.t("perf.code_title")):
        for method in p.METHODS:
            st.markdown(f"**{tables.method_label(method, page.lang)}**")
            st.code(method_code(method, page.lang), language="python")
    st.subheader(page.t("perf.why_title"))
    st.markdown(page.t("perf.why_body"))

    st.subheader(page.t("perf.inplace_title"))
    st.markdown(page.t("perf.inplace_intro"))
    if result is not None:
        mem = result["mem"]
        method = page.t(f"perf.mem_method.{mem.memory_method}")
        bytes_c = tables.format_bytes(mem.c_bytes)
        st.caption(page.t("perf.inplace_caption", n=mem.n, c_bytes=bytes_c, method=method, iters=p.PROFILED_ITERATIONS))
        if mem.skipped:
            st.warning(page.t("perf.inplace_skipped", variants=tables.skipped_updates(mem)), icon=TIMER)
        st.dataframe(tables.allocation_rows(mem, page.lang), hide_index=True, key="perf_alloc_table")

    st.subheader(page.t("perf.version_title"))
    st.markdown(page.t("perf.version_intro"))
    demo = _version_demo(page.lang)
    st.code(demo.broken_code, language="python")
    st.code(demo.error_message or page.t("perf.version_no_error"), language="text", wrap_lines=True)
    st.caption(page.t("perf.version_counts", before=demo.version_before, after=demo.version_after))
    st.markdown(page.t("perf.version_fix"))
    st.code(demo.fixed_code, language="python")
    st.dataframe(tables.version_rows(demo, page.lang), hide_index=True, key="perf_version_table")


run(main, "nav.performance", icon=":material/speed:")
