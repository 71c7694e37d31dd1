"""Many-to-one recipes: the next day's price change from 30 days (regression) and a
review's sentiment from its words (classification), with the probes of the memory."""
from __future__ import annotations

import numpy as np

from .. import datasets as ds
from .. import sequences as sq
from .._checks import as_int
from ..bptt import loss_and_gradients
from ..elman import Params, forward, init_params
from ..train import minibatches
from ._run import Run, _fit, _sentences_to_batch


# -- many-to-one regression ---------------------------------------------------------------
def price_forecast(seed: int = 0, *, n_days: int = 1500, window: int = 30, n_x: int = 16,
                   steps: int = 1500) -> Run:
    """Tomorrow's price from the last ``window`` days (many-to-one regression).

    The RNN reads the window's log-returns, scaled to unit variance, u_t = r_t / s,
    and its output at the last step predicts the next scaled return; the forecast
    price is p_last * exp(s * y_{T-1}). Score: test mean squared error of the scaled
    return (lower is better; "tomorrow = today" scores about the variance, 1).
    Baselines: "tomorrow = today"; least-squares AR on the whole window and on
    yesterday's return alone (fitted on the training windows); and the forecast of
    someone who knows the price equation (``datasets.oracle_forecast``), whose error
    is the noise of the test days. The validation and test windows read the 30 days
    before their first target, which belong to the previous split: inputs from the
    past, as in any forecast, not a leak of targets.
    ``data["pred"]`` holds every forecast of the test targets ``data["target"]``.
    """
    seed = as_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    prices = ds.price_series(n_days, rng)
    w = ds.price_windows(prices, window)
    N = w.U.shape[1]
    n_tr, n_va = int(0.7 * N), int(0.85 * N)
    s = float(w.U[:, :n_tr].std())
    U, y = w.U / s, w.target / s
    T = U.shape[0]
    last = np.zeros((T, 1))
    last[-1] = 1.0                                               # loss on the last step only

    def objective(params, idx):
        target = np.zeros((T, idx.size, 1))
        target[-1, :, 0] = y[idx]
        L, g, _ = loss_and_gradients(params, U[:, idx], target,
                                     mask=np.broadcast_to(last, (T, idx.size)))
        return L, g.params

    def predict(params, part):
        return forward(params, U[:, part]).Y[-1, :, 0]

    def val_mse(params):
        return float(np.mean((predict(params, slice(n_tr, n_va)) - y[n_tr:n_va]) ** 2))

    params = init_params(n_x, 1, 1, np.random.default_rng(seed + 1), spectral_radius=0.5)
    params, hist, sec = _fit(params, minibatches(n_tr, 64, np.random.default_rng(seed + 2)),
                             steps, objective, val_mse, lr=0.005, eval_every=50, patience=6,
                             higher_is_better=False)
    test = slice(n_va, N)
    rnn = predict(params, test)
    ar = {k: ds.predict_linear_ar(U[-k:, test], *ds.fit_linear_ar(U[-k:, :n_tr], y[:n_tr]))
          for k in (window, 1)}                                   # the window, or yesterday
    preds = {"tomorrow = today": np.zeros_like(rnn), f"linear AR({window})": ar[window],
             "AR(1), yesterday only": ar[1],
             "knows the equation": ds.oracle_forecast(prices, window)[test] / s}
    mse = lambda p: float(np.mean((p - y[test]) ** 2))          # noqa: E731
    data = {
        "prices": prices, "window": window, "scale": s, "test_start": n_va,
        "history_prices": np.stack([prices[i + 1:i + window + 1] for i in range(n_va, N)]),
        "next_price": w.next_price[test], "last_price": w.last_price[test],
        "pred_price": {name: w.last_price[test] * np.exp(s * p) for name, p in
                       (("RNN", rnn), ("linear AR", ar[window]),
                        ("tomorrow = today", np.zeros_like(rnn)))},
        "target": y[test], "pred": {"RNN": rnn, **preds},
    }
    return Run(params, hist, sec, mse(rnn), {name: mse(p) for name, p in preds.items()},
               "test MSE of the scaled next-day return (lower is better)", data)


# -- many-to-one classification -----------------------------------------------------------


def sentiment(seed: int = 0, *, n_train: int = 1200, n_val: int = 300, n_test: int = 600,
              n_x: int = 16, steps: int = 2000) -> Run:
    """Positive or negative? Reviews where "not" and "but" decide (``sentiment_reviews``).

    The RNN reads one-hot words; its output at each review's last real word, a
    softmax over {negative, positive}, is the prediction (padding holds the state,
    and the loss counts only that last step; each mini-batch is padded only to its
    own longest review). Adam (lr 0.02), batches of 32, at most ``steps`` steps,
    stopping when the validation accuracy reaches 1 or has not improved for 10
    evaluations (500 steps). Score: test accuracy. Baselines: the majority class,
    and logistic regressions on a bag of words and on a bag of words and bigrams
    (``datasets.bag_of_ngrams_baseline``, fitted to convergence, penalty chosen on
    the validation reviews).
    """
    seed = as_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    sents, labels = ds.sentiment_reviews(n_train + n_val + n_test, rng)
    vocab = sq.Vocabulary.from_sequences(sents, specials=())
    U, lengths = _sentences_to_batch(vocab, sents)
    T = U.shape[0]
    targets = np.broadcast_to(labels, (T, labels.size))
    last = sq.last_step_mask(lengths, T)
    tr, va, te = (np.arange(n_train), np.arange(n_train, n_train + n_val),
                  np.arange(n_train + n_val, labels.size))

    def objective(params, idx):
        Tb = lengths[idx].max()                  # exact: padding only holds the state
        L, g, _ = loss_and_gradients(params, U[:Tb, idx], targets[:Tb, idx],
                                     loss="cross_entropy", mask=last[:Tb, idx],
                                     lengths=lengths[idx])
        return L, g.params

    def p_positive(params, idx):
        return forward(params, U[:, idx], lengths=lengths[idx],
                       output_activation="softmax").Y[-1, :, 1]

    def accuracy(params, idx=va):
        return float(np.mean((p_positive(params, idx) > 0.5) == labels[idx]))

    params = init_params(n_x, len(vocab), 2, np.random.default_rng(seed + 1))
    params, hist, sec = _fit(params, minibatches(n_train, 32, np.random.default_rng(seed + 2)),
                             steps, objective, accuracy, lr=0.02, eval_every=50, patience=10,
                             stop_at=1.0)
    part = {name: ([sents[i] for i in idx], labels[idx])
            for name, idx in (("train", tr), ("val", va), ("test", te))}
    bags = {k: ds.bag_of_ngrams_baseline(*part["train"], *part["val"], part["test"][0], n=k)[0]
            for k in (1, 2)}
    major = ds.majority_baseline(labels[tr], te.size)
    return Run(params, hist, sec, accuracy(params, te),
               {"majority class": float(np.mean(major == labels[te])),
                "bag of words": float(np.mean(bags[1] == labels[te])),
                "bag of words and bigrams": float(np.mean(bags[2] == labels[te]))},
               "test accuracy (higher is better)",
               {"vocab": vocab, "sentences": part["test"][0], "labels": labels[te],
                "p_positive": p_positive(params, te),
                "bag_predictions": bags})


def prob_positive(model: Params, vocab, reviews) -> np.ndarray:
    """P(positive) of a sentiment RNN at each review's last word, shape (len(reviews),).

    One padded batch; padding holds the state (``forward(..., lengths=...)``), so each
    review ends in the state it reaches alone.
    """
    U, lengths = _sentences_to_batch(vocab, [list(r) for r in reviews])
    return forward(model, U, lengths=lengths, output_activation="softmax").Y[-1, :, 1]


def pairs_both_right(model: Params, vocab, pairs) -> float:
    """Fraction of pairs (review a, label a, review b, label b) with both answers right.

    For ``datasets.negation_pairs`` and ``swap_pairs``: a reader that cannot tell the
    two reviews of a pair apart gets at most one of them right.
    """
    a, la, b, lb = zip(*pairs)
    right_a = (prob_positive(model, vocab, a) > 0.5) == np.array(la)
    right_b = (prob_positive(model, vocab, b) > 0.5) == np.array(lb)
    return float(np.mean(right_a & right_b))


def sentence_trace(model: Params, vocab, words) -> tuple[np.ndarray, np.ndarray]:
    """States and P(positive) of a sentiment RNN reading one sentence word by word.

        x_t = tanh(W_xx x_{t-1} + W_xu e_{w_t} + b_x),   p_t = softmax(W_yx x_t + b_y)[1],

    p_t as if the sentence ended at word t (``sentiment``'s prediction is p at the
    last word).

    Returns
    -------
    X : ndarray, shape (L, n_x), X[t] = x_t after word t
    p : ndarray, shape (L,), P(positive) after word t
    """
    U = sq.one_hot(vocab.encode(list(words)), len(vocab))              # (L, V)
    tr = forward(model, U, output_activation="softmax")
    return tr.X, tr.Y[:, 1]
