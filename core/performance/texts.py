"""Performance lab strings (keys ``perf.`` and ``err.perf_``)."""

TEXTS = {
    "perf.intro": (
        "O notebook do curso calcula C = A Bᵀ (A e B de 128 × 256) com um laço sobre as linhas e com "
        "`torch.mm`, mede cada um com uma única chamada a `time.time()` e obtém o laço mais rápido "
        "(0,0118 s contra 0,0209 s). Aqui cada forma é medida com aquecimento e repetições, conferida "
        "contra o `matmul` do NumPy, e as atualizações in-place mostram quantos bytes alocam de fato.",
        "The course notebook computes C = A Bᵀ (A and B of 128 × 256) with a loop over rows and with "
        "`torch.mm`, times each with a single `time.time()` call and finds the loop faster "
        "(0.0118 s against 0.0209 s). Here every form is timed with warm-up and repetitions, checked "
        "against NumPy's `matmul`, and the in-place updates show how many bytes they really allocate.",
    ),
    "perf.sizes": ("Tamanhos n (A e B: n × k)", "Sizes n (A and B: n × k)"),
    "perf.sizes_help": (
        "Inteiros separados por vírgula, de 1 a {high} neste dispositivo, no máximo {count}. "
        "O laço por linhas roda até n = {row}; o laço duplo, até n = {double}.",
        "Integers separated by commas, from 1 to {high} on this device, at most {count}. "
        "The row loop runs up to n = {row}; the double loop up to n = {double}.",
    ),
    "perf.inner": ("Dimensão interna k", "Inner dimension k"),
    "perf.inner_help": ("O notebook usa k = 256.", "The notebook uses k = 256."),
    "perf.repeats": ("Repetições (blocos medidos)", "Repetitions (timed blocks)"),
    "perf.repeats_help": (
        "Cada bloco chama a operação várias vezes, até durar pelo menos {block_ms:g} ms; mostramos a mediana e o "
        "intervalo interquartil dos blocos.",
        "Each block calls the operation several times, until it lasts at least {block_ms:g} ms; the page shows the "
        "median and the interquartile range of the blocks.",
    ),
    "perf.threads": ("Threads (PyTorch e NumPy)", "Threads (PyTorch and NumPy)"),
    "perf.threads_help": (
        "Vale para o PyTorch e para o OpenBLAS do NumPy. Num servidor compartilhado, uma thread dá "
        "medidas estáveis: com mais threads, um núcleo ocupado por outro processo atrasa cada "
        "operação paralela.",
        "Applies to PyTorch and to NumPy's OpenBLAS. On a shared server one thread gives stable "
        "measurements: with more threads, a core busy with another process delays every parallel "
        "operation.",
    ),
    "perf.c_size": ("Tamanho de C nas atualizações (n × n)", "Size of C in the updates (n × n)"),
    "perf.c_size_help": (
        "O notebook usa 4096 × 4096 (64 MiB em float32).",
        "The notebook uses 4096 × 4096 (64 MiB in float32).",
    ),
    "perf.sync": ("Sincronizar a GPU ao medir", "Synchronise the GPU when timing"),
    "perf.sync_help": (
        "Sem torch.cuda.synchronize() o relógio mede só o lançamento dos kernels, não o cálculo.",
        "Without torch.cuda.synchronize() the clock measures only the kernel launches, not the work.",
    ),
    "perf.run": ("Medir", "Measure"),
    "perf.budget_note": (
        "Um teste por vez neste servidor; quem clica enquanto outro roda entra numa fila. Orçamento de "
        "tempo: {vec:g} s para C = A Bᵀ e {mem:g} s para as atualizações, mais {overhead:g} s para "
        "preparar e desenhar: uma medição leva no máximo {total:g} s. Antes de cada tamanho, método e "
        "variante a página prevê o custo a partir do que já mediu e deixa de fora (avisando) o que não "
        "caberia.",
        "One benchmark at a time on this server; whoever clicks while another runs joins a queue. Time "
        "budget: {vec:g} s for C = A Bᵀ and {mem:g} s for the updates, plus {overhead:g} s to prepare and "
        "draw: a run takes at most {total:g} s. Before each size, method and variant the page predicts "
        "its cost from what it has already measured and leaves out (and says so) what would not fit.",
    ),
    "perf.running": ("Medindo (até {budget:g} s)…", "Measuring (up to {budget:g} s)…"),
    "perf.queue_place": (
        "Outro teste está rodando neste servidor. Você é o {place}º da fila; a sua medição começa "
        "sozinha quando chegar a vez (esperando há {waited:.0f} s; desiste após {max_wait:g} s).",
        "Another benchmark is running on this server. You are number {place} in the queue; your run "
        "starts by itself when its turn comes (waiting for {waited:.0f} s; gives up after {max_wait:g} s).",
    ),
    "perf.press_run": (
        "Escolha os tamanhos e clique em **Medir**. Nada é medido sem o clique.",
        "Choose the sizes and click **Measure**. Nothing is timed without the click.",
    ),
    "perf.stale": (
        "Os controles mudaram desde a última medição; os resultados abaixo são da medição anterior. "
        "Clique em **Medir** para atualizar.",
        "The controls changed since the last run; the results below are from that run. Click **Measure** to update them.",
    ),
    "perf.conditions": (
        "Medido em {device}, {dtype}, k = {k}, {threads} thread(s) no PyTorch, {repeats} blocos por "
        "medida; {elapsed:.1f} s de {budget:.3g} s de orçamento.",
        "Measured on {device}, {dtype}, k = {k}, {threads} PyTorch thread(s), {repeats} blocks per "
        "measurement; {elapsed:.1f} s of a {budget:.3g} s budget.",
    ),
    "perf.numpy_threads": (
        "O OpenBLAS do NumPy também usou {threads} thread(s).",
        "NumPy's OpenBLAS also used {threads} thread(s).",
    ),
    "perf.numpy_threads_free": (
        "O BLAS do NumPy usou o próprio número de threads (não foi possível ajustá-lo nesta instalação).",
        "NumPy's BLAS used its own thread count (it could not be set on this installation).",
    ),
    "perf.budget_spent": (
        "O orçamento de tempo não daria para: {cells}. Ficaram de fora (a previsão de cada um vem do "
        "tempo já medido no tamanho anterior, ou numa fração das linhas).",
        "The time budget would not cover: {cells}. They were left out (each prediction comes from the "
        "time already measured at the previous size, or on a fraction of the rows).",
    ),
    "perf.budget_short": (
        "O orçamento de tempo acabou: algumas medidas têm menos blocos que o pedido.",
        "The time budget ran out: some measurements have fewer blocks than requested.",
    ),
    "perf.size_skipped": (
        "Fora do limite do método (laço por linhas até {row}, laço duplo até {double}, NumPy até {numpy}): {cells}.",
        "Above the method's limit (row loop up to {row}, double loop up to {double}, NumPy up to {numpy}): {cells}.",
    ),
    "perf.time_title": ("Tempo por chamada contra n", "Time per call against n"),
    "perf.time_caption": (
        "Eixos logarítmicos; o ponto é a mediana dos blocos e a barra vai do 1º ao 3º quartil. "
        "Uma distância vertical constante entre duas linhas é um fator de aceleração constante.",
        "Log-log axes; the point is the median of the blocks and the bar spans the 1st to 3rd quartile. "
        "A constant vertical gap between two lines is a constant speed-up factor.",
    ),
    "perf.speedup_title": ("Aceleração sobre o laço por linhas", "Speed-up over the row loop"),
    "perf.speedup_caption": (
        "Razão das medianas: mediana(laço por linhas) / mediana(método). Acima da linha tracejada (1), o "
        "método é mais rápido que o laço por linhas; abaixo, mais lento.",
        "Ratio of medians: median(row loop) / median(method). Above the dashed line (1) the method is "
        "faster than the row loop; below it, slower.",
    ),
    "perf.correct_title": ("Os resultados estão certos?", "Are the results right?"),
    "perf.tolerance": (
        "Cada C é comparado com R = A Bᵀ calculado pelo `matmul` do NumPy em float64 a partir das mesmas "
        "entradas. Tolerância por elemento: |C − R| ≤ γ_(k+1) ‖aᵢ‖ ‖bⱼ‖, com γ_m = m·u / (1 − m·u), "
        "k = {k} e u = {u} (arredondamento unitário de {dtype}): o limite clássico do erro de um produto "
        "escalar, em qualquer ordem de soma. A coluna da razão erro/tolerância passa se for ≤ 1.",
        "Each C is compared with R = A Bᵀ computed by NumPy's `matmul` in float64 from the same inputs. "
        "Tolerance per entry: |C − R| ≤ γ_(k+1) ‖aᵢ‖ ‖bⱼ‖, with γ_m = m·u / (1 − m·u), k = {k} and "
        "u = {u} (unit roundoff of {dtype}): the classic error bound of a dot product, in any summation "
        "order. The error/tolerance ratio column passes when it is ≤ 1.",
    ),
    "perf.all_correct": ("Todos os resultados dentro da tolerância.", "All results within the tolerance."),
    "perf.some_wrong": (
        "Há resultados fora da tolerância: veja a tabela.",
        "Some results are outside the tolerance: see the table.",
    ),
    "perf.shot_title": ("Uma medida só contra a medida robusta", "A single measurement against the robust one"),
    "perf.shot_caption": (
        "Em n = {n}: a primeira chamada de cada método nesta execução, medida como no notebook (um "
        "`time.time()` antes e outro depois), ao lado da mediana dos blocos.",
        "At n = {n}: each method's first call in this run, timed as the notebook does (one "
        "`time.time()` before and one after), next to the median of the blocks.",
    ),
    "perf.shot_ratio": (
        "Pela medida única, o laço por linhas leva {single:.3g}× o tempo do `torch.mm`; pela mediana, {robust:.3g}×.",
        "By the single measurement the row loop takes {single:.3g}× the time of `torch.mm`; by the median, {robust:.3g}×.",
    ),
    "perf.shot_warm": (
        "Neste servidor o PyTorch talvez já tenha rodado antes, e aí a primeira chamada quase não paga "
        "aquecimento. No notebook a medida foi a primeira do kernel: carregar bibliotecas e criar o pool "
        "de threads custou mais que a própria conta, e o laço pareceu mais rápido.",
        "On this server PyTorch may have run before, and then the first call pays almost no warm-up. In "
        "the notebook the measurement was the kernel's first: loading libraries and starting the thread "
        "pool cost more than the arithmetic itself, and the loop looked faster.",
    ),
    "perf.why_title": ("Por que uma medida só engana", "Why a single measurement misleads"),
    "perf.why_body": (
        "- **Aquecimento:** a primeira chamada paga custos únicos: carregar e escolher o kernel, criar o "
        "pool de threads, pedir memória ao sistema (e as falhas de página ao tocá-la pela primeira vez).\n"
        "- **Caches:** na segunda chamada os dados e o código já estão nos caches da CPU e o alocador já "
        "guardou blocos livres; a primeira não tem nada disso.\n"
        "- **Pools de threads:** uma operação paralela espera a thread mais lenta; se outro processo ocupa "
        "um núcleo, ela espera a vez no escalonador. Uma medida única pega um instante qualquer; a "
        "mediana de vários blocos descarta esses atrasos.\n"
        "- **GPU assíncrona:** `torch.mm` na GPU só enfileira o kernel e retorna; sem "
        "`torch.cuda.synchronize()` o relógio mede o lançamento, não a conta.\n"
        "- **Resolução e ruído:** uma operação de microssegundos fica abaixo do ruído do relógio e do "
        "sistema; por isso cada bloco repete a chamada até durar milissegundos.",
        "- **Warm-up:** the first call pays one-off costs: loading and picking the kernel, starting the "
        "thread pool, asking the system for memory (and the page faults of touching it for the first time).\n"
        "- **Caches:** on the second call the data and the code are already in the CPU caches and the "
        "allocator has kept free blocks; the first call has none of that.\n"
        "- **Thread pools:** a parallel operation waits for its slowest thread; if another process holds a "
        "core, it waits for its turn in the scheduler. A single measurement catches an arbitrary moment; "
        "the median of several blocks discards those delays.\n"
        "- **Asynchronous GPU:** `torch.mm` on a GPU only queues the kernel and returns; without "
        "`torch.cuda.synchronize()` the clock measures the launch, not the arithmetic.\n"
        "- **Resolution and noise:** a microsecond operation sits below the noise of the clock and of the "
        "system; that is why each block repeats the call until it lasts milliseconds.",
    ),
    "perf.inplace_title": ("Atualizar C sem alocar: C ← A Bᵀ + C", "Updating C without allocating: C ← A Bᵀ + C"),
    "perf.inplace_intro": (
        "O exercício pede para atualizar C várias vezes sem alocar memória nova; o notebook usa "
        "`C[:] = D + C`, que escreve dentro de C mas antes cria o temporário `D + C` a cada iteração. "
        "`C = C + D` cria um tensor novo e, dentro de uma função, nem altera o C de quem chamou. "
        "`C += D`, `C.add_(D)` e as formas fundidas com `addmm` escrevem direto em C.",
        "The exercise asks to update C several times without allocating new memory; the notebook uses "
        "`C[:] = D + C`, which writes into C but first creates the temporary `D + C` on every iteration. "
        "`C = C + D` creates a new tensor and, inside a function, does not even change the caller's C. "
        "`C += D`, `C.add_(D)` and the fused `addmm` forms write straight into C.",
    ),
    "perf.inplace_caption": (
        "C de {n} × {n} ({c_bytes}); D = A Bᵀ calculado uma vez antes do laço nas linhas “soma”. Bytes "
        "por iteração medidos com {method} em {iters} iterações após uma de aquecimento.",
        "C of {n} × {n} ({c_bytes}); D = A Bᵀ computed once before the loop in the “add” rows. Bytes per "
        "iteration measured with {method} over {iters} iterations after one warm-up.",
    ),
    "perf.mem_method.torch.autograd.profiler_legacy": (
        "os registros de alocação do profiler legado do PyTorch (`torch.autograd.profiler_legacy`, sem o "
        "Kineto: leve em memória)",
        "the allocation records of PyTorch's legacy profiler (`torch.autograd.profiler_legacy`, without Kineto: light on memory)",
    ),
    "perf.mem_method.torch.profiler": (
        "os eventos de alocação do `torch.profiler` (o legado não está disponível nesta instalação)",
        "the allocation events of `torch.profiler` (the legacy one is not available on this installation)",
    ),
    "perf.mem_method.torch.cuda.memory_stats": (
        "os contadores do alocador da GPU (`torch.cuda.memory_stats`)",
        "the GPU allocator's counters (`torch.cuda.memory_stats`)",
    ),
    "perf.mem_method.none": ("(não medidos neste dispositivo)", "(not measured on this device)"),
    "perf.inplace_skipped": (
        "O orçamento não daria para: {variants}. A previsão de cada variante vem do tempo já medido "
        "das outras; o que não caberia fica de fora.",
        "The budget would not cover: {variants}. Each variant's prediction comes from the time already "
        "measured for the others; what would not fit is left out.",
    ),
    "perf.version_title": ("In-place e autograd: o contador de versões", "In-place and autograd: the version counter"),
    "perf.version_intro": (
        "Cada tensor tem um contador de versões que toda operação in-place incrementa. Se o backward "
        "precisa de um tensor que mudou depois de salvo, o PyTorch recusa em vez de devolver um "
        "gradiente errado. O código abaixo roda de verdade; a mensagem é a que o PyTorch deu.",
        "Every tensor has a version counter that each in-place operation increments. If backward needs "
        "a tensor that changed after it was saved, PyTorch refuses instead of returning a wrong "
        "gradient. The code below really runs; the message is the one PyTorch gave.",
    ),
    "perf.version_counts": (
        "`s._version`: {before} antes de `s.mul_(2)`, {after} depois.",
        "`s._version`: {before} before `s.mul_(2)`, {after} after.",
    ),
    "perf.version_fix": (
        "A correção: não modificar o tensor salvo. Use a forma fora do lugar (ou `clone()` antes de "
        "modificar). O gradiente confere com 2 s (1 − s):",
        "The fix: do not modify the saved tensor. Use the out-of-place form (or `clone()` before "
        "modifying). The gradient matches 2 s (1 − s):",
    ),
    "perf.version_no_error": (
        "(nenhum erro: inesperado nesta versão do PyTorch)",
        "(no error: unexpected in this PyTorch version)",
    ),
    "perf.col.n": ("n", "n"),
    "perf.col.method": ("Método", "Method"),
    "perf.col.max_error": ("máx |C − R|", "max |C − R|"),
    "perf.col.error_ratio": ("máx erro / tolerância", "max error / tolerance"),
    "perf.col.correct": ("Correto", "Correct"),
    "perf.col.single_shot": ("Uma chamada, time.time()", "One call, time.time()"),
    "perf.col.median": ("Mediana de {repeats} blocos", "Median of {repeats} blocks"),
    "perf.col.iqr": ("Intervalo interquartil", "Interquartile range"),
    "perf.col.code": ("Código", "Code"),
    "perf.col.work": ("Por iteração", "Per iteration"),
    "perf.col.bytes": ("Bytes alocados / iteração", "Bytes allocated / iteration"),
    "perf.col.same_ptr": ("Mesmo data_ptr()", "Same data_ptr()"),
    "perf.col.time_iter": ("Tempo / iteração (± IQR/2)", "Time / iteration (± IQR/2)"),
    "perf.col.x": ("x", "x"),
    "perf.col.grad": ("x.grad", "x.grad"),
    "perf.col.expected": ("2 s (1 − s), NumPy", "2 s (1 − s), NumPy"),
    "perf.yes": ("sim", "yes"),
    "perf.no": ("não", "no"),
    "perf.work.add": ("soma (D pronto)", "add (D ready)"),
    "perf.work.matmul_add": ("matmul + soma", "matmul + add"),
    "perf.method.row_loop": ("laço por linhas (broadcasting)", "row loop (broadcasting)"),
    "perf.method.double_loop": ("laço duplo", "double loop"),
    "perf.method.torch_mm": ("torch.mm", "torch.mm"),
    "perf.method.numpy_matmul": ("NumPy matmul", "NumPy matmul"),
    "perf.code_title": ("O código de cada método", "The code of each method"),
    "perf.fig.size_axis": ("n (A, B: n × {k})", "n (A, B: n × {k})"),
    "perf.fig.n_axis": ("n", "n"),
    "perf.fig.time_axis": ("tempo por chamada", "time per call"),
    "perf.fig.speedup_axis": ("aceleração (×)", "speed-up (×)"),
    # comments inside the code shown to the reader
    "perf.code.mm_same": ("o mesmo que A @ B.T", "the same as A @ B.T"),
    "perf.code.numpy_cpu": ("NumPy, sempre na CPU", "NumPy, always on the CPU"),
    "perf.code.backward_needs": ("o backward precisa de s: ds/dx = s (1 - s)", "backward needs s: ds/dx = s (1 - s)"),
    "perf.code.in_place": ("in-place: s._version passa de 0 para 1", "in place: s._version goes from 0 to 1"),
    "perf.code.runtime_error": ("RuntimeError", "RuntimeError"),
    "perf.code.out_of_place": ("fora do lugar: s continua na versão 0", "out of place: s stays at version 0"),
    "perf.code.grad": ("x.grad = 2 s (1 - s)", "x.grad = 2 s (1 - s)"),
    "perf.fig.hover": (
        "n = %{x}<br>mediana %{customdata[0]}<br>Q1 %{customdata[1]}, Q3 %{customdata[2]}<br>%{customdata[3]} blocos",
        "n = %{x}<br>median %{customdata[0]}<br>Q1 %{customdata[1]}, Q3 %{customdata[2]}<br>%{customdata[3]} blocks",
    ),
    # errors
    "err.perf_busy": (
        "Outro teste de desempenho está rodando neste servidor. Tente de novo em alguns segundos.",
        "Another performance benchmark is running on this server. Try again in a few seconds.",
    ),
    "err.perf_queue_full": (
        "A fila de testes está cheia ({high} esperando). Tente de novo em um minuto.",
        "The benchmark queue is full ({high} waiting). Try again in a minute.",
    ),
    "err.perf_queue_timeout": (
        "Você esperou {seconds} s na fila e a vez não chegou: o servidor está muito ocupado. Tente de novo daqui a pouco.",
        "You waited {seconds} s in the queue and your turn did not come: the server is very busy. Try again in a little while.",
    ),
    "err.perf_size_range": (
        "Tamanho {size} fora do permitido em {device}: de 1 a {high}.",
        "Size {size} is out of range on {device}: from 1 to {high}.",
    ),
    "err.perf_sizes_count": (
        "{count} tamanhos é demais: no máximo {high} por medição.",
        "{count} sizes is too many: at most {high} per run.",
    ),
    "err.perf_budget": (
        "Orçamento de tempo {value} s fora do permitido: de {low} a {high} s.",
        "Time budget {value} s is out of range: from {low} to {high} s.",
    ),
    "err.perf_methods": ("Métodos desconhecidos. Permitidos: {allowed}.", "Unknown methods. Allowed: {allowed}."),
    "err.perf_variants": ("Variantes desconhecidas. Permitidas: {allowed}.", "Unknown variants. Allowed: {allowed}."),
}
