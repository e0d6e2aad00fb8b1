"""The NumPy and PyTorch code the Tensors page shows: each line is the call the lab really runs.

Comments written here are labels only (``a0 … a5``); a comment in words comes from the text
table, in the page's language (``device_code``).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import torch

from core.i18n import tr
from core.tensors.shapes import Shape, format_shape

if TYPE_CHECKING:
    from core.tensors.concatenation import ConcatReport


def index_code(text: str, library: str) -> str:
    """The line each library runs: ``X[...]`` on the array, ``T[...]`` on the tensor."""
    return text if library == "numpy" else re.sub(r"\bX\b", "T", text)


def reshape_code(method: str, library: str, source: str, target: Shape) -> str:
    """``X.view(4, -1)``, ``np.reshape(X.mT, (4, -1), copy=False)``: one method on ``source``.

    NumPy's counterpart of ``view`` is ``np.reshape(..., copy=False)``, which refuses to copy.
    """
    sizes = ", ".join(str(d) for d in target)
    if library == "torch":
        return f"{source}.{method}({sizes})" if method in ("reshape", "view") else f"{source}.{method}()"
    as_tuple = sizes + ("," if len(target) == 1 else "")
    return {
        "reshape": f"np.reshape({source}, ({as_tuple}))",
        "view": f"np.reshape({source}, ({as_tuple}), copy=False)",
        "ravel": f"np.ravel({source})",
        "flatten": f"{source}.flatten()",
    }[method]


def broadcast_code(a: Shape, b: Shape) -> str:
    """The two calls whose results the broadcasting section shows."""
    return "\n".join(f"{lib}.broadcast_shapes({format_shape(a)}, {format_shape(b)})" for lib in ("np", "torch"))


def concat_call(op: str, dim: int) -> str:
    """``torch.cat([A, B], dim=0)``."""
    return f"torch.{op}([A, B], dim={dim})"


def concat_code(report: ConcatReport) -> str:
    """The PyTorch lines of the cat/stack section: A and B labelled as drawn, then the call.

    The comments name the labels only (``a0 … a5``), so they read the same in every language.
    """
    na, nb = math.prod(report.a), math.prod(report.b)
    lines = [
        (f"A = torch.arange({na}).reshape{format_shape(report.a)}", f"# a0 … a{na - 1}"),
        (f"B = torch.arange({na}, {na + nb}).reshape{format_shape(report.b)}", f"# b0 … b{nb - 1}"),
    ]
    width = max(len(code) for code, _ in lines) + 3
    return "\n".join(code.ljust(width) + comment for code, comment in lines) + "\n" + report.code


def conversion_statement(position: int, value: float, mutate: str) -> str:
    """The in-place change ``conversion_demo`` runs, as Python: ``a[2] = 100.0``."""
    target = "a" if mutate == "a" else "torch.from_numpy(a)"
    return f"{target}[{int(position)}] = {float(value)!r}"


def default_device() -> str:
    """The notebook's choice: ``"cuda"`` when a GPU is present, else ``"cpu"``."""
    return "cuda" if torch.cuda.is_available() else "cpu"


def device_code(lang: str = "pt") -> str:
    """The notebook's device line, with a comment (in ``lang``) giving its value here."""
    code = 'device = torch.device("cuda" if torch.cuda.is_available() else "cpu")'
    return f"{code}   # {tr('tens.code.device_here', lang, device=default_device())}"
