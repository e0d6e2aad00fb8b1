"""What the Tensors page shows as text: its tables' rows, its sentences, the presets' labels.

Each function takes ``t``, the translator the text goes through: the page passes its own
``Page.t`` (which keeps values typed by the reader or written by a library from acting as
Markdown); a notebook can pass ``functools.partial(core.i18n.tr, lang="en")``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from core.tensors.calls import Note
from core.tensors.indexing import IndexReport
from core.tensors.interop import ConversionReport, DeviceReport
from core.tensors.layout import MethodOutcome, ReshapeReport
from core.tensors.presets import BROADCAST_PRESETS, INDEX_PRESETS, LIBRARY_NAMES, PATTERN_CHOICES
from core.tensors.shapes import Shape, format_shape

Translate = Callable[..., str]  # t(key, **params) -> the text in the page's language

DASH = "—"


def say(note: Note, t: Translate) -> str:
    """A core ``Note`` as text."""
    return t(note.key, **note.params)


def yes_no(flag: bool | None, t: Translate) -> str:
    return DASH if flag is None else t("tens.yes") if flag else t("tens.no")


def memory(shares: bool | None, t: Translate) -> str:
    """``view (shares X's memory)`` or ``copy``."""
    return DASH if shares is None else t("tens.view") if shares else t("tens.copy")


def preset_boxes() -> dict[str, dict[str, tuple[str, ...]]]:
    """For each presets pill, by its key: label -> the texts its boxes get when it is clicked."""
    pairs = {f"{format_shape(a)} + {format_shape(b)}": (a, b) for a, b in BROADCAST_PRESETS}
    return {
        "tens_index_preset": {text: (text,) for text in INDEX_PRESETS},
        "tens_bc_preset": {label: tuple(", ".join(map(str, s)) for s in pair) for label, pair in pairs.items()},
    }


def pattern_help(t: Translate) -> str:
    """``torch.rand: random in [0, 1)`` and the others, one a line."""
    return "  \n".join(f"{code}: {t(f'tens.pattern.{p}')}" for code, p in PATTERN_CHOICES.items())


def missing_figure(shape: Shape) -> Note:
    """Why a result is not drawn: it is empty, or too big to draw cell by cell."""
    return Note("tens.index.empty" if 0 in shape else "tens.index.too_big", {"shape": format_shape(shape)})


def index_rows(report: IndexReport, t: Translate) -> list[dict[str, str]]:
    """One row a library: the code it ran, the result's shape, view or copy, its error."""
    return [
        {
            t("tens.col.library"): LIBRARY_NAMES[out.library],
            t("tens.col.code"): report.code(out.library),
            t("tens.col.shape"): format_shape(out.shape) if out.ok else DASH,
            t("tens.col.memory"): memory(out.is_view, t) if out.ok else DASH,
            t("tens.col.error"): out.error or "",
        }
        for out in (report.numpy, report.torch)
    ]


def reshape_rows(report: ReshapeReport, t: Translate) -> list[dict[str, str]]:
    """One row a method and library: its code, shape, strides, contiguity, view or copy, error."""
    return [
        {
            t("tens.col.library"): LIBRARY_NAMES[out.library],
            t("tens.col.code"): out.code,
            t("tens.col.shape"): format_shape(out.layout.shape) if out.ok else DASH,
            t("tens.col.strides"): format_shape(out.layout.strides) if out.ok else DASH,
            t("tens.col.contiguous"): yes_no(out.layout.contiguous, t) if out.ok else DASH,
            t("tens.col.memory"): memory(out.shares_memory, t) if out.ok else DASH,
            t("tens.col.error"): out.error or "",
        }
        for out in report.outcomes
    ]


def reshape_source(report: ReshapeReport, t: Translate) -> str:
    """The sentence about the source: its shape, strides in both units, contiguity, reading order."""
    src = report.torch_source
    return t(
        "tens.reshape.source",
        code=report.source_code,
        shape=format_shape(src.shape),
        strides=format_shape(src.strides),
        bytes=format_shape(report.numpy_source.strides),
        contiguous=yes_no(src.contiguous, t),
        order=report.reading_order_text,
    )


def reshape_outcome(out: MethodOutcome, t: Translate) -> str:
    """The sentence under the drawn result: its strides, contiguity and view or copy."""
    return t(
        "tens.reshape.outcome",
        code=out.code,
        strides=format_shape(out.layout.strides),
        contiguous=yes_no(out.layout.contiguous, t),
        memory=memory(out.shares_memory, t),
    )


def conversion_rows(report: ConversionReport, t: Translate) -> list[dict[str, str]]:
    """One row for ``a`` and for each tensor made from it: before, after, changed, shares memory."""
    return [
        {
            t("tens.col.object"): name,
            t("tens.col.before"): str(before),
            t("tens.col.after"): str(report.after[name]),
            t("tens.col.changed"): yes_no(before != report.after[name], t),
            t("tens.col.shares"): yes_no(report.shares.get(name), t) if name != "a" else DASH,
            "dtype": report.dtypes[name],
        }
        for name, before in report.before.items()
    ]


def device_lines(reports: Sequence[DeviceReport], t: Translate) -> list[str]:
    """One Markdown bullet a device: does ``.to()`` copy, does ``.numpy()`` work there."""
    lines = []
    for dev in reports:
        shares = t("tens.dev.to_shares") if dev.to_shares_memory else t("tens.dev.to_copies")
        back = t("tens.dev.numpy_ok") if dev.numpy_error is None else t("tens.dev.numpy_fails", error=dev.numpy_error)
        label = f"**{dev.device}**" + (f" ({dev.name})" if dev.name != dev.device else "")
        lines.append(f"- {label}: {shares} {back}")
    return lines
