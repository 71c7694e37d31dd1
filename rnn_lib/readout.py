"""Which outputs of a sequence model count: every step, or only the last one.

A many-to-many model is scored at every step (chapter 5), a many-to-one model only at
the end of each sequence; in a padded batch that end is the last *real* step, t =
length - 1, not T - 1. ``readout_loss`` turns a model's outputs ``Y (T, [B,] n_y)``
and the targets into the loss and dL/dY, so that one backward pass serves both. The
linear units of chapter 6 (``linear_recurrence``, ``selective``) use it.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_choice
from .elman import length_mask
from .losses import mse, softmax_cross_entropy
from .sequences import last_step_mask


def readout_loss(Y, target, *, loss: str = "mse", readout: str = "all", mask=None,
                 lengths=None) -> tuple[float, np.ndarray]:
    """The loss of outputs Y and dL/dY, for every step or only the last one.

    ``readout='all'`` (many-to-many) compares y_t with ``target[t]`` at every step
    (weighted by ``mask``, or by the real steps of a padded batch). ``readout='last'``
    (many-to-one) uses only each sequence's last real step, and ``target`` then has
    no time axis. ``loss='mse'`` takes targets shaped like the outputs;
    ``loss='cross_entropy'`` integer classes and reads Y as logits (softmax).

    Parameters
    ----------
    Y : ndarray, shape (T, [B,] n_y)
    target : ndarray
        'all': (T, [B,] n_y) for mse, (T, [B]) ints for cross-entropy;
        'last': ([B,] n_y) for mse, ([B]) ints for cross-entropy.
    mask : ndarray, shape (T, [B]), optional
        Only with readout='all'.
    lengths : int ndarray, shape (B,), optional

    Returns
    -------
    L : float
    dY : ndarray, shape of Y
    """
    check_choice(loss, "loss", ("mse", "cross_entropy"))
    check_choice(readout, "readout", ("all", "last"))
    Y = as_float_array(Y, "Y", ndim=(2, 3), finite=False)
    T = Y.shape[0]
    if readout == "all" and mask is None and lengths is not None:
        mask = length_mask(lengths, T)
    if readout == "last":
        if mask is not None:
            raise ValueError("readout='last' chooses the steps itself; give no mask")
        if Y.ndim == 2:                            # one sequence: the step T - 1
            mask = np.zeros(T)
            mask[-1] = 1.0
        else:
            mask = last_step_mask(np.full(Y.shape[1], T) if lengths is None else lengths, T)
        # the target of the last step, copied to every step (the mask keeps one)
        target = np.asarray(target)
        shape = Y.shape[1:] if loss == "mse" else Y.shape[1:-1]
        if target.shape != shape:
            raise ValueError(f"with readout='last' target must have shape {shape}, "
                             f"got {target.shape}")
        target = np.broadcast_to(target, (T,) + shape)
    if loss == "mse":
        return mse(Y, target, mask)
    return softmax_cross_entropy(Y, target, mask)
