"""Safe expressions in one or two variables: parsed with ``ast`` against an allowlist, never executed.

The text is parsed by ``ast.parse(mode="eval")``; the tree is checked node by node and walked
once to build three things that must agree: a torch function (for autograd), a SymPy expression
(the exact reference, its LaTeX) and the equivalent PyTorch source code. Constant
sub-expressions are folded in floats first, so ``9**9**9``, ``exp(1000)`` and ``1/0`` are
rejected in microseconds instead of reaching SymPy's exact arithmetic.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

import sympy as sp
import torch

from core.errors import ExpressionError
from core.expression.catalogue import CATALOGUE
from core.expression.syntax import Grammar, check_text, describe, parse_tree

MAX_LENGTH = 200  # characters
MAX_NODES = 120  # ast nodes
MAX_DEPTH = 24  # nesting of operations and calls
MAX_LITERAL = 1e6  # largest number literal
MAX_CONSTANT = 1e12  # largest folded constant
MAX_EXPONENT = 64  # largest constant exponent
MAX_SYMPY_NODES = 600  # size of the SymPy tree once shared sub-trees are counted each time
CONSTANTS = {"pi": (math.pi, sp.pi, "math.pi"), "e": (math.e, sp.E, "math.e")}
VARIABLES = ("x", "u")  # the variable of a one-variable lab
DECLARATIONS = (("x",), ("u",), ("x", "y"))  # what a lab may declare: x or u alone, or x and y
GRAMMAR = Grammar(
    max_chars=MAX_LENGTH,
    max_nodes=MAX_NODES,
    max_depth=MAX_DEPTH,
    key_type="err.expr_type",
    key_length="err.expr_length",
    key_empty="err.expr_empty",
    key_nodes="err.expr_nodes",
    key_deep="err.expr_too_deep",
)

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
# precedence for printing code: higher binds tighter
_PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4, "atom": 5}
_OPERATOR_HINTS = {
    ast.BitXor: "^",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.LShift: "<<",
    ast.RShift: ">>",
}

# every sub-tree is a function of the tuple of variable tensors, in the order the lab declared them
TorchFn = Callable[[tuple[torch.Tensor, ...]], "torch.Tensor | float"]


@dataclass(frozen=True)
class _Built:
    """A checked sub-tree in its three forms; ``value`` is set when it is a constant."""

    torch_fn: TorchFn
    sym: sp.Expr
    code: str
    prec: int
    value: float | None = None


@dataclass(frozen=True, eq=False)
class Expression:
    """A safely parsed expression in one variable, or in two (``variables=("x", "y")``).

    Call it on torch tensors of any device and dtype, one per variable in the declared order
    (``expr(x)``, ``expr(x, y)``), to get f, differentiable by autograd; tensors of two variables
    broadcast together, and the result always has their broadcast shape. ``sympy`` is the exact
    SymPy form in plain ``Symbol``s (as SymPy users write it), ``latex`` its LaTeX, and ``code``
    the same computation written in PyTorch. ``real_sympy`` is the same form in real symbols
    (``real_symbols``, the first is ``real_symbol``): the one to differentiate, since only for a
    real x does SymPy write d|x|/dx as sign(x) rather than in complex parts.
    """

    text: str
    variable: str
    real_sympy: sp.Expr
    real_symbol: sp.Symbol
    code: str
    _fn: TorchFn
    variables: tuple[str, ...] = ("x",)
    real_symbols: tuple[sp.Symbol, ...] = ()

    def __call__(self, *tensors: torch.Tensor) -> torch.Tensor:
        if len(tensors) != len(self.variables):
            raise TypeError(f"{self!r} takes {len(self.variables)} tensor(s), one per variable {self.variables}")
        out = self._fn(tensors)
        if len(tensors) == 1:
            t = tensors[0]
            return out if isinstance(out, torch.Tensor) else torch.full_like(t, float(out))
        shape = torch.broadcast_shapes(*(t.shape for t in tensors))
        if not isinstance(out, torch.Tensor):  # a constant expression
            t = tensors[0]
            return torch.full(shape, float(out), dtype=t.dtype, device=t.device)
        return out if out.shape == shape else out.expand(shape)

    @property
    def symbol(self) -> sp.Symbol:
        return sp.Symbol(self.variable)

    @property
    def symbols(self) -> tuple[sp.Symbol, ...]:
        return tuple(sp.Symbol(v) for v in self.variables)

    @cached_property
    def sympy(self) -> sp.Expr:
        return self.real_sympy.xreplace({s: sp.Symbol(s.name) for s in self.real_symbols or (self.real_symbol,)})

    @property
    def latex(self) -> str:
        return sp.latex(self.real_sympy)

    @property
    def is_constant(self) -> bool:
        return not (set(self.real_symbols or (self.real_symbol,)) & self.real_sympy.free_symbols)

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


def to_plain(expr: sp.Expr, real_symbol: sp.Symbol) -> sp.Expr:
    """``expr`` with its real symbol replaced by the plain symbol of the same name."""
    return expr.xreplace({real_symbol: sp.Symbol(real_symbol.name)})


def parse(text: str, variable: str = "x", *, variables: tuple[str, ...] | None = None) -> Expression:
    """Parse ``text`` (an expression in ``variable``, or in ``variables``) without executing it.

    Allowed: numbers, the variables, ``pi``, ``e``, ``+ - * / **``, unary minus and plus,
    and calls of the catalogue (``core.expression.catalogue.CATALOGUE``) with their number of
    arguments; a few functions take two variables and exist only where two are declared
    (``atan2``, ``hypot``). Anything else, and any text beyond the size limits, raises
    ``ExpressionError`` saying what and where. ``parse(text)`` is an expression in x alone;
    ``parse(text, variables=("x", "y"))`` one in x and y.
    """
    names = _check_variables((variable,) if variables is None else variables)
    # ast reads one line without leading blanks: runs of whitespace become one space, and
    # every column reported back is mapped to the text as typed
    stripped = check_text(text, GRAMMAR)
    columns = _Columns(text, stripped)
    tree = parse_tree(stripped, GRAMMAR, lambda exc: _syntax_error(text, stripped, exc, columns))
    symbols = tuple(sp.Symbol(name, real=True) for name in names)
    built = _Builder(names, symbols, columns).build(tree.body, depth=0)
    if tree_size(built.sym) > MAX_SYMPY_NODES:  # e.g. gelu(gelu(...)) doubles at each level
        raise ExpressionError("err.expr_expanded", limit=MAX_SYMPY_NODES)
    if _largest_number(built.sym) > MAX_NUMBER_DIGITS:  # a product of many large literals
        raise ExpressionError("err.expr_digits", col=1, digits=_largest_number(built.sym), limit=MAX_NUMBER_DIGITS)
    return Expression(stripped, names[0], built.sym, symbols[0], built.code, built.torch_fn, names, symbols)


def _check_variables(variables: object) -> tuple[str, ...]:
    """The declared variables as a tuple, one of ``DECLARATIONS``."""
    names = tuple(variables) if isinstance(variables, (tuple, list)) else None
    if names not in DECLARATIONS:
        raise ValueError(f"variables must be one of {DECLARATIONS}, got {variables!r}")
    return names


def tree_size(expr: sp.Basic) -> int:
    """Nodes of ``expr`` as a tree (a shared sub-tree counts every time it appears).

    Computed on the DAG with a memo, so it is cheap even when the tree is huge.
    """
    memo: dict[int, int] = {}

    def size(node: sp.Basic) -> int:
        key = id(node)
        if key not in memo:
            memo[key] = 1 + sum(size(a) for a in node.args)
        return memo[key]

    return size(expr)


def _checked_constant(value: float | complex, col: int) -> float:
    if isinstance(value, complex) or not math.isfinite(value) or abs(value) > MAX_CONSTANT:
        raise ExpressionError("err.expr_constant", col=col, limit=f"{MAX_CONSTANT:.0e}")
    return float(value)


class _Builder:
    """Walks a parsed tree, checking every node against the allowlist."""

    def __init__(self, variables: tuple[str, ...], symbols: tuple[sp.Symbol, ...], columns: _Columns) -> None:
        self.variables = variables
        self.symbols = symbols
        self.columns = columns

    def build(self, node: ast.AST, depth: int) -> _Built:
        if depth > MAX_DEPTH:
            raise ExpressionError("err.expr_too_deep", limit=MAX_DEPTH)
        col = self.columns.of_node(node)
        if isinstance(node, ast.Constant):
            return self._number(node, col)
        if isinstance(node, ast.Name):
            return self._name(node, col)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            return self._unary(node, depth)
        if isinstance(node, ast.BinOp) and type(node.op) in _BINOPS:
            return self._binop(node, depth, col)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitXor):
            raise ExpressionError("err.expr_caret", col=self.columns.of_operator(node, "^"))
        if isinstance(node, ast.BinOp):
            op = _OPERATOR_HINTS.get(type(node.op), "?")
            raise ExpressionError("err.expr_operator", col=self.columns.of_operator(node, op), op=op)
        if isinstance(node, ast.Call):
            return self._call(node, depth, col)
        raise ExpressionError("err.expr_node", col=col, what=describe(node))

    def _number(self, node: ast.Constant, col: int) -> _Built:
        v = node.value
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise ExpressionError("err.expr_node", col=col, what=describe(node))
        if not math.isfinite(v) or abs(v) > MAX_LITERAL:
            raise ExpressionError("err.expr_literal", col=col, limit=f"{MAX_LITERAL:.0e}")
        f = float(v)
        sym = sp.Integer(v) if isinstance(v, int) else sp.Float(repr(f))
        return _Built(lambda t: f, sym, repr(v), _PREC["atom"], f)

    def _name(self, node: ast.Name, col: int) -> _Built:
        if node.id in self.variables:
            k = self.variables.index(node.id)
            return _Built(lambda v: v[k], self.symbols[k], node.id, _PREC["atom"])
        if node.id in CONSTANTS:
            f, sym, code = CONSTANTS[node.id]
            return _Built(lambda t: f, sym, code, _PREC["atom"], f)
        if node.id in CATALOGUE:
            raise ExpressionError("err.expr_call_needed", col=col, name=node.id)
        if len(self.variables) > 1:
            raise ExpressionError("err.expr_name_many", col=col, name=node.id[:20], variables=", ".join(self.variables))
        raise ExpressionError("err.expr_name", col=col, name=node.id[:20], variable=self.variables[0])

    def _unary(self, node: ast.UnaryOp, depth: int) -> _Built:
        inner = self.build(node.operand, depth + 1)
        if isinstance(node.op, ast.UAdd):
            return inner
        if inner.value is not None:
            f = -inner.value
            return _Built(lambda t: f, -inner.sym, repr(f), _PREC["atom"] if math.copysign(1.0, f) > 0 else _PREC["neg"], f)
        fn = inner.torch_fn
        code = _wrap(inner, _PREC["neg"])
        return _Built(lambda t: -fn(t), -inner.sym, f"-{code}", _PREC["neg"])

    def _binop(self, node: ast.BinOp, depth: int, col: int) -> _Built:
        op = _BINOPS[type(node.op)]
        left = self.build(node.left, depth + 1)
        right = self.build(node.right, depth + 1)
        if op == "**" and right.value is not None and abs(right.value) > MAX_EXPONENT:
            raise ExpressionError("err.expr_exponent", col=col, limit=MAX_EXPONENT)
        if left.value is not None and right.value is not None:
            # fold in floats before SymPy sees it: SymPy's exact arithmetic has no bound
            f = _checked_constant(_fold(op, left.value, right.value), col)
            sym = _sym_pow(left.sym, right.sym, col) if op == "**" else _ARITH[op](left.sym, right.sym)
            return _Built(lambda t: f, sym, repr(f), _PREC["atom"] if math.copysign(1.0, f) > 0 else _PREC["neg"], f)
        sym = _sym_pow(left.sym, right.sym, col) if op == "**" else _ARITH[op](left.sym, right.sym)
        lf, rf = left.torch_fn, right.torch_fn
        fn = _torch_op(op, lf, rf)
        prec = _PREC[op]
        # ** is right-associative: its left operand needs parentheses at equal precedence
        lcode = _wrap(left, prec + 1 if op == "**" else prec)
        rcode = _wrap(right, prec if op == "**" else prec + 1)  # floats do not associate: keep a + (b + c)
        return _Built(fn, sym, f"{lcode} {op} {rcode}", prec)

    def _call(self, node: ast.Call, depth: int, col: int) -> _Built:
        func = node.func
        if isinstance(func, (ast.Constant, ast.BinOp, ast.UnaryOp, ast.Call)) or (
            isinstance(func, ast.Name) and (func.id in self.variables or func.id in CONSTANTS)
        ):
            # 2(x+1), (x+1)(x-1), x(x+1): a product written without its *
            raise ExpressionError(
                "err.expr_implicit_mul", col=self.columns.of_call_paren(node), suggestion=self.columns.product(node)
            )
        if not isinstance(func, ast.Name):
            raise ExpressionError("err.expr_node", col=col, what=describe(func))
        name = func.id
        entry = CATALOGUE.get(name)
        if entry is None or len(self.variables) < entry.min_variables:
            allowed = ", ".join(n for n, e in CATALOGUE.items() if e.min_variables <= len(self.variables))
            raise ExpressionError("err.expr_function", col=col, name=name[:20], allowed=allowed)
        if node.keywords or len(node.args) != entry.arity or any(isinstance(a, ast.Starred) for a in node.args):
            raise ExpressionError(
                "err.expr_arity" if entry.arity == 1 else "err.expr_arity_many",
                col=col,
                name=name,
                count=entry.arity,
                example=entry.example,
            )
        args = [self.build(a, depth + 1) for a in node.args]
        for k in entry.constant_args:
            if args[k].value is None:
                raise ExpressionError(
                    "err.expr_constant_arg",
                    col=self.columns.of_node(node.args[k]),
                    name=name,
                    position=k + 1,
                    example=entry.example,
                )
        if entry.validate is not None:
            problem = entry.validate(*(a.value for a in args))
            if problem is not None:
                raise ExpressionError(problem, col=col, name=name, example=entry.example)
        syms = [a.sym for a in args]
        if all(a.value is not None for a in args):
            try:
                raw = entry.float_fn(*(a.value for a in args))
            except (OverflowError, ValueError, ZeroDivisionError):
                raw = math.nan
            f = _checked_constant(raw, col)
            return _Built(
                lambda t: f, entry.sympy_fn(*syms), repr(f), _PREC["atom"] if math.copysign(1.0, f) > 0 else _PREC["neg"], f
            )
        sym = entry.sympy_fn(*syms)
        torch_fn = entry.torch_fn
        if entry.arity == 1:
            inner = args[0].torch_fn
            code = entry.code_format.format(args[0].code) if entry.code_format else f"{entry.code}({args[0].code})"
            return _Built(lambda v: torch_fn(inner(v)), sym, code, _PREC["atom"])
        # several arguments: a constant in a tensor slot becomes a 0-d tensor of the variables'
        # dtype (torch.maximum takes tensors only); a constant slot (clamp's bounds) stays a float
        parts = [_argument(a, k in entry.constant_args) for k, a in enumerate(args)]
        # in the variables' dtype, as _argument does: torch.tensor(0.1) alone would round 0.1 to float32
        dtype = f"dtype={self.variables[0]}.dtype"
        codes = [
            a.code if (k in entry.constant_args or a.value is None) else f"torch.tensor({a.code}, {dtype})"
            for k, a in enumerate(args)
        ]
        code = entry.code_format.format(*codes) if entry.code_format else f"{entry.code}({', '.join(codes)})"
        return _Built(lambda v: torch_fn(*(p(v) for p in parts)), sym, code, _PREC["atom"])


def _argument(arg: _Built, keep_float: bool) -> Callable[[tuple[torch.Tensor, ...]], "torch.Tensor | float"]:
    """How one argument of a several-argument call is computed from the variables."""
    if arg.value is None or keep_float:
        return arg.torch_fn
    value = arg.value
    return lambda v: _like(value, v[0])


def _wrap(b: _Built, prec: int) -> str:
    return f"({b.code})" if b.prec < prec else b.code


# one table of the five operators serves floats (folding), SymPy and torch alike
_ARITH: dict[str, Callable] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "**": operator.pow,
}


def _fold(op: str, a: float, b: float) -> float | complex:
    """a op b in floats; |b| <= MAX_EXPONENT and |a| <= MAX_CONSTANT keep ** cheap."""
    try:
        return _ARITH[op](a, b)
    except (OverflowError, ZeroDivisionError):
        return math.inf


MAX_EXACT_BITS = 1024  # largest exact rational power SymPy may compute (its digits multiply when nested)
MAX_COEFF_DIGITS = 200  # digits of a coefficient SymPy may raise to a power: (999999*x)**64 would have 384
MAX_NUMBER_DIGITS = 400  # digits of any exact number in the expression (LaTeX prints them all)


def _sym_pow(a: sp.Expr, b: sp.Expr, col: int) -> sp.Expr:
    """a**b in SymPy, bounded even where SymPy sees a constant the parser did not (x - x + 100)."""
    if b.is_Number and not b.is_finite:  # nan from (x - x)/(x - x)
        raise ExpressionError("err.expr_constant", col=col, limit=f"{MAX_CONSTANT:.0e}")
    if b.is_Number and abs(b) > MAX_EXPONENT:
        raise ExpressionError("err.expr_exponent", col=col, limit=MAX_EXPONENT)
    if a.is_Rational and b.is_Rational and abs(b.p) * max(a.p.bit_length(), a.q.bit_length()) > MAX_EXACT_BITS:
        # ((1/3)**64)**64 is exact in SymPy (~2000 digits); one level more is a million: use the float
        return sp.Float(_checked_constant(_fold("**", float(a), float(b)), col))
    if b.is_Rational:
        # SymPy distributes an integer power over a product, coefficient included: (k*x)**n is
        # k**n * x**n, and nesting multiplies the digits again (((999999*x)**64)**64)**64 is a
        # number of 25 million digits, one C call that holds the GIL for minutes)
        coeff, _ = a.as_coeff_Mul()
        if coeff.is_Rational and _digits(coeff) * abs(b.p) > MAX_COEFF_DIGITS:
            raise ExpressionError("err.expr_digits", col=col, digits=_digits(coeff) * abs(b.p), limit=MAX_COEFF_DIGITS)
    return a**b


def _digits(r: sp.Rational) -> int:
    """Decimal digits of the larger of a rational's numerator and denominator (from its bit length)."""
    n = max(abs(int(r.p)), int(r.q))
    return len(str(n)) if n.bit_length() < 10_000 else int(n.bit_length() * 0.30103) + 1


def _largest_number(expr: sp.Basic) -> int:
    """Digits of the largest exact number in ``expr`` (what its LaTeX would print)."""
    return max((_digits(a) for a in expr.atoms(sp.Rational)), default=0)


def _torch_pow(lf: TorchFn, rf: TorchFn) -> TorchFn:
    def fn(v: tuple[torch.Tensor, ...]) -> torch.Tensor:
        base, exponent = lf(v), rf(v)
        if not isinstance(base, torch.Tensor):  # constant ** tensor, e.g. 2**x
            return torch.pow(_like(base, v[0]), exponent)
        return base**exponent

    return fn


def _torch_op(op: str, lf: TorchFn, rf: TorchFn) -> TorchFn:
    if op == "**":
        return _torch_pow(lf, rf)
    f = _ARITH[op]
    return lambda v: f(lf(v), rf(v))


def _like(value: float, reference: torch.Tensor) -> torch.Tensor:
    """A constant as a 0-d tensor of the reference's dtype and device (broadcasts without copying)."""
    return torch.as_tensor(value, dtype=reference.dtype, device=reference.device)


class _Columns:
    """Maps positions in the one-line text given to ``ast`` back to the text as typed (1-based)."""

    def __init__(self, text: str, stripped: str) -> None:
        self.stripped = stripped
        index: list[int] = []  # index[i]: where stripped[i] sits in text
        gap: int | None = None
        for j, ch in enumerate(text):
            if ch.isspace():
                if index and gap is None:
                    gap = j  # the single space that stands for this run of whitespace
                continue
            if gap is not None:
                index.append(gap)
                gap = None
            index.append(j)
        index.append(index[-1] + 1 if index else 0)  # one past the end
        self.index = index

    def original(self, i: int) -> int:
        """1-based column in the typed text of the 0-based position ``i`` of the one-line text."""
        return self.index[min(max(i, 0), len(self.index) - 1)] + 1

    def char(self, byte_offset: int) -> int:
        """0-based character position of an ``ast`` column (which counts UTF-8 bytes)."""
        return len(self.stripped.encode("utf-8")[:byte_offset].decode("utf-8", errors="ignore"))

    def of_node(self, node: ast.AST) -> int:
        return self.original(self.char(getattr(node, "col_offset", 0)))

    def product(self, node: ast.Call) -> str:
        """``a*(b)`` for a call ``a(b)`` whose callee is not a function name."""
        paren = self.stripped.find("(", self.char(node.func.end_col_offset))
        before = self.stripped[self.char(node.col_offset) : paren].rstrip()
        return f"{_short(before)}*{_short(_operand_after(self.stripped, paren))}"

    def of_operator(self, node: ast.BinOp, op: str) -> int:
        """Column of a binary operator's symbol, between its two operands."""
        lo, hi = self.char(node.left.end_col_offset), self.char(node.right.col_offset)
        found = self.stripped.find(op, lo, hi)
        return self.original(found if found >= 0 else self.char(node.col_offset))

    def of_call_paren(self, node: ast.Call) -> int:
        lo = self.char(node.func.end_col_offset)
        found = self.stripped.find("(", lo)
        return self.original(found if found >= 0 else lo)


_SUPERSCRIPTS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-", strict=True))
_SUPERSCRIPT = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹⁻]+")
# a number that starts a token, directly followed by a name or "(": 2x, 3.5(x+1), 1e3x
_IMPLICIT = re.compile(r"(?<![\w.])(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)\s*([^\W\d]\w*|\()")
_TRAILING_OPERATOR = re.compile(r"(\*\*|[-+*/^])$")  # the operators a formula uses (^ gets its own hint)
_OPERAND_END = re.compile(r"[\w.)]$")
_OPERAND_START = re.compile(r"[\w(.]")


def _short(code: str, limit: int = 24) -> str:
    return code if len(code) <= limit else "…" + code[-limit:]


def _operand_after(text: str, start: int) -> str:
    """The operand that starts at ``start``: a name or number, with its parenthesis if one follows."""
    m = re.compile(r"[\w.]*").match(text, start)
    i = m.end()
    if i < len(text) and text[i] == "(":
        depth = 0
        for j in range(i, len(text)):
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            if depth == 0:
                return text[start : j + 1]
        return text[start:]
    return text[start:i]


def _operand_before(text: str, end: int) -> str:
    """The operand that ends just before ``end``: a name, a number or a call/parenthesis."""
    i = end
    if i > 0 and text[i - 1] == ")":
        depth = 0
        while i > 0:
            i -= 1
            depth += {")": 1, "(": -1}.get(text[i], 0)
            if depth == 0:
                break
    while i > 0 and (text[i - 1].isalnum() or text[i - 1] in "_."):
        i -= 1
    return text[i:end].strip() or "x"


def _syntax_error(text: str, stripped: str, exc: SyntaxError, columns: _Columns) -> ExpressionError:
    """The most helpful error for text that ``ast`` refused: where, and how to write it.

    Candidates are Python's own position and the hints below, all in the typed text; the
    leftmost wins (a hint at the same place beats Python's bare "invalid syntax").
    Python puts "unexpected end" errors at offset 0 or past the end: those point at the
    operator left hanging at the end instead.
    """
    found: list[tuple[int, int, ExpressionError]] = []  # (column where the problem starts, rank, error)
    m = _SUPERSCRIPT.search(text)
    if m:
        power = "".join(_SUPERSCRIPTS[c] for c in m.group())
        power = f"({power})" if power.startswith("-") else power
        base = _operand_before(text, m.start())
        found.append(
            (
                m.start() + 1,
                0,
                ExpressionError("err.expr_superscript", col=m.start() + 1, char=m.group(), suggestion=f"{_short(base)}**{power}"),
            )
        )
    m = _IMPLICIT.search(text)
    if m:  # Python blames the number ("invalid decimal literal"); the * is missing before the name
        found.append(
            (
                m.start(1) + 1,
                0,
                ExpressionError(
                    "err.expr_implicit_mul",
                    col=m.start(2) + 1,
                    suggestion=f"{m.group(1)}*{_short(_operand_after(text, m.start(2)))}",
                ),
            )
        )
    offset = exc.offset or 0
    msg = exc.msg or ""
    if "was never closed" in msg and 1 <= offset <= len(stripped):
        col = len(text.rstrip()) + 1  # where the missing ")" goes
        found.append(
            (
                columns.original(offset - 1),
                1,
                ExpressionError("err.expr_unclosed", col=col, bracket=stripped[offset - 1], opened=columns.original(offset - 1)),
            )
        )
    elif msg.startswith("unmatched") and 1 <= offset <= len(stripped):
        found.append(
            (
                columns.original(offset - 1),
                1,
                ExpressionError("err.expr_unmatched", col=columns.original(offset - 1), bracket=stripped[offset - 1]),
            )
        )
    elif 1 <= offset <= len(stripped):
        i = offset - 1
        before = stripped[:i].rstrip()
        if _OPERAND_START.match(stripped[i]) and _OPERAND_END.search(before):
            # two operands side by side: x y, 2 x, sin(x) cos(x)
            left, right = _operand_before(before, len(before)), _operand_after(stripped, i)
            found.append(
                (
                    columns.original(i),
                    1,
                    ExpressionError(
                        "err.expr_implicit_mul", col=columns.original(i), suggestion=f"{_short(left)}*{_short(right)}"
                    ),
                )
            )
        else:
            found.append((columns.original(i), 2, ExpressionError("err.expr_syntax", col=columns.original(i))))
    m = _TRAILING_OPERATOR.search(stripped)
    if m:  # the text ends on an operator: the right-hand side is missing
        col = columns.original(m.start())
        key = "err.expr_caret" if m.group() == "^" else "err.expr_incomplete"
        found.append((col, 1, ExpressionError(key, col=col, op=m.group())))
    if not found:  # unexpected end after something else (e.g. "x if"): point at the last character
        col = columns.original(len(stripped) - 1)
        found.append((col, 2, ExpressionError("err.expr_syntax", col=col)))
    return min(found, key=lambda c: (c[0], c[1]))[2]
