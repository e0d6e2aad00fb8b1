"""Autograd Lab core: computations and figure builders (no streamlit)."""

from core.derivatives import Derivative, differentiate, exact_derivative, step_sweep, tangent  # noqa: E402,F401
from core.errors import ExpressionError, LabError  # noqa: E402,F401
from core.expression import Expression, parse  # noqa: E402,F401
from core.performance import InplaceResult, VectorizationResult, benchmark_slot, inplace_benchmark, measure, parse_sizes, vectorization_benchmark, version_counter_demo  # noqa: E402,F401
