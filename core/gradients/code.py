"""The PyTorch program the Gradients page shows: its field, its point and its race, ready to paste."""

from __future__ import annotations

from collections.abc import Sequence

from core.expression.parser import Expression
from core.i18n import tr

# how each of the page's optimizers is made in torch.optim (``p`` is the parameter, ``lr`` its rate)
CONSTRUCTORS = {
    "sgd": "torch.optim.SGD([p], lr={lr!r})",
    "momentum": "torch.optim.SGD([p], lr={lr!r}, momentum={m!r})",
    "nesterov": "torch.optim.SGD([p], lr={lr!r}, momentum={m!r}, nesterov=True)",
    "adam": "torch.optim.Adam([p], lr={lr!r})",
    "rmsprop": "torch.optim.RMSprop([p], lr={lr!r})",
    "adagrad": "torch.optim.Adagrad([p], lr={lr!r})",
}


def optimizer_code(name: str, lr: float, momentum: float = 0.9) -> str:
    """``torch.optim`` constructor of optimizer ``name`` for the parameter ``p``."""
    return CONSTRUCTORS[name].format(lr=lr, m=momentum)


def gradients_code(
    expr: Expression,
    *,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    points: int,
    point: tuple[float, float],
    start: tuple[float, float],
    optimizers: Sequence[str],
    lr: float,
    steps: int,
    device: str = "cpu",
    dtype: str = "float64",
    lang: str = "en",
) -> str:
    """The program computing what the page shows: the gradient field on the grid, ∇f and the
    Hessian at the point, and each optimizer's path from ``start``. Its comments are in ``lang``."""

    def c(key: str) -> str:
        return tr(key, lang)

    on = f'dtype=torch.{dtype}, device="{device}"'
    body = f"{expr.code} + 0 * (x + y)" if expr.is_constant else expr.code  # a constant still has a graph
    lines = [
        "import math",
        "import torch",
        "import torch.nn.functional as F",
        "",
        "",
        "def f(x, y):",
        f"    return {body}",
        "",
        "",
        f"# {c('grad.code_field')}",
        f"xs = torch.linspace({x_range[0]!r}, {x_range[1]!r}, {points}, {on})",
        f"ys = torch.linspace({y_range[0]!r}, {y_range[1]!r}, {points}, {on})",
        'Y, X = torch.meshgrid(ys, xs, indexing="ij")  # [j, i] = (xs[i], ys[j])',
        "X.requires_grad_(True)",
        "Y.requires_grad_(True)",
        f"f(X, Y).sum().backward()  # {c('grad.code_sum')}",
        "df_dx, df_dy = X.grad, Y.grad",
        "",
        f"# {c('grad.code_point')}",
        f"p = torch.tensor([{point[0]!r}, {point[1]!r}], {on})",
        "H = torch.autograd.functional.hessian(lambda q: f(q[0], q[1]), p)",
        "p.requires_grad_(True)",
        "(grad,) = torch.autograd.grad(f(p[0], p[1]), p)",
        f"eigenvalues, eigenvectors = torch.linalg.eigh(H)  # {c('grad.code_eigh')}",
    ]
    for name in optimizers:
        lines += [
            "",
            f"# {tr(f'grad.opt.{name}', lang)}",
            f"p = torch.tensor([{start[0]!r}, {start[1]!r}], {on}, requires_grad=True)",
            f"opt = {optimizer_code(name, lr)}",
            "path = [p.detach().clone()]",
            f"for step in range({steps}):",
            "    opt.zero_grad()",
            "    loss = f(p[0], p[1])",
            "    loss.backward()",
            "    opt.step()",
            "    path.append(p.detach().clone())",
            f"path_{name} = torch.stack(path)  # ({steps + 1}, 2)",
        ]
    return "\n".join(lines)
