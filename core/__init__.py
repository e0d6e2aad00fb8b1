"""Autograd Lab core: computations and figure builders (no streamlit)."""

from core.derivatives import Derivative, differentiate, exact_derivative, step_sweep, tangent  # noqa: E402,F401
from core.errors import ExpressionError, LabError  # noqa: E402,F401
from core.expression import Expression, parse  # noqa: E402,F401
from core.performance import InplaceResult, VectorizationResult, benchmark_slot, inplace_benchmark, measure, parse_sizes, vectorization_benchmark, version_counter_demo  # noqa: E402,F401
from core.chain_rule import ChainResult, accumulation_trap, chain_code, chain_rule, exact_chain_derivative, nonscalar_trap, parse_points, sum_trap  # noqa: F401
from core.graph import backward_graph_dot, chain_graph_dot, expression_graph_dot  # noqa: F401
from core.stability import ExpThresholds, along_x, compare, compare_logsumexp, error_map, evaluate, exp_thresholds, explain, failure_regions, log_exp, parse_vector, reference, relative_error  # noqa: F401
from core.tensors import broadcast_report, concat_report, conversion_demo, index_tensor, parse_index, reshape_report  # noqa: F401
