"""Input checks shared by every lab, and the one parser that turns typed text into numbers.

Every function raises ``LabError`` with a translated message that names the value and what is
allowed; nothing here evaluates text (``float()`` and ``int()`` on one token at a time).
"""

from __future__ import annotations

import math
import numbers
import re
from typing import Any

import numpy as np

from core.errors import Both, LabError

MAX_NUMBERS_TEXT = 400  # characters of a typed list of numbers
MAX_TOKEN_DIGITS = 24  # characters of one number token: far beyond any bound a lab allows

_SEPARATORS = re.compile(r"[,;\s]+")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_BRACKETS = {"[": "]", "(": ")"}


def _shown(value: Any) -> str:
    return str(value)[:30]


def check_int(value: object, low: int, high: int, *, name: str | Both = "n", key: str = "err.int_range") -> int:
    """``value`` as an int in ``low..high``; a float with an integer value is accepted (``1000.0``).

    Anything else (a bool, a fraction, text, a number out of range) raises ``LabError(key)``
    with ``name``, ``value``, ``low`` and ``high``.
    """
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or not low <= value <= high:
        raise LabError(key, name=name, value=_shown(value), low=f"{low:,}", high=f"{high:,}")
    return int(value)


def check_real(
    value: object, low: float = -math.inf, high: float = math.inf, *, name: str | Both = "x", key: str = "err.real_range"
) -> float:
    """``value`` as a finite float in ``[low, high]``, or ``LabError(key)`` (``name``, ``value``, ``low``, ``high``)."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or not low <= value <= high:
        raise LabError(key, name=name, value=_shown(value), low=f"{low:g}", high=f"{high:g}")
    return float(value)


def parse_numbers(
    text: str,
    *,
    max_count: int,
    max_abs: float = math.inf,
    integer: bool = False,
    max_chars: int = MAX_NUMBERS_TEXT,
) -> list[float] | list[int]:
    """Numbers typed as text: ``"0, 0.5; 1 2"``, ``"[1, 2, 3]"`` -> ``[0.0, 0.5, 1.0, 2.0]``.

    The one rule for every box of numbers in the app: numbers are separated by commas,
    semicolons or spaces, with a decimal point (``0.5``); one pair of brackets ``[...]`` or
    ``(...)`` around the whole list is allowed (as Python prints a list). Each token is read
    by ``float()`` (``int()`` when ``integer``: plain decimal digits with an optional sign), so
    ``nan``, ``inf`` and anything beyond ``|max_abs|`` are refused, as are more than
    ``max_count`` numbers or ``max_chars`` characters (checked before anything is split).

    Raises ``LabError`` with one of the ``err.numbers_*`` keys.
    """
    if not isinstance(text, str):
        raise LabError("err.numbers_type", what=type(text).__name__)
    if len(text) > max_chars:
        raise LabError("err.numbers_length", length=len(text), limit=max_chars)
    body = text.strip()
    if body[:1] in _BRACKETS and body.endswith(_BRACKETS[body[0]]):
        body = body[1:-1]
    tokens = [t for t in _SEPARATORS.split(body.strip()) if t]
    if not tokens:
        raise LabError("err.numbers_empty")
    if len(tokens) > max_count:
        raise LabError("err.numbers_count", count=len(tokens), limit=max_count)
    return [_number(token, max_abs, integer) for token in tokens]


def _number(token: str, max_abs: float, integer: bool) -> float | int:
    shown = token[:20]
    if not token.isascii():  # float() reads other scripts' digits and spaces; the app shows ASCII only
        raise LabError("err.numbers_whole" if integer else "err.numbers_item", item=shown)
    if len(token) > MAX_TOKEN_DIGITS:  # no need to build a huge int or to scan a long float
        raise LabError("err.numbers_range", item=shown + "…", limit=f"{max_abs:g}")
    if integer:
        if not _INTEGER.fullmatch(token):
            raise LabError("err.numbers_whole", item=shown)
        value: float | int = int(token)
    else:
        try:
            value = float(token)
        except ValueError:
            raise LabError("err.numbers_item", item=shown) from None
        if not math.isfinite(value):
            raise LabError("err.numbers_finite", item=shown)
    if abs(value) > max_abs:
        raise LabError("err.numbers_range", item=shown, limit=f"{max_abs:g}")
    return value


def max_abs_diff(a: np.ndarray, b: np.ndarray) -> float:
    """max |a - b| over the points where both are finite, in float64; NaN where there is none."""
    return max_errors(np.asarray(a), np.asarray(b))[0]


def max_errors(approx: np.ndarray, exact: np.ndarray) -> tuple[float, float]:
    """(max |approx - exact|, max |approx - exact| / |exact|) where both are finite (and, for the
    relative one, exact != 0); NaN where there is no such point. One float64 temporary, so it
    serves grids of a million points."""
    both = np.isfinite(approx) & np.isfinite(exact)
    if not both.any():
        return math.nan, math.nan
    with np.errstate(all="ignore"):  # inf - inf where neither counts
        diff = np.subtract(approx, exact, dtype=np.float64)
    np.abs(diff, out=diff)
    max_abs = float(np.max(diff, where=both, initial=0.0))
    both &= exact != 0
    if not both.any():
        return max_abs, math.nan
    with np.errstate(all="ignore"):
        np.divide(diff, np.abs(exact), out=diff, where=both)
    return max_abs, float(np.max(diff, where=both, initial=0.0))
