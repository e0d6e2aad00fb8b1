"""The page's rows and sentences (core/tensors/tables.py) and its controls (core/tensors/controls.py)."""

from __future__ import annotations

from functools import partial

import pytest

from core.i18n import tr
from core.tensors.controls import CONTROLS
from core.tensors.indexing import index_tensor
from core.tensors.interop import DeviceReport, conversion_demo
from core.tensors.layout import reshape_report
from core.tensors.presets import CONTENT_PX, column_px
from core.tensors.shapes import make_tensor
from core.tensors.tables import (
    conversion_rows,
    device_lines,
    index_rows,
    pattern_help,
    preset_boxes,
    reshape_rows,
    reshape_source,
    yes_no,
)

EN = partial(tr, lang="en")


def test_index_rows_say_view_or_copy_per_library():
    rows = index_rows(index_tensor(make_tensor((3, 4), "arange"), "X[0]"), EN)
    assert [r["Library"] for r in rows] == ["NumPy", "PyTorch"]
    assert [r["Code"] for r in rows] == ["X[0]", "T[0]"]
    assert {r["Memory"] for r in rows} == {"view (shares X's memory)"}


def test_reshape_rows_use_a_dash_where_a_method_failed():
    report = reshape_report((3, 4), "5")
    row = next(r for r in reshape_rows(report, EN) if r["Code"] == "X.view(5)")
    assert row["Shape"] == row["Strides"] == row["Contiguous?"] == row["Memory"] == "—"
    assert row["Error"].startswith("RuntimeError")


def test_reshape_source_sentence_gives_the_reading_order():
    text = reshape_source(reshape_report((3, 4), "-1", transpose=True), EN)
    assert "contiguous: **no**" in text and "0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11." in text
    long = reshape_source(reshape_report((4, 4), "-1"), EN)
    assert "0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, …" in long


def test_conversion_rows_mark_what_changed():
    rows = conversion_rows(conversion_demo(1, 42.0, "a"), EN)
    assert [r["Changed?"] for r in rows] == ["yes", "yes", "yes", "no"]
    assert rows[0]["Shares memory with a?"] == "—"


def test_device_lines_name_the_gpu_and_quote_the_error():
    lines = device_lines([DeviceReport("cuda", "H200", False, "TypeError: can't convert")], EN)
    assert lines == ["- **cuda** (H200): .to() copies the data to the device. .numpy() fails: `TypeError: can't convert`"]


def test_presets_fill_their_boxes():
    boxes = preset_boxes()
    assert boxes["tens_index_preset"]["X[:, 1]"] == ("X[:, 1]",)
    assert boxes["tens_bc_preset"]["(4, 3) + (3,)"] == ("4, 3", "3")


def test_small_texts():
    assert yes_no(None, EN) == "—" and yes_no(True, EN) == "yes"
    assert pattern_help(EN).splitlines()[0] == "torch.rand: random in [0, 1)  "


def test_columns_share_the_content_width_and_stack_on_a_projector():
    assert column_px([3, 2]) == [CONTENT_PX * 3 // 5, CONTENT_PX * 2 // 5]
    assert column_px([3, 2], presentation=True) == [CONTENT_PX, CONTENT_PX]


@pytest.mark.parametrize("key", sorted(CONTROLS))
def test_every_control_starts_from_a_value_it_offers(key):
    control = CONTROLS[key]
    assert key.startswith("tens_")
    if control.options:
        assert control.default in control.options
    if control.kind == "number":
        low, high = control.bounds
        assert low <= control.default <= high
    if control.kind == "text":
        assert 0 < len(control.default) <= control.chars
