"""The Elman RNN in the article's notation: parameters, initialisation, forward pass.

Chapter 3 teaches it. One step reads the state before it and the input now:

    a_t = W_xx x_{t-1} + W_xu u_t + b_x,      x_t = sigma(a_t)
    z_t = W_yx x_t + b_y,                     y_t = sigma_y(z_t)

Time counts from 0, as in the article's "I (u_0) / like (u_1) / eating (u_2)":
``U[t]`` is ``u_t``, ``X[t]`` is ``x_t`` (the state after reading ``u_t``) and ``Y[t]``
is ``y_t``. The state before the first input is ``x_init`` (written ``x_{-1}``),
zero unless given.

Arrays are time-major and use row vectors, so one code path takes one sequence
``U (T, n_u)`` or a batch ``U (T, B, n_u)``: ``x_{t-1} @ W_xx.T`` is ``W_xx x_{t-1}``.

References: J. L. Elman, "Finding structure in time", Cognitive Science 14 (1990).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ._checks import as_float_array, as_int, as_positive_float, check_choice, check_rng
from .activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, hidden_activation
from .activations import output_activation as output_map


class Params(NamedTuple):
    """The five parameters of the article's RNN (also used for their gradients).

    W_xx : (n_x, n_x) state -> state;  W_xu : (n_x, n_u) input -> state;
    W_yx : (n_y, n_x) state -> output; b_x : (n_x,); b_y : (n_y,).
    """

    W_xx: np.ndarray
    W_xu: np.ndarray
    W_yx: np.ndarray
    b_x: np.ndarray
    b_y: np.ndarray

    @property
    def sizes(self) -> tuple[int, int, int]:
        """``(n_x, n_u, n_y)``."""
        return self.W_xu.shape[0], self.W_xu.shape[1], self.W_yx.shape[0]

    @property
    def n_params(self) -> int:
        """Number of scalars: n_x^2 + n_x n_u + n_y n_x + n_x + n_y."""
        return sum(int(np.size(p)) for p in self)


class Trace(NamedTuple):
    """Everything the forward pass computed, kept for the backward pass.

    U : (T, [B,] n_u) inputs u_t;  x_init : ([B,] n_x) state before u_0;
    A : (T, [B,] n_x) pre-activations a_t;  X : (T, [B,] n_x) states x_t;
    Z : (T, [B,] n_y) output pre-activations z_t;  Y : (T, [B,] n_y) outputs y_t.
    valid : (T, [B]) of 0/1, or None: 1 where step t is a real input of the
        sequence, 0 where it is padding and the state was held (see ``forward``'s
        ``lengths``).
    """

    U: np.ndarray
    x_init: np.ndarray
    A: np.ndarray
    X: np.ndarray
    Z: np.ndarray
    Y: np.ndarray
    activation: str
    output_activation: str
    valid: np.ndarray | None = None


def n_params(n_x: int, n_u: int, n_y: int) -> int:
    """Parameter count of the RNN: ``n_x**2 + n_x*n_u + n_y*n_x + n_x + n_y``."""
    return n_x * n_x + n_x * n_u + n_y * n_x + n_x + n_y


def spectral_radius(W: np.ndarray) -> float:
    """rho(W) = max |lambda_i(W)|, the largest eigenvalue modulus of a square matrix."""
    W = as_float_array(W, "W", ndim=(2,))
    if W.shape[0] != W.shape[1]:
        raise ValueError(f"W must be square, got shape {W.shape}")
    return float(np.max(np.abs(np.linalg.eigvals(W))))


def init_params(n_x: int, n_u: int, n_y: int, rng: np.random.Generator, *,
                spectral_radius: float | None = 0.9, scale: float | None = None,
                input_scale: float = 1.0, output_scale: float = 1.0) -> Params:
    """Random parameters with a chosen spectral radius (or scale) of ``W_xx``.

    ``W_xx`` is drawn with entries N(0, 1/n_x) and then rescaled so that
    rho(W_xx) = ``spectral_radius``; pass ``spectral_radius=None`` and ``scale=s``
    instead to keep entries N(0, s^2/n_x) unscaled. ``W_xu`` has entries
    N(0, input_scale^2/n_u), ``W_yx`` N(0, output_scale^2/n_x); the biases start at 0.

    Parameters
    ----------
    n_x, n_u, n_y : int
        Sizes of the state, the input and the output (each >= 1).
    rng : numpy.random.Generator
        The only source of randomness.
    spectral_radius : float or None
        Target rho(W_xx) > 0.
    scale : float or None
        Used only when ``spectral_radius`` is None.

    Returns
    -------
    Params
    """
    n_x = as_int(n_x, "n_x", minimum=1)
    n_u = as_int(n_u, "n_u", minimum=1)
    n_y = as_int(n_y, "n_y", minimum=1)
    check_rng(rng)
    if (spectral_radius is None) == (scale is None):
        raise ValueError("give exactly one of spectral_radius and scale")
    W_xx = rng.standard_normal((n_x, n_x)) / np.sqrt(n_x)
    if spectral_radius is not None:
        target = as_positive_float(spectral_radius, "spectral_radius")
        W_xx *= target / max(float(np.max(np.abs(np.linalg.eigvals(W_xx)))), 1e-12)
    else:
        W_xx *= as_positive_float(scale, "scale")
    W_xu = rng.standard_normal((n_x, n_u)) * (as_positive_float(input_scale, "input_scale")
                                              / np.sqrt(n_u))
    W_yx = rng.standard_normal((n_y, n_x)) * (as_positive_float(output_scale, "output_scale")
                                              / np.sqrt(n_x))
    return Params(W_xx, W_xu, W_yx, np.zeros(n_x), np.zeros(n_y))


def check_params(params) -> Params:
    """Return ``params`` as float arrays with consistent shapes, or raise a clear error."""
    if not isinstance(params, Params):
        if isinstance(params, tuple) and len(params) == 5:
            params = Params(*params)
        else:
            raise TypeError("params must be rnn_lib.Params(W_xx, W_xu, W_yx, b_x, b_y), "
                            f"got {type(params).__name__}")
    W_xx, W_xu, W_yx, b_x, b_y = (as_float_array(p, name, ndim=(d,))
                                  for p, name, d in zip(params, Params._fields, (2, 2, 2, 1, 1)))
    n_x = W_xx.shape[0]
    if W_xx.shape != (n_x, n_x):
        raise ValueError(f"W_xx must be square (n_x, n_x), got shape {W_xx.shape}")
    if W_xu.shape[0] != n_x:
        raise ValueError(f"W_xu must have n_x = {n_x} rows (one per state unit), "
                         f"got shape {W_xu.shape}")
    if W_yx.shape[1] != n_x:
        raise ValueError(f"W_yx must have n_x = {n_x} columns, got shape {W_yx.shape}")
    if b_x.shape != (n_x,):
        raise ValueError(f"b_x must have shape ({n_x},), got {b_x.shape}")
    if b_y.shape != (W_yx.shape[0],):
        raise ValueError(f"b_y must have shape ({W_yx.shape[0]},) to match W_yx, got {b_y.shape}")
    return Params(W_xx, W_xu, W_yx, b_x, b_y)


def check_inputs(params: Params, U, x_init=None) -> tuple[np.ndarray, np.ndarray]:
    """Validate ``U (T, [B,] n_u)`` and ``x_init ([B,] n_x)`` against ``params``."""
    n_x, n_u, _ = params.sizes
    U = as_float_array(U, "U", ndim=(2, 3))
    if U.shape[0] == 0:
        raise ValueError("U is an empty sequence (T = 0); give at least one time step")
    if U.shape[-1] != n_u:
        raise ValueError(f"W_xu has {n_u} input columns but U has {U.shape[-1]} features "
                         f"(U has shape {U.shape}; expected (T, {n_u}) or (T, B, {n_u}))")
    state_shape = U.shape[1:-1] + (n_x,)
    if x_init is None:
        x_init = np.zeros(state_shape)
    else:
        x_init = as_float_array(x_init, "x_init", ndim=(len(state_shape),))
        if x_init.shape != state_shape:
            raise ValueError(f"x_init must have shape {state_shape} for U of shape {U.shape}, "
                             f"got {x_init.shape}")
    return U, x_init


def length_mask(lengths, T: int) -> np.ndarray:
    """The (T, B) 0/1 mask of real steps: ``mask[t, b] = 1`` iff ``t < lengths[b]``.

    Raises a clear error unless ``lengths`` is a 1-D array of integers in 1..T.
    """
    T = as_int(T, "T", minimum=1)
    arr = np.asarray(lengths)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.integer):
        raise ValueError("lengths must be a 1-D array of integers, one per sequence, got "
                         f"{arr.dtype} array of shape {arr.shape}")
    if arr.min() < 1 or arr.max() > T:
        raise ValueError(f"lengths must lie in 1..T = 1..{T} (the padded length), got values "
                         f"from {arr.min()} to {arr.max()}")
    return (np.arange(T)[:, None] < arr[None, :]).astype(np.float64)


def forward_inputs(params, U, x_init, lengths, activation: str, output_activation: str):
    """``forward``'s arguments checked: ``(params, U, x_init, valid)``.

    ``valid`` is None, or for a padded batch (``lengths`` given) the (T, B) mask m_t.
    """
    check_choice(activation, "activation", HIDDEN_ACTIVATIONS)
    check_choice(output_activation, "output activation", OUTPUT_ACTIVATIONS)
    params = check_params(params)
    U, x_init = check_inputs(params, U, x_init)
    return params, U, x_init, padding_mask(lengths, U)


def padding_mask(lengths, U: np.ndarray) -> np.ndarray | None:
    """The (T, B) mask m_t of a padded batch ``U (T, B, n_u)`` whose sequences have these
    ``lengths``, or None when ``lengths`` is None (every step is real)."""
    if lengths is None:
        return None
    if U.ndim != 3:
        raise ValueError(f"lengths needs a batch U of shape (T, B, n_u), got shape {U.shape}")
    valid = length_mask(lengths, U.shape[0])
    if valid.shape[1] != U.shape[1]:
        raise ValueError(f"lengths has {valid.shape[1]} entries but U holds a batch of "
                         f"{U.shape[1]} sequences; give one length per sequence")
    return valid


def forward(params: Params, U, x_init=None, *, lengths=None, activation: str = "tanh",
            output_activation: str = "identity") -> Trace:
    """Run the RNN over a sequence or a batch of sequences.

    For t = 0, ..., T-1 (with x_{-1} = ``x_init``):

        x_t = sigma(W_xx x_{t-1} + W_xu u_t + b_x),   y_t = sigma_y(W_yx x_t + b_y)

    Parameters
    ----------
    params : Params
    U : ndarray, shape (T, n_u) or (T, B, n_u)
        Inputs; ``U[t]`` is u_t.
    x_init : ndarray, shape (n_x,) or (B, n_x), optional
        The state before the first input; zeros by default.
    lengths : int ndarray, shape (B,), optional
        For a padded batch of sequences of different lengths: sequence b has
        ``lengths[b]`` real steps and padding after them. On a padding step the
        state is held:

            x_t = m_t sigma(a_t) + (1 - m_t) x_{t-1},   m_t = 1 if t < lengths[b] else 0,

        so ``X[-1]`` is each sequence's state after its own last input.
    activation : {'tanh', 'sigmoid', 'relu', 'identity'}
        sigma.
    output_activation : {'identity', 'sigmoid', 'softmax'}
        sigma_y.

    Returns
    -------
    Trace
        ``X[t]`` is x_t and ``Y[t]`` is y_t, with the pre-activations, for ``backward``.
    """
    params, U, x_init, valid = forward_inputs(params, U, x_init, lengths, activation,
                                              output_activation)   # checked; valid: m_t
    sigma, _ = hidden_activation(activation)
    W_xx, W_xu, W_yx, b_x, b_y = params
    # The input term has no state in it, so it is computed for every t at once,
    # before the loop; the loop adds W_xx x_{t-1}, which must wait for the step before.
    A = U @ W_xu.T + b_x                               # (T, [B,] n_x): W_xu u_t + b_x, for now
    X = np.empty_like(A)                               # (T, [B,] n_x): x_t
    x = x_init                                         # x_{-1}
    with np.errstate(over="ignore", invalid="ignore"):  # divergence shows as inf/nan
        for t in range(U.shape[0]):
            A[t] += x @ W_xx.T                         # a_t = W_xx x_{t-1} + W_xu u_t + b_x
            X[t] = sigma(A[t])                         # x_t = sigma(a_t)
            if valid is not None:                      # padding step (m_t = 0): hold the state,
                m = valid[t, :, None]                  # x_t = m_t sigma(a_t) + (1 - m_t) x_{t-1}
                X[t] = np.where(m > 0, X[t], x)
            x = X[t]
        Z = X @ W_yx.T + b_y                           # z_t = W_yx x_t + b_y, for every t
        Y = output_map(output_activation)(Z)           # y_t = sigma_y(z_t)
    return Trace(U, x_init, A, X, Z, Y, activation, output_activation, valid)
