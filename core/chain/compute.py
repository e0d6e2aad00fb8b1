"""The chain rule with ``detach()``: each intermediate gradient, where autograd stores it, and the traps.

For z = g(u) with u = f(x), the chain rule says dz/dx = dz/du * du/dx. With autograd this is
computed in two separate backward passes:

1. ``u = f(x)``, ``u.backward(ones)``: x.grad holds du/dx;
2. ``v = u.detach().requires_grad_()`` (a new leaf with u's values, cut from x), ``z = g(v)``,
   ``z.backward(ones)``: v.grad holds dz/du, and x.grad is untouched;
3. their product, compared with one backward through the undetached g(f(x)) and with the exact
   SymPy derivative of the composition.

``f`` is always written in ``x`` and ``g`` in ``u``, both through the safe parser of
``core.expression.parser``. Every function here takes f and g elementwise, so the vector of ones passed
to ``backward`` gives the derivative at every point (see ``nonscalar_trap``).
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import sympy as sp
import torch
from plotly.subplots import make_subplots

from core.derivatives.compute import check_grid
from core.devices import resolve_device, resolve_dtype
from core.errors import ExpressionError, LabError
from core.expression.numeric import evaluate
from core.expression.parser import Expression, parse, to_plain
from core.expression.symbolic import MAX_EXACT_NODES, exact_chain  # noqa: F401 - MAX_EXACT_NODES stays public here
from core.i18n import tr
from core.style import COLORS, compact, style

MAX_POINTS = 10_000  # points one chain_rule call accepts
MAX_TABLE_POINTS = 20  # points typed on the page, in the code and in the traps
MAX_POINTS_TEXT = 400  # characters of the typed list of points
MAX_ABS_X = 1e6
MAX_BACKWARD_CALLS = 10
# MAX_EXACT_NODES (imported above) bounds g(f(x)) and its derivative, as it bounds the derivatives lab
NOTEBOOK_X = (0.0, 1.0, 2.0, 3.0)
CHART_POINTS = 401  # the page's curve
CHART_LIMIT = 1000.0  # |start|, |stop| of the page's curve
DTYPE_CHOICES = ("float64", "float32")  # the page's dtypes, its default first
DEFAULT_PRESET = "notebook_cube"

# The notebook's two exercises, then pairs that show domains, kinks and saturation.
PRESETS: dict[str, tuple[str, str]] = {
    "notebook_cube": ("x*x", "u**3"),
    "notebook_poly": ("1 + x**2", "1 + 7*u**4"),
    "sin_square": ("sin(x)", "u**2"),
    "exp_log": ("exp(x)", "log(u)"),
    "square_sqrt": ("x**2", "sqrt(u)"),
    "tanh_sigmoid": ("3*x", "sigmoid(u)"),
    "sin_relu": ("sin(x)", "relu(u)"),
    "cos_exp": ("cos(x)", "exp(-u**2)"),
}
NOTEBOOK_PRESETS = ("notebook_cube", "notebook_poly")  # these also restore the notebook's points
INNER_CATALOGUE: tuple[str, ...] = (
    "x*x", "1 + x**2", "sin(x)", "cos(x)", "exp(x)", "3*x", "x**3 - x", "tanh(x)", "sigmoid(x)",
    "log1p(x**2)", "abs(x)", "relu(x)",
)
OUTER_CATALOGUE: tuple[str, ...] = (
    "u**3", "1 + 7*u**4", "u**2", "sin(u)", "exp(u)", "log(u)", "sqrt(u)", "sigmoid(u)", "tanh(u)",
    "relu(u)", "softplus(u)", "exp(-u**2)",
)


# ---------------------------------------------------------------- inputs


def _parse_part(text: str | Expression, variable: str, other: str, key: str) -> Expression:
    if isinstance(text, Expression):
        if text.variable != variable:
            raise ExpressionError(key, col=1)
        return text
    try:
        return parse(text, variable)
    except ExpressionError as err:
        # the parser only says "unknown name"; here the mistake is mixing up the two variables
        if err.key == "err.expr_name" and err.params.get("name") == other:
            raise ExpressionError(key, col=err.params.get("col", 1)) from None
        raise


def parse_inner(text: str | Expression) -> Expression:
    """The inner function f, written in ``x``; ``u`` in it is a clear ``ExpressionError``."""
    return _parse_part(text, "x", "u", "err.chain_inner_uses_u")


def parse_outer(text: str | Expression) -> Expression:
    """The outer function g, written in ``u``; ``x`` in it is a clear ``ExpressionError``."""
    return _parse_part(text, "u", "x", "err.chain_outer_uses_x")


def check_points(x: object, *, limit: int = MAX_POINTS) -> np.ndarray:
    """``x`` as a 1-D float64 NumPy array of 1..limit finite numbers with |x| <= 1e6.

    Accepts a list, tuple, NumPy array or torch tensor; anything else, a nested or empty
    sequence, NaN, ±inf or a huge value raises ``LabError``.
    """
    if isinstance(x, torch.Tensor):
        x = x.detach().cpu().numpy()
    if isinstance(x, (str, bytes)) or not isinstance(x, (np.ndarray, Sequence)):
        raise LabError("err.chain_points_type", what=type(x).__name__)
    if not isinstance(x, np.ndarray) and len(x) > limit:  # before building a huge array
        raise LabError("err.chain_points_count", count=len(x), limit=f"{limit:,}")
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        raise LabError("err.chain_points_type", what=type(x).__name__) from None
    if arr.ndim != 1:
        raise LabError("err.chain_points_ndim", ndim=arr.ndim)
    if not 1 <= arr.size <= limit:
        raise LabError("err.chain_points_count", count=arr.size, limit=f"{limit:,}")
    if not np.isfinite(arr).all():
        raise LabError("err.chain_points_finite")
    if np.abs(arr).max() > MAX_ABS_X:
        raise LabError("err.chain_points_size", limit=f"{MAX_ABS_X:.0e}")
    return arr.copy()


_SEPARATORS = re.compile(r"[,;\s]+")


def parse_points(text: str, *, limit: int = MAX_TABLE_POINTS) -> np.ndarray:
    """Points typed as text: numbers separated by commas, semicolons or spaces (decimal point ".").

    Parsed with ``float()`` one number at a time (no eval); at most ``MAX_POINTS_TEXT``
    characters and ``limit`` numbers, each finite with |x| <= 1e6.
    """
    if not isinstance(text, str):
        raise LabError("err.chain_points_type", what=type(text).__name__)
    if len(text) > MAX_POINTS_TEXT:
        raise LabError("err.chain_points_length", length=len(text), limit=MAX_POINTS_TEXT)
    items = [s for s in _SEPARATORS.split(text.strip()) if s]
    if not items:
        raise LabError("err.chain_points_empty")
    if len(items) > limit:
        raise LabError("err.chain_points_count", count=len(items), limit=limit)
    values = []
    for item in items:
        try:
            v = float(item)
        except ValueError:
            # shown inside `code` on the page, so markdown in it is not interpreted
            raise LabError("err.chain_points_number", item=item[:20].replace("`", "'")) from None
        if not math.isfinite(v):
            raise LabError("err.chain_points_finite")
        values.append(v)
    return check_points(values, limit=limit)


def points_text(values: Sequence[float] | np.ndarray) -> str:
    """Points as the page's text box shows them: ``"0, 1, 2, 3"`` (``parse_points`` reads it back)."""
    return ", ".join(f"{float(v):g}" for v in values)


def preset_choice(name: str) -> tuple[str, str, str | None]:
    """(inner, outer, points text or None) of a preset; the notebook's presets bring their points."""
    if name not in PRESETS:
        raise LabError("err.chain_preset", name=str(name)[:40], allowed=", ".join(PRESETS))
    inner, outer = PRESETS[name]
    return inner, outer, points_text(NOTEBOOK_X) if name in NOTEBOOK_PRESETS else None


def chart_grid(start: float, stop: float, points: int = CHART_POINTS) -> tuple[float, ...]:
    """``points`` evenly spaced x from ``start`` to ``stop`` (finite, start < stop, else ``LabError``)."""
    lo, hi, n = check_grid(start, stop, points)
    return tuple(np.linspace(lo, hi, n).tolist())


# ---------------------------------------------------------------- the chain rule


def composition(inner: str | Expression, outer: str | Expression) -> sp.Expr:
    """g(f(x)) as a SymPy expression in the plain symbol x (bounded in size)."""
    f = parse_inner(inner)
    return to_plain(exact_chain(f, parse_outer(outer)).composition, f.real_symbol)


def exact_chain_derivative(inner: str | Expression, outer: str | Expression) -> sp.Expr:
    """d/dx g(f(x)), exactly, by SymPy, in the plain symbol x (no simplification: it can take minutes).

    SymPy differentiates the composition itself, independently of the chain rule; the chain
    rule is used only beforehand, to bound the work: the result holds g'(f(x)) and f'(x), so
    when either is too large the request is refused before the (possibly slow) ``diff``. The
    work runs in a child process with a time and memory limit (core/symbolic.py).
    """
    f = parse_inner(inner)
    return to_plain(exact_chain(f, parse_outer(outer)).derivative, f.real_symbol)


def _backward_ones(out: torch.Tensor, leaf: torch.Tensor) -> torch.Tensor:
    """``out.backward(ones)`` and the gradient it leaves in ``leaf.grad``.

    An output that does not depend on the leaf (a constant function) has no graph at all:
    backward would raise, and its derivative is 0.
    """
    if out.requires_grad:
        out.backward(torch.ones_like(out))
    grad = leaf.grad
    return torch.zeros_like(leaf) if grad is None else grad


def _numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().numpy(force=True)


@dataclass(frozen=True, eq=False)
class ChainResult:
    """Every quantity of the chain rule at the points ``x`` (NumPy, computing dtype).

    ``du_dx`` is x.grad after ``u.backward(ones)``; ``dz_du`` is v.grad after
    ``v = u.detach().requires_grad_()`` and ``z.backward(ones)``; ``dz_dx_chain`` is their
    product; ``dz_dx`` is x.grad after one backward through the undetached g(f(x)).
    ``dz_dx_exact`` is the SymPy derivative ``exact`` evaluated with NumPy in float64 (NaN where
    it is not defined, or everywhere if SymPy wrote it with a function NumPy cannot evaluate).
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
        return _max_diff(self.dz_dx_chain, self.dz_dx)

    @property
    def full_vs_exact(self) -> float:
        """max |full autograd - exact| where both are finite (NaN if nowhere)."""
        return _max_diff(self.dz_dx, self.dz_dx_exact)


def _max_diff(a: np.ndarray, b: np.ndarray) -> float:
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    both = np.isfinite(a) & np.isfinite(b)
    return float(np.max(np.abs(a[both] - b[both]))) if both.any() else math.nan


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
    ``LabError`` (``ExpressionError`` for the functions).
    """
    f, g = parse_inner(inner), parse_outer(outer)
    points = check_points(x)
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    exact_forms = exact_chain(f, g)
    exact, comp = exact_forms.derivative, exact_forms.composition

    x_leaf = torch.tensor(points, dtype=dt, device=dev, requires_grad=True)
    u = f(x_leaf)
    du_dx = _backward_ones(u, x_leaf)  # x.grad = du/dx
    v = u.detach().requires_grad_(True)  # a new leaf: same values, no path back to x
    z = g(v)
    dz_du = _backward_ones(z, v)  # v.grad = dz/du; x.grad is not touched
    chain = dz_du * du_dx

    x_full = x_leaf.detach().clone().requires_grad_(True)
    dz_dx = _backward_ones(g(f(x_full)), x_full)  # one pass through the whole composition

    x64 = x_leaf.detach().cpu().double().numpy()  # the points as rounded to dtype
    return ChainResult(
        inner=f.text, outer=g.text, device=str(dev), dtype=dtype,
        x=_numpy(x_leaf), u=_numpy(u), z=_numpy(z), du_dx=_numpy(du_dx), dz_du=_numpy(dz_du),
        dz_dx_chain=_numpy(chain), dz_dx=_numpy(dz_dx),
        composition=to_plain(comp, f.real_symbol), exact=to_plain(exact, f.real_symbol),
        dz_dx_exact=evaluate(exact, f.real_symbol, x64),
        inner_latex=f.latex, outer_latex=g.latex,
        composition_tex=exact_forms.composition_latex, exact_tex=exact_forms.derivative_latex,
    )


# ---------------------------------------------------------------- the code for the page


def _as_tensor_code(expr: Expression, name: str) -> str:
    # a constant expression's code is a bare number; the program needs a tensor of x's shape
    return f"torch.full_like({name}, {expr.code})" if expr.is_constant else expr.code


def _rename(code: str, old: str, new: str) -> str:
    return re.sub(rf"\b{old}\b", new, code)


def _points_code(points: np.ndarray) -> str:
    return "[" + ", ".join(repr(float(p)) for p in points) + "]"


def chain_code(
    inner: str | Expression,
    outer: str | Expression,
    x: object,
    *,
    device: str = "cpu",
    dtype: str = "float64",
    lang: str = "pt",
) -> str:
    """The PyTorch program that computes what ``chain_rule`` computes, at up to 20 points.

    The lines that fill each ``.grad`` carry a comment that says which one. A constant f or g
    gets no backward call (it would raise: there is no graph), and its derivative is zeros.
    """
    f, g = parse_inner(inner), parse_outer(outer)
    points = check_points(x, limit=MAX_TABLE_POINTS)
    resolve_dtype(dtype, resolve_device(device))
    t = lambda key: tr(key, lang)  # noqa: E731 - a short alias keeps the template readable
    u_code = _as_tensor_code(f, "x")
    z_code = _rename(_as_tensor_code(g, "u"), "u", "v")
    full_code = _as_tensor_code(g, "u")
    lines = [
        "import math",
        "import torch",
        "import torch.nn.functional as F",
        "",
        f"x = torch.tensor({_points_code(points)}, dtype=torch.{dtype}, device=\"{device}\", requires_grad=True)",
        "",
        f"# 1) {t('chain.code_step1')}",
        f"u = {u_code}",
    ]
    if f.is_constant:
        lines += [f"du_dx = torch.zeros_like(x)  # {t('chain.code_const_inner')}"]
    else:
        lines += [
            f"u.backward(torch.ones_like(u))  # <- {t('chain.code_fills_x')}",
            "du_dx = x.grad.clone()",
        ]
    lines += [
        "",
        f"# 2) {t('chain.code_step2')}",
        f"v = u.detach().requires_grad_(True)  # {t('chain.code_detach')}",
        f"z = {z_code}",
    ]
    if g.is_constant:
        lines += [f"dz_du = torch.zeros_like(v)  # {t('chain.code_const_outer')}"]
    else:
        lines += [
            f"z.backward(torch.ones_like(z))  # <- {t('chain.code_fills_v')}",
            "dz_du = v.grad",
        ]
    lines += [
        "",
        f"# 3) {t('chain.code_step3')}",
        "dz_dx_chain = dz_du * du_dx",
        "",
        f"# 4) {t('chain.code_step4')}",
        f"x.grad = None  # {t('chain.code_reset')}",
        f"u = {u_code}",
        f"z = {full_code}",
    ]
    if f.is_constant or g.is_constant:
        lines += [f"dz_dx = torch.zeros_like(x)  # {t('chain.code_const_full')}"]
    else:
        lines += [
            f"z.backward(torch.ones_like(z))  # <- {t('chain.code_fills_x_full')}",
            "dz_dx = x.grad",
        ]
    lines += ["print(torch.allclose(dz_dx_chain, dz_dx, equal_nan=True))"]
    return "\n".join(lines)


# ---------------------------------------------------------------- the traps


def check_trap_inputs(inner: str | Expression, x: object) -> tuple[Expression, np.ndarray]:
    """The traps need an f that depends on x and 2..20 points (one point hides them all)."""
    f = parse_inner(inner)
    points = check_points(x, limit=MAX_TABLE_POINTS)
    if points.size < 2:
        raise LabError("err.chain_trap_points", limit=MAX_TABLE_POINTS)
    if f.is_constant:
        raise LabError("err.chain_trap_constant")
    return f, points


def _trap_setup(inner: str | Expression, x: object, device: str, dtype: str) -> tuple[Expression, torch.Tensor]:
    f, points = check_trap_inputs(inner, x)
    dev = resolve_device(device)
    dt = resolve_dtype(dtype, dev)
    return f, torch.tensor(points, dtype=dt, device=dev, requires_grad=True)


@dataclass(frozen=True, eq=False)
class AccumulationTrap:
    """x.grad after each of ``calls`` backward passes of u = f(x), without resetting it.

    ``grads[k]`` is x.grad after call k + 1, which is (k + 1) * du/dx: backward adds into
    .grad. ``after_zero`` and ``after_none`` are x.grad after one more call preceded by
    ``x.grad.zero_()`` or by ``x.grad = None``: both give du/dx again.
    """

    calls: int
    x: np.ndarray
    du_dx: np.ndarray
    grads: np.ndarray  # shape (calls, n)
    after_zero: np.ndarray
    after_none: np.ndarray


def accumulation_trap(
    inner: str | Expression, x: object, calls: int = 2, *, device: str = "cpu", dtype: str = "float64"
) -> AccumulationTrap:
    """Call ``u.backward(ones, retain_graph=True)`` ``calls`` times and read x.grad each time.

    ``retain_graph`` keeps the graph alive for the next call (without it the second call
    raises). Needs 2..20 points and an f that depends on x.
    """
    if isinstance(calls, bool) or not isinstance(calls, numbers.Integral) or not 1 <= calls <= MAX_BACKWARD_CALLS:
        raise LabError("err.chain_calls", value=str(calls)[:20], limit=MAX_BACKWARD_CALLS)
    f, xt = _trap_setup(inner, x, device, dtype)
    u = f(xt)
    ones = torch.ones_like(u)
    grads = []
    for _ in range(int(calls)):
        u.backward(ones, retain_graph=True)
        grads.append(_numpy(xt.grad).copy())  # copy: the next call adds into the same tensor
    xt.grad.zero_()
    u.backward(ones, retain_graph=True)
    after_zero = _numpy(xt.grad).copy()
    xt.grad = None
    u.backward(ones)
    after_none = _numpy(xt.grad).copy()
    return AccumulationTrap(int(calls), _numpy(xt), grads[0], np.stack(grads), after_zero, after_none)


@dataclass(frozen=True, eq=False)
class NonScalarTrap:
    """``u.backward()`` on a vector u, and what the vector passed to backward means.

    ``message`` is PyTorch's own RuntimeError text. ``grad_ones`` is x.grad after
    ``u.backward(ones)``, equal to ``grad_sum`` (after ``u.sum().backward()``): both are
    onesᵀJ, a vector-Jacobian product. With any vector w, backward gives wᵀJ, which for an
    elementwise f is w * f'(x): ``grad_weights``.
    """

    message: str
    x: np.ndarray
    grad_ones: np.ndarray
    grad_sum: np.ndarray
    weights: np.ndarray
    grad_weights: np.ndarray


def nonscalar_trap(
    inner: str | Expression, x: object, weights: object | None = None, *, device: str = "cpu", dtype: str = "float64"
) -> NonScalarTrap:
    """Capture the error of ``u.backward()`` for u with 2..20 elements, then pass vectors.

    ``weights`` (default 1, 2, ..., n) must have as many finite values as x.
    """
    f, xt = _trap_setup(inner, x, device, dtype)
    n = xt.numel()
    w = np.arange(1.0, n + 1.0) if weights is None else check_points(weights, limit=MAX_TABLE_POINTS)
    if w.size != n:
        raise LabError("err.chain_weights", count=w.size, n=n)
    u = f(xt)
    try:
        u.backward()
        message = ""  # not reached for n >= 2; kept so a change in PyTorch shows up in the tests
    except RuntimeError as exc:
        message = str(exc)
    u.backward(torch.ones_like(u), retain_graph=True)
    grad_ones = _numpy(xt.grad).copy()
    xt.grad = None
    u.sum().backward(retain_graph=True)
    grad_sum = _numpy(xt.grad).copy()
    xt.grad = None
    u.backward(torch.as_tensor(w, dtype=u.dtype, device=u.device))
    return NonScalarTrap(message, _numpy(xt), grad_ones, grad_sum, w, _numpy(xt.grad).copy())


@dataclass(frozen=True, eq=False)
class SumCase:
    """d/dx sum(h(x)) against the diagonal of the Jacobian of h, for one function h.

    ``elementwise`` says whether h_i depends on x_i alone (the Jacobian is diagonal); only then
    is the gradient of the sum the pointwise derivative.
    """

    name: str
    code: str
    elementwise: bool
    grad_of_sum: np.ndarray
    jacobian_diagonal: np.ndarray
    max_off_diagonal: float


def _sum_case(name: str, code: str, h, xt: torch.Tensor) -> SumCase:
    x = xt.detach().clone().requires_grad_(True)
    y = h(x)
    if y.requires_grad:
        y.sum().backward()
    grad = torch.zeros_like(x) if x.grad is None else x.grad
    jac = torch.autograd.functional.jacobian(h, xt.detach())  # (n, n): row i = grad of h_i
    off = (jac - torch.diag(torch.diagonal(jac))).abs()
    # 0 * inf in a backward formula (sqrt at 0) puts NaN off the diagonal even for an elementwise f
    off_max = float(torch.where(torch.isnan(off), 0.0, off).max())
    return SumCase(name, code, off_max == 0.0, _numpy(grad).copy(), _numpy(torch.diagonal(jac)).copy(), off_max)


def sum_trap(inner: str | Expression, x: object, *, device: str = "cpu", dtype: str = "float64") -> list[SumCase]:
    """``backward`` of a sum gives the pointwise derivative only for elementwise functions.

    Three cases at the same 2..20 points: the chosen f (elementwise: the gradient of the sum
    equals the Jacobian's diagonal), x - mean(x) (gradient of the sum 0, diagonal 1 - 1/n) and
    x * sum(x) (gradient of the sum 2 sum(x), diagonal sum(x) + x). The Jacobian is computed by
    ``torch.autograd.functional.jacobian``, n backward passes.
    """
    f, xt = _trap_setup(inner, x, device, dtype)
    return [
        _sum_case(f.text, f"u = {f.code}", f, xt),
        _sum_case("x - mean(x)", "u = x - x.mean()", lambda t: t - t.mean(), xt),
        _sum_case("x * sum(x)", "u = x * x.sum()", lambda t: t * t.sum(), xt),
    ]


# ---------------------------------------------------------------- the figure


def _finite(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a, dtype=np.float64)
    return compact(np.where(np.isfinite(a), a, np.nan))  # plotly cannot draw ±inf


def chain_figure(
    result: ChainResult, *, marks: ChainResult | None = None, lang: str = "pt", presentation: bool = False
) -> go.Figure:
    """Top: the two factors du/dx and dz/du (at u(x)); bottom: their product and the full dz/dx.

    The product is solid and the full derivative dashed on top of it: where they agree the
    two lines are one. ``marks`` (the table's points) adds markers on the full derivative.
    """
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=(tr("chain.fig_factors", lang), tr("chain.fig_product", lang)))
    x = compact(result.x)
    series = [
        (1, result.du_dx, tr("chain.trace_du_dx", lang), COLORS["f"], None),
        (1, result.dz_du, tr("chain.trace_dz_du", lang), COLORS["fd"], None),
        (2, result.dz_dx_chain, tr("chain.trace_chain", lang), COLORS["autograd"], None),
        (2, result.dz_dx, tr("chain.trace_full", lang), COLORS["exact"], "dash"),
    ]
    for row, y, name, color, dash in series:
        fig.add_trace(go.Scatter(x=x, y=_finite(y), name=name, mode="lines", line={"color": color, "dash": dash}), row=row, col=1)
    if marks is not None:
        fig.add_trace(
            go.Scatter(x=compact(marks.x), y=_finite(marks.dz_dx), name=tr("chain.trace_points", lang), mode="markers",
                       marker={"color": COLORS["exact"], "size": 9, "symbol": "circle-open"}),
            row=2, col=1,
        )
    fig.update_xaxes(title_text="x", row=2, col=1)
    style(fig, presentation, height=620)
    # powers of ten, never SI prefixes: a derivative of 2e-6 must not read "2µ" (nor 3e9 "3G")
    fig.update_xaxes(exponentformat="power")
    fig.update_yaxes(exponentformat="power")
    # the shared style puts the legend just above the plot, where the first subplot title sits
    return fig.update_layout(legend={"y": 1.06}, margin={"t": 110 if presentation else 90})


# ---------------------------------------------------------------- what the page shows


def number_cells(values: object) -> list[str]:
    """Numbers as table text with 10 significant digits, NaN written ``NaN`` and ±inf as ``inf``.

    Text, not numbers: a dataframe shows NaN as "None", and NaN is what this lab is about.
    """
    return [f"{v:.10g}".replace("nan", "NaN") for v in np.asarray(values, dtype=np.float64).ravel()]


def metric_text(value: float) -> str:
    """A maximum difference for a metric: ``1.234e-15``, or a dash when no point had both finite."""
    return "—" if math.isnan(value) else f"{value:.3e}"


def table_columns(result: ChainResult, lang: str = "pt") -> dict[str, list[str]]:
    """The page's table: x, u, z, both factors, their product, the full backward and the exact dz/dx."""
    return {
        "x": number_cells(result.x),
        tr("chain.col_u", lang): number_cells(result.u),
        tr("chain.col_z", lang): number_cells(result.z),
        tr("chain.col_du_dx", lang): number_cells(result.du_dx),
        tr("chain.col_dz_du", lang): number_cells(result.dz_du),
        tr("chain.col_chain", lang): number_cells(result.dz_dx_chain),
        tr("chain.col_full", lang): number_cells(result.dz_dx),
        tr("chain.col_exact", lang): number_cells(result.dz_dx_exact),
    }


def notes(table: ChainResult, curve: ChainResult) -> list[str]:
    """Text keys of the notes the results call for: non-finite values, no exact reference."""
    arrays = (table.du_dx, table.dz_du, table.dz_dx_chain, table.dz_dx, curve.dz_dx)
    keys = []
    if not all(np.isfinite(a).all() for a in arrays):
        keys.append("chain.nonfinite")
    if np.isnan(table.dz_dx_exact).all() and np.isfinite(table.dz_dx).any():
        keys.append("chain.no_exact")
    return keys


def accumulation_columns(acc: AccumulationTrap, lang: str = "pt") -> dict[str, list[str]]:
    """x, x.grad after each call, then after ``zero_()`` and after ``= None`` (one more call each)."""
    columns = {"x": number_cells(acc.x)}
    for k, grad in enumerate(acc.grads, start=1):
        columns[tr("chain.trap_after", lang, k=k)] = number_cells(grad)
    columns[tr("chain.trap_zero", lang)] = number_cells(acc.after_zero)
    columns[tr("chain.trap_none", lang)] = number_cells(acc.after_none)
    return columns


def nonscalar_columns(trap: NonScalarTrap, lang: str = "pt") -> dict[str, list[str]]:
    """x, the gradient from ``backward(ones)``, from ``sum().backward()``, w, and from ``backward(w)``."""
    return {
        "x": number_cells(trap.x),
        tr("chain.col_ones", lang): number_cells(trap.grad_ones),
        tr("chain.col_sum", lang): number_cells(trap.grad_sum),
        tr("chain.col_w", lang): number_cells(trap.weights),
        tr("chain.col_weighted", lang): number_cells(trap.grad_weights),
    }


def nonscalar_code(trap: NonScalarTrap, lang: str = "pt") -> str:
    """The failing call and PyTorch's own (English) message, as a console would show them."""
    return f">>> u.backward()\nRuntimeError: {trap.message}" if trap.message else tr("chain.trap_no_error", lang)


def sum_columns(cases: Sequence[SumCase], lang: str = "pt") -> dict[str, list[str]]:
    """One row per function: its code, elementwise or not, the gradient of the sum, the Jacobian's diagonal."""
    def values(a: np.ndarray) -> str:
        return ", ".join(f"{v:.6g}" for v in a)

    return {
        tr("chain.col_case", lang): [c.code for c in cases],
        tr("chain.col_elementwise", lang): [tr("chain.yes" if c.elementwise else "chain.no", lang) for c in cases],
        tr("chain.col_grad_sum", lang): [values(c.grad_of_sum) for c in cases],
        tr("chain.col_diag", lang): [values(c.jacobian_diagonal) for c in cases],
    }
