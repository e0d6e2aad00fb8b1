"""Numerical stability lab strings (pages/6_stability.py and core.stability)."""

TEXTS = {
    "stab.intro": (
        "A função do caderno, f(x, y) = −log(eˣ / (eˣ + eʸ)), é só log(1 + e^(y−x)): um número bem "
        "comportado para quaisquer x e y. Escrita ao pé da letra, porém, ela vira inf ou NaN assim que "
        "uma exponencial estoura, e a versão reescrita do caderno também falha, em outro lugar. Aqui você "
        "acha o ponto exato em que cada forma quebra, em cada dtype, e vê uma forma que não quebra.",
        "The notebook's function, f(x, y) = −log(eˣ / (eˣ + eʸ)), is just log(1 + e^(y−x)): a "
        "well-behaved number for any x and y. Written literally, though, it turns into inf or NaN as soon "
        "as an exponential overflows, and the notebook's rewritten version fails too, somewhere else. "
        "Here you find the exact point where each form breaks, in each dtype, and see a form that does not.",
    ),
    "stab.explain.title": (
        "O truque do log-sum-exp; overflow contra perda de precisão",
        "The log-sum-exp trick; overflow vs loss of accuracy",
    ),
    "stab.explain.body": (
        "**O truque.** Para qualquer constante m, log(Σ e^vᵢ) = m + log(Σ e^(vᵢ − m)). Com m = max(v), "
        "nenhum expoente é positivo, logo nenhuma exponencial estoura, e o maior termo da soma vale "
        "exatamente 1, logo o log nunca recebe 0. Aplicado a f: log(eˣ + eʸ) − x = max(y − x, 0) + "
        "log1p(e^(−|y − x|)) = softplus(y − x). As derivadas são −σ(y − x) e σ(y − x), com σ a sigmoide, "
        "calculadas direto, sem dividir infinito por infinito.\n\n"
        "**Overflow é visível, perda de precisão não.** Um estouro (overflow) aparece como inf ou NaN. "
        "Perder precisão dá um número finito e errado. Em log(1 + e^(y−x)) com y − x muito negativo, "
        "somar 1 a um número menor que ε/2 arredonda para 1 e o log devolve 0: erro relativo de 100%. "
        "`log1p` evita isso. Até arredondar y − x custa caro: em bfloat16, perto de y − x = −80, o "
        "arredondamento da diferença já muda e^(y−x) em até 25%. Por isso a forma estável guarda o erro "
        "de arredondamento da subtração (algoritmo TwoSum) e o usa: tudo no próprio dtype, sem "
        "converter para um tipo mais largo.",
        "**The trick.** For any constant m, log(Σ e^vᵢ) = m + log(Σ e^(vᵢ − m)). With m = max(v) no "
        "exponent is positive, so no exponential overflows, and the largest term of the sum is exactly "
        "1, so the log never sees 0. Applied to f: log(eˣ + eʸ) − x = max(y − x, 0) + "
        "log1p(e^(−|y − x|)) = softplus(y − x). The derivatives are −σ(y − x) and σ(y − x), σ being the "
        "sigmoid, computed directly, never dividing infinity by infinity.\n\n"
        "**Overflow is visible, loss of accuracy is not.** An overflow shows up as inf or NaN. Losing "
        "accuracy gives a finite, wrong number. In log(1 + e^(y−x)) with y − x very negative, adding 1 "
        "to a number below ε/2 rounds to 1 and the log returns 0: a 100% relative error. `log1p` avoids "
        "it. Even rounding y − x is costly: in bfloat16, near y − x = −80, rounding the difference alone "
        "changes e^(y−x) by up to 25%. So the stable form keeps the rounding error of the subtraction "
        "(the TwoSum algorithm) and uses it: all in the dtype itself, no wider type.",
    ),
    "stab.presets": ("Exemplos", "Presets"),
    "stab.preset.nb_small": ("Caderno: (2, 3)", "Notebook: (2, 3)"),
    "stab.preset.nb_large": ("Caderno: (400, 800), float64", "Notebook: (400, 800), float64"),
    "stab.preset.f16_overflow": ("float16: x = 11.1 (overflow)", "float16: x = 11.1 (overflow)"),
    "stab.preset.bf16_loss": ("bfloat16: x = 6 (precisão)", "bfloat16: x = 6 (accuracy)"),
    "stab.x": ("x", "x"),
    "stab.y": ("y", "y"),
    "stab.bound_help": ("Número finito com |valor| ≤ {limit}.", "A finite number with |value| ≤ {limit}."),
    "stab.point.title": ("Valor e gradientes no ponto", "Value and gradients at the point"),
    "stab.stored": (
        "Em {dtype}, x = {x} e y = {y}: os valores que o dtype guarda, e que todas as formas e a referência usam.",
        "In {dtype}, x = {x} and y = {y}: the values the dtype stores, which every form and the reference use.",
    ),
    "stab.col.form": ("Forma", "Form"),
    "stab.col.value": ("f(x, y)", "f(x, y)"),
    "stab.col.dx": ("∂f/∂x", "∂f/∂x"),
    "stab.col.dy": ("∂f/∂y", "∂f/∂y"),
    "stab.col.err_value": ("erro relativo de f", "relative error of f"),
    "stab.col.err_grad": ("erro relativo dos gradientes (pior)", "relative error of the gradients (worst)"),
    "stab.method.naive": ("ingênua: −log(eˣ/(eˣ+eʸ))", "naive: −log(eˣ/(eˣ+eʸ))"),
    "stab.method.rewritten": ("reescrita: log(1 + e^(y−x))", "rewritten: log(1 + e^(y−x))"),
    "stab.method.stable": ("estável: softplus(y − x)", "stable: softplus(y − x)"),
    "stab.method.reference": ("referência exata (mpmath, 113 bits)", "exact reference (mpmath, 113 bits)"),
    "stab.short.naive": ("ingênua", "naive"),
    "stab.short.rewritten": ("reescrita", "rewritten"),
    "stab.short.stable": ("estável", "stable"),
    "stab.short.reference": ("exata", "exact"),
    "stab.point.caption": (
        "Em vermelho: NaN ou inf. Erro relativo = |calculado − exato| / |exato| (contra o menor número "
        "normal do dtype quando o exato é menor que ele); inf quando o calculado não é finito. "
        "ε do {dtype} = {eps}.",
        "In red: NaN or inf. Relative error = |computed − exact| / |exact| (against the dtype's smallest "
        "normal number when the exact value is below it); inf when the computed one is not finite. "
        "ε of {dtype} = {eps}.",
    ),
    "stab.th.title": ("Limiares do {dtype}, de torch.finfo", "Thresholds of {dtype}, from torch.finfo"),
    "stab.th.overflow": ("eᶻ = inf para z > T", "eᶻ = inf for z > T"),
    "stab.th.overflow_help": ("T = ln(max), max = {max}", "T = ln(max), max = {max}"),
    "stab.th.underflow": ("eᶻ = 0 para z <", "eᶻ = 0 for z <"),
    "stab.th.underflow_help": (
        "ln(menor subnormal / 2); menor subnormal = tiny · ε",
        "ln(smallest subnormal / 2); smallest subnormal = tiny · ε",
    ),
    "stab.th.absorb": ("1 + eᶻ = 1 para z <", "1 + eᶻ = 1 for z <"),
    "stab.th.absorb_help": ("ln(ε / 2), ε = {eps}", "ln(ε / 2), ε = {eps}"),
    "stab.chart.title": ("Ao longo de x, com y = {y} fixo", "Along x, with y = {y} fixed"),
    "stab.chart.span": ("Intervalo de x: y ± k·T", "x range: y ± k·T"),
    "stab.chart.span_help": (
        "T é o limiar de overflow do dtype; o gráfico cobre x de y − k·T a y + k·T (dentro de ±10 000).",
        "T is the dtype's overflow threshold; the chart covers x from y − k·T to y + k·T (within ±10,000).",
    ),
    "stab.chart.value": ("f(x, y)", "f(x, y)"),
    "stab.chart.grad": ("gradientes", "gradients"),
    "stab.chart.error": ("erro relativo de f", "relative error of f"),
    "stab.chart.shade": ("{form}: NaN/inf (sombra)", "{form}: NaN/inf (shaded)"),
    "stab.chart.line_T": ("x = T: eˣ estoura", "x = T: eˣ overflows"),
    "stab.chart.line_yT": ("x = y − T: e^(y−x) estoura", "x = y − T: e^(y−x) overflows"),
    "stab.chart.line_yA": ("x = y − ln(ε/2): 1 + e^(y−x) = 1", "x = y − ln(ε/2): 1 + e^(y−x) = 1"),
    "stab.chart.caption": (
        "Linhas cheias: ∂f/∂y; tracejadas: ∂f/∂x. Faixas coloridas: onde a forma daquela cor dá NaN ou "
        "inf (no painel do valor, só o valor; no dos gradientes, qualquer gradiente). Lacunas nas curvas "
        "são pontos não finitos. Erros abaixo de {floor}, e os erros 0, aparecem em {floor}.",
        "Solid lines: ∂f/∂y; dashed: ∂f/∂x. Coloured bands: where the form of that colour gives NaN or "
        "inf (in the value panel, the value only; in the gradient panel, either gradient). Gaps in the "
        "curves are non-finite points. Errors below {floor}, and errors of 0, are drawn at {floor}.",
    ),
    "stab.regions.title": ("Onde cada forma quebra", "Where each form breaks"),
    "stab.regions.caption": (
        'Com y = {y}, para x de {lo} a {hi} em {dtype}. "De" e "até" são exatos: o primeiro e o último '
        "número representável em {dtype} em que a falha acontece (todos os números do intervalo "
        "avaliados, ou bisseção entre eles). O motivo é o da borda em que a forma deixa de funcionar.",
        'With y = {y}, for x from {lo} to {hi} in {dtype}. "From" and "to" are exact: the first and '
        "last number representable in {dtype} where the failure happens (every number in the range "
        "evaluated, or bisection between them). The reason is the one at the edge where the form stops "
        "working.",
    ),
    "stab.regions.none": (
        "Nenhuma forma falha neste intervalo.",
        "No form fails in this range.",
    ),
    "stab.regions.stable_ok": (
        "A forma estável não falha em nenhum ponto: valor e gradientes finitos em todo o intervalo, com "
        "erro relativo máximo de {err} ({ulps} ε) na grade do gráfico.",
        "The stable form fails nowhere: finite value and gradients over the whole range, with a worst "
        "relative error of {err} ({ulps} ε) on the chart's grid.",
    ),
    "stab.col.part": ("O quê", "What"),
    "stab.col.kind": ("Resultado", "Result"),
    "stab.col.from": ("De x =", "From x ="),
    "stab.col.to": ("até x =", "to x ="),
    "stab.col.why": ("Por quê", "Why"),
    "stab.part.value": ("valor", "value"),
    "stab.part.grad": ("gradientes", "gradients"),
    "stab.kind.nan": ("NaN", "NaN"),
    "stab.kind.inf": ("inf", "inf"),
    "stab.kind.zero": ("0: toda a precisão perdida", "0: all accuracy lost"),
    "stab.kind.nonfinite": ("NaN ou inf", "NaN or inf"),
    "stab.regions.open": ("{x} (borda do gráfico)", "{x} (chart edge)"),
    "stab.regions.intermittent": (
        " Intermitente: entre esses extremos alguns pontos ainda dão um valor não nulo.",
        " Intermittent: between these ends some points still give a non-zero value.",
    ),
    "stab.regions.approx": (
        " Bordas aproximadas: o colapso pisca ali (empates no arredondamento) e não tem uma borda única.",
        " Approximate ends: the collapse flickers there (rounding ties) and has no single edge.",
    ),
    "stab.why.naive_exp_x": (
        "eˣ estoura (x > T = {T}): inf/inf = NaN",
        "eˣ overflows (x > T = {T}): inf/inf = NaN",
    ),
    "stab.why.naive_zero_over_zero": (
        "eˣ e eʸ viram 0 (x, y < {U}): 0/0 = NaN",
        "eˣ and eʸ both become 0 (x, y < {U}): 0/0 = NaN",
    ),
    "stab.why.naive_exp_y": (
        "eʸ estoura (y > T = {T}): a fração vira 0 e −log 0 = inf",
        "eʸ overflows (y > T = {T}): the fraction becomes 0 and −log 0 = inf",
    ),
    "stab.why.naive_sum_overflow": (
        "eˣ e eʸ cabem, mas a soma estoura (x e y perto de T = {T}): a fração vira 0 e −log 0 = inf",
        "eˣ and eʸ fit but their sum overflows (x and y near T = {T}): the fraction becomes 0 and −log 0 = inf",
    ),
    "stab.why.naive_fraction_zero": (
        "a fração eˣ/(eˣ + eʸ) vira 0 (y − x ≳ {negU}): −log 0 = inf",
        "the fraction eˣ/(eˣ + eʸ) underflows to 0 (y − x ≳ {negU}): −log 0 = inf",
    ),
    "stab.why.naive_fraction_one": (
        "a fração arredonda para 1 (x − y ≳ {negA}): −log 1 = 0",
        "the fraction rounds to 1 (x − y ≳ {negA}): −log 1 = 0",
    ),
    "stab.why.naive_grad_fraction": (
        "o backward calcula 1/fração, que estoura (y − x ≳ T = {T}); o valor ainda é finito",
        "the backward computes 1/fraction, which overflows (y − x ≳ T = {T}); the value is still finite",
    ),
    "stab.why.naive_grad_sum": (
        "o backward divide por eˣ + eʸ, tão pequeno que estoura (max(x, y) ≲ −{T})",
        "the backward divides by eˣ + eʸ, so small that it overflows (max(x, y) ≲ −{T})",
    ),
    "stab.why.naive_grad_other": ("um produto do backward estoura", "a product in the backward overflows"),
    "stab.why.rewritten_exp": (
        "e^(y−x) estoura (y − x > T = {T}): log(inf) = inf e o gradiente faz 0 · inf = NaN",
        "e^(y−x) overflows (y − x > T = {T}): log(inf) = inf and the gradient does 0 · inf = NaN",
    ),
    "stab.why.rewritten_absorbed": (
        "1 + e^(y−x) arredonda para 1 (y − x < ln(ε/2) ≈ {A}): log 1 = 0",
        "1 + e^(y−x) rounds to 1 (y − x < ln(ε/2) ≈ {A}): log 1 = 0",
    ),
    "stab.why.stable_overflow": (
        "y − x passa do maior número do dtype: o próprio resultado não cabe nele",
        "y − x exceeds the dtype's largest number: the result itself does not fit",
    ),
    "stab.why.unknown": ("motivo não identificado", "reason not identified"),
    "stab.map.title": ("Mapa sobre (x, y)", "Map over (x, y)"),
    "stab.map.span": ("Região: |x|, |y| ≤ k·T", "Region: |x|, |y| ≤ k·T"),
    "stab.map.points": ("Pontos por eixo", "Points per axis"),
    "stab.map.quantity": ("Erro de", "Error of"),
    "stab.map.q.value": ("valor", "value"),
    "stab.map.q.grad": ("gradientes (pior dos dois)", "gradients (worse of the two)"),
    "stab.map.colorbar": ("erro relativo", "relative error"),
    "stab.map.nonfinite": ("NaN/inf", "NaN/inf"),
    "stab.map.floor": ("≤ {floor} ou 0", "≤ {floor} or 0"),
    "stab.chart.floor": ("erro 0 ou abaixo de {floor}: desenhado em {floor}", "error 0 or below {floor}: drawn at {floor}"),
    "stab.map.caption": (
        "Cada célula: erro relativo contra a referência mpmath, em escala logarítmica; preto: NaN ou "
        "inf. Linha tracejada: y = x. Pontilhadas: x = T (eˣ estoura) e y = x + T (e^(y−x) estoura). "
        "Grade de {n} × {n} em {dtype}.",
        "Each cell: relative error against the mpmath reference, on a log scale; black: NaN or inf. "
        "Dashed line: y = x. Dotted: x = T (eˣ overflows) and y = x + T (e^(y−x) overflows). "
        "{n} × {n} grid in {dtype}.",
    ),
    "stab.map.summary": (
        "Células finitas (valor e gradientes): ingênua {naive}, reescrita {rewritten}, estável {stable}.",
        "Finite cells (value and gradients): naive {naive}, rewritten {rewritten}, stable {stable}.",
    ),
    "stab.lse.title": ("Log-sum-exp em geral, e o softmax", "Log-sum-exp in general, and softmax"),
    "stab.lse.intro": (
        "O mesmo problema aparece em log(Σ e^vᵢ), o denominador do softmax. Multiplique um vetor por um "
        "fator e compare a soma ingênua com `torch.logsumexp`, que subtrai o máximo antes de exponenciar.",
        "The same problem shows up in log(Σ e^vᵢ), the softmax denominator. Multiply a vector by a factor "
        "and compare the naive sum with `torch.logsumexp`, which subtracts the maximum before exponentiating.",
    ),
    "stab.lse.vector": ("Vetor base", "Base vector"),
    "stab.lse.vector_help": (
        "De 1 a {n} números separados por vírgula, cada um com |v| ≤ {limit}.",
        "1 to {n} numbers separated by commas, each with |v| ≤ {limit}.",
    ),
    "stab.lse.scale": ("Fator de escala", "Scale factor"),
    "stab.lse.naive": ("log(Σ exp(v)), ingênuo", "log(Σ exp(v)), naive"),
    "stab.lse.torch": ("torch.logsumexp(v)", "torch.logsumexp(v)"),
    "stab.lse.exact": ("exato (mpmath)", "exact (mpmath)"),
    "stab.lse.range": (
        "Com este vetor, em {dtype}, a soma ingênua é finita para fatores de {lo} a {hi}; fora disso ela "
        "dá inf (alguma eᵛ estoura, perto de max(v) > T = {T}) ou −inf (todas viram 0), e o softmax "
        "ingênuo vira NaN. `torch.logsumexp` funciona em toda a faixa.",
        "With this vector, in {dtype}, the naive sum is finite for factors from {lo} to {hi}; beyond that "
        "it gives inf (some eᵛ overflows, around max(v) > T = {T}) or −inf (all become 0), and the naive "
        "softmax turns NaN. `torch.logsumexp` works across the whole range.",
    ),
    "stab.lse.col.v": ("v (escalado, no dtype)", "v (scaled, in the dtype)"),
    "stab.lse.col.naive": ("softmax ingênuo: exp(v)/Σexp(v)", "naive softmax: exp(v)/Σexp(v)"),
    "stab.lse.col.torch": ("softmax via logsumexp: exp(v − lse)", "softmax via logsumexp: exp(v − lse)"),
    "stab.lse.col.exact": ("softmax exato", "exact softmax"),
    "stab.lse.chart_y": ("probabilidade", "probability"),
    "stab.lse.chart_x": ("índice i", "index i"),
    "stab.code.caption": (
        "A forma estável, em PyTorch puro. A versão deste laboratório faz o mesmo e ainda guarda o erro de "
        "arredondamento de y − x:",
        "The stable form in plain PyTorch. This lab's version does the same and also keeps the rounding error of y − x:",
    ),
    "stab.code.formula": (
        "f = log(1 + e^(y - x)) = softplus(y - x) = logaddexp(y - x, 0):",
        "f = log(1 + e^(y - x)) = softplus(y - x) = logaddexp(y - x, 0):",
    ),
    "stab.code.why": (
        "logaddexp subtrai o máximo antes da exponencial, e seu gradiente é a sigmoide.",
        "logaddexp subtracts the max before exp, and its gradient is the sigmoid.",
    ),
    # errors
    "err.stab_lse_range": (
        "O vetor escalado sai do alcance de {dtype} (|v| até {max}): escolha um fator de escala menor.",
        "The scaled vector leaves the range of {dtype} (|v| up to {max}): choose a smaller scale factor.",
    ),
    "err.stab_method": (
        "Forma desconhecida '{method}'. Permitidas: {allowed}.",
        "Unknown method '{method}'. Allowed: {allowed}.",
    ),
    "err.stab_input": ("Entrada inválida para log_exp: {detail}", "Invalid input to log_exp: {detail}"),
    "err.stab_dtype": (
        "log_exp precisa de tensores de ponto flutuante; recebeu {dtype}.",
        "log_exp needs floating-point tensors; got {dtype}.",
    ),
    "err.stab_devices": (
        "x está em {x} e y em {y}: ponha os dois no mesmo dispositivo.",
        "x is on {x} and y on {y}: put both on the same device.",
    ),
    "err.stab_shape": (
        "Formas incompatíveis: x tem forma {x} e y tem forma {y}, que não combinam por broadcasting.",
        "Mismatched shapes: x has shape {x} and y has shape {y}, which do not broadcast.",
    ),
    "err.stab_range": (
        "x e y precisam ser números finitos com |valor| ≤ {limit}.",
        "x and y must be finite numbers with |value| ≤ {limit}.",
    ),
    "err.stab_interval": (
        "Intervalo inválido de {lo} a {hi}: os extremos precisam ser finitos e o início menor que o fim.",
        "Invalid range from {lo} to {hi}: both ends must be finite and the start below the end.",
    ),
    "err.stab_vector_length": (
        "Digite de 1 a {high} números separados por vírgula.",
        "Type 1 to {high} numbers separated by commas.",
    ),
}
