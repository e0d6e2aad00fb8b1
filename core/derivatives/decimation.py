"""Shrink a trace for display without losing its peaks or its gaps."""

from __future__ import annotations

import numpy as np

DEFAULT_POINTS = 2000


def decimate(x: np.ndarray, y: np.ndarray, max_points: int = DEFAULT_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """At most ``max_points`` points of (x, y) that draw the same picture.

    The grid is cut into ``max_points // 3`` buckets; each keeps its smallest and largest
    finite value (so peaks survive) and, if it holds a NaN or ±inf, one NaN at the first such
    index (so a gap stays a gap). Non-finite values become NaN, which Plotly draws as a gap.
    Short traces are returned unchanged (non-finite values still become NaN). Fewer than
    three points cannot keep a minimum, a maximum and a gap, so ``max_points`` is at least 3.
    """
    max_points = max(int(max_points), 3)
    x = np.asarray(x)
    y = np.asarray(y, dtype=np.float64)
    n = y.size
    if n <= max_points:
        return x, np.where(np.isfinite(y), y, np.nan)
    buckets = max(1, max_points // 3)
    size = -(-n // buckets)  # ceil
    pad = buckets * size - n
    yy = np.concatenate([y, np.full(pad, np.nan)]).reshape(buckets, size)
    valid = (np.arange(buckets * size) < n).reshape(buckets, size)
    finite = np.isfinite(yy)
    gap = ~finite & valid
    offsets = np.arange(buckets) * size
    keep = []
    has_finite = finite.any(axis=1)
    lo = np.argmin(np.where(finite, yy, np.inf), axis=1) + offsets
    hi = np.argmax(np.where(finite, yy, -np.inf), axis=1) + offsets
    keep.append(lo[has_finite])
    keep.append(hi[has_finite])
    has_gap = gap.any(axis=1)
    keep.append((np.argmax(gap, axis=1) + offsets)[has_gap])
    idx = np.unique(np.concatenate(keep))
    ys = y[idx]
    return x[idx], np.where(np.isfinite(ys), ys, np.nan)
