"""The Numerical stability lab: log(exp(x) + exp(y)) written three ways, in every dtype."""

from __future__ import annotations

from core.stability.compute import (
    ExpThresholds,
    along_x,
    compare,
    compare_logsumexp,
    error_map,
    exp_thresholds,
    explain,
    failure_regions,
    log_exp,
    parse_vector,
    relative_error,
)

__all__ = [
    "ExpThresholds",
    "along_x",
    "compare",
    "compare_logsumexp",
    "error_map",
    "exp_thresholds",
    "explain",
    "failure_regions",
    "log_exp",
    "parse_vector",
    "relative_error",
]
