"""Memory and observation of linear state-space models, against independent computations."""
import numpy as np
import pytest

import rnn_lib as rl
from rnn_lib import memory as mem


# -- half-life and impulse response -------------------------------------------------
@pytest.mark.parametrize("a", [0.5, 0.9, -0.8, 0.99, 1.05, -1.2])
def test_half_life_halves_or_doubles_the_pulse(a):
    h = mem.half_life(a)
    assert h == pytest.approx(np.log(2) / abs(np.log(abs(a))))
    assert abs(a) ** h == pytest.approx(0.5 if abs(a) < 1 else 2.0)


def test_half_life_edge_cases_and_arrays():
    assert mem.half_life(0.5) == pytest.approx(1.0)
    assert mem.half_life(0.0) == 0.0                        # forgotten at once
    assert mem.half_life(1.0) == np.inf and mem.half_life(-1.0) == np.inf
    out = mem.half_life([0.5, 0.25, 1.0])
    assert out.shape == (3,) and np.allclose(out[:2], [1.0, 0.5]) and out[2] == np.inf
    with pytest.raises(ValueError, match="NaN or infinite"):
        mem.half_life(np.nan)


@pytest.mark.parametrize("a", [-0.99, -0.5, 0.0, 0.8, 1.0, 1.05])
def test_impulse_response_matches_a_simulation(a):
    T = 30
    U = np.zeros(T)
    U[0] = 1.0
    X = rl.simulate(lambda x, u: a * x + u, U, x_init=0.0).X
    assert np.allclose(mem.impulse_response(a, T), X, rtol=1e-13, atol=0)


def test_impulse_response_overflows_quietly_and_checks_input():
    big = mem.impulse_response(10.0, 400)
    assert np.isinf(big[-1])
    with pytest.raises(ValueError, match="T must be >= 1"):
        mem.impulse_response(0.5, 0)
    with pytest.raises(ValueError, match="a must have 0 dimensions"):
        mem.impulse_response([0.5, 0.6], 5)


# -- linear states and reading inputs back -----------------------------------------
def test_linear_state_is_the_weighted_sum_of_past_inputs(rng):
    A = 0.5 * rng.standard_normal((3, 3))
    B = rng.standard_normal((3, 2))
    U = rng.standard_normal((6, 2))
    X = mem.linear_state(A, B, U)
    # x_t = sum_k A^(t-k) B u_k, written out independently of input_map
    for t in range(6):
        ref = sum(np.linalg.matrix_power(A, t - k) @ B @ U[k] for k in range(t + 1))
        assert np.allclose(X[t], ref, rtol=1e-12)
        assert np.allclose(X[t], mem.input_map(A, B, t + 1) @ U[: t + 1].reshape(-1))


def test_linear_state_equals_the_rnn_with_identity_activation(rng):
    A, B = 0.7 * rng.standard_normal((4, 4)), rng.standard_normal((4, 3))
    U, x_init = rng.standard_normal((8, 3)), rng.standard_normal(4)
    p = rl.Params(A, B, np.zeros((1, 4)), np.zeros(4), np.zeros(1))
    trace = rl.forward(p, U, x_init, activation="identity")
    assert np.allclose(mem.linear_state(A, B, U, x_init), trace.X, rtol=1e-12)


def test_scalar_state_confuses_histories_vector_state_does_not():
    a = 0.5
    P, Q = np.array([[2.0], [0.0]]), np.array([[0.0], [1.0]])
    xs = [mem.linear_state([[a]], [[1.0]], U)[-1] for U in (P, Q)]
    assert np.allclose(xs[0], xs[1])                        # same x_1 = 1
    A, B = np.diag([0.5, 0.9]), np.ones((2, 1))
    x_P, x_Q = (mem.linear_state(A, B, U)[-1] for U in (P, Q))
    assert not np.allclose(x_P, x_Q)
    assert np.allclose(mem.recover_inputs(A, B, x_P, 2), P)
    assert np.allclose(mem.recover_inputs(A, B, x_Q, 2), Q)
    with pytest.raises(ValueError, match="cannot give back 2 input number"):
        mem.recover_inputs([[a]], [[1.0]], xs[0], 2)
    with pytest.raises(ValueError, match="cannot give back 3 input number"):
        mem.recover_inputs(A, B, x_P, 3)                    # 2 numbers, 3 inputs


def test_input_map_shape_and_errors():
    A, B = np.eye(2), np.ones((2, 3))
    assert mem.input_map(A, B, 4).shape == (2, 12)
    with pytest.raises(ValueError, match="A must be square"):
        mem.input_map(np.ones((2, 3)), B, 2)
    with pytest.raises(ValueError, match="B must have n_x = 2 rows"):
        mem.input_map(A, np.ones((3, 1)), 2)
    with pytest.raises(ValueError, match=r"U must have shape \(T, n_u\)"):
        mem.linear_state(A, B, np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"x_init must have shape \(2,\)"):
        mem.linear_state(A, B, np.ones((4, 3)), x_init=np.zeros(3))


# -- observation ------------------------------------------------------------------
def test_rotation_turns_and_keeps_length():
    R = mem.rotation(np.pi / 2)
    assert np.allclose(R @ [1.0, 0.0], [0.0, 1.0])
    assert np.allclose(R.T @ R, np.eye(2))


@pytest.mark.parametrize("deg", [10, 40, 90, 135, 170])
def test_two_observations_of_a_rotation_give_the_state(deg):
    A, C = mem.rotation(np.radians(deg)), np.array([[1.0, 0.0]])
    x0 = np.array([0.5, 0.9])
    X = rl.iterate(lambda x: A @ x, x0, 3)
    Y = X[:, :1]                                             # y_t = first coordinate
    O = mem.observability_matrix(A, C, 2)
    assert np.allclose(O, [[1, 0], [np.cos(np.radians(deg)), -np.sin(np.radians(deg))]])
    assert np.linalg.det(O) == pytest.approx(-np.sin(np.radians(deg)))
    assert np.allclose(mem.estimate_state(A, C, Y[:2]), x0, rtol=1e-10)
    assert np.allclose(mem.estimate_state(A, C, Y), x0, rtol=1e-10)   # more is fine


@pytest.mark.parametrize("deg", [0, 180])
def test_rotation_by_0_or_180_degrees_is_not_observable(deg):
    A, C = mem.rotation(np.radians(deg)), np.array([[1.0, 0.0]])
    Y = rl.iterate(lambda x: A @ x, np.array([0.5, 0.9]), 4)[:, :1]
    assert np.linalg.matrix_rank(mem.observability_matrix(A, C, 5)) == 1
    with pytest.raises(ValueError, match="rank 1 < n_x = 2"):
        mem.estimate_state(A, C, Y)


def test_one_observation_is_not_enough_and_bad_shapes_are_named():
    A, C = mem.rotation(0.5), np.array([[1.0, 0.0]])
    with pytest.raises(ValueError, match="1 observation"):
        mem.estimate_state(A, C, [[0.3]])
    with pytest.raises(ValueError, match="at least one observation"):
        mem.estimate_state(A, C, np.zeros((0, 1)))
    with pytest.raises(ValueError, match=r"Y must have shape \(k, n_y\)"):
        mem.estimate_state(A, C, np.zeros((2, 2)))
    with pytest.raises(ValueError, match="C must have n_x = 2 columns"):
        mem.observability_matrix(A, np.ones((1, 3)), 2)


# -- the toy embedding ------------------------------------------------------------
def test_embed_reads_words_in_order():
    U = mem.embed("I like eating")
    assert U.shape == (3, 3)
    assert np.array_equal(U[0], mem.WORD_VECTORS["I"])       # "I" is u_0
    assert np.array_equal(mem.embed(["you", "hate"]), [[-1, 0, 0], [0, -1, 0]])
    with pytest.raises(ValueError, match=r"no vector for \['pizza'\]"):
        mem.embed("I like pizza")
    with pytest.raises(ValueError, match="at least one word"):
        mem.embed([])


def test_recovery_is_exact_but_fragile_when_two_memories_nearly_agree():
    """The rank check passes, the answer is exact for an exact state, and a 1e-6
    error in the state moves the inputs by far more (the docstring's warning)."""
    A, B = np.diag([0.6, 0.6 + 1e-7, 0.9]), np.ones((3, 1))
    U = np.array([[1.0], [-2.0], [0.5]])
    x = mem.linear_state(A, B, U)[-1]
    M = mem.input_map(A, B, 3)
    assert np.linalg.cond(M) > 1e7
    assert np.allclose(mem.recover_inputs(A, B, x, 3), U, atol=1e-6)
    noisy = mem.recover_inputs(A, B, x + np.array([1e-6, 0.0, 0.0]), 3)
    assert np.max(np.abs(noisy - U)) > 1.0


def test_observability_figure_has_the_angles_its_question_names():
    from rnn_lib.explorers import state_space as ss
    ex = ss.observability_explorer()
    theta = next(s for s in ex.sliders if s.name == "theta").grid(static=True)
    assert {0.0, 5.0, 15.0, 175.0, 180.0} <= set(theta)
    ex.render(theta=5.0, k=2.0)
    cond5 = float(ex.status.split("condition number ")[1].split(";")[0])
    ex.render(theta=15.0, k=2.0)
    cond15 = float(ex.status.split("condition number ")[1].split(";")[0])
    assert cond5 > 2 * cond15
