"""Figures of the hidden state of an RNN (chapter 3).

- ``hidden_state_explorer``: a heatmap of x_t for a fixed input while the
  spectral radius of W_xx, the input gain, the bias and sigma change;
- ``rnn_phase_explorer``: the phase portrait of a 2-unit RNN with
  W_xx = s R(theta), its fixed points and orbits;
- ``plot_pulse_memory``: memory of a pulse against the spectral radius.

The maths they show is in ``rnn_lib.rnn_dynamics``.
"""
from __future__ import annotations

import numpy as np

from .._checks import as_int
from ..activations import hidden_activation
from ..elman import forward
from ..interactive import Explorer, Slider, grid
from ..plotting import DIVERGED, DIVERGING_CMAP, OKABE_ITO, first_divergence, square_axes
from ..rnn_dynamics import (
    Fate,
    forgetting_times,
    input_fate,
    pulse_response,
    random_direction,
    rotation_scale,
    state_fixed_points,
)

C = OKABE_ITO


def _sci(v: float) -> str:
    """1e6 rather than 1e+06."""
    return f"{v:.0e}".replace("e+0", "e").replace("e+", "e")


# ---------------------------------------------------------------------------------------
# The hidden state of a random RNN for a fixed input
# ---------------------------------------------------------------------------------------
def pulses_then_silence(T: int = 80) -> np.ndarray:
    """The explorer's input, shape (T, 1): pulses +1, -1, +1 at t = 5, 15, 25, then 0."""
    T = as_int(T, "T", minimum=30)
    U = np.zeros((T, 1))
    U[[5, 15, 25], 0] = [1.0, -1.0, 1.0]
    return U


def hidden_state_network(rho: float, gain: float = 1.0, b: float = 0.0, *, n_x: int = 24,
                         seed: int = 0) -> tuple:
    """The explorer's RNN: (rho W, gain w_u, 0, b 1, 0) with W, w_u from
    ``random_direction(n_x, default_rng(seed))``; one input, one (unused) output."""
    W, w_u = random_direction(n_x, np.random.default_rng(seed))
    return (rho * W, gain * w_u[:, None], np.zeros((1, n_x)), np.full(n_x, float(b)),
            np.zeros(1))


def hidden_state_fate(rho: float, gain: float = 1.0, b: float = 0.0, sigma: str = "tanh", *,
                      n_x: int = 24, T: int = 80, seed: int = 0) -> Fate:
    """What the explorer's status line reports for these slider values:
    ``rnn_dynamics.input_fate`` of ``hidden_state_network`` on ``pulses_then_silence(T)``."""
    return input_fate(hidden_state_network(rho, gain, b, n_x=n_x, seed=seed),
                      pulses_then_silence(T), sigma, limit=DIVERGED)


def _status(fate: Fate, sigma: str) -> str:
    """The status line for a ``Fate``."""
    text = {"diverged": f"diverges: |x_t| > {_sci(DIVERGED)} from t = {fate.steps}",
            "no input": "g = 0: the input never reaches the state",
            "forgotten": f"forgotten {fate.steps} steps after the last pulse",
            "amplified": "amplified: the state keeps growing",
            "kept (at rest)": "kept: the state settles at a new fixed point",
            "kept (moving)": "kept: the state keeps moving on its own"}[fate.kind]
    if sigma == "tanh" and fate.kind != "diverged" and fate.saturated > 0.05:
        text += f"; {100 * fate.saturated:.0f}% of units saturated"
    return text


def hidden_state_explorer(n_x: int = 24, T: int = 80, seed: int = 0,
                          shown=(0, 1, 2)) -> Explorer:
    """Heatmap of the hidden state x_t (units x time) of a random RNN reading a fixed input.

        x_t = sigma(rho W x_{t-1} + g w_u u_t + b 1),   rho(W) = 1

    W and w_u are drawn once (``rnn_dynamics.random_direction``); the sliders set
    the spectral radius ``rho``, the input gain ``gain`` (g), the bias ``b`` shared
    by every unit and ``sigma``. The input is three pulses and then silence, so the figure shows
    both how the state answers the input and what it does on its own afterwards.
    Below the heatmap: a few units' traces and the size of the state,
    sqrt(mean_i x_{t,i}^2), on a log axis. The status line (``hidden_state_fate``)
    says whether the pulses are forgotten (the state returns to where the same RNN
    goes without any input), stay, or blow up.
    """
    U = pulses_then_silence(T)
    t = np.arange(T)
    pulses = np.nonzero(U[:, 0])[0]
    shown = list(shown)
    vlim, ylim, top = 1.0, 2.0, DIVERGED

    def setup(fig):
        axs = fig.subplot_mosaic([["u", "u"], ["heat", "heat"], ["units", "rms"]],
                                 height_ratios=[0.5, 2.0, 1.4])
        ax_u, ax_h, ax_x, ax_r = axs["u"], axs["heat"], axs["units"], axs["rms"]
        ax_u.axhline(0, color=C["black"], lw=0.8)
        ax_u.vlines(pulses, 0, U[pulses, 0], color=C["blue"], lw=2)
        ax_u.plot(pulses, U[pulses, 0], "o", color=C["blue"], ms=4)
        ax_u.set_xlim(-0.5, T - 0.5)
        ax_u.set_ylim(-1.6, 1.6)
        ax_u.set_yticks([-1, 0, 1])
        ax_u.set_ylabel("input $u_t$", fontsize=8)
        ax_u.tick_params(labelbottom=False, labelsize=7)
        ax_u.grid(alpha=0.3)
        ax_u.set_title("$x_t = \\sigma(\\rho\\, W x_{t-1} + g\\, w_u u_t + b)$, "
                       f"$n_x = {n_x}$ units, one fixed random $W$ with "
                       "$\\rho(W) = 1$", fontsize=9)

        # A mesh of n_x x T cells draws about 3x faster than an upsampled image.
        # Diverged cells are masked and show the grey axes background.
        mesh = ax_h.pcolormesh(np.arange(T + 1) - 0.5, np.arange(n_x + 1) - 0.5,
                               np.zeros((n_x, T)), cmap=DIVERGING_CMAP, vmin=-vlim,
                               vmax=vlim, animated=True)
        ax_h.set_facecolor("0.55")
        cb = fig.colorbar(mesh, ax=ax_h, extend="both", pad=0.01, aspect=15)
        cb.set_label("$x_{t,i}$  (grey: diverged)", fontsize=8)
        cb.ax.tick_params(labelsize=7)
        ax_h.set_ylabel("state unit $i$", fontsize=9)
        ax_h.set_xlabel("time step $t$", fontsize=9)
        ax_h.tick_params(labelsize=7)

        styles = ["-", "--", ":"]
        colors = [C["blue"], C["orange"], C["green"]]
        traces = [ax_x.plot([], [], ls=styles[k % 3], color=colors[k % 3], lw=1.4,
                            animated=True, label=f"unit {i}")[0]
                  for k, i in enumerate(shown)]
        ax_x.set_xlim(-0.5, T - 0.5)
        ax_x.set_ylim(-ylim, ylim)
        ax_x.axhspan(-1, 1, color=C["sky"], alpha=0.12, lw=0)
        ax_x.set_xlabel("time step $t$", fontsize=9)
        ax_x.set_ylabel("$x_{t,i}$ (a few units)", fontsize=8)
        ax_x.tick_params(labelsize=7)
        ax_x.grid(alpha=0.3)
        ax_x.legend(fontsize=7, loc="upper right", ncols=3, handlelength=1.8,
                    columnspacing=0.8, framealpha=0.9)

        (rms,) = ax_r.plot([], [], color=C["vermillion"], lw=1.6, animated=True)
        ax_r.set_yscale("log")
        ax_r.set_xlim(-0.5, T - 0.5)
        ax_r.set_ylim(1e-4, 30 * top)
        ax_r.axhline(top, color=C["black"], ls=":", lw=1)
        ax_r.text(1, top * 2, "diverged above", fontsize=7)
        ax_r.set_xlabel("time step $t$", fontsize=9)
        ax_r.set_ylabel("size $\\sqrt{\\mathrm{mean}_i\\, x_{t,i}^2}$", fontsize=8)
        ax_r.tick_params(labelsize=7)
        ax_r.grid(alpha=0.3)

        def update(rho, gain, b, sigma):
            params = hidden_state_network(rho, gain, b, n_x=n_x, seed=seed)
            X = forward(params, U, activation=sigma).X          # (T, n_x)
            t_bad = first_divergence(X, top)
            shown_X = np.array(X)
            if t_bad is not None:
                shown_X[t_bad:] = np.nan
            mesh.set_array(np.ma.masked_invalid(shown_X.T))
            for line, i in zip(traces, shown):
                line.set_data(t, shown_X[:, i])
            with np.errstate(over="ignore", invalid="ignore"):
                size = np.sqrt(np.mean(shown_X ** 2, axis=1))
            rms.set_data(t, np.clip(size, 1e-4, None))
            # what is left of the pulses: the gap to the same RNN without input
            return _status(input_fate(params, U, sigma, limit=top), sigma)
        return update

    return Explorer(setup, [
        Slider("rho", grid(0.1, 2.0, 0.05), 0.9, "ρ(W_xx)",
               static_values=grid(0.3, 1.5, 0.1)),
        Slider("gain", grid(0.0, 4.0, 0.25), 1.0, "input gain g", "{:.2f}"),
        Slider("b", grid(-1.0, 1.0, 0.1), 0.0, "bias b", "{:+.1f}"),
        Slider("sigma", ["tanh", "relu", "identity"], "tanh", "σ", "{}"),
    ], static=["rho", "sigma"], title="Hidden state x_t of a random RNN (n_x = 24)",
        figsize=(6.4, 4.7), colors=0)


# ---------------------------------------------------------------------------------------
# A 2-unit RNN: phase portrait, fixed points, orbits
# ---------------------------------------------------------------------------------------
def rnn_phase_explorer(lim: float = 1.5, T: int = 40, n_arrows: int = 11) -> Explorer:
    """Phase portrait of the 2-unit RNN x_t = sigma(s R(theta) x_{t-1} + b 1) without input.

    Arrows show one step's displacement F(x) - x on a grid (true length, capped
    so that long arrows do not cover their neighbours); fixed points are marked
    by stability (filled circle: stable; hollow triangle: saddle; hollow square:
    unstable; hollow black circle: marginal, rho(J) = 1); eight orbits start on
    two circles. Sliders: ``theta`` in degrees, ``scale`` s, bias ``b`` (the same
    for both units) and ``sigma`` (tanh, or identity for chapter 1's linear system
    x_t = A x_{t-1} with A = s R(theta)). Status line: the fixed points in view by
    kind, and from which step orbits diverge if they do.
    """
    g = np.linspace(-lim + 0.1, lim - 0.1, n_arrows)
    GX, GY = np.meshgrid(g, g)
    grid_pts = np.c_[GX.ravel(), GY.ravel()]                    # (K, 2)
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False) + np.pi / 8
    starts = 1.3 * np.c_[np.cos(angles), np.sin(angles)]
    starts[::2] *= 0.35                                        # inner and outer starts

    def setup(fig):
        ax = fig.subplots()
        quiv = ax.quiver(grid_pts[:, 0], grid_pts[:, 1], np.zeros(len(grid_pts)),
                         np.zeros(len(grid_pts)), color=C["sky"], angles="xy",
                         scale_units="xy", scale=1, width=0.004, animated=True)
        # all orbits in one line, separated by NaN: one artist to draw per frame;
        # the faint line joins consecutive states, the dots are the states
        (links,) = ax.plot([], [], "-", lw=0.6, alpha=0.45, color=C["blue"],
                           animated=True)
        (orbits,) = ax.plot([], [], "o", ms=2, color=C["blue"], animated=True)
        ax.plot(starts[:, 0], starts[:, 1], "D", color=C["orange"], ms=4,
                label="starts $x_\\mathrm{init}$")
        (stable,) = ax.plot([], [], "o", color=C["green"], ms=9, mec=C["black"],
                            animated=True, label="stable fixed point")
        (saddle,) = ax.plot([], [], "^", mfc="white", mec=C["purple"], mew=2, ms=8,
                            animated=True, label="saddle")
        (unstable,) = ax.plot([], [], "s", mfc="white", mec=C["vermillion"], mew=2, ms=8,
                              animated=True, label="unstable fixed point")
        (border,) = ax.plot([], [], "o", mfc="white", mec=C["black"], mew=1.5, ms=8,
                            animated=True, label="marginal, $\\rho(J) = 1$")
        ax.plot([], [], "o-", ms=2, lw=0.6, color=C["blue"], label="orbits $x_0, x_1, \\dots$")
        ax.plot([], [], "-", lw=2, color=C["sky"], label="arrows: one step $F(x) - x$")
        square_axes(ax, lim, "state unit $x_{t,1}$", "state unit $x_{t,2}$")
        fig.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False,
                   columnspacing=1.0)
        ax.set_title("Two units, no input: $x_t = \\sigma(s\\,R(\\theta)\\,x_{t-1} + b)$",
                     fontsize=10)
        cap = 0.6 * (g[1] - g[0]) * 1.6

        def update(theta, scale, b, sigma):
            W = rotation_scale(scale, np.deg2rad(theta))
            bx = np.full(2, float(b))
            act, _ = hidden_activation(sigma)
            with np.errstate(over="ignore", invalid="ignore"):
                D = act(grid_pts @ W.T + bx) - grid_pts                  # (K, 2)
            n = np.linalg.norm(D, axis=1, keepdims=True)
            D = np.where(n > cap, D * cap / np.maximum(n, 1e-300), D)   # cap long arrows
            quiv.set_UVC(D[:, 0], D[:, 1])
            X = np.full((T + 2, len(starts), 2), np.nan)     # (T + 1 steps + gap, K, 2)
            X[0] = starts
            with np.errstate(over="ignore", invalid="ignore"):
                for k in range(1, T + 1):                    # all orbits at once
                    X[k] = act(X[k - 1] @ W.T + bx)
            bad = ~np.all(np.isfinite(X[:T + 1]) & (np.abs(np.nan_to_num(X[:T + 1]))
                                                   <= DIVERGED), axis=2)   # (T + 1, K)
            diverged = [int(np.argmax(bad[:, j])) for j in range(len(starts))
                        if bad[:, j].any()]
            X[:T + 1][np.cumsum(bad, axis=0) > 0] = np.nan
            path = X.transpose(1, 0, 2).reshape(-1, 2)         # orbit after orbit
            orbits.set_data(path[:, 0], path[:, 1])
            links.set_data(path[:, 0], path[:, 1])
            fps = state_fixed_points(W, bx, sigma, lim=lim, n_grid=5, n_iter=32)
            if len(fps) > 9:
                # a whole line or plane of fixed points (identity map): mark none
                fps, many = [], True
            else:
                many = False
            for artist, kind in ((stable, "stable"), (saddle, "saddle"),
                                 (unstable, "unstable"), (border, "marginal")):
                pts = np.array([p.x for p in fps if p.kind == kind]).reshape(-1, 2)
                artist.set_data(pts[:, 0], pts[:, 1])
            counts = {k: sum(p.kind == k for p in fps)
                      for k in ("stable", "saddle", "unstable", "marginal")}
            parts = [f"{v} {k}" + ("s" if k == "saddle" and v > 1 else "")
                     for k, v in counts.items() if v]
            desc = ("every point is a fixed point" if many else
                    f"fixed point{'s' if len(fps) > 1 else ''}: " + ", ".join(parts)
                    if fps else "no fixed point in view")
            if diverged:
                desc += (f"\norbits diverge (|x| > {_sci(DIVERGED)}) from t = "
                         f"{min(diverged)}")
            return desc
        return update

    return Explorer(setup, [
        Slider("theta", grid(0, 180, 5), 0.0, "θ", "{:.0f}°",
               static_values=[0, 5, 10, 20, 30, 45, 90]),
        Slider("scale", grid(0.2, 2.5, 0.05), 1.5, "scale s",
               static_values=[0.6, 0.9, 1.0, 1.2, 1.5, 2.0]),
        Slider("b", grid(-1.0, 1.0, 0.05), 0.0, "bias b", "{:+.2f}"),
        Slider("sigma", ["tanh", "identity"], "tanh", "σ", "{}"),
    ], static=["theta", "scale"],
        title="Phase portrait of x_t = σ(s R(θ) x_{t-1} + b)", figsize=(5.0, 5.2),
        colors=16, vector=False)     # 121 arrows a frame: 1.7 MB as SVG, 0.4 MB as WebP


# ---------------------------------------------------------------------------------------
# Memory of one pulse (static figure)
# ---------------------------------------------------------------------------------------
def plot_pulse_memory(radii=(0.5, 0.8, 0.9, 0.95, 0.99), n_x: int = 24, T: int = 120,
                      seed: int = 0, activation: str = "tanh", threshold: float = 0.01,
                      fig=None):
    """How long one pulse u_0 = 1 stays in the state, against the spectral radius.

    Left: |x_t| / |x_0| after the pulse for several radii (log axis) with the
    reference rho^t dotted. Right: steps until |x_t| stays below ``threshold``
    |x_0|, measured, against ln(threshold) / ln(rho) (chapter 2's half-life
    ln 2 / |ln rho| times log2(1/threshold)).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    W, w_u = random_direction(n_x, np.random.default_rng(seed))
    if fig is None:
        fig = plt.figure(figsize=(8.0, 3.5), layout="constrained")
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.15, 1])
    t = np.arange(T)
    styles = ["-", "--", "-.", ":", "-"]
    colors = [C["blue"], C["orange"], C["green"], C["vermillion"], C["purple"]]
    for k, r in enumerate(radii):
        X = pulse_response(r * W, w_u, T, activation)
        n = np.linalg.norm(X, axis=1) / np.linalg.norm(X[0])
        ax.plot(t, n, color=colors[k % 5], ls=styles[k % 5], lw=1.6,
                label=f"ρ = {r:g}")
        ax.plot(t, float(r) ** t, color=colors[k % 5], ls=":", lw=0.8, alpha=0.8)
    ax.axhline(threshold, color=C["black"], lw=0.8)
    ax.text(T - 1, threshold * 1.3, f"{threshold:.0%} of $|x_0|$", ha="right", fontsize=8)
    ax.set_yscale("log")
    ax.set_ylim(1e-4, 3)
    ax.set_xlim(0, T - 1)
    ax.set_xlabel("time step $t$ after the pulse")
    ax.set_ylabel("$|x_t| \\,/\\, |x_0|$")
    ax.set_title("State after one pulse (thin dotted: $\\rho^t$)", fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower left")

    rhos = np.round(np.arange(0.30, 0.991, 0.01), 2)
    measured = forgetting_times(W, w_u, rhos, activation, threshold)
    fine = np.linspace(0.3, 0.99, 300)
    ax2.plot(fine, np.log(threshold) / np.log(fine), color=C["black"], lw=1.5,
             label=f"$\\ln({threshold:g})/\\ln\\rho$ = "
             f"{np.log2(1 / threshold):.1f} half-lives")
    ax2.plot(rhos, measured, "o", ms=3, color=C["vermillion"],
             label=f"measured ({activation} RNN, $n_x = {n_x}$)")
    ax2.set_yscale("log")
    ax2.set_xlabel("spectral radius $\\rho(W_{xx})$")
    ax2.set_ylabel(f"steps until below {threshold:.0%}")
    ax2.set_title("How long the pulse is remembered", fontsize=10)
    ax2.grid(alpha=0.3, which="both")
    ax2.legend(fontsize=8, loc="upper left")
    return fig
