"""The linear recurrence x_t = lambda_t x_{t-1} + beta_t as a parallel (associative) scan
(chapter 6).

Chapter 6 trains linear recurrences: the linear recurrent unit (``linear_recurrence``),
whose decay lambda_t = lambda is the same at every step, and the selective unit
(``selective``), whose lambda_t is computed from the input u_t. Both are, channel by
channel,

    x_t = lambda_t * x_{t-1} + beta_t,        t = 0, ..., T-1,   x_{-1} = x_init,

with lambda_t, beta_t arrays of shape (T, ...) (real or complex) and * elementwise. In
the code below the arrays of lambda_t and beta_t are called ``a`` and ``b``.

**One step is a pair.** Step t is the affine map x -> lambda_t x + beta_t, stored as
the pair (lambda_t, beta_t). Doing first (lambda, beta), then (lambda', beta'), gives
x -> lambda' (lambda x + beta) + beta', so

    (lambda, beta) o (lambda', beta') = (lambda lambda',  lambda' beta + beta')  (``combine``)

is again a pair: two numbers per channel, however many steps it stands for. The
operator is associative (composing maps is), so the state after t + 1 steps,

    x_t = [(lambda_0, beta_0) o ... o (lambda_t, beta_t)] applied to x_init,

may be bracketed in any order. ``scan`` brackets it as a tree: combine neighbouring
steps (0, 1), (2, 3), ... into T/2 pairs, solve that half-length recurrence the same
way (it gives every odd step), then one step from each odd state gives the even
states. The recursion goes floor(log2 T) levels deep; each level costs one round of
whole-array operations on the way down (the combines) and one on the way up (the even
states), so the scan takes about 2 log2 T dependent rounds and about 2T multiply-adds
in all: the work-efficient scan of Blelloch (1990), written recursively. ``loop`` is
the plain sequential recurrence: T Python steps.

**Why a tanh RNN cannot be scanned this way.** Its step x -> tanh(w x + b_t) composes
too, and composition is still associative, but the composed map
x -> tanh(w' tanh(w x + b) + b') is not of the form tanh(c x + d): no fixed set
of numbers describes k composed steps except the k steps' own numbers. Combining two
stretches then costs as much as running them, so the tree saves nothing. Affine maps
are closed under composition, and that is the whole trick (Martin & Cundy 2018). The
selective unit keeps it: its lambda_t and beta_t come from the inputs, not from the
state.

**What NumPy shows** (``time_loop_vs_scan``): the loop pays one Python step per time
step; the scan pays O(log T) NumPy calls but touches every number about twice and
allocates new arrays at every level. For short sequences (T ~ 10) the loop is faster.
With few channels and long sequences the loop's Python overhead dominates and the scan
wins by a wide margin; with many channels each loop step is already a vectorised
operation, and the two stay within a small factor of each other. The real gain of the
scan is its depth, O(log T) rounds instead of T steps, on hardware that runs the T/2
combines of one level at the same time (a GPU); NumPy on a CPU runs them one after the other.

References: G. E. Blelloch, "Prefix sums and their applications", CMU-CS-90-190 (1990);
E. Martin & C. Cundy, "Parallelizing linear recurrent neural nets over sequence
length", ICLR 2018; A. Gu, K. Goel & C. Re, "Efficiently modeling long sequences with
structured state spaces" (S4), 2021; A. Orvieto et al., "Resurrecting recurrent neural
networks for long sequences" (LRU), ICML 2023; A. Gu & T. Dao, "Mamba: linear-time
sequence modeling with selective state spaces", 2023.
"""
from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from ._checks import as_int, check_rng


def _as_numbers(value, name: str) -> np.ndarray:
    """``value`` as a float64 or complex128 array of finite numbers, or a clear error."""
    arr = np.asarray(value)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must be an array of real or complex numbers, "
                        f"got dtype {arr.dtype}")
    arr = arr.astype(np.complex128 if np.iscomplexobj(arr) else np.float64, copy=False)
    if arr.size and not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values; all entries must be finite")
    return arr


def _check(a, b, x_init):
    """a, b (T, ...) of one shape and x_init (...) as arrays of one dtype."""
    a, b = _as_numbers(a, "a"), _as_numbers(b, "b")
    if a.ndim == 0 or a.shape[0] == 0:
        raise ValueError(f"a must have shape (T, ...) with T >= 1, got shape {a.shape}")
    if b.shape != a.shape:
        raise ValueError(f"b must have the shape of a {a.shape}, got {b.shape}")
    if x_init is None:
        x_init = np.zeros(a.shape[1:])
    x_init = _as_numbers(x_init, "x_init")
    if x_init.shape != a.shape[1:]:
        raise ValueError(f"x_init must have shape {a.shape[1:]} (one step of a), "
                         f"got {x_init.shape}")
    dtype = np.result_type(a, b, x_init)
    return a.astype(dtype, copy=False), b.astype(dtype, copy=False), x_init.astype(dtype)


def combine(first, second):
    """The pair of two steps done one after the other:

        (lambda, beta) o (lambda', beta') = (lambda lambda', lambda' beta + beta').

    Step (lambda, beta) is the map x -> lambda x + beta; ``first`` is applied before
    ``second``. Arrays combine elementwise (any matching shapes).

    Returns
    -------
    (lambda lambda', lambda' beta + beta') : tuple of ndarrays
    """
    lam, beta = first
    lam2, beta2 = second
    return lam * lam2, lam2 * beta + beta2


def loop(a, b, x_init=None) -> np.ndarray:
    """x_t = lambda_t * x_{t-1} + beta_t step by step, t = 0..T-1: the sequential reference.

    Parameters
    ----------
    a, b : ndarray, shape (T, ...), real or complex
        lambda_t and beta_t.
    x_init : ndarray, shape (...), optional
        x_{-1}; zeros by default.

    Returns
    -------
    X : ndarray, shape (T, ...)
        ``X[t]`` is x_t.
    """
    a, b, x = _check(a, b, x_init)
    X = np.empty_like(b)
    for t in range(a.shape[0]):
        x = X[t] = a[t] * x + b[t]                 # x_t = lambda_t x_{t-1} + beta_t
    return X


def scan(a, b, x_init=None) -> np.ndarray:
    """x_t = lambda_t * x_{t-1} + beta_t for all t at once, by the associative scan.

    The same states as ``loop`` (to rounding), in about 2 log2 T rounds of whole-array
    operations. x_init is folded into the first step, x_0 = lambda_0 x_init + beta_0,
    so the scan itself starts from zero.

    Parameters
    ----------
    a, b : ndarray, shape (T, ...), real or complex
        lambda_t and beta_t.
    x_init : ndarray, shape (...), optional
        x_{-1}; zeros by default.

    Returns
    -------
    X : ndarray, shape (T, ...)
        ``X[t]`` is x_t.
    """
    a, b, x_init = _check(a, b, x_init)
    b = b.copy()
    b[0] = a[0] * x_init + b[0]                    # x_0 = lambda_0 x_init + beta_0
    with np.errstate(over="ignore", invalid="ignore"):   # divergence shows as inf/nan
        return _scan_from_zero(a, b)


def _scan_from_zero(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """x_t = a_t x_{t-1} + b_t with x_{-1} = 0 (so x_0 = b_0), recursively: one round of
    combines on the way down, one round of even states on the way up, per level."""
    T = a.shape[0]
    if T == 1:
        return b.copy()                            # x_0 = b_0
    # 1. Steps 2k and 2k+1 make one pair: the half-length recurrence of x_1, x_3, ...
    #    (a last even step without a partner is left for stage 3).
    a_pair, b_pair = combine((a[0:T - 1:2], b[0:T - 1:2]), (a[1::2], b[1::2]))
    X = np.empty_like(b)
    # 2. Solve it the same way: every odd state, x_{2k+1}.
    X[1::2] = _scan_from_zero(a_pair, b_pair)
    # 3. One step from each odd state gives the next even one.
    X[0] = b[0]                                    # x_0 = b_0
    X[2::2] = a[2::2] * X[1:T - 1:2] + b[2::2]     # x_{2k} = a_{2k} x_{2k-1} + b_{2k}
    return X


class Timing(NamedTuple):
    """One row of ``time_loop_vs_scan``: T and the median seconds of each method."""

    T: int
    loop_seconds: float
    scan_seconds: float

    @property
    def speedup(self) -> float:
        """loop time / scan time (> 1: the scan is faster)."""
        return self.loop_seconds / self.scan_seconds


def time_loop_vs_scan(rng: np.random.Generator, lengths=(10, 100, 1_000, 10_000, 100_000),
                      n: int = 64, repeats: int = 3) -> list[Timing]:
    """Time ``loop`` against ``scan`` on the same random recurrences, side by side.

    For each T, draws a (T, n) of decays in [0.5, 1) and b (T, n) standard normal,
    checks that both methods agree, and times each ``repeats`` times, alternating
    loop and scan so that a change of machine load hits both alike.

    Parameters
    ----------
    rng : numpy.random.Generator
    lengths : sequence of int >= 1
        The sequence lengths T.
    n : int >= 1
        Channels per step (the state size).
    repeats : int >= 1
        Timed runs per method; the median is kept.

    Returns
    -------
    list of Timing
        One row per T, in the order of ``lengths``.
    """
    check_rng(rng)
    n = as_int(n, "n", minimum=1)
    repeats = as_int(repeats, "repeats", minimum=1)
    rows = []
    for T in lengths:
        T = as_int(T, "T", minimum=1)
        a = rng.uniform(0.5, 1.0, (T, n))
        b = rng.standard_normal((T, n))
        if not np.allclose(loop(a, b), scan(a, b), rtol=1e-10, atol=1e-10):
            raise AssertionError(f"loop and scan disagree at T = {T}")
        seconds = {loop: [], scan: []}
        for _ in range(repeats):
            for method in (loop, scan):
                start = time.perf_counter()
                method(a, b)
                seconds[method].append(time.perf_counter() - start)
        rows.append(Timing(T, float(np.median(seconds[loop])), float(np.median(seconds[scan]))))
    return rows
