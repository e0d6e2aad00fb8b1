"""The code the Tensors page shows (core/tensors/code.py) is the code that runs: executed here
(it is test code, trusted), it gives what the report says."""

from __future__ import annotations

import ast
import io
import re
import tokenize

import numpy as np
import pytest
import torch

from core.i18n import tr
from core.tensors.broadcasting import broadcast_report
from core.tensors.code import (
    broadcast_code,
    concat_code,
    conversion_statement,
    default_device,
    device_code,
)
from core.tensors.concatenation import concat_report
from core.tensors.indexing import index_tensor
from core.tensors.interop import conversion_demo
from core.tensors.presets import (
    BROADCAST_PRESETS,
    CONCAT_CHOICES,
    CONCAT_OPS,
    MUTATE_CHOICES,
    PATTERN_CHOICES,
    VALUE_PATTERNS,
)
from core.tensors.shapes import make_tensor
from tools.server import ROOT

# --------------------------------------------------------------------------------------
# The code shown is the code that runs: executed here, it gives what the report says.


@pytest.mark.parametrize("a, b", [*BROADCAST_PRESETS, ((), (2, 3)), ((0,), (1,)), ((5, 1, 4), (3, 1))])
def test_broadcast_code_runs_and_gives_the_reported_shape(a, b):
    code = broadcast_code(a, b)
    lines = code.splitlines()
    assert [line.split(".")[0] for line in lines] == ["np", "torch"]
    results = [eval(line, {"np": np, "torch": torch}) for line in lines]
    assert tuple(results[0]) == tuple(results[1]) == broadcast_report(a, b).result


@pytest.mark.parametrize("op", CONCAT_OPS)
@pytest.mark.parametrize(
    "a, b, dim", [((2, 3), (1, 3), 0), ((2, 3), (2, 3), -1), ((3,), (3,), 0), ((1, 2, 1, 2), (1, 2, 1, 2), 4)]
)
def test_concat_code_runs_and_gives_the_reported_labels(op, a, b, dim):
    report = concat_report(a, b, dim, op)
    code = concat_code(report)
    scope = {"torch": torch}
    *setup, call = code.splitlines()
    exec("\n".join(setup), scope)
    if report.error is not None:
        with pytest.raises((RuntimeError, IndexError)):
            eval(call, scope)
        return
    result = eval(call, scope).numpy()
    assert result.shape == report.result
    na = int(np.prod(a))
    np.testing.assert_array_equal(np.where(result >= na, result - na, result), report.element)
    np.testing.assert_array_equal((result >= na).astype(int), report.source)


def test_concat_code_comments_name_the_labels_only():
    report = concat_report((2, 3), (1, 3), 0, "cat")
    assert comments(concat_code(report)) == ["# a0 … a5", "# b0 … b2"]


@pytest.mark.parametrize("mutate", ["a", "from_numpy"])
@pytest.mark.parametrize("position, value", [(0, 100.0), (3, -1e6), (2, 1e6), (1, 2.5), (2, -0.0), (0, 1e-7)])
def test_conversion_statement_runs_and_gives_the_reported_values(mutate, position, value):
    report = conversion_demo(position, value, mutate)
    assert report.statement == conversion_statement(position, value, mutate)
    a = np.arange(4.0)
    tensors = {
        "torch.from_numpy(a)": torch.from_numpy(a),
        "torch.as_tensor(a)": torch.as_tensor(a),
        "torch.tensor(a)": torch.tensor(a),
    }
    # torch.from_numpy(a) in the statement is a new tensor on the same memory: the change shows the same
    exec(report.statement, {"a": a, "torch": torch})
    assert report.after["a"] == a.tolist()
    for name, tensor in tensors.items():
        assert report.after[name] == tensor.tolist(), name


def test_conversion_statement_names_what_the_radio_offers():
    assert conversion_statement(2, 5.0, "a") == "a[2] = 5.0"
    assert conversion_statement(2, 5.0, "from_numpy") == "torch.from_numpy(a)[2] = 5.0"
    for label, name in MUTATE_CHOICES.items():
        assert conversion_statement(0, 1.0, name).startswith(f"{label}[")


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_device_code_runs_and_its_comment_is_translated(lang):
    code = device_code(lang)
    scope = {"torch": torch}
    exec(code, scope)
    assert scope["device"].type == default_device()
    assert comments(code) == ["# " + tr("tens.code.device_here", lang, device=default_device())]
    assert device_code("pt") != device_code("en")


def test_index_code_is_the_index_on_x_and_on_t():
    report = index_tensor(make_tensor((3, 4), "arange"), "X[[0, 2], 1:]")
    assert (report.code("numpy"), report.code("torch")) == ("X[[0, 2], 1:]", "T[[0, 2], 1:]")
    report = index_tensor(make_tensor((3, 4), "arange"), "X[(X > 5) & ~(X == 7)]")
    assert report.code("torch") == "T[(T > 5) & ~(T == 7)]"


def test_choice_labels_are_code_and_map_to_every_name():
    assert sorted(PATTERN_CHOICES.values()) == sorted(VALUE_PATTERNS)
    assert sorted(CONCAT_CHOICES.values()) == sorted(CONCAT_OPS)
    assert sorted(MUTATE_CHOICES.values()) == ["a", "from_numpy"]
    for label in (*PATTERN_CHOICES, *CONCAT_CHOICES, *MUTATE_CHOICES):
        ast.parse(label, mode="eval")  # a Python expression: reads the same in every language


def comments(code: str) -> list[str]:
    """The ``#`` comments of a Python snippet (a ``#`` inside a string is not one)."""
    return [tok.string for tok in tokenize.generate_tokens(io.StringIO(code).readline) if tok.type == tokenize.COMMENT]


def test_the_page_builds_no_code_string_itself():
    """Every st.code on the tensors page shows a string made in core (translated comments
    live in the text table), never a literal or f-string written in the page."""
    tree = ast.parse((ROOT / "pages" / "1_tensors.py").read_text())
    shown = [
        node.args[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "code"
    ]
    assert shown
    literal = [ast.unparse(arg) for arg in shown if isinstance(arg, (ast.Constant, ast.JoinedStr, ast.BinOp))]
    assert not literal


def test_core_code_strings_have_no_english_comment_words():
    """Comments written in core's code builders are labels only; words come from the table."""
    source = (ROOT / "core" / "tensors" / "code.py").read_text()
    written = re.findall(r'f?"[^"\n]*#\s*([^"\n]*)"', source)
    words = [w for text in written for w in re.findall(r"[A-Za-z]{3,}", re.sub(r"\{[^}]*\}", "", text))]
    assert not words, written
