"""The backward pass with its numbers: each node autograd visits, its value and its gradient.

``backward_trace`` evaluates an expression at one point x0 and returns the nodes of the backward
pass in the order autograd processes them, root first and the leaf x last. Each node carries its
forward value, its adjoint ḡ = d output / d node, and the local derivatives d node / d input_i it
multiplies in: what flows to input i is ḡ × local_i, and an input used twice (x in x*sin(x)) adds
up what reaches it. ``forward_trace`` carries the tangent ṫ = d node / dx the other way, through
the same nodes, with dual numbers (``torch.autograd.forward_ad``); ``jvp_vjp`` asks
``torch.func`` for both derivatives. They agree: forward and reverse mode compute the same f'(x0).

How the numbers are read from torch itself, never re-derived:
- every tensor an operation returns is recorded at the dispatcher (a ``TorchDispatchMode``), so
  operations a Python-level function makes inside (``2/x`` is ``x.reciprocal() * 2``) are seen too;
  a recorded tensor's ``grad_fn`` names its node in the backward graph;
- the local derivatives are the node's own backward called on a gradient of 1;
- the processing order and each node's adjoint come from pre-hooks on the grad_fn nodes during
  one real ``backward()``.
Non-finite values stay what torch gives: log at 0 has value -inf and local derivative inf.
"""

from __future__ import annotations

import math
import re
import threading
import warnings
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any

import torch
import torch.autograd.forward_ad as fwAD
from torch.utils._python_dispatch import TorchDispatchMode

from core.checks import check_real
from core.devices import resolve_dtype
from core.errors import Both, LabError
from core.expression.parser import Expression, parse

with warnings.catch_warnings():  # at import, on one thread: forward AD's first use loads its decompositions,
    warnings.simplefilter("ignore", DeprecationWarning)  # which torch 2.13 scripts with the deprecated torch.jit.script
    import torch._decomp.decompositions_for_jvp

MAX_TRACE_NODES = 400  # an expression has at most 120 AST nodes; a few ops expand into two
MAX_X0 = 1e6
_FORWARD_AD = threading.Lock()  # forward-mode levels are global to the process, not per thread
_OP_NAMES = {"rsub": "sub", "accumulategrad": "x"}
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


class _Fields:
    """Dict-style access (``node["grad"]``) and readable aliases for the node dataclasses."""

    _ALIASES = {
        "operation": "op",
        "adjoint": "grad",
        "gradient": "grad",
        "local_derivative": "local",
        "local_derivatives": "local",
        "forward_value": "value",
    }

    def __getattr__(self, name: str) -> Any:  # only called for names the dataclass does not have
        real = type(self)._ALIASES.get(name)
        if real is None:
            raise AttributeError(f"{type(self).__name__!s} has no attribute {name!r}")
        return getattr(self, real)

    def __getitem__(self, key: str) -> Any:
        if key in self:
            return getattr(self, key)
        raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return key in self.keys() or key in type(self)._ALIASES

    def keys(self) -> tuple[str, ...]:
        return tuple(f.name for f in fields(self))  # type: ignore[arg-type]

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.keys()}


@dataclass(frozen=True)
class TraceNode(_Fields):
    """One node of the backward pass.

    ``grad`` is the adjoint d output / d node (1.0 at the root, f'(x0) at the leaf x);
    ``local[i]`` is d node / d ``inputs[i]``, so ``grad * local[i]`` is what this node sends to
    input i. ``inputs`` are indices in the trace (an input used twice appears twice, as in x*x).
    ``grad_fn`` is the class autograd prints (``SinBackward0``; ``AccumulateGrad`` for x).
    """

    index: int
    op: str
    label: str
    grad_fn: str
    value: float
    grad: float
    local: tuple[float, ...]
    inputs: tuple[int, ...]


@dataclass(frozen=True)
class ForwardNode(_Fields):
    """One node of forward mode: ``tangent`` is d node / dx at x0 (1.0 at x, f'(x0) at the root).

    ``tangent == sum(local[i] * tangent of inputs[i])``; ``inputs`` are indices in the forward
    trace, ``node`` the index of the same node in ``backward_trace``'s tuple.
    """

    _ALIASES = _Fields._ALIASES | {"derivative": "tangent", "dual": "tangent"}

    index: int
    op: str
    label: str
    grad_fn: str
    value: float
    tangent: float
    local: tuple[float, ...]
    inputs: tuple[int, ...]
    node: int


def backward_trace(expression: str | Expression, x0: float, *, dtype: str = "float64") -> tuple[TraceNode, ...]:
    """The nodes of f's backward pass at ``x0``, in the order autograd processes them.

    The first node is the root f(x0), whose adjoint is 1; the last is the leaf x, whose adjoint is
    f'(x0), the sum over every path from f to x of the products of local derivatives. ``x`` alone
    is one node (root and leaf at once); a constant f is a root with no inputs, then x with
    adjoint 0. Values, adjoints and local derivatives are torch's in ``dtype`` ("float32" or
    "float64"), as Python floats: inf and NaN are kept (log at 0 gives -inf, its local 1/x inf).

    Raises ``LabError`` for an invalid expression, x0 (not a finite number within ±1e6) or dtype.
    """
    return _backward(*_checked(expression, x0, dtype))[0]


def forward_trace(expression: str | Expression, x0: float, *, dtype: str = "float64") -> tuple[ForwardNode, ...]:
    """Forward mode through the nodes of ``backward_trace``, in the order they were computed.

    x enters as the dual number x0 + 1·ε; each operation's output carries its tangent
    d node / dx, recorded from torch's dual tensors. The last node's tangent is f'(x0): the same
    number the leaf's adjoint is in ``backward_trace`` (jvp equals vjp for f: R -> R).
    Raises ``LabError`` as ``backward_trace`` does.
    """
    f, x0, dt = _checked(expression, x0, dtype)
    return _forward(f, x0, dt, *_backward(f, x0, dt))


def _forward(
    f: Callable[[torch.Tensor], torch.Tensor], x0: float, dt: torch.dtype, nodes: tuple[TraceNode, ...], created: list[int | None]
) -> tuple[ForwardNode, ...]:
    tangents = _dual_tangents(f, x0, dt, created, nodes)
    order = _forward_order([n.op for n in nodes], created)
    where = {b: k for k, b in enumerate(order)}
    return tuple(
        ForwardNode(k, n.op, n.label, n.grad_fn, n.value, tangents[b], n.local, tuple(where[i] for i in n.inputs), b)
        for k, (b, n) in enumerate((b, nodes[b]) for b in order)
    )


@dataclass(frozen=True)
class Trace:
    """Both modes at one point: the backward and forward traces and ``torch.func``'s jvp and vjp."""

    text: str
    x0: float
    dtype: str
    backward: tuple[TraceNode, ...]
    forward: tuple[ForwardNode, ...]
    jvp: float
    vjp: float

    @property
    def steps(self) -> int:
        """How many nodes the backward pass processes (the step control's range is 0..steps - 1)."""
        return len(self.backward)


def autodiff_trace(expression: str | Expression, x0: float, *, dtype: str = "float64") -> Trace:
    """``backward_trace``, ``forward_trace`` and ``jvp_vjp`` of f at ``x0``, in one object (about 2 ms)."""
    f, x0, dt = _checked(expression, x0, dtype)
    nodes, created = _backward(f, x0, dt)
    return Trace(f.text, x0, dtype, nodes, _forward(f, x0, dt, nodes, created), *jvp_vjp(f, x0, dtype=dtype))


def jvp_vjp(expression: str | Expression, x0: float, *, dtype: str = "float64") -> tuple[float, float]:
    """(``torch.func.jvp``'s tangent, ``torch.func.vjp``'s cotangent) of f at ``x0`` with seed 1.

    Both are f'(x0): forward mode pushes dx = 1 through f, reverse mode pulls df = 1 back.
    """
    f, x0, dt = _checked(expression, x0, dtype)
    x, one = torch.tensor(x0, dtype=dt), torch.ones((), dtype=dt)
    with _FORWARD_AD:
        _, jvp = torch.func.jvp(f, (x,), (one,))
    _, pullback = torch.func.vjp(f, x)
    (vjp,) = pullback(one)
    return float(jvp), float(vjp)


def _checked(expression: object, x0: object, dtype: object) -> tuple[Callable[[torch.Tensor], torch.Tensor], float, torch.dtype]:
    """The function to trace, x0 as a float and the torch dtype, or ``LabError``.

    A string is parsed; an ``Expression`` must be in one variable; any other callable with a
    ``text`` (``core.chain.graph.Composition``) is taken as a function of one tensor.
    """
    if isinstance(expression, str):
        f = parse(expression)
    elif isinstance(expression, Expression) or (callable(expression) and isinstance(getattr(expression, "text", None), str)):
        f = expression
        if len(getattr(f, "variables", ("x",))) != 1:
            raise LabError("err.trace_variables", variables=", ".join(f.variables))
    else:
        raise LabError("err.expr_type", what=type(expression).__name__)
    dt = resolve_dtype(dtype, torch.device("cpu"))  # type: ignore[arg-type]
    x0 = check_real(x0, -MAX_X0, MAX_X0, name=Both("o ponto x₀", "the point x₀"))
    return f, x0, dt  # type: ignore[return-value]


class _Outputs(TorchDispatchMode):
    """Records every tensor an operation returns, in the order they are made."""

    def __init__(self) -> None:
        super().__init__()
        self.tensors: list[torch.Tensor] = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        self.tensors += [t for t in (out if isinstance(out, (tuple, list)) else (out,)) if isinstance(t, torch.Tensor)]
        return out


def _op(fn: object) -> str:
    name = re.sub(r"Backward\d*$", "", type(fn).__name__).lower()
    return _OP_NAMES.get(name, name)


def _float(t: torch.Tensor | None) -> float:
    return 0.0 if t is None else float(t.detach().reshape(-1)[0]) if t.numel() else math.nan


def _reachable(root: object) -> list[object]:
    """The grad_fn nodes ``root`` reaches, breadth first (at most MAX_TRACE_NODES)."""
    seen, queue = {root: None}, [root]
    for fn in queue:
        for nxt, _ in fn.next_functions:  # type: ignore[attr-defined]
            if nxt is not None and nxt not in seen:
                if len(seen) >= MAX_TRACE_NODES:
                    raise LabError("err.trace_size", limit=MAX_TRACE_NODES)
                seen[nxt] = None
                queue.append(nxt)
    return queue


def _labels(ops: list[str], order: list[int]) -> list[str]:
    """``op``, or ``op₁``, ``op₂``... numbered in ``order`` where an op appears more than once."""
    seen: dict[str, int] = {}
    labels = list(ops)
    for i in order:
        if ops.count(ops[i]) > 1:
            seen[ops[i]] = seen.get(ops[i], 0) + 1
            labels[i] = ops[i] + str(seen[ops[i]]).translate(_SUBSCRIPTS)
    return labels


def _backward(
    f: Callable[[torch.Tensor], torch.Tensor], x0: float, dt: torch.dtype
) -> tuple[tuple[TraceNode, ...], list[int | None]]:
    """The trace, and for each recorded tensor with a grad_fn (in creation order) its node index."""
    x = torch.tensor(x0, dtype=dt, requires_grad=True)
    with torch.enable_grad(), _Outputs() as rec:
        y = f(x)
    made = [t for t in rec.tensors if t.grad_fn is not None]
    if y.grad_fn is None:  # f is x itself, or a constant
        leaf = TraceNode(0, "x", "x", "AccumulateGrad", _float(x), 1.0, (), ())
        if y is x:
            return (leaf,), []
        root = TraceNode(0, "const", "const", "", _float(y), 1.0, (), ())
        return (root, TraceNode(1, "x", "x", "AccumulateGrad", _float(x), 0.0, (), ())), []
    fns = _reachable(y.grad_fn)
    values: dict[object, float] = {}
    for t in made:
        values.setdefault(t.grad_fn, _float(t))
    local = {fn: _local(fn, dt) for fn in fns}
    seen: list[object] = []
    grads: dict[object, float] = {}

    def hook(fn: object):
        def pre(grad_outputs: tuple) -> None:
            seen.append(fn)
            grads[fn] = _float(grad_outputs[0])

        return pre

    handles = [fn.register_prehook(hook(fn)) for fn in fns]  # type: ignore[attr-defined]
    try:
        torch.autograd.backward(y, torch.ones_like(y))
    finally:
        for h in handles:
            h.remove()
    seen += [fn for fn in fns if fn not in grads]  # never the case on a CPU; kept for safety
    index = {fn: i for i, fn in enumerate(seen)}
    ops = [_op(fn) for fn in seen]
    created = [index.get(t.grad_fn) for t in made]
    labels = _labels(ops, _forward_order(ops, created))
    nodes = tuple(
        TraceNode(
            i,
            ops[i],
            labels[i],
            type(fn).__name__,
            _float(x) if ops[i] == "x" else values.get(fn, math.nan),
            grads.get(fn, 0.0),
            local[fn],
            tuple(index[n] for n, _ in fn.next_functions if n is not None),  # type: ignore[attr-defined]
        )
        for i, fn in enumerate(seen)
    )
    return nodes, created


def _local(fn: object, dt: torch.dtype) -> tuple[float, ...]:
    """d node / d input for each input that needs a gradient: the node's backward applied to 1."""
    if type(fn).__name__ == "AccumulateGrad":
        return ()
    with torch.no_grad():
        out = fn(torch.ones((), dtype=dt))  # type: ignore[operator]
    out = out if isinstance(out, tuple) else (out,)
    return tuple(_float(g) for g, (n, _) in zip(out, fn.next_functions, strict=False) if n is not None)  # type: ignore[attr-defined]


def _forward_order(ops: list[str], created: list[int | None]) -> list[int]:
    """Backward indices in the order the forward pass made them: x first, the root last."""
    order = [len(ops) - 1] if ops[-1] == "x" else []
    for b in created:
        if b is not None and b not in order:
            order.append(b)
    return order + [b for b in reversed(range(len(ops))) if b not in order]  # the constant root of a constant f


def _dual_tangents(
    f: Callable[[torch.Tensor], torch.Tensor], x0: float, dt: torch.dtype, created: list[int | None], nodes: tuple[TraceNode, ...]
) -> list[float]:
    """Each node's tangent d node / dx from one forward pass in dual numbers.

    The dual pass records the same operations in the same order as the backward pass's forward
    (checked on their primal values); should a future function run differently on dual tensors,
    the tangents are carried by the chain rule over the recorded local derivatives instead.
    """
    with _FORWARD_AD, fwAD.dual_level():
        xd = fwAD.make_dual(torch.tensor(x0, dtype=dt), torch.ones((), dtype=dt))
        with _Outputs() as rec:
            y = f(xd)
        duals = [fwAD.unpack_dual(t) for t in rec.tensors if not t.is_meta]
        pairs = [(_float(d.primal), _float(d.tangent)) for d in duals if d.tangent is not None]
        y_tangent = fwAD.unpack_dual(y).tangent
    tangents = [math.nan] * len(nodes)
    for i, n in enumerate(nodes):
        if n.op == "x":
            tangents[i] = 1.0
        elif n.op == "const":
            tangents[i] = 0.0 if y_tangent is None else _float(y_tangent)
    same = len(pairs) == len(created) and all(
        nodes[b].value == p or (math.isnan(p) and math.isnan(nodes[b].value))
        for b, (p, _) in zip(created, pairs, strict=True)
        if b is not None
    )
    if same:
        for b, (_, tan) in zip(created, pairs, strict=True):
            if b is not None:
                tangents[b] = tan
        return tangents
    for b in _forward_order([n.op for n in nodes], created):  # inputs before the nodes that use them
        if nodes[b].inputs:
            tangents[b] = sum(loc * tangents[i] for loc, i in zip(nodes[b].local, nodes[b].inputs, strict=True))
    return tangents
