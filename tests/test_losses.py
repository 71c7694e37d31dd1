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
