"""The exact reference: f(x, y) and sigmoid(y - x) in quadruple precision (mpmath), and the error measure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import mpmath
import numpy as np
import torch

from core.stability.forms import two_sum

REFERENCE_BITS = 113  # quadruple precision: the reference is exact to far below float64's ulp


@dataclass(frozen=True)
class Reference:
    """Exact f and sigmoid(y - x) at float64 inputs, each as a float64 pair ``hi + lo``.

    ``hi`` is the correctly rounded value; ``lo`` the rest, so errors of float64 results
    are measured below their own ulp. df/dx = -(grad_hi + grad_lo), df/dy = grad_hi + grad_lo.
    """

    value_hi: np.ndarray
    value_lo: np.ndarray
    grad_hi: np.ndarray
    grad_lo: np.ndarray


def exact_difference(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """y - x in float64 as ``hi + lo`` exactly (TwoSum)."""
    minus_x = np.array(-np.asarray(x, dtype=np.float64))  # np.array: 0-d stays an array
    s, e = two_sum(torch.from_numpy(np.array(y, dtype=np.float64)), torch.from_numpy(minus_x))
    return s.numpy(), e.numpy()


def _reference_point(hi: float, lo: float) -> tuple[float, float, float, float]:
    """f and sigmoid at the exact difference ``hi + lo``, each as (correctly rounded, rest)."""
    if not (math.isfinite(hi) and math.isfinite(lo)):
        return (math.nan,) * 4
    with mpmath.workprec(REFERENCE_BITS):
        d = mpmath.mpf(hi) + mpmath.mpf(lo)  # exact: |lo| <= ulp(hi) / 2
        if d > 0:
            t = mpmath.exp(-d)
            value, sigmoid = d + mpmath.log1p(t), 1 / (1 + t)
        else:
            t = mpmath.exp(d)
            value, sigmoid = mpmath.log1p(t), t / (1 + t)
        v_hi, s_hi = float(value), float(sigmoid)
        return v_hi, float(value - v_hi), s_hi, float(sigmoid - s_hi)


def reference(x: Sequence[float] | np.ndarray, y: Sequence[float] | np.ndarray) -> Reference:
    """f(x, y) = log(1 + e^(y - x)) and sigmoid(y - x) with mpmath at 113 bits.

    x and y are broadcast float64 arrays (the values a dtype stored, converted exactly).
    mpmath runs once per distinct exact difference y - x (about 25 microseconds each),
    so a regular grid costs far fewer calls than points. Non-finite inputs give NaN.
    """
    xs, ys = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    hi, lo = exact_difference(xs, ys)
    pairs, inverse = np.unique(np.stack([hi.ravel(), lo.ravel()], axis=1), axis=0, return_inverse=True)
    table = np.array([_reference_point(h, w) for h, w in pairs], dtype=np.float64).reshape(-1, 4)
    cols = [table[inverse.ravel(), k].reshape(xs.shape) for k in range(4)]
    return Reference(*cols)


def relative_error(computed: np.ndarray, ref_hi: np.ndarray, ref_lo: np.ndarray, tiny: float) -> np.ndarray:
    """``|computed - exact| / max(|exact|, tiny)``; inf where ``computed`` is NaN or inf.

    ``tiny`` is the dtype's smallest normal number: a subnormal result cannot carry full
    relative precision, so its error is measured against ``tiny`` (absolute, in effect).
    """
    c = np.asarray(computed, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs((c - ref_hi) - ref_lo) / np.maximum(np.abs(ref_hi), tiny)
    return np.where(np.isfinite(c), err, np.inf)
