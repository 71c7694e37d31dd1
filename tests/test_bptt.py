"""BPTT against central finite differences, an independent computation of the gradient."""
import numpy as np
import pytest

import rnn_lib as rl
from conftest import make_problem
from gradcheck import check_all_gradients
from rnn_lib import _fast_bptt

ACTIVATIONS = ["tanh", "sigmoid", "relu", "identity"]


def _mse_setup(rng, activation, B, output_activation="identity"):
    p, U, x_init = make_problem(rng, B=B)
    if activation == "relu":
        # Keep pre-activations away from the kink at 0, where the derivative jumps
        # and a finite difference cannot agree with any one-sided derivative.
        p = p._replace(b_x=p.b_x + 0.05)
    target = rng.standard_normal(rl.forward(p, U, x_init, activation=activation).Y.shape)
    mask = (rng.random(target.shape[:-1]) < 0.7).astype(float)

    def loss(params, x0=x_init):
        tr = rl.forward(params, U, x0, activation=activation,
                        output_activation=output_activation)
        return rl.mse(tr.Y, target, mask)[0]

    tr = rl.forward(p, U, x_init, activation=activation, output_activation=output_activation)
    grads = rl.backward(p, tr, rl.mse(tr.Y, target, mask)[1])
    return p, x_init, loss, grads, tr


def _assert_relu_away_from_kink(tr, activation):
    if activation == "relu":
        assert np.min(np.abs(tr.A)) > 1e-4, "test input too close to relu's kink"


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("B", [None, 3])
def test_every_parameter_and_x_init_match_finite_differences(rng, activation, B):
    p, x_init, loss, grads, tr = _mse_setup(rng, activation, B)
    _assert_relu_away_from_kink(tr, activation)
    numeric = rl.numerical_param_gradients(loss, p, eps=1e-6)
    for name, g, n in zip(rl.Params._fields, grads.params, numeric):
        assert g.shape == n.shape
        assert rl.relative_error(g, n) < 1e-6, name
    num_x = rl.numerical_gradient(lambda x0: loss(p, x0), x_init)
    assert rl.relative_error(grads.x_init, num_x) < 1e-6


@pytest.mark.parametrize("output_activation", ["sigmoid", "softmax"])
def test_output_activations_through_dY(rng, output_activation):
    p, x_init, loss, grads, _ = _mse_setup(rng, "tanh", 2, output_activation)
    numeric = rl.numerical_param_gradients(loss, p)
    for g, n in zip(grads.params, numeric):
        assert rl.relative_error(g, n) < 1e-6


@pytest.mark.parametrize("B", [None, 4])
def test_softmax_cross_entropy_gradients(rng, B):
    p, U, x_init = make_problem(rng, B=B, n_y=5)
    targets = rng.integers(0, 5, size=U.shape[:-1])
    L, grads, tr = rl.loss_and_gradients(p, U, targets, loss="cross_entropy", x_init=x_init)

    def loss(params):
        return rl.loss_and_gradients(params, U, targets, loss="cross_entropy",
                                     x_init=x_init)[0]

    numeric = rl.numerical_param_gradients(loss, p)
    for name, g, n in zip(rl.Params._fields, grads.params, numeric):
        assert rl.relative_error(g, n) < 1e-6, name
    # The outputs are probabilities.
    assert np.allclose(tr.Y.sum(axis=-1), 1.0)


def test_per_step_state_gradients_are_total_derivatives(rng):
    """dX[t] = dL/dx_t: perturb x_t by adding to the pre-activation's effect.

    Perturbing the state x_s directly means running the rest of the sequence from
    x_s + e; we do that by restarting the RNN at step s + 1 with x_init = x_s + e.
    """
    p, U, x_init = make_problem(rng, T=7)
    target = rng.standard_normal((7, 2))
    tr = rl.forward(p, U, x_init)
    L, dY = rl.mse(tr.Y, target)
    grads = rl.backward(p, tr, dY)
    for s in [0, 3, 6]:
        def loss_from(xs, s=s):
            head = rl.mse(tr.Y[:s], target[:s])[0] if s > 0 else 0.0
            y_s = xs @ p.W_yx.T + p.b_y
            now = 0.5 * np.sum((y_s - target[s]) ** 2)
            tail = 0.0
            if s + 1 < 7:
                rest = rl.forward(p, U[s + 1:], xs)
                tail = rl.mse(rest.Y, target[s + 1:])[0]
            return head + now + tail
        num = rl.numerical_gradient(loss_from, tr.X[s])
        assert rl.relative_error(grads.dX[s], num) < 1e-6


@pytest.mark.parametrize("B", [None, 2])
def test_truncation_with_window_at_least_T_is_exact(rng, B):
    p, U, x_init = make_problem(rng, T=5, B=B)
    tr = rl.forward(p, U, x_init)
    _, dY = rl.mse(tr.Y, np.zeros_like(tr.Y))
    full = rl.backward(p, tr, dY)
    for k in (5, 9):
        trunc = rl.backward(p, tr, dY, truncate=k)
        for a, b in zip(full.params, trunc.params):
            assert np.allclose(a, b, rtol=1e-12, atol=1e-14)
        assert np.allclose(full.x_init, trunc.x_init, rtol=1e-12, atol=1e-14)
        assert np.allclose(full.dX, trunc.dX, rtol=1e-12, atol=1e-14)


def test_truncated_gradient_equals_sum_of_windowed_paths(rng):
    """Window k: the gradient of a loss l_t flows back at most k steps.

    Independent check: for each t, differentiate l_t alone through a copy of the
    network whose states before step t - k are frozen (their values computed, then
    treated as constants), by finite differences on the parameters.
    """
    T, k = 6, 2
    p, U, x_init = make_problem(rng, T=T)
    target = rng.standard_normal((T, 2))
    tr = rl.forward(p, U, x_init)
    grads = rl.backward(p, tr, rl.mse(tr.Y, target)[1], truncate=k)

    def windowed_loss(params):
        total = 0.0
        for t in range(T):
            s0 = t - k          # x_{s0 - 1} is frozen; steps s0..t see the new params
            start = max(s0, 0)
            x_frozen = tr.X[start - 1] if start > 0 else x_init
            run = rl.forward(params, U[start:t + 1], x_frozen)
            # Only the parameter effect at steps t-k..t counts; at step t-k the
            # path from x_{t-k-1} is cut, which the frozen start does for us.
            total += 0.5 * np.sum((run.Y[-1] - target[t]) ** 2)
        return total

    numeric = rl.numerical_param_gradients(windowed_loss, p)
    for name, g, n in zip(rl.Params._fields, grads.params, numeric):
        assert rl.relative_error(g, n) < 1e-6, name


def test_truncation_zero_keeps_only_immediate_terms(rng):
    p, U, x_init = make_problem(rng, T=4)
    tr = rl.forward(p, U, x_init)
    _, dY = rl.mse(tr.Y, np.ones_like(tr.Y))
    g = rl.backward(p, tr, dY, truncate=0)
    assert np.allclose(g.dX, dY @ p.W_yx)
    assert np.allclose(g.x_init, 0.0)


def test_clipping_keeps_direction_and_caps_norm(rng):
    p, U, x_init = make_problem(rng, T=5, radius=3.0)
    _, grads, _ = rl.loss_and_gradients(p, U, 10 * np.ones((5, 2)), activation="identity")
    norm = rl.global_norm(grads.params)
    assert norm > 1.0
    clipped, before = rl.clip_by_global_norm(grads.params, 1.0)
    assert before == pytest.approx(norm)
    assert rl.global_norm(clipped) == pytest.approx(1.0)
    flat = np.concatenate([g.ravel() for g in grads.params])
    flat_c = np.concatenate([g.ravel() for g in clipped])
    cos = flat @ flat_c / (np.linalg.norm(flat) * np.linalg.norm(flat_c))
    assert cos == pytest.approx(1.0)
    same, _ = rl.clip_by_global_norm(grads.params, 2 * norm)
    assert all(np.array_equal(a, b) for a, b in zip(same, grads.params))
    elem = rl.clip_elementwise(grads.params, 0.1)
    assert max(np.max(np.abs(g)) for g in elem) <= 0.1


def test_numerical_gradient_on_a_known_function():
    x = np.array([0.3, -1.2, 2.0])
    g = rl.numerical_gradient(lambda v: float(np.sum(np.sin(v)) + v[0] * v[1]), x)
    assert np.allclose(g, np.cos(x) + np.array([x[1], x[0], 0.0]), atol=1e-8)


@pytest.mark.parametrize("kwargs, exc, message", [
    (dict(truncate=-1), ValueError, "truncate must be >= 0, got -1"),
    (dict(truncate=1.5), TypeError, "truncate must be an integer"),
])
def test_backward_rejects_bad_truncation(rng, kwargs, exc, message):
    p, U, x_init = make_problem(rng)
    tr = rl.forward(p, U, x_init)
    with pytest.raises(exc, match=message):
        rl.backward(p, tr, np.zeros_like(tr.Y), **kwargs)


def test_backward_rejects_wrong_gradient_shape(rng):
    p, U, x_init = make_problem(rng)
    tr = rl.forward(p, U, x_init)
    with pytest.raises(ValueError, match=r"dY must have the shape of trace.Y \(6, 2\)"):
        rl.backward(p, tr, np.zeros((6, 3)))
    with pytest.raises(ValueError, match="exactly one of dY"):
        rl.backward(p, tr)


# -- long sequences: against a naive loop written out step by step ------------------------
# rnn_lib's forward and backward run over whole arrays; this reference runs one sequence
# at a time, one step at a time, with column vectors, its own activations and the step
# Jacobian J_t = diag(sigma'(a_t)) W_xx formed explicitly. It shares no code with the
# library, and its sequences are long enough that an index off by one anywhere in time
# (a wrong x_{t-1}, a step skipped at a boundary) changes the result.
NAIVE = {
    "tanh": (np.tanh, lambda a: 1 - np.tanh(a) ** 2),
    "sigmoid": (lambda a: 1 / (1 + np.exp(-a)), lambda a: np.exp(-a) / (1 + np.exp(-a)) ** 2),
    "relu": (lambda a: np.maximum(a, 0), lambda a: (a > 0) * 1.0),
    "identity": (lambda a: a, lambda a: np.ones_like(a)),
}


def _naive_forward(p, U, x_init, lengths, activation):
    """Per sequence b: the states x_{-1}, ..., x_{T-1} and pre-activations a_t, as columns.

    Sequence b has lengths[b] real steps; after them its state is held.
    """
    sigma, _ = NAIVE[activation]
    runs = []
    for b in range(U.shape[1]):
        xs, As = [x_init[b][:, None]], []                  # xs[t + 1] is x_t
        for t in range(U.shape[0]):
            a = p.W_xx @ xs[-1] + p.W_xu @ U[t, b][:, None] + p.b_x[:, None]
            As.append(a)
            xs.append(sigma(a) if t < lengths[b] else xs[-1])
        runs.append((xs, As))
    return runs


def _naive_step_back(p, activation, xs, As, s, u, real, delta, grads):
    """Add step s's terms to grads, given delta = dL/dx_s; return dL/dx_{s-1} by J_s^T."""
    _, dsigma = NAIVE[activation]
    if not real:                                           # x_s = x_{s-1}: J_s = I
        return delta
    J = np.diag(dsigma(As[s])[:, 0]) @ p.W_xx              # d x_s / d x_{s-1}
    da = dsigma(As[s]) * delta                             # dL/da_s
    grads[0] += da @ xs[s].T                               # x_{s-1} = xs[s]
    grads[1] += da @ u[None, :]
    grads[3] += da[:, 0]
    return J.T @ delta


def _naive_forward_backward(p, U, x_init, lengths, activation, dY):
    """States, outputs and every gradient of L with dL/dy_t = dY, one sequence and one
    step at a time: delta = dL/dx_s gathers dl_s/dx_s, then crosses J_s back to x_{s-1}."""
    T, B, _ = U.shape
    X, Y = np.zeros((T, B, len(p.b_x))), np.zeros((T, B, len(p.b_y)))
    grads = [np.zeros_like(q) for q in p]
    dX, dx_init = np.zeros_like(X), np.zeros_like(x_init)
    for b, (xs, As) in enumerate(_naive_forward(p, U, x_init, lengths, activation)):
        delta = np.zeros((len(p.b_x), 1))                  # dL/dx_{T-1} from later steps: 0
        for s in range(T - 1, -1, -1):
            X[s, b] = xs[s + 1][:, 0]
            Y[s, b] = (p.W_yx @ xs[s + 1] + p.b_y[:, None])[:, 0]
            dy = dY[s, b][:, None]
            grads[2] += dy @ xs[s + 1].T
            grads[4] += dy[:, 0]
            delta = delta + p.W_yx.T @ dy                  # + dl_s/dx_s
            dX[s, b] = delta[:, 0]
            delta = _naive_step_back(p, activation, xs, As, s, U[s, b], s < lengths[b],
                                     delta, grads)
        dx_init[b] = delta[:, 0]
    return X, Y, rl.Params(*grads), dx_init, dX


def _naive_truncated(p, U, x_init, activation, dY, k):
    """Truncated BPTT written out: each loss l_t alone, sent back through at most k
    Jacobians, to the parameters of steps t-k..t and to x_init if t + 1 <= k."""
    T, B, _ = U.shape
    grads = [np.zeros_like(q) for q in p]
    dX, dx_init = np.zeros((T, B, len(p.b_x))), np.zeros_like(x_init)
    for b, (xs, As) in enumerate(_naive_forward(p, U, x_init, [T] * B, activation)):
        for t in range(T):
            dy = dY[t, b][:, None]
            grads[2] += dy @ xs[t + 1].T
            grads[4] += dy[:, 0]
            delta = p.W_yx.T @ dy                          # dl_t/dx_t
            for s in range(t, max(t - k, 0) - 1, -1):      # s = t, ..., t - k
                dX[s, b] += delta[:, 0]
                delta = _naive_step_back(p, activation, xs, As, s, U[s, b], True, delta, grads)
            if t + 1 <= k:                                 # x_init is t + 1 Jacobians back
                dx_init[b] += delta[:, 0]
    return rl.Params(*grads), dx_init, dX


def _long_problem(seed, T, B, activation):
    rng = np.random.default_rng(seed)
    p = rl.init_params(5, 3, 2, rng, spectral_radius=0.95)
    p = p._replace(b_x=0.3 * rng.standard_normal(5), b_y=0.3 * rng.standard_normal(2))
    if activation == "relu":
        p = p._replace(b_x=np.abs(p.b_x) + 0.2)            # most units stay on
    U = rng.standard_normal((T, B, 3))
    x_init = 0.5 * rng.standard_normal((B, 5))
    lengths = np.array([T, T - 37, T // 2 + 1, 1])[:B]      # full, near full, half, one step
    dY = rng.standard_normal((T, B, 2))
    return p, U, x_init, lengths, dY


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("T", [300, 517])
def test_long_padded_batches_match_a_naive_step_by_step_loop(activation, T):
    p, U, x_init, lengths, dY = _long_problem(T, T, 4, activation)
    tr = rl.forward(p, U, x_init, lengths=lengths, activation=activation)
    g = rl.backward(p, tr, dY)
    X, Y, grads, dx_init, dX = _naive_forward_backward(p, U, x_init, lengths, activation, dY)
    assert np.allclose(tr.X, X, rtol=1e-12, atol=1e-12)
    assert np.allclose(tr.Y, Y, rtol=1e-12, atol=1e-12)
    for name, a, b in zip(rl.Params._fields, g.params, grads):
        assert rl.relative_error(a, b) < 1e-11, name
    assert rl.relative_error(g.x_init, dx_init) < 1e-11
    assert rl.relative_error(g.dX, dX) < 1e-11
    # without padding, the same: the full-length sequence alone
    one = rl.backward(p, rl.forward(p, U[:, :1], x_init[:1], activation=activation), dY[:, :1])
    _, _, grads1, dx1, dX1 = _naive_forward_backward(p, U[:, :1], x_init[:1], lengths[:1],
                                                     activation, dY[:, :1])
    for name, a, b in zip(rl.Params._fields, one.params, grads1):
        assert rl.relative_error(a, b) < 1e-11, name
    assert rl.relative_error(one.x_init, dx1) < 1e-11 and rl.relative_error(one.dX, dX1) < 1e-11


@pytest.mark.parametrize("activation", ["tanh", "sigmoid"])
@pytest.mark.parametrize("k", [0, 1, 7, 40])
def test_long_truncated_bptt_matches_a_naive_windowed_loop(activation, k):
    T = 300
    p, U, x_init, _, dY = _long_problem(k, T, 2, activation)     # no padding
    tr = rl.forward(p, U, x_init, activation=activation)
    g = rl.backward(p, tr, dY, truncate=k)
    grads, dx_init, dX = _naive_truncated(p, U, x_init, activation, dY, k)
    for name, a, b in zip(rl.Params._fields, g.params, grads):
        assert rl.relative_error(a, b) < 1e-11, name
    assert rl.relative_error(g.dX, dX) < 1e-11
    assert np.allclose(g.x_init, dx_init, rtol=1e-11, atol=1e-14)


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "identity"])
def test_long_padded_batch_matches_finite_differences(activation):
    """Every parameter and x_init of a padded batch of 200 steps, by central differences."""
    T = 200
    p, U, x_init, lengths, _ = _long_problem(1, T, 3, activation)
    rng = np.random.default_rng(2)
    target = rng.standard_normal((T, 3, 2))

    def loss(q, x0=x_init):
        return rl.loss_and_gradients(q, U, target, lengths=lengths, x_init=x0,
                                     activation=activation)[0]

    _, g, _ = rl.loss_and_gradients(p, U, target, lengths=lengths, x_init=x_init,
                                    activation=activation)
    check_all_gradients(loss, p, x_init, g, tol=1e-6)


# -- the faster private copy used by loss_and_gradients ------------------------------------
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("B, n_x", [(None, 8), (16, 32), (3, 5)])
def test_fast_copy_equals_the_plain_functions_on_long_runs(activation, B, n_x):
    """_fast_bptt goes back in blocks (here 2048 / 32 / 1092 steps of a 517-step run with
    (B, n_x) = (1, 8) / (16, 32) / (3, 5)); it must give the plain functions' numbers."""
    rng = np.random.default_rng(n_x)
    T = 517
    p = rl.init_params(n_x, 3, 2, rng, spectral_radius=0.95)
    p = p._replace(b_x=np.abs(rng.standard_normal(n_x)) * 0.3, b_y=rng.standard_normal(2))
    batch = () if B is None else (B,)
    U = rng.standard_normal((T,) + batch + (3,))
    x_init = rng.standard_normal(batch + (n_x,))
    lengths = None if B is None else rng.integers(1, T + 1, size=B)
    if lengths is not None:
        lengths[0] = T
    for out in ["identity", "softmax"]:
        kw = dict(lengths=lengths, activation=activation, output_activation=out)
        plain, fast = rl.forward(p, U, x_init, **kw), _fast_bptt.forward(p, U, x_init, **kw)
        for name, a, b in zip(rl.Trace._fields[:6], plain[:6], fast[:6]):
            assert rl.relative_error(a, b) < 1e-13, name      # sums in another order
        dY = rng.standard_normal(plain.Y.shape)
        g, h = rl.backward(p, plain, dY), _fast_bptt.backward(p, fast, dY)
        for name, a, b in zip(rl.Params._fields, g.params, h.params):
            assert rl.relative_error(a, b) < 1e-12, name
        assert rl.relative_error(g.x_init, h.x_init) < 1e-12
        assert rl.relative_error(g.dX, h.dX) < 1e-12
    dZ = rng.standard_normal(plain.Z.shape)                  # softmax cross-entropy's path
    g, h = rl.backward(p, plain, dZ=dZ), _fast_bptt.backward(p, fast, dZ=dZ)
    assert all(rl.relative_error(a, b) < 1e-12 for a, b in zip(g.params, h.params))


def test_loss_and_gradients_is_forward_loss_and_backward(rng):
    p, U, x_init = make_problem(rng, T=40, B=3)
    target = rng.integers(0, 2, size=(40, 3))
    L, g, tr = rl.loss_and_gradients(p, U, target, loss="cross_entropy", x_init=x_init,
                                     lengths=np.array([40, 7, 23]))
    plain = rl.forward(p, U, x_init, lengths=np.array([40, 7, 23]), output_activation="softmax")
    L2, dZ = rl.softmax_cross_entropy(plain.Z, target, plain.valid)
    assert L == pytest.approx(L2, rel=1e-13)
    for a, b in zip(g.params, rl.backward(p, plain, dZ=dZ).params):
        assert rl.relative_error(a, b) < 1e-12
