"""A selective linear recurrence: the decay depends on the input (chapter 6).

The linear recurrent unit (``linear_recurrence``) forgets at the same rate whatever it
reads: Lambda is the same at every step. The selective unit computes its decay from
the input, a gate lambda_t in (0, 1) per state unit (the chapter's lambda_t: the
decay, which the LRU keeps fixed at its eigenvalue lambda),

    lambda_t = sigmoid(W_lam u_t + b_lam),
    x_t = lambda_t * x_{t-1} + (1 - lambda_t) * B u_t,          x_{-1} = x_init,
    y_t = C x_t + D u_t + b_y,

with * elementwise. lambda_t near 1 keeps the state and ignores u_t; lambda_t near 0
forgets the state and writes B u_t into it. So the unit can choose, input by input, what to keep
and what to let pass: it can hold one marked input against any number of later ones
(``marked_copy``), which no time-invariant linear recurrence can.

It is still a linear recurrence in x: with lambda_t and beta_t = (1 - lambda_t) * B u_t
computed from the inputs alone, x_t = lambda_t x_{t-1} + beta_t, so the associative scan
solves it in O(log T) array operations (``forward_scan``; ``scan``). This is the step
that leads from the LRU to Mamba's selective state spaces (Gu & Dao 2023), which also
make B and C depend on the input; and it is the GRU's update gate (Cho et al. 2014)
without the state inside the gate, which is what keeps it scannable.

A padded batch (``lengths``) holds the state on padding steps, x_t = x_{t-1}.

References: S. Hochreiter & J. Schmidhuber, "Long short-term memory", Neural
Computation 9 (1997); K. Cho et al., "Learning phrase representations using RNN
encoder-decoder for statistical machine translation", EMNLP 2014; E. Martin &
C. Cundy, ICLR 2018; A. Gu & T. Dao, "Mamba: linear-time sequence modeling with
selective state spaces", 2023.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, as_int, check_rng, like
from ._units import (
    as_params,
    check_sequence,
    check_trace,
    readout_gradients,
    readout_loss,
)
from .activations import hidden_activation
from .bptt import _sum_outer, _sum_rows
from .scan import scan

_sigmoid, _ = hidden_activation("sigmoid")


class Params(NamedTuple):
    """Parameters of the selective unit (also used for their gradients).

    W_lam : (n_x, n_u), b_lam : (n_x,) the gate lambda_t = sigmoid(W_lam u_t + b_lam);
    B : (n_x, n_u) input -> state;  C : (n_y, n_x) state -> output;
    D : (n_y, n_u) input -> output;  b_y : (n_y,).
    """

    W_lam: np.ndarray
    b_lam: np.ndarray
    B: np.ndarray
    C: np.ndarray
    D: np.ndarray
    b_y: np.ndarray


class Trace(NamedTuple):
    """What ``forward`` computed: U (T, [B,] n_u), x_init ([B,] n_x), Lam (T, [B,] n_x)
    gates lambda_t, BU (T, [B,] n_x) B u_t, X (T, [B,] n_x) states x_t, Y (T, [B,] n_y)
    outputs y_t, valid (T, B) 0/1 or None (padding)."""

    U: np.ndarray
    x_init: np.ndarray
    Lam: np.ndarray
    BU: np.ndarray
    X: np.ndarray
    Y: np.ndarray
    valid: np.ndarray | None = None


class Gradients(NamedTuple):
    """``params``: Params of gradients; ``x_init``: dL/dx_init; ``dX``: delta_t = dL/dx_t."""

    params: Params
    x_init: np.ndarray
    dX: np.ndarray


def init_params(n_x: int, n_u: int, n_y: int, rng: np.random.Generator, *,
                lam_min: float = 0.5, lam_max: float = 0.95) -> Params:
    """Random parameters whose gates start between ``lam_min`` and ``lam_max``.

    b_lam is the logit of a keep-rate drawn uniformly in [lam_min, lam_max] per unit, so
    the units start with a spread of memories as the LRU's ring does; W_lam, B have
    entries N(0, 1/n_u), C N(0, 1/n_x); D and b_y start at zero.

    Parameters
    ----------
    n_x, n_u, n_y : int >= 1
    rng : numpy.random.Generator
    lam_min, lam_max : float, 0 < lam_min <= lam_max < 1

    Returns
    -------
    Params
    """
    n_x = as_int(n_x, "n_x", minimum=1)
    n_u = as_int(n_u, "n_u", minimum=1)
    n_y = as_int(n_y, "n_y", minimum=1)
    check_rng(rng)
    if not 0 < lam_min <= lam_max < 1:
        raise ValueError(f"need 0 < lam_min <= lam_max < 1, got lam_min={lam_min}, "
                         f"lam_max={lam_max}")
    keep = rng.uniform(lam_min, lam_max, n_x)
    W_lam = rng.standard_normal((n_x, n_u)) / np.sqrt(n_u)
    B = rng.standard_normal((n_x, n_u)) / np.sqrt(n_u)
    C = rng.standard_normal((n_y, n_x)) / np.sqrt(n_x)
    return Params(W_lam, np.log(keep / (1 - keep)), B, C, np.zeros((n_y, n_u)), np.zeros(n_y))


def check_params(params) -> Params:
    """Return ``params`` as float arrays with consistent shapes, or raise a clear error."""
    params = as_params(params, Params, "selective.Params(W_lam, b_lam, B, C, D, b_y)")
    W_lam, b_lam, B, C, D, b_y = (as_float_array(p, name, ndim=(d,)) for p, name, d
                                  in zip(params, Params._fields, (2, 1, 2, 2, 2, 1)))
    (n_x, n_u), n_y = B.shape, C.shape[0]
    expected = {"W_lam": (n_x, n_u), "b_lam": (n_x,), "C": (n_y, n_x), "D": (n_y, n_u),
                "b_y": (n_y,)}
    for name, arr in zip(("W_lam", "b_lam", "C", "D", "b_y"), (W_lam, b_lam, C, D, b_y)):
        if arr.shape != expected[name]:
            raise ValueError(f"{name} must have shape {expected[name]} for B of shape "
                             f"{B.shape} and n_y = {n_y}; got {arr.shape}")
    return Params(W_lam, b_lam, B, C, D, b_y)


def forward(params: Params, U, x_init=None, *, lengths=None) -> Trace:
    """Run the selective unit over a sequence or a padded batch, step by step.

    For t = 0..T-1, with x_{-1} = ``x_init``:

        lambda_t = sigmoid(W_lam u_t + b_lam),
        x_t = lambda_t * x_{t-1} + (1 - lambda_t) * B u_t,
        y_t = C x_t + D u_t + b_y.

    Parameters
    ----------
    params : Params
    U : ndarray, shape (T, n_u) or (T, B, n_u)
    x_init : ndarray, shape (n_x,) or (B, n_x), optional
        Zeros by default.
    lengths : int ndarray, shape (B,), optional
        Real steps per sequence of a padded batch; on padding the state is held.

    Returns
    -------
    Trace
    """
    params = check_params(params)
    W_lam, b_lam, B, C, D, b_y = params
    U, x_init, valid = check_sequence(U, x_init, lengths, *B.shape, "B, W_lam")
    Lam = _sigmoid(U @ W_lam.T + b_lam)            # (T, [B,] n_x): lambda_t, from u_t only
    BU = U @ B.T                                   # (T, [B,] n_x): B u_t
    X = np.empty_like(BU)                          # (T, [B,] n_x): x_t
    x = x_init                                     # x_{-1}
    for t in range(U.shape[0]):
        X[t] = Lam[t] * x + (1 - Lam[t]) * BU[t]   # x_t = lambda_t x_{t-1} + (1 - lambda_t) B u_t
        if valid is not None:                      # padding step (m_t = 0): hold the state
            X[t] = np.where(valid[t, :, None] > 0, X[t], x)
        x = X[t]
    Y = X @ C.T + U @ D.T + b_y                    # (T, [B,] n_y): y_t = C x_t + D u_t + b_y
    return Trace(U, x_init, Lam, BU, X, Y, valid)


def forward_scan(params: Params, U, x_init=None, *, lengths=None) -> Trace:
    """The same as ``forward``, with the states computed by the associative scan.

    x_t = lambda_t x_{t-1} + beta_t with beta_t = (1 - lambda_t) * B u_t: both known
    before the recurrence runs, so ``scan.scan`` applies (its arguments a, b are
    lambda_t, beta_t). A padding step is (lambda, beta) = (1, 0).
    """
    params = check_params(params)
    W_lam, b_lam, B, C, D, b_y = params
    U, x_init, valid = check_sequence(U, x_init, lengths, *B.shape, "B, W_lam")
    Lam = _sigmoid(U @ W_lam.T + b_lam)
    BU = U @ B.T
    lam, beta = Lam, (1 - Lam) * BU
    if valid is not None:
        lam = np.where(valid[..., None] > 0, lam, 1.0)
        beta = beta * valid[..., None]
    X = scan(lam, beta, x_init)
    Y = X @ C.T + U @ D.T + b_y
    return Trace(U, x_init, Lam, BU, X, Y, valid)


def backward(params: Params, trace: Trace, dY) -> Gradients:
    """Exact gradients of L for all six parameters and x_init, by BPTT.

    The loop runs ``forward``'s loop backwards, with delta_t = dL/dx_t, g_t = C^T dy_t
    and e_t = dL/d(lambda_t x_{t-1} + (1 - lambda_t) B u_t) (= delta_t on real steps):

        delta_t = g_t + lambda_{t+1} * e_{t+1}.

    Then, as sums over time, through x_t = lambda_t x_{t-1} + (1 - lambda_t) B u_t and
    the gate lambda_t = sigmoid(z_t):

        dlambda_t = e_t * (x_{t-1} - B u_t),   dz_t = lambda_t (1 - lambda_t) dlambda_t,
        dW_lam = sum_t dz_t u_t^T,  db_lam = sum_t dz_t,
        dB = sum_t ((1 - lambda_t) * e_t) u_t^T,
        dC = sum_t dy_t x_t^T,    dD = sum_t dy_t u_t^T,   db_y = sum_t dy_t.

    Parameters
    ----------
    params : Params
    trace : Trace
        What ``forward`` (or ``forward_scan``) returned.
    dY : ndarray, shape of ``trace.Y``
        dL/dy_t for every step (e.g. from ``loss_and_gradients``).

    Returns
    -------
    Gradients
    """
    params = check_params(params)
    check_trace(trace, Trace, "selective")
    dY = like(dY, "dY", trace.Y, "trace.Y")
    U, Lam, BU, X = trace.U, trace.Lam, trace.BU, trace.X
    m = None if trace.valid is None else trace.valid[..., None]   # (T, B, 1): m_t
    X_prev = np.concatenate([trace.x_init[None], X[:-1]])     # x_{t-1}, with x_{-1} = x_init
    G = dY @ params.C                              # g_t = C^T dy_t             (T, [B,] n_x)
    dX = np.empty_like(X)                          # delta_t = dL/dx_t          (T, [B,] n_x)
    E = np.empty_like(X)                           # e_t = dL/d(update at t)    (T, [B,] n_x)
    back = np.zeros_like(trace.x_init)             # what reaches x_t from step t+1
    for t in reversed(range(X.shape[0])):
        dX[t] = G[t] + back                        # backprop into x_t from y_t and x_{t+1}
        E[t] = dX[t] if m is None else m[t] * dX[t]   # (a padding step skips the update)
        back = Lam[t] * E[t]                       # backprop through lambda_t * x_{t-1}
        if m is not None:                          # and through x_t = x_{t-1} on padding
            back += (1 - m[t]) * dX[t]
    dx_init = back                                 # dL/dx_{-1}
    # Each parameter acts at every step, so its gradient is one sum over time.
    dLam = E * (X_prev - BU)                       # x_t = lambda_t x_{t-1} + (1 - lambda_t) B u_t
    dZ = Lam * (1 - Lam) * dLam                    # z_t = W_lam u_t + b_lam
    dBU = (1 - Lam) * E                            # B u_t enters with weight 1 - lambda_t
    grads = Params(_sum_outer(dZ, U),              # dW_lam = sum_t dz_t u_t^T  (n_x, n_u)
                   _sum_rows(dZ),                  # db_lam = sum_t dz_t        (n_x,)
                   _sum_outer(dBU, U),             # dB = sum_t ((1 - lambda_t) e_t) u_t^T
                   *readout_gradients(dY, X, U))   # dC, dD, db_y
    return Gradients(grads, dx_init, dX)


def loss_and_gradients(params: Params, U, target, *, loss: str = "mse", readout: str = "all",
                       mask=None, x_init=None, lengths=None):
    """Forward pass, loss and BPTT in one call, as ``linear_recurrence.loss_and_gradients``:
    returns ``(L, grads, trace)``; ``readout`` 'last' (many-to-one) or 'all'."""
    trace = forward(params, U, x_init, lengths=lengths)
    L, dY = readout_loss(trace.Y, target, loss=loss, readout=readout, mask=mask,
                         lengths=lengths)
    return L, backward(params, trace, dY), trace
