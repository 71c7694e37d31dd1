"""Many-to-many, aligned: sequences of "a" and "b" tagged at every step by a running
count, and taggers without a state that see the current token, or the last few tokens
(chapter 5, section 5.4)."""
from __future__ import annotations

from collections import Counter

import numpy as np

from .._checks import as_int, check_rng
from ._common import as_real, check_lengths, check_token_lists, majority


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
    check_rng(rng)
    k = as_int(k, "k", minimum=1)
    min_len, max_len = check_lengths(min_len, max_len, smallest=1)
    p = as_real(p, "p", low=0.0, high=1.0)
    lengths = rng.integers(min_len, max_len + 1, size=n)
    sequences, tags = [], []
    for L in lengths:
        is_a = rng.random(L) < p                                     # (L,)
        sequences.append(["a" if a else "b" for a in is_a])
        tags.append((np.cumsum(is_a) >= k).astype(np.int64))
    return sequences, tags


def window_baseline(train_seqs, train_tags, test_seqs, width: int = 1) -> list[np.ndarray]:
    """A tagger without a state: it sees the last ``width`` tokens (u_{t-width+1} .. u_t).

    Each window of tokens (shorter at the start of a sequence) gets the tag seen most
    often with it in training; ties go to the smaller tag, and a window never seen in
    training gets the overall majority tag. ``width = 1`` is the best tagger that sees
    only the current token (``current_token_baseline``).

    Returns
    -------
    list of int arrays, one per test sequence, of the same lengths
    """
    train = check_token_lists(train_seqs, "train_seqs")
    test = check_token_lists(test_seqs, "test_seqs")
    train_tags = _check_tag_lists(train_tags, "train_tags", train)
    width = as_int(width, "width", minimum=1)
    if not any(train):
        raise ValueError("train_seqs holds no tokens; need at least one tagged step")

    def windows(seq):
        return [tuple(seq[max(0, t - width + 1):t + 1]) for t in range(len(seq))]

    per_window: dict = {}
    for seq, tag in zip(train, train_tags):
        for key, t in zip(windows(seq), tag.tolist()):
            per_window.setdefault(key, Counter())[t] += 1
    overall = majority(sum(per_window.values(), Counter()))
    rule = {key: majority(c) for key, c in per_window.items()}
    return [np.array([rule.get(key, overall) for key in windows(seq)], dtype=np.int64)
            for seq in test]


def current_token_baseline(train_seqs, train_tags, test_seqs) -> list[np.ndarray]:
    """The best tagger that sees only the current token: ``window_baseline`` with width 1.

    Returns
    -------
    list of int arrays, one per test sequence, of the same lengths
    """
    return window_baseline(train_seqs, train_tags, test_seqs, width=1)


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
