"""The Gradients lab on device="cuda": the same numbers as on the CPU (skipped where CUDA is absent)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from core.gradients import descend, gradient_field, hessian

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="CUDA is not available here"),
]

ROSENBROCK = "(1 - x)**2 + 100*(y - x**2)**2"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gradient_field_on_cuda_matches_cpu(dtype):
    cpu = gradient_field("sin(x)*cos(y) + x**2*y", points=201, dtype=dtype)
    gpu = gradient_field("sin(x)*cos(y) + x**2*y", points=201, dtype=dtype, device="cuda")
    assert isinstance(gpu.df_dx, np.ndarray) and gpu.df_dx.dtype == cpu.df_dx.dtype
    rtol = 1e-12 if dtype == "float64" else 1e-5
    for k in ("f", "df_dx", "df_dy"):
        np.testing.assert_allclose(gpu[k], cpu[k], rtol=rtol, atol=rtol * np.abs(cpu[k]).max())
    np.testing.assert_array_equal(gpu.df_dx_exact, cpu.df_dx_exact)  # the same NumPy reference


def test_gradient_field_at_1000_points_on_cuda_in_blocks():
    r = gradient_field(ROSENBROCK, points=1000, device="cuda")
    assert r.f.shape == (1000, 1000) and r.max_abs_error <= 1e-12 * np.abs(r.df_dx_exact).max()


def test_hessian_on_cuda_matches_cpu():
    cpu = hessian(ROSENBROCK, (-0.5, 0.8))
    gpu = hessian(ROSENBROCK, (-0.5, 0.8), device="cuda")
    np.testing.assert_allclose(gpu.hessian, cpu.hessian, rtol=1e-13)
    assert gpu.kind == cpu.kind and gpu.critical == cpu.critical


@pytest.mark.parametrize("optimizer", ["sgd", "nesterov", "adam"])
def test_descend_on_cuda_matches_cpu(optimizer):
    cpu = descend(ROSENBROCK, (-1.2, 1.0), optimizer=optimizer, lr=1e-3, steps=300)
    gpu = descend(ROSENBROCK, (-1.2, 1.0), optimizer=optimizer, lr=1e-3, steps=300, device="cuda")
    np.testing.assert_allclose(gpu.path, cpu.path, rtol=1e-9, atol=1e-12)


def test_divergence_on_cuda_is_found_at_the_same_step():
    cpu = descend("x**2 + 10*y**2", (1.0, 1.0), lr=0.2, steps=300)
    gpu = descend("x**2 + 10*y**2", (1.0, 1.0), lr=0.2, steps=300, device="cuda")
    assert gpu.diverged and gpu.stopped_at == cpu.stopped_at
