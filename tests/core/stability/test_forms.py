"""core.stability.forms: log_exp's three forms at the notebook's points, the stable form's gradients,
limits and broadcasting, and the errors log_exp raises."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from core.errors import LabError
from core.stability.forms import METHODS, log_exp
from tests.core.stability.helpers import grads


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_notebook_value_at_2_3(method, dtype):
    value, _, _ = grads(method, 2.0, 3.0, dtype)
    np.testing.assert_almost_equal(value.double().numpy(), [1.31326175], decimal=7)


@pytest.mark.parametrize("method", METHODS)
def test_notebook_gradients_at_2_3(method):
    _, dx, dy = grads(method, 2.0, 3.0)
    np.testing.assert_almost_equal(dx.numpy(), [-0.7310586], decimal=7)
    np.testing.assert_almost_equal(dy.numpy(), [0.7310586], decimal=7)


def test_notebook_naive_gradients_are_nan_at_400_800():
    value, dx, dy = grads("naive", 400.0, 800.0)
    assert torch.isinf(value).all()  # e^800 overflows: the fraction is 0 and -log 0 = inf
    assert torch.isnan(dx).all() and torch.isnan(dy).all()


@pytest.mark.parametrize("method", ["rewritten", "stable"])
def test_notebook_fixed_forms_give_minus_one_one_at_400_800(method):
    value, dx, dy = grads(method, 400.0, 800.0)
    assert value.item() == 400.0
    assert dx.item() == -1.0 and dy.item() == 1.0


def test_stable_gradient_at_equal_inputs_is_one_half():
    _, dx, dy = grads("stable", 5.0, 5.0)
    assert dx.item() == -0.5 and dy.item() == 0.5


def test_stable_passes_gradcheck_and_gradgradcheck():
    x = torch.tensor([-3.0, 0.0, 2.5, 40.0], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([1.0, 0.0, -2.0, 1.0], dtype=torch.float64, requires_grad=True)
    f = lambda a, b: log_exp(a, b, "stable")  # noqa: E731
    assert torch.autograd.gradcheck(f, (x, y))
    assert torch.autograd.gradgradcheck(f, (x, y))


def test_stable_broadcasts_and_sums_gradients_over_broadcast_dims():
    x = torch.tensor([[1.0], [2.0]], dtype=torch.float64, requires_grad=True)  # (2, 1)
    y = torch.tensor([0.0, 1.0, 2.0], dtype=torch.float64, requires_grad=True)  # (3,)
    log_exp(x, y, "stable").sum().backward()
    xr = x.detach().clone().requires_grad_()
    yr = y.detach().clone().requires_grad_()
    torch.nn.functional.softplus(yr - xr).sum().backward()
    assert x.grad.shape == (2, 1) and y.grad.shape == (3,)
    torch.testing.assert_close(x.grad, xr.grad)
    torch.testing.assert_close(y.grad, yr.grad)


def test_stable_accepts_a_number_next_to_a_tensor():
    out = log_exp(torch.tensor([2.0], dtype=torch.float64), 3.0)
    assert out.dtype == torch.float64 and out.item() == pytest.approx(1.31326175, abs=1e-7)


def test_stable_limits_at_infinite_inputs():
    inf = math.inf
    out = log_exp(torch.tensor([inf, -inf, inf, math.nan]), torch.tensor([0.0, 0.0, inf, 0.0]))
    assert out[0].item() == 0.0 and math.isinf(out[1].item())
    assert math.isnan(out[2].item()) and math.isnan(out[3].item())


def test_stable_is_inf_only_when_the_result_itself_overflows_float16():
    out = log_exp(torch.tensor([-40000.0, -20000.0], dtype=torch.float16), torch.tensor([40000.0, 20000.0], dtype=torch.float16))
    assert math.isinf(out[0].item())  # the exact value 80000 > 65504
    assert out[1].item() == 40000.0


def test_unknown_method_raises_value_error_naming_the_allowed_ones():
    with pytest.raises(ValueError, match="naive, rewritten, stable"):
        log_exp(torch.ones(2), torch.ones(2), "magic")


def test_mismatched_shapes_raise_value_error():
    with pytest.raises(ValueError, match=r"\(2,\).*\(3,\)"):
        log_exp(torch.ones(2), torch.ones(3))


def test_integer_tensors_raise_lab_error():
    with pytest.raises(LabError):
        log_exp(torch.ones(2, dtype=torch.int64), torch.ones(2, dtype=torch.int64))


def test_string_input_raises_lab_error():
    with pytest.raises(LabError):
        log_exp("2", torch.ones(1))


def test_mixed_float_dtypes_are_promoted():
    out = log_exp(torch.ones(2, dtype=torch.float16), torch.ones(2, dtype=torch.float64))
    assert out.dtype == torch.float64
