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

    Notes
    -----
    dX first holds g_t and the recursion updates it in place; the weight gradients
    are summed block by block (a few steps each, one matmul per block) so that the
    temporaries stay small.
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
    X = trace.X
    n_x, n_y = W_xx.shape[0], W_yx.shape[0]
    _, dsigma = hidden_activation(trace.activation)
    valid = trace.valid
    if valid is not None and truncate is not None:
        raise ValueError("truncated BPTT is not available for padded sequences "
                         "(forward with lengths); use truncate=None")
    if valid is not None and valid.all():
        valid = None                                         # no padding step: nothing held

    # Output layer: z_t = W_yx x_t + b_y.
    dW_yx = dZ.reshape(-1, n_y).T @ X.reshape(-1, n_x)      # (n_y, n_x) = sum_t dz_t x_t^T
    db_y = dZ.reshape(-1, n_y).sum(axis=0)                   # (n_y,)
    # dX starts as g_t = dl_t/dx_t, the immediate part; the backward recursion then
    # adds J_{t+1}^T delta_{t+1} in place, step by step, leaving delta_t.
    dX = np.empty_like(X)                                    # (T, [B,] n_x)
    np.dot(dZ.reshape(-1, n_y), W_yx, out=dX.reshape(-1, n_x))
    # The state's weights collect sum_t of their local terms (see _add_block_gradients).
    grads = Params(np.zeros_like(W_xx), np.zeros_like(W_xu), dW_yx, np.zeros_like(b_x), db_y)
    with np.errstate(over="ignore", invalid="ignore"):
        if truncate is None:
            dx_init = _bptt_exact(W_xx, dsigma, trace, valid, dX, grads)
        else:
            dx_init = _bptt_truncated(W_xx, dsigma, trace, truncate, dX, grads)
    return Gradients(grads, dx_init, dX)


def _block_steps(X: np.ndarray) -> int:
    """How many time steps go into one block: about 16,000 numbers of X, at least 1.

    The backward pass works through time in blocks, so that its temporaries stay
    small (and are reused) while the work per block is still one large matmul.
    """
    return max(1, 2 ** 14 // max(1, X[0].size))


def _add_block_gradients(grads: Params, dA: np.ndarray, start: int, trace: Trace) -> None:
    """Add the local terms of steps start, ..., start + k - 1 to grads, in place:

        dW_xx += sum_t da_t x_{t-1}^T,   dW_xu += sum_t da_t u_t^T,   db_x += sum_t da_t,

    each sum over the k steps as one matmul (or one sum). dA (k, [B,] n_x) holds da_t.
    """
    k, n_x, n_u = dA.shape[0], dA.shape[-1], trace.U.shape[-1]
    dA2 = dA.reshape(-1, n_x)                                # (k [* B], n_x)
    grads.W_xu[...] += dA2.T @ trace.U[start:start + k].reshape(-1, n_u)
    grads.b_x[...] += dA2.sum(axis=0)
    if start > 0:                                            # x_{t-1} = X[t-1]
        grads.W_xx[...] += dA2.T @ trace.X[start - 1:start + k - 1].reshape(-1, n_x)
    else:                                                    # x_{-1} = x_init is not in X
        grads.W_xx[...] += dA[0].reshape(-1, n_x).T @ trace.x_init.reshape(-1, n_x)
        grads.W_xx[...] += dA[1:].reshape(-1, n_x).T @ trace.X[:k - 1].reshape(-1, n_x)


def _bptt_exact(W_xx, dsigma, trace: Trace, valid, dX: np.ndarray, grads: Params):
    """delta_t = g_t + J_{t+1}^T delta_{t+1} for t = T-1 down to 0, in place in dX.

    On entry dX[t] holds g_t, on return delta_t; grads gets the state weights'
    terms. With row vectors, J_{t+1}^T delta_{t+1} = da_{t+1} @ W_xx. Returns
    dL/dx_init = J_0^T delta_0.
    """
    A, X = trace.A, trace.X
    T = X.shape[0]
    if valid is not None:
        # A padding step is x_t = x_{t-1}: no path through sigma there (sigma' -> 0),
        # and the identity carries delta_t straight back to x_{t-1} (the ``hold`` term).
        hold = 1.0 - valid[..., None]                        # (T, B, 1)
    W_xx = np.ascontiguousarray(W_xx)                        # np.dot's out= needs contiguity
    through_W = np.empty(X.shape[1:])                        # J^T delta, reused each step
    block = _block_steps(X)
    for end in range(T, 0, -block):                          # blocks from the last one back
        start = max(end - block, 0)
        # sigma'(a_t) of the whole block (a new array); each row becomes da_t below.
        dA = dsigma(A[start:end], X[start:end])
        if valid is not None:
            dA = dA * valid[start:end, ..., None]
        for t in range(end - 1, start - 1, -1):
            delta = dX[t]                                    # g_t so far
            if t < T - 1:
                np.dot(da, W_xx, out=through_W)              # J_{t+1}^T delta_{t+1}
                delta += through_W
                if valid is not None:
                    delta += hold[t + 1] * dX[t + 1]
            da = dA[t - start]
            da *= delta                                      # da_t = sigma'(a_t) * delta_t
        _add_block_gradients(grads, dA, start, trace)
    dx_init = da @ W_xx                                      # J_0^T delta_0
    if valid is not None:
        dx_init = dx_init + hold[0] * dX[0]
    return dx_init


def _bptt_truncated(W_xx, dsigma, trace: Trace, truncate: int, dX: np.ndarray,
                    grads: Params):
    """Truncated BPTT with window k, in place in dX (which holds g_t on entry).

    R[j] holds the part of delta_s that comes from loss l_{s+j}, j = 0..k; a path
    that would need k + 1 Jacobians falls off the end. Returns dL/dx_init.
    """
    D = dsigma(trace.A, trace.X)                             # (T, [B,] n_x) sigma'(a_t)
    T = D.shape[0]
    k = min(truncate, T)
    R = np.zeros((k + 1,) + D.shape[1:])
    dA = np.empty_like(D)                                    # da_t = sigma'(a_t) * delta_t
    for s in range(T - 1, -1, -1):
        if s < T - 1:
            R[1:] = (R[:-1] * D[s + 1]) @ W_xx               # one more Jacobian for each
        else:
            R[1:] = 0.0
        R[0] = dX[s]                                         # g_s
        dX[s] = R.sum(axis=0)
        dA[s] = dX[s] * D[s]
    _add_block_gradients(grads, dA, 0, trace)
    return (R[:k].sum(axis=0) * D[0]) @ W_xx                 # paths of <= k steps to x_{-1}


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
    # (g * g).sum(), not np.sum(g * g): the same pairwise sum, without NumPy's dispatch
    return float(np.sqrt(sum(float((g * g).sum()) for g in leaves(grads))))


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
