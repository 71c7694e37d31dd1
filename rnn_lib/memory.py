"""What a state remembers and what an observation reveals (chapter 2).

A linear state-space model reads inputs into a state and is seen through an
observation:

    x_t = A x_{t-1} + B u_t,      y_t = C x_t,      x_{-1} = x_init.

With x_init = 0 the state is a weighted sum of every input so far,
x_t = sum_k A^(t-k) B u_k: a fixed-size summary of a history that keeps growing.
This module measures how long such a summary keeps one input (the half-life of
x_t = a x_{t-1} + u_t), reads the inputs back out of a state when that is possible,
and reads a hidden state back out of a few observations (the observability matrix).

References: any text on linear systems, e.g. T. Kailath, *Linear Systems* (1980),
for reachability and observability matrices.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, as_int

#: A hand-made 3-dimensional word embedding for the book's toy sentences.
#: Feature 0 says who ("I" +1, "you" -1), feature 1 the feeling ("like" +1,
#: "hate" -1), feature 2 whether the word is about food ("eating", "apples").
WORD_FEATURES = ("who", "feeling", "food")
WORD_VECTORS = {
    "I": (1.0, 0.0, 0.0),
    "you": (-1.0, 0.0, 0.0),
    "like": (0.0, 1.0, 0.0),
    "hate": (0.0, -1.0, 0.0),
    "eating": (0.0, 0.0, 1.0),
    "apples": (0.0, 0.0, 0.5),
}


def embed(words) -> np.ndarray:
    """Input sequence U (T, 3) for a list of words, one row u_t per word.

    Uses the toy embedding ``WORD_VECTORS``; "I like eating" gives u_0 = "I".
    """
    if isinstance(words, str):
        words = words.split()
    words = list(words)
    if not words:
        raise ValueError("give at least one word")
    unknown = [w for w in words if w not in WORD_VECTORS]
    if unknown:
        raise ValueError(f"no vector for {unknown}; known words: {sorted(WORD_VECTORS)}")
    return np.array([WORD_VECTORS[w] for w in words])          # (T, 3)


def half_life(a):
    """Steps for |x_t| to halve in x_t = a x_{t-1} (no input): ln 2 / |ln |a||.

    For |a| < 1 a pulse shrinks by |a| per step, so it halves after
    ln 2 / |ln |a|| steps (0 for a = 0: forgotten at once). For |a| = 1 it is
    kept for ever (inf). For |a| > 1 the same formula gives the *doubling* time
    of a state that grows without bound.

    Parameters
    ----------
    a : float or ndarray
        Factor(s) of the scalar linear map.

    Returns
    -------
    float or ndarray, >= 0 (inf where |a| = 1)
    """
    a = as_float_array(a, "a")
    mod = np.abs(a)
    with np.errstate(divide="ignore"):
        log_mod = np.abs(np.log(mod))                      # inf at a = 0, 0 at |a| = 1
        out = np.where(log_mod == 0.0, np.inf, np.log(2.0) / log_mod)
    return float(out) if out.ndim == 0 else out


def impulse_response(a: float, T: int) -> np.ndarray:
    """State of x_t = a x_{t-1} + u_t after one pulse: u_0 = 1, u_t = 0 for t > 0.

    With x_init = 0 the answer is x_t = a^t, t = 0..T-1: what is left of the
    pulse t steps later. Large values show as inf, they do not raise.

    Returns
    -------
    ndarray, shape (T,)
    """
    a = float(as_float_array(a, "a", ndim=(0,)))
    T = as_int(T, "T", minimum=1)
    with np.errstate(over="ignore"):
        return a ** np.arange(T, dtype=float)


def _square(A):
    """A as a float (n_x, n_x) array, or a clear error."""
    A = as_float_array(A, "A", ndim=(2,))
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be square (n_x, n_x), got shape {A.shape}")
    return A


def _check_linear(A, B):
    A = _square(A)
    B = as_float_array(B, "B", ndim=(2,))
    n_x = A.shape[0]
    if B.shape[0] != n_x:
        raise ValueError(f"B must have n_x = {n_x} rows like A, got shape {B.shape}")
    return A, B


def linear_state(A, B, U, x_init=None) -> np.ndarray:
    """Run the linear state x_t = A x_{t-1} + B u_t over an input sequence.

    Parameters
    ----------
    A : ndarray, shape (n_x, n_x)
    B : ndarray, shape (n_x, n_u)
    U : ndarray, shape (T, n_u)
        ``U[t]`` is u_t.
    x_init : ndarray, shape (n_x,), optional
        x_{-1}; zeros by default.

    Returns
    -------
    X : ndarray, shape (T, n_x)
        ``X[t]`` is x_t.
    """
    A, B = _check_linear(A, B)
    n_x, n_u = B.shape
    U = as_float_array(U, "U", ndim=(2,))
    if U.shape[0] == 0 or U.shape[1] != n_u:
        raise ValueError(f"U must have shape (T, n_u) = (T >= 1, {n_u}) for B of shape "
                         f"{B.shape}, got {U.shape}")
    x = np.zeros(n_x) if x_init is None else as_float_array(x_init, "x_init", ndim=(1,))
    if x.shape != (n_x,):
        raise ValueError(f"x_init must have shape ({n_x},), got {x.shape}")
    X = np.empty((U.shape[0], n_x))
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(U.shape[0]):
            x = X[t] = A @ x + B @ U[t]                     # x_t = A x_{t-1} + B u_t
    return X


def input_map(A, B, T: int) -> np.ndarray:
    """Matrix M with x_{T-1} = M [u_0; u_1; ...; u_{T-1}] when x_init = 0.

    Unrolling x_t = A x_{t-1} + B u_t gives x_{T-1} = sum_k A^(T-1-k) B u_k, so

        M = [A^(T-1) B, A^(T-2) B, ..., A B, B]        (n_x, T n_u).

    Column block k says how much of the input u_k is still in the state at the
    end; ``U.reshape(-1)`` stacks the inputs in the order M expects.
    """
    A, B = _check_linear(A, B)
    T = as_int(T, "T", minimum=1)
    blocks, P = [], B
    for _ in range(T):                                     # B, AB, A^2 B, ...
        blocks.append(P)
        P = A @ P
    return np.hstack(blocks[::-1])                         # (n_x, T n_u)


def recover_inputs(A, B, x, T: int) -> np.ndarray:
    """Read the inputs u_0..u_{T-1} back out of the state x_{T-1} (x_init = 0).

    Solves M u = x with M = ``input_map(A, B, T)``. That has exactly one
    solution only when M has rank T n_u: the state must hold at least as many
    numbers as the inputs it is asked to give back, and the powers of A must
    keep them apart. Otherwise many input sequences lead to the same state,
    and this raises ``ValueError``.

    Only the rank is checked. When M is nearly singular (two memories almost
    equal, e.g. A = diag(0.6, 0.6 + 1e-7, 0.9) gives cond(M) ~ 1e8), the answer is
    exact for an exact state but a tiny error in x comes back up to cond(M) times
    larger in the inputs: ``np.linalg.cond(input_map(A, B, T))`` says how fragile
    the recovery is (chapter 2, §2.3).

    Returns
    -------
    U : ndarray, shape (T, n_u)
    """
    M = input_map(A, B, T)
    x = as_float_array(x, "x", ndim=(1,))
    if x.shape != (M.shape[0],):
        raise ValueError(f"x must have shape ({M.shape[0]},) like the state, got {x.shape}")
    n_u = np.shape(B)[1]
    rank = np.linalg.matrix_rank(M)
    if rank < M.shape[1]:
        raise ValueError(f"a state of {M.shape[0]} number(s) cannot give back {M.shape[1]} "
                         f"input number(s) (rank of the input map {rank} < {M.shape[1]}): "
                         "many input sequences lead to this same state")
    u, *_ = np.linalg.lstsq(M, x, rcond=None)
    return u.reshape(T, n_u)


def rotation(theta: float) -> np.ndarray:
    """The 2x2 matrix that turns a vector by the angle ``theta`` (radians)."""
    theta = float(as_float_array(theta, "theta", ndim=(0,)))
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, -s], [s, c]])


def observability_matrix(A, C, k: int) -> np.ndarray:
    """Stack O = [C; C A; ...; C A^(k-1)], shape (k n_y, n_x).

    For x_t = A x_{t-1} and y_t = C x_t the first k observations are
    [y_0; ...; y_{k-1}] = O x_0: k n_y equations for the n_x unknowns of x_0.
    """
    A = _square(A)
    C = as_float_array(C, "C", ndim=(2,))
    n_x = A.shape[0]
    if C.shape[1] != n_x:
        raise ValueError(f"C must have n_x = {n_x} columns like A, got shape {C.shape}")
    k = as_int(k, "k", minimum=1)
    rows, P = [], C
    for _ in range(k):                                     # C, CA, CA^2, ...
        rows.append(P)
        P = P @ A
    return np.vstack(rows)


def estimate_state(A, C, Y) -> np.ndarray:
    """The hidden state x_0 from observations y_0..y_{k-1} of x_t = A x_{t-1}, y_t = C x_t.

    Solves O x_0 = [y_0; ...; y_{k-1}] with O = ``observability_matrix(A, C, k)``
    (least squares, exact when the observations are). Raises ``ValueError`` when
    O has rank < n_x: then a whole line (plane, ...) of states fits the
    observations and no number of repeats of the same look can tell them apart.
    Only the rank is checked: with a nearly singular O (a rotation by a small angle
    seen through one coordinate, chapter 2, §2.5) an error in y comes back up to
    cond(O) times larger in x_0 (``np.linalg.cond(observability_matrix(A, C, k))``).

    Parameters
    ----------
    A : ndarray, shape (n_x, n_x)
    C : ndarray, shape (n_y, n_x)
    Y : ndarray, shape (k, n_y)
        ``Y[t]`` is y_t.

    Returns
    -------
    x0 : ndarray, shape (n_x,)
    """
    Y = as_float_array(Y, "Y", ndim=(2,))
    if Y.shape[0] == 0:
        raise ValueError("Y is empty; give at least one observation y_0")
    O = observability_matrix(A, C, Y.shape[0])
    n_y, n_x = np.shape(C)
    if Y.shape[1] != n_y:
        raise ValueError(f"Y must have shape (k, n_y) = (k, {n_y}), got {Y.shape}")
    rank = np.linalg.matrix_rank(O)
    if rank < n_x:
        raise ValueError(f"{Y.shape[0]} observation(s) of {n_y} number(s) give rank {rank} "
                         f"< n_x = {n_x}: many states fit them, x_0 is not determined")
    x0, *_ = np.linalg.lstsq(O, Y.reshape(-1), rcond=None)
    return x0
