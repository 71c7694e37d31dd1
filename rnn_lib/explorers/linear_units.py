"""Figures of chapter 6, second half: linear recurrent units and selectivity.

Slider figure: the impulse response of one pair of a linear recurrent unit, for an
eigenvalue lambda = r e^{i theta} (``eigenvalue_explorer``). Static figure: accuracy on
the marked-token task against how long ago the mark was (``plot_marked_copy``).
"""
from __future__ import annotations

import numpy as np

from .. import linear_recurrence as lr
from ..interactive import Explorer, Slider, grid
from ..plotting import OKABE_ITO, axes

C = OKABE_ITO


def eigenvalue_explorer(T: int = 60, threshold: float = 0.01) -> Explorer:
    """One pair of the LRU after a unit pulse: its path in the plane and its size over time.

    x_t = r^t (cos t theta, sin t theta) (``linear_recurrence.impulse_response``).
    Left: the pair as a point in the plane, p_t + i q_t = lambda^t, with the unit
    circle; right: p_t and the envelope +-r^t, with the step from which r^t is below
    ``threshold`` (``linear_recurrence.memory_length``). Sliders: ``r`` = |lambda| and
    ``theta`` = arg lambda in degrees.
    """
    t = np.arange(T)
    circle = np.linspace(0, 2 * np.pi, 200)
    lim = 1.15

    def setup(fig):
        ax, axt = fig.subplots(1, 2, width_ratios=[1, 1.6])
        ax.plot(np.cos(circle), np.sin(circle), ":", color=C["black"], lw=0.8)
        ax.axhline(0, color=C["black"], lw=0.5)
        ax.axvline(0, color=C["black"], lw=0.5)
        (path,) = ax.plot([], [], "-", color=C["sky"], lw=1, animated=True)
        (dots,) = ax.plot([], [], "o", color=C["blue"], ms=3, animated=True)
        (lam,) = ax.plot([], [], "*", color=C["vermillion"], ms=12, mec=C["black"],
                         animated=True, label=r"$\lambda$ (the pulse after one step)")
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.set_xlabel("$p_t$ (real part)")
        ax.set_ylabel("$q_t$ (imaginary part)")
        ax.set_title(r"the pair in the plane: $\lambda^t$", fontsize=9)
        ax.legend(loc="lower left", fontsize=7, framealpha=0.9)
        (env_hi,) = axt.plot([], [], "--", color=C["orange"], lw=1.5, animated=True,
                             label=r"$\pm r^t$ (what is left of the input)")
        (env_lo,) = axt.plot([], [], "--", color=C["orange"], lw=1.5, animated=True)
        (p_line,) = axt.plot([], [], "o-", color=C["blue"], ms=2.5, lw=1.2, animated=True,
                             label=r"$p_t = r^t \cos(t\theta)$")
        mem = axt.axvline(0, color=C["vermillion"], ls=":", lw=1.5, animated=True,
                          label=f"$r^t$ below {threshold:g}")
        axt.axhline(0, color=C["black"], lw=0.5)
        axt.set_xlim(-0.5, T - 0.5)
        axt.set_ylim(-lim, lim)
        axt.set_xlabel("steps since the pulse, $t$")
        axt.set_ylabel("state of the pair")
        axt.grid(alpha=0.3)
        fig.legend(handles=[p_line, env_hi, mem], loc="outside lower center", ncols=3,
                   fontsize=8, frameon=False)

        def update(r, theta):
            h = lr.impulse_response(r, np.deg2rad(theta), T)     # (T, 2): p_t, q_t
            inside = np.all(np.abs(h) <= 10 * lim, axis=1)       # r = 1 stays; nothing grows
            path.set_data(h[inside, 0], h[inside, 1])
            dots.set_data(h[inside, 0], h[inside, 1])
            lam.set_data([h[1, 0]], [h[1, 1]])
            size = r ** t
            env_hi.set_data(t, size)
            env_lo.set_data(t, -size)
            p_line.set_data(t, h[:, 0])
            n = lr.memory_length(r, threshold)
            mem.set_xdata([n, n] if np.isfinite(n) else [np.nan, np.nan])
            kept = (f"r^t below {threshold:g} after {n:.0f} steps" if np.isfinite(n)
                    else "r^t = 1: the input is kept for ever")
            turn = ("no turn (θ = 0): a real eigenvalue, chapter 1's leak" if theta == 0
                    else "a half turn every step: the sign flips" if theta == 180
                    else f"one turn every {360 / theta:.3g} steps")
            half = ("" if r >= 1 else
                    f"; half-life {np.log(0.5) / np.log(r):.1f} steps" if r > 0 else "")
            return f"λ = {r:g}·e^(i·{theta:g}°): {kept}{half}\n{turn}"
        return update

    return Explorer(setup, [
        Slider("r", grid(0.5, 1.0, 0.01), 0.9, "|λ|", "{:.2f}",
               static_values=[0.5, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0]),
        Slider("theta", grid(0.0, 180.0, 5.0), 30.0, "θ", "{:.0f}°",
               static_values=[0.0, 15.0, 30.0, 60.0, 90.0, 180.0]),
    ], title="Impulse response of one pair of a linear recurrent unit", figsize=(7.5, 3.9))


def plot_marked_copy(runs: dict, levels: dict | None = None, ax=None):
    """Test accuracy on the marked-token task against how long ago the mark was.

    Parameters
    ----------
    runs : dict name -> list of marked_copy.Run
        Each Run's ``accuracy_by_lag`` (T,) is drawn thin; the median over the runs thick.
    levels : dict label -> float, optional
        Reference accuracies drawn as horizontal lines (e.g. counting tokens).
    """
    ax = axes(ax, figsize=(6.4, 3.6))
    colors = [C["blue"], C["vermillion"], C["green"], C["orange"]]
    styles = ["o-", "s--", "^-.", "D:"]
    K = None
    for i, (name, rs) in enumerate(runs.items()):
        acc = np.array([r.accuracy_by_lag for r in rs])          # (runs, T)
        lags = np.arange(acc.shape[1])
        for row in acc:
            ax.plot(lags, row, "-", color=colors[i % 4], lw=0.8, alpha=0.35)
        ax.plot(lags, np.nanmedian(acc, axis=0), styles[i % 4], color=colors[i % 4], lw=2,
                ms=4, label=f"{name} (median of {len(rs)} seeds)")
        K = rs[0].params[-1].shape[0]
    for j, (label, value) in enumerate((levels or {}).items()):
        ax.axhline(value, color=C["green"], ls=["-.", "--"][j % 2], lw=1.2, label=label)
    if K:
        ax.axhline(1 / K, color=C["black"], ls=":", lw=1, label=f"chance (1 of {K} tokens)")
    ax.set_ylim(0, 1.04)
    ax.set_xlabel("how long ago the mark was: $T - 1 - p$ steps")
    ax.set_ylabel("test accuracy")
    ax.grid(alpha=0.3)
    ax.legend(loc="center right", fontsize=8, framealpha=0.9)
    return ax
