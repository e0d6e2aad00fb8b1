"""core.chain.code: the PyTorch program the page shows computes what chain_rule computes."""

from __future__ import annotations

import numpy as np
import pytest

from core.chain.code import chain_code
from core.chain.inputs import MAX_TABLE_POINTS
from core.chain.presets import NOTEBOOK_X, PRESETS
from core.chain.rule import chain_rule
from core.errors import LabError

# ---------------------------------------------------------------- the code shown on the page


def _run(code: str) -> dict:
    # the program is our own output for test inputs; running it checks it says what it computes
    namespace: dict = {}
    exec(compile(code, "<chain_code>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("inner,outer", [*PRESETS.values(), ("3", "u**2"), ("x", "2"), ("2**x", "e**u - pi")])
def test_chain_code_computes_what_chain_rule_computes(inner, outer):
    xs = [0.0, 0.5, 1.0, 3.0]
    r = chain_rule(inner, outer, xs)
    ns = _run(chain_code(inner, outer, xs))
    np.testing.assert_array_equal(ns["du_dx"].numpy(), r.du_dx)
    np.testing.assert_array_equal(ns["dz_du"].numpy(), r.dz_du)
    np.testing.assert_array_equal(ns["dz_dx_chain"].numpy(), r.dz_dx_chain)
    np.testing.assert_array_equal(ns["dz_dx"].numpy(), r.dz_dx)


def test_chain_code_marks_the_lines_that_fill_grad():
    code = chain_code("x*x", "u**3", NOTEBOOK_X, lang="en")
    marked = [line for line in code.splitlines() if "# <-" in line]
    assert len(marked) == 3
    assert "x.grad" in marked[0] and "v.grad" in marked[1] and "x.grad" in marked[2]
    assert all(line.lstrip().startswith(("u.backward", "z.backward")) for line in marked)
    assert "z = v ** 3" in code  # the outer function is applied to the detached leaf


def test_chain_code_renames_only_the_variable():
    code = chain_code("x", "gelu(u) + relu(u)", [1.0, 2.0])
    assert "F.gelu(v) + torch.relu(v)" in code


def test_chain_code_is_translated():
    assert "preenche x.grad" in chain_code("x*x", "u**3", NOTEBOOK_X, lang="pt")


def test_chain_code_refuses_many_points():
    with pytest.raises(LabError):
        chain_code("x", "u", list(range(MAX_TABLE_POINTS + 1)))
