"""The grid as CSV, for the page's download button."""

from __future__ import annotations

import io

import numpy as np

from core import governor
from core.derivatives.grid import Derivative, differentiate
from core.expression.parser import Expression

MAX_CSV_ROWS = 100_000


def to_csv(result: Derivative, max_rows: int = MAX_CSV_ROWS) -> tuple[bytes, int]:
    """CSV of x, f, df, df_exact (every ``stride``-th point when the grid is larger).

    Returns the bytes and the stride. Values are written with 17 significant digits, so a
    float64 reads back exactly; NaN and inf are written as ``nan`` and ``inf``.
    """
    stride = max(1, -(-result.x.size // max_rows))
    cols = [result.x[::stride], result.f[::stride], result.df[::stride], result.df_exact[::stride]]
    table = np.column_stack([np.asarray(c, dtype=np.float64) for c in cols])
    buf = io.StringIO()
    np.savetxt(buf, table, delimiter=",", fmt="%.17g", header="x,f,df_autograd,df_exact", comments="")
    return buf.getvalue().encode(), stride


def grid_csv(
    expression: str | Expression, *, start: float, stop: float, points: int, device: str, dtype: str, order: int
) -> bytes:
    """``differentiate`` on this grid as CSV bytes (``to_csv``), under one interaction's limits.

    For a download button: its data is made when the student clicks, outside the page's run,
    so it takes the same time and memory limits as the chart here.
    """
    with governor.interaction():
        result = differentiate(expression, start=start, stop=stop, points=points, device=device, dtype=dtype, order=order)
        return to_csv(result)[0]
