"""The backward graphs of the Chain rule lab: u = f(x), then z = g(v) on the detached v.

``composition`` writes z = g(f(x)) as one function of x, for the backward pass with its
numbers (``core.trace``), which the lab shows without detach.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import torch

from core.backward_graph import Dot, label_points, quote, small_x
from core.chain.inputs import parse_inner, parse_outer
from core.expression.parser import Expression
from core.i18n import tr
from core.trace import Trace, autodiff_trace


def chain_graph_dot(
    inner: str | Expression,
    outer: str | Expression,
    *,
    detached: bool = True,
    lang: str = "pt",
    dtype: str = "float64",
    points: int | None = None,
) -> str:
    """The backward graphs of the chain rule, for f written in x and g written in u.

    Computed on ``GRAPH_POINTS`` values of x in ``dtype``; with ``points`` the labels show the
    shape of the grid the lab computes on.

    ``detached=True`` draws what the lab computes: u = f(x) with its graph down to x, and
    z = g(v) with v = u.detach().requires_grad_(): a second graph that ends at the leaf v.
    A dashed red edge from v to u marks where ``detach()`` cut the path back to x.
    ``detached=False`` draws the single graph of z = g(f(x)).
    """
    f, g = parse_inner(inner), parse_outer(outer)
    x = small_x(dtype)
    dot = Dot(lang, label_points(points))
    if not detached:
        u = f(x)
        dot.walk(g(u), "z", {id(x): "x"})
        return dot.text(tr("chain.graph_title_full", lang, f=f.text, g=g.text))
    u = f(x)
    v = u.detach().requires_grad_(True)
    z = g(v)
    names = {id(x): "x", id(v): "v"}
    dot.lines.append("  subgraph cluster_outer {")
    dot.lines.append(f'    label={quote(tr("chain.graph_cluster_outer", lang, g=g.text))}; style=dashed; color="#999999";')
    dot.walk(z, "z", names, indent="    ")
    v_node = dot.leaf(v, names, indent="    ")
    dot.lines.append("  }")
    dot.lines.append("  subgraph cluster_inner {")
    dot.lines.append(f'    label={quote(tr("chain.graph_cluster_inner", lang, f=f.text))}; style=dashed; color="#999999";')
    u_node = dot.walk(u, "u", names, indent="    ")
    dot.leaf(x, names, indent="    ")
    dot.lines.append("  }")
    dot.edge(
        v_node,
        u_node,
        tr("chain.graph_cut", lang),
        'style=dashed, color="#d1495b", fontcolor="#d1495b", penwidth=2, arrowhead=tee',
    )
    return dot.text(tr("chain.graph_title_chain", lang, f=f.text, g=g.text))


@dataclass(frozen=True)
class Composition:
    """z = g(f(x)) as one function of x, for f written in x and g written in u.

    Calling it computes g(f(x)) in torch; ``text`` is g's text with each u written as (f), so
    ``composition("x*x", "u**3").text`` is ``(x*x)**3``. Nothing is parsed again, so the
    composition is valid whenever f and g are, however long the written-out text would be.
    """

    text: str
    inner: Expression
    outer: Expression

    def __call__(self, x: torch.Tensor) -> torch.Tensor:
        return self.outer(self.inner(x))


def composition(inner: str | Expression, outer: str | Expression) -> Composition:
    """``Composition`` of f (in x) and g (in u), each checked as the lab checks them."""
    f, g = parse_inner(inner), parse_outer(outer)
    inside = f.text if _atomic(f.text) else f"({f.text})"
    return Composition(re.sub(r"\bu\b", lambda _: inside, g.text), f, g)


def _atomic(text: str) -> bool:
    """Whether ``text`` needs no parentheses as an operand: a name, a number, or one call ``f(...)``."""
    if re.fullmatch(r"[A-Za-z_]\w*|[0-9.]+(e[+-]?[0-9]+)?", text):
        return True
    call = re.match(r"[A-Za-z_]\w*\(", text)
    if not call or not text.endswith(")"):
        return False
    depth = 0
    for k, ch in enumerate(text[call.end() - 1 :], start=call.end() - 1):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0:
            return k == len(text) - 1  # the call's own parenthesis closes at the very end
    return False


def chain_trace(inner: str | Expression, outer: str | Expression, x0: float, *, dtype: str = "float64") -> Trace:
    """The backward pass of z = g(f(x)) at ``x0`` with its numbers, and forward mode (``core.trace``)."""
    return autodiff_trace(composition(inner, outer), x0, dtype=dtype)
