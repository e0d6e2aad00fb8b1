"""The Chain rule lab's strings (its page and modules), and those of the backward graphs (core.backward_graph)."""

TEXTS = {
    # errors
    "err.chain_inner_uses_u": (
        "Coluna {col}: a função interna f é escrita em x (ela recebe os pontos x). Troque u por x, por exemplo x*x.",
        "Column {col}: the inner function f is written in x (it receives the points x). Replace u by x, for example x*x.",
    ),
    "err.chain_outer_uses_x": (
        "Coluna {col}: a função externa g é escrita em u (ela recebe u = f(x), não x). Troque x por u, por exemplo u**3.",
        "Column {col}: the outer function g is written in u (it receives u = f(x), not x). Replace x by u, for example u**3.",
    ),
    "err.chain_preset": (
        "Exemplo desconhecido '{name}'. Existentes: {allowed}.",
        "Unknown example '{name}'. Available: {allowed}.",
    ),
    "err.chain_points_type": (
        "Os pontos devem ser uma lista, um array ou um tensor de números (recebido: {what}).",
        "The points must be a list, an array or a tensor of numbers (got: {what}).",
    ),
    "err.chain_points_ndim": (
        "Os pontos devem formar um vetor (1-D); recebido um array com {ndim} dimensões.",
        "The points must form a vector (1-D); got an array with {ndim} dimensions.",
    ),
    "err.chain_points_count": (
        "{count} pontos: são permitidos de 1 a {limit}.",
        "{count} points: from 1 to {limit} are allowed.",
    ),
    "err.chain_points_finite": (
        "Os pontos devem ser números finitos (sem nan nem inf).",
        "The points must be finite numbers (no nan or inf).",
    ),
    "err.chain_points_size": (
        "Os pontos devem estar entre -{limit} e {limit}.",
        "The points must lie between -{limit} and {limit}.",
    ),
    "err.chain_trap_points": (
        "As armadilhas precisam de 2 a {limit} pontos: com um só ponto u tem um elemento e tudo parece funcionar.",
        "The traps need 2 to {limit} points: with a single point u has one element and everything seems to work.",
    ),
    "err.chain_trap_constant": (
        "f não depende de x: não há grafo nem gradiente para mostrar. Escolha uma função interna que use x.",
        "f does not depend on x: there is no graph and no gradient to show. Pick an inner function that uses x.",
    ),
    "err.chain_weights": (
        "O vetor w tem {count} valores, mas u tem {n}: eles devem ter o mesmo tamanho.",
        "The vector w has {count} values but u has {n}: they must have the same size.",
    ),
    # page
    "chain.title": (
        "Regra da cadeia: detach(), gradientes intermediários e o grafo",
        "Chain rule: detach(), intermediate gradients and the graph",
    ),
    "chain.intro": (
        "Com u = f(x) e z = g(u), a regra da cadeia diz que dz/dx = dz/du · du/dx. Aqui o PyTorch calcula cada fator num "
        "backward separado: `u.backward` guarda du/dx em **x.grad**; depois `v = u.detach().requires_grad_()` corta o grafo, "
        "e `z.backward` guarda dz/du em **v.grad**. O produto dos dois é comparado com um único backward pela composição "
        "inteira e com a derivada exata do SymPy.",
        "With u = f(x) and z = g(u), the chain rule says dz/dx = dz/du · du/dx. Here PyTorch computes each factor in a "
        "separate backward pass: `u.backward` stores du/dx in **x.grad**; then `v = u.detach().requires_grad_()` cuts the "
        "graph, and `z.backward` stores dz/du in **v.grad**. Their product is compared with a single backward pass through "
        "the whole composition and with SymPy's exact derivative.",
    ),
    "chain.preset": ("Exemplo", "Example"),
    "chain.preset_custom": ("(minha escolha)", "(my choice)"),
    "chain.preset.notebook_cube": ("Caderno: u = x·x, z = u³", "Notebook: u = x·x, z = u³"),
    "chain.preset.notebook_poly": ("Caderno: u = 1 + x², z = 1 + 7u⁴", "Notebook: u = 1 + x², z = 1 + 7u⁴"),
    "chain.preset.sin_square": ("u = sin x, z = u²", "u = sin x, z = u²"),
    "chain.preset.exp_log": ("u = eˣ, z = log u (volta a x)", "u = eˣ, z = log u (back to x)"),
    "chain.preset.square_sqrt": ("u = x², z = √u (= |x|: quebra em 0)", "u = x², z = √u (= |x|: kink at 0)"),
    "chain.preset.tanh_sigmoid": ("u = 3x, z = sigmoid(u) (saturação)", "u = 3x, z = sigmoid(u) (saturation)"),
    "chain.preset.sin_relu": ("u = sin x, z = relu(u)", "u = sin x, z = relu(u)"),
    "chain.preset.cos_exp": ("u = cos x, z = e^(−u²)", "u = cos x, z = e^(−u²)"),
    "chain.inner_pick": ("Catálogo de f", "Catalogue for f"),
    "chain.outer_pick": ("Catálogo de g", "Catalogue for g"),
    "chain.inner": ("Função interna u = f(x)", "Inner function u = f(x)"),
    "chain.outer": ("Função externa z = g(u)", "Outer function z = g(u)"),
    "chain.expr_help": (
        "Sintaxe do Python: + - * / **, pi, e e estas funções. f usa a variável x; g usa u.\n\n{functions}",
        "Python syntax: + - * / **, pi, e and these functions. f uses the variable x; g uses u.\n\n{functions}",
    ),
    "chain.points": ("Pontos x da tabela", "Points x for the table"),
    "chain.points_help": (
        "Até {limit} números separados por vírgulas, com ponto decimal (ex.: 0, 1, 2, 3 ou -1.5, 0.5).",
        "Up to {limit} numbers separated by commas, with a decimal point (e.g. 0, 1, 2, 3 or -1.5, 0.5).",
    ),
    "chain.start": ("Gráfico: início", "Chart: start"),
    "chain.stop": ("Gráfico: fim", "Chart: end"),
    "chain.latex_inner": ("Interna", "Inner"),
    "chain.latex_outer": ("Externa", "Outer"),
    "chain.latex_comp": ("Composição e sua derivada exata (SymPy)", "Composition and its exact derivative (SymPy)"),
    "chain.table": ("Nos pontos escolhidos", "At the chosen points"),
    "chain.table_caption": (
        "du/dx foi lido de x.grad, dz/du de v.grad (calculado em u(x)); o produto dos dois é a regra da cadeia, e "
        "a coluna do backward completo foi lida de x.grad depois de um único `z.backward` por g(f(x)), sem detach.",
        "du/dx was read from x.grad, dz/du from v.grad (computed at u(x)); their product is the chain rule, and "
        "the full-backward column was read from x.grad after a single `z.backward` through g(f(x)), without detach.",
    ),
    "chain.col_u": ("u = f(x)", "u = f(x)"),
    "chain.col_z": ("z = g(u)", "z = g(u)"),
    "chain.col_du_dx": ("du/dx (x.grad)", "du/dx (x.grad)"),
    "chain.col_dz_du": ("dz/du (v.grad)", "dz/du (v.grad)"),
    "chain.col_chain": ("dz/du · du/dx", "dz/du · du/dx"),
    "chain.col_full": ("dz/dx (backward completo)", "dz/dx (full backward)"),
    "chain.col_exact": ("dz/dx exata", "dz/dx exact"),
    "chain.metric_chain": ("máx |produto − backward completo|", "max |product − full backward|"),
    "chain.metric_exact": ("máx |backward completo − exata|", "max |full backward − exact|"),
    "chain.metric_help": ("Sobre os pontos em que os dois são finitos.", "Over the points where both are finite."),
    "chain.nonfinite": (
        "Alguns valores não são finitos (NaN ou ±inf): f ou g não é definida ou não é derivável ali (por exemplo "
        "√u em u = 0 tem derivada infinita, e inf · 0 dá NaN no produto). O backward completo pode dar um número "
        "onde o produto dá NaN: o backward de relu não multiplica, ele zera o gradiente onde u ≤ 0.",
        "Some values are not finite (NaN or ±inf): f or g is not defined or not differentiable there (for example "
        "√u at u = 0 has an infinite derivative, and inf · 0 makes the product NaN). The full backward can give a "
        "number where the product is NaN: relu's backward does not multiply, it zeroes the gradient where u ≤ 0.",
    ),
    "chain.chart": ("Num intervalo", "Over a range"),
    "chain.fig_factors": ("os fatores: du/dx e dz/du (avaliada em u(x))", "the factors: du/dx and dz/du (evaluated at u(x))"),
    "chain.fig_product": ("o produto e o backward completo coincidem", "the product and the full backward coincide"),
    "chain.trace_du_dx": ("du/dx (x.grad)", "du/dx (x.grad)"),
    "chain.trace_dz_du": ("dz/du em u(x) (v.grad)", "dz/du at u(x) (v.grad)"),
    "chain.trace_chain": ("dz/du · du/dx", "dz/du · du/dx"),
    "chain.trace_full": ("dz/dx, backward completo", "dz/dx, full backward"),
    "chain.trace_points": ("pontos da tabela", "table points"),
    "chain.code": ("O código PyTorch desta escolha", "The PyTorch code for this choice"),
    "chain.code_caption": (
        "As linhas marcadas com <- são as que preenchem um .grad.",
        "The lines marked with <- are the ones that fill a .grad.",
    ),
    "chain.graph": ("O grafo que o autograd constrói", "The graph autograd builds"),
    "chain.graph_intro": (
        "Cada caixa cinza é um nó `grad_fn` (o nome é o da classe, como `z.grad_fn` mostra); as setas seguem "
        "`next_functions`, no sentido em que o gradiente flui. `AccumulateGrad` soma o gradiente no `.grad` de uma folha (verde). "
        "Sem detach, o grafo de z = g(f(x)) aparece com os números no último ponto da tabela: avance o passo para ver "
        "o backward visitar cada nó e formar cada produto.",
        "Each grey box is a `grad_fn` node (named by its class, as `z.grad_fn` prints it); arrows follow "
        "`next_functions`, the way the gradient flows. `AccumulateGrad` adds the gradient into a leaf's `.grad` (green). "
        "Without detach, the graph of z = g(f(x)) is shown with its numbers at the table's last point: step forward to "
        "watch backward visit each node and form each product.",
    ),
    "chain.graph_tab_cut": ("Com detach (dois grafos)", "With detach (two graphs)"),
    "chain.graph_tab_full": ("Sem detach (um grafo, passo a passo)", "Without detach (one graph, step by step)"),
    # code comments
    "chain.code_step1": ("parte interna: u = f(x)", "inner part: u = f(x)"),
    "chain.code_fills_x": ("preenche x.grad com du/dx", "fills x.grad with du/dx"),
    "chain.code_const_inner": (
        "u não depende de x: não há grafo, e du/dx = 0",
        "u does not depend on x: no graph, and du/dx = 0",
    ),
    "chain.code_step2": (
        "corta o grafo: v é uma folha nova com os valores de u",
        "cut the graph: v is a new leaf with u's values",
    ),
    "chain.code_detach": ("o caminho de volta até x acaba aqui", "the path back to x ends here"),
    "chain.code_fills_v": ("preenche v.grad com dz/du; x.grad não muda", "fills v.grad with dz/du; x.grad does not change"),
    "chain.code_const_outer": ("z não depende de u: dz/du = 0", "z does not depend on u: dz/du = 0"),
    "chain.code_step3": ("regra da cadeia: o produto dos dois fatores", "chain rule: the product of the two factors"),
    "chain.code_step4": (
        "conferência: um único backward pela composição, sem detach",
        "check: a single backward pass through the composition, without detach",
    ),
    "chain.code_reset": (
        "senão o próximo backward soma em cima de du/dx",
        "otherwise the next backward adds on top of du/dx",
    ),
    "chain.code_fills_x_full": ("preenche x.grad com dz/dx", "fills x.grad with dz/dx"),
    "chain.code_const_full": ("uma das partes é constante: dz/dx = 0", "one of the parts is constant: dz/dx = 0"),
    # traps
    "chain.traps": ("Três armadilhas", "Three traps"),
    "chain.traps_intro": (
        "Calculadas com a função interna f escolhida acima, nos pontos da tabela.",
        "Computed with the inner function f chosen above, at the table's points.",
    ),
    "chain.trap_acc": ("1. O gradiente se acumula", "1. The gradient accumulates"),
    "chain.trap_acc_text": (
        "`backward` não substitui `.grad`: soma nele. Chamar `u.backward(torch.ones_like(u), retain_graph=True)` "
        "k vezes deixa k · du/dx em x.grad. Antes de um novo backward, zere com `x.grad.zero_()` ou apague com "
        "`x.grad = None` (é o que `optimizer.zero_grad()` faz num treino).",
        "`backward` does not replace `.grad`: it adds into it. Calling `u.backward(torch.ones_like(u), retain_graph=True)` "
        "k times leaves k · du/dx in x.grad. Before a new backward, zero it with `x.grad.zero_()` or drop it with "
        "`x.grad = None` (that is what `optimizer.zero_grad()` does in training).",
    ),
    "chain.trap_calls": ("Chamadas de backward sem zerar", "Backward calls without zeroing"),
    "chain.trap_after": ("x.grad após a {k}ª chamada", "x.grad after call {k}"),
    "chain.trap_zero": ("zero_(), depois 1 chamada", "zero_(), then 1 call"),
    "chain.trap_none": ("= None, depois 1 chamada", "= None, then 1 call"),
    "chain.trap_acc_ratio": (
        "Depois de {k} chamadas, x.grad vale {k} vezes du/dx. As duas últimas colunas zeram x.grad "
        "(com `x.grad.zero_()` ou `x.grad = None`) antes de mais uma chamada: voltam a du/dx.",
        "After {k} calls, x.grad holds {k} times du/dx. The last two columns reset x.grad "
        "(with `x.grad.zero_()` or `x.grad = None`) before one more call: they are back to du/dx.",
    ),
    "chain.trap_vjp": ("2. backward num vetor precisa de um vetor", "2. backward on a vector needs a vector"),
    "chain.trap_vjp_text": (
        "u = f(x) tem {n} elementos, e `u.backward()` sem argumento falha com o erro real do PyTorch abaixo. O autograd "
        "calcula produtos vetor-Jacobiano: `u.backward(w)` guarda wᵀJ em x.grad, com J a matriz Jacobiana de u em "
        "relação a x. Com w = uns, wᵀJ é a soma das linhas de J, igual ao gradiente de `u.sum()`; como f é elementwise, J "
        "é diagonal e isso é f'(x) em cada ponto. Outro w pesa cada ponto: o resultado é w · f'(x).",
        "u = f(x) has {n} elements, and `u.backward()` with no argument fails with PyTorch's real error below. Autograd "
        "computes vector-Jacobian products: `u.backward(w)` stores wᵀJ in x.grad, where J is the Jacobian of u with "
        "respect to x. With w = ones, wᵀJ is the sum of J's rows, the same as the gradient of `u.sum()`; since f is "
        "elementwise, J is diagonal and that is f'(x) at every point. Another w weights each point: the result is w · f'(x).",
    ),
    "chain.trap_no_error": ("(nenhum erro: esta versão do PyTorch aceitou)", "(no error: this PyTorch version accepted it)"),
    "chain.trap_weights": ("Vetor w (vazio: 1, 2, ..., n)", "Vector w (empty: 1, 2, ..., n)"),
    "chain.col_ones": ("u.backward(uns)", "u.backward(ones)"),
    "chain.col_sum": ("u.sum().backward()", "u.sum().backward()"),
    "chain.col_w": ("w", "w"),
    "chain.col_weighted": ("u.backward(w)", "u.backward(w)"),
    "chain.trap_sum": (
        "3. Somar e derivar só dá a derivada ponto a ponto se a função for elementwise",
        "3. Sum-then-differentiate gives the pointwise derivative only for elementwise functions",
    ),
    "chain.trap_sum_text": (
        "`y.sum().backward()` dá, em cada xⱼ, a soma da coluna j da Jacobiana: Σᵢ ∂yᵢ/∂xⱼ. Só quando cada yᵢ depende "
        "apenas de xᵢ (J diagonal) isso é a derivada ponto a ponto ∂yⱼ/∂xⱼ. Em x − mean(x) cada saída depende de todos "
        "os pontos: o gradiente da soma é 0, embora cada yⱼ cresça com xⱼ (a diagonal é 1 − 1/n); em x · sum(x) ele vale "
        "2·sum(x), não sum(x) + xⱼ.",
        "`y.sum().backward()` gives, at each xⱼ, the sum of column j of the Jacobian: Σᵢ ∂yᵢ/∂xⱼ. Only when each yᵢ "
        "depends on xᵢ alone (J diagonal) is that the pointwise derivative ∂yⱼ/∂xⱼ. In x − mean(x) every output depends "
        "on every point: the gradient of the sum is 0 although each yⱼ grows with xⱼ (the diagonal is 1 − 1/n); in "
        "x · sum(x) it is 2·sum(x), not sum(x) + xⱼ.",
    ),
    "chain.col_case": ("função", "function"),
    "chain.col_elementwise": ("elementwise?", "elementwise?"),
    "chain.col_grad_sum": ("gradiente da soma", "gradient of the sum"),
    "chain.col_diag": ("diagonal da Jacobiana", "Jacobian diagonal"),
    "chain.yes": ("sim", "yes"),
    "chain.no": ("não", "no"),
    # graph (core.backward_graph)
    "chain.graph_leaf": ("folha: backward preenche {name}.grad", "leaf: backward fills {name}.grad"),
    "chain.graph_unnamed_leaf": ("folha", "leaf"),
    "chain.graph_adds_into": ("soma em {name}.grad", "adds into {name}.grad"),
    "chain.graph_same_tensor": ("o mesmo tensor", "the same tensor"),
    "chain.graph_constant": ("constante: sem grad_fn, não há backward", "constant: no grad_fn, no backward"),
    "chain.graph_truncated": ("grafo cortado em {limit} nós", "graph cut at {limit} nodes"),
    "chain.graph_title_expr": ("Grafo do backward de y = {f}, somado", "Backward graph of y = {f}, summed"),
    "chain.graph_title_full": (
        "Sem detach: z = g(f(x)) com f = {f} e g = {g}",
        "Without detach: z = g(f(x)) with f = {f} and g = {g}",
    ),
    "chain.graph_title_chain": (
        "Com detach: u = {f}, v = u.detach(), z = g(v) com g = {g}",
        "With detach: u = {f}, v = u.detach(), z = g(v) with g = {g}",
    ),
    "chain.graph_cluster_outer": ("z.backward() preenche v.grad = dz/du", "z.backward() fills v.grad = dz/du"),
    "chain.graph_cluster_inner": ("u.backward() preenche x.grad = du/dx", "u.backward() fills x.grad = du/dx"),
    "chain.graph_cut": ("detach() corta aqui:\no gradiente não passa", "detach() cuts here:\nno gradient flows"),
}

# the backward pass with its numbers (core.trace, core.backward_graph.trace_view), on both pages
TEXTS.update(
    {
        "err.trace_size": (
            "O grafo desta expressão passa de {limit} nós: simplifique a expressão.",
            "This expression's graph has more than {limit} nodes: simplify the expression.",
        ),
        "err.trace_variables": (
            "O backward passo a passo é de uma função de x só; esta expressão usa {variables}.",
            "The step-by-step backward pass is for a function of x alone; this expression uses {variables}.",
        ),
        "trace.step": ("Passo do backward", "Backward step"),
        "trace.step_help": (
            "0 é a raiz, onde o backward começa com ḡ = 1; o último passo é a folha x, que recebe f'(x₀).",
            "0 is the root, where backward starts with ḡ = 1; the last step is the leaf x, which receives f'(x₀).",
        ),
        "trace.title": (
            "Backward de {name} = {f} em x₀ = {x0} ({dtype})",
            "Backward pass of {name} = {f} at x₀ = {x0} ({dtype})",
        ),
        "trace.node_value": ("valor = {value}", "value = {value}"),
        "trace.node_so_far": ("ḡ até aqui = {value}", "ḡ so far = {value}"),
        "trace.node_waiting": ("ḡ = ? (ainda não chegou)", "ḡ = ? (not reached yet)"),
        "trace.heading": (
            "Passo {k} de {steps}: {node} ({grad_fn}), ḡ({node}) = {grad}",
            "Step {k} of {steps}: {node} ({grad_fn}), ḡ({node}) = {grad}",
        ),
        "trace.seed": (
            "O backward começa na raiz com ḡ = d{name}/d{name} = 1.",
            "Backward starts at the root with ḡ = d{name}/d{name} = 1.",
        ),
        "trace.leaf": (
            "ḡ(x) = {grad} = f'(x₀): a soma do que chegou por todos os caminhos; o AccumulateGrad guarda em x.grad.",
            "ḡ(x) = {grad} = f'(x₀): the sum of what arrived along every path; AccumulateGrad stores it in x.grad.",
        ),
        "trace.constant": (
            "f não depende de x: nada volta pelo grafo, e ḡ(x) = 0.",
            "f does not depend on x: nothing flows back, and ḡ(x) = 0.",
        ),
        "trace.forward": ("Modo direto (forward): a tangente ṫ = d nó/dx", "Forward mode: the tangent ṫ = d node/dx"),
        "trace.col_node": ("nó", "node"),
        "trace.col_value": ("valor", "value"),
        "trace.col_tangent": ("ṫ", "ṫ"),
        "trace.col_rule": ("ṫ = Σ ∂nó/∂entrada × ṫ(entrada)", "ṫ = Σ ∂node/∂input × ṫ(input)"),
        "trace.agreement": (
            "Modo direto: ṫ(raiz) = {fw}. Modo reverso: ḡ(x) = {bw}. torch.func.jvp = {jvp}, torch.func.vjp = {vjp}.",
            "Forward mode: ṫ(root) = {fw}. Reverse mode: ḡ(x) = {bw}. torch.func.jvp = {jvp}, torch.func.vjp = {vjp}.",
        ),
        "trace.modes": (
            "**Qual modo custa menos?** O modo reverso (backward, vjp) faz uma passada para cada saída e devolve a "
            "derivada em relação a todas as entradas de uma vez; o modo direto (jvp) faz uma passada para cada entrada "
            "e devolve a derivada de todas as saídas. Para f: Rⁿ → R, como a perda de uma rede com milhões de pesos, "
            "o reverso ganha (1 passada contra n): é por isso que o treino usa backward. Para f: R → Rᵐ, como uma curva "
            "ou uma trajetória num parâmetro, o direto ganha (1 contra m). Aqui f: R → R, e os dois custam o mesmo.",
            "**Which mode is cheaper?** Reverse mode (backward, vjp) makes one pass per output and returns the "
            "derivative with respect to every input at once; forward mode (jvp) makes one pass per input and returns "
            "the derivative of every output. For f: Rⁿ → R, like a network's loss over millions of weights, reverse "
            "wins (1 pass against n): that is why training uses backward. For f: R → Rᵐ, like a curve or a trajectory "
            "in one parameter, forward wins (1 against m). Here f: R → R, and both cost the same.",
        ),
    }
)
