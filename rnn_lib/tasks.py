"""Toy sequence tasks that need memory, each drawn from a seeded generator (chapters 4, 5).

Every task returns a :class:`Task` of time-major arrays

    U : (T, B, n_u) inputs u_t,   target : (T, B, n_y) wanted outputs,   mask : (T, B),

where the mask is 1 at the steps whose output counts and 0 elsewhere, ready for
``rl.loss_and_gradients(params, U, target, mask=mask)`` and ``rnn_lib.train.train``.

- ``delayed_recall``: the sign shown at step 0 must be reported ``lag`` steps later,
  with noise in between (the "latching" problem of Bengio, Simard & Frasconi 1994).
- ``lag_copy``: at every step, output the input of ``lag`` steps before.
- ``adding_problem``: add the two marked numbers of a long sequence (Hochreiter &
  Schmidhuber 1997, "Long short-term memory", experiment 4).

References: Y. Bengio, P. Simard & P. Frasconi, IEEE Trans. Neural Networks 5 (1994);
S. Hochreiter & J. Schmidhuber, Neural Computation 9 (1997).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_int


class Task(NamedTuple):
    """A batch of a toy task: inputs, targets and the mask of the steps that count.

    U : (T, B, n_u);  target : (T, B, n_y);  mask : (T, B) of 0/1.
    Unpacks as ``U, target, mask = task``.
    """

    U: np.ndarray
    target: np.ndarray
    mask: np.ndarray


def _check_rng(rng):
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator, e.g. "
                        f"np.random.default_rng(0); got {type(rng).__name__}")


def _check_noise(noise) -> float:
    noise = float(noise)
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise}")
    return noise


def delayed_recall(lag: int, batch: int, rng: np.random.Generator, *,
                   noise: float = 1.0) -> Task:
    """Report at step ``lag`` the sign c = +-1 that was shown at step 0.

        u_0 = c,   u_t = noise * N(0, 1) for t = 1..lag,   target y_lag = c,

    with T = lag + 1 and the loss on the last step only. The distractors make the
    network hold the sign against noise for ``lag`` steps: the gradient of the loss
    must travel ``lag`` steps back to reach the step where c came in.

    Parameters
    ----------
    lag : int >= 1
    batch : int >= 1
    rng : numpy.random.Generator
    noise : float >= 0
        Standard deviation of the distractor inputs.

    Returns
    -------
    Task
        U (lag + 1, batch, 1), target (lag + 1, batch, 1), mask (lag + 1, batch);
        ``target[lag] == U[0]`` and only ``mask[lag]`` is 1.
    """
    lag = as_int(lag, "lag", minimum=1)
    batch = as_int(batch, "batch", minimum=1)
    _check_rng(rng)
    noise = _check_noise(noise)
    T = lag + 1
    c = rng.choice([-1.0, 1.0], size=batch)
    U = noise * rng.standard_normal((T, batch, 1))
    U[0, :, 0] = c
    target = np.zeros((T, batch, 1))
    target[lag, :, 0] = c
    mask = np.zeros((T, batch))
    mask[lag] = 1.0
    return Task(U, target, mask)


def lag_copy(lag: int, T: int, batch: int, rng: np.random.Generator) -> Task:
    """At every step t >= lag, output the input of ``lag`` steps before: y_t = u_{t-lag}.

    Inputs are random signs u_t = +-1. The network must hold the last ``lag``
    inputs at once (a shift register), so the task asks for memory and capacity.

    Returns
    -------
    Task
        U (T, batch, 1), target (T, batch, 1) with ``target[t] == U[t - lag]`` for
        t >= lag, mask (T, batch) equal to 1 exactly for t >= lag.
    """
    lag = as_int(lag, "lag", minimum=0)
    T = as_int(T, "T", minimum=1)
    batch = as_int(batch, "batch", minimum=1)
    if lag >= T:
        raise ValueError(f"lag must be < T so that some step has a target; got lag={lag}, T={T}")
    _check_rng(rng)
    U = rng.choice([-1.0, 1.0], size=(T, batch, 1))
    target = np.zeros_like(U)
    target[lag:] = U[:T - lag]
    mask = np.zeros((T, batch))
    mask[lag:] = 1.0
    return Task(U, target, mask)


def adding_problem(T: int, batch: int, rng: np.random.Generator) -> Task:
    """Add the two marked numbers of a sequence of T random numbers.

    u_t = (v_t, m_t) with v_t ~ U(0, 1); the marker m_t is 1 at one step of the
    first half and one step of the second half, 0 elsewhere. The target at the
    last step is the sum of the two marked v_t (predicting the mean, 1, scores a
    mean squared error of 1/6).

    Returns
    -------
    Task
        U (T, batch, 2), target (T, batch, 1), mask (T, batch) with only the last
        step set.
    """
    T = as_int(T, "T", minimum=2)
    batch = as_int(batch, "batch", minimum=1)
    _check_rng(rng)
    U = np.zeros((T, batch, 2))
    U[:, :, 0] = rng.random((T, batch))
    half = T // 2
    first = rng.integers(0, half, size=batch)
    second = rng.integers(half, T, size=batch)
    cols = np.arange(batch)
    U[first, cols, 1] = 1.0
    U[second, cols, 1] = 1.0
    target = np.zeros((T, batch, 1))
    target[-1, :, 0] = U[first, cols, 0] + U[second, cols, 0]
    mask = np.zeros((T, batch))
    mask[-1] = 1.0
    return Task(U, target, mask)


def sign_accuracy(Y, target, mask) -> float:
    """Fraction of the counted steps where sign(y_t) equals sign(target_t) (first output)."""
    Y, target, mask = np.asarray(Y), np.asarray(target), np.asarray(mask)
    if Y.shape != target.shape or mask.shape != Y.shape[:-1]:
        raise ValueError(f"Y {Y.shape}, target {target.shape} and mask {mask.shape} do not "
                         "match: expected Y and target (T, B, n_y) and mask (T, B)")
    on = mask > 0
    if not np.any(on):
        raise ValueError("the mask selects no step")
    hit = np.sign(Y[..., 0]) == np.sign(target[..., 0])
    return float(np.mean(hit[on]))
