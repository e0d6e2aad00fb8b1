"""core.derivatives.grid: autograd against the exact derivative, the notebook's facts, float32 against
float64, every bad argument, non-finite points, the relative error, the memory a million points take,
and the reference evaluator's memo.

References: NumPy (np.cos, the logistic written here), SymPy through core.expression.numeric, mpmath.
"""

from __future__ import annotations

import math
import subprocess
import sys
import tracemalloc
import warnings
import weakref

import mpmath
import numpy as np
import pytest
import sympy as sp
import torch

import core.derivatives.grid as grid
from core.checks import max_errors
from core.derivatives.grid import MAX_POINTS, Derivative, autograd, check_grid, differentiate, exact_derivative
from core.errors import LabError
from core.expression.catalogue import CATALOGUE, sigmoid
from core.expression.numeric import evaluate
from core.expression.parser import parse
from tests.conftest import ROOT

# --- autograd against the exact derivative over the whole catalogue --------------------------------

# Ranges suited to each domain; activations go past softplus's threshold (20) and sigmoid's tails.
RANGES = {
    "log": (0.01, 10.0),
    "sqrt": (0.01, 10.0),
    "log1p": (-0.99, 10.0),
    "tan": (-1.5, 1.5),
    "sigmoid": (-30.0, 30.0),
    "softplus": (-30.0, 30.0),
    "gelu": (-30.0, 30.0),
    "silu": (-30.0, 30.0),
    # the newer functions: intervals inside their domains, away from poles (ends and poles are
    # tested in tests/core/expression/test_catalogue.py); sinc avoids 0, where torch's own
    # higher derivatives are NaN
    "asin": (-0.95, 0.95),
    "acos": (-0.95, 0.95),
    "atanh": (-0.95, 0.95),
    "acosh": (1.05, 10.0),
    "sec": (-1.4, 1.4),
    "csc": (0.2, 2.9),
    "cot": (0.2, 2.9),
    "sinc": (0.3, 3.3),
    "log2": (0.01, 10.0),
    "log10": (0.01, 10.0),
}
# every function of one argument a one-variable lab offers (min, max and clamp take more)
ONE_ARGUMENT = sorted(n for n, f in CATALOGUE.items() if f.arity == 1 and f.min_variables == 1)
# float64: |autograd - exact| <= RTOL |exact| + ATOL. Both sides round each operation to 2.2e-16;
# third derivatives grow to ~1e6 (log at 0.01), so the absolute part is relative to 1 and the rest
# relative to the value. softplus: torch returns x itself above 20 (its documented threshold), which
# moves the first derivative by up to sigmoid(-20) ~ 2e-9.
RTOL, ATOL = 1e-12, 1e-13
ATOL_OVERRIDE = {"softplus": 3e-9}


@pytest.mark.parametrize("order", [1, 2, 3])
@pytest.mark.parametrize("name", ONE_ARGUMENT)
def test_autograd_matches_exact_over_the_catalogue(name, order):
    start, stop = RANGES.get(name, (-10.0, 10.0))
    r = differentiate(f"{name}(x)", start=start, stop=stop, points=1001, order=order)
    assert r.nonfinite == {"f": 0, "df": 0, "df_exact": 0}
    err = np.abs(r.df - r.df_exact)
    bound = RTOL * np.abs(r.df_exact) + ATOL_OVERRIDE.get(name, ATOL)
    worst = int(np.argmax(err - bound))
    assert np.all(err <= bound), f"x = {r.x[worst]}: autograd {r.df[worst]!r}, exact {r.df_exact[worst]!r}"


def test_exact_reference_of_an_activation_matches_mpmath():
    # The reference itself, against an independent derivative: mpmath.diff of the textbook formula.
    r = differentiate("gelu(x)", start=-4.0, stop=4.0, points=9, order=2)
    mpmath.mp.dps = 30
    gelu = lambda t: t * (1 + mpmath.erf(t / mpmath.sqrt(2))) / 2  # noqa: E731
    ref = np.array([float(mpmath.diff(gelu, mpmath.mpf(float(v)), 2)) for v in r.x])
    np.testing.assert_allclose(r.df_exact, ref, rtol=1e-13, atol=1e-15)


# --- the notebook's facts ---------------------------------------------------------------------------


def test_notebook_sin_derivative_is_cos():
    r = differentiate("sin(x)", start=-10.0, stop=10.0, points=1000)
    x = np.linspace(-10, 10, 1000)
    np.testing.assert_allclose(r.x, x, rtol=0, atol=1e-14)
    np.testing.assert_allclose(r.df, np.cos(x), rtol=0, atol=1e-15)
    assert r.max_abs_error <= 1e-15


def test_notebook_logistic_derivative_is_s_times_one_minus_s():
    r = differentiate("1/(1+exp(-x))", start=-10.0, stop=10.0, points=1000)
    x = np.linspace(-10, 10, 1000)
    s = 1.0 / (1.0 + np.exp(-x))
    np.testing.assert_allclose(r.f, s, rtol=1e-14, atol=0)
    # 1 - s cancels near x = 10 (s = 1 - 4.5e-5): the NumPy formula is good to ~eps in absolute
    # terms only, so the comparison is absolute (values are at most 0.25).
    np.testing.assert_allclose(r.df, s * (1 - s), rtol=0, atol=1e-15)


def test_notebook_logistic_from_the_catalogue_matches_the_formula():
    r = differentiate("sigmoid(x)", start=-10.0, stop=10.0, points=1000)
    s = 1.0 / (1.0 + np.exp(-r.x))
    np.testing.assert_allclose(r.df, s * (1 - s), rtol=0, atol=1e-15)


def test_higher_orders_of_sin():
    x = np.linspace(-10, 10, 1000)
    np.testing.assert_allclose(differentiate("sin(x)", order=2).df, -np.sin(x), rtol=0, atol=1e-14)
    np.testing.assert_allclose(differentiate("sin(x)", order=3).df, -np.cos(x), rtol=0, atol=1e-14)


# --- float32 against float64 -----------------------------------------------------------------------


@pytest.mark.parametrize("text", ["sin(x)", "exp(x)", "sigmoid(x)", "x**2*sin(x)", "tanh(x)"])
def test_float32_error_is_bounded_and_far_above_float64(text):
    # Relative to max(1, |exact|): float32 rounds to 6e-8, a few operations stay below 1e-5;
    # float64 stays below 1e-13. The exact side is evaluated at the float32 grid's own points.
    def rel_error(r: Derivative) -> float:
        return float(np.max(np.abs(r.df.astype(np.float64) - r.df_exact) / np.maximum(1.0, np.abs(r.df_exact))))

    r32 = differentiate(text, dtype="float32")
    r64 = differentiate(text, dtype="float64")
    assert r32.x.dtype == np.float32 and r32.df.dtype == np.float32 and r32.df_exact.dtype == np.float64
    e32, e64 = rel_error(r32), rel_error(r64)
    assert e32 <= 1e-5
    assert e64 <= 1e-13
    assert e32 >= 1e3 * max(e64, 1e-17)


# --- every bad argument --------------------------------------------------------------------------

# (keyword arguments, words the English message must contain)
BAD_ARGUMENTS = [
    ({"points": 1}, ["points", "2", "1,000,000"]),
    ({"points": MAX_POINTS + 1}, ["points", "1000001", "1,000,000"]),
    ({"points": 0}, ["points"]),
    ({"points": -5}, ["points"]),
    ({"points": 10.5}, ["points", "10.5", "whole number"]),
    ({"points": "100"}, ["points", "whole number"]),
    ({"points": True}, ["points", "whole number"]),
    ({"start": 1.0, "stop": 1.0}, ["start", "stop", "less"]),
    ({"start": 2.0, "stop": 1.0}, ["start", "stop", "less"]),
    ({"start": math.nan}, ["start", "finite"]),
    ({"stop": math.nan}, ["stop", "finite"]),
    ({"start": -math.inf}, ["start", "finite"]),
    ({"stop": math.inf}, ["stop", "finite"]),
    ({"start": "0"}, ["start", "finite"]),
    ({"start": -1e7}, ["start", "1e+06"]),
    ({"order": 0}, ["order", "1", "3"]),
    ({"order": 4}, ["order", "1", "3"]),
    ({"order": 1.5}, ["order", "whole number"]),
    ({"device": "tpu"}, ["tpu", "cpu"]),
    ({"device": None}, ["None", "cpu"]),
    ({"dtype": "float16"}, ["float16", "float32", "float64"]),
    ({"dtype": "int32"}, ["int32", "float32", "float64"]),
    ({"dtype": "bfloat16"}, ["bfloat16", "float32"]),
    ({"dtype": torch.float64}, ["float32", "float64"]),
]


@pytest.mark.parametrize(("kwargs", "words"), BAD_ARGUMENTS, ids=[repr(k) for k, _ in BAD_ARGUMENTS])
def test_bad_argument_raises_value_error_with_a_clear_message(kwargs, words):
    with pytest.raises(ValueError) as info:
        differentiate("sin(x)", **kwargs)
    err = info.value
    assert isinstance(err, LabError)
    for word in words:
        assert word in str(err), (word, str(err))
    assert err.message("pt") != str(err)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is present here")
def test_absent_cuda_is_refused():
    with pytest.raises(ValueError) as info:
        differentiate("sin(x)", device="cuda")
    assert "cuda" in str(info.value) and "cpu" in str(info.value)


def test_check_grid_gives_floats_and_an_int():
    assert check_grid(-1, 2, 10.0) == (-1.0, 2.0, 10)
    assert [type(v) for v in check_grid(-1, 2, 10.0)] == [float, float, int]


@pytest.mark.parametrize(
    ("args", "key"),
    [
        ((math.nan, 1.0, 10), "err.real_range"),
        ((0.0, 2e6, 10), "err.real_range"),
        ((0.0, 1.0, 1), "err.int_range"),
        ((0.0, 1.0, 2.5), "err.int_range"),
        ((1.0, 1.0, 10), "err.diff_order_bounds"),
    ],
)
def test_check_grid_uses_the_shared_checks(args, key):
    # the lab's own int/real checks are gone: core.checks says what is wrong, in the shared words
    with pytest.raises(LabError) as info:
        check_grid(*args)
    assert info.value.key == key


def test_check_grid_is_importable_from_the_package():
    # the Chain rule lab checks its grid with it
    from core.derivatives import check_grid as shared

    assert shared is check_grid


def test_integral_float_points_are_accepted():
    assert differentiate("sin(x)", points=100.0).x.size == 100


def test_order_beyond_three_is_refused_by_exact_derivative():
    with pytest.raises(ValueError, match="order"):
        exact_derivative("sin(x)", 4)


def test_derivative_too_large_to_evaluate_is_a_lab_error():
    with pytest.raises(LabError) as info:
        differentiate("gelu(gelu(gelu(gelu(x))))", order=2)
    assert info.value.key == "err.diff_too_complex"


@pytest.mark.parametrize(
    ("text", "order"),
    [
        ("abs(sqrt(x))", 1),
        ("abs(log(x))", 2),
        ("abs(sigmoid(x))", 1),
        ("abs(relu(x))", 1),
        ("abs(silu(x))", 3),
        ("abs(softplus(x))", 2),
    ],
)
def test_abs_of_a_function_sympy_cannot_prove_real(text, order):
    # SymPy writes these derivatives with re/im/arg/Piecewise: a reference or a LabError, never a crash
    try:
        r = differentiate(text, start=-3.0, stop=3.0, points=61, order=order)
    except LabError:
        return
    inner = parse(text[len("abs(") : -1])(torch.from_numpy(r.x)).numpy()
    both = np.isfinite(r.df) & np.isfinite(r.df_exact) & ~(np.abs(inner) <= 1e-9)  # the kinks aside
    assert both.sum() >= 25
    np.testing.assert_allclose(r.df[both], r.df_exact[both], rtol=1e-10, atol=1e-12)


# --- non-finite points -----------------------------------------------------------------------------


def test_nonfinite_points_are_counted_not_raised():
    r = differentiate("sqrt(x)", start=-1.0, stop=1.0, points=21)
    negative, nonpositive = int((r.x < 0).sum()), int((r.x <= 0).sum())
    assert negative >= 9
    assert r.nonfinite == {"f": negative, "df": nonpositive, "df_exact": nonpositive}


def test_log_domain_is_counted():
    r = differentiate("log(x)", start=-2.0, stop=2.0, points=41)
    assert r.nonfinite["f"] == int((r.x <= 0).sum())


def test_max_abs_error_ignores_nonfinite_points():
    r = differentiate("sqrt(x)", start=-1.0, stop=1.0, points=21)
    both = np.isfinite(r.df) & np.isfinite(r.df_exact)
    assert math.isfinite(r.max_abs_error)
    assert r.max_abs_error == float(np.max(np.abs(r.df[both] - r.df_exact[both])))
    assert np.isnan(r.abs_error[~both]).all()


@pytest.mark.parametrize(("text", "dtype"), [("sqrt(x)", "float64"), ("log(x)", "float32"), ("exp(x)", "float64")])
def test_max_errors_are_the_shared_helpers(text, dtype):
    r = differentiate(text, start=-1.0, stop=2.0, points=31, dtype=dtype)
    assert (r.max_abs_error, r.max_rel_error) == max_errors(r.df, r.df_exact)


def test_max_abs_error_is_nan_without_a_common_finite_point():
    r = differentiate("sqrt(x)", start=-2.0, stop=-1.0, points=11)
    assert math.isnan(r.max_abs_error)


def test_constant_expression_has_zero_derivative():
    for order in (1, 2, 3):
        r = differentiate("pi**2", start=-1.0, stop=1.0, points=5, order=order)
        assert np.all(r.f == math.pi**2) and np.all(r.df == 0) and np.all(r.df_exact == 0)


def test_linear_expression_has_zero_second_derivative():
    r = differentiate("3*x + 1", start=-1.0, stop=1.0, points=5, order=2)
    assert np.all(r.df == 0) and np.all(r.df_exact == 0)


def test_autograd_result_converts_to_numpy():
    # abs'' is a ZeroTensor inside autograd: the public function should hand back an ordinary tensor
    _, d2 = autograd(parse("abs(x)"), torch.linspace(-1, 1, 5, dtype=torch.float64), 2)
    assert np.all(d2.numpy() == 0)


def test_arrays_are_numpy_on_the_cpu_and_expression_objects_work():
    r = differentiate(parse("x**2"), start=0.0, stop=1.0, points=3)
    for a in (r.x, r.f, r.df, r.df_exact):
        assert isinstance(a, np.ndarray)
    assert r.device == "cpu" and r.dtype == "float64" and r.order == 1
    np.testing.assert_array_equal(r.df, [0.0, 1.0, 2.0])


# --- relative error and which error the page shows --------------------------------------------------


def test_huge_values_read_as_a_relative_error():
    # exp(exp(exp(x))) on [-3, 3]: f' reaches e^(e^20) ~ 1e2e8... in float64 only up to ~1e300, so
    # the absolute error of agreeing slopes reads ~1e171 while 14 digits agree
    r = differentiate("exp(exp(exp(x)))", start=-3.0, stop=3.0, points=101)
    assert r.max_abs_error > 1e100
    assert r.max_rel_error < 1e-12
    assert r.error_kind == "relative"


def test_max_rel_error_is_the_largest_relative_difference_where_both_are_finite():
    r = differentiate("log(x)", start=-1.0, stop=2.0, points=31, dtype="float32")
    ok = np.isfinite(r.df) & np.isfinite(r.df_exact) & (r.df_exact != 0)
    expected = max(abs(float(a) - b) / abs(b) for a, b in zip(r.df[ok], r.df_exact[ok], strict=True))
    assert r.max_rel_error == pytest.approx(expected, rel=1e-12)
    assert 1e-9 < r.max_rel_error < 1e-6  # float32 rounding, relative
    np.testing.assert_allclose(r.rel_error[ok], np.abs(r.df[ok] - r.df_exact[ok]) / np.abs(r.df_exact[ok]), rtol=1e-12)
    assert np.isnan(r.rel_error[~ok]).all()


def test_max_rel_error_is_nan_where_the_exact_derivative_is_zero_everywhere():
    r = differentiate("3*x + 1", start=-1.0, stop=1.0, points=5, order=2)
    assert r.max_abs_error == 0.0 and math.isnan(r.max_rel_error)
    assert r.error_kind == "absolute"


def test_max_rel_error_is_nan_without_a_common_finite_point():
    r = differentiate("sqrt(x)", start=-2.0, stop=-1.0, points=11)
    assert math.isnan(r.max_rel_error) and r.error_kind == "absolute"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("1000*x", "absolute"),
        ("1001*x", "relative"),
        ("sin(x)", "absolute"),
        ("exp(x)", "relative"),
        ("-exp(x)", "relative"),
        ("log(x)", "absolute"),
    ],
)
def test_error_kind_is_relative_once_the_exact_derivative_passes_a_thousand(text, kind):
    # on [-10, 10]: exp' reaches 2.2e4; log'(x) = 1/x stays below 1e3 on this grid (no point within 1e-3 of 0)
    r = differentiate(text, start=-10.0, stop=10.0, points=1000)
    assert r.error_kind == kind


def test_abs_error_has_no_warning_for_infinite_points():
    r = differentiate("1/x", start=-1.0, stop=1.0, points=3)  # inf at 0 on both sides
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(r.abs_error[1]) and np.isnan(r.rel_error[1])


# --- memory --------------------------------------------------------------------------------------------


def test_grid_is_computed_in_blocks_with_the_same_result(monkeypatch):
    # blocks of 50 points (the last one holds 1): the same values, up to the last ulp that torch's
    # and NumPy's vectorised kernels may round differently from their scalar tails. A grid this
    # small is one block unless MIN_BLOCK is lowered too.
    text = "gelu(x)*sin(x) + abs(x)**1.5"
    whole = differentiate(text, start=-3.0, stop=3.0, points=201, order=3, dtype="float32")
    monkeypatch.setattr(grid, "CHUNK", 50)
    monkeypatch.setattr(grid, "MIN_BLOCK", 10)
    sizes = []
    monkeypatch.setattr(grid, "autograd", lambda e, x, order: sizes.append(x.numel()) or autograd(e, x, order))
    blocks = differentiate(text, start=-3.0, stop=3.0, points=201, order=3, dtype="float32")
    assert sizes == [50, 50, 50, 50, 1]
    np.testing.assert_array_equal(blocks.x, whole.x)
    for name, rtol in (("f", 4e-7), ("df", 4e-6), ("df_exact", 1e-14)):
        np.testing.assert_allclose(getattr(blocks, name), getattr(whole, name), rtol=rtol, atol=0, err_msg=name)
    assert blocks.max_rel_error == pytest.approx(whole.max_rel_error, rel=1e-2)


def test_autograd_keeps_no_graph_after_returning():
    # a guard: nothing autograd recorded (here the output ExpBackward saved) outlives the call
    alive = []

    class Traced:
        def __call__(self, t):
            y = torch.exp(torch.sin(t))  # ExpBackward saves its output y: the forward graph holds y
            alive.append(weakref.ref(y))
            return y

    x = torch.linspace(-1.0, 1.0, 5, dtype=torch.float64)
    f, df = autograd(Traced(), x, 3)
    assert alive[0]() is None
    assert f.grad_fn is None and df.grad_fn is None and not f.requires_grad and not df.requires_grad
    np.testing.assert_allclose(f.numpy(), np.exp(np.sin(x.numpy())), rtol=1e-15)


MEMORY_SCRIPT = """
import gc, sys
sys.path.insert(0, {root!r})
import torch
torch.set_num_threads(1)  # as the app runs (ui/frame.py); two threads on two busy cores only add waiting
from core.derivatives import differentiate
differentiate({text!r}, points=101, order=3)  # imports, SymPy's caches, torch's first calls
gc.collect()
def status(key):
    return [int(line.split()[1]) // 1024 for line in open("/proc/self/status") if line.startswith(key)][0]
base = status("VmRSS:")
open("/proc/self/clear_refs", "w").write("5")  # reset the high-water mark VmHWM to the current RSS
r = differentiate({text!r}, points=1_000_000, order=3)
print(status("VmHWM:") - base)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
@pytest.mark.parametrize("text", ["x**x**x"])
def test_a_million_points_at_order_three_stay_within_a_memory_bound(text):
    # measured here: x**x**x peaked at +874 MB before the grid was cut into blocks and the
    # reference's memo released, +83 MB after; gelu(gelu(x)) +401 MB before, +75 MB after.
    # The result itself holds 32 MB (x, f, df, df_exact in float64).
    out = subprocess.run(
        [sys.executable, "-c", MEMORY_SCRIPT.format(root=str(ROOT), text=text)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    peak = int(out.stdout.split()[-1])
    assert peak < 250, f"{text}: +{peak} MB at peak"


# --- the reference evaluator's memo ------------------------------------------------------------------


def test_reference_shares_a_sub_result_an_ancestor_still_holds():
    # sigmoid(x)**2 is the first term of the sum and a factor of the second: the product must
    # not overwrite the array the sum is holding (a wrong value of the whole derivative, found
    # by the sweep for sigmoid(x)*silu(x)).
    x = sp.Symbol("x", real=True)
    s = sigmoid(x)
    expr = s**2 + s**2 * (2 - 2 * s) * x
    xs = np.array([-3.0, 0.5, 2.0])
    sv = 1 / (1 + np.exp(-xs))
    np.testing.assert_allclose(evaluate(expr, x, xs), sv**2 + sv**2 * (2 - 2 * sv) * xs, rtol=1e-15)


def test_reference_leaves_its_points_untouched():
    x = sp.Symbol("x", real=True)
    xs = np.linspace(-2.0, 2.0, 9)
    before = xs.copy()
    evaluate(sp.re(x) * 3 + sp.exp(sp.re(x)) + sp.Abs(x), x, xs)
    np.testing.assert_array_equal(xs, before)


def test_reference_memo_keeps_only_what_is_still_needed():
    # The third derivative of x**x**x has 37 distinct array-valued sub-trees; the reference used
    # to keep every one of them alive until the end. Measured here: 37 arrays before, 14 after.
    d = exact_derivative("x**x**x", 3)
    xs = np.linspace(0.5, 2.0, 100_000)
    tracemalloc.start()
    try:
        evaluate(d, sp.Symbol("x"), xs)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak / xs.nbytes < 20


def test_zero_factors_of_relu_win_over_infinite_ones():
    # d/dx sqrt(relu(x)) = H(x) / (2 sqrt(relu(x))): 0 for x < 0, where relu is flat (torch agrees),
    # not 0 * inf = NaN
    for order in (1, 2, 3):
        r = differentiate("sqrt(relu(x))", start=-2.0, stop=2.0, points=9, order=order)
        neg = r.x < 0
        assert np.all(r.df_exact[neg] == 0) and np.all(r.df[neg] == 0), order


def test_reference_evaluates_piecewise():
    x = sp.Symbol("x", real=True)
    e = sp.Piecewise((x**2, sp.And(x > 0, x < 2)), (-x, sp.Or(x < -1, sp.Eq(x, 0))), (7, True))
    np.testing.assert_array_equal(evaluate(e, x, np.array([-2.0, -0.5, 0.0, 1.0, 3.0])), [2.0, 7.0, -0.0, 1.0, 7.0])
