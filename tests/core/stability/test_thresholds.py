"""core.stability.thresholds: the exp thresholds of each dtype against torch.finfo and against exp itself."""

from __future__ import annotations

import math

import pytest
import torch

from core.stability.presets import (
    DTYPE_NAMES,
)
from core.stability.thresholds import exp_thresholds
from tests.core.stability.helpers import DT, around, neighbours


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_thresholds_come_from_finfo(dtype):
    info = torch.finfo(DT[dtype])
    th = exp_thresholds(dtype)
    assert th.overflow == math.log(info.max)
    assert th.absorb == math.log(info.eps / 2)
    # ln(smallest subnormal / 2), the subnormal being 2^-24, 2^-133, 2^-149, 2^-1074
    bits = {"float16": 24, "bfloat16": 133, "float32": 149, "float64": 1074}[dtype]
    assert th.underflow == pytest.approx(-(bits + 1) * math.log(2), rel=1e-15)
    assert exp_thresholds(DT[dtype]) == th  # a torch.dtype works too


@pytest.mark.parametrize("dtype,expected", [("float16", 11.09), ("bfloat16", 88.72), ("float32", 88.72), ("float64", 709.78)])
def test_overflow_thresholds_have_the_known_values(dtype, expected):
    assert exp_thresholds(dtype).overflow == pytest.approx(expected, abs=0.005)


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_exp_overflows_exactly_above_the_threshold(dtype):
    below, above = neighbours(exp_thresholds(dtype).overflow, dtype)
    out = torch.exp(torch.tensor([below, above], dtype=torch.float64).to(DT[dtype]))
    assert torch.isfinite(out[0]) and torch.isinf(out[1])


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_exp_underflows_to_zero_exactly_below_the_threshold(dtype):
    below, above = around(exp_thresholds(dtype).underflow, dtype, strict_below=True)
    out = torch.exp(torch.tensor([below, above], dtype=torch.float64).to(DT[dtype]))
    assert out[0] == 0 and out[1] > 0


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_one_plus_exp_rounds_to_one_exactly_below_the_absorb_threshold(dtype):
    below, above = around(exp_thresholds(dtype).absorb, dtype, strict_below=True)
    z = torch.tensor([below, above], dtype=torch.float64).to(DT[dtype])
    out = 1 + torch.exp(z)
    assert out[0] == 1 and out[1] > 1
