"""The Chain rule lab: the notebook's two-step backward recipe, run for real, and its traps.

inputs.py   f written in x, g written in u, the points x (typed or given)
rule.py     chain_rule: du/dx, then dz/du through detach(), their product, the full backward, SymPy
traps.py    the three traps: accumulation, backward on a vector, sum then differentiate
code.py     the PyTorch program the page shows
presets.py  the page's examples, catalogues, defaults and chart range
figures.py  the chart; tables.py: the tables, metrics and notes; graph.py: the backward graphs
texts.py    the lab's strings
"""

from __future__ import annotations

from core.chain.code import chain_code
from core.chain.inputs import parse_points
from core.chain.rule import ChainResult, chain_rule, exact_chain_derivative
from core.chain.traps import accumulation_trap, nonscalar_trap, sum_trap

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
