"""The gradient and Hessian of f(x, y) at one point, by autograd and by SymPy, and what they say."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import sympy as sp
import torch

from core.devices import resolve_device, resolve_dtype
from core.expression.numeric import evaluate
from core.expression.parser import Expression
from core.gradients.common import MAX_BOUND, Result, check_pair
from core.gradients.exact import as_xy, exact_partials

KINDS = ("minimum", "maximum", "saddle", "degenerate")
# kind: an eigenvalue counts as 0 when |λ| <= KIND_RTOL * max|λ|
KIND_RTOL = {"float64": 1e-9, "float32": 1e-4}
# critical: ||∇f|| <= CRITICAL_TOL * max(1, max|λ|)
CRITICAL_TOL = {"float64": 1e-6, "float32": 1e-3}


@dataclass(frozen=True, eq=False)
class Hessian(Result):
    """f, ∇f and the Hessian at one point, by autograd and exactly, and the point's kind.

    ``value`` (float), ``gradient`` (2,) and ``hessian`` (2, 2) come from autograd, in the
    computing dtype: ``hessian[a, b]`` = ∂/∂v_b (∂f/∂v_a) with (v_0, v_1) = (x, y), as autograd
    returns it (not symmetrised: its two mixed partials may differ by rounding).
    ``gradient_exact`` and ``hessian_exact`` are SymPy's, evaluated in float64 with NumPy at the
    same (rounded) point. ``eigenvalues`` (ascending) and ``eigenvectors`` (unit columns, each
    signed so that its largest component is positive) are those of (H + Hᵀ)/2 in float64.
    ``kind`` and ``critical``: see ``hessian``.
    """

    value: float
    gradient: np.ndarray
    hessian: np.ndarray
    gradient_exact: np.ndarray
    hessian_exact: np.ndarray
    eigenvalues: np.ndarray
    eigenvectors: np.ndarray
    kind: str
    critical: bool


def autograd_hessian(expr: Expression, p: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """f(p), ∇f(p) (2,) and the Hessian (2, 2) by autograd (``create_graph`` for the second order).

    Row a of the Hessian is the gradient of ∂f/∂v_a. A part that does not depend on a variable
    has derivative 0, not an error.
    """
    p = p.detach().requires_grad_(True)
    f = expr(p[0], p[1])
    zero = torch.zeros(2, 2, dtype=p.dtype, device=p.device)
    if not f.requires_grad:
        return f.detach(), torch.zeros_like(p), zero
    (g,) = torch.autograd.grad(f, p, create_graph=True)
    rows = []
    for a in range(2):
        if g.requires_grad:
            (row,) = torch.autograd.grad(g[a], p, retain_graph=True, allow_unused=True)
        else:
            row = None
        rows.append(torch.zeros_like(p) if row is None or row._is_zerotensor() else row.detach())
    return f.detach(), g.detach(), torch.stack(rows)


def classify(eigenvalues: np.ndarray, rtol: float) -> str:
    """ "minimum" (every λ > tol), "maximum" (every λ < -tol), "saddle" (one of each),
    else "degenerate" (some |λ| <= tol, where tol = rtol · max|λ|; also a zero or
    non-finite Hessian)."""
    lam = np.asarray(eigenvalues, dtype=np.float64)
    if not np.isfinite(lam).all():
        return "degenerate"
    scale = float(np.max(np.abs(lam)))
    tol = rtol * scale
    if scale == 0.0 or np.any(np.abs(lam) <= tol):
        return "degenerate"
    if np.all(lam > 0):
        return "minimum"
    if np.all(lam < 0):
        return "maximum"
    return "saddle"


def eigen(h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Eigenvalues (ascending) and unit eigenvectors (columns) of (h + hᵀ)/2 in float64.

    Each column is signed so that its component of largest magnitude is positive, so the same
    Hessian always draws the same arrows. A non-finite Hessian gives NaN for both.
    """
    h = np.asarray(h, dtype=np.float64)
    if not np.isfinite(h).all():
        return np.full(2, np.nan), np.full((2, 2), np.nan)
    lam, vec = np.linalg.eigh((h + h.T) / 2)
    for k in range(2):
        if vec[np.argmax(np.abs(vec[:, k])), k] < 0:
            vec[:, k] = -vec[:, k]
    return lam, vec


def _exact_at(tree: sp.Expr, symbols: tuple[sp.Symbol, ...], px: float, py: float) -> float:
    return float(evaluate(tree, symbols, (np.float64(px), np.float64(py))))


def hessian(
    expression: str | Expression,
    point: tuple[float, float],
    *,
    device: str = "cpu",
    dtype: str = "float64",
) -> Hessian:
    """f(p), ∇f(p) and the Hessian H(p) by autograd, against SymPy's, with H's eigen-decomposition.

    ``point`` is (x, y), finite, with |x|, |y| <= 1e6. ``expression`` as for ``gradient_field``.

    ``kind`` reads the signs of the eigenvalues λ of (H + Hᵀ)/2: an eigenvalue counts as zero
    when |λ| <= rtol · max|λ|, with rtol = 1e-9 in float64 and 1e-4 in float32; then "minimum"
    when both are positive, "maximum" when both are negative, "saddle" when they have opposite
    signs, "degenerate" when one counts as zero (and for a zero or non-finite Hessian). It
    describes the curvature at p; it names a critical point's type where ``critical`` is true.

    ``critical`` is true when ||∇f(p)|| <= tol · max(1, max|λ|), with tol = 1e-6 in float64 and
    1e-3 in float32: near a non-degenerate critical point ||∇f|| ≈ |λ| · distance, so this
    holds within about tol of one. A non-finite gradient is never critical.

    Bad arguments raise ``LabError`` (a ValueError); a point where f is undefined is no error:
    its values come back NaN or inf.
    """
    expr = as_xy(expression)
    px, py = check_pair(point, MAX_BOUND, name="point")
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    exact = exact_partials(expr, 2)

    p = torch.tensor([px, py], dtype=dt, device=dev)
    f, g, h = autograd_hessian(expr, p)
    g_np, h_np = g.cpu().numpy(), h.cpu().numpy()
    rx, ry = (float(v) for v in p.cpu().numpy())  # the rounded point autograd saw
    symbols = expr.real_symbols
    g_exact = np.array([_exact_at(d, symbols, rx, ry) for d in exact.gradient])
    h_exact = np.array([[_exact_at(d, symbols, rx, ry) for d in row] for row in exact.hessian])
    lam, vec = eigen(h_np)
    scale = float(np.max(np.abs(lam))) if np.isfinite(lam).all() else math.nan
    norm = float(np.linalg.norm(g_np.astype(np.float64)))
    critical = bool(math.isfinite(norm) and math.isfinite(scale) and norm <= CRITICAL_TOL[dtype] * max(1.0, scale))
    return Hessian(float(f.cpu()), g_np, h_np, g_exact, h_exact, lam, vec, classify(lam, KIND_RTOL[dtype]), critical)


def largest_stable_lr(expression: str | Expression) -> float | None:
    """2 / λmax for a quadratic f, whose Hessian A is constant; ``None`` otherwise.

    Plain SGD on a quadratic follows p_k = p* + (I - lr·A)^k (p_0 - p*): it converges from every
    start exactly when lr < 2/λmax (every |1 - lr·λ| < 1; a zero eigenvalue leaves its direction
    still). ``None`` when the Hessian depends on x or y (not a quadratic), has no positive
    eigenvalue, or has a negative one (a saddle: along that direction every lr moves away, so no
    step is stable from every start).
    """
    expr = as_xy(expression)
    exact = exact_partials(expr, 2)
    if any(d.free_symbols for row in exact.hessian for d in row):
        return None
    try:
        a = np.array([[float(d) for d in row] for row in exact.hessian])
    except TypeError:
        return None
    if not np.isfinite(a).all():
        return None
    low, top = (float(v) for v in np.linalg.eigvalsh((a + a.T) / 2)[[0, -1]])
    return 2.0 / top if top > 0 and low >= -1e-12 * top else None
