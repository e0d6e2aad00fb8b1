"""The catalogue of functions an expression may call, in three matching forms.

Each entry gives the torch function (what autograd differentiates), the SymPy form (the exact
reference) and a float version used to fold constants. Where PyTorch has a documented
convention at a kink, the SymPy form follows it:
- relu'(0) = 0 in torch; SymPy's Heaviside(0) is 1/2, so relu's derivative is Heaviside(x, 0).
- abs'(0) = sign(0) = 0 in torch and in SymPy (x is real).
- softplus in torch returns x itself above x = 20 (its ``threshold``); the reference is the exact
  log(1 + e^x), and the difference (below 2e-9) is within the tests' tolerance.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp
import torch
import torch.nn.functional as F


class _Named(sp.Function):
    """A one-argument function SymPy does not know, printed in LaTeX as ``name(arg)``.

    SymPy's printer passes ``exp`` when the function is the base of a power (``sigmoid(x)**2``,
    as in every higher derivative of the logistic); like SymPy's own functions we then write the
    exponent on the name, ``\\sigma^{2}(x)``, as for ``\\sin^{2}(x)``; roots and negative powers
    are written around it (``\\sqrt{\\sigma(x)}``, ``\\frac{1}{\\sigma^{2}(x)}``).

    For a real argument the value is real (relu >= 0, sigmoid and softplus > 0): SymPy then
    simplifies |relu(x)| to relu(x) and writes d|f|/dx as sign(f) f' rather than in complex parts
    (re, im, Piecewise), which the reference could not evaluate or would evaluate as 0/0.
    """

    latex_name = ""

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _eval_is_finite(self) -> bool | None:
        return True if self.args[0].is_finite else None  # relu(-oo) and softplus(-oo) are 0: say no more

    def _latex(self, printer, exp: str | None = None) -> str:
        name = self.latex_name if exp is None else "%s^{%s}" % (self.latex_name, exp)
        return r"%s\left(%s\right)" % (name, printer._print(self.args[0]))


class relu(_Named):
    """max(x, 0) with torch's convention relu'(0) = 0."""

    latex_name = r"\operatorname{ReLU}"

    def _eval_is_extended_nonnegative(self) -> bool | None:
        return True if self.args[0].is_extended_real else None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.Heaviside(self.args[0], 0)


class sigmoid(_Named):
    """The logistic 1 / (1 + e^-x); its derivative is s (1 - s)."""

    latex_name = r"\sigma"

    def _eval_is_extended_positive(self) -> bool | None:
        return True if self.args[0].is_real else None  # 0 only in the limit x -> -oo

    def _eval_is_finite(self) -> bool | None:
        return True if self.args[0].is_extended_real else None  # between 0 and 1

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)


class softplus(_Named):
    """log(1 + e^x); its derivative is the logistic."""

    latex_name = r"\operatorname{softplus}"

    def _eval_is_extended_positive(self) -> bool | None:
        return True if self.args[0].is_real else None  # 0 only in the limit x -> -oo

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])


def _sigmoid_float(v: float) -> float:
    # written so that neither branch overflows
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    z = math.exp(v)
    return z / (1.0 + z)


def _softplus_float(v: float) -> float:
    return max(v, 0.0) + math.log1p(math.exp(-abs(v)))


def _gelu_float(v: float) -> float:
    return 0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0)))


@dataclass(frozen=True)
class CatalogueFunction:
    """One function of the catalogue, in torch, SymPy and plain float form.

    ``arity`` arguments, each given to ``torch_fn`` as a tensor, except those at
    ``constant_args`` (they must be constant, and arrive as floats: clamp's bounds). The three
    forms take the same arguments in the same order. ``min_variables`` > 1 keeps a function of
    two variables (atan2, hypot) out of the one-variable labs. ``validate`` sees the argument
    values (None where not constant) and returns a text key when they are refused. ``code_format``
    writes the call from its arguments' code (``"torch.clamp({0}, min={1}, max={2})"``); the
    default is ``code(arg, ...)``. ``example`` is a call shown in error messages.
    """

    name: str
    torch_fn: Callable[..., torch.Tensor]
    sympy_fn: Callable[..., sp.Expr]
    float_fn: Callable[..., float]
    code: str  # the PyTorch spelling, for the "equivalent code" panel
    arity: int = 1
    constant_args: tuple[int, ...] = ()
    min_variables: int = 1
    validate: Callable[..., str | None] | None = None
    code_format: str | None = None
    example: str = ""

    def __post_init__(self) -> None:
        if not self.example:
            names = ("x", "y", "z")[: self.arity] if self.arity > 1 else ("x",)
            object.__setattr__(self, "example", f"{self.name}({', '.join(names)})")


_SQRT2 = sp.sqrt(2)

CATALOGUE: dict[str, CatalogueFunction] = {
    f.name: f
    for f in (
        CatalogueFunction("sin", torch.sin, sp.sin, math.sin, "torch.sin"),
        CatalogueFunction("cos", torch.cos, sp.cos, math.cos, "torch.cos"),
        CatalogueFunction("tan", torch.tan, sp.tan, math.tan, "torch.tan"),
        CatalogueFunction("exp", torch.exp, sp.exp, math.exp, "torch.exp"),
        CatalogueFunction("log", torch.log, sp.log, math.log, "torch.log"),
        CatalogueFunction("log1p", torch.log1p, lambda a: sp.log(1 + a), math.log1p, "torch.log1p"),
        CatalogueFunction("sqrt", torch.sqrt, sp.sqrt, math.sqrt, "torch.sqrt"),
        CatalogueFunction("sinh", torch.sinh, sp.sinh, math.sinh, "torch.sinh"),
        CatalogueFunction("cosh", torch.cosh, sp.cosh, math.cosh, "torch.cosh"),
        CatalogueFunction("tanh", torch.tanh, sp.tanh, math.tanh, "torch.tanh"),
        CatalogueFunction("atan", torch.atan, sp.atan, math.atan, "torch.atan"),
        CatalogueFunction("erf", torch.erf, sp.erf, math.erf, "torch.erf"),
        CatalogueFunction("abs", torch.abs, sp.Abs, abs, "torch.abs"),
        CatalogueFunction("sigmoid", torch.sigmoid, sigmoid, _sigmoid_float, "torch.sigmoid"),
        CatalogueFunction("relu", torch.relu, relu, lambda v: max(v, 0.0), "torch.relu"),
        CatalogueFunction("softplus", F.softplus, softplus, _softplus_float, "F.softplus"),
        CatalogueFunction("gelu", F.gelu, lambda a: a * (1 + sp.erf(a / _SQRT2)) / 2, _gelu_float, "F.gelu"),
        CatalogueFunction("silu", F.silu, lambda a: a * sigmoid(a), lambda v: v * _sigmoid_float(v), "F.silu"),
    )
}
