"""Toy data sets for the problem types of chapter 5, each with a trivial baseline.

One small data set per way of wiring inputs to outputs, each drawn from a seeded
``np.random.Generator`` and each paired with a baseline that has no memory of its own, so
that a recurrent network has a number to beat:

- many-to-one regression: ``price_series`` cut by ``price_windows``; baselines
  ``persistence_forecast`` ("tomorrow = today") and a linear AR on the window;
- many-to-one classification: ``sentiment_sentences`` with "not"; baselines
  ``majority_baseline`` and ``bag_of_words_baseline`` (blind to word order);
- many-to-many, aligned: ``running_count_tags``; baseline ``current_token_baseline``
  (blind to the past);
- sequence to sequence: ``number_words`` -> ``number_digits``; baseline
  ``word_by_word_baseline`` (blind to context);
- one-to-many: ``waveforms``, a kind and a frequency -> a whole waveform; baseline
  ``mean_waveform_baseline`` (blind to the input). ``shape_scenes`` images ->
  captions (baseline ``caption_majority_baseline``) is the article's example of the
  same pattern, kept as a harder exercise.

Data come back as plain NumPy arrays and Python lists of string tokens; turning
tokens into vocabularies, padded batches and one-hot inputs is left to the caller.
Sequences of numbers are time-major, as everywhere in the library: ``U[t]`` is u_t.

References: the price model is an AR(1) process in the log-returns (G. E. P. Box &
G. M. Jenkins, *Time Series Analysis*, 1970) with a weekly cycle; the negation task
is the classic failure of bag-of-words sentiment models (B. Pang, L. Lee &
S. Vaithyanathan, "Thumbs up?", EMNLP 2002; R. Socher et al., "Recursive deep models
for semantic compositionality over a sentiment treebank", EMNLP 2013).
"""
from __future__ import annotations

import numbers
from collections import Counter
from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, as_int, as_positive_float, check_choice
from .tasks import _check_rng


def _as_real(value, name: str, *, low: float | None = None, high: float | None = None,
             low_open: bool = False, high_open: bool = False) -> float:
    """Return ``value`` as a finite float in the given interval, or raise a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    value = float(value)
    too_low = low is not None and (value <= low if low_open else value < low)
    too_high = high is not None and (value >= high if high_open else value > high)
    if not np.isfinite(value) or too_low or too_high:
        lo = "-inf" if low is None else f"{low:g}"
        hi = "inf" if high is None else f"{high:g}"
        interval = f"{'(' if low_open or low is None else '['}{lo}, {hi}" \
                   f"{')' if high_open or high is None else ']'}"
        raise ValueError(f"{name} must be a finite number in {interval}, got {value}")
    return value


def _check_lengths(min_len, max_len, *, smallest: int) -> tuple[int, int]:
    min_len = as_int(min_len, "min_len", minimum=smallest)
    max_len = as_int(max_len, "max_len", minimum=smallest)
    if max_len < min_len:
        raise ValueError(f"max_len must be >= min_len, got min_len={min_len}, "
                         f"max_len={max_len}")
    return min_len, max_len


def _check_token_lists(seqs, name: str) -> list[list]:
    """A list of token sequences (each a list/tuple/array of tokens, not a string)."""
    if isinstance(seqs, (str, bytes)) or not hasattr(seqs, "__len__"):
        raise TypeError(f"{name} must be a list of token lists, got {type(seqs).__name__}")
    out = []
    for i, s in enumerate(seqs):
        if isinstance(s, (str, bytes)) or not hasattr(s, "__len__"):
            raise TypeError(f"{name}[{i}] must be a list of tokens such as "
                            f"['the', 'film'], got {s!r}")
        out.append(list(s))
    return out


def _majority(counts: Counter):
    """Most frequent key; ties go to the smallest key, so the answer never depends on
    the order in which the data happened to arrive."""
    best = max(counts.values())
    return min(key for key, c in counts.items() if c == best)


# =====================================================================================
# 1. Many-to-one regression: tomorrow's log-return from a window of past ones
# =====================================================================================
def price_series(n_days: int, rng: np.random.Generator, *, start: float = 100.0,
                 momentum: float = 0.6, volatility: float = 0.01, season: float = 0.004,
                 period: float = 5, drift: float = 0.0003) -> np.ndarray:
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
    _check_rng(rng)
    start = as_positive_float(start, "start")
    phi = _as_real(momentum, "momentum", low=-1.0, high=1.0, low_open=True, high_open=True)
    sigma = _as_real(volatility, "volatility", low=0.0)
    s = _as_real(season, "season")
    P = as_positive_float(period, "period")
    mu = _as_real(drift, "drift")
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


def persistence_forecast(windows) -> np.ndarray:
    """The "tomorrow = today" forecast: next price = last price, i.e. next log-return 0.

    Parameters
    ----------
    windows : PriceWindows, or its U array of shape (window, N, 1)

    Returns
    -------
    ndarray, shape (N,)
        All zeros: the predicted next log-return of each window. The predicted price is
        ``windows.last_price``.
    """
    U = windows.U if isinstance(windows, PriceWindows) else windows
    return np.zeros(_window_inputs(U).shape[0])


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
    ridge = _as_real(ridge, "ridge", low=0.0)
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
    return X @ coef + _as_real(intercept, "intercept")


# =====================================================================================
# 2. Many-to-one classification: sentiment where "not" flips the meaning
# =====================================================================================
# Sentences read as "<lead-in> [not [intensifiers]] <sentiment word> <tail>". Whole
# phrases of a chosen length make up the sentence's length, so that it reads like
# "i thought the film was not very good for me". Indexed by phrase length.
_LEADS = ((), (("honestly",), ("overall",)),
          (("it", "was"), ("it", "seemed"), ("acting", "was")),
          (("the", "film", "was"), ("the", "movie", "seemed"), ("this", "plot", "is"),
           ("the", "cast", "was")),
          (("i", "thought", "it", "was"), ("honestly", "the", "movie", "was"),
           ("overall", "the", "story", "is")),
          (("i", "thought", "the", "film", "was"), ("i", "thought", "the", "acting", "was")))
_TAILS = ((), (("overall",), ("honestly",)), (("for", "me"), ("i", "thought")),
          (("in", "the", "end"), ("all", "in", "all")),
          (("if", "you", "ask", "me"), ("from", "start", "to", "finish")))
# The words allowed between "not" and the sentiment word ("not very good").
_INTENSIFIERS = ("very", "really", "quite", "so")
# Extra words before the lead-in, only when a sentence is longer than any lead + tail.
_EXTRA = ("well", "honestly", "really", "so")

#: The vocabulary of ``sentiment_sentences``. Each sentence holds exactly one
#: "positive" or "negative" word; "not" appears only to negate it, and every other
#: word is "neutral".
SENTIMENT_WORDS = {
    "positive": ["good", "great", "fun", "wonderful", "brilliant", "enjoyable"],
    "negative": ["bad", "boring", "awful", "dull", "terrible", "tedious"],
    "neutral": sorted({w for group in _LEADS[1:] + _TAILS[1:] for phrase in group
                       for w in phrase}
                      | set(_INTENSIFIERS) | set(_EXTRA)),
    "negator": ["not"],
}


def sentiment_sentences(n: int, rng: np.random.Generator, *, p_negate: float = 0.5,
                        min_len: int = 3, max_len: int = 9
                        ) -> tuple[list[list[str]], np.ndarray]:
    """Short movie-review sentences whose label depends on whether the sentiment is negated.

    Each sentence has a length L drawn uniformly from min_len .. max_len and exactly one
    sentiment word, positive or negative with probability 1/2. With probability
    ``p_negate`` it is negated: "not" comes before it, with 0-2 intensifiers in between
    ("the film was not very good"). Neutral phrases fill the rest: a lead-in of up
    to 5 words before and a tail of up to 4 after, their lengths drawn to make L ("i
    thought the acting was not so great in the end"; only sentences longer than these
    allow start with extra filler words). "not" appears if and only if the
    sentence is negated, and the label is

        label = polarity XOR negated        (1 = positive, 0 = negative).

    Parameters
    ----------
    n : int >= 1
    rng : numpy.random.Generator
    p_negate : float in [0, 1]
    min_len, max_len : int, 2 <= min_len <= max_len
        Sentence lengths in tokens (2 leaves room for "not" and the sentiment word).

    Returns
    -------
    sentences : list of n lists of str
    labels : ndarray of int, shape (n,)
    """
    n = as_int(n, "n", minimum=1)
    _check_rng(rng)
    p_negate = _as_real(p_negate, "p_negate", low=0.0, high=1.0)
    min_len, max_len = _check_lengths(min_len, max_len, smallest=2)
    pos, neg = SENTIMENT_WORDS["positive"], SENTIMENT_WORDS["negative"]
    not_ = SENTIMENT_WORDS["negator"][0]
    lengths = rng.integers(min_len, max_len + 1, size=n)
    polarity = rng.integers(0, 2, size=n)                            # 1 = positive word
    negated = rng.random(n) < p_negate
    sentences = []
    for L, is_pos, is_neg in zip(lengths, polarity, negated):
        words = pos if is_pos else neg
        core = [words[rng.integers(len(words))]]
        if is_neg:
            gap = rng.integers(0, min(2, L - 2) + 1)
            core = [not_] + [_INTENSIFIERS[j] for j in rng.integers(len(_INTENSIFIERS),
                                                                    size=gap)] + core
        rest = L - len(core)                                         # words still to place
        n_lead_max, n_tail_max = len(_LEADS) - 1, len(_TAILS) - 1
        extra = max(0, rest - n_lead_max - n_tail_max)               # only for long sentences
        n_lead = rng.integers(max(0, rest - extra - n_tail_max),
                              min(rest - extra, n_lead_max) + 1)
        n_tail = rest - extra - n_lead
        lead = _LEADS[n_lead][rng.integers(len(_LEADS[n_lead]))] if n_lead else ()
        tail = _TAILS[n_tail][rng.integers(len(_TAILS[n_tail]))] if n_tail else ()
        sentences.append([_EXTRA[j] for j in rng.integers(len(_EXTRA), size=extra)]
                         + list(lead) + core + list(tail))
    labels = (polarity ^ negated).astype(np.int64)
    return sentences, labels


def _check_labels(labels, name: str, n: int | None = None) -> np.ndarray:
    arr = np.asarray(labels)
    if arr.ndim != 1 or (n is not None and len(arr) != n):
        want = "" if n is None else f" of length {n}"
        raise ValueError(f"{name} must be a 1-D array{want}, got shape {arr.shape}")
    if arr.size and not np.all(np.isin(arr, (0, 1))):
        raise ValueError(f"{name} must hold 0 (negative) and 1 (positive) only, "
                         f"got values {np.unique(arr)[:5]}")
    return arr.astype(np.int64)


def bag_of_words_baseline(train_sentences, train_labels, test_sentences, *,
                          steps: int = 500, lr: float = 0.5) -> np.ndarray:
    """Logistic regression on word counts: a classifier that ignores word order.

    Each sentence becomes its vector of unigram counts c (over the training
    vocabulary; unseen words are dropped), and

        P(positive | c) = sigmoid(w . c + b),

    with w, b from ``steps`` steps of full-batch gradient descent on the mean
    cross-entropy, starting at zero. Predictions are P > 1/2.

    Why it must fail on ``sentiment_sentences``: the label is polarity XOR negated,
    and to a bag of words a sentence is (which sentiment word, whether "not" occurs,
    which fillers). A linear score in these counts can get at most three of the four
    (polarity, negated) cells right, so no unigram model exceeds
    1 - min(p_negate, 1 - p_negate) / 2: 75% at p_negate = 0.5. Logistic regression
    does worse than this ceiling: on balanced data the four cells pull symmetrically
    and the cross-entropy optimum sits near w = 0, so it scores near chance; with
    rarer negation (p_negate = 0.25) it learns to ignore "not" and scores about
    1 - p_negate = 75%.

    Parameters
    ----------
    train_sentences : list of lists of str
    train_labels : array_like of 0/1, shape (n_train,)
    test_sentences : list of lists of str
    steps : int >= 1
    lr : float > 0

    Returns
    -------
    ndarray of int, shape (n_test,)
        Predicted labels, 1 = positive.
    """
    train = _check_token_lists(train_sentences, "train_sentences")
    test = _check_token_lists(test_sentences, "test_sentences")
    y = _check_labels(train_labels, "train_labels", len(train)).astype(float)
    if not train:
        raise ValueError("train_sentences is empty; need at least one training sentence")
    steps = as_int(steps, "steps", minimum=1)
    lr = as_positive_float(lr, "lr")
    vocab = {w: j for j, w in enumerate(sorted({w for s in train for w in s}))}

    def counts(sentences):
        C = np.zeros((len(sentences), len(vocab)))                   # (n, V)
        for i, s in enumerate(sentences):
            for w in s:
                if w in vocab:
                    C[i, vocab[w]] += 1
        return C

    C = counts(train)
    w, b = np.zeros(len(vocab)), 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(C @ w + b)))                      # (n_train,)
        err = p - y                                                  # d loss / d logit
        w -= lr * (C.T @ err) / len(y)
        b -= lr * err.mean()
    return (counts(test) @ w + b > 0).astype(np.int64)


def majority_baseline(train_labels, n_test: int) -> np.ndarray:
    """Predict the most frequent training label for every test example (ties: the smaller).

    Returns
    -------
    ndarray of int, shape (n_test,)
    """
    labels = np.asarray(train_labels)
    if labels.ndim != 1 or labels.size == 0:
        raise ValueError(f"train_labels must be a non-empty 1-D array, got shape {labels.shape}")
    n_test = as_int(n_test, "n_test", minimum=1)
    return np.full(n_test, _majority(Counter(labels.tolist())), dtype=labels.dtype)


# =====================================================================================
# 3. Many-to-many, aligned: tag each step from what came before
# =====================================================================================
def running_count_tags(n: int, rng: np.random.Generator, *, k: int = 3, min_len: int = 6,
                       max_len: int = 14, p: float = 0.35
                       ) -> tuple[list[list[str]], list[np.ndarray]]:
    """Sequences of "a" and "b" tagged at each step by whether k "a"s have been seen yet.

        token_t = "a" with probability p, else "b",
        tag_t = 1 if #{s <= t : token_s = "a"} >= k else 0.

    The tag at a "b" depends on the whole past, so no rule that looks at the current
    token alone can get it right; a network must count (up to k) in its state.

    Parameters
    ----------
    n : int >= 1
    rng : numpy.random.Generator
    k : int >= 1
    min_len, max_len : int, 1 <= min_len <= max_len
    p : float in [0, 1]

    Returns
    -------
    sequences : list of n lists of str
    tags : list of n int arrays, ``tags[i].shape == (len(sequences[i]),)``
    """
    n = as_int(n, "n", minimum=1)
    _check_rng(rng)
    k = as_int(k, "k", minimum=1)
    min_len, max_len = _check_lengths(min_len, max_len, smallest=1)
    p = _as_real(p, "p", low=0.0, high=1.0)
    lengths = rng.integers(min_len, max_len + 1, size=n)
    sequences, tags = [], []
    for L in lengths:
        is_a = rng.random(L) < p                                     # (L,)
        sequences.append(["a" if a else "b" for a in is_a])
        tags.append((np.cumsum(is_a) >= k).astype(np.int64))
    return sequences, tags


def current_token_baseline(train_seqs, train_tags, test_seqs) -> list[np.ndarray]:
    """The best memoryless tagger: each token gets the tag seen most often with it in training.

    Ties go to the smaller tag; a token never seen in training gets the overall
    majority tag.

    Returns
    -------
    list of int arrays, one per test sequence, of the same lengths
    """
    train = _check_token_lists(train_seqs, "train_seqs")
    test = _check_token_lists(test_seqs, "test_seqs")
    train_tags = _check_tag_lists(train_tags, "train_tags", train)
    if not any(train):
        raise ValueError("train_seqs holds no tokens; need at least one tagged step")
    per_token: dict = {}
    for seq, tag in zip(train, train_tags):
        for tok, t in zip(seq, tag.tolist()):
            per_token.setdefault(tok, Counter())[t] += 1
    overall = _majority(sum(per_token.values(), Counter()))
    rule = {tok: _majority(c) for tok, c in per_token.items()}
    return [np.array([rule.get(tok, overall) for tok in seq], dtype=np.int64) for seq in test]


def _check_tag_lists(tags, name: str, reference) -> list[np.ndarray]:
    """Tags as a list of 1-D int arrays whose lengths match ``reference``'s sequences."""
    if isinstance(tags, (str, bytes)) or not hasattr(tags, "__len__"):
        raise TypeError(f"{name} must be a list of 1-D tag arrays, got {type(tags).__name__}")
    if len(tags) != len(reference):
        raise ValueError(f"{name} holds {len(tags)} sequences, expected {len(reference)}")
    out = []
    for i, (t, r) in enumerate(zip(tags, reference)):
        t = np.asarray(t)
        if t.ndim != 1 or len(t) != len(r):
            raise ValueError(f"{name}[{i}] must have shape ({len(r)},) to match its "
                             f"sequence, got {t.shape}")
        out.append(t)
    return out


def tag_accuracy(pred_tags, tags) -> float:
    """Fraction of all steps, pooled over the sequences, where the predicted tag is right."""
    tags = _check_tag_lists(tags, "tags", tags)
    pred = _check_tag_lists(pred_tags, "pred_tags", tags)
    total = sum(len(t) for t in tags)
    if total == 0:
        raise ValueError("tags holds no steps; accuracy is undefined")
    return sum(int(np.sum(p == t)) for p, t in zip(pred, tags)) / total


# =====================================================================================
# 4. Sequence to sequence: English number words -> digits
# =====================================================================================
_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
         "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
         "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
         "ninety")


def _check_number(k) -> int:
    k = as_int(k, "k", minimum=0)
    if k > 999:
        raise ValueError(f"k must be between 0 and 999, got {k}")
    return k


def number_words(k: int) -> list[str]:
    """English words for 0 <= k <= 999, without "and" or hyphens.

    0 -> ["zero"], 42 -> ["forty", "two"], 300 -> ["three", "hundred"],
    315 -> ["three", "hundred", "fifteen"], 342 -> ["three", "hundred", "forty", "two"].
    """
    k = _check_number(k)
    if k == 0:
        return ["zero"]
    hundreds, rest = divmod(k, 100)
    words = [_ONES[hundreds], "hundred"] if hundreds else []
    if rest >= 20:
        tens, ones = divmod(rest, 10)
        words.append(_TENS[tens])
        if ones:
            words.append(_ONES[ones])
    elif rest:
        words.append(_ONES[rest])
    return words


def number_digits(k: int) -> list[str]:
    """The decimal digits of 0 <= k <= 999 as tokens: 302 -> ["3", "0", "2"]."""
    return list(str(_check_number(k)))


def number_split(rng: np.random.Generator, *, n_test: int = 150, high: int = 999
                 ) -> tuple[np.ndarray, np.ndarray]:
    """A seeded random split of the numbers 0 .. high into training and test numbers.

    Returns
    -------
    train_numbers : ndarray of int, shape (high + 1 - n_test,), sorted
    test_numbers : ndarray of int, shape (n_test,), sorted
        Disjoint; together they are 0 .. high.
    """
    _check_rng(rng)
    high = as_int(high, "high", minimum=1)
    if high > 999:
        raise ValueError(f"high must be <= 999 (number_words stops there), got {high}")
    n_test = as_int(n_test, "n_test", minimum=1)
    if n_test > high:
        raise ValueError(f"n_test must be <= high = {high} so that some numbers are left "
                         f"for training, got {n_test}")
    perm = rng.permutation(high + 1)
    return np.sort(perm[n_test:]), np.sort(perm[:n_test])


_WORD_DIGITS = {w: [str(d)] for d, w in enumerate(_ONES[:10])}
_WORD_DIGITS.update({w: ["1", str(d)] for d, w in enumerate(_ONES[10:])})
_WORD_DIGITS.update({w: [str(d)] for d, w in enumerate(_TENS) if w})
_WORD_DIGITS["hundred"] = []


def word_by_word_baseline(words) -> list[str]:
    """A dictionary "translation" that turns each word into digits on its own.

    zero..nine -> one digit, ten..nineteen -> two digits ("1" and the units),
    twenty..ninety -> the tens digit, hundred -> nothing. Without context it cannot
    write a zero that no word says, so it is

    - right for 0-19, for 21-99 except the round tens, for 110, 210, ..., 910 and for
      every three-digit number without a zero digit (e.g. 7, 15, 42, 342, 315);
    - wrong for the round tens 20, 30, ..., 90 (40 -> "4"), for the hundreds with
      zero tens (100 -> "1", 302 -> "3 2") and with zero units (120 -> "1 2").

    That is: right exactly when k = 0, k % 100 = 10, or k has no zero digit.

    Parameters
    ----------
    words : list of str, e.g. ["forty", "two"]

    Returns
    -------
    list of str, the digit tokens, e.g. ["4", "2"]
    """
    if isinstance(words, (str, bytes)):
        raise TypeError(f"words must be a list of word tokens such as ['forty', 'two'], "
                        f"got the string {words!r}; split it first")
    out = []
    for w in words:
        if w not in _WORD_DIGITS:
            raise ValueError(f"unknown number word {w!r}; expected one of zero..nineteen, "
                             "twenty..ninety (by tens) or hundred")
        out.extend(_WORD_DIGITS[w])
    return out


def exact_match(pred, target) -> float:
    """Fraction of sequences predicted exactly: same tokens, same order, same length."""
    pred = _check_token_lists(pred, "pred")
    target = _check_token_lists(target, "target")
    if len(pred) != len(target):
        raise ValueError(f"pred holds {len(pred)} sequences and target {len(target)}; "
                         "they must match")
    if not target:
        raise ValueError("target is empty; exact match is undefined")
    return sum(p == t for p, t in zip(pred, target)) / len(target)


# =====================================================================================
# 5. One-to-many: a waveform from one input vector
# =====================================================================================
WAVE_KINDS = ("sine", "triangle", "square")


def wave(kind: str, freq, t) -> np.ndarray:
    """One period-1/freq waveform of amplitude 1 at the steps ``t`` (broadcasting).

    sine: sin(2 pi f t);  triangle: (2/pi) arcsin(sin(2 pi f t));
    square: tanh(3 sin(2 pi f t)) (a square wave with soft edges).
    """
    check_choice(kind, "wave kind", WAVE_KINDS)
    s = np.sin(2 * np.pi * np.asarray(freq, float) * np.asarray(t, float))
    if kind == "sine":
        return s
    if kind == "triangle":
        return (2 / np.pi) * np.arcsin(np.clip(s, -1.0, 1.0))
    return np.tanh(3 * s)


class Waves(NamedTuple):
    """A batch of one-to-many examples.

    inputs : (n, 4) the one input vector: one-hot kind (3) and the frequency scaled
        to [-1, 1];  kinds : (n,) int index into WAVE_KINDS;  freqs : (n,) cycles per
        step;  Y : (n, T) the waveform y_0 .. y_{T-1} to generate.
    """

    inputs: np.ndarray
    kinds: np.ndarray
    freqs: np.ndarray
    Y: np.ndarray


def waveforms(n: int, rng: np.random.Generator, *, T: int = 40,
              freq_range: tuple[float, float] = (0.04, 0.1)) -> Waves:
    """Random waveforms to generate from a single input vector (one-to-many).

    Each example draws a kind (sine, triangle or square) and a frequency f uniform
    in ``freq_range`` (cycles per step); the target is y_t = wave(kind, f, t) for
    t = 0..T-1. The input encodes kind and f once, v = (e_kind, 2 (f - f_lo) /
    (f_hi - f_lo) - 1), and the network must unroll the whole wave from it.
    """
    n = as_int(n, "n", minimum=1)
    _check_rng(rng)
    T = as_int(T, "T", minimum=1)
    f_lo, f_hi = (float(f) for f in freq_range)
    if not 0 < f_lo < f_hi <= 0.5:
        raise ValueError("freq_range must be (low, high) with 0 < low < high <= 0.5 "
                         f"cycles per step, got {freq_range}")
    kinds = rng.integers(len(WAVE_KINDS), size=n)
    freqs = rng.uniform(f_lo, f_hi, size=n)
    t = np.arange(T)
    Y = np.empty((n, T))
    for k, name in enumerate(WAVE_KINDS):
        Y[kinds == k] = wave(name, freqs[kinds == k, None], t)
    inputs = np.zeros((n, len(WAVE_KINDS) + 1))
    inputs[np.arange(n), kinds] = 1.0
    inputs[:, -1] = 2 * (freqs - f_lo) / (f_hi - f_lo) - 1
    return Waves(inputs, kinds, freqs, Y)


def mean_waveform_baseline(train_Y, n_test: int) -> np.ndarray:
    """The average training waveform for every test example (ignores the input): (n_test, T)."""
    train_Y = as_float_array(train_Y, "train_Y", ndim=(2,))
    n_test = as_int(n_test, "n_test", minimum=1)
    return np.broadcast_to(train_Y.mean(axis=0), (n_test, train_Y.shape[1])).copy()


# =====================================================================================
# 6. One-to-many, harder: a caption for a synthetic image
# =====================================================================================
COLORS = ("red", "green", "blue")
#: RGB in [0, 1] of each colour: pure primaries, so the channel with the largest mean
#: in an object's cell names its colour.
COLOR_RGB = {"red": (1.0, 0.0, 0.0), "green": (0.0, 1.0, 0.0), "blue": (0.0, 0.0, 1.0)}
SHAPES = ("circle", "square", "triangle")
RELATIONS = ("above", "left-of")


def _shape_mask(shape: str, m: int) -> np.ndarray:
    """Filled m x m template: a square fills it, a circle misses the corners, a
    triangle points up (one pixel wide at the top, m wide at the bottom)."""
    check_choice(shape, "shape", SHAPES)
    y, x = np.mgrid[0:m, 0:m].astype(float)
    c = (m - 1) / 2
    if shape == "square":
        return np.ones((m, m), dtype=bool)
    if shape == "circle":
        return (x - c) ** 2 + (y - c) ** 2 <= 0.8 * (m / 2) ** 2
    return np.abs(x - c) <= y / 2 + 1e-9                              # triangle


def shape_scenes(n: int, rng: np.random.Generator, *, size: int = 12, noise: float = 0.1,
                 jitter: bool = False) -> tuple[np.ndarray, list[list[str]]]:
    """Images of two coloured shapes with a five-token caption saying where they are.

    The image is cut into 2 x 2 cells of size/2 pixels. Two objects, each of a random
    colour and shape (they may repeat), are drawn as filled templates of
    (size/2 - 1) pixels square, at a random offset inside two cells that are either

    - in the same column: caption ``[c1, s1, "above", c2, s2]``, object 1 on top, or
    - in the same row:    caption ``[c1, s1, "left-of", c2, s2]``, object 1 on the left,

    each with probability 1/2, on a black background. Then Gaussian noise of standard
    deviation ``noise`` is added to every channel (values are not clipped, so they lie
    in [0, 1] only up to the noise).

    Parameters
    ----------
    n : int >= 1
    rng : numpy.random.Generator
    size : even int >= 8
        Image side in pixels; 12 gives cells of 6 and 5 x 5 templates.
    noise : float >= 0
    jitter : bool
        Place each template at a random offset inside its cell (harder to learn:
        the shape is then no longer a fixed pattern of pixels).

    Returns
    -------
    images : ndarray, shape (n, size, size, 3)
    captions : list of n lists of 5 str
    """
    n = as_int(n, "n", minimum=1)
    _check_rng(rng)
    size = as_int(size, "size", minimum=8)
    if size % 2:
        raise ValueError(f"size must be even (two cells of size/2 per side), got {size}")
    noise = _as_real(noise, "noise", low=0.0)
    cell = size // 2
    m = cell - 1
    masks = {s: _shape_mask(s, m) for s in SHAPES}
    rgb = {c: np.array(COLOR_RGB[c]) for c in COLORS}
    images = np.zeros((n, size, size, 3))
    captions = []
    for i in range(n):
        relation = RELATIONS[rng.integers(2)]
        line = rng.integers(2)                                       # the shared column / row
        cells = [(0, line), (1, line)] if relation == "above" else [(line, 0), (line, 1)]
        caption = []
        for (row, col) in cells:
            color, shape = COLORS[rng.integers(3)], SHAPES[rng.integers(3)]
            dy, dx = rng.integers(0, cell - m + 1, size=2) if jitter else (0, 0)
            y0, x0 = row * cell + dy, col * cell + dx
            images[i, y0:y0 + m, x0:x0 + m][masks[shape]] = rgb[color]
            caption += [color, shape]
        captions.append(caption[:2] + [relation] + caption[2:])
    images += noise * rng.standard_normal(images.shape)
    return images, captions


def caption_majority_baseline(train_captions, n_test: int) -> list[list[str]]:
    """The same caption for every image: the most frequent training token at each position.

    Ties go to the alphabetically first token. On ``shape_scenes`` this caption is
    right for 1/3^4 * 1/2 = 1/162 (about 0.6%) of the images.

    Returns
    -------
    list of n_test lists of str (separate lists, safe to modify)
    """
    train = _check_token_lists(train_captions, "train_captions")
    if not train:
        raise ValueError("train_captions is empty; need at least one caption")
    lengths = {len(c) for c in train}
    if len(lengths) != 1:
        raise ValueError(f"train_captions must all have the same length, got lengths "
                         f"{sorted(lengths)}")
    n_test = as_int(n_test, "n_test", minimum=1)
    best = [_majority(Counter(c[j] for c in train)) for j in range(lengths.pop())]
    return [list(best) for _ in range(n_test)]


def plot_scene(image, ax=None, title: str | None = None):
    """Show one ``shape_scenes`` image (clipped to [0, 1]) without ticks; returns the Axes."""
    from .plotting import axes                                       # matplotlib only when drawing

    image = as_float_array(image, "image", ndim=(3,))
    if image.shape[2] != 3:
        raise ValueError(f"image must have shape (size, size, 3), got {image.shape}")
    ax = axes(ax, figsize=(2.4, 2.4))
    ax.imshow(np.clip(image, 0.0, 1.0), interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal")
    if title is not None:
        ax.set_title(title)
    return ax
