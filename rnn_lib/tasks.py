"""A toy sequence task that needs memory, drawn from a seeded generator (chapter 4).

A task returns a :class:`Task` of time-major arrays

    U : (T, B, n_u) inputs u_t,   target : (T, B, n_y) wanted outputs,   mask : (T, B),

where the mask is 1 at the steps whose output counts and 0 elsewhere, ready for
``rl.loss_and_gradients(params, U, target, mask=mask)`` and ``rnn_lib.train.train``.

``delayed_recall``: the sign shown at step 0 must be reported ``lag`` steps later,
with noise in between (the "latching" problem of Bengio, Simard & Frasconi 1994);
``sign_accuracy`` scores the answers.

``steps_to_solve`` measures how many training steps a model needs to solve delayed
recall at one lag, for several seeds (chapter 4's lag experiment; chapter 6 runs it
with other recurrent units). It takes the model as three functions, so any unit with
a ``loss_and_gradients`` in the style of ``rnn_lib.loss_and_gradients`` fits
(``recall_objective`` adapts one).

Reference: Y. Bengio, P. Simard & P. Frasconi, IEEE Trans. Neural Networks 5 (1994).
"""
from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from ._checks import as_int, as_positive_float, check_rng
from .train import train


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


def recall_objective(loss_and_gradients: Callable, **options) -> Callable:
    """``train``'s objective ``(params, task) -> (L, grads)`` from a model's BPTT.

    ``loss_and_gradients(params, U, target, mask=..., **options)`` must return
    ``(L, grads, trace)`` with the parameter gradients in ``grads.params``, as
    ``rnn_lib.loss_and_gradients``, ``leaky``, ``gru`` and ``linear_recurrence`` do.
    ``options`` are passed on, e.g. ``truncate=2`` or ``alpha=0.1``.
    """
    if not callable(loss_and_gradients):
        raise TypeError("loss_and_gradients must be a function (params, U, target, *, mask, "
                        f"...) -> (L, grads, trace); got {type(loss_and_gradients).__name__}")

    def objective(params, task: Task):
        L, grads, _ = loss_and_gradients(params, task.U, task.target, mask=task.mask,
                                         **options)
        return L, grads.params
    return objective


class Solved(NamedTuple):
    """What ``steps_to_solve`` measured at one lag, one entry per seed.

    lag, budget, threshold : the settings;  seeds : (S,) ints;
    steps : (S,) float, the training steps (updates) after which the validation
        accuracy first reached ``threshold``, or nan if it did not within ``budget``;
    test_accuracy : (S,) accuracy of the trained parameters on new sequences;
    histories : the S history dicts of ``train.train``;
    params : the S trained parameters (at the solving step, or after the budget).
    """

    lag: int
    budget: int
    threshold: float
    seeds: np.ndarray
    steps: np.ndarray
    test_accuracy: np.ndarray
    histories: tuple
    params: tuple

    @property
    def n_solved(self) -> int:
        """How many seeds solved the task within the budget."""
        return int(np.sum(np.isfinite(self.steps)))

    @property
    def median(self) -> float:
        """Median of ``steps`` over the seeds, a failure counting as infinitely many
        steps: inf if the middle run failed (either middle run, for an even count)."""
        return float(np.median(np.where(np.isfinite(self.steps), self.steps, np.inf)))


def steps_to_solve(init: Callable, objective: Callable, predict: Callable, lag: int, *,
                   seeds=range(5), budget: int = 5000, threshold: float = 0.95,
                   batch: int = 32, eval_every: int = 25, n_val: int = 500,
                   n_test: int = 2000, noise: float = 1.0, optimizer="adam",
                   lr: float | None = 0.01, clip: float | None = 1.0,
                   optimizer_options: dict | None = None) -> Solved:
    """Train one model per seed on ``delayed_recall(lag)``; count the steps each needs.

    For every seed s: parameters ``init(default_rng([s, 0]))``; ``train.train`` on a
    fresh batch of ``batch`` sequences at every step (from ``default_rng([s, 1])``),
    with ``optimizer``, ``lr``, ``clip``; every ``eval_every`` steps the accuracy of
    ``sign(y_lag)`` on ``n_val`` validation sequences (``default_rng([s, 2])``). The
    run stops as soon as that accuracy reaches ``threshold`` ("solved"), or after
    ``budget`` steps. The trained parameters are then scored on ``n_test`` further
    sequences (``default_rng([s, 3])``), which training never saw.

    Parameters
    ----------
    init : callable rng -> params
        The model's starting parameters.
    objective : callable (params, task) -> (L, grads)
        Loss and gradients on a ``Task`` batch (``recall_objective`` makes one).
    predict : callable (params, U) -> Y
        The outputs ``Y (T, B, n_y)`` for inputs ``U (T, B, 1)``; ``Y[..., 0]`` is read.
    lag : int >= 1
    seeds : iterable of int >= 0
    budget : int >= 1
        Most training steps per seed.
    threshold : float in (0, 1]
        Validation accuracy that counts as solved (chance is 0.5).
    batch, eval_every, n_val, n_test : int >= 1
    noise : float >= 0
        Standard deviation of the distractors (see ``delayed_recall``).
    optimizer, lr, clip, optimizer_options
        As in ``train.train``.

    Returns
    -------
    Solved

    Examples
    --------
    The Elman RNN of chapter 4 (16 tanh units) at a lag of 5, three seeds:

    >>> import numpy as np, rnn_lib as rl
    >>> from rnn_lib import tasks
    >>> r = tasks.steps_to_solve(
    ...     lambda rng: rl.init_params(16, 1, 1, rng, spectral_radius=0.9),
    ...     tasks.recall_objective(rl.loss_and_gradients),
    ...     lambda p, U: rl.forward(p, U).Y, lag=5, seeds=range(3), budget=1000)
    >>> r.n_solved, bool(np.all(r.test_accuracy > 0.9))
    (3, True)
    """
    for name, f in (("init", init), ("objective", objective), ("predict", predict)):
        if not callable(f):
            raise TypeError(f"{name} must be a function, got {type(f).__name__}")
    lag = as_int(lag, "lag", minimum=1)
    budget = as_int(budget, "budget", minimum=1)
    threshold = as_positive_float(threshold, "threshold")
    if threshold > 1:
        raise ValueError(f"threshold is an accuracy in (0, 1], got {threshold}")
    batch = as_int(batch, "batch", minimum=1)
    n_val = as_int(n_val, "n_val", minimum=1)
    n_test = as_int(n_test, "n_test", minimum=1)
    seeds = np.array([as_int(s, "seed", minimum=0) for s in seeds], dtype=int)
    if seeds.size == 0:
        raise ValueError("seeds is empty; give at least one seed")

    def accuracy(params, task):
        return sign_accuracy(predict(params, task.U), task.target, task.mask)

    steps, test_accuracy, histories, trained = [], [], [], []
    for s in seeds:
        batches = np.random.default_rng([s, 1])
        val = delayed_recall(lag, n_val, np.random.default_rng([s, 2]), noise=noise)
        params, history = train(
            init(np.random.default_rng([s, 0])),
            lambda step, batches=batches: delayed_recall(lag, batch, batches, noise=noise),
            steps=budget, objective=objective, optimizer=optimizer, lr=lr, clip=clip,
            optimizer_options=optimizer_options, eval_every=eval_every,
            metric=lambda p, val=val: accuracy(p, val), stop_at=threshold)
        hit = np.flatnonzero(history["metric"] >= threshold)
        steps.append(float(history["metric_step"][hit[0]]) if hit.size else np.nan)
        test = delayed_recall(lag, n_test, np.random.default_rng([s, 3]), noise=noise)
        test_accuracy.append(accuracy(params, test))
        histories.append(history)
        trained.append(params)
    return Solved(lag, budget, threshold, seeds, np.array(steps), np.array(test_accuracy),
                  tuple(histories), tuple(trained))
