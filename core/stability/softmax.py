"""log(sum(exp(v))) and softmax(v) the naive way and through ``torch.logsumexp``, against mpmath."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import mpmath
import numpy as np
import torch

from core.checks import check_real, parse_numbers
from core.errors import LabError
from core.stability.presets import INPUT_LIMIT, MAX_VECTOR_LENGTH, SCALE_LIMIT
from core.stability.reference import REFERENCE_BITS
from core.stability.thresholds import check_inputs, dtype_name, resolve


@dataclass(frozen=True)
class LogSumExp:
    """log(sum(exp(v))) and softmax(v) two ways, against mpmath, for v = scale * base."""

    dtype: str
    v: np.ndarray  # the scaled vector as the dtype stores it
    naive: float  # log(sum(exp(v)))
    torch: float  # torch.logsumexp(v)
    exact: float
    softmax_naive: np.ndarray  # exp(v) / sum(exp(v))
    softmax_torch: np.ndarray  # exp(v - torch.logsumexp(v))
    softmax_exact: np.ndarray
    scale_range: tuple[float, float]  # naive is finite exactly for scales inside (|scale| <= SCALE_LIMIT)


def parse_vector(text: str) -> list[float]:
    """The base vector as typed: ``"[1, 2, 3]"`` -> [1.0, 2.0, 3.0] (``core.checks.parse_numbers``'s rule:
    commas, semicolons or spaces between numbers, one pair of brackets around them allowed).

    Only ``float()`` on each piece (no eval); 1 to MAX_VECTOR_LENGTH finite numbers with
    |v| <= INPUT_LIMIT, else LabError (one of the ``err.numbers_*`` keys).
    """
    return parse_numbers(text, max_count=MAX_VECTOR_LENGTH, max_abs=INPUT_LIMIT)


def _naive_lse(v: torch.Tensor) -> torch.Tensor:
    return torch.log(torch.exp(v).sum())


def _scaled(base: np.ndarray, scale: float, dt: torch.dtype, dev: torch.device) -> torch.Tensor:
    return torch.from_numpy(base * scale).to(dev, dt)


def _naive_scale_limit(base: np.ndarray, sign: float, dt: torch.dtype, dev: torch.device) -> float:
    """The largest |scale| (float64, toward ``sign``) keeping the naive sum of exps in (0, inf).

    Bisection on float64 scales: the largest e^(scale * v_i) grows with |scale|, so the
    naive result turns inf (or -inf, all e^v = 0) once and stays so.
    """

    def finite(s: float) -> bool:
        return bool(torch.isfinite(_naive_lse(_scaled(base, sign * s, dt, dev))))

    if finite(SCALE_LIMIT):
        return sign * SCALE_LIMIT
    lo, hi = 0.0, SCALE_LIMIT
    for _ in range(80):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        lo, hi = (mid, hi) if finite(mid) else (lo, mid)
    return sign * lo


def compare_logsumexp(base: Sequence[float], scale: float, dtype: str = "float32", device: str = "cpu") -> LogSumExp:
    """log-sum-exp of ``v = scale * base`` (rounded to ``dtype``), naive vs ``torch.logsumexp``.

    naive ``log(sum(exp(v)))`` is inf once some exp(v_i) (or their sum) overflows,
    roughly max(v) > ln(max), and -inf once every exp(v_i) underflows to 0; its softmax
    ``exp(v) / sum(exp(v))`` is then NaN (inf/inf or 0/0). ``torch.logsumexp`` subtracts
    max(v) first, so exp never sees a positive argument. The exact values come from mpmath.
    """
    dt, dev = resolve(dtype, device)
    b = np.asarray(base, dtype=np.float64)
    if not 1 <= b.size <= MAX_VECTOR_LENGTH or b.ndim != 1:
        raise LabError("err.stab_vector_length", high=MAX_VECTOR_LENGTH)
    check_inputs(b)
    scale = check_real(scale, -SCALE_LIMIT, SCALE_LIMIT, name="scale")
    v = _scaled(b, scale, dt, dev)
    if not bool(torch.isfinite(v).all()):
        # scale * v itself left the dtype's range (float16 stops at 65504): nothing to compare
        raise LabError("err.stab_lse_range", dtype=dtype_name(dtype), max=f"{torch.finfo(dt).max:g}")
    with torch.no_grad():
        naive = _naive_lse(v)
        softmax_naive = torch.exp(v) / torch.exp(v).sum()
        lse = torch.logsumexp(v, dim=0)
        softmax_torch = torch.exp(v - lse)
    v64 = _numpy(v)
    with mpmath.workprec(REFERENCE_BITS):
        exps = [mpmath.exp(mpmath.mpf(float(t))) for t in v64]
        total = mpmath.fsum(exps)
        exact = float(mpmath.log(total))
        softmax_exact = np.array([float(e / total) for e in exps])
    return LogSumExp(
        dtype=dtype_name(dtype),
        v=v64,
        naive=float(naive),
        torch=float(lse),
        exact=exact,
        softmax_naive=_numpy(softmax_naive),
        softmax_torch=_numpy(softmax_torch),
        softmax_exact=softmax_exact,
        scale_range=(_naive_scale_limit(b, -1.0, dt, dev), _naive_scale_limit(b, 1.0, dt, dev)),
    )


def _numpy(t: torch.Tensor) -> np.ndarray:
    return t.double().cpu().numpy()
