"""Many-to-one classification: short movie reviews whose meaning depends on word order,
and the bag-of-words baselines that cannot read order (chapter 5, section 5.3).

Two rules decide a review's label, and both are about order:

1. "not" flips the sentiment word that comes *after* it in the same part of the review,
   and other words may stand between them ("i did not think the plot was really good");
2. a review in two parts joined by "but" means what the part *after* "but" says ("the
   acting was dull but the music was not bad" is positive).

Negation is the classic failure of bag-of-words sentiment models (B. Pang, L. Lee &
S. Vaithyanathan, "Thumbs up?", EMNLP 2002; R. Socher et al., "Recursive deep models
for semantic compositionality over a sentiment treebank", EMNLP 2013).
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from .._checks import as_int, check_rng
from ._common import as_real, check_token_lists, majority

_SUBJECTS = (("the", "film"), ("the", "movie"), ("the", "plot"), ("the", "acting"),
             ("the", "story"), ("the", "music"), ("the", "ending"), ("it",))
_VERBS = ("was", "is", "seemed", "felt")
# Words between the verb (or "not") and the sentiment word, by how many there are. The
# same phrases appear in plain and negated parts, so none of them gives negation away.
_MODIFIERS = ((),
              (("very",), ("really",), ("quite",), ("so",), ("truly",)),
              (("really", "very"), ("so", "very"), ("truly", "very"), ("really", "quite")),
              (("really", "so", "very"), ("truly", "so", "very"), ("really", "truly", "very")))
# Words after the last sentiment word; "" twice: half as many reviews end on it.
_TAILS = ((), (), ("overall",), ("in", "the", "end"), ("if", "you", "ask", "me"),
          ("to", "be", "honest"), ("for", "me"), ("at", "times"))

#: The words of ``sentiment_reviews``. Each part of a review holds exactly one
#: "positive" or "negative" word; "not" appears only to negate it, "but" only to join
#: two parts, and every other word is "neutral".
SENTIMENT_WORDS = {
    "positive": ["good", "great", "fun", "wonderful", "brilliant", "enjoyable"],
    "negative": ["bad", "boring", "awful", "dull", "terrible", "tedious"],
    "neutral": sorted({w for group in (_SUBJECTS, _MODIFIERS[1], _MODIFIERS[2],
                                       _MODIFIERS[3], _TAILS) for phrase in group
                       for w in phrase}
                      | set(_VERBS) | {"i", "found", "thought", "did", "find", "think"}),
    "negator": ["not"],
    "contrast": ["but"],
}
_POS, _NEG = set(SENTIMENT_WORDS["positive"]), set(SENTIMENT_WORDS["negative"])


def _pick(rng, options):
    return options[rng.integers(len(options))]


def _modifiers(rng, gap: int) -> list[str]:
    """``gap`` modifier words: one phrase of that length, or phrases joined if gap > 3."""
    words: list[str] = []
    while gap > 0:
        k = min(gap, len(_MODIFIERS) - 1)
        words += _pick(rng, _MODIFIERS[k])
        gap -= k
    return words


def _part(rng, meaning: int, negated: bool, gap: int) -> list[str]:
    """One part of a review, meaning 1 = positive, in one of three forms:

    "the plot was [not] M W",  "i found the plot M W" / "i did not find the plot M W",
    "i thought the plot was M W" / "i did not think the plot was M W",
    with M the ``gap`` modifiers and W a sentiment word of polarity meaning XOR negated.
    """
    subject, verb = list(_pick(rng, _SUBJECTS)), _pick(rng, _VERBS)
    form = rng.integers(3)
    if form == 0:
        lead = subject + [verb] + (["not"] if negated else [])
    elif form == 1:
        lead = (["i", "did", "not", "find"] if negated else ["i", "found"]) + subject
    else:
        lead = (["i", "did", "not", "think"] if negated else ["i", "thought"]) + subject + [verb]
    word = _pick(rng, SENTIMENT_WORDS["positive" if meaning ^ negated else "negative"])
    return lead + _modifiers(rng, gap) + [word]


def sentiment_reviews(n: int, rng: np.random.Generator, *, p_negate: float = 0.3,
                      p_but: float = 0.5, max_gap: int = 3
                      ) -> tuple[list[list[str]], np.ndarray]:
    """Short movie reviews whose label needs memory across words.

    A review is one part, or two parts joined by "but", followed by a tail ("in the
    end", "if you ask me", ...). A part says something about the film with one
    sentiment word: "the plot was really good", "i thought the acting was dull". With
    probability ``p_negate`` it is negated: "not" stands before the sentiment word,
    right before it or several words earlier ("i did not find the music very good"),
    with 0 .. ``max_gap`` modifiers ("very", "really so very", ...) before the word in
    either case. The label (1 = positive) follows two rules:

        the meaning of a part = polarity of its sentiment word XOR ("not" in the part),
        label = the meaning of the last part.

    In a review with "but" (probability ``p_but``) the two parts mean opposite things.
    So "A but B" and "B but A" hold the same words and have opposite labels.

    Parameters
    ----------
    n : int >= 1
    rng : numpy.random.Generator
    p_negate : float in [0, 1]
        Probability that a part is negated (each part independently).
    p_but : float in [0, 1]
    max_gap : int >= 0
        Most modifier words right before the sentiment word.

    Returns
    -------
    reviews : list of n lists of str
    labels : ndarray of int, shape (n,)
    """
    n = as_int(n, "n", minimum=1)
    check_rng(rng)
    p_negate = as_real(p_negate, "p_negate", low=0.0, high=1.0)
    p_but = as_real(p_but, "p_but", low=0.0, high=1.0)
    max_gap = as_int(max_gap, "max_gap", minimum=0)
    reviews, labels = [], np.empty(n, dtype=np.int64)
    for i in range(n):
        label = int(rng.integers(2))
        words = []
        if rng.random() < p_but:
            words = _part(rng, 1 - label, bool(rng.random() < p_negate),
                          int(rng.integers(max_gap + 1))) + ["but"]
        words += _part(rng, label, bool(rng.random() < p_negate),
                       int(rng.integers(max_gap + 1)))
        reviews.append(words + list(_pick(rng, _TAILS)))
        labels[i] = label
    return reviews, labels


def review_label(words) -> int | None:
    """A review's label read from its words by the two rules (1 = positive).

    The part after the last "but" (or the whole review) decides: its sentiment word's
    polarity, flipped if "not" occurs in that part. None when that part does not have
    exactly one sentiment word.
    """
    words = list(words)
    last = words[len(words) - words[::-1].index("but"):] if "but" in words else words
    polar = [w for w in last if w in _POS or w in _NEG]
    if len(polar) != 1:
        return None
    return int(polar[0] in _POS) ^ int("not" in last)


def negation_pairs(n: int, rng: np.random.Generator, gap: int
                   ) -> list[tuple[list[str], int, list[str], int]]:
    """Pairs of one-part reviews, negated and plain, that end in the same words.

    (negated, its label, plain, its label): "the plot was not M W T" and "the plot was
    M W T", with ``gap`` modifiers M, sentiment word W and tail T shared. The words
    after "not" are the same in both, so a reader that has forgotten whether "not"
    came can get at most one of each pair right. ``gap`` may exceed the 3 modifiers
    of ``sentiment_reviews``.
    """
    n = as_int(n, "n", minimum=1)
    check_rng(rng)
    gap = as_int(gap, "gap", minimum=0)
    pairs = []
    for _ in range(n):
        polarity = int(rng.integers(2))
        head = list(_pick(rng, _SUBJECTS)) + [_pick(rng, _VERBS)]
        rest = (_modifiers(rng, gap)
                + [_pick(rng, SENTIMENT_WORDS["positive" if polarity else "negative"])]
                + list(_pick(rng, _TAILS)))
        pairs.append((head + ["not"] + rest, 1 - polarity, head + rest, polarity))
    return pairs


def swap_pairs(n: int, rng: np.random.Generator, *, p_negate: float = 0.3,
               max_gap: int = 3) -> list[tuple[list[str], int, list[str], int]]:
    """Pairs "A but B T" and "B but A T": the same words, opposite labels.

    (review, its label, swapped review, its label). A model that sees only which
    words occur, or how often, gives both reviews of a pair the same answer and so is
    right on exactly one of them.
    """
    n = as_int(n, "n", minimum=1)
    check_rng(rng)
    p_negate = as_real(p_negate, "p_negate", low=0.0, high=1.0)
    max_gap = as_int(max_gap, "max_gap", minimum=0)
    pairs = []
    for _ in range(n):
        label = int(rng.integers(2))
        a = _part(rng, 1 - label, bool(rng.random() < p_negate), int(rng.integers(max_gap + 1)))
        b = _part(rng, label, bool(rng.random() < p_negate), int(rng.integers(max_gap + 1)))
        tail = list(_pick(rng, _TAILS))
        pairs.append((a + ["but"] + b + tail, label, b + ["but"] + a + tail, 1 - label))
    return pairs


# -- baselines that ignore word order --------------------------------------------------------
def _check_labels(labels, name: str, n: int | None = None) -> np.ndarray:
    arr = np.asarray(labels)
    if arr.ndim != 1 or (n is not None and len(arr) != n):
        want = "" if n is None else f" of length {n}"
        raise ValueError(f"{name} must be a 1-D array{want}, got shape {arr.shape}")
    if arr.size and not np.all(np.isin(arr, (0, 1))):
        raise ValueError(f"{name} must hold 0 (negative) and 1 (positive) only, "
                         f"got values {np.unique(arr)[:5]}")
    return arr.astype(np.int64)


def _ngrams(words, n: int) -> list[str]:
    """Every word, and for n = 2 also every pair of neighbouring words ("not good")."""
    grams = list(words)
    if n == 2:
        grams += [f"{a} {b}" for a, b in zip(words[:-1], words[1:])]
    return grams


def _fit_logistic(A, y, penalty: float, w, tol: float = 1e-10, max_iter: int = 50):
    """Newton's method for min_w mean(cross-entropy) + penalty/2 |w[:-1]|^2.

    A (n, d+1) has a last column of ones (its weight, the intercept, gets only a
    tiny penalty). The loss is convex, so Newton's steps, halved while they do not
    lower it, converge to its minimum; stops when the step is below ``tol``.
    """
    r = np.full(A.shape[1], penalty)
    r[-1] = 1e-8

    def objective(w):
        z = A @ w
        return float(np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * np.sum(r * w * w))

    f = objective(w)
    for _ in range(max_iter):
        p = 1.0 / (1.0 + np.exp(-(A @ w)))
        grad = A.T @ (p - y) / len(y) + r * w
        B = A * np.sqrt(p * (1 - p) / len(y))[:, None]
        H = B.T @ B + np.diag(r)                                     # the Hessian
        step = np.linalg.solve(H, grad)
        t = 1.0
        while objective(w - t * step) > f and t > 1e-6:
            t /= 2
        w = w - t * step
        f = objective(w)
        if np.max(np.abs(t * step)) < tol:
            break
    return w


def bag_of_ngrams_baseline(train_reviews, train_labels, val_reviews, val_labels, test_reviews,
                           *, n: int = 1, penalties=(1e-4, 1e-3, 1e-2, 1e-1, 1.0)
                           ) -> tuple[np.ndarray, float]:
    """Logistic regression on counts of words (n = 1) or of words and word pairs (n = 2).

    Each review becomes its vector c of counts: of every word (a *bag of words*), and
    for n = 2 also of every pair of neighbouring words, a *bigram* such as "not good"
    (a *bag of bigrams*). Grams not seen in training are dropped. The model is

        P(positive | c) = sigmoid(w . c + b),

    fitted to convergence by Newton's method on the mean cross-entropy plus
    penalty/2 |w|^2, for each penalty in ``penalties``; the one with the best
    validation accuracy is kept (ties: the larger penalty). Predictions are P > 1/2.
    The model sees which words (and neighbouring pairs) occur, not where, so it gives
    "A but B" and "B but A" (``swap_pairs``) the same answer.

    Parameters
    ----------
    train_reviews, val_reviews, test_reviews : lists of lists of str
    train_labels, val_labels : array_like of 0/1
    n : 1 or 2
    penalties : sequence of float > 0

    Returns
    -------
    predictions : ndarray of int, shape (n_test,), 1 = positive
    penalty : float, the penalty chosen on the validation reviews
    """
    train = check_token_lists(train_reviews, "train_reviews")
    val = check_token_lists(val_reviews, "val_reviews")
    test = check_token_lists(test_reviews, "test_reviews")
    if not train or not val:
        raise ValueError("train_reviews and val_reviews must not be empty")
    y = _check_labels(train_labels, "train_labels", len(train)).astype(float)
    y_val = _check_labels(val_labels, "val_labels", len(val))
    n = as_int(n, "n", minimum=1)
    if n > 2:
        raise ValueError(f"n must be 1 (words) or 2 (words and bigrams), got {n}")
    penalties = sorted((float(p) for p in penalties), reverse=True)
    if not penalties or min(penalties) <= 0:
        raise ValueError(f"penalties must be positive numbers, got {penalties}")
    index = {g: j for j, g in enumerate(sorted({g for s in train for g in _ngrams(s, n)}))}

    def design(reviews):
        A = np.zeros((len(reviews), len(index) + 1))                 # (reviews, grams + 1)
        A[:, -1] = 1.0
        for i, s in enumerate(reviews):
            for g in _ngrams(s, n):
                if g in index:
                    A[i, index[g]] += 1
        return A

    A, A_val = design(train), design(val)
    w, best = np.zeros(A.shape[1]), None
    for penalty in penalties:                          # large to small, each from the last
        w = _fit_logistic(A, y, penalty, w)
        acc = float(np.mean((A_val @ w > 0) == y_val))
        if best is None or acc > best[0]:
            best = (acc, penalty, w)
    _, penalty, w = best
    return (design(test) @ w > 0).astype(np.int64), penalty


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


# -- examples to show --------------------------------------------------------------------------
def pick_sentiment_examples(reviews, max_words: int = 12) -> list[tuple[str, list[str]]]:
    """Four reviews to show, picked deterministically from ``reviews``: (name, words).

    "plain": a one-part review without "not"; "not, far back": a one-part review with
    the most words between "not" and the sentiment word; "A but B": a two-part review;
    "B but A (same words)": that review with its parts swapped, which means the
    opposite. Of each kind the first review of at most ``max_words`` words (for "not,
    far back", the first with the most words in between; "plain" and "A but B" have
    at least 5 and 9 words), if there is one; the picks depend on the words only.
    """
    reviews = check_token_lists(reviews, "reviews")

    def gap(s):                          # words between "not" and the sentiment word
        k = next(j for j, w in enumerate(s) if w in _POS or w in _NEG)
        return k - s.index("not") - 1

    fits = [i for i, s in enumerate(reviews) if len(s) <= max_words]
    plain = [i for i in fits if "but" not in reviews[i] and "not" not in reviews[i]
             and len(reviews[i]) >= 5]
    negated = [i for i in fits if "but" not in reviews[i] and "not" in reviews[i]]
    two = [i for i in fits if "but" in reviews[i] and len(reviews[i]) >= 9]
    chosen = []
    if plain:
        chosen.append(("plain", reviews[plain[0]]))
    if negated:
        i = min(negated, key=lambda i: (-gap(reviews[i]), i))
        chosen.append(("not, far back", reviews[i]))
    if two:
        s = reviews[two[0]]
        cut = s.index("but")
        end = next(j for j in range(len(s) - 1, cut, -1) if s[j] in _POS or s[j] in _NEG) + 1
        chosen.append(("A but B", s))
        chosen.append(("B but A (same words)", s[cut + 1:end] + ["but"] + s[:cut] + s[end:]))
    if len(chosen) < 2:
        raise ValueError("need reviews of at least two kinds (plain, negated, with 'but') "
                         f"of at most {max_words} words to choose from")
    return chosen
