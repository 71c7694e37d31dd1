"""The book's slider figures, grouped by the systems they show.

``ALL`` maps a name to the function that makes each figure; the tests draw every
frame of every one, and the benchmarks time them.
"""
from .first_order import EXPLORERS as _FIRST_ORDER
from .gradients import EXPLORERS as _GRADIENTS
from .problems import EXPLORERS as _PROBLEMS
from .rnn_state import EXPLORERS as _RNN_STATE
from .state_space import EXPLORERS as _STATE_SPACE

ALL = {**_FIRST_ORDER, **_STATE_SPACE, **_RNN_STATE, **_GRADIENTS, **_PROBLEMS}

__all__ = ["ALL"]
