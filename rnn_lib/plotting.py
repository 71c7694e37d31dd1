"""Figures of the book. Each ``plot_*`` draws on an Axes (a new one if ``ax`` is None)
and returns it; nothing here calls ``plt.show()`` or changes global rcParams.

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
#: sequential map for non-negative values, diverging map for signed values (both CVD-safe)
SEQUENTIAL_CMAP = "viridis"
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


def plot_series(t, X, *, ax=None, labels=None, xlabel="time step $t$", ylabel="state $x_t$",
                limit: float = DIVERGED, marker="o", **kw):
    """Line plot of one or more series against time, robust to divergence.

    Values beyond ``limit`` are not drawn; the axes say from which step the series
    left the plot, so a diverging state is shown as diverging instead of breaking
    the figure.

    Parameters
    ----------
    t : ndarray, shape (T,)
    X : ndarray, shape (T,) or (T, k)
        One column per series.
    labels : list of str, optional
    """
    ax = axes(ax)
    X = np.asarray(X, dtype=float)
    X = X[:, None] if X.ndim == 1 else X
    notes = []
    for j in range(X.shape[1]):
        x = X[:, j].copy()
        t_bad = first_divergence(x, limit)
        if t_bad is not None:
            x[t_bad:] = np.nan
            notes.append(f"|x| > {limit:.0e} from t = {t[t_bad]}")
        label = None if labels is None else labels[j]
        ax.plot(t, x, color=CYCLE[j % len(CYCLE)], ls=LINESTYLES[j % len(LINESTYLES)],
                marker=marker, ms=3, label=label, **kw)
    if notes:
        ax.text(0.02, 0.96, "diverged: " + "; ".join(sorted(set(notes))),
                transform=ax.transAxes, va="top", fontsize=9, color=OKABE_ITO["vermillion"])
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    if labels is not None:
        ax.legend(fontsize=9, loc="best")
    return ax


def plot_state_heatmap(X, *, ax=None, vmax=None, title=None):
    """Heatmap of a state sequence: unit i (rows) against time t (columns).

    Parameters
    ----------
    X : ndarray, shape (T, n_x)
    """
    ax = axes(ax)
    X = np.asarray(X, dtype=float)
    vmax = vmax or max(float(np.nanmax(np.abs(X[np.isfinite(X)]), initial=0.0)), 1e-12)
    im = ax.imshow(X.T, aspect="auto", cmap=DIVERGING_CMAP, vmin=-vmax, vmax=vmax,
                   interpolation="nearest", origin="lower")
    ax.figure.colorbar(im, ax=ax, label="$x_{t,i}$")
    ax.set_xlabel("time step $t$")
    ax.set_ylabel("state unit $i$")
    if title:
        ax.set_title(title)
    return ax
