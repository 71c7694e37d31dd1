"""The linear recurrent unit: chapter 2's state-space model with learned eigenvalues (chapter 6).

    x_t = Lambda x_{t-1} + B u_t,        y_t = C x_t + D u_t + b_y,        x_{-1} = x_init.

Lambda is fixed by its eigenvalues lambda_j = r_j e^{i theta_j}, j = 1..m. This module
keeps everything real: the state has n_x = 2m numbers, in m pairs (p_j, q_j) =
(x[j], x[m + j]), and Lambda turns each pair by theta_j and shrinks it by r_j,

    (p_j, q_j)_t = r_j R(theta_j) (p_j, q_j)_{t-1} + (B u_t)_pair,
    R(theta) = [[cos theta, -sin theta], [sin theta, cos theta]]     (chapter 2's rotation).

Why pairs and not complex numbers: a pair is one complex number z = p + i q, and
r R(theta) acting on it is z -> lambda z, so this is exactly the complex diagonal
x_t = Lambda x_{t-1} + B u_t, y_t = Re(C x_t) + D u_t of Orvieto et al. (2023), with
the real and imaginary parts of B and C as the rows and columns of real matrices.
But the real form needs no complex arithmetic and no complex derivatives: the
backward step through a rotation is the rotation back, R(theta)^T = R(-theta).
(``forward_scan`` uses the complex form, because the scan multiplies channel by
channel.)

The modulus is r_j = exp(-exp(nu_j)): for every real nu_j it lies in (0, 1), so the
unit can never blow up, however training moves nu (in floating point r rounds to
exactly 1 below nu = -37.4, never above). An input s steps old keeps the weight r^s:
its memory (``memory_length``) grows without bound as nu -> -inf.

A padded batch (``lengths``) holds the state on padding steps, x_t = x_{t-1}.
``backward`` is BPTT written by hand (chapter 4's recursion, with Lambda for W_xx).

References: A. Gu, K. Goel & C. Re, "Efficiently modeling long sequences with
structured state spaces" (S4), 2021; A. Orvieto, S. L. Smith, A. Gu, A. Fernando,
C. Gulcehre, R. Pascanu & S. De, "Resurrecting recurrent neural networks for long
sequences" (LRU), ICML 2023; E. Martin & C. Cundy, ICLR 2018 (the scan).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, as_int, as_positive_float, check_rng, like
from ._units import (
    as_params,
    check_sequence,
    check_trace,
    readout_gradients,
    readout_loss,
)
from .bptt import _sum_outer, _sum_rows
from .scan import scan


class Params(NamedTuple):
    """Parameters of the linear recurrent unit (also used for their gradients).

    nu : (m,) r_j = exp(-exp(nu_j));  theta : (m,) angle of pair j (radians);
    B : (n_x, n_u) input -> state;  C : (n_y, n_x) state -> output;
    D : (n_y, n_u) input -> output;  b_y : (n_y,).  n_x = 2m.
    """

    nu: np.ndarray
    theta: np.ndarray
    B: np.ndarray
    C: np.ndarray
    D: np.ndarray
    b_y: np.ndarray

    @property
    def sizes(self) -> tuple[int, int, int]:
        """``(n_x, n_u, n_y)``."""
        return self.B.shape[0], self.B.shape[1], self.C.shape[0]


class Trace(NamedTuple):
    """What ``forward`` computed: U (T, [B,] n_u), x_init ([B,] n_x), X (T, [B,] n_x)
    states x_t, Y (T, [B,] n_y) outputs y_t, valid (T, B) 0/1 or None (padding)."""

    U: np.ndarray
    x_init: np.ndarray
    X: np.ndarray
    Y: np.ndarray
    valid: np.ndarray | None = None


class Gradients(NamedTuple):
    """``params``: Params of gradients; ``x_init``: dL/dx_init; ``dX``: delta_t = dL/dx_t."""

    params: Params
    x_init: np.ndarray
    dX: np.ndarray


def eigenvalues(params: Params) -> np.ndarray:
    """lambda_j = r_j e^{i theta_j}, shape (m,): one complex eigenvalue per pair."""
    params = check_params(params)
    _, c, s = _pair_rotation(params.nu, params.theta)
    return c + 1j * s


def init_params(n_x: int, n_u: int, n_y: int, rng: np.random.Generator, *,
                r_min: float = 0.5, r_max: float = 0.99, max_phase: float = np.pi) -> Params:
    """Random parameters with eigenvalues spread over the ring r_min <= |lambda| <= r_max.

    As in Orvieto et al. (2023), lambda is uniform over the ring's area (r^2 uniform
    in [r_min^2, r_max^2]) and theta uniform in [0, max_phase]; max_phase = pi covers
    every distinct rotation (turning by -theta is turning by theta with q's sign
    flipped). B's rows for pair j are N(0, 1/n_u) times sqrt(1 - r_j^2) (their
    normalisation gamma, fixed here at the start), so that white-noise inputs give
    states of about unit size, slow pairs and fast: sum_s r^(2s) = 1 / (1 - r^2).
    C is N(0, 1/n_x); D and b_y start at zero.

    Parameters
    ----------
    n_x : int, even, >= 2
        State size, m = n_x / 2 pairs.
    n_u, n_y : int >= 1
    rng : numpy.random.Generator
    r_min, r_max : float, 0 < r_min <= r_max < 1
    max_phase : float in (0, 2 pi]

    Returns
    -------
    Params
    """
    n_x = as_int(n_x, "n_x", minimum=2)
    if n_x % 2:
        raise ValueError(f"n_x must be even (the state is m = n_x / 2 pairs), got {n_x}")
    n_u = as_int(n_u, "n_u", minimum=1)
    n_y = as_int(n_y, "n_y", minimum=1)
    check_rng(rng)
    r_min, r_max = as_positive_float(r_min, "r_min"), as_positive_float(r_max, "r_max")
    if not r_min <= r_max < 1:
        raise ValueError(f"need 0 < r_min <= r_max < 1, got r_min={r_min}, r_max={r_max}")
    max_phase = as_positive_float(max_phase, "max_phase")
    if max_phase > 2 * np.pi:
        raise ValueError(f"max_phase must be in (0, 2 pi], got {max_phase}")
    m = n_x // 2
    r = np.sqrt(rng.uniform(r_min ** 2, r_max ** 2, m))
    theta = rng.uniform(0.0, max_phase, m)
    gamma = np.tile(np.sqrt(1.0 - r ** 2), 2)                   # (n_x,): pair j at j, m + j
    B = rng.standard_normal((n_x, n_u)) * gamma[:, None] / np.sqrt(n_u)
    C = rng.standard_normal((n_y, n_x)) / np.sqrt(n_x)
    return Params(np.log(-np.log(r)), theta, B, C, np.zeros((n_y, n_u)), np.zeros(n_y))


def check_params(params) -> Params:
    """Return ``params`` as float arrays with consistent shapes, or raise a clear error."""
    params = as_params(params, Params, "linear_recurrence.Params(nu, theta, B, C, D, b_y)")
    nu, theta, B, C, D, b_y = (as_float_array(p, name, ndim=(d,)) for p, name, d
                               in zip(params, Params._fields, (1, 1, 2, 2, 2, 1)))
    m = nu.shape[0]
    expected = {"theta": (m,), "B": (2 * m, B.shape[1]), "C": (C.shape[0], 2 * m),
                "D": (C.shape[0], B.shape[1]), "b_y": (C.shape[0],)}
    for name, arr in zip(("theta", "B", "C", "D", "b_y"), (theta, B, C, D, b_y)):
        if arr.shape != expected[name]:
            raise ValueError(f"{name} must have shape {expected[name]} for m = {m} pairs "
                             f"(n_x = {2 * m}), n_u = {B.shape[1]}, n_y = {C.shape[0]}; "
                             f"got {arr.shape}")
    return Params(nu, theta, B, C, D, b_y)


def _pair_rotation(nu: np.ndarray, theta: np.ndarray):
    """r = exp(-exp(nu)) and Lambda's pair entries c = r cos theta, s = r sin theta."""
    with np.errstate(over="ignore"):               # a huge nu: exp(nu) = inf, r = 0
        r = np.exp(-np.exp(nu))
    return r, r * np.cos(theta), r * np.sin(theta)


def _rotate(x: np.ndarray, c: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Every pair (p_j, q_j) of x (..., 2m) times [[c_j, -s_j], [s_j, c_j]]."""
    m = c.shape[0]
    p, q = x[..., :m], x[..., m:]
    return np.concatenate([c * p - s * q, s * p + c * q], axis=-1)


def forward(params: Params, U, x_init=None, *, lengths=None) -> Trace:
    """Run the linear recurrent unit over a sequence or a padded batch, step by step.

    For t = 0..T-1, with x_{-1} = ``x_init``:

        x_t = Lambda x_{t-1} + B u_t,      y_t = C x_t + D u_t + b_y,

    where Lambda turns pair j by theta_j and shrinks it by r_j = exp(-exp(nu_j)).

    Parameters
    ----------
    params : Params
    U : ndarray, shape (T, n_u) or (T, B, n_u)
    x_init : ndarray, shape (n_x,) or (B, n_x), optional
        Zeros by default.
    lengths : int ndarray, shape (B,), optional
        Real steps per sequence of a padded batch; on padding the state is held,
        x_t = x_{t-1}, so ``X[-1]`` is each sequence's state after its last input.

    Returns
    -------
    Trace
        ``X[t]`` is x_t and ``Y[t]`` is y_t (every step: choose the steps that count
        in the loss, see ``loss_and_gradients``).
    """
    params = check_params(params)
    nu, theta, B, C, D, b_y = params
    U, x_init, valid = check_sequence(U, x_init, lengths, *B.shape, "B")
    _, c, s = _pair_rotation(nu, theta)            # pair j: r_j [[cos, -sin], [sin, cos]]
    BU = U @ B.T                                   # (T, [B,] n_x): B u_t for every t
    X = np.empty_like(BU)                          # (T, [B,] n_x): x_t
    x = x_init                                     # x_{-1}
    for t in range(U.shape[0]):
        X[t] = _rotate(x, c, s) + BU[t]            # x_t = Lambda x_{t-1} + B u_t
        if valid is not None:                      # padding step (m_t = 0): hold the state
            X[t] = np.where(valid[t, :, None] > 0, X[t], x)
        x = X[t]
    Y = X @ C.T + U @ D.T + b_y                    # (T, [B,] n_y): y_t = C x_t + D u_t + b_y
    return Trace(U, x_init, X, Y, valid)


def forward_scan(params: Params, U, x_init=None, *, lengths=None) -> Trace:
    """The same as ``forward``, with the states computed by the associative scan.

    Pair j is the complex number z_j = p_j + i q_j, and its update is the complex
    product z_t = lambda_j z_{t-1} + (B u_t)_pj + i (B u_t)_qj, a recurrence
    x_t = lambda_t x_{t-1} + beta_t (with lambda_t = lambda_j at every t) that
    ``scan.scan`` solves in O(log T) array operations. A padding step is the pair
    (lambda_t, beta_t) = (1, 0): it holds the state.
    """
    params = check_params(params)
    B, C, D, b_y = params.B, params.C, params.D, params.b_y
    U, x_init, valid = check_sequence(U, x_init, lengths, *B.shape, "B")
    m = params.nu.shape[0]
    BU = U @ B.T
    beta = BU[..., :m] + 1j * BU[..., m:]          # (T, [B,] m): beta_t
    lam = np.broadcast_to(eigenvalues(params), beta.shape)   # lambda_t = lambda, every t
    if valid is not None:
        lam = np.where(valid[..., None] > 0, lam, 1.0)
        beta = beta * valid[..., None]
    Z = scan(lam, beta, x_init[..., :m] + 1j * x_init[..., m:])
    X = np.concatenate([Z.real, Z.imag], axis=-1)  # back to pairs (p, q)
    Y = X @ C.T + U @ D.T + b_y
    return Trace(U, x_init, X, Y, valid)


def backward(params: Params, trace: Trace, dY) -> Gradients:
    """Exact gradients of L for all six parameters and x_init, by BPTT.

    The loop runs ``forward``'s loop backwards, line for line, with delta_t = dL/dx_t,
    g_t = C^T dy_t and e_t = dL/d(Lambda x_{t-1} + B u_t) (= delta_t on real steps):

        delta_t = g_t + Lambda^T e_{t+1},      Lambda^T turns each pair back by -theta.

    Then each parameter's gradient is one sum over time: dB = sum_t e_t u_t^T, and
    with c = r cos theta, s = r sin theta and x_{t-1}'s pairs (p, q),

        dc = sum_t e_p p + e_q q,   ds = sum_t e_q p - e_p q,
        dtheta = c ds - s dc,       dnu = -r e^nu (cos theta dc + sin theta ds).

    Parameters
    ----------
    params : Params
        The parameters ``forward`` used.
    trace : Trace
        What ``forward`` returned.
    dY : ndarray, shape of ``trace.Y``
        dL/dy_t for every step (e.g. from ``loss_and_gradients``).

    Returns
    -------
    Gradients
    """
    params = check_params(params)
    check_trace(trace, Trace, "linear_recurrence")
    dY = like(dY, "dY", trace.Y, "trace.Y")
    nu, theta, C = params.nu, params.theta, params.C
    U, X, valid = trace.U, trace.X, trace.valid
    m = nu.shape[0]
    r, c, s = _pair_rotation(nu, theta)
    m_t = None if valid is None else valid[..., None]    # (T, B, 1): m_t, 0 on padding
    X_prev = np.concatenate([trace.x_init[None], X[:-1]])     # x_{t-1}, with x_{-1} = x_init
    G = dY @ C                                     # g_t = C^T dy_t           (T, [B,] n_x)
    dX = np.empty_like(X)                          # delta_t = dL/dx_t        (T, [B,] n_x)
    E = np.empty_like(X)                           # e_t = dL/d(Lambda x_{t-1} + B u_t)
    back = np.zeros_like(trace.x_init)             # what reaches x_t from step t+1
    for t in reversed(range(X.shape[0])):
        dX[t] = G[t] + back                        # backprop into x_t from y_t and x_{t+1}
        E[t] = dX[t] if m_t is None else m_t[t] * dX[t]     # (padding skips the update)
        back = _rotate(E[t], c, -s)                # backprop through Lambda x_{t-1}: turn back
        if m_t is not None:                        # and through x_t = x_{t-1} on padding
            back += (1 - m_t[t]) * dX[t]
    dx_init = back                                 # dL/dx_{-1}
    # Each parameter acts at every step, so its gradient is one sum over time.
    P, Q = X_prev[..., :m], X_prev[..., m:]        # the pairs of x_{t-1} ...
    E_p, E_q = E[..., :m], E[..., m:]              # ... and of e_t
    dc = _sum_rows(E_p * P + E_q * Q)              # Lambda x: c p into p, c q into q  (m,)
    ds = _sum_rows(E_q * P - E_p * Q)              #           s p into q, -s q into p (m,)
    dtheta = c * ds - s * dc                       # c = r cos theta, s = r sin theta
    dr = np.cos(theta) * dc + np.sin(theta) * ds
    dnu = -r * np.exp(nu) * dr                     # r = exp(-exp(nu))
    dB = _sum_outer(E, U)                          # sum_t e_t u_t^T     (n_x, n_u)
    return Gradients(Params(dnu, dtheta, dB, *readout_gradients(dY, X, U)), dx_init, dX)


def loss_and_gradients(params: Params, U, target, *, loss: str = "mse", readout: str = "all",
                       mask=None, x_init=None, lengths=None):
    """Forward pass, loss and BPTT in one call.

    ``readout='last'`` is many-to-one (the target of each sequence's last real step),
    ``'all'`` many-to-many; ``loss`` is 'mse' or 'cross_entropy' (Y read as logits).

    Returns
    -------
    L : float
    grads : Gradients
    trace : Trace
    """
    trace = forward(params, U, x_init, lengths=lengths)
    L, dY = readout_loss(trace.Y, target, loss=loss, readout=readout, mask=mask,
                         lengths=lengths)
    return L, backward(params, trace, dY), trace


def impulse_response(r, theta, T: int) -> np.ndarray:
    """A pair's state after a unit pulse into p at t = 0: x_t = r^t (cos t theta, sin t theta).

    The state of (p, q)_t = r R(theta) (p, q)_{t-1} + u_t with u_0 = (1, 0), u_t = 0
    after: the pulse turns by theta and shrinks by r at every step. Its length r^t
    is what is left of the input; the angle t theta says where it now sits.

    Returns
    -------
    ndarray, shape (T, 2)
        Columns p_t and q_t.
    """
    r = float(as_float_array(r, "r", ndim=(0,)))
    if r < 0:
        raise ValueError(f"r is a modulus |lambda| and must be >= 0, got {r}")
    theta = float(as_float_array(theta, "theta", ndim=(0,)))
    t = np.arange(as_int(T, "T", minimum=1), dtype=float)
    with np.errstate(over="ignore"):               # r > 1 grows: shown as large or inf
        size = r ** t                              # what is left of the pulse
    return np.stack([size * np.cos(t * theta), size * np.sin(t * theta)], axis=1)


def memory_length(r, threshold: float = 0.01):
    """How long an input is remembered: the smallest t with r^t < ``threshold``.

    That is floor(ln threshold / ln r) + 1 for 0 <= r < 1 (1 for r = 0: gone after one
    step), and inf for r >= 1. Works elementwise on arrays of r.

    Parameters
    ----------
    r : float or ndarray, >= 0
        Modulus |lambda|.
    threshold : float in (0, 1)

    Returns
    -------
    float or ndarray
    """
    r = as_float_array(r, "r")
    if np.any(r < 0):
        raise ValueError("r is a modulus |lambda| and must be >= 0")
    threshold = as_positive_float(threshold, "threshold")
    if threshold >= 1:
        raise ValueError(f"threshold must be in (0, 1), got {threshold}")
    with np.errstate(divide="ignore"):
        ratio = np.log(threshold) / np.log(np.where(r < 1, r, 0.5))   # 0 where r = 0
    out = np.where(r < 1, np.floor(ratio) + 1, np.inf)
    return float(out) if out.ndim == 0 else out
