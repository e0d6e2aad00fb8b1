"""Gradients lab strings (texts_core): the computations' errors.

{key: (pt-BR, en)}
"""

TEXTS: dict[str, tuple[str, str]] = {
    "err.grad_variables": (
        "Este laboratório usa funções de x e y; a expressão dada é em {variables}.",
        "This lab takes functions of x and y; the expression given is in {variables}.",
    ),
    "err.grad_expression_type": (
        "Esperava uma expressão em x e y, como texto (recebido: {what}).",
        "Expected an expression in x and y, as text (got: {what}).",
    ),
    "err.grad_too_complex": (
        "As derivadas parciais de ordem {order} desta expressão são grandes demais para avaliar aqui; simplifique a expressão.",
        "The order-{order} partial derivatives of this expression are too large to evaluate here; simplify the expression.",
    ),
    "err.grad_range": (
        "{name} deve ser um par de números finitos (início, fim), cada um de {low} a {high} (recebido: {value}).",
        "{name} must be a pair of finite numbers (start, stop), each from {low} to {high} (got: {value}).",
    ),
    "err.grad_range_order": (
        "Em {name}, o início ({lo}) deve ser menor que o fim ({hi}).",
        "In {name}, the start ({lo}) must be less than the stop ({hi}).",
    ),
    "err.grad_point": (
        "{name} deve ser um par de números finitos (x, y), cada um de {low} a {high} (recebido: {value}).",
        "{name} must be a pair of finite numbers (x, y), each from {low} to {high} (got: {value}).",
    ),
    "err.grad_positive": (
        "{name} deve ser um número finito maior que 0 e no máximo {high} (recebido: {value}).",
        "{name} must be a finite number above 0 and at most {high} (got: {value}).",
    ),
    "err.grad_optimizer": (
        "Otimizador desconhecido: {name}. Use um destes: {allowed}.",
        "Unknown optimizer: {name}. Use one of: {allowed}.",
    ),
}
