"""The Gradients lab: functions of two variables, the gradient field, the Hessian and torch.optim."""

from core.gradients.descend import OPTIMIZERS, Descent, descend
from core.gradients.exact import exact_partials
from core.gradients.field import GradientField, gradient_field
from core.gradients.hessian import Hessian, hessian, largest_stable_lr

__all__ = [
    "OPTIMIZERS",
    "Descent",
    "GradientField",
    "Hessian",
    "descend",
    "exact_partials",
    "gradient_field",
    "hessian",
    "largest_stable_lr",
]
