"""Autograd Lab core: every computation and figure builder of the app (no streamlit).

A notebook can use it directly: ``from core import differentiate, parse, log_exp, chain_rule``.

Shared pieces sit at this level (errors, i18n, devices, style, checks, the governor); each lab is one
package (``core.derivatives``, ``core.chain``, ``core.gradients``, ``core.stability``,
``core.tensors``, ``core.performance``) and the expression package ``core.expression`` serves them all.
"""

from __future__ import annotations

from core.backward_graph import backward_graph_dot
from core.chain import (
    ChainResult,
    accumulation_trap,
    chain_code,
    chain_rule,
    exact_chain_derivative,
    nonscalar_trap,
    parse_points,
    sum_trap,
)
from core.chain.graph import chain_graph_dot
from core.derivatives import Derivative, differentiate, exact_derivative, step_sweep, tangent
from core.derivatives.graph import expression_graph_dot
from core.errors import ExpressionError, LabError
from core.expression import Expression, parse
from core.gradients import Descent, GradientField, Hessian, descend, gradient_field, hessian, largest_stable_lr
from core.performance import (
    InplaceResult,
    VectorizationResult,
    benchmark_slot,
    inplace_benchmark,
    measure,
    parse_sizes,
    vectorization_benchmark,
    version_counter_demo,
)
from core.stability import (
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
from core.tensors import broadcast_report, concat_report, conversion_demo, index_tensor, parse_index, reshape_report
from core.trace import ForwardNode, Trace, TraceNode, autodiff_trace, backward_trace, forward_trace, jvp_vjp

__all__ = [
    "ChainResult",
    "Derivative",
    "Descent",
    "ExpThresholds",
    "Expression",
    "ExpressionError",
    "ForwardNode",
    "GradientField",
    "Hessian",
    "InplaceResult",
    "LabError",
    "Trace",
    "TraceNode",
    "VectorizationResult",
    "accumulation_trap",
    "along_x",
    "autodiff_trace",
    "backward_graph_dot",
    "backward_trace",
    "benchmark_slot",
    "broadcast_report",
    "chain_code",
    "chain_graph_dot",
    "chain_rule",
    "compare",
    "compare_logsumexp",
    "concat_report",
    "conversion_demo",
    "descend",
    "differentiate",
    "error_map",
    "exact_chain_derivative",
    "exact_derivative",
    "exp_thresholds",
    "explain",
    "expression_graph_dot",
    "failure_regions",
    "forward_trace",
    "gradient_field",
    "hessian",
    "index_tensor",
    "inplace_benchmark",
    "jvp_vjp",
    "largest_stable_lr",
    "log_exp",
    "measure",
    "nonscalar_trap",
    "parse",
    "parse_index",
    "parse_points",
    "parse_sizes",
    "parse_vector",
    "relative_error",
    "reshape_report",
    "step_sweep",
    "sum_trap",
    "tangent",
    "vectorization_benchmark",
    "version_counter_demo",
]
