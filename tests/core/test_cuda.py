"""The key derivative checks on device="cuda" (skipped where CUDA is absent)."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from core.derivatives import differentiate, step_sweep, tangent
from core.devices import available_devices
from core.expression.parser import parse
from tests.core.derivatives.test_grid import ONE_ARGUMENT, RANGES  # the CPU catalogue test's domains

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available here"),
]


def test_cuda_is_listed():
    assert "cuda" in available_devices()


def test_cuda_results_come_back_as_numpy():
    r = differentiate("sin(x)", device="cuda")
    assert r.device.startswith("cuda")
    for a in (r.x, r.f, r.df, r.df_exact):
        assert isinstance(a, np.ndarray)


def test_cuda_sin_derivative_is_cos():
    r = differentiate("sin(x)", device="cuda", points=1000)
    np.testing.assert_allclose(r.df, np.cos(np.linspace(-10, 10, 1000)), rtol=0, atol=1e-14)


def test_cuda_logistic_derivative_is_s_times_one_minus_s():
    r = differentiate("sigmoid(x)", device="cuda")
    s = 1.0 / (1.0 + np.exp(-r.x))
    np.testing.assert_allclose(r.df, s * (1 - s), rtol=0, atol=1e-15)


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("name", ONE_ARGUMENT)
def test_cuda_autograd_matches_exact(name, order):
    # GPU kernels may round differently from the CPU's (fused multiply-add, other polynomial
    # approximations): a few ulp more than on the CPU, so 1e-11 instead of 1e-12.
    start, stop = RANGES.get(name, (-10.0, 10.0))
    r = differentiate(f"{name}(x)", start=start, stop=stop, points=1001, order=order, device="cuda")
    atol = 3e-9 if name == "softplus" else 1e-12
    np.testing.assert_allclose(r.df, r.df_exact, rtol=1e-11, atol=atol)


@pytest.mark.parametrize(("text", "slope"), [("relu(x)", 0.0), ("abs(x)", 0.0), ("sqrt(x)", math.inf), ("x**1.5", 0.0)])
def test_cuda_edge_slopes_at_zero(text, slope):
    assert tangent(text, 0.0, device="cuda").slope == slope


def test_cuda_x_times_sqrt_x_gives_nan_at_zero():
    assert math.isnan(tangent("x*sqrt(x)", 0.0, device="cuda").slope)


def test_cuda_float32_error_is_bounded_and_far_above_float64():
    def rel(r):
        return float(np.max(np.abs(r.df.astype(np.float64) - r.df_exact) / np.maximum(1.0, np.abs(r.df_exact))))

    e32 = rel(differentiate("x**2*sin(x)", device="cuda", dtype="float32"))
    e64 = rel(differentiate("x**2*sin(x)", device="cuda", dtype="float64"))
    assert e32 <= 1e-5 and e64 <= 1e-13 and e32 >= 1e3 * max(e64, 1e-17)


def test_cuda_million_points_and_nonfinite_counts():
    r = differentiate("log(x)", device="cuda", points=1_000_000)
    assert r.nonfinite["f"] == int((r.x <= 0).sum())
    assert math.isfinite(r.max_abs_error)


def test_cuda_expression_call_keeps_device_and_dtype():
    xt = torch.linspace(-1, 1, 5, device="cuda", dtype=torch.float32)
    for text in ("x**2*sin(x)", "2**x", "pi"):
        out = parse(text)(xt)
        assert out.device.type == "cuda" and out.dtype == torch.float32


def test_step_sweep_is_unaffected_by_cuda_presence():
    sweep = step_sweep("sin(x)")
    assert sweep.autograd_error["float64"] < np.nanmin(sweep.fd_error["float64"])
