"""The input-free RNN as a dynamical system: Jacobian, fixed points, memory (chapter 3).

With the input switched off, the state update of the RNN,

    x_t = sigma(W_xx x_{t-1} + W_xu u_t + b_x),

is an autonomous first-order system x_t = F(x_{t-1}) = sigma(W_xx x_{t-1} + b_x),
the vector version of chapter 1's tanh map. This module gives its Jacobian
(``state_jacobian``), finds its fixed points and their stability
(``state_fixed_points``: Newton's method from a grid; stable when the Jacobian's
spectral radius is below 1), and measures how long one input pulse stays in the
state (``pulse_response``, ``steps_to_forget``, ``forgetting_times``) and what a
state does after its inputs stop (``input_fate``: forgotten, kept, amplified or
diverged). ``rotation_scale`` builds the chapter's W_xx = s R(theta), and
``random_direction`` a fixed random W_xx with spectral radius 1 to scale.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, as_int, as_positive_float, check_choice, check_rng
from .activations import HIDDEN_ACTIVATIONS, hidden_activation
from .dynamics import MARGINAL_TOL
from .elman import forward, init_params


def rotation_scale(scale: float, theta: float) -> np.ndarray:
    """W = s R(theta) = s [[cos theta, -sin theta], [sin theta, cos theta]].

    Its eigenvalues are s e^{+-i theta}, so its spectral radius is |s|; ``theta``
    is in radians.
    """
    scale = float(as_float_array(scale, "scale", ndim=(0,)))
    theta = float(as_float_array(theta, "theta", ndim=(0,)))
    c, s = np.cos(theta), np.sin(theta)
    return scale * np.array([[c, -s], [s, c]])


class StateFixedPoint(NamedTuple):
    """A fixed point x* = sigma(W_xx x* + b_x) of the input-free RNN.

    x : (n_x,) the point; eigvals : (n_x,) eigenvalues of the Jacobian
    J = diag(sigma'(a*)) W_xx with a* = W_xx x* + b_x; radius : max |eigvals|;
    stable : radius < 1 - 1e-6 (nearby states are pulled in).

    When the radius is 1 (to within 1e-6) the linearisation cannot decide, and
    ``kind`` says 'marginal' (chapter 1's |f'(x*)| = 1, e.g. at a bifurcation).
    """

    x: np.ndarray
    eigvals: np.ndarray
    radius: float
    stable: bool

    @property
    def kind(self) -> str:
        """'stable', 'saddle' (some directions in, some out), 'unstable' or 'marginal'."""
        if abs(self.radius - 1.0) < MARGINAL_TOL:
            return "marginal"
        if self.stable:
            return "stable"
        return "saddle" if np.min(np.abs(self.eigvals)) < 1.0 else "unstable"


def _check_map(W_xx, b_x, activation):
    check_choice(activation, "activation", HIDDEN_ACTIVATIONS)
    W = as_float_array(W_xx, "W_xx", ndim=(2,))
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W_xx must be square (n_x, n_x), got shape {W.shape}")
    b = as_float_array(b_x, "b_x", ndim=(1,))
    if b.shape != (W.shape[0],):
        raise ValueError(f"b_x must have shape ({W.shape[0]},) to match W_xx, got {b.shape}")
    return W, b


def state_jacobian(W_xx, b_x, x, activation: str = "tanh") -> np.ndarray:
    """Jacobian of F(x) = sigma(W_xx x + b_x): J = diag(sigma'(a)) W_xx, a = W_xx x + b_x.

    Parameters
    ----------
    W_xx : ndarray, shape (n_x, n_x)
    b_x : ndarray, shape (n_x,)
    x : ndarray, shape (n_x,)
    activation : {'tanh', 'sigmoid', 'relu', 'identity'}

    Returns
    -------
    ndarray, shape (n_x, n_x)
    """
    W, b = _check_map(W_xx, b_x, activation)
    x = as_float_array(x, "x", ndim=(1,))
    sigma, dsigma = hidden_activation(activation)
    a = W @ x + b
    return dsigma(a, sigma(a))[:, None] * W


def state_fixed_points(W_xx, b_x, activation: str = "tanh", *, lim: float = 1.5,
                       n_grid: int = 7, n_iter: int = 60, tol: float = 1e-9
                       ) -> list[StateFixedPoint]:
    """Fixed points x* = sigma(W_xx x* + b_x) of the input-free RNN, with their stability.

    Newton's method on g(x) = sigma(W_xx x + b_x) - x, whose Jacobian is
    diag(sigma'(a)) W_xx - I, runs from every point of a grid of ``n_grid`` points
    per axis on [-lim, lim]^n_x (so keep n_x small: 2 for a phase portrait). Starts
    whose residual |g| ends below ``tol`` are fixed points; duplicates are merged.
    A fixed point is stable when the spectral radius of J = diag(sigma'(a*)) W_xx
    is below 1, the vector form of chapter 1's |f'(x*)| < 1.

    When a whole line or plane of points is fixed (e.g. sigma = identity with
    W_xx = I and b_x = 0) every start is returned.

    Parameters
    ----------
    W_xx : ndarray, shape (n_x, n_x)
    b_x : ndarray, shape (n_x,)
    activation : {'tanh', 'sigmoid', 'relu', 'identity'}
    lim : float
        Half-width of the box of starting points.
    n_grid : int
        Starting points per axis (>= 1).
    n_iter : int
        Newton iterations.
    tol : float
        Largest residual |sigma(W_xx x + b_x) - x| accepted.

    Returns
    -------
    list of StateFixedPoint, sorted by their coordinates
    """
    W, b = _check_map(W_xx, b_x, activation)
    lim = as_positive_float(lim, "lim")
    n_grid = as_int(n_grid, "n_grid", minimum=1)
    n_iter = as_int(n_iter, "n_iter", minimum=1)
    tol = as_positive_float(tol, "tol")
    n = W.shape[0]
    sigma, dsigma = hidden_activation(activation)
    axis = np.linspace(-lim, lim, n_grid) if n_grid > 1 else np.zeros(1)
    X = np.stack(np.meshgrid(*[axis] * n, indexing="ij"), axis=-1).reshape(-1, n)  # (K, n)
    eye = np.eye(n)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(n_iter):
            A = X @ W.T + b                                   # (K, n) a = W x + b
            S = sigma(A)
            G = S - X                                          # (K, n) residual g(x)
            J = dsigma(A, S)[:, :, None] * W[None] - eye       # (K, n, n) dg/dx
            # Where J is singular, step by -G instead: x <- sigma(W x + b), one
            # plain iteration of the map, which also moves towards stable points.
            # Singular relative to its size: |det J| against the product of its
            # row lengths (Hadamard's bound), so that a small but regular J (near
            # a degenerate fixed point) still gets its Newton step.
            rows = np.prod(np.linalg.norm(J, axis=2), axis=1)
            bad = ~(np.abs(np.linalg.det(J)) > 1e-10 * rows)
            J[bad] = -eye
            step = np.linalg.solve(J, G[:, :, None])[:, :, 0]  # (K, n) Newton step
            norm = np.linalg.norm(step, axis=1, keepdims=True)
            X = X - step * np.minimum(1.0, lim / np.maximum(norm, 1e-300))  # damped
            X[~np.all(np.isfinite(X), axis=1)] = np.nan
            if not np.any(norm > 1e-14):                       # all converged (or lost)
                break
        A = X @ W.T + b
        resid = np.linalg.norm(sigma(A) - X, axis=1)
    roots = X[np.isfinite(resid) & (resid < tol)]
    merged: list[np.ndarray] = []
    for r in roots:                                 # merge starts that found one point
        if not any(np.max(np.abs(r - m)) < 1e-5 * max(1.0, np.max(np.abs(m)))
                   for m in merged):
            merged.append(r)
    merged.sort(key=lambda r: tuple(np.round(r, 9)))
    out = []
    for r in merged:
        lam = np.linalg.eigvals(state_jacobian(W, b, r, activation))
        rad = float(np.max(np.abs(lam)))
        out.append(StateFixedPoint(r, lam, rad, rad < 1.0 - MARGINAL_TOL))   # 1: marginal
    return out


def pulse_response(W_xx, w_u, T: int, activation: str = "tanh",
                   amplitude: float = 1.0) -> np.ndarray:
    """States after one input pulse u_0 = amplitude, then silence, from x_{-1} = 0.

        x_0 = sigma(amplitude * w_u),   x_t = sigma(W_xx x_{t-1})  (t = 1..T-1)

    (no bias, so that the state returns to 0 once the pulse is forgotten).

    Parameters
    ----------
    W_xx : ndarray, shape (n_x, n_x)
    w_u : ndarray, shape (n_x,)
        The input weights W_xu of a one-dimensional input.
    T : int
        Number of steps.

    Returns
    -------
    X : ndarray, shape (T, n_x)
    """
    W, w = _check_map(W_xx, w_u, activation)
    T = as_int(T, "T", minimum=1)
    n = W.shape[0]
    U = np.zeros((T, 1))
    U[0, 0] = float(amplitude)
    params = (W, w[:, None], np.zeros((1, n)), np.zeros(n), np.zeros(1))
    return forward(params, U, activation=activation).X


def steps_to_forget(X, threshold: float = 0.01) -> int | None:
    """First step t after which |x_s| < threshold |x_0| for every later s >= t.

    This is how long a pulse at t = 0 stays visible in the state. For the linear
    scalar system x_t = a x_{t-1} it is ceil(ln(threshold) / ln|a|), which is
    log2(1/threshold) half-lives (chapter 2's half-life ln 2 / |ln |a||).

    Parameters
    ----------
    X : ndarray, shape (T, n_x) or (T,)
        States after the pulse; ``X[0]`` is the state right after it.
    threshold : float
        Fraction of |x_0| that counts as forgotten, in (0, 1).

    Returns
    -------
    int or None
        None if the state is still above the threshold at the last step (or if
        it diverged).
    """
    X = as_float_array(X, "X", ndim=(1, 2), finite=False)
    X = X.reshape(len(X), -1)
    threshold = as_positive_float(threshold, "threshold")
    if threshold >= 1.0:
        raise ValueError(f"threshold must be below 1, got {threshold}")
    norms = np.linalg.norm(X, axis=1)
    if not norms.size or not np.isfinite(norms[0]) or norms[0] == 0.0:
        raise ValueError("X[0] must be a finite, non-zero state (the state right after "
                         "the pulse)")
    with np.errstate(invalid="ignore"):
        above = ~(norms < threshold * norms[0])          # nan counts as not forgotten
    if above[-1]:
        return None
    return int(np.nonzero(above)[0][-1] + 1)


def forgetting_times(W_xx, w_u, radii, activation: str = "tanh",
                     threshold: float = 0.01) -> np.ndarray:
    """``steps_to_forget`` of one pulse for the RNN with recurrent matrix rho * W_xx,
    for every rho in ``radii`` (each < 1); nan where the pulse is never forgotten.

    The run is 3 ln(threshold) / ln(rho) + 50 steps long, three times what the
    linear formula needs, so that a slower decay still shows.

    Returns
    -------
    ndarray, shape (len(radii),)
    """
    out = []
    for r in np.atleast_1d(np.asarray(radii, dtype=float)):
        if not 0 < r < 1:
            raise ValueError(f"every radius must lie in (0, 1), got {r}")
        T = int(3 * np.log(threshold) / np.log(r)) + 50
        s = steps_to_forget(pulse_response(r * np.asarray(W_xx), w_u, T, activation),
                            threshold)
        out.append(np.nan if s is None else s)
    return np.array(out, dtype=float)


class Fate(NamedTuple):
    """What ``input_fate`` found: what the state did after the last input.

    kind : 'forgotten' (back to where the same RNN goes without input), 'kept (at
        rest)' or 'kept (moving)' (still apart from it at the end, settled at a new
        point or still moving), 'amplified' (growing), 'diverged' (above the limit),
        or 'no input' (the input never reached the state);
    steps : int or None: for 'forgotten', the steps after the last input until the
        state is back; for 'diverged', the first step above the limit;
    saturated : share of the units with |x| > 0.95 at the input steps or at the end.
    """

    kind: str
    steps: int | None
    saturated: float


def input_fate(params, U, activation: str = "tanh", *, limit: float = 1e6,
               threshold: float = 0.01) -> Fate:
    """Run the RNN on ``U`` and on silence, and say what became of the inputs.

    The gap between the two runs, g_t = |x_t - x_t^0| (x^0: the same RNN, same
    x_init, zero input), measures what is left of the inputs. They count as
    forgotten from the first step after the last nonzero input from which g_t
    stays below ``threshold`` times the largest gap. Otherwise the state kept
    them: 'amplified' if |x_T-1| is more than twice its largest value up to the
    step after the last input, else 'kept (at rest)' if the last step moved no
    unit by 1e-3 or more, else 'kept (moving)'.

    Parameters
    ----------
    params : Params (or a tuple of its five arrays)
    U : ndarray, shape (T, n_u)
        One input sequence with at least one nonzero input.
    activation : str
    limit : float
        |x_t| above this (or not finite) counts as diverged.
    threshold : float in (0, 1)

    Returns
    -------
    Fate
    """
    U = as_float_array(U, "U", ndim=(2,))
    threshold = as_positive_float(threshold, "threshold")
    if threshold >= 1:
        raise ValueError(f"threshold must be below 1, got {threshold}")
    inputs = np.nonzero(np.any(U != 0, axis=1))[0]
    if not inputs.size:
        raise ValueError("U has no nonzero input; there is nothing to forget")
    t_last = int(inputs[-1])
    with np.errstate(over="ignore", invalid="ignore"):
        X = forward(params, U, activation=activation).X           # (T, n_x)
        X0 = forward(params, 0 * U, activation=activation).X      # no input
        bad = ~np.all(np.isfinite(X) & (np.abs(np.nan_to_num(X)) <= limit), axis=1)
    sat = max(float(np.mean(np.abs(X[inputs]) > 0.95)), float(np.mean(np.abs(X[-1]) > 0.95)))
    if bad.any():
        return Fate("diverged", int(np.argmax(bad)), sat)
    gap = np.linalg.norm(X - X0, axis=1)
    if not np.any(gap > 0):
        return Fate("no input", None, sat)
    left = ~(gap[t_last:] < threshold * float(np.max(gap)))   # still there at t_last + k
    if not left[-1]:
        return Fate("forgotten", int(np.nonzero(left)[0][-1]) + 1 if left.any() else 0, sat)
    size = np.linalg.norm(X, axis=1)
    if size[-1] > 2 * np.max(size[:t_last + 2]):
        return Fate("amplified", None, sat)
    if np.max(np.abs(X[-1] - X[-2])) < 1e-3:
        return Fate("kept (at rest)", None, sat)
    return Fate("kept (moving)", None, sat)


def random_direction(n_x: int, rng: np.random.Generator):
    """A random W_xx with spectral radius 1 and a random W_xu of one input.

    Drawn with ``init_params``; scaling them by rho and by an input gain gives the
    chapter's family of RNNs whose only difference is the spectral radius
    rho(W_xx) = rho.

    Returns
    -------
    W_xx : ndarray, shape (n_x, n_x)
    w_u : ndarray, shape (n_x,)
    """
    p = init_params(n_x, 1, 1, check_rng(rng), spectral_radius=1.0)
    return p.W_xx, p.W_xu[:, 0]
