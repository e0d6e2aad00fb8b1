"""Issue 10 sweep of the tensors page in AppTest: every preset and every widget at its
minimum, its maximum, out of range and in between, alone and after bad input elsewhere,
in pt and en, with and without presentation mode.

After every run the page must show no exception and no untranslated key, and what it
shows must match what the widgets hold, checked against references computed here: the
shapes the test inputs stand for are written out by hand (``SHAPES``), results come from
NumPy called directly. The page reruns in about 0.1 s, so one session walks the whole
list; the four sessions take about 30 s on 2 cores.
"""

from __future__ import annotations

import io
import math
import tokenize

import numpy as np
import pytest

from core.i18n import table, tr
from core.tensors.presets import BROADCAST_PRESETS, INDEX_PRESETS, RESHAPE_METHODS
from core.tensors.shapes import MAX_SEED, format_shape
from tests.app.conftest import open_page

PAGE = "1_tensors.py"
BC_PRESETS = [f"{format_shape(a)} + {format_shape(b)}" for a, b in BROADCAST_PRESETS]

# What each text typed in a shape box stands for (None: not a shape at all). Bounds are
# applied per box below.
SHAPES = {
    "1": (1,),
    "8, 8, 8, 8": (8, 8, 8, 8),
    "3, 2, 4": (3, 2, 4),
    "x": None,
    "": None,
    "3,,4": None,
    "9, 9": (9, 9),
    "()": (),
    "-1": (-1,),
    "4096": (4096,),
    "2, -1, 1, 1, 1, 1": (2, -1, 1, 1, 1, 1),
    "4, -1": (4, -1),
    "3.5": None,
    "0": (0,),
    "10000, 1, 1, 1, 1, 1": (10000, 1, 1, 1, 1, 1),
    "4, 1": (4, 1),
    "10000": (10000,),
    "0, 1, 1, 1, 1, 1": (0, 1, 1, 1, 1, 1),
    "1, 3": (1, 3),
    "2, 3": (2, 3),
    "4, 3": (4, 3),
    "3": (3,),
    "4x1": (4, 1),
    "(4, 1)": (4, 1),
}
BOX_BOUNDS = {  # (fewest dims, most dims, smallest size, largest size)
    "tens_shape": (1, 4, 1, 8),
    "tens_target": (0, 6, -4096, 4096),
    "tens_bc_a": (0, 6, 0, 10000),
    "tens_bc_b": (0, 6, 0, 10000),
    "tens_cat_a": (1, 4, 1, 8),
    "tens_cat_b": (1, 4, 1, 8),
}
NUMBER_BOUNDS = {  # (low, high, default) of every number box
    "tens_seed": (0, MAX_SEED, 0),
    "tens_cat_dim": (-5, 5, 0),
    "tens_conv_pos": (0, 3, 0),
    "tens_conv_value": (-1e6, 1e6, 100.0),
}

# (widget kind, key, values in order: minimum, maximum, out of range, bad text, then back
# to a value in between). Pills copy into boxes: their last value leaves the default.
SWEEP = [
    ("text_input", "tens_shape", ["1", "8, 8, 8, 8", "9, 9", "x", "", "3,,4", "3, 2, 4"]),
    ("segmented_control", "tens_pattern", ["torch.randn", "torch.arange", "torch.rand"]),
    ("number_input", "tens_seed", [0, MAX_SEED, -1, MAX_SEED + 1, 12345, 0]),
    ("pills", "tens_index_preset", [*INDEX_PRESETS[1:], INDEX_PRESETS[0]]),
    ("text_input", "tens_index", ["X[-1]", "X[..., 1:3]", "X[[0, 0], None]", "X[[[0], [1]]]", "X[9]", "X.T", "X[0]"]),
    ("text_input", "tens_target", ["()", "-1", "4096", "2, -1, 1, 1, 1, 1", "x", "3.5", "4, -1"]),
    ("segmented_control", "tens_method", [*RESHAPE_METHODS, "view"]),
    ("toggle", "tens_transpose", [True, False]),
    ("pills", "tens_bc_preset", [*BC_PRESETS[:2], BC_PRESETS[2]]),
    ("text_input", "tens_bc_a", ["()", "0", "10000, 1, 1, 1, 1, 1", "x", "", "3,,4", "4x1", "4, 1"]),
    ("text_input", "tens_bc_b", ["()", "10000", "0, 1, 1, 1, 1, 1", "x", "", "3", "1, 3"]),
    ("text_input", "tens_cat_a", ["1", "8, 8, 8, 8", "9, 9", "x", "", "2, 3"]),
    ("text_input", "tens_cat_b", ["1", "8, 8, 8, 8", "x", "2, 3", "1, 3"]),
    ("number_input", "tens_cat_dim", [-5, 5, -6, 6, 1, 0]),
    ("segmented_control", "tens_cat_op", ["torch.stack", "torch.cat"]),
    ("number_input", "tens_conv_pos", [0, 3, -1, 4, 2, 0]),
    ("number_input", "tens_conv_value", [-1e6, 1e6, -1e300, 1e300, 2.5, 100.0]),
    ("radio", "tens_conv_mutate", ["torch.from_numpy(a)", "a"]),
]
WRITES = {"tens_index_preset": {"tens_index"}, "tens_bc_preset": {"tens_bc_a", "tens_bc_b"}}

# (lang, presentation, bad inputs set before the sweep and kept while other widgets move)
CONTEXTS = {
    "alone": ("pt", False, {}),
    "alone_presenting": ("en", True, {}),
    "after_bad_x": ("en", True, {"tens_shape": "x"}),
    "after_bad_inputs_in_the_tabs": (
        "pt",
        True,
        {"tens_index": "X[9]", "tens_target": "3.5", "tens_bc_a": "x", "tens_cat_a": "9, 9"},
    ),
}


def box_shape(key: str, text: str) -> tuple[int, ...] | None:
    """The shape a box's text stands for, within that box's bounds, or None."""
    shape = SHAPES[text]
    low_dims, high_dims, low, high = BOX_BOUNDS[key]
    if shape is None or not low_dims <= len(shape) <= high_dims or not all(low <= d <= high for d in shape):
        return None
    return shape


def number(at, key: str) -> float:
    """What the page uses for a number box: the value clamped, a non-finite one replaced."""
    low, high, default = NUMBER_BOUNDS[key]
    got = at.number_input(key=key).value
    return default if not math.isfinite(got) else min(max(got, low), high)


def texts(block, kinds=("markdown", "caption", "info", "success", "warning", "error", "subheader", "title")):
    return [str(el.value) for kind in kinds for el in getattr(block, kind)]


def expected_rows(shape, target, swap):
    """Expected (shape text) per row of the reshape table, NumPy reshape and view first."""
    x = np.arange(math.prod(shape)).reshape(shape)
    src = np.swapaxes(x, -1, -2) if swap and len(shape) >= 2 else x
    try:
        reshaped = format_shape(np.reshape(src, target).shape)
    except ValueError:
        reshaped = "—"
    return reshaped


def check(at, lang: str) -> None:
    """No exception, no untranslated key, and every tab agrees with its widgets."""
    assert not at.exception, at.exception
    shown = texts(at)
    assert not [s for s in shown if s.startswith("tens.")], shown
    # number boxes: a value out of range gets a translated notice (and only then)
    word = "outside the allowed range" if lang == "en" else "fora do intervalo permitido"
    outside = [
        key
        for key, (low, high, _) in NUMBER_BOUNDS.items()
        if not (math.isfinite(v := at.number_input(key=key).value) and low <= v <= high)
    ]
    assert len([w for w in at.warning if word in w.value]) == len(outside), outside
    shape = box_shape("tens_shape", at.text_input(key="tens_shape").value)
    index_tab, reshape_tab, bc_tab, cat_tab, conv_tab = at.tabs
    need_x = tr("tens.need_x", lang)
    if shape is None:
        assert need_x in texts(index_tab, ("info",)) and need_x in texts(reshape_tab, ("info",))
        assert not index_tab.get("plotly_chart") and not reshape_tab.get("plotly_chart")
    else:
        assert need_x not in texts(at, ("info",))
        title = tr("tens.index.x_title", lang, shape=format_shape(shape))
        assert any(el.proto.id.endswith("tens_fig_x") and title in el.proto.spec for el in index_tab.get("plotly_chart"))
        check_reshape(at, reshape_tab, shape)
    check_broadcast(at, bc_tab, lang)
    check_cat(at, cat_tab)
    check_conversion(at, conv_tab)
    for block in at.tabs:
        for code in block.code:
            check_comments(code.value, lang)


def check_reshape(at, tab, shape) -> None:
    target = box_shape("tens_target", at.text_input(key="tens_target").value)
    if target is None:
        assert tab.error and not tab.table
        return
    swap = bool(at.toggle(key="tens_transpose").value)
    rows = tab.table[0].value
    assert rows.iloc[0, 2] == expected_rows(shape, target, swap)  # np.reshape's row
    code = rows.iloc[1, 1]  # torch reshape's call says the target
    assert code.endswith(f".reshape({', '.join(map(str, target))})")
    assert code.startswith("X.mT" if swap and len(shape) >= 2 else "X.")


def check_broadcast(at, tab, lang) -> None:
    a = box_shape("tens_bc_a", at.text_input(key="tens_bc_a").value)
    b = box_shape("tens_bc_b", at.text_input(key="tens_bc_b").value)
    if a is None or b is None:
        assert tab.error and not tab.success and not tab.get("plotly_chart") and not tab.code
        return
    code = (
        f"np.broadcast_shapes({format_shape(a)}, {format_shape(b)})\ntorch.broadcast_shapes({format_shape(a)}, {format_shape(b)})"
    )
    assert [c.value for c in tab.code] == [code]
    try:
        result = np.broadcast_shapes(a, b)
    except ValueError:
        assert tab.error and not tab.success
        return
    expected = tr("tens.bc.result", lang, a=format_shape(a), b=format_shape(b), shape=format_shape(result))
    assert [s.value for s in tab.success] == [expected]


def check_cat(at, tab) -> None:
    a = box_shape("tens_cat_a", at.text_input(key="tens_cat_a").value)
    b = box_shape("tens_cat_b", at.text_input(key="tens_cat_b").value)
    if a is None or b is None:
        assert tab.error and not tab.success and not tab.code
        return
    dim = int(number(at, "tens_cat_dim"))
    op = at.segmented_control(key="tens_cat_op").value.removeprefix("torch.")
    call = f"torch.{op}([A, B], dim={dim})"
    assert tab.code[0].value.splitlines()[-1] == call
    try:
        result = (np.concatenate if op == "cat" else np.stack)([np.zeros(a), np.ones(b)], axis=dim).shape
    except (ValueError, np.exceptions.AxisError):
        assert tab.error and not tab.success
        return
    assert len(tab.success) == 1
    assert f"`{call}`" in tab.success[0].value and f"**{format_shape(result)}**" in tab.success[0].value


def check_conversion(at, tab) -> None:
    position, value = int(number(at, "tens_conv_pos")), float(number(at, "tens_conv_value"))
    label = at.radio(key="tens_conv_mutate").value
    assert tab.code[-1].value == f"{label}[{position}] = {value!r}"
    a = np.arange(4.0)
    a[position] = value  # the array and the two tensors on its memory change together, either way
    after = [str(a.tolist())] * 3 + [str(np.arange(4.0).tolist())]
    assert list(at.table[-1].value.iloc[:, 2]) == after


def check_comments(code: str, lang: str) -> None:
    """Comments in code shown on the page: labels only (a0 … a5), or text from the table in
    the page's language."""
    texts = {pair[0 if lang == "pt" else 1].split("{")[0] for pair in table().values()}
    for tok in tokenize.generate_tokens(io.StringIO(code).readline):
        if tok.type == tokenize.COMMENT:
            body = tok.string.lstrip("# ")
            labels_only = all(word[:1] in "ab…" and word[1:].isdigit() or word == "…" for word in body.split())
            assert labels_only or any(body.startswith(prefix) for prefix in texts if prefix), tok.string


def sweep(lang: str, presentation: bool, bad: dict[str, str]) -> int:
    at = open_page(PAGE, lang=lang)
    if presentation:
        at.toggle(key="presentation").set_value(True).run()
    runs = 0

    def set_bad() -> None:
        nonlocal runs
        changed = False
        for key, value in bad.items():
            if at.text_input(key=key).value != value:
                at.text_input(key=key).set_value(value)
                changed = True
        if changed:
            at.run()
            runs += 1

    set_bad()
    check(at, lang)
    for kind, key, values in SWEEP:
        if key in bad or WRITES.get(key, set()) & set(bad):
            continue
        for value in values:
            getattr(at, kind)(key=key).set_value(value).run()
            runs += 1
            try:
                check(at, lang)
            except AssertionError as exc:
                raise AssertionError(f"{key}={value!r} with {bad}: {exc}") from exc
    return runs


@pytest.mark.parametrize("context", sorted(CONTEXTS))
def test_every_widget_at_its_limits_keeps_the_page_consistent(context):
    lang, presentation, bad = CONTEXTS[context]
    assert sweep(lang, presentation, bad) > 50
