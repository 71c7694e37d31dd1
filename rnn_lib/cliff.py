"""The cliff of an exploding gradient (chapter 4): Pascanu's one-unit model, and
gradient descent on it with and without clipping.

The model is one unit fed back to itself, scored after T steps:

    x_t = w sigma(x_{t-1}) + b,   t = 1, ..., T,     L(w, b) = 1/2 (x_T - target)^2.

For large w the map has two stable fixed points, and x_0 falls into one or the other
depending on (w, b). Where the two basins meet, x_T jumps, and L with it: a wall in
the loss surface, where |dL/db| reaches about 10^8 (w = 6, T = 50) in a sliver far
narrower than any grid.
A gradient step that lands there throws the parameters far away. Clipping the
gradient's norm (``rnn_lib.clip_by_global_norm``) keeps its direction and caps a step
of plain gradient descent (``descend``) at lr * c (not a step of momentum or Adam);
clipping each entry (``rnn_lib.clip_elementwise``) turns it.

x_t here is the pre-activation of chapter 3's unit: s_t = sigma(x_t) obeys
s_t = sigma(w s_{t-1} + b).

References: R. Pascanu, T. Mikolov & Y. Bengio, "On the difficulty of training
recurrent neural networks", ICML 2013 (Figures 2 and 6); K. Doya, "Bifurcations in
the learning of recurrent neural networks", ISCAS 1992.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, as_int, as_positive_float, check_choice
from .activations import hidden_activation
from .bptt import clip_by_global_norm, clip_elementwise


class OneUnit(NamedTuple):
    """What ``one_unit_loss`` returns (arrays shaped like the broadcast of w and b).

    loss : 1/2 (x_T - target)^2;  dw, db : its gradient;  x_T : the final state.
    """

    loss: np.ndarray
    dw: np.ndarray
    db: np.ndarray
    x_T: np.ndarray


def _pair(w, b):
    """w and b broadcast together, as float arrays."""
    return np.broadcast_arrays(as_float_array(w, "w"), as_float_array(b, "b"))


def one_unit_loss(w, b, *, target: float = 0.7, x0: float = 0.5, T: int = 50,
                  activation: str = "sigmoid") -> OneUnit:
    """Loss L(w, b) = 1/2 (x_T - target)^2 of x_t = w sigma(x_{t-1}) + b and its gradient.

    The gradient is carried forward with the state (forward-mode differentiation,
    exact, and cheap for two parameters): with s_t = sigma(x_t),

        d x_t/d w = s_{t-1} + w sigma'(x_{t-1}) d x_{t-1}/d w,
        d x_t/d b = 1       + w sigma'(x_{t-1}) d x_{t-1}/d b,

    so that one loop serves a whole grid of (w, b) at once (``w`` and ``b``
    broadcast).
    """
    sigma, dsigma = hidden_activation(activation)
    T = as_int(T, "T", minimum=1)
    w, b = _pair(w, b)
    x = np.full(w.shape, float(x0))
    dx_dw = np.zeros(w.shape)
    dx_db = np.zeros(w.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(T):
            s = sigma(x)
            ds = dsigma(x, s)                          # sigma'(x_{t-1})
            dx_dw, dx_db = s + w * ds * dx_dw, 1.0 + w * ds * dx_db
            x = w * s + b
        err = x - target
        return OneUnit(0.5 * err * err, err * dx_dw, err * dx_db, x)


def one_unit_gradient(theta, **model) -> np.ndarray:
    """(dL/dw, dL/db) at theta = (w, b), for one point ``(2,)`` or several ``(..., 2)``.

    The gradient ``descend`` follows; ``model`` goes to ``one_unit_loss``.
    """
    theta = as_float_array(theta, "theta", finite=False)
    r = one_unit_loss(theta[..., 0], theta[..., 1], **model)
    return np.stack([r.dw, r.db], axis=-1)


def one_unit_wall(w: float, b_lo: float, b_hi: float, *, level: float | None = None,
                  **model) -> float:
    """The bias where x_T of the one-unit model crosses ``level`` (bisection).

    ``level`` defaults to the midpoint of x_T at the two ends, which lie on the two
    sides of the wall (checked).
    """
    def x_T(b):
        return float(one_unit_loss(w, b, **model).x_T)

    lo_x, hi_x = x_T(b_lo), x_T(b_hi)
    level = 0.5 * (lo_x + hi_x) if level is None else float(level)
    if (lo_x - level) * (hi_x - level) > 0:
        raise ValueError(f"x_T does not cross {level:g} between b = {b_lo} and b = {b_hi}")
    a, z = float(b_lo), float(b_hi)
    for _ in range(200):
        mid = 0.5 * (a + z)
        if mid in (a, z):                              # as close as floats get
            break
        if (x_T(mid) - level) * (lo_x - level) > 0:
            a = mid
        else:
            z = mid
    return 0.5 * (a + z)


# -- gradient descent, with and without clipping -----------------------------------------
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
    stopped : str, '' or why it stopped early.
    """

    theta: np.ndarray
    grad_norm: np.ndarray
    stopped: str


def _per_path(value, n_paths: int, name: str, what: str) -> list:
    """``value`` for each of n_paths paths: a sequence of n_paths, or one value for all."""
    if not isinstance(value, (list, tuple, np.ndarray)):
        return [value] * n_paths
    if len(value) != n_paths:
        raise ValueError(f"{name} must give one {what} per path ({n_paths}), got {len(value)}")
    return list(value)


def descend(grad: Callable[[np.ndarray], np.ndarray], theta0, *, lr: float, steps: int,
            clip=None, kind: str = "norm") -> DescentPath:
    """Plain gradient descent theta <- theta - lr * clip(g(theta)), for one or P paths.

    Parameters
    ----------
    grad : callable theta -> gradient of the same shape
        Called once per step with all paths, shape ``([P,] d)``.
    theta0 : ndarray, shape (d,) or (P, d)
        Start(s); P paths advance together (one call of ``grad`` per step).
    lr : float > 0, or sequence of P of them
        Learning rate of every path, or one per path.
    steps : int >= 0
    clip : None, float, or sequence of P (float or None)
        Clipping threshold c for every path, or one per path; None: no clipping.
    kind : {'norm', 'value'}
        ``'norm'``: g <- g min(1, c / ||g||) (``rnn_lib.clip_by_global_norm``);
        ``'value'``: every entry clipped to [-c, c] (``rnn_lib.clip_elementwise``).

    Returns
    -------
    DescentPath
        Stops early (and says so) if a gradient is not finite.
    """
    theta0 = as_float_array(theta0, "theta0", ndim=(1, 2))
    steps = as_int(steps, "steps", minimum=0)
    check_choice(kind, "clipping kind", ("norm", "value"))
    theta = theta0.reshape(-1, theta0.shape[-1])       # (P, d): one row per path
    n_paths = theta.shape[0]
    lr = np.array([as_positive_float(v, "lr")
                   for v in _per_path(lr, n_paths, "lr", "learning rate")])[:, None]   # (P, 1)
    clips = [None if c is None else as_positive_float(c, "clip")
             for c in _per_path(clip, n_paths, "clip", "threshold")]

    def clipped(g, c):
        if c is None:
            return g
        return clip_by_global_norm(g, c)[0] if kind == "norm" else clip_elementwise(g, c)

    path, norms, stopped = [theta], [], ""
    for _ in range(steps):
        g = np.asarray(grad(theta.reshape(theta0.shape)), dtype=float)
        if g.shape != theta0.shape:
            raise ValueError(f"grad returned shape {g.shape} for theta of shape {theta0.shape}")
        g = g.reshape(theta.shape)
        n = np.linalg.norm(g, axis=-1)                 # (P,): ||g|| of each path
        if not np.all(np.isfinite(n)):
            stopped = "the gradient is not finite"
            break
        norms.append(n)
        theta = theta - lr * np.stack([clipped(gi, c) for gi, c in zip(g, clips)])
        path.append(theta)
    path = np.array(path).reshape((-1,) + theta0.shape)                 # (n + 1, [P,] d)
    norms = np.reshape(norms, (-1,) + theta0.shape[:-1])                # (n, [P])
    return DescentPath(path, norms, stopped)
