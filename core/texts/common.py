"""Strings shared by every page: navigation, sidebar, generic errors."""

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
    "nav.stability": ("Estabilidade numérica", "Numerical stability"),
    "sidebar.language": ("Idioma", "Language"),
    "sidebar.labs": ("Laboratórios", "Labs"),
    "sidebar.presentation": ("Modo apresentação", "Presentation mode"),
    "sidebar.presentation_help": (
        "Letras, gráficos e linhas maiores para projetor.",
        "Larger text, charts and lines for a projector.",
    ),
    "sidebar.environment": ("Ambiente", "Environment"),
    "common.device": ("Dispositivo", "Device"),
    "common.dtype": ("Tipo (dtype)", "Dtype"),
    "common.run": ("Executar", "Run"),
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
}
