"""core.derivatives.export: the CSV holds the grid's values exactly, NaN and inf included."""

from __future__ import annotations

import io

import numpy as np

from core.derivatives.export import to_csv
from core.derivatives.grid import differentiate

# --- CSV -------------------------------------------------------------------------------------------


def _read_csv(data: bytes) -> tuple[list[str], np.ndarray]:
    text = data.decode()
    header = text.splitlines()[0].split(",")
    return header, np.loadtxt(io.StringIO(text), delimiter=",", skiprows=1, ndmin=2)


def test_csv_round_trips_float64_values_nan_and_inf():
    r = differentiate("sqrt(x)", start=-1.0, stop=1.0, points=21)
    data, stride = to_csv(r)
    header, table = _read_csv(data)
    assert header == ["x", "f", "df_autograd", "df_exact"] and stride == 1
    for col, arr in enumerate((r.x, r.f, r.df, r.df_exact)):
        np.testing.assert_array_equal(table[:, col], arr)  # exact, NaN and inf included


def test_csv_round_trips_float32_values():
    r = differentiate("exp(x)", start=-3.0, stop=3.0, points=17, dtype="float32")
    _, table = _read_csv(to_csv(r)[0])
    np.testing.assert_array_equal(table[:, 2].astype(np.float32), r.df)


def test_csv_strides_a_large_grid():
    r = differentiate("sin(x)", points=1000)
    data, stride = to_csv(r, max_rows=300)
    _, table = _read_csv(data)
    assert stride == 4 and table.shape == (250, 4)
    np.testing.assert_array_equal(table[:, 0], r.x[::4])
