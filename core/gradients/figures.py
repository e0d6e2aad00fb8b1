"""Figures of the Gradients page (pure functions of core results).

The field (``field_figure``) is drawn once per grid and cached by the page; what moves with the
point or the learning rate is added on top (``add_point``, ``add_paths``), so a click does not
redraw the grid. Whatever the grid (up to 1000 x 1000), the browser gets at most
``MAX_DISPLAY`` x ``MAX_DISPLAY`` values of f: the contour is resampled for display.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go

from core.i18n import tr
from core.style import COLORS, compact, finite, sizes, style

MAX_DISPLAY = 128  # values per axis of f sent to the browser (128 x 128 float32: about 90 kB of JSON; finer looks the same)
ARROWS = 15  # gradient arrows per axis
CLICK_GRID = 61  # invisible clickable points per axis: a click on the chart picks the nearest
EQUAL_ASPECT = 4.0  # one unit is as long on both axes unless one span is this many times the other
OPTIMIZER_COLORS = {
    "sgd": "#d1495b",
    "momentum": "#edae49",
    "nesterov": "#00798c",
    "adam": "#6a4c93",
    "rmsprop": "#2e8b57",
    "adagrad": "#8c564b",
    "above": "#111111",
}
EIGEN_COLORS = ("#ff006e", "#9ad61a")  # magenta and lime: no optimizer has these
LOG_COLORS_BELOW = 0.15  # colour by log(f) when half the window lies in the lowest 15 % of f's range


def display_indices(n: int, limit: int = MAX_DISPLAY) -> np.ndarray:
    """At most ``limit`` indices into an axis of ``n`` points, evenly spread, both ends kept."""
    if n <= limit:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, limit).round().astype(int))


def resample(x: np.ndarray, y: np.ndarray, z: np.ndarray, limit: int = MAX_DISPLAY) -> tuple[np.ndarray, ...]:
    """(x, y, z) on at most ``limit`` points per axis (z is indexed ``[j, i]`` for (x[i], y[j]))."""
    i, j = display_indices(x.size, limit), display_indices(y.size, limit)
    return x[i], y[j], z[np.ix_(j, i)]


def color_values(f: np.ndarray) -> tuple[np.ndarray, bool]:
    """What the contour colours: f itself, or log10(1 + f - min f) when a few large values would
    leave most of the window one colour (Rosenbrock's valley is 1000 times below its walls).
    Returns (values, whether they are the logarithm). NaN where f is not finite."""
    f = np.where(np.isfinite(f), f, np.nan)
    if not np.isfinite(f).any():
        return f, False
    low, mid, high = np.nanpercentile(f, [0, 50, 100])
    if high - low > 0 and (mid - low) < LOG_COLORS_BELOW * (high - low):
        return np.log10(1.0 + (f - low)), True
    return f, False


def arrows(field: Any, count: int = ARROWS) -> tuple[np.ndarray, np.ndarray]:
    """Autograd's gradient on a ``count`` x ``count`` sub-grid, as arrows: x and y of line segments
    (shaft and two barbs) separated by NaN, for one Scatter trace.

    The length grows with |∇f| (square root, so small gradients still show a direction); the
    longest arrow is 85 % of a cell. Points where the gradient is not finite or is 0 get none.
    """
    i, j = display_indices(field.x.size, count), display_indices(field.y.size, count)
    X, Y = np.meshgrid(field.x[i], field.y[j])
    gx, gy = field.df_dx[np.ix_(j, i)], field.df_dy[np.ix_(j, i)]
    norm = np.hypot(gx, gy)
    ok = np.isfinite(norm) & (norm > 0)
    if not ok.any():
        return np.array([]), np.array([])
    cell = min(np.ptp(field.x), np.ptp(field.y)) / max(count, 2)
    scale = np.sqrt(norm[ok] / norm[ok].max())
    ux, uy = gx[ok] / norm[ok], gy[ok] / norm[ok]
    length = 0.85 * cell * scale
    x0, y0 = X[ok], Y[ok]
    x1, y1 = x0 + ux * length, y0 + uy * length
    barb = 0.3 * length
    c, s = np.cos(np.radians(150)), np.sin(np.radians(150))
    lx, ly = x1 + barb * (c * ux - s * uy), y1 + barb * (s * ux + c * uy)
    rx, ry = x1 + barb * (c * ux + s * uy), y1 + barb * (-s * ux + c * uy)
    gap = np.full_like(x0, np.nan)
    xs = np.column_stack([x0, x1, gap, lx, x1, rx, gap]).ravel()
    ys = np.column_stack([y0, y1, gap, ly, y1, ry, gap]).ravel()
    return xs, ys


def _round(a: np.ndarray, digits: int = 6) -> np.ndarray:
    """``a`` in float64 rounded to ``digits`` significant digits (-1.5899999999999999 -> -1.59)."""
    return np.array([float(f"{v:.{digits}g}") for v in np.asarray(a, dtype=np.float64)])


def click_grid(field: Any, count: int = CLICK_GRID) -> go.Scatter:
    """An invisible grid of points over the contour: Plotly reports clicks on points, not on a
    contour or a heatmap, so these carry the page's clicks (the nearest one within reach)."""
    i, j = display_indices(field.x.size, count), display_indices(field.y.size, count)
    # rounded to 6 digits, sent as float32 (half the bytes): the page rounds a click to 6 digits again
    X, Y = np.meshgrid(_round(field.x[i]), _round(field.y[j]))
    return go.Scatter(
        x=compact(X.ravel()),
        y=compact(Y.ravel()),
        customdata=finite(field.f[np.ix_(j, i)].ravel()),
        mode="markers",
        marker={"size": 12, "opacity": 0, "color": "#000000"},
        selected={"marker": {"opacity": 0}},
        unselected={"marker": {"opacity": 0}},
        hovertemplate="x=%{x:.4g}<br>y=%{y:.4g}<br>f=%{customdata:.6g}<extra></extra>",
        showlegend=False,
        name="click",
    )


def field_figure(field: Any, *, lang: str = "pt", presentation: bool = False, surface: bool = False) -> go.Figure:
    """The contour of f with autograd's gradient arrows and the clickable grid, or (``surface``)
    the 3-D surface z = f(x, y). f is resampled to at most ``MAX_DISPLAY`` points per axis."""
    x, y, f = resample(field.x, field.y, field.f)
    values, logged = color_values(f)
    title = tr("grad.fig_log_f" if logged else "grad.fig_f", lang)
    fig = go.Figure()
    if surface:
        fig.add_trace(
            go.Surface(
                x=compact(x),
                y=compact(y),
                z=finite(f),
                surfacecolor=finite(values),
                colorscale="Viridis",
                colorbar={"title": {"text": title}},
                name="f",
            )
        )
        axes = {"xaxis_title": "x", "yaxis_title": "y", "zaxis_title": "f(x, y)"}
        fig.update_layout(scene=axes, scene_aspectmode="cube")
        return style(fig, presentation, height=620)
    fig.add_trace(
        go.Contour(
            x=compact(x),
            y=compact(y),
            z=finite(values),
            colorscale="Viridis",
            ncontours=24,
            hoverinfo="skip",
            contours={"coloring": "heatmap", "showlines": True},
            line={"width": 0.5, "color": "rgba(255,255,255,0.5)"},
            colorbar={"title": {"text": title, "side": "right"}},
            name="f",
        )
    )
    ax, ay = arrows(field)
    size = sizes(presentation)
    fig.add_trace(
        go.Scatter(
            x=compact(ax),
            y=compact(ay),
            mode="lines",
            name=tr("grad.trace_arrows", lang),
            showlegend=False,  # the caption under the chart says what the arrows are
            hoverinfo="skip",
            line={"color": "rgba(255,255,255,0.85)", "width": size.thin + 0.5},
        )
    )
    fig.add_trace(click_grid(field))
    x_span, y_span = float(np.ptp(field.x)), float(np.ptp(field.y))
    fig.update_xaxes(range=[float(field.x[0]), float(field.x[-1])], title_text="x", showgrid=False, zeroline=False)
    fig.update_yaxes(range=[float(field.y[0]), float(field.y[-1])], title_text="y", showgrid=False, zeroline=False)
    if 1 / EQUAL_ASPECT <= x_span / y_span <= EQUAL_ASPECT:
        fig.update_yaxes(scaleanchor="x", scaleratio=1)  # the gradient then looks perpendicular to the level curves
    fig.update_layout(hovermode="closest", dragmode=False, clickmode="event+select")
    style(fig, presentation, height=640)
    # below the plot: above it, a narrow column's legend takes the height the square plot needs
    return fig.update_layout(legend={"y": -0.17 if presentation else -0.13, "yanchor": "top"}, margin={"t": 20})


def _segment(p: np.ndarray, v: np.ndarray, half: float) -> tuple[list[float], list[float]]:
    return [p[0] - half * v[0], p[0] + half * v[0]], [p[1] - half * v[1], p[1] + half * v[1]]


def add_point(
    fig: go.Figure,
    point: tuple[float, float],
    hess: Any,
    angle: float,
    span: float,
    *,
    lang: str = "pt",
    presentation: bool = False,
) -> go.Figure:
    """The point, the direction u at ``angle`` degrees (an arrow) and the Hessian's eigenvectors
    (segments through the point, labelled with their eigenvalues) on ``field_figure``'s contour.
    ``span`` is the window's smaller side: the segments are a fifth of it. On the 3-D surface,
    the point alone, at height f(p)."""
    size = sizes(presentation)
    p, half = np.asarray(point, dtype=float), 0.1 * span
    if is_surface(fig):
        marker = {"color": "#ffffff", "size": size.marker, "line": {"color": "#000000", "width": 2}}
        z = [float(hess.value)] if np.isfinite(hess.value) else [np.nan]
        return fig.add_trace(go.Scatter3d(x=[p[0]], y=[p[1]], z=z, mode="markers", marker=marker, name="p", showlegend=False))
    vectors = np.asarray(hess.eigenvectors, dtype=float)
    for k, lam in enumerate(np.asarray(hess.eigenvalues, dtype=float)):
        v = vectors[:, k]
        if not np.isfinite(v).all():
            continue
        xs, ys = _segment(p, v, half)
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                mode="lines",
                hoverinfo="skip",
                line={"color": EIGEN_COLORS[k], "width": size.line + 1, "dash": "dash"},
                name=tr("grad.trace_eigen", lang, k=k + 1, lam=f"{lam:.4g}"),
            )
        )
    u = np.array([np.cos(np.radians(angle)), np.sin(np.radians(angle))])
    tip = p + 2 * half * u
    fig.add_trace(
        go.Scatter(
            x=[p[0], tip[0]],
            y=[p[1], tip[1]],
            mode="lines+markers",
            hoverinfo="skip",
            marker={"symbol": "arrow", "angleref": "previous", "size": [0, size.marker + 6]},
            line={"color": COLORS["tangent"], "width": size.line + 1},
            name=tr("grad.trace_u", lang, angle=f"{angle:g}"),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[p[0]],
            y=[p[1]],
            mode="markers",
            name=tr("grad.trace_point", lang),
            showlegend=False,
            marker={"color": "#ffffff", "size": size.marker + 6, "line": {"color": "#000000", "width": 2}},
            hovertemplate="x=%{x:.6g}<br>y=%{y:.6g}<extra></extra>",
        )
    )
    return fig


def is_surface(fig: go.Figure) -> bool:
    """Whether ``fig`` is ``field_figure``'s 3-D surface (not its contour)."""
    return bool(fig.data) and fig.data[0].type == "surface"


def visible_path(path: np.ndarray, limit: float = 1e6) -> np.ndarray:
    """The path up to its first point that is not finite or beyond ``limit``: what can be drawn."""
    path = np.asarray(path, dtype=float)
    bad = ~(np.isfinite(path).all(axis=1) & (np.abs(path) <= limit).all(axis=1))
    stop = int(np.argmax(bad)) if bad.any() else len(path)
    return path[:stop]


def path_label(name: str, lr: float, lang: str) -> str:
    """A run's name in the legend: the optimizer and its learning rate."""
    return tr(f"grad.opt.{name}", lang) + f" (lr={lr:.3g})" if name != "above" else tr("grad.opt.above", lang, lr=f"{lr:.4g}")


def add_paths(
    fig: go.Figure, runs: Mapping[str, tuple[float, Any]], *, lang: str = "pt", presentation: bool = False
) -> go.Figure:
    """Each run's path on the contour (``runs``: optimizer name -> (lr, core.descend's result)),
    from a common start (drawn once); a diverging path is drawn until it leaves |coordinate| ≤ 1e6.
    On the 3-D surface, each path runs on it, at the heights f(p_k) core returned."""
    size = sizes(presentation)
    start = None
    for name, (lr, run) in runs.items():
        path = visible_path(run.path)
        if is_surface(fig):
            z = np.asarray(run.values, dtype=float)[: len(path)]
            line = {"color": OPTIMIZER_COLORS.get(name, "#333333"), "width": size.line + 2}
            fig.add_trace(
                go.Scatter3d(x=path[:, 0], y=path[:, 1], z=finite(z), mode="lines", line=line, name=path_label(name, lr, lang))
            )
            continue
        start = path[0] if start is None and len(path) else start
        fig.add_trace(
            go.Scatter(
                x=path[:, 0],
                y=path[:, 1],
                mode="lines+markers",
                name=path_label(name, lr, lang),
                line={"color": OPTIMIZER_COLORS.get(name, "#333333"), "width": size.line},
                marker={"size": max(3, size.marker - 4)},
                hovertemplate="x=%{x:.4g}<br>y=%{y:.4g}<extra></extra>",
            )
        )
    if start is not None:
        fig.add_trace(
            go.Scatter(
                x=[start[0]],
                y=[start[1]],
                mode="markers",
                name=tr("grad.trace_start", lang),
                marker={"symbol": "x", "color": "#ffffff", "size": size.marker + 4, "line": {"color": "#000000", "width": 1}},
            )
        )
    return fig


def slice_figure(
    t: np.ndarray, values: np.ndarray, f0: float, slope: float, *, lang: str = "pt", presentation: bool = False
) -> go.Figure:
    """The slice g(t) = f(p + t·u) and its tangent at t = 0, whose slope is the directional derivative ∇f·u."""
    size = sizes(presentation)
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(x=compact(t), y=finite(values), mode="lines", name=tr("grad.trace_slice", lang), line={"color": COLORS["f"]})
    )
    half = t[t.size // 2 :][: max(2, t.size // 4)]
    tangent_t = np.concatenate([-half[::-1], half]) if np.isfinite(slope) else np.array([])
    fig.add_trace(
        go.Scatter(
            x=tangent_t,
            y=f0 + slope * tangent_t,
            mode="lines",
            name=tr("grad.trace_slice_tangent", lang, slope=f"{slope:.6g}"),
            line={"color": COLORS["tangent"], "width": size.line + 1},
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[0.0], y=[f0], mode="markers", showlegend=False, marker={"color": COLORS["tangent"], "size": size.marker + 2}
        )
    )
    fig.update_xaxes(title_text="t")
    fig.update_yaxes(title_text=tr("grad.axis_slice", lang))
    return style(fig, presentation, height=360)


def loss_figure(runs: Mapping[str, tuple[float, Any]], *, lang: str = "pt", presentation: bool = False) -> go.Figure:
    """f along each path against the step, on a log axis when every value is positive (else linear,
    since a log axis cannot show f ≤ 0; the title says which)."""
    fig = go.Figure()
    values = [np.asarray(run.values, dtype=float) for _, run in runs.values()]
    finite_all = np.concatenate([v[np.isfinite(v)] for v in values]) if values else np.array([])
    positive = finite_all[finite_all > 0]
    log = bool(positive.size) and bool((finite_all >= 0).all())  # an f of exactly 0 is a gap on a log axis
    for (name, (lr, _)), v in zip(runs.items(), values, strict=True):
        fig.add_trace(
            go.Scatter(
                x=np.arange(v.size),
                y=finite(v),
                mode="lines",
                name=path_label(name, lr, lang),
                line={"color": OPTIMIZER_COLORS.get(name, "#333333")},
            )
        )
    fig.update_xaxes(title_text=tr("grad.axis_step", lang))
    fig.update_yaxes(type="log" if log else "linear", title_text=tr("grad.axis_loss_log" if log else "grad.axis_loss", lang))
    if log:  # a range of whole decades, set before ``style``, which labels one decade in every few
        lo, hi = np.floor(np.log10(positive.min())), np.ceil(np.log10(positive.max()))
        fig.update_yaxes(range=[lo - 0.2, max(hi, lo + 1) + 0.2])
    return style(fig, presentation, height=380)
