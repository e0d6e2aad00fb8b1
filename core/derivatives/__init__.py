"""The Derivatives lab: autograd on a grid against the exact derivative."""

from __future__ import annotations

from core.derivatives.compute import Derivative, differentiate, exact_derivative, step_sweep, tangent

__all__ = ["Derivative", "differentiate", "exact_derivative", "step_sweep", "tangent"]
