"""core.stability.code: the code the page shows runs, is exact and is commented in the page's language."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
import torch

from core.stability.code import stable_code


@pytest.mark.parametrize("lang,mine,other", [("pt", "subtrai o máximo", "subtracts"), ("en", "subtracts the max", "subtrai")])
def test_stable_code_runs_and_is_commented_in_the_language(lang, mine, other):
    code = stable_code(lang)
    assert mine in code and other not in code
    namespace: dict = {}
    exec(compile(code, "<stable_code>", "exec"), namespace)
    x = torch.tensor([2.0, 400.0, -700.0, 0.0], dtype=torch.float64, requires_grad=True)
    y = torch.tensor([3.0, 800.0, 700.0, -30.0], dtype=torch.float64)
    value = namespace["log_exp"](x, y)
    value.sum().backward()
    with mpmath.workprec(200):
        exact = [
            float(mpmath.log1p(mpmath.exp(mpmath.mpf(b) - mpmath.mpf(a)))) for a, b in zip(x.tolist(), y.tolist(), strict=True)
        ]
        slope = [-float(1 / (1 + mpmath.exp(mpmath.mpf(a) - mpmath.mpf(b)))) for a, b in zip(x.tolist(), y.tolist(), strict=True)]
    np.testing.assert_allclose(value.detach().numpy(), exact, rtol=4 * torch.finfo(torch.float64).eps, atol=0)
    np.testing.assert_allclose(x.grad.numpy(), slope, rtol=4 * torch.finfo(torch.float64).eps, atol=0)
