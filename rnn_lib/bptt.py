"""Backpropagation through time (chapter 4): exact, truncated, clipped, checked.

With L = sum_t l_t(y_t), the *total* derivative of L with respect to the state,
delta_t = dL/dx_t, obeys the backward recursion (T - 1 down to 0)

    delta_t = g_t + J_{t+1}^T delta_{t+1},     g_t = d l_t / d x_t  (immediate part),
    J_{t+1} = d x_{t+1} / d x_t = diag(sigma'(a_{t+1})) W_xx,       delta_T = 0.

Because the same weights act at every step, each parameter's gradient is a sum over
time of its local contribution, with da_t = sigma'(a_t) * delta_t:

    dW_xx = sum_t da_t x_{t-1}^T,   dW_xu = sum_t da_t u_t^T,   db_x = sum_t da_t,
    dW_yx = sum_t dz_t x_t^T,       db_y  = sum_t dz_t,         dx_init = W_xx^T da_0.

A padded batch (``forward(..., lengths=...)``) holds the state on padding steps,
x_t = x_{t-1}; there the backward step is the identity, delta_{t-1} += delta_t, and
no gradient flows into the parameters.

Truncated BPTT with window k keeps the path from loss l_t back to the state x_s only
when it crosses at most k Jacobians (t - s <= k); k >= T gives the exact gradient.

References: P. J. Werbos, "Backpropagation through time: what it does and how to do
it", Proc. IEEE 78 (1990); R. J. Williams & J. Peng, Neural Computation 2 (1990).
"""
from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, as_int, as_positive_float
from ._tree import leaves, tree_map
from .activations import hidden_activation
from .elman import Params, Trace, check_params, forward
from .losses import loss_and_dZ, output_activation_for, output_gradient


class Gradients(NamedTuple):
    """What ``backward`` returns.

    params : Params of dW_xx, dW_xu, dW_yx, db_x, db_y (shapes of the parameters);
    x_init : ([B,] n_x) dL/dx_init;
    dX : (T, [B,] n_x) delta_t = dL/dx_t, the total derivative at every step
         (with truncation: only the paths of at most k steps).
    """

    params: Params
    x_init: np.ndarray
    dX: np.ndarray


def backward(params: Params, trace: Trace, dY=None, *, dZ=None,
             truncate: int | None = None) -> Gradients:
    """Exact (or truncated) gradients of L for all five parameters and ``x_init``.

    The backward loop runs ``forward``'s loop in reverse, t = T-1 down to 0, one line
    for each forward line (with da_t = dL/da_t and g_t = W_yx^T dz_t):

        delta_t = g_t + J_{t+1}^T delta_{t+1}       (x_t feeds z_t and a_{t+1})
        da_t    = sigma'(a_t) * delta_t             (x_t = sigma(a_t))
        J_t^T delta_t = W_xx^T da_t                 (a_t = W_xx x_{t-1} + ...)

    and then each parameter's gradient is one sum over time of the module docstring.

    Parameters
    ----------
    params : Params
        The parameters ``forward`` used.
    trace : Trace
        What ``forward`` returned.
    dY : ndarray, shape of ``trace.Y``
        dL/dy_t for every step (from a loss, e.g. ``mse``).
    dZ : ndarray, shape of ``trace.Z``, keyword only
        dL/dz_t instead of dY (from ``softmax_cross_entropy``).
    truncate : int >= 0, optional
        Window k of truncated BPTT; None (default) for the exact gradient.

    Returns
    -------
    Gradients
    """
    params, dZ, truncate = backward_inputs(params, trace, dY, dZ, truncate)   # dZ: dL/dz_t
    held = trace.valid is not None and not trace.valid.all()   # any padding step?
    W_xx, W_yx = params.W_xx, params.W_yx
    U, A, X = trace.U, trace.A, trace.X
    _, dsigma = hidden_activation(trace.activation)
    with np.errstate(over="ignore", invalid="ignore"):
        # The parts that need no recursion, for every t at once, before the loop (as the
        # input term in forward): dX starts as g_t, dA as sigma'(a_t).
        dX = dZ @ W_yx                             # (T, [B,] n_x): g_t = W_yx^T dz_t, for now
        dA = dsigma(A, X)                          # (T, [B,] n_x): sigma'(a_t), for now
        if held:                                   # padding step (m_t = 0): no path through sigma
            m = trace.valid[..., None]             # (T, B, 1)
            dA *= m
        if truncate is None:
            back = np.zeros_like(trace.x_init)     # J_{t+1}^T delta_{t+1}: 0 after the last step
            for t in reversed(range(X.shape[0])):
                dX[t] += back                      # delta_t = g_t + J_{t+1}^T delta_{t+1}
                dA[t] *= dX[t]                     # backprop through x_t = sigma(a_t)
                back = dA[t] @ W_xx                # backprop through a_t = W_xx x_{t-1} + ...
                if held:                           # and through x_t = x_{t-1} on padding
                    back += (1 - m[t]) * dX[t]
            dx_init = back                         # J_0^T delta_0 = dL/dx_{-1}
        else:
            dX, dx_init = _truncated_deltas(dX, dA, W_xx, truncate)
            dA *= dX                               # da_t = sigma'(a_t) * delta_t^(k)
        # Each weight acts at every step, so its gradient is a sum over time.
        X_prev = np.concatenate([trace.x_init[None], X[:-1]])   # x_{t-1}, x_{-1} = x_init
        grads = Params(W_xx=_sum_outer(dA, X_prev),   # sum_t da_t x_{t-1}^T   (n_x, n_x)
                       W_xu=_sum_outer(dA, U),        # sum_t da_t u_t^T       (n_x, n_u)
                       W_yx=_sum_outer(dZ, X),        # sum_t dz_t x_t^T       (n_y, n_x)
                       b_x=_sum_rows(dA),             # sum_t da_t             (n_x,)
                       b_y=_sum_rows(dZ))             # sum_t dz_t             (n_y,)
    return Gradients(grads, dx_init, dX)


def backward_inputs(params, trace, dY, dZ, truncate):
    """``backward``'s arguments checked: ``(params, dZ, truncate)``, with dZ = dL/dz_t
    from exactly one of dY (dL/dy_t, through y_t = sigma_y(z_t)) and dZ."""
    params = check_params(params)
    if not isinstance(trace, Trace):
        raise TypeError(f"trace must be the Trace returned by forward, got {type(trace).__name__}")
    if truncate is not None:
        truncate = as_int(truncate, "truncate", minimum=0)
        if trace.valid is not None and not trace.valid.all():
            raise ValueError("truncated BPTT is not available for padded sequences "
                             "(forward with lengths); use truncate=None")
    return params, output_gradient(trace, dY, dZ), truncate


def _sum_outer(D: np.ndarray, V: np.ndarray) -> np.ndarray:
    """sum_t d_t v_t^T over every step (and sequence): ``D (T, [B,] m)``, ``V (T, [B,] n)``.

    One matrix product: rows of the (T [* B], m) and (T [* B], n) arrays are paired up.
    """
    return D.reshape(-1, D.shape[-1]).T @ V.reshape(-1, V.shape[-1])


def _sum_rows(D: np.ndarray) -> np.ndarray:
    """sum_t d_t over every step (and sequence): ``D (T, [B,] m)`` -> ``(m,)``."""
    return D.reshape(-1, D.shape[-1]).sum(axis=0)


def _truncated_deltas(G: np.ndarray, S: np.ndarray, W_xx: np.ndarray, k: int):
    """delta_s^(k) = sum_{t=s}^{min(s+k, T-1)} (J_t ... J_{s+1})^T g_t for every s, and x_init's.

    The same backward loop as the exact one, but delta_s is kept in parts: ``R[j]`` is
    the part that comes from the loss l_{s+j}, which has crossed j Jacobians. A step
    back sends every part through one more Jacobian; the part that would cross k + 1
    falls out of the window. Returns ``(dX, dx_init)``.
    """
    R = np.zeros((k + 1,) + G.shape[1:])           # R[j]: part of delta_s from l_{s+j}
    dX = np.empty_like(G)
    for s in reversed(range(G.shape[0])):
        R[0] = G[s]                                # l_s's own part: g_s
        dX[s] = R.sum(axis=0)                      # delta_s^(k)
        R[1:] = (S[s] * R[:-1]) @ W_xx             # back through a_s to x_{s-1}: J_s^T
    return dX, R[1:].sum(axis=0)                   # the paths of <= k steps to x_{-1}


def loss_and_gradients(params: Params, U, target, *, loss: str = "mse", mask=None,
                       x_init=None, lengths=None, activation: str = "tanh",
                       output_activation: str | None = None,
                       truncate: int | None = None) -> tuple[float, Gradients, Trace]:
    """Forward pass, loss and BPTT in one call.

    ``loss='mse'`` compares y_t with ``target`` (shape of Y); ``loss='cross_entropy'``
    takes integer classes ``target (T, [B])`` and uses softmax outputs. The output
    activation defaults to identity for mse and softmax for cross-entropy.

    ``lengths (B,)`` marks a padded batch (see ``forward``); without a ``mask`` the
    loss then counts every real step and no padding step.

    The exact gradient comes from ``rnn_lib._fast_bptt``, a copy of ``forward`` and
    ``backward`` that computes the same numbers faster (tested against them); with
    ``truncate`` the functions themselves run.

    Returns
    -------
    L : float
    grads : Gradients
    trace : Trace
    """
    from . import _fast_bptt  # here, not at the top: it imports this module
    out = output_activation_for(loss, output_activation)     # sigma_y
    if truncate is None:
        run, gradients = _fast_bptt.forward, _fast_bptt.backward
    else:
        run, gradients = forward, partial(backward, truncate=truncate)
    trace = run(params, U, x_init, lengths=lengths, activation=activation,
                output_activation=out)
    L, dZ = loss_and_dZ(trace, target, loss, mask)           # mask None: the real steps
    return L, gradients(params, trace, dZ=dZ), trace


def global_norm(grads: Params) -> float:
    """||g|| = sqrt(sum over all parameter gradients of their squared entries).

    ``grads`` is a ``Params``, any nested tuple of them (e.g. ``Seq2Seq``), or one
    array (e.g. the two-entry gradient of chapter 4's one-unit model).
    """
    return float(np.sqrt(sum(np.vdot(g, g) for g in leaves(grads))))   # vdot: sum of g * g


def clip_by_global_norm(grads: Params, max_norm: float) -> tuple[Params, float]:
    """Rescale all gradients together so that their global norm is at most ``max_norm``.

    g <- g * min(1, max_norm / ||g||): the direction is kept, only the length is
    capped (Pascanu, Mikolov & Bengio 2013). ``grads`` as for ``global_norm``.

    Returns
    -------
    clipped : same structure as grads
    norm : float
        The global norm before clipping.
    """
    max_norm = as_positive_float(max_norm, "max_norm")
    norm = global_norm(grads)
    if norm <= max_norm:
        return grads, norm                             # nothing to clip
    return tree_map(lambda g: g * (max_norm / norm), grads), norm


def clip_elementwise(grads: Params, limit: float) -> Params:
    """Clip every entry to [-limit, limit] (changes the direction; compare chapter 4).

    ``grads`` is a ``Params``, any nested tuple of them, or one array.
    """
    limit = as_positive_float(limit, "limit")
    return tree_map(lambda g: np.clip(g, -limit, limit), grads)


def numerical_gradient(f: Callable[[np.ndarray], float], x, eps: float = 1e-6) -> np.ndarray:
    """Central differences: df/dx_i ~ (f(x + eps e_i) - f(x - eps e_i)) / (2 eps).

    Independent of the backward pass, so it can check it. Costs 2 * x.size calls.

    Parameters
    ----------
    f : callable
        Maps an array shaped like ``x`` to a float.
    x : ndarray
    eps : float

    Returns
    -------
    ndarray, shape of x
    """
    x = as_float_array(x, "x").copy()
    eps = as_positive_float(eps, "eps")
    grad = np.empty_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = f(x)
        flat[i] = old - eps
        down = f(x)
        flat[i] = old
        gflat[i] = (up - down) / (2 * eps)
    return grad


def numerical_param_gradients(loss_fn: Callable[[Params], float], params: Params,
                              eps: float = 1e-6) -> Params:
    """Central-difference gradient of ``loss_fn(params)`` for each of the five parameters."""
    params = check_params(params)
    grads = []
    for i in range(5):
        def f(p, i=i):
            return loss_fn(params._replace(**{Params._fields[i]: p}))
        grads.append(numerical_gradient(f, params[i], eps))
    return Params(*grads)


def relative_error(a, b) -> float:
    """max |a - b| / max(|a|, |b|, 1e-12) over all entries: the gradient check's measure."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = max(float(np.max(np.abs(a), initial=0)), float(np.max(np.abs(b), initial=0)), 1e-12)
    return float(np.max(np.abs(a - b), initial=0) / scale)
