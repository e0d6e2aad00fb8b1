"""Why a form fails at a point: the reason the page gives, replayed in the dtype (the tests check it
against the real results)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from core.devices import DTYPES
from core.stability.forms import check_method
from core.stability.thresholds import exp_thresholds, stored

# What each reason does to the value: "nan", "inf" or "zero" (all accuracy lost).
WHY_VALUE_KIND = {
    "stab.why.naive_exp_x": "nan",
    "stab.why.naive_zero_over_zero": "nan",
    "stab.why.naive_exp_y": "inf",
    "stab.why.naive_sum_overflow": "inf",
    "stab.why.naive_fraction_zero": "inf",
    "stab.why.naive_fraction_one": "zero",
    "stab.why.rewritten_exp": "inf",
    "stab.why.rewritten_absorbed": "zero",
    "stab.why.stable_overflow": "inf",
}


def explain(
    method: str,
    x: Sequence[float] | np.ndarray | float,
    y: Sequence[float] | np.ndarray | float,
    dtype: str = "float64",
) -> tuple[np.ndarray, np.ndarray]:
    """Reason keys (``stab.why.*``, "" where fine) for the value and for the gradients.

    Closed forms where the dtype makes them exact (exp(z) is inf exactly for z > overflow,
    0 exactly for z < underflow), and otherwise the one intermediate that turns special,
    replaying the steps of the form and of its autograd backward in the dtype:

    naive: e^x = inf (NaN: inf/inf); e^x = e^y = 0 (NaN: 0/0); e^y = inf or e^x + e^y = inf
    (fraction 0, -log 0 = inf); fraction underflows to 0 (inf); fraction rounds to 1 (value 0).
    Its backward divides by the fraction and by e^x + e^y: either overflows first.
    rewritten: e^(y - x) = inf (value inf, gradients inf/inf = NaN); 1 + e^(y - x)
    rounds to 1 (value 0). stable: y - x itself overflows (outside +-max/2 only).
    """
    th = exp_thresholds(dtype)
    dt = DTYPES[th.dtype]
    xs, ys = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    xt, yt = torch.from_numpy(stored(xs, dtype)).to(dt), torch.from_numpy(stored(ys, dtype)).to(dt)
    value_why = np.full(xs.shape, "", dtype=object)
    grad_why = np.full(xs.shape, "", dtype=object)

    def mark(target: np.ndarray, cond: torch.Tensor, key: str) -> None:
        hit = cond.numpy() & (target == "")
        target[hit] = f"stab.why.{key}"

    if method == "naive":
        xd, yd = xt.double(), yt.double()
        num, ey = torch.exp(xt), torch.exp(yt)
        den = num + ey
        frac = num / den
        for cond, key in (
            (xd > th.overflow, "naive_exp_x"),
            ((xd < th.underflow) & (yd < th.underflow), "naive_zero_over_zero"),
            (yd > th.overflow, "naive_exp_y"),
            (torch.isinf(den), "naive_sum_overflow"),
            (frac == 0, "naive_fraction_zero"),
        ):
            mark(value_why, cond, key)
            mark(grad_why, cond, key)  # a NaN or inf value makes both gradients NaN
        mark(value_why, frac == 1, "naive_fraction_one")
        # torch's backward: log -> grad / frac; div -> grad / den and -grad * (num / den) / den
        g_frac = -1 / frac
        g_num = g_frac / den
        g_den = -g_frac * (frac / den)
        grad_x = g_num * num + g_den * num
        grad_y = g_den * ey
        mark(grad_why, ~torch.isfinite(g_frac), "naive_grad_fraction")
        mark(grad_why, ~(torch.isfinite(g_num) & torch.isfinite(g_den)), "naive_grad_sum")
        mark(grad_why, ~(torch.isfinite(grad_x) & torch.isfinite(grad_y)), "naive_grad_other")
    elif method == "rewritten":
        d = yt - xt
        mark(value_why, d.double() > th.overflow, "rewritten_exp")
        mark(value_why, (1 + torch.exp(d)) == 1, "rewritten_absorbed")
        mark(grad_why, d.double() > th.overflow, "rewritten_exp")
    elif method == "stable":
        mark(value_why, torch.isinf(yt - xt), "stable_overflow")  # the result itself exceeds max
    else:
        check_method(method)
    return value_why, grad_why


def why_params(dtype: str) -> dict[str, str]:
    """The numbers the ``stab.why.*`` texts quote, formatted for this dtype."""
    th = exp_thresholds(dtype)
    return {
        "T": f"{th.overflow:.6g}",
        "U": f"{th.underflow:.6g}",
        "negU": f"{-th.underflow:.6g}",
        "A": f"{th.absorb:.6g}",
        "negA": f"{-th.absorb:.6g}",
    }
