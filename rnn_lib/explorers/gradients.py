"""Figures of chapter 4: how gradients flow back through time, explode and are tamed.

Slider figures: the gradient reaching earlier states with its two bounds
(``gradient_flow_explorer``); transient growth of a non-normal matrix
(``non_normal_explorer``); gradient descent on the one-unit model's cliff with and
without clipping (``cliff_explorer``); what truncated BPTT cuts (``truncation_explorer``).
Static figures: a slice through the cliff, one training run step by step
(``plot_training_run``) and the steps needed to learn delayed recall against the lag
(``plot_steps_to_solve``, ``plot_lag_experiment``).
"""
from __future__ import annotations

import numpy as np

from .. import cliff as cl
from .. import gradient_flow as gf
from ..bptt import loss_and_gradients
from ..interactive import Explorer, Slider, grid
from ..plotting import OKABE_ITO, axes

C = OKABE_ITO


def _in_range(y, lo, hi):
    """Copy of y with values outside [lo, hi] (or non-finite) replaced by NaN."""
    y = np.array(y, dtype=float)
    with np.errstate(invalid="ignore"):
        y[~np.isfinite(y) | (y < lo) | (y > hi)] = np.nan
    return y


def _flow_axes(fig, lo, hi, T):
    """The log axes of ||d l_t/d x_k|| against t - k = 0..T-1, with a dotted line at 1."""
    ax = fig.subplots()
    ax.axhline(1.0, color=C["black"], lw=0.8, ls=":")
    ax.set_yscale("log")
    ax.set_xlim(-0.5, T - 0.5)
    ax.set_ylim(lo, hi)
    ax.set_xlabel("steps back from the loss, $t - k$ (loss at the last step $t = T-1$)")
    ax.set_ylabel(r"$\|\partial \ell_t / \partial x_k\|$  (1 at $k = t$)")
    ax.grid(alpha=0.3, which="major")
    return ax


# ---------------------------------------------------------------------------------------
def gradient_flow_explorer(T: int = 50, lo: float = 1e-12, hi: float = 1e12) -> Explorer:
    """||d l_t/d x_k|| against t - k for a loss at the last step, with both bounds.

    Sliders: ``scale`` (the spectral radius of W_xx), ``sigma`` (tanh, sigmoid,
    identity) and ``gain`` (input weights). Static face: scale x sigma, gain held.
    The RNN is ``gradient_flow.flow_problem(scale, gain, np.random.default_rng(0))``.
    """
    base = {}

    def setup(fig):
        ax = _flow_axes(fig, lo, hi, T)
        n = np.arange(T)
        (meas,) = ax.plot([], [], "o-", color=C["blue"], ms=3, lw=1.5, animated=True,
                          label=r"measured $\|\partial \ell_t/\partial x_k\|$")
        (prod,) = ax.plot([], [], "-.", color=C["orange"], lw=2, animated=True,
                          label=r"$\prod_j \|J_j\|$ along the run")
        (power,) = ax.plot([], [], "--", color=C["vermillion"], lw=2, animated=True,
                           label=r"$(\gamma\,\sigma_{\max}(W_{xx}))^{t-k}$")
        fig.legend(loc="outside lower center", ncols=3, fontsize=8, frameon=False)

        def update(scale, sigma, gain):
            key = (scale, gain)
            if key not in base:
                base[key] = gf.flow_problem(scale, gain, np.random.default_rng(0), T=T)
            params, U = base[key]
            f = gf.gradient_flow(params, U, activation=sigma)
            meas.set_data(n, _in_range(f.grad_norm, lo, hi))
            prod.set_data(n, _in_range(f.product_bound, lo, hi))
            power.set_data(n, _in_range(f.power_bound, lo, hi))
            kappa = f.gamma * f.sigma_max
            last = f.grad_norm[-1]
            rate = float(np.exp(np.log(last) / (T - 1))) if 0 < last < np.inf else last
            msgs = [(f"σ = {sigma}   ρ(W_xx) = {f.rho:.2f}   σ_max(W_xx) = {f.sigma_max:.2f}   "
                     f"γ·σ_max = {kappa:.2f}"),
                    f"after {T - 1} steps back: ×{last:.0e}   (×{rate:.2f} per step)"]
            bad_hi = np.nonzero(~(f.grad_norm <= hi))[0]
            bad_lo = np.nonzero(f.grad_norm < lo)[0]
            if bad_hi.size:
                msgs.append(f"> {hi:.0e} from t-k = {bad_hi[0]}")
            if bad_lo.size:
                msgs.append(f"< {lo:.0e} from t-k = {bad_lo[0]}")
            big = np.nonzero(~(np.abs(f.X) <= 1e6).all(axis=1))[0]
            if big.size:
                msgs.append(f"state |x_t| > 1e6 from t = {big[0]}")
            return "\n".join(msgs)                       # the status line(s)
        return update

    scales = np.concatenate([grid(0.1, 3.0, 0.1), grid(3.5, 6.0, 0.5)])
    return Explorer(setup, [
        Slider("scale", scales, 1.0, "ρ(W_xx)",
               static_values=[0.5, 0.8, 0.9, 1.0, 1.1, 1.3, 1.6, 2.0, 3.0, 5.0]),
        Slider("sigma", ["tanh", "sigmoid", "identity"], "tanh", "σ", "{}"),
        Slider("gain", grid(0.0, 3.0, 0.25), 0.5, "input gain"),
    ], static=["scale", "sigma"], title="Gradient reaching earlier states, with its bounds",
        figsize=(6.5, 4.25))


# ---------------------------------------------------------------------------------------
def non_normal_explorer(K: int = 60, lo: float = 1e-3, hi: float = 1e3) -> Explorer:
    """||W^k|| for W = [[lam, c], [0, lam]]: eigenvalues lam, lam, yet transient growth.

    Sliders: ``lam`` (both eigenvalues, so rho(W) = |lam|) and ``c`` (the coupling
    that makes W non-normal; c = 0 gives lam * I). Drawn with the normal matrix of
    the same eigenvalues (lam^k) and the bound sigma_max(W)^k.
    """
    k = np.arange(K + 1)

    def setup(fig):
        ax = fig.subplots()
        ax.axhline(1.0, color=C["black"], lw=0.8, ls=":")
        (nn,) = ax.plot([], [], "o-", color=C["blue"], ms=3, lw=1.5, animated=True,
                        label=r"$\|W^k\|$, $W = [[\lambda, c], [0, \lambda]]$")
        (normal,) = ax.plot([], [], "s--", color=C["green"], ms=2.5, lw=1.2, animated=True,
                            label=r"$\lambda^k$ (normal matrix $\lambda I$, same eigenvalues)")
        (bound,) = ax.plot([], [], ":", color=C["vermillion"], lw=2, animated=True,
                           label=r"bound $\sigma_{\max}(W)^k$")
        ax.set_yscale("log")
        ax.set_xlim(-0.5, K + 0.5)
        ax.set_ylim(lo, hi)
        ax.set_xlabel("number of steps $k$")
        ax.set_ylabel(r"$\|W^k\|_2$ (largest stretch after $k$ steps)")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower left", fontsize=8, framealpha=0.9)

        def update(lam, c):
            W = np.array([[lam, c], [0.0, lam]])
            p = gf.power_norms(W, K)
            smax = gf.largest_singular_value(W)
            nn.set_data(k, _in_range(p, lo, hi))
            normal.set_data(k, _in_range(np.abs(lam) ** k, lo, hi))
            bound.set_data(k, _in_range(gf.power_bound(smax, k), lo, hi))
            peak = int(np.argmax(p))
            above = np.nonzero(p > 1.0)[0]
            last = "–" if not above.size else f"{above[-1]}+" if above[-1] == K else f"{above[-1]}"
            return (f"ρ(W) = {abs(lam):.2f}   σ_max(W) = {smax:.2f}   largest ‖W^k‖ = "
                    f"{p[peak]:.3g} at k = {peak};  > 1 until k = {last}")
        return update

    return Explorer(setup, [
        Slider("lam", grid(0.3, 1.05, 0.05), 0.9, "λ",
               static_values=[0.5, 0.7, 0.8, 0.9, 0.95, 1.0]),
        Slider("c", grid(0.0, 4.0, 0.25), 2.0, "c",
               static_values=[0.0, 0.25, 0.5, 1.0, 2.0, 4.0]),
    ], title="Powers of a non-normal 2x2 matrix", figsize=(6.5, 4.25), colors=32)


# ---------------------------------------------------------------------------------------
#: the cliff figure's view and start
CLIFF_W, CLIFF_B, CLIFF_START = (2.0, 9.0), (-5.0, 0.0), (5.5, -3.0)


def cliff_explorer(steps: int = 100) -> Explorer:
    """Gradient descent on the one-unit model's loss with and without norm clipping.

    Left: log loss over (w, b) with the two paths from the same start; right: the
    loss along each path. Sliders: learning rate and clipping threshold.
    """
    w, b = np.linspace(*CLIFF_W, 241), np.linspace(*CLIFF_B, 241)
    logL = np.log10(cl.one_unit_loss(w[None, :], b[:, None]).loss + 1e-6)   # (b, w) grid
    lrs, cs = grid(0.01, 0.05, 0.005), [0.3, 1.0, 3.0, 10.0]
    # Every path the sliders can show, in one run: for each learning rate, one
    # without clipping and one clipped at each c, all from the star.
    settings = [(lr, c) for lr in lrs for c in [None, *cs]]
    run = cl.descend(cl.one_unit_gradient, np.tile(CLIFF_START, (len(settings), 1)),
                     lr=[lr for lr, _ in settings], clip=[c for _, c in settings], steps=steps)
    losses = cl.one_unit_loss(run.theta[..., 0], run.theta[..., 1]).loss   # (steps + 1, paths)
    column = {(round(lr, 6), c): j for j, (lr, c) in enumerate(settings)}

    def setup(fig):
        ax, axl = fig.subplots(1, 2, width_ratios=[1.25, 1])
        # Filled contours: a few grey levels survive the static face's colour
        # reduction without banding, and the wall shows as a crowding of levels.
        im = ax.contourf(w, b, logL, levels=np.arange(-3.0, 2.51, 0.5), cmap="Greys_r",
                         extend="both")
        fig.colorbar(im, ax=ax, label=r"$\log_{10} L(w, b)$", shrink=0.9)
        ax.plot(*CLIFF_START, "*", color=C["yellow"], mec=C["black"], ms=13, zorder=5)
        (raw,) = ax.plot([], [], "o-", color=C["vermillion"], ms=2.5, lw=1.2, animated=True,
                         label="no clipping")
        (clp,) = ax.plot([], [], "s--", color=C["sky"], ms=2.5, lw=1.2, animated=True,
                         label="norm clipping at c")
        ax.set_xlim(*CLIFF_W)
        ax.set_ylim(*CLIFF_B)
        ax.set_xlabel("recurrent weight $w$")
        ax.set_ylabel("bias $b$")
        fig.suptitle(r"loss $L = \frac{1}{2}(x_{50} - 0.7)^2$ of $x_t = w\,\sigma(x_{t-1}) + b$"
                     r" from $x_0 = 0.5$", fontsize=9)
        s = np.arange(steps + 1)
        (lraw,) = axl.plot([], [], "o-", color=C["vermillion"], ms=2, lw=1, animated=True)
        (lclp,) = axl.plot([], [], "s--", color=C["sky"], ms=2, lw=1, animated=True)
        axl.set_yscale("log")
        axl.set_xlim(-1, steps + 1)
        axl.set_ylim(1e-6, 1e7)
        axl.set_xlabel("gradient-descent step")
        axl.set_ylabel("loss $L$")
        axl.grid(alpha=0.3)
        fig.legend(handles=[raw, clp], loc="outside lower center", ncols=2, fontsize=8,
                   frameon=False)

        def update(lr, c):
            i, j = column[round(lr, 6), None], column[round(lr, 6), c]
            p, q = run.theta[:, i], run.theta[:, j]            # (steps + 1, 2): (w, b)
            raw.set_data(p[:, 0], p[:, 1])
            clp.set_data(q[:, 0], q[:, 1])
            lraw.set_data(s[:len(p)], np.clip(losses[:, i], 1e-6, None))
            lclp.set_data(s[:len(q)], np.clip(losses[:, j], 1e-6, None))
            jp = np.linalg.norm(np.diff(p, axis=0), axis=1)   # length of each step
            jq = np.linalg.norm(np.diff(q, axis=0), axis=1)
            k = int(np.argmax(jp))
            w1, b1 = p[k + 1]
            off = not (CLIFF_W[0] <= w1 <= CLIFF_W[1] and CLIFF_B[0] <= b1 <= CLIFF_B[1])
            thrown = f"; step {k} threw it off the map" if off else ""
            return (f"no clipping: largest step {jp[k]:.2g} at step {k} "
                    f"(|g| = {run.grad_norm[k, i]:.2g}); final L = {losses[-1, i]:.2g}{thrown}\n"
                    f"clipped at c: largest step {jq.max():.2g} (at most lr·c); "
                    f"final L = {losses[-1, j]:.2g}")
        return update

    return Explorer(setup, [
        Slider("lr", lrs, 0.03, "learning rate", "{:.3f}",
               static_values=[0.01, 0.02, 0.03, 0.04, 0.05]),
        Slider("c", cs, 10.0, "clip c", "{:g}"),
    ], title="Gradient descent on the cliff, with and without clipping",
        figsize=(7.5, 3.75), colors=48)


def plot_cliff_slice(w: float = 6.0, b_range=(-4.0, -1.0), ax=None, **model):
    """Loss and |dL/db| along the line w = const through the wall (log scale for |dL/db|).

    The grid is refined around the wall (points at 10^-1 ... 10^-13 from it) so that
    the spike of the gradient, far narrower than any uniform grid, shows.
    """
    ax = axes(ax, figsize=(6.6, 3.4))
    b = np.linspace(*b_range, 1201)
    b_wall = cl.one_unit_wall(w, *b_range, **model)
    d = 10.0 ** -np.arange(1, 14)
    b = np.unique(np.concatenate([b, b_wall - d, b_wall + d, [b_wall]]))
    r = cl.one_unit_loss(w, b, **model)
    ax.plot(b, r.loss, color=C["blue"], lw=1.5, label="loss $L$ (left axis)")
    ax.set_xlabel(f"bias $b$ (with $w = {w:g}$)")
    ax.set_ylabel("loss $L$", color=C["blue"])
    ax.grid(alpha=0.3)
    ax2 = ax.twinx()
    ax2.plot(b, np.abs(r.db), "--", color=C["vermillion"], lw=1.2,
             label=r"$|\partial L/\partial b|$ (right axis, log)")
    ax2.set_yscale("log")
    # Fixed limits: the gradient passes through 0 at the loss's minimum, and an
    # automatic log axis would then span hundreds of decades.
    ax2.set_ylim(1e-2, 10 * float(np.nanmax(np.abs(r.db))))
    ax2.set_ylabel(r"$|\partial L / \partial b|$", color=C["vermillion"])
    ax.axvline(b_wall, color=C["black"], ls=":", lw=1)
    lines = ax.get_lines()[:1] + ax2.get_lines()
    ax.legend(lines, [ln.get_label() for ln in lines], loc="upper left", fontsize=8)
    ax.set_title(f"A slice through the wall at w = {w:g}: the loss jumps at "
                 f"b = {b_wall:.4f}", fontsize=10)
    return ax


# ---------------------------------------------------------------------------------------
def truncation_explorer(T: int = 40, lo: float = 1e-6, hi: float = 1e2) -> Explorer:
    """What truncated BPTT keeps and what it cuts, for a loss at every step.

    Left: ||delta_t|| exact and truncated to window k, and the part that is cut;
    right: the relative error of the whole parameter gradient against k.
    Sliders: window k and the spectral radius of W_xx.
    """
    ks = np.arange(T + 1)
    radii = [0.5, 0.7, 0.9, 1.1, 1.3]
    problems = {r: gf.truncation_problem(r, np.random.default_rng(3), T=T) for r in radii}
    errors = {r: gf.truncation_errors(*problems[r], ks) for r in radii}   # all k at once

    def setup(fig):
        ax, axe = fig.subplots(1, 2, width_ratios=[1.3, 1])
        t = np.arange(T)
        (ex,) = ax.plot([], [], "o-", color=C["blue"], ms=3, lw=1.5, animated=True,
                        label=r"exact $\|\delta_t\|$")
        (tr,) = ax.plot([], [], "s--", color=C["orange"], ms=3, lw=1.5, animated=True,
                        label=r"truncated to $k$ steps")
        (cut,) = ax.plot([], [], "x:", color=C["vermillion"], ms=4, lw=1.2, animated=True,
                         label="the part that is cut")
        ax.set_yscale("log")
        ax.set_xlim(-0.5, T - 0.5)
        ax.set_ylim(lo, hi)
        ax.set_xlabel("time step $t$")
        ax.set_ylabel(r"$\|\delta_t\| = \|\partial L/\partial x_t\|$")
        ax.grid(alpha=0.3)
        ax.legend(loc="lower left", fontsize=7.5, framealpha=0.9)
        (curve,) = axe.plot([], [], "-", color=C["green"], lw=1.5, animated=True)
        (mark,) = axe.plot([], [], "o", color=C["vermillion"], ms=7, animated=True)
        axe.set_yscale("log")
        axe.set_xlim(-0.5, T + 0.5)
        axe.set_ylim(1e-12, 2.0)
        axe.set_xlabel("window $k$ (Jacobians a loss may cross)")
        axe.set_ylabel("relative error of the\nparameter gradient")
        axe.grid(alpha=0.3)

        def update(k, radius):
            k = int(k)
            params, U, target = problems[radius]
            _, g, _ = loss_and_gradients(params, U, target)
            _, gk, _ = loss_and_gradients(params, U, target, truncate=k)
            n_ex = np.linalg.norm(g.dX, axis=-1)
            n_tr = np.linalg.norm(gk.dX, axis=-1)
            n_cut = np.linalg.norm(g.dX - gk.dX, axis=-1)
            ex.set_data(t, _in_range(n_ex, lo, hi))
            tr.set_data(t, _in_range(n_tr, lo, hi))
            cut.set_data(t, _in_range(n_cut, lo, hi))
            e = errors[radius]
            curve.set_data(ks, np.clip(e, 1e-12, None))
            mark.set_data([k], [max(e[k], 1e-12)])
            return f"window k = {k}: the parameter gradient is off by {100 * e[k]:.3g} %"
        return update

    return Explorer(setup, [
        Slider("k", ks, 5, "window k", "{:.0f}",
               static_values=[0, 1, 2, 3, 5, 8, 12, 20, 30, 40]),
        Slider("radius", radii, 0.9, "ρ(W_xx)",
               static_values=[0.5, 0.9, 1.3]),
    ], title="Truncated BPTT: what a window of k steps keeps", figsize=(7.5, 3.75))


# ---------------------------------------------------------------------------------------
def plot_steps_to_solve(results, ax=None, *, label: str = "", color: str = C["blue"],
                        marker: str = "o"):
    """Steps each seed needed to solve delayed recall, against the lag (log axis).

    ``results`` is a sequence of ``tasks.Solved``, one per lag. One dot per seed; a
    seed that did not solve the task within its budget is drawn at the budget as an
    open triangle; the line joins the medians (a failure counting as infinitely many
    steps). Call it again on the same Axes to add another model or optimizer.
    """
    ax = axes(ax, figsize=(5.2, 3.6))
    lags = np.array([r.lag for r in results])
    rng = np.random.default_rng(0)                      # a little jitter, the same every time
    for r in results:
        jitter = r.lag * (1 + 0.04 * rng.uniform(-1, 1, len(r.steps)))
        ok = np.isfinite(r.steps)
        ax.plot(jitter[ok], r.steps[ok], marker, color=color, ms=5, alpha=0.55, mec="none")
        if not ok.all():
            ax.plot(jitter[~ok], np.full((~ok).sum(), r.budget), "^", mfc="none", mec=color,
                    ms=7, mew=1.5)
        ax.axhline(r.budget, color=C["black"], ls=":", lw=0.8)
    med = np.array([r.median for r in results])
    finite = np.isfinite(med)
    ax.plot(lags[finite], med[finite], "-", color=color, lw=2, marker=marker, ms=7,
            label=f"median of the seeds{', ' + label if label else ''}")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xticks(lags, [str(k) for k in lags])
    ax.minorticks_off()
    ax.set_xlabel("lag $L$ (steps between the cue and the answer)")
    ax.set_ylabel("training steps to solve\n(first 95 % on held-out sequences)")
    ax.grid(alpha=0.3, which="major")
    budget = max(r.budget for r in results)
    ax.text(lags[0], budget * 0.8, f"budget: {budget} steps", fontsize=8, va="top")
    ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    return ax


def plot_lag_experiment(results, reach, *, fig=None):
    """Left: steps to solve against the lag (``plot_steps_to_solve``); right: the
    gradient that reaches the cue before training, against the lag.

    ``reach`` (len(results),) is ||dl/dx_0|| / ||dl/dx_L|| at initialisation (e.g. a
    geometric mean over sequences and seeds). Both axes are logarithmic, so the
    right panel's fall and the left panel's rise can be compared decade by decade.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if fig is None:
        fig = plt.figure(figsize=(8.6, 3.6), layout="constrained")
    ax, ax2 = fig.subplots(1, 2, width_ratios=[1.2, 1])
    plot_steps_to_solve(results, ax)
    ax.set_title("Training steps needed (one dot per seed)", fontsize=10)
    lags = np.array([r.lag for r in results])
    ax2.plot(lags, reach, "s--", color=C["vermillion"], ms=6, lw=1.5)
    ax2.set_xscale("log")
    ax2.set_yscale("log")
    ax2.set_xticks(lags, [str(k) for k in lags])
    ax2.minorticks_off()
    ax2.set_xlabel("lag $L$")
    ax2.set_ylabel(r"$\|\partial \ell/\partial x_0\| \,/\, \|\partial \ell/\partial x_L\|$")
    ax2.set_title("Gradient reaching the cue, before training", fontsize=10)
    ax2.grid(alpha=0.3, which="major")
    return fig


def plot_training_run(history, *, clip: float | None = None, fig=None):
    """One training run in three rows against the step, and its gradient norms.

    Left, sharing the step axis: the loss at every step; the metric recorded by
    ``train`` (here the spectral radius of W_xx, with 1 marked); the gradient norm
    before clipping (log axis) with the threshold ``clip``. Right: the histogram of
    those norms (log bins), with ``clip`` and the share of steps at or below it.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    if fig is None:
        fig = plt.figure(figsize=(8.6, 4.8), layout="constrained")
    left, right = fig.subfigures(1, 2, width_ratios=[1.5, 1])
    ax_l, ax_r, ax_g = left.subplots(3, 1, sharex=True)
    loss, norms = np.asarray(history["loss"]), np.asarray(history["grad_norm"])
    steps = np.arange(len(loss))
    ax_l.plot(steps, loss, color=C["blue"], lw=0.6)
    ax_l.set_ylabel("loss")
    ax_l.set_ylim(0, max(1.0, float(np.quantile(loss, 0.99))))
    ax_r.plot(history["metric_step"], history["metric"], color=C["green"], lw=1.5)
    ax_r.axhline(1.0, color=C["black"], ls=":", lw=1)
    ax_r.set_ylabel(r"$\rho(W_{xx})$")
    ax_g.plot(steps, norms, color=C["vermillion"], lw=0.6)
    ax_g.set_yscale("log")
    ax_g.set_ylabel(r"$\|g\|$ before clipping")
    ax_g.set_xlabel("training step")
    for ax in (ax_l, ax_r, ax_g):
        ax.grid(alpha=0.3)
    ax_h = right.subplots()
    bins = np.logspace(np.log10(norms.min()), np.log10(norms.max()), 40)
    ax_h.hist(norms, bins=bins, color=C["sky"], edgecolor=C["blue"], lw=0.5)
    ax_h.set_xscale("log")
    ax_h.set_xlabel(r"gradient norm $\|g\|$ (log bins)")
    ax_h.set_ylabel("number of steps")
    ax_h.grid(alpha=0.3)
    if clip is not None:
        share = float(np.mean(norms <= clip))
        ax_g.axhline(clip, color=C["black"], ls="--", lw=1.2)
        ax_h.axvline(clip, color=C["black"], ls="--", lw=1.2)
        ax_h.text(clip * 1.1, 0.95, f"c = {clip:g}\n{share:.0%} of steps\nat or below",
                  transform=ax_h.get_xaxis_transform(), fontsize=8, va="top")
    ax_h.set_title("Gradient norms of every step", fontsize=10)
    left.suptitle("One run, step by step", fontsize=10)
    return fig
