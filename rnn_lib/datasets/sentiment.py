"""Many-to-one classification: short movie-review sentences where "not" flips the
meaning, with the baselines that cannot read word order (chapter 5, section 5.3).

The negation task is the classic failure of bag-of-words sentiment models (B. Pang,
L. Lee & S. Vaithyanathan, "Thumbs up?", EMNLP 2002; R. Socher et al., "Recursive deep
models for semantic compositionality over a sentiment treebank", EMNLP 2013).
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from .._checks import as_int, as_positive_float, check_rng
from ._common import as_real, check_lengths, check_token_lists, majority

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
    check_rng(rng)
    p_negate = as_real(p_negate, "p_negate", low=0.0, high=1.0)
    min_len, max_len = check_lengths(min_len, max_len, smallest=2)
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
    train = check_token_lists(train_sentences, "train_sentences")
    test = check_token_lists(test_sentences, "test_sentences")
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
    return np.full(n_test, majority(Counter(labels.tolist())), dtype=labels.dtype)


# -- reading a sentence by the data set's rule ----------------------------------------------
def _polarity(words) -> tuple[bool, bool, bool]:
    """(has a positive word, has a negative word, has 'not') of a token list."""
    pos = any(w in SENTIMENT_WORDS["positive"] for w in words)
    neg = any(w in SENTIMENT_WORDS["negative"] for w in words)
    return pos, neg, "not" in words


def rule_label(words) -> int | None:
    """The data set's label of a sentence: polarity XOR negated (1 = positive).

    None when the sentence has no sentiment word (or one of each): the rule does
    not say.
    """
    pos, neg, negated = _polarity(words)
    if pos == neg:
        return None
    return int(pos) ^ int(negated)


def _sentiment_index(words) -> int:
    """Position of the sentiment word (-1 if none)."""
    polar = SENTIMENT_WORDS["positive"] + SENTIMENT_WORDS["negative"]
    return next((m for m, w in enumerate(words) if w in polar), -1)


def pick_sentiment_examples(sentences) -> list[tuple[str, int]]:
    """Five sentences to show, picked deterministically: (name, index into ``sentences``).

    "not + positive", "not + negative", "positive", "negative": of each kind the
    first sentence (in the given order) that reads best as an example: 5 to 7
    words, a few words before the sentiment word (and before "not"), and "not"
    right before the sentiment word; "long": the longest remaining sentence,
    preferring one with a word between "not" and the sentiment word ("not really
    good"). The picks depend on the words only, not on labels or a model.
    """
    kinds = [("not + positive", lambda p, n, q: q and p),
             ("not + negative", lambda p, n, q: q and n),
             ("positive", lambda p, n, q: p and not q),
             ("negative", lambda p, n, q: n and not q)]

    def gap(s):                              # words between "not" and the sentiment word
        return _sentiment_index(s) - s.index("not") - 1 if "not" in s else 0

    def badness(i):
        s = sentences[i]
        return (not 5 <= len(s) <= 7, _sentiment_index(s) < 2, s[:1] == ["not"], gap(s), i)

    chosen: list[tuple[str, int]] = []
    used: set[int] = set()
    for name, test in kinds:
        hits = [i for i, s in enumerate(sentences) if test(*_polarity(s)) and i not in used]
        if hits:
            best = min(hits, key=badness)
            chosen.append((name, best))
            used.add(best)
    rest = [i for i in range(len(sentences)) if i not in used]
    if rest:
        best = max(rest, key=lambda i: (len(sentences[i]), gap(sentences[i]) > 0, -i))
        chosen.append(("long", best))
    if len(chosen) < 2:
        raise ValueError("need at least 2 sentences to choose from")
    return chosen
