"""The backward graph of the Derivatives lab: f(x).sum() as autograd records it."""

from __future__ import annotations

from core.backward_graph import Dot, label_points, small_x
from core.expression.parser import Expression, parse
from core.i18n import tr


def expression_graph_dot(
    expression: str | Expression,
    *,
    summed: bool = True,
    lang: str = "pt",
    dtype: str = "float64",
    points: int | None = None,
) -> str:
    """The backward graph of f(x).sum() (or of f(x) itself) for an expression in x.

    x is a leaf of ``GRAPH_POINTS`` values in ``dtype`` ("float32" or "float64"); ``summed``
    adds the ``SumBackward0`` node that ``y.sum().backward()`` starts from, as the Derivatives
    page computes it. With ``points`` the labels show the grid's shape, ``x  (points,) dtype``.
    """
    f = expression if isinstance(expression, Expression) else parse(expression)
    x = small_x(dtype)
    y = f(x)
    out, name = (y.sum(), "y.sum()") if summed else (y, "y")
    dot = Dot(lang, label_points(points))
    dot.walk(out, name, {id(x): "x"})
    return dot.text(tr("chain.graph_title_expr", lang, f=f.text))
