"""The marked-token task: remember the one token that was marked (chapter 6).

A sequence of T random tokens (one of K, one-hot) carries a flag channel; exactly one
step p is marked. After the last step the model must name the marked token:

    u_t = (onehot(c_t), m_t),   m_t = [t = p],   target = c_p   (many-to-one, K classes).

Why a time-invariant linear recurrence cannot do it. Its final state is a fixed linear
function of the inputs, x_{T-1} = sum_t Lambda^(T-1-t) B u_t, and so are the class
scores of a linear readout: score_k = sum_t w_t[k, c_t] + h_k(p). Token c_t enters with
weights w_t that depend on how old it is, never on whether it was marked; the mark adds
a term h(p) that does not depend on the tokens. So the scores cannot single out c_p:
with weights spread over the sequence they count the most frequent token, with weights
on recent steps they name the last tokens. No state size changes that; only a state
large enough to store the whole sequence, with a nonlinear readout to search it,
could. The selective unit can instead set its decay lambda_t near 0 at the mark (write
c_p) and near 1 elsewhere (hold it): then a state of K numbers is
enough (a hand-made unit does it exactly, see the tests). Training finds a softer
version of the same idea: a gate that lets the marked token in more strongly than
the others and forgets slowly everywhere.

Two easier versions let the time-invariant unit show what it can do:
``distractors=False`` leaves every unmarked step blank (pure memory: hold one input
for up to T steps), and a fixed ``position`` asks for the token at a known lag (a
delay line: a kernel peaked at one lag).

References: A. Gu & T. Dao, "Mamba: linear-time sequence modeling with selective state
spaces", 2023 (the selective copying task); S. Hochreiter & J. Schmidhuber, Neural
Computation 9 (1997) (marked inputs in the adding problem).
"""
from __future__ import annotations

import time
from typing import NamedTuple

import numpy as np

from . import linear_recurrence, selective
from ._checks import as_int, check_rng
from .train import Adam, train


class MarkedCopy(NamedTuple):
    """A batch of the marked-token task.

    U : (T, B, K + 1) one-hot tokens and the mark flag (last channel);
    target : (B,) int, the marked token c_p;  position : (B,) int, the marked step p.
    """

    U: np.ndarray
    target: np.ndarray
    position: np.ndarray


def marked_copy(T: int, n_tokens: int, batch: int, rng: np.random.Generator, *,
                position: int | None = None, distractors: bool = True) -> MarkedCopy:
    """Draw a batch: T random tokens out of ``n_tokens``, one step marked.

    Parameters
    ----------
    T : int >= 1
        Sequence length.
    n_tokens : int >= 2
        K, the number of token classes.
    batch : int >= 1
    rng : numpy.random.Generator
    position : int in 0..T-1, optional
        Mark always this step (the easier, fixed-lag version); uniform by default.
    distractors : bool
        False: only the marked step carries a token, the others are blank (zeros).

    Returns
    -------
    MarkedCopy
    """
    T = as_int(T, "T", minimum=1)
    K = as_int(n_tokens, "n_tokens", minimum=2)
    batch = as_int(batch, "batch", minimum=1)
    check_rng(rng)
    tokens = rng.integers(0, K, size=(T, batch))
    if position is None:
        pos = rng.integers(0, T, size=batch)
    else:
        pos = np.full(batch, as_int(position, "position", minimum=0))
        if pos[0] >= T:
            raise ValueError(f"position must be in 0..T-1 = 0..{T - 1}, got {pos[0]}")
    cols = np.arange(batch)
    U = np.zeros((T, batch, K + 1))
    if distractors:
        U[np.arange(T)[:, None], cols, tokens] = 1.0           # every step's token
    U[pos, cols, tokens[pos, cols]] = 1.0                      # the marked token ...
    U[pos, cols, K] = 1.0                                      # ... and its flag
    return MarkedCopy(U, tokens[pos, cols], pos)


def majority_vote(U: np.ndarray) -> np.ndarray:
    """The most frequent token of each sequence (ties: the most recent), shape (B,).

    What a readout that counts tokens, whoever marked them, would answer: the level a
    time-invariant linear recurrence is stuck near on this task.
    """
    K = U.shape[-1] - 1
    recency = 1.0 + 1e-6 * np.arange(U.shape[0])              # breaks ties, changes no count
    return np.einsum("tbk,t->bk", U[..., :K], recency).argmax(axis=-1)


class Run(NamedTuple):
    """One trained model: ``model`` name, ``seed``, its ``params`` and training
    ``history`` (from ``train.train``), test ``accuracy``, ``accuracy_by_lag`` (T,)
    (accuracy when the mark was lag = T-1-p steps before the end; nan if none was),
    and the wall ``seconds`` of training."""

    model: str
    seed: int
    params: tuple
    history: dict
    accuracy: float
    accuracy_by_lag: np.ndarray
    seconds: float


MODELS = ("lru", "selective")


def train_run(model: str, seed: int, *, T: int = 16, n_tokens: int = 8, n_x: int = 32,
              steps: int = 600, batch: int = 64, lr: float = 0.01, position: int | None = None,
              distractors: bool = True, n_test: int = 2000) -> Run:
    """Train one model on the marked-token task and test it.

    ``model`` is 'lru' (time-invariant, ``linear_recurrence``) or 'selective'
    (``selective``), each with the state size ``n_x`` and a linear readout of the last
    step's K class scores (softmax cross-entropy). The budget is the same for both:
    ``steps`` Adam updates (learning rate ``lr``, gradients clipped to norm 5), each on
    ``batch`` fresh sequences. The seed fixes everything: the initial parameters
    (``[seed, 0]``), the training batches (``[seed, 1]``: both models see the same
    ones) and the ``n_test`` test sequences (``[seed, 2]``).

    Returns
    -------
    Run
    """
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; choose one of {', '.join(map(repr, MODELS))}")
    seed = as_int(seed, "seed", minimum=0)
    T, K = as_int(T, "T", minimum=1), as_int(n_tokens, "n_tokens", minimum=2)
    unit = linear_recurrence if model == "lru" else selective
    params = unit.init_params(n_x, K + 1, K, np.random.default_rng([seed, 0]))
    data_rng = np.random.default_rng([seed, 1])

    def next_batch(step):
        return marked_copy(T, K, batch, data_rng, position=position, distractors=distractors)

    def objective(params, data):
        L, grads, _ = unit.loss_and_gradients(params, data.U, data.target,
                                              loss="cross_entropy", readout="last")
        return L, grads.params

    start = time.perf_counter()
    params, history = train(params, next_batch, steps=steps, objective=objective,
                            optimizer=Adam(lr=lr), clip=5.0)
    seconds = time.perf_counter() - start
    test = marked_copy(T, K, n_test, np.random.default_rng([seed, 2]), position=position,
                       distractors=distractors)
    correct = unit.forward(params, test.U).Y[-1].argmax(axis=-1) == test.target
    lag = T - 1 - test.position
    by_lag = np.array([correct[lag == k].mean() if np.any(lag == k) else np.nan
                       for k in range(T)])
    return Run(model, seed, params, history, float(correct.mean()), by_lag, seconds)


def compare(seeds=range(5), **options) -> dict[str, list[Run]]:
    """Train both models with each seed on the same task and budget (``train_run``'s
    keywords in ``options``); returns ``{model: [Run per seed]}``.

    ``np.median([r.accuracy for r in runs])`` and the min and max give the chapter's
    table: the same seeds, batches and test sets for both models.
    """
    return {model: [train_run(model, seed, **options) for seed in seeds] for model in MODELS}
