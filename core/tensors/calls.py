"""Running NumPy and PyTorch for real: a call's result, or the library's own error as a result.

Every section of the lab runs both libraries and reports what they did, refusals included, so
an error here is data (a short string), not an exception. ``Note`` carries a message for the
page as a translation key and its parameters: plain data that ``st.cache_data`` can pickle.
``Verdict`` is what a report on two shapes (broadcast, cat/stack) says: a shape or a refusal.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.errors import LabError
from core.tensors.shapes import Shape, format_shape

MAX_ERROR_CHARS = 400


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


# ``warnings.catch_warnings`` swaps process-wide state: the lab's own uses take turns, so that
# one session's call cannot silence or collect the warnings of another's.
_WARNINGS_LOCK = threading.RLock()


def attempt(fn: Callable[[], Any]) -> tuple[Any, str | None]:
    """Run a library call; (result, None) or (None, its message). Warnings are silenced
    because the comparison between the libraries is reported separately."""
    try:
        with _WARNINGS_LOCK, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(), None
    except Exception as exc:  # any library failure is a result to show
        return None, library_message(exc)


def warning_message(record: warnings.WarningMessage) -> str:
    """``"UserWarning: Using a non-tuple sequence ..."``: the library's own text, whole."""
    return f"{record.category.__name__}: {record.message}"


def attempt_recorded(fn: Callable[[], Any]) -> tuple[Any, str | None, tuple[str, ...]]:
    """Like ``attempt``, and the warnings the call raised too, each once, in order: they
    are part of what the library said about the call."""
    with _WARNINGS_LOCK, warnings.catch_warnings(record=True) as records:
        warnings.simplefilter("always")
        try:
            result, error = fn(), None
        except Exception as exc:  # any library failure is a result to show
            result, error = None, library_message(exc)
    return result, error, tuple(dict.fromkeys(warning_message(r) for r in records))


class Verdict:
    """What a report on two shapes A and B says: the result's shape, or both libraries' refusal.

    Mixed into a frozen dataclass with ``a``, ``b``, ``result`` and ``error_note``.
    """

    a: Shape
    b: Shape
    result: Shape | None
    error_note: Note | None

    @property
    def error(self) -> LabError | None:
        """Both libraries' messages as a ``LabError`` (built on demand: the report is
        pickled by ``st.cache_data`` and an exception's parameters do not survive that)."""
        return None if self.error_note is None else LabError(self.error_note.key, **self.error_note.params)

    def _result(self, key: str, **params: Any) -> Note | None:
        if self.result is None:
            return None
        shapes = {"a": format_shape(self.a), "b": format_shape(self.b), "shape": format_shape(self.result)}
        return Note(key, {**params, **shapes})
