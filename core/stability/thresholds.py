"""Where exp stops being exact in each dtype (from ``torch.finfo``), and the inputs as a dtype stores them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from core.devices import DTYPES, resolve_device, resolve_dtype
from core.errors import LabError
from core.stability.presets import DTYPE_NAMES, INPUT_LIMIT


@dataclass(frozen=True)
class ExpThresholds:
    """Where exp stops being exact enough in one dtype, all from ``torch.finfo``.

    overflow: ln(max); exp(z) is inf for z > overflow.
    underflow: ln(smallest subnormal / 2); exp(z) is 0 for z < underflow.
    absorb: ln(eps / 2); 1 + exp(z) rounds to 1 for z < absorb.
    """

    dtype: str
    overflow: float
    underflow: float
    absorb: float
    max: float
    tiny: float
    eps: float


def dtype_name(dtype: str | torch.dtype) -> str:
    """The name of a dtype this lab knows (``"float16"`` for ``torch.float16``), or LabError."""
    name = str(dtype).replace("torch.", "")
    if name not in DTYPES:
        raise LabError("err.dtype_unknown", dtype=name, allowed=", ".join(DTYPE_NAMES))
    return name


def exp_thresholds(dtype: str | torch.dtype) -> ExpThresholds:
    """The exp thresholds of ``dtype`` (a name or a torch.dtype); see ExpThresholds.

    float16: 11.09, bfloat16: 88.72, float32: 88.72, float64: 709.78 for overflow.
    """
    name = dtype_name(dtype)
    info = torch.finfo(DTYPES[name])
    # smallest subnormal = tiny * eps; summed as logs because it underflows a Python float
    underflow = math.log(info.tiny) + math.log(info.eps) - math.log(2.0)
    return ExpThresholds(
        dtype=name,
        overflow=math.log(info.max),
        underflow=underflow,
        absorb=math.log(info.eps / 2),
        max=float(info.max),
        tiny=float(info.tiny),
        eps=float(info.eps),
    )


def resolve(dtype: str, device: str) -> tuple[torch.dtype, torch.device]:
    """The torch dtype and device for the names, or LabError (float64 on Apple MPS, an absent device)."""
    dev = resolve_device(device)
    return resolve_dtype(dtype_name(dtype), dev, allowed=DTYPE_NAMES), dev


def stored(values: Sequence[float] | np.ndarray | float, dtype: str) -> np.ndarray:
    """The values as ``dtype`` stores them (round to nearest), back as float64."""
    arr = np.asarray(values, dtype=np.float64)
    return torch.from_numpy(arr.copy()).to(DTYPES[dtype_name(dtype)]).double().numpy()


def check_inputs(*arrays: np.ndarray) -> None:
    """LabError unless every value is finite with |value| <= INPUT_LIMIT (the page's bound on x and y)."""
    for arr in arrays:
        if arr.size and not (np.all(np.isfinite(arr)) and np.max(np.abs(arr)) <= INPUT_LIMIT):
            raise LabError("err.stab_range", limit=f"{INPUT_LIMIT:g}")
