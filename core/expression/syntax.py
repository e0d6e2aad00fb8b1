"""The AST-allowlist foundation of every parser of typed text (expressions, tensor indices).

A parser here never executes what it reads: the text is bounded, parsed by ``ast.parse`` in
``eval`` mode, bounded again by its number of nodes, and then walked by the parser, which
rebuilds what it allows from plain Python objects and names what it refuses with ``describe``.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from core.errors import Both, ExpressionError


@dataclass(frozen=True)
class Grammar:
    """One parser's limits and the translation keys of its errors."""

    max_chars: int
    max_nodes: int
    max_depth: int
    key_type: str  # not a str
    key_length: str  # params: length, limit
    key_empty: str
    key_nodes: str  # params: nodes, limit
    key_deep: str  # params: limit


def check_text(text: object, grammar: Grammar) -> str:
    """``text`` with its runs of whitespace folded into one space, if it is a non-empty string
    within ``grammar.max_chars`` (checked first, so a huge text costs nothing)."""
    if not isinstance(text, str):
        raise ExpressionError(grammar.key_type)
    if len(text) > grammar.max_chars:
        raise ExpressionError(grammar.key_length, length=len(text), limit=grammar.max_chars)
    folded = " ".join(text.split())
    if not folded:
        raise ExpressionError(grammar.key_empty)
    return folded


def parse_tree(source: str, grammar: Grammar, syntax_error: Callable[[SyntaxError], ExpressionError]) -> ast.Expression:
    """``ast.parse(source, mode="eval")`` within the grammar's size; a syntax error becomes the
    parser's own message (``syntax_error``), nesting too deep for ``ast`` becomes ``key_deep``."""
    if "\0" in source:  # Python 3.11 raises ValueError for it, 3.12 SyntaxError
        raise syntax_error(SyntaxError("null byte", ("<text>", 1, source.index("\0") + 1, source)))
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise syntax_error(exc) from None
    except (RecursionError, MemoryError):
        raise ExpressionError(grammar.key_deep, limit=grammar.max_depth) from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > grammar.max_nodes:
        raise ExpressionError(grammar.key_nodes, nodes=nodes, limit=grammar.max_nodes)
    return tree


def unsigned(node: ast.AST) -> tuple[int, ast.AST]:
    """(sign, operand) of ``-a`` or ``+a``; (1, node) for anything else."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return (-1 if isinstance(node.op, ast.USub) else 1), node.operand
    return 1, node


def is_number(node: ast.AST) -> bool:
    """An int or float literal (not a bool, not complex)."""
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


_DESCRIPTIONS = {
    ast.Attribute: Both("acesso a atributo (.)", "attribute access (.)"),
    ast.Subscript: Both("indexação ([])", "indexing ([])"),
    ast.Call: Both("chamada de função", "function call"),
    ast.BinOp: Both("conta (+, -, *, /)", "arithmetic (+, -, *, /)"),
    ast.Lambda: Both("lambda", "lambda"),
    ast.Compare: Both("comparação", "comparison"),
    ast.BoolOp: Both("and/or", "and/or"),
    ast.IfExp: Both("if/else", "if/else"),
    ast.NamedExpr: Both(":=", ":="),
    ast.JoinedStr: Both("f-string", "f-string"),
    ast.Tuple: Both("tupla", "tuple"),
    ast.List: Both("lista", "list"),
    ast.Dict: Both("dicionário", "dict"),
    ast.Set: Both("conjunto", "set"),
    ast.ListComp: Both("compreensão de lista", "comprehension"),
    ast.SetComp: Both("compreensão de conjunto", "comprehension"),
    ast.DictComp: Both("compreensão de dicionário", "comprehension"),
    ast.GeneratorExp: Both("gerador", "generator"),
    ast.Starred: Both("*", "*"),
    ast.Slice: Both("fatia (:)", "slice (:)"),
    ast.Await: Both("await", "await"),
    ast.Yield: Both("yield", "yield"),
    ast.YieldFrom: Both("yield", "yield"),
}


def describe(node: ast.AST) -> Both | str:
    """What ``node`` is, in words a student recognises (both languages where they differ)."""
    if isinstance(node, ast.Constant):
        return type(node.value).__name__
    if isinstance(node, ast.UnaryOp):
        return {ast.Not: "not", ast.Invert: "~", ast.USub: "-", ast.UAdd: "+"}.get(type(node.op), "?")
    return _DESCRIPTIONS.get(type(node), type(node).__name__)
