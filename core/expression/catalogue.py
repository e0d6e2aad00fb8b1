"""The catalogue of functions an expression may call, in matching forms.

Each entry gives the torch function (what autograd differentiates), the SymPy form (the exact
reference), a float version used to fold constants, the PyTorch code and the domain. Where
PyTorch has a documented convention at a kink, the SymPy form follows it (``conventions`` names
the ones an expression uses, for the page):
- relu'(0) = 0 in torch; SymPy's Heaviside(0) is 1/2, so relu's derivative is Heaviside(x, 0).
- abs'(0) = sign(0) = 0 in torch and in SymPy (x is real).
- sign'(x) = 0 everywhere in torch, x = 0 included; SymPy's is 2 DiracDelta(x): ``sgn`` says 0.
- torch.maximum and torch.minimum give half the gradient to each argument where they tie; so
  does SymPy's Max/Min, whose derivative is Heaviside(a - b) with Heaviside(0) = 1/2. Where SymPy
  proves one argument never smaller (max(x**2, 0) is x**2) it keeps that one, and the reference
  is its derivative: at x = 0 the second derivative is 2, where torch's split gives 1.
- torch.clamp passes the gradient where lo <= x <= hi, bounds included: ``clamp``'s derivative
  is Heaviside(x - lo, 1) Heaviside(hi - x, 1).
- sinc is torch's normalised sin(pi x)/(pi x). Its exact derivatives are ``sinc_derivative``,
  evaluated by a series near 0, so the reference is right at x = 0 (sinc''(0) = -pi^2/3), where
  torch's backward divides 0 by 0 from the second order on (NaN) and SymPy's sinc, written as a
  Piecewise, would say 0.
- softplus in torch returns x itself above x = 20 (its ``threshold``); the reference is the exact
  log(1 + e^x), and the difference (below 2e-9) is within the tests' tolerance.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sympy as sp
import torch
import torch.nn.functional as F

if TYPE_CHECKING:
    from core.expression.parser import Expression


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


class sgn(_Named):
    """sign(x) with torch's derivative, 0 everywhere (SymPy's sign has 2 DiracDelta(x) at x = 0)."""

    latex_name = r"\operatorname{sign}"

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        # a constant only: sign(exp(x)) stays, as torch computes it (a constant is no tensor in the code)
        return sp.sign(arg) if arg.is_number else None

    def _eval_is_finite(self) -> bool | None:
        return True if self.args[0].is_extended_real else None  # -1, 0 or 1

    def _eval_is_integer(self) -> bool | None:
        return True if self.args[0].is_extended_real else None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.S.Zero


class sinc(_Named):
    """torch's normalised sinc, sin(pi x) / (pi x), 1 at x = 0; its derivatives are ``sinc_derivative``."""

    latex_name = r"\operatorname{sinc}"

    @classmethod
    def eval(cls, arg: sp.Expr) -> sp.Expr | None:
        return sp.S.One if arg.is_zero else None

    def _eval_is_finite(self) -> bool | None:
        return True if self.args[0].is_extended_real else None  # |sinc| <= 1

    def _eval_evalf(self, prec: int) -> sp.Expr | None:
        # SymPy would look up mpmath.sinc by this class's name: the unnormalised one
        return sp.sinc(sp.pi * self.args[0])._eval_evalf(prec)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sinc_derivative(1, self.args[0])


class sinc_derivative(sp.Function):
    """d^n/dx^n sinc(x) for an integer n >= 1 (the first argument), printed sinc', sinc'', ...

    Kept whole rather than written out: the written-out form (pi x cos(pi x) - sin(pi x)) / (pi x^2)
    is 0/0 at x = 0, and SymPy's own sinc makes it a Piecewise that says sinc''(0) = 0 instead of
    -pi^2/3. ``core.expression.numeric`` evaluates it by its Taylor series near 0.
    """

    nargs = 2

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[1].is_extended_real

    def _eval_is_finite(self) -> bool | None:
        return True if self.args[1].is_extended_real else None  # |sinc^(n)| <= pi^n

    def fdiff(self, argindex: int = 2) -> sp.Expr:
        if argindex != 2:
            raise sp.ArgumentIndexError(self, argindex)
        n, arg = self.args
        return sinc_derivative(n + 1, arg)

    def _latex(self, printer, exp: str | None = None) -> str:
        n = int(self.args[0])
        name = r"\operatorname{sinc}" + ("'" * n if n <= 3 else "^{(%d)}" % n)
        call = r"%s\left(%s\right)" % (name, printer._print(self.args[1]))
        return call if exp is None else r"\left(%s\right)^{%s}" % (call, exp)


class clamp(sp.Function):
    """torch.clamp(x, lo, hi) for constant bounds lo < hi; its derivative is 1 where lo <= x <= hi.

    torch passes the gradient at both bounds (its subgradient 1), so the step is Heaviside(., 1)
    on each side, not SymPy's Heaviside(0) = 1/2 nor Min(Max(x, lo), hi)'s.
    """

    nargs = 3

    @classmethod
    def eval(cls, arg: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> sp.Expr | None:
        return sp.Min(sp.Max(arg, lo), hi) if arg.is_number else None

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _eval_is_finite(self) -> bool | None:
        return True if self.args[0].is_extended_real else None  # between two finite bounds

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise sp.ArgumentIndexError(self, argindex)  # the bounds are constants
        arg, lo, hi = self.args
        return sp.Heaviside(arg - lo, 1) * sp.Heaviside(hi - arg, 1)

    def _latex(self, printer, exp: str | None = None) -> str:
        call = r"\operatorname{clamp}\left(%s\right)" % ", ".join(printer._print(a) for a in self.args)
        return call if exp is None else r"\left(%s\right)^{%s}" % (call, exp)


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


def _sinc_float(v: float) -> float:
    return 1.0 if v == 0 else math.sin(math.pi * v) / (math.pi * v)


def _sign_float(v: float) -> float:
    return float((v > 0) - (v < 0))


def _clamp_bounds(arg: float | None, lo: float, hi: float) -> str | None:
    return "err.expr_clamp_bounds" if lo >= hi else None


def _cot(a: torch.Tensor) -> torch.Tensor:
    # not 1/tan: near pi/2, where tan is huge, its third derivative in float32 is all rounding
    return torch.cos(a) / torch.sin(a)


def _reciprocal(fn: Callable[[torch.Tensor], torch.Tensor]) -> Callable[[torch.Tensor], torch.Tensor]:
    return lambda a: torch.reciprocal(fn(a))


@dataclass(frozen=True)
class CatalogueFunction:
    """One function of the catalogue, in torch, SymPy and plain float form.

    ``arity`` arguments, each given to ``torch_fn`` as a tensor, except those at
    ``constant_args`` (they must be constant, and arrive as floats: clamp's bounds). The three
    forms take the same arguments in the same order. ``min_variables`` > 1 keeps a function of
    two variables (atan2, hypot) out of the one-variable labs. ``validate`` sees the argument
    values (None where not constant) and returns a text key when they are refused. ``code_format``
    writes the call from its arguments' code (``"torch.clamp({0}, min={1}, max={2})"``); the
    default is ``code(arg, ...)``. ``example`` is a call shown in error messages. ``domain`` is
    where the function is real, in notation both languages read (the help lists it).
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
    domain: str = "ℝ"

    def __post_init__(self) -> None:
        if not self.example:
            names = ("x", "y", "z")[: self.arity] if self.arity > 1 else ("x",)
            object.__setattr__(self, "example", f"{self.name}({', '.join(names)})")


_SQRT2 = sp.sqrt(2)
_LN2, _LN10 = sp.log(2), sp.log(10)
_POSITIVE, _NOT_COS_ZERO, _NOT_SIN_ZERO = "x > 0", "cos x ≠ 0", "sin x ≠ 0"
F_ = CatalogueFunction  # short, for the table below: one entry per function

CATALOGUE: dict[str, CatalogueFunction] = {
    f.name: f
    for f in (
        F_("sin", torch.sin, sp.sin, math.sin, "torch.sin"),
        F_("cos", torch.cos, sp.cos, math.cos, "torch.cos"),
        F_("tan", torch.tan, sp.tan, math.tan, "torch.tan", domain=_NOT_COS_ZERO),
        F_(
            "sec",
            _reciprocal(torch.cos),
            sp.sec,
            lambda v: 1.0 / math.cos(v),
            "torch.reciprocal",
            code_format="torch.reciprocal(torch.cos({0}))",
            domain=_NOT_COS_ZERO,
        ),
        F_(
            "csc",
            _reciprocal(torch.sin),
            sp.csc,
            lambda v: 1.0 / math.sin(v),
            "torch.reciprocal",
            code_format="torch.reciprocal(torch.sin({0}))",
            domain=_NOT_SIN_ZERO,
        ),
        F_(
            "cot",
            _cot,
            sp.cot,
            lambda v: math.cos(v) / math.sin(v),
            "torch.cos",
            code_format="(torch.cos({0}) / torch.sin({0}))",
            domain=_NOT_SIN_ZERO,
        ),
        F_("asin", torch.asin, sp.asin, math.asin, "torch.asin", domain="-1 ≤ x ≤ 1"),
        F_("acos", torch.acos, sp.acos, math.acos, "torch.acos", domain="-1 ≤ x ≤ 1"),
        F_("atan", torch.atan, sp.atan, math.atan, "torch.atan"),
        F_("sinh", torch.sinh, sp.sinh, math.sinh, "torch.sinh"),
        F_("cosh", torch.cosh, sp.cosh, math.cosh, "torch.cosh"),
        F_("tanh", torch.tanh, sp.tanh, math.tanh, "torch.tanh"),
        F_("asinh", torch.asinh, sp.asinh, math.asinh, "torch.asinh"),
        F_("acosh", torch.acosh, sp.acosh, math.acosh, "torch.acosh", domain="x ≥ 1"),
        F_("atanh", torch.atanh, sp.atanh, math.atanh, "torch.atanh", domain="-1 < x < 1"),
        F_("exp", torch.exp, sp.exp, math.exp, "torch.exp"),
        F_("expm1", torch.expm1, lambda a: sp.exp(a) - 1, math.expm1, "torch.expm1"),
        F_("log", torch.log, sp.log, math.log, "torch.log", domain=_POSITIVE),
        F_("log1p", torch.log1p, lambda a: sp.log(1 + a), math.log1p, "torch.log1p", domain="x > -1"),
        F_("log2", torch.log2, lambda a: sp.log(a) / _LN2, math.log2, "torch.log2", domain=_POSITIVE),
        F_("log10", torch.log10, lambda a: sp.log(a) / _LN10, math.log10, "torch.log10", domain=_POSITIVE),
        F_("sqrt", torch.sqrt, sp.sqrt, math.sqrt, "torch.sqrt", domain="x ≥ 0"),
        F_("erf", torch.erf, sp.erf, math.erf, "torch.erf"),
        F_("erfc", torch.erfc, sp.erfc, math.erfc, "torch.erfc"),
        F_("sinc", torch.sinc, sinc, _sinc_float, "torch.sinc"),
        F_("abs", torch.abs, sp.Abs, abs, "torch.abs"),
        F_("sign", torch.sign, sgn, _sign_float, "torch.sign"),
        F_("sigmoid", torch.sigmoid, sigmoid, _sigmoid_float, "torch.sigmoid"),
        F_("relu", torch.relu, relu, lambda v: max(v, 0.0), "torch.relu"),
        F_("softplus", F.softplus, softplus, _softplus_float, "F.softplus"),
        F_("gelu", F.gelu, lambda a: a * (1 + sp.erf(a / _SQRT2)) / 2, _gelu_float, "F.gelu"),
        F_("silu", F.silu, lambda a: a * sigmoid(a), lambda v: v * _sigmoid_float(v), "F.silu"),
        F_("min", torch.minimum, sp.Min, min, "torch.minimum", arity=2, example="min(x, 1)"),
        F_("max", torch.maximum, sp.Max, max, "torch.maximum", arity=2, example="max(x, 0)"),
        F_(
            "clamp",
            lambda a, lo, hi: torch.clamp(a, min=lo, max=hi),
            clamp,
            lambda v, lo, hi: min(max(v, lo), hi),
            "torch.clamp",
            arity=3,
            constant_args=(1, 2),
            validate=_clamp_bounds,
            code_format="torch.clamp({0}, min={1}, max={2})",
            example="clamp(x, -1, 1)",
        ),
        F_(
            "atan2",
            torch.atan2,
            sp.atan2,
            math.atan2,
            "torch.atan2",
            arity=2,
            min_variables=2,
            example="atan2(y, x)",
            domain="ℝ²",
        ),
        F_(
            "hypot",
            torch.hypot,
            lambda a, b: sp.sqrt(a**2 + b**2),
            math.hypot,
            "torch.hypot",
            arity=2,
            min_variables=2,
            example="hypot(x, y)",
            domain="ℝ²",
        ),
    )
}

# The catalogue grouped for the help text: (text key of the group's title, names). relu is both
# an activation and a piecewise function; the last group needs two variables.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("expr.group_trig", ("sin", "cos", "tan", "sec", "csc", "cot")),
    ("expr.group_inverse_trig", ("asin", "acos", "atan")),
    ("expr.group_hyperbolic", ("sinh", "cosh", "tanh", "asinh", "acosh", "atanh")),
    ("expr.group_exp_log", ("exp", "expm1", "log", "log1p", "log2", "log10", "sqrt")),
    ("expr.group_special", ("erf", "erfc", "sinc")),
    ("expr.group_activations", ("sigmoid", "relu", "softplus", "gelu", "silu")),
    ("expr.group_piecewise", ("abs", "sign", "relu", "min", "max", "clamp")),
    ("expr.group_two_variables", ("atan2", "hypot")),
)
SIGNATURES = {"min": "min(a, b)", "max": "max(a, b)", "clamp": "clamp(x, lo, hi)", "atan2": "atan2(y, x)", "hypot": "hypot(x, y)"}


def catalogue_help(lang: str = "pt", variables: int = 1) -> str:
    """The functions an expression in ``variables`` variables may call, grouped, as Markdown.

    One line per group (its title in ``lang``, then each function, with its domain where that is
    not every real number), then one line on domains, sinc and clamp's bounds.
    """
    from core.i18n import tr  # at call time: core.i18n loads every package's texts on first use

    lines = []
    for key, names in GROUPS:
        shown = [n for n in names if CATALOGUE[n].min_variables <= variables]
        if shown:
            items = ", ".join(_help_item(CATALOGUE[n]) for n in shown)
            lines.append(f"- **{tr(key, lang)}**: {items}")
    lines.append("")
    lines.append(tr("expr.help_domains", lang))
    return "\n".join(lines)


def _help_item(f: CatalogueFunction) -> str:
    call = f"`{SIGNATURES.get(f.name, f.name)}`"
    return call if f.domain in ("ℝ", "ℝ²") else f"{call} ({f.domain})"


# SymPy node -> text key of the PyTorch convention its derivative follows (see the module docstring)
_CONVENTIONS: tuple[tuple[type, str], ...] = (
    (relu, "expr.conv_relu"),
    (sgn, "expr.conv_sign"),
    (sp.Max, "expr.conv_max_min"),
    (sp.Min, "expr.conv_max_min"),
    (clamp, "expr.conv_clamp"),
    (sinc, "expr.conv_sinc"),
)


def conventions(expression: Expression | sp.Expr) -> tuple[str, ...]:
    """Text keys of the PyTorch derivative conventions ``expression`` relies on, each once.

    ``expression`` is a parsed ``Expression`` (or a SymPy expression). A convention counts when
    its function is still in the expression after constant folding: ``relu(2)*x`` has none.
    """
    expr = getattr(expression, "real_sympy", expression)
    variables = expr.free_symbols
    found: list[str] = []
    for cls, key in _CONVENTIONS:
        if key not in found and any(node.free_symbols & variables for node in expr.atoms(cls)):
            found.append(key)
    return tuple(found)
