"""What the reader gives the Chain rule lab: f written in x, g written in u, and the points x.

``f`` and ``g`` go through the safe parser of ``core.expression.parser``; typed points go through
the app's one numbers parser, ``core.checks.parse_numbers``; arrays, lists and tensors of points
through ``check_points``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from core.checks import parse_numbers
from core.errors import ExpressionError, LabError
from core.expression.parser import Expression, parse

MAX_POINTS = 10_000  # points one chain_rule call accepts
MAX_TABLE_POINTS = 20  # points typed on the page, in the code and in the traps
MAX_POINTS_TEXT = 400  # characters of the typed list of points
MAX_ABS_X = 1e6


def _parse_part(text: str | Expression, variable: str, other: str, key: str) -> Expression:
    if isinstance(text, Expression):
        if text.variable != variable:
            raise ExpressionError(key, col=1)
        return text
    try:
        return parse(text, variable)
    except ExpressionError as err:
        # the parser only says "unknown name"; here the mistake is mixing up the two variables
        if err.key == "err.expr_name" and err.params.get("name") == other:
            raise ExpressionError(key, col=err.params.get("col", 1)) from None
        raise


def parse_inner(text: str | Expression) -> Expression:
    """The inner function f, written in ``x``; ``u`` in it is a clear ``ExpressionError``."""
    return _parse_part(text, "x", "u", "err.chain_inner_uses_u")


def parse_outer(text: str | Expression) -> Expression:
    """The outer function g, written in ``u``; ``x`` in it is a clear ``ExpressionError``."""
    return _parse_part(text, "u", "x", "err.chain_outer_uses_x")


def check_points(x: object, *, limit: int = MAX_POINTS) -> np.ndarray:
    """``x`` as a 1-D float64 NumPy array of 1..limit finite numbers with |x| <= 1e6.

    Accepts a list, tuple, NumPy array or torch tensor; anything else, a nested or empty
    sequence, NaN, ±inf or a huge value raises ``LabError``.
    """
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    if isinstance(x, (str, bytes)) or not isinstance(x, (np.ndarray, Sequence)):
        raise LabError("err.chain_points_type", what=type(x).__name__)
    if not isinstance(x, np.ndarray) and len(x) > limit:  # before building a huge array
        raise LabError("err.chain_points_count", count=len(x), limit=f"{limit:,}")
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise LabError("err.chain_points_type", what=type(x).__name__) from None
    if arr.ndim != 1:
        raise LabError("err.chain_points_ndim", ndim=arr.ndim)
    if not 1 <= arr.size <= limit:
        raise LabError("err.chain_points_count", count=arr.size, limit=f"{limit:,}")
    if not np.isfinite(arr).all():
        raise LabError("err.chain_points_finite")
    if np.abs(arr).max() > MAX_ABS_X:
        raise LabError("err.chain_points_size", limit=f"{MAX_ABS_X:.0e}")
    return arr.copy()


def parse_points(text: str, *, limit: int = MAX_TABLE_POINTS) -> np.ndarray:
    """Points typed as text, as a 1-D float64 array: ``"0, 1; 2 3"`` -> ``[0., 1., 2., 3.]``.

    The app's rule for typed numbers (``core.checks.parse_numbers``: commas, semicolons or
    spaces, a decimal point, one pair of brackets allowed; no eval): at most
    ``MAX_POINTS_TEXT`` characters and ``limit`` numbers, each finite with |x| <= 1e6.
    """
    return np.asarray(parse_numbers(text, max_count=limit, max_abs=MAX_ABS_X, max_chars=MAX_POINTS_TEXT), dtype=np.float64)


def points_text(values: Sequence[float] | np.ndarray) -> str:
    """Points as the page's text box shows them: ``"0, 1, 2, 3"`` (``parse_points`` reads it back)."""
    return ", ".join(f"{float(v):g}" for v in values)


def parse_weights(text: str) -> np.ndarray | None:
    """The trap's vector w typed as text, like the points; an empty box means the default (None)."""
    return parse_points(text) if text.strip() else None


def field_errors(inner: str, outer: str, points: str) -> dict[str, LabError]:
    """Each typed field checked on its own: {"inner" | "outer" | "points": its error}, empty when all are good.

    A page shows each message under the field that is wrong, and all of them at once.
    """
    errors = {}
    for name, check, text in (("inner", parse_inner, inner), ("outer", parse_outer, outer), ("points", parse_points, points)):
        try:
            check(text)
        except LabError as err:
            errors[name] = err
    return errors
