"""The Derivatives page's choices: its catalogue of functions, the controls' defaults and options."""

from __future__ import annotations

from core.derivatives.grid import MAX_BOUND, MAX_ORDER, MAX_POINTS, MIN_POINTS

# The page's catalogue: the notebook's two examples first, then kinks, domains and activations.
PRESETS: tuple[str, ...] = (
    "sin(x)",
    "sigmoid(x)",
    "x**2*sin(x)",
    "exp(-x**2/2)",
    "tanh(x)",
    "relu(x)",
    "abs(x)",
    "softplus(x)",
    "gelu(x)",
    "silu(x)",
    "sqrt(x)",
    "log(x)",
    "x*sqrt(x)",
    "x**1.5",
    "atan(x)",
    "log1p(exp(x))",
)
CUSTOM = ""  # the catalogue's entry for typed text: "(my expression)"

# the grid's number boxes (``Page.number``): the range each accepts and where it starts
START = {"low": -MAX_BOUND, "high": MAX_BOUND, "value": -10.0}
STOP = {"low": -MAX_BOUND, "high": MAX_BOUND, "value": 10.0}
POINTS = {"low": MIN_POINTS, "high": MAX_POINTS, "value": 1000, "step": 1000}
DTYPES = ["float64", "float32"]
ORDERS = list(range(1, MAX_ORDER + 1))


def fd_label(e: float) -> str:
    """The step 10**e as the slider (and the link) writes it: 1e-6, 1e-5.5."""
    return f"1e{e:g}"


FD_EXPONENTS = [k / 2 for k in range(-32, 1)]  # finite-difference steps 1e-16 ... 1e0, half decades
# the step's slider: exponents of ten, starting at 1e-4
FD_SLIDER = {"options": FD_EXPONENTS, "value": -4.0, "format_func": fd_label}


def fd_step(e: float) -> float:
    """The step h = 10**e."""
    return float(10.0**e)


def x0_range(start: float, stop: float) -> tuple[float, float]:
    """The tangent slider's range: the grid's, in either order; one unit wide when start == stop
    (the page says start < stop is needed; the slider still has a range to draw)."""
    lo, hi = float(min(start, stop)), float(max(start, stop))
    return lo, hi if hi > lo else lo + 1.0


def clip_x0(x0: float, start: float, stop: float) -> float:
    """``x0`` moved onto the grid's range, where the start and stop controls have moved it."""
    return float(min(max(x0, min(start, stop)), max(start, stop)))
