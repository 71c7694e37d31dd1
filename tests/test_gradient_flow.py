"""Gradient flow through time, against independent computations.

Jacobians against finite differences of one step; products of Jacobians against the
library's BPTT (a different code path); the bounds on random cases and by hand;
truncation errors at the full window.
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


def test_truncation_errors_vanish_for_a_full_window(rng):
    p, U, _ = make_problem(rng, T=8)
    target = rng.standard_normal((8, 2))
    e = gf.truncation_errors(p, U, target, [0, 2, 8, 20])
    assert e[2] < 1e-12 and e[3] < 1e-12
    assert e[0] > e[1] > 0


def test_truncation_problem_has_the_radius_asked_for():
    params, U, target = gf.truncation_problem(0.7, np.random.default_rng(3), T=12)
    assert rl.spectral_radius(params.W_xx) == pytest.approx(0.7)
    assert U.shape == (12, 3) and target.shape == (12, 1)
    again = gf.truncation_problem(0.7, np.random.default_rng(3), T=12)
    assert all(np.array_equal(a, b) for a, b in zip(params, again[0]))


def test_flow_problem_scales_one_matrix_to_each_radius():
    p1, U1 = gf.flow_problem(0.5, 1.0, np.random.default_rng(0))
    p2, U2 = gf.flow_problem(2.0, 0.0, np.random.default_rng(0))
    assert rl.spectral_radius(p1.W_xx) == pytest.approx(0.5)
    assert np.allclose(4 * p1.W_xx, p2.W_xx)                   # the same W0
    assert np.array_equal(U1, U2) and U1.shape == (50, 4)
    assert np.all(p2.W_xu == 0)                                # no input at gain 0


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
    with pytest.raises(ValueError, match="W must be square"):
        gf.power_norms(np.ones((2, 3)), 3)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        gf.flow_problem(1.0, 1.0, 0)
    with pytest.raises(ValueError, match="input_gain must be >= 0"):
        gf.flow_problem(1.0, -1.0, rng)


# -- chapter 4's static training figures ------------------------------------------------
def test_training_figures_draw_without_warnings():
    """plot_steps_to_solve / plot_lag_experiment (a failed seed drawn at the budget) and
    plot_training_run, on small fake results with the fields they read."""
    import warnings

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from rnn_lib import tasks
    from rnn_lib.explorers import gradients as gx

    def solved(lag, steps):
        steps = np.array(steps, dtype=float)
        return tasks.Solved(lag, 1000, 0.95, np.arange(len(steps)), steps,
                            np.full(len(steps), 0.97), (), ())

    results = [solved(5, [25, 50]), solved(10, [75, np.nan]), solved(20, [np.nan, np.nan])]
    assert results[1].median == np.inf and results[0].median == 37.5
    rng = np.random.default_rng(0)
    history = {"loss": 0.5 * rng.random(300), "grad_norm": np.exp(rng.standard_normal(300)),
               "metric_step": np.arange(0, 301, 10), "metric": np.linspace(0.9, 2.5, 31)}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = gx.plot_lag_experiment(results, [1e-2, 1e-4, 1e-8])
        fig.canvas.draw()
        ax = fig.axes[0]
        # the median line stops where the median run failed; failures sit on the budget
        (median,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("median")]
        assert list(median.get_xdata()) == [5]
        assert any(np.all(ln.get_ydata() == 1000) and ln.get_marker() == "^"
                   for ln in ax.get_lines())
        fig2 = gx.plot_training_run(history, clip=1.0)
        fig2.canvas.draw()
    texts = [t.get_text() for t in fig2.findobj(matplotlib.text.Text)]
    share = np.mean(history["grad_norm"] <= 1.0)
    assert any(f"{share:.0%} of steps" in t for t in texts)
    plt.close("all")
