"""Tensor playground: indexing, reshape/view, broadcasting, cat/stack and NumPy <-> PyTorch.

Everything here runs the real libraries on a small tensor and reports what they did,
errors included, in plain data (NumPy arrays, tuples, strings) that a page can draw
and ``st.cache_data`` can pickle. Nothing typed by the user is executed: an index such
as ``X[:, [0, 2]]`` is parsed with :mod:`ast` against an allowlist and rebuilt from
Python objects (ints, slices, lists, ``None``, ``...`` and comparison masks).

The trick used throughout: index (or reshape, or concatenate) a tensor of *positions*
``P = arange(n).reshape(shape)`` the same way as the values; the result then says, for
every output element, which element of ``X`` it came from.

Values are finite by construction (rounded uniform or normal draws, or ``arange``), and
the number in a mask must be finite, so no inf or NaN can reach a comparison.
"""

from __future__ import annotations

import ast
import math
import operator
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from core.devices import available_devices
from core.errors import ExpressionError, LabError
from core.i18n import tr

MAX_DIMS = 4
MAX_DIM_SIZE = 8
MAX_INDEX_CHARS = 100
MAX_INDEX_NODES = 150
MAX_LIST_DEPTH = 4
MAX_INDEX_INT = 1000
MAX_MASK_NUMBER = 1e12
MAX_SHAPE_CHARS = 60
MAX_TARGET_DIMS = 6
MAX_TARGET_SIZE = 4096
MAX_BROADCAST_DIMS = 6
MAX_BROADCAST_SIZE = 10_000
MAX_CONCAT_DIM = 5
MAX_SEED = 2**32 - 1
MAX_ERROR_CHARS = 400
VALUE_PATTERNS = ("rand", "randn", "arange")
RESHAPE_METHODS = ("reshape", "view", "ravel", "flatten")
CONCAT_OPS = ("cat", "stack")
INDEX_PRESETS = ("X[0]", "X[:, 1]", "X[[0, 2]]", "X[X > 0.5]", "X[..., 1:3]", "X[:, None]")
BROADCAST_PRESETS = (((4, 3), (4, 3)), ((4, 3), (3,)), ((4, 1), (1, 3)))

LIBRARY_NAMES = {"numpy": "NumPy", "torch": "PyTorch"}
# The page's choices, shown (and kept in the URL) as code, the same in every language: label -> name
PATTERN_CHOICES = {f"torch.{p}": p for p in VALUE_PATTERNS}
CONCAT_CHOICES = {f"torch.{op}": op for op in CONCAT_OPS}
MUTATE_CHOICES = {"a": "a", "torch.from_numpy(a)": "from_numpy"}

Shape = tuple[int, ...]


@dataclass(frozen=True)
class Note:
    """A message for the page: a translation key and its parameters."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)


def library_message(exc: BaseException) -> str:
    """``"IndexError: index 5 is out of bounds ..."``: the library's own words, trimmed.

    Kept to the first three lines and ``MAX_ERROR_CHARS`` characters: some PyTorch
    messages append a long C++ note that says nothing to a student.
    """
    text = " ".join(str(exc).strip().splitlines()[:3]) or type(exc).__name__
    if len(text) > MAX_ERROR_CHARS:
        text = text[: MAX_ERROR_CHARS - 1] + "…"
    return f"{type(exc).__name__}: {text}"


def _attempt(fn: Callable[[], Any]) -> tuple[Any, str | None]:
    """Run a library call; (result, None) or (None, its message). Warnings are silenced
    because the comparison between the libraries is reported separately."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(), None
    except Exception as exc:  # noqa: BLE001 - any library failure is a result to show
        return None, library_message(exc)


# ---------------------------------------------------------------------------------------
# Shapes typed by the user: "3, 4", "(3, 4)", "[3, 4]", "3x4", "()".

_SHAPE_TOKEN = re.compile(r"[+-]?\d{1,7}")
# integers separated by one comma, one x/× or blanks; one trailing comma as in Python's (3,)
_SHAPE_BODY = re.compile(r"[+-]?\d{1,7}(?:(?:\s*[,x×]\s*|\s+)[+-]?\d{1,7})*\s*,?")


def parse_shape(
    text: str | tuple[int, ...],
    *,
    min_dims: int = 1,
    max_dims: int = MAX_DIMS,
    min_size: int = 1,
    max_size: int = MAX_DIM_SIZE,
) -> Shape:
    """A shape tuple from text such as ``"3, 4"``, ``"(2, -1)"``, ``"4x1"`` or ``"()"``.

    Parsed with a regular expression (integers separated by one comma, one ``x`` or
    blanks, optionally inside one pair of brackets): nothing is evaluated. The scalar
    shape is written ``()`` (or ``[]``); an empty box is an error, not a scalar, and so
    is text without numbers such as ``x`` or ``,``. Bounds on the number of dimensions
    and on each size keep every later computation small. A tuple is checked against
    the same bounds.
    """
    if isinstance(text, tuple):
        dims = text
        if not all(type(d) is int for d in dims):
            raise LabError("tens.err.shape_syntax", text=str(text)[:MAX_SHAPE_CHARS], token="?")
    else:
        if not isinstance(text, str):
            raise LabError("tens.err.shape_syntax", text="?", token="?")
        if len(text) > MAX_SHAPE_CHARS:
            raise LabError("tens.err.shape_long", limit=MAX_SHAPE_CHARS)
        dims = _shape_dims(text, scalar_allowed=min_dims == 0)
    if not min_dims <= len(dims) <= max_dims:
        raise LabError("tens.err.shape_dims", ndim=len(dims), low=min_dims, high=max_dims)
    for d in dims:
        if not min_size <= d <= max_size:
            raise LabError("tens.err.shape_size", size=d, low=min_size, high=max_size)
    return dims


def _shape_dims(text: str, *, scalar_allowed: bool) -> Shape:
    """The integers of a shape text; ``()`` is the only way to write the scalar shape."""
    raw = text.strip()
    if not raw:
        raise LabError("tens.err.shape_empty_scalar" if scalar_allowed else "tens.err.shape_empty")
    body = raw
    if body[:1] in "([" and body[-1:] in ")]":
        body = body[1:-1].strip()
        if not body:
            return ()
    if _SHAPE_BODY.fullmatch(body):
        return tuple(int(tok) for tok in re.split(r"[\s,x×]+", body) if tok)
    tokens = [tok for tok in re.split(r"[\s,x×]+", body) if tok]
    bad = next((tok for tok in tokens if not _SHAPE_TOKEN.fullmatch(tok)), None)
    if bad is not None:
        raise LabError("tens.err.shape_syntax", text=raw, token=bad)
    if not tokens:  # only separators: "x", ",", "x x"
        raise LabError("tens.err.shape_no_numbers", text=raw)
    raise LabError("tens.err.shape_separators", text=raw)  # "3,,4", "x3", "3,4,,"


def format_shape(shape: Shape) -> str:
    """``(3,)``, ``(3, 4)``, ``()``: the way NumPy prints a shape."""
    return str(tuple(int(d) for d in shape))


def make_tensor(shape: Shape, pattern: str = "rand", seed: int = 0) -> np.ndarray:
    """The playground tensor ``X`` (float64, C-contiguous, owning its memory).

    ``rand``: uniform [0, 1) rounded to 2 decimals (so ``X > 0.5`` splits it);
    ``randn``: standard normal rounded to 2 decimals; ``arange``: 0, 1, ..., n-1, so
    each value is its own flat index.
    """
    shape = parse_shape(shape)
    if pattern not in VALUE_PATTERNS:
        raise LabError("tens.err.pattern", pattern=str(pattern), allowed=", ".join(VALUE_PATTERNS))
    if type(seed) is not int or not 0 <= seed <= MAX_SEED:
        raise LabError("tens.err.seed", high=MAX_SEED)
    rng = np.random.default_rng(seed)
    if pattern == "rand":
        values = rng.random(shape).round(2)
    elif pattern == "randn":
        values = rng.standard_normal(shape).round(2)
    else:
        values = np.arange(math.prod(shape), dtype=np.float64).reshape(shape)
    return np.array(values, dtype=np.float64, order="C", copy=True)


# ---------------------------------------------------------------------------------------
# The index parser: an ast allowlist, nothing executed.

_COMPARE = {ast.Gt: ">", ast.GtE: ">=", ast.Lt: "<", ast.LtE: "<=", ast.Eq: "==", ast.NotEq: "!="}
_FLIPPED = {">": "<", ">=": "<=", "<": ">", "<=": ">=", "==": "==", "!=": "!="}
_OPS: dict[str, Callable[..., Any]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
    "==": operator.eq, "!=": operator.ne, "&": operator.and_, "|": operator.or_, "~": operator.invert,
}


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
    """A checked index: ``items`` rebuilt from the allowlist, ``text`` in canonical form."""

    text: str
    items: tuple[IndexItem, ...]

    def materialise(self, x: Any) -> tuple[Any, ...]:
        """The index as the library expects it; masks are evaluated on ``x`` itself."""
        return tuple(item.evaluate(x) if isinstance(item, Mask) else item for item in self.items)

    @property
    def has_mask(self) -> bool:
        return any(isinstance(item, Mask) for item in self.items)


def _reject(key: str, **params: Any) -> ExpressionError:
    return ExpressionError(key, **params)


def _int_value(node: ast.AST) -> int:
    """An integer literal, optionally with one leading sign, bounded in size."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) is int:
        if node.value > MAX_INDEX_INT:
            raise _reject("tens.err.index_int_large", limit=MAX_INDEX_INT)
        return sign * node.value
    raise _describe(node)


def _number_value(node: ast.AST) -> float | int:
    """A number to compare X with: an int or float literal, optionally signed, finite."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        value = node.value
        if type(value) is int and abs(value) > MAX_MASK_NUMBER:
            raise _reject("tens.err.mask_number", limit=f"{MAX_MASK_NUMBER:g}")
        if type(value) is float and not (math.isfinite(value) and abs(value) <= MAX_MASK_NUMBER):
            raise _reject("tens.err.mask_number", limit=f"{MAX_MASK_NUMBER:g}")
        return sign * value
    raise _reject("tens.err.mask_form")


def _is_x(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == "X"


def _mask(node: ast.AST) -> Mask:
    """``X > 0.5``, ``0 <= X``, ``(X > 0) & (X < 1)``, ``~(X == 1)``."""
    if isinstance(node, ast.Compare):
        if len(node.ops) != 1:
            raise _reject("tens.err.mask_chained")
        op = _COMPARE.get(type(node.ops[0]))
        if op is None:
            raise _reject("tens.err.mask_form")
        left, right = node.left, node.comparators[0]
        if _is_x(left) and not _is_x(right):
            return Mask(op, (_number_value(right),))
        if _is_x(right) and not _is_x(left):
            return Mask(_FLIPPED[op], (_number_value(left),))
        raise _reject("tens.err.mask_form")
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr)):
        return Mask("&" if isinstance(node.op, ast.BitAnd) else "|", (_mask(node.left), _mask(node.right)))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        return Mask("~", (_mask(node.operand),))
    if isinstance(node, ast.BoolOp) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
        raise _reject("tens.err.mask_boolop")
    raise _reject("tens.err.mask_form")


def _int_list(node: ast.List, depth: int) -> list[Any]:
    """``[0, 2]`` or nested ``[[0], [2]]`` (one index array per dimension)."""
    if depth > MAX_LIST_DEPTH:
        raise _reject("tens.err.index_deep", limit=MAX_LIST_DEPTH)
    return [_int_list(elt, depth + 1) if isinstance(elt, ast.List) else _int_value(elt) for elt in node.elts]


def _optional_int(node: ast.AST | None) -> int | None:
    if node is None or (isinstance(node, ast.Constant) and node.value is None):
        return None
    return _int_value(node)


def _item(node: ast.AST) -> IndexItem:
    """One entry of the index tuple, by the allowlist."""
    if isinstance(node, ast.Slice):
        return slice(_optional_int(node.lower), _optional_int(node.upper), _optional_int(node.step))
    if isinstance(node, ast.Constant) and (node.value is None or node.value is Ellipsis):
        return node.value
    if isinstance(node, ast.List):
        return _int_list(node, 1)
    if isinstance(node, (ast.Compare, ast.BoolOp)) or (
        isinstance(node, ast.BinOp) and isinstance(node.op, (ast.BitAnd, ast.BitOr))
    ) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Invert, ast.Not))):
        return _mask(node)
    return _int_value(node)


def _describe(node: ast.AST) -> ExpressionError:
    """The clearest rejection for a node outside the allowlist."""
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool):
            return _reject("tens.err.index_bool")
        if isinstance(value, float):
            return _reject("tens.err.index_float")
        if isinstance(value, (str, bytes)):
            return _reject("tens.err.index_string")
        return _reject("tens.err.index_node", what=type(value).__name__)
    if isinstance(node, ast.Name):
        if node.id == "X":
            return _reject("tens.err.index_bare_x")
        return _reject("tens.err.index_name", name=node.id[:20])
    if isinstance(node, ast.Tuple):
        return _reject("tens.err.index_tuple")
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _reject("tens.err.index_sign")
    if isinstance(node, ast.Subscript):  # X[0][1], Y[0], X.T[0]
        return _describe(node.value) if not _is_x(node.value) else _reject("tens.err.index_form")
    kind = next((key for types, key in _REJECTIONS if isinstance(node, types)), None)
    if kind is not None:
        return _reject(kind)
    return _reject("tens.err.index_node", what=type(node).__name__)


_REJECTIONS: tuple[tuple[type | tuple[type, ...], str], ...] = (
    (ast.Call, "tens.err.index_call"),
    (ast.Attribute, "tens.err.index_attribute"),
    (ast.BinOp, "tens.err.index_arith"),
    (ast.Lambda, "tens.err.index_lambda"),
    ((ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp), "tens.err.index_comprehension"),
)


def parse_index(text: str) -> ParsedIndex:
    """Check an index typed by the user and rebuild it from plain Python objects.

    Allowed, as in ``X[...]``: integers (negative too, ``|i| <= 1000``), slices with
    optional integer start/stop/step, ``...``, ``None``, lists of integers (nested up
    to 4 levels), and masks comparing ``X`` with a number (``X > 0.5``, ``0 <= X``,
    combined with ``&``, ``|``, ``~``), separated by commas. ``0, :`` without
    ``X[...]`` around it is accepted too. Everything else (names, attributes, calls,
    strings, floats as indices, comprehensions, lambdas...) is an ``ExpressionError``.
    The length is checked before parsing, so a huge text is refused in O(1).
    """
    if not isinstance(text, str):
        raise _reject("tens.err.index_empty")
    if len(text) > MAX_INDEX_CHARS:
        raise _reject("tens.err.index_long", limit=MAX_INDEX_CHARS, length=len(text))
    source = text.strip()
    if not source:
        raise _reject("tens.err.index_empty")
    if not source.startswith("X["):
        source = f"X[{source}]"
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise _reject("tens.err.index_syntax", detail=str(exc.msg)) from None
    except (ValueError, MemoryError, RecursionError):
        raise _reject("tens.err.index_syntax", detail="?") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_INDEX_NODES:
        raise _reject("tens.err.index_nodes", limit=MAX_INDEX_NODES)
    body = tree.body
    if not (isinstance(body, ast.Subscript) and _is_x(body.value)):
        raise _reject("tens.err.index_form")
    entries = body.slice.elts if isinstance(body.slice, ast.Tuple) else [body.slice]
    items = tuple(_item(node) for node in entries)
    return ParsedIndex(text=ast.unparse(body), items=items)


# ---------------------------------------------------------------------------------------
# Indexing in NumPy and PyTorch.


@dataclass(frozen=True)
class Outcome:
    """What one library returned for an index, or its error.

    ``values``: the result as a NumPy array (a NumPy scalar becomes a 0-d array);
    ``positions``: for every result element, its flat index in X;
    ``is_view``: whether the result shares X's memory (basic indexing) or is a copy.
    """

    library: str
    values: np.ndarray | None = None
    positions: np.ndarray | None = None
    is_view: bool | None = None
    scalar: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def shape(self) -> Shape | None:
        return None if self.values is None else tuple(self.values.shape)


@dataclass(frozen=True)
class IndexReport:
    """X, the parsed index, both libraries' outcomes and how they differ."""

    index: ParsedIndex
    x: np.ndarray
    numpy: Outcome
    torch: Outcome
    differences: tuple[Note, ...]

    def code(self, library: str) -> str:
        """The line each library runs: ``X[...]`` on the array, ``T[...]`` on the tensor."""
        return self.index.text if library == "numpy" else re.sub(r"\bX\b", "T", self.index.text)

    @property
    def counts(self) -> np.ndarray:
        """How many times each element of X was picked (shape of X)."""
        picked = self.numpy if self.numpy.ok else self.torch
        flat = np.bincount(picked.positions.ravel(), minlength=self.x.size)
        return flat.reshape(self.x.shape)


def _numpy_is_view(result: Any, base: np.ndarray) -> bool:
    """True when ``result`` is a view of ``base``: its ``.base`` chain reaches it."""
    node = result if isinstance(result, np.ndarray) else None
    while node is not None:
        if node is base:
            return True
        node = node.base if isinstance(node.base, np.ndarray) else None
    return False


def _numpy_outcome(x: np.ndarray, index: ParsedIndex) -> Outcome:
    positions = np.arange(x.size).reshape(x.shape)
    result, error = _attempt(lambda: x[index.materialise(x)])
    if error is not None:
        return Outcome("numpy", error=error)
    where, error = _attempt(lambda: positions[index.materialise(x)])
    if error is not None:  # cannot happen for the same index and shape; reported anyway
        return Outcome("numpy", error=error)
    return Outcome(
        "numpy",
        values=np.array(result, dtype=np.float64),
        positions=np.array(where, dtype=np.int64),
        is_view=_numpy_is_view(result, x),
        scalar=not isinstance(result, np.ndarray),
    )


def _torch_outcome(x: np.ndarray, index: ParsedIndex) -> Outcome:
    t = torch.tensor(x)
    positions = torch.arange(x.size).reshape(x.shape)
    result, error = _attempt(lambda: t[index.materialise(t)])
    if error is not None:
        return Outcome("torch", error=error)
    where, error = _attempt(lambda: positions[index.materialise(t)])
    if error is not None:
        return Outcome("torch", error=error)
    shares = result.numel() > 0 and result.untyped_storage().data_ptr() == t.untyped_storage().data_ptr()
    return Outcome(
        "torch",
        values=result.numpy().copy(),
        positions=where.numpy().astype(np.int64),
        is_view=bool(shares or result._base is t),
    )


def _index_differences(a: Outcome, b: Outcome) -> tuple[Note, ...]:
    if a.ok != b.ok:
        ok, bad = (a, b) if a.ok else (b, a)
        return (Note("tens.diff.one_fails", {"ok": LIBRARY_NAMES[ok.library], "bad": LIBRARY_NAMES[bad.library],
                                             "shape": format_shape(ok.shape), "error": bad.error}),)
    notes = []
    if a.shape != b.shape:
        notes.append(Note("tens.diff.shape", {"numpy": format_shape(a.shape), "torch": format_shape(b.shape)}))
    elif not np.array_equal(a.positions, b.positions):
        notes.append(Note("tens.diff.positions", {}))
    if a.scalar and b.values is not None and b.values.ndim == 0:
        notes.append(Note("tens.diff.scalar", {}))
    elif a.is_view != b.is_view and a.values is not None and a.values.size > 0:
        notes.append(Note("tens.diff.view", {"numpy": a.is_view, "torch": b.is_view}))
    return tuple(notes)


def index_tensor(x: np.ndarray, text: str) -> IndexReport:
    """``X[text]`` in NumPy and in PyTorch, with the positions each picked.

    ``positions`` come from indexing ``arange(X.size).reshape(X.shape)`` with the same
    index (masks are computed from X's values, then applied to the positions). When
    only one library fails, its error is part of the report and a difference is flagged;
    when both fail, a ``LabError`` carries both messages.
    """
    x = np.asarray(x, dtype=np.float64)
    parse_shape(tuple(int(d) for d in x.shape))
    index = parse_index(text)
    np_out = _numpy_outcome(x, index)
    torch_out = _torch_outcome(x, index)
    if not np_out.ok and not torch_out.ok:
        raise LabError("tens.err.index_both", index=index.text, numpy=np_out.error, torch=torch_out.error)
    return IndexReport(index, x, np_out, torch_out, _index_differences(np_out, torch_out))


# ---------------------------------------------------------------------------------------
# reshape / view / ravel / flatten.


@dataclass(frozen=True)
class Layout:
    """Shape, strides and contiguity of one array or tensor.

    NumPy counts strides in bytes, PyTorch in elements; both are kept as each library
    reports them (float64: 8 bytes per element).
    """

    shape: Shape
    strides: Shape
    contiguous: bool


@dataclass(frozen=True)
class MethodOutcome:
    """One method (reshape, view, ravel, flatten) in one library."""

    method: str
    library: str
    code: str
    layout: Layout | None = None
    positions: np.ndarray | None = None
    shares_memory: bool | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class ReshapeReport:
    """The source (X or its transpose), the target and every method's outcome.

    ``source_positions[i...]`` is the memory offset (flat index in X) of the element the
    source shows at ``i...``; ``reading_order`` is that sequence read row by row, which
    is ``0, 1, 2, ...`` exactly when the source is contiguous.
    """

    source_code: str
    target: Shape
    numpy_source: Layout
    torch_source: Layout
    source_positions: np.ndarray
    outcomes: tuple[MethodOutcome, ...]

    @property
    def reading_order(self) -> tuple[int, ...]:
        return tuple(int(p) for p in self.source_positions.ravel())

    def outcome(self, method: str, library: str) -> MethodOutcome:
        return next(o for o in self.outcomes if o.method == method and o.library == library)


def _np_layout(a: np.ndarray) -> Layout:
    return Layout(tuple(a.shape), tuple(a.strides), bool(a.flags["C_CONTIGUOUS"]))


def _torch_layout(t: torch.Tensor) -> Layout:
    return Layout(tuple(t.shape), tuple(t.stride()), bool(t.is_contiguous()))


def _same_storage(a: torch.Tensor, b: torch.Tensor) -> bool:
    return a.untyped_storage().data_ptr() == b.untyped_storage().data_ptr()


def parse_target_shape(text: str | tuple[int, ...]) -> Shape:
    """The target of reshape/view: up to 6 integers, ``-1`` allowed (checked by the libraries)."""
    return parse_shape(text, min_dims=0, max_dims=MAX_TARGET_DIMS, min_size=-MAX_TARGET_SIZE,
                       max_size=MAX_TARGET_SIZE)


def reshape_report(shape: Shape, target: str | Shape, transpose: bool = False) -> ReshapeReport:
    """Every flattening/reshaping method on X (or on ``X.mT``, the last two dims swapped).

    NumPy's counterpart of ``view`` is ``np.reshape(a, shape, copy=False)``, which refuses
    to copy; ``ravel`` copies only when it must, ``flatten`` always copies in NumPy, while
    ``torch.flatten`` returns a view when it can. A failed method carries the library's
    message; the report never raises for a size mismatch (that is a result to show).
    """
    shape = parse_shape(shape)
    target = parse_target_shape(target)
    base_np = np.arange(math.prod(shape), dtype=np.int64).reshape(shape).copy()
    base_t = torch.tensor(base_np)
    swap = transpose and len(shape) >= 2
    src_np = np.swapaxes(base_np, -1, -2) if swap else base_np
    src_t = base_t.mT if swap else base_t
    source_code = "X.mT" if swap else "X"
    tgt = ", ".join(str(d) for d in target) + ("," if len(target) == 1 else "")
    numpy_calls: dict[str, tuple[str, Callable[[], np.ndarray]]] = {
        "reshape": (f"np.reshape({source_code}, ({tgt}))", lambda: np.reshape(src_np, target)),
        "view": (f"np.reshape({source_code}, ({tgt}), copy=False)", lambda: np.reshape(src_np, target, copy=False)),
        "ravel": (f"np.ravel({source_code})", lambda: np.ravel(src_np)),
        "flatten": (f"{source_code}.flatten()", lambda: src_np.flatten()),
    }
    torch_calls: dict[str, tuple[str, Callable[[], torch.Tensor]]] = {
        "reshape": (f"{source_code}.reshape({tgt.rstrip(',')})", lambda: src_t.reshape(target)),
        "view": (f"{source_code}.view({tgt.rstrip(',')})", lambda: src_t.view(target)),
        "ravel": (f"{source_code}.ravel()", lambda: src_t.ravel()),
        "flatten": (f"{source_code}.flatten()", lambda: src_t.flatten()),
    }
    outcomes = []
    for method in RESHAPE_METHODS:
        code, call = numpy_calls[method]
        result, error = _attempt(call)
        outcomes.append(MethodOutcome(method, "numpy", code, error=error) if error else MethodOutcome(
            method, "numpy", code, _np_layout(result), result.copy(), bool(np.shares_memory(result, base_np))))
        code, call = torch_calls[method]
        result, error = _attempt(call)
        outcomes.append(MethodOutcome(method, "torch", code, error=error) if error else MethodOutcome(
            method, "torch", code, _torch_layout(result), result.numpy().copy(), _same_storage(result, base_t)))
    return ReshapeReport(
        source_code=source_code,
        target=target,
        numpy_source=_np_layout(src_np),
        torch_source=_torch_layout(src_t),
        source_positions=np.ascontiguousarray(src_np),
        outcomes=tuple(outcomes),
    )


# ---------------------------------------------------------------------------------------
# Broadcasting two shapes.

KEPT, STRETCHED, ADDED, CONFLICT = "kept", "stretched", "added", "conflict"


@dataclass(frozen=True)
class BroadcastColumn:
    """One dimension, aligned from the right: sizes (None = absent) and what happened."""

    a: int | None
    b: int | None
    result: int | None
    a_status: str
    b_status: str


@dataclass(frozen=True)
class BroadcastReport:
    """Two shapes aligned from the right, the result shape or both libraries' errors.

    ``error_note`` is set when the shapes are incompatible; ``error`` gives it as a LabError.
    """

    a: Shape
    b: Shape
    columns: tuple[BroadcastColumn, ...]
    result: Shape | None
    error_note: Note | None
    differences: tuple[Note, ...]

    @property
    def error(self) -> LabError | None:
        """Both libraries' messages as a ``LabError`` (built on demand: the report is
        pickled by ``st.cache_data`` and an exception's parameters do not survive that)."""
        return None if self.error_note is None else LabError(self.error_note.key, **self.error_note.params)


def broadcast_rule(a: Shape, b: Shape) -> tuple[tuple[BroadcastColumn, ...], Shape | None]:
    """The rule itself, one column per dimension, aligned from the right.

    A missing dimension counts as 1. Sizes ``p`` and ``q`` are compatible when equal or
    when one of them is 1; the result takes the other (so ``1`` with ``0`` gives ``0``).
    """
    ndim = max(len(a), len(b))
    columns, result, ok = [], [], True
    for k in range(ndim):
        da = a[k - ndim + len(a)] if k >= ndim - len(a) else None
        db = b[k - ndim + len(b)] if k >= ndim - len(b) else None
        pa, pb = 1 if da is None else da, 1 if db is None else db
        if pa == pb or pa == 1 or pb == 1:
            size = pb if pa == 1 else pa
            status_a = ADDED if da is None else (STRETCHED if pa != size else KEPT)
            status_b = ADDED if db is None else (STRETCHED if pb != size else KEPT)
            columns.append(BroadcastColumn(da, db, size, status_a, status_b))
            result.append(size)
        else:
            ok = False
            columns.append(BroadcastColumn(da, db, None, CONFLICT, CONFLICT))
    return tuple(columns), (tuple(result) if ok else None)


def parse_broadcast_shape(text: str | tuple[int, ...]) -> Shape:
    """A shape for the broadcasting section: 0 to 6 dims, sizes 0 to 10000 (no data is made)."""
    return parse_shape(text, min_dims=0, max_dims=MAX_BROADCAST_DIMS, min_size=0, max_size=MAX_BROADCAST_SIZE)


def broadcast_report(a: str | Shape, b: str | Shape) -> BroadcastReport:
    """``np.broadcast_shapes(a, b)`` and ``torch.broadcast_shapes(a, b)``, explained.

    The columns come from :func:`broadcast_rule`; the result shape and the errors come
    from the libraries themselves. Incompatible shapes are a result, not an exception:
    ``error`` is a ``LabError`` carrying both messages, for the page to show.
    """
    a, b = parse_broadcast_shape(a), parse_broadcast_shape(b)
    columns, _ = broadcast_rule(a, b)
    np_result, np_error = _attempt(lambda: np.broadcast_shapes(a, b))
    torch_result, torch_error = _attempt(lambda: tuple(torch.broadcast_shapes(a, b)))
    differences: list[Note] = []
    if (np_error is None) != (torch_error is None) or (np_error is None and tuple(np_result) != torch_result):
        differences.append(Note("tens.diff.broadcast", {"numpy": np_error or format_shape(np_result),
                                                        "torch": torch_error or format_shape(torch_result)}))
    error = None
    if np_error is not None:
        error = Note("tens.err.broadcast", {"a": format_shape(a), "b": format_shape(b), "numpy": np_error,
                                            "torch": torch_error or format_shape(torch_result)})
    result = None if np_error is not None else tuple(int(d) for d in np_result)
    return BroadcastReport(a, b, columns, result, error, tuple(differences))


def broadcast_code(a: Shape, b: Shape) -> str:
    """The two calls whose results the broadcasting section shows."""
    return "\n".join(f"{lib}.broadcast_shapes({format_shape(a)}, {format_shape(b)})" for lib in ("np", "torch"))


# ---------------------------------------------------------------------------------------
# torch.cat / torch.stack (and np.concatenate / np.stack).


@dataclass(frozen=True)
class ConcatReport:
    """A and B joined along ``dim``: the result shape and, per result element, where it
    came from (``source`` 0 for A, 1 for B; ``element`` its flat index there).
    ``error_note``/``error``: set when both libraries refused."""

    op: str
    dim: int
    a: Shape
    b: Shape
    code: str
    result: Shape | None
    source: np.ndarray | None
    element: np.ndarray | None
    error_note: Note | None
    differences: tuple[Note, ...]

    @property
    def error(self) -> LabError | None:
        """Both libraries' messages as a ``LabError`` (see ``BroadcastReport.error``)."""
        return None if self.error_note is None else LabError(self.error_note.key, **self.error_note.params)


def concat_report(a: str | Shape, b: str | Shape, dim: int, op: str = "cat") -> ConcatReport:
    """``torch.cat([A, B], dim)`` or ``torch.stack([A, B], dim)``, checked against NumPy.

    ``cat`` needs equal sizes in every dimension but ``dim``; ``stack`` needs equal shapes
    and inserts a new dimension at ``dim`` (so ``dim`` may be ``ndim``). A mismatch is a
    result: ``error`` is a ``LabError`` with both libraries' messages.
    """
    a, b = parse_shape(a), parse_shape(b)
    if op not in CONCAT_OPS:
        raise LabError("tens.err.concat_op", op=str(op), allowed=", ".join(CONCAT_OPS))
    if type(dim) is not int or abs(dim) > MAX_CONCAT_DIM:
        raise LabError("tens.err.dim_range", limit=MAX_CONCAT_DIM)
    na = math.prod(a)
    # labels: A holds 0..na-1, B holds na..na+nb-1, so a result element says where it came from
    a_np = np.arange(na, dtype=np.int64).reshape(a)
    b_np = np.arange(na, na + math.prod(b), dtype=np.int64).reshape(b)
    np_fn, torch_fn = (np.concatenate, torch.cat) if op == "cat" else (np.stack, torch.stack)
    np_result, np_error = _attempt(lambda: np_fn([a_np, b_np], axis=dim))
    torch_result, torch_error = _attempt(lambda: torch_fn([torch.tensor(a_np), torch.tensor(b_np)], dim=dim))
    if torch_result is not None:
        torch_result = torch_result.numpy()
    differences: list[Note] = []
    np_text = np_error or format_shape(np_result.shape)
    torch_text = torch_error or format_shape(torch_result.shape)
    if (np_error is None) != (torch_error is None) or (
        np_error is None and not np.array_equal(np_result, torch_result)
    ):
        differences.append(Note("tens.diff.concat", {"numpy": np_text, "torch": torch_text}))
    code = f"torch.{op}([A, B], dim={dim})"
    labels = torch_result if torch_result is not None else np_result
    if labels is None:
        error = Note("tens.err.concat", {"op": op, "dim": dim, "a": format_shape(a), "b": format_shape(b),
                                         "numpy": np_error, "torch": torch_error})
        return ConcatReport(op, dim, a, b, code, None, None, None, error, tuple(differences))
    source = (labels >= na).astype(np.int64)
    element = np.where(source == 0, labels, labels - na)
    return ConcatReport(op, dim, a, b, code, tuple(labels.shape), source, element, None, tuple(differences))


def concat_code(report: ConcatReport) -> str:
    """The PyTorch lines of the cat/stack section: A and B labelled as drawn, then the call.

    The comments name the labels only (``a0 … a5``), so they read the same in every language.
    """
    na, nb = math.prod(report.a), math.prod(report.b)
    lines = [
        (f"A = torch.arange({na}).reshape{format_shape(report.a)}", f"# a0 … a{na - 1}"),
        (f"B = torch.arange({na}, {na + nb}).reshape{format_shape(report.b)}", f"# b0 … b{nb - 1}"),
    ]
    width = max(len(code) for code, _ in lines) + 3
    return "\n".join(code.ljust(width) + comment for code, comment in lines) + "\n" + report.code


# ---------------------------------------------------------------------------------------
# NumPy <-> PyTorch and devices.

CONVERSIONS = ("torch.from_numpy(a)", "torch.as_tensor(a)", "torch.tensor(a)")
CONVERSION_SIZE = 4
MAX_CONVERSION_VALUE = 1e6


@dataclass(frozen=True)
class ConversionReport:
    """Before/after values of ``a`` and of tensors made from it, after one in-place change.

    ``mutated`` names what was changed: ``"a"`` (the NumPy array) or ``"from_numpy"``
    (the tensor made by ``torch.from_numpy``), by ``statement`` (that change as Python).
    ``shares[name]`` is whether that tensor uses the same memory as ``a``.
    """

    mutated: str
    position: int
    value: float
    statement: str
    before: dict[str, list[float]]
    after: dict[str, list[float]]
    shares: dict[str, bool]
    dtypes: dict[str, str]


def conversion_demo(position: int = 0, value: float = 100.0, mutate: str = "a") -> ConversionReport:
    """Make ``a = np.arange(4.0)`` and three tensors from it, change one element in place,
    and return every value before and after.

    ``torch.from_numpy`` and ``torch.as_tensor`` (on the CPU, same dtype) reuse ``a``'s
    memory, so the change shows in both directions; ``torch.tensor`` always copies.
    """
    if type(position) is not int or not 0 <= position < CONVERSION_SIZE:
        raise LabError("tens.err.conv_position", high=CONVERSION_SIZE - 1)
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not (
        math.isfinite(value) and abs(value) <= MAX_CONVERSION_VALUE
    ):
        raise LabError("tens.err.conv_value", limit=f"{MAX_CONVERSION_VALUE:g}")
    if mutate not in ("a", "from_numpy"):
        raise LabError("tens.err.conv_mutate")
    a = np.arange(CONVERSION_SIZE, dtype=np.float64)
    tensors = {
        CONVERSIONS[0]: torch.from_numpy(a),
        CONVERSIONS[1]: torch.as_tensor(a),
        CONVERSIONS[2]: torch.tensor(a),
    }

    def snapshot() -> dict[str, list[float]]:
        return {"a": a.tolist(), **{name: t.tolist() for name, t in tensors.items()}}

    before = snapshot()
    if mutate == "a":
        a[position] = value
    else:
        tensors[CONVERSIONS[0]][position] = value
    return ConversionReport(
        mutated=mutate,
        position=position,
        value=float(value),
        statement=conversion_statement(position, value, mutate),
        before=before,
        after=snapshot(),
        shares={name: bool(np.shares_memory(a, t.numpy())) for name, t in tensors.items()},
        dtypes={"a": str(a.dtype), **{name: str(t.dtype) for name, t in tensors.items()}},
    )


def conversion_statement(position: int, value: float, mutate: str) -> str:
    """The in-place change :func:`conversion_demo` runs, as Python: ``a[2] = 100.0``."""
    target = "a" if mutate == "a" else "torch.from_numpy(a)"
    return f"{target}[{int(position)}] = {float(value)!r}"


@dataclass(frozen=True)
class DeviceReport:
    """One device: does ``.to(device)`` copy, and can ``.numpy()`` read the tensor there."""

    device: str
    name: str
    to_shares_memory: bool
    numpy_error: str | None


def device_reports() -> tuple[DeviceReport, ...]:
    """For every device present, move ``torch.from_numpy(a)`` there and try ``.numpy()``.

    On the CPU ``.to("cpu")`` returns the same tensor (no copy, memory still shared with
    ``a``); on a GPU it copies, and ``.numpy()`` fails with PyTorch's own message.
    """
    reports = []
    for device in available_devices():
        a = np.arange(CONVERSION_SIZE, dtype=np.float32)
        t = torch.from_numpy(a)
        moved, error = _attempt(lambda d=device, t=t: t.to(d))
        if error is not None:
            reports.append(DeviceReport(device, device, False, error))
            continue
        shares = moved.device.type == "cpu" and bool(np.shares_memory(a, moved.numpy()))
        _, numpy_error = _attempt(lambda m=moved: m.numpy())
        name = torch.cuda.get_device_name(0) if device == "cuda" else device
        reports.append(DeviceReport(device, name, shares, numpy_error))
    return tuple(reports)


def default_device() -> str:
    """The notebook's choice: ``"cuda"`` when a GPU is present, else ``"cpu"``."""
    return "cuda" if torch.cuda.is_available() else "cpu"


def device_code(lang: str = "pt") -> str:
    """The notebook's device line, with a comment (in ``lang``) giving its value here."""
    code = 'device = torch.device("cuda" if torch.cuda.is_available() else "cpu")'
    return f"{code}   # {tr('tens.code.device_here', lang, device=default_device())}"
