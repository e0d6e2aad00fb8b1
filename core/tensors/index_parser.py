"""The index parser: ``X[0, 1:3]`` typed by the reader, rebuilt from plain Python objects.

Nothing typed is executed. The text goes through the app's AST-allowlist foundation
(``core.expression.syntax``: bounded text, ``ast.parse``, bounded node count), then this module
walks the tree and rebuilds what it allows: ints, slices, lists of ints, ``None``, ``...`` and
comparison masks such as ``X > 0.5``. The common mistakes get their own message (a call, an
attribute, a float used as an index, ``0 < X < 1``...); anything else is named by ``describe``.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from core.errors import ExpressionError
from core.expression.syntax import Grammar, check_text, describe, is_number, parse_tree, unsigned

MAX_INDEX_CHARS = 100
MAX_INDEX_NODES = 150
MAX_LIST_DEPTH = 4
MAX_INDEX_INT = 1000
MAX_MASK_NUMBER = 1e12
GRAMMAR = Grammar(
    max_chars=MAX_INDEX_CHARS,
    max_nodes=MAX_INDEX_NODES,
    max_depth=MAX_LIST_DEPTH,
    key_type="tens.err.index_empty",
    key_length="tens.err.index_long",
    key_empty="tens.err.index_empty",
    key_nodes="tens.err.index_nodes",
    key_deep="tens.err.index_deep",
)

_COMPARE = {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!="}
_FLIPPED = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}
_OPS: dict[str, Callable[..., Any]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
    "&": operator.and_,
    "|": operator.or_,
    "~": operator.invert,
}
# the common mistakes, each with its own message (checked after names, constants and signs)
_MISTAKES: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (ast.Call, "tens.err.index_call"),
    (ast.Attribute, "tens.err.index_attribute"),
    (ast.BinOp, "tens.err.index_arith"),
    (ast.Lambda, "tens.err.index_lambda"),
    ((ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp), "tens.err.index_comprehension"),
)


@dataclass(frozen=True)
class Mask:
    """A boolean mask over X: ``X <op> number``, or ``&``, ``|``, ``~`` of masks."""

    op: str
    args: tuple[Any, ...]

    def evaluate(self, x: Any) -> Any:
        """The mask for ``x`` (a NumPy array or a torch tensor): same code for both."""
        if self.op in ("&", "|", "~"):
            return _OPS[self.op](*(arg.evaluate(x) for arg in self.args))
        return _OPS[self.op](x, self.args[0])


IndexItem = Any  # int | slice | EllipsisType | None | list | Mask


@dataclass(frozen=True)
class ParsedIndex:
    """A checked index: ``items`` rebuilt from the allowlist, ``text`` in canonical form.

    ``as_tuple``: whether the brackets hold a tuple, as in ``X[0, 1]`` or ``X[[0],]`` (a comma at
    the top level), or a single object, as in ``X[0]`` or ``X[[[0], [1]]]``. Python passes the
    one or the other to ``__getitem__``, and the libraries may read them differently.
    """

    text: str
    items: tuple[IndexItem, ...]
    as_tuple: bool = True

    def materialise(self, x: Any) -> Any:
        """The index exactly as typed: the tuple, or the single object when no comma made one
        (nothing is added). Masks are evaluated on ``x`` itself."""
        objects = tuple(item.evaluate(x) if isinstance(item, Mask) else item for item in self.items)
        return objects if self.as_tuple else objects[0]

    @property
    def bare_list(self) -> list[Any] | None:
        """The list when the brackets hold one list and nothing else (``X[[[0], [1]]]``)."""
        single = not self.as_tuple and isinstance(self.items[0], list)
        return self.items[0] if single else None

    @property
    def has_mask(self) -> bool:
        return any(isinstance(item, Mask) for item in self.items)


def parse_index(text: str) -> ParsedIndex:
    """Check an index typed by the user and rebuild it from plain Python objects.

    Allowed, as in ``X[...]``: integers (negative too, ``|i| <= 1000``), slices with
    optional integer start/stop/step, ``...``, ``None``, lists of integers (nested up
    to 4 levels), and masks comparing ``X`` with a number (``X > 0.5``, ``0 <= X``,
    combined with ``&``, ``|``, ``~``), separated by commas. ``0, :`` without
    ``X[...]`` around it is accepted too. What the brackets hold is kept as typed: a
    tuple only where a comma at the top level makes one (``as_tuple``). Everything
    else (names, attributes, calls, strings, floats as indices, comprehensions,
    lambdas...) is an ``ExpressionError``. The length is checked before parsing, so a
    huge text is refused in O(1).
    """
    source = check_text(text, GRAMMAR)
    if not source.startswith("X["):
        source = f"X[{source}]"
    body = parse_tree(source, GRAMMAR, _syntax_error).body
    if not (isinstance(body, ast.Subscript) and _is_x(body.value)):
        raise ExpressionError("tens.err.index_form")
    as_tuple = isinstance(body.slice, ast.Tuple)
    entries = body.slice.elts if as_tuple else [body.slice]
    items = tuple(_item(node) for node in entries)
    return ParsedIndex(text=ast.unparse(body), items=items, as_tuple=as_tuple)


def _syntax_error(exc: SyntaxError) -> ExpressionError:
    return ExpressionError("tens.err.index_syntax", detail=str(exc.msg))


def _item(node: ast.AST) -> IndexItem:
    """One entry of the index tuple, by the allowlist."""
    if isinstance(node, ast.Slice):
        return slice(_optional_int(node.lower), _optional_int(node.upper), _optional_int(node.step))
    if isinstance(node, ast.Constant) and (node.value is None or node.value is Ellipsis):
        return node.value
    if isinstance(node, ast.List):
        return _int_list(node, 1)
    if _is_mask(node):
        return _mask(node)
    return _int_value(node)


def _is_mask(node: ast.AST) -> bool:
    return (
        isinstance(node, (ast.Compare, ast.BoolOp))
        or (isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr)))
        or (isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Invert, ast.Not)))
    )


def _int_value(node: ast.AST) -> int:
    """An integer literal, optionally with one leading sign, bounded in size."""
    sign, operand = unsigned(node)
    if isinstance(operand, ast.Constant) and type(operand.value) is int:
        if operand.value > MAX_INDEX_INT:
            raise ExpressionError("tens.err.index_int_large", limit=MAX_INDEX_INT)
        return sign * operand.value
    raise _rejection(operand)


def _optional_int(node: ast.AST | None) -> int | None:
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return None
    return _int_value(node)


def _int_list(node: ast.List, depth: int) -> list[Any]:
    """``[0, 2]``, ``[[0], [2]]``: integers and lists of them, nested up to ``MAX_LIST_DEPTH``.

    What the libraries make of it depends on where it stands. As one entry of a tuple
    (``X[[0, 2], 1]``, ``X[:, [[0], [2]]]``) both read it as one integer index array whose
    shape is the nesting: ``[[0], [2]]`` is an array of shape (2, 1), not one index per
    dimension. Alone in the brackets (``X[[[0], [1]]]``) NumPy still reads one array, of
    shape (2, 1); PyTorch 2.13 reads a list that holds a list (and has fewer than 32
    entries) as a tuple of indices, ``X[[0], [1]]``, and warns that this reading is deprecated (a flat list of integers is
    one index array in both). A ragged list such as ``[0, [1]]`` is accepted here as typed:
    NumPy refuses to make an array of it. ``index_tensor`` runs the index as typed and
    reports where the two readings part.
    """
    if depth > MAX_LIST_DEPTH:
        raise ExpressionError("tens.err.index_deep", limit=MAX_LIST_DEPTH)
    return [_int_list(elt, depth + 1) if isinstance(elt, ast.List) else _int_value(elt) for elt in node.elts]


def _mask(node: ast.AST) -> Mask:
    """``X > 0.5``, ``0 <= X``, ``(X > 0) & (X < 1)``, ``~(X == 1)``."""
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1:
            raise ExpressionError("tens.err.mask_chained")
        op = _COMPARE.get(type(node.ops[0]))
        if op is None:
            raise ExpressionError("tens.err.mask_form")
        left, right = node.left, node.comparators[0]
        if _is_x(left) and not _is_x(right):
            return Mask(op, (_mask_number(right),))
        if _is_x(right) and not _is_x(left):
            return Mask(_FLIPPED[op], (_mask_number(left),))
        raise ExpressionError("tens.err.mask_form")
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr)):
        return Mask("&" if isinstance(node.op, ast.BitAnd) else "|", (_mask(node.left), _mask(node.right)))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        return Mask("~", (_mask(node.operand),))
    if isinstance(node, ast.BoolOp) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
        raise ExpressionError("tens.err.mask_boolop")
    raise ExpressionError("tens.err.mask_form")


def _mask_number(node: ast.AST) -> float | int:
    """A number to compare X with: an int or float literal, optionally signed, finite."""
    sign, operand = unsigned(node)
    if not is_number(operand):
        raise ExpressionError("tens.err.mask_form")
    if not abs(operand.value) <= MAX_MASK_NUMBER:  # also inf (1e999) and NaN
        raise ExpressionError("tens.err.mask_number", limit=f"{MAX_MASK_NUMBER:g}")
    return sign * operand.value


def _is_x(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "X"


def _rejection(node: ast.AST) -> ExpressionError:
    """The clearest rejection for a node outside the allowlist."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            return ExpressionError("tens.err.index_bool")
        if isinstance(value, float):
            return ExpressionError("tens.err.index_float")
        if isinstance(value, (str, bytes)):
            return ExpressionError("tens.err.index_string")
        return ExpressionError("tens.err.index_node", what=describe(node))
    if isinstance(node, ast.Name):
        if node.id == "X":
            return ExpressionError("tens.err.index_bare_x")
        return ExpressionError("tens.err.index_name", name=node.id[:20])
    if isinstance(node, ast.Tuple):
        return ExpressionError("tens.err.index_tuple")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return ExpressionError("tens.err.index_sign")
    if isinstance(node, ast.Subscript):  # X[0][1], Y[0], X.T[0]
        return _rejection(node.value) if not _is_x(node.value) else ExpressionError("tens.err.index_form")
    key = next((key for types, key in _MISTAKES if isinstance(node, types)), None)
    return ExpressionError(key) if key is not None else ExpressionError("tens.err.index_node", what=describe(node))
