"""What the Chain rule page offers and starts from: the examples, the catalogues, the chart's range."""

from __future__ import annotations

import numpy as np

from core.chain.inputs import points_text
from core.derivatives import check_grid
from core.errors import LabError

NOTEBOOK_X = (0.0, 1.0, 2.0, 3.0)
CHART_POINTS = 401  # the page's curve
CHART_LIMIT = 1000.0  # |start|, |stop| of the page's curve
CHART_RANGE = (-3.0, 3.0)  # the curve's default start and stop
DTYPE_CHOICES = ("float64", "float32")  # the page's dtypes, its default first
CUSTOM = "custom"  # the example chosen once the reader edits f or g
DEFAULT_PRESET = "notebook_cube"

# The notebook's two exercises, then pairs that show domains, kinks and saturation.
PRESETS: dict[str, tuple[str, str]] = {
    "notebook_cube": ("x*x", "u**3"),
    "notebook_poly": ("1 + x**2", "1 + 7*u**4"),
    "sin_square": ("sin(x)", "u**2"),
    "exp_log": ("exp(x)", "log(u)"),
    "square_sqrt": ("x**2", "sqrt(u)"),
    "tanh_sigmoid": ("3*x", "sigmoid(u)"),
    "sin_relu": ("sin(x)", "relu(u)"),
    "cos_exp": ("cos(x)", "exp(-u**2)"),
}
NOTEBOOK_PRESETS = ("notebook_cube", "notebook_poly")  # these also restore the notebook's points
PRESET_CHOICES = (CUSTOM, *PRESETS)
INNER_CATALOGUE: tuple[str, ...] = (
    "x*x",
    "1 + x**2",
    "sin(x)",
    "cos(x)",
    "exp(x)",
    "3*x",
    "x**3 - x",
    "tanh(x)",
    "sigmoid(x)",
    "log1p(x**2)",
    "abs(x)",
    "relu(x)",
)
OUTER_CATALOGUE: tuple[str, ...] = (
    "u**3",
    "1 + 7*u**4",
    "u**2",
    "sin(u)",
    "exp(u)",
    "log(u)",
    "sqrt(u)",
    "sigmoid(u)",
    "tanh(u)",
    "relu(u)",
    "softplus(u)",
    "exp(-u**2)",
)
PICKERS = {"inner": (INNER_CATALOGUE, "x*x, sin(x), ..."), "outer": (OUTER_CATALOGUE, "u**3, log(u), ...")}  # (choices, hint)
# the page's first view: the notebook's first exercise at the notebook's points
DEFAULTS = {
    "preset": DEFAULT_PRESET,
    "inner": PRESETS[DEFAULT_PRESET][0],
    "outer": PRESETS[DEFAULT_PRESET][1],
    "points": points_text(NOTEBOOK_X),
}


def preset_choice(name: str) -> tuple[str, str, str | None]:
    """(inner, outer, points text or None) of a preset; the notebook's presets bring their points."""
    if name not in PRESETS:
        raise LabError("err.chain_preset", name=str(name)[:40], allowed=", ".join(PRESETS))
    inner, outer = PRESETS[name]
    return inner, outer, points_text(NOTEBOOK_X) if name in NOTEBOOK_PRESETS else None


def chart_grid(start: float, stop: float, points: int = CHART_POINTS) -> tuple[float, ...]:
    """``points`` evenly spaced x from ``start`` to ``stop`` (finite, start < stop, else ``LabError``)."""
    lo, hi, n = check_grid(start, stop, points)
    return tuple(np.linspace(lo, hi, n).tolist())
