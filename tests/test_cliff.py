"""The one-unit model and its cliff, against rnn_lib.forward, a plain-float loop and
finite differences; clipping and gradient descent against closed forms."""
import math

import numpy as np
import pytest

import rnn_lib as rl
from rnn_lib import cliff as cl
from rnn_lib.activations import hidden_activation


def _plain_one_unit(w, b, *, x0=0.5, T=50, target=0.7):
    """L and (dL/dw, dL/db) of the sigmoid one-unit model in plain Python floats, by
    backpropagation (reverse mode), independent of cliff's forward-mode loop."""
    xs = [x0]
    for _ in range(T):
        xs.append(w / (1 + math.exp(-xs[-1])) + b)
    err = xs[-1] - target
    dw = db = 0.0
    delta = err                                        # dL/dx_T
    for t in range(T, 0, -1):                          # x_t = w s(x_{t-1}) + b
        s = 1 / (1 + math.exp(-xs[t - 1]))
        dw += delta * s
        db += delta
        delta *= w * s * (1 - s)                       # dL/dx_{t-1}
    return 0.5 * err * err, dw, db


# -- the one-unit model -----------------------------------------------------------------
def test_one_unit_model_is_the_pre_activation_of_an_elman_unit():
    w, b, x0, T = 5.0, -2.4, 0.5, 20
    X = [float(cl.one_unit_loss(w, b, x0=x0, T=t).x_T) for t in range(1, T + 1)]
    sigmoid, _ = hidden_activation("sigmoid")
    p = rl.Params(np.array([[w]]), np.zeros((1, 1)), np.ones((1, 1)), np.array([b]), np.zeros(1))
    tr = rl.forward(p, np.zeros((T, 1)), x_init=sigmoid(np.array([x0])), activation="sigmoid")
    assert np.allclose(tr.A[:, 0], X)                         # a_t of the unit is x_{t+1} here


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_one_unit_gradient_matches_finite_differences(activation):
    ws = np.array([0.7, 2.0, 4.5, 6.0, 1.3, 3.1, 5.2, 7.7, 2.2, 0.3])
    bs = np.array([0.1, -0.5, -2.0, -3.5, 0.4, -1.2, -2.9, -4.4, -0.9, 0.8])
    if activation == "tanh":
        ws, bs = ws / 4, bs / 5
    r = cl.one_unit_loss(ws, bs, activation=activation, T=30)   # all pairs at once
    eps = 1e-6
    for i, (w, b) in enumerate(zip(ws, bs)):
        s = cl.one_unit_loss(w, b, activation=activation, T=30)  # one pair
        assert np.allclose([s.loss, s.dw, s.db, s.x_T], [r.loss[i], r.dw[i], r.db[i], r.x_T[i]],
                           rtol=1e-12, atol=1e-14)

        def L(w_, b_):
            return float(cl.one_unit_loss(w_, b_, activation=activation, T=30).loss)
        fd_w = (L(w + eps, b) - L(w - eps, b)) / (2 * eps)
        fd_b = (L(w, b + eps) - L(w, b - eps)) / (2 * eps)
        assert rl.relative_error([s.dw, s.db], [fd_w, fd_b]) < 1e-5


def test_one_unit_loss_matches_backpropagation_in_plain_floats():
    for w, b in [(5.5, -3.0), (6.0, -3.2348), (2.0, 0.0), (8.5, -4.9)]:
        r = cl.one_unit_loss(w, b)
        L, dw, db = _plain_one_unit(w, b)
        assert rl.relative_error([float(r.loss), float(r.dw), float(r.db)], [L, dw, db]) < 1e-9
        assert np.allclose(cl.one_unit_gradient([w, b]), [dw, db], rtol=1e-9)


def test_one_unit_loss_keeps_the_shape_of_its_arguments():
    W, B = np.meshgrid(np.linspace(1, 6, 5), np.linspace(-3, 0, 4))
    r = cl.one_unit_loss(W, B)
    assert all(a.shape == (4, 5) for a in r)
    assert r.x_T[2, 3] == cl.one_unit_loss(W[2, 3], B[2, 3]).x_T    # each pair on its own
    assert np.allclose(r.loss, 0.5 * (r.x_T - 0.7) ** 2)
    assert np.allclose(cl.one_unit_gradient(np.stack([W, B], axis=-1)),
                       np.stack([r.dw, r.db], axis=-1))


def test_one_unit_wall_is_where_the_final_state_jumps():
    b_wall = cl.one_unit_wall(6.0, -4.0, -1.0)
    lo, hi = cl.one_unit_loss(6.0, -4.0).x_T, cl.one_unit_loss(6.0, -1.0).x_T
    level = 0.5 * (lo + hi)
    below, above = cl.one_unit_loss(6.0, b_wall + np.array([-1e-3, 1e-3])).x_T
    assert below < level < above
    # the gradient explodes near the wall, not far from it
    near = abs(float(cl.one_unit_loss(6.0, b_wall + 1e-9).db))
    far = abs(float(cl.one_unit_loss(6.0, -1.0).db))
    assert near > 1e4 * far
    with pytest.raises(ValueError, match="does not cross"):
        cl.one_unit_wall(6.0, -1.0, 0.0, level=-10.0)


# -- clipping and descent ---------------------------------------------------------------
def test_norm_clipping_keeps_direction_and_value_clipping_turns_it():
    g = np.array([10.0, 0.5])
    by_norm, norm = rl.clip_by_global_norm(g, 1.0)            # one vector: the same rules
    by_value = rl.clip_elementwise(g, 1.0)
    assert norm == pytest.approx(np.hypot(10.0, 0.5))
    assert np.linalg.norm(by_norm) == pytest.approx(1.0)
    assert cl.angle_degrees(by_norm, g) == pytest.approx(0.0, abs=1e-6)
    assert np.array_equal(by_value, [1.0, 0.5])
    expected = np.degrees(np.arctan(0.5) - np.arctan(0.05))
    assert cl.angle_degrees(by_value, g) == pytest.approx(expected)
    assert np.array_equal(rl.clip_by_global_norm(g, 100.0)[0], g)   # short enough: unchanged
    # the same as clipping the five parameter gradients of an RNN holding these entries
    P = rl.Params(np.array([[10.0]]), np.array([[0.5]]), np.zeros((1, 1)), np.zeros(1),
                  np.zeros(1))
    flat = np.concatenate([q.ravel() for q in rl.clip_by_global_norm(P, 1.0)[0]])
    assert np.allclose(flat[:2], by_norm)
    flat = np.concatenate([q.ravel() for q in rl.clip_elementwise(P, 1.0)])
    assert np.allclose(flat[:2], by_value)


def test_descend_on_a_quadratic_matches_the_closed_form():
    theta0 = np.array([3.0, -4.0])
    path = cl.descend(lambda th: th, theta0, lr=0.1, steps=10)   # L = |theta|^2 / 2
    assert np.allclose(path.theta, 0.9 ** np.arange(11)[:, None] * theta0)
    assert np.allclose(path.grad_norm, 5.0 * 0.9 ** np.arange(10))
    clipped = cl.descend(lambda th: th, theta0, lr=0.1, steps=10, clip=1.0)
    steps = np.linalg.norm(np.diff(clipped.theta, axis=0), axis=1)
    assert np.all(steps <= 0.1 + 1e-12)
    # several paths at once, one threshold (and one learning rate) each
    both = cl.descend(lambda th: th, np.stack([theta0, theta0]), lr=0.1, steps=10,
                      clip=[None, 1.0])
    assert np.allclose(both.theta[:, 0], path.theta)
    assert np.allclose(both.theta[:, 1], clipped.theta)
    rates = cl.descend(lambda th: th, np.stack([theta0, theta0]), lr=[0.1, 0.5], steps=3)
    assert np.allclose(rates.theta[:, 1], 0.5 ** np.arange(4)[:, None] * theta0)


def test_descend_stops_on_a_non_finite_gradient():
    path = cl.descend(lambda th: np.where(th < 0, np.inf, 1.0), np.array([0.5]), lr=1.0,
                      steps=5)
    assert path.stopped == "the gradient is not finite"
    assert np.allclose(path.theta[:, 0], [0.5, -0.5])
    assert len(path.theta) == len(path.grad_norm) + 1


def test_descent_on_the_cliff_against_a_plain_float_loop():
    """The cliff figure's paths: descend with the one-unit gradient, several paths at
    once, against gradient descent written out in floats with the plain gradient."""
    start, steps = (5.5, -3.0), 40
    settings = [(0.03, None), (0.03, 3.0), (0.045, None), (0.02, 0.3)]
    run = cl.descend(cl.one_unit_gradient, np.tile(start, (len(settings), 1)),
                     lr=[lr for lr, _ in settings], clip=[c for _, c in settings], steps=steps)
    assert run.theta.shape == (steps + 1, len(settings), 2) and run.stopped == ""
    for j, (lr, c) in enumerate(settings):
        w, b = start
        for n in range(steps):
            _, gw, gb = _plain_one_unit(w, b)
            norm = math.hypot(gw, gb)
            assert run.grad_norm[n, j] == pytest.approx(norm, rel=1e-8)
            if c is not None and norm > c:
                gw, gb = gw * c / norm, gb * c / norm
            w, b = w - lr * gw, b - lr * gb
        assert np.allclose(run.theta[-1, j], [w, b], rtol=1e-7), (lr, c)
    value = cl.descend(cl.one_unit_gradient, start, lr=0.03, steps=40, clip=0.5, kind="value")
    assert np.all(np.abs(np.diff(value.theta, axis=0)) <= 0.03 * 0.5 + 1e-12)


# -- bad input ----------------------------------------------------------------------------
def test_bad_arguments_give_clear_errors():
    with pytest.raises(ValueError, match="unknown clipping kind 'scale'"):
        cl.descend(lambda th: th, np.ones(2), lr=0.1, steps=1, clip=1.0, kind="scale")
    with pytest.raises(ValueError, match="clip must be a finite number > 0"):
        cl.descend(lambda th: th, np.ones(2), lr=0.1, steps=1, clip=0.0)
    with pytest.raises(ValueError, match="max_norm must be a finite number > 0"):
        rl.clip_by_global_norm(np.ones(2), 0.0)
    with pytest.raises(ValueError, match="one threshold per path"):
        cl.descend(lambda th: th, np.ones((2, 2)), lr=0.1, steps=1, clip=[1.0])
    with pytest.raises(ValueError, match="one learning rate per path"):
        cl.descend(lambda th: th, np.ones((2, 2)), lr=[0.1, 0.2, 0.3], steps=1)
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        cl.descend(lambda th: th, np.ones(2), lr=0.0, steps=1)
    with pytest.raises(ValueError, match=r"grad returned shape \(3,\)"):
        cl.descend(lambda th: np.ones(3), np.ones(2), lr=0.1, steps=1)
    with pytest.raises(ValueError, match="zero vector"):
        cl.angle_degrees([0.0, 0.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        cl.one_unit_loss(1.0, 0.0, activation="softplus")
