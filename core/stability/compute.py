"""Numerical stability of the notebook's ``log_exp(x, y) = -log(e^x / (e^x + e^y))``.

The function is ``f(x, y) = log(1 + e^(y - x)) = softplus(y - x)`` with gradients
``df/dx = -sigmoid(y - x)`` and ``df/dy = sigmoid(y - x)``. Three ways to compute it:

- "naive": the notebook's formula, ``-log(exp(x) / (exp(x) + exp(y)))``;
- "rewritten": the notebook's fix, ``log(1 + exp(y - x))``;
- "stable": softplus of the exactly known difference, gradients from the sigmoid.

Besides the three forms this module gives the mpmath reference, the exp thresholds of
each dtype (from ``torch.finfo``), the exact regions where each form fails along x, the
reasons it fails there, and the general log-sum-exp comparison.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import mpmath
import numpy as np
import torch

from core.devices import DTYPES, resolve_device, resolve_dtype
from core.errors import LabError
from core.i18n import tr

METHODS = ("naive", "rewritten", "stable")
DTYPE_NAMES = tuple(DTYPES)
INPUT_LIMIT = 1e4  # |x|, |y| on the page; below float16's max (65504), so every dtype holds it
MAX_CHART_POINTS = 4001
MAX_MAP_POINTS = 101  # per axis: 3 float32 maps of 101 x 101 make about 190 KB of chart spec
MAX_VECTOR_LENGTH = 16
MAX_VECTOR_TEXT = 400
EXHAUSTIVE_LIMIT = 1 << 17  # ranges with fewer representable x are scanned point by point
NEIGHBOURS = 32  # representable numbers checked on each side of a bisected edge
SCALE_LIMIT = 1e4
_REFERENCE_BITS = 113  # quadruple precision: the reference is exact to far below float64's ulp

_INT_VIEW = {16: torch.int16, 32: torch.int32, 64: torch.int64}

# The page's choices. Presets: the notebook's two points, then where float16 overflows and
# where bfloat16 loses all accuracy. Spans are multiples of the dtype's overflow threshold T.
PRESETS: dict[str, dict[str, float | str]] = {
    "nb_small": {"x": 2.0, "y": 3.0, "dtype": "float64"},
    "nb_large": {"x": 400.0, "y": 800.0, "dtype": "float64"},
    "f16_overflow": {"x": 11.1, "y": 0.0, "dtype": "float16"},
    "bf16_loss": {"x": 6.0, "y": 0.0, "dtype": "bfloat16"},
}
DEFAULTS: dict[str, float | int | str] = {
    "x": 2.0,
    "y": 3.0,
    "dtype": "float32",
    "chart_span": 1.5,
    "map_span": 1.5,
    "map_points": 61,
    "map_quantity": "value",
    "lse_vector": "1, 2, 3",
    "lse_scale": 30.0,
}
SPAN_CHOICES = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0)
MAP_POINT_CHOICES = (21, 41, 61, 81, 101)
CHART_POINTS = 1001

# Status of one computed value (failure kinds), shared by the regions and the tests.
VALUE_OK, VALUE_NAN, VALUE_INF, VALUE_ZERO = 0, 1, 2, 3
VALUE_KINDS = {VALUE_NAN: "nan", VALUE_INF: "inf", VALUE_ZERO: "zero"}
GRAD_OK, GRAD_NONFINITE = 0, 1


# ---------------------------------------------------------------------------------------
# The three forms


def _two_sum(a: torch.Tensor, b: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
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
    d, e = _two_sum(y, -x)
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


def _check_method(method: str) -> None:
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
    _check_method(method)
    x, y = _as_tensors(x, y)
    return _FORMS[method](x, y)


# ---------------------------------------------------------------------------------------
# Thresholds, dtype helpers


@dataclass(frozen=True)
class ExpThresholds:
    """Where exp stops being exact enough in one dtype, all from ``torch.finfo``.

    overflow: ln(max); exp(z) is inf for z > overflow.
    underflow: ln(smallest subnormal / 2); exp(z) is 0 for z < underflow.
    absorb: ln(eps / 2); 1 + exp(z) rounds to 1 for z < absorb.
    """

    dtype: str
    overflow: float
    underflow: float
    absorb: float
    max: float
    tiny: float
    eps: float


def _dtype_name(dtype: str | torch.dtype) -> str:
    name = str(dtype).replace("torch.", "")
    if name not in DTYPES:
        raise LabError("err.dtype_unknown", dtype=name, allowed=", ".join(DTYPE_NAMES))
    return name


def exp_thresholds(dtype: str | torch.dtype) -> ExpThresholds:
    """The exp thresholds of ``dtype`` (a name or a torch.dtype); see ExpThresholds.

    float16: 11.09, bfloat16: 88.72, float32: 88.72, float64: 709.78 for overflow.
    """
    name = _dtype_name(dtype)
    info = torch.finfo(DTYPES[name])
    # smallest subnormal = tiny * eps; summed as logs because it underflows a Python float
    underflow = math.log(info.tiny) + math.log(info.eps) - math.log(2.0)
    return ExpThresholds(
        dtype=name,
        overflow=math.log(info.max),
        underflow=underflow,
        absorb=math.log(info.eps / 2),
        max=float(info.max),
        tiny=float(info.tiny),
        eps=float(info.eps),
    )


def _resolve(dtype: str, device: str) -> tuple[torch.dtype, torch.device]:
    dev = resolve_device(device)
    return resolve_dtype(_dtype_name(dtype), dev, allowed=DTYPE_NAMES), dev


def stored(values: Sequence[float] | np.ndarray | float, dtype: str) -> np.ndarray:
    """The values as ``dtype`` stores them (round to nearest), back as float64."""
    arr = np.asarray(values, dtype=np.float64)
    return torch.from_numpy(arr.copy()).to(DTYPES[_dtype_name(dtype)]).double().numpy()


def _check_inputs(*arrays: np.ndarray) -> None:
    for arr in arrays:
        if arr.size and not (np.all(np.isfinite(arr)) and np.max(np.abs(arr)) <= INPUT_LIMIT):
            raise LabError("err.stab_range", limit=f"{INPUT_LIMIT:g}")


# ---------------------------------------------------------------------------------------
# The mpmath reference and the error measure


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


def _exact_difference(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """y - x in float64 as ``hi + lo`` exactly (TwoSum)."""
    minus_x = np.array(-np.asarray(x, dtype=np.float64))  # np.array: 0-d stays an array
    s, e = _two_sum(torch.from_numpy(np.array(y, dtype=np.float64)), torch.from_numpy(minus_x))
    return s.numpy(), e.numpy()


def _reference_point(hi: float, lo: float) -> tuple[float, float, float, float]:
    if not (math.isfinite(hi) and math.isfinite(lo)):
        return (math.nan,) * 4
    with mpmath.workprec(_REFERENCE_BITS):
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
    hi, lo = _exact_difference(xs, ys)
    pairs, inverse = np.unique(np.stack([hi.ravel(), lo.ravel()], axis=1), axis=0, return_inverse=True)
    table = np.array([_reference_point(h, w) for h, w in pairs], dtype=np.float64).reshape(-1, 4)
    cols = [table[inverse.ravel(), k].reshape(xs.shape) for k in range(4)]
    return Reference(*cols)


def relative_error(
    computed: np.ndarray, ref_hi: np.ndarray, ref_lo: np.ndarray, tiny: float
) -> np.ndarray:
    """``|computed - exact| / max(|exact|, tiny)``; inf where ``computed`` is NaN or inf.

    ``tiny`` is the dtype's smallest normal number: a subnormal result cannot carry full
    relative precision, so its error is measured against ``tiny`` (absolute, in effect).
    """
    c = np.asarray(computed, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs((c - ref_hi) - ref_lo) / np.maximum(np.abs(ref_hi), tiny)
    return np.where(np.isfinite(c), err, np.inf)


# ---------------------------------------------------------------------------------------
# Evaluating the three forms against the reference


@dataclass(frozen=True)
class Evaluation:
    """One form at many points: value and autograd gradients, as float64 arrays."""

    method: str
    value: np.ndarray
    grad_x: np.ndarray
    grad_y: np.ndarray


def _run(method: str, xs: np.ndarray, ys: np.ndarray, dt: torch.dtype, dev: torch.device) -> Evaluation:
    xt = torch.from_numpy(np.ascontiguousarray(xs)).to(dev, dt).requires_grad_()
    yt = torch.from_numpy(np.ascontiguousarray(ys)).to(dev, dt).requires_grad_()
    value = log_exp(xt, yt, method)
    value.backward(torch.ones_like(value))  # elementwise, same shape: pointwise gradients
    as_np = lambda t: t.detach().double().cpu().numpy()  # noqa: E731
    return Evaluation(method, as_np(value), as_np(xt.grad), as_np(yt.grad))


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
    _check_method(method)
    dt, dev = _resolve(dtype, device)
    xs, ys = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    _check_inputs(xs, ys)
    return _run(method, xs, ys, dt, dev)


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
    dt, dev = _resolve(dtype, device)
    xs, ys = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    _check_inputs(xs, ys)
    xs, ys = stored(xs, dtype), stored(ys, dtype)
    ref = reference(xs, ys)
    tiny = exp_thresholds(dtype).tiny
    results, errors = {}, {}
    for method in methods:
        ev = _run(method, xs, ys, dt, dev)
        results[method] = ev
        errors[method] = {
            "value": relative_error(ev.value, ref.value_hi, ref.value_lo, tiny),
            "grad_x": relative_error(ev.grad_x, -ref.grad_hi, -ref.grad_lo, tiny),
            "grad_y": relative_error(ev.grad_y, ref.grad_hi, ref.grad_lo, tiny),
        }
    return Comparison(_dtype_name(dtype), xs, ys, ref, results, errors)


@functools.lru_cache(maxsize=None)
def _normal_floor(dtype: str) -> float:
    """The difference D = y - x above which f = softplus(D) is at least the smallest normal."""
    with mpmath.workprec(_REFERENCE_BITS):
        return float(mpmath.log(mpmath.expm1(mpmath.mpf(exp_thresholds(dtype).tiny))))


def value_status(value: np.ndarray, x: np.ndarray, y: np.ndarray, dtype: str) -> np.ndarray:
    """Per point: VALUE_NAN, VALUE_INF, VALUE_ZERO or VALUE_OK.

    VALUE_ZERO: the form returned 0 although the exact f(x, y) is a normal number of the
    dtype, so all accuracy is lost (a 0 where f is subnormal is ordinary underflow).
    """
    hi, lo = _exact_difference(*np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64)))
    status = np.full(np.shape(value), VALUE_OK, dtype=np.int8)
    status[(value == 0) & (hi + lo >= _normal_floor(_dtype_name(dtype)))] = VALUE_ZERO
    status[np.isinf(value)] = VALUE_INF
    status[np.isnan(value)] = VALUE_NAN
    return status


def grad_status(grad_x: np.ndarray, grad_y: np.ndarray) -> np.ndarray:
    """Per point: GRAD_NONFINITE where either gradient is NaN or inf, else GRAD_OK."""
    bad = ~(np.isfinite(grad_x) & np.isfinite(grad_y))
    return np.where(bad, GRAD_NONFINITE, GRAD_OK).astype(np.int8)


# ---------------------------------------------------------------------------------------
# Why a form fails: the page's explanation, checked by the tests against the real results


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
        _check_method(method)
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


# ---------------------------------------------------------------------------------------
# Exact failure regions along x (y fixed): grid first, then bisection on representable x


@dataclass(frozen=True)
class Region:
    """A maximal run of representable x (inclusive ends) where one form fails the same way.

    part: "value" or "grad"; kind: "nan", "inf", "zero" (value 0, all accuracy lost) or
    "nonfinite" (a gradient NaN or inf); reason: the ``stab.why.*`` key at the edge that
    touches a good point (where the form breaks); open_start/open_stop: the run goes on
    beyond the scanned range; intermittent: good points lie inside (a flickering collapse);
    exact: start and stop are the first and last failing numbers (False: within a flicker band).
    """

    method: str
    part: str
    kind: str
    start: float
    stop: float
    reason: str
    open_start: bool
    open_stop: bool
    intermittent: bool = False
    exact: bool = True


def _order_key(values: torch.Tensor) -> list[int]:
    """Integers in the order of the floats: consecutive representable values differ by 1."""
    bits = torch.finfo(values.dtype).bits
    raw = values.contiguous().view(_INT_VIEW[bits]).tolist()
    half = 1 << (bits - 1)
    return [b if b >= 0 else -(b + half) for b in raw]


def _from_key(keys: Sequence[int], dt: torch.dtype) -> torch.Tensor:
    bits = torch.finfo(dt).bits
    half = 1 << (bits - 1)
    raw = [k if k >= 0 else -k - half for k in keys]
    return torch.tensor(raw, dtype=_INT_VIEW[bits]).view(dt)


def _statuses(
    method: str, xs: np.ndarray, y: float, dtype: str, dt: torch.dtype, dev: torch.device
) -> tuple[np.ndarray, np.ndarray]:
    ys = np.full_like(xs, y)
    ev = _run(method, xs, ys, dt, dev)
    return value_status(ev.value, xs, ys, dtype), grad_status(ev.grad_x, ev.grad_y)


def _runs(status: np.ndarray, keys: Sequence[int]) -> list[tuple[int, int]]:
    """(first key, status) of each maximal run of equal status."""
    cuts = np.flatnonzero(np.diff(status)) + 1
    return [(keys[i], int(status[i])) for i in [0, *cuts.tolist()]]


def _refine(runs: list[tuple[int, int]], probe: Callable[[int], int]) -> list[tuple[int, int]]:
    """Exact run starts from grid runs: bisect each change of status over the keys between.

    Where bisection lands on a third status, that hidden run is split off and bisected too.
    """
    exact = runs[:1]
    for (first, status), (target, target_status) in itertools.pairwise(runs):
        lo, current = first, status
        while True:
            hi = target
            while hi - lo > 1:  # lo has ``current``, hi has not
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if probe(mid) == current else (lo, mid)
            current = target_status if hi == target else probe(hi)
            exact.append((hi, current))
            if current == target_status:
                break
            lo = hi
    return exact


@dataclass
class _Run:
    start: int  # first and last key
    stop: int
    status: int
    intermittent: bool = False
    exact: bool = True


def _check_edges(runs: list[_Run], status_of: Callable[[list[int]], list[int]]) -> None:
    """Mark both runs at a bisected edge inexact where the NEIGHBOURS numbers on either side
    disagree with it: the status flickers there (ties in rounding), so no single edge exists."""
    for left, right in itertools.pairwise(runs):
        keys = list(range(max(left.start, right.start - NEIGHBOURS), min(right.stop, right.start + NEIGHBOURS - 1) + 1))
        want = [left.status if k < right.start else right.status for k in keys]
        if status_of(keys) != want:
            left.exact = right.exact = False
            left.intermittent |= left.status == VALUE_ZERO
            right.intermittent |= right.status == VALUE_ZERO


def _merge_zero_runs(runs: list[_Run]) -> list[_Run]:
    """Join VALUE_ZERO runs separated only by good runs: rounding makes a collapse flicker."""
    merged: list[_Run] = []
    for run in runs:
        if run.status == VALUE_ZERO and len(merged) >= 2 and merged[-1].status == VALUE_OK and merged[-2].status == VALUE_ZERO:
            gap, first = merged.pop(), merged.pop()
            exact = first.exact and gap.exact and run.exact
            merged.append(_Run(first.start, run.stop, VALUE_ZERO, intermittent=True, exact=exact))
        else:
            merged.append(run)
    return merged


def failure_regions(
    method: str, y: float, lo: float, hi: float, dtype: str = "float64", device: str = "cpu", points: int = 1001
) -> list[Region]:
    """Runs of representable x in [lo, hi] where ``method`` fails at fixed y, with exact ends.

    Up to EXHAUSTIVE_LIMIT representable numbers in the range (always in float16 and
    bfloat16 over the page's ranges) every one is evaluated. Beyond that a grid of
    ``points`` finds every run wider than its spacing and each change is bisected over the
    representable numbers (about 64 steps in float64), then checked against NEIGHBOURS
    numbers on each side. Overflows (NaN, inf) have clean edges; a collapse to 0 can
    flicker (naive, where e^y is a power of two: rounding ties), so zero runs separated by
    good points are joined into one ``intermittent`` region, and a bisected edge that is
    not clean is marked ``exact=False`` (approximate: within the flicker band).
    """
    _check_method(method)
    dt, dev = _resolve(dtype, device)
    grid = x_grid(lo, hi, points, dtype)
    y = float(stored(y, dtype))
    _check_inputs(grid, np.array([y]))
    first_key, last_key = _order_key(torch.from_numpy(grid[[0, -1]]).to(dt))
    exhaustive = last_key - first_key < EXHAUSTIVE_LIMIT
    keys = list(range(first_key, last_key + 1)) if exhaustive else _order_key(torch.from_numpy(grid).to(dt))
    xs = _from_key(keys, dt).double().numpy()
    statuses = _statuses(method, xs, y, dtype, dt, dev)

    def to_x(key: int) -> float:
        return float(_from_key([key], dt).double())

    def status_of(part: int, ks: list[int]) -> list[int]:
        return _statuses(method, _from_key(ks, dt).double().numpy(), y, dtype, dt, dev)[part].tolist()

    regions: list[Region] = []
    for part, name in ((0, "value"), (1, "grad")):
        starts = _runs(statuses[part], keys)
        if not exhaustive:
            starts = _refine(starts, lambda k, p=part: status_of(p, [k])[0])
        stops = [k - 1 for k, _ in starts[1:]] + [last_key]
        runs = [_Run(k, e, st) for (k, st), e in zip(starts, stops, strict=True)]
        if not exhaustive:
            _check_edges(runs, lambda ks, p=part: status_of(p, ks))
        runs = _merge_zero_runs(runs)
        for i, run in enumerate(runs):
            if run.status == VALUE_OK:
                continue
            prev_ok = i > 0 and runs[i - 1].status == VALUE_OK
            next_ok = i + 1 < len(runs) and runs[i + 1].status == VALUE_OK
            edge = run.stop if next_ok and not prev_ok else run.start  # the edge where a good run breaks
            reason = explain(method, to_x(edge), y, dtype)[part].item() or "stab.why.unknown"
            regions.append(
                Region(
                    method=method,
                    part=name,
                    kind=VALUE_KINDS[run.status] if part == 0 else "nonfinite",
                    start=to_x(run.start),
                    stop=to_x(run.stop),
                    reason=reason,
                    open_start=i == 0,
                    open_stop=i + 1 == len(runs),
                    intermittent=run.intermittent,
                    exact=run.exact,
                )
            )
    return regions


@dataclass(frozen=True)
class AlongX:
    """The three forms along x at fixed y, with the exact failure regions of each."""

    y: float
    comparison: Comparison
    regions: list[Region]


def x_grid(lo: float, hi: float, points: int, dtype: str) -> np.ndarray:
    """Sorted distinct values of ``dtype`` nearest to ``points`` evenly spaced numbers in [lo, hi]."""
    if not (isinstance(points, int) and 2 <= points <= MAX_CHART_POINTS):
        raise LabError("err.stab_points", low=2, high=MAX_CHART_POINTS)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise LabError("err.stab_interval", lo=f"{lo:g}", hi=f"{hi:g}")
    return np.unique(stored(np.linspace(lo, hi, points), dtype))


def along_x(
    y: float, lo: float, hi: float, points: int = 1001, dtype: str = "float64", device: str = "cpu"
) -> AlongX:
    """Values, gradients, errors and exact failure regions of the three forms for x in [lo, hi]."""
    xs = x_grid(lo, hi, points, dtype)
    comparison = compare(xs, y, dtype, device)
    y_stored = float(comparison.y.flat[0])
    regions = [r for m in METHODS for r in failure_regions(m, y_stored, lo, hi, dtype, device, points)]
    return AlongX(y_stored, comparison, regions)


def error_map(half_width: float, points: int = 81, dtype: str = "float64", device: str = "cpu") -> Comparison:
    """The three forms on a points x points grid over [-half_width, half_width]^2.

    Arrays are 2-D, rows along y and columns along x (``x[0]`` and ``y[:, 0]`` are the axes).
    """
    if not (isinstance(points, int) and 2 <= points <= MAX_MAP_POINTS):
        raise LabError("err.stab_points", low=2, high=MAX_MAP_POINTS)
    if not (math.isfinite(half_width) and 0 < half_width <= INPUT_LIMIT):
        raise LabError("err.stab_range", limit=f"{INPUT_LIMIT:g}")
    axis = np.linspace(-half_width, half_width, points)
    return compare(axis[None, :], axis[:, None], dtype, device)


# ---------------------------------------------------------------------------------------
# General log-sum-exp and softmax


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
    """Numbers separated by commas or spaces (brackets allowed): ``"[1, 2, 3]"`` -> [1.0, 2.0, 3.0].

    Only ``float()`` on each piece (no eval); 1 to MAX_VECTOR_LENGTH finite numbers with
    |v| <= INPUT_LIMIT, else LabError.
    """
    if not isinstance(text, str) or len(text) > MAX_VECTOR_TEXT:
        raise LabError("err.stab_vector_length", high=MAX_VECTOR_LENGTH)
    pieces = text.strip().strip("[]()").replace(",", " ").replace(";", " ").split()
    if not 1 <= len(pieces) <= MAX_VECTOR_LENGTH:
        raise LabError("err.stab_vector_length", high=MAX_VECTOR_LENGTH)
    numbers = []
    for piece in pieces:
        try:
            number = float(piece)
        except ValueError:
            raise LabError("err.stab_vector_item", item=piece[:20], limit=f"{INPUT_LIMIT:g}") from None
        if not (math.isfinite(number) and abs(number) <= INPUT_LIMIT):
            raise LabError("err.stab_vector_item", item=piece[:20], limit=f"{INPUT_LIMIT:g}")
        numbers.append(number)
    return numbers


def _naive_lse(v: torch.Tensor) -> torch.Tensor:
    return torch.log(torch.exp(v).sum())


def _scaled(base: np.ndarray, scale: float, dt: torch.dtype, dev: torch.device) -> torch.Tensor:
    return torch.from_numpy(base * scale).to(dev, dt)


def _naive_scale_limit(base: np.ndarray, sign: float, dt: torch.dtype, dev: torch.device) -> float:
    """The largest |scale| (float64, toward ``sign``) keeping the naive sum of exps in (0, inf).

    Bisection on float64 scales: the largest e^(scale * v_i) grows with |scale|, so the
    naive result turns inf (or -inf, all e^v = 0) once and stays so.
    """
    finite = lambda s: bool(torch.isfinite(_naive_lse(_scaled(base, sign * s, dt, dev))))  # noqa: E731
    if finite(SCALE_LIMIT):
        return sign * SCALE_LIMIT
    lo, hi = 0.0, SCALE_LIMIT
    for _ in range(80):
        mid = (lo + hi) / 2
        if mid in (lo, hi):
            break
        lo, hi = (mid, hi) if finite(mid) else (lo, mid)
    return sign * lo


def compare_logsumexp(
    base: Sequence[float], scale: float, dtype: str = "float32", device: str = "cpu"
) -> LogSumExp:
    """log-sum-exp of ``v = scale * base`` (rounded to ``dtype``), naive vs ``torch.logsumexp``.

    naive ``log(sum(exp(v)))`` is inf once some exp(v_i) (or their sum) overflows,
    roughly max(v) > ln(max), and -inf once every exp(v_i) underflows to 0; its softmax
    ``exp(v) / sum(exp(v))`` is then NaN (inf/inf or 0/0). ``torch.logsumexp`` subtracts
    max(v) first, so exp never sees a positive argument. The exact values come from mpmath.
    """
    dt, dev = _resolve(dtype, device)
    b = np.asarray(base, dtype=np.float64)
    if not 1 <= b.size <= MAX_VECTOR_LENGTH or b.ndim != 1:
        raise LabError("err.stab_vector_length", high=MAX_VECTOR_LENGTH)
    _check_inputs(b)
    if not (math.isfinite(scale) and abs(scale) <= SCALE_LIMIT):
        raise LabError("err.stab_scale", limit=f"{SCALE_LIMIT:g}")
    v = _scaled(b, scale, dt, dev)
    if not bool(torch.isfinite(v).all()):
        # scale * v itself left the dtype's range (float16 stops at 65504): nothing to compare
        raise LabError("err.stab_lse_range", dtype=_dtype_name(dtype), max=f"{torch.finfo(dt).max:g}")
    with torch.no_grad():
        naive = _naive_lse(v)
        softmax_naive = torch.exp(v) / torch.exp(v).sum()
        lse = torch.logsumexp(v, dim=0)
        softmax_torch = torch.exp(v - lse)
    v64 = v.double().cpu().numpy()
    with mpmath.workprec(_REFERENCE_BITS):
        exps = [mpmath.exp(mpmath.mpf(float(t))) for t in v64]
        total = mpmath.fsum(exps)
        exact = float(mpmath.log(total))
        softmax_exact = np.array([float(e / total) for e in exps])
    to_np = lambda t: t.double().cpu().numpy()  # noqa: E731
    return LogSumExp(
        dtype=_dtype_name(dtype),
        v=v64,
        naive=float(naive),
        torch=float(lse),
        exact=exact,
        softmax_naive=to_np(softmax_naive),
        softmax_torch=to_np(softmax_torch),
        softmax_exact=softmax_exact,
        scale_range=(_naive_scale_limit(b, -1.0, dt, dev), _naive_scale_limit(b, 1.0, dt, dev)),
    )


# ---------------------------------------------------------------------------------------
# The page's ranges and code


def chart_range(y: float, span: float, dtype: str) -> tuple[float, float]:
    """x from y - span * T to y + span * T (T: the dtype's overflow threshold), within ±INPUT_LIMIT."""
    reach = span * exp_thresholds(dtype).overflow
    return max(y - reach, -INPUT_LIMIT), min(y + reach, INPUT_LIMIT)


def map_half_width(span: float, dtype: str) -> float:
    """Half the side of the map's square, span * T, at most INPUT_LIMIT."""
    return min(span * exp_thresholds(dtype).overflow, INPUT_LIMIT)


def stable_code(lang: str = "pt") -> str:
    """The stable form in plain PyTorch, as the page shows it, commented in ``lang``.

    ``torch.logaddexp(d, 0)`` is softplus(d) computed without overflow; it does not carry
    the rounding error of y - x as ``log_exp(..., "stable")`` does.
    """
    return "\n".join([
        "import torch",
        "",
        "",
        "def log_exp(x, y):",
        f"    # {tr('stab.code.formula', lang)}",
        f"    # {tr('stab.code.why', lang)}",
        "    d = y - x",
        "    return torch.logaddexp(d, torch.zeros_like(d))",
        "",
    ])
