"""The index parser (core/tensors/index_parser.py): the allowlist, its messages and its bounds."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.errors import ExpressionError
from core.tensors.index_parser import MAX_INDEX_CHARS, Mask, parse_index

REJECTED = [
    "X.T[0]",
    "X[X.T]",
    "X[0].__class__",
    "X[len(X)]",
    "__import__('os')",
    "X[__import__('os')]",
    "Y[0]",
    "X[i]",
    "x[0]",
    "X['a']",
    "X[b'a']",
    "X[f'{1}']",
    "X[lambda: 0]",
    "X[[i for i in range(3)]]",
    "X[(i for i in [0])]",
    "X[{0}]",
    "X[{0: 1}]",
    "X[10**100]",
    "X[2*1]",
    "X[99999]",
    "X[-1001]",
    "X[[[[[[0]]]]]]",
    "X[1.5]",
    "X[True]",
    "X[0][1]",
    "X[(0, 1), 2]",
    "X[0 < X < 1]",
    "X[X > 0 and X < 1]",
    "X[not X > 0]",
    "X[X > 1e999]",
    "X[X > 10**3]",
    "X[--1]",
    "X[X]",
    "X[*a]",
    "X[(y:=1)]",
    "X[1j]",
    "X[X > 'a']",
    "X[X.sum() > 0]",
    "X[X[0] > 0]",
    "X[X > X]",
    "X[X @ X]",
    "X[X > 0.5 + 1]",
    "X[0 if 1 else 2]",
    "X[:X]",
    "X[::1.5]",
    "X[...:1]",
    "X[\x00]",
    "X[",
    "X[0]]",
    "",
    "   ",
    "X[0]; import os",
    "X[0]\nX[1]",
    "X[yield]",
    "X[await x]",
    "X[None[0]]",
    "X[[0, None]]",
    "X[[0, ...]]",
    "X[[0, 1:2]]",
    "X[~0]",
]


@pytest.mark.parametrize("text", REJECTED)
def test_parser_rejects_everything_outside_the_allowlist(text):
    with pytest.raises(ExpressionError):
        parse_index(text)


def test_parser_rejects_attribute_access_with_its_own_message():
    with pytest.raises(ExpressionError) as info:
        parse_index("X.T[0]")
    assert info.value.key == "tens.err.index_attribute"


def test_parser_rejects_calls_with_its_own_message():
    with pytest.raises(ExpressionError) as info:
        parse_index("X[len(X)]")
    assert info.value.key == "tens.err.index_call"


def test_parser_names_the_foreign_name():
    with pytest.raises(ExpressionError) as info:
        parse_index("Y[0]")
    assert info.value.params == {"name": "Y"}


def test_parser_rejects_huge_integer_literal():
    with pytest.raises(ExpressionError) as info:
        parse_index("X[" + "9" * 90 + "]")
    assert info.value.key == "tens.err.index_int_large"


def test_parser_rejects_text_over_the_limit():
    with pytest.raises(ExpressionError) as info:
        parse_index("X[" + "0," * MAX_INDEX_CHARS + "]")
    assert info.value.key == "tens.err.index_long"


def test_parser_accepts_text_at_the_limit():
    text = "X[" + " " * (MAX_INDEX_CHARS - 4) + "0]"
    assert len(text) == MAX_INDEX_CHARS
    assert parse_index(text).items == (0,)


def test_parser_rejects_deep_parenthesised_nesting():
    with pytest.raises(ExpressionError):
        parse_index("X[" + "(" * 48 + "0" + ")" * 48 + "," + "[" * 5 + "]" * 5 + "]")


def test_rejecting_a_huge_text_costs_no_more_than_a_short_one():
    """The length is checked before anything else: ten million characters are refused as
    fast as 101 (ratio of the best of 5 runs of 20 calls each)."""
    huge, short = "X[" + "0" * 10_000_000 + "]", "X[" + "0" * 98 + "]"

    def best(text: str) -> float:
        times = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(20):
                with pytest.raises(ExpressionError):
                    parse_index(text)
            times.append(time.perf_counter() - start)
        return min(times)

    assert best(huge) < 5 * best(short)


def test_parser_rebuilds_only_allowed_objects():
    index = parse_index("X[-1, 1:3, ::2, None, ..., [0, [1, 2]], (X > 0.5) | ~(X <= 0)]")
    assert index.items[:5] == (-1, slice(1, 3, None), slice(None, None, 2), None, Ellipsis)
    assert index.items[5] == [0, [1, 2]]
    assert index.items[6] == Mask("|", (Mask(">", (0.5,)), Mask("~", (Mask("<=", (0,)),))))


@given(st.text(alphabet="X[]():,.-+0123456789 ><=&|~'\"_abNone.*@{}", max_size=MAX_INDEX_CHARS))
def test_any_text_parses_to_allowed_objects_or_raises_expression_error(text):
    try:
        index = parse_index(text)
    except ExpressionError:
        return

    def allowed(item) -> bool:
        if isinstance(item, list):
            return all(allowed(i) for i in item)
        if isinstance(item, slice):
            return all(v is None or type(v) is int for v in (item.start, item.stop, item.step))
        return item is None or item is Ellipsis or type(item) is int or isinstance(item, Mask)

    assert all(allowed(item) for item in index.items)


def test_bare_index_without_x_brackets_is_accepted():
    assert parse_index("0, :").text == "X[0, :]"
    assert parse_index("X > 0.5").text == "X[X > 0.5]"


# --------------------------------------------------------------------------------------
# On the shared AST-allowlist foundation (core/expression/syntax.py).


def test_the_parser_uses_the_shared_grammar():
    from core.expression.syntax import Grammar
    from core.tensors.index_parser import GRAMMAR

    assert isinstance(GRAMMAR, Grammar)
    assert (GRAMMAR.max_chars, GRAMMAR.key_length, GRAMMAR.key_nodes) == (
        MAX_INDEX_CHARS,
        "tens.err.index_long",
        "tens.err.index_nodes",
    )


@pytest.mark.parametrize("text", [None, 3, b"X[0]"])
def test_a_non_text_index_asks_for_an_index(text):
    with pytest.raises(ExpressionError) as info:
        parse_index(text)
    assert info.value.key == "tens.err.index_empty"


def test_too_many_parts_within_the_length_limit_are_refused():
    text = "X[" + "-~" * 48 + "0]"
    assert len(text) == MAX_INDEX_CHARS
    with pytest.raises(ExpressionError) as info:
        parse_index(text)
    assert info.value.key == "tens.err.index_nodes"


def test_a_null_byte_is_a_syntax_error():
    with pytest.raises(ExpressionError) as info:
        parse_index("X[0\x00]")
    assert info.value.key == "tens.err.index_syntax"


def test_line_breaks_inside_the_index_are_blanks():
    assert parse_index("X[0,\n 1]").text == "X[0, 1]"


def test_signed_integers_and_mask_numbers_are_read_with_their_sign():
    assert parse_index("X[-1, +2]").items == (-1, 2)
    assert parse_index("X[X > -0.5]").items == (Mask(">", (-0.5,)),)


def test_an_unusual_node_is_named_in_both_languages():
    with pytest.raises(ExpressionError) as info:
        parse_index("X[{0: 1}]")
    assert info.value.key == "tens.err.index_node"
    assert "'dict'" in info.value.message("en") and "'dicionário'" in info.value.message("pt")


def test_common_mistakes_keep_their_own_messages():
    expected = {
        "X[1.5]": "tens.err.index_float",
        "X[True]": "tens.err.index_bool",
        "X['a']": "tens.err.index_string",
        "X[(0, 1), 2]": "tens.err.index_tuple",
        "X[--1]": "tens.err.index_sign",
        "X[X]": "tens.err.index_bare_x",
        "X[lambda: 0]": "tens.err.index_lambda",
        "X[[i for i in range(3)]]": "tens.err.index_comprehension",
        "X[2*1]": "tens.err.index_arith",
        "X[0][1]": "tens.err.index_form",
        "X[0 < X < 1]": "tens.err.mask_chained",
        "X[X > 0 and X < 1]": "tens.err.mask_boolop",
        "X[X > 1e999]": "tens.err.mask_number",
        "X[[[[[[0]]]]]]": "tens.err.index_deep",
    }
    for text, key in expected.items():
        with pytest.raises(ExpressionError) as info:
            parse_index(text)
        assert info.value.key == key, text


def test_the_index_is_passed_exactly_as_typed():
    """Issue 14: a tuple only where the text has a comma at the top level."""
    cases = {
        "X[[[0], [1]]]": (False, [[0], [1]]),
        "X[[[0], [1]],]": (True, ([[0], [1]],)),
        "X[[0], [1]]": (True, ([0], [1])),
        "X[0]": (False, 0),
        "X[0,]": (True, (0,)),
        "0, :": (True, (0, slice(None))),
        "[[0], [1]]": (False, [[0], [1]]),
        "X[()]": (True, ()),
        "X[...]": (False, Ellipsis),
    }
    for text, (as_tuple, passed) in cases.items():
        index = parse_index(text)
        assert index.as_tuple is as_tuple, text
        assert index.materialise(None) == passed, text
    assert parse_index("X[[[0], [1]]]").bare_list == [[0], [1]]
    assert parse_index("X[[0, 1],]").bare_list is None and parse_index("X[0]").bare_list is None
