"""The book's slider figures, grouped by the systems they show.

``ALL`` maps a name to the function that makes each figure; the tests draw every
frame of every one, and the benchmarks time them.
"""
from .first_order import EXPLORERS as _FIRST_ORDER

ALL = {**_FIRST_ORDER}

__all__ = ["ALL"]
