"""The leaky unit: BPTT against central finite differences, alpha = 1 against the Elman
RNN, its step Jacobians against finite differences, padding, bad input, training."""
import numpy as np
import pytest

import rnn_lib as rl
from conftest import make_problem
from gradcheck import TOL, check_all_gradients
from rnn_lib import leaky
from rnn_lib.train import train


@pytest.mark.parametrize("alpha", [0.1, 0.5, 1.0])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("B", [None, 3])
def test_mse_gradients_match_finite_differences(rng, alpha, activation, B):
    p, U, x_init = make_problem(rng, B=B)
    target = rng.standard_normal(U.shape[:-1] + (2,))

    def loss(params, x0=x_init):
        return leaky.loss_and_gradients(params, U, target, alpha=alpha, x_init=x0,
                                        activation=activation)[0]

    _, grads, _ = leaky.loss_and_gradients(p, U, target, alpha=alpha, x_init=x_init,
                                           activation=activation)
    check_all_gradients(loss, p, x_init, grads)


@pytest.mark.parametrize("B", [None, 4])
def test_cross_entropy_gradients_match_finite_differences(rng, B):
    p, U, x_init = make_problem(rng, B=B, n_y=5)
    p = p._replace(W_yx=rng.standard_normal((5, 4)), b_y=0.3 * rng.standard_normal(5))
    targets = rng.integers(0, 5, size=U.shape[:-1])

    def loss(params, x0=x_init):
        return leaky.loss_and_gradients(params, U, targets, alpha=0.3, loss="cross_entropy",
                                        x_init=x0)[0]

    _, grads, tr = leaky.loss_and_gradients(p, U, targets, alpha=0.3, loss="cross_entropy",
                                            x_init=x_init)
    check_all_gradients(loss, p, x_init, grads)
    assert np.allclose(tr.Y.sum(axis=-1), 1.0)


@pytest.mark.parametrize("loss_name", ["mse", "cross_entropy"])
@pytest.mark.parametrize("last_only", [False, True])
def test_padded_batch_gradients_match_finite_differences(rng, loss_name, last_only):
    """Loss on every real step, or only at the last step T - 1: many-to-one, where the
    held state of a short sequence carries the gradient back through its padding."""
    p, U, x_init = make_problem(rng, T=7, B=4, n_y=3)
    p = p._replace(W_yx=rng.standard_normal((3, 4)), b_y=0.3 * rng.standard_normal(3))
    lengths = np.array([7, 3, 5, 1])
    mask = np.eye(7)[-1][:, None] * np.ones(4) if last_only else None
    if loss_name == "mse":
        target = rng.standard_normal((7, 4, 3))
    else:
        target = rng.integers(0, 3, size=(7, 4))

    def loss(params, x0=x_init):
        return leaky.loss_and_gradients(params, U, target, alpha=0.4, loss=loss_name,
                                        mask=mask, x_init=x0, lengths=lengths)[0]

    _, grads, _ = leaky.loss_and_gradients(p, U, target, alpha=0.4, loss=loss_name,
                                           mask=mask, x_init=x_init, lengths=lengths)
    check_all_gradients(loss, p, x_init, grads)


def test_per_step_state_gradients_are_total_derivatives(rng):
    """dX[t] = dL/dx_t: restart the run at step t + 1 from x_t + e."""
    p, U, x_init = make_problem(rng, T=6)
    target = rng.standard_normal((6, 2))
    tr = leaky.forward(p, U, x_init, alpha=0.3)
    grads = leaky.backward(p, tr, rl.mse(tr.Y, target)[1])
    for t in [0, 2, 4]:
        def rest(x_t, t=t):
            head = 0.5 * np.sum((tr.Y[:t] - target[:t]) ** 2)
            y_t = x_t @ p.W_yx.T + p.b_y
            tail = leaky.forward(p, U[t + 1:], x_t, alpha=0.3)
            return (head + 0.5 * np.sum((y_t - target[t]) ** 2)
                    + 0.5 * np.sum((tail.Y - target[t + 1:]) ** 2))
        num = rl.numerical_gradient(rest, tr.X[t])
        assert rl.relative_error(grads.dX[t], num) < TOL


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu", "identity"])
@pytest.mark.parametrize("B", [None, 3])
def test_alpha_one_is_the_elman_rnn(rng, activation, B):
    p, U, x_init = make_problem(rng, B=B, n_y=3)
    lengths = None if B is None else np.array([6, 2, 4])
    tr = leaky.forward(p, U, x_init, alpha=1.0, lengths=lengths, activation=activation,
                       output_activation="softmax")
    ref = rl.forward(p, U, x_init, lengths=lengths, activation=activation,
                     output_activation="softmax")
    np.testing.assert_allclose(tr.X, ref.X, rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(tr.Y, ref.Y, rtol=1e-13, atol=1e-14)
    dY = rng.standard_normal(tr.Y.shape)
    g, ref_g = leaky.backward(p, tr, dY), rl.backward(p, ref, dY)
    for name, a, b in zip(rl.Params._fields, g.params, ref_g.params):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-13, err_msg=name)
    np.testing.assert_allclose(g.x_init, ref_g.x_init, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(g.dX, ref_g.dX, rtol=1e-12, atol=1e-13)


def test_closed_form_decay_of_an_impulse():
    """W_xx = 0, sigma = identity: an impulse at t = 0 decays as alpha (1 - alpha)^t."""
    alpha, T = 0.2, 12
    p = rl.Params(np.zeros((1, 1)), np.ones((1, 1)), np.ones((1, 1)), np.zeros(1), np.zeros(1))
    U = np.zeros((T, 1))
    U[0] = 1.0
    X = leaky.forward(p, U, alpha=alpha, activation="identity").X[:, 0]
    np.testing.assert_allclose(X, alpha * (1 - alpha) ** np.arange(T), rtol=1e-14)


def numerical_jacobian(step, x0):
    """d step(x) / dx at x0 by central differences, row i = d step_i / dx."""
    return np.stack([rl.numerical_gradient(lambda x, i=i: step(x)[i], x0)
                     for i in range(x0.size)])


@pytest.mark.parametrize("B", [None, 3])
def test_step_jacobians_match_finite_differences(rng, B):
    p, U, x_init = make_problem(rng, T=5, B=B, radius=1.5)
    lengths = None if B is None else np.array([5, 2, 4])
    tr = leaky.forward(p, U, x_init, alpha=0.35, lengths=lengths)
    J = leaky.step_jacobians(p, tr)
    assert J.shape == tr.X.shape + (4,)
    X_prev = np.concatenate([x_init[None], tr.X[:-1]])
    for t in range(5):
        for idx in ([()] if B is None else [(b,) for b in range(B)]):
            if lengths is not None and t >= lengths[idx[0]]:
                assert np.array_equal(J[(t,) + idx], np.eye(4))   # padding holds the state
                continue
            u = U[(slice(t, t + 1),) + idx]                         # (1, n_u): one step

            def step(x, u=u):
                return leaky.forward(p, u, x, alpha=0.35).X[0]
            num = numerical_jacobian(step, X_prev[(t,) + idx])
            assert rl.relative_error(J[(t,) + idx], num) < TOL


def test_jacobian_keeps_a_share_one_minus_alpha():
    """With W_xx = 0 nothing but the leak carries the state: J_t = (1 - alpha) I."""
    p = rl.Params(np.zeros((3, 3)), np.ones((3, 1)), np.ones((1, 3)), np.zeros(3), np.zeros(1))
    tr = leaky.forward(p, np.ones((4, 1)), alpha=0.25)
    assert np.array_equal(leaky.step_jacobians(p, tr), np.broadcast_to(0.75 * np.eye(3),
                                                                      (4, 3, 3)))


def test_padding_holds_the_state_and_matches_the_unpadded_runs(rng):
    p, U, x_init = make_problem(rng, T=6, B=3)
    lengths = np.array([6, 2, 4])
    tr = leaky.forward(p, U, x_init, alpha=0.5, lengths=lengths)
    for b, n in enumerate(lengths):
        alone = leaky.forward(p, U[:n, b], x_init[b], alpha=0.5)
        np.testing.assert_allclose(tr.X[:n, b], alone.X, rtol=1e-14)
        assert np.array_equal(tr.X[n:, b], np.broadcast_to(tr.X[n - 1, b], (6 - n, 4)))


@pytest.mark.parametrize("alpha", [0, -0.1, 1.5, True, "0.5", np.nan])
def test_bad_alpha_is_named(rng, alpha):
    p, U, _ = make_problem(rng)
    with pytest.raises(ValueError, match="alpha"):
        leaky.forward(p, U, alpha=alpha)


def test_bad_inputs_give_clear_errors(rng):
    p, U, _ = make_problem(rng, B=2)
    with pytest.raises(ValueError, match="W_xu has 3 input columns"):
        leaky.forward(p, U[..., :2], alpha=0.5)
    with pytest.raises(ValueError, match="lengths needs a batch"):
        leaky.forward(p, U[:, 0], alpha=0.5, lengths=np.array([3]))
    with pytest.raises(ValueError, match="one length per sequence"):
        leaky.forward(p, U, alpha=0.5, lengths=np.array([3, 2, 1]))
    with pytest.raises(ValueError, match="activation"):
        leaky.forward(p, U, alpha=0.5, activation="softplus")
    tr = leaky.forward(p, U, alpha=0.5)
    with pytest.raises(ValueError, match="exactly one of dY"):
        leaky.backward(p, tr)
    with pytest.raises(ValueError, match="dY must have the shape"):
        leaky.backward(p, tr, np.zeros((2, 2)))
    with pytest.raises(TypeError, match="leaky.Trace"):
        leaky.backward(p, rl.forward(p, U), np.zeros(tr.Y.shape))
    with pytest.raises(ValueError, match="unknown loss"):
        leaky.loss_and_gradients(p, U, np.zeros(tr.Y.shape), alpha=0.5, loss="hinge")


def test_train_runs_on_the_leaky_unit(rng):
    """rnn_lib.train takes the leaky unit through its ``objective`` hook."""
    p, U, _ = make_problem(rng, T=10, B=8, n_u=3, n_y=1)
    target = np.cumsum(U[..., :1], axis=0) / 4               # a running sum: needs memory

    def objective(params, batch):
        L, grads, _ = leaky.loss_and_gradients(params, *batch, alpha=0.3)
        return L, grads.params

    p1, history = train(p, (U, target), steps=30, objective=objective, lr=0.02)
    assert isinstance(p1, rl.Params)
    assert history["loss"][-1] < 0.5 * history["loss"][0]


def test_gradient_flow_at_alpha_one_is_chapter_4s(rng):
    """alpha = 1: the Elman RNN, so chapter 4's gradient_flow gives the same curves."""
    from rnn_lib import gradient_flow as gf
    params, U = gf.flow_problem(1.3, 0.5, np.random.default_rng(0), T=30)
    f = leaky.gradient_flow(params, U, alpha=1.0)
    ref = gf.gradient_flow(params, U)
    for name in ("grad_norm", "product_bound", "power_bound", "jac_norms"):
        np.testing.assert_allclose(getattr(f, name), getattr(ref, name), rtol=1e-12, err_msg=name)
    assert (f.rho, f.sigma_max, f.gamma) == (ref.rho, ref.sigma_max, ref.gamma)


@pytest.mark.parametrize("alpha", [0.05, 0.3])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
def test_gradient_flow_stays_within_both_bounds_and_matches_bptt(alpha, activation):
    """measured <= prod ||J_j|| <= ((1 - alpha) + alpha gamma sigma_max)^(t-k), and the
    measured norms are BPTT's delta_k for a loss l = w . x_{T-1} (w: W_yx's first row)."""
    from rnn_lib import gradient_flow as gf
    params, U = gf.flow_problem(2.0, 1.0, np.random.default_rng(1), T=40)
    f = leaky.gradient_flow(params, U, alpha=alpha, activation=activation)
    assert np.all(f.grad_norm <= f.product_bound * (1 + 1e-12))
    assert np.all(f.product_bound <= f.power_bound * (1 + 1e-12))
    tr = leaky.forward(params, U, alpha=alpha, activation=activation)
    dY = np.zeros_like(tr.Y)
    dY[-1] = 1.0 / np.linalg.norm(params.W_yx[0])        # d l / d y_{T-1}
    delta = leaky.backward(params, tr, dY).dX
    np.testing.assert_allclose(f.grad_norm, np.linalg.norm(delta, axis=-1)[::-1], rtol=1e-10)
    with pytest.raises(ValueError, match="one sequence"):
        leaky.gradient_flow(params, U[:, None], alpha=alpha)
