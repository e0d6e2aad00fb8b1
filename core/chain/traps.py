"""Three traps of autograd, shown with the reader's f at the table's points.

1. ``backward`` adds into ``.grad``: k calls leave k * du/dx (``accumulation_trap``);
2. ``backward`` on a vector needs a vector w and gives wᵀJ (``nonscalar_trap``);
3. the gradient of a sum is the pointwise derivative only for elementwise functions (``sum_trap``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.chain.inputs import MAX_TABLE_POINTS, check_points, parse_inner
from core.chain.rule import to_numpy
from core.checks import check_int
from core.devices import resolve_device, resolve_dtype
from core.errors import Both, LabError
from core.expression.parser import Expression

MAX_BACKWARD_CALLS = 10
CALLS = Both("O número de chamadas de backward", "The number of backward calls")


def check_trap_inputs(inner: str | Expression, x: object) -> tuple[Expression, np.ndarray]:
    """The traps need an f that depends on x and 2..20 points (one point hides them all)."""
    f = parse_inner(inner)
    points = check_points(x, limit=MAX_TABLE_POINTS)
    if points.size < 2:
        raise LabError("err.chain_trap_points", limit=MAX_TABLE_POINTS)
    if f.is_constant:
        raise LabError("err.chain_trap_constant")
    return f, points


def _trap_setup(inner: str | Expression, x: object, device: str, dtype: str) -> tuple[Expression, torch.Tensor]:
    f, points = check_trap_inputs(inner, x)
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    return f, torch.tensor(points, dtype=dt, device=dev, requires_grad=True)


@dataclass(frozen=True, eq=False)
class AccumulationTrap:
    """x.grad after each of ``calls`` backward passes of u = f(x), without resetting it.

    ``grads[k]`` is x.grad after call k + 1, which is (k + 1) * du/dx: backward adds into
    .grad. ``after_zero`` and ``after_none`` are x.grad after one more call preceded by
    ``x.grad.zero_()`` or by ``x.grad = None``: both give du/dx again.
    """

    calls: int
    x: np.ndarray
    du_dx: np.ndarray
    grads: np.ndarray  # shape (calls, n)
    after_zero: np.ndarray
    after_none: np.ndarray


def accumulation_trap(
    inner: str | Expression, x: object, calls: int = 2, *, device: str = "cpu", dtype: str = "float64"
) -> AccumulationTrap:
    """Call ``u.backward(ones, retain_graph=True)`` ``calls`` times and read x.grad each time.

    ``retain_graph`` keeps the graph alive for the next call (without it the second call
    raises). Needs 2..20 points and an f that depends on x.
    """
    calls = check_int(calls, 1, MAX_BACKWARD_CALLS, name=CALLS)
    f, xt = _trap_setup(inner, x, device, dtype)
    u = f(xt)
    ones = torch.ones_like(u)
    grads = []
    for _ in range(calls):
        u.backward(ones, retain_graph=True)
        grads.append(to_numpy(xt.grad).copy())  # copy: the next call adds into the same tensor
    xt.grad.zero_()
    u.backward(ones, retain_graph=True)
    after_zero = to_numpy(xt.grad).copy()
    xt.grad = None
    u.backward(ones)
    after_none = to_numpy(xt.grad).copy()
    return AccumulationTrap(calls, to_numpy(xt), grads[0], np.stack(grads), after_zero, after_none)


@dataclass(frozen=True, eq=False)
class NonScalarTrap:
    """``u.backward()`` on a vector u, and what the vector passed to backward means.

    ``message`` is PyTorch's own RuntimeError text. ``grad_ones`` is x.grad after
    ``u.backward(ones)``, equal to ``grad_sum`` (after ``u.sum().backward()``): both are
    onesᵀJ, a vector-Jacobian product. With any vector w, backward gives wᵀJ, which for an
    elementwise f is w * f'(x): ``grad_weights``.
    """

    message: str
    x: np.ndarray
    grad_ones: np.ndarray
    grad_sum: np.ndarray
    weights: np.ndarray
    grad_weights: np.ndarray


def nonscalar_trap(
    inner: str | Expression, x: object, weights: object | None = None, *, device: str = "cpu", dtype: str = "float64"
) -> NonScalarTrap:
    """Capture the error of ``u.backward()`` for u with 2..20 elements, then pass vectors.

    ``weights`` (default 1, 2, ..., n) must have as many finite values as x.
    """
    f, xt = _trap_setup(inner, x, device, dtype)
    n = xt.numel()
    w = np.arange(1.0, n + 1.0) if weights is None else check_points(weights, limit=MAX_TABLE_POINTS)
    if w.size != n:
        raise LabError("err.chain_weights", count=w.size, n=n)
    u = f(xt)
    try:
        u.backward()
        message = ""  # not reached for n >= 2; kept so a change in PyTorch shows up in the tests
    except RuntimeError as exc:
        message = str(exc)
    u.backward(torch.ones_like(u), retain_graph=True)
    grad_ones = to_numpy(xt.grad).copy()
    xt.grad = None
    u.sum().backward(retain_graph=True)
    grad_sum = to_numpy(xt.grad).copy()
    xt.grad = None
    u.backward(torch.as_tensor(w, dtype=u.dtype, device=u.device))
    return NonScalarTrap(message, to_numpy(xt), grad_ones, grad_sum, w, to_numpy(xt.grad).copy())


@dataclass(frozen=True, eq=False)
class SumCase:
    """d/dx sum(h(x)) against the diagonal of the Jacobian of h, for one function h.

    ``elementwise`` says whether h_i depends on x_i alone (the Jacobian is diagonal); only then
    is the gradient of the sum the pointwise derivative.
    """

    name: str
    code: str
    elementwise: bool
    grad_of_sum: np.ndarray
    jacobian_diagonal: np.ndarray
    max_off_diagonal: float


def _sum_case(name: str, code: str, h, xt: torch.Tensor) -> SumCase:
    x = xt.detach().clone().requires_grad_(True)
    y = h(x)
    if y.requires_grad:
        y.sum().backward()
    grad = torch.zeros_like(x) if x.grad is None else x.grad
    jac = torch.autograd.functional.jacobian(h, xt.detach())  # (n, n): row i = grad of h_i
    off = (jac - torch.diag(torch.diagonal(jac))).abs()
    # 0 * inf in a backward formula (sqrt at 0) puts NaN off the diagonal even for an elementwise f
    off_max = float(torch.where(torch.isnan(off), 0.0, off).max())
    return SumCase(name, code, off_max == 0.0, to_numpy(grad).copy(), to_numpy(torch.diagonal(jac)).copy(), off_max)


def sum_trap(inner: str | Expression, x: object, *, device: str = "cpu", dtype: str = "float64") -> list[SumCase]:
    """``backward`` of a sum gives the pointwise derivative only for elementwise functions.

    Three cases at the same 2..20 points: the chosen f (elementwise: the gradient of the sum
    equals the Jacobian's diagonal), x - mean(x) (gradient of the sum 0, diagonal 1 - 1/n) and
    x * sum(x) (gradient of the sum 2 sum(x), diagonal sum(x) + x). The Jacobian is computed by
    ``torch.autograd.functional.jacobian``, n backward passes.
    """
    f, xt = _trap_setup(inner, x, device, dtype)
    return [
        _sum_case(f.text, f"u = {f.code}", f, xt),
        _sum_case("x - mean(x)", "u = x - x.mean()", lambda t: t - t.mean(), xt),
        _sum_case("x * sum(x)", "u = x * x.sum()", lambda t: t * t.sum(), xt),
    ]
