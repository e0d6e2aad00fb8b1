"""NumPy <-> PyTorch conversions and devices (core/tensors/interop.py)."""

from __future__ import annotations

import pytest
import torch

from core.errors import LabError
from core.tensors.code import (
    default_device,
)
from core.tensors.interop import conversion_demo, device_reports

# --------------------------------------------------------------------------------------
# NumPy <-> PyTorch, devices.


def test_changing_the_array_changes_from_numpy_and_as_tensor_but_not_tensor():
    report = conversion_demo(1, 42.0, "a")
    assert report.after["a"] == [0.0, 42.0, 2.0, 3.0]
    assert report.after["torch.from_numpy(a)"] == [0.0, 42.0, 2.0, 3.0]
    assert report.after["torch.as_tensor(a)"] == [0.0, 42.0, 2.0, 3.0]
    assert report.after["torch.tensor(a)"] == [0.0, 1.0, 2.0, 3.0]
    assert report.shares == {"torch.from_numpy(a)": True, "torch.as_tensor(a)": True, "torch.tensor(a)": False}


def test_changing_the_from_numpy_tensor_changes_the_array():
    report = conversion_demo(3, -5.0, "from_numpy")
    assert report.after["a"][3] == -5.0
    assert report.after["torch.tensor(a)"][3] == 3.0


def test_conversion_keeps_float64():
    assert set(conversion_demo().dtypes.values()) == {"float64", "torch.float64"}


@pytest.mark.parametrize("position, value", [(4, 1.0), (-1, 1.0), (0, float("nan")), (0, 1e7), (0, True)])
def test_conversion_inputs_are_bounded(position, value):
    with pytest.raises(LabError):
        conversion_demo(position, value)


def test_cpu_is_listed_first_and_to_cpu_does_not_copy():
    reports = device_reports()
    assert reports[0].device == "cpu"
    assert reports[0].to_shares_memory and reports[0].numpy_error is None
    assert default_device() == ("cuda" if torch.cuda.is_available() else "cpu")


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_cuda_copy_cannot_be_read_by_numpy():
    cuda = next(r for r in device_reports() if r.device == "cuda")
    assert not cuda.to_shares_memory
    assert "can't convert cuda" in cuda.numpy_error


@pytest.mark.parametrize("position, key", [(4, "err.int_range"), (1.5, "err.int_range"), (True, "err.int_range")])
def test_conversion_position_uses_the_shared_integer_check(position, key):
    with pytest.raises(LabError) as err:
        conversion_demo(position, 1.0)
    assert err.value.key == key
    assert "The position" in err.value.message("en") and "A posição" in err.value.message("pt")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e7, "1"])
def test_conversion_value_uses_the_shared_real_check(value):
    with pytest.raises(LabError) as err:
        conversion_demo(0, value)
    assert err.value.key == "err.real_range"


def test_unknown_change_is_refused():
    with pytest.raises(LabError) as err:
        conversion_demo(0, 1.0, "torch.tensor")
    assert err.value.key == "tens.err.conv_mutate"
