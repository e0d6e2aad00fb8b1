"""The Derivatives lab: autograd on a grid against the exact derivative.

- ``grid``: ``differentiate`` (autograd in memory-bounded blocks, the exact reference, the errors);
- ``tangent_line``: f and both slopes at one point;
- ``finite_difference``: the central difference and its error against the step h;
- ``figures`` (with ``decimation``), ``graph``: the chart, the step sweep, the backward graph;
- ``code``: the PyTorch program shown; ``export``: the CSV; ``view``: what the page shows;
- ``presets``: the page's catalogue, defaults and options; ``texts``: its strings.
"""

from __future__ import annotations

from core.derivatives.code import torch_code
from core.derivatives.export import to_csv
from core.derivatives.finite_difference import StepSweep, central_difference, step_sweep
from core.derivatives.grid import (
    CHUNK,
    MAX_BOUND,
    MAX_ORDER,
    MAX_POINTS,
    MIN_POINTS,
    Derivative,
    autograd,
    block_size,
    check_grid,
    differentiate,
    exact_derivative,
    graph_nodes,
)
from core.derivatives.tangent_line import Tangent, tangent

__all__ = [
    "CHUNK",
    "MAX_BOUND",
    "MAX_ORDER",
    "MAX_POINTS",
    "MIN_POINTS",
    "Derivative",
    "StepSweep",
    "Tangent",
    "autograd",
    "block_size",
    "central_difference",
    "check_grid",
    "differentiate",
    "exact_derivative",
    "graph_nodes",
    "step_sweep",
    "tangent",
    "to_csv",
    "torch_code",
]
