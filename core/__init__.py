"""Autograd Lab core: computations and figure builders (no streamlit).

A notebook can use it directly: ``from core import differentiate, parse, log_exp, chain_rule``.
Each lab's full API lives in its module (core.derivatives, core.stability, core.chain_rule,
core.graph, core.tensors, core.performance).
"""

from __future__ import annotations

import importlib
from typing import Any

# The function chain_rule shares its name with its module: importing the submodule binds the
# module as core.chain_rule, so the function is bound here, eagerly, after it (and wins).
from core.chain_rule import chain_rule  # noqa: E402,F401

# Every other name is imported on first use, so a page pays only for the modules it needs.
_EXPORTS: dict[str, str] = {
    "ChainResult": "core.chain_rule",
    "Derivative": "core.derivatives",
    "ExpThresholds": "core.stability",
    "Expression": "core.expression",
    "ExpressionError": "core.errors",
    "InplaceResult": "core.performance",
    "LabError": "core.errors",
    "VectorizationResult": "core.performance",
    "accumulation_trap": "core.chain_rule",
    "along_x": "core.stability",
    "backward_graph_dot": "core.graph",
    "benchmark_slot": "core.performance",
    "broadcast_report": "core.tensors",
    "chain_code": "core.chain_rule",
    "chain_graph_dot": "core.graph",
    "chain_rule": "core.chain_rule",
    "compare": "core.stability",
    "compare_logsumexp": "core.stability",
    "concat_report": "core.tensors",
    "conversion_demo": "core.tensors",
    "differentiate": "core.derivatives",
    "error_map": "core.stability",
    "exact_chain_derivative": "core.chain_rule",
    "exact_derivative": "core.derivatives",
    "exp_thresholds": "core.stability",
    "explain": "core.stability",
    "expression_graph_dot": "core.graph",
    "failure_regions": "core.stability",
    "index_tensor": "core.tensors",
    "inplace_benchmark": "core.performance",
    "log_exp": "core.stability",
    "measure": "core.performance",
    "nonscalar_trap": "core.chain_rule",
    "parse": "core.expression",
    "parse_index": "core.tensors",
    "parse_points": "core.chain_rule",
    "parse_sizes": "core.performance",
    "parse_vector": "core.stability",
    "relative_error": "core.stability",
    "reshape_report": "core.tensors",
    "step_sweep": "core.derivatives",
    "sum_trap": "core.chain_rule",
    "tangent": "core.derivatives",
    "vectorization_benchmark": "core.performance",
    "version_counter_demo": "core.performance",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'core' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))

