"""Gradient flow through time, against independent computations.

Jacobians against finite differences of one step; products of Jacobians against the
library's BPTT (a different code path); the bounds on random cases; the one-unit
model against rnn_lib.forward and finite differences; clipping and descent against
closed forms.
"""
import numpy as np
import pytest

import rnn_lib as rl
from conftest import make_problem
from rnn_lib import gradient_flow as gf
from rnn_lib.activations import hidden_activation

ACTIVATIONS = ["tanh", "sigmoid", "relu", "identity"]


def _one_step(p, u, activation):
    sigma, _ = hidden_activation(activation)
    return lambda x: sigma(p.W_xx @ x + p.W_xu @ u + p.b_x)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_step_jacobians_match_finite_differences_of_one_step(rng, activation):
    p, U, x_init = make_problem(rng, T=5)
    if activation == "relu":
        p = p._replace(b_x=p.b_x + 0.05)
    tr = rl.forward(p, U, x_init, activation=activation)
    J = gf.step_jacobians(p.W_xx, tr)
    assert J.shape == (5, 4, 4)
    X_prev = np.concatenate([x_init[None], tr.X[:-1]])
    eps = 1e-6
    for t in range(5):
        if activation == "relu":
            assert np.min(np.abs(tr.A[t])) > 1e-4
        step = _one_step(p, U[t], activation)
        assert np.allclose(step(X_prev[t]), tr.X[t])
        fd = np.column_stack([(step(X_prev[t] + eps * e) - step(X_prev[t] - eps * e)) / (2 * eps)
                              for e in np.eye(4)])
        assert rl.relative_error(J[t], fd) < 1e-7


def test_step_jacobians_of_a_batch_are_those_of_each_sequence(rng):
    p, U, x_init = make_problem(rng, T=4, B=3)
    J = gf.step_jacobians(p.W_xx, rl.forward(p, U, x_init))
    assert J.shape == (4, 3, 4, 4)
    for b in range(3):
        Jb = gf.step_jacobians(p.W_xx, rl.forward(p, U[:, b], x_init[b]))
        assert np.allclose(J[:, b], Jb)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "identity"])
def test_products_applied_to_the_last_gradient_equal_bptt_for_a_last_step_loss(rng, activation):
    T = 7
    p, U, x_init = make_problem(rng, T=T)
    target = rng.standard_normal((T, 2))
    mask = np.zeros(T)
    mask[-1] = 1.0
    _, grads, tr = rl.loss_and_gradients(p, U, target, mask=mask, x_init=x_init,
                                         activation=activation)
    J = gf.step_jacobians(p.W_xx, tr)
    P = gf.jacobian_products(J)
    delta_T = grads.dX[-1]
    via_products = np.einsum("kij,i->kj", P, delta_T)      # P[k]^T delta_T
    assert np.allclose(via_products, grads.dX, rtol=1e-10, atol=1e-14)
    via_recursion = gf.backpropagate(J, delta_T)
    assert np.allclose(via_recursion, grads.dX, rtol=1e-10, atol=1e-14)
    # one step further, to x_init: J_0^T delta_0
    assert np.allclose(J[0].T @ grads.dX[0], grads.x_init)


def test_products_are_matrix_powers_in_the_linear_case(rng):
    p, U, x_init = make_problem(rng, T=6)
    J = gf.step_jacobians(p.W_xx, rl.forward(p, U, x_init, activation="identity"))
    P = gf.jacobian_products(J, t=4)
    assert P.shape == (5, 4, 4)
    for k in range(5):
        assert np.allclose(P[k], np.linalg.matrix_power(p.W_xx, 4 - k))


def test_products_against_an_explicit_chain_and_finite_differences(rng):
    p, U, x_init = make_problem(rng, T=5)
    tr = rl.forward(p, U, x_init)
    J = gf.step_jacobians(p.W_xx, tr)
    P = gf.jacobian_products(J)
    assert np.allclose(P[1], J[4] @ J[3] @ J[2])
    # d x_4 / d x_1 by perturbing x_1 and running the remaining steps
    def run_from(x1):
        x = x1
        for t in range(2, 5):
            x = _one_step(p, U[t], "tanh")(x)
        return x
    eps = 1e-6
    fd = np.column_stack([(run_from(tr.X[1] + eps * e) - run_from(tr.X[1] - eps * e)) / (2 * eps)
                          for e in np.eye(4)])
    assert rl.relative_error(P[1], fd) < 1e-7


@pytest.mark.parametrize("seed", range(12))
def test_bounds_hold_on_random_cases(seed):
    rng = np.random.default_rng(seed)
    activation = ["tanh", "sigmoid", "identity"][seed % 3]
    n_x = int(rng.integers(2, 10))
    radius = float(rng.uniform(0.3, 2.5))
    p = rl.init_params(n_x, 2, 1, rng, spectral_radius=radius, input_scale=rng.uniform(0, 2))
    U = rng.standard_normal((30, 2))
    f = gf.gradient_flow(p, U, activation=activation)
    assert f.grad_norm[0] == pytest.approx(1.0)
    tol = 1 + 1e-9
    assert np.all(f.grad_norm <= f.product_bound * tol)
    assert np.all(f.product_bound <= f.power_bound * tol)
    assert np.all(f.jac_norms <= f.gamma * f.sigma_max * tol)
    assert f.rho == pytest.approx(rl.spectral_radius(p.W_xx))
    assert f.sigma_max == pytest.approx(np.linalg.svd(p.W_xx, compute_uv=False)[0])


def test_gradient_flow_is_the_normalised_bptt_gradient(rng):
    T = 12
    p = rl.init_params(5, 2, 1, rng, spectral_radius=1.2)
    U = rng.standard_normal((T, 2))
    mask = np.zeros(T)
    mask[-1] = 1.0
    _, grads, _ = rl.loss_and_gradients(p, U, rng.standard_normal((T, 1)), mask=mask)
    norms = np.linalg.norm(grads.dX, axis=-1)
    f = gf.gradient_flow(p, U)
    assert np.allclose(f.grad_norm, (norms / norms[-1])[::-1])
    assert np.array_equal(f.steps_back, np.arange(T))


def test_product_and_power_bounds_by_hand():
    n = np.array([2.0, 3.0, 0.5, 4.0])
    assert np.allclose(gf.product_bound(n), [6.0, 2.0, 4.0, 1.0])     # n1 n2 n3, n2 n3, n3, 1
    assert np.allclose(gf.product_bound(n, t=2), [1.5, 0.5, 1.0])
    assert np.allclose(gf.power_bound(0.5, [0, 1, 3]), [1, 0.5, 0.125])


def test_power_norms_of_a_non_normal_matrix_grow_before_they_decay():
    lam, c = 0.9, 2.0
    W = np.array([[lam, c], [0.0, lam]])
    p = gf.power_norms(W, 60)
    closed = [np.linalg.norm(np.array([[lam ** k, c * k * lam ** (k - 1) if k else 0.0],
                                       [0.0, lam ** k]]), 2) for k in range(61)]
    assert np.allclose(p, closed)
    assert rl.spectral_radius(W) < 1 < p.max()                # growth despite rho < 1
    assert p[-1] < 1 and p[10] > p[1]
    assert np.all(p <= gf.power_bound(gf.largest_singular_value(W), np.arange(61)) * (1 + 1e-12))
    # a normal matrix with the same eigenvalues only decays
    assert np.allclose(gf.power_norms(lam * np.eye(2), 5), lam ** np.arange(6))


def test_spectral_norms_of_stacks_and_non_finite_matrices(rng):
    M = rng.standard_normal((3, 4, 4))
    assert np.allclose(gf.spectral_norms(M), [np.linalg.svd(m, compute_uv=False)[0] for m in M])
    M[1, 0, 0] = np.inf
    out = gf.spectral_norms(M)
    assert np.isinf(out[1]) and np.isfinite(out[[0, 2]]).all()
    assert isinstance(gf.spectral_norms(M[0]), float)


# -- the one-unit model -----------------------------------------------------------------
def test_one_unit_model_is_the_pre_activation_of_an_elman_unit():
    w, b, x0, T = 5.0, -2.4, 0.5, 20
    X = gf.one_unit_run(w, b, x0=x0, T=T)
    sigmoid, _ = hidden_activation("sigmoid")
    p = rl.Params(np.array([[w]]), np.zeros((1, 1)), np.ones((1, 1)), np.array([b]), np.zeros(1))
    tr = rl.forward(p, np.zeros((T, 1)), x_init=sigmoid(np.array([x0])), activation="sigmoid")
    assert np.allclose(tr.A[:, 0], X[1:])                     # a_t of the unit is x_{t+1} here
    assert X[0] == x0


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_one_unit_gradient_matches_finite_differences(activation):
    ws = np.array([0.7, 2.0, 4.5, 6.0, 1.3, 3.1, 5.2, 7.7, 2.2, 0.3])
    bs = np.array([0.1, -0.5, -2.0, -3.5, 0.4, -1.2, -2.9, -4.4, -0.9, 0.8])
    if activation == "tanh":
        ws, bs = ws / 4, bs / 5
    r = gf.one_unit_loss(ws, bs, activation=activation, T=30)   # vectorised path
    eps = 1e-6
    for i, (w, b) in enumerate(zip(ws, bs)):
        s = gf.one_unit_loss(w, b, activation=activation, T=30)  # scalar path
        assert np.allclose([s.loss, s.dw, s.db, s.x_T], [r.loss[i], r.dw[i], r.db[i], r.x_T[i]],
                           rtol=1e-12, atol=1e-14)

        def L(w_, b_):
            return float(gf.one_unit_loss(w_, b_, activation=activation, T=30).loss)
        fd_w = (L(w + eps, b) - L(w - eps, b)) / (2 * eps)
        fd_b = (L(w, b + eps) - L(w, b - eps)) / (2 * eps)
        assert rl.relative_error([s.dw, s.db], [fd_w, fd_b]) < 1e-5


def test_one_unit_loss_keeps_the_shape_of_its_arguments():
    W, B = np.meshgrid(np.linspace(1, 6, 5), np.linspace(-3, 0, 4))
    r = gf.one_unit_loss(W, B)
    assert all(a.shape == (4, 5) for a in r)
    assert np.allclose(r.x_T, gf.one_unit_run(W, B)[-1])
    assert np.allclose(r.loss, 0.5 * (r.x_T - 0.7) ** 2)
    assert gf.one_unit_run(2.0, 0.0, T=3).shape == (4,)


def test_one_unit_wall_is_where_the_final_state_jumps():
    b_wall = gf.one_unit_wall(6.0, -4.0, -1.0)
    lo, hi = gf.one_unit_loss(6.0, -4.0).x_T, gf.one_unit_loss(6.0, -1.0).x_T
    level = 0.5 * (lo + hi)
    below, above = gf.one_unit_loss(6.0, b_wall + np.array([-1e-3, 1e-3])).x_T
    assert below < level < above
    # the gradient explodes near the wall, not far from it
    near = abs(float(gf.one_unit_loss(6.0, b_wall + 1e-9).db))
    far = abs(float(gf.one_unit_loss(6.0, -1.0).db))
    assert near > 1e4 * far
    with pytest.raises(ValueError, match="does not cross"):
        gf.one_unit_wall(6.0, -1.0, 0.0, level=-10.0)


# -- clipping and descent ---------------------------------------------------------------
def test_norm_clipping_keeps_direction_and_value_clipping_turns_it():
    g = np.array([10.0, 0.5])
    by_norm = gf.clip_vector(g, 1.0, "norm")
    by_value = gf.clip_vector(g, 1.0, "value")
    assert np.linalg.norm(by_norm) == pytest.approx(1.0)
    assert gf.angle_degrees(by_norm, g) == pytest.approx(0.0, abs=1e-6)
    assert np.array_equal(by_value, [1.0, 0.5])
    expected = np.degrees(np.arctan(0.5) - np.arctan(0.05))
    assert gf.angle_degrees(by_value, g) == pytest.approx(expected)
    assert np.array_equal(gf.clip_vector(g, 100.0), g)         # short enough: unchanged
    # the same rules as the library's clipping of the five parameter gradients
    P = rl.Params(np.array([[10.0]]), np.array([[0.5]]), np.zeros((1, 1)), np.zeros(1),
                  np.zeros(1))
    flat = gf.flat_gradient(rl.clip_by_global_norm(P, 1.0)[0])
    assert np.allclose(flat[:2], by_norm)
    assert np.allclose(gf.flat_gradient(rl.clip_elementwise(P, 1.0))[:2], by_value)


def test_descend_on_a_quadratic_matches_the_closed_form():
    theta0 = np.array([3.0, -4.0])
    path = gf.descend(lambda th: th, theta0, lr=0.1, steps=10)   # L = |theta|^2 / 2
    assert np.allclose(path.theta, 0.9 ** np.arange(11)[:, None] * theta0)
    assert np.allclose(path.grad_norm, 5.0 * 0.9 ** np.arange(10))
    clipped = gf.descend(lambda th: th, theta0, lr=0.1, steps=10, clip=1.0)
    steps = np.linalg.norm(np.diff(clipped.theta, axis=0), axis=1)
    assert np.all(steps <= 0.1 + 1e-12)
    # several paths at once, one threshold each
    both = gf.descend(lambda th: th, np.stack([theta0, theta0]), lr=0.1, steps=10,
                      clip=[None, 1.0])
    assert np.allclose(both.theta[:, 0], path.theta)
    assert np.allclose(both.theta[:, 1], clipped.theta)


def test_descend_stops_on_a_non_finite_gradient():
    path = gf.descend(lambda th: np.where(th < 0, np.inf, 1.0), np.array([0.5]), lr=1.0,
                      steps=5)
    assert path.stopped == "the gradient is not finite"
    assert np.allclose(path.theta[:, 0], [0.5, -0.5])
    assert len(path.theta) == len(path.grad_norm) + 1


def test_one_unit_descent_equals_descend_with_the_one_unit_gradient():
    def grad(th):
        r = gf.one_unit_loss(th[0], th[1])
        return np.array([float(r.dw), float(r.db)])
    for clip in (None, 3.0):
        a = gf.descend(grad, np.array([5.5, -3.0]), lr=0.03, steps=15, clip=clip)
        b = gf.one_unit_descent(5.5, -3.0, lr=0.03, steps=15, clip=clip)
        assert np.allclose(a.theta, b.theta, rtol=1e-9, atol=1e-12)
        assert np.allclose(a.grad_norm, b.grad_norm, rtol=1e-9)
        assert np.allclose(b.loss, gf.one_unit_loss(b.theta[:, 0], b.theta[:, 1]).loss)
    c = gf.one_unit_descent(5.5, -3.0, lr=0.03, steps=40, clip=0.5, kind="value")
    assert np.all(np.abs(np.diff(c.theta, axis=0)) <= 0.03 * 0.5 + 1e-12)


def test_truncation_errors_vanish_for_a_full_window(rng):
    p, U, _ = make_problem(rng, T=8)
    target = rng.standard_normal((8, 2))
    e = gf.truncation_errors(p, U, target, [0, 2, 8, 20])
    assert e[2] < 1e-12 and e[3] < 1e-12
    assert e[0] > e[1] > 0


# -- bad input ----------------------------------------------------------------------------
def test_bad_arguments_give_clear_errors(rng):
    p, U, x_init = make_problem(rng, T=4)
    tr = rl.forward(p, U, x_init)
    with pytest.raises(ValueError, match=r"W_xx must have shape \(4, 4\)"):
        gf.step_jacobians(np.eye(3), tr)
    with pytest.raises(TypeError, match="trace must be the Trace"):
        gf.step_jacobians(p.W_xx, tr.X)
    J = gf.step_jacobians(p.W_xx, tr)
    with pytest.raises(ValueError, match="t must be < T = 4"):
        gf.jacobian_products(J, t=4)
    with pytest.raises(ValueError, match=r"delta_t must have shape \(4,\)"):
        gf.backpropagate(J, np.ones(3))
    with pytest.raises(ValueError, match="unknown clipping kind 'scale'"):
        gf.clip_vector(np.ones(2), 1.0, "scale")
    with pytest.raises(ValueError, match="threshold must be a finite number > 0"):
        gf.clip_vector(np.ones(2), 0.0)
    with pytest.raises(ValueError, match="one threshold per path"):
        gf.descend(lambda th: th, np.ones((2, 2)), lr=0.1, steps=1, clip=[1.0])
    with pytest.raises(ValueError, match="zero vector"):
        gf.angle_degrees([0.0, 0.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        gf.one_unit_loss(1.0, 0.0, activation="softplus")
    with pytest.raises(ValueError, match="W must be square"):
        gf.power_norms(np.ones((2, 3)), 3)
