"""core.stability.presets: every preset and default is a valid choice."""

from __future__ import annotations

import pytest

from core.stability.presets import (
    DEFAULTS,
    DTYPE_NAMES,
    INPUT_LIMIT,
    MAP_POINT_CHOICES,
    MAP_QUANTITIES,
    PRESETS,
    SPAN_CHOICES,
    preset_state,
    session_defaults,
)


def test_presets_and_defaults_are_valid_choices():
    for values in [*PRESETS.values(), DEFAULTS]:
        assert values["dtype"] in DTYPE_NAMES and abs(values["x"]) <= INPUT_LIMIT and abs(values["y"]) <= INPUT_LIMIT
    assert DEFAULTS["chart_span"] in SPAN_CHOICES and DEFAULTS["map_span"] in SPAN_CHOICES
    assert DEFAULTS["map_points"] in MAP_POINT_CHOICES


def test_session_defaults_leave_the_number_boxes_to_their_own_default():
    keys = set(session_defaults())
    assert keys == {f"stab_{k}" for k in DEFAULTS} - {"stab_x", "stab_y", "stab_lse_scale"}
    assert session_defaults()["stab_lse_vector"] == DEFAULTS["lse_vector"]


@pytest.mark.parametrize("name", list(PRESETS))
def test_preset_state_sets_the_widgets_of_its_values(name):
    assert preset_state(name) == {f"stab_{k}": v for k, v in PRESETS[name].items()}


def test_map_quantities_are_the_maps_choices():
    assert DEFAULTS["map_quantity"] in MAP_QUANTITIES == ("value", "grad")
