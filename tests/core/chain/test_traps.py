"""core.chain.traps: accumulation into .grad, backward on a vector, sum then differentiate."""

from __future__ import annotations

import numpy as np
import pytest

from core.chain.presets import NOTEBOOK_X
from core.chain.traps import MAX_BACKWARD_CALLS, accumulation_trap, nonscalar_trap, sum_trap
from core.errors import LabError

# ---------------------------------------------------------------- trap 1: accumulation


def test_backward_calls_accumulate_into_grad():
    trap = accumulation_trap("x*x", NOTEBOOK_X, calls=3)
    np.testing.assert_array_equal(trap.du_dx, [0, 2, 4, 6])
    for k in range(3):
        np.testing.assert_array_equal(trap.grads[k], (k + 1) * np.array([0, 2, 4, 6]))


def test_zero_and_none_both_fix_the_accumulation():
    trap = accumulation_trap("sin(x)", [0.5, 1.0], calls=4)
    np.testing.assert_allclose(trap.grads[-1], 4 * np.cos([0.5, 1.0]), rtol=1e-15)
    np.testing.assert_allclose(trap.after_zero, np.cos([0.5, 1.0]), rtol=1e-15)
    np.testing.assert_allclose(trap.after_none, np.cos([0.5, 1.0]), rtol=1e-15)


@pytest.mark.parametrize("calls", [0, MAX_BACKWARD_CALLS + 1, True, 2.5, "2"])
def test_backward_calls_are_bounded(calls):
    with pytest.raises(LabError) as info:
        accumulation_trap("x*x", NOTEBOOK_X, calls=calls)
    assert info.value.key == "err.int_range"  # core.checks.check_int, the app's one integer check
    assert "The number of backward calls must be a whole number from 1 to 10" in str(info.value)
    assert info.value.message("pt").startswith("O número de chamadas de backward deve ser um inteiro de 1 a 10")


def test_a_whole_float_counts_as_that_many_calls():
    assert accumulation_trap("x*x", NOTEBOOK_X, calls=3.0).calls == 3


def test_traps_refuse_a_single_point():
    with pytest.raises(LabError) as info:
        accumulation_trap("x*x", [1.0])
    assert info.value.key == "err.chain_trap_points"


def test_traps_refuse_a_constant_inner():
    with pytest.raises(LabError) as info:
        sum_trap("2", NOTEBOOK_X)
    assert info.value.key == "err.chain_trap_constant"


# ---------------------------------------------------------------- trap 2: backward on a vector


def test_backward_on_a_vector_raises_pytorchs_message():
    trap = nonscalar_trap("x*x", NOTEBOOK_X)
    assert trap.message == "grad can be implicitly created only for scalar outputs"


def test_vector_of_ones_is_the_gradient_of_the_sum():
    trap = nonscalar_trap("x*x", NOTEBOOK_X)
    np.testing.assert_array_equal(trap.grad_ones, [0, 2, 4, 6])
    np.testing.assert_array_equal(trap.grad_sum, trap.grad_ones)


def test_weights_give_a_vector_jacobian_product():
    trap = nonscalar_trap("sin(x)", [0.5, 1.0, 2.0], weights=[2.0, -1.0, 0.5])
    np.testing.assert_allclose(trap.grad_weights, np.array([2.0, -1.0, 0.5]) * np.cos([0.5, 1.0, 2.0]), rtol=1e-15)


def test_default_weights_are_one_to_n():
    np.testing.assert_array_equal(nonscalar_trap("x", [5.0, 6.0, 7.0]).grad_weights, [1, 2, 3])


def test_weights_of_another_size_are_refused():
    with pytest.raises(LabError) as info:
        nonscalar_trap("x", [1.0, 2.0], weights=[1.0])
    assert info.value.key == "err.chain_weights"


# ---------------------------------------------------------------- trap 3: sum then differentiate


def test_elementwise_function_sum_gradient_is_the_jacobian_diagonal():
    case = sum_trap("x**2*sin(x)", [0.5, 1.0, 2.0])[0]
    assert case.elementwise and case.max_off_diagonal == 0.0
    np.testing.assert_array_equal(case.grad_of_sum, case.jacobian_diagonal)


def test_x_minus_mean_sum_gradient_is_zero_not_the_diagonal():
    xs = [0.0, 1.0, 2.0, 3.0]
    case = sum_trap("x*x", xs)[1]
    assert not case.elementwise
    np.testing.assert_allclose(case.grad_of_sum, 0.0, atol=1e-15)
    np.testing.assert_allclose(case.jacobian_diagonal, 1 - 1 / len(xs), rtol=1e-15)
    assert case.max_off_diagonal == pytest.approx(1 / len(xs), rel=1e-15)


def test_x_times_sum_sum_gradient_is_twice_the_sum():
    xs = np.array([1.0, 2.0, 4.0])
    case = sum_trap("x", xs)[2]
    assert not case.elementwise
    np.testing.assert_array_equal(case.grad_of_sum, 2 * xs.sum())
    np.testing.assert_array_equal(case.jacobian_diagonal, xs.sum() + xs)


def test_elementwise_function_with_nan_off_diagonal_is_still_elementwise():
    # sqrt's backward at 0 computes 0 / 0 off the diagonal
    case = sum_trap("sqrt(x)", [0.0, 1.0])[0]
    assert case.elementwise
