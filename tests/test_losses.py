"""Losses: values against direct formulas, gradients against finite differences."""
import numpy as np
import pytest

import rnn_lib as rl


def test_mse_value_and_gradient(rng):
    Y, T_ = rng.standard_normal((5, 3, 2)), rng.standard_normal((5, 3, 2))
    mask = rng.random((5, 3)) < 0.5
    L, dY = rl.mse(Y, T_, mask)
    assert L == pytest.approx(0.5 * np.sum(mask[..., None] * (Y - T_) ** 2) / 3)
    num = rl.numerical_gradient(lambda y: rl.mse(y, T_, mask)[0], Y)
    assert np.allclose(dY, num, atol=1e-8)


def test_cross_entropy_value_gradient_and_large_logits(rng):
    Z = rng.standard_normal((4, 5))
    c = rng.integers(0, 5, size=4)
    L, dZ = rl.softmax_cross_entropy(Z, c)
    p = np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True)
    assert L == pytest.approx(-np.sum(np.log(p[np.arange(4), c])))
    num = rl.numerical_gradient(lambda z: rl.softmax_cross_entropy(z, c)[0], Z)
    assert np.allclose(dZ, num, atol=1e-8)
    big, _ = rl.softmax_cross_entropy(Z + 1e4, c)        # log-sum-exp: no overflow
    assert big == pytest.approx(L)


def test_cross_entropy_of_a_masked_batch_sums_over_time_and_averages_over_sequences(rng):
    """L = (1/B) sum_t sum_b m_tb l_tb and dL/dz_tb = m_tb (p_tb - e_c) / B (chapter 5)."""
    T, B, K = 4, 3, 5
    Z = 3 * rng.standard_normal((T, B, K))
    c = rng.integers(K, size=(T, B))
    m = (rng.random((T, B)) < 0.6).astype(float)
    L, dZ = rl.softmax_cross_entropy(Z, c, m)
    p = np.exp(Z) / np.exp(Z).sum(-1, keepdims=True)
    e = np.eye(K)[c]
    assert L == pytest.approx(-np.sum(m * np.log((p * e).sum(-1))) / B)
    assert np.allclose(dZ, m[..., None] * (p - e) / B, rtol=0, atol=1e-15)
    num = rl.numerical_gradient(lambda z: rl.softmax_cross_entropy(z, c, m)[0], Z)
    assert np.allclose(dZ, num, atol=1e-8)
    assert np.allclose(dZ.sum(-1), 0, atol=1e-15) and np.all(np.abs(dZ) <= 1 / B)
    # the batch is averaged: copies of the batch leave L; time is summed: copies double it
    twice_b = rl.softmax_cross_entropy(np.concatenate([Z, Z], 1), np.concatenate([c, c], 1),
                                       np.concatenate([m, m], 1))[0]
    twice_t = rl.softmax_cross_entropy(np.concatenate([Z, Z], 0), np.concatenate([c, c], 0),
                                       np.concatenate([m, m], 0))[0]
    assert twice_b == pytest.approx(L) and twice_t == pytest.approx(2 * L)


@pytest.mark.parametrize("call, exc, message", [
    (lambda: rl.mse(np.zeros((3, 2)), np.zeros((3, 1))), ValueError,
     r"Y_target must have the shape of Y \(3, 2\)"),
    (lambda: rl.mse(np.zeros((3, 2)), np.zeros((3, 2)), np.ones(4)), ValueError,
     r"mask must have shape \(3,\)"),
    (lambda: rl.softmax_cross_entropy(np.zeros((3, 4)), np.array([0, 1, 4])), ValueError,
     r"targets must lie in 0..3"),
    (lambda: rl.softmax_cross_entropy(np.zeros((3, 4)), np.array([0.0, 1, 2])), TypeError,
     r"targets must be integer class indices"),
    (lambda: rl.loss_and_gradients(rl.init_params(2, 1, 1, np.random.default_rng(0)),
                                   np.zeros((3, 1)), np.zeros((3, 1)), loss="hinge"),
     ValueError, r"unknown loss 'hinge'"),
])
def test_losses_reject_bad_input(call, exc, message):
    with pytest.raises(exc, match=message):
        call()
