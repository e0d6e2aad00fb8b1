"""The backward graph autograd records, as Graphviz DOT text, read from real torch tensors.

Starting at a tensor's ``grad_fn``, the walk follows ``next_functions`` breadth first: each
grad_fn node is labelled by its class name (``SinBackward0``, exactly what ``z.grad_fn`` prints),
``AccumulateGrad`` nodes point to the leaf tensor whose ``.grad`` they add into, labelled by
its name and shape. Arrows go the way the gradient flows, from the output down to the leaves.
Node ids are n0, n1, ... in visiting order (never memory addresses), so the same computation
always gives the same text. At most ``MAX_NODES`` nodes are drawn.

The labs draw their expressions on a small x (``small_x``: ``GRAPH_POINTS`` values, in the page's
dtype): the graph does not depend on the grid's size, and recording it on a million points would
cost what the page's computation costs. Given ``points``, labels show the grid's real shape.
The Derivatives lab's drawing is ``core.derivatives.graph``, the Chain rule lab's ``core.chain.graph``.

``trace_view`` draws the backward pass at one point with its numbers (``core.trace``): each node's
value and adjoint, one step at a time, with the products the step forms and forward mode beside.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

from core.checks import check_int
from core.devices import resolve_dtype
from core.i18n import tr

if TYPE_CHECKING:  # core.trace draws nothing; only its types are named here
    from core.trace import Trace, TraceNode

MAX_NODES = 150
GRAPH_POINTS = 4  # size of the small x the drawings are computed on
MAX_LABEL_POINTS = 10**9  # the largest grid size a label may show

_STYLE = {
    "output": 'shape=box, style="rounded,filled", fillcolor="#dbe7fb", color="#1f5fbf"',
    "op": 'shape=box, style=filled, fillcolor="#f1f1f1", color="#888888"',
    "accumulate": 'shape=box, style=filled, fillcolor="#fdf1d2", color="#c48b00"',
    "leaf": 'shape=box, style="rounded,filled", fillcolor="#dcf1dc", color="#2e7d32", penwidth=1.5',
    "note": 'shape=note, style=filled, fillcolor="#ffffff", color="#888888"',
    "current": 'shape=box, style="rounded,filled,bold", fillcolor="#ffd8a8", color="#d9480f", penwidth=3',
    "pending": 'shape=box, style="rounded,dashed", color="#999999", fontcolor="#666666"',
}


def count_nodes(t: torch.Tensor) -> int:
    """How many grad_fn nodes ``t``'s backward graph holds (what a block of autograd will build
    per point: the labs' memory probes count it on a few points)."""
    seen: set = set()
    stack = [t.grad_fn]
    while stack:
        fn = stack.pop()
        if fn is None or fn in seen:
            continue
        seen.add(fn)
        stack.extend(nxt for nxt, _ in fn.next_functions)
    return len(seen)


def quote(text: str) -> str:
    """A DOT string literal; newlines become DOT's centred line breaks."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _shape(t: torch.Tensor, points: int | None = None) -> str:
    """``(4,) float64``; with ``points``, a tensor of the small x's shape shows the grid's size."""
    dims = tuple(t.shape)
    if points is not None and dims == (GRAPH_POINTS,):
        dims = (points,)
    shape = "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"
    return f"{shape} {str(t.dtype).removeprefix('torch.')}"


class Dot:
    """Accumulates nodes and edges with ids in visiting order."""

    def __init__(self, lang: str, points: int | None = None) -> None:
        self.lang = lang
        self.points = points
        self.lines: list[str] = []
        self.count = 0
        self.tensors: dict[int, str] = {}  # id(tensor) -> node id; ids are only used for identity
        self.truncated = False

    def node(self, label: str, kind: str, indent: str = "  ") -> str:
        nid = f"n{self.count}"
        self.count += 1
        self.lines.append(f"{indent}{nid} [label={quote(label)}, {_STYLE[kind]}];")
        return nid

    def edge(self, a: str, b: str, label: str | None = None, extra: str = "", indent: str = "  ") -> None:
        attrs = [f"label={quote(label)}"] if label else []
        if extra:
            attrs.append(extra)
        self.lines.append(f"{indent}{a} -> {b}" + (f" [{', '.join(attrs)}]" if attrs else "") + ";")

    def leaf(self, t: torch.Tensor, names: Mapping[int, str], indent: str = "  ") -> str:
        key = id(t)
        if key not in self.tensors:
            name = names.get(key, tr("chain.graph_unnamed_leaf", self.lang))
            label = f"{name}  {_shape(t, self.points)}\n" + tr("chain.graph_leaf", self.lang, name=name)
            self.tensors[key] = self.node(label, "leaf", indent)
        return self.tensors[key]

    def walk(self, out: torch.Tensor, out_name: str, names: Mapping[int, str], indent: str = "  ") -> str:
        """Draw ``out`` and everything its grad_fn reaches; returns the output node's id."""
        t = lambda key, **p: tr(key, self.lang, **p)  # noqa: E731
        if out.grad_fn is None:
            if out.requires_grad:  # the output is itself a leaf (e.g. u = x)
                same = names.get(id(out))
                if same is None or same == out_name or id(out) in self.tensors:
                    return self.leaf(out, names, indent)
                top = self.node(f"{out_name} = {same}  {_shape(out, self.points)}", "output", indent)
                self.edge(top, self.leaf(out, names, indent), t("chain.graph_same_tensor"), indent=indent)
                return top
            return self.node(f"{out_name}  {_shape(out, self.points)}\n" + t("chain.graph_constant"), "note", indent)
        top = self.node(f"{out_name}  {_shape(out, self.points)}", "output", indent)
        seen: dict[object, str] = {}
        first = self.node(type(out.grad_fn).__name__, "op", indent)
        seen[out.grad_fn] = first
        self.edge(top, first, f"{out_name}.grad_fn", indent=indent)
        queue = deque([out.grad_fn])
        while queue:
            fn = queue.popleft()
            src = seen[fn]
            if type(fn).__name__ == "AccumulateGrad":
                name = names.get(id(fn.variable), t("chain.graph_unnamed_leaf"))
                self.edge(
                    src, self.leaf(fn.variable, names, indent), t("chain.graph_adds_into", name=name), 'color="#2e7d32"', indent
                )
                continue
            for nxt, _ in fn.next_functions:
                if nxt is None:  # an input that needs no gradient (a constant)
                    continue
                if nxt not in seen:
                    if self.count >= MAX_NODES:
                        self.truncated = True
                        continue
                    kind = "accumulate" if type(nxt).__name__ == "AccumulateGrad" else "op"
                    seen[nxt] = self.node(type(nxt).__name__, kind, indent)
                    queue.append(nxt)
                self.edge(src, seen[nxt], indent=indent)
        return top

    def text(self, title: str) -> str:
        if self.truncated:
            self.node(tr("chain.graph_truncated", self.lang, limit=MAX_NODES), "note")
        head = [
            "digraph backward {",
            f'  graph [rankdir=TB, fontname="Helvetica", fontsize=12, labelloc=t, label={quote(title)}];',
            '  node [fontname="Helvetica", fontsize=11];',
            '  edge [fontname="Helvetica", fontsize=9, color="#555555"];',
        ]
        return "\n".join(head + self.lines + ["}"])


def _by_id(names: Mapping[torch.Tensor, str] | None) -> dict[int, str]:
    # keyed by identity: a tensor's == is elementwise, so tensors are looked up by id
    return {id(k): str(v) for k, v in (names or {}).items()}


def backward_graph_dot(
    tensor: torch.Tensor,
    names: Mapping[torch.Tensor, str] | None = None,
    *,
    output_name: str = "y",
    title: str = "",
    lang: str = "pt",
) -> str:
    """DOT text of the backward graph of ``tensor``: its grad_fn and everything it reaches.

    ``names`` labels leaf tensors (e.g. ``{x: "x"}``); unnamed leaves are labelled "leaf".
    A tensor without grad_fn is drawn as one node: a leaf if it requires grad, a constant
    otherwise. Graphs larger than ``MAX_NODES`` are cut, with a note saying so.
    """
    dot = Dot(lang)
    dot.walk(tensor, output_name, _by_id(names))
    return dot.text(title)


def small_x(dtype: str = "float64") -> torch.Tensor:
    """The leaf x a lab's drawing is recorded on: ``GRAPH_POINTS`` values in ``dtype``."""
    # the values do not change the graph; 0.5, 1.0, ... keep log and sqrt finite for readers who run it
    dt = resolve_dtype(dtype, torch.device("cpu"))
    return (torch.arange(1, GRAPH_POINTS + 1, dtype=dt) / 2).requires_grad_(True)


def label_points(points: object) -> int | None:
    """The grid size a drawing's labels show (None: the drawing's own ``GRAPH_POINTS``)."""
    return None if points is None else check_int(points, 1, MAX_LABEL_POINTS, name="points")


def number(v: float) -> str:
    """A value as the backward pass shows it: 6 significant digits, ``inf``, ``-inf``, ``nan``."""
    return f"{v:.6g}" if math.isfinite(v) else str(v)


def received(nodes: Sequence[TraceNode], step: int) -> list[float | None]:
    """What each node has received once node ``step`` has sent its products (None: nothing yet).

    A node's own adjoint is final once every node that uses it has been processed, which
    autograd's order guarantees by the time the node itself is processed.
    """
    got: list[float | None] = [None] * len(nodes)
    got[0] = nodes[0].grad  # the seed
    for n in nodes[: step + 1]:
        for i, loc in zip(n.inputs, n.local, strict=True):
            got[i] = (got[i] or 0.0) + n.grad * loc
    return got


def clamp_step(state: MutableMapping[str, Any], key: str, steps: int) -> None:
    """Bring a step control's value (``state[key]``) back into 0..steps - 1 before it is drawn.

    The range follows the expression: after a shorter one, the last step is the leaf again
    instead of a number out of range. A control not drawn yet is left alone.
    """
    if key in state and state[key] is not None and state[key] > steps - 1:
        state[key] = float(steps - 1)


def trace_dot(nodes: Sequence[TraceNode], step: int, *, title: str = "", lang: str = "pt") -> str:
    """DOT text of a backward trace (``core.trace.backward_trace``) with node ``step`` highlighted.

    Each node shows its operation, grad_fn, value and adjoint ḡ: final for the nodes processed so
    far, "so far" for those still waiting for contributions. Edges go from a node to its inputs,
    labelled with the local derivative it multiplies in; the current node's edges show the product.
    """
    t = lambda key, **p: tr(key, lang, **p)  # noqa: E731
    got = received(nodes, step)
    dot = Dot(lang)
    for n in nodes:
        head = n.label + (f"  ·  {n.grad_fn}" if n.grad_fn and n.grad_fn != "AccumulateGrad" else "")
        if n.index <= step:
            grad = f"ḡ = {number(n.grad)}"
        elif got[n.index] is None:
            grad = t("trace.node_waiting")
        else:
            grad = t("trace.node_so_far", value=number(got[n.index]))
        kind = "current" if n.index == step else "pending" if n.index > step else "leaf" if n.op == "x" else "op"
        kind = "output" if n.index == 0 and kind == "op" else kind
        dot.node(f"{head}\n{t('trace.node_value', value=number(n.value))}\n{grad}", kind)
    for n in nodes:
        for i, loc in zip(n.inputs, n.local, strict=True):
            if n.index == step:
                label = f"{number(n.grad)} × {number(loc)} = {number(n.grad * loc)}"
                dot.edge(f"n{n.index}", f"n{i}", label, 'color="#d9480f", fontcolor="#d9480f", penwidth=2.5')
            else:
                dot.edge(f"n{n.index}", f"n{i}", f"× {number(loc)}")
    return dot.text(title)


@dataclass(frozen=True)
class TraceView:
    """What a page shows of one step of the backward pass, all in the page's language.

    ``products`` is Markdown: the step's heading, then the products it forms. ``forward`` is a
    table (column -> cells) of forward mode through the same nodes; ``forward_text`` is that table
    in Markdown with the agreement of both modes and when each is cheaper. Every number is one of
    the trace's, formatted by ``number``.
    """

    dot: str
    products: str
    forward: dict[str, list[str]]
    agreement: str
    forward_text: str


def trace_view(trace: Trace, step: int, *, lang: str = "pt", name: str = "f") -> TraceView:
    """The view of ``trace`` (``core.trace.autodiff_trace``) at ``step`` (0: the root, steps - 1: x)."""
    t = lambda key, **p: tr(key, lang, **p)  # noqa: E731
    nodes = trace.backward
    step = check_int(step, 0, len(nodes) - 1, name="step")
    n = nodes[step]
    lines = [t("trace.heading", k=step + 1, steps=len(nodes), node=n.label, grad_fn=n.grad_fn or "—", grad=number(n.grad))]
    if step == 0 and n.op != "x":
        lines.append(t("trace.seed", name=name))
    for i, loc in zip(n.inputs, n.local, strict=True):
        into, g = nodes[i].label, number(n.grad)
        lines.append(f"ḡ({into}) += ḡ({n.label}) × ∂{n.label}/∂{into} = {g} × {number(loc)} = {number(n.grad * loc)}")
    if n.op == "x":
        lines.append(t("trace.leaf", grad=number(n.grad)))
    elif not n.inputs:
        lines.append(t("trace.constant"))
    by_node = {m.node: m for m in trace.forward}
    rule = []
    for m in trace.forward:
        terms = [f"{number(loc)} × {number(trace.forward[i].tangent)}" for loc, i in zip(m.local, m.inputs, strict=True)]
        rule.append(f"ṫ = {' + '.join(terms)}" if terms else "ṫ = 1" if m.op == "x" else "ṫ = 0")
    forward = {
        t("trace.col_node"): [m.label for m in trace.forward],
        t("trace.col_value"): [number(m.value) for m in trace.forward],
        t("trace.col_tangent"): [number(m.tangent) for m in trace.forward],
        t("trace.col_rule"): rule,
    }
    root, leaf = by_node[0], nodes[-1]
    agreement = t("trace.agreement", fw=number(root.tangent), bw=number(leaf.grad), jvp=number(trace.jvp), vjp=number(trace.vjp))
    title = t("trace.title", name=name, f=trace.text, x0=number(trace.x0), dtype=trace.dtype)
    products = f"**{lines[0]}**\n\n" + "\n".join(f"- {line}" for line in lines[1:])
    table = [" | ".join(forward), " | ".join("---" if k == 0 else "---:" for k in range(len(forward)))]
    table += [" | ".join(row) for row in zip(*forward.values(), strict=True)]
    text = "\n\n".join([f"**{t('trace.forward')}**", "\n".join(table), agreement, t("trace.modes")])
    return TraceView(trace_dot(nodes, step, title=title, lang=lang), products, forward, agreement, text)
