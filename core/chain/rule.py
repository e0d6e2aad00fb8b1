"""The chain rule with ``detach()``: each intermediate gradient, where autograd stores it.

For z = g(u) with u = f(x), the chain rule says dz/dx = dz/du * du/dx. With autograd this is
computed in two separate backward passes:

1. ``u = f(x)``, ``u.backward(ones)``: x.grad holds du/dx;
2. ``v = u.detach().requires_grad_()`` (a new leaf with u's values, cut from x), ``z = g(v)``,
   ``z.backward(ones)``: v.grad holds dz/du, and x.grad is untouched;
3. their product, compared with one backward through the undetached g(f(x)) and with the exact
   SymPy derivative of the composition.

f and g are elementwise, so the vector of ones passed to ``backward`` gives the derivative at
every point (see ``core.chain.traps.nonscalar_trap``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp
import torch

from core.chain.inputs import check_points, parse_inner, parse_outer
from core.checks import max_abs_diff
from core.devices import resolve_device, resolve_dtype
from core.expression.numeric import evaluate
from core.expression.parser import Expression, to_plain
from core.expression.symbolic import exact_chain


def composition(inner: str | Expression, outer: str | Expression) -> sp.Expr:
    """g(f(x)) as a SymPy expression in the plain symbol x (bounded in size)."""
    f = parse_inner(inner)
    return to_plain(exact_chain(f, parse_outer(outer)).composition, f.real_symbol)


def exact_chain_derivative(inner: str | Expression, outer: str | Expression) -> sp.Expr:
    """d/dx g(f(x)), exactly, by SymPy, in the plain symbol x (no simplification: it can take minutes).

    SymPy differentiates the composition itself, independently of the chain rule; the chain
    rule is used only beforehand, to bound the work: the result holds g'(f(x)) and f'(x), so
    when either is too large the request is refused before the (possibly slow) ``diff``. The
    work runs in a child process with a time and memory limit (core/expression/symbolic.py).
    """
    f = parse_inner(inner)
    return to_plain(exact_chain(f, parse_outer(outer)).derivative, f.real_symbol)


def backward_ones(out: torch.Tensor, leaf: torch.Tensor) -> torch.Tensor:
    """``out.backward(ones)`` and the gradient it leaves in ``leaf.grad``.

    An output that does not depend on the leaf (a constant function) has no graph at all:
    backward would raise, and its derivative is 0.
    """
    if out.requires_grad:
        out.backward(torch.ones_like(out))
    grad = leaf.grad
    return torch.zeros_like(leaf) if grad is None else grad


def to_numpy(t: torch.Tensor) -> np.ndarray:
    """A tensor's values as NumPy, on the CPU, in its own dtype."""
    return t.detach().numpy(force=True)


@dataclass(frozen=True, eq=False)
class ChainResult:
    """Every quantity of the chain rule at the points ``x`` (NumPy, computing dtype).

    ``du_dx`` is x.grad after ``u.backward(ones)``; ``dz_du`` is v.grad after
    ``v = u.detach().requires_grad_()`` and ``z.backward(ones)``; ``dz_dx_chain`` is their
    product; ``dz_dx`` is x.grad after one backward through the undetached g(f(x)).
    ``dz_dx_exact`` is the SymPy derivative ``exact`` evaluated with NumPy in float64 (NaN where
    it is not defined).
    """

    inner: str
    outer: str
    device: str
    dtype: str
    x: np.ndarray
    u: np.ndarray
    z: np.ndarray
    du_dx: np.ndarray
    dz_du: np.ndarray
    dz_dx_chain: np.ndarray
    dz_dx: np.ndarray
    composition: sp.Expr
    exact: sp.Expr
    dz_dx_exact: np.ndarray
    inner_latex: str
    outer_latex: str
    composition_tex: str | None = None  # made with the forms in the isolated child
    exact_tex: str | None = None

    @property
    def composition_latex(self) -> str:
        return self.composition_tex if self.composition_tex is not None else sp.latex(self.composition)

    @property
    def exact_latex(self) -> str:
        return self.exact_tex if self.exact_tex is not None else sp.latex(self.exact)

    @property
    def chain_vs_full(self) -> float:
        """max |chain product - full autograd| where both are finite (NaN if nowhere)."""
        return max_abs_diff(self.dz_dx_chain, self.dz_dx)

    @property
    def full_vs_exact(self) -> float:
        """max |full autograd - exact| where both are finite (NaN if nowhere)."""
        return max_abs_diff(self.dz_dx, self.dz_dx_exact)


def chain_rule(
    inner: str | Expression,
    outer: str | Expression,
    x: object,
    *,
    device: str = "cpu",
    dtype: str = "float64",
) -> ChainResult:
    """u = f(x), z = g(u): du/dx, dz/du (through ``detach``), their product and dz/dx.

    ``inner`` is f written in x, ``outer`` is g written in u; ``x`` is a 1-D list, array or
    tensor of at most ``MAX_POINTS`` finite numbers. Where f or g is not differentiable or
    not defined (sqrt'(0), log of a negative) the arrays hold inf or NaN as PyTorch computes
    them; a product inf * 0 is NaN, as in the full backward pass. Bad input raises
    ``LabError`` (``ExpressionError`` for the functions), and so does an exact derivative that
    SymPy wrote with a function the NumPy evaluator has no rule for (``err.no_reference``).
    """
    f, g = parse_inner(inner), parse_outer(outer)
    points = check_points(x)
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    exact_forms = exact_chain(f, g)
    exact, comp = exact_forms.derivative, exact_forms.composition

    x_leaf = torch.tensor(points, dtype=dt, device=dev, requires_grad=True)
    u = f(x_leaf)
    du_dx = backward_ones(u, x_leaf)  # x.grad = du/dx
    v = u.detach().requires_grad_(True)  # a new leaf: same values, no path back to x
    z = g(v)
    dz_du = backward_ones(z, v)  # v.grad = dz/du; x.grad is not touched
    chain = dz_du * du_dx

    x_full = x_leaf.detach().clone().requires_grad_(True)
    dz_dx = backward_ones(g(f(x_full)), x_full)  # one pass through the whole composition

    x64 = x_leaf.detach().cpu().double().numpy()  # the points as rounded to dtype
    return ChainResult(
        inner=f.text,
        outer=g.text,
        device=str(dev),
        dtype=dtype,
        x=to_numpy(x_leaf),
        u=to_numpy(u),
        z=to_numpy(z),
        du_dx=to_numpy(du_dx),
        dz_du=to_numpy(dz_du),
        dz_dx_chain=to_numpy(chain),
        dz_dx=to_numpy(dz_dx),
        composition=to_plain(comp, f.real_symbol),
        exact=to_plain(exact, f.real_symbol),
        dz_dx_exact=evaluate(exact, f.real_symbol, x64),
        inner_latex=f.latex,
        outer_latex=g.latex,
        composition_tex=exact_forms.composition_latex,
        exact_tex=exact_forms.derivative_latex,
    )
