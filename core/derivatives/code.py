"""The PyTorch program the Derivatives page shows: what ``differentiate`` computes, ready to paste."""

from __future__ import annotations

import ast

from core.expression.parser import Expression
from core.i18n import tr


def torch_code(
    expr: Expression,
    *,
    start: float,
    stop: float,
    points: int,
    device: str,
    dtype: str,
    order: int,
    lang: str = "en",
) -> str:
    """The PyTorch program that computes what ``differentiate`` computes, for the page.

    Its comments are in ``lang`` ("pt" or "en"); the code itself is the same in both. Its last
    variable ``dy`` holds the order-``order`` derivative on the grid (zeros for a constant).
    """

    def c(key: str) -> str:
        return tr(key, lang)

    lines = [
        "import math",
        "import torch",
        "import torch.nn.functional as F",
        "",
        f'x = torch.linspace({start!r}, {stop!r}, {points}, dtype=torch.{dtype}, device="{device}")',
        "x.requires_grad_(True)",
        f"y = {expr.code}",
    ]
    # SymPy may see a constant that torch still computes from x (x - x, x/x, which is NaN at 0):
    # the code then differentiates it like the page does
    if expr.is_constant and expr.variable not in _names(expr.code):
        lines[-1] = f"y = torch.full_like(x, {expr.code})  # {c('code.constant')}"
        lines.append("dy = torch.zeros_like(x)")
    elif order == 1:
        lines.append(f"y.sum().backward()  # {c('code.elementwise')}")
        lines.append("dy = x.grad")
    else:
        lines.append("g = y")
        lines.append(f"for k in range({order}):  # {c('code.create_graph')}")
        lines.append(f"    if not g.requires_grad:  # {c('code.rest_zero')}")
        lines.append("        g = torch.zeros_like(x)")
        lines.append("        break")
        lines.append(f"    (g,) = torch.autograd.grad(g.sum(), x, create_graph=k < {order - 1})")
        lines.append("dy = g")
    return "\n".join(lines)


def _names(code: str) -> set[str]:
    """The names ``code`` reads (the generated PyTorch text, not user input)."""
    return {node.id for node in ast.walk(ast.parse(code, mode="eval")) if isinstance(node, ast.Name)}
