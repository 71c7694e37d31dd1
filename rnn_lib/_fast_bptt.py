"""A faster copy of ``forward`` and exact ``backward``, for training. Not taught.

Chapter 4 teaches ``elman.forward`` and ``bptt.backward``; ``bptt.loss_and_gradients``
(and so every training loop) calls this copy instead when it needs the exact gradient.
It computes the same numbers with the same formulas, and differs only in how it uses
memory:

- every step writes into arrays made once per call (``out=``), instead of making new
  ones;
- the backward pass goes back through time in blocks of about 16,000 numbers, so that
  its temporaries stay in the processor's cache, and adds each block's share of the
  sums over time with one matrix product;
- products of a (T [* B], k) stack of rows with a matrix use ``np.dot`` on 2-D views,
  which calls BLAS for every k (``@`` takes a slower loop when k = 1).

Why keep it: forward + BPTT at T=100, B=64, n_x=32 (float64, one thread) took 0.65 of
the time of torch.nn.RNN + nn.Linear with the plain functions and 0.44 with this copy,
measured side by side in one process; the book's target is 0.5. tests/test_bptt.py
checks this copy against the plain functions on long padded batches, with several
blocks per sequence.
"""
from __future__ import annotations

import numpy as np

from .activations import hidden_activation
from .activations import output_activation as output_map
from .bptt import Gradients, backward_inputs
from .elman import Params, Trace, forward_inputs


def _rows(V: np.ndarray) -> np.ndarray:
    """A (T, [B,] n) array as the 2-D (T [* B], n) view of its rows."""
    return V.reshape(-1, V.shape[-1])


def forward(params, U, x_init=None, *, lengths=None, activation: str = "tanh",
            output_activation: str = "identity") -> Trace:
    """``elman.forward``, the same Trace, with buffers reused at every step."""
    params, U, x_init, valid = forward_inputs(params, U, x_init, lengths, activation,
                                              output_activation)
    sigma, _ = hidden_activation(activation)
    W_xx, W_xu, W_yx, b_x, b_y = params
    padded = valid is not None and not valid.all()
    A = np.empty(U.shape[:-1] + (W_xx.shape[0],))             # (T, [B,] n_x)
    X = np.empty_like(A)
    np.dot(_rows(U), W_xu.T, out=_rows(A))                    # W_xu u_t, every t
    A += b_x
    W_xx_T = np.ascontiguousarray(W_xx.T)
    recurrent = np.empty(A.shape[1:])                         # W_xx x_{t-1}, reused
    x = x_init
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(U.shape[0]):
            a = A[t]
            np.dot(x, W_xx_T, out=recurrent)
            a += recurrent                                    # a_t
            if padded:
                X[t] = np.where(valid[t, :, None] > 0, sigma(a), x)
            else:
                X[t] = sigma(a)                               # x_t
            x = X[t]
        Z = np.dot(_rows(X), W_yx.T).reshape(X.shape[:-1] + (-1,))
        Z += b_y
        Y = output_map(output_activation)(Z)
    return Trace(U, x_init, A, X, Z, Y, activation, output_activation, valid)


def backward(params, trace: Trace, dY=None, *, dZ=None) -> Gradients:
    """Exact ``bptt.backward``, the same Gradients, in blocks of time steps."""
    params, dZ, _ = backward_inputs(params, trace, dY, dZ, None)
    W_xx, W_xu, W_yx, b_x, b_y = params
    A, X = trace.A, trace.X
    T, n_x = X.shape[0], X.shape[-1]
    _, dsigma = hidden_activation(trace.activation)
    valid = trace.valid if trace.valid is not None and not trace.valid.all() else None
    hold = None if valid is None else 1.0 - valid[..., None]  # (T, B, 1): 1 on padding
    dX = np.empty_like(X)                                     # g_t, then delta_t, in place
    np.dot(_rows(dZ), W_yx, out=_rows(dX))
    grads = Params(np.zeros_like(W_xx), np.zeros_like(W_xu), _rows(dZ).T @ _rows(X),
                   np.zeros_like(b_x), _rows(dZ).sum(axis=0))
    W_xx = np.ascontiguousarray(W_xx)
    back = np.zeros(X.shape[1:])                              # J_{t+1}^T delta_{t+1}, reused
    block = max(1, 2 ** 14 // max(1, X[0].size))              # steps per block
    with np.errstate(over="ignore", invalid="ignore"):
        for end in range(T, 0, -block):                       # the last block first
            start = max(end - block, 0)
            dA = dsigma(A[start:end], X[start:end])           # sigma'(a_t), a new array
            if valid is not None:
                dA = dA * valid[start:end, ..., None]
            for t in range(end - 1, start - 1, -1):
                delta = dX[t]
                delta += back                                 # delta_t
                da = dA[t - start]
                da *= delta                                   # da_t
                np.dot(da, W_xx, out=back)                    # J_t^T delta_t
                if valid is not None:
                    back += hold[t] * delta                   # the held state's path
            _add_block(grads, dA, start, trace, n_x)
    dx_init = back                                            # J_0^T delta_0
    return Gradients(grads, dx_init, dX)


def _add_block(grads: Params, dA: np.ndarray, start: int, trace: Trace, n_x: int) -> None:
    """Add steps start .. start + k - 1 of sum_t da_t x_{t-1}^T, sum_t da_t u_t^T and
    sum_t da_t to grads, in place; dA (k, [B,] n_x) holds their da_t."""
    k = dA.shape[0]
    dA2 = _rows(dA)
    grads.W_xu[...] += dA2.T @ _rows(trace.U[start:start + k])
    grads.b_x[...] += dA2.sum(axis=0)
    if start > 0:                                             # x_{t-1} is X[t-1]
        grads.W_xx[...] += dA2.T @ _rows(trace.X[start - 1:start + k - 1])
    else:                                                     # x_{-1} = x_init is not in X
        grads.W_xx[...] += _rows(dA[0]).T @ _rows(trace.x_init)
        grads.W_xx[...] += _rows(dA[1:]).T @ _rows(trace.X[:k - 1])
