"""The Gradients page's surfaces: each parses, starts in its window, and is the function it names."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.gradients import descend, hessian
from core.gradients.exact import as_xy
from core.gradients.presets import LR, PRESETS, STEPS, preset_of, preset_values
from core.stability import log_exp


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_each_preset_starts_inside_its_window_with_an_allowed_lr(name):
    p = PRESETS[name]
    as_xy(p.text)
    assert p.x_range[0] < p.start[0] < p.x_range[1] and p.y_range[0] < p.start[1] < p.y_range[1]
    assert LR["low"] <= p.lr <= LR["high"] and STEPS["low"] <= p.steps <= STEPS["high"]
    assert preset_of(p.text) == name and preset_values(name)["grad_expr"] == p.text


def test_log_exp_is_the_notebooks_function_of_two_variables():
    x = torch.linspace(-3, 3, 13, dtype=torch.float64)
    y = torch.linspace(2, -2, 13, dtype=torch.float64)
    ours = as_xy(PRESETS["log_exp"].text)(x, y)
    torch.testing.assert_close(ours, log_exp(x, y, "stable"), rtol=1e-13, atol=1e-15)


def test_the_known_minima_are_minima():
    for name, point in (("bowl", (0, 0)), ("rosenbrock", (1, 1)), ("himmelblau", (3, 2))):
        h = hessian(PRESETS[name].text, point)
        assert h.critical and h.kind == "minimum", name
    assert hessian(PRESETS["saddle"].text, (0, 0)).kind == "saddle"


def test_plain_sgd_at_the_presets_lr_goes_down_where_a_minimum_exists():
    for name in ("bowl", "ill_bowl", "rosenbrock", "himmelblau"):
        p = PRESETS[name]
        run = descend(p.text, p.start, optimizer="sgd", lr=p.lr, steps=p.steps)
        assert not run.diverged and run.values[-1] < 0.5 * run.values[0], name
    assert np.all(np.diff(descend("x**2 + 10*y**2", (2.5, 1.5), lr=0.09, steps=5).path[:, 1] > 0) != 0)
