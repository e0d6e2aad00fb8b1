"""Expressions typed by a student: parsed with ``ast`` against an allowlist, never executed.

- ``syntax``: the AST-allowlist foundation shared with the Tensors lab's index parser;
- ``parser``: ``parse`` builds a torch function, a SymPy expression and PyTorch code from one tree;
- ``catalogue``: the functions an expression may call, each in its torch, SymPy, float and code forms,
  grouped for the help text (``catalogue_help``), with the PyTorch conventions they follow (``conventions``);
- ``numeric``: SymPy expressions evaluated with NumPy (the exact references, in float64);
- ``symbolic``: exact derivatives, computed in a child process under time and memory limits.
"""

from core.expression.catalogue import CATALOGUE, GROUPS, catalogue_help, conventions
from core.expression.parser import MAX_LENGTH, Expression, parse

__all__ = ["CATALOGUE", "GROUPS", "MAX_LENGTH", "Expression", "catalogue_help", "conventions", "parse"]
