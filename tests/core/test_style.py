"""Shared chart style: compact arrays for the browser, powers of ten on every axis."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from core.style import compact, decade_step, style


def test_compact_halves_ordinary_values():
    out = compact(np.linspace(-1.0, 1.0, 11))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, np.linspace(-1.0, 1.0, 11), rtol=1e-7)


def test_compact_keeps_values_beyond_float32():
    """exp(exp(x)) reaches 1e300: a float32 cast would draw inf (a gap) where a value is."""
    a = np.array([1.0, 1e300, np.nan])
    out = compact(a)
    assert out.dtype == np.float64 and out[1] == 1e300 and np.isnan(out[2])


def test_style_uses_powers_of_ten_not_si_prefixes():
    fig = style(go.Figure(go.Scatter(x=[1e-16, 1.0], y=[1e-12, 1.0])))
    assert fig.layout.xaxis.exponentformat == "power" and fig.layout.yaxis.exponentformat == "power"


def test_log_axes_label_whole_decades():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[1e-16, 1.0]))
    fig.update_yaxes(type="log", range=[-16, 0])
    style(fig)
    assert fig.layout.yaxis.dtick == decade_step(16) == 2
    fig = go.Figure(go.Scatter(x=[1, 2], y=[1e-3, 1.0]))
    fig.update_yaxes(type="log", range=[-3, 0])
    assert style(fig).layout.yaxis.dtick == 1


def test_presentation_sizes_are_larger_in_every_field():
    from dataclasses import fields

    from core.style import sizes

    normal, big = sizes(False), sizes(True)
    assert all(getattr(big, f.name) > getattr(normal, f.name) for f in fields(normal))


def test_finite_turns_inf_into_gaps_and_keeps_huge_finite_values():
    import numpy as np

    from core.style import finite

    out = finite(np.array([1.0, np.inf, -np.inf, np.nan, 1e300]))
    assert np.isnan(out[1:4]).all() and out[0] == 1.0 and out[4] == 1e300


def test_power_text_writes_superscripts():
    from core.style import power_text

    assert [power_text(k) for k in (-18, -1, 0, 1, 2)] == ["10⁻¹⁸", "10⁻¹", "1", "10", "10²"]
