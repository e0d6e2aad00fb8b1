"""Errors raised by core: ValueError subclasses whose message a student can read.

Every error carries a translation key and its parameters, so a page can show it in
pt-BR or English; ``str(err)`` is the English text, for notebooks and logs.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Both(NamedTuple):
    """A message parameter that is itself text: its pt-BR and English forms."""

    pt: str
    en: str

    def __str__(self) -> str:
        return self.en


class LabError(ValueError):
    """A bad input: says what is wrong and what is allowed."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` ("pt" or "en")."""
        from core.i18n import tr  # local import: i18n imports the text tables

        params = {k: (v.en if lang == "en" else v.pt) if isinstance(v, Both) else v for k, v in self.params.items()}
        return tr(self.key, lang, **params)


class ExpressionError(LabError):
    """Invalid or unsafe expression text."""
