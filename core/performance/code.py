"""The code the Performance lab shows: each C = A Bᵀ method, each update, the version-counter demo.

Each snippet is a list of (code, comment key or None) lines; the comments come from the text
table, so a pt page shows Portuguese comments while the code stays the same.
"""

from __future__ import annotations

from collections.abc import Sequence

from core.i18n import tr
from core.performance.presets import METHODS

_METHOD_LINES: dict[str, tuple[tuple[str, str | None], ...]] = {
    "row_loop": (("C = torch.empty(n, n)", None), ("for i in range(n):", None), ("    C[i] = (A[i] * B).sum(dim=1)", None)),
    "double_loop": (
        ("C = torch.empty(n, n)", None),
        ("for i in range(n):", None),
        ("    for j in range(n):", None),
        ("        C[i, j] = (A[i] * B[j]).sum()", None),
    ),
    "torch_mm": (("C = torch.mm(A, B.T)", "perf.code.mm_same"),),
    "numpy_matmul": (("C = A_np @ B_np.T", "perf.code.numpy_cpu"),),
}

UPDATE_CODE = {
    "rebind": "C = C + D",
    "slice_assign": "C[:] = D + C",
    "iadd": "C += D",
    "add_": "C.add_(D)",
    "rebind_matmul": "C = C + A @ B.T",
    "addmm_out": "torch.addmm(C, A, B.T, out=C)",
    "addmm_": "C.addmm_(A, B.T)",
}

DEMO_X = (-2.0, 0.0, 1.5)
_DEMO_LINE = "x = torch.tensor([-2.0, 0.0, 1.5], dtype=torch.float64, requires_grad=True)"
_VERSION_LINES = {
    False: (
        (_DEMO_LINE, None),
        ("s = torch.sigmoid(x)", "perf.code.backward_needs"),
        ("s.mul_(2)", "perf.code.in_place"),
        ("s.sum().backward()", "perf.code.runtime_error"),
    ),
    True: (
        (_DEMO_LINE, None),
        ("s = torch.sigmoid(x)", None),
        ("t = s * 2", "perf.code.out_of_place"),
        ("t.sum().backward()", "perf.code.grad"),
    ),
}


def _commented(lines: Sequence[tuple[str, str | None]], lang: str, column: int | None = None) -> str:
    """Code lines with their translated comments aligned at ``column`` (default: 2 after the longest)."""
    width = column if column is not None else max((len(c) + 2 for c, k in lines if k), default=0)
    out = [f"{code:<{width}}# {tr(key, lang)}" if key else code for code, key in lines]
    return "\n".join(line.rstrip() for line in out)


def method_code(method: str, lang: str = "en") -> str:
    """The code of a vectorization method, comments in ``lang`` ("pt" or "en")."""
    return _commented(_METHOD_LINES[method], lang)


def version_code(fixed: bool, lang: str = "en") -> str:
    """The version-counter demo's code, broken (``fixed=False``) or fixed, comments in ``lang``."""
    return _commented(_VERSION_LINES[fixed], lang, column=26)


METHOD_CODE = {m: method_code(m) for m in METHODS}  # English; ``method_code(m, lang)`` translates
VERSION_BROKEN_CODE = version_code(False)
VERSION_FIXED_CODE = version_code(True)
