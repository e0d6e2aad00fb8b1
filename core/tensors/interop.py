"""NumPy <-> PyTorch: which conversions share memory, and what a device does to a tensor.

``torch.from_numpy`` and ``torch.as_tensor`` (on the CPU, same dtype) reuse the array's memory,
so a change shows in both directions; ``torch.tensor`` always copies. On the CPU ``.to("cpu")``
returns the same tensor; on a GPU it copies, and ``.numpy()`` of the copy fails.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.checks import check_int, check_real
from core.devices import available_devices
from core.errors import Both, LabError
from core.tensors.calls import attempt
from core.tensors.code import conversion_statement
from core.tensors.presets import MUTATE_CHOICES

CONVERSIONS = ("torch.from_numpy(a)", "torch.as_tensor(a)", "torch.tensor(a)")
CONVERSION_SIZE = 4
MAX_CONVERSION_VALUE = 1e6


@dataclass(frozen=True)
class ConversionReport:
    """Before/after values of ``a`` and of tensors made from it, after one in-place change.

    ``mutated`` names what was changed: ``"a"`` (the NumPy array) or ``"from_numpy"``
    (the tensor made by ``torch.from_numpy``), by ``statement`` (that change as Python).
    ``shares[name]`` is whether that tensor uses the same memory as ``a``.
    """

    mutated: str
    position: int
    value: float
    statement: str
    before: dict[str, list[float]]
    after: dict[str, list[float]]
    shares: dict[str, bool]
    dtypes: dict[str, str]


def conversion_demo(position: int = 0, value: float = 100.0, mutate: str = "a") -> ConversionReport:
    """Make ``a = np.arange(4.0)`` and three tensors from it, change one element in place,
    and return every value before and after.

    ``torch.from_numpy`` and ``torch.as_tensor`` (on the CPU, same dtype) reuse ``a``'s
    memory, so the change shows in both directions; ``torch.tensor`` always copies.
    """
    position = check_int(position, 0, CONVERSION_SIZE - 1, name=Both("A posição", "The position"))
    value = check_real(value, -MAX_CONVERSION_VALUE, MAX_CONVERSION_VALUE, name=Both("O novo valor", "The new value"))
    if mutate not in MUTATE_CHOICES.values():
        raise LabError("tens.err.conv_mutate")
    a = np.arange(CONVERSION_SIZE, dtype=np.float64)
    tensors = {
        CONVERSIONS[0]: torch.from_numpy(a),
        CONVERSIONS[1]: torch.as_tensor(a),
        CONVERSIONS[2]: torch.tensor(a),
    }

    def snapshot() -> dict[str, list[float]]:
        return {"a": a.tolist(), **{name: t.tolist() for name, t in tensors.items()}}

    before = snapshot()
    if mutate == "a":
        a[position] = value
    else:
        tensors[CONVERSIONS[0]][position] = value
    return ConversionReport(
        mutated=mutate,
        position=position,
        value=value,
        statement=conversion_statement(position, value, mutate),
        before=before,
        after=snapshot(),
        shares={name: bool(np.shares_memory(a, t.numpy())) for name, t in tensors.items()},
        dtypes={"a": str(a.dtype), **{name: str(t.dtype) for name, t in tensors.items()}},
    )


@dataclass(frozen=True)
class DeviceReport:
    """One device: does ``.to(device)`` copy, and can ``.numpy()`` read the tensor there."""

    device: str
    name: str
    to_shares_memory: bool
    numpy_error: str | None


def device_reports() -> tuple[DeviceReport, ...]:
    """For every device present, move ``torch.from_numpy(a)`` there and try ``.numpy()``.

    On the CPU ``.to("cpu")`` returns the same tensor (no copy, memory still shared with
    ``a``); on a GPU it copies, and ``.numpy()`` fails with PyTorch's own message.
    """
    reports = []
    for device in available_devices():
        a = np.arange(CONVERSION_SIZE, dtype=np.float32)
        t = torch.from_numpy(a)
        moved, error = attempt(lambda d=device, t=t: t.to(d))
        if error is not None:
            reports.append(DeviceReport(device, device, False, error))
            continue
        shares = moved.device.type == "cpu" and bool(np.shares_memory(a, moved.numpy()))
        _, numpy_error = attempt(lambda m=moved: m.numpy())
        name = torch.cuda.get_device_name(0) if device == "cuda" else device
        reports.append(DeviceReport(device, name, shares, numpy_error))
    return tuple(reports)
