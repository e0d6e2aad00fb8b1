"""Strings shared by every page (navigation, sidebar, generic errors) and the home page's.

Each lab keeps its own strings in its package (``core/<lab>/texts.py``)."""

TEXTS = {
    "app.title": ("Autograd Lab", "Autograd Lab"),
    "app.tagline": (
        "Programação diferenciável com PyTorch de verdade: autograd, ponto flutuante e desempenho, medidos e explicados.",
        "Differentiable programming with real PyTorch: autograd, floating point and performance, measured and explained.",
    ),
    "nav.home": ("Início", "Home"),
    "nav.tensors": ("Tensores", "Tensors"),
    "nav.performance": ("Desempenho", "Performance"),
    "nav.derivatives": ("Derivadas", "Derivatives"),
    "nav.chain_rule": ("Regra da cadeia", "Chain rule"),
    "nav.gradients": ("Gradientes", "Gradients"),
    "nav.stability": ("Estabilidade numérica", "Numerical stability"),
    "sidebar.labs": ("Laboratórios", "Labs"),
    "sidebar.presentation": ("Modo apresentação", "Presentation mode"),
    "sidebar.presentation_help": (
        "Letras, gráficos e linhas maiores para projetor.",
        "Larger text, charts and lines for a projector.",
    ),
    "common.device": ("Dispositivo", "Device"),
    "common.dtype": ("Tipo (dtype)", "Dtype"),
    "common.code": ("Código PyTorch equivalente", "Equivalent PyTorch code"),
    "common.download_csv": ("Baixar CSV", "Download CSV"),
    "common.out_of_range": (
        "{value} está fora do intervalo permitido ({low} a {high}); usando {used}.",
        "{value} is outside the allowed range ({low} to {high}); using {used}.",
    ),
    "common.whole_number": (
        "Este campo aceita só números inteiros: {value} virou {used}.",
        "This box takes whole numbers only: {value} became {used}.",
    ),
    "share.too_long": (
        "O link tem valores longos demais (mais de {limit} caracteres), que foram ignorados: {params}.",
        "The link has values that are too long (over {limit} characters); they were ignored: {params}.",
    ),
    "share.title": ("Compartilhar esta visão", "Share this view"),
    "share.help": (
        "Este link reabre a página com as mesmas escolhas (o botão à direita copia).",
        "This link reopens the page with the same choices (the button on the right copies it).",
    ),
    "share.rejected": (
        "Alguns valores do link não são válidos e voltaram ao padrão: {params}.",
        "Some values in the link are not valid and were reset to their defaults: {params}.",
    ),
    # errors shared by labs
    "err.device_unknown": (
        "Dispositivo desconhecido '{device}'. Permitidos: {allowed}.",
        "Unknown device '{device}'. Allowed: {allowed}.",
    ),
    "err.device_absent": (
        "O dispositivo '{device}' não está disponível nesta máquina. Disponíveis: {allowed}.",
        "Device '{device}' is not available on this machine. Available: {allowed}.",
    ),
    "err.dtype_unknown": (
        "Tipo desconhecido '{dtype}'. Permitidos: {allowed}.",
        "Unknown dtype '{dtype}'. Allowed: {allowed}.",
    ),
    "err.dtype_device": (
        "O dispositivo '{device}' não suporta {dtype}; use float32.",
        "Device '{device}' does not support {dtype}; use float32.",
    ),
    # limits on heavy work (core/governor.py, core/isolate.py): each names the limit that bit
    "err.limit_time": (
        "Este cálculo passou do limite de {seconds} s e foi interrompido, para não travar o servidor da turma. "
        "Tente uma expressão mais simples, uma ordem menor ou menos pontos.",
        "This computation passed its {seconds} s limit and was stopped, so that it does not hold up the class's server. "
        "Try a simpler expression, a lower order or fewer points.",
    ),
    "err.limit_time_predicted": (
        "Este cálculo levaria cerca de {predicted} s, mais que o limite de {seconds} s por interação; não foi feito. "
        "Use menos pontos, uma ordem menor ou uma expressão mais simples.",
        "This computation would take about {predicted} s, more than the {seconds} s limit of one interaction; it was not run. "
        "Use fewer points, a lower order or a simpler expression.",
    ),
    "err.limit_memory": (
        "O cálculo simbólico (SymPy) precisou de mais de {megabytes} MB de memória e foi interrompido. "
        "Tente uma expressão mais simples ou uma ordem menor.",
        "The symbolic computation (SymPy) needed more than {megabytes} MB of memory and was stopped. "
        "Try a simpler expression or a lower order.",
    ),
    "err.limit_rss": (
        "O servidor cresceu mais de {megabytes} MB durante este cálculo, que foi interrompido para proteger os outros usuários.",
        "The server grew by more than {megabytes} MB during this computation, which was stopped to protect the other users.",
    ),
    "err.limit_graph": (
        "O grafo que o autograd montaria tem {nodes} nós: nem um bloco pequeno da grade cabe no limite de {megabytes} MB. "
        "Use uma expressão menor ou uma ordem menor.",
        "The graph autograd would build has {nodes} nodes: not even a small block of the grid fits the {megabytes} MB limit. "
        "Use a smaller expression or a lower order.",
    ),
    "err.limit_recursion": (
        "A expressão é aninhada demais para o cálculo simbólico.",
        "The expression is nested too deeply for the symbolic computation.",
    ),
    "err.limit_failed": (
        "O cálculo simbólico falhou ({detail}).",
        "The symbolic computation failed ({detail}).",
    ),
    "err.limit_queue_full": (
        "O servidor está ocupado: já há {high} cálculos esperando. Tente de novo em alguns segundos.",
        "The server is busy: {high} computations are already waiting. Try again in a few seconds.",
    ),
    "err.limit_queue_timeout": (
        "Esperamos {seconds} s por uma vaga e o servidor continua ocupado. Tente de novo em instantes.",
        "We waited {seconds} s for a slot and the server is still busy. Try again in a moment.",
    ),
    "err.limit_busy": (
        "O servidor está ocupado agora. Tente de novo em instantes.",
        "The server is busy now. Try again in a moment.",
    ),
    "common.queue_place": (
        "Servidor ocupado: você é o {place}º da fila (esperando há {waited} s).",
        "Server busy: you are number {place} in the queue (waiting for {waited} s).",
    ),
    # input checks shared by every lab (core/checks.py)
    "err.int_range": (
        "{name} deve ser um inteiro de {low} a {high} (recebido: {value}).",
        "{name} must be a whole number from {low} to {high} (got: {value}).",
    ),
    "err.real_range": (
        "{name} deve ser um número finito de {low} a {high} (recebido: {value}).",
        "{name} must be a finite number from {low} to {high} (got: {value}).",
    ),
    "err.numbers_type": (
        "Esperava um texto com números (recebido: {what}).",
        "Expected a text of numbers (got: {what}).",
    ),
    "err.numbers_length": (
        "Texto longo demais: {length} caracteres (máximo {limit}).",
        "Text too long: {length} characters (at most {limit}).",
    ),
    "err.numbers_empty": (
        "Digite ao menos um número, por exemplo 0, 1, 2.",
        "Type at least one number, for example 0, 1, 2.",
    ),
    "err.numbers_count": (
        "{count} números: são permitidos de 1 a {limit}.",
        "{count} numbers: from 1 to {limit} are allowed.",
    ),
    "err.numbers_item": (
        "`{item}` não é um número. Separe os números por vírgulas e use ponto decimal: 0.5, 1, 2.",
        "`{item}` is not a number. Separate the numbers with commas and use a decimal point: 0.5, 1, 2.",
    ),
    "err.numbers_whole": (
        "`{item}` não é um inteiro. Use inteiros separados por vírgulas, por exemplo 64, 128.",
        "`{item}` is not a whole number. Use whole numbers separated by commas, for example 64, 128.",
    ),
    "err.numbers_finite": (
        "`{item}`: use números finitos (sem nan nem inf).",
        "`{item}`: use finite numbers (no nan or inf).",
    ),
    "err.numbers_range": (
        "`{item}` está fora do permitido: |valor| ≤ {limit}.",
        "`{item}` is out of range: |value| ≤ {limit}.",
    ),
    # the frame's error boundary (ui/frame.py)
    "frame.unexpected": (
        "Algo deu errado nesta página. Não é culpa sua: o erro foi registrado no servidor com a "
        "referência `{ref}`. Mude um controle ou recarregue a página; se voltar a acontecer, "
        "informe a referência a quem mantém o app.",
        "Something went wrong on this page. It is not your fault: the error was logged on the server "
        "with reference `{ref}`. Change a control or reload the page; if it happens again, give the "
        "reference to whoever runs the app.",
    ),
    # the home page
    "home.intro": (
        "Escolha uma função, e o app a constrói como uma expressão PyTorch, roda o autograd numa grade "
        "no dispositivo e no dtype escolhidos e compara com a derivada exata (simbólica). Em volta disso, "
        "laboratórios de tensores, desempenho, regra da cadeia, gradientes em duas variáveis e estabilidade numérica, todos medidos.",
        "Pick a function and the app builds it as a PyTorch expression, runs autograd on a grid on the "
        "device and dtype you chose and compares it with the exact (symbolic) derivative. Around that, "
        "labs on tensors, performance, the chain rule, gradients in two variables and numerical stability, all measured.",
    ),
    "home.labs": ("Laboratórios, na ordem do curso", "Labs, in course order"),
    "home.lab.tensors": (
        "indexação, reshape/view, broadcasting e concatenação, NumPy e PyTorch lado a lado.",
        "indexing, reshape/view, broadcasting and concatenation, NumPy and PyTorch side by side.",
    ),
    "home.lab.performance": (
        "laço contra broadcasting contra matmul, e atualizações in-place que não alocam, medidos direito.",
        "loop vs broadcasting vs matmul, and in-place updates that allocate nothing, measured right.",
    ),
    "home.lab.derivatives": (
        "autograd do PyTorch contra a derivada exata, com o erro, em float32 e float64.",
        "PyTorch autograd against the exact derivative, with the error, in float32 and float64.",
    ),
    "home.lab.chain_rule": (
        "detach(), gradientes intermediários e o grafo do autograd, passo a passo.",
        "detach(), intermediate gradients and the autograd graph, step by step.",
    ),
    "home.lab.gradients": (
        "f(x, y): o campo do gradiente, a Hessiana e otimizadores do torch.optim disputando na superfície.",
        "f(x, y): the gradient field, the Hessian, and torch.optim's optimizers racing on the surface.",
    ),
    "home.lab.stability": (
        "por que -log(e^x/(e^x+e^y)) vira NaN e como calcular certo.",
        "why -log(e^x/(e^x+e^y)) turns into NaN, and how to compute it right.",
    ),
    "home.env_line": (
        "Rodando em PyTorch {torch}, dispositivos: {devices}, Python {python}.",
        "Running on PyTorch {torch}, devices: {devices}, Python {python}.",
    ),
    "home.env": ("Ambiente desta instância", "This instance's environment"),
}
