"""Many-to-one regression: a synthetic daily price, its windows of log-returns and a
linear autoregression to beat (chapter 5, section 5.2).

The price model is an AR(1) process in the log-returns (G. E. P. Box & G. M. Jenkins,
*Time Series Analysis*, 1970) with a weekly cycle. The baselines: "tomorrow = today"
(a next log-return of 0), a linear AR on the window or on its last days
(``fit_linear_ar``), and the forecast of someone who knows the equation
(``oracle_forecast``), which misses only the noise. ``mse_difference_interval`` says
whether two forecasters' test errors differ by more than the test days can resolve.
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import as_float_array, as_int, as_positive_float, check_rng
from ._common import as_real

#: the defaults of ``price_series``'s equation, shared by ``oracle_forecast``
MOMENTUM, VOLATILITY, SEASON, PERIOD, DRIFT = 0.6, 0.01, 0.004, 5, 0.0003


def price_series(n_days: int, rng: np.random.Generator, *, start: float = 100.0,
                 momentum: float = MOMENTUM, volatility: float = VOLATILITY,
                 season: float = SEASON, period: float = PERIOD,
                 drift: float = DRIFT) -> np.ndarray:
    """A positive synthetic daily price whose log-returns have momentum and a weekly cycle.

    The log-return r_t = log p_t - log p_{t-1} follows an AR(1) process around the
    drift mu, pushed by a cycle of ``period`` days and by noise:

        r_t = mu + phi (r_{t-1} - mu) + s sin(2 pi t / P) + sigma eps_t,   eps_t ~ N(0, 1),
        log p_t = log p_0 + r_1 + ... + r_t,

    for t = 1 .. n_days - 1, with p_0 = ``start`` and r_0 = mu. Momentum phi makes
    yesterday's return informative about today's, and the cycle makes the weekday
    informative, so a model that reads the recent returns can beat "tomorrow = today".

    Parameters
    ----------
    n_days : int >= 1
    rng : numpy.random.Generator
    start : float > 0
        p_0.
    momentum : float in (-1, 1)
        phi; |phi| < 1 keeps the returns stationary.
    volatility : float >= 0
        sigma, the standard deviation of the daily shock.
    season : float
        s, amplitude of the cycle in the log-return.
    period : float > 0
        P, length of the cycle in days (5: a trading week).
    drift : float
        mu, mean daily log-return.

    Returns
    -------
    prices : ndarray, shape (n_days,)
        p_0 .. p_{n_days-1}, all > 0.
    """
    n_days = as_int(n_days, "n_days", minimum=1)
    check_rng(rng)
    start = as_positive_float(start, "start")
    phi = as_real(momentum, "momentum", low=-1.0, high=1.0, low_open=True, high_open=True)
    sigma = as_real(volatility, "volatility", low=0.0)
    s = as_real(season, "season")
    P = as_positive_float(period, "period")
    mu = as_real(drift, "drift")
    eps = rng.standard_normal(n_days - 1)                            # eps_1 .. eps_{n-1}
    t = np.arange(1, n_days)
    push = s * np.sin(2 * np.pi * t / P) + sigma * eps               # everything but the AR part
    r = np.empty(n_days)                                             # r_0 .. r_{n-1}
    r[0] = mu
    for i in range(1, n_days):                                       # the recursion is sequential
        r[i] = mu + phi * (r[i - 1] - mu) + push[i - 1]
    return start * np.exp(np.concatenate([[0.0], np.cumsum(r[1:])]))   # p_0 = start exactly


class PriceWindows(NamedTuple):
    """Sliding windows of log-returns and the next day's return, for many-to-one regression.

    U : (window, N, 1) the last ``window`` log-returns before each target (time-major);
    target : (N,) the next log-return;  last_price : (N,) the price on the window's last
    day;  next_price : (N,) the price on the target day, ``last_price * exp(target)``.
    """

    U: np.ndarray
    target: np.ndarray
    last_price: np.ndarray
    next_price: np.ndarray


def price_windows(prices, window: int = 30) -> PriceWindows:
    """Cut a price series into windows of ``window`` log-returns and the return after each.

    With r_j = log p_j - log p_{j-1} (the return *into* day j), example i reads the
    returns into days i+1 .. i+window and must predict the return into day i+window+1:

        U[k, i, 0] = r_{i+1+k}  (k = 0 .. window-1),   target[i] = r_{i+window+1},
        last_price[i] = p_{i+window},   next_price[i] = p_{i+window+1}.

    Windows slide by one day, so there are N = len(prices) - window - 1 examples (one
    day is spent because the first price has no return).

    Parameters
    ----------
    prices : array_like, shape (n_days,), all > 0
    window : int >= 1

    Returns
    -------
    PriceWindows
        U (window, N, 1), target (N,), last_price (N,), next_price (N,).
    """
    prices = as_float_array(prices, "prices", ndim=(1,))
    window = as_int(window, "window", minimum=1)
    if np.any(prices <= 0):
        raise ValueError("prices must all be > 0 (log-returns need positive prices)")
    n_days = len(prices)
    if n_days < window + 2:
        hint = f"; use a window <= {n_days - 2}" if n_days >= 3 else ""
        raise ValueError(f"window={window} needs at least window + 2 = {window + 2} prices "
                         f"(window returns and one more for the target), got {n_days}{hint}")
    r = np.diff(np.log(prices))                                      # r[j] = r_{j+1}, (n_days-1,)
    N = n_days - window - 1
    idx = np.arange(N)[None, :] + np.arange(window)[:, None]          # (window, N): j = i + k
    U = r[idx][:, :, None]                                           # (window, N, 1)
    target = r[window:window + N]                                    # r_{i+window+1}
    last_price = prices[window:window + N]
    next_price = prices[window + 1:window + 1 + N]
    return PriceWindows(U, target, last_price, next_price)


def _window_inputs(U) -> np.ndarray:
    """U as (window, N, 1) or (window, N) -> the (N, window) design matrix of returns."""
    U = as_float_array(U, "U", ndim=(2, 3))
    if U.ndim == 3:
        if U.shape[2] != 1:
            raise ValueError(f"U must have shape (window, N, 1) or (window, N), "
                             f"got {U.shape}")
        U = U[:, :, 0]
    return U.T                                                       # (N, window)


def fit_linear_ar(U, target, ridge: float = 1e-6) -> tuple[np.ndarray, float]:
    """Least-squares linear autoregression: the next return as a weighted sum of the window.

        target_i ~ c + sum_k a_k U[k, i, 0],
        (a, c) = argmin  sum_i (target_i - c - sum_k a_k U[k, i, 0])^2 + ridge * |a|^2,

    solved in closed form (the intercept c is not penalised: the data are centred,
    the ridge system is stacked under the design matrix and handed to ``lstsq``).
    a_{window-1} weighs the most recent return. The tiny default ridge only keeps the
    problem well posed when returns are collinear; use ``ridge=0`` for plain least squares.

    Parameters
    ----------
    U : ndarray, shape (window, N, 1) or (window, N)
    target : ndarray, shape (N,)
    ridge : float >= 0

    Returns
    -------
    coef : ndarray, shape (window,)
    intercept : float
    """
    X = _window_inputs(U)                                            # (N, window)
    target = as_float_array(target, "target", ndim=(1,))
    if len(target) != X.shape[0]:
        raise ValueError(f"target has {len(target)} entries but U holds {X.shape[0]} "
                         "windows; they must match")
    if X.shape[0] == 0:
        raise ValueError("U holds no windows (N = 0); need at least one example to fit")
    ridge = as_real(ridge, "ridge", low=0.0)
    n_win = X.shape[1]
    x_mean, y_mean = X.mean(axis=0), target.mean()
    A = np.vstack([X - x_mean, np.sqrt(ridge) * np.eye(n_win)])      # (N + window, window)
    b = np.concatenate([target - y_mean, np.zeros(n_win)])
    coef = np.linalg.lstsq(A, b, rcond=None)[0]
    intercept = float(y_mean - x_mean @ coef)
    return coef, intercept


def predict_linear_ar(U, coef, intercept: float) -> np.ndarray:
    """Apply a linear autoregression: prediction_i = intercept + sum_k coef_k U[k, i, 0].

    Returns
    -------
    ndarray, shape (N,)
    """
    X = _window_inputs(U)
    coef = as_float_array(coef, "coef", ndim=(1,))
    if len(coef) != X.shape[1]:
        raise ValueError(f"coef has {len(coef)} entries but the windows are {X.shape[1]} "
                         "steps long; they must match")
    return X @ coef + as_real(intercept, "intercept")


def oracle_forecast(prices, window: int = 30, *, momentum: float = MOMENTUM,
                    season: float = SEASON, period: float = PERIOD,
                    drift: float = DRIFT) -> np.ndarray:
    """The best forecast of each window's next log-return, by someone who knows the equation.

    For the windows of ``price_windows(prices, window)``, whose target is r_j with
    j = i + window + 1, it is the expected value of ``price_series``'s equation given
    the last return of the window:

        E[r_j | r_{j-1}] = mu + phi (r_{j-1} - mu) + s sin(2 pi j / P).

    Its error is the noise sigma eps_j alone: on average sigma^2, on a given set of
    test days whatever the noise happened to be there. Pass the parameters the prices
    were made with (the defaults are ``price_series``'s).

    Returns
    -------
    ndarray, shape (N,), N = len(prices) - window - 1
    """
    w = price_windows(prices, window)
    phi = as_real(momentum, "momentum", low=-1.0, high=1.0, low_open=True, high_open=True)
    mu, s = as_real(drift, "drift"), as_real(season, "season")
    P = as_positive_float(period, "period")
    j = np.arange(w.target.size) + w.U.shape[0] + 1                  # the target's day
    return mu + phi * (w.U[-1, :, 0] - mu) + s * np.sin(2 * np.pi * j / P)


def mse_difference_interval(pred_a, pred_b, target, rng: np.random.Generator, *,
                            level: float = 0.95, n_boot: int = 2000) -> tuple[float, float, float]:
    """How sure is "forecaster a has a smaller test MSE than b"? A paired bootstrap.

    d_i = (a_i - y_i)^2 - (b_i - y_i)^2 per test day; the test days are drawn with
    replacement ``n_boot`` times, and the mean of d over each draw gives the spread
    of the difference. An interval that contains 0 says: on this many test days the
    two cannot be told apart (B. Efron & R. Tibshirani, *An Introduction to the
    Bootstrap*, 1993).

    Returns
    -------
    (difference, low, high) : mean of d and the central ``level`` interval of its
        bootstrap distribution; negative means a is better.
    """
    a = as_float_array(pred_a, "pred_a", ndim=(1,))
    b = as_float_array(pred_b, "pred_b", ndim=(1,))
    y = as_float_array(target, "target", ndim=(1,))
    if not a.shape == b.shape == y.shape or y.size == 0:
        raise ValueError(f"pred_a, pred_b and target must have one equal, non-zero length, "
                         f"got {a.shape}, {b.shape}, {y.shape}")
    check_rng(rng)
    level = as_real(level, "level", low=0.0, high=1.0, low_open=True, high_open=True)
    n_boot = as_int(n_boot, "n_boot", minimum=1)
    d = (a - y) ** 2 - (b - y) ** 2
    means = d[rng.integers(d.size, size=(n_boot, d.size))].mean(axis=1)
    low, high = np.quantile(means, [(1 - level) / 2, (1 + level) / 2])
    return float(d.mean()), float(low), float(high)
