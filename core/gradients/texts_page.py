"""Gradients lab strings (texts_page): the page, its figures and the code it shows.

{key: (pt-BR, en)}
"""

TEXTS: dict[str, tuple[str, str]] = {
    "grad.title": (
        "Gradientes: f(x, y), o campo, a Hessiana e os otimizadores",
        "Gradients: f(x, y), its field, the Hessian and the optimizers",
    ),
    "grad.intro": (
        "O autograd existe para uma tarefa: o gradiente de uma função escalar de muitas variáveis. Aqui são duas, x e y, "
        "para que dê para ver: as setas apontam para onde f mais cresce, perpendiculares às curvas de nível. "
        "Clique no gráfico para escolher um ponto e compare o gradiente do PyTorch com o exato (SymPy); "
        "depois ponha otimizadores do `torch.optim` para descer a mesma superfície.",
        "Autograd exists for one job: the gradient of a scalar function of many variables. Here there are two, x and y, "
        "so that it can be seen: the arrows point where f grows fastest, perpendicular to the level curves. "
        "Click the chart to choose a point and compare PyTorch's gradient with the exact one (SymPy); "
        "then set `torch.optim`'s optimizers to descend the same surface.",
    ),
    "grad.preset": ("Superfície", "Surface"),
    "grad.preset_custom": ("(minha expressão)", "(my expression)"),
    "grad.preset.bowl": ("Tigela x² + y²", "Bowl x² + y²"),
    "grad.preset.ill_bowl": ("Tigela mal condicionada x² + 10y² (zigue-zague)", "Ill-conditioned bowl x² + 10y² (zig-zag)"),
    "grad.preset.saddle": ("Sela x² − y²", "Saddle x² − y²"),
    "grad.preset.rosenbrock": ("Rosenbrock (1 − x)² + 100(y − x²)²", "Rosenbrock (1 − x)² + 100(y − x²)²"),
    "grad.preset.himmelblau": ("Himmelblau (quatro mínimos)", "Himmelblau (four minima)"),
    "grad.preset.log_exp": ("log-exp do notebook: −log(eˣ/(eˣ + eʸ))", "The notebook's log-exp: −log(eˣ/(eˣ + eʸ))"),
    "grad.expr": ("f(x, y) =", "f(x, y) ="),
    "grad.expr_help": (
        "Uma expressão em x e y, escrita como em Python: `x**2 + 10*y**2`, `sin(x)*cos(y)`. Funções:\n\n{functions}",
        "An expression in x and y, written as in Python: `x**2 + 10*y**2`, `sin(x)*cos(y)`. Functions:\n\n{functions}",
    ),
    "grad.xmin": ("x de", "x from"),
    "grad.xmax": ("x até", "x to"),
    "grad.ymin": ("y de", "y from"),
    "grad.ymax": ("y até", "y to"),
    "grad.points": ("Pontos por eixo", "Points per axis"),
    "grad.surface": ("Superfície 3-D", "3-D surface"),
    "grad.field_error": (
        "Maior |autograd − exato| das derivadas parciais na grade de {points} × {points} pontos: {error}.",
        "Largest |autograd − exact| of the partial derivatives on the {points} × {points} grid: {error}.",
    ),
    "grad.nonfinite": (
        "Em {count} de {total} pontos da grade, f ou o gradiente não é finito (NaN ou ±inf): são lacunas no gráfico.",
        "At {count} of {total} grid points, f or its gradient is not finite (NaN or ±inf): they are gaps in the chart.",
    ),
    "grad.at_point": ("No ponto p", "At the point p"),
    "grad.angle": ("Direção u (graus)", "Direction u (degrees)"),
    "grad.angle_help": (
        "O ângulo de u com o eixo x. A derivada direcional é ∇f · u: a inclinação de f ao andar de p na direção u.",
        "The angle of u with the x axis. The directional derivative is ∇f · u: the slope of f walking from p along u.",
    ),
    "grad.value": ("f(p)", "f(p)"),
    "grad.kind": ("Curvatura em p", "Curvature at p"),
    "grad.kind_help": (
        "Lida dos sinais dos autovalores da Hessiana: os dois positivos, mínimo; os dois negativos, máximo; "
        "sinais opostos, sela; um quase zero, degenerado. É o tipo do ponto crítico quando ∇f ≈ 0.",
        "Read from the signs of the Hessian's eigenvalues: both positive, minimum; both negative, maximum; "
        "opposite signs, saddle; one about zero, degenerate. It names the critical point's type when ∇f ≈ 0.",
    ),
    "grad.kind.minimum": ("mínimo", "minimum"),
    "grad.kind.maximum": ("máximo", "maximum"),
    "grad.kind.saddle": ("sela", "saddle"),
    "grad.kind.degenerate": ("degenerado", "degenerate"),
    "grad.col_autograd": ("autograd", "autograd"),
    "grad.col_exact": ("exato (SymPy)", "exact (SymPy)"),
    "grad.col_diff": ("|diferença|", "|difference|"),
    "grad.eigen": (
        "Autovalores da Hessiana (autograd): {values}; os autovetores estão desenhados no gráfico. {critical}",
        "Eigenvalues of the Hessian (autograd): {values}; the eigenvectors are drawn on the chart. {critical}",
    ),
    "grad.critical": ("∇f ≈ 0: p é um ponto crítico.", "∇f ≈ 0: p is a critical point."),
    "grad.not_critical": ("∇f ≠ 0: p não é um ponto crítico.", "∇f ≠ 0: p is not a critical point."),
    "grad.click": (
        "Clique no gráfico para levar p até lá. Setas brancas: ∇f (para onde f cresce), com tamanho pela raiz de |∇f|.",
        "Click the chart to move p there. White arrows: ∇f (where f grows), sized by the square root of |∇f|.",
    ),
    "grad.surface_note": (
        "Na superfície 3-D não há clique: escolha p pelos números. As setas, u e os autovetores ficam nas curvas de nível.",
        "The 3-D surface takes no clicks: choose p with the numbers. The arrows, u and the eigenvectors are on the contour view.",
    ),
    "grad.slice": ("Derivada direcional: a fatia g(t) = f(p + t·u)", "Directional derivative: the slice g(t) = f(p + t·u)"),
    "grad.directional": ("∇f · u", "∇f · u"),
    "grad.directional_help": (
        "O produto do gradiente do autograd em p pelo vetor unitário u: a inclinação da tangente desenhada.",
        "Autograd's gradient at p dotted with the unit vector u: the slope of the tangent drawn.",
    ),
    "grad.slope_autograd": ("g′(0) pelo autograd", "g′(0) by autograd"),
    "grad.slope_autograd_help": (
        "O autograd derivando a fatia g(t) em t = 0, um caminho independente até o mesmo número.",
        "Autograd differentiating the slice g(t) at t = 0: an independent path to the same number.",
    ),
    "grad.race": ("Corrida de otimizadores", "Optimizer race"),
    "grad.optimizers": ("Otimizadores (torch.optim)", "Optimizers (torch.optim)"),
    "grad.opt.sgd": ("SGD", "SGD"),
    "grad.opt.momentum": ("SGD + momento", "SGD + momentum"),
    "grad.opt.nesterov": ("Nesterov", "Nesterov"),
    "grad.opt.adam": ("Adam", "Adam"),
    "grad.opt.rmsprop": ("RMSprop", "RMSprop"),
    "grad.opt.adagrad": ("Adagrad", "Adagrad"),
    "grad.opt.above": ("SGD logo acima (lr={lr})", "SGD just above (lr={lr})"),
    "grad.lr": ("Taxa de aprendizado (lr)", "Learning rate (lr)"),
    "grad.steps": ("Passos", "Steps"),
    "grad.start": ("Início", "Start"),
    "grad.start_here": ("Começar a corrida em p", "Start the race at p"),
    "grad.stable": (
        "f é quadrática: o SGD converge exatamente quando lr < 2/λmax = {lr}, pois p_k = (I − lr·A)^k p_0. "
        "Logo acima, em lr = {above}, ele diverge.",
        "f is quadratic: SGD converges exactly when lr < 2/λmax = {lr}, since p_k = (I − lr·A)^k p_0. "
        "Just above, at lr = {above}, it diverges.",
    ),
    "grad.above": ("Mostrar o SGD logo acima do limite (lr = {lr})", "Show SGD just above the limit (lr = {lr})"),
    "grad.no_stable": (
        "f é quadrática mas não tem mínimo (a Hessiana tem um autovalor ≤ 0): nenhum lr faz o SGD convergir de todo início.",
        "f is quadratic but has no minimum (the Hessian has an eigenvalue ≤ 0): no lr makes SGD converge from every start.",
    ),
    "grad.race_two": ("Escolha dois ou mais otimizadores para compará-los.", "Choose two or more optimizers to compare them."),
    "grad.diverged": (
        "{name} divergiu com lr = {lr}: no passo {step} a posição ou f(p) deixou de ser finita ou passou de 10⁶. Diminua o lr.",
        "{name} diverged at lr = {lr}: at step {step} the position or f(p) stopped being finite or went past 10⁶. Lower the lr.",
    ),
    "grad.above_note": (
        "SGD logo acima do limite (lr = {lr}): cada passo multiplica a componente mais curva por |1 − lr·λmax| = {factor} > 1, "
        "e f foi de {first} a {last}. Com mais passos, diverge.",
        "SGD just above the limit (lr = {lr}): each step multiplies the most curved component by |1 − lr·λmax| = {factor} > 1, "
        "and f went from {first} to {last}. With more steps, it diverges.",
    ),
    "grad.csv": ("Baixar os caminhos (CSV)", "Download the paths (CSV)"),
    "grad.fig_f": ("f(x, y)", "f(x, y)"),
    "grad.fig_log_f": ("log₁₀(1 + f − min f)", "log₁₀(1 + f − min f)"),
    "grad.trace_arrows": ("∇f (autograd)", "∇f (autograd)"),
    "grad.trace_eigen": ("autovetor {k} da Hessiana (λ = {lam})", "Hessian eigenvector {k} (λ = {lam})"),
    "grad.trace_u": ("u ({angle}°)", "u ({angle}°)"),
    "grad.trace_point": ("p", "p"),
    "grad.trace_start": ("início da corrida", "race start"),
    "grad.trace_slice": ("g(t) = f(p + t·u)", "g(t) = f(p + t·u)"),
    "grad.trace_slice_tangent": ("tangente, inclinação ∇f · u = {slope}", "tangent, slope ∇f · u = {slope}"),
    "grad.axis_slice": ("g(t)", "g(t)"),
    "grad.axis_step": ("passo", "step"),
    "grad.axis_loss": ("f(p_k) (escala linear: f assume valores ≤ 0)", "f(p_k) (linear scale: f takes values ≤ 0)"),
    "grad.axis_loss_log": ("f(p_k) (escala log)", "f(p_k) (log scale)"),
    "grad.code_field": (
        "o campo do gradiente na grade, de uma vez: f é ponto a ponto",
        "the gradient field on the grid, at once: f is pointwise",
    ),
    "grad.code_sum": (
        "somar e derivar dá o gradiente de cada ponto, pois cada ponto só depende de si",
        "summing then differentiating gives each point's own gradient, since each point depends on itself only",
    ),
    "grad.code_point": ("o gradiente e a Hessiana no ponto p", "the gradient and the Hessian at the point p"),
    "grad.code_eigh": (
        "H é simétrica: eigh dá autovalores em ordem crescente",
        "H is symmetric: eigh gives ascending eigenvalues",
    ),
}
