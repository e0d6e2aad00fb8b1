"""core.stability.reasons: the page's explanations predict every NaN and inf, and naive and rewritten
fail exactly at the thresholds the explanations name."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from core.stability.evaluation import evaluate
from core.stability.presets import (
    DTYPE_NAMES,
    INPUT_LIMIT,
)
from core.stability.reasons import WHY_VALUE_KIND, explain
from core.stability.regions import VALUE_INF, VALUE_NAN, VALUE_ZERO, value_status
from core.stability.thresholds import exp_thresholds, stored
from tests.core.stability.helpers import DT, around, grads, neighbours


def _edge_grid(dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """Points around every threshold the page names, in both x and y - x, plus a coarse grid."""
    th = exp_thresholds(dtype)
    marks = [th.overflow, -th.overflow, th.underflow, -th.underflow, th.absorb, -th.absorb, 0.0]
    near = []
    for m in marks:
        t = torch.tensor(m, dtype=torch.float64).to(DT[dtype])
        for direction in (math.inf, -math.inf):
            v = t
            for _ in range(40):
                v = torch.nextafter(v, torch.tensor(direction, dtype=DT[dtype]))
                near.append(float(v))
    near = np.array(sorted(set(near) | set(marks)))
    coarse = np.linspace(-1.6 * -th.underflow, 1.6 * -th.underflow, 41)
    base = np.unique(np.concatenate([coarse, near, [-3.0, 3.0]]))
    base = base[np.abs(base) <= INPUT_LIMIT]
    xx, yy = np.meshgrid(base, np.concatenate([coarse, [0.0, 3.0, -3.0]]))
    # y - x near each mark too: y = x + near
    x2 = np.repeat(coarse, near.size)
    y2 = x2 + np.tile(near, coarse.size)
    keep = np.abs(y2) <= INPUT_LIMIT
    # x and y both near a mark: e^x + e^y can overflow (or 1/(e^x + e^y)) though neither alone does
    x3, y3 = np.meshgrid(near[::8], near[::8])
    x = stored(np.concatenate([xx.ravel(), x2[keep], x3.ravel()]), dtype)
    y = stored(np.concatenate([yy.ravel(), y2[keep], y3.ravel()]), dtype)
    return x, y


@pytest.mark.parametrize("method", ["naive", "rewritten", "stable"])
@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_explanation_predicts_every_nan_and_inf(method, dtype):
    x, y = _edge_grid(dtype)
    ev = evaluate(method, x, y, dtype)
    why_value, why_grad = explain(method, x, y, dtype)
    status = value_status(ev.value, x, y, dtype)
    kinds = np.array([WHY_VALUE_KIND.get(w, "") for w in why_value])
    # the value: NaN exactly where a reason says NaN, inf exactly where one says inf
    np.testing.assert_array_equal(status == VALUE_NAN, kinds == "nan")
    np.testing.assert_array_equal(status == VALUE_INF, kinds == "inf")
    # a collapse to 0 (with a normal exact value) always has a "rounds to 1" reason
    assert (kinds[status == VALUE_ZERO] == "zero").all()
    # the gradients: non-finite exactly where a reason is given
    bad_grad = ~(np.isfinite(ev.grad_x) & np.isfinite(ev.grad_y))
    np.testing.assert_array_equal(bad_grad, why_grad != "")
    assert "stab.why.naive_grad_other" not in set(why_grad)


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_naive_value_is_nan_exactly_when_exp_x_overflows(dtype):
    below, above = neighbours(exp_thresholds(dtype).overflow, dtype)
    value, dx, dy = grads("naive", below, 0.0, DT[dtype])
    assert torch.isfinite(value).all() and torch.isfinite(dx).all() and torch.isfinite(dy).all()
    value, _, _ = grads("naive", above, 0.0, DT[dtype])
    assert torch.isnan(value).all()


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_naive_value_is_inf_when_the_sum_overflows_though_each_exp_does_not(dtype):
    below, _ = neighbours(exp_thresholds(dtype).overflow, dtype)
    value, _, _ = grads("naive", below, below, DT[dtype])  # e^x + e^y = 2 max: inf, the fraction is 0
    assert torch.isinf(value).all()
    assert explain("naive", below, below, dtype)[0].item() == "stab.why.naive_sum_overflow"


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_rewritten_is_inf_exactly_when_exp_of_y_minus_x_overflows(dtype):
    below, above = neighbours(exp_thresholds(dtype).overflow, dtype)  # values of y - x, with x = 0
    value, dx, dy = grads("rewritten", 0.0, below, DT[dtype])
    assert torch.isfinite(value).all() and torch.isfinite(dy).all()
    value, dx, dy = grads("rewritten", 0.0, above, DT[dtype])
    assert torch.isinf(value).all() and torch.isnan(dx).all() and torch.isnan(dy).all()


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_rewritten_loses_all_accuracy_exactly_below_the_absorb_threshold(dtype):
    below, above = around(exp_thresholds(dtype).absorb, dtype, strict_below=True)  # values of y - x, x = 0
    assert grads("rewritten", 0.0, below, DT[dtype])[0].item() == 0.0  # exact value e^-7.6... is far from 0
    assert grads("rewritten", 0.0, above, DT[dtype])[0].item() > 0.0
    assert grads("stable", 0.0, below, DT[dtype])[0].item() > 0.0
