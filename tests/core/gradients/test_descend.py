"""core.gradients.descend: plain SGD on ½pᵀAp against its closed form (I − lr·A)^k p₀ and its exact
divergence threshold 2/λmax, each torch.optim optimizer against its documented update written out
by hand in NumPy, what the result holds after a divergence, and every bad argument.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from core.errors import LabError
from core.gradients import OPTIMIZERS, descend, largest_stable_lr
from core.gradients.descend import MAX_STEPS

# ½ pᵀ A p with A = [[3, 1], [1, 1]] (eigenvalues 2 ± √2)
A = np.array([[3.0, 1.0], [1.0, 1.0]])
QUADRATIC = "1.5*x**2 + x*y + 0.5*y**2"
LAMBDA_MAX = 2 + math.sqrt(2)
START = np.array([1.5, -2.0])


def _closed_form(lr, steps, p0=START):
    m = np.eye(2) - lr * A
    out = [p0]
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run overflows past its stop
        for _ in range(steps):
            out.append(m @ out[-1])
    return np.array(out)


@pytest.mark.parametrize("lr", [0.05, 0.3, 0.55])
def test_sgd_follows_the_closed_form(lr):
    r = descend(QUADRATIC, tuple(START), lr=lr, steps=60)
    expected = _closed_form(lr, 60)
    scale = np.abs(expected).max(axis=1, keepdims=True)
    assert np.all(np.abs(r.path - expected) <= 1e-13 * scale + 1e-300)
    f = 0.5 * np.einsum("ki,ij,kj->k", expected, A, expected)
    np.testing.assert_allclose(r.values, f, rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(r.grad_norms, np.linalg.norm(expected @ A, axis=1), rtol=1e-12, atol=1e-300)
    assert not r.diverged and r.stopped_at is None


@pytest.mark.parametrize("ratio", [0.5, 0.99, 1.0, 1.01, 1.1, 2.0])
def test_sgd_diverges_exactly_above_two_over_lambda_max(ratio):
    assert largest_stable_lr(QUADRATIC) == pytest.approx(2 / LAMBDA_MAX, rel=1e-14)
    lr = ratio * 2 / LAMBDA_MAX
    r = descend(QUADRATIC, tuple(START), lr=lr, steps=800)
    assert r.diverged == (ratio > 1)
    if r.diverged:  # at the step the closed form first leaves |coordinate| <= 1e6
        k = int(np.argmax(np.abs(_closed_form(lr, 800)).max(axis=1) > 1e6))
        assert r.stopped_at == k
    else:
        assert np.abs(r.path).max() <= np.abs(START).max() * 2


def test_after_a_divergence_rows_are_nan():
    r = descend("x**2 + 10*y**2", (1.0, 1.0), lr=0.2, steps=300)  # |1 - 0.2·20| = 3 per step
    k = r.stopped_at
    assert r.diverged and k == math.ceil(math.log(1e6) / math.log(3))
    assert r.path.shape == (301, 2) and r.values.shape == r.grad_norms.shape == (301,)
    assert np.abs(r.path[k]).max() > 1e6 and np.isfinite(r.path[:k]).all()
    for a in (r.path[k + 1 :], r.values[k + 1 :], r.grad_norms[k + 1 :]):
        assert np.isnan(a).all()


def test_divergence_to_nan_stops_at_the_first_undefined_value():
    # sqrt(x): p0 = (1, 1), lr 1: x 1 -> 0.5 -> 0.5 - 1/(2·√0.5) < 0, where sqrt is NaN
    r = descend("sqrt(x) + y", (1.0, 1.0), lr=1.0, steps=10)
    assert r.diverged and r.stopped_at == 2 and math.isnan(r.values[2]) and np.isfinite(r.path[2]).all()


def test_divergence_found_after_the_first_check_block():
    # SGD on x² with lr 1.014: x is multiplied by 1 - 2·lr = -1.028 per step, past 1e6 after ~500 steps
    lr = 1.014
    x = 1.0 * (1 - 2 * lr) ** np.arange(1001)
    k = int(np.argmax(np.abs(x) > 1e6))
    r = descend("x**2", (1.0, 0.0), lr=lr, steps=1000)
    assert k > 256 and r.stopped_at == k
    np.testing.assert_allclose(r.path[:k, 0], x[:k], rtol=1e-12)


# --- each optimizer against its documented update, by hand in NumPy -----------------------------


def _rosenbrock_grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)])


ROSENBROCK = "(1 - x)**2 + 100*(y - x**2)**2"


def _by_hand(name, lr, steps, p0, mu=0.9):
    p = np.array(p0, dtype=np.float64)
    out = [p.copy()]
    b = m = v = s = None
    for t in range(1, steps + 1):
        g = _rosenbrock_grad(p)
        if name == "sgd":
            p = p - lr * g
        elif name in ("momentum", "nesterov"):
            b = g if b is None else mu * b + g
            p = p - lr * (g + mu * b if name == "nesterov" else b)
        elif name == "adam":  # torch defaults: betas (0.9, 0.999), eps 1e-8
            m = 0.1 * g if m is None else 0.9 * m + 0.1 * g
            v = 0.001 * g * g if v is None else 0.999 * v + 0.001 * g * g
            m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
            p = p - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
        elif name == "rmsprop":  # alpha 0.99, eps 1e-8
            s = 0.01 * g * g if s is None else 0.99 * s + 0.01 * g * g
            p = p - lr * g / (np.sqrt(s) + 1e-8)
        elif name == "adagrad":  # initial accumulator 0, eps 1e-10
            s = g * g if s is None else s + g * g
            p = p - lr * g / (np.sqrt(s) + 1e-10)
        out.append(p.copy())
    return np.array(out)


LRS = {"sgd": 1e-4, "momentum": 1e-4, "nesterov": 1e-4, "adam": 1e-2, "rmsprop": 1e-3, "adagrad": 0.1}


@pytest.mark.parametrize("name", OPTIMIZERS)
def test_optimizer_matches_its_update_rule(name):
    start = (-1.2, 1.0)
    r = descend(ROSENBROCK, start, optimizer=name, lr=LRS[name], steps=50)
    expected = _by_hand(name, LRS[name], 50, start)
    # the same sums in another order: rounding compounds over 50 steps of a curved valley
    np.testing.assert_allclose(r.path, expected, rtol=1e-10, atol=1e-12)
    assert np.abs(r.path[-1] - r.path[0]).max() > 1e-3  # it moved: the comparison is not vacuous


def test_momentum_argument_is_used_by_momentum_and_nesterov():
    start = (-1.2, 1.0)
    for name in ("momentum", "nesterov"):
        r = descend(ROSENBROCK, start, optimizer=name, lr=1e-4, steps=30, momentum=0.5)
        np.testing.assert_allclose(r.path, _by_hand(name, 1e-4, 30, start, mu=0.5), rtol=1e-10, atol=1e-12)
    plain = descend(ROSENBROCK, start, lr=1e-4, steps=30)
    ignored = descend(ROSENBROCK, start, lr=1e-4, steps=30, momentum=0.5)
    np.testing.assert_array_equal(plain.path, ignored.path)


def test_adam_goes_down_rosenbrocks_valley():
    r = descend(ROSENBROCK, (-1.2, 1.0), optimizer="adam", lr=0.02, steps=1500)
    assert not r.diverged and r.values[-1] < 1e-3 * r.values[0]  # 24.2 -> 0.012 (the minimum is 0 at (1, 1))
    assert np.all(np.abs(r.path[-1] - 1.0) < 0.25)


def test_float32_run():
    # lr 0.125 and the factors 1 - 0.125·2 and 1 - 0.125·4 are exact in float32
    r = descend("x**2 + 2*y**2", (1.0, 1.0), lr=0.125, steps=20, dtype="float32")
    expected = np.array([0.75 ** np.arange(21), 0.5 ** np.arange(21)]).T
    np.testing.assert_allclose(r.path, expected, rtol=1e-6, atol=0)


def test_constant_function_stays_put():
    r = descend("3", (1.0, 2.0), steps=3)
    np.testing.assert_array_equal(r.path, [[1.0, 2.0]] * 4)
    np.testing.assert_array_equal(r.grad_norms, [0.0] * 4)


def test_result_reads_by_key():
    r = descend("x**2 + y**2", (1.0, 1.0), steps=2)
    assert set(r.keys()) == {"path", "values", "grad_norms", "diverged", "stopped_at"}
    assert r["path"] is r.path and r["diverged"] is False


# --- bad arguments --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"start": (1001.0, 0.0)},
        {"start": (0.0, -1e3 - 1e-9)},
        {"start": (math.nan, 0.0)},
        {"start": (1.0,)},
        {"start": "1, 2"},
        {"lr": 0.0},
        {"lr": -0.1},
        {"lr": 10.0001},
        {"lr": math.inf},
        {"lr": math.nan},
        {"lr": "0.1"},
        {"steps": 0},
        {"steps": 10_001},
        {"steps": 1.5},
        {"steps": True},
        {"optimizer": "sgdd"},
        {"optimizer": "SGD"},
        {"optimizer": None},
        {"momentum": -0.1},
        {"momentum": 1.0},
        {"momentum": math.nan},
        {"device": "tpu"},
        {"dtype": "float16"},
        {"dtype": "int32"},
        {"expression": "x +"},
    ],
)
def test_bad_argument(kwargs):
    args = {"expression": "x**2 + y**2", "start": (1.0, 1.0), **kwargs}
    with pytest.raises(LabError):
        descend(args.pop("expression"), args.pop("start"), **args)


def test_bounds_are_inclusive():
    assert descend("x**2 + y**2", (1e3, -1e3), lr=10.0, steps=1).path.shape == (2, 2)
    assert MAX_STEPS == 10_000  # 10,001 is refused above; 10,000 steps cost ~2 s here, so not run


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is present here")
def test_absent_cuda_is_an_error():
    with pytest.raises(LabError):
        descend("x*y", (0.0, 0.0), device="cuda")
