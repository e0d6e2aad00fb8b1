"""glibc malloc settings that let a long-running server give memory back.

Measured on the Derivatives page (benchmarks/memory.py, 1,000,000 points, order 3): with glibc's
defaults RSS grew by about 420 MB over five expressions and stayed there. Two causes:
- glibc raises its mmap threshold after each large free (up to 32 MB), so the next 8 MB arrays
  come from the heap, whose freed blocks are rarely returned to the system. A fixed threshold
  keeps every large block in its own mapping, unmapped as soon as it is freed.
- each thread that allocates may get its own arena, and memory freed in one arena is not reused
  by another; Streamlit runs every session's script in its own thread.
Everything here is a no-op where the C library is not glibc.
"""

from __future__ import annotations

import ctypes
import gc

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
M_ARENA_MAX = -8

MMAP_THRESHOLD = 1 << 20  # blocks of 1 MiB and more get their own mapping (a 1000-point float64 array is 8 kB)
TRIM_THRESHOLD = 8 << 20  # return the top of the heap once 8 MiB of it are free
ARENAS = 2


def _libc() -> ctypes.CDLL | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt  # noqa: B018 - glibc has it, musl does not
        return libc
    except (OSError, AttributeError):
        return None


def tune_allocator() -> bool:
    """Fix the mmap and trim thresholds and cap the arenas; True where glibc took them."""
    libc = _libc()
    if libc is None:
        return False
    ok = libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    ok &= libc.mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    ok &= libc.mallopt(M_ARENA_MAX, ARENAS)
    return bool(ok)


def release_memory(collect: bool = False) -> None:
    """Hand free heap pages back to the system, after a large computation.

    Freed blocks under the mmap threshold stay in the heap, scattered between live ones, until
    ``malloc_trim`` returns their pages (measured: about 70 MB after 20 grids of a million points;
    it costs about 50 ms, so pages call it only after large grids). ``collect`` runs the cycle
    collector first (another ~90 ms), for objects that only a cycle keeps alive.
    """
    if collect:
        gc.collect()
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)
