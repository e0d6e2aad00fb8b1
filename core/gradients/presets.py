"""The Gradients page's surfaces and the controls' bounds, defaults and options."""

from __future__ import annotations

from dataclasses import dataclass

OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad")
DTYPES = ("float64", "float32")
CUSTOM = ""  # the catalogue's entry for typed text: "(my expression)"


@dataclass(frozen=True)
class Preset:
    """A surface f(x, y) with the window it is seen in, where descent starts, and a learning rate
    at which plain SGD shows something worth seeing (a zig-zag, a slow valley, a run-away)."""

    text: str
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    start: tuple[float, float]
    lr: float
    steps: int = 100


PRESETS: dict[str, Preset] = {
    "bowl": Preset("x**2 + y**2", (-3.0, 3.0), (-3.0, 3.0), (2.5, 1.5), 0.1),
    # λ = 2 and 20: 2/λmax = 0.1, and at lr = 0.09 the y coordinate flips sign every step
    "ill_bowl": Preset("x**2 + 10*y**2", (-3.0, 3.0), (-3.0, 3.0), (2.5, 1.5), 0.09),
    "saddle": Preset("x**2 - y**2", (-3.0, 3.0), (-3.0, 3.0), (2.5, 0.01), 0.1, 50),
    "rosenbrock": Preset("(1 - x)**2 + 100*(y - x**2)**2", (-2.0, 2.0), (-1.0, 3.0), (-1.5, 2.0), 0.001, 500),
    "himmelblau": Preset("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", (-5.0, 5.0), (-5.0, 5.0), (0.0, 0.0), 0.01, 100),
    # the notebook's log_exp(x, y) = -log(e^x / (e^x + e^y)), as it is first written (naive)
    "log_exp": Preset("-log(exp(x)/(exp(x) + exp(y)))", (-3.0, 3.0), (-3.0, 3.0), (-2.0, 2.0), 0.5, 100),
}
PRESET_CHOICES = (*PRESETS, CUSTOM)
DEFAULT = "bowl"

# bounds of the page's number boxes (``Page.number``): core accepts more, a page needs no more
# (all bound to the link); the window and the points need no more than ±1e3, as descend's start
RANGE = {"low": -1000.0, "high": 1000.0, "bind": True, "format": "%.6g"}
POINT = RANGE
POINTS = {"low": 2, "high": 1000, "value": 201, "step": 50, "bind": True}
LR = {"low": 1e-5, "high": 10.0, "step": 0.01, "bind": True}
STEPS = {"low": 1, "high": 10_000, "step": 50, "bind": True}
ANGLE = {"min_value": 0.0, "max_value": 360.0, "value": 0.0, "step": 15.0}  # the direction's slider
DEFAULT_RACE = ["sgd", "momentum", "adam"]
JUST_ABOVE = 1.05  # "just above" the largest stable SGD step: lr = 1.05 · 2/λmax


def preset_values(name: str) -> dict[str, float | int | str]:
    """The widget values (by their keys) a preset sets: expression, window, the point and the race's
    start (both at the preset's start), lr, steps."""
    p = PRESETS[name]
    (x0, x1), (y0, y1), (sx, sy) = p.x_range, p.y_range, p.start
    return {
        "grad_expr": p.text,
        "grad_xmin": x0,
        "grad_xmax": x1,
        "grad_ymin": y0,
        "grad_ymax": y1,
        "grad_px": sx,
        "grad_py": sy,
        "grad_sx": sx,
        "grad_sy": sy,
        "grad_lr": p.lr,
        "grad_steps": p.steps,
    }


def preset_of(text: str) -> str:
    """The preset whose expression is ``text``, or ``CUSTOM``."""
    return next((name for name, p in PRESETS.items() if p.text == text), CUSTOM)
