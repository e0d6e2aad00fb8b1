"""Shapes typed by the reader, and the playground tensor X made from one.

A shape is a list of integers, read by the app's one numbers parser (``core.checks.parse_numbers``)
once its form is checked here. A shape's form is stricter than a list's in one way and wider in
two: exactly one separator stands between two sizes (a comma, blanks, or the ``x``/``×`` of
``4x3``), so ``3,,4`` is a typo rather than (3, 4) and ``3;4`` is refused; one trailing comma is
allowed as in Python's ``(3,)``; and the scalar shape is written ``()`` (or ``[]``), while an
empty box, or one without numbers such as ``x``, is an error with its own message.
"""

from __future__ import annotations

import math
import re

import numpy as np

from core.checks import check_int, parse_numbers
from core.errors import Both, LabError
from core.tensors.presets import VALUE_PATTERNS

MAX_DIMS = 4  # X and the tensors of cat/stack
MAX_DIM_SIZE = 8
MAX_SHAPE_CHARS = 60
MAX_TARGET_DIMS = 6  # the new shape of reshape/view
MAX_TARGET_SIZE = 4096
MAX_BROADCAST_DIMS = 6  # broadcasting makes no data: larger shapes are fine
MAX_BROADCAST_SIZE = 10_000
MAX_SEED = 2**32 - 1

Shape = tuple[int, ...]

_SIZE = r"[+-]?\d{1,7}"
_SIZE_TOKEN = re.compile(_SIZE)
# sizes separated by one comma, one x/× or blanks; one trailing comma as in Python's (3,)
_SHAPE_BODY = re.compile(rf"{_SIZE}(?:(?:\s*[,x×]\s*|\s+){_SIZE})*\s*,?")
_ANY_SEPARATORS = re.compile(r"[\s,x×]+")
_TIMES = re.compile(r"[x×]")


def parse_shape(
    text: str | tuple[int, ...],
    *,
    min_dims: int = 1,
    max_dims: int = MAX_DIMS,
    min_size: int = 1,
    max_size: int = MAX_DIM_SIZE,
) -> Shape:
    """A shape tuple from text such as ``"3, 4"``, ``"(2, -1)"``, ``"4x1"`` or ``"()"``.

    Nothing is evaluated: the form is checked with a regular expression, the integers are read
    by ``parse_numbers``. Bounds on the number of dimensions and on each size keep every later
    computation small. A tuple is checked against the same bounds.
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
    if not _SHAPE_BODY.fullmatch(body):
        raise _form_error(raw, body)
    # a well-formed body: the x separators become commas, and the one numbers parser reads it
    sizes = parse_numbers(_TIMES.sub(",", body), max_count=len(body), integer=True, max_chars=MAX_SHAPE_CHARS)
    return tuple(int(d) for d in sizes)


def _form_error(raw: str, body: str) -> LabError:
    """The clearest message for a body that is not sizes separated one by one."""
    tokens = [tok for tok in _ANY_SEPARATORS.split(body) if tok]
    bad = next((tok for tok in tokens if not _SIZE_TOKEN.fullmatch(tok)), None)
    if bad is not None:
        return LabError("tens.err.shape_syntax", text=raw, token=bad)
    if not tokens:  # only separators: "x", ",", "x x"
        return LabError("tens.err.shape_no_numbers", text=raw)
    return LabError("tens.err.shape_separators", text=raw)  # "3,,4", "x3", "3,4,,"


def parse_target_shape(text: str | tuple[int, ...]) -> Shape:
    """The target of reshape/view: up to 6 integers, ``-1`` allowed (checked by the libraries)."""
    return parse_shape(text, min_dims=0, max_dims=MAX_TARGET_DIMS, min_size=-MAX_TARGET_SIZE, max_size=MAX_TARGET_SIZE)


def parse_broadcast_shape(text: str | tuple[int, ...]) -> Shape:
    """A shape for the broadcasting section: 0 to 6 dims, sizes 0 to 10000 (no data is made)."""
    return parse_shape(text, min_dims=0, max_dims=MAX_BROADCAST_DIMS, min_size=0, max_size=MAX_BROADCAST_SIZE)


def format_shape(shape: Shape) -> str:
    """``(3,)``, ``(3, 4)``, ``()``: the way NumPy prints a shape."""
    return str(tuple(int(d) for d in shape))


def make_tensor(shape: str | Shape, pattern: str = "rand", seed: int = 0) -> np.ndarray:
    """The playground tensor ``X`` (float64, C-contiguous, owning its memory).

    ``rand``: uniform [0, 1) rounded to 2 decimals (so ``X > 0.5`` splits it);
    ``randn``: standard normal rounded to 2 decimals; ``arange``: 0, 1, ..., n-1, so
    each value is its own flat index. Values are finite by construction.
    """
    shape = parse_shape(shape)
    if pattern not in VALUE_PATTERNS:
        raise LabError("tens.err.pattern", pattern=str(pattern), allowed=", ".join(VALUE_PATTERNS))
    seed = check_int(seed, 0, MAX_SEED, name=Both("A semente", "The seed"))
    rng = np.random.default_rng(seed)
    if pattern == "rand":
        values = rng.random(shape).round(2)
    elif pattern == "randn":
        values = rng.standard_normal(shape).round(2)
    else:
        values = np.arange(math.prod(shape), dtype=np.float64).reshape(shape)
    return np.array(values, dtype=np.float64, order="C", copy=True)
