"""The linear recurrent unit against independent computations: complex numbers, chapter 2's
linear state-space model, the scan, closed forms and central finite differences."""
import numpy as np
import pytest

import rnn_lib as rl
from gradcheck import check_readout_unit
from rnn_lib import linear_recurrence as lr
from rnn_lib import memory as mem
from rnn_lib._units import readout_loss

N_X, N_U, N_Y, T = 6, 3, 2, 7


def _problem(rng, B=None):
    """Random parameters (non-zero D and b_y), inputs and x_init."""
    p = lr.init_params(N_X, N_U, N_Y, rng, r_min=0.6)
    p = p._replace(D=rng.standard_normal((N_Y, N_U)), b_y=rng.standard_normal(N_Y))
    batch = () if B is None else (B,)
    U = rng.standard_normal((T,) + batch + (N_U,))
    x_init = rng.standard_normal(batch + (N_X,))
    return p, U, x_init


def _complex_loop(p, U, x_init):
    """x_t = lambda x_{t-1} + B u_t with complex numbers, one pair = one complex number."""
    m = N_X // 2
    lam = np.exp(-np.exp(p.nu) + 1j * p.theta)
    z = x_init[..., :m] + 1j * x_init[..., m:]
    Z = []
    for u in U:
        bu = u @ p.B.T
        z = lam * z + (bu[..., :m] + 1j * bu[..., m:])
        Z.append(z)
    Z = np.array(Z)
    return np.concatenate([Z.real, Z.imag], axis=-1)


@pytest.mark.parametrize("B", [None, 4])
def test_forward_equals_complex_numbers_and_the_scan(rng, B):
    p, U, x_init = _problem(rng, B)
    tr = lr.forward(p, U, x_init)
    np.testing.assert_allclose(tr.X, _complex_loop(p, U, x_init), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(tr.Y, tr.X @ p.C.T + U @ p.D.T + p.b_y, rtol=1e-12)
    ts = lr.forward_scan(p, U, x_init)
    np.testing.assert_allclose(ts.X, tr.X, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(ts.Y, tr.Y, rtol=1e-12, atol=1e-12)


def test_forward_is_chapter_2s_linear_state_space_model(rng):
    """Lambda as a block matrix of scaled rotations (mem.rotation) gives the same states."""
    p, U, x_init = _problem(rng)
    m = N_X // 2
    r = np.exp(-np.exp(p.nu))
    A = np.zeros((N_X, N_X))
    for j in range(m):
        block = r[j] * mem.rotation(p.theta[j])
        A[np.ix_([j, m + j], [j, m + j])] = block
    np.testing.assert_allclose(lr.forward(p, U, x_init).X,
                               mem.linear_state(A, p.B, U, x_init), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.sort_complex(np.linalg.eigvals(A)),
                               np.sort_complex(np.concatenate(
                                   [lr.eigenvalues(p), lr.eigenvalues(p).conj()])), atol=1e-12)



@pytest.mark.parametrize("B", [None, 3])
@pytest.mark.parametrize("readout", ["all", "last"])
def test_gradients_match_finite_differences(rng, B, readout):
    p, U, x_init = _problem(rng, B)
    Y_shape = lr.forward(p, U).Y.shape
    target = rng.standard_normal(Y_shape if readout == "all" else Y_shape[1:])
    check_readout_unit(lr, p, U, x_init, target, readout=readout)


@pytest.mark.parametrize("readout", ["all", "last"])
def test_gradients_of_a_padded_batch_and_cross_entropy(rng, readout):
    p, U, x_init = _problem(rng, 4)
    lengths = np.array([T, 3, 1, 5])
    shape = (T, 4) if readout == "all" else (4,)
    target = rng.integers(0, N_Y, size=shape)
    check_readout_unit(lr, p, U, x_init, target, loss="cross_entropy", readout=readout,
                       lengths=lengths)


def test_gradients_through_held_states(rng):
    """A loss on padding steps too (mask of ones) sees the held state: the hold's backward."""
    p, U, x_init = _problem(rng, 3)
    target = rng.standard_normal((T, 3, N_Y))
    check_readout_unit(lr, p, U, x_init, target, lengths=np.array([2, T, 4]), mask=np.ones((T, 3)))


def test_delta_is_the_total_derivative_of_the_state(rng):
    """dX[t] = dL/dx_t: perturb x_t by restarting the run from it."""
    p, U, x_init = _problem(rng)
    target = rng.standard_normal((T, N_Y))
    _, grads, tr = lr.loss_and_gradients(p, U, target, x_init=x_init)
    k = 3

    def loss_from(x_k):                            # x_k changed, the rest run on from it
        rest = lr.forward(p, U[k + 1:], x_k)
        Y = np.concatenate([tr.Y[:k], (x_k @ p.C.T + U[k] @ p.D.T + p.b_y)[None], rest.Y])
        return readout_loss(Y, target)[0]
    numeric = rl.numerical_gradient(loss_from, tr.X[k])
    assert rl.relative_error(grads.dX[k], numeric) < 1e-7


def test_padding_holds_the_state(rng):
    p, U, _ = _problem(rng, 3)
    lengths = np.array([T, 2, 5])
    tr = lr.forward(p, U, lengths=lengths)
    for b, n in enumerate(lengths):
        alone = lr.forward(p, U[:n, b])
        np.testing.assert_allclose(tr.X[n - 1:, b], np.broadcast_to(alone.X[-1], (T - n + 1, N_X)),
                                   rtol=1e-13)
    ts = lr.forward_scan(p, U, lengths=lengths)
    np.testing.assert_allclose(ts.X, tr.X, rtol=1e-12, atol=1e-12)


def test_readout_last_uses_each_sequences_last_real_step(rng):
    Y = rng.standard_normal((5, 3, 2))
    target = rng.standard_normal((3, 2))
    lengths = np.array([5, 2, 4])
    L, dY = readout_loss(Y, target, readout="last", lengths=lengths)
    last = Y[lengths - 1, np.arange(3)]
    assert np.isclose(L, 0.5 * np.sum((last - target) ** 2) / 3)
    assert np.count_nonzero(np.abs(dY).sum(axis=-1)) == 3
    L1, dY1 = readout_loss(Y[:, 0], target[0], readout="last")     # one sequence
    assert np.isclose(L1, 0.5 * np.sum((Y[-1, 0] - target[0]) ** 2))
    assert np.count_nonzero(dY1[:-1]) == 0


def test_every_nu_gives_a_stable_unit():
    nu = np.array([-1000.0, -36.0, -3.0, 0.0, 3.0, 1000.0])
    p = lr.init_params(2 * nu.size, 1, 1, np.random.default_rng(0))._replace(nu=nu)
    r = np.abs(lr.eigenvalues(p))
    assert np.all(r[1:] < 1) and r[0] <= 1         # r rounds to 1 only below nu = -36.7
    assert np.all(np.isfinite(lr.forward(p, np.ones((500, 1))).X))


def test_init_is_seeded_and_in_the_ring():
    p = lr.init_params(400, 2, 1, np.random.default_rng(5), r_min=0.8, r_max=0.95,
                       max_phase=0.5)
    r = np.abs(lr.eigenvalues(p))
    assert r.min() >= 0.8 and r.max() <= 0.95 and p.theta.min() >= 0 and p.theta.max() <= 0.5
    # uniform over the ring's area: r^2 is uniform, so its mean is the middle
    assert abs(np.mean(r ** 2) - (0.8 ** 2 + 0.95 ** 2) / 2) < 0.01
    q = lr.init_params(400, 2, 1, np.random.default_rng(5), r_min=0.8, r_max=0.95,
                       max_phase=0.5)
    assert all(np.array_equal(a, b) for a, b in zip(p, q))


def test_impulse_response_is_the_pulse_run_through_the_unit():
    r, theta = 0.9, 0.4
    one_pair = lr.Params(np.array([np.log(-np.log(r))]), np.array([theta]),
                         np.array([[1.0], [0.0]]), np.eye(2)[:1], np.zeros((1, 1)), np.zeros(1))
    pulse = np.zeros((20, 1))
    pulse[0] = 1.0
    X = lr.forward(one_pair, pulse).X
    h = lr.impulse_response(r, theta, 20)
    np.testing.assert_allclose(h, X, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(np.hypot(h[:, 0], h[:, 1]), r ** np.arange(20), rtol=1e-12)
    lam = r * np.exp(1j * theta)                   # the pair as a complex number: lambda^t
    np.testing.assert_allclose(h[:, 0] + 1j * h[:, 1], lam ** np.arange(20), rtol=1e-12)
    assert np.isinf(lr.impulse_response(3.0, 0.1, 2000)[-1]).any()   # grows, no error


def test_memory_length():
    r = np.array([0.0, 0.5, 0.9, 0.99])
    n = lr.memory_length(r, threshold=0.01)
    assert n[0] == 1
    for ri, ni in zip(r[1:], n[1:]):
        assert ri ** ni < 0.01 <= ri ** (ni - 1)
    assert lr.memory_length(1.0) == np.inf
    assert lr.memory_length(0.9, 0.5) == np.floor(mem.half_life(0.9)) + 1


def test_bad_inputs_give_clear_errors(rng):
    with pytest.raises(ValueError, match="n_x must be even"):
        lr.init_params(5, 1, 1, rng)
    with pytest.raises(ValueError, match="r_min <= r_max < 1"):
        lr.init_params(4, 1, 1, rng, r_min=0.9, r_max=0.5)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        lr.init_params(4, 1, 1, 0)
    p, U, _ = _problem(rng)
    with pytest.raises(ValueError, match="C must have shape"):
        lr.forward(p._replace(C=np.ones((N_Y, N_X + 2))), U)
    with pytest.raises(ValueError, match="U has 2 features"):
        lr.forward(p, U[..., :2])
    with pytest.raises(ValueError, match="x_init must have shape"):
        lr.forward(p, U, np.ones(N_X + 1))
    with pytest.raises(ValueError, match="lengths needs a batch"):
        lr.forward(p, U, lengths=np.array([3]))
    with pytest.raises(ValueError, match="unknown readout"):
        readout_loss(np.ones((3, 1)), np.ones((3, 1)), readout="first")
    with pytest.raises(ValueError, match="target must have shape"):
        readout_loss(np.ones((3, 2, 1)), np.ones((3, 2, 1)), readout="last")
    with pytest.raises(ValueError, match="must be >= 0"):
        lr.memory_length(-0.5)
    with pytest.raises(ValueError, match="threshold must be in"):
        lr.memory_length(0.5, threshold=2.0)
