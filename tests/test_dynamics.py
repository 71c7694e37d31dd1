"""First-order systems: closed forms, fixed points and their stability."""
import numpy as np
import pytest

import rnn_lib as rl


@pytest.mark.parametrize("a", [-1.3, -0.7, 0.0, 0.5, 1.0, 1.2])
def test_linear_map_matches_its_closed_form(a):
    b, x0, T = 0.4, 2.0, 25
    X = rl.iterate(lambda x: a * x + b, x0, T)
    assert np.allclose(X, rl.linear_closed_form(a, b, x0, T), rtol=1e-12)


def test_autonomous_linear_map_is_a_power():
    X = rl.iterate(lambda x: 0.8 * x, 3.0, 10)
    assert np.allclose(X, 3.0 * 0.8 ** np.arange(11), rtol=1e-14)


def test_linear_fixed_point_attracts_when_abs_a_below_one():
    a, b = 0.6, 1.0
    xs = rl.linear_fixed_point(a, b)
    assert xs == pytest.approx(2.5)
    X = rl.iterate(lambda x: a * x + b, -4.0, 80)
    assert X[-1] == pytest.approx(xs, abs=1e-12)
    assert rl.linear_fixed_point(1.0, 1.0) is None


def test_vector_state_iterates():
    A = np.array([[0.0, -0.9], [0.9, 0.0]])
    X = rl.iterate(lambda x: A @ x, np.array([1.0, 0.0]), 8)
    assert X.shape == (9, 2)
    assert np.allclose(np.linalg.norm(X, axis=1), 0.9 ** np.arange(9))


def test_tanh_map_bifurcates_at_w_equal_one():
    """x = tanh(w x): one fixed point (0, stable) for w < 1; three for w > 1."""
    below = rl.fixed_points(lambda x: np.tanh(0.8 * x), -3, 3)
    assert [round(p.x, 9) for p in below] == [0.0] and below[0].stable
    above = rl.fixed_points(lambda x: np.tanh(2.0 * x), -3, 3,
                            df=lambda x: 2.0 / np.cosh(2.0 * x) ** 2)
    assert len(above) == 3
    left, mid, right = above
    assert mid.x == pytest.approx(0.0, abs=1e-9) and not mid.stable
    assert left.stable and right.stable and right.x == pytest.approx(-left.x)
    assert np.tanh(2.0 * right.x) == pytest.approx(right.x, abs=1e-11)   # f(x*) = x*
    assert right.slope == pytest.approx(2.0 * (1 - right.x ** 2))


def test_simulate_driven_model_with_observation():
    U = np.array([1.0, 0.0, 0.0, 2.0])
    run = rl.simulate(lambda x, u: 0.5 * x + u, U, 0.0, h=lambda x: x > 0.6)
    assert np.allclose(run.X, [1.0, 0.5, 0.25, 2.125])
    assert run.Y.tolist() == [True, False, False, True]
    assert rl.simulate(lambda x, u: x + u, U, 0.0).Y is None


def test_diverging_orbit_is_returned_not_raised():
    X = rl.iterate(lambda x: 10.0 * x, 1.0, 400)
    assert np.isinf(X[-1])


@pytest.mark.parametrize("call, exc, message", [
    (lambda: rl.iterate(3.0, 1.0, 5), TypeError, "f must be a callable"),
    (lambda: rl.iterate(np.tanh, 1.0, -2), ValueError, "T must be >= 0, got -2"),
    (lambda: rl.simulate(lambda x, u: x, [], 0.0), ValueError, "U is an empty sequence"),
    (lambda: rl.fixed_points(np.tanh, 2.0, 1.0), ValueError, "need finite lo < hi"),
    (lambda: rl.linear_closed_form(0.5, 0.0, [1.0, 2.0], 3), ValueError,
     "x0 must have 0 dimensions"),
])
def test_dynamics_reject_bad_input(call, exc, message):
    with pytest.raises(exc, match=message):
        call()


def _rotation(scale, degrees):
    c, s = np.cos(np.deg2rad(degrees)), np.sin(np.deg2rad(degrees))
    return scale * np.array([[c, -s], [s, c]])


@pytest.mark.parametrize("A, kind", [
    (np.array([[0.8, 0.3], [-0.3, 0.8]]), "spiral in (stable)"),
    (_rotation(1.1, 30), "spiral out (unstable)"),
    (_rotation(1.0, 30), "centre (|λ| = 1): circles forever"),
    (np.diag([0.5, 0.9]), "node (stable)"),
    (np.diag([1.2, 1.5]), "node (unstable)"),
    (np.diag([0.5, 1.5]), "saddle (unstable)"),
    (np.diag([1.0, 0.5]), "borderline (|λ| = 1)"),
])
def test_classify_2d_names_what_the_orbits_do(A, kind):
    assert rl.dynamics.classify_2d(A) == kind
    # the orbits themselves: |x_t| shrinks for every start when stable, grows from
    # some start when unstable; a spiral turns the state, a node does not
    starts = [np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.6, -0.8])]
    orbits = [rl.iterate(lambda x: A @ x, x0, 60) for x0 in starts]
    growth = [np.linalg.norm(X[-1]) / np.linalg.norm(X[0]) for X in orbits]
    if "(stable)" in kind:
        assert max(growth) < 1e-2
    if "(unstable)" in kind:
        assert max(growth) > 1e2
    if kind.startswith("centre"):
        assert np.allclose(growth, 1.0)
    X = orbits[0]                                   # the angle between x_{t-1} and x_t
    cos = np.sum(X[1:] * X[:-1], axis=1) / np.linalg.norm(X[1:], axis=1) \
        / np.linalg.norm(X[:-1], axis=1)
    turn = np.arccos(np.clip(cos, -1.0, 1.0))
    assert (np.ptp(turn) < 1e-6 and turn[0] > 0.1) == kind.startswith(("spiral", "centre"))


def test_classify_2d_rejects_other_shapes():
    with pytest.raises(ValueError, match=r"A must have shape \(2, 2\)"):
        rl.dynamics.classify_2d(np.eye(3))


def test_weather_inputs_are_cloud_amounts_by_seed():
    U = rl.dynamics.weather_inputs(60, np.random.default_rng(4))
    assert U.shape == (60,) and np.all((U >= 0) & (U <= 1)) and np.ptp(U) > 0.5
    assert np.array_equal(U, rl.dynamics.weather_inputs(60, np.random.default_rng(4)))
    assert not np.array_equal(U, rl.dynamics.weather_inputs(60, np.random.default_rng(5)))
    # slow fronts: the 6-day means vary much more than the noise within a front
    blocks = U[:60].reshape(10, 6)
    assert np.std(blocks.mean(axis=1)) > np.mean(np.std(blocks, axis=1))
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        rl.dynamics.weather_inputs(60, 4)
