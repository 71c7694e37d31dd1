"""What the recurrent units of chapter 6 share: their inputs checked, and their losses.

The leaky unit, the GRU, the linear recurrent unit and the selective unit (``leaky``,
``gru``, ``linear_recurrence``, ``selective``) each have their own equations but the
same interface as the Elman RNN (``elman.forward``, ``bptt.backward``): time-major
inputs ``U (T, [B,] n_u)``, a state before the first input ``x_init ([B,] n_x)``, a
padded batch described by ``lengths (B,)`` on whose padding steps the state is held,
and a loss that counts some steps (``mask``). This module checks those arguments once
for all of them and turns outputs and targets into the loss and the gradient that each
backward pass starts from:

- units with an output activation y_t = sigma_y(z_t) (``leaky``, ``gru``, as the Elman
  RNN): ``losses.loss_and_dZ`` gives L and dL/dz_t, mse through sigma_y or softmax
  cross-entropy on z_t, the same code as ``bptt.loss_and_gradients``;
  ``losses.output_gradient`` checks a dY or dZ given by hand;
- the linear units, whose y_t are the scores themselves: ``readout_loss`` scores every
  step (many-to-many) or only each sequence's last real step (many-to-one, chapter 5).
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_choice
from .bptt import _sum_outer, _sum_rows
from .elman import length_mask, padding_mask
from .losses import LOSSES, mse, softmax_cross_entropy
from .sequences import last_step_mask


def as_params(params, cls, fields: str):
    """``params`` as a ``cls`` (a NamedTuple; a plain tuple of the right length is
    converted), or a TypeError that names the fields."""
    if isinstance(params, cls):
        return params
    if isinstance(params, tuple) and len(params) == len(cls._fields):
        return cls(*params)
    raise TypeError(f"params must be {fields}, got {type(params).__name__}")


def check_sequence(U, x_init, lengths, n_x: int, n_u: int, weights: str):
    """Validate ``U (T, [B,] n_u)``, ``x_init ([B,] n_x)`` and ``lengths (B,)``.

    ``weights`` names the input weights (for the message when U has the wrong width).

    Returns
    -------
    U : ndarray, shape (T, [B,] n_u)
    x_init : ndarray, shape ([B,] n_x)
        Zeros if None was given.
    valid : ndarray, shape (T, B), or None
        m_t: 1 on the real steps of a padded batch, 0 on its padding.
    """
    U = as_float_array(U, "U", ndim=(2, 3))
    if U.shape[0] == 0:
        raise ValueError("U is an empty sequence (T = 0); give at least one time step")
    if U.shape[-1] != n_u:
        raise ValueError(f"U has {U.shape[-1]} features but {weights} take {n_u} (U has "
                         f"shape {U.shape}; expected (T, {n_u}) or (T, B, {n_u}))")
    state_shape = U.shape[1:-1] + (n_x,)
    x_init = np.zeros(state_shape) if x_init is None else as_float_array(x_init, "x_init")
    if x_init.shape != state_shape:
        raise ValueError(f"x_init must have shape {state_shape} for U of shape {U.shape}, "
                         f"got {x_init.shape}")
    return U, x_init, padding_mask(lengths, U)


def check_trace(trace, cls, module: str):
    """Raise unless ``trace`` is the ``cls`` that ``module.forward`` returns."""
    if not isinstance(trace, cls):
        raise TypeError(f"trace must be the rnn_lib.{module}.Trace returned by {module}.forward, "
                        f"got {type(trace).__name__}")


def readout_gradients(dY: np.ndarray, X: np.ndarray, U: np.ndarray):
    """dC, dD, db_y of the linear readout y_t = C x_t + D u_t + b_y: each one sum over
    time (and batch) of dy_t x_t^T, dy_t u_t^T and dy_t (chapter 4's sums)."""
    return _sum_outer(dY, X), _sum_outer(dY, U), _sum_rows(dY)


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
    check_choice(loss, "loss", LOSSES)
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
