"""The selective unit against the scan, the LRU, limits and finite differences; the
marked-token task and its experiment."""
import numpy as np
import pytest

from gradcheck import check_readout_unit
from rnn_lib import linear_recurrence as lr
from rnn_lib import marked_copy as mc
from rnn_lib import scan as sc
from rnn_lib import selective as se

N_X, N_U, N_Y, T = 5, 3, 2, 7


def _problem(rng, B=None):
    p = se.init_params(N_X, N_U, N_Y, rng)
    p = p._replace(D=rng.standard_normal((N_Y, N_U)), b_y=rng.standard_normal(N_Y))
    batch = () if B is None else (B,)
    return p, rng.standard_normal((T,) + batch + (N_U,)), rng.standard_normal(batch + (N_X,))


@pytest.mark.parametrize("B", [None, 4])
def test_forward_equals_the_scan_and_the_plain_loop(rng, B):
    p, U, x_init = _problem(rng, B)
    tr = se.forward(p, U, x_init)
    Lam = 1 / (1 + np.exp(-(U @ p.W_lam.T + p.b_lam)))       # lambda_t
    np.testing.assert_allclose(tr.Lam, Lam, rtol=1e-13)
    np.testing.assert_allclose(tr.X, sc.loop(Lam, (1 - Lam) * (U @ p.B.T), x_init), rtol=1e-13)
    ts = se.forward_scan(p, U, x_init)
    np.testing.assert_allclose(ts.X, tr.X, rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(ts.Y, tr.Y, rtol=1e-12, atol=1e-13)


def test_a_constant_gate_is_the_lru_without_rotation(rng):
    """W_lam = 0: lambda_t = a for every t, x_t = a x_{t-1} + (1 - a) B u_t -- an LRU with
    theta = 0."""
    p, U, _ = _problem(rng)
    n_x = 2 * N_X                                  # the LRU's pairs: two units per angle
    r = rng.uniform(0.3, 0.95, N_X)
    B = rng.standard_normal((n_x, N_U))
    lru = lr.Params(np.log(-np.log(r)), np.zeros(N_X), B, rng.standard_normal((N_Y, n_x)),
                    p.D, p.b_y)
    a = np.tile(r, 2)
    sel = se.Params(np.zeros((n_x, N_U)), np.log(a / (1 - a)), B / (1 - a)[:, None], lru.C,
                    p.D, p.b_y)
    x0 = rng.standard_normal(n_x)
    np.testing.assert_allclose(se.forward(sel, U, x0).Y, lr.forward(lru, U, x0).Y, rtol=1e-12)


def test_gate_limits_keep_or_overwrite(rng):
    p, U, x_init = _problem(rng)
    keep = se.forward(p._replace(W_lam=0 * p.W_lam, b_lam=np.full(N_X, 50.0)), U, x_init)
    np.testing.assert_allclose(keep.X, np.broadcast_to(x_init, (T, N_X)), atol=1e-12)
    write = se.forward(p._replace(W_lam=0 * p.W_lam, b_lam=np.full(N_X, -50.0)), U, x_init)
    np.testing.assert_allclose(write.X, U @ p.B.T, atol=1e-12)



@pytest.mark.parametrize("B", [None, 3])
@pytest.mark.parametrize("readout", ["all", "last"])
def test_gradients_match_finite_differences(rng, B, readout):
    p, U, x_init = _problem(rng, B)
    Y_shape = se.forward(p, U).Y.shape
    target = rng.standard_normal(Y_shape if readout == "all" else Y_shape[1:])
    check_readout_unit(se, p, U, x_init, target, readout=readout)


def test_gradients_of_a_padded_batch(rng):
    p, U, x_init = _problem(rng, 4)
    lengths = np.array([T, 3, 1, 5])
    check_readout_unit(se, p, U, x_init, rng.integers(0, N_Y, size=4), loss="cross_entropy",
              readout="last", lengths=lengths)
    # a loss on the padding steps too sees the held states
    check_readout_unit(se, p, U, x_init, rng.standard_normal((T, 4, N_Y)), lengths=lengths,
              mask=np.ones((T, 4)))


def test_padding_holds_the_state_and_the_scan_agrees(rng):
    p, U, _ = _problem(rng, 3)
    lengths = np.array([2, T, 4])
    tr = se.forward(p, U, lengths=lengths)
    for b, n in enumerate(lengths):
        np.testing.assert_allclose(tr.X[n - 1:, b], np.broadcast_to(
            se.forward(p, U[:n, b]).X[-1], (T - n + 1, N_X)), rtol=1e-13)
    np.testing.assert_allclose(se.forward_scan(p, U, lengths=lengths).X, tr.X, rtol=1e-12,
                               atol=1e-13)


def test_init_is_seeded_with_gates_in_range():
    p = se.init_params(50, 2, 1, np.random.default_rng(3), lam_min=0.6, lam_max=0.9)
    keep = 1 / (1 + np.exp(-p.b_lam))
    assert keep.min() >= 0.6 and keep.max() <= 0.9
    q = se.init_params(50, 2, 1, np.random.default_rng(3), lam_min=0.6, lam_max=0.9)
    assert all(np.array_equal(a, b) for a, b in zip(p, q))


def test_bad_inputs_give_clear_errors(rng):
    with pytest.raises(ValueError, match="lam_min <= lam_max < 1"):
        se.init_params(3, 1, 1, rng, lam_min=0.9, lam_max=0.2)
    with pytest.raises(TypeError, match="rng"):
        se.init_params(3, 1, 1, 1)
    p, U, _ = _problem(rng)
    with pytest.raises(ValueError, match="W_lam must have shape"):
        se.forward(p._replace(W_lam=np.ones((N_X, N_U + 1))), U)
    with pytest.raises(TypeError, match="selective.Params"):
        se.forward([1, 2], U)
    with pytest.raises(ValueError, match="dY must have the shape"):
        se.backward(p, se.forward(p, U), np.ones((T, N_Y + 1)))


# -- the marked-token task ----------------------------------------------------------------
def test_marked_copy_batch():
    d = mc.marked_copy(10, 4, 300, np.random.default_rng(0))
    assert d.U.shape == (10, 300, 5) and d.target.shape == d.position.shape == (300,)
    assert np.all(d.U[..., 4].sum(axis=0) == 1)                 # one mark per sequence
    marked = d.U[d.position, np.arange(300)]
    assert np.all(marked[:, 4] == 1) and np.all(marked[:, :4].argmax(-1) == d.target)
    assert np.all(d.U[..., :4].sum(axis=-1) == 1)               # a token at every step
    assert set(d.position) == set(range(10))
    again = mc.marked_copy(10, 4, 300, np.random.default_rng(0))
    assert np.array_equal(d.U, again.U)


def test_marked_copy_easier_versions():
    d = mc.marked_copy(6, 3, 50, np.random.default_rng(1), position=2, distractors=False)
    assert np.all(d.position == 2)
    assert np.all(d.U.sum(axis=(0, 2)) == 2)                    # the marked token and its flag
    with pytest.raises(ValueError, match="position must be in 0..T-1"):
        mc.marked_copy(6, 3, 5, np.random.default_rng(1), position=6)
    with pytest.raises(ValueError, match="n_tokens must be >= 2"):
        mc.marked_copy(6, 1, 5, np.random.default_rng(1))


def test_majority_vote():
    U = np.zeros((4, 1, 4))                        # tokens 2, 0, 2, 0; the later 0 wins a tie
    for t, c in enumerate([2, 0, 2, 0]):
        U[t, 0, c] = 1.0
    assert mc.majority_vote(U)[0] == 0
    U[0, 0, :3] = [0, 0, 0]
    U[0, 0, 1] = 1.0                               # tokens 1, 0, 2, 0
    assert mc.majority_vote(U)[0] == 0


def test_a_hand_made_selective_unit_solves_the_task():
    """lambda_t ~ 0 at the mark (write the token), ~ 1 elsewhere (hold it): exact by design."""
    K, T_ = 6, 40
    W_lam = np.zeros((K, K + 1))
    W_lam[:, K] = -40.0                            # the flag: lambda_t ~ 0, write
    params = se.Params(W_lam, np.full(K, 20.0),    # otherwise lambda_t = sigmoid(20) ~ 1, hold
                       np.eye(K, K + 1), np.eye(K), np.zeros((K, K + 1)), np.zeros(K))
    d = mc.marked_copy(T_, K, 500, np.random.default_rng(2))
    assert np.all(se.forward(params, d.U).Y[-1].argmax(-1) == d.target)
    # the time-invariant limit of the same unit (W_lam = 0) cannot select
    flat = se.forward(params._replace(W_lam=np.zeros_like(W_lam), b_lam=np.full(K, 2.0)), d.U)
    assert np.mean(flat.Y[-1].argmax(-1) == d.target) < 0.5


def test_train_run_same_budget_lru_stuck_selective_solves():
    """The chapter's claim at a small budget: both models, seed 0, 300 steps."""
    runs = {m: r[0] for m, r in mc.compare(seeds=[0], steps=300, n_test=500).items()}
    assert runs["selective"].accuracy > 0.95
    assert runs["lru"].accuracy < 0.4
    assert runs["lru"].history["loss"].size == runs["selective"].history["loss"].size == 300
    assert runs["lru"].accuracy_by_lag.shape == (16,)
    assert runs["lru"].seed == 0 and runs["lru"].model == "lru"
    with pytest.raises(ValueError, match="unknown model"):
        mc.train_run("gru", 0)
