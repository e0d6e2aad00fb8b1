"""core.derivatives.presets: every entry of the page's catalogue runs at every order and agrees where
finite; the controls' defaults sit in their ranges; the tangent's range follows the grid."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

from core.derivatives.grid import MAX_ORDER, differentiate
from core.derivatives.presets import (
    FD_SLIDER,
    ORDERS,
    POINTS,
    PRESETS,
    START,
    STOP,
    clip_x0,
    fd_label,
    fd_step,
    x0_range,
)


@pytest.mark.parametrize("text", PRESETS)
def test_every_preset_runs_and_agrees_where_finite(text):
    for order in (1, 2, 3):
        r = differentiate(text, start=-5.0, stop=5.0, points=401, order=order)
        both = np.isfinite(r.df) & np.isfinite(r.df_exact)
        assert both.sum() >= 150, (text, order)  # at least the positive half of the grid
        np.testing.assert_allclose(r.df[both], r.df_exact[both], rtol=1e-10, atol=1e-10, err_msg=f"{text} order {order}")


# --- the controls' defaults and options -------------------------------------------------------------


def test_number_boxes_start_inside_their_ranges_and_as_differentiate_does():
    for box in (START, STOP, POINTS):
        assert box["low"] <= box["value"] <= box["high"]
    defaults = inspect.signature(differentiate).parameters
    assert (START["value"], STOP["value"], POINTS["value"]) == tuple(defaults[k].default for k in ("start", "stop", "points"))
    assert isinstance(POINTS["value"], int) and isinstance(POINTS["step"], int)  # an integer box


def test_orders_are_every_order_the_lab_computes():
    assert ORDERS == list(range(1, MAX_ORDER + 1))


@pytest.mark.parametrize(("e", "label"), [(-16.0, "1e-16"), (-6.0, "1e-6"), (-5.5, "1e-5.5"), (0.0, "1e0")])
def test_fd_label_writes_the_exponent(e, label):
    assert fd_label(e) == label


def test_fd_slider_offers_half_decades_from_1e_minus_16_to_1():
    assert FD_SLIDER["options"][0] == -16.0 and FD_SLIDER["options"][-1] == 0.0
    assert np.allclose(np.diff(FD_SLIDER["options"]), 0.5)
    assert FD_SLIDER["value"] in FD_SLIDER["options"]
    assert len({fd_label(e) for e in FD_SLIDER["options"]}) == len(FD_SLIDER["options"])  # one link value each
    assert fd_step(-4.0) == pytest.approx(1e-4, rel=1e-15)


@pytest.mark.parametrize(
    ("start", "stop", "expected"),
    [(-10.0, 10.0, (-10.0, 10.0)), (3.0, -2.0, (-2.0, 3.0)), (5.0, 5.0, (5.0, 6.0))],
)
def test_x0_range_is_the_grids_and_never_empty(start, stop, expected):
    assert x0_range(start, stop) == expected


@pytest.mark.parametrize(
    ("x0", "start", "stop", "expected"),
    [(0.0, -10.0, 10.0, 0.0), (0.0, 1.0, 4.0, 1.0), (7.0, 4.0, 1.0, 4.0), (-3.0, -2.0, 2.0, -2.0), (2.5, 2.5, 2.5, 2.5)],
)
def test_clip_x0_moves_x0_onto_the_grid(x0, start, stop, expected):
    assert clip_x0(x0, start, stop) == expected
