"""A small training loop for the RNN: SGD with momentum or Adam, optional clipping.

Each step draws a batch, runs the forward pass and BPTT (``loss_and_gradients``),
optionally rescales the gradient to a global norm of at most ``clip`` (chapter 4),
and lets the optimiser move the five parameters:

    SGD with momentum:  v <- mu v + g,          theta <- theta - lr v
    Adam:               m <- b1 m + (1-b1) g,   s <- b2 s + (1-b2) g*g,
                        theta <- theta - lr (m / (1-b1^k)) / (sqrt(s / (1-b2^k)) + eps)

``train`` returns the trained parameters and a history dict (loss, gradient norm
before clipping, whether the step was clipped, the length of each update, and an
optional metric), so that a chapter can plot the run. With a validation ``metric``
it can stop early: it keeps the best parameters seen and stops after ``patience``
evaluations without improvement, or as soon as the metric reaches ``stop_at``.

The parameters may be a ``Params`` or any nested tuple of arrays (e.g. an
encoder-decoder ``Seq2Seq``) when an ``objective`` gives the loss and gradients.
``minibatches`` draws shuffled mini-batches of a data set, epoch after epoch.

References: B. T. Polyak, "Some methods of speeding up the convergence of iteration
methods" (1964), for momentum; D. P. Kingma & J. Ba, "Adam: a method for stochastic
optimization", ICLR 2015.
"""
from __future__ import annotations

import numbers
from typing import Callable

import numpy as np

from ._checks import as_int, as_positive_float, check_rng
from ._tree import tree_map
from .bptt import clip_by_global_norm, global_norm, loss_and_gradients
from .elman import Params, check_params

OPTIMIZERS = ("sgd", "adam")


class SGD:
    """Gradient descent with (heavy-ball) momentum: v <- mu v + g, theta <- theta - lr v.

    ``momentum=0`` is plain gradient descent.
    """

    def __init__(self, lr: float = 0.1, momentum: float = 0.9):
        self.lr = as_positive_float(lr, "lr")
        if isinstance(momentum, bool) or not isinstance(momentum, numbers.Real) \
                or not 0 <= momentum < 1:
            raise ValueError(f"momentum must be a number in [0, 1), got {momentum!r}")
        self.momentum = float(momentum)
        self._v = None

    def step(self, params: Params, grads: Params) -> Params:
        """One update; returns the new parameters (the arguments are not changed)."""
        if self._v is None:
            self._v = tree_map(np.zeros_like, grads)
        self._v = tree_map(lambda v, g: self.momentum * v + g, self._v, grads)
        return tree_map(lambda p, v: p - self.lr * v, params, self._v)


class Adam:
    """Adam (Kingma & Ba 2015): steps of about ``lr`` per parameter, whatever the gradient scale."""

    def __init__(self, lr: float = 1e-2, beta1: float = 0.9, beta2: float = 0.999,
                 eps: float = 1e-8):
        self.lr = as_positive_float(lr, "lr")
        for name, b in (("beta1", beta1), ("beta2", beta2)):
            if isinstance(b, bool) or not isinstance(b, numbers.Real) or not 0 <= b < 1:
                raise ValueError(f"{name} must be a number in [0, 1), got {b!r}")
        self.beta1, self.beta2 = float(beta1), float(beta2)
        self.eps = as_positive_float(eps, "eps")
        self._m = self._s = None
        self._k = 0

    def step(self, params: Params, grads: Params) -> Params:
        """One update; returns the new parameters (the arguments are not changed)."""
        if self._m is None:
            self._m = tree_map(np.zeros_like, grads)
            self._s = tree_map(np.zeros_like, grads)
        self._k += 1
        b1, b2 = self.beta1, self.beta2
        self._m = tree_map(lambda m, g: b1 * m + (1 - b1) * g, self._m, grads)
        self._s = tree_map(lambda s, g: b2 * s + (1 - b2) * g * g, self._s, grads)
        c1, c2 = 1 - b1 ** self._k, 1 - b2 ** self._k          # bias corrections
        return tree_map(lambda p, m, s: p - self.lr * (m / c1) / (np.sqrt(s / c2) + self.eps),
                        params, self._m, self._s)


def make_optimizer(name: str, lr: float | None = None, **options):
    """``'sgd'`` (lr 0.1, momentum 0.9) or ``'adam'`` (lr 0.01), with any option changed."""
    if name == "sgd":
        return SGD(lr=0.1 if lr is None else lr, **options)
    if name == "adam":
        return Adam(lr=1e-2 if lr is None else lr, **options)
    raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")


def minibatches(n: int, batch_size: int, rng: np.random.Generator):
    """Endless index batches: each epoch shuffles 0..n-1 and cuts it into batches.

    ``batch = next(it)`` is an int array of ``min(batch_size, n)`` distinct indices; a
    last partial batch of an epoch is dropped so that every batch has the same size.
    """
    n = as_int(n, "n", minimum=1)
    batch_size = min(as_int(batch_size, "batch_size", minimum=1), n)
    check_rng(rng)
    while True:
        order = rng.permutation(n)
        for start in range(0, n - batch_size + 1, batch_size):
            yield order[start:start + batch_size]


def _batch(data, step: int, objective):
    batch = data(step) if callable(data) else data
    if objective is not None:
        return batch
    if not isinstance(batch, tuple) or len(batch) not in (2, 3):
        raise TypeError("data must be a tuple (U, target[, mask]) or a callable step -> "
                        f"such a tuple; got {type(batch).__name__}")
    return batch if len(batch) == 3 else (*batch, None)


def train(params: Params, data, *, steps: int, optimizer="adam", lr: float | None = None,
          loss: str = "mse", activation: str = "tanh", output_activation: str | None = None,
          clip: float | None = None, truncate: int | None = None,
          metric: Callable[[Params], float] | None = None, eval_every: int = 10,
          patience: int | None = None, stop_at: float | None = None,
          higher_is_better: bool = True, objective: Callable | None = None,
          optimizer_options: dict | None = None) -> tuple[Params, dict]:
    """Train the RNN's five parameters by BPTT; return them and the history of the run.

    Parameters
    ----------
    params : Params (or a nested tuple of arrays, with ``objective``)
        Starting parameters (not changed).
    data : tuple or callable
        ``(U, target, mask)`` (or ``(U, target)``) used at every step, e.g. a
        ``tasks.Task``; or a function ``step -> (U, target, mask)`` that returns a
        fresh batch for each step (it should draw from its own seeded generator).
        With ``objective``, whatever that function takes as its batch.
    objective : callable (params, batch) -> (loss, grads), optional
        Replaces the built-in ``loss_and_gradients``: for models that are not one
        RNN (e.g. ``seq2seq.loss_and_gradients``) or data with padding (lengths).
    steps : int >= 1
        Number of updates.
    optimizer : {'sgd', 'adam'} or an object with ``step(params, grads) -> params``
    lr : float, optional
        Learning rate (default 0.1 for SGD, 0.01 for Adam).
    loss, activation, output_activation, truncate
        Passed to ``loss_and_gradients``.
    clip : float, optional
        Rescale each gradient to a global norm of at most ``clip``.
    metric : callable params -> float, optional
        Evaluated every ``eval_every`` steps and after the last one, e.g. accuracy
        on a validation split.
    patience : int >= 1, optional
        Early stopping: stop after this many evaluations of ``metric`` without a
        new best, and return the best parameters seen (not the last ones).
    stop_at : float, optional
        Stop as soon as ``metric`` reaches this value (>= it, or <= it when
        ``higher_is_better`` is False).
    higher_is_better : bool
        Whether a larger ``metric`` is better (accuracy) or a smaller one (error).
    optimizer_options : dict, optional
        More keywords for ``make_optimizer`` (e.g. ``momentum``, ``beta1``).

    Returns
    -------
    params : Params
        The parameters after the last successful step, or with ``patience`` or
        ``stop_at`` the ones with the best metric.
    history : dict
        ``loss`` (steps run,) the loss before each update; ``grad_norm`` the
        global gradient norm before clipping; ``clipped`` bool; ``step_norm`` the
        global norm of each update, ||theta_new - theta_old|| (at most lr * clip
        for plain SGD with clipping, not for momentum or Adam);
        ``metric_step`` and ``metric`` (arrays, empty without ``metric``);
        ``best_step`` and ``best_metric`` (None without ``metric``);
        ``stopped_early``: True if ``patience`` or ``stop_at`` ended the run;
        ``diverged_at``: the step whose loss or gradient was not finite (training
        stops there), else None.
    """
    if objective is None:
        params = check_params(params)
    elif not callable(objective):
        raise TypeError("objective must be a callable (params, batch) -> (loss, grads)")
    steps = as_int(steps, "steps", minimum=1)
    eval_every = as_int(eval_every, "eval_every", minimum=1)
    if clip is not None:
        clip = as_positive_float(clip, "clip")
    if isinstance(optimizer, str):
        opt = make_optimizer(optimizer, lr, **(optimizer_options or {}))
    elif hasattr(optimizer, "step"):
        if lr is not None or optimizer_options:
            raise ValueError("give lr and optimizer_options to the optimizer object itself")
        opt = optimizer
    else:
        raise TypeError("optimizer must be 'sgd', 'adam' or an object with a step(params, "
                        f"grads) method; got {type(optimizer).__name__}")
    if metric is not None and not callable(metric):
        raise TypeError("metric must be a callable params -> float")
    if (patience is not None or stop_at is not None) and metric is None:
        raise ValueError("early stopping (patience or stop_at) needs a metric to watch")
    if patience is not None:
        patience = as_int(patience, "patience", minimum=1)
    sign = 1.0 if higher_is_better else -1.0

    losses, norms, clipped, moves, m_steps, m_values = [], [], [], [], [], []
    diverged_at = best_step = best_value = best_params = None
    stopped_early = False

    def evaluate(k):
        """Record the metric at step k; return True if training should stop."""
        nonlocal best_step, best_value, best_params
        value = float(metric(params))
        m_steps.append(k)
        m_values.append(value)
        if best_value is None or sign * value > sign * best_value:
            best_step, best_value, best_params = k, value, params
        if stop_at is not None and sign * value >= sign * stop_at:
            return True
        return patience is not None and len(m_steps) - 1 - m_steps.index(best_step) >= patience

    for k in range(steps):
        if metric is not None and k % eval_every == 0 and evaluate(k):
            stopped_early = True
            break
        batch = _batch(data, k, objective)
        # A diverging run shows as a non-finite loss or gradient (checked below),
        # not as a flood of overflow warnings.
        with np.errstate(over="ignore", invalid="ignore"):
            if objective is None:
                U, target, mask = batch
                L, grads, _ = loss_and_gradients(params, U, target, loss=loss, mask=mask,
                                                 activation=activation,
                                                 output_activation=output_activation,
                                                 truncate=truncate)
                g = grads.params
            else:
                L, g = objective(params, batch)
            if clip is None:
                norm = global_norm(g)
            else:
                g, norm = clip_by_global_norm(g, clip)      # norm: before clipping
        if not (np.isfinite(L) and np.isfinite(norm)):
            diverged_at = k
            break
        losses.append(float(L))
        norms.append(norm)
        clipped.append(clip is not None and norm > clip)
        new = opt.step(params, g)
        moves.append(global_norm(tree_map(np.subtract, new, params)))   # ||update||
        params = new
    else:
        if metric is not None:
            evaluate(steps)
    if best_params is not None and (patience is not None or stop_at is not None):
        params = best_params
    history = {
        "loss": np.array(losses), "grad_norm": np.array(norms),
        "clipped": np.array(clipped, dtype=bool), "step_norm": np.array(moves),
        "metric_step": np.array(m_steps, dtype=int), "metric": np.array(m_values),
        "best_step": best_step, "best_metric": best_value,
        "stopped_early": stopped_early, "diverged_at": diverged_at,
    }
    return params, history
