"""The gated recurrent unit (GRU): parameters, initialisation, forward pass and BPTT.

Chapter 6 teaches it. The leaky unit (``rnn_lib.leaky``) keeps a fixed share of its
state at every step; the GRU lets the network decide, step by step and unit by unit,
how much to keep (the update gate z_t) and how much of the old state to use when it
proposes a new one (the reset gate r_t). In the book's notation (state x, input u) and
with exactly the equations of ``torch.nn.GRU``, for t = 0, ..., T-1 from x_{-1} = x_init:

    r_t = sigmoid(W_ru u_t + b_ru + W_rx x_{t-1} + b_rx)          reset gate
    z_t = sigmoid(W_zu u_t + b_zu + W_zx x_{t-1} + b_zx)          update gate
    n_t = tanh(W_nu u_t + b_nu + r_t * q_t)                       candidate
          q_t = W_nx x_{t-1} + b_nx
    x_t = (1 - z_t) * n_t + z_t * x_{t-1}
    y_t = sigma_y(W_yx x_t + b_y)                                  output layer

(``*`` multiplies entry by entry.) With z_t = 1 - alpha fixed and r_t = 1 this is the
leaky unit with W_xx = W_nx; 1 - z_t is a learned, input-dependent leak rate. The
output layer is the Elman RNN's, and as there ``Trace.Z`` holds its pre-activation
W_yx x_t + b_y (for ``softmax_cross_entropy``); the update gates are ``Trace.update``.

Parameters and torch.nn.GRU(n_u, n_x) + torch.nn.Linear(n_x, n_y):

    weight_ih_l0 (3 n_x, n_u) = rows [W_ru; W_zu; W_nu]    (n_x, n_u) each
    weight_hh_l0 (3 n_x, n_x) = rows [W_rx; W_zx; W_nx]    (n_x, n_x) each
    bias_ih_l0 (3 n_x,) = [b_ru; b_zu; b_nu],  bias_hh_l0 (3 n_x,) = [b_rx; b_zx; b_nx]
    Linear.weight = W_yx (n_y, n_x),  Linear.bias = b_y (n_y,)

b_ru and b_rx (and b_zu, b_zx) only ever appear as a sum, so their gradients are
equal; torch keeps both and so does this module. Cho et al. (2014) put the reset gate
before the matrix, W_nx (r_t * x_{t-1}); torch (and cuDNN) put it after, as here.

BPTT (``backward``) undoes the forward loop line by line, last line first; each
weight's gradient is then one sum over time of its local terms, e.g.
dW_rx = sum_t da^r_t x_{t-1}^T with da^r_t = dL/d(pre-activation of r_t).

``gradient_flow`` measures how far back a loss at the last step reaches, as chapter 4's
``gradient_flow`` does for the Elman RNN, next to the path on which the update gates
alone carry the state. Arrays are time-major row vectors, as in ``rnn_lib.elman``:
``U (T, [B,] n_u)``.

References: K. Cho, B. van Merrienboer, C. Gulcehre, D. Bahdanau, F. Bougares,
H. Schwenk & Y. Bengio, "Learning phrase representations using RNN encoder-decoder for
statistical machine translation", EMNLP 2014; PyTorch's ``torch.nn.GRU`` documentation.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from . import gradient_flow as gf
from ._checks import as_float_array, as_int, check_choice, check_rng
from ._units import as_params, check_sequence, check_trace
from .activations import OUTPUT_ACTIVATIONS
from .activations import output_activation as output_map
from .bptt import _sum_outer, _sum_rows
from .losses import loss_and_dZ, output_activation_for, output_gradient


class Params(NamedTuple):
    """The GRU's fourteen parameters (also used for their gradients), gate by gate.

    W_ru, W_zu, W_nu : (n_x, n_u) input -> reset gate, update gate, candidate;
    W_rx, W_zx, W_nx : (n_x, n_x) previous state -> the same;
    b_ru, b_rx, b_zu, b_zx, b_nu, b_nx : (n_x,);
    W_yx : (n_y, n_x) and b_y : (n_y,), the output layer.
    """

    W_ru: np.ndarray
    W_rx: np.ndarray
    b_ru: np.ndarray
    b_rx: np.ndarray
    W_zu: np.ndarray
    W_zx: np.ndarray
    b_zu: np.ndarray
    b_zx: np.ndarray
    W_nu: np.ndarray
    W_nx: np.ndarray
    b_nu: np.ndarray
    b_nx: np.ndarray
    W_yx: np.ndarray
    b_y: np.ndarray

    @property
    def sizes(self) -> tuple[int, int, int]:
        """``(n_x, n_u, n_y)``."""
        return self.W_ru.shape[0], self.W_ru.shape[1], self.W_yx.shape[0]


class Trace(NamedTuple):
    """Everything the forward pass computed, kept for ``backward``.

    U : (T, [B,] n_u) inputs u_t;  x_init : ([B,] n_x) the state x_{-1};
    reset, update, candidate : (T, [B,] n_x) r_t, z_t, n_t;
    recurrent : (T, [B,] n_x) q_t = W_nx x_{t-1} + b_nx, the term r_t scales;
    X : (T, [B,] n_x) states x_t;  Z : (T, [B,] n_y) W_yx x_t + b_y;  Y : y_t;
    valid : (T, B) of 0/1 or None, 1 on the real steps of a padded batch.
    """

    U: np.ndarray
    x_init: np.ndarray
    reset: np.ndarray
    update: np.ndarray
    candidate: np.ndarray
    recurrent: np.ndarray
    X: np.ndarray
    Z: np.ndarray
    Y: np.ndarray
    output_activation: str
    valid: np.ndarray | None = None


class Gradients(NamedTuple):
    """What ``backward`` returns: ``params`` (a ``Params`` of the fourteen gradients),
    ``x_init`` ([B,] n_x) dL/dx_init and ``dX`` (T, [B,] n_x) delta_t = dL/dx_t."""

    params: Params
    x_init: np.ndarray
    dX: np.ndarray


def init_params(n_x: int, n_u: int, n_y: int, rng: np.random.Generator, *,
                update_bias: float = 0.0) -> Params:
    """Random parameters from the distribution torch.nn.GRU and torch.nn.Linear use.

    Every weight and bias is uniform on [-k, k] with k = 1/sqrt(n_x) (the same
    distribution, not torch's numbers: ``rng`` draws them, field by field). Then
    ``update_bias`` is added to b_zu: the update gates start near sigmoid(update_bias)
    (1/2 by default), and a positive value makes a new GRU keep its state, as the
    forget-gate bias of 1 does for the LSTM (Jozefowicz, Zaremba & Sutskever 2015).

    Parameters
    ----------
    n_x, n_u, n_y : int
        Sizes of the state, the input and the output (each >= 1).
    rng : numpy.random.Generator
        The only source of randomness (the same draws for every ``update_bias``).
    update_bias : float
        Added to every entry of b_zu.

    Returns
    -------
    Params
    """
    n_x = as_int(n_x, "n_x", minimum=1)
    n_u = as_int(n_u, "n_u", minimum=1)
    n_y = as_int(n_y, "n_y", minimum=1)
    check_rng(rng)
    k = 1.0 / np.sqrt(n_x)
    shapes = _shapes(n_x, n_u, n_y)
    p = Params(**{name: rng.uniform(-k, k, size=shapes[name]) for name in Params._fields})
    return p._replace(b_zu=p.b_zu + float(update_bias))


def _shapes(n_x: int, n_u: int, n_y: int) -> dict[str, tuple[int, ...]]:
    """The shape of every parameter."""
    shapes = {"W_yx": (n_y, n_x), "b_y": (n_y,)}
    for gate in "rzn":
        shapes |= {f"W_{gate}u": (n_x, n_u), f"W_{gate}x": (n_x, n_x),
                   f"b_{gate}u": (n_x,), f"b_{gate}x": (n_x,)}
    return shapes


def check_params(params) -> Params:
    """Return ``params`` as float arrays with consistent shapes, or raise a clear error."""
    params = as_params(params, Params, "rnn_lib.gru.Params (14 arrays: "
                       + ", ".join(Params._fields) + ")")
    arrays = {name: as_float_array(p, name, ndim=(1,) if name[0] == "b" else (2,))
              for name, p in zip(Params._fields, params)}
    (n_x, n_u), n_y = arrays["W_ru"].shape, arrays["W_yx"].shape[0]
    for name, shape in _shapes(n_x, n_u, n_y).items():
        if arrays[name].shape != shape:
            raise ValueError(f"{name} must have shape {shape} (n_x = {n_x}, n_u = {n_u} "
                             f"from W_ru, n_y = {n_y} from W_yx), got {arrays[name].shape}")
    return Params(**arrays)


def sigmoid(a: np.ndarray) -> np.ndarray:
    """The logistic function 1 / (1 + e^-a), as (1 + tanh(a/2)) / 2: it cannot overflow."""
    return 0.5 * (1.0 + np.tanh(0.5 * a))


def forward(params: Params, U, x_init=None, *, lengths=None,
            output_activation: str = "identity") -> Trace:
    """Run the GRU over a sequence or a batch of sequences (equations: module docstring).

    Parameters
    ----------
    params : Params
    U : ndarray, shape (T, n_u) or (T, B, n_u)
        Inputs; ``U[t]`` is u_t.
    x_init : ndarray, shape (n_x,) or (B, n_x), optional
        The state before the first input; zeros by default.
    lengths : int ndarray, shape (B,), optional
        Real lengths of a padded batch. On a padding step (m_t = 0) the state is
        held: x_t = m_t ((1 - z_t) n_t + z_t x_{t-1}) + (1 - m_t) x_{t-1}, so
        ``X[-1]`` is each sequence's state after its own last input.
    output_activation : {'identity', 'sigmoid', 'softmax'}
        sigma_y.

    Returns
    -------
    Trace
    """
    check_choice(output_activation, "output activation", OUTPUT_ACTIVATIONS)
    p = check_params(params)
    n_x, n_u, _ = p.sizes
    U, x_init, valid = check_sequence(U, x_init, lengths, n_x, n_u, "W_ru, W_zu, W_nu")
    R = np.empty(U.shape[:-1] + (n_x,))                   # (T, [B,] n_x) r_t
    Zg, N, Q, X = (np.empty_like(R) for _ in range(4))   # z_t (Z is y_t's), n_t, q_t, x_t
    # The input terms hold no state: computed for every t at once, before the loop.
    In_r = U @ p.W_ru.T + p.b_ru + p.b_rx                 # (T, [B,] n_x) W_ru u_t + b_ru + b_rx
    In_z = U @ p.W_zu.T + p.b_zu + p.b_zx                 # (T, [B,] n_x) W_zu u_t + b_zu + b_zx
    In_n = U @ p.W_nu.T + p.b_nu                          # (T, [B,] n_x) W_nu u_t + b_nu
    x = x_init
    for t in range(U.shape[0]):
        R[t] = sigmoid(In_r[t] + x @ p.W_rx.T)            # reset gate r_t
        Zg[t] = sigmoid(In_z[t] + x @ p.W_zx.T)           # update gate z_t
        Q[t] = x @ p.W_nx.T + p.b_nx                      # q_t = W_nx x_{t-1} + b_nx
        N[t] = np.tanh(In_n[t] + R[t] * Q[t])             # candidate n_t
        X[t] = (1 - Zg[t]) * N[t] + Zg[t] * x             # x_t
        if valid is not None:                             # padding step (m_t = 0): hold
            X[t] = np.where(valid[t, :, None] > 0, X[t], x)
        x = X[t]
    Z = X @ p.W_yx.T + p.b_y                              # (T, [B,] n_y) W_yx x_t + b_y
    Y = output_map(output_activation)(Z)
    return Trace(U, x_init, R, Zg, N, Q, X, Z, Y, output_activation, valid)


def backward(params: Params, trace: Trace, dY=None, *, dZ=None) -> Gradients:
    """Exact gradients of L for all fourteen parameters and ``x_init``, by BPTT.

    Each line of the loop undoes one line of ``forward``'s loop, last line first.
    With delta_t = dL/dx_t = g_t + (what reaches x_t from step t+1) and g_t =
    W_yx^T dz_t, the pre-activations' gradients are

        da^n_t = (1 - n_t^2) * (1 - z_t) * delta_t,
        da^z_t = z_t (1 - z_t) * (x_{t-1} - n_t) * delta_t,
        da^r_t = r_t (1 - r_t) * q_t * da^n_t,

    and each weight's gradient sums its local terms over time, e.g.
    dW_nx = sum_t (r_t * da^n_t) x_{t-1}^T and dW_zu = sum_t da^z_t u_t^T.

    Parameters
    ----------
    params : Params
        The parameters ``forward`` used.
    trace : Trace
        What ``forward`` returned.
    dY : ndarray, shape of ``trace.Y``
        dL/dy_t (e.g. from ``mse``).
    dZ : ndarray, shape of ``trace.Z``, keyword only
        dL/dz_t instead of dY (from ``softmax_cross_entropy``).

    Returns
    -------
    Gradients
    """
    p = check_params(params)
    check_trace(trace, Trace, "gru")
    dZ = output_gradient(trace, dY, dZ)                   # dL/dz_t
    U, X, R, Zg, N, Q = trace.U, trace.X, trace.reset, trace.update, trace.candidate, \
        trace.recurrent
    m = None if trace.valid is None else trace.valid[..., None]    # (T, B, 1) m_t
    X_prev = np.concatenate([trace.x_init[None], X[:-1]])  # (T, [B,] n_x) x_{t-1}

    G = dZ @ p.W_yx                                       # g_t = W_yx^T dz_t
    dX = np.empty_like(X)                                 # delta_t = dL/dx_t
    dA_r, dA_z, dA_n, dQ = (np.empty_like(X) for _ in range(4))   # da^r_t, da^z_t, da^n_t, dq_t
    dx_next = np.zeros_like(trace.x_init)                 # what reaches x_t from step t+1
    for t in range(X.shape[0] - 1, -1, -1):
        dX[t] = G[t] + dx_next                            # delta_t
        dx = dX[t] if m is None else m[t] * dX[t]         # (a padding step skips the update)
        dn = (1 - Zg[t]) * dx                             # backprop through
        dz = (X_prev[t] - N[t]) * dx                      #   x_t = (1 - z_t) n_t + z_t x_{t-1}
        dx_prev = Zg[t] * dx
        dA_n[t] = (1 - N[t] * N[t]) * dn                  # backprop through the candidate's tanh
        dr = Q[t] * dA_n[t]                               # backprop through r_t * q_t
        dQ[t] = R[t] * dA_n[t]
        dx_prev += dQ[t] @ p.W_nx                         # backprop through q_t = W_nx x_{t-1}
        dA_z[t] = Zg[t] * (1 - Zg[t]) * dz                # backprop through z_t's sigmoid
        dx_prev += dA_z[t] @ p.W_zx                       #   and W_zx x_{t-1}
        dA_r[t] = R[t] * (1 - R[t]) * dr                  # backprop through r_t's sigmoid
        dx_prev += dA_r[t] @ p.W_rx                       #   and W_rx x_{t-1}
        if m is not None:                                 # and through x_t = x_{t-1} on padding
            dx_prev += (1 - m[t]) * dX[t]
        dx_next = dx_prev
    # The same weights act at every step: each gradient is one sum over time.
    grads = Params(
        W_ru=_sum_outer(dA_r, U), W_rx=_sum_outer(dA_r, X_prev),
        b_ru=_sum_rows(dA_r), b_rx=_sum_rows(dA_r),
        W_zu=_sum_outer(dA_z, U), W_zx=_sum_outer(dA_z, X_prev),
        b_zu=_sum_rows(dA_z), b_zx=_sum_rows(dA_z),
        W_nu=_sum_outer(dA_n, U), W_nx=_sum_outer(dQ, X_prev),
        b_nu=_sum_rows(dA_n), b_nx=_sum_rows(dQ),
        W_yx=_sum_outer(dZ, X), b_y=_sum_rows(dZ))
    return Gradients(grads, dx_next, dX)


def loss_and_gradients(params: Params, U, target, *, loss: str = "mse", mask=None,
                       x_init=None, lengths=None, output_activation: str | None = None
                       ) -> tuple[float, Gradients, Trace]:
    """Forward pass, loss and BPTT of the GRU in one call.

    As ``rnn_lib.loss_and_gradients``: ``loss='mse'`` compares y_t with ``target``
    (shape of Y); ``loss='cross_entropy'`` takes integer classes ``target (T, [B])``
    and uses softmax outputs. With ``lengths`` and no ``mask`` the loss counts every
    real step and no padding step.

    Returns
    -------
    L : float
    grads : Gradients
    trace : Trace
    """
    out = output_activation_for(loss, output_activation)
    trace = forward(params, U, x_init, lengths=lengths, output_activation=out)
    L, dZ = loss_and_dZ(trace, target, loss, mask)
    return L, backward(params, trace, dZ=dZ), trace


def step_jacobians(params: Params, trace: Trace) -> np.ndarray:
    """J_t = d x_t / d x_{t-1} at every step of a run, shape (T, [B,] n_x, n_x).

    From x_t = (1 - z_t) * n_t + z_t * x_{t-1}, on a real step

        J_t = diag(z_t) + diag(x_{t-1} - n_t) dz_t/dx + diag(1 - z_t) dn_t/dx,
        dz_t/dx = diag(z_t (1 - z_t)) W_zx,   dr_t/dx = diag(r_t (1 - r_t)) W_rx,
        dn_t/dx = diag(1 - n_t^2) (diag(q_t) dr_t/dx + diag(r_t) W_nx),

    and J_t = I on a padding step. An update gate near 1 makes J_t near I: the state,
    and the gradient, pass the step unchanged.
    """
    p = check_params(params)
    check_trace(trace, Trace, "gru")
    X_prev = np.concatenate([trace.x_init[None], trace.X[:-1]])

    def col(v):                                           # diag(v) A == col(v) * A
        return v[..., :, None]

    R, Zg, N, Q = trace.reset, trace.update, trace.candidate, trace.recurrent
    dz_dx = col(Zg * (1 - Zg)) * p.W_zx                   # (T, [B,] n_x, n_x)
    dr_dx = col(R * (1 - R)) * p.W_rx
    dn_dx = col(1 - N * N) * (col(Q) * dr_dx + col(R) * p.W_nx)
    I = np.eye(p.W_nx.shape[0])
    J = col(Zg) * I + col(X_prev - N) * dz_dx + col(1 - Zg) * dn_dx
    if trace.valid is None:
        return J
    m = trace.valid[..., None, None]                      # (T, B, 1, 1)
    return m * J + (1 - m) * I


class GateFlow(NamedTuple):
    """What ``gradient_flow`` returns, for a loss at the last step t = T - 1.

    steps_back : (T,) t - k, 0 first;  grad_norm : (T,) ||d l_t/d x_k||;
    product_bound : (T,) prod_j ||J_j||, the trajectory's bound (chapter 4);
    carried : (T,) ||(z_t * ... * z_{k+1}) * d l_t/d x_t||, the part the update gates
        alone carry back (J_j's diag(z_j) term, as the leaky unit's (1 - alpha) I);
    update : (T, n_x) the update gates z_t of the run.
    """

    steps_back: np.ndarray
    grad_norm: np.ndarray
    product_bound: np.ndarray
    carried: np.ndarray
    update: np.ndarray


def gradient_flow(params: Params, U, x_init=None) -> GateFlow:
    """How far back a loss at the last step reaches through the GRU (chapter 4's figure).

    For one sequence ``U (T, n_u)``; d l_t/d x_t is the first row of W_yx normalised to
    length 1, as in chapter 4's ``gradient_flow``, so every curve starts at 1.
    """
    p = check_params(params)
    trace = forward(p, U, x_init)
    if trace.X.ndim != 2:
        raise ValueError(f"U must be one sequence (T, n_u), got shape {trace.U.shape}")
    delta_T = gf.readout_direction(p.W_yx)
    J = step_jacobians(p, trace)
    T = trace.X.shape[0]
    carried = np.ones_like(trace.update)                  # (T, n_x): z_t ... z_{k+1}, k = 0..t
    carried[:-1] = np.cumprod(trace.update[:0:-1], axis=0)[::-1]
    with np.errstate(over="ignore", invalid="ignore"):
        norms = np.linalg.norm(gf.backpropagate(J, delta_T), axis=-1)[::-1]
        product = gf.product_bound(gf.spectral_norms(J))[::-1]
    return GateFlow(np.arange(T), norms, product,
                    np.linalg.norm(carried * delta_T, axis=-1)[::-1], trace.update)
