"""Every translation key checked as one table (core/i18n.py): both languages present and non-empty,
the same placeholders in both, no key that no code uses, no key used by the code that is missing,
and each lab's keys defined in its own package.

"Used" is read from the code itself: every string literal in core/, ui/, pages/ and app.py that has
the shape of a key, and the fixed head of every f-string that builds one (``f"home.lab.{lab}"``
uses every ``home.lab.*`` key).
"""

from __future__ import annotations

import ast
import re
import string

import pytest

from core.i18n import LANGUAGES, table, tr
from tools.server import ROOT

SOURCES = sorted([*ROOT.glob("core/**/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("pages/*.py"), ROOT / "app.py"])
TEXT_MODULES = [p for p in SOURCES if p.stem == "texts" or p.stem.startswith("texts_")]  # a lab may split its texts.py
KEY = re.compile(r"[a-z][a-z0-9_]*(\.[A-Za-z0-9_]+)+")


def _fields(text: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def _literals() -> tuple[set[str], set[str]]:
    """(string literals, heads of f-strings) in every source file but the text tables."""
    literals: set[str] = set()
    heads: set[str] = set()
    for path in SOURCES:
        if path in TEXT_MODULES:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                literals.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                heads.add(str(node.values[0].value))
    return literals, heads


TABLE = table()
LITERALS, HEADS = _literals()
PREFIXES = {key.split(".")[0] for key in TABLE}


def test_the_table_is_not_empty_and_every_pair_is_two_texts():
    assert len(TABLE) > 500
    for key, pair in TABLE.items():
        assert KEY.fullmatch(key), key
        assert isinstance(pair, tuple) and len(pair) == len(LANGUAGES), key
        assert all(isinstance(text, str) and text.strip() for text in pair), key


def test_both_languages_have_the_same_placeholders():
    different = {key: [sorted(_fields(t)) for t in pair] for key, pair in TABLE.items() if _fields(pair[0]) != _fields(pair[1])}
    assert not different


def test_every_key_the_code_uses_exists():
    used = {s for s in LITERALS if KEY.fullmatch(s) and s.split(".")[0] in PREFIXES}
    # a literal that starts keys the code completes (``"tens.index.result_" + name``) or that
    # names a file is not a key
    missing = sorted(s for s in used if not any(k.startswith(s) for k in TABLE) and not s.endswith(".py"))
    assert not missing


def test_no_key_is_orphaned():
    heads = {h for h in HEADS if h and h.split(".")[0] in PREFIXES}
    orphans = sorted(k for k in TABLE if k not in LITERALS and not any(k.startswith(h) for h in heads))
    assert not orphans


def test_each_lab_defines_its_keys_in_its_own_package():
    """A lab's texts live in core/<lab>/texts.py; the shared ones in core/texts.py."""
    owners: dict[str, set[str]] = {}
    for path in TEXT_MODULES:
        module = ast.parse(path.read_text())
        keys = {
            k.value
            for node in ast.walk(module)
            if isinstance(node, ast.Dict)
            for k in node.keys
            if isinstance(k, ast.Constant) and isinstance(k.value, str)
        }
        owners[str(path.relative_to(ROOT))] = keys
    assert sum(len(keys) for keys in owners.values()) == len(TABLE)  # no key defined twice
    assert "core/texts.py" in owners and len(owners) >= 7  # shared, expression and every lab


class Value:
    """A parameter that takes any format spec a number takes, and any index (``{shape[0]}``)."""

    def __format__(self, spec: str) -> str:
        return format(1, spec)

    def __getitem__(self, index: object) -> Value:
        return self


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_formats_with_its_own_placeholders(lang):
    for key, pair in TABLE.items():
        params = {name: Value() for name in _fields(pair[0])}
        assert tr(key, lang, **params), key


def test_an_unknown_key_shows_itself_instead_of_crashing():
    assert tr("no.such.key", "en") == "no.such.key"
