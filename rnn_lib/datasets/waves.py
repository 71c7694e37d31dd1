"""One-to-many: a whole waveform from one input vector (kind and frequency), with
baselines that have no state: the average wave, which ignores the input, and lookup
tables of stored waves, which answer with the stored wave nearest to the input or
interpolate between the two nearest (chapter 5, section 5.6)."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._checks import as_float_array, as_int, check_choice, check_rng

WAVE_KINDS = ("sine", "triangle", "square")
#: the frequencies ``waveforms`` draws from by default, in cycles per step
FREQ_RANGE = (0.04, 0.1)


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
              freq_range: tuple[float, float] = FREQ_RANGE) -> Waves:
    """Random waveforms to generate from a single input vector (one-to-many).

    Each example draws a kind (sine, triangle or square) and a frequency f uniform
    in ``freq_range`` (cycles per step); the target is y_t = wave(kind, f, t) for
    t = 0..T-1. The input encodes kind and f once, v = (e_kind, 2 (f - f_lo) /
    (f_hi - f_lo) - 1) (``wave_input``), and the network must unroll the whole wave
    from it.
    """
    n = as_int(n, "n", minimum=1)
    check_rng(rng)
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
    inputs = np.array([wave_input(WAVE_KINDS[k], f, (f_lo, f_hi))
                       for k, f in zip(kinds, freqs)]).reshape(n, len(WAVE_KINDS) + 1)
    return Waves(inputs, kinds, freqs, Y)


def wave_input(kind: str, freq: float, freq_range=FREQ_RANGE) -> np.ndarray:
    """The one input vector of a wave: v = (e_kind, 2 (f - f_lo) / (f_hi - f_lo) - 1).

    The one-hot e_kind (over WAVE_KINDS) says which wave, the last entry its
    frequency f scaled so that ``freq_range`` maps to [-1, 1].

    Returns
    -------
    ndarray, shape (len(WAVE_KINDS) + 1,)
    """
    check_choice(kind, "wave kind", WAVE_KINDS)
    lo, hi = freq_range
    v = np.zeros(len(WAVE_KINDS) + 1)
    v[WAVE_KINDS.index(kind)] = 1.0
    v[-1] = 2 * (float(freq) - lo) / (hi - lo) - 1
    return v


def mean_waveform_baseline(train_Y, n_test: int) -> np.ndarray:
    """The average training waveform for every test example (ignores the input): (n_test, T)."""
    train_Y = as_float_array(train_Y, "train_Y", ndim=(2,))
    n_test = as_int(n_test, "n_test", minimum=1)
    return np.broadcast_to(train_Y.mean(axis=0), (n_test, train_Y.shape[1])).copy()


def _checked_table(table_kinds, table_freqs, table_Y, kinds, freqs):
    """The lookup baselines' arguments as arrays, with their lengths checked."""
    table_Y = as_float_array(table_Y, "table_Y", ndim=(2,))
    table_kinds = np.asarray(table_kinds)
    table_freqs = as_float_array(table_freqs, "table_freqs", ndim=(1,))
    kinds, freqs = np.asarray(kinds), as_float_array(freqs, "freqs", ndim=(1,))
    if not len(table_kinds) == len(table_freqs) == len(table_Y) or len(kinds) != len(freqs):
        raise ValueError("table_kinds, table_freqs and table_Y must have one length, and "
                         "kinds and freqs another")
    return table_kinds, table_freqs, table_Y, kinds, freqs


def _of_kind(table_kinds, kind):
    """Indices of the stored waves of one kind."""
    same = np.flatnonzero(table_kinds == kind)
    if same.size == 0:
        raise ValueError(f"the table holds no wave of kind {kind}")
    return same


def nearest_wave_baseline(table_kinds, table_freqs, table_Y, kinds, freqs) -> np.ndarray:
    """A lookup table: for each input, the stored wave of the same kind nearest in frequency.

    No network and no state: the table holds waves (e.g. the training waves, or
    ``wave_table``'s), and the answer to (kind k, frequency f) is the stored wave of
    kind k whose frequency is closest to f.

    Parameters
    ----------
    table_kinds, table_freqs : ndarray, shape (m,)
    table_Y : ndarray, shape (m, T)
    kinds, freqs : ndarray, shape (n,)

    Returns
    -------
    ndarray, shape (n, T)
    """
    table_kinds, table_freqs, table_Y, kinds, freqs = _checked_table(
        table_kinds, table_freqs, table_Y, kinds, freqs)
    out = np.empty((len(kinds), table_Y.shape[1]))
    for i, (k, f) in enumerate(zip(kinds, freqs)):
        same = _of_kind(table_kinds, k)
        out[i] = table_Y[same[np.argmin(np.abs(table_freqs[same] - f))]]
    return out


def interpolated_wave_baseline(table_kinds, table_freqs, table_Y, kinds, freqs) -> np.ndarray:
    """A lookup table that interpolates: mix the two stored waves nearest in frequency.

    For an input (kind k, frequency f), take the stored waves of kind k with the
    frequencies f_j just below and just above f, and answer

        y = (1 - w) y_j + w y_{j+1},    w = (f - f_j) / (f_{j+1} - f_j),

    a straight line in frequency between them, for every step at once (``np.interp``;
    below the lowest or above the highest stored frequency, the end wave). No network
    and no state: one line more than ``nearest_wave_baseline``.

    Parameters
    ----------
    table_kinds, table_freqs : ndarray, shape (m,)
    table_Y : ndarray, shape (m, T)
    kinds, freqs : ndarray, shape (n,)

    Returns
    -------
    ndarray, shape (n, T)
    """
    table_kinds, table_freqs, table_Y, kinds, freqs = _checked_table(
        table_kinds, table_freqs, table_Y, kinds, freqs)
    out = np.empty((len(kinds), table_Y.shape[1]))
    for i, (k, f) in enumerate(zip(kinds, freqs)):
        same = _of_kind(table_kinds, k)
        same = same[np.argsort(table_freqs[same])]          # by frequency
        weights = [np.interp(f, table_freqs[same], e) for e in np.eye(same.size)]
        out[i] = np.array(weights) @ table_Y[same]          # (1 - w) y_j + w y_{j+1}
    return out


def wave_table(per_kind: int, T: int, freq_range=FREQ_RANGE):
    """``per_kind`` waves of every kind at evenly spaced frequencies: a small lookup table.

    The frequencies are the centres of ``per_kind`` equal slices of ``freq_range``.
    The table stores len(WAVE_KINDS) * per_kind * (T + 1) numbers (each wave and its
    frequency).

    Returns
    -------
    kinds : ndarray of int, freqs : ndarray, Y : ndarray, shape (3 per_kind, T)
    """
    per_kind = as_int(per_kind, "per_kind", minimum=1)
    T = as_int(T, "T", minimum=1)
    lo, hi = (float(f) for f in freq_range)
    f = lo + (np.arange(per_kind) + 0.5) * (hi - lo) / per_kind
    kinds = np.repeat(np.arange(len(WAVE_KINDS)), per_kind)
    freqs = np.tile(f, len(WAVE_KINDS))
    Y = np.stack([wave(WAVE_KINDS[k], fr, np.arange(T)) for k, fr in zip(kinds, freqs)])
    return kinds, freqs, Y
