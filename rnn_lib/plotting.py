"""What the book's figures share: the palette, the Axes helpers, the divergence limit.

The figures themselves are in ``rnn_lib.explorers`` and ``rnn_lib.diagrams``; each
``plot_*`` there draws on an Axes (a new one if ``ax`` is None) and returns it or its
figure; nothing calls ``plt.show()`` or changes global rcParams.

Colours come from the Okabe-Ito palette, which stays distinguishable for the common
forms of colour blindness; lines also differ by style or marker where colour would
otherwise be the only carrier of meaning.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

#: Okabe & Ito (2008), "Color Universal Design": colour-blind-safe categorical colours.
OKABE_ITO = {
    "blue": "#0072B2", "orange": "#E69F00", "green": "#009E73", "vermillion": "#D55E00",
    "sky": "#56B4E9", "purple": "#CC79A7", "yellow": "#F0E442", "black": "#000000",
}
CYCLE = [OKABE_ITO[k] for k in ("blue", "orange", "green", "vermillion", "purple", "sky",
                                "black")]
LINESTYLES = ["-", "--", "-.", ":"]
#: colour map for signed values (CVD-safe): blue negative, red positive
DIVERGING_CMAP = "RdBu_r"

#: states larger than this in magnitude are reported as diverged
DIVERGED = 1e6


def axes(ax=None, figsize=(6.0, 3.4)):
    """Return ``ax``, or the Axes of a new figure of ``figsize`` inches."""
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def square_axes(ax, lim: float, xlabel: str, ylabel: str):
    """Fixed limits [-lim, lim] on both axes, equal aspect, labels and a light grid:
    the frame of every state-plane figure (phase portraits, cobwebs)."""
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_aspect("equal")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    return ax


def first_divergence(X, limit: float = DIVERGED):
    """First index t with |x_t| > limit (or non-finite) in any unit, else None."""
    X = np.asarray(X, dtype=float).reshape(len(X), -1)
    bad = ~np.all(np.isfinite(X) & (np.abs(np.nan_to_num(X)) <= limit), axis=1)
    hits = np.nonzero(bad)[0]
    return int(hits[0]) if hits.size else None
