"""First-order systems and state-space models (chapters 1 and 2).

An autonomous first-order system runs on its own, x_t = f(x_{t-1}); a driven one
also reads an input, x_t = f(x_{t-1}, u_t); a state-space model adds an observation
y_t = h(x_t). This module simulates them for any Python callables, finds the fixed
points of scalar maps with their stability, gives the linear map's closed form,
names the behaviour of a 2-D linear system x_t = A x_{t-1} from its eigenvalues,
and makes the cloud inputs of the article's weather model.
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


class FixedPoint(NamedTuple):
    """A fixed point x* = f(x*) of a scalar map, with slope f'(x*) and |f'(x*)| < 1."""

    x: float
    slope: float
    stable: bool


def fixed_points(f: Callable[[np.ndarray], np.ndarray], lo: float = -10.0, hi: float = 10.0,
                 *, df: Callable | None = None, n_grid: int = 4001,
                 tol: float = 1e-12) -> list[FixedPoint]:
    """Fixed points of a scalar map on [lo, hi], found numerically, with their stability.

    Looks for sign changes of g(x) = f(x) - x on a grid of ``n_grid`` points and
    refines each by bisection to ``tol``. A fixed point is stable when |f'(x*)| < 1
    (nearby orbits are pulled in). ``df`` gives f'; without it a central difference
    is used. Fixed points where g touches zero without crossing (tangencies) are
    found only if they land on the grid.

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
        out.append(FixedPoint(float(r), slope, abs(slope) < 1.0))
    return out


def classify_2d(A) -> str:
    """Name the behaviour of x_t = A x_{t-1} from the eigenvalues lambda_1, lambda_2 of A.

    Complex eigenvalues turn the state: a spiral in (|lambda| < 1), out (> 1) or a
    centre (= 1). Real ones give a node (both |lambda| < 1: stable; both > 1:
    unstable), a saddle (one of each) or, with some |lambda| = 1, the borderline.

    Parameters
    ----------
    A : ndarray, shape (2, 2)

    Returns
    -------
    str, e.g. "spiral in (stable)"
    """
    A = as_float_array(A, "A", ndim=(2,))
    if A.shape != (2, 2):
        raise ValueError(f"A must have shape (2, 2), got {A.shape}")
    lam = np.linalg.eigvals(A)
    mods = np.sort(np.abs(lam))
    if np.any(np.abs(lam.imag) > 1e-12):
        if np.isclose(mods[1], 1.0):
            return "centre (|λ| = 1): circles forever"
        return "spiral in (stable)" if mods[1] < 1 else "spiral out (unstable)"
    if mods[1] < 1:
        return "node (stable)"
    if mods[0] > 1:
        return "node (unstable)"
    if mods[0] < 1 < mods[1]:
        return "saddle (unstable)"
    return "borderline (|λ| = 1)"


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
