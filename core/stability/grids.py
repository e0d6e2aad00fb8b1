"""The page's two grids: x along a line at fixed y (with the exact failure regions), and a square of (x, y).

Their sizes are multiples of the dtype's overflow threshold T, so every dtype shows its breaks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from core.checks import check_int
from core.errors import LabError
from core.stability.evaluation import Comparison, compare
from core.stability.forms import METHODS
from core.stability.presets import CHART_POINTS, INPUT_LIMIT, MAX_MAP_POINTS, REGION_POINTS
from core.stability.regions import Region, failure_regions, x_grid
from core.stability.thresholds import exp_thresholds


@dataclass(frozen=True)
class AlongX:
    """The three forms along x at fixed y, with the exact failure regions of each."""

    y: float
    comparison: Comparison
    regions: list[Region]


def along_x(
    y: float,
    lo: float,
    hi: float,
    points: int = 1001,
    dtype: str = "float64",
    device: str = "cpu",
    scan_points: int | None = None,
) -> AlongX:
    """Values, gradients, errors and exact failure regions of the three forms for x in [lo, hi].

    The forms are evaluated on ``points`` x; the regions are looked for on ``scan_points``
    (``points`` when None) before their ends are bisected, so a coarse chart can still list
    every region a finer grid finds.
    """
    xs = x_grid(lo, hi, points, dtype)
    comparison = compare(xs, y, dtype, device)
    y_stored = float(comparison.y.flat[0])
    scan = points if scan_points is None else scan_points
    regions = [r for m in METHODS for r in failure_regions(m, y_stored, lo, hi, dtype, device, scan)]
    return AlongX(y_stored, comparison, regions)


def error_map(half_width: float, points: int = 81, dtype: str = "float64", device: str = "cpu") -> Comparison:
    """The three forms on a points x points grid over [-half_width, half_width]^2.

    Arrays are 2-D, rows along y and columns along x (``x[0]`` and ``y[:, 0]`` are the axes).
    """
    points = check_int(points, 2, MAX_MAP_POINTS, name="points")
    if not (math.isfinite(half_width) and 0 < half_width <= INPUT_LIMIT):
        raise LabError("err.stab_range", limit=f"{INPUT_LIMIT:g}")
    axis = np.linspace(-half_width, half_width, points)
    return compare(axis[None, :], axis[:, None], dtype, device)


def chart_range(y: float, span: float, dtype: str) -> tuple[float, float]:
    """x from y - span * T to y + span * T (T: the dtype's overflow threshold), within ±INPUT_LIMIT."""
    reach = span * exp_thresholds(dtype).overflow
    return max(y - reach, -INPUT_LIMIT), min(y + reach, INPUT_LIMIT)


def map_half_width(span: float, dtype: str) -> float:
    """Half the side of the map's square, span * T, at most INPUT_LIMIT."""
    return min(span * exp_thresholds(dtype).overflow, INPUT_LIMIT)


def chart_line(y: float, span: float, dtype: str, device: str = "cpu") -> AlongX:
    """The page's chart along x: CHART_POINTS points over ``chart_range(y, span, dtype)``, and the
    failure regions found on REGION_POINTS."""
    return along_x(y, *chart_range(y, span, dtype), CHART_POINTS, dtype, device, REGION_POINTS)


def chart_map(span: float, points: int, dtype: str, device: str = "cpu") -> Comparison:
    """The page's map: ``points`` per axis over the square of half side ``map_half_width(span, dtype)``."""
    return error_map(map_half_width(span, dtype), points, dtype, device)
