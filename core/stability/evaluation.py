"""The three forms at many points, and each measured against the exact reference."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from core.stability.forms import METHODS, check_method, log_exp
from core.stability.reference import Reference, reference, relative_error
from core.stability.thresholds import check_inputs, dtype_name, exp_thresholds, resolve, stored


@dataclass(frozen=True)
class Evaluation:
    """One form at many points: value and autograd gradients, as float64 arrays."""

    method: str
    value: np.ndarray
    grad_x: np.ndarray
    grad_y: np.ndarray


def run_method(method: str, xs: np.ndarray, ys: np.ndarray, dt: torch.dtype, dev: torch.device) -> Evaluation:
    """``method`` at inputs the dtype already holds (``stored``): no checks, for the inner loops."""
    xt = torch.from_numpy(np.ascontiguousarray(xs)).to(dev, dt).requires_grad_()
    yt = torch.from_numpy(np.ascontiguousarray(ys)).to(dev, dt).requires_grad_()
    value = log_exp(xt, yt, method)
    value.backward(torch.ones_like(value))  # elementwise, same shape: pointwise gradients
    return Evaluation(method, _numpy(value), _numpy(xt.grad), _numpy(yt.grad))


def _numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().double().cpu().numpy()


def evaluate(
    method: str,
    x: Sequence[float] | np.ndarray | float,
    y: Sequence[float] | np.ndarray | float,
    dtype: str = "float64",
    device: str = "cpu",
) -> Evaluation:
    """``log_exp(x, y, method)`` and both autograd gradients at broadcast points.

    x, y are rounded to ``dtype`` (on ``device``) first; |x|, |y| <= INPUT_LIMIT, finite,
    else LabError. The arrays come back on the CPU in float64 (exactly the dtype's values).
    """
    check_method(method)
    dt, dev = resolve(dtype, device)
    xs, ys = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    check_inputs(xs, ys)
    return run_method(method, xs, ys, dt, dev)


@dataclass(frozen=True)
class Comparison:
    """The three forms and the reference at the same points (inputs as the dtype stores them)."""

    dtype: str
    x: np.ndarray
    y: np.ndarray
    reference: Reference
    results: dict[str, Evaluation]
    errors: dict[str, dict[str, np.ndarray]]  # method -> {"value", "grad_x", "grad_y"}: relative errors

    def finite(self, method: str) -> np.ndarray:
        """Where the value and both gradients of ``method`` are finite."""
        ev = self.results[method]
        return np.isfinite(ev.value) & np.isfinite(ev.grad_x) & np.isfinite(ev.grad_y)

    def worst_error(self, method: str) -> float:
        """The largest relative error of ``method`` over the value and both gradients."""
        return max(float(np.max(e)) for e in self.errors[method].values())


def compare(
    x: Sequence[float] | np.ndarray | float,
    y: Sequence[float] | np.ndarray | float,
    dtype: str = "float64",
    device: str = "cpu",
    methods: Sequence[str] = METHODS,
) -> Comparison:
    """Evaluate ``methods`` at broadcast (x, y) and measure each against the mpmath reference."""
    dt, dev = resolve(dtype, device)
    xs, ys = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    check_inputs(xs, ys)
    xs, ys = stored(xs, dtype), stored(ys, dtype)
    ref = reference(xs, ys)
    tiny = exp_thresholds(dtype).tiny
    results, errors = {}, {}
    for method in methods:
        ev = run_method(method, xs, ys, dt, dev)
        results[method] = ev
        errors[method] = {
            "value": relative_error(ev.value, ref.value_hi, ref.value_lo, tiny),
            "grad_x": relative_error(ev.grad_x, -ref.grad_hi, -ref.grad_lo, tiny),
            "grad_y": relative_error(ev.grad_y, ref.grad_hi, ref.grad_lo, tiny),
        }
    return Comparison(dtype_name(dtype), xs, ys, ref, results, errors)
