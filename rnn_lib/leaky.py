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

from . import gradient_flow as gf
from ._units import check_trace
from .activations import hidden_activation, sup_derivative
from .activations import output_activation as output_map
from .bptt import _sum_outer, _sum_rows
from .elman import Params, check_params, forward_inputs, init_params
from .losses import loss_and_dZ, output_activation_for, output_gradient

__all__ = ["Params", "init_params", "Trace", "Gradients", "forward", "backward",
           "loss_and_gradients", "step_jacobians", "gradient_flow"]


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
    params, U, x_init, valid = forward_inputs(params, U, x_init, lengths, activation,
                                              output_activation)   # as the Elman RNN's
    sigma, _ = hidden_activation(activation)
    W_xx, W_xu, W_yx, b_x, b_y = params

    A = np.empty(U.shape[:-1] + (W_xx.shape[0],))        # (T, [B,] n_x)
    S, X = np.empty_like(A), np.empty_like(A)
    x = x_init
    with np.errstate(over="ignore", invalid="ignore"):   # divergence shows as inf/nan
        for t in range(U.shape[0]):
            A[t] = x @ W_xx.T + U[t] @ W_xu.T + b_x      # a_t = W_xx x_{t-1} + W_xu u_t + b_x
            S[t] = sigma(A[t])                            # s_t = sigma(a_t)
            X[t] = (1 - alpha) * x + alpha * S[t]         # x_t = (1 - alpha) x_{t-1} + alpha s_t
            if valid is not None:                         # padding step (m_t = 0): hold
                X[t] = np.where(valid[t, :, None] > 0, X[t], x)
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
    check_trace(trace, Trace, "leaky")
    dZ = output_gradient(trace, dY, dZ)                   # dL/dz_t
    params = check_params(params)
    W_xx, W_yx = params.W_xx, params.W_yx
    U, x_init, A, S, X, alpha = trace.U, trace.x_init, trace.A, trace.S, trace.X, trace.alpha
    _, dsigma = hidden_activation(trace.activation)
    m = None if trace.valid is None else trace.valid[..., None]    # (T, B, 1) m_t
    X_prev = np.concatenate([x_init[None], X[:-1]])       # (T, [B,] n_x) x_{t-1}

    G = dZ @ W_yx                                         # g_t = W_yx^T dz_t
    dX = np.empty_like(X)                                 # delta_t = dL/dx_t
    dA = np.empty_like(A)                                 # da_t = dL/da_t
    dx_next = np.zeros_like(x_init)                       # what reaches x_t from step t+1
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(X.shape[0] - 1, -1, -1):
            dX[t] = G[t] + dx_next                        # delta_t = g_t + J_{t+1}^T delta_{t+1}
            dx = dX[t] if m is None else m[t] * dX[t]     # (a padding step skips the update)
            ds = alpha * dx                               # backprop through the leak:
            dx_prev = (1 - alpha) * dx                    #   x_t = (1-alpha) x_{t-1} + alpha s_t
            dA[t] = dsigma(A[t], S[t]) * ds               # backprop through sigma
            dx_prev += dA[t] @ W_xx                       # backprop through W_xx x_{t-1}
            if m is not None:                             # and through x_t = x_{t-1} on padding
                dx_prev += (1 - m[t]) * dX[t]
            dx_next = dx_prev
        # The same weights act at every step: each gradient is one sum over time.
        grads = Params(W_xx=_sum_outer(dA, X_prev),       # sum_t da_t x_{t-1}^T
                       W_xu=_sum_outer(dA, U),            # sum_t da_t u_t^T
                       W_yx=_sum_outer(dZ, X),            # sum_t dz_t x_t^T
                       b_x=_sum_rows(dA),                 # sum_t da_t
                       b_y=_sum_rows(dZ))                 # sum_t dz_t
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
    out = output_activation_for(loss, output_activation)
    trace = forward(params, U, x_init, alpha=alpha, lengths=lengths, activation=activation,
                    output_activation=out)
    L, dZ = loss_and_dZ(trace, target, loss, mask)
    return L, backward(params, trace, dZ=dZ), trace


def step_jacobians(params: Params, trace: Trace) -> np.ndarray:
    """J_t = d x_t / d x_{t-1} at every step of a run, shape (T, [B,] n_x, n_x).

        J_t = (1 - alpha) I + alpha diag(sigma'(a_t)) W_xx   on a real step,
        J_t = I                                               on a padding step.

    ``J[t] @ J[t-1] @ ... @ J[s+1]`` is d x_t / d x_s, how a change of the state at
    step s is felt at step t (and, transposed, how far the gradient reaches back).
    """
    check_trace(trace, Trace, "leaky")
    W_xx = check_params(params).W_xx
    _, dsigma = hidden_activation(trace.activation)
    alpha, I = trace.alpha, np.eye(W_xx.shape[0])
    D = dsigma(trace.A, trace.S)[..., :, None]            # (T, [B,] n_x, 1) sigma'(a_t)
    J = (1 - alpha) * I + alpha * D * W_xx                # diag(d) W scales W's rows
    if trace.valid is None:
        return J
    m = trace.valid[..., None, None]                      # (T, B, 1, 1)
    return m * J + (1 - m) * I


def gradient_flow(params: Params, U, *, alpha: float, x_init=None,
                  activation: str = "tanh") -> gf.GradientFlow:
    """Chapter 4's ``gradient_flow`` for the leaky unit: ||d l_t/d x_k|| and its bounds.

    For a loss at the last step t = T - 1 of one sequence, with d l_t/d x_t the first
    row of W_yx normalised to length 1 (as in chapter 4): the measured norm, the
    trajectory's bound prod_j ||J_j|| and the bound that needs only W_xx and sigma,

        ||J_j|| <= (1 - alpha) + alpha gamma sigma_max(W_xx),

    raised to the power t - k. With alpha = 1 it is chapter 4's figure.

    Returns
    -------
    gradient_flow.GradientFlow
        Its ``power_bound`` is ((1 - alpha) + alpha gamma sigma_max)^(t-k).
    """
    params = check_params(params)
    trace = forward(params, U, x_init, alpha=alpha, activation=activation)
    if trace.X.ndim != 2:
        raise ValueError(f"U must be one sequence (T, n_u), got shape {trace.U.shape}")
    gamma = sup_derivative(activation)
    kappa = (1 - trace.alpha) + trace.alpha * gamma * gf.largest_singular_value(params.W_xx)
    return gf.flow(step_jacobians(params, trace), gf.readout_direction(params.W_yx),
                   params.W_xx, gamma, kappa, trace.X)
