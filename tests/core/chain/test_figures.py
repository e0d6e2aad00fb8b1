"""core.chain.figures: the factors, the product and the full derivative; gaps for NaN; powers of ten."""

from __future__ import annotations

import re

import numpy as np
import pytest

from core.chain.figures import chain_figure
from core.chain.presets import chart_grid
from core.chain.rule import chain_rule
from core.style import sizes

# ---------------------------------------------------------------- figure


def test_figure_draws_the_factors_the_product_and_the_full_derivative_dashed():
    xs = np.linspace(-1, 1, 11)
    r = chain_rule("x**2", "sqrt(u)", xs)
    fig = chain_figure(r, marks=chain_rule("x**2", "sqrt(u)", [0.5]), lang="en")
    names = [tr.name for tr in fig.data]
    assert len(names) == 5
    full = fig.data[3]
    assert full.line.dash == "dash" and fig.data[2].line.dash is None
    assert np.isnan(np.asarray(full.y, dtype=float)[5])  # the NaN at x = 0 is a gap, not an error
    assert all(np.isfinite(np.asarray(t.y, dtype=float)[~np.isnan(np.asarray(t.y, dtype=float))]).all() for t in fig.data)


def test_figure_axes_write_powers_of_ten():
    r = chain_rule("exp(x)", "exp(u)", list(chart_grid(-3.0, 3.0)))  # up to 1e10: "10G" with SI prefixes
    layout = chain_figure(r, lang="pt").to_plotly_json()["layout"]
    axes = {k: v for k, v in layout.items() if re.fullmatch(r"[xy]axis\d*", k)}
    assert set(axes) == {"xaxis", "xaxis2", "yaxis", "yaxis2"}
    assert all(axis.get("exponentformat") == "power" for axis in axes.values())


@pytest.mark.parametrize("presentation", [False, True])
def test_table_points_are_marked_with_the_shared_marker_size(presentation):
    r = chain_rule("x*x", "u**3", [0.0, 1.0])
    fig = chain_figure(r, marks=r, presentation=presentation)
    assert fig.data[4].mode == "markers" and fig.data[4].marker.size == sizes(presentation).marker
    assert fig.layout.height == int(620 * sizes(presentation).height)
