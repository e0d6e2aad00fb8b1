"""The Gradients lab: functions of two variables, the gradient field, the Hessian and torch.optim."""
