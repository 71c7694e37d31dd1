"""Tokens to arrays (chapter 5): a vocabulary, one-hot inputs, padding to a batch.

An RNN reads numbers, not words. A :class:`Vocabulary` gives every token an index
0..V-1; ``one_hot`` turns index i into the unit vector e_i of length V, so that the
input term of the state update picks one column of ``W_xu``:

    W_xu e_i = W_xu[:, i]        (an *embedding* of token i, learned with W_xu).

Sentences have different lengths; ``pad`` stacks them into one time-major array
(T_max, B) and returns the lengths, which ``forward(..., lengths=...)`` uses to hold
the state on padding steps and the losses use (through a mask) to ignore them.
"""
from __future__ import annotations

from typing import Iterable, NamedTuple, Sequence

import numpy as np

from ._checks import as_int
from .elman import length_mask

PAD, BOS, EOS = "<pad>", "<bos>", "<eos>"


class Vocabulary:
    """Tokens <-> indices. Index 0 is the padding token ``<pad>``.

    Parameters
    ----------
    tokens : iterable of str
        The tokens to index, in order of first appearance (duplicates are ignored).
    specials : sequence of str
        Tokens placed first, after ``<pad>`` (default ``<bos>``, ``<eos>``: start and
        end of a sequence, used by decoders).
    """

    def __init__(self, tokens: Iterable[str], specials: Sequence[str] = (BOS, EOS)):
        self.tokens: list[str] = []
        self.index: dict[str, int] = {}
        for tok in [PAD, *specials, *tokens]:
            if not isinstance(tok, str):
                raise TypeError(f"tokens must be strings, got {tok!r}")
            if tok not in self.index:
                self.index[tok] = len(self.tokens)
                self.tokens.append(tok)

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token) -> bool:
        return token in self.index

    def __repr__(self) -> str:
        return f"Vocabulary({len(self)} tokens: {' '.join(self.tokens[:12])}" + \
            (" ...)" if len(self) > 12 else ")")

    @classmethod
    def from_sequences(cls, sequences: Iterable[Sequence[str]],
                       specials: Sequence[str] = (BOS, EOS)) -> "Vocabulary":
        """A vocabulary of every token that occurs in ``sequences`` (sorted)."""
        return cls(sorted({tok for seq in sequences for tok in seq}), specials)

    def encode(self, sequence: Sequence[str]) -> np.ndarray:
        """Token list -> int array of indices; an unknown token is a clear error."""
        if isinstance(sequence, str):
            raise TypeError("encode takes a list of tokens, e.g. ['not', 'good'], "
                            f"not the string {sequence!r}")
        try:
            return np.array([self.index[tok] for tok in sequence], dtype=np.int64)
        except KeyError as exc:
            raise ValueError(f"token {exc.args[0]!r} is not in the vocabulary "
                             f"({len(self)} tokens)") from None

    def decode(self, indices, *, stop_at_eos: bool = True) -> list[str]:
        """Indices -> tokens, dropping padding and stopping at ``<eos>``."""
        out = []
        for i in np.asarray(indices, dtype=np.int64).reshape(-1):
            if not 0 <= i < len(self):
                raise ValueError(f"index {i} is outside the vocabulary 0..{len(self) - 1}")
            tok = self.tokens[i]
            if stop_at_eos and tok == EOS:
                break
            if tok != PAD:
                out.append(tok)
        return out


def one_hot(indices, size: int) -> np.ndarray:
    """e_i for every index: shape ``indices.shape + (size,)``, float64.

    Raises a clear error for non-integer indices or indices outside 0..size-1.
    """
    size = as_int(size, "size", minimum=1)
    idx = np.asarray(indices)
    if not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"indices must be integers, got dtype {idx.dtype}")
    if idx.size and (idx.min() < 0 or idx.max() >= size):
        raise ValueError(f"indices must lie in 0..{size - 1}, got values from {idx.min()} "
                         f"to {idx.max()}")
    out = np.zeros(idx.shape + (size,))
    np.put_along_axis(out, idx[..., None], 1.0, axis=-1)
    return out


class Padded(NamedTuple):
    """A batch of sequences of different lengths, padded to the longest.

    ids : (T_max, B) int, time-major, ``pad_id`` after each sequence's end;
    lengths : (B,) int, the real length of each sequence;
    mask : (T_max, B) float, 1 on real steps and 0 on padding.
    """

    ids: np.ndarray
    lengths: np.ndarray
    mask: np.ndarray


def pad(sequences: Sequence[Sequence[int]], *, pad_id: int = 0,
        length: int | None = None) -> Padded:
    """Stack index sequences into a time-major (T, B) array with their lengths.

    ``length`` fixes T (default: the longest sequence); every sequence must be
    non-empty and fit.
    """
    seqs = [np.asarray(s) for s in sequences]
    if not seqs:
        raise ValueError("pad needs at least one sequence")
    for b, s in enumerate(seqs):
        if s.ndim != 1 or s.size == 0:
            raise ValueError(f"sequence {b} must be a non-empty 1-D list of indices, "
                             f"got shape {s.shape}")
        if not np.issubdtype(s.dtype, np.integer):
            raise TypeError(f"sequence {b} must hold integer indices, got dtype {s.dtype}")
    lengths = np.array([s.size for s in seqs], dtype=np.int64)
    T = int(lengths.max()) if length is None else as_int(length, "length", minimum=1)
    if lengths.max() > T:
        raise ValueError(f"a sequence has {lengths.max()} steps, more than length={T}")
    ids = np.full((T, len(seqs)), as_int(pad_id, "pad_id", minimum=0), dtype=np.int64)
    for b, s in enumerate(seqs):
        ids[:s.size, b] = s
    return Padded(ids, lengths, length_mask(lengths, T))


def last_step_mask(lengths, T: int) -> np.ndarray:
    """(T, B) mask with a 1 at each sequence's last real step: many-to-one losses."""
    real = length_mask(lengths, T)                   # validates lengths
    mask = np.zeros_like(real)
    mask[np.asarray(lengths) - 1, np.arange(real.shape[1])] = 1.0
    return mask
