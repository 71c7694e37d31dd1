"""rnn_lib: the small NumPy library behind the book *Recurrent Neural Networks, Step by Step*.

Notation follows the book: x_t state, u_t input, y_t output, and the parameters
W_xx (n_x, n_x), W_xu (n_x, n_u), W_yx (n_y, n_x), b_x (n_x,), b_y (n_y,).
Sequences are time-major: ``X[t]`` is x_t.

Modules beyond these names: ``train`` (optimisers, training loop), ``tasks`` and
``datasets`` (toy data), ``sequences`` (vocabulary, one-hot, padding), ``seq2seq``
(encoder-decoder), ``dynamics``, ``memory``, ``gradient_flow``, ``interactive``.
"""
from .activations import HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, softmax, sup_derivative
from .bptt import (
    Gradients,
    backward,
    clip_by_global_norm,
    clip_elementwise,
    global_norm,
    loss_and_gradients,
    numerical_gradient,
    numerical_param_gradients,
    relative_error,
)
from .dynamics import (
    FixedPoint,
    StateSpaceRun,
    fixed_points,
    iterate,
    linear_closed_form,
    linear_fixed_point,
    simulate,
)
from .elman import Params, Trace, forward, init_params, length_mask, n_params, spectral_radius
from .losses import mse, softmax_cross_entropy

__all__ = [
    "HIDDEN_ACTIVATIONS", "OUTPUT_ACTIVATIONS", "softmax", "sup_derivative",
    "Gradients", "backward", "clip_by_global_norm", "clip_elementwise", "global_norm",
    "loss_and_gradients", "numerical_gradient", "numerical_param_gradients", "relative_error",
    "FixedPoint", "StateSpaceRun", "fixed_points", "iterate", "linear_closed_form",
    "linear_fixed_point", "simulate",
    "Params", "Trace", "forward", "init_params", "length_mask", "n_params", "spectral_radius",
    "mse", "softmax_cross_entropy",
]
__version__ = "0.1.0"
