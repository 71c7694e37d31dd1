"""A toy sequence task that needs memory, drawn from a seeded generator (chapter 4).

A task returns a :class:`Task` of time-major arrays

    U : (T, B, n_u) inputs u_t,   target : (T, B, n_y) wanted outputs,   mask : (T, B),

where the mask is 1 at the steps whose output counts and 0 elsewhere, ready for
``rl.loss_and_gradients(params, U, target, mask=mask)`` and ``rnn_lib.train.train``.

``delayed_recall``: the sign shown at step 0 must be reported ``lag`` steps later,
with noise in between (the "latching" problem of Bengio, Simard & Frasconi 1994);
``sign_accuracy`` scores the answers.

Reference: Y. Bengio, P. Simard & P. Frasconi, IEEE Trans. Neural Networks 5 (1994).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_int, check_rng


class Task(NamedTuple):
    """A batch of a toy task: inputs, targets and the mask of the steps that count.

    U : (T, B, n_u);  target : (T, B, n_y);  mask : (T, B) of 0/1.
    Unpacks as ``U, target, mask = task``.
    """

    U: np.ndarray
    target: np.ndarray
    mask: np.ndarray


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
    check_rng(rng)
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
