"""The Tensors lab: indexing, layout (reshape/view), broadcasting, cat/stack, NumPy interop.

shapes.py         shapes typed by the reader (the one numbers parser), the playground tensor X
index_parser.py   X[...] typed by the reader, checked on the shared AST allowlist
indexing.py       the index run in NumPy and PyTorch: values, positions, view or copy
layout.py         reshape / view / ravel / flatten: strides, contiguity, shared memory
broadcasting.py   two shapes aligned from the right, by the rule and by both libraries
concatenation.py  torch.cat / torch.stack of A and B, checked against NumPy
interop.py        NumPy <-> PyTorch conversions and devices
calls.py          running a library call, its error kept as a result
code.py           the code lines the page shows
grid.py, figures.py, broadcast_figures.py   tensors drawn as grids of cells
tables.py         the page's table rows and sentences
views.py          what each tab shows below its controls, in order (blocks the page draws)
controls.py       the page's widgets as data: kind, label, help, range, default
presets.py        examples, choices, pixel sizes
texts.py          the lab's strings (pt, en)
"""

from __future__ import annotations

from core.tensors.broadcasting import BroadcastReport, broadcast_report, broadcast_rule
from core.tensors.calls import Note
from core.tensors.code import broadcast_code, concat_code, conversion_statement, default_device, device_code
from core.tensors.concatenation import MAX_CONCAT_DIM, ConcatReport, concat_report
from core.tensors.index_parser import MAX_INDEX_CHARS, Mask, ParsedIndex, parse_index
from core.tensors.indexing import IndexReport, Outcome, index_tensor
from core.tensors.interop import CONVERSION_SIZE, MAX_CONVERSION_VALUE, ConversionReport, conversion_demo, device_reports
from core.tensors.layout import ReshapeReport, reshape_report
from core.tensors.shapes import MAX_SEED, format_shape, make_tensor, parse_broadcast_shape, parse_shape, parse_target_shape

__all__ = [
    "CONVERSION_SIZE",
    "MAX_CONCAT_DIM",
    "MAX_CONVERSION_VALUE",
    "MAX_INDEX_CHARS",
    "MAX_SEED",
    "BroadcastReport",
    "ConcatReport",
    "ConversionReport",
    "IndexReport",
    "Mask",
    "Note",
    "Outcome",
    "ParsedIndex",
    "ReshapeReport",
    "broadcast_code",
    "broadcast_report",
    "broadcast_rule",
    "concat_code",
    "concat_report",
    "conversion_demo",
    "conversion_statement",
    "default_device",
    "device_code",
    "device_reports",
    "format_shape",
    "index_tensor",
    "make_tensor",
    "parse_broadcast_shape",
    "parse_index",
    "parse_shape",
    "parse_target_shape",
    "reshape_report",
]
