"""Checks and counting shared by the toy data sets of chapter 5."""
from __future__ import annotations

import numbers
from collections import Counter

import numpy as np

from .._checks import as_int


def as_real(value, name: str, *, low: float | None = None, high: float | None = None,
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


def check_lengths(min_len, max_len, *, smallest: int) -> tuple[int, int]:
    min_len = as_int(min_len, "min_len", minimum=smallest)
    max_len = as_int(max_len, "max_len", minimum=smallest)
    if max_len < min_len:
        raise ValueError(f"max_len must be >= min_len, got min_len={min_len}, "
                         f"max_len={max_len}")
    return min_len, max_len


def check_token_lists(seqs, name: str) -> list[list]:
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


def majority(counts: Counter):
    """Most frequent key; ties go to the smallest key, so the answer never depends on
    the order in which the data happened to arrive."""
    best = max(counts.values())
    return min(key for key, c in counts.items() if c == best)
