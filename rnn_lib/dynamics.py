"""First-order systems and state-space models (chapters 1 and 2).

An autonomous first-order system runs on its own, x_t = f(x_{t-1}); a driven one
also reads an input, x_t = f(x_{t-1}, u_t); a state-space model adds an observation
y_t = h(x_t). This module simulates them for any Python callables, finds the fixed
points of scalar maps with their kind (stable, unstable or marginal), gives the linear
map's closed form, names the behaviour of a 2-D linear system x_t = A x_{t-1} from its
eigenvalues, and makes the cloud inputs of the article's weather model.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from ._checks import as_float_array, as_int, check_rng


def iterate(f: Callable, x0, T: int) -> np.ndarray:
    """Orbit of an autonomous system: x_t = f(x_{t-1}) for t = 1..T, from x_0.

    Parameters
    ----------
    f : callable
        The state map; takes and returns an array shaped like ``x0``.
    x0 : float or ndarray, shape (n_x,)
        The starting state x_0.
    T : int >= 0
        Number of steps.

    Returns
    -------
    X : ndarray, shape (T + 1,) or (T + 1, n_x)
        ``X[t]`` is x_t; ``X[0]`` is x0. A diverging orbit shows as inf or nan, it
        does not raise.
    """
    if not callable(f):
        raise TypeError(f"f must be a callable state map, got {type(f).__name__}")
    T = as_int(T, "T", minimum=0)
    x = as_float_array(x0, "x0", ndim=(0, 1))
    X = np.empty((T + 1,) + x.shape)
    X[0] = x
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, T + 1):
            X[t] = f(X[t - 1])
    return X


class StateSpaceRun(NamedTuple):
    """States ``X (T, ...)`` with X[t] = x_t and observations ``Y (T, ...)`` or None."""

    X: np.ndarray
    Y: np.ndarray | None


def simulate(f: Callable, U, x_init, h: Callable | None = None) -> StateSpaceRun:
    """Run a driven state-space model over an input sequence.

        x_t = f(x_{t-1}, u_t),   y_t = h(x_t),   t = 0..T-1,  x_{-1} = x_init.

    Time counts from 0 as in the article ("I" is u_0): ``X[t]`` is the state after
    reading ``U[t]``.

    Parameters
    ----------
    f : callable (x_prev, u) -> x
    U : ndarray, shape (T,) or (T, n_u)
        Inputs; ``U[t]`` is u_t. At least one step.
    x_init : float or ndarray, shape (n_x,)
        The state before the first input.
    h : callable x -> y, optional
        The observation map; without it ``Y`` is None.

    Returns
    -------
    StateSpaceRun
    """
    if not callable(f):
        raise TypeError(f"f must be a callable (x_prev, u) -> x, got {type(f).__name__}")
    if h is not None and not callable(h):
        raise TypeError(f"h must be a callable x -> y or None, got {type(h).__name__}")
    U = as_float_array(U, "U", ndim=(1, 2))
    if U.shape[0] == 0:
        raise ValueError("U is an empty sequence (T = 0); give at least one time step")
    x = as_float_array(x_init, "x_init", ndim=(0, 1))
    X = np.empty((U.shape[0],) + x.shape)
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(U.shape[0]):
            x = X[t] = f(x, U[t])
        Y = None if h is None else np.array([h(x_t) for x_t in X])
    return StateSpaceRun(X, Y)


def linear_closed_form(a: float, b: float, x0: float, T: int) -> np.ndarray:
    """Closed form of x_t = a x_{t-1} + b from x_0, for t = 0..T.

        x_t = a^t x_0 + b (1 - a^t) / (1 - a)      (a != 1)
        x_t = x_0 + b t                             (a == 1)

    Equivalently x_t = x* + a^t (x_0 - x*) with the fixed point x* = b / (1 - a).

    Returns
    -------
    ndarray, shape (T + 1,)
    """
    T = as_int(T, "T", minimum=0)
    a, b, x0 = (float(as_float_array(v, n, ndim=(0,))) for v, n in ((a, "a"), (b, "b"), (x0, "x0")))
    t = np.arange(T + 1)
    with np.errstate(over="ignore", invalid="ignore"):
        if a == 1.0:
            return x0 + b * t
        at = a ** t
        return at * x0 + b * (1.0 - at) / (1.0 - a)


def linear_fixed_point(a: float, b: float) -> float | None:
    """x* = b / (1 - a) of x_t = a x_{t-1} + b; None when a = 1 (none, or every x if b = 0)."""
    return None if a == 1.0 else b / (1.0 - a)


#: |f'(x*)| within this of 1 counts as marginal (the same tolerance as chapter 3's
#: rnn_dynamics): a slope computed by a central difference is off by ~1e-10
MARGINAL_TOL = 1e-6


class FixedPoint(NamedTuple):
    """A fixed point x* = f(x*) of a scalar map, its slope f'(x*) and its kind.

    ``kind`` is 'stable' (|f'(x*)| < 1: nearby orbits are pulled in by a fixed factor
    per step), 'unstable' (|f'(x*)| > 1: pushed out) or 'marginal' (|f'(x*)| = 1 within
    a tolerance: the tangent line neither shrinks nor stretches, so the slope cannot
    decide; the bend of f does, and orbits move towards or away from x* slowly, e.g.
    like 1/sqrt(t) for tanh at x* = 0).
    """

    x: float
    slope: float
    kind: str

    @property
    def stable(self) -> bool:
        """True for kind 'stable' (a marginal point may attract, but not by a fixed factor)."""
        return self.kind == "stable"


def stability(slope: float, marginal_tol: float = MARGINAL_TOL) -> str:
    """'stable', 'unstable' or 'marginal' for a fixed point with slope f'(x*) (chapter 1)."""
    mod = abs(float(slope))
    if abs(mod - 1.0) <= marginal_tol:
        return "marginal"
    return "stable" if mod < 1.0 else "unstable"


def fixed_points(f: Callable[[np.ndarray], np.ndarray], lo: float = -10.0, hi: float = 10.0,
                 *, df: Callable | None = None, n_grid: int = 4001, tol: float = 1e-12,
                 marginal_tol: float = MARGINAL_TOL) -> list[FixedPoint]:
    """Fixed points x* = f(x*) of a scalar map on [lo, hi], found numerically, with their kind.

    Looks for sign changes of g(x) = f(x) - x on a grid of ``n_grid`` points and
    refines each by bisection to ``tol``. The kind comes from the slope f'(x*)
    (``df`` if given, else a central difference): stable when |f'(x*)| < 1, unstable
    when > 1, marginal when it is 1 to within ``marginal_tol`` (chapter 1, §1.2).
    Fixed points where g touches zero without crossing (tangencies, which are
    marginal) are found only if they land on the grid.

    Raises ``ValueError`` when f(x) = x at every grid point (the identity, e.g.
    x_t = a x_{t-1} + b with a = 1, b = 0): then every x is fixed.

    Returns
    -------
    list of FixedPoint, sorted by x
    """
    if not callable(f):
        raise TypeError(f"f must be a callable scalar map, got {type(f).__name__}")
    lo, hi = float(lo), float(hi)
    if not (np.isfinite(lo) and np.isfinite(hi) and lo < hi):
        raise ValueError(f"need finite lo < hi, got lo={lo}, hi={hi}")
    n_grid = as_int(n_grid, "n_grid", minimum=3)

    def g(x):
        return np.asarray(f(x), dtype=float) - x

    xs = np.linspace(lo, hi, n_grid)
    gs = g(xs)
    if np.all(gs == 0.0):
        raise ValueError(f"f(x) = x at every one of the {n_grid} grid points of [{lo:g}, "
                         f"{hi:g}]: every x is fixed (e.g. x_t = a x_{{t-1}} + b with a = 1, "
                         "b = 0), there is no list of fixed points to give")
    roots = list(xs[gs == 0.0])
    for i in np.nonzero(np.sign(gs[:-1]) * np.sign(gs[1:]) < 0)[0]:
        a, b, ga = xs[i], xs[i + 1], gs[i]
        while b - a > tol:
            m = 0.5 * (a + b)
            gm = float(g(np.array(m)))
            if gm == 0.0:
                a = b = m
            elif np.sign(gm) == np.sign(ga):
                a, ga = m, gm
            else:
                b = m
        roots.append(0.5 * (a + b))
    out = []
    for r in sorted(roots):
        if df is not None:
            slope = float(df(np.array(r)))
        else:
            e = 1e-6 * max(1.0, abs(r))
            slope = float((f(np.array(r + e)) - f(np.array(r - e))) / (2 * e))
        out.append(FixedPoint(float(r), slope, stability(slope, marginal_tol)))
    return out


def eigenvalues_2d(A) -> np.ndarray:
    """Eigenvalues of a 2x2 matrix from its characteristic polynomial, sorted by modulus.

        lambda = (tr A +- sqrt(tr(A)^2 - 4 det A)) / 2

    A discriminant within round-off of 0 counts as 0, so a double eigenvalue comes out
    real (``np.linalg.eigvals`` may return it as a complex pair 1.1 +- 8e-9 i, which
    would name a node a spiral). Returns a real array when both are real, else the
    complex pair (imaginary part of the first > 0).

    Parameters
    ----------
    A : ndarray, shape (2, 2)
    """
    A = as_float_array(A, "A", ndim=(2,))
    if A.shape != (2, 2):
        raise ValueError(f"A must have shape (2, 2), got {A.shape}")
    tr = A[0, 0] + A[1, 1]
    det = A[0, 0] * A[1, 1] - A[0, 1] * A[1, 0]
    disc = tr * tr - 4.0 * det
    scale = max(tr * tr, 4.0 * abs(det), np.finfo(float).tiny)
    if disc < -1e-12 * scale:                              # a complex pair c +- i w
        w = 0.5 * np.sqrt(-disc)
        return np.array([0.5 * tr + 1j * w, 0.5 * tr - 1j * w])
    root = np.sqrt(max(disc, 0.0)) if disc > 1e-12 * scale else 0.0
    lam = np.array([0.5 * (tr - root), 0.5 * (tr + root)])
    return lam[np.argsort(np.abs(lam), kind="stable")]


def classify_2d(A, tol: float = 1e-9) -> str:
    """Name the behaviour of x_t = A x_{t-1} from the eigenvalues lambda_1, lambda_2 of A.

    Complex eigenvalues |lambda| e^{+-i theta} turn the state by theta per step: a
    spiral in (|lambda| < 1), out (> 1) or a centre (= 1). Real ones give a node
    (both |lambda| < 1: stable; both > 1: unstable), a saddle (one inside the unit
    circle, one outside) or, with some |lambda| = 1 (within ``tol``), a marginal case.
    A negative real eigenvalue flips the state along its eigenvector at every step,
    and the name says so. The eigenvalues come from ``eigenvalues_2d``.

    Parameters
    ----------
    A : ndarray, shape (2, 2)

    Returns
    -------
    str, e.g. "spiral in (stable)"
    """
    lam = eigenvalues_2d(A)
    mods = np.abs(lam)                                     # sorted: mods[0] <= mods[1]
    if np.iscomplexobj(lam):
        if abs(mods[1] - 1.0) <= tol:
            return "centre (|λ| = 1): circles forever"
        return "spiral in (stable)" if mods[1] < 1 else "spiral out (unstable)"
    flips = int(np.sum(lam < 0))
    note = {0: "", 1: ", flips along one eigenvector", 2: ", flips every step"}[flips]
    if np.any(np.abs(mods - 1.0) <= tol):
        return f"marginal (|λ| = 1{note})"
    if mods[1] < 1:
        return f"node (stable{note})"
    if mods[0] > 1:
        return f"node (unstable{note})"
    return f"saddle (unstable{note})"


def weather_inputs(T: int, rng: np.random.Generator) -> np.ndarray:
    """Amount of cloud u_t in [0, 1] for T days: slow fronts plus day-to-day noise.

    A front draws a level uniform in [0, 1] and holds it for 6 days; each day adds
    noise N(0, 0.15^2), and the sum is clipped to [0, 1]. The input of chapter 1's
    weather model x_t = m x_{t-1} + (1 - m) u_t.

    Returns
    -------
    U : ndarray, shape (T,)
    """
    T = as_int(T, "T", minimum=1)
    check_rng(rng)
    fronts = np.repeat(rng.uniform(0.0, 1.0, size=T // 6 + 1), 6)[:T]
    return np.clip(fronts + 0.15 * rng.standard_normal(T), 0.0, 1.0)
