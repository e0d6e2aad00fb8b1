"""Strings of the Tensors lab (pages/1_tensors.py and core/tensors/)."""

_ALLOWED_PT = (
    "Permitido: inteiros (também negativos), fatias a:b:c, ..., None, listas de inteiros como [0, 2] "
    "e máscaras como X > 0.5, separados por vírgulas."
)
_ALLOWED_EN = (
    "Allowed: integers (negative too), slices a:b:c, ..., None, lists of integers such as [0, 2] "
    "and masks such as X > 0.5, separated by commas."
)

TEXTS = {
    # page
    "tens.title": ("Tensores: indexação, reshape, broadcasting", "Tensors: indexing, reshape, broadcasting"),
    "tens.intro": (
        "Um tensor pequeno, criado por você, desenhado célula a célula. Cada operação roda de verdade no NumPy "
        "e no PyTorch; quando as duas bibliotecas discordam, ou recusam, você vê a diferença e a mensagem de "
        "erro original.",
        "A small tensor of your choosing, drawn cell by cell. Every operation really runs in NumPy and in "
        "PyTorch; when the two libraries disagree, or refuse, you see the difference and the original error "
        "message.",
    ),
    "tens.shape": ("Formato (shape) de X", "Shape of X"),
    "tens.shape_help": (
        "De 1 a 4 dimensões, cada uma de 1 a 8, por exemplo 3, 2, 4 ou (4, 4).",
        "1 to 4 dimensions, each from 1 to 8, e.g. 3, 2, 4 or (4, 4).",
    ),
    "tens.pattern": ("Valores", "Values"),
    "tens.pattern.rand": ("aleatórios em [0, 1)", "random in [0, 1)"),
    "tens.pattern.randn": ("normais N(0, 1)", "normal N(0, 1)"),
    "tens.pattern.arange": ("0, 1, 2, … (arange)", "0, 1, 2, … (arange)"),
    "tens.seed": ("Semente", "Seed"),
    "tens.tab.index": ("Indexação", "Indexing"),
    "tens.tab.reshape": ("reshape / view", "reshape / view"),
    "tens.tab.broadcast": ("Broadcasting", "Broadcasting"),
    "tens.tab.cat": ("cat / stack", "cat / stack"),
    "tens.tab.devices": ("Dispositivos e conversão", "Devices and conversion"),
    "tens.yes": ("sim", "yes"),
    "tens.no": ("não", "no"),
    "tens.view": ("view (mesma memória de X)", "view (shares X's memory)"),
    "tens.copy": ("cópia", "copy"),
    "tens.col.library": ("Biblioteca", "Library"),
    "tens.col.code": ("Código", "Code"),
    "tens.col.shape": ("Formato", "Shape"),
    "tens.col.memory": ("Memória", "Memory"),
    "tens.col.error": ("Erro", "Error"),
    "tens.col.strides": ("Strides", "Strides"),
    "tens.col.contiguous": ("Contíguo?", "Contiguous?"),
    "tens.col.object": ("Objeto", "Object"),
    "tens.col.before": ("Antes", "Before"),
    "tens.col.after": ("Depois", "After"),
    "tens.col.changed": ("Mudou?", "Changed?"),
    "tens.col.shares": ("Compartilha memória com a?", "Shares memory with a?"),
    # indexing
    "tens.index.intro": (
        "Escreva um índice como no Python. As células escolhidas ficam destacadas em X; ao lado, o resultado "
        "(passe o mouse numa célula para ver de onde ela veio). Em PyTorch o mesmo índice vale para o tensor T.",
        "Type an index as in Python. The cells it picks are highlighted in X; beside it, the result (hover "
        "over a cell to see where it came from). In PyTorch the same index applies to the tensor T.",
    ),
    "tens.presets": ("Exemplos do notebook", "Examples from the notebook"),
    "tens.index": ("Índice", "Index"),
    "tens.index_help": (_ALLOWED_PT + " Até 100 caracteres.", _ALLOWED_EN + " Up to 100 characters."),
    "tens.index.x_title": ("X, formato {shape}", "X, shape {shape}"),
    "tens.index.result_same": ("{index}: formato {shape} (NumPy = PyTorch)", "{index}: shape {shape} (NumPy = PyTorch)"),
    "tens.index.result_numpy": ("{index} no NumPy: formato {shape}", "{index} in NumPy: shape {shape}"),
    "tens.index.result_torch": ("{index} no PyTorch: formato {shape}", "{index} in PyTorch: shape {shape}"),
    "tens.index.empty": (
        "O resultado é vazio, formato {shape}: nenhum elemento foi escolhido.",
        "The result is empty, shape {shape}: no element was picked.",
    ),
    "tens.index.too_big": (
        "O resultado tem formato {shape}, grande demais para desenhar célula a célula.",
        "The result has shape {shape}, too large to draw cell by cell.",
    ),
    "tens.index.view_note": (
        "Indexação básica (inteiros, fatias, ..., None) devolve uma view: alterá-la altera X. Listas de índices "
        "e máscaras (indexação avançada) sempre copiam.",
        "Basic indexing (integers, slices, ..., None) returns a view: changing it changes X. Lists of indices "
        "and masks (advanced indexing) always copy.",
    ),
    # differences between the libraries
    "tens.diff.one_fails": (
        "Diferença: {ok} aceita este índice (formato {shape}), mas {bad} o recusa com `{error}`",
        "Difference: {ok} accepts this index (shape {shape}), but {bad} refuses it with `{error}`",
    ),
    "tens.diff.shape": (
        "Diferença: NumPy devolve formato {numpy} e PyTorch devolve {torch}, as mesmas dimensões em outra "
        "ordem. O NumPy trata um inteiro ao lado de listas como mais um índice avançado e, quando índices "
        "avançados ficam separados por uma fatia, None ou ..., põe as dimensões deles na frente; o PyTorch "
        "aplica os inteiros antes e deixa a dimensão da lista onde estava.",
        "Difference: NumPy returns shape {numpy} and PyTorch returns {torch}, the same dimensions in another "
        "order. NumPy treats an integer next to lists as one more advanced index and, when advanced indices "
        "are separated by a slice, None or ..., moves their dimensions to the front; PyTorch applies the "
        "integers first and leaves the list's dimension where it was.",
    ),
    "tens.diff.positions": (
        "Diferença: os formatos coincidem, mas os elementos saem em outra ordem (passe o mouse nas células). "
        "O NumPy trata um inteiro ao lado de listas como mais um índice avançado e, quando índices avançados "
        "ficam separados por uma fatia, None ou ..., põe as dimensões deles na frente; o PyTorch não.",
        "Difference: the shapes agree, but the elements come out in another order (hover over the cells). "
        "NumPy treats an integer next to lists as one more advanced index and, when advanced indices are "
        "separated by a slice, None or ..., moves their dimensions to the front; PyTorch does not.",
    ),
    "tens.diff.reading_shape": (
        "Diferença: NumPy devolve formato {numpy} e PyTorch devolve {torch}.",
        "Difference: NumPy returns shape {numpy} and PyTorch returns {torch}.",
    ),
    "tens.diff.reading": (
        "As bibliotecas leem `{index}` de jeitos diferentes. Entre os colchetes há uma lista só, sem "
        "vírgula fora dela: o NumPy a lê como um único array de índices inteiros; o PyTorch a lê como uma "
        "tupla de índices, como se você tivesse escrito `{as_tuple}`. Para ter a leitura do NumPy nas duas, "
        "ponha uma vírgula depois da lista (`{with_comma}`); para ter a do PyTorch, escreva a tupla.",
        "The libraries read `{index}` differently. The brackets hold a single list, with no comma outside "
        "it: NumPy reads it as one array of integer indices; PyTorch reads it as a tuple of indices, as if "
        "you had typed `{as_tuple}`. For NumPy's reading in both, put a comma after the list "
        "(`{with_comma}`); for PyTorch's, type the tuple.",
    ),
    "tens.diff.warning": ("Aviso do {library}: `{warning}`", "{library} warns: `{warning}`"),
    "tens.diff.scalar": (
        "Diferença: com um inteiro por dimensão, o NumPy devolve um escalar (uma cópia), e o PyTorch um "
        "tensor de dimensão 0 que ainda é uma view de X.",
        "Difference: with one integer per dimension, NumPy returns a scalar (a copy), while PyTorch returns a "
        "0-d tensor that is still a view of X.",
    ),
    "tens.diff.view": (
        "Diferença: o NumPy devolve uma view (compartilha a memória de X) e o PyTorch uma cópia.",
        "Difference: NumPy returns a view (it shares X's memory) and PyTorch a copy.",
    ),
    "tens.diff.copy": (
        "Diferença: o NumPy devolve uma cópia e o PyTorch uma view (compartilha a memória de X).",
        "Difference: NumPy returns a copy and PyTorch a view (it shares X's memory).",
    ),
    "tens.diff.broadcast": (
        "Diferença entre as bibliotecas: NumPy `{numpy}`, PyTorch `{torch}`.",
        "The libraries differ: NumPy `{numpy}`, PyTorch `{torch}`.",
    ),
    "tens.diff.concat": (
        "Diferença entre as bibliotecas: NumPy `{numpy}`, PyTorch `{torch}`.",
        "The libraries differ: NumPy `{numpy}`, PyTorch `{torch}`.",
    ),
    # reshape / view
    "tens.reshape.intro": (
        "Os números nas células são a posição de cada elemento na memória de X (o índice plano). reshape, "
        "view, ravel e flatten só reorganizam a grade: leia a origem linha por linha e o resultado aparece "
        "na mesma ordem. Troque as duas últimas dimensões para ver por que view às vezes falha.",
        "The numbers in the cells are each element's position in X's memory (its flat index). reshape, view, "
        "ravel and flatten only rearrange the grid: read the source row by row and the result comes out in "
        "the same order. Swap the last two dimensions to see why view sometimes fails.",
    ),
    "tens.target": ("Novo formato", "New shape"),
    "tens.target_help": (
        "Inteiros separados por vírgulas; -1 deixa a biblioteca deduzir uma dimensão; () é o formato de um "
        "escalar. Usado por reshape e view.",
        "Integers separated by commas; -1 lets the library infer one dimension; () is a scalar's shape. "
        "Used by reshape and view.",
    ),
    "tens.method": ("Método (PyTorch)", "Method (PyTorch)"),
    "tens.transpose": ("Transpor antes (X.mT)", "Transpose first (X.mT)"),
    "tens.transpose_help": (
        "Troca as duas últimas dimensões. X.mT é uma view: os mesmos dados, com strides trocados, então deixa de ser contígua.",
        "Swaps the last two dimensions. X.mT is a view: the same data with swapped strides, so it is no longer contiguous.",
    ),
    "tens.reshape.source": (
        "**{code}**: formato {shape}, strides {strides} em elementos no PyTorch ({bytes} em bytes no NumPy), "
        "contíguo: **{contiguous}**. Lida linha por linha, visita as posições de memória {order}.",
        "**{code}**: shape {shape}, strides {strides} in elements in PyTorch ({bytes} in bytes in NumPy), "
        "contiguous: **{contiguous}**. Read row by row, it visits memory positions {order}.",
    ),
    "tens.reshape.source_title": ("{code}: posição de cada elemento na memória", "{code}: each element's memory position"),
    "tens.reshape.result_title": ("Y = {code}, formato {shape}", "Y = {code}, shape {shape}"),
    "tens.reshape.outcome": (
        "`{code}`: strides {strides}, contíguo: {contiguous}, memória: {memory}.",
        "`{code}`: strides {strides}, contiguous: {contiguous}, memory: {memory}.",
    ),
    "tens.reshape.failed": ("`{code}` falhou: `{error}`", "`{code}` failed: `{error}`"),
    "tens.reshape.why_view_fails": (
        "view nunca copia: só consegue dar um novo formato se cada nova dimensão andar na memória com um passo "
        "(stride) fixo. Depois de uma transposição, a ordem de leitura pula pela memória, então não existem "
        "tais strides. reshape funciona porque, nesse caso, copia os dados para uma memória nova e contígua "
        "(o mesmo que .contiguous().view(...)).",
        "view never copies: it can only give a new shape if every new dimension walks through memory with a "
        "fixed step (stride). After a transpose the reading order jumps around memory, so no such strides "
        "exist. reshape works because, in that case, it copies the data to new contiguous memory (the same as "
        ".contiguous().view(...)).",
    ),
    "tens.reshape.strides_note": (
        "Strides: quantos elementos (PyTorch) ou bytes (NumPy; float64 tem 8 bytes) andar na memória para "
        "avançar uma posição em cada dimensão. A linha np.reshape(..., copy=False) é o equivalente NumPy de view.",
        "Strides: how many elements (PyTorch) or bytes (NumPy; float64 takes 8 bytes) to move in memory to "
        "advance one step along each dimension. The np.reshape(..., copy=False) row is NumPy's counterpart of view.",
    ),
    # broadcasting
    "tens.bc.intro": (
        "Dois formatos, alinhados pela direita. Em cada dimensão os tamanhos precisam ser iguais, ou um deles "
        "ser 1 (ele é esticado); uma dimensão que falta conta como 1. Os três exemplos são os do notebook.",
        "Two shapes, aligned from the right. In every dimension the sizes must be equal, or one of them must "
        "be 1 (it gets stretched); a missing dimension counts as 1. The three presets are the notebook's cases.",
    ),
    "tens.bc.presets": ("Exemplos", "Presets"),
    "tens.bc.a": ("Formato de A", "Shape of A"),
    "tens.bc.b": ("Formato de B", "Shape of B"),
    "tens.bc.shape_help": (
        "De 0 a 6 dimensões, cada uma de 0 a 10000, como 4, 1 ou 4x1. O escalar (sem dimensões) é ().",
        "0 to 6 dimensions, each from 0 to 10000, such as 4, 1 or 4x1. The scalar (no dimensions) is ().",
    ),
    "tens.bc.result": ("A {a} + B {b} tem formato **{shape}**.", "A {a} + B {b} has shape **{shape}**."),
    "tens.bc.rule": (
        "Esticar não copia nada: a biblioteca lê o mesmo elemento de novo (stride 0). Os dois resultados "
        "abaixo vêm de np.broadcast_shapes e torch.broadcast_shapes.",
        "Stretching copies nothing: the library reads the same element again (stride 0). The results come "
        "from np.broadcast_shapes and torch.broadcast_shapes.",
    ),
    # cat / stack
    "tens.cat.intro": (
        "torch.cat junta tensores ao longo de uma dimensão que já existe (todas as outras precisam ter o "
        "mesmo tamanho); torch.stack cria uma dimensão nova (os formatos precisam ser iguais). Cada célula "
        "diz de onde veio: a3 é o elemento 3 de A.",
        "torch.cat joins tensors along an existing dimension (every other one must have the same size); "
        "torch.stack creates a new dimension (the shapes must be equal). Each cell says where it came from: "
        "a3 is element 3 of A.",
    ),
    "tens.cat.a": ("Formato de A", "Shape of A"),
    "tens.cat.b": ("Formato de B", "Shape of B"),
    "tens.cat.shape_help": (
        "De 1 a 4 dimensões, cada uma de 1 a 8, como 2, 3.",
        "1 to 4 dimensions, each from 1 to 8, such as 2, 3.",
    ),
    "tens.cat.op": ("Operação", "Operation"),
    "tens.cat.dim": ("dim", "dim"),
    "tens.cat.result": ("`{code}` com A {a} e B {b}: formato **{shape}**.", "`{code}` with A {a} and B {b}: shape **{shape}**."),
    "tens.cat.stack_hint": (
        "torch.stack exige formatos iguais; para juntar ao longo de uma dimensão existente use torch.cat.",
        "torch.stack needs equal shapes; to join along an existing dimension use torch.cat.",
    ),
    # devices and conversion
    "tens.dev.intro": (
        "Dispositivos em que o PyTorch consegue calcular nesta máquina, e o que acontece ao mover um tensor "
        "feito com torch.from_numpy para cada um.",
        "Devices PyTorch can compute on in this machine, and what happens when a tensor made with "
        "torch.from_numpy is moved to each of them.",
    ),
    "tens.dev.to_shares": (
        ".to() devolve o mesmo tensor, sem cópia (ainda compartilha memória com o array).",
        ".to() returns the same tensor, no copy (it still shares memory with the array).",
    ),
    "tens.dev.to_copies": (".to() copia os dados para o dispositivo.", ".to() copies the data to the device."),
    "tens.dev.numpy_ok": (".numpy() funciona.", ".numpy() works."),
    "tens.dev.numpy_fails": (".numpy() falha: `{error}`", ".numpy() fails: `{error}`"),
    "tens.conv.title": ("NumPy ↔ PyTorch: compartilhar ou copiar", "NumPy ↔ PyTorch: share or copy"),
    "tens.conv.intro": (
        "a = np.arange(4.0) e três tensores feitos a partir dele. Mude um elemento, no array ou no tensor de "
        "torch.from_numpy, e veja quem muda junto.",
        "a = np.arange(4.0) and three tensors made from it. Change one element, in the array or in the "
        "torch.from_numpy tensor, and see what changes with it.",
    ),
    "tens.conv.running": ("Executado:", "Executed:"),
    "tens.conv.position": ("Posição", "Position"),
    "tens.conv.value": ("Novo valor", "New value"),
    "tens.conv.mutate": ("Mudar", "Change"),
    "tens.conv.note": (
        "torch.from_numpy e torch.as_tensor reaproveitam a memória do array (mesmo dtype, na CPU), então a "
        "mudança aparece nos dois sentidos; torch.tensor sempre copia. .numpy() de um tensor na CPU também "
        "compartilha a memória.",
        "torch.from_numpy and torch.as_tensor reuse the array's memory (same dtype, on the CPU), so the change "
        "shows in both directions; torch.tensor always copies. .numpy() of a CPU tensor shares memory too.",
    ),
    "tens.code.device_here": ("aqui: {device}", "here: {device}"),
    "tens.need_x": (
        "Corrija o formato de X no topo da página para usar esta aba.",
        "Fix the shape of X at the top of the page to use this tab.",
    ),
    # figures
    "tens.fig.picked": ("escolhida", "picked"),
    "tens.fig.not_picked": ("não escolhida", "not picked"),
    "tens.fig.picked_again": ("escolhida mais de uma vez", "picked more than once"),
    "tens.fig.picked_times": ("escolhida {n}×", "picked {n}×"),
    "tens.fig.result": ("resultado", "result"),
    "tens.fig.flat_index": ("posição na memória de X: {k}", "position in X's memory: {k}"),
    "tens.fig.bc_title": ("Alinhados pela direita", "Aligned from the right"),
    "tens.fig.bc_result": ("resultado {shape}", "result {shape}"),
    "tens.fig.bc_kept": ("igual", "equal"),
    "tens.fig.bc_stretched": ("1 esticado", "1 stretched"),
    "tens.fig.bc_added": ("dimensão que falta (vale 1)", "missing dimension (counts as 1)"),
    "tens.fig.bc_conflict": ("incompatível", "incompatible"),
    "tens.fig.bc_own": ("elemento de A", "element of A"),
    "tens.fig.bc_copy": ("A repetido pelo broadcasting", "A repeated by broadcasting"),
    "tens.fig.bc_own_b": ("elemento de B", "element of B"),
    "tens.fig.bc_copy_b": ("B repetido pelo broadcasting", "B repeated by broadcasting"),
    # errors: shapes and settings
    "tens.err.shape_long": ("Formato longo demais (máximo {limit} caracteres).", "Shape too long (at most {limit} characters)."),
    "tens.err.shape_empty": ("Escreva um formato, como 3, 4.", "Type a shape, such as 3, 4."),
    "tens.err.shape_empty_scalar": (
        "Escreva um formato, como 3, 4; para um escalar escreva ().",
        "Type a shape, such as 3, 4; for a scalar type ().",
    ),
    "tens.err.shape_no_numbers": (
        "O formato '{text}' não tem números. Escreva inteiros separados por vírgulas, como 3, 4 (ou 3x4).",
        "The shape '{text}' has no numbers. Write integers separated by commas, such as 3, 4 (or 3x4).",
    ),
    "tens.err.shape_separators": (
        "Não entendi o formato '{text}': entre dois números vai uma vírgula, um x ou espaços, como 3, 4 ou 3x4.",
        "Could not read the shape '{text}': two numbers are separated by one comma, one x or blanks, such as 3, 4 or 3x4.",
    ),
    "tens.err.shape_syntax": (
        "Não entendi o formato '{text}' (em '{token}'). Escreva inteiros separados por vírgulas, como 3, 4.",
        "Could not read the shape '{text}' (at '{token}'). Write integers separated by commas, such as 3, 4.",
    ),
    "tens.err.shape_dims": (
        "O formato tem {ndim} dimensões; são permitidas de {low} a {high}.",
        "The shape has {ndim} dimensions; {low} to {high} are allowed.",
    ),
    "tens.err.shape_size": (
        "Tamanho {size} fora do permitido: cada dimensão vai de {low} a {high}.",
        "Size {size} is out of range: each dimension goes from {low} to {high}.",
    ),
    "tens.err.pattern": (
        "Padrão de valores desconhecido '{pattern}'. Permitidos: {allowed}.",
        "Unknown value pattern '{pattern}'. Allowed: {allowed}.",
    ),
    "tens.err.concat_op": (
        "Operação desconhecida '{op}'. Permitidas: {allowed}.",
        "Unknown operation '{op}'. Allowed: {allowed}.",
    ),
    "tens.err.conv_mutate": ("Escolha mudar 'a' ou 'from_numpy'.", "Choose to change 'a' or 'from_numpy'."),
    # errors: the libraries refused
    "tens.err.index_both": (
        "NumPy e PyTorch recusam {index}.  \nNumPy: `{numpy}`  \nPyTorch: `{torch}`",
        "NumPy and PyTorch both refuse {index}.  \nNumPy: `{numpy}`  \nPyTorch: `{torch}`",
    ),
    "tens.err.index_both_warned": (
        "NumPy e PyTorch recusam {index}.  \nNumPy: `{numpy}`  \nPyTorch: `{torch}`  \nAviso do {library}: `{warning}`",
        "NumPy and PyTorch both refuse {index}.  \nNumPy: `{numpy}`  \nPyTorch: `{torch}`  \n{library} warns: `{warning}`",
    ),
    "tens.err.broadcast": (
        "Os formatos {a} e {b} não são compatíveis para broadcasting.  \nNumPy: `{numpy}`  \nPyTorch: `{torch}`",
        "Shapes {a} and {b} cannot be broadcast together.  \nNumPy: `{numpy}`  \nPyTorch: `{torch}`",
    ),
    "tens.err.concat": (
        "torch.{op} com A {a} e B {b} em dim={dim} falha.  \nNumPy: `{numpy}`  \nPyTorch: `{torch}`",
        "torch.{op} of A {a} and B {b} along dim={dim} fails.  \nNumPy: `{numpy}`  \nPyTorch: `{torch}`",
    ),
    # errors: the index parser
    "tens.err.index_empty": ("Escreva um índice, por exemplo X[0].", "Type an index, for example X[0]."),
    "tens.err.index_long": (
        "Índice longo demais: {length} caracteres (máximo {limit}).",
        "Index too long: {length} characters (at most {limit}).",
    ),
    "tens.err.index_syntax": (
        "Índice mal formado ({detail}). Escreva algo como X[0, 1:3]. " + _ALLOWED_PT,
        "Malformed index ({detail}). Write something like X[0, 1:3]. " + _ALLOWED_EN,
    ),
    "tens.err.index_nodes": (
        "Índice complicado demais (mais de {limit} partes).",
        "Index too complicated (more than {limit} parts).",
    ),
    "tens.err.index_form": (
        "Use um único par de colchetes depois de X, como X[0, 1] (e não X[0][1]).",
        "Use a single pair of brackets after X, as in X[0, 1] (not X[0][1]).",
    ),
    "tens.err.index_name": (
        "O nome '{name}' não é permitido: o único nome é X. " + _ALLOWED_PT,
        "The name '{name}' is not allowed: the only name is X. " + _ALLOWED_EN,
    ),
    "tens.err.index_bare_x": (
        "X sozinho não é um índice; para uma máscara compare X com um número, como X[X > 0.5].",
        "X alone is not an index; for a mask compare X with a number, as in X[X > 0.5].",
    ),
    "tens.err.index_float": (
        "Índices precisam ser inteiros (números decimais só aparecem em máscaras como X > 0.5).",
        "Indices must be integers (decimals only appear in masks such as X > 0.5).",
    ),
    "tens.err.index_string": ("Textos (strings) não são índices. " + _ALLOWED_PT, "Strings are not indices. " + _ALLOWED_EN),
    "tens.err.index_bool": (
        "True/False sozinhos não são permitidos; use uma máscara como X > 0.",
        "A bare True/False is not allowed; use a mask such as X > 0.",
    ),
    "tens.err.index_tuple": (
        "Para escolher várias posições numa dimensão use uma lista, como [0, 2], e não uma tupla.",
        "To pick several positions along one dimension use a list, such as [0, 2], not a tuple.",
    ),
    "tens.err.index_sign": ("Escreva os inteiros diretamente, como -1.", "Write integers plainly, such as -1."),
    "tens.err.index_int_large": (
        "Inteiro grande demais (o máximo aqui é {limit}; os tensores têm no máximo 8 por dimensão).",
        "Integer too large (the limit here is {limit}; tensors have at most 8 per dimension).",
    ),
    "tens.err.index_deep": (
        "Listas aninhadas demais (máximo {limit} níveis).",
        "Lists nested too deeply (at most {limit} levels).",
    ),
    "tens.err.index_call": (
        "Chamadas de função não são permitidas. " + _ALLOWED_PT,
        "Function calls are not allowed. " + _ALLOWED_EN,
    ),
    "tens.err.index_attribute": (
        "Atributos (como X.T) não são permitidos. " + _ALLOWED_PT,
        "Attributes (such as X.T) are not allowed. " + _ALLOWED_EN,
    ),
    "tens.err.index_arith": (
        "Contas dentro do índice não são permitidas; escreva o número já calculado.",
        "Arithmetic inside the index is not allowed; write the number itself.",
    ),
    "tens.err.index_lambda": ("lambda não é permitido. " + _ALLOWED_PT, "lambda is not allowed. " + _ALLOWED_EN),
    "tens.err.index_comprehension": (
        "Compreensões e geradores não são permitidos; escreva a lista, como [0, 1, 2].",
        "Comprehensions and generators are not allowed; write the list out, such as [0, 1, 2].",
    ),
    "tens.err.index_node": (
        "'{what}' não é permitido num índice. " + _ALLOWED_PT,
        "'{what}' is not allowed in an index. " + _ALLOWED_EN,
    ),
    "tens.err.mask_form": (
        "Uma máscara compara o próprio X com um número: X > 0.5, X <= 0, X == 1, 0 < X.",
        "A mask compares X itself with a number: X > 0.5, X <= 0, X == 1, 0 < X.",
    ),
    "tens.err.mask_chained": (
        "Comparações encadeadas (0 < X < 1) não funcionam com tensores; escreva (X > 0) & (X < 1).",
        "Chained comparisons (0 < X < 1) do not work on tensors; write (X > 0) & (X < 1).",
    ),
    "tens.err.mask_boolop": (
        "and, or e not não funcionam com tensores; use &, | e ~ com parênteses: (X > 0) & (X < 1).",
        "and, or and not do not work on tensors; use &, | and ~ with parentheses: (X > 0) & (X < 1).",
    ),
    "tens.err.mask_number": (
        "O número da máscara deve ser finito, com valor absoluto até {limit}.",
        "The mask's number must be finite, with absolute value up to {limit}.",
    ),
}
