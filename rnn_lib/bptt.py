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

from typing import Callable, NamedTuple

import numpy as np

from ._checks import as_float_array, as_int, as_positive_float
from ._tree import leaves, tree_map
from .activations import hidden_activation, output_activation_vjp
from .elman import Params, Trace, check_params, forward
from .losses import mse, softmax_cross_entropy


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
    params = check_params(params)
    if not isinstance(trace, Trace):
        raise TypeError(f"trace must be the Trace returned by forward, got {type(trace).__name__}")
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
    if truncate is not None:
        truncate = as_int(truncate, "truncate", minimum=0)

    W_xx, W_xu, W_yx, b_x, b_y = params
    U, x_init, A, X = trace.U, trace.x_init, trace.A, trace.X
    T = U.shape[0]
    n_x, n_y = W_xx.shape[0], W_yx.shape[0]
    _, dsigma = hidden_activation(trace.activation)

    # Output layer: z_t = W_yx x_t + b_y.
    dW_yx = dZ.reshape(-1, n_y).T @ X.reshape(-1, n_x)      # (n_y, n_x) = sum_t dz_t x_t^T
    db_y = dZ.reshape(-1, n_y).sum(axis=0)                   # (n_y,)
    G = dZ @ W_yx                                            # (T, [B,] n_x) g_t = dl_t/dx_t
    D = dsigma(A, X)                                         # (T, [B,] n_x) sigma'(a_t)
    valid = trace.valid
    if valid is not None:
        if truncate is not None:
            raise ValueError("truncated BPTT is not available for padded sequences "
                             "(forward with lengths); use truncate=None")
        # A padding step is x_t = x_{t-1}: no path through sigma there (D -> 0), and
        # the identity carries delta_t straight back to x_{t-1} (the ``hold`` term).
        D = D * valid[..., None]
        hold = 1.0 - valid[..., None]                        # (T, B, 1)

    dX = np.empty_like(X)                                    # delta_t
    dA = np.empty_like(A)                                    # da_t = sigma'(a_t) * delta_t
    with np.errstate(over="ignore", invalid="ignore"):
        if truncate is None:
            delta = G[T - 1]
            for t in range(T - 1, -1, -1):
                if t < T - 1:
                    delta = G[t] + dA[t + 1] @ W_xx          # g_t + J_{t+1}^T delta_{t+1}
                    if valid is not None:
                        delta = delta + hold[t + 1] * dX[t + 1]
                dX[t] = delta
                dA[t] = delta * D[t]                         # backprop through sigma
            dx_init = dA[0] @ W_xx                           # J_0^T delta_0
            if valid is not None:
                dx_init = dx_init + hold[0] * dX[0]
        else:
            # R[j] holds the part of delta_s that comes from loss l_{s+j}, j = 0..k;
            # a path that would need k + 1 Jacobians falls off the end.
            k = min(truncate, T)
            R = np.zeros((k + 1,) + G.shape[1:])
            for s in range(T - 1, -1, -1):
                if s < T - 1:
                    R[1:] = (R[:-1] * D[s + 1]) @ W_xx       # one more Jacobian for each
                else:
                    R[1:] = 0.0
                R[0] = G[s]
                dX[s] = R.sum(axis=0)
                dA[s] = dX[s] * D[s]
            dx_init = (R[:k].sum(axis=0) * D[0]) @ W_xx      # paths of <= k steps to x_{-1}

        X_prev = np.concatenate([x_init[None], X[:-1]])      # (T, [B,] n_x) x_{t-1}
        dA2 = dA.reshape(-1, n_x)
        dW_xx = dA2.T @ X_prev.reshape(-1, n_x)              # sum_t da_t x_{t-1}^T
        dW_xu = dA2.T @ U.reshape(-1, U.shape[-1])           # sum_t da_t u_t^T
        db_x = dA2.sum(axis=0)                               # sum_t da_t
    return Gradients(Params(dW_xx, dW_xu, dW_yx, db_x, db_y), dx_init, dX)


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

    Returns
    -------
    L : float
    grads : Gradients
    trace : Trace
    """
    if loss not in ("mse", "cross_entropy"):
        raise ValueError(f"unknown loss {loss!r}; choose 'mse' or 'cross_entropy'")
    if loss == "cross_entropy" and output_activation not in (None, "softmax"):
        raise ValueError("loss='cross_entropy' needs output_activation='softmax', got "
                         f"{output_activation!r}")
    out = "softmax" if loss == "cross_entropy" else output_activation or "identity"
    trace = forward(params, U, x_init, lengths=lengths, activation=activation,
                    output_activation=out)
    if mask is None:
        mask = trace.valid                                   # None, or the real steps
    if loss == "mse":
        L, dY = mse(trace.Y, target, mask)
        return L, backward(params, trace, dY, truncate=truncate), trace
    L, dZ = softmax_cross_entropy(trace.Z, target, mask)
    return L, backward(params, trace, dZ=dZ, truncate=truncate), trace


def global_norm(grads: Params) -> float:
    """||g|| = sqrt(sum over all parameter gradients of their squared entries).

    ``grads`` is a ``Params`` or any nested tuple of them (e.g. ``Seq2Seq``).
    """
    return float(np.sqrt(sum(float(np.sum(g * g)) for g in leaves(grads))))


def clip_by_global_norm(grads: Params, max_norm: float) -> tuple[Params, float]:
    """Rescale all gradients together so that their global norm is at most ``max_norm``.

    g <- g * min(1, max_norm / ||g||): the direction is kept, only the length is
    capped (Pascanu, Mikolov & Bengio 2013).

    Returns
    -------
    clipped : Params
    norm : float
        The global norm before clipping.
    """
    max_norm = as_positive_float(max_norm, "max_norm")
    norm = global_norm(grads)
    factor = 1.0 if norm <= max_norm else max_norm / norm
    return tree_map(lambda g: g * factor, grads), norm


def clip_elementwise(grads: Params, limit: float) -> Params:
    """Clip every entry to [-limit, limit] (changes the direction; compare chapter 4)."""
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
