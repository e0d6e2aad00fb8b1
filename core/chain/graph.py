"""The backward graphs of the Chain rule lab: u = f(x), then z = g(v) on the detached v."""

from __future__ import annotations

from core.backward_graph import Dot, label_points, quote, small_x
from core.chain.inputs import parse_inner, parse_outer
from core.expression.parser import Expression
from core.i18n import tr


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
