"""The code shown by the performance lab: comments in the reader's language, code unchanged."""

from __future__ import annotations

import pytest

from core.performance.code import (
    METHOD_CODE,
    UPDATE_CODE,
    VERSION_BROKEN_CODE,
    VERSION_FIXED_CODE,
    method_code,
    version_code,
)
from core.performance.presets import METHODS, UPDATE_VARIANTS
from core.performance.version_counter import version_counter_demo

# the English snippets as the page showed them before comments were translated
ENGLISH = {
    "row_loop": "C = torch.empty(n, n)\nfor i in range(n):\n    C[i] = (A[i] * B).sum(dim=1)",
    "double_loop": "C = torch.empty(n, n)\nfor i in range(n):\n    for j in range(n):\n        C[i, j] = (A[i] * B[j]).sum()",
    "torch_mm": "C = torch.mm(A, B.T)  # the same as A @ B.T",
    "numpy_matmul": "C = A_np @ B_np.T  # NumPy, always on the CPU",
    "broken": """x = torch.tensor([-2.0, 0.0, 1.5], dtype=torch.float64, requires_grad=True)
s = torch.sigmoid(x)      # backward needs s: ds/dx = s (1 - s)
s.mul_(2)                 # in place: s._version goes from 0 to 1
s.sum().backward()        # RuntimeError""",
    "fixed": """x = torch.tensor([-2.0, 0.0, 1.5], dtype=torch.float64, requires_grad=True)
s = torch.sigmoid(x)
t = s * 2                 # out of place: s stays at version 0
t.sum().backward()        # x.grad = 2 s (1 - s)""",
}
# words of the English comments; none may appear in a comment on a pt page
ENGLISH_WORDS = ("the same", "always", "needs", "goes from", "out of place", "stays")


def _snippets(lang: str) -> dict[str, str]:
    found = {m: method_code(m, lang) for m in METHODS}
    found["broken"] = version_code(False, lang)
    found["fixed"] = version_code(True, lang)
    return found


def _code_and_comments(snippet: str) -> tuple[list[str], list[str]]:
    code, comments = [], []
    for line in snippet.splitlines():
        head, _, comment = line.partition("#")
        code.append(head.rstrip())
        comments.append(comment.strip())
    return code, comments


@pytest.mark.parametrize("name", list(ENGLISH))
def test_english_snippet_unchanged(name):
    assert _snippets("en")[name] == ENGLISH[name]


def test_english_constants_kept():
    assert METHOD_CODE == {m: ENGLISH[m] for m in METHODS}
    assert (VERSION_BROKEN_CODE, VERSION_FIXED_CODE) == (ENGLISH["broken"], ENGLISH["fixed"])


@pytest.mark.parametrize("name", list(ENGLISH))
def test_portuguese_snippet_same_code_portuguese_comments(name):
    pt_code, pt_comments = _code_and_comments(_snippets("pt")[name])
    en_code, en_comments = _code_and_comments(ENGLISH[name])
    assert pt_code == en_code  # only the comments change
    for pt, en in zip(pt_comments, en_comments, strict=True):
        assert bool(pt) == bool(en)
        assert not any(word in pt for word in ENGLISH_WORDS), pt


def test_portuguese_comments_are_the_translations():
    assert "o mesmo que A @ B.T" in method_code("torch_mm", "pt")
    assert "NumPy, sempre na CPU" in method_code("numpy_matmul", "pt")
    broken = version_code(False, "pt")
    assert "o backward precisa de s" in broken and "s._version passa de 0 para 1" in broken
    assert "fora do lugar: s continua na versão 0" in version_code(True, "pt")


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_comments_aligned_in_one_column(lang):
    for name, snippet in _snippets(lang).items():
        columns = {line.index("#") for line in snippet.splitlines() if "#" in line}
        assert len(columns) <= 1, (name, columns)


def test_demo_returns_code_in_the_language_asked():
    demo = version_counter_demo("pt")
    assert demo.broken_code == version_code(False, "pt")
    assert demo.fixed_code == version_code(True, "pt")
    assert "modified by an inplace operation" in demo.error_message  # PyTorch's own message


def test_every_update_variant_has_its_code():
    assert tuple(UPDATE_CODE) == UPDATE_VARIANTS
