"""The forward pass against a hand-written loop, shapes, initialisation, bad input."""
import numpy as np
import pytest

import rnn_lib as rl
from conftest import make_problem


def test_forward_matches_a_plain_loop_over_column_vectors(rng):
    p, U, x_init = make_problem(rng, T=5)
    tr = rl.forward(p, U, x_init, activation="tanh", output_activation="sigmoid")
    x = x_init[:, None]                            # column vector, as in the article
    for t in range(5):
        x = np.tanh(p.W_xx @ x + p.W_xu @ U[t][:, None] + p.b_x[:, None])
        y = 1 / (1 + np.exp(-(p.W_yx @ x + p.b_y[:, None])))
        assert np.allclose(tr.X[t], x[:, 0], rtol=1e-13, atol=1e-15)
        assert np.allclose(tr.Y[t], y[:, 0], rtol=1e-13, atol=1e-15)


def test_batch_equals_sequences_one_by_one(rng):
    p, U, x_init = make_problem(rng, T=4, B=3)
    batch = rl.forward(p, U, x_init, activation="relu")
    for b in range(3):
        one = rl.forward(p, U[:, b], x_init[b], activation="relu")
        assert np.allclose(batch.X[:, b], one.X, rtol=1e-13, atol=1e-15)
        assert np.allclose(batch.Y[:, b], one.Y, rtol=1e-13, atol=1e-15)


def test_shapes_and_default_initial_state(rng):
    p = rl.init_params(5, 2, 3, rng)
    tr = rl.forward(p, np.zeros((7, 4, 2)))
    assert tr.X.shape == (7, 4, 5) and tr.Y.shape == (7, 4, 3) and tr.x_init.shape == (4, 5)
    assert np.all(tr.x_init == 0)


def test_parameter_count():
    p = rl.init_params(6, 3, 2, np.random.default_rng(0))
    assert p.n_params == rl.n_params(6, 3, 2) == 6 * 6 + 6 * 3 + 2 * 6 + 6 + 2
    assert p.sizes == (6, 3, 2)


def test_init_sets_spectral_radius_and_is_reproducible():
    p = rl.init_params(16, 2, 1, np.random.default_rng(7), spectral_radius=0.5)
    assert rl.spectral_radius(p.W_xx) == pytest.approx(0.5, rel=1e-10)
    q = rl.init_params(16, 2, 1, np.random.default_rng(7), spectral_radius=0.5)
    assert all(np.array_equal(a, b) for a, b in zip(p, q))
    r = rl.init_params(16, 2, 1, np.random.default_rng(8), spectral_radius=0.5)
    assert not np.array_equal(p.W_xx, r.W_xx)
    s = rl.init_params(200, 1, 1, np.random.default_rng(0), spectral_radius=None, scale=2.0)
    assert np.std(s.W_xx) * np.sqrt(200) == pytest.approx(2.0, rel=0.05)


def test_linear_rnn_closed_form(rng):
    """identity activation, zero bias: x_t = W_xx^(t+1) x_init + sum_s W_xx^(t-s) W_xu u_s."""
    p, U, x_init = make_problem(rng, T=6)
    p = p._replace(b_x=np.zeros(4))
    tr = rl.forward(p, U, x_init, activation="identity")
    for t in range(6):
        expect = np.linalg.matrix_power(p.W_xx, t + 1) @ x_init
        for s in range(t + 1):
            expect = expect + np.linalg.matrix_power(p.W_xx, t - s) @ p.W_xu @ U[s]
        assert np.allclose(tr.X[t], expect, rtol=1e-12, atol=1e-13)


def test_divergence_shows_as_inf_not_an_exception(rng):
    p = rl.init_params(3, 1, 1, rng, spectral_radius=50.0)
    tr = rl.forward(p, np.ones((400, 1)), activation="identity")
    assert not np.all(np.isfinite(tr.X))


@pytest.mark.parametrize("call, exc, message", [
    (lambda p: rl.forward(p, np.zeros((5, 4))), ValueError,
     r"W_xu has 2 input columns but U has 4 features"),
    (lambda p: rl.forward(p, np.zeros((0, 2))), ValueError, r"U is an empty sequence"),
    (lambda p: rl.forward(p, np.zeros(5)), ValueError, r"U must have 2 or 3 dimensions"),
    (lambda p: rl.forward(p, np.full((3, 2), np.nan)), ValueError, r"U contains NaN"),
    (lambda p: rl.forward(p, "abc"), TypeError, r"U must be an array of numbers"),
    (lambda p: rl.forward(p, np.zeros((3, 2)), np.zeros(4)), ValueError,
     r"x_init must have shape \(3,\)"),
    (lambda p: rl.forward(p, np.zeros((3, 2)), activation="gelu"), ValueError,
     r"unknown activation 'gelu'; choose one of 'tanh', 'sigmoid', 'relu', 'identity'"),
    (lambda p: rl.forward(p, np.zeros((3, 2)), output_activation="tanh"), ValueError,
     r"unknown output activation 'tanh'"),
    (lambda p: rl.forward(p._replace(W_xx=np.zeros((3, 2))), np.zeros((3, 2))), ValueError,
     r"W_xx must be square"),
    (lambda p: rl.forward(p._replace(b_y=np.zeros(3)), np.zeros((3, 2))), ValueError,
     r"b_y must have shape \(1,\)"),
    (lambda p: rl.forward(p._replace(W_yx=np.zeros((1, 5))), np.zeros((3, 2))), ValueError,
     r"W_yx must have n_x = 3 columns"),
    (lambda p: rl.forward(p[:3], np.zeros((3, 2))), TypeError, r"params must be rnn_lib.Params"),
])
def test_forward_rejects_bad_input_with_a_clear_message(call, exc, message):
    p = rl.init_params(3, 2, 1, np.random.default_rng(0))
    with pytest.raises(exc, match=message):
        call(p)


@pytest.mark.parametrize("kwargs, exc, message", [
    (dict(n_x=0), ValueError, "n_x must be >= 1, got 0"),
    (dict(n_x=2.5), TypeError, "n_x must be an integer"),
    (dict(rng=0), TypeError, "rng must be a numpy.random.Generator"),
    (dict(spectral_radius=-1.0), ValueError, "spectral_radius must be a finite number > 0"),
    (dict(spectral_radius=None), ValueError, "exactly one of spectral_radius and scale"),
])
def test_init_rejects_bad_arguments(kwargs, exc, message):
    args = dict(n_x=3, n_u=1, n_y=1, rng=np.random.default_rng(0))
    args.update(kwargs)
    with pytest.raises(exc, match=message):
        rl.init_params(**args)


def test_padding_follows_the_hold_equation_of_the_docstring(rng):
    """x_t = m_t sigma(a_t) + (1 - m_t) x_{t-1}, m_t = 1 if t < lengths[b] else 0."""
    p = rl.init_params(3, 2, 1, rng)
    U = rng.standard_normal((6, 4, 2))
    lengths = np.array([6, 1, 3, 4])
    tr = rl.forward(p, U, lengths=lengths)
    x = np.zeros((4, 3))
    for t in range(6):
        m = (t < lengths).astype(float)[:, None]
        x = m * np.tanh(x @ p.W_xx.T + U[t] @ p.W_xu.T + p.b_x) + (1 - m) * x
        assert np.allclose(tr.X[t], x)
