"""The input-free RNN as a dynamical system (chapter 3): its Jacobian, fixed points and
memory of a pulse, checked against closed forms and independent computations."""
import numpy as np
import pytest

import rnn_lib as rl
from rnn_lib import rnn_dynamics as rd


# -- W = s R(theta) ----------------------------------------------------------------
@pytest.mark.parametrize("s, theta", [(1.5, 0.0), (0.8, 0.7), (2.0, np.pi / 2)])
def test_rotation_scale_has_eigenvalues_s_exp_i_theta(s, theta):
    W = rd.rotation_scale(s, theta)
    lam = np.sort_complex(np.linalg.eigvals(W))
    expect = np.sort_complex(np.array([s * np.exp(1j * theta), s * np.exp(-1j * theta)]))
    assert np.allclose(lam, expect)
    assert rl.spectral_radius(W) == pytest.approx(s)
    assert np.allclose(W.T @ W, s * s * np.eye(2))          # a scaled rotation


# -- Jacobian ----------------------------------------------------------------------
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "identity"])
def test_state_jacobian_matches_central_differences(activation, rng):
    W = rng.standard_normal((3, 3))
    b = rng.standard_normal(3)
    x = 0.5 * rng.standard_normal(3)
    sigma, _ = rl.activations.hidden_activation(activation)
    e = 1e-6
    num = np.column_stack([(sigma(W @ (x + e * d) + b) - sigma(W @ (x - e * d) + b)) / (2 * e)
                           for d in np.eye(3)])
    assert np.allclose(rd.state_jacobian(W, b, x, activation), num, atol=1e-8)


# -- fixed points ----------------------------------------------------------------------
def test_two_independent_tanh_units_have_nine_fixed_points_four_stable():
    """W = 2 I: each unit is chapter 1's map tanh(2x), with fixed points {-a, 0, a}."""
    fps = rd.state_fixed_points(2.0 * np.eye(2), np.zeros(2), "tanh")
    scalar = rl.fixed_points(lambda x: np.tanh(2 * x), -1.5, 1.5)
    assert [p.stable for p in scalar] == [True, False, True]
    values = np.array([p.x for p in scalar])                 # (-a, 0, a)
    expect = {(u, v) for u in values for v in values}
    assert len(fps) == 9
    for p in fps:
        assert min(np.max(np.abs(p.x - np.array(e))) for e in expect) < 1e-9
    kinds = [p.kind for p in fps]
    assert kinds.count("stable") == 4 and kinds.count("saddle") == 4
    assert kinds.count("unstable") == 1
    origin = next(p for p in fps if np.allclose(p.x, 0))
    assert origin.kind == "unstable" and np.allclose(np.sort(origin.eigvals.real), [2, 2])


def test_every_fixed_point_is_fixed_and_its_jacobian_decides_stability():
    for theta in np.deg2rad([0, 5, 20, 60]):
        for s in [0.6, 1.2, 1.5, 2.0]:
            W, b = rd.rotation_scale(s, theta), np.array([0.2, -0.1])
            for p in rd.state_fixed_points(W, b, "tanh"):
                assert np.allclose(np.tanh(W @ p.x + b), p.x, atol=1e-9)
                J = (1 - np.tanh(W @ p.x + b) ** 2)[:, None] * W
                assert p.radius == pytest.approx(rl.spectral_radius(J))
                assert p.stable == (p.radius < 1 - 1e-6)


def test_small_scale_leaves_one_stable_fixed_point_at_zero():
    for theta in [0.0, 0.5, 2.0]:
        fps = rd.state_fixed_points(rd.rotation_scale(0.9, theta), np.zeros(2), "tanh")
        assert len(fps) == 1 and np.allclose(fps[0].x, 0, atol=1e-12)
        assert fps[0].stable and fps[0].radius == pytest.approx(0.9)


def test_rotation_destroys_the_four_stable_points():
    """s = 1.5: four stable states at theta = 0, none at theta = 30 degrees."""
    stable = [sum(p.stable for p in rd.state_fixed_points(
        rd.rotation_scale(1.5, np.deg2rad(th)), np.zeros(2), "tanh")) for th in (0, 30)]
    assert stable == [4, 0]


def test_linear_map_has_the_fixed_point_of_the_linear_system(rng):
    """sigma = identity: x* = (I - W)^{-1} b, stable iff rho(W) < 1."""
    for rho in (0.7, 1.4):
        W = rl.init_params(2, 1, 1, rng, spectral_radius=rho).W_xx
        b = rng.standard_normal(2)
        fps = rd.state_fixed_points(W, b, "identity")
        assert len(fps) == 1
        assert np.allclose(fps[0].x, np.linalg.solve(np.eye(2) - W, b))
        assert fps[0].stable == (rho < 1) and fps[0].radius == pytest.approx(rho)


def test_degenerate_maps_do_not_break():
    # identity map: every start is fixed; a constant shift: nothing is fixed
    assert len(rd.state_fixed_points(np.eye(2), np.zeros(2), "identity", n_grid=3)) == 9
    assert rd.state_fixed_points(np.eye(2), np.full(2, 0.3), "identity") == []
    # relu and sigmoid run too, and what they return is fixed
    for act in ("relu", "sigmoid"):
        W = rd.rotation_scale(1.3, 0.4)
        for p in rd.state_fixed_points(W, np.array([0.1, 0.2]), act):
            sigma, _ = rl.activations.hidden_activation(act)
            assert np.allclose(sigma(W @ p.x + np.array([0.1, 0.2])), p.x, atol=1e-9)


def test_fixed_point_input_errors():
    with pytest.raises(ValueError, match="W_xx must be square"):
        rd.state_fixed_points(np.ones((2, 3)), np.zeros(2))
    with pytest.raises(ValueError, match=r"b_x must have shape \(2,\)"):
        rd.state_fixed_points(np.eye(2), np.zeros(3))
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        rd.state_fixed_points(np.eye(2), np.zeros(2), "softplus")
    with pytest.raises(ValueError, match="n_grid must be >= 1"):
        rd.state_fixed_points(np.eye(2), np.zeros(2), n_grid=0)


# -- memory of a pulse -------------------------------------------------------------------
@pytest.mark.parametrize("rho", [0.3, 0.5, 0.9, 0.97])
def test_steps_to_forget_is_log_threshold_over_log_rho_for_a_linear_state(rho):
    """x_t = rho^t x_0 exactly (W = rho I, identity): ceil(ln 0.01 / ln rho) steps."""
    X = rd.pulse_response(rho * np.eye(3), np.array([1.0, -2.0, 0.5]), 400, "identity")
    assert np.allclose(np.linalg.norm(X, axis=1), rho ** np.arange(400) * np.linalg.norm(X[0]))
    expect = int(np.ceil(np.log(0.01) / np.log(rho)))
    assert rd.steps_to_forget(X, 0.01) == expect
    # in half-lives (chapter 2): log2(100) = 6.64 of them
    half_life = np.log(2) / abs(np.log(rho))
    assert expect == pytest.approx(np.log2(100) * half_life, abs=1)


def test_pulse_response_equals_the_forward_pass(rng):
    p = rl.init_params(5, 1, 1, rng, spectral_radius=0.9)
    U = np.zeros((12, 1))
    U[0] = 1.0
    expect = rl.forward(p._replace(b_x=np.zeros(5)), U).X
    assert np.allclose(rd.pulse_response(p.W_xx, p.W_xu[:, 0], 12), expect)


def test_steps_to_forget_edge_cases():
    assert rd.steps_to_forget(np.array([1.0, 0.5, 0.2, 0.3])) is None   # never below 1%
    assert rd.steps_to_forget(np.array([1.0, 0.5, 0.001, 0.02, 0.0])) == 4
    assert rd.steps_to_forget(np.array([1.0, 2.0, np.inf])) is None     # diverged
    with pytest.raises(ValueError, match="threshold must be below 1"):
        rd.steps_to_forget(np.ones(3), 1.5)
    with pytest.raises(ValueError, match="non-zero state"):
        rd.steps_to_forget(np.zeros(3))


def test_random_direction_has_spectral_radius_one_and_is_reproducible():
    W, w = rd.random_direction(24, np.random.default_rng(0))
    assert rl.spectral_radius(W) == pytest.approx(1.0)
    W2, w2 = rd.random_direction(24, np.random.default_rng(0))
    assert np.array_equal(W, W2) and np.array_equal(w, w2) and w.shape == (24,)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        rd.random_direction(24, 0)


def test_marginal_fixed_point_at_the_bifurcation_is_one_point():
    """s = 1, theta = 0: Newton converges slowly to the degenerate origin; one point."""
    for n_iter in (32, 60):
        fps = rd.state_fixed_points(np.eye(2), np.zeros(2), "tanh", n_iter=n_iter)
        assert len(fps) == 1 and np.allclose(fps[0].x, 0, atol=1e-4)
        assert fps[0].kind == "marginal" and not fps[0].stable


def test_forgetting_times_match_the_closed_form_for_a_scaled_identity():
    """rho I with a pulse along one axis is exactly geometric: ceil(ln 0.01 / ln rho)."""
    radii = [0.5, 0.8, 0.95]
    got = rd.forgetting_times(np.eye(3), np.array([1.0, 0.0, 0.0]), radii, "identity")
    assert np.array_equal(got, np.ceil(np.log(0.01) / np.log(radii)))
    with pytest.raises(ValueError, match=r"every radius must lie in \(0, 1\), got 1.2"):
        rd.forgetting_times(np.eye(3), np.ones(3), [0.5, 1.2])


def test_input_fate_tells_forgotten_kept_amplified_and_diverged_apart():
    """A scalar RNN x_t = sigma(w x_{t-1} + u_t) after one pulse at t = 2."""
    U = np.zeros((60, 1))
    U[2] = 1.0

    def net(w, b=0.0):
        return (np.array([[w]]), np.ones((1, 1)), np.ones((1, 1)), np.array([b]), np.zeros(1))

    f = rd.input_fate(net(0.5), U, "identity")
    # gap 0.5^k after the pulse: below 1% of the largest (1) from k = 7 on
    assert f.kind == "forgotten" and f.steps == 7
    assert rd.input_fate(net(2.0), U, "tanh").kind == "kept (at rest)"      # a stored bit
    assert rd.input_fate(net(-2.0), U, "tanh").kind == "kept (moving)"     # a 2-cycle
    assert rd.input_fate(net(1.1), U, "identity").kind == "amplified"
    f = rd.input_fate(net(3.0), U, "identity", limit=1e6)
    assert f.kind == "diverged" and 3.0 ** (f.steps - 2) > 1e6 >= 3.0 ** (f.steps - 3)
    assert rd.input_fate(net(0.5), U, "tanh").saturated == 0.0
    with pytest.raises(ValueError, match="U has no nonzero input"):
        rd.input_fate(net(0.5), np.zeros((5, 1)))
