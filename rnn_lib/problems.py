"""Chapter 5's five problem types, each a small model trained end to end.

Every recipe draws its toy data from ``datasets`` with seeded generators, splits
it into train / validation / test, trains with ``train.train`` (Adam, global-norm
clipping, mini-batches, early stopping on the validation split) and scores the
model on the test split next to baselines without recurrence, the strongest simple
challengers we found. They return a :class:`Run`,
so that the chapter and the benchmarks use the very same code.

====================  ==================  ============================================
problem type          recipe              what the RNN's outputs are used for
====================  ==================  ============================================
many-to-one (regr.)   ``price_forecast``  y at the last step: next day's log-return
many-to-one (class.)  ``sentiment``       y at each sentence's last word: P(positive)
many-to-many          ``running_count``   y_t at every step: "count of 'a' >= k yet?"
seq2seq               ``number_words``    encoder context -> decoder emits digits
one-to-many           ``waveform``        one input (kind, frequency) -> y_0..y_{T-1}
one-to-many           ``captions``        one image -> encoder context -> caption words
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
    baselines : {name: test score} of the models without recurrence;
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
def _sentences_to_batch(vocab, sentences):
    P = sq.pad([vocab.encode(s) for s in sentences])
    return sq.one_hot(P.ids, len(vocab)), P.lengths


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


# -- many-to-many, same length ------------------------------------------------------------
def running_count(seed: int = 0, *, k: int = 3, n_train: int = 800, n_val: int = 200,
                  n_test: int = 400, n_x: int = 8, steps: int = 2000) -> Run:
    """Tag every step: has the number of "a" tokens so far reached ``k``?

    One output per input (many-to-many of the same length), over padded batches of
    sequences of different lengths. Score: test accuracy over all real steps.
    Baselines without a state (``datasets.window_baseline``): the tag seen most often
    with the current token, and with the last 5 tokens.
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
    train_seqs, train_tags = [seqs[i] for i in tr], [tags[i] for i in tr]
    windows = {width: ds.window_baseline(train_seqs, train_tags, test_seqs, width)
               for width in (1, 5)}
    return Run(params, hist, sec, accuracy(params, te),
               {"current token only": ds.tag_accuracy(windows[1], test_tags),
                "last 5 tokens": ds.tag_accuracy(windows[5], test_tags)},
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
    match on the test numbers. Baselines without recurrence: a word-by-word
    dictionary, and a linear classifier on (position, word) pairs
    (``datasets.position_table_baseline``), trained on the same numbers.
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
    table = ds.position_table_baseline(train_n, test_n)
    return Run(model, hist, sec, exact(model, test_n),
               {"word by word": ds.exact_match([ds.word_by_word_baseline(w) for w in words],
                                               truth),
                "position table (linear)": ds.exact_match(table, truth)},
               "exact match on unseen numbers (higher is better)",
               {"numbers": test_n, "train_numbers": train_n, "words": words, "digits": truth,
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
    test mean squared error per step (lower is better). Baselines without a state:
    the average training wave, which ignores the input; a lookup in the training
    waves (``datasets.nearest_wave_baseline``); and a lookup in a table of evenly
    spaced waves that stores about as many numbers as the RNN has parameters
    (``datasets.wave_table``).
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
    err = lambda Y: float(np.mean((Y - w.Y[te]) ** 2))          # noqa: E731
    per_kind = params.n_params // (T + 1) // len(ds.WAVE_KINDS)   # a table of the RNN's size
    small = ds.nearest_wave_baseline(*ds.wave_table(per_kind, T), w.kinds[te], w.freqs[te])
    lookup = ds.nearest_wave_baseline(w.kinds[tr], w.freqs[tr], w.Y[tr], w.kinds[te],
                                      w.freqs[te])
    return Run(params, hist, sec, mse(params, te),
               {"average wave": err(ds.mean_waveform_baseline(w.Y[tr], te.size)),
                "nearest training wave": err(lookup),
                f"table of {per_kind} waves per kind": err(small)},
               "test mean squared error per step (lower is better)",
               {"inputs": w.inputs[te], "kinds": w.kinds[te], "freqs": w.freqs[te],
                "Y": w.Y[te], "T": T, "n_train": n_train, "table_per_kind": per_kind})


def captions(seed: int = 0, *, n_train: int = 2000, n_val: int = 300, n_test: int = 500,
             n_x: int = 32, steps: int = 1000) -> Run:
    """Caption images of two coloured shapes (``datasets.shape_scenes``): one-to-many.

    An encoder with a single step (T = 1) reads the image's 432 pixel values into the
    context c; from it the decoder writes the five-word caption and ``<eos>`` (teacher
    forcing in training, greedy decoding at test). Score: exact match on the test
    images. Baselines without recurrence: the most common training caption, and a
    linear read-out of the pixels for each word position
    (``datasets.pixel_linear_baseline``).
    """
    seed = as_int(seed, "seed", minimum=0)
    images, caps = ds.shape_scenes(n_train + n_val + n_test, np.random.default_rng(seed))
    U = images.reshape(1, len(images), -1)                      # (T = 1, n, 432)
    vocab = sq.Vocabulary(sorted({w for c in caps for w in c}))
    tgt = sq.pad([vocab.encode(c + [sq.EOS]) for c in caps])
    tr, va, te = (np.arange(n_train), np.arange(n_train, n_train + n_val),
                  np.arange(n_train + n_val, len(caps)))
    bos = vocab.index[sq.BOS]

    def objective(model, idx):
        return s2s.loss_and_gradients(model, U[:, idx], None, tgt.ids[:, idx],
                                      tgt.mask[:, idx], bos_id=bos)

    def exact(model, idx=va):
        return ds.exact_match(_decode_all(model, U[:, idx], None, vocab, max_len=6),
                              [caps[i] for i in idx])

    model = s2s.init_seq2seq(U.shape[-1], n_x, n_x, len(vocab), np.random.default_rng(seed + 1))
    model, hist, sec = _fit(model, minibatches(n_train, 32, np.random.default_rng(seed + 2)),
                            steps, objective, exact, eval_every=100, patience=10,
                            stop_at=1.0)
    truth = [caps[i] for i in te]
    linear = ds.pixel_linear_baseline(images[tr], [caps[i] for i in tr], images[va],
                                      [caps[i] for i in va], images[te])
    return Run(model, hist, sec, exact(model, te),
               {"most common caption": ds.exact_match(
                   ds.caption_majority_baseline([caps[i] for i in tr], te.size), truth),
                "pixels, linear": ds.exact_match(linear, truth)},
               "exact match of the test captions (higher is better)",
               {"images": images[te], "captions": truth,
                "predicted": _decode_all(model, U[:, te], None, vocab, max_len=6)})


RECIPES = {"price_forecast": price_forecast, "sentiment": sentiment,
           "running_count": running_count, "number_words": number_words,
           "waveform": waveform, "captions": captions}
