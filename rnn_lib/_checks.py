"""Input validation shared by the library.

Every public function checks its arguments here first, so that a wrong shape or a
bad value gives one clear message that names the argument, what was expected and
what was given -- never a NumPy broadcasting error from deep inside a loop.
"""
from __future__ import annotations

import numbers

import numpy as np


def as_float_array(value, name: str, *, ndim: tuple[int, ...] | None = None,
                   finite: bool = True) -> np.ndarray:
    """Return ``value`` as a float64 array, or raise a clear error.

    Parameters
    ----------
    value : array_like
        What the caller passed.
    name : str
        The argument's name, used in the message.
    ndim : tuple of int, optional
        Allowed numbers of dimensions.
    finite : bool
        Reject NaN and infinity.
    """
    if isinstance(value, (str, bytes)) or value is None:
        raise TypeError(f"{name} must be an array of numbers, got {type(value).__name__}")
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers; could not convert it "
                        f"({exc})") from None
    if ndim is not None and arr.ndim not in ndim:
        allowed = " or ".join(str(d) for d in ndim)
        raise ValueError(f"{name} must have {allowed} dimensions, got shape {arr.shape}")
    # (the method, not np.all: it skips NumPy's Python-level dispatch, which was most
    # of the cost of checking a small parameter matrix at every training step)
    if finite and arr.size and not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values; all entries must be finite")
    return arr


def as_int(value, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as a Python int, or raise a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r}")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return value


def as_positive_float(value, name: str) -> float:
    """Return ``value`` as a float > 0, or raise a clear error."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    value = float(value)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value}")
    return value


def check_rng(rng, name: str = "rng") -> np.random.Generator:
    """Return ``rng`` if it is a ``numpy.random.Generator``, or raise a clear error."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"{name} must be a numpy.random.Generator, e.g. "
                        f"np.random.default_rng(0); got {type(rng).__name__}")
    return rng


def check_choice(value, name: str, choices) -> str:
    """Raise unless ``value`` is one of ``choices``."""
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"unknown {name} {value!r}; choose one of {allowed}")
    return value


def like(value, name: str, ref: np.ndarray, ref_name: str) -> np.ndarray:
    """``value`` as a float array of the shape of ``ref`` (e.g. dY like trace.Y), or a
    clear error."""
    value = as_float_array(value, name, finite=False)
    if value.shape != ref.shape:
        raise ValueError(f"{name} must have the shape of {ref_name} {ref.shape}, "
                         f"got {value.shape}")
    return value
