"""core.stability.texts: no text of the lab names an internal module."""

from __future__ import annotations

from core.i18n import table


def test_no_text_of_these_labs_names_an_internal_module():
    for key, pair in table().items():
        if key.startswith(("stab.", "chain.", "err.stab", "err.chain")):
            for text in pair:
                assert "core." not in text and "core/" not in text, key
