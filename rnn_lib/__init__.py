"""rnn_lib: the small NumPy library behind the book *Recurrent Neural Networks, Step by Step*.

Notation follows the book: x_t state, u_t input, y_t output, and the parameters
W_xx (n_x, n_x), W_xu (n_x, n_u), W_yx (n_y, n_x), b_x (n_x,), b_y (n_y,).
Sequences are time-major: ``X[t]`` is x_t.

Modules beyond these names, by the chapter that teaches them: ``dynamics`` (first-order
systems, fixed points, 2-D linear maps; ch. 1), ``memory`` (linear state-space memory,
observability; ch. 2), ``rnn_dynamics`` (the input-free RNN: Jacobian, fixed points, memory
of a pulse; ch. 3), ``gradient_flow`` (Jacobian products, bounds, truncation error) and
``cliff`` (the one-unit cliff, descent with clipping; ch. 4), ``train`` (SGD, Adam,
mini-batches, early stopping), ``tasks`` (delayed recall, steps to solve it), ``datasets``
(chapter 5's toy data sets and baselines), ``sequences`` (vocabulary, one-hot, padding),
``seq2seq`` (encoder-decoder), ``problems`` (chapter 5's trained models), ``leaky`` and
``gru`` (gated units), ``linear_recurrence``, ``selective``, ``scan`` and ``marked_copy``
(linear recurrences; ch. 6); the figures live in ``interactive`` (sliders), ``plotting``,
``diagrams`` and ``explorers``.
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
