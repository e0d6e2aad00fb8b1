"""The Tensors lab: indexing, layout (reshape/view), broadcasting, cat/stack, NumPy interop."""

from __future__ import annotations

from core.tensors.compute import broadcast_report, concat_report, conversion_demo, index_tensor, parse_index, reshape_report

__all__ = ["broadcast_report", "concat_report", "conversion_demo", "index_tensor", "parse_index", "reshape_report"]
