"""Squashing functions sigma and their derivatives.

The state update uses one of ``tanh``, ``sigmoid``, ``relu`` or ``identity``
(chapter 3); the output map uses ``identity``, ``sigmoid`` or ``softmax``.
Each hidden activation comes with ``sup sigma'`` (called gamma in chapter 4), the
constant in the bound on how fast gradients can grow.
"""
from __future__ import annotations

import numpy as np

from ._checks import check_choice


def _sigmoid(a):
    # Split by sign so that exp never overflows for large |a|.
    out = np.empty_like(a)
    pos = a >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-a[pos]))
    ea = np.exp(a[~pos])
    out[~pos] = ea / (1.0 + ea)
    return out


def _relu(a):
    return np.maximum(a, 0.0)


#: name -> (sigma(a), sigma'(a) given a and x = sigma(a), sup sigma')
#: The derivative reuses x = sigma(a) from the forward pass, so backward never
#: evaluates sigma again.
_HIDDEN = {
    "tanh": (np.tanh, lambda a, x: 1.0 - x * x, 1.0),
    "sigmoid": (_sigmoid, lambda a, x: x * (1.0 - x), 0.25),
    "relu": (_relu, lambda a, x: (a > 0).astype(a.dtype), 1.0),
    "identity": (lambda a: a, lambda a, x: np.ones_like(a), 1.0),
}

HIDDEN_ACTIVATIONS = tuple(_HIDDEN)
OUTPUT_ACTIVATIONS = ("identity", "sigmoid", "softmax")


def hidden_activation(name: str):
    """Return ``(sigma, dsigma)`` for a hidden activation name.

    ``dsigma(a, x)`` is the derivative sigma'(a) at the pre-activation ``a``,
    given ``x = sigma(a)`` as well (cheaper for tanh and sigmoid).
    """
    check_choice(name, "activation", HIDDEN_ACTIVATIONS)
    sigma, dsigma, _ = _HIDDEN[name]
    return sigma, dsigma


def sup_derivative(name: str) -> float:
    """gamma = sup_a sigma'(a): 1 for tanh, relu and identity, 1/4 for sigmoid."""
    check_choice(name, "activation", HIDDEN_ACTIVATIONS)
    return _HIDDEN[name][2]


def softmax(z: np.ndarray) -> np.ndarray:
    """Softmax over the last axis, shifted by the maximum so it cannot overflow."""
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def output_activation(name: str):
    """Return the output map sigma_y for ``identity``, ``sigmoid`` or ``softmax``."""
    check_choice(name, "output activation", OUTPUT_ACTIVATIONS)
    return {"identity": lambda z: z, "sigmoid": _sigmoid, "softmax": softmax}[name]


def output_activation_vjp(name: str, Y: np.ndarray, dY: np.ndarray) -> np.ndarray:
    """Pull ``dL/dY`` back through the output map to ``dL/dZ``.

    ``Y = sigma_y(Z)`` elementwise, or softmax over the last axis, whose Jacobian is
    ``diag(y) - y y^T``; so ``dZ = y * (dY - <dY, y>)``.
    """
    if name == "identity":
        return dY
    if name == "sigmoid":
        return dY * Y * (1.0 - Y)
    if name == "softmax":
        return Y * (dY - np.sum(dY * Y, axis=-1, keepdims=True))
    check_choice(name, "output activation", OUTPUT_ACTIVATIONS)
    raise AssertionError("unreachable")
