"""How gradients flow back through time (chapter 4): Jacobians, their products, bounds.

One step of the RNN, a_t = W_xx x_{t-1} + W_xu u_t + b_x and x_t = sigma(a_t), has the
Jacobian

    J_t = d x_t / d x_{t-1} = diag(sigma'(a_t)) W_xx                  (n_x, n_x).

A loss l_t at step t reaches an earlier state x_k through the product of the
Jacobians in between (the chain rule, t - k times):

    d l_t / d x_k = (J_t J_{t-1} ... J_{k+1})^T  d l_t / d x_t.

Every factor obeys ||J_j|| <= ||diag(sigma'(a_j))|| ||W_xx|| <= gamma sigma_max(W_xx),
with gamma = sup sigma' (1 for tanh, 1/4 for sigmoid) and sigma_max the largest
singular value, so (Pascanu, Mikolov & Bengio 2013)

    ||d l_t / d x_k|| <= prod_{j=k+1}^{t} ||J_j|| ||d l_t/d x_t||
                      <= (gamma sigma_max(W_xx))^(t-k) ||d l_t/d x_t||.

The first bound uses the actual trajectory and is the tighter one. This module
computes these quantities along a trajectory of ``rnn_lib.forward``, the powers of
a (non-normal) matrix, and what truncated BPTT cuts from the gradient. The cliff of
an exploding gradient is in ``rnn_lib.cliff``.

References: Y. Bengio, P. Simard & P. Frasconi, "Learning long-term dependencies
with gradient descent is difficult", IEEE Trans. Neural Networks 5 (1994);
R. Pascanu, T. Mikolov & Y. Bengio, "On the difficulty of training recurrent
neural networks", ICML 2013.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, as_int, as_positive_float, check_rng
from .activations import hidden_activation, sup_derivative
from .bptt import loss_and_gradients
from .elman import Params, Trace, check_params, forward, init_params, spectral_radius


# -- Jacobians along a trajectory ----------------------------------------------------
def step_jacobians(W_xx, trace: Trace) -> np.ndarray:
    """Per-step Jacobians J_t = d x_t / d x_{t-1} = diag(sigma'(a_t)) W_xx along a run.

    Parameters
    ----------
    W_xx : ndarray, shape (n_x, n_x)
        The recurrent weights ``forward`` used.
    trace : Trace
        What ``forward`` returned (one sequence or a batch).

    Returns
    -------
    J : ndarray, shape (T, [B,] n_x, n_x)
        ``J[t]`` is d x_t / d x_{t-1}; ``J[0]`` is d x_0 / d x_init.
    """
    W_xx = as_float_array(W_xx, "W_xx", ndim=(2,))
    if not isinstance(trace, Trace):
        raise TypeError(f"trace must be the Trace returned by forward, got {type(trace).__name__}")
    n_x = trace.X.shape[-1]
    if W_xx.shape != (n_x, n_x):
        raise ValueError(f"W_xx must have shape ({n_x}, {n_x}) to match the trace's states, "
                         f"got {W_xx.shape}")
    _, dsigma = hidden_activation(trace.activation)
    D = dsigma(trace.A, trace.X)                       # (T, [B,] n_x) sigma'(a_t)
    return D[..., :, None] * W_xx                      # row i of W_xx times sigma'(a_t)_i


def spectral_norms(M) -> np.ndarray:
    """Largest singular value ||M||_2 of each matrix in a stack ``(..., n, m)``.

    Matrices with non-finite entries get ``inf`` (an SVD of them is undefined).
    """
    M = as_float_array(M, "M", finite=False)
    if M.ndim < 2:
        raise ValueError(f"M must be a matrix or a stack of matrices, got shape {M.shape}")
    finite = np.all(np.isfinite(M), axis=(-2, -1))
    out = np.full(M.shape[:-2], np.inf)
    if np.any(finite):
        out[finite] = np.linalg.norm(M[finite], ord=2, axis=(-2, -1))
    return out if out.ndim else float(out)


def largest_singular_value(W) -> float:
    """sigma_max(W) = ||W||_2, the most a matrix can stretch a vector in one step."""
    W = as_float_array(W, "W", ndim=(2,))
    return float(np.linalg.norm(W, ord=2))


def _check_jacobians(J, t):
    """J as a float array of shape (T, [B,] n, n) and the step t (default T - 1)."""
    J = as_float_array(J, "J", finite=False)
    if J.ndim < 3 or J.shape[-1] != J.shape[-2]:
        raise ValueError(f"J must have shape (T, [B,] n, n), got {J.shape}")
    t = J.shape[0] - 1 if t is None else as_int(t, "t", minimum=0)
    if t >= J.shape[0]:
        raise ValueError(f"t must be < T = {J.shape[0]}, got {t}")
    return J, t


def jacobian_products(J, t: int | None = None) -> np.ndarray:
    """The products d x_t / d x_k = J_t J_{t-1} ... J_{k+1} for k = 0, ..., t.

    Parameters
    ----------
    J : ndarray, shape (T, [B,] n, n)
        Per-step Jacobians from ``step_jacobians`` (``J[j]`` = d x_j / d x_{j-1}).
    t : int, optional
        The later step; default T - 1.

    Returns
    -------
    P : ndarray, shape (t + 1, [B,] n, n)
        ``P[k]`` = d x_t / d x_k; ``P[t]`` is the identity.
    """
    J, t = _check_jacobians(J, t)
    P = np.empty((t + 1,) + J.shape[1:])
    P[t] = np.broadcast_to(np.eye(J.shape[-1]), J.shape[1:])
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(t - 1, -1, -1):
            P[k] = P[k + 1] @ J[k + 1]                 # d x_t/d x_k = d x_t/d x_{k+1} J_{k+1}
    return P


def backpropagate(J, delta_t, t: int | None = None) -> np.ndarray:
    """Send d l_t / d x_t back through the Jacobians: d l_t / d x_k for k = 0, ..., t.

    The recursion d l_t/d x_k = J_{k+1}^T d l_t/d x_{k+1} never forms a product of
    matrices (one vector-Jacobian product per step), which is how BPTT does it.

    Parameters
    ----------
    J : ndarray, shape (T, [B,] n, n)
    delta_t : ndarray, shape ([B,] n)
        d l_t / d x_t.
    t : int, optional
        Step of the loss; default T - 1.

    Returns
    -------
    ndarray, shape (t + 1, [B,] n)
    """
    J, t = _check_jacobians(J, t)
    delta_t = as_float_array(delta_t, "delta_t", finite=False)
    if delta_t.shape != J.shape[1:-1]:
        raise ValueError(f"delta_t must have shape {J.shape[1:-1]}, got {delta_t.shape}")
    out = np.empty((t + 1,) + delta_t.shape)
    out[t] = delta_t
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(t - 1, -1, -1):
            # J^T d as a row vector is d @ J (for each sequence of the batch).
            out[k] = np.einsum("...i,...ij->...j", out[k + 1], J[k + 1])
    return out


def product_bound(jac_norms, t: int | None = None) -> np.ndarray:
    """prod_{j=k+1}^{t} ||J_j|| for k = 0, ..., t (1 at k = t): the trajectory's bound.

    Parameters
    ----------
    jac_norms : ndarray, shape (T, [B])
        ||J_j||_2, e.g. ``spectral_norms(step_jacobians(...))``.
    """
    n = as_float_array(jac_norms, "jac_norms", finite=False)
    t = n.shape[0] - 1 if t is None else as_int(t, "t", minimum=0)
    if t >= n.shape[0]:
        raise ValueError(f"t must be < T = {n.shape[0]}, got {t}")
    out = np.ones((t + 1,) + n.shape[1:])
    with np.errstate(over="ignore", invalid="ignore"):
        # out[k] = n[k+1] * n[k+2] * ... * n[t]: a reversed cumulative product.
        out[:t] = np.cumprod(n[t:0:-1], axis=0)[::-1]
    return out


def power_bound(kappa: float, n_steps) -> np.ndarray:
    """kappa^n for each n in ``n_steps``: the bound (gamma sigma_max)^(t-k), with
    kappa = gamma sigma_max."""
    kappa = float(kappa)
    with np.errstate(over="ignore"):
        return np.power(kappa, np.asarray(n_steps, dtype=float))


class GradientFlow(NamedTuple):
    """What ``gradient_flow`` returns, for a loss at the last step t = T - 1.

    steps_back : (T,) t - k for k = t, t-1, ..., 0 (0 first);
    grad_norm : (T,) ||d l_t/d x_k||, ordered like ``steps_back``;
    product_bound : (T,) prod ||J_j|| ||d l_t/d x_t||, the trajectory's bound;
    power_bound : (T,) (gamma sigma_max)^(t-k) ||d l_t/d x_t||;
    jac_norms : (T,) ||J_j|| for j = 0, ..., T-1 (in time order);
    rho, sigma_max, gamma : spectral radius and largest singular value of W_xx, sup sigma';
    X : (T, n_x) the states of the run.
    """

    steps_back: np.ndarray
    grad_norm: np.ndarray
    product_bound: np.ndarray
    power_bound: np.ndarray
    jac_norms: np.ndarray
    rho: float
    sigma_max: float
    gamma: float
    X: np.ndarray


def gradient_flow(params: Params, U, x_init=None, *, activation: str = "tanh",
                  delta_T=None) -> GradientFlow:
    """||d l_t/d x_k|| for a loss at the last step only, with both of its bounds.

    The default d l_t/d x_t is the first row of W_yx normalised to length 1: for a
    squared error on a scalar output y_t = W_yx x_t + b_y that is the true gradient
    divided by |y_t - y*|, so the curves show how the backward pass scales a
    gradient, whatever the target.

    Parameters
    ----------
    params : Params
    U : ndarray, shape (T, n_u)
        One sequence.
    x_init : ndarray, shape (n_x,), optional
    activation : str
    delta_T : ndarray, shape (n_x,), optional
        d l_t/d x_t at the last step t = T - 1.

    Returns
    -------
    GradientFlow
    """
    params = check_params(params)
    U = as_float_array(U, "U", ndim=(2,))
    trace = forward(params, U, x_init, activation=activation)
    if delta_T is None:
        delta_T = readout_direction(params.W_yx)
    delta_T = as_float_array(delta_T, "delta_T", ndim=(1,))
    gamma, sigma_max = sup_derivative(activation), largest_singular_value(params.W_xx)
    return flow(step_jacobians(params.W_xx, trace), delta_T, params.W_xx, gamma,
                gamma * sigma_max, trace.X)


def readout_direction(W_yx: np.ndarray) -> np.ndarray:
    """d l_t/d x_t of the book's gradient figures: the first row of W_yx, length 1."""
    w = W_yx[0]
    return w / max(float(np.linalg.norm(w)), 1e-300)


def flow(J: np.ndarray, delta_T: np.ndarray, W_xx: np.ndarray, gamma: float, kappa: float,
         X: np.ndarray) -> GradientFlow:
    """``GradientFlow`` from the step Jacobians ``J (T, n_x, n_x)`` of one sequence and
    d l_t/d x_t = ``delta_T`` at its last step: the measured ||d l_t/d x_k||, the bound
    prod_j ||J_j|| and the bound kappa^(t-k) of a unit whose every step stretches by at
    most kappa (gamma sigma_max(W_xx) for the Elman RNN), each times ||delta_T||."""
    jn = spectral_norms(J)
    seed = float(np.linalg.norm(delta_T))
    steps_back = np.arange(J.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):
        norms = np.linalg.norm(backpropagate(J, delta_T), axis=-1)[::-1]
        pb = seed * product_bound(jn)[::-1]
        wb = seed * power_bound(kappa, steps_back)
    return GradientFlow(steps_back, norms, pb, wb, jn, spectral_radius(W_xx),
                        largest_singular_value(W_xx), gamma, X)


def power_norms(W, n_steps: int) -> np.ndarray:
    """||W^k||_2 for k = 0, ..., n_steps: how much k steps of a linear map can stretch."""
    W = as_float_array(W, "W", ndim=(2,))
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be square, got shape {W.shape}")
    n_steps = as_int(n_steps, "n_steps", minimum=0)
    P = np.empty((n_steps + 1,) + W.shape)
    P[0] = np.eye(W.shape[0])
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(n_steps):
            P[k + 1] = P[k] @ W
    return spectral_norms(P)


def flow_problem(radius: float, input_gain: float, rng: np.random.Generator, *,
                 n_x: int = 16, n_u: int = 4, T: int = 50) -> tuple[Params, np.ndarray]:
    """A random RNN with rho(W_xx) = ``radius`` and T random inputs: chapter 4's gradient flow.

    W_xx = radius * W0, with W0 of entries N(0, 1/n_x) rescaled to spectral radius 1,
    so one draw of ``rng`` gives the same matrix at every radius. W_xu has entries
    N(0, input_gain^2/n_u) (``input_gain`` >= 0: larger inputs push tanh and the
    sigmoid into saturation), W_yx N(0, 1/n_x) with n_y = 1, the biases are 0.

    Returns
    -------
    params : Params
    U : ndarray, shape (T, n_u)
        Inputs u_t with entries N(0, 1).
    """
    check_rng(rng)
    radius = as_positive_float(radius, "radius")
    input_gain = float(input_gain)
    if not input_gain >= 0:
        raise ValueError(f"input_gain must be >= 0, got {input_gain}")
    W0 = rng.standard_normal((n_x, n_x)) / np.sqrt(n_x)
    W0 /= np.max(np.abs(np.linalg.eigvals(W0)))
    W_xu = rng.standard_normal((n_x, n_u)) / np.sqrt(n_u)
    W_yx = rng.standard_normal((1, n_x)) / np.sqrt(n_x)
    U = rng.standard_normal((T, n_u))
    return Params(radius * W0, input_gain * W_xu, W_yx, np.zeros(n_x), np.zeros(1)), U


# -- truncated BPTT ------------------------------------------------------------------
def flat_gradient(grads) -> np.ndarray:
    """All five parameter gradients as one vector (for norms, angles, errors)."""
    params = grads.params if hasattr(grads, "params") else grads
    return np.concatenate([np.ravel(g) for g in params])


def truncation_errors(params: Params, U, target, windows, *, mask=None, x_init=None,
                      activation: str = "tanh", loss: str = "mse") -> np.ndarray:
    """Relative error of the truncated gradient against the exact one, per window k.

    error(k) = ||g_k - g|| / ||g|| over all five parameters together, with
    g = exact BPTT and g_k = BPTT truncated to k steps.
    """
    _, exact, _ = loss_and_gradients(params, U, target, loss=loss, mask=mask, x_init=x_init,
                                     activation=activation)
    g = flat_gradient(exact)
    scale = max(float(np.linalg.norm(g)), 1e-300)
    out = []
    for k in windows:
        _, tr, _ = loss_and_gradients(params, U, target, loss=loss, mask=mask,
                                      x_init=x_init, activation=activation,
                                      truncate=as_int(k, "window", minimum=0))
        out.append(float(np.linalg.norm(flat_gradient(tr) - g)) / scale)
    return np.array(out)


def truncation_problem(radius: float, rng: np.random.Generator, *, T: int = 40,
                       n_x: int = 16, n_u: int = 3, input_scale: float = 0.1):
    """A random RNN with rho(W_xx) = ``radius``, inputs, and random targets at every step.

    The input weights are small (``input_scale``), so that tanh works near its linear
    range and rho decides how far gradients reach: chapter 4's truncation figure.

    Returns
    -------
    params : Params
        From ``init_params(n_x, n_u, 1, rng, spectral_radius=radius, ...)``.
    U : ndarray, shape (T, n_u)
    target : ndarray, shape (T, 1)
    """
    params = init_params(n_x, n_u, 1, rng, spectral_radius=radius, input_scale=input_scale)
    U = rng.standard_normal((T, n_u))
    target = rng.standard_normal((T, 1))
    return params, U, target
