"""What the Stability page offers and starts from: its bounds, presets, defaults and choices."""

from __future__ import annotations

from core.devices import DTYPES

DTYPE_NAMES = tuple(DTYPES)
INPUT_LIMIT = 1e4  # |x|, |y| on the page; below float16's max (65504), so every dtype holds it
SCALE_LIMIT = 1e4  # |scale| of the log-sum-exp vector
MAX_VECTOR_LENGTH = 16  # numbers in the log-sum-exp vector
MAX_CHART_POINTS = 4001
MAX_MAP_POINTS = 101  # per axis: 3 maps of 101 x 101 make about 45 KB of chart spec
CHART_POINTS = 301  # the page's chart along x: every break and spike of 1001 points, a third of the bytes
REGION_POINTS = 1001  # the grid on which the page looks for failure regions before bisecting their ends

# The notebook's two points, then where float16 overflows and where bfloat16 loses all accuracy.
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
# Spans are multiples of the dtype's overflow threshold T.
SPAN_CHOICES = (0.25, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0)
MAP_POINT_CHOICES = (21, 41, 61, 81, 101)
MAP_QUANTITIES = ("value", "grad")
NUMBER_BOXES = ("x", "y", "lse_scale")  # these take their default from the number box itself


def session_defaults() -> dict[str, float | int | str]:
    """The page's first values by widget key, for the widgets that read them from session state."""
    return {f"stab_{k}": v for k, v in DEFAULTS.items() if k not in NUMBER_BOXES}


def preset_state(name: str) -> dict[str, float | str]:
    """The widget values a preset sets, by widget key."""
    return {f"stab_{k}": v for k, v in PRESETS[name].items()}
