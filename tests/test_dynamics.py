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


@pytest.mark.parametrize("df", [None, lambda x: 1 - np.tanh(x) ** 2])
def test_slope_one_is_marginal_with_and_without_df(df):
    """x = tanh(x) at w = 1: |f'(0)| = 1, and a central difference gives 0.9999999999997,
    which a plain |f'| < 1 test would call stable (and df, unstable)."""
    (p,) = rl.fixed_points(np.tanh, -1.5, 1.5, df=df)
    assert p.kind == "marginal" and not p.stable and abs(p.x) < 1e-9


@pytest.mark.parametrize("f", [lambda x: np.tanh(-x), lambda x: x + x ** 3])
def test_marginal_points_of_both_signs_and_both_fates(f):
    (p,) = rl.fixed_points(f, -0.5, 0.5)
    assert p.kind == "marginal"


def test_marginal_tanh_point_attracts_like_one_over_sqrt_t():
    """Near 0, tanh x = x - x^3/3, so 1/x_t^2 grows by 2/3 a step: x_t ~ sqrt(3/(2t))."""
    X = rl.iterate(np.tanh, 1.0, 10_000)
    assert X[-1] * np.sqrt(2 * 10_000 / 3) == pytest.approx(1, abs=1e-3)
    assert X[-1] == pytest.approx(1 / np.sqrt(1 + 2 * 10_000 / 3), rel=1e-3)
    X = rl.iterate(lambda x: x + x ** 3, 0.05, 300)          # slope 1 too, but repels
    assert abs(X[200]) > 0.3


def test_stability_of_a_slope():
    assert [rl.dynamics.stability(s) for s in (0.5, -0.99, 1.0, -1.0, 1 + 1e-9, 1.01)] == \
        ["stable", "stable", "marginal", "marginal", "marginal", "unstable"]
    assert rl.dynamics.stability(1.01, marginal_tol=0.1) == "marginal"


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
    (lambda: rl.fixed_points(lambda x: 1.0 * x + 0.0, -1, 1), ValueError,
     "every x is fixed"),
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
    (np.diag([1.0, 0.5]), "marginal (|λ| = 1)"),
    # double, defective eigenvalue 1.1 (the website's lambda_1 = 1.4, omega = 0.3):
    # np.linalg.eigvals gives 1.1 +- 8e-9 i, but the orbits do not turn
    (np.array([[1.4, 0.3], [-0.3, 0.8]]), "node (unstable)"),
    (np.array([[1.1, 0.15], [-0.15, 0.8]]), "node (stable)"),
    (np.array([[0.5, 0.15], [-0.15, 0.8]]), "node (stable)"),
    (np.array([[0.8, 0.6], [-0.6, 0.8]]), "centre (|λ| = 1): circles forever"),
    (np.diag([-0.4, 0.8]), "node (stable, flips along one eigenvector)"),
    (np.diag([-1.2, 0.5]), "saddle (unstable, flips along one eigenvector)"),
])
def test_classify_2d_names_what_the_orbits_do(A, kind):
    assert rl.dynamics.classify_2d(A) == kind
    # the orbits themselves: |x_t| shrinks for every start when stable, grows from
    # some start when unstable; a spiral turns the state, a node does not
    starts = [np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([0.6, -0.8])]
    orbits = [rl.iterate(lambda x: A @ x, x0, 200) for x0 in starts]
    growth = [np.linalg.norm(X[-1]) / np.linalg.norm(X[0]) for X in orbits]
    if "(stable)" in kind:
        assert max(growth) < 1e-2
    if "(unstable)" in kind:
        assert max(growth) > 1e2
    if kind.startswith("centre"):
        assert np.allclose(growth, 1.0)
    # a spiral keeps turning: the angle of x_t goes round; a node's settles (it may flip
    # by 180 degrees along an eigenvector with a negative eigenvalue, never less)
    X = orbits[2]
    angle = np.unwrap(np.arctan2(X[:, 1], X[:, 0]))
    turns = np.abs(angle[-1] - angle[0]) > 2 * np.pi
    if "flips" not in kind:
        assert turns == kind.startswith(("spiral", "centre"))


def test_eigenvalues_2d_agree_with_numpy_away_from_double_roots(rng):
    for _ in range(200):
        A = rng.standard_normal((2, 2))
        lam = rl.dynamics.eigenvalues_2d(A)
        ref = np.linalg.eigvals(A)
        assert np.allclose(np.sort_complex(lam.astype(complex)), np.sort_complex(ref))
        assert np.iscomplexobj(lam) == bool(np.any(np.abs(ref.imag) > 0))


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


# -- chapter 1's figures say what the library says ------------------------------------
def test_cobweb_shows_the_marginal_point_at_w_one():
    from rnn_lib.explorers import first_order as fo
    ex = fo.cobweb_explorer()
    ex.render(w=1.0, b=0.0)
    assert "+0.00 (marginal, f' = 1.00)" in ex.status
    ex.render(w=2.0, b=0.5)                  # below the critical bias: two stable points
    assert ex.status.count("(stable") == 2
    ex.render(w=2.0, b=0.55)                 # above it: one
    assert ex.status.startswith("1 fixed point") and "(stable" in ex.status


def test_bifurcation_diagram_marks_w_one_as_marginal():
    import matplotlib
    matplotlib.use("Agg")
    from rnn_lib.explorers import first_order as fo
    ax = fo.bifurcation_diagram(b=0.0)
    labels = {line.get_label(): line for line in ax.get_lines()}
    marginal = labels["marginal ($|f'(x^*)| = 1$)"]
    assert np.allclose(marginal.get_xdata(), [1.0]) and np.allclose(marginal.get_ydata(), [0.0])
    assert "+ 0" not in ax.get_title()
    import matplotlib.pyplot as plt
    plt.close(ax.figure)


@pytest.mark.parametrize("a, x0, says", [
    (0.9, 0.0, "x* = 10.00 (above the plot)"),
    (1.5, -2.0, "x_0 = x* = -2.00: the state stays there"),
    (1.0, 0.0, "no fixed point; the state moves by 1 each step"),
    (0.75, 0.0, "converges monotonically to x* = 4.00"),
])
def test_linear_map_status(a, x0, says):
    from rnn_lib.explorers import first_order as fo
    ex = fo.linear_map_explorer()
    ex.render(a=a, x0=x0)
    assert says in ex.status


def test_phase_portrait_names_the_double_eigenvalue_a_node_and_shows_transient_growth():
    from rnn_lib.explorers import first_order as fo
    ex = fo.phase_portrait_explorer()
    ex.render(lam1=1.4, omega=0.3)
    assert "eigenvalues 1.10, 1.10" in ex.status and "node (unstable)" in ex.status
    ex.render(lam1=1.1, omega=0.3)          # rho = 0.985, yet orbits first grow
    assert "spiral in (stable); orbits first grow up to ×1.5" in ex.status
