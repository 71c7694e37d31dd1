"""Figures of chapter 2: the state as a summary, its memory, and what observations reveal.

Slider figures: the impulse response of x_t = a x_{t-1} + u_t with its half-life,
and the observability of a rotating 2-D state seen through its first coordinate.
Static figures: a sentence read word by word, two histories that a scalar state
cannot tell apart, and an RNN restarted from a stored state.
"""
from __future__ import annotations

import numpy as np

from .. import memory as mem
from ..interactive import Explorer, Slider, grid
from ..plotting import DIVERGING_CMAP, OKABE_ITO, axes, first_divergence, square_axes

C = OKABE_ITO


# ---------------------------------------------------------------------------------------
def _memory_regime(a: float) -> str:
    """One line of plain text on what x_t = a x_{t-1} does with a pulse."""
    h = mem.half_life(a)
    if a == 0:
        return "half-life 0: the pulse is gone after one step"
    if abs(a) < 1:
        flips = ", sign flips each step" if a < 0 else ""
        return f"half-life {h:.1f} steps{flips}"
    if abs(a) == 1:
        return "half-life infinite: the pulse is kept for ever"
    return f"no half-life: |x_t| doubles every {h:.1f} steps"


def impulse_explorer(T: int = 70, ylim: float = 2.2) -> Explorer:
    """Impulse response x_t = a^t of x_t = a x_{t-1} + u_t (u_0 = 1, then 0) and its half-life.

    Left: x_t on a linear axis (values beyond +-``ylim`` are cut and reported);
    right: |x_t| on a log axis, where a^t is a straight line of slope ln |a|.
    The half-life ln 2 / |ln |a|| is marked in both (for |a| > 1 the doubling
    time). Slider ``a`` in [-0.99, 1.05]. Status line: the half-life (or doubling
    time) and, where the left plot cuts the response, from which step.
    """
    t = np.arange(T)
    lo, hi = 1e-4, 60.0

    def setup(fig):
        ax, axl = fig.subplots(1, 2)
        (lin,) = ax.plot([], [], "o-", ms=2.5, lw=1, color=C["blue"], animated=True,
                         label="state $x_t = a^t$")
        (log,) = axl.plot([], [], "o-", ms=2.5, lw=1, color=C["blue"], animated=True)
        marks = []
        for axis in (ax, axl):
            marks.append(axis.axvline(0, color=C["vermillion"], ls="--", lw=1.5,
                                      animated=True))
        (ref_lin,) = ax.plot([], [], ls=":", color=C["black"], lw=1, animated=True)
        ref_log = axl.axhline(0.5, ls=":", color=C["black"], lw=1, animated=True)
        # proxies for one legend of the whole figure
        ax.plot([], [], color=C["vermillion"], ls="--", lw=1.5,
                label="half-life $\\ln 2/|\\ln|a||$ (doubling time if $|a|>1$)")
        ax.plot([], [], ls=":", color=C["black"], lw=1, label="half (or double) the pulse")
        ax.set_xlim(-1, T)
        ax.set_ylim(-ylim, ylim)
        ax.axhline(0, color=C["black"], lw=0.5)
        ax.set_xlabel("time step $t$")
        ax.set_ylabel("state $x_t$")
        ax.set_title("$x_t$ after a pulse $u_0 = 1$", fontsize=10)
        axl.set_yscale("log")
        axl.set_xlim(-1, T)
        axl.set_ylim(lo, hi)
        axl.set_xlabel("time step $t$")
        axl.set_ylabel("$|x_t|$ (log axis)")
        axl.set_title("$|x_t| = |a|^t$: a straight line", fontsize=10)
        for axis in (ax, axl):
            axis.grid(alpha=0.3)
        fig.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False)

        def update(a):
            X = mem.impulse_response(a, T)
            shown = X.copy()
            t_out = first_divergence(X, ylim)
            if t_out is not None:
                shown[t_out:] = np.nan
            lin.set_data(t, shown)
            mod = np.abs(X)
            mod[mod < 1e-300] = np.nan                     # 0 has no place on a log axis
            log.set_data(t, mod)
            h = mem.half_life(a)
            for m in marks:
                m.set_visible(0 < h < T)
                m.set_xdata([h, h])
            level = 0.5 if abs(a) < 1 else 2.0
            ref_lin.set_data([-1, T, np.nan, -1, T], [level, level, np.nan, -level, -level])
            ref_lin.set_visible(abs(a) != 1 and a != 0)
            ref_log.set_ydata([level, level])
            ref_log.set_visible(abs(a) != 1 and a != 0)
            status = _memory_regime(a)
            if t_out is not None:
                status += (f"\n|x_t| > {ylim:g} from t = {t_out} (off the left plot): "
                           "grows without bound")
            elif a == 0:
                status += "\nx_t = 0 from t = 1 (not drawn on the log axis)"
            return status
        return update

    static_a = [-0.99, -0.9, -0.8, -0.6, -0.4, -0.2, 0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8,
                0.85, 0.9, 0.93, 0.95, 0.97, 0.99, 1.0, 1.01, 1.02, 1.03, 1.05]
    return Explorer(setup, [Slider("a", grid(-0.99, 1.05, 0.01), 0.8, "a",
                                   static_values=static_a)],
                    title="Impulse response of x_t = a x_{t-1} + u_t and its half-life",
                    figsize=(7.0, 3.6), colors=32)


# ---------------------------------------------------------------------------------------
def observability_explorer(x0=(0.5, 0.9), T: int = 13, lim: float = 1.6) -> Explorer:
    """Which states x_0 fit k observations of a rotating state seen through one coordinate?

        x_t = R(theta) x_{t-1},   y_t = C x_t = x_{t,1}        (C = [1, 0])

    Observation y_j says C A^j x_0 = y_j: a line in the state plane. One line
    leaves a line of candidates; two crossing lines leave one point. Sliders:
    ``theta`` (degrees, 0..180) and ``k`` (observations used, 1..3). Status line: the
    rank (and condition number) of the observability matrix of the k observations.
    The static face has θ in steps of 15° and at 5° and 175°.
    """
    x0 = np.asarray(x0, dtype=float)
    Cm = np.array([[1.0, 0.0]])
    s = np.linspace(-4, 4, 2)
    ts = np.arange(T)
    colors = [C["blue"], C["orange"], C["green"]]
    styles = ["-", "--", "-."]

    def setup(fig):
        ax, axy = fig.subplots(1, 2, width_ratios=[1, 1.25])
        lines = []
        for j in range(3):
            label = ["states with $C x = y_0$", "states with $C A x = y_1$",
                     "states with $C A^2 x = y_2$"][j]
            lines.append(ax.plot([], [], color=colors[j], ls=styles[j], lw=2,
                                 label=label, animated=True)[0])
        ax.plot(*x0, "*", color=C["black"], ms=13, label="true hidden state $x_0$", zorder=5)
        (found,) = ax.plot([], [], "o", mfc="none", mec=C["vermillion"], mew=2.2, ms=15,
                           label="state solved from $y_0..y_{k-1}$", animated=True)
        square_axes(ax, lim, "$x_{0,1}$ (observed coordinate)",
                    "$x_{0,2}$ (hidden coordinate)")
        ax.set_title("state plane at $t = 0$", fontsize=10)
        X = np.zeros((T, 2))
        (obs_all,) = axy.plot([], [], "o:", mfc="white", color=C["blue"], ms=5, lw=1,
                              label="observation $y_t = x_{t,1}$", animated=True)
        (obs_used,) = axy.plot([], [], "o", color=C["blue"], ms=8,
                               label="observations used", animated=True)
        (hidden,) = axy.plot([], [], "x--", color=C["black"], ms=4, lw=1, alpha=0.6,
                             label="hidden $x_{t,2}$ (never observed)", animated=True)
        axy.set_xlim(-0.5, T - 0.5)
        axy.set_ylim(-1.25, 1.25)
        axy.set_xlabel("time step $t$")
        axy.set_ylabel("value")
        axy.grid(alpha=0.3)
        axy.set_title("$x_t = R(\\theta)\\, x_{t-1}$, $y_t = x_{t,1}$", fontsize=10)
        fig.legend(loc="outside lower center", ncols=3, fontsize=7.5, frameon=False)

        def update(theta, k):
            k = int(round(k))
            A = mem.rotation(np.radians(theta))
            X[0] = x0
            for i in range(1, T):
                X[i] = A @ X[i - 1]
            obs = mem.observability_matrix(A, Cm, 3)
            for j, line in enumerate(lines):
                n = obs[j]                                  # unit normal (C A^j is a row of R^j)
                p = n * X[j, 0]                             # closest point to 0 on the line
                d = np.array([-n[1], n[0]])
                line.set_data(p[0] + s * d[0], p[1] + s * d[1])
                line.set_visible(j < k)
            obs_all.set_data(ts, X[:, 0])
            obs_used.set_data(ts[:k], X[:k, 0])
            hidden.set_data(ts, X[:, 1])
            Ok = obs[:k]
            rank = np.linalg.matrix_rank(Ok)
            if rank == 2:
                x_hat = mem.estimate_state(A, Cm, X[:k, :1])
                found.set_data([x_hat[0]], [x_hat[1]])
                found.set_visible(True)
                return (f"{k} observations: rank 2, condition number "
                        f"{np.linalg.cond(Ok):.1f}; one state fits")
            found.set_visible(False)
            return (f"{k} observation{'s' if k > 1 else ''}: rank 1, "
                    "a whole line of states fits")
        return update

    return Explorer(setup, [
        # the static face: steps of 15°, and 5° and 175°, where the two lines nearly
        # coincide (the question beside the figure asks about them)
        Slider("theta", grid(0, 180, 5), 45.0, "θ", "{:.0f}°",
               static_values=sorted([*grid(0, 180, 15), 5.0, 175.0])),
        Slider("k", [1.0, 2.0, 3.0], 2.0, "k", "{:.0f}"),
    ], title="States consistent with k observations y_t = x_{t,1} of a rotating state",
        figsize=(7.2, 4.0), colors=32)


# ---------------------------------------------------------------------------------------
def plot_reading(words, X, *, features=mem.WORD_FEATURES, ax=None, vmax=1.0, title=None,
                 colorbar: bool = True):
    """Heatmap of the state after each word: one column per word, one row per unit.

    Parameters
    ----------
    words : list of str, length T
    X : ndarray, shape (T, n_x)
        ``X[t]`` is the state after reading ``words[t]``.
    features : list of str, length n_x
        Row names.
    colorbar : bool
        Add a colour bar for the state values beside ``ax``.
    """
    ax = axes(ax, figsize=(3.6, 2.6))
    X = np.asarray(X, dtype=float)
    im = ax.imshow(X.T, cmap=DIVERGING_CMAP, vmin=-vmax, vmax=vmax, aspect="auto",
                   interpolation="nearest")
    for t in range(X.shape[0]):
        for i in range(X.shape[1]):
            ax.text(t, i, f"{X[t, i]:+.2f}", ha="center", va="center", fontsize=9,
                    color="white" if abs(X[t, i]) > 0.6 * vmax else "black")
    ax.set_xticks(range(len(words)),
                  [f'after "{w}"\n$x_{t}$' for t, w in enumerate(words)], fontsize=8)
    ax.set_yticks(range(len(features)), list(features))
    ax.set_ylabel("state unit")
    if colorbar:
        ax.figure.colorbar(im, ax=ax, label="$x_{t,i}$", shrink=0.9)
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def plot_two_histories(a: float = 0.5, a2: float = 0.9, P=(2.0, 0.0), Q=(0.0, 1.0),
                       T: int = 6, axs=None):
    """Two input histories that a scalar state confuses and a 2-D state keeps apart.

    Left: the input plane (u_0, u_1). All pairs on the line a u_0 + u_1 = x_1 leave
    the scalar state x_t = a x_{t-1} + u_t at the same x_1; the 2-D state with
    A = diag(a, a2), B = [1; 1] adds a second line, and the two cross only at the
    true inputs. Right: both states over time (inputs 0 after t = 1).
    """
    import matplotlib.pyplot as plt
    if axs is None:
        _, axs = plt.subplots(1, 2, figsize=(8.2, 3.6), layout="constrained",
                              width_ratios=[1, 1.25])
    axp, axt = axs
    A, B = np.diag([a, a2]), np.ones((2, 1))
    runs = {}
    for name, pair in (("P", P), ("Q", Q)):
        U = np.zeros((T, 1))
        U[:2, 0] = pair
        runs[name] = mem.linear_state(A, B, U)            # unit 0 is the scalar state
    u0 = np.linspace(-1, 3, 2)
    x1 = runs["P"][1]
    axp.plot(u0, x1[0] - a * u0, color=C["blue"], lw=2.2,
             label=f"${a:g}\\,u_0 + u_1 = {x1[0]:g}$ (unit 1 = scalar state)")
    axp.plot(u0, x1[1] - a2 * u0, color=C["orange"], ls="--", lw=2.2,
             label=f"${a2:g}\\,u_0 + u_1 = {x1[1]:g}$ (unit 2)")
    for name, pair, marker in (("P", P, "o"), ("Q", Q, "s")):
        axp.plot(*pair, marker, color=C["black"], ms=8, mfc="white" if name == "Q" else None)
        axp.annotate(f"{name} = ({pair[0]:g}, {pair[1]:g})", pair, xytext=(6, 6),
                     textcoords="offset points", fontsize=9)
    axp.set_xlim(-1, 3)
    axp.set_ylim(-1, 2.5)
    axp.set_xlabel("first input $u_0$")
    axp.set_ylabel("second input $u_1$")
    axp.set_title("input pairs that give history P's $x_1$", fontsize=10)
    axp.grid(alpha=0.3)
    axp.legend(fontsize=7.5, loc="upper right")
    t = np.arange(T)
    # P is drawn wide and pale underneath, Q thin on top: where unit 1 of both
    # coincide (t >= 1) both stay visible
    for name, color, marker, lw, ms, alpha in (("P", C["blue"], "o", 4.5, 9, 0.55),
                                               ("Q", C["vermillion"], "s", 1.5, 5, 1.0)):
        X = runs[name]
        axt.plot(t, X[:, 0], marker + "-", color=color, ms=ms, lw=lw, alpha=alpha,
                 label=f"{name}: unit 1 ($a = {a:g}$)")
        axt.plot(t, X[:, 1], marker + "--", color=color, ms=ms, lw=lw, mfc="white",
                 alpha=alpha, label=f"{name}: unit 2 ($a = {a2:g}$)")
    axt.annotate("unit 1: P and Q meet\nand stay together", xy=(1, 1.0), xytext=(2.15, 0.55),
                 fontsize=8, arrowprops=dict(arrowstyle="->", lw=0.8))
    axt.set_xlabel("time step $t$")
    axt.set_ylabel("state $x_{t,i}$")
    axt.set_ylim(-0.1, 2.3)
    axt.set_title("the two histories in time", fontsize=10)
    axt.grid(alpha=0.3)
    axt.legend(fontsize=7.5, loc="upper right")
    return axs


def plot_restart(X_full, X_stored, X_cold, k: int, unit: int = 0, axs=None):
    """An RNN run over the whole sequence against two restarts at step k.

    Parameters
    ----------
    X_full : ndarray, shape (T, n_x)
        States of the full run.
    X_stored, X_cold : ndarray, shape (T - k, n_x)
        States of runs over u_k..u_{T-1} only, started from the stored x_{k-1}
        and from zeros.
    k : int
        The step at which the restarts begin.
    unit : int
        Which state unit the top panel shows.
    """
    import matplotlib.pyplot as plt
    if axs is None:
        _, axs = plt.subplots(2, 1, figsize=(7.0, 4.6), sharex=True, layout="constrained",
                              height_ratios=[1.4, 1])
    ax, axd = axs
    T = len(X_full)
    t, tr = np.arange(T), np.arange(k, T)
    ax.plot(t, X_full[:, unit], "-", color=C["black"], lw=1.5, label="full run from $t = 0$")
    ax.plot(tr, X_stored[:, unit], "o", color=C["blue"], ms=5, mfc="none", mew=1.5,
            label=f"restart at $t = {k}$ from the stored $x_{{{k - 1}}}$")
    ax.plot(tr, X_cold[:, unit], "s--", color=C["vermillion"], ms=3.5, lw=1,
            label=f"restart at $t = {k}$ from $x = 0$ (past dropped)")
    ax.axvline(k - 0.5, color=C["black"], ls=":", lw=1)
    ax.set_ylabel(f"state unit $x_{{t,{unit + 1}}}$")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2,
              frameon=False)
    gap_cold = np.linalg.norm(X_cold - X_full[k:], axis=1)
    gap_stored = np.linalg.norm(X_stored - X_full[k:], axis=1)
    axd.semilogy(tr, gap_cold, "s--", color=C["vermillion"], ms=3.5, lw=1,
                 label="restart from $x = 0$")
    axd.axvline(k - 0.5, color=C["black"], ls=":", lw=1)
    worst = gap_stored.max()
    axd.text(0.02, 0.1, "restart from the stored state: the gap is exactly 0 at every step"
             if worst == 0 else f"restart from the stored state: largest gap {worst:.1e}",
             transform=axd.transAxes, fontsize=8, color=C["blue"])
    axd.set_xlabel("time step $t$")
    axd.set_ylabel("$\\|x_t - x_t^{\\mathrm{full}}\\|$")
    axd.grid(alpha=0.3)
    axd.legend(fontsize=8, loc="upper right")
    return axs
