"""Autograd Lab core: computations and figure builders (no streamlit)."""

from core.derivatives import Derivative, differentiate, exact_derivative, step_sweep, tangent  # noqa: E402,F401
from core.errors import ExpressionError, LabError  # noqa: E402,F401
from core.expression import Expression, parse  # noqa: E402,F401
