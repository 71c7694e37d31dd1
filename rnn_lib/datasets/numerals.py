"""Sequence to sequence: English number words -> digits, and a word-by-word dictionary
that is blind to context (chapter 5, section 5.5)."""
from __future__ import annotations

import numpy as np

from .._checks import as_int, check_rng
from ._common import check_token_lists

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
