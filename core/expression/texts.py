"""Messages of the expression parser (core.expression.parser)."""

TEXTS = {
    # exact derivatives (core/expression/symbolic.py)
    "err.chain_too_complex": (
        "A composição g(f(x)) ou a sua derivada exata é grande demais para avaliar aqui; use funções mais simples.",
        "The composition g(f(x)) or its exact derivative is too large to evaluate here; use simpler functions.",
    ),
    "err.no_reference": (
        "Não há referência numérica para a derivada exata desta expressão (falta uma regra para {detail}); tente outra forma equivalente.",
        "There is no numeric reference for this expression's exact derivative (no rule for {detail}); try an equivalent form.",
    ),
    "err.expr_type": ("A expressão deve ser um texto.", "The expression must be text."),
    "err.expr_empty": ("Digite uma expressão, por exemplo x**2*sin(x).", "Type an expression, for example x**2*sin(x)."),
    "err.expr_length": (
        "Expressão longa demais: {length} caracteres (máximo {limit}).",
        "Expression too long: {length} characters (at most {limit}).",
    ),
    "err.expr_syntax": (
        "Erro de sintaxe perto da coluna {col}. Use a sintaxe do Python: 2*x (não 2x), x**2, sin(x).",
        "Syntax error near column {col}. Use Python syntax: 2*x (not 2x), x**2, sin(x).",
    ),
    "err.expr_incomplete": (
        "Coluna {col}: a expressão termina em '{op}'; falta o que vem depois (ex.: x{op}1).",
        "Column {col}: the expression ends on '{op}'; what comes after it is missing (e.g. x{op}1).",
    ),
    "err.expr_unclosed": (
        "Coluna {col}: falta fechar o '{bracket}' aberto na coluna {opened}.",
        "Column {col}: the '{bracket}' opened at column {opened} is never closed.",
    ),
    "err.expr_unmatched": (
        "Coluna {col}: este '{bracket}' fecha algo que não foi aberto.",
        "Column {col}: this '{bracket}' closes something that was never opened.",
    ),
    "err.expr_superscript": (
        "Coluna {col}: '{char}' é um expoente sobrescrito, que o Python não lê; escreva {suggestion}.",
        "Column {col}: '{char}' is a superscript power, which Python cannot read; write {suggestion}.",
    ),
    "err.expr_implicit_mul": (
        "Coluna {col}: falta o * da multiplicação; escreva {suggestion}.",
        "Column {col}: the * of a product is missing; write {suggestion}.",
    ),
    "err.expr_too_deep": (
        "Expressão aninhada demais (profundidade máxima {limit}).",
        "Expression nested too deeply (maximum depth {limit}).",
    ),
    "err.expr_nodes": (
        "Expressão grande demais: {nodes} elementos (máximo {limit}).",
        "Expression too large: {nodes} elements (at most {limit}).",
    ),
    "err.expr_node": (
        "Coluna {col}: '{what}' não é permitido. Use números, a variável, pi, e, + - * / ** e funções do catálogo.",
        "Column {col}: '{what}' is not allowed. Use numbers, the variable, pi, e, + - * / ** and catalogue functions.",
    ),
    "err.expr_operator": (
        "Coluna {col}: o operador {op} não é permitido. Permitidos: + - * / **.",
        "Column {col}: operator {op} is not allowed. Allowed: + - * / **.",
    ),
    "err.expr_caret": (
        "Coluna {col}: em Python ^ não é potência; escreva ** (ex.: x**2).",
        "Column {col}: in Python ^ is not a power; write ** (e.g. x**2).",
    ),
    "err.expr_name": (
        "Coluna {col}: nome desconhecido '{name}'. A variável é '{variable}'; constantes: pi, e.",
        "Column {col}: unknown name '{name}'. The variable is '{variable}'; constants: pi, e.",
    ),
    "err.expr_call_needed": (
        "Coluna {col}: '{name}' é uma função; escreva {name}(...).",
        "Column {col}: '{name}' is a function; write {name}(...).",
    ),
    "err.expr_function": (
        "Coluna {col}: função desconhecida '{name}'. Catálogo: {allowed}.",
        "Column {col}: unknown function '{name}'. Catalogue: {allowed}.",
    ),
    "err.expr_arity_many": (
        "Coluna {col}: {name} recebe exatamente {count} argumentos, sem nomes (ex.: {example}).",
        "Column {col}: {name} takes exactly {count} arguments, without names (e.g. {example}).",
    ),
    "err.expr_constant_arg": (
        "Coluna {col}: o argumento {position} de {name} deve ser um número fixo (ex.: {example}).",
        "Column {col}: argument {position} of {name} must be a fixed number (e.g. {example}).",
    ),
    "err.expr_name_many": (
        "Coluna {col}: nome desconhecido '{name}'. As variáveis são {variables}; constantes: pi, e.",
        "Column {col}: unknown name '{name}'. The variables are {variables}; constants: pi, e.",
    ),
    "err.expr_arity": (
        "Coluna {col}: {name} recebe exatamente um argumento, sem nomes (ex.: {name}(x)).",
        "Column {col}: {name} takes exactly one argument, without names (e.g. {name}(x)).",
    ),
    "err.expr_expanded": (
        "Expressão complexa demais depois de expandida (mais de {limit} nós); use menos funções aninhadas.",
        "Expression too complex once expanded (over {limit} nodes); nest fewer functions.",
    ),
    "err.expr_literal": (
        "Coluna {col}: número grande demais (máximo {limit} em valor absoluto).",
        "Column {col}: number too large (at most {limit} in absolute value).",
    ),
    "err.expr_exponent": (
        "Coluna {col}: expoente constante grande demais (máximo {limit} em valor absoluto).",
        "Column {col}: constant exponent too large (at most {limit} in absolute value).",
    ),
    "err.expr_digits": (
        "Coluna {col}: o SymPy teria de calcular um número exato de {digits} algarismos (o limite é {limit}). "
        "Use coeficientes ou expoentes menores.",
        "Column {col}: SymPy would have to compute an exact number of {digits} digits (the limit is {limit}). "
        "Use smaller coefficients or exponents.",
    ),
    "err.expr_constant": (
        "Coluna {col}: esta parte constante não dá um número real finito de até {limit} (ex.: 1/0, exp(1000), log(-1)).",
        "Column {col}: this constant part is not a finite real number up to {limit} (e.g. 1/0, exp(1000), log(-1)).",
    ),
    "err.expr_clamp_bounds": (
        "Coluna {col}: em {name} o limite inferior deve ser menor que o superior (ex.: {example}).",
        "Column {col}: in {name} the lower bound must be below the upper one (e.g. {example}).",
    ),
    # the catalogue, grouped for the help text (core/expression/catalogue.py catalogue_help)
    "expr.group_trig": ("Trigonométricas", "Trigonometric"),
    "expr.group_inverse_trig": ("Trigonométricas inversas", "Inverse trigonometric"),
    "expr.group_hyperbolic": ("Hiperbólicas e inversas", "Hyperbolic and inverse"),
    "expr.group_exp_log": ("Exponenciais, logaritmos e raiz", "Exponentials, logarithms and root"),
    "expr.group_special": ("Especiais", "Special"),
    "expr.group_activations": ("Ativações de redes neurais", "Neural-network activations"),
    "expr.group_piecewise": ("Por partes", "Piecewise"),
    "expr.group_two_variables": ("Duas variáveis", "Two variables"),
    "expr.help_domains": (
        "Entre parênteses, onde a função é real; fora disso o valor é NaN ou infinito. sinc(x) = sin(πx)/(πx), como no PyTorch; "
        "os limites de clamp são números fixos, lo < hi.",
        "In parentheses, where the function is real; outside it the value is NaN or infinite. sinc(x) = sin(πx)/(πx), as in "
        "PyTorch; clamp's bounds are fixed numbers, lo < hi.",
    ),
    # where the derivative follows PyTorch's convention rather than SymPy's (catalogue.conventions)
    "expr.conv_relu": (
        "relu'(0) = 0, a convenção do PyTorch (o SymPy usaria Heaviside(0) = 1/2).",
        "relu'(0) = 0, PyTorch's convention (SymPy would use Heaviside(0) = 1/2).",
    ),
    "expr.conv_sign": (
        "sign'(x) = 0 em todo ponto, também em x = 0, como no PyTorch (o SymPy escreve 2·δ(x), um impulso em 0).",
        "sign'(x) = 0 everywhere, x = 0 included, as in PyTorch (SymPy writes 2·δ(x), an impulse at 0).",
    ),
    "expr.conv_max_min": (
        "Onde os dois argumentos de max ou min empatam, o PyTorch dá metade do gradiente a cada um; a referência faz o mesmo.",
        "Where the two arguments of max or min tie, PyTorch gives half the gradient to each; the reference does the same.",
    ),
    "expr.conv_clamp": (
        "clamp(x, lo, hi) tem derivada 1 também nos limites x = lo e x = hi, como no PyTorch (um subgradiente).",
        "clamp(x, lo, hi) has derivative 1 at the bounds x = lo and x = hi too, as in PyTorch (a subgradient).",
    ),
    "expr.conv_sinc": (
        "Em x = 0 o PyTorch calcula sinc' = 0, mas da 2ª ordem em diante divide 0 por 0 (NaN); "
        "a referência mostra o limite: sinc''(0) = -π²/3.",
        "At x = 0 PyTorch computes sinc' = 0, but from the 2nd order on it divides 0 by 0 (NaN); "
        "the reference shows the limit: sinc''(0) = -π²/3.",
    ),
}
