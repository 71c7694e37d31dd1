"""The leaky unit: an Elman RNN whose state moves only part of the way at each step.

Chapter 6 teaches it. Chapter 1's first-order system keeps a share a of its state at
every step; the leaky unit keeps a fixed share 1 - alpha and moves the rest of the way
towards the Elman RNN's update (``rnn_lib.elman``):

    a_t = W_xx x_{t-1} + W_xu u_t + b_x,      s_t = sigma(a_t)
    x_t = (1 - alpha) x_{t-1} + alpha s_t
    z_t = W_yx x_t + b_y,                     y_t = sigma_y(z_t)

The leak rate alpha in (0, 1] is a fixed hyper-parameter, not trained; alpha = 1 is
exactly the Elman RNN, a small alpha makes x_t a slow running average of s_t. The
parameters are the Elman RNN's five (``Params``, ``init_params``). One step's Jacobian,

    J_t = d x_t / d x_{t-1} = (1 - alpha) I + alpha diag(sigma'(a_t)) W_xx,

keeps a part (1 - alpha) I that no small sigma' or W_xx can shrink: chapter 4's bound
||J_t|| <= gamma ||W_xx|| becomes ||J_t|| <= (1 - alpha) + alpha gamma ||W_xx||, so the
gradient reaches about 1/alpha times further back (and so does the memory of an input).

BPTT (``backward``) runs the chain rule through these lines in reverse order; with
delta_t = dL/dx_t and g_t = W_yx^T dz_t the loss's direct pull on x_t,

    delta_t = g_t + J_{t+1}^T delta_{t+1},     da_t = sigma'(a_t) * alpha delta_t,
    dW_xx = sum_t da_t x_{t-1}^T,   dW_xu = sum_t da_t u_t^T,   db_x = sum_t da_t,
    dW_yx = sum_t dz_t x_t^T,       db_y = sum_t dz_t,          dx_init = J_0^T delta_0.

Arrays are time-major row vectors, as in ``rnn_lib.elman``: ``U (T, [B,] n_u)``.

References: H. Jaeger, M. Lukosevicius, D. Popovici & U. Siewert, "Optimization and
applications of echo state networks with leaky-integrator neurons", Neural Networks 20
(2007); Y. Bengio, N. Boulanger-Lewandowski & R. Pascanu, "Advances in optimizing
recurrent networks", ICASSP 2013.
"""
from __future__ import annotations

import numbers
from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, check_choice
from .activations import (
    HIDDEN_ACTIVATIONS,
    OUTPUT_ACTIVATIONS,
    hidden_activation,
    output_activation_vjp,
)
from .activations import output_activation as output_map
from .elman import Params, check_inputs, check_params, init_params, length_mask
from .losses import mse, softmax_cross_entropy

__all__ = ["Params", "init_params", "Trace", "Gradients", "forward", "backward",
           "loss_and_gradients", "step_jacobians"]


class Trace(NamedTuple):
    """Everything the leaky unit's forward pass computed, kept for ``backward``.

    U : (T, [B,] n_u) inputs u_t;  x_init : ([B,] n_x) the state x_{-1};
    A : (T, [B,] n_x) pre-activations a_t;  S : (T, [B,] n_x) s_t = sigma(a_t);
    X : (T, [B,] n_x) states x_t;  Z : (T, [B,] n_y) z_t;  Y : (T, [B,] n_y) y_t;
    alpha : the leak rate;  valid : (T, B) of 0/1 or None, 1 on the real steps
    of a padded batch (``forward``'s ``lengths``).
    """

    U: np.ndarray
    x_init: np.ndarray
    A: np.ndarray
    S: np.ndarray
    X: np.ndarray
    Z: np.ndarray
    Y: np.ndarray
    alpha: float
    activation: str
    output_activation: str
    valid: np.ndarray | None = None


class Gradients(NamedTuple):
    """What ``backward`` returns: ``params`` (a ``Params`` of dW_xx, dW_xu, dW_yx, db_x,
    db_y), ``x_init`` ([B,] n_x) dL/dx_init and ``dX`` (T, [B,] n_x) delta_t = dL/dx_t."""

    params: Params
    x_init: np.ndarray
    dX: np.ndarray


def check_alpha(alpha) -> float:
    """Return the leak rate as a float in (0, 1], or raise a clear error."""
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) \
            or not 0 < float(alpha) <= 1:
        raise ValueError(f"alpha (the leak rate) must be a number in (0, 1], got {alpha!r}")
    return float(alpha)


def _step_mask(lengths, U: np.ndarray):
    """(valid, M): valid (T, B) 0/1 or None; M (T, [B,] 1) = m_t, 1 on every real step."""
    if lengths is None:
        return None, np.ones(U.shape[:-1] + (1,))
    if U.ndim != 3:
        raise ValueError(f"lengths needs a batch U of shape (T, B, n_u), got shape {U.shape}")
    valid = length_mask(lengths, U.shape[0])
    if valid.shape[1] != U.shape[1]:
        raise ValueError(f"lengths has {valid.shape[1]} entries but U holds a batch of "
                         f"{U.shape[1]} sequences; give one length per sequence")
    return valid, valid[..., None]


def _sum_outer(D: np.ndarray, V: np.ndarray) -> np.ndarray:
    """sum over steps (and batch) of d v^T: (T, [B,] n) and (T, [B,] m) -> (n, m)."""
    return D.reshape(-1, D.shape[-1]).T @ V.reshape(-1, V.shape[-1])


def forward(params: Params, U, x_init=None, *, alpha: float, lengths=None,
            activation: str = "tanh", output_activation: str = "identity") -> Trace:
    """Run the leaky unit over a sequence or a batch of sequences.

    For t = 0, ..., T-1 (with x_{-1} = ``x_init``):

        x_t = (1 - alpha) x_{t-1} + alpha sigma(W_xx x_{t-1} + W_xu u_t + b_x),
        y_t = sigma_y(W_yx x_t + b_y)

    Parameters
    ----------
    params : Params
        The Elman RNN's five parameters.
    U : ndarray, shape (T, n_u) or (T, B, n_u)
        Inputs; ``U[t]`` is u_t.
    x_init : ndarray, shape (n_x,) or (B, n_x), optional
        The state before the first input; zeros by default.
    alpha : float in (0, 1], keyword only
        The leak rate; 1 gives the Elman RNN.
    lengths : int ndarray, shape (B,), optional
        Real lengths of a padded batch. On a padding step (m_t = 0) the state is
        held: x_t = m_t (the update above) + (1 - m_t) x_{t-1}.
    activation : {'tanh', 'sigmoid', 'relu', 'identity'}
        sigma.
    output_activation : {'identity', 'sigmoid', 'softmax'}
        sigma_y.

    Returns
    -------
    Trace
    """
    alpha = check_alpha(alpha)
    check_choice(activation, "activation", HIDDEN_ACTIVATIONS)
    check_choice(output_activation, "output activation", OUTPUT_ACTIVATIONS)
    params = check_params(params)
    U, x_init = check_inputs(params, U, x_init)
    valid, M = _step_mask(lengths, U)
    sigma, _ = hidden_activation(activation)
    W_xx, W_xu, W_yx, b_x, b_y = params

    A = np.empty(U.shape[:-1] + (W_xx.shape[0],))        # (T, [B,] n_x)
    S, X = np.empty_like(A), np.empty_like(A)
    x = x_init
    with np.errstate(over="ignore", invalid="ignore"):   # divergence shows as inf/nan
        for t in range(U.shape[0]):
            A[t] = x @ W_xx.T + U[t] @ W_xu.T + b_x      # a_t = W_xx x_{t-1} + W_xu u_t + b_x
            S[t] = sigma(A[t])                            # s_t = sigma(a_t)
            x_new = (1 - alpha) * x + alpha * S[t]        # x_t = (1 - alpha) x_{t-1} + alpha s_t
            X[t] = M[t] * x_new + (1 - M[t]) * x          # a padding step holds the state
            x = X[t]
        Z = X @ W_yx.T + b_y                              # (T, [B,] n_y) z_t
        Y = output_map(output_activation)(Z)
    return Trace(U, x_init, A, S, X, Z, Y, alpha, activation, output_activation, valid)


def backward(params: Params, trace: Trace, dY=None, *, dZ=None) -> Gradients:
    """Exact gradients of L for the five parameters and ``x_init``, by BPTT.

    Each line of the loop undoes one line of ``forward``'s loop, last line first.

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
    params = check_params(params)
    if not isinstance(trace, Trace):
        raise TypeError("trace must be the rnn_lib.leaky.Trace returned by leaky.forward, "
                        f"got {type(trace).__name__}")
    if (dY is None) == (dZ is None):
        raise ValueError("give exactly one of dY (dL/dy_t) and dZ (dL/dz_t)")
    if dZ is None:
        dY = as_float_array(dY, "dY", finite=False)
        if dY.shape != trace.Y.shape:
            raise ValueError(f"dY must have the shape of trace.Y {trace.Y.shape}, got {dY.shape}")
        dZ = output_activation_vjp(trace.output_activation, trace.Y, dY)
    else:
        dZ = as_float_array(dZ, "dZ", finite=False)
        if dZ.shape != trace.Z.shape:
            raise ValueError(f"dZ must have the shape of trace.Z {trace.Z.shape}, got {dZ.shape}")
    W_xx, W_yx = params.W_xx, params.W_yx
    U, x_init, A, S, X, alpha = trace.U, trace.x_init, trace.A, trace.S, trace.X, trace.alpha
    _, dsigma = hidden_activation(trace.activation)
    M = np.ones(X.shape[:-1] + (1,)) if trace.valid is None else trace.valid[..., None]
    X_prev = np.concatenate([x_init[None], X[:-1]])       # (T, [B,] n_x) x_{t-1}

    G = dZ @ W_yx                                         # g_t = W_yx^T dz_t
    dX = np.empty_like(X)                                 # delta_t = dL/dx_t
    dA = np.empty_like(A)                                 # da_t = dL/da_t
    dx_next = np.zeros_like(x_init)                       # what reaches x_t from step t+1
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(X.shape[0] - 1, -1, -1):
            dX[t] = G[t] + dx_next                        # delta_t = g_t + J_{t+1}^T delta_{t+1}
            dx_new = M[t] * dX[t]                         # backprop through the padding hold
            dx_prev = (1 - M[t]) * dX[t]
            ds = alpha * dx_new                           # backprop through the leak:
            dx_prev += (1 - alpha) * dx_new               #   x_t = (1-alpha) x_{t-1} + alpha s_t
            dA[t] = dsigma(A[t], S[t]) * ds               # backprop through sigma
            dx_prev += dA[t] @ W_xx                       # backprop through W_xx x_{t-1}
            dx_next = dx_prev
        # The same weights act at every step: each gradient is one sum over time.
        grads = Params(W_xx=_sum_outer(dA, X_prev),       # sum_t da_t x_{t-1}^T
                       W_xu=_sum_outer(dA, U),            # sum_t da_t u_t^T
                       W_yx=_sum_outer(dZ, X),            # sum_t dz_t x_t^T
                       b_x=dA.reshape(-1, dA.shape[-1]).sum(axis=0),
                       b_y=dZ.reshape(-1, dZ.shape[-1]).sum(axis=0))
    return Gradients(grads, dx_next, dX)


def loss_and_gradients(params: Params, U, target, *, alpha: float, loss: str = "mse",
                       mask=None, x_init=None, lengths=None, activation: str = "tanh",
                       output_activation: str | None = None
                       ) -> tuple[float, Gradients, Trace]:
    """Forward pass, loss and BPTT of the leaky unit in one call.

    As ``rnn_lib.loss_and_gradients`` (without truncation): ``loss='mse'`` compares y_t
    with ``target`` (shape of Y); ``loss='cross_entropy'`` takes integer classes
    ``target (T, [B])`` and uses softmax outputs. With ``lengths`` and no ``mask`` the
    loss counts every real step and no padding step.

    Returns
    -------
    L : float
    grads : Gradients
    trace : Trace
    """
    check_choice(loss, "loss", ("mse", "cross_entropy"))
    if loss == "cross_entropy" and output_activation not in (None, "softmax"):
        raise ValueError("loss='cross_entropy' needs output_activation='softmax', got "
                         f"{output_activation!r}")
    out = "softmax" if loss == "cross_entropy" else output_activation or "identity"
    trace = forward(params, U, x_init, alpha=alpha, lengths=lengths, activation=activation,
                    output_activation=out)
    if mask is None:
        mask = trace.valid                                # None, or the real steps
    if loss == "mse":
        L, dY = mse(trace.Y, target, mask)
        return L, backward(params, trace, dY), trace
    L, dZ = softmax_cross_entropy(trace.Z, target, mask)
    return L, backward(params, trace, dZ=dZ), trace


def step_jacobians(params: Params, trace: Trace) -> np.ndarray:
    """J_t = d x_t / d x_{t-1} at every step of a run, shape (T, [B,] n_x, n_x).

        J_t = (1 - alpha) I + alpha diag(sigma'(a_t)) W_xx   on a real step,
        J_t = I                                               on a padding step.

    ``J[t] @ J[t-1] @ ... @ J[s+1]`` is d x_t / d x_s, how a change of the state at
    step s is felt at step t (and, transposed, how far the gradient reaches back).
    """
    params = check_params(params)
    if not isinstance(trace, Trace):
        raise TypeError("trace must be the rnn_lib.leaky.Trace returned by leaky.forward, "
                        f"got {type(trace).__name__}")
    _, dsigma = hidden_activation(trace.activation)
    alpha, I = trace.alpha, np.eye(params.W_xx.shape[0])
    D = dsigma(trace.A, trace.S)[..., :, None]            # (T, [B,] n_x, 1) sigma'(a_t)
    J = (1 - alpha) * I + alpha * D * params.W_xx         # diag(d) W scales W's rows
    if trace.valid is None:
        return J
    m = trace.valid[..., None, None]                      # (T, B, 1, 1)
    return m * J + (1 - m) * I
