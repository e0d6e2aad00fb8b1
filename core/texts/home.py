"""Home page strings."""

TEXTS = {
    "home.intro": (
        "Escolha uma função, e o app a constrói como uma expressão PyTorch, roda o autograd numa grade "
        "no dispositivo e no dtype escolhidos e compara com a derivada exata (simbólica). Em volta disso, "
        "laboratórios de tensores, desempenho, regra da cadeia e estabilidade numérica, todos medidos.",
        "Pick a function and the app builds it as a PyTorch expression, runs autograd on a grid on the "
        "device and dtype you chose and compares it with the exact (symbolic) derivative. Around that, "
        "labs on tensors, performance, the chain rule and numerical stability, all measured.",
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
