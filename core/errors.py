"""Errors raised by core: ValueError subclasses whose message a student can read.

Every error carries a translation key and its parameters, so a page can show it in
pt-BR or English; ``str(err)`` is the English text, for notebooks and logs.
"""

from __future__ import annotations

from typing import Any


class LabError(ValueError):
    """A bad input: says what is wrong and what is allowed."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` ("pt" or "en")."""
        from core.i18n import tr  # local import: i18n imports the text tables

        return tr(self.key, lang, **self.params)


class ExpressionError(LabError):
    """Invalid or unsafe expression text."""
