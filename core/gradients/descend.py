"""Gradient descent on f(x, y) with the real ``torch.optim`` optimizers; divergence is a result."""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch

from core import governor
from core.checks import check_int, check_real
from core.devices import resolve_device, resolve_dtype
from core.errors import LabError
from core.expression.parser import Expression
from core.gradients.common import Result, check_pair, check_positive
from core.gradients.exact import as_xy

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad")
DEFAULT_MOMENTUM = 0.9  # "momentum" and "nesterov" with momentum left at 0
MAX_STEPS = 10_000
MAX_LR = 10.0
MAX_START = 1e3  # |x0|, |y0|
MAX_MOMENTUM = 0.999
ESCAPE = 1e6  # a position with |coordinate| beyond this has diverged
CHECK_EVERY = 256  # steps between divergence checks (one device synchronisation each)


@dataclass(frozen=True, eq=False)
class Descent(Result):
    """The path of one optimizer on f, step by step.

    ``path`` (steps + 1, 2) holds p_0 = start, p_1, ..., ``values`` (steps + 1,) f(p_k) and
    ``grad_norms`` (steps + 1,) ||∇f(p_k)||, all by autograd in float64 (from the computing
    dtype). ``diverged`` is true when some p_k is not finite or has |coordinate| > 1e6, or f(p_k)
    is not finite; ``stopped_at`` is the first such k (None when the run did not diverge). Row
    ``stopped_at`` holds what was computed there (inf, NaN, or a coordinate beyond 1e6); every
    row after it is NaN.
    """

    path: np.ndarray
    values: np.ndarray
    grad_norms: np.ndarray
    diverged: bool
    stopped_at: int | None


def make_optimizer(name: str, params: list[torch.Tensor], lr: float, momentum: float) -> torch.optim.Optimizer:
    """The ``torch.optim`` optimizer called ``name``, with torch's defaults beyond lr and momentum."""
    m = momentum or DEFAULT_MOMENTUM
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=m)
    if name == "nesterov":
        return torch.optim.SGD(params, lr=lr, momentum=m, nesterov=True)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr)
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr)
    raise LabError("err.grad_optimizer", name=str(name)[:30], allowed=", ".join(OPTIMIZERS))


def _first_bad(path: torch.Tensor, values: torch.Tensor) -> int | None:
    """The first row whose value or position is not finite or leaves |coordinate| <= ``ESCAPE``."""
    ok = torch.isfinite(values) & torch.isfinite(path).all(dim=1) & (path.abs() <= ESCAPE).all(dim=1)
    bad = torch.nonzero(~ok)
    return int(bad[0, 0]) if bad.numel() else None


def descend(
    expression: str | Expression,
    start: tuple[float, float],
    *,
    optimizer: str = "sgd",
    lr: float = 0.1,
    steps: int = 100,
    momentum: float = 0.0,
    device: str = "cpu",
    dtype: str = "float64",
) -> Descent:
    """Minimise f(x, y) from ``start`` with ``steps`` steps of a real ``torch.optim`` optimizer.

    Each step: zero the gradient, f(p).backward(), record p, f(p) and ||∇f(p)||, optimizer.step().
    Optimizers (torch's defaults for everything not named here):
    - "sgd": ``SGD(lr)``, p ← p - lr·g;
    - "momentum": ``SGD(lr, momentum)``, b ← μ·b + g, p ← p - lr·b;
    - "nesterov": ``SGD(lr, momentum, nesterov=True)``, b ← μ·b + g, p ← p - lr·(g + μ·b);
    - "adam": ``Adam(lr)``, betas (0.9, 0.999), eps 1e-8;
    - "rmsprop": ``RMSprop(lr)``, alpha 0.99, eps 1e-8;
    - "adagrad": ``Adagrad(lr)``, eps 1e-10.
    ``momentum`` (μ, from 0 to 0.999) is used by "momentum" and "nesterov", with 0.9 when it is
    left at 0; the others ignore it.

    Bounds: |start| <= 1e3 per coordinate; lr in (0, 10]; steps from 1 to 10,000; dtype
    "float32" or "float64". Bad arguments raise ``LabError`` (a ValueError). Divergence is no
    error: the result says ``diverged`` and where (``Descent``).
    """
    expr = as_xy(expression)
    x0, y0 = check_pair(start, MAX_START, name="start")
    if optimizer not in OPTIMIZERS:
        raise LabError("err.grad_optimizer", name=str(optimizer)[:30], allowed=", ".join(OPTIMIZERS))
    lr = check_positive(lr, MAX_LR, name="lr")
    steps = check_int(steps, 1, MAX_STEPS, name="steps")
    momentum = check_real(momentum, 0.0, MAX_MOMENTUM, name="momentum")
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    budget = governor.current()

    p = torch.tensor([x0, y0], dtype=dt, device=dev, requires_grad=True)
    opt = make_optimizer(optimizer, [p], lr, momentum)
    path = torch.full((steps + 1, 2), torch.nan, dtype=dt, device=dev)
    values = torch.full((steps + 1,), torch.nan, dtype=dt, device=dev)
    grads = torch.zeros((steps + 1, 2), dtype=dt, device=dev)
    stopped = None
    t0 = time.monotonic()
    for k in range(steps + 1):
        opt.zero_grad(set_to_none=False)
        f = expr(p[0], p[1])
        if f.requires_grad:
            f.backward()
        with torch.no_grad():
            path[k] = p
            values[k] = f
            if p.grad is not None:
                grads[k] = p.grad
        if k % CHECK_EVERY == CHECK_EVERY - 1 or k == steps:
            # one synchronisation per block: the steps computed past a divergence are dropped below
            lo = k - k % CHECK_EVERY
            bad = _first_bad(path[lo : k + 1], values[lo : k + 1])
            if bad is not None:
                stopped = lo + bad
                break
            if lo == 0 and k < steps:  # the first block tells how long the others will take
                budget.fits((time.monotonic() - t0) * (steps - k) / (k + 1))
            budget.check()
        if k < steps:
            opt.step()
    norms = torch.linalg.vector_norm(grads, dim=1)
    out = [t.cpu().numpy().astype(np.float64) for t in (path, values, norms)]
    if stopped is not None:
        for a in out:
            a[stopped + 1 :] = np.nan
    return Descent(out[0], out[1], out[2], stopped is not None, stopped)
