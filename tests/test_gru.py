"""The GRU: BPTT against central finite differences for every parameter and x_init,
the forward pass (and the gradients) against torch.nn.GRU, the step Jacobians against
finite differences, padding, bad input, and training through rnn_lib.train.

torch is not among the book's requirements, so what torch computes for one problem is
also stored (``data/gru_torch_reference.npz``, written by ``python tests/test_gru.py``
with torch installed): without torch the GRU is checked against that file, and with
torch the file is checked against torch."""
import sys
from pathlib import Path

import numpy as np
import pytest

import rnn_lib as rl
from gradcheck import TOL, check_all_gradients
from rnn_lib import gru, leaky
from rnn_lib.train import train


def make_gru_problem(rng, *, T=6, B=None, n_x=4, n_u=3, n_y=2, scale=2.0):
    """GRU parameters (scaled up so that the gates are far from 1/2) and inputs."""
    p = gru.init_params(n_x, n_u, n_y, rng)
    p = gru.Params(*(scale * a for a in p))
    batch = () if B is None else (B,)
    U = rng.standard_normal((T,) + batch + (n_u,))
    x_init = 0.5 * rng.standard_normal(batch + (n_x,))
    return p, U, x_init


@pytest.mark.parametrize("loss_name", ["mse", "cross_entropy"])
@pytest.mark.parametrize("B", [None, 3])
def test_gradients_match_finite_differences(rng, loss_name, B):
    p, U, x_init = make_gru_problem(rng, B=B, n_y=3)
    if loss_name == "mse":
        target = rng.standard_normal(U.shape[:-1] + (3,))
    else:
        target = rng.integers(0, 3, size=U.shape[:-1])

    def loss(params, x0=x_init):
        return gru.loss_and_gradients(params, U, target, loss=loss_name, x_init=x0)[0]

    _, grads, _ = gru.loss_and_gradients(p, U, target, loss=loss_name, x_init=x_init)
    check_all_gradients(loss, p, x_init, grads)


@pytest.mark.parametrize("output_activation", ["sigmoid", "softmax"])
def test_gradients_through_an_output_activation(rng, output_activation):
    p, U, x_init = make_gru_problem(rng, B=2, n_y=3)
    target = rng.random(U.shape[:-1] + (3,))
    mask = (rng.random(U.shape[:-1]) < 0.7).astype(float)

    def loss(params, x0=x_init):
        return gru.loss_and_gradients(params, U, target, mask=mask, x_init=x0,
                                      output_activation=output_activation)[0]

    _, grads, _ = gru.loss_and_gradients(p, U, target, mask=mask, x_init=x_init,
                                         output_activation=output_activation)
    check_all_gradients(loss, p, x_init, grads)


@pytest.mark.parametrize("loss_name", ["mse", "cross_entropy"])
@pytest.mark.parametrize("last_only", [False, True])
def test_padded_batch_gradients_match_finite_differences(rng, loss_name, last_only):
    """Loss on every real step, or only at the last step T - 1: many-to-one, where the
    held state of a short sequence carries the gradient back through its padding."""
    p, U, x_init = make_gru_problem(rng, T=7, B=4, n_y=3)
    lengths = np.array([7, 3, 5, 1])
    mask = np.eye(7)[-1][:, None] * np.ones(4) if last_only else None
    if loss_name == "mse":
        target = rng.standard_normal((7, 4, 3))
    else:
        target = rng.integers(0, 3, size=(7, 4))

    def loss(params, x0=x_init):
        return gru.loss_and_gradients(params, U, target, loss=loss_name, mask=mask,
                                      x_init=x0, lengths=lengths)[0]

    _, grads, _ = gru.loss_and_gradients(p, U, target, loss=loss_name, mask=mask,
                                         x_init=x_init, lengths=lengths)
    check_all_gradients(loss, p, x_init, grads)


def test_per_step_state_gradients_are_total_derivatives(rng):
    """dX[t] = dL/dx_t: restart the run at step t + 1 from x_t + e."""
    p, U, x_init = make_gru_problem(rng, T=6)
    target = rng.standard_normal((6, 2))
    tr = gru.forward(p, U, x_init)
    grads = gru.backward(p, tr, rl.mse(tr.Y, target)[1])
    for t in [0, 2, 4]:
        def rest(x_t, t=t):
            y_t = x_t @ p.W_yx.T + p.b_y
            tail = gru.forward(p, U[t + 1:], x_t)
            return (0.5 * np.sum((y_t - target[t]) ** 2)
                    + 0.5 * np.sum((tail.Y - target[t + 1:]) ** 2))
        num = rl.numerical_gradient(rest, tr.X[t])
        assert rl.relative_error(grads.dX[t], num) < TOL


def test_the_reset_and_update_bias_gradients_are_equal(rng):
    """b_ru and b_rx (b_zu and b_zx) only appear as a sum: the same gradient."""
    p, U, x_init = make_gru_problem(rng, B=2)
    _, g, _ = gru.loss_and_gradients(p, U, rng.standard_normal((6, 2, 2)), x_init=x_init)
    assert np.array_equal(g.params.b_ru, g.params.b_rx)
    assert np.array_equal(g.params.b_zu, g.params.b_zx)


# --- against torch.nn.GRU ------------------------------------------------------------

def torch_gru(torch, p):
    """torch.nn.GRU + Linear in float64 holding the parameters ``p`` (the module's table)."""
    n_x, n_u, n_y = p.sizes
    net = torch.nn.GRU(n_u, n_x, dtype=torch.float64)
    lin = torch.nn.Linear(n_x, n_y, dtype=torch.float64)
    with torch.no_grad():
        net.weight_ih_l0.copy_(torch.from_numpy(np.concatenate([p.W_ru, p.W_zu, p.W_nu])))
        net.weight_hh_l0.copy_(torch.from_numpy(np.concatenate([p.W_rx, p.W_zx, p.W_nx])))
        net.bias_ih_l0.copy_(torch.from_numpy(np.concatenate([p.b_ru, p.b_zu, p.b_nu])))
        net.bias_hh_l0.copy_(torch.from_numpy(np.concatenate([p.b_rx, p.b_zx, p.b_nx])))
        lin.weight.copy_(torch.from_numpy(p.W_yx))
        lin.bias.copy_(torch.from_numpy(p.b_y))
    return net, lin


REFERENCE = Path(__file__).with_name("data") / "gru_torch_reference.npz"
GATES = [("W_ru", "W_zu", "W_nu"), ("W_rx", "W_zx", "W_nx"), ("b_ru", "b_zu", "b_nu"),
         ("b_rx", "b_zx", "b_nx")]


def torch_computes(torch, p, U, x_init, target):
    """States, loss and gradients of torch.nn.GRU + Linear (mse, batch mean), by name."""
    net, lin = torch_gru(torch, p)
    x0 = torch.tensor(x_init[None], requires_grad=True)          # (1, [B,] n_x)
    X_t, _ = net(torch.from_numpy(U), x0)
    B = 1 if U.ndim == 2 else U.shape[1]
    loss = 0.5 * ((lin(X_t) - torch.from_numpy(target)) ** 2).sum() / B
    loss.backward()
    out = {"X": X_t.detach().numpy(), "loss": np.array(loss.item()),
           "dW_yx": lin.weight.grad.numpy(), "db_y": lin.bias.grad.numpy(),
           "dx_init": x0.grad.numpy()[0]}
    for tensor, names in zip([net.weight_ih_l0, net.weight_hh_l0, net.bias_ih_l0,
                              net.bias_hh_l0], GATES):
        for name, part in zip(names, np.split(tensor.grad.numpy(), 3)):   # r, z, n
            out["d" + name] = part
    return out


def reference_problem():
    p, U, x_init = make_gru_problem(np.random.default_rng(2024), T=9, B=5, n_x=6)
    target = np.random.default_rng(2025).standard_normal(U.shape[:-1] + (2,))
    return p, U, x_init, target


def load_reference():
    with np.load(REFERENCE) as f:
        data = dict(f)
    p = gru.Params(*(data.pop("p_" + name) for name in gru.Params._fields))
    U, x_init, target = data.pop("U"), data.pop("x_init"), data.pop("target")
    return p, U, x_init, target, data


def assert_gru_computes(want, p, U, x_init, target):
    """rnn_lib's GRU gives torch's states (to 1e-13), loss and gradients (to 1e-12)."""
    L, grads, tr = gru.loss_and_gradients(p, U, target, x_init=x_init)
    np.testing.assert_allclose(tr.X, want["X"], rtol=0, atol=1e-13)
    assert abs(L - want["loss"]) < 1e-12 * abs(L)
    for name in gru.Params._fields:
        assert rl.relative_error(getattr(grads.params, name), want["d" + name]) < 1e-12, name
    assert rl.relative_error(grads.x_init, want["dx_init"]) < 1e-12


@pytest.mark.parametrize("B", [None, 5])
def test_forward_and_gradients_equal_torch(rng, B):
    torch = pytest.importorskip("torch")
    p, U, x_init = make_gru_problem(rng, T=9, B=B, n_x=6, n_u=3, n_y=2)
    target = rng.standard_normal(U.shape[:-1] + (2,))
    assert_gru_computes(torch_computes(torch, p, U, x_init, target), p, U, x_init, target)


def test_gru_equals_what_torch_computed():
    """Without torch installed too: the stored states, loss and gradients of torch."""
    p, U, x_init, target, want = load_reference()
    assert_gru_computes(want, p, U, x_init, target)


def test_stored_reference_is_what_torch_computes():
    torch = pytest.importorskip("torch")
    p, U, x_init, target, want = load_reference()
    got = torch_computes(torch, p, U, x_init, target)
    assert sorted(got) == sorted(want)
    for name, value in got.items():
        np.testing.assert_allclose(value, want[name], rtol=1e-12, atol=1e-14, err_msg=name)


def test_padded_batch_equals_torch_packed_sequences(rng):
    torch = pytest.importorskip("torch")
    p, U, x_init = make_gru_problem(rng, T=8, B=4, n_x=5)
    lengths = np.array([8, 2, 5, 1])
    tr = gru.forward(p, U, x_init, lengths=lengths)
    net, _ = torch_gru(torch, p)
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        torch.from_numpy(U), torch.from_numpy(lengths), enforce_sorted=False)
    out, x_last = net(packed, torch.from_numpy(x_init[None]))
    out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, total_length=8)
    real = rl.length_mask(lengths, 8)[..., None] > 0
    np.testing.assert_allclose(np.where(real, tr.X, 0), out.detach().numpy(), atol=1e-13)
    np.testing.assert_allclose(tr.X[-1], x_last[0].detach().numpy(), atol=1e-13)


# --- structure ------------------------------------------------------------------------

def test_fixed_gates_give_the_leaky_unit(rng):
    """r_t = 1 and z_t = 1 - alpha (constant gates): the leaky unit with W_xx = W_nx."""
    alpha = 0.3
    p, U, x_init = make_gru_problem(rng, B=2)
    zeros = np.zeros_like
    p = p._replace(W_ru=zeros(p.W_ru), W_rx=zeros(p.W_rx), b_ru=np.full(4, 40.0),
                   b_rx=zeros(p.b_rx), W_zu=zeros(p.W_zu), W_zx=zeros(p.W_zx),
                   b_zu=np.full(4, np.log((1 - alpha) / alpha)), b_zx=zeros(p.b_zx))
    tr = gru.forward(p, U, x_init)
    assert np.all(tr.reset == 1.0)
    np.testing.assert_allclose(tr.update, 1 - alpha, rtol=1e-15)
    lp = rl.Params(p.W_nx, p.W_nu, p.W_yx, p.b_nu + p.b_nx, p.b_y)
    ref = leaky.forward(lp, U, x_init, alpha=alpha)
    np.testing.assert_allclose(tr.X, ref.X, rtol=1e-12, atol=1e-14)


def numerical_jacobian(step, x0):
    """d step(x) / dx at x0 by central differences, row i = d step_i / dx."""
    return np.stack([rl.numerical_gradient(lambda x, i=i: step(x)[i], x0)
                     for i in range(x0.size)])


@pytest.mark.parametrize("B", [None, 3])
def test_step_jacobians_match_finite_differences(rng, B):
    p, U, x_init = make_gru_problem(rng, T=5, B=B)
    lengths = None if B is None else np.array([5, 2, 4])
    tr = gru.forward(p, U, x_init, lengths=lengths)
    J = gru.step_jacobians(p, tr)
    assert J.shape == tr.X.shape + (4,)
    X_prev = np.concatenate([x_init[None], tr.X[:-1]])
    for t in range(5):
        for idx in ([()] if B is None else [(b,) for b in range(B)]):
            if lengths is not None and t >= lengths[idx[0]]:
                assert np.array_equal(J[(t,) + idx], np.eye(4))   # padding holds the state
                continue
            u = U[(slice(t, t + 1),) + idx]                         # (1, n_u): one step

            def step(x, u=u):
                return gru.forward(p, u, x).X[0]
            num = numerical_jacobian(step, X_prev[(t,) + idx])
            assert rl.relative_error(J[(t,) + idx], num) < TOL


def test_an_open_update_gate_passes_the_state_unchanged(rng):
    """z_t -> 1: x_t = x_{t-1} and J_t = I, whatever the other weights."""
    p, U, x_init = make_gru_problem(rng)
    p = p._replace(b_zu=np.full(4, 40.0))
    tr = gru.forward(p, U, x_init)
    assert np.allclose(tr.X, x_init, rtol=0, atol=1e-15)
    assert np.allclose(gru.step_jacobians(p, tr), np.eye(4), rtol=0, atol=1e-15)


def test_padding_holds_the_state_and_matches_the_unpadded_runs(rng):
    p, U, x_init = make_gru_problem(rng, T=6, B=3)
    lengths = np.array([6, 2, 4])
    tr = gru.forward(p, U, x_init, lengths=lengths)
    for b, n in enumerate(lengths):
        alone = gru.forward(p, U[:n, b], x_init[b])
        np.testing.assert_allclose(tr.X[:n, b], alone.X, rtol=1e-14, atol=1e-15)
        assert np.array_equal(tr.X[n:, b], np.broadcast_to(tr.X[n - 1, b], (6 - n, 4)))


def test_init_is_seeded_and_bounded():
    a = gru.init_params(16, 3, 2, np.random.default_rng(7))
    b = gru.init_params(16, 3, 2, np.random.default_rng(7))
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert all(np.abs(x).max() <= 0.25 for x in a)           # k = 1/sqrt(16)
    assert a.sizes == (16, 3, 2)


def test_sigmoid_is_the_logistic_function_and_does_not_overflow():
    a = np.array([-800.0, -30.0, -1.0, 0.0, 2.5, 30.0, 800.0])
    with np.errstate(over="raise"):
        s = gru.sigmoid(a)
    np.testing.assert_allclose(s[1:-1], 1 / (1 + np.exp(-a[1:-1])), rtol=1e-13, atol=1e-16)
    assert s[0] == 0.0 and s[-1] == 1.0


def test_bad_inputs_give_clear_errors(rng):
    p, U, _ = make_gru_problem(rng, B=2)
    with pytest.raises(TypeError, match="rng must be a numpy.random.Generator"):
        gru.init_params(4, 3, 2, 0)
    with pytest.raises(TypeError, match="14 arrays"):
        gru.forward(tuple(p)[:13], U)
    with pytest.raises(TypeError, match="14 arrays"):
        gru.forward(rl.init_params(4, 3, 2, rng), U)
    with pytest.raises(ValueError, match=r"W_zx must have shape \(4, 4\)"):
        gru.forward(p._replace(W_zx=np.zeros((4, 3))), U)
    with pytest.raises(ValueError, match=r"b_nx must have shape \(4,\)"):
        gru.forward(p._replace(b_nx=np.zeros(5)), U)
    with pytest.raises(ValueError, match="W_nu contains NaN"):
        gru.forward(p._replace(W_nu=np.full((4, 3), np.nan)), U)
    with pytest.raises(ValueError, match="U has 2 features but W_ru, W_zu, W_nu take 3"):
        gru.forward(p, U[..., :2])
    with pytest.raises(ValueError, match="U is an empty sequence"):
        gru.forward(p, U[:0])
    with pytest.raises(ValueError, match=r"x_init must have shape \(2, 4\)"):
        gru.forward(p, U, np.zeros(4))
    with pytest.raises(ValueError, match="lengths needs a batch"):
        gru.forward(p, U[:, 0], lengths=np.array([3]))
    with pytest.raises(ValueError, match="one length per sequence"):
        gru.forward(p, U, lengths=np.array([3, 2, 1]))
    with pytest.raises(ValueError, match="lengths must lie in"):
        gru.forward(p, U, lengths=np.array([3, 7]))
    tr = gru.forward(p, U)
    with pytest.raises(ValueError, match="exactly one of dY"):
        gru.backward(p, tr)
    with pytest.raises(ValueError, match="dZ must have the shape"):
        gru.backward(p, tr, dZ=np.zeros((6, 2)))
    with pytest.raises(TypeError, match="gru.Trace"):
        gru.step_jacobians(p, leaky.forward(rl.init_params(4, 3, 2, rng), U, alpha=0.5))
    with pytest.raises(ValueError, match="unknown loss"):
        gru.loss_and_gradients(p, U, np.zeros(tr.Y.shape), loss="hinge")
    with pytest.raises(ValueError, match="needs output_activation='softmax'"):
        gru.loss_and_gradients(p, U, np.zeros((6, 2), int), loss="cross_entropy",
                               output_activation="sigmoid")


def test_train_runs_on_the_gru(rng):
    """rnn_lib.train takes the GRU's parameter tree through its ``objective`` hook."""
    p = gru.init_params(8, 1, 1, rng)
    U = rng.standard_normal((10, 16, 1))
    target = np.zeros_like(U)
    target[3:] = U[:-3]                                      # echo the input 3 steps later

    def objective(params, batch):
        L, grads, _ = gru.loss_and_gradients(params, *batch)
        return L, grads.params

    p1, history = train(p, (U, target), steps=40, objective=objective, lr=0.03)
    assert isinstance(p1, gru.Params)
    assert history["diverged_at"] is None
    assert history["loss"][-1] < 0.5 * history["loss"][0]


def test_update_bias_shifts_b_zu_only():
    a = gru.init_params(8, 2, 1, np.random.default_rng(3))
    b = gru.init_params(8, 2, 1, np.random.default_rng(3), update_bias=2.0)
    for name, x, y in zip(gru.Params._fields, a, b):
        np.testing.assert_array_equal(y, x + 2.0 if name == "b_zu" else x, err_msg=name)


def test_gradient_flow_is_bptt_and_the_gates_alone_when_no_weight_reads_the_state(rng):
    """With W_rx = W_zx = W_nx = 0, J_t = diag(z_t): the measured norm is the gates' part.
    In general the measured norms are BPTT's delta_k for l = w . x_{T-1}."""
    p, U, _ = make_gru_problem(rng, T=25)
    f = gru.gradient_flow(p, U)
    tr = gru.forward(p, U)
    dY = np.zeros_like(tr.Y)
    dY[-1, 0] = 1.0 / np.linalg.norm(p.W_yx[0])
    delta = gru.backward(p, tr, dY).dX
    np.testing.assert_allclose(f.grad_norm, np.linalg.norm(delta, axis=-1)[::-1], rtol=1e-10)
    assert np.all(f.grad_norm <= f.product_bound * (1 + 1e-12))
    assert f.update.shape == (25, 4) and f.steps_back[0] == 0 and np.isclose(f.carried[0], 1)
    zero = np.zeros_like(p.W_rx)
    q = p._replace(W_rx=zero, W_zx=zero, W_nx=zero)
    g = gru.gradient_flow(q, U)
    np.testing.assert_allclose(g.grad_norm, g.carried, rtol=1e-12)
    z = gru.forward(q, U).update
    w = q.W_yx[0] / np.linalg.norm(q.W_yx[0])
    np.testing.assert_allclose(g.carried[3], np.linalg.norm(w * z[-3:].prod(axis=0)), rtol=1e-12)


if __name__ == "__main__":          # python tests/test_gru.py: write the torch reference
    import torch

    p, U, x_init, target = reference_problem()
    out = torch_computes(torch, p, U, x_init, target)
    REFERENCE.parent.mkdir(exist_ok=True)
    np.savez(REFERENCE, U=U, x_init=x_init, target=target,
             **{"p_" + name: getattr(p, name) for name in gru.Params._fields}, **out)
    print(f"wrote {REFERENCE} with torch {torch.__version__}", file=sys.stderr)
