"""C = A Bᵀ by the loops equals NumPy's, and the float64 reference catches a wrong entry or a NaN."""

from __future__ import annotations

import numpy as np
import torch

from core.performance.matmul import MatmulReference, double_loop, matmul_error_ratio, random_inputs, row_loop


def _inputs(n: int, k: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    return torch.randn(n, k, generator=gen), torch.randn(n, k, generator=gen)


def test_loops_equal_mm_in_float64():
    A, B = _inputs(20, 7)
    A, B = A.double(), B.double()
    ref = A.numpy() @ B.numpy().T
    np.testing.assert_allclose(row_loop(A, B).numpy(), ref, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(double_loop(A, B).numpy(), ref, rtol=1e-12, atol=1e-12)


def test_tolerance_rejects_wrong_result():
    A, B = _inputs(12, 30)
    wrong = torch.mm(A, B.T)
    wrong[3, 4] += 1e-2  # far above float32 rounding of a length-30 dot product
    _, ratio = matmul_error_ratio(wrong, A.double().numpy(), B.double().numpy(), torch.float32)
    assert ratio > 1.0


def test_tolerance_rejects_nan():
    A, B = _inputs(4, 5)
    C = torch.mm(A, B.T)
    C[0, 0] = float("nan")
    assert matmul_error_ratio(C, A.double().numpy(), B.double().numpy(), torch.float32)[1] == float("inf")


def test_sampled_reference_checks_first_and_last_rows():
    A, B = _inputs(40, 16)
    ref = MatmulReference(A.double().numpy(), B.double().numpy(), torch.float32, max_rows=5)
    for row in (0, 39):
        wrong = torch.mm(A, B.T)
        wrong[row, 7] += 1.0
        assert ref.check(wrong)[1] > 1.0, row
    assert ref.check(torch.mm(A, B.T))[1] <= 1.0


def test_random_inputs_float64_copies_are_the_rounded_values():
    a64, b64, A, B = random_inputs(8, 3, torch.float32, seed=1)
    assert A.dtype == torch.float32 and a64.dtype == np.float64
    np.testing.assert_array_equal(a64, A.double().numpy())
    np.testing.assert_array_equal(b64, B.double().numpy())
