"""The PyTorch program the Chain rule page shows: what ``chain_rule`` computes, written out.

Run as is, it computes the same numbers as ``core.chain.rule.chain_rule`` (the tests run it).
"""

from __future__ import annotations

import functools
import re

import numpy as np

from core.chain.inputs import MAX_TABLE_POINTS, check_points, parse_inner, parse_outer
from core.devices import resolve_device, resolve_dtype
from core.expression.parser import Expression
from core.i18n import tr


def _as_tensor_code(expr: Expression, name: str) -> str:
    # a constant expression's code is a bare number; the program needs a tensor of x's shape
    return f"torch.full_like({name}, {expr.code})" if expr.is_constant else expr.code


def _rename(code: str, old: str, new: str) -> str:
    return re.sub(rf"\b{old}\b", new, code)


def _points_code(points: np.ndarray) -> str:
    return "[" + ", ".join(repr(float(p)) for p in points) + "]"


def _backward(constant: bool, out: str, leaf: str, read: str, no_graph: str, fills: str) -> list[str]:
    """The lines that fill a gradient (``read`` is ``"name = leaf.grad"``): one backward call
    marked with ``<-``, or zeros when ``out`` is constant (it has no graph: backward would raise)."""
    name = read.split(" = ")[0]
    if constant:
        return [f"{name} = torch.zeros_like({leaf})  # {no_graph}"]
    return [f"{out}.backward(torch.ones_like({out}))  # <- {fills}", read]


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
    t = functools.partial(tr, lang=lang)  # a short name keeps the template readable
    u_code = _as_tensor_code(f, "x")
    z_code = _rename(_as_tensor_code(g, "u"), "u", "v")
    full_code = _as_tensor_code(g, "u")
    lines = [
        "import math",
        "import torch",
        "import torch.nn.functional as F",
        "",
        f'x = torch.tensor({_points_code(points)}, dtype=torch.{dtype}, device="{device}", requires_grad=True)',
        "",
        f"# 1) {t('chain.code_step1')}",
        f"u = {u_code}",
    ]
    lines += _backward(f.is_constant, "u", "x", "du_dx = x.grad.clone()", t("chain.code_const_inner"), t("chain.code_fills_x"))
    lines += [
        "",
        f"# 2) {t('chain.code_step2')}",
        f"v = u.detach().requires_grad_(True)  # {t('chain.code_detach')}",
        f"z = {z_code}",
    ]
    lines += _backward(g.is_constant, "z", "v", "dz_du = v.grad", t("chain.code_const_outer"), t("chain.code_fills_v"))
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
    constant = f.is_constant or g.is_constant
    lines += _backward(constant, "z", "x", "dz_dx = x.grad", t("chain.code_const_full"), t("chain.code_fills_x_full"))
    lines += ["print(torch.allclose(dz_dx_chain, dz_dx, equal_nan=True))"]
    return "\n".join(lines)
