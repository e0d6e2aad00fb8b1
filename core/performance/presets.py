"""What the Performance lab measures, within which bounds, and the page's defaults.

The bounds keep one run short on a small shared server: at the largest allowed shapes one
operation lasts well under a second on 2 CPU cores (measured with one thread: mm 4096 x 1024
0.33 s, C.addmm_ at 4096 x 1024 up to 0.9 s); the Python loops, many small operations, check
the clock themselves.
"""

from __future__ import annotations

import math

# C = A Bᵀ four ways, and the update C <- A Bᵀ + C seven ways
METHODS = ("row_loop", "double_loop", "torch_mm", "numpy_matmul")
UPDATE_VARIANTS = ("rebind", "slice_assign", "iadd", "add_", "rebind_matmul", "addmm_out", "addmm_")
# What one iteration computes: D = A Bᵀ once before the loop (as the notebook does), or the
# matmul inside every iteration (what the fused addmm forms do).
UPDATE_WORK = {
    "rebind": "add",
    "slice_assign": "add",
    "iadd": "add",
    "add_": "add",
    "rebind_matmul": "matmul_add",
    "addmm_out": "matmul_add",
    "addmm_": "matmul_add",
}

MAX_SIZE = {"cpu": 4096, "cuda": 8192, "mps": 4096}
METHOD_MAX_SIZE = {"row_loop": 1024, "double_loop": 64, "numpy_matmul": 4096}
# the methods' own bounds as the page's texts name them ({row}, {double}, {numpy})
METHOD_LIMITS = {
    "row": METHOD_MAX_SIZE["row_loop"],
    "double": METHOD_MAX_SIZE["double_loop"],
    "numpy": METHOD_MAX_SIZE["numpy_matmul"],
}
MAX_INNER = 1024
MAX_SIZES = 8
MIN_REPEATS, MAX_REPEATS = 3, 50
MIN_BUDGET_S, MAX_BUDGET_S = 0.05, 30.0
DEFAULT_BUDGET_S = 8.0
MAX_THREADS = 4  # never more than this many intra-op threads, whatever the machine
# A timed block lasts at least this long: far above the timer's resolution, and longer than a
# scheduler time slice, so a busy machine slows every block alike instead of a random few.
MIN_BLOCK_S = 1e-2
PROFILED_ITERATIONS = 3
CHECK_ROWS = 256  # a result check compares this many evenly spaced rows of C (all columns)

# What a run costs beyond the two budgets: the preparation that no measurement precedes
# (the smallest size's inputs and reference, about 0.1 s at 4096 x 1024), one operation
# that ran longer than predicted (0.35 s at the largest sizes), and drawing the results.
# The page announces both budgets + RUN_OVERHEAD_S as the longest a run takes; together they
# are the governor's limit for one interaction (core.governor.TIME_LIMIT_S, 10 s).
RUN_OVERHEAD_S = 2.0
PAGE_BUDGETS_S = (4.5, 3.5)  # the page's budgets: C = A Bᵀ, then the in-place updates
BUDGET_ENV = "AUTOGRAD_LAB_PERF_BUDGET_S"  # total of both, e.g. "1.5" in tests; split as above

# The page's controls: their bounds, defaults and steps, and the choices a share link carries
DEFAULT_SIZES = "32, 64, 128, 256, 512"
SIZES_MAX_CHARS = 80
REPEATS_HIGH = min(MAX_REPEATS, 30)  # the slider's top: 30 blocks are plenty for a median
REPEATS_SLIDER = (MIN_REPEATS, REPEATS_HIGH, 7)  # low, high, default
INNER_BOX = {"low": 1, "high": MAX_INNER, "value": 256, "step": 32, "bind": True}  # bind: the link carries it
C_SIZE_BOX = {"low": 16, "high": MAX_SIZE["cpu"], "value": 1024, "step": 256, "bind": True}
SHARED_KEYS = ("perf_device", "perf_sizes", "perf_inner", "perf_repeats", "perf_c_size")


def max_size(device: str) -> int:
    """The largest n on ``device`` ("cpu", "cuda", "cuda:1", "mps"); the CPU's for any other."""
    return MAX_SIZE.get(str(device).split(":")[0], MAX_SIZE["cpu"])


def page_budgets(total: str | float | None) -> tuple[float, float]:
    """(vectorization, in-place) budgets in seconds from a total (``BUDGET_ENV``'s text).

    Split in the ratio of ``PAGE_BUDGETS_S``; None, a non-number, NaN or inf give the
    defaults; a total is clamped so each part stays within ``MIN_BUDGET_S..MAX_BUDGET_S``.
    """
    default = sum(PAGE_BUDGETS_S)
    try:
        value = float(str(total).strip()[:40]) if total is not None else default
    except ValueError:
        value = default
    if not math.isfinite(value):
        value = default
    share = PAGE_BUDGETS_S[0] / default
    low = MIN_BUDGET_S / min(share, 1 - share)
    high = MAX_BUDGET_S / max(share, 1 - share)
    value = min(max(value, low), high)
    return value * share, value * (1 - share)


def announced_bound_s(vec_budget_s: float, mem_budget_s: float) -> float:
    """The longest a page run takes: both budgets plus ``RUN_OVERHEAD_S``."""
    return vec_budget_s + mem_budget_s + RUN_OVERHEAD_S


def budget_note(vec_budget_s: float, mem_budget_s: float) -> dict[str, float]:
    """The parameters of the page's note on the budgets (``perf.budget_note``), rounded as shown."""
    total = announced_bound_s(vec_budget_s, mem_budget_s)
    return {"vec": round(vec_budget_s, 2), "mem": round(mem_budget_s, 2), "overhead": RUN_OVERHEAD_S, "total": round(total, 2)}
