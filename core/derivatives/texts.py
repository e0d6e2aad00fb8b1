"""The Derivatives lab's strings: its errors (core.derivatives, core.expression.symbolic) and its page."""

TEXTS = {
    # errors
    "err.diff_order_bounds": (
        "O início ({start}) deve ser menor que o fim ({stop}).",
        "The start ({start}) must be less than the stop ({stop}).",
    ),
    "err.diff_too_complex": (
        "A derivada de ordem {order} desta expressão é grande demais para avaliar aqui; simplifique a expressão ou use uma ordem menor.",
        "The order-{order} derivative of this expression is too large to evaluate here; simplify the expression or use a lower order.",
    ),
    "err.diff_step": (
        "O passo h deve ser um número positivo finito (recebido: {value}).",
        "The step h must be a finite positive number (got: {value}).",
    ),
}

TEXTS.update(
    {
        "deriv.title": ("Derivadas: autograd contra a derivada exata", "Derivatives: autograd against the exact derivative"),
        "deriv.intro": (
            "Escolha ou digite uma função de x. O PyTorch calcula f na grade, o autograd calcula a derivada, "
            "e o SymPy dá a derivada exata, avaliada com NumPy em float64 nos mesmos pontos. "
            "O painel de baixo mostra o erro do autograd: em float64 ele fica perto do arredondamento, em float32 cerca de 10⁸ vezes maior.",
            "Pick or type a function of x. PyTorch computes f on the grid, autograd computes the derivative, "
            "and SymPy gives the exact derivative, evaluated with NumPy in float64 at the same points. "
            "The lower panel shows autograd's error: in float64 it sits near rounding, in float32 about 10⁸ times larger.",
        ),
        "deriv.preset": ("Catálogo", "Catalogue"),
        "deriv.preset_custom": ("(minha expressão)", "(my expression)"),
        "deriv.expr": ("f(x) =", "f(x) ="),
        "deriv.expr_help": (
            "Sintaxe do Python: + - * / **, pi, e e estas funções:\n\n{functions}",
            "Python syntax: + - * / **, pi, e and these functions:\n\n{functions}",
        ),
        "deriv.start": ("Início do intervalo", "Range start"),
        "deriv.stop": ("Fim do intervalo", "Range end"),
        "deriv.points": ("Pontos na grade", "Grid points"),
        "deriv.order": ("Ordem da derivada", "Derivative order"),
        "deriv.x0": ("Reta tangente em x₀", "Tangent line at x₀"),
        "deriv.fd": ("Comparar com diferença finita central", "Compare with a central finite difference"),
        "deriv.fd_h": ("Passo h (escala log)", "Step h (log scale)"),
        "deriv.fd_order": (
            "A diferença finita aqui é de 1ª ordem; escolha ordem 1 para vê-la no gráfico.",
            "The finite difference here is first order; pick order 1 to see it on the chart.",
        ),
        "deriv.latex_f": ("Função", "Function"),
        "deriv.latex_df": ("Derivada exata (SymPy)", "Exact derivative (SymPy)"),
        "deriv.max_error": ("Erro máximo |autograd − exata|", "Max error |autograd − exact|"),
        "deriv.max_rel_error": ("Erro relativo máximo", "Max relative error"),
        "deriv.max_rel_error_help": (
            "Os valores da derivada são enormes aqui, então o erro absoluto ({abs}) não diz nada: mostramos o máximo de "
            "|autograd − exata| / |exata| nos pontos em que ambas são finitas e a exata não é 0.",
            "The derivative's values are huge here, so the absolute error ({abs}) says nothing: this is the maximum of "
            "|autograd − exact| / |exact| over the points where both are finite and the exact one is not 0.",
        ),
        "deriv.max_error_help": (
            "Sobre os pontos em que as duas são finitas.",
            "Over the points where both are finite.",
        ),
        "deriv.slope": ("Inclinação em x₀ (autograd)", "Slope at x₀ (autograd)"),
        "deriv.slope_exact": ("Inclinação exata", "Exact slope"),
        "deriv.nonfinite": (
            "{count} de {points} pontos não são finitos (NaN ou ±inf): em f {f}, no autograd {df}, na exata {exact}. "
            "Eles aparecem como lacunas no gráfico e ficam fora do erro máximo.",
            "{count} of {points} points are not finite (NaN or ±inf): in f {f}, in autograd {df}, in the exact {exact}. "
            "They show as gaps on the chart and are left out of the max error.",
        ),
        "deriv.no_common": (
            "Não há nenhum ponto em que autograd e a derivada exata sejam ambos finitos neste intervalo.",
            "There is no point where autograd and the exact derivative are both finite on this range.",
        ),
        "deriv.conventions": (
            "Convenções nos pontos de quebra: o PyTorch define relu'(0) = 0 e abs'(0) = 0, e a referência segue essas "
            "convenções (a Heaviside do SymPy daria 1/2 em 0). sqrt'(0) e log'(0) são infinitos. "
            "A grade de linspace pode não conter o 0 exato: use a tangente em x₀ = 0 para ver o valor no ponto. "
            "Nas derivadas de ordem 2 ou 3 de relu e abs o SymPy escreve δ(x), o delta de Dirac: ele vale 0 fora de x = 0, "
            "e o PyTorch também dá 0 em x = 0.",
            "Conventions at kinks: PyTorch defines relu'(0) = 0 and abs'(0) = 0, and the reference follows them "
            "(SymPy's Heaviside would give 1/2 at 0). sqrt'(0) and log'(0) are infinite. "
            "The linspace grid may not hold an exact 0: use the tangent at x₀ = 0 to see the value at that point. "
            "In 2nd and 3rd derivatives of relu and abs SymPy writes δ(x), the Dirac delta: it is 0 away from x = 0, "
            "and PyTorch gives 0 at x = 0 too.",
        ),
        "deriv.trace_f": ("f(x)", "f(x)"),
        "deriv.trace_autograd": ("f{primes}(x) autograd", "f{primes}(x) autograd"),
        "deriv.trace_exact": ("f{primes}(x) exata", "f{primes}(x) exact"),
        "deriv.trace_fd": ("diferença finita (h = {h})", "finite difference (h = {h})"),
        "deriv.trace_tangent": ("tangente em x₀ = {x0} (inclinação {slope})", "tangent at x₀ = {x0} (slope {slope})"),
        "deriv.trace_error": ("|autograd − exata|", "|autograd − exact|"),
        "deriv.axis_value": ("valor", "value"),
        "deriv.trace_rel_error": ("|autograd − exata| / |exata|", "|autograd − exact| / |exact|"),
        "deriv.axis_rel_error": ("erro relativo (0 na base)", "relative error (0 at the bottom)"),
        "deriv.axis_error": ("erro absoluto (0 na base)", "absolute error (0 at the bottom)"),
        "deriv.graph": ("O backward passo a passo, com os números", "The backward pass step by step, with its numbers"),
        "deriv.graph_text": (
            "O grafo que o PyTorch gravou ao calcular f(x₀) no ponto x₀ da tangente. O backward começa na raiz com ḡ = 1 "
            "e visita os nós na ordem do autograd: cada nó multiplica o seu ḡ pela derivada local de cada entrada e "
            "soma o produto no ḡ dessa entrada. Na folha x chega f'(x₀). Avance o passo para ver cada produto.",
            "The graph PyTorch recorded while computing f(x₀) at the tangent's point x₀. Backward starts at the root with "
            "ḡ = 1 and visits the nodes in autograd's order: each node multiplies its ḡ by the local derivative of each "
            "input and adds the product into that input's ḡ. The leaf x receives f'(x₀). Step forward to see each product.",
        ),
        "deriv.why": ("Por que autodiff? Diferença finita contra autograd", "Why autodiff? Finite difference against autograd"),
        "deriv.why_text": (
            "A diferença central (f(x+h) − f(x−h))/2h tem erro de truncamento que cai como h², mas o arredondamento "
            "cresce como ε/h: o melhor h fica perto de ε^(1/3) (≈ 5·10⁻³ em float32, ≈ 6·10⁻⁶ em float64) e nunca alcança "
            "o autograd, que aplica a regra da cadeia exata em cada operação e só erra pelo arredondamento de cada uma.",
            "The central difference (f(x+h) − f(x−h))/2h has a truncation error that falls like h², but rounding grows "
            "like ε/h: the best h is near ε^(1/3) (≈ 5·10⁻³ in float32, ≈ 6·10⁻⁶ in float64) and never reaches autograd, "
            "which applies the exact chain rule to each operation and errs only by each one's rounding.",
        ),
        "deriv.sweep_fd": ("diferença finita, {dtype}", "finite difference, {dtype}"),
        "deriv.sweep_autograd": ("autograd, {dtype} (erro {err})", "autograd, {dtype} (error {err})"),
        "deriv.sweep_autograd_zero": (
            "autograd, {dtype} (erro 0, desenhado em {floor})",
            "autograd, {dtype} (error 0, drawn at {floor})",
        ),
        "deriv.sweep_h": ("passo h", "step h"),
        "deriv.sweep_error": ("erro máximo na grade", "max error on the grid"),
    }
)

# comments of the PyTorch code the page shows (code.py)
TEXTS.update(
    {
        "code.constant": ("uma constante: a derivada é 0", "a constant: its derivative is 0"),
        "code.elementwise": ("f age elemento a elemento: d(soma y)/dx_i = f'(x_i)", "f is elementwise: d(sum y)/dx_i = f'(x_i)"),
        "code.create_graph": ("create_graph guarda o grafo de cada derivada", "create_graph keeps the graph of each derivative"),
        "code.rest_zero": (
            "o que sobrou não depende mais de x: o resto é 0",
            "what is left no longer depends on x: the rest is 0",
        ),
    }
)
