"""The Numerical stability lab: log(exp(x) + exp(y)) written three ways, in every dtype.

forms (the three ways, ``log_exp``) -> thresholds (each dtype's exp limits) -> reference (mpmath)
-> evaluation (forms against the reference) -> reasons (why a form fails) -> regions (where, exactly)
-> grids (the page's line and square); softmax (log-sum-exp in general); figures, tables, code,
presets and texts serve the page.
"""

from __future__ import annotations

from core.stability.evaluation import compare
from core.stability.forms import log_exp
from core.stability.grids import along_x, error_map
from core.stability.reasons import explain
from core.stability.reference import relative_error
from core.stability.regions import failure_regions
from core.stability.softmax import compare_logsumexp, parse_vector
from core.stability.thresholds import ExpThresholds, exp_thresholds

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
