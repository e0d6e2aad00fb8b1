"""The lab's strings (core/tensors/texts.py): every key the lab uses exists in both languages."""

from __future__ import annotations

import re
import string

from core.i18n import table
from core.tensors.controls import CONTROLS
from tools.server import ROOT

SOURCES = [p for p in sorted((ROOT / "core" / "tensors").glob("*.py")) if p.name != "texts.py"] + [
    ROOT / "pages" / "1_tensors.py"
]


def test_every_key_used_by_the_lab_has_both_translations_with_the_same_fields():
    sources = "".join(path.read_text() for path in SOURCES)
    used = set(re.findall(r'"(tens\.[a-z_.]+[a-z_])"', sources)) | {f"tens.pattern.{p}" for p in ("rand", "randn", "arange")}
    used |= {"tens.index.result_numpy", "tens.index.result_torch"}
    used |= {f"tens.tab.{name}" for name in ("index", "reshape", "broadcast", "cat", "devices")}
    missing = sorted(k for k in used if k not in table())
    assert not missing
    for key, (pt, en) in table().items():
        if key.startswith("tens."):
            fields = [{f for _, f, _, _ in string.Formatter().parse(text) if f} for text in (pt, en)]
            assert fields[0] == fields[1], key


def test_every_control_has_a_translated_label_and_help():
    for key, control in CONTROLS.items():
        assert control.label in table(), key
        assert control.help is None or control.help in table(), key
