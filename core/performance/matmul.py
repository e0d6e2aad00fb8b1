"""C = A Bᵀ four ways (two Python loops, torch.mm, NumPy), and the float64 reference that checks them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from core.performance.budget import LOOP_CHECK_ROWS, check_clock


def row_loop(A: torch.Tensor, B: torch.Tensor, deadline: float | None = None) -> torch.Tensor:
    """C = A Bᵀ one row at a time: row i is ``(A[i] * B).sum(dim=1)`` (broadcasting, as the notebook).

    ``deadline`` (a ``time.perf_counter()`` value): raise ``OutOfBudget`` once the clock has
    passed it, checked every ``LOOP_CHECK_ROWS`` rows. A loop is many small operations, and on
    a busy machine with several threads each may stall, so one call can take many times its
    prediction; the check keeps the budget without a measurable cost (one clock read per
    ``LOOP_CHECK_ROWS`` rows of at least two tensor operations each).
    """
    C = A.new_empty(A.shape[0], B.shape[0])
    for i in range(A.shape[0]):
        C[i] = (A[i] * B).sum(dim=1)
        if i % LOOP_CHECK_ROWS == 0:
            check_clock(deadline)
    return C


def double_loop(A: torch.Tensor, B: torch.Tensor, deadline: float | None = None) -> torch.Tensor:
    """C = A Bᵀ one entry at a time: C[i, j] = sum_k A[i, k] B[j, k]; n² tensor operations.

    ``deadline``: as in ``row_loop``, checked after every row of C.
    """
    C = A.new_empty(A.shape[0], B.shape[0])
    for i in range(A.shape[0]):
        for j in range(B.shape[0]):
            C[i, j] = (A[i] * B[j]).sum()
        check_clock(deadline)
    return C


def method_fn(
    method: str, A: torch.Tensor, B: torch.Tensor, a_np: np.ndarray, b_np: np.ndarray, deadline: float | None = None
) -> Callable[[], Any]:
    """The call that computes C by ``method``; the loops stop at ``deadline`` (``OutOfBudget``).

    One operation (torch.mm, NumPy's matmul) cannot be stopped, but at the largest sizes it
    lasts about 0.35 s here, and it is predicted.
    """
    if method == "row_loop":
        return lambda: row_loop(A, B, deadline)
    if method == "double_loop":
        return lambda: double_loop(A, B, deadline)
    if method == "torch_mm":
        return lambda: torch.mm(A, B.T)
    return lambda: a_np @ b_np.T


def random_inputs(n: int, k: int, dtype: torch.dtype, seed: int) -> tuple[np.ndarray, np.ndarray, torch.Tensor, torch.Tensor]:
    """A, B ~ N(0, 1) of n x k, rounded to ``dtype``; float64 copies of the rounded values.

    Drawn in float32 (five times faster than float64 draws at 4096 x 1024, and the draw is
    preparation the budget cannot predict for the first size).
    """
    gen = torch.Generator().manual_seed(seed)
    A = torch.randn(n, k, generator=gen, dtype=torch.float32).to(dtype)
    B = torch.randn(n, k, generator=gen, dtype=torch.float32).to(dtype)
    return A.double().numpy(), B.double().numpy(), A, B


def unit_roundoff(dtype: torch.dtype) -> float:
    """u = eps / 2: the largest relative rounding error of one operation in ``dtype``."""
    return float(torch.finfo(dtype).eps) / 2


class MatmulReference:
    """R = A Bᵀ from NumPy in float64 and the per-entry tolerance scale, computed once per size.

    Tolerance for C = terms · A Bᵀ: ``(2·terms − 1) · γ_(k+1) · ‖a_i‖ ‖b_j‖`` per entry, with
    ``γ_m = m u / (1 − m u)`` and u the unit roundoff of ``dtype``. A length-k dot product in
    any summation order errs by at most γ_k Σ|a||b|, and Σ|a_ik||b_jk| ≤ ‖a_i‖‖b_j‖
    (Cauchy–Schwarz); the extra term and the factor cover the additions of ``terms``
    accumulated products.
    """

    def __init__(self, A64: np.ndarray, B64: np.ndarray, dtype: torch.dtype, max_rows: int | None = None) -> None:
        # max_rows: check only that many evenly spaced rows of C (every column), to bound the cost
        n = A64.shape[0]
        self.rows = np.unique(np.linspace(0, n - 1, max_rows).round().astype(int)) if max_rows and max_rows < n else None
        if self.rows is not None:
            A64 = A64[self.rows]
        self.ref = A64 @ B64.T
        m = A64.shape[1] + 1
        u = unit_roundoff(dtype)
        gamma = m * u / (1 - m * u)
        norms = np.outer(np.linalg.norm(A64, axis=1), np.linalg.norm(B64, axis=1))
        self.scale = np.maximum(gamma * norms, np.finfo(np.float64).tiny)

    def check(self, C: Any, terms: int = 1) -> tuple[float, float]:
        """(max |C − terms·R|, max |C − terms·R| / tolerance); a ratio ≤ 1 passes, NaN/inf give inf."""
        if self.rows is not None:
            C = C[torch.as_tensor(self.rows, device=C.device)] if isinstance(C, torch.Tensor) else np.asarray(C)[self.rows]
        got = C.detach().cpu().double().numpy() if isinstance(C, torch.Tensor) else np.array(C, dtype=np.float64)
        got = got / terms  # compare C / terms with R: no extra n x n array for terms · R
        np.subtract(got, self.ref, out=got)
        np.abs(got, out=got)
        if not np.all(np.isfinite(got)):
            return float("inf"), float("inf")
        err = terms * float(got.max(initial=0.0))
        np.divide(got, self.scale, out=got)
        return err, float(got.max(initial=0.0)) * terms / (2 * terms - 1)


def matmul_error_ratio(C: Any, A64: np.ndarray, B64: np.ndarray, dtype: torch.dtype, terms: int = 1) -> tuple[float, float]:
    """(max |C − R|, max |C − R| / tolerance) for R = terms · A Bᵀ; see ``MatmulReference``."""
    return MatmulReference(A64, B64, dtype).check(C, terms)
