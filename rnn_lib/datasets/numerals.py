"""Sequence to sequence: English number words -> digits, with two baselines that have no
recurrence: a word-by-word dictionary that is blind to context, and a linear classifier
that sees every word with its position (chapter 5, section 5.5)."""
from __future__ import annotations

import numpy as np

from .._checks import as_int, check_rng
from ..activations import softmax
from ..train import Adam
from ._common import as_real, check_token_lists

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
    check_rng(rng)
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


def _position_slots(numbers, vocab: dict) -> np.ndarray:
    """Indices of the (position from the left, word) and (position from the right, word)
    one-hots that are 1, plus the bias slot; the unused slots point at a zero column.

    Returns an int array (n, 9) into a feature vector of length 8 V + 2.
    """
    V = len(vocab)
    idx = np.full((len(numbers), 9), 8 * V + 1)                     # 8 V + 1: always 0
    idx[:, -1] = 8 * V                                               # the bias, always 1
    for i, k in enumerate(numbers):
        words = number_words(int(k))
        for p, w in enumerate(words):
            idx[i, p] = p * V + vocab[w]
            idx[i, 4 + p] = (4 + len(words) - 1 - p) * V + vocab[w]
    return idx


def position_table_baseline(train_numbers, test_numbers, *, steps: int = 300,
                            lr: float = 0.1, penalty: float = 1e-3) -> list[list[str]]:
    """Number words -> digits by a linear classifier that sees each word with its position.

    No recurrence and no decoder: a number has at most four words, so each word can be
    given a slot by its position from the left and from the right, and the input is
    the one-hot vector a of these (position, word) pairs. Four softmax classifiers read
    it: the number of digits (1, 2 or 3), and the hundreds, tens and units digit
    (0-9, or none). Head h gives p_h = softmax(W_h a); all are fitted together by
    ``steps`` full-batch Adam steps on the mean cross-entropy plus penalty/2 |W|^2,
    with the gradient (p_h - e_c) a^T of the softmax cross-entropy. The output is the
    predicted number of digits, read from the units leftwards.

    Parameters
    ----------
    train_numbers, test_numbers : array_like of int in 0..999
    steps : int >= 1
    lr, penalty : float > 0, float >= 0

    Returns
    -------
    list of lists of str: the digit tokens for each test number.
    """
    train = [_check_number(k) for k in np.asarray(train_numbers).ravel()]
    test = [_check_number(k) for k in np.asarray(test_numbers).ravel()]
    if not train:
        raise ValueError("train_numbers is empty; need numbers to fit the classifier")
    steps = as_int(steps, "steps", minimum=1)
    lr = as_real(lr, "lr", low=0.0, low_open=True)
    penalty = as_real(penalty, "penalty", low=0.0)
    vocab = {w: j for j, w in enumerate(sorted({w for k in range(1000) for w in number_words(k)}))}
    slots = _position_slots(train, vocab)                           # (n, 9)
    n, d = len(train), 8 * len(vocab) + 2
    right = [str(k).rjust(3, "-") for k in train]                   # 42 -> "-42"
    classes = np.stack([[len(str(k)) - 1 for k in train]]          # (n, 4): class per head
                       + [[10 if r[j] == "-" else int(r[j]) for r in right] for j in range(3)],
                       axis=1)
    heads = [slice(0, 3), slice(3, 14), slice(14, 25), slice(25, 36)]
    target = np.zeros((n, 36))                                      # e_c of each head
    for h, c in zip(heads, classes.T):
        target[np.arange(n), h.start + c] = 1.0
    # A^T dZ by feature: the rows whose slot f is 1, summed (a sparse product)
    order = np.argsort(slots.ravel(), kind="stable")
    rows = order // slots.shape[1]
    used, starts = np.unique(slots.ravel()[order], return_index=True)
    W, adam = np.zeros((d, 36)), Adam(lr=lr)
    for _ in range(steps):                                          # Adam, full batch
        Z = W[slots].sum(axis=1)                                    # (n, 36) = a^T W
        P = np.concatenate([softmax(Z[:, h]) for h in heads], axis=1)
        dZ = (P - target) / n                                       # p - e_c, per head
        g = penalty * W
        g[used] += np.add.reduceat(dZ[rows], starts, axis=0)        # sum_i a_i dZ_i^T
        g[-1] = 0.0                                                 # the always-zero slot
        W = adam.step(W, g)
    Z = W[_position_slots(test, vocab)].sum(axis=1)
    n_digits, *digits = (np.argmax(Z[:, h], axis=1) for h in heads)
    return [["-" if dg[i] == 10 else str(dg[i]) for dg in digits][2 - L:]
            for i, L in enumerate(n_digits)]


def exact_match(pred, target) -> float:
    """Fraction of sequences predicted exactly: same tokens, same order, same length."""
    pred = check_token_lists(pred, "pred")
    target = check_token_lists(target, "target")
    if len(pred) != len(target):
        raise ValueError(f"pred holds {len(pred)} sequences and target {len(target)}; "
                         "they must match")
    if not target:
        raise ValueError("target is empty; exact match is undefined")
    return sum(p == t for p, t in zip(pred, target)) / len(target)
