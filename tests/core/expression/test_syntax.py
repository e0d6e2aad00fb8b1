"""core/expression/syntax.py: the AST-allowlist foundation both parsers (expressions, tensor
indices) stand on. Its bounds hold before anything is parsed, and its descriptions name every
node a student may type."""

from __future__ import annotations

import ast

import pytest

from core.errors import Both, ExpressionError
from core.expression.parser import GRAMMAR
from core.expression.syntax import check_text, describe, is_number, parse_tree, unsigned


def _syntax(exc: SyntaxError) -> ExpressionError:
    return ExpressionError("err.expr_syntax", col=exc.offset or 0)


def test_check_text_folds_whitespace_and_refuses_empty_long_and_non_text():
    assert check_text("  sin( x )\n* 2 ", GRAMMAR) == "sin( x ) * 2"
    for text, key in [("", "err.expr_empty"), (" \t\n", "err.expr_empty"), ("x" * 201, "err.expr_length"), (3, "err.expr_type")]:
        with pytest.raises(ExpressionError) as info:
            check_text(text, GRAMMAR)
        assert info.value.key == key


def test_parse_tree_bounds_the_nodes():
    with pytest.raises(ExpressionError) as info:
        parse_tree("+".join(["x"] * 100), GRAMMAR, _syntax)
    assert info.value.key == "err.expr_nodes"


def test_parse_tree_turns_deep_nesting_into_a_message():
    with pytest.raises(ExpressionError) as info:
        parse_tree("(" * 10_000 + "x" + ")" * 10_000, GRAMMAR, _syntax)
    assert info.value.key in ("err.expr_too_deep", "err.expr_syntax")


@pytest.mark.parametrize("source", ["x +", "\0x", "x)"])
def test_parse_tree_hands_syntax_errors_to_the_parser(source):
    with pytest.raises(ExpressionError) as info:
        parse_tree(source, GRAMMAR, _syntax)
    assert info.value.key == "err.expr_syntax"


def test_parse_tree_reads_a_call_without_making_it():
    # the tree is returned for the parser to refuse: nothing in it ran (see test_security.py)
    tree = parse_tree("__import__('os').system('false')", GRAMMAR, _syntax)
    assert isinstance(tree.body, ast.Call)


def test_unsigned_and_is_number():
    assert unsigned(ast.parse("-3", mode="eval").body)[0] == -1
    sign, node = unsigned(ast.parse("+3", mode="eval").body)
    assert sign == 1 and is_number(node)
    assert not is_number(ast.parse("True", mode="eval").body)
    assert not is_number(ast.parse("1j", mode="eval").body)


@pytest.mark.parametrize(
    ("source", "words"),
    [
        ("x.real", "attribute"),
        ("x[0]", "indexing"),
        ("lambda: 1", "lambda"),
        ("x < 1", "comparison"),
        ("[x]", "list"),
        ("'a'", "str"),
        ("not x", "not"),
        ("~x", "~"),
        ("f(x)", "function call"),
    ],
)
def test_describe_names_what_a_student_typed(source, words):
    what = describe(ast.parse(source, mode="eval").body)
    assert words in (what.en if isinstance(what, Both) else what)
