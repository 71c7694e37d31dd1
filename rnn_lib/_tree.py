"""Nested (named) tuples of arrays, e.g. ``Params`` or ``Seq2Seq(encoder, decoder)``.

The optimisers and the clipping functions treat a model's parameters as such a
tree, so one training loop serves a single RNN and an encoder-decoder alike.
"""
from __future__ import annotations

import numpy as np


def leaves(tree) -> list[np.ndarray]:
    """The arrays of ``tree`` in order (depth first)."""
    if isinstance(tree, tuple):
        return [leaf for item in tree for leaf in leaves(item)]
    return [tree]


def tree_map(f, tree, *others):
    """Apply ``f`` leaf by leaf to trees of the same structure; keep the tuple types."""
    if isinstance(tree, tuple):
        for other in others:
            if not isinstance(other, tuple) or len(other) != len(tree):
                raise ValueError("parameters and gradients must have the same structure, "
                                 f"got {type(tree).__name__} and {type(other).__name__}")
        items = [tree_map(f, *parts) for parts in zip(tree, *others)]
        return type(tree)(*items) if hasattr(tree, "_fields") else type(tree)(items)
    return f(tree, *others)
