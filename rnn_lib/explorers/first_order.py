"""Slider figures of first-order systems (chapter 1).

Each ``*_explorer()`` returns an :class:`~rnn_lib.interactive.Explorer`; displaying it
in a notebook shows live sliders in Jupyter and precomputed frames on the website.
Axis limits are fixed, so a diverging orbit leaves the plot (and the status line says
when) instead of rescaling the axes or breaking the figure. Each ``update`` returns
the status line, a sentence about the current slider position that the figure's two
faces show above the image.
"""
from __future__ import annotations

import numpy as np

from ..dynamics import (
    classify_2d,
    eigenvalues_2d,
    fixed_points,
    iterate,
    linear_closed_form,
    linear_fixed_point,
    simulate,
    weather_inputs,
)
from ..interactive import Explorer, Slider, grid
from ..plotting import OKABE_ITO, first_divergence, square_axes

C = OKABE_ITO


def _clip_for_plot(x, limit):
    """Copy of x with entries beyond +-limit (or non-finite) replaced by NaN."""
    x = np.array(x, dtype=float)
    x[~np.isfinite(x) | (np.abs(x) > limit)] = np.nan
    return x


def _divergence_note(X, limit, t0=0):
    t_bad = first_divergence(X, limit)
    return "" if t_bad is None else f"|x_t| > {limit:g} from t = {t_bad + t0}: leaves the plot"


# ---------------------------------------------------------------------------------------
def linear_map_explorer(b: float = 1.0, T: int = 25, ylim: float = 8.0) -> Explorer:
    """x_t = a x_{t-1} + b from x_0: simulation, closed form and fixed point x* = b/(1-a).

    Sliders: ``a`` in [-1.5, 1.5] (static face: steps of 0.25, including -1, 0, 1)
    and ``x0`` in [-4, 4]. Status line: the regime (converges, oscillates, diverges,
    or stays put when x_0 = x*), whether x* lies beyond the plot, and, once the orbit
    leaves the plot, from which step.
    """
    t = np.arange(T + 1)

    def setup(fig):
        ax = fig.subplots()
        (closed,) = ax.plot([], [], color=C["sky"], lw=2.5, alpha=0.8, animated=True,
                            label="closed form $x^* + a^t (x_0 - x^*)$")
        (sim,) = ax.plot([], [], "o", color=C["blue"], ms=4, label="simulation", animated=True)
        fixed = ax.axhline(0, color=C["vermillion"], ls="--", lw=1.5, animated=True,
                           label="fixed point $x^* = b/(1-a)$")
        ax.set_xlim(-0.5, T + 0.5)
        ax.set_ylim(-ylim, ylim)
        ax.set_xlabel("time step $t$")
        ax.set_ylabel("state $x_t$")
        ax.grid(alpha=0.3)
        fig.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False)
        ax.set_title(f"$x_t = a\\,x_{{t-1}} + {b:g}$ from $x_0$", fontsize=11)

        def update(a, x0):
            X = iterate(lambda x: a * x + b, x0, T)
            sim.set_data(t, _clip_for_plot(X, 1e6))
            closed.set_data(t, _clip_for_plot(linear_closed_form(a, b, x0, T), 1e6))
            xs = linear_fixed_point(a, b)
            if xs is None:
                fixed.set_visible(False)
                regime = (f"a = 1: x_t = x_(t-1) + {b:g}, no fixed point; the state moves by "
                          f"{b:g} each step" if b != 0 else
                          "a = 1, b = 0: nothing moves, every point is fixed")
            else:
                fixed.set_visible(True)
                fixed.set_ydata([xs, xs])
                fixed.set_linestyle("--" if abs(a) < 1 else ":")
                where = (f"x* = {xs:.2f}" if abs(xs) <= ylim else
                         f"x* = {xs:.2f} ({'above' if xs > 0 else 'below'} the plot)")
                if np.isclose(x0, xs):
                    regime = f"x_0 = x* = {xs:.2f}: the state stays there"
                    if abs(a) >= 1:
                        regime += " (any other start does not approach it)"
                elif abs(a) < 1:
                    kind = "monotonically" if a >= 0 else "oscillating,"
                    regime = f"|a| < 1: converges {kind} to {where}"
                elif a == -1:
                    regime = f"a = -1: jumps back and forth around {where} forever"
                else:
                    regime = f"|a| > 1: {where} repels, the state diverges"
            note = _divergence_note(X, ylim)
            return f"{regime}\n{note}" if note else regime
        return update

    return Explorer(setup, [
        Slider("a", grid(-1.5, 1.5, 0.05), 0.5, "a",
               static_values=grid(-1.5, 1.5, 0.25)),
        Slider("x0", grid(-4, 4, 0.5), 0.0, "x₀", "{:.1f}",
               static_values=[-4.0, -2.0, 0.0, 2.0, 4.0]),
    ], title="Orbit of the linear map x_t = a x_{t-1} + 1", figsize=(6.4, 3.8), colors=32)


# ---------------------------------------------------------------------------------------
def _tanh_map(w, b):
    return (lambda x: np.tanh(w * x + b)), (lambda x: w * (1.0 - np.tanh(w * x + b) ** 2))


def cobweb_explorer(starts=(-1.4, 0.1), T: int = 30) -> Explorer:
    """Cobweb plot of x_t = tanh(w x_{t-1} + b) with its fixed points and their stability.

    Stable fixed points (|f'(x*)| < 1) are filled circles, unstable ones (> 1) hollow
    squares, marginal ones (= 1, e.g. x* = 0 at w = 1, b = 0) hollow black circles.
    Two orbits, from the ``starts``, show whether every start ends at the same place
    (one attractor) or the start decides (two: the map remembers a bit). Sliders:
    ``w`` in [0, 3], ``b`` in [-1, 1] (static face: 0, +-0.5 and +-0.55, either side
    of the bias near 0.533 where a stable point of w = 2 disappears). Status line: the
    fixed points with their kind and slope f'(x*).
    """
    xs = np.linspace(-1.6, 1.6, 321)

    def setup(fig):
        ax, ax2 = fig.subplots(1, 2, width_ratios=[1.15, 1])
        ax.plot(xs, xs, color=C["black"], lw=1, ls=":", label="diagonal $x_t = x_{t-1}$")
        (curve,) = ax.plot([], [], color=C["blue"], lw=2, label="$f(x) = \\tanh(wx+b)$",
                            animated=True)
        colors = [C["orange"], C["purple"]]
        styles = ["-", "--"]
        webs = [ax.plot([], [], color=c, ls=ls, lw=1.2, animated=True,
                        label=f"cobweb from $x_0 = {x0}$")[0]
                for c, ls, x0 in zip(colors, styles, starts)]
        (stable,) = ax.plot([], [], "o", color=C["green"], ms=8, label="stable fixed point",
                             animated=True)
        (unstable,) = ax.plot([], [], "s", mfc="white", mec=C["vermillion"], mew=2, ms=8,
                              label="unstable fixed point", animated=True)
        (marginal,) = ax.plot([], [], "o", mfc="none", mec=C["black"], mew=2, ms=11,
                              label="marginal fixed point ($|f'| = 1$)", animated=True)
        square_axes(ax, 1.6, "$x_{t-1}$", "$x_t$")
        ax.legend(loc="upper left", fontsize=7, framealpha=0.9)
        orbits = [ax2.plot([], [], marker, ls=ls, color=c, ms=3, lw=1, animated=True,
                           label=f"$x_0 = {x0}$")[0]
                  for c, ls, marker, x0 in zip(colors, styles, ["o", "^"], starts)]
        ax2.set_xlim(-0.5, T + 0.5)
        ax2.set_ylim(-1.5, 1.5)
        ax2.set_xlabel("time step $t$")
        ax2.set_ylabel("state $x_t$")
        ax2.grid(alpha=0.3)
        ax2.legend(loc="center right", fontsize=7, framealpha=0.9)
        ax.set_title("cobweb", fontsize=10)
        ax2.set_title("orbits", fontsize=10)

        def update(w, b):
            f, df = _tanh_map(w, b)
            curve.set_data(xs, f(xs))
            for web, orbit, x0 in zip(webs, orbits, starts):
                X = iterate(f, x0, T)
                # cobweb: (x0, x0) -> (x0, x1) -> (x1, x1) -> (x1, x2) -> ...
                px = np.repeat(X[:-1], 2)
                py = np.empty_like(px)
                py[0::2], py[1::2] = np.r_[X[0], X[1:-1]], X[1:]
                web.set_data(px, py)
                orbit.set_data(np.arange(T + 1), X)
            fps = fixed_points(f, -1.5, 1.5, df=df)
            for marker, kind in ((stable, "stable"), (unstable, "unstable"),
                                 (marginal, "marginal")):
                xs_kind = [p.x for p in fps if p.kind == kind]
                marker.set_data(xs_kind, xs_kind)
            desc = ", ".join(f"{p.x:+.2f} ({p.kind}, f' = {p.slope:.2f})" for p in fps)
            return f"{len(fps)} fixed point{'s' if len(fps) != 1 else ''}:\n{desc}"
        return update

    return Explorer(setup, [
        Slider("w", grid(0, 3, 0.05), 0.5, "w", static_values=grid(0, 3, 0.25)),
        Slider("b", grid(-1, 1, 0.05), 0.0, "b", static_values=[-0.55, -0.5, 0.0, 0.5, 0.55]),
    ], title="Cobweb plot of x_t = tanh(w x_{t-1} + b)", figsize=(7.2, 3.9), colors=32)


# ---------------------------------------------------------------------------------------
def weather_explorer(T: int = 60, threshold: float = 0.6, seed: int = 4) -> Explorer:
    """The article's weather example as a driven state-space model.

        x_t = m x_{t-1} + (1 - m) u_t     (tomorrow's weather from today's and the clouds)
        y_t = h(x_t) = 1 if x_t > threshold (rain) else 0

    Slider ``m`` in [0, 0.95]: how much of yesterday's state is kept (memory)
    against how much the new input drives it. Status line: the number of rainy days
    and of changes of the weather.
    """
    U = weather_inputs(T, np.random.default_rng(seed))
    t = np.arange(T)

    def setup(fig):
        ax, axy = fig.subplots(2, 1, sharex=True, height_ratios=[2.2, 1])
        ax.plot(t, U, color=C["sky"], lw=1, marker=".", ms=4, label="cloud $u_t$ (input)")
        (state,) = ax.plot([], [], color=C["blue"], lw=2.2, label="weather state $x_t$",
                           animated=True)
        ax.axhline(threshold, color=C["vermillion"], ls="--", lw=1,
                   label=f"rain threshold {threshold}")
        ax.set_ylim(-0.05, 1.05)
        ax.set_ylabel("cloud / state")
        ax.grid(alpha=0.3)
        fig.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False)
        # one step-shaped patch instead of T bars: a single artist to redraw
        rain = axy.stairs(np.zeros(T), np.arange(T + 1) - 0.5, fill=True, color=C["blue"],
                          animated=True)
        axy.set_ylim(0, 1.15)
        axy.set_xlim(-1, T)
        axy.set_yticks([0, 1], ["dry", "rain"])
        axy.set_ylabel("$y_t = h(x_t)$")
        axy.set_xlabel("day $t$")

        def update(m):
            run = simulate(lambda x, u: m * x + (1 - m) * u, U, x_init=U[0],
                           h=lambda x: float(x > threshold))
            state.set_data(t, run.X)
            rain.set_data(run.Y)
            switches = int(np.sum(np.abs(np.diff(run.Y))))
            return (f"{int(run.Y.sum())} rainy days of {T}, the weather changes "
                    f"{switches} times")
        return update

    return Explorer(setup, [Slider("m", grid(0, 0.95, 0.01), 0.5, "m",
                                   static_values=grid(0, 0.95, 0.05))],
                    title="Weather model x_t = m x_{t-1} + (1-m) u_t with rain y_t = [x_t > 0.6]",
                    figsize=(6.8, 4.2))


# ---------------------------------------------------------------------------------------
def phase_portrait_explorer(T: int = 25, lim: float = 3.0) -> Explorer:
    """Phase portrait of the 2-D linear system x_t = A x_{t-1}, A = [[λ1, ω], [-ω, λ2]].

    With ω = 0 the eigenvalues are λ1 and λ2 (node or saddle); with λ1 = λ2 = c and
    ω ≠ 0 they are c ± iω (spiral). The state map of chapter 3's RNN, W_xx, acts
    in the same way before the squashing function. Status line: the eigenvalues,
    the spectral radius, the kind of fixed point (``dynamics.classify_2d``) and, when
    every orbit ends at 0 but some first move away from it, how far they grow.
    """
    angles = np.linspace(0, 2 * np.pi, 8, endpoint=False) + np.pi / 8
    starts = 2.5 * np.c_[np.cos(angles), np.sin(angles)]

    def setup(fig):
        ax = fig.subplots()
        lines = [ax.plot([], [], "o-", ms=2.5, lw=0.9, color=C["blue"], animated=True)[0]
                 for _ in starts]
        ax.plot(starts[:, 0], starts[:, 1], "s", color=C["orange"], ms=5,
                label="starting states $x_0$")
        ax.plot([0], [0], "+", color=C["black"], ms=12, mew=2, label="fixed point $0$")
        ax.plot([], [], "o-", ms=2.5, lw=0.9, color=C["blue"], label="orbits $x_t = A x_{t-1}$")
        square_axes(ax, lim, "state unit $x_{t,1}$", "state unit $x_{t,2}$")
        fig.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)
        ax.set_title("$x_t = A\\,x_{t-1}$, $A = [[\\lambda_1, \\omega], [-\\omega, \\lambda_2]]$",
                     fontsize=10)

        def update(lam1, lam2, omega):
            A = np.array([[lam1, omega], [-omega, lam2]])
            growth = 0.0
            for line, x0 in zip(lines, starts):
                X = iterate(lambda x: A @ x, x0, T)
                growth = max(growth, np.max(np.linalg.norm(X, axis=1)) / np.linalg.norm(x0))
                X[np.any(~np.isfinite(X) | (np.abs(X) > 1e6), axis=1)] = np.nan
                line.set_data(X[:, 0], X[:, 1])
            lam = eigenvalues_2d(A)
            eig = ", ".join(f"{z.real:.2f}{z.imag:+.2f}i" if np.iscomplexobj(lam)
                            else f"{z.real:.2f}" for z in lam)
            rho = np.max(np.abs(lam))
            note = (f"; orbits first grow up to ×{growth:.2f}" if rho < 1 and growth > 1.005
                    else "")
            return (f"eigenvalues {eig}; spectral radius {rho:.3f}\n"
                    f"{classify_2d(A)}{note}")
        return update

    return Explorer(setup, [
        Slider("lam1", grid(-0.4, 1.4, 0.1), 0.8, "λ₁",
               static_values=grid(-0.4, 1.4, 0.3)),
        Slider("lam2", grid(0.2, 1.4, 0.1), 0.8, "λ₂"),
        Slider("omega", grid(0, 0.8, 0.05), 0.3, "ω", static_values=grid(0, 0.6, 0.15)),
    ], static=["lam1", "omega"], title="Phase portrait of x_t = A x_{t-1}",
        figsize=(4.8, 4.6))


def bifurcation_diagram(b: float = 0.0, ax=None, w_max: float = 3.0):
    """Fixed points of x = tanh(w x + b) against w, by kind: stable (green dots),
    unstable (vermillion crosses), marginal (a hollow black circle, e.g. x* = 0 at
    w = 1 when b = 0). ``w`` runs over a grid of step 0.01 that contains 1."""
    from ..plotting import axes
    ax = axes(ax, figsize=(6.0, 3.4))
    ws = np.linspace(0.0, w_max, int(round(w_max * 100)) + 1)
    pts = {"stable": [], "unstable": [], "marginal": []}
    for w in ws:
        f, df = _tanh_map(w, b)
        for p in fixed_points(f, -1.5, 1.5, df=df, n_grid=601):
            pts[p.kind].append((w, p.x))
    style = {"stable": dict(marker=".", ms=2.5, color=C["green"]),
             "unstable": dict(marker="x", ms=2.5, color=C["vermillion"]),
             "marginal": dict(marker="o", ms=10, mfc="none", mec=C["black"], mew=2, zorder=3)}
    labels = {"stable": "stable ($|f'(x^*)| < 1$)", "unstable": "unstable ($|f'(x^*)| > 1$)",
              "marginal": "marginal ($|f'(x^*)| = 1$)"}
    for kind, xy in pts.items():
        if xy:
            xy = np.array(xy)
            ax.plot(xy[:, 0], xy[:, 1], ls="none", label=labels[kind], **style[kind])
    ax.axvline(1.0, color=C["black"], ls=":", lw=1)
    ax.text(1.03, -1.05, "w = 1", fontsize=9)
    ax.set_xlabel("weight $w$")
    ax.set_ylabel("fixed points $x^*$")
    bias = "" if b == 0 else f" {'+' if b > 0 else '-'} {abs(b):g}"
    ax.set_title(f"Fixed points of $x_t = \\tanh(w\\,x_{{t-1}}{bias})$")
    ax.grid(alpha=0.3)
    legend = ax.legend(loc="upper left", fontsize=8)
    for handle in legend.legend_handles:            # dots big enough to see in the key
        if handle.get_marker() in (".", "x"):
            handle.set_markersize(7)
    return ax
