"""Chapter 5's five problem types, each a small model trained end to end.

Every recipe draws its toy data from ``datasets`` with seeded generators, splits
it into train / validation / test, trains with ``train.train`` (Adam, global-norm
clipping, mini-batches, early stopping on the validation split) and scores the
model on the test split next to trivial baselines. They return a :class:`Run`,
so that the chapter and the benchmarks use the very same code.

====================  ==================  ============================================
problem type          recipe              what the RNN's outputs are used for
====================  ==================  ============================================
many-to-one (regr.)   ``price_forecast``  y at the last step: next day's log-return
many-to-one (class.)  ``sentiment``       y at each sentence's last word: P(positive)
many-to-many          ``running_count``   y_t at every step: "count of 'a' >= k yet?"
seq2seq               ``number_words``    encoder context -> decoder emits digits
one-to-many           ``waveform``        one input (kind, frequency) -> y_0..y_{T-1}
====================  ==================  ============================================
"""
from __future__ import annotations

import time
from typing import Any, NamedTuple

import numpy as np

from . import datasets as ds
from . import seq2seq as s2s
from . import sequences as sq
from ._checks import as_int
from .bptt import loss_and_gradients
from .elman import Params, forward, init_params
from .train import Adam, minibatches, train


class Run(NamedTuple):
    """One trained model and how it scores.

    model : Params or Seq2Seq;  history : what ``train`` returned;
    seconds : wall time of training;  score : the test score (see ``metric``);
    baselines : {name: test score} of the trivial predictors;
    metric : what ``score`` measures and which way is better;
    data : the test split, vocabularies and predictions the chapter's figures need.
    """

    model: Any
    history: dict
    seconds: float
    score: float
    baselines: dict
    metric: str
    data: dict


def _fit(model, batches, steps, objective, metric, **options):
    start = time.perf_counter()
    model, hist = train(model, lambda k: next(batches), steps=steps, objective=objective,
                        optimizer=Adam(lr=options.pop("lr", 0.01)), clip=5.0, metric=metric,
                        **options)
    return model, hist, time.perf_counter() - start


# -- many-to-one regression ---------------------------------------------------------------
def price_forecast(seed: int = 0, *, n_days: int = 1500, window: int = 30, n_x: int = 16,
                   steps: int = 1500) -> Run:
    """Tomorrow's price from the last ``window`` days (many-to-one regression).

    The RNN reads the window's log-returns, scaled to unit variance, u_t = r_t / s,
    and its output at the last step predicts the next scaled return; the forecast
    price is p_last * exp(s * y_{T-1}). Score: test mean squared error of the scaled
    return (lower is better; "tomorrow = today" scores about the variance, 1).
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
    pred = predict(params, test)
    coef, c0 = ds.fit_linear_ar(U[:, :n_tr], y[:n_tr])
    ar = ds.predict_linear_ar(U[:, test], coef, c0)
    mse = lambda p: float(np.mean((p - y[test]) ** 2))          # noqa: E731
    data = {
        "prices": prices, "window": window, "scale": s, "test_start": n_va,
        "history_prices": np.stack([prices[i + 1:i + window + 1] for i in range(n_va, N)]),
        "next_price": w.next_price[test], "last_price": w.last_price[test],
        "pred_price": {name: w.last_price[test] * np.exp(s * p) for name, p in
                       (("RNN", pred), ("linear AR", ar),
                        ("tomorrow = today", np.zeros_like(pred)))},
    }
    return Run(params, hist, sec, mse(pred),
               {"tomorrow = today": mse(np.zeros_like(pred)), "linear AR(30)": mse(ar)},
               "test MSE of the scaled next-day return (lower is better)", data)


# -- many-to-one classification -----------------------------------------------------------
def _sentences_to_batch(vocab, sentences):
    P = sq.pad([vocab.encode(s) for s in sentences])
    return sq.one_hot(P.ids, len(vocab)), P.lengths


def sentiment(seed: int = 0, *, n_train: int = 1200, n_val: int = 200, n_test: int = 400,
              n_x: int = 16, steps: int = 2000) -> Run:
    """Positive or negative? Sentences where "not" flips the sentiment word.

    The RNN reads one-hot words; its output at each sentence's last real word, a
    softmax over {negative, positive}, is the prediction (padding holds the state,
    and the loss counts only that last step). Score: test accuracy.
    """
    seed = as_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    sents, labels = ds.sentiment_sentences(n_train + n_val + n_test, rng)
    vocab = sq.Vocabulary.from_sequences(sents, specials=())
    U, lengths = _sentences_to_batch(vocab, sents)
    T = U.shape[0]
    targets = np.broadcast_to(labels, (T, labels.size))
    last = sq.last_step_mask(lengths, T)
    tr, va, te = (np.arange(n_train), np.arange(n_train, n_train + n_val),
                  np.arange(n_train + n_val, labels.size))

    def objective(params, idx):
        L, g, _ = loss_and_gradients(params, U[:, idx], targets[:, idx], loss="cross_entropy",
                                     mask=last[:, idx], lengths=lengths[idx])
        return L, g.params

    def prob_positive(params, idx):
        return forward(params, U[:, idx], lengths=lengths[idx],
                       output_activation="softmax").Y[-1, :, 1]

    def accuracy(params, idx=va):
        return float(np.mean((prob_positive(params, idx) > 0.5) == labels[idx]))

    params = init_params(n_x, len(vocab), 2, np.random.default_rng(seed + 1))
    params, hist, sec = _fit(params, minibatches(n_train, 32, np.random.default_rng(seed + 2)),
                             steps, objective, accuracy, eval_every=50, patience=10,
                             stop_at=1.0)
    test_sents = [sents[i] for i in te]
    bow = ds.bag_of_words_baseline([sents[i] for i in tr], labels[tr], test_sents)
    major = ds.majority_baseline(labels[tr], te.size)
    return Run(params, hist, sec, accuracy(params, te),
               {"majority class": float(np.mean(major == labels[te])),
                "bag of words (logistic)": float(np.mean(bow == labels[te]))},
               "test accuracy (higher is better)",
               {"vocab": vocab, "sentences": test_sents, "labels": labels[te],
                "p_positive": prob_positive(params, te)})


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


# -- many-to-many, same length ------------------------------------------------------------
def running_count(seed: int = 0, *, k: int = 3, n_train: int = 800, n_val: int = 200,
                  n_test: int = 400, n_x: int = 8, steps: int = 2000) -> Run:
    """Tag every step: has the number of "a" tokens so far reached ``k``?

    One output per input (many-to-many of the same length), over padded batches of
    sequences of different lengths. Score: test accuracy over all real steps.
    """
    seed = as_int(seed, "seed", minimum=0)
    seqs, tags = ds.running_count_tags(n_train + n_val + n_test, np.random.default_rng(seed),
                                       k=k)
    vocab = sq.Vocabulary(["a", "b"], specials=())
    U, lengths = _sentences_to_batch(vocab, seqs)
    target = sq.pad(tags).ids
    tr, va, te = (np.arange(n_train), np.arange(n_train, n_train + n_val),
                  np.arange(n_train + n_val, len(seqs)))

    def objective(params, idx):
        L, g, _ = loss_and_gradients(params, U[:, idx], target[:, idx], loss="cross_entropy",
                                     lengths=lengths[idx])
        return L, g.params

    def predict(params, idx):
        Y = forward(params, U[:, idx], lengths=lengths[idx], output_activation="softmax").Y
        return [Y[:n, b].argmax(-1) for b, n in enumerate(lengths[idx])]

    def accuracy(params, idx=va):
        return ds.tag_accuracy(predict(params, idx), [tags[i] for i in idx])

    params = init_params(n_x, len(vocab), 2, np.random.default_rng(seed + 1))
    params, hist, sec = _fit(params, minibatches(n_train, 32, np.random.default_rng(seed + 2)),
                             steps, objective, accuracy, eval_every=50, patience=10,
                             stop_at=1.0)
    test_seqs, test_tags = [seqs[i] for i in te], [tags[i] for i in te]
    memoryless = ds.current_token_baseline([seqs[i] for i in tr], [tags[i] for i in tr],
                                           test_seqs)
    return Run(params, hist, sec, accuracy(params, te),
               {"current token only": ds.tag_accuracy(memoryless, test_tags)},
               "test accuracy over all steps (higher is better)",
               {"vocab": vocab, "k": k, "sequences": test_seqs, "tags": test_tags,
                "predicted": predict(params, te)})


# -- seq2seq ------------------------------------------------------------------------------
def _decode_all(model, U, lengths, vocab, max_len):
    ids, _, _ = s2s.decode(model, U, lengths, bos_id=vocab.index[sq.BOS],
                           eos_id=vocab.index[sq.EOS], max_len=max_len)
    return [vocab.decode(ids[:, b]) for b in range(ids.shape[1])]


def number_words(seed: int = 0, *, n_test: int = 150, n_val: int = 100, n_x: int = 32,
                 steps: int = 1500) -> Run:
    """Translate English number words into digits: "three hundred two" -> 3 0 2.

    An encoder reads the words; from its context a decoder emits digits and ``<eos>``
    (teacher forcing in training, greedy decoding at test). The numbers 0..999 are
    split at random, so every test number is one the model never saw. Score: exact
    match on the test numbers.
    """
    seed = as_int(seed, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    train_n, test_n = ds.number_split(rng, n_test=n_test)
    train_n = rng.permutation(train_n)                           # the split comes sorted
    val_n, train_n = np.sort(train_n[:n_val]), train_n[n_val:]
    src_vocab = sq.Vocabulary.from_sequences([ds.number_words(k) for k in range(1000)],
                                             specials=())
    tgt_vocab = sq.Vocabulary([str(d) for d in range(10)])

    def encode(numbers):
        src = sq.pad([src_vocab.encode(ds.number_words(k)) for k in numbers])
        tgt = sq.pad([tgt_vocab.encode(ds.number_digits(k) + [sq.EOS]) for k in numbers])
        return sq.one_hot(src.ids, len(src_vocab)), src.lengths, tgt

    U, lengths, tgt = encode(train_n)
    bos = tgt_vocab.index[sq.BOS]

    def objective(model, idx):
        return s2s.loss_and_gradients(model, U[:, idx], lengths[idx], tgt.ids[:, idx],
                                      tgt.mask[:, idx], bos_id=bos)

    def translate(model, numbers):
        Un, ln, _ = encode(numbers)
        return _decode_all(model, Un, ln, tgt_vocab, max_len=4)

    def exact(model, numbers):
        return ds.exact_match(translate(model, numbers), [ds.number_digits(k) for k in numbers])

    model = s2s.init_seq2seq(len(src_vocab), n_x, n_x, len(tgt_vocab),
                             np.random.default_rng(seed + 1))
    model, hist, sec = _fit(model, minibatches(train_n.size, 32,
                                               np.random.default_rng(seed + 2)),
                            steps, objective, lambda m: exact(m, val_n), eval_every=100,
                            patience=5, stop_at=1.0)
    words = [ds.number_words(k) for k in test_n]
    truth = [ds.number_digits(k) for k in test_n]
    return Run(model, hist, sec, exact(model, test_n),
               {"word by word": ds.exact_match([ds.word_by_word_baseline(w) for w in words],
                                               truth)},
               "exact match on unseen numbers (higher is better)",
               {"numbers": test_n, "words": words, "digits": truth,
                "predicted": translate(model, test_n), "src_vocab": src_vocab,
                "tgt_vocab": tgt_vocab, "translate": translate})


# -- one-to-many --------------------------------------------------------------------------
def one_input(inputs, T: int) -> np.ndarray:
    """The one-to-many input sequence: u_0 = v, then u_t = 0 for t = 1..T-1.

    inputs (B, n_u) -> U (T, B, n_u). Everything after step 0 must come from the
    state: x_t = sigma(W_xx x_{t-1} + b_x) is the only memory of v.
    """
    inputs = np.asarray(inputs, dtype=float)
    U = np.zeros((as_int(T, "T", minimum=1),) + inputs.shape)
    U[0] = inputs
    return U


def generate_wave(model: Params, kind: str, freq: float, length: int):
    """Run the one-to-many RNN for ``length`` steps from the input of one wave.

    u_0 = ``datasets.wave_input(kind, freq)``, u_t = 0 afterwards (``one_input``).

    Returns
    -------
    y : ndarray, shape (length,), the outputs y_0 .. y_{length-1}
    X : ndarray, shape (length, n_x), the states x_0 .. x_{length-1}
    """
    U = one_input(ds.wave_input(kind, freq)[None], length)            # (length, 1, n_u)
    tr = forward(model, U)
    return tr.Y[:, 0, 0], tr.X[:, 0]


def waveform(seed: int = 0, *, n_train: int = 1000, n_val: int = 200, n_test: int = 300,
             T: int = 30, n_x: int = 24, steps: int = 1000) -> Run:
    """Generate a whole waveform from one input vector (one-to-many).

    The input at step 0 says which kind of wave (sine, triangle, square) and which
    frequency; the inputs after it are zero, and the RNN emits y_0..y_{T-1}. Score:
    test mean squared error per step (lower is better; the average training wave,
    which ignores the input, is the baseline).
    """
    seed = as_int(seed, "seed", minimum=0)
    w = ds.waveforms(n_train + n_val + n_test, np.random.default_rng(seed), T=T)
    U = one_input(w.inputs, T)
    target = w.Y.T[:, :, None]                                   # (T, n, 1)
    tr, va, te = (np.arange(n_train), np.arange(n_train, n_train + n_val),
                  np.arange(n_train + n_val, len(w.Y)))

    def objective(params, idx):
        L, g, _ = loss_and_gradients(params, U[:, idx], target[:, idx])
        return L, g.params

    def mse(params, idx=va):
        return float(np.mean((forward(params, U[:, idx]).Y - target[:, idx]) ** 2))

    params = init_params(n_x, U.shape[-1], 1, np.random.default_rng(seed + 1))
    params, hist, sec = _fit(params, minibatches(n_train, 32, np.random.default_rng(seed + 2)),
                             steps, objective, mse, eval_every=100, patience=4,
                             higher_is_better=False)
    base = ds.mean_waveform_baseline(w.Y[tr], te.size)
    return Run(params, hist, sec, mse(params, te),
               {"average wave": float(np.mean((base - w.Y[te]) ** 2))},
               "test mean squared error per step (lower is better)",
               {"inputs": w.inputs[te], "kinds": w.kinds[te], "freqs": w.freqs[te],
                "Y": w.Y[te], "T": T})


RECIPES = {"price_forecast": price_forecast, "sentiment": sentiment,
           "running_count": running_count, "number_words": number_words,
           "waveform": waveform}
