"""The Performance lab: C = A Bᵀ timed properly, and in-place updates that allocate nothing.

Three measurements, each a pure function (no streamlit):

* ``vectorization_benchmark`` (vectorization.py): the notebook's row loop, a double loop,
  ``torch.mm`` and NumPy's matmul (matmul.py), timed with warm-up and repeated blocks
  (timing.py) and checked against NumPy in float64;
* ``inplace_benchmark`` (inplace.py): C <- A Bᵀ + C written seven ways, with the bytes each
  iteration allocates (allocations.py), whether ``C.data_ptr()`` stays, and the time;
* ``version_counter_demo`` (version_counter.py): autograd's version-counter error and its fix.

Heavy work is guarded: sizes and settings are bounded (presets.py, inputs.py); one benchmark
runs at a time per process, the others queued (queue.py); every run has a time budget that
holds, each piece predicted before it starts (budget.py); torch and NumPy's OpenBLAS run on
few threads (threads.py). The page shows the code of code.py, the charts of figures.py and the
tables of tables.py.
"""

from __future__ import annotations

from core.performance.inplace import InplaceResult, inplace_benchmark
from core.performance.inputs import parse_sizes
from core.performance.queue import benchmark_slot
from core.performance.timing import measure
from core.performance.vectorization import VectorizationResult, vectorization_benchmark
from core.performance.version_counter import version_counter_demo

__all__ = [
    "InplaceResult",
    "VectorizationResult",
    "benchmark_slot",
    "inplace_benchmark",
    "measure",
    "parse_sizes",
    "vectorization_benchmark",
    "version_counter_demo",
]
