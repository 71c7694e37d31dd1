"""How gradients flow back through time (chapter 4): Jacobians, products, bounds, cliffs.

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
computes these quantities along a trajectory of ``rnn_lib.forward``, the one-unit
model x_t = w sigma(x_{t-1}) + b whose loss surface has a "cliff", and gradient
descent on it with and without clipping.

References: Y. Bengio, P. Simard & P. Frasconi, "Learning long-term dependencies
with gradient descent is difficult", IEEE Trans. Neural Networks 5 (1994);
R. Pascanu, T. Mikolov & Y. Bengio, "On the difficulty of training recurrent
neural networks", ICML 2013; K. Doya, "Bifurcations in the learning of recurrent
neural networks", ISCAS 1992.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

from ._checks import as_float_array, as_int, as_positive_float, check_choice
from .activations import HIDDEN_ACTIVATIONS, hidden_activation, sup_derivative
from .elman import Params, Trace, check_params, forward


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


def power_bound(eta: float, n_steps) -> np.ndarray:
    """eta^n for each n in ``n_steps``: the bound (gamma sigma_max)^(t-k), eta = gamma sigma_max."""
    eta = float(eta)
    with np.errstate(over="ignore"):
        return np.power(eta, np.asarray(n_steps, dtype=float))


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
    W_xx = params.W_xx
    if delta_T is None:
        w = params.W_yx[0]
        delta_T = w / max(float(np.linalg.norm(w)), 1e-300)
    delta_T = as_float_array(delta_T, "delta_T", ndim=(1,))
    J = step_jacobians(W_xx, trace)
    jn = spectral_norms(J)
    grads = backpropagate(J, delta_T)                  # (T, n_x), k = 0..T-1
    seed = float(np.linalg.norm(delta_T))
    T = U.shape[0]
    steps_back = np.arange(T)
    gamma = sup_derivative(activation)
    sigma_max = largest_singular_value(W_xx)
    with np.errstate(over="ignore", invalid="ignore"):
        norms = np.linalg.norm(grads, axis=-1)[::-1]
        pb = seed * product_bound(jn)[::-1]
        wb = seed * power_bound(gamma * sigma_max, steps_back)
    rho = float(np.max(np.abs(np.linalg.eigvals(W_xx))))
    return GradientFlow(steps_back, norms, pb, wb, jn, rho, sigma_max, gamma, trace.X)


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


# -- Pascanu's one-unit model and its cliff ------------------------------------------
def _unit_activation(name: str):
    """(sigma, sigma'(a, s)) for the one-unit model; the sigmoid as (1 + tanh(a/2))/2,
    which cannot overflow and needs no masking, so a loop over tiny arrays stays fast."""
    if name == "sigmoid":
        return (lambda a: 0.5 * (1.0 + np.tanh(0.5 * a))), (lambda a, s: s * (1.0 - s))
    return hidden_activation(name)


#: up to this many (w, b) pairs, one_unit_loss loops over plain floats
_SCALAR_LOOP = 8


def _one_unit_scalar(w: float, b: float, x0: float, T: int, target: float,
                     activation: str) -> tuple[float, float, float, float]:
    """``one_unit_loss`` for one (w, b) in plain Python floats (same recursion)."""
    x, dx_dw, dx_db = x0, 0.0, 0.0
    for _ in range(T):
        if activation == "sigmoid":
            s = 0.5 * (1.0 + math.tanh(0.5 * x))
            ds = s * (1.0 - s)
        elif activation == "tanh":
            s = math.tanh(x)
            ds = 1.0 - s * s
        elif activation == "identity":
            s, ds = x, 1.0
        else:                                          # relu
            s, ds = (x, 1.0) if x > 0 else (0.0, 0.0)
        dx_dw, dx_db = s + w * ds * dx_dw, 1.0 + w * ds * dx_db
        x = w * s + b
    err = x - target
    return 0.5 * err * err, err * dx_dw, err * dx_db, x


def _pair(w, b):
    """w and b broadcast together, as flat float arrays of at least one entry, and the shape."""
    w, b = np.broadcast_arrays(as_float_array(w, "w"), as_float_array(b, "b"))
    shape = w.shape
    return w.astype(float).ravel(), b.astype(float).ravel(), shape


class OneUnit(NamedTuple):
    """What ``one_unit_loss`` returns (arrays shaped like the broadcast of w and b).

    loss : 1/2 (x_T - target)^2;  dw, db : its gradient;  x_T : the final state.
    """

    loss: np.ndarray
    dw: np.ndarray
    db: np.ndarray
    x_T: np.ndarray


def one_unit_run(w, b, *, x0: float = 0.5, T: int = 50,
                 activation: str = "sigmoid") -> np.ndarray:
    """States of the one-unit model x_t = w sigma(x_{t-1}) + b, t = 1..T, from x_0.

    ``w`` and ``b`` may be arrays (they broadcast): one run per pair, all at once.

    Returns
    -------
    ndarray, shape (T + 1,) + broadcast shape of w and b
        ``[x_0, x_1, ..., x_T]``.
    """
    check_choice(activation, "activation", HIDDEN_ACTIVATIONS)
    T = as_int(T, "T", minimum=1)
    w, b, shape = _pair(w, b)
    sigma, _ = _unit_activation(activation)
    X = np.empty((T + 1,) + w.shape)
    X[0] = x0
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, T + 1):
            X[t] = w * sigma(X[t - 1]) + b
    return X.reshape((T + 1,) + shape)


def one_unit_loss(w, b, *, target: float = 0.7, x0: float = 0.5, T: int = 50,
                  activation: str = "sigmoid") -> OneUnit:
    """Loss L(w, b) = 1/2 (x_T - target)^2 of x_t = w sigma(x_{t-1}) + b and its gradient.

    The gradient is carried forward with the state (forward-mode differentiation,
    exact for two parameters): with s_t = sigma(x_t),

        d x_t/d w = s_{t-1} + w sigma'(x_{t-1}) d x_{t-1}/d w,
        d x_t/d b = 1       + w sigma'(x_{t-1}) d x_{t-1}/d b,

    so that the same vectorised loop serves a whole grid of (w, b) at once.
    The model is the one Pascanu, Mikolov & Bengio (2013) use to show the wall
    (their Figures 2 and 6); x_t here is the pre-activation of chapter 3's unit.
    """
    check_choice(activation, "activation", HIDDEN_ACTIVATIONS)
    T = as_int(T, "T", minimum=1)
    w, b, shape = _pair(w, b)
    if w.size <= _SCALAR_LOOP:                         # a few runs: plain floats are faster
        out = np.array([_one_unit_scalar(float(wi), float(bi), float(x0), T, float(target),
                                         activation) for wi, bi in zip(w, b)]).T
        return OneUnit(*(np.reshape(a, shape) for a in out))
    sigma, dsigma = _unit_activation(activation)
    x = np.full(w.shape, float(x0))
    dx_dw = np.zeros(w.shape)
    dx_db = np.zeros(w.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(T):
            s = sigma(x)
            ds = dsigma(x, s)
            dx_dw, dx_db = s + w * ds * dx_dw, 1.0 + w * ds * dx_db
            x = w * s + b
        err = x - target
        out = (0.5 * err * err, err * dx_dw, err * dx_db, x)
    return OneUnit(*(np.reshape(a, shape) for a in out))


def one_unit_wall(w: float, b_lo: float, b_hi: float, *, level: float | None = None,
                  **model) -> float:
    """The bias where x_T of the one-unit model crosses ``level`` (bisection).

    ``level`` defaults to the midpoint of x_T at the two ends, which lie on the two
    sides of the wall (checked).
    """
    lo_x = float(one_unit_loss(w, b_lo, **model).x_T)
    hi_x = float(one_unit_loss(w, b_hi, **model).x_T)
    level = 0.5 * (lo_x + hi_x) if level is None else float(level)
    if (lo_x - level) * (hi_x - level) > 0:
        raise ValueError(f"x_T does not cross {level:g} between b = {b_lo} and b = {b_hi}")
    a, z = float(b_lo), float(b_hi)
    for _ in range(200):
        mid = 0.5 * (a + z)
        if mid in (a, z):
            break
        if (float(one_unit_loss(w, mid, **model).x_T) - level) * (lo_x - level) > 0:
            a = mid
        else:
            z = mid
    return 0.5 * (a + z)


def clip_vector(g, threshold: float, kind: str = "norm") -> np.ndarray:
    """Clip one gradient vector: ``'norm'`` rescales it to length <= threshold
    (direction kept), ``'value'`` clips each entry to [-threshold, threshold].

    The same rules as ``rl.clip_by_global_norm`` and ``rl.clip_elementwise``, for a
    plain vector.
    """
    g = as_float_array(g, "g", finite=False)
    threshold = as_positive_float(threshold, "threshold")
    check_choice(kind, "clipping kind", ("norm", "value"))
    if kind == "value":
        return np.clip(g, -threshold, threshold)
    norm = float(np.linalg.norm(g))
    return g * (threshold / norm) if norm > threshold else g.copy()


def angle_degrees(a, b) -> float:
    """The angle between two vectors, in degrees (0: same direction)."""
    a = as_float_array(a, "a").ravel()
    b = as_float_array(b, "b").ravel()
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0 or nb == 0:
        raise ValueError("the angle to a zero vector is undefined")
    c = float(np.dot(a, b)) / (na * nb)
    return float(np.degrees(np.arccos(np.clip(c, -1.0, 1.0))))


class DescentPath(NamedTuple):
    """What ``descend`` returns.

    theta : (n + 1, [P,] d) the iterates, theta[0] the start (fewer rows if it stopped);
    grad_norm : (n, [P]) ||g|| before clipping at each step;
    stopped : str, '' or why it stopped early;
    loss : (n + 1,) the loss at each iterate where known (``one_unit_descent``), else None.
    """

    theta: np.ndarray
    grad_norm: np.ndarray
    stopped: str
    loss: np.ndarray | None = None


def descend(grad: Callable[[np.ndarray], np.ndarray], theta0, *, lr: float, steps: int,
            clip=None, kind: str = "norm") -> DescentPath:
    """Plain gradient descent theta <- theta - lr * clip(g(theta)), for one or P paths.

    Parameters
    ----------
    grad : callable theta -> gradient of the same shape
        Called once per step with all paths, shape ``([P,] d)``.
    theta0 : ndarray, shape (d,) or (P, d)
        Start(s); P paths advance together (one call of ``grad`` per step).
    lr : float > 0
    steps : int >= 0
    clip : None, float, or sequence of P (float or None)
        Threshold of ``clip_vector`` for every path, or one per path; None: no clipping.
    kind : {'norm', 'value'}

    Returns
    -------
    DescentPath
        Stops early (and says so) if a gradient is not finite.
    """
    theta = as_float_array(theta0, "theta0", ndim=(1, 2)).copy()
    lr = as_positive_float(lr, "lr")
    steps = as_int(steps, "steps", minimum=0)
    check_choice(kind, "clipping kind", ("norm", "value"))
    rows = theta.reshape(-1, theta.shape[-1])
    n_paths = rows.shape[0]
    clips = list(clip) if isinstance(clip, (list, tuple, np.ndarray)) else [clip] * n_paths
    if len(clips) != n_paths:
        raise ValueError(f"clip must give one threshold per path ({n_paths}), got {len(clips)}")
    clips = [None if c is None else as_positive_float(c, "clip") for c in clips]
    path, norms, stopped = [theta.copy()], [], ""
    for _ in range(steps):
        g = np.asarray(grad(theta), dtype=float)
        if g.shape != theta.shape:
            raise ValueError(f"grad returned shape {g.shape} for theta of shape {theta.shape}")
        g2 = g.reshape(n_paths, -1)
        n = np.linalg.norm(g2, axis=-1)
        if not np.all(np.isfinite(n)):
            stopped = "the gradient is not finite"
            break
        norms.append(n if theta.ndim == 2 else n[0])
        step = np.stack([gi if c is None else clip_vector(gi, c, kind)
                         for gi, c in zip(g2, clips)]).reshape(theta.shape)
        theta = theta - lr * step
        path.append(theta.copy())
    shape = (0,) + theta.shape[:-1]
    return DescentPath(np.array(path), np.array(norms) if norms else np.zeros(shape), stopped)


def one_unit_descent(w0: float, b0: float, *, lr: float, steps: int, clip: float | None = None,
                     kind: str = "norm", target: float = 0.7, x0: float = 0.5, T: int = 50,
                     activation: str = "sigmoid") -> DescentPath:
    """``descend`` on ``one_unit_loss`` from (w0, b0), in plain floats.

    The same iterates as ``descend(grad, [w0, b0], ...)`` with the one-unit gradient,
    without any array overhead, so that a slider figure can redraw a 100-step path
    in a few milliseconds. Also records the loss at every iterate.
    """
    check_choice(activation, "activation", HIDDEN_ACTIVATIONS)
    check_choice(kind, "clipping kind", ("norm", "value"))
    lr = as_positive_float(lr, "lr")
    steps = as_int(steps, "steps", minimum=0)
    T = as_int(T, "T", minimum=1)
    if clip is not None:
        clip = as_positive_float(clip, "clip")
    w, b = float(w0), float(b0)
    path, norms, losses, stopped = [(w, b)], [], [], ""
    for _ in range(steps + 1):
        L, gw, gb, _ = _one_unit_scalar(w, b, float(x0), T, float(target), activation)
        losses.append(L)
        if len(path) == steps + 1:
            break
        n = math.hypot(gw, gb)
        if not math.isfinite(n):
            stopped = "the gradient is not finite"
            break
        norms.append(n)
        if clip is not None:
            if kind == "norm" and n > clip:
                gw, gb = gw * clip / n, gb * clip / n
            elif kind == "value":
                gw, gb = min(max(gw, -clip), clip), min(max(gb, -clip), clip)
        w, b = w - lr * gw, b - lr * gb
        path.append((w, b))
    return DescentPath(np.array(path), np.array(norms), stopped, np.array(losses))


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
    from .bptt import loss_and_gradients
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
