"""One translation table for every user-facing string (pt-BR default, English).

Each lab keeps its strings in ``core/texts/<lab>.py`` as ``TEXTS = {key: (pt, en)}``;
this module merges them and refuses duplicate keys, so two labs cannot silently
overwrite each other's text.
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import Any

from core import texts as _texts_pkg

LANGUAGES = ("pt", "en")


def _load() -> dict[str, tuple[str, str]]:
    table: dict[str, tuple[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(_texts_pkg.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"core.texts.{info.name}")
        for key, pair in module.TEXTS.items():
            if key in table:
                raise RuntimeError(f"duplicate translation key {key!r} in core.texts.{info.name}")
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise RuntimeError(f"translation {key!r} must be a (pt, en) pair")
            table[key] = pair
    return table


TEXTS: dict[str, tuple[str, str]] = _load()


def tr(key: str, lang: str = "pt", **params: Any) -> str:
    """The text for ``key`` in ``lang``, formatted with ``params``.

    An unknown key returns the key itself, so a missing string shows up on the
    page instead of crashing it.
    """
    pair = TEXTS.get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**params) if params else text
