"""What the Tensors page offers: the examples, the choices, the boxes' lengths, the pixel sizes.

The choice widgets show their options as code (``torch.rand``, ``torch.cat``), the same in every
language: Streamlit keeps a choice, and writes it to the URL, by its label, so a label that changed
with the language, a position or a value would drop it. Each ``*_CHOICES`` maps label -> name.
Each control's label, help, range and default are in ``core.tensors.controls``.
"""

from __future__ import annotations

VALUE_PATTERNS = ("rand", "randn", "arange")
RESHAPE_METHODS = ("reshape", "view", "ravel", "flatten")
CONCAT_OPS = ("cat", "stack")
INDEX_PRESETS = ("X[0]", "X[:, 1]", "X[[0, 2]]", "X[X > 0.5]", "X[..., 1:3]", "X[:, None]")
BROADCAST_PRESETS = (((4, 3), (4, 3)), ((4, 3), (3,)), ((4, 1), (1, 3)))  # the notebook's three cases

LIBRARY_NAMES = {"numpy": "NumPy", "torch": "PyTorch"}
PATTERN_CHOICES = {f"torch.{p}": p for p in VALUE_PATTERNS}
METHOD_CHOICES = {m: m for m in RESHAPE_METHODS}
CONCAT_CHOICES = {f"torch.{op}": op for op in CONCAT_OPS}
MUTATE_CHOICES = {"a": "a", "torch.from_numpy(a)": "from_numpy"}

SHAPE_BOX_CHARS = 40  # characters a shape box takes (X, the new shape, A and B of cat/stack)
BROADCAST_BOX_CHARS = 60  # the broadcasting boxes take sizes up to 10000

# Pixel sizes of drawn tensors, (normal, presentation): cells, not text, so not core.style's sizes.
CONTENT_PX = 950  # main column width on a 1400 px screen with the sidebar open: sizes the cells
MAX_CELL_PX = (40, 56)  # the largest cell of a tensor grid
BROADCAST_CELL_PX = (42, 56)  # a cell of the A + B picture
BROADCAST_HEIGHT_PX = (250, 300)  # the shapes aligned from the right
LEGEND_MARK_PX = 14  # the square that stands for a cell colour in a legend


def column_px(weights: list[int], presentation: bool = False) -> list[int]:
    """The expected pixel width of each of ``st.columns(weights)``; the whole width each on a
    projector, where the page stacks them."""
    if presentation:
        return [CONTENT_PX] * len(weights)
    return [CONTENT_PX * w // sum(weights) for w in weights]
