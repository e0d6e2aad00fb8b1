"""What the Gradients page shows, made from core's results."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from core.gradients import descend, hessian
from core.gradients.presets import PRESETS
from core.gradients.view import field_view, gradient_columns, matrix_latex, path_csv, race_notes, slice_along, stable_lr


def summary(text: str, points: int = 11):
    return field_view(text, (-3.0, 3.0), (-3.0, 3.0), points, "cpu", "float64")[1]


def test_stable_step_is_two_over_the_largest_eigenvalue_for_a_bowl_only():
    s = summary("x**2 + 10*y**2")
    assert s.quadratic and stable_lr(s, hessian("x**2 + 10*y**2", (1.0, 1.0))) == pytest.approx(0.1, rel=1e-15)
    saddle = summary("x**2 - y**2")
    assert saddle.quadratic and stable_lr(saddle, hessian("x**2 - y**2", (1.0, 1.0))) is None
    rosen = PRESETS["rosenbrock"].text
    assert stable_lr(summary(rosen), hessian(rosen, (1.0, 1.0))) is None


def test_field_summary_counts_the_points_where_f_is_not_finite():
    s = summary("log(x) + y", points=10)  # x < 0 on 5 of 10 columns (none is 0): log is NaN there
    assert s.nonfinite == 5 * 10
    assert s.formulas()[1] == r"\nabla f = \left( \frac{1}{x},\; 1 \right)"


def test_the_slice_slope_by_autograd_is_the_directional_derivative():
    text = PRESETS["himmelblau"].text
    piece = slice_along(text, (1.0, -2.0), 30.0, 1.0, "cpu", "float64")
    g = hessian(text, (1.0, -2.0)).gradient
    u = np.array([np.cos(np.radians(30.0)), np.sin(np.radians(30.0))])
    assert piece.slope_autograd == pytest.approx(float(g @ u), rel=1e-12)
    f = lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2  # noqa: E731
    np.testing.assert_allclose(piece.values, f(1.0 + piece.t * u[0], -2.0 + piece.t * u[1]), rtol=1e-13)


def test_gradient_table_and_hessian_show_cores_numbers():
    h = hessian("x**3*y", (2.0, -1.0))
    cols = gradient_columns(h, "en")
    assert cols["autograd"] == ["-12", "8"] and cols["exact (SymPy)"] == ["-12", "8"]
    assert cols["|difference|"] == ["0.000e+00", "0.000e+00"]
    assert matrix_latex("H", h.hessian) == r"H = \begin{pmatrix} -12 & 12 \\ 12 & 0 \end{pmatrix}"


def test_csv_holds_every_step_of_every_run_exactly():
    runs = {name: (0.05, descend("x**2 + 10*y**2", (2.5, 1.5), optimizer=name, lr=0.05, steps=7)) for name in ("sgd", "adam")}
    rows = list(csv.DictReader(io.StringIO(path_csv(runs))))
    assert len(rows) == 2 * 8
    adam = [r for r in rows if r["optimizer"] == "adam"]
    np.testing.assert_array_equal([[float(r["x"]), float(r["y"])] for r in adam], runs["adam"][1].path)
    assert [float(r["f"]) for r in adam] == list(runs["adam"][1].values)


def test_a_diverging_run_gets_a_note_with_its_step():
    run = descend("x**2 + 10*y**2", (2.5, 1.5), optimizer="sgd", lr=0.5, steps=50)
    assert run.diverged
    (note,) = race_notes({"sgd": (0.5, run)}, "en")
    assert f"step {run.stopped_at}" in note and "lr = 0.5" in note
