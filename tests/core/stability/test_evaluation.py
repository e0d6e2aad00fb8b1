"""core.stability.evaluation: "stable" against mpmath in every dtype (on a grid, at random points, at
every representable x), and the bounds compare puts on its inputs."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from core.errors import LabError
from core.stability.evaluation import compare, evaluate
from core.stability.forms import METHODS
from core.stability.presets import (
    DTYPE_NAMES,
    INPUT_LIMIT,
)
from core.stability.reference import reference, relative_error
from core.stability.thresholds import exp_thresholds, stored
from tests.core.stability.helpers import STABLE_EPS, grid


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_stable_is_finite_and_accurate_on_the_grid_in_every_dtype(dtype):
    x, y = grid(dtype)
    comp = compare(x, y, dtype, methods=("stable",))
    ev, err = comp.results["stable"], comp.errors["stable"]
    for name in ("value", "grad_x", "grad_y"):
        assert np.isfinite(getattr(ev, name)).all(), name
        worst = float(err[name].max()) / exp_thresholds(dtype).eps
        assert worst <= STABLE_EPS, f"{name}: {worst:.2f} eps at {np.argmax(err[name])}"


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
@given(st.floats(-INPUT_LIMIT, INPUT_LIMIT), st.floats(-INPUT_LIMIT, INPUT_LIMIT))
def test_stable_is_accurate_at_random_points(dtype, x, y):
    comp = compare(x, y, dtype, methods=("stable",))
    eps = exp_thresholds(dtype).eps
    for name in ("value", "grad_x", "grad_y"):
        assert comp.errors["stable"][name].item() <= STABLE_EPS * eps


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_stable_is_accurate_for_every_representable_x_at_fixed_y(dtype):
    xs = np.unique(stored(np.linspace(-60.0, 60.0, 40001), dtype))
    for y in (0.0, 1.0, -37.0, 1000.0):
        comp = compare(xs, y, dtype, methods=("stable",))
        worst = max(float(comp.errors["stable"][q].max()) for q in ("value", "grad_x", "grad_y"))
        assert worst <= STABLE_EPS * exp_thresholds(dtype).eps


def test_stable_beats_plain_softplus_in_bfloat16():
    # rounding y - x alone costs up to 25% near y - x = -80 in bfloat16: the reason for TwoSum
    x, y = stored([0.25], "bfloat16"), stored([-80.0], "bfloat16")
    plain = torch.nn.functional.softplus(torch.tensor(y).bfloat16() - torch.tensor(x).bfloat16()).double().numpy()
    ref = reference(x, y)
    assert relative_error(plain, ref.value_hi, ref.value_lo, exp_thresholds("bfloat16").tiny)[0] > 0.2
    assert compare(x, y, "bfloat16", methods=("stable",)).errors["stable"]["value"][0] < 0.01


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_stable_gradients_are_exact_negatives(dtype):
    x, y = grid(dtype)
    ev = evaluate("stable", x, y, dtype)
    np.testing.assert_array_equal(ev.grad_x, -ev.grad_y)


@pytest.mark.parametrize("bad", [1e4 + 1, -2e4, math.inf, math.nan])
def test_page_inputs_outside_the_bound_raise(bad):
    with pytest.raises(LabError):
        compare(bad, 0.0, "float32")


def test_unknown_dtype_raises():
    with pytest.raises(LabError):
        compare(1.0, 2.0, "float8")


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_stable_is_accurate_on_cuda(dtype):
    x, y = grid(dtype)
    comp = compare(x, y, dtype, device="cuda", methods=METHODS)
    for name in ("value", "grad_x", "grad_y"):
        assert np.isfinite(getattr(comp.results["stable"], name)).all()
        assert float(comp.errors["stable"][name].max()) <= STABLE_EPS * exp_thresholds(dtype).eps
    assert comp.results["naive"].value.shape == x.shape
