"""Points and helpers the stability tests share: a grid over the page's whole input range, neighbours
of a threshold in a dtype, and log_exp's value and gradients at one point."""

from __future__ import annotations

import math

import numpy as np
import torch

from core.stability.forms import log_exp
from core.stability.presets import INPUT_LIMIT
from core.stability.thresholds import stored

DT = {"float16": torch.float16, "bfloat16": torch.bfloat16, "float32": torch.float32, "float64": torch.float64}
NP_DT = {"float16": np.float16, "float32": np.float32, "float64": np.float64}  # numpy has no bfloat16
# Worst relative error of "stable" we allow, in units of the dtype's eps (= 2 ulps of 1).
# Measured: worst 1.96 eps (float32, a subnormal result, error taken against tiny) over 200,000
# random pairs and the grid below; see the issue note for every dtype.
STABLE_EPS = 2.5


def grid(dtype: str) -> tuple[np.ndarray, np.ndarray]:
    """Pairs spanning -1e4..1e4 in x and y: every scale crossed with every scale, plus
    y = x + delta for deltas from 1e-4 to 1e4 (where cancellation in y - x happens)."""
    mags = [0.0, *(10.0**k for k in np.arange(-3, 4.01, 0.25))]
    a = np.array(sorted({s * m for m in mags for s in (1, -1)}))
    deltas = np.array(sorted({s * 10.0**k for k in np.arange(-4, 4.01, 0.125) for s in (1, -1)} | {0.0}))
    xx, yy = np.meshgrid(a, a)
    near_x = np.repeat(a, deltas.size)
    near_y = near_x + np.tile(deltas, a.size)
    keep = np.abs(near_y) <= INPUT_LIMIT
    x = np.concatenate([xx.ravel(), near_x[keep]])
    y = np.concatenate([yy.ravel(), near_y[keep]])
    return stored(x, dtype), stored(y, dtype)


def around(value: float, dtype: str, strict_below: bool) -> tuple[float, float]:
    """Consecutive numbers of ``dtype`` on either side of ``value``: (<= value, > value), or
    with ``strict_below`` (< value, >= value), matching "z > T" and "z < U" conditions."""
    t = torch.tensor(value, dtype=torch.float64).to(DT[dtype])
    down, up = torch.tensor(-math.inf, dtype=DT[dtype]), torch.tensor(math.inf, dtype=DT[dtype])
    if float(t) > value or (strict_below and float(t) == value):
        t = torch.nextafter(t, down)
    return float(t), float(torch.nextafter(t, up))


def neighbours(value: float, dtype: str) -> tuple[float, float]:
    return around(value, dtype, strict_below=False)


def grads(method: str, x: float, y: float, dtype=torch.float64):
    xt = torch.tensor([x], dtype=dtype, requires_grad=True)
    yt = torch.tensor([y], dtype=dtype, requires_grad=True)
    value = log_exp(xt, yt, method)
    value.sum().backward()
    return value.detach(), xt.grad, yt.grad
