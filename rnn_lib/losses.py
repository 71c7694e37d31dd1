"""Losses summed over time, with their gradients.

The book writes the loss of a sequence as a sum of per-step losses,
L = sum_t m_t l_t(y_t), where the optional mask m_t (0 or 1, or any weight) picks
the steps that count -- e.g. only the last one for a many-to-one problem.
A batch of B sequences averages the B sequence losses.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_choice, like
from .activations import output_activation_vjp

LOSSES = ("mse", "cross_entropy")


def _mask_and_batch(mask, shape: tuple[int, ...], name: str):
    """Return the mask broadcast to ``shape[:-1] + (1,)`` and the batch size B."""
    B = shape[1] if len(shape) == 3 else 1
    if mask is None:
        return np.ones(shape[:-1] + (1,)), B
    mask = as_float_array(mask, "mask")
    if mask.shape != shape[:-1]:
        raise ValueError(f"mask must have shape {shape[:-1]} (one weight per step and "
                         f"sequence) to match {name} of shape {shape}, got {mask.shape}")
    return mask[..., None], B


def mse(Y, Y_target, mask=None) -> tuple[float, np.ndarray]:
    """Squared error L = (1/B) sum_t sum_b m_tb * 1/2 ||y_tb - y*_tb||^2.

    Parameters
    ----------
    Y, Y_target : ndarray, shape (T, n_y) or (T, B, n_y)
    mask : ndarray, shape (T,) or (T, B), optional

    Returns
    -------
    L : float
    dY : ndarray, shape of Y
        dL/dY.
    """
    Y = as_float_array(Y, "Y", ndim=(2, 3), finite=False)
    Y_target = as_float_array(Y_target, "Y_target", ndim=(2, 3))
    if Y_target.shape != Y.shape:
        raise ValueError(f"Y_target must have the shape of Y {Y.shape}, got {Y_target.shape}")
    m, B = _mask_and_batch(mask, Y.shape, "Y")
    diff = Y - Y_target
    return float(0.5 * np.sum(m * diff * diff) / B), m * diff / B


def softmax_cross_entropy(Z, targets, mask=None) -> tuple[float, np.ndarray]:
    """Cross-entropy of softmax(z_t) against class indices, from the logits z_t.

    L = (1/B) sum_t sum_b m_tb * (-log softmax(z_tb)[c_tb]), computed with a
    log-sum-exp so that large logits cannot overflow. Its gradient has the short
    form dL/dz_t = m_t (softmax(z_t) - onehot(c_t)) / B.

    Parameters
    ----------
    Z : ndarray, shape (T, n_y) or (T, B, n_y)
        Logits (``Trace.Z``).
    targets : int ndarray, shape (T,) or (T, B)
        Class indices c_t in 0 .. n_y - 1.
    mask : ndarray, shape (T,) or (T, B), optional

    Returns
    -------
    L : float
    dZ : ndarray, shape of Z
        dL/dZ; pass it to ``backward(..., dZ=dZ)``.
    """
    Z = as_float_array(Z, "Z", ndim=(2, 3), finite=False)
    targets = np.asarray(targets)
    if targets.shape != Z.shape[:-1]:
        raise ValueError(f"targets must have shape {Z.shape[:-1]} (one class index per step) "
                         f"to match Z of shape {Z.shape}, got {targets.shape}")
    if not np.issubdtype(targets.dtype, np.integer):
        raise TypeError(f"targets must be integer class indices, got dtype {targets.dtype}")
    n_y = Z.shape[-1]
    if targets.size and (targets.min() < 0 or targets.max() >= n_y):
        raise ValueError(f"targets must lie in 0..{n_y - 1}, got values from "
                         f"{targets.min()} to {targets.max()}")
    m, B = _mask_and_batch(mask, Z.shape, "Z")
    shifted = Z - Z.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, targets[..., None], axis=-1)
    L = float(-np.sum(m * picked) / B)
    dZ = np.exp(log_p)
    np.put_along_axis(dZ, targets[..., None],
                      np.take_along_axis(dZ, targets[..., None], axis=-1) - 1.0, axis=-1)
    return L, m * dZ / B


def output_gradient(trace, dY=None, dZ=None) -> np.ndarray:
    """dL/dz_t from exactly one of dY = dL/dy_t (pulled back through y_t = sigma_y(z_t))
    and dZ, each checked against the trace's shapes."""
    if (dY is None) == (dZ is None):
        raise ValueError("give exactly one of dY (dL/dy_t) and dZ (dL/dz_t)")
    if dZ is not None:
        return like(dZ, "dZ", trace.Z, "trace.Z")
    dY = like(dY, "dY", trace.Y, "trace.Y")
    return output_activation_vjp(trace.output_activation, trace.Y, dY)


def output_activation_for(loss: str, output_activation: str | None) -> str:
    """sigma_y for a loss: softmax for cross-entropy, else the one given (identity)."""
    check_choice(loss, "loss", LOSSES)
    if loss == "cross_entropy" and output_activation not in (None, "softmax"):
        raise ValueError("loss='cross_entropy' needs output_activation='softmax', got "
                         f"{output_activation!r}")
    return "softmax" if loss == "cross_entropy" else output_activation or "identity"


def loss_and_dZ(trace, target, loss: str, mask=None) -> tuple[float, np.ndarray]:
    """L and dL/dz_t of a unit with outputs y_t = sigma_y(z_t), as in chapter 4.

    ``loss='mse'`` compares y_t with ``target`` (shape of Y); ``'cross_entropy'`` takes
    integer classes ``target (T, [B])`` and the logits z_t. Without a ``mask`` every
    real step counts (``trace.valid``: all steps, or the real ones of a padded batch).
    """
    if mask is None:
        mask = trace.valid
    if loss == "mse":
        L, dY = mse(trace.Y, target, mask)
        return L, output_activation_vjp(trace.output_activation, trace.Y, dY)
    return softmax_cross_entropy(trace.Z, target, mask)
