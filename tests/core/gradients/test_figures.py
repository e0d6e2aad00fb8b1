"""The Gradients page's figure builders: what reaches the browser, the arrows, the point, the paths."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import plotly.io as pio
import pytest

from core.gradients.figures import (
    ARROWS,
    CLICK_GRID,
    MAX_DISPLAY,
    add_paths,
    add_point,
    arrows,
    click_grid,
    color_values,
    display_indices,
    field_figure,
    loss_figure,
    resample,
    slice_figure,
    visible_path,
)

SPEC_LIMIT = 1_000_000  # bytes of chart spec, whatever the grid


def bowl_field(n: int, lo: float = -3.0, hi: float = 3.0, a: float = 1.0, b: float = 10.0) -> SimpleNamespace:
    """f = a·x² + b·y² and its exact gradient on an n x n grid, indexed [j, i] like core's."""
    x = np.linspace(lo, hi, n)
    y = np.linspace(lo, hi, n)
    X, Y = np.meshgrid(x, y)
    return SimpleNamespace(x=x, y=y, f=a * X**2 + b * Y**2, df_dx=2 * a * X, df_dy=2 * b * Y)


def run(path: np.ndarray) -> SimpleNamespace:
    values = (path**2).sum(axis=1)
    return SimpleNamespace(path=path, values=values, grad_norms=2 * np.hypot(*path.T), diverged=False, stopped_at=None)


@pytest.mark.parametrize("surface", [False, True])
def test_a_1000_by_1000_field_stays_under_a_megabyte(surface):
    fig = field_figure(bowl_field(1000), surface=surface)
    assert len(pio.to_json(fig, validate=False).encode()) <= SPEC_LIMIT
    z = fig.data[0].z
    assert np.asarray(z).shape == (MAX_DISPLAY, MAX_DISPLAY)


def test_display_indices_keep_both_ends_and_the_limit():
    for n in (2, MAX_DISPLAY - 1, MAX_DISPLAY, MAX_DISPLAY + 1, 1000):
        idx = display_indices(n)
        assert idx[0] == 0 and idx[-1] == n - 1
        assert idx.size == min(n, MAX_DISPLAY)
        assert np.all(np.diff(idx) > 0)


def test_resample_picks_the_grid_values_at_the_kept_points():
    field = bowl_field(501)
    x, y, f = resample(field.x, field.y, field.f)
    assert f.shape == (y.size, x.size)
    np.testing.assert_allclose(f, x[None, :] ** 2 + 10 * y[:, None] ** 2, rtol=1e-15, atol=0)


def test_arrows_point_along_the_gradient_and_fit_in_a_cell():
    field = bowl_field(101)
    xs, ys = arrows(field)
    seg = np.column_stack([xs, ys]).reshape(-1, 7, 2)  # shaft start, tip, gap, barb, tip, barb, gap
    start, tip = seg[:, 0], seg[:, 1]
    shaft = tip - start
    grad = np.column_stack([2 * start[:, 0], 20 * start[:, 1]])
    cos = (shaft * grad).sum(axis=1) / (np.linalg.norm(shaft, axis=1) * np.linalg.norm(grad, axis=1))
    np.testing.assert_allclose(cos, 1.0, atol=1e-12)
    cell = 6.0 / ARROWS
    assert np.linalg.norm(shaft, axis=1).max() == pytest.approx(0.85 * cell, rel=1e-12)
    # 15 x 15 sub-grid of a 101-point axis has its centre on (0, 0): no arrow where ∇f = 0
    assert len(seg) == ARROWS * ARROWS - 1


def test_arrows_skip_points_where_the_gradient_is_not_finite():
    field = bowl_field(31)
    field.df_dx = np.full_like(field.f, np.nan)
    assert arrows(field)[0].size == 0


def test_click_grid_covers_the_window_with_round_numbers():
    field = bowl_field(201)
    grid = click_grid(field)
    assert len(grid.x) == CLICK_GRID * CLICK_GRID
    assert min(grid.x) == -3.0 and max(grid.y) == 3.0
    assert all(float(f"{v:.6g}") == v for v in grid.x)
    assert grid.marker.opacity == 0


def test_color_values_take_the_log_where_a_few_walls_dominate():
    x = np.linspace(-2, 2, 201)
    X, Y = np.meshgrid(x, np.linspace(-1, 3, 201))
    rosenbrock = (1 - X) ** 2 + 100 * (Y - X**2) ** 2
    values, logged = color_values(rosenbrock)
    assert logged and np.nanmin(values) == 0.0
    assert not color_values(bowl_field(51, a=1, b=1).f)[1]


def test_add_point_draws_the_eigenvectors_through_the_point():
    fig = field_figure(bowl_field(51))
    hess = SimpleNamespace(eigenvalues=np.array([2.0, 20.0]), eigenvectors=np.eye(2))
    add_point(fig, (1.0, 0.5), hess, 90.0, 6.0)
    eig = [t for t in fig.data if t.name and "λ = 20" in t.name][0]
    assert list(eig.x) == [1.0, 1.0] and list(eig.y) == pytest.approx([-0.1, 1.1])
    u = [t for t in fig.data if t.name and t.name.startswith("u (90")][0]
    assert u.x[1] == pytest.approx(1.0) and u.y[1] == pytest.approx(0.5 + 1.2)


def test_paths_are_drawn_as_core_returned_them_until_they_diverge():
    fig = field_figure(bowl_field(51))
    path = np.array([[2.0, 1.0], [1.0, 0.5], [0.5, 0.25]])
    wild = np.array([[2.0, 1.0], [-40.0, 3.0], [2e6, 1.0], [np.nan, np.nan]])
    add_paths(fig, {"sgd": (0.1, run(path)), "adam": (0.5, run(wild))})
    sgd = [t for t in fig.data if t.name == "SGD (lr=0.1)"][0]
    np.testing.assert_array_equal(np.column_stack([sgd.x, sgd.y]), path)
    adam = [t for t in fig.data if t.name == "Adam (lr=0.5)"][0]
    assert len(adam.x) == 2  # up to the first point beyond |coordinate| <= 1e6
    assert visible_path(wild).shape == (2, 2)


def test_loss_axis_is_log_for_positive_values_and_linear_otherwise():
    path = np.array([[2.0, 1.0], [1.0, 0.5], [1e-9, 0.0]])
    fig = loss_figure({"sgd": (0.1, run(path))})
    assert fig.layout.yaxis.type == "log"
    lo, hi = fig.layout.yaxis.range
    assert lo <= np.log10(1e-18) and hi >= np.log10(5.0)
    saddle = run(path)
    saddle.values = np.array([3.0, -1.0, -50.0])
    assert loss_figure({"sgd": (0.1, saddle)}).layout.yaxis.type == "linear"


def test_slice_tangent_has_the_directional_derivative_as_its_slope():
    t = np.linspace(-1, 1, 201)
    fig = slice_figure(t, 2 + 3 * t + t**2, 2.0, 3.0)
    tangent = fig.data[1]
    slope = (tangent.y[-1] - tangent.y[0]) / (tangent.x[-1] - tangent.x[0])
    assert slope == pytest.approx(3.0, rel=1e-12)
    assert 0.0 in list(tangent.x) or min(tangent.x) < 0 < max(tangent.x)


def test_on_the_surface_the_paths_run_at_the_heights_core_returned():
    fig = field_figure(bowl_field(51), surface=True)
    path = np.array([[2.0, 1.0], [1.0, 0.5], [0.5, 0.25]])
    add_paths(add_point(fig, (1.0, 0.5), SimpleNamespace(value=1.25), 0.0, 6.0), {"sgd": (0.1, run(path))})
    point, sgd = fig.data[1], fig.data[2]
    assert point.type == "scatter3d" and list(point.z) == [1.25]
    assert sgd.type == "scatter3d" and list(np.asarray(sgd.z, dtype=float)) == [5.0, 1.25, 0.3125]
