"""The notebook's ``log_exp(x, y) = -log(e^x / (e^x + e^y))``, written three ways, differentiable.

The function is ``f(x, y) = log(1 + e^(y - x)) = softplus(y - x)`` with gradients
``df/dx = -sigmoid(y - x)`` and ``df/dy = sigmoid(y - x)``:

- "naive": the notebook's formula, ``-log(exp(x) / (exp(x) + exp(y)))``;
- "rewritten": the notebook's fix, ``log(1 + exp(y - x))``;
- "stable": softplus of the exactly known difference, gradients from the sigmoid.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from core.errors import LabError

METHODS = ("naive", "rewritten", "stable")


def two_sum(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``s + e == a + b`` exactly (Knuth's TwoSum): ``s`` rounded, ``e`` its rounding error.

    Needs round-to-nearest addition, which every torch dtype has (float16 and bfloat16
    round a float32 sum once more, which is still correct rounding for a sum). Where
    ``s`` overflows, ``e`` is set to 0 instead of NaN.
    """
    s = a + b
    b_virtual = s - a
    a_virtual = s - b_virtual
    e = (a - a_virtual) + (b - b_virtual)
    return s, torch.where(torch.isfinite(s), e, torch.zeros_like(e))


def _stable_parts(x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """softplus(D) and sigmoid(D) for D = y - x known exactly as ``d + e``.

    Rounding y - x alone costs |D| ulps of relative error in e^D, which is 25% in
    bfloat16 near D = -80; carrying the rounding error ``e`` keeps it at one ulp.
    ``t = e^(-|D|) <= 1`` never overflows, ``log1p`` keeps small results accurate, and
    both sigmoid branches divide by ``1 + t`` in [1, 2]: no inf/inf anywhere.
    """
    d, e = two_sum(y, -x)
    positive = d > 0
    minus_abs = torch.where(positive, -d, d)  # -|d|, but with slope 1 at d = 0
    correction = torch.where(positive, -e, e)
    t = torch.exp(minus_abs) * torch.exp(correction)
    log_term = torch.log1p(t)
    value = torch.where(positive, d + (e + log_term), log_term)
    sigmoid = torch.where(positive, 1 / (1 + t), t / (1 + t))
    return value, sigmoid


class _StableLogExp(torch.autograd.Function):
    """softplus(y - x) with gradients -sigmoid, +sigmoid computed directly (never inf/inf)."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        value, sigmoid = _stable_parts(x, y)
        ctx.save_for_backward(x, y, sigmoid)
        return value

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        x, y, sigmoid = ctx.saved_tensors
        if torch.is_grad_enabled():  # create_graph: rebuild sigmoid from x, y so it is differentiable
            sigmoid = _stable_parts(x, y)[1]
        g = grad * sigmoid
        grad_x = (-g).sum_to_size(x.shape) if ctx.needs_input_grad[0] else None
        grad_y = g.sum_to_size(y.shape) if ctx.needs_input_grad[1] else None
        return grad_x, grad_y


def _naive(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    numerator = torch.exp(x)
    denominator = torch.exp(x) + torch.exp(y)
    return -torch.log(numerator / denominator)


def _rewritten(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return torch.log(1 + torch.exp(y - x))


_FORMS: dict[str, Callable[[torch.Tensor, torch.Tensor], torch.Tensor]] = {
    "naive": _naive,
    "rewritten": _rewritten,
    "stable": _StableLogExp.apply,
}


def check_method(method: str) -> None:
    """LabError naming the three forms unless ``method`` is one of them."""
    if method not in METHODS:
        raise LabError("err.stab_method", method=str(method), allowed=", ".join(METHODS))


def _as_tensors(x: torch.Tensor | float, y: torch.Tensor | float) -> tuple[torch.Tensor, torch.Tensor]:
    like = x if isinstance(x, torch.Tensor) else y if isinstance(y, torch.Tensor) else None
    try:
        if like is None:
            x, y = torch.as_tensor(x), torch.as_tensor(y)
        else:
            dtype = like.dtype if like.is_floating_point() else None
            x = x if isinstance(x, torch.Tensor) else torch.as_tensor(x, dtype=dtype, device=like.device)
            y = y if isinstance(y, torch.Tensor) else torch.as_tensor(y, dtype=dtype, device=like.device)
    except (TypeError, ValueError, RuntimeError) as exc:
        raise LabError("err.stab_input", detail=str(exc)) from exc
    for t in (x, y):
        if not t.is_floating_point():
            raise LabError("err.stab_dtype", dtype=str(t.dtype).replace("torch.", ""))
    if x.device != y.device:
        raise LabError("err.stab_devices", x=str(x.device), y=str(y.device))
    try:
        torch.broadcast_shapes(x.shape, y.shape)
    except RuntimeError as exc:
        raise LabError("err.stab_shape", x=str(tuple(x.shape)), y=str(tuple(y.shape))) from exc
    common = torch.promote_types(x.dtype, y.dtype)
    return x.to(common), y.to(common)


def log_exp(x: torch.Tensor | float, y: torch.Tensor | float, method: str = "stable") -> torch.Tensor:
    """``f(x, y) = -log(e^x / (e^x + e^y)) = log(1 + e^(y - x))``, differentiable, elementwise.

    x and y are floating tensors (or numbers) on one device, with broadcastable shapes;
    different float dtypes are promoted. ``method``:

    - "naive": ``-log(exp(x) / (exp(x) + exp(y)))``. NaN once exp(x) overflows (x > ln(max)
      of the dtype: inf/inf) or both exps underflow (0/0); inf once exp(y) or the sum
      overflows or the fraction underflows to 0; its gradients are NaN or inf in a wider
      region still (1/fraction or 1/(e^x + e^y) overflows). See ``explain``.
    - "rewritten": ``log(1 + exp(y - x))``. inf (gradients NaN) once exp(y - x) overflows;
      0, losing all accuracy, once exp(y - x) < eps/2 (1 + tiny rounds to 1).
    - "stable": ``softplus(D)`` for ``D = y - x`` known exactly (the rounding error of
      y - x is carried along), as ``max(D, 0) + log1p(exp(-|D|))``; gradients
      ``-sigmoid(D)``, ``sigmoid(D)`` in a custom autograd Function (double backward works).
      Every operation is in the input dtype, no wider one. Finite for every finite input
      whose result is representable (always when |x|, |y| <= max/2); value and gradients
      within 2 eps (relative) of the exact ones, measured in all four dtypes. inf or NaN inputs: NaN if x and y are the same
      infinity or either is NaN; otherwise the limit (e.g. x = +inf gives 0).

    Raises LabError (a ValueError) for an unknown method, non-float tensors, tensors on
    different devices or shapes that do not broadcast.
    """
    check_method(method)
    x, y = _as_tensors(x, y)
    return _FORMS[method](x, y)
