"""One translation table for every user-facing string (pt-BR default, English).

Shared strings live in ``core/texts.py``; each package of ``core/`` (a lab, the expression
package) keeps its own in ``core/<package>/texts.py``, all as ``TEXTS = {key: (pt, en)}``.
This module merges them and refuses duplicate keys, so two labs cannot silently overwrite
each other's text.
"""

from __future__ import annotations

import functools
import importlib
import pkgutil
from pathlib import Path
from typing import Any

LANGUAGES = ("pt", "en")


@functools.cache
def table() -> dict[str, tuple[str, str]]:
    """Every key with its (pt, en) pair, loaded on first use.

    On first use, not at import: a lab package's ``__init__`` imports its computations, which
    import this module; loading its ``texts`` from here at import time would be circular.
    """
    table: dict[str, tuple[str, str]] = {}
    root = Path(__file__).resolve().parent
    packages = sorted(m.name for m in pkgutil.iter_modules([str(root)]) if m.ispkg and (root / m.name / "texts.py").exists())
    for name in ["core.texts", *(f"core.{p}.texts" for p in packages)]:
        module = importlib.import_module(name)
        for key, pair in module.TEXTS.items():
            if key in table:
                raise RuntimeError(f"duplicate translation key {key!r} in {name}")
            if not (isinstance(pair, tuple) and len(pair) == 2):
                raise RuntimeError(f"translation {key!r} must be a (pt, en) pair")
            table[key] = pair
    return table


def tr(key: str, lang: str = "pt", **params: Any) -> str:
    """The text for ``key`` in ``lang``, formatted with ``params``.

    An unknown key returns the key itself, so a missing string shows up on the
    page instead of crashing it.
    """
    pair = table().get(key)
    if pair is None:
        return key
    text = pair[1] if lang == "en" else pair[0]
    return text.format(**params) if params else text
