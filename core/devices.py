"""Which devices and dtypes this machine can compute on, and checks of user choices."""

from __future__ import annotations

import torch

from core.errors import LabError

DTYPES: dict[str, torch.dtype] = {
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
}
KNOWN_DEVICES = ("cpu", "cuda", "mps")


def _mps_available() -> bool:
    backend = getattr(torch.backends, "mps", None)
    return bool(backend is not None and backend.is_available())


def available_devices() -> list[str]:
    """Devices present here, CPU first: a subset of ("cpu", "cuda", "mps")."""
    found = ["cpu"]
    if torch.cuda.is_available():
        found.append("cuda")
    if _mps_available():
        found.append("mps")
    return found


def resolve_device(name: str) -> torch.device:
    """``torch.device`` for a device name, or LabError if unknown or absent here."""
    if not isinstance(name, str) or name.split(":")[0] not in KNOWN_DEVICES:
        raise LabError("err.device_unknown", device=str(name), allowed=", ".join(KNOWN_DEVICES))
    if name.split(":")[0] not in available_devices():
        raise LabError("err.device_absent", device=name, allowed=", ".join(available_devices()))
    try:
        return torch.device(name)
    except RuntimeError as exc:  # e.g. "cuda:x"
        raise LabError("err.device_unknown", device=name, allowed=", ".join(KNOWN_DEVICES)) from exc


def resolve_dtype(name: str, device: torch.device, allowed: tuple[str, ...] = ("float32", "float64")) -> torch.dtype:
    """``torch.dtype`` for a dtype name that ``device`` can compute in.

    Apple MPS has no float64, so asking for it there is an error, not a silent cast.
    """
    if name not in allowed:
        raise LabError("err.dtype_unknown", dtype=str(name), allowed=", ".join(allowed))
    if device.type == "mps" and name == "float64":
        raise LabError("err.dtype_device", dtype=name, device=device.type)
    return DTYPES[name]


def environment() -> dict[str, str]:
    """Versions and devices, for the home page and bug reports."""
    import platform

    import numpy
    import sympy

    info = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "numpy": numpy.__version__,
        "sympy": sympy.__version__,
        "devices": ", ".join(available_devices()),
        "threads": str(torch.get_num_threads()),
    }
    if torch.cuda.is_available():
        info["cuda"] = torch.cuda.get_device_name(0)
    return info
