"""What each tab shows (core/tensors/views.py): the blocks, their order and their place."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from core.i18n import tr
from core.tensors.broadcasting import broadcast_report
from core.tensors.concatenation import concat_report
from core.tensors.indexing import index_tensor
from core.tensors.interop import conversion_demo
from core.tensors.layout import reshape_report
from core.tensors.shapes import make_tensor
from core.tensors.views import (
    ERROR_ICON,
    broadcast_view,
    concat_view,
    conversion_view,
    error_block,
    index_view,
    reshape_view,
)

EN = partial(tr, lang="en")


def kinds(view) -> list[tuple[str, int | None]]:
    return [(block.kind, block.column) for block in view.blocks]


@pytest.mark.parametrize("presentation", [False, True])
def test_index_view_puts_x_beside_the_result_then_the_table(presentation):
    x = make_tensor((3, 4), "arange")
    view = index_view(x, index_tensor(x, "X[:, 1]"), EN, "en", presentation)
    assert kinds(view) == [("plotly_chart", 0), ("plotly_chart", 1), ("table", None), ("caption", None)]
    assert [b.args.get("key") for b in view.blocks[:2]] == ["tens_fig_x", "tens_fig_result"]
    assert view.weights == (3, 2) and view.stacked is presentation
    assert view.blocks[1].body.layout.title.text == "X[:, 1]: shape (3,) (NumPy = PyTorch)"


def test_index_view_draws_torch_too_when_the_order_differs():
    x = make_tensor((2, 3, 4), "arange")
    view = index_view(x, index_tensor(x, "X[0, :, [0, 2]]"), EN, "en", False)
    keys = [b.args.get("key") for b in view.blocks if b.kind == "plotly_chart"]
    assert keys == ["tens_fig_x", "tens_fig_result", "tens_fig_result_torch"]
    assert [b.args.get("icon") for b in view.blocks if b.kind == "warning"] == [":material/compare_arrows:"]


def test_index_view_without_a_report_shows_x_alone():
    x = make_tensor((3, 4), "rand")
    view = index_view(x, None, EN, "en", False)
    assert kinds(view) == [("plotly_chart", None)]
    assert np.nansum(np.asarray(view.blocks[0].body.data[0].z)) == 0  # nothing picked


def test_empty_result_is_said_not_drawn():
    x = make_tensor((2, 3), "rand", 1)
    view = index_view(x, index_tensor(x, "X[X > 5]"), EN, "en", False)
    assert view.blocks[1].kind == "info" and "empty, shape (0,)" in view.blocks[1].body


def test_reshape_view_when_view_fails_explains_and_draws_the_copy():
    x = make_tensor((3, 4), "arange")
    view = reshape_view(x, reshape_report((3, 4), "-1", transpose=True), "view", EN, "en", False)
    assert kinds(view) == [
        ("markdown", None),
        ("plotly_chart", 0),
        ("error", 1),
        ("info", 1),
        ("plotly_chart", 1),
        ("table", None),
        ("caption", None),
    ]
    assert view.blocks[2].args == {"icon": ERROR_ICON}
    assert "X.mT.reshape(-1)" in view.blocks[4].body.layout.title.text


def test_reshape_view_of_a_working_method_ends_its_column_with_the_strides():
    x = make_tensor((3, 2, 4), "arange")
    view = reshape_view(x, reshape_report((3, 2, 4), "4, -1"), "view", EN, "en", False)
    assert kinds(view)[2:4] == [("plotly_chart", 1), ("markdown", 1)]
    assert view.blocks[3].body.startswith("`X.view(4, -1)`: strides (6, 1)")


def test_broadcast_view_of_incompatible_shapes_is_an_error_without_the_cells():
    view = broadcast_view(broadcast_report("4, 3", "2"), EN, "en", False)
    assert [b.kind for b in view.blocks] == ["error", "plotly_chart", "caption", "code"]
    assert "shape mismatch" in view.blocks[0].body


def test_concat_view_of_a_refused_stack_hints_at_cat_and_still_draws_a_and_b():
    view = concat_view(concat_report("2, 3", "1, 3", 0, "stack"), EN, "en", False)
    assert kinds(view) == [("error", None), ("info", None), ("plotly_chart", 0), ("plotly_chart", 1), ("code", None)]
    assert view.weights == (1, 1, 2) and not view.stacked


def test_conversion_view_writes_the_statement_in_the_controls_column():
    view = conversion_view(conversion_demo(2, 5.0, "a"), EN, column=2)
    assert kinds(view) == [("caption", 2), ("code", 2), ("table", None), ("caption", None)]
    assert view.blocks[1].body == "a[2] = 5.0"


def test_error_block_translates_a_two_language_parameter():
    from core.errors import Both, LabError

    err = LabError("err.int_range", name=Both("A posição", "The position"), value="9", low="0", high="3")
    assert error_block(err, partial(tr, lang="pt"), "pt").body.startswith("A posição deve ser")
    assert error_block(err, EN, "en").body.startswith("The position must be")
