"""Gradients: f(x, y), its gradient field, the Hessian at a point, and torch.optim's optimizers racing."""

import streamlit as st

from core.devices import available_devices
from core.expression import MAX_LENGTH, catalogue_help
from core.gradients import descend, hessian, view
from core.gradients import presets as P
from core.gradients.code import gradients_code
from core.gradients.exact import as_xy
from core.gradients.figures import add_paths, add_point, loss_figure, slice_figure
from ui.frame import Page, heavy_cache, run

field = heavy_cache(max_entries=8)(view.field_view)  # the figure and a summary: moving the point reuses them
cut = heavy_cache(max_entries=32)(view.slice_along)


@heavy_cache(max_entries=64)
def at_point(text, point, device, dtype):
    return hessian(text, point, device=device, dtype=dtype)


@heavy_cache(max_entries=64)
def race_run(text, start, name, lr, steps, device, dtype):
    return descend(text, start, optimizer=name, lr=lr, steps=steps, device=device, dtype=dtype)


SHARED = ("grad_expr", "grad_xmin", "grad_xmax", "grad_ymin", "grad_ymax", "grad_points", "grad_device", "grad_dtype")
SHARED += ("grad_surface", "grad_px", "grad_py", "grad_angle", "grad_lr", "grad_steps", "grad_sx", "grad_sy", "grad_above")


def _use_preset() -> None:
    if st.session_state.get("grad_preset") in P.PRESETS:
        st.session_state.update(P.preset_values(st.session_state["grad_preset"]))


def _use_click() -> None:
    points = (st.session_state.get("grad_chart") or {}).get("selection", {}).get("points") or []
    if points and "x" in points[0] and "y" in points[0]:
        st.session_state["grad_px"], st.session_state["grad_py"] = (float(f"{points[0][k]:.6g}") for k in "xy")  # float32 dots


def _start_here() -> None:
    st.session_state["grad_sx"], st.session_state["grad_sy"] = st.session_state["grad_px"], st.session_state["grad_py"]


def _race_choice(page: Page) -> list[str]:
    link = page.query.get("grad_opts")  # shared as "sgd,adam": a multiselect's own link form repeats the key
    if link is not None:
        chosen = [o for o in link.split(",") if o in P.OPTIMIZERS]
        if len(chosen) != len(link.split(",")) or not chosen:
            page.rejected_link_values.append(f"grad_opts={link}")
        st.session_state["grad_opts"] = chosen or P.DEFAULT_RACE
    names = {o: page.t(f"grad.opt.{o}") for o in P.OPTIMIZERS}
    return st.multiselect(page.t("grad.optimizers"), P.OPTIMIZERS, P.DEFAULT_RACE, key="grad_opts", format_func=names.get)


def main(page: Page) -> None:
    t, lang, first, show = page.t, page.lang, P.PRESETS[P.DEFAULT], {"lang": page.lang, "presentation": page.presentation}
    st.title(t("grad.title"))
    st.markdown(t("grad.intro"))
    c1, c2 = st.columns([1, 2])
    help_text = t("grad.expr_help", functions=catalogue_help(lang, variables=2))
    text = c2.text_input(t("grad.expr"), first.text, max_chars=MAX_LENGTH, key="grad_expr", help=help_text, bind="query-params")
    st.session_state["grad_preset"] = P.preset_of(text)
    labels = {k: t(f"grad.preset.{k}") for k in P.PRESETS} | {P.CUSTOM: t("grad.preset_custom")}
    c1.selectbox(t("grad.preset"), P.PRESET_CHOICES, key="grad_preset", on_change=_use_preset, format_func=labels.get)
    cols = [*st.columns(4), *st.columns(3)] if page.presentation else st.columns(7)  # a projector's text is wider
    defaults = zip(("xmin", "xmax", "ymin", "ymax"), (*first.x_range, *first.y_range), cols, strict=False)
    x0, x1, y0, y1 = (page.number(t(f"grad.{k}"), value=v, key=f"grad_{k}", where=c, **P.RANGE) for k, v, c in defaults)
    grid = {"x_range": (x0, x1), "y_range": (y0, y1)}
    grid["points"] = page.number(t("grad.points"), **P.POINTS, key="grad_points", where=cols[4])
    grid["device"] = cols[5].selectbox(t("common.device"), available_devices(), key="grad_device", bind="query-params")
    grid["dtype"] = cols[6].selectbox(t("common.dtype"), P.DTYPES, key="grad_dtype", bind="query-params")
    on = (grid["device"], grid["dtype"])
    surface = st.toggle(t("grad.surface"), key="grad_surface", bind="query-params")
    fig, summary = field(text, *grid.values(), lang, page.presentation, surface)

    c1, c2 = st.columns(2)
    for col, latex in zip((c1, c2), summary.formulas(), strict=True):
        col.latex(latex)
    st.caption(t("grad.field_error", error=view.number(summary.max_abs_error, 3), points=summary.points))
    if summary.nonfinite:
        st.warning(t("grad.nonfinite", count=summary.nonfinite, total=summary.points**2), icon=":material/warning:")

    # a projector's fonts need the width: there the point's panel goes under the chart
    chart, side = (st.container(), st.container()) if page.presentation else st.columns([3, 2])
    with side:
        st.subheader(t("grad.at_point"))
        c1, c2 = st.columns(2)
        px, py = (
            page.number(v, value=s, key=f"grad_p{v}", where=c, **P.POINT)
            for v, s, c in zip("xy", first.start, (c1, c2), strict=True)
        )
        angle = st.slider(t("grad.angle"), **P.ANGLE, key="grad_angle", bind="query-params", help=t("grad.angle_help"))
        hess = at_point(text, (px, py), *on)
        m1, m2 = st.columns(2)
        m1.metric(t("grad.value"), view.short(float(hess.value)))
        m2.metric(t("grad.kind"), t(f"grad.kind.{hess.kind}"), help=t("grad.kind_help"))
        st.dataframe(view.gradient_columns(hess, lang), hide_index=True, key="grad_table")
        st.latex(view.matrix_latex("H", hess.hessian))
        lam = ", ".join(view.number(float(v)) for v in hess.eigenvalues)
        st.caption(t("grad.eigen", values=lam, critical=t("grad.critical" if hess.critical else "grad.not_critical")))

    st.subheader(t("grad.race"))
    c1, c2, c3, c4, c5 = st.columns([3, 1, 1, 1, 1])
    with c1:
        opts = _race_choice(page)
    lr = page.number(t("grad.lr"), **P.LR, value=first.lr, key="grad_lr", where=c2, format="%.5g")
    steps = page.number(t("grad.steps"), **P.STEPS, value=first.steps, key="grad_steps", where=c3)
    starts = zip("xy", first.start, (c4, c5), strict=True)
    start = tuple(page.number(f"{t('grad.start')} {v}", value=s, key=f"grad_s{v}", where=c, **P.POINT) for v, s, c in starts)
    st.button(t("grad.start_here"), key="grad_start_here", on_click=_start_here, icon=":material/my_location:")
    runs = {name: (lr, race_run(text, start, name, lr, steps, *on)) for name in opts}
    stable = view.stable_lr(summary, hess)
    if stable is not None:
        high = view.above_lr(stable)
        st.info(t("grad.stable", lr=view.number(stable), above=view.number(high)), icon=":material/speed:")
        if st.toggle(t("grad.above", lr=view.number(high)), key="grad_above", bind="query-params"):
            runs["above"] = (high, race_run(text, start, "sgd", high, steps, *on))
    elif summary.quadratic:
        st.caption(t("grad.no_stable"))
    for note in view.race_notes(runs, lang, stable) + ([t("grad.race_two")] if len(opts) < 2 else []):
        st.warning(note, icon=":material/trending_up:")
    page.share({k: st.session_state.get(k) for k in SHARED} | {"grad_opts": ",".join(opts)})

    with chart:
        add_paths(add_point(fig, (px, py), hess, angle, summary.span, **show), runs, **show)
        select = {"on_select": _use_click, "selection_mode": "points"} if not surface else {}
        st.plotly_chart(fig, width="stretch", key="grad_chart", config={"displayModeBar": False}, **select)
        st.caption(t("grad.click" if not surface else "grad.surface_note"))
    if runs:
        st.plotly_chart(loss_figure(runs, **show), width="stretch", key="grad_loss")

    st.subheader(t("grad.slice"))
    piece, slope = cut(text, (px, py), angle, summary.span / 4, *on), view.directional(hess, angle)
    m1, m2 = st.columns(2)
    m1.metric(t("grad.directional"), view.short(slope), help=t("grad.directional_help"))
    m2.metric(t("grad.slope_autograd"), view.short(piece.slope_autograd), help=t("grad.slope_autograd_help"))
    st.plotly_chart(slice_figure(piece.t, piece.values, float(hess.value), slope, **show), width="stretch", key="grad_slice")

    race = {"point": (px, py), "start": start, "optimizers": opts, "lr": lr, "steps": steps}
    with st.expander(t("common.code")):
        st.code(gradients_code(as_xy(text), **grid, **race, lang=lang), language="python")
    csv = view.path_csv(runs)
    st.download_button(t("grad.csv"), csv, "gradient_paths.csv", "text/csv", key="grad_csv", on_click="ignore", disabled=not runs)


run(main, "nav.gradients", icon=":material/explore:")
