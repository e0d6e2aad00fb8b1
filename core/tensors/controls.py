"""The Tensors page's controls as data: for each widget key, its kind, label, help, range, default.

The page draws every control from this table, so what a widget offers is read in one place.
Labels and helps are translation keys; a choice or a radio maps each label (code, the same in
every language: see ``core.tensors.presets``) to the name the lab takes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from core.tensors.concatenation import MAX_CONCAT_DIM
from core.tensors.index_parser import MAX_INDEX_CHARS
from core.tensors.interop import CONVERSION_SIZE, MAX_CONVERSION_VALUE
from core.tensors.presets import (
    BROADCAST_BOX_CHARS,
    CONCAT_CHOICES,
    INDEX_PRESETS,
    METHOD_CHOICES,
    MUTATE_CHOICES,
    PATTERN_CHOICES,
    SHAPE_BOX_CHARS,
)
from core.tensors.shapes import MAX_SEED


@dataclass(frozen=True)
class Control:
    """One widget: ``kind`` is text, choice, number, toggle or radio."""

    kind: str
    label: str  # translation key
    help: str | None = None  # translation key
    default: Any = None
    chars: int = 0  # text: the most characters
    bounds: tuple[float, float] = (0, 0)  # number: low, high
    options: dict[str, str] = field(default_factory=dict)  # choice, radio: label -> name


def _text(label: str, help: str, default: str, chars: int = SHAPE_BOX_CHARS) -> Control:
    return Control("text", label, help, default, chars=chars)


CONTROLS = {
    "tens_shape": _text("tens.shape", "tens.shape_help", "3, 2, 4"),
    "tens_pattern": Control("choice", "tens.pattern", default="torch.rand", options=PATTERN_CHOICES),
    "tens_seed": Control("number", "tens.seed", default=0, bounds=(0, MAX_SEED)),
    "tens_index": _text("tens.index", "tens.index_help", INDEX_PRESETS[0], MAX_INDEX_CHARS),
    "tens_target": _text("tens.target", "tens.target_help", "4, -1"),
    "tens_method": Control("choice", "tens.method", default="view", options=METHOD_CHOICES),
    "tens_transpose": Control("toggle", "tens.transpose", "tens.transpose_help", default=False),
    "tens_bc_a": _text("tens.bc.a", "tens.bc.shape_help", "4, 1", BROADCAST_BOX_CHARS),
    "tens_bc_b": _text("tens.bc.b", "tens.bc.shape_help", "1, 3", BROADCAST_BOX_CHARS),
    "tens_cat_a": _text("tens.cat.a", "tens.cat.shape_help", "2, 3"),
    "tens_cat_b": _text("tens.cat.b", "tens.cat.shape_help", "1, 3"),
    "tens_cat_dim": Control("number", "tens.cat.dim", default=0, bounds=(-MAX_CONCAT_DIM, MAX_CONCAT_DIM)),
    "tens_cat_op": Control("choice", "tens.cat.op", default="torch.cat", options=CONCAT_CHOICES),
    "tens_conv_pos": Control("number", "tens.conv.position", default=0, bounds=(0, CONVERSION_SIZE - 1)),
    "tens_conv_value": Control("number", "tens.conv.value", default=100.0, bounds=(-MAX_CONVERSION_VALUE, MAX_CONVERSION_VALUE)),
    "tens_conv_mutate": Control("radio", "tens.conv.mutate", default="a", options=MUTATE_CHOICES),
}
