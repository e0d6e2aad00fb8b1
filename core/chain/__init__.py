"""The Chain rule lab: the notebook's two-step backward recipe, run for real, and its traps."""

from __future__ import annotations

from core.chain.compute import (
    ChainResult,
    accumulation_trap,
    chain_code,
    chain_rule,
    exact_chain_derivative,
    nonscalar_trap,
    parse_points,
    sum_trap,
)

__all__ = [
    "ChainResult",
    "accumulation_trap",
    "chain_code",
    "chain_rule",
    "exact_chain_derivative",
    "nonscalar_trap",
    "parse_points",
    "sum_trap",
]
