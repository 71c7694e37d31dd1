"""Figures of chapter 6, first half: how a leak and a gate let the gradient reach further.

Slider figures: the gradient reaching earlier states of a leaky unit, with chapter 4's
two bounds (``leaky_reach_explorer``); what the GRU's update gate does to it
(``update_gate_explorer``). Static figure: training steps needed against the lag for
several units (``plot_race``).
"""
from __future__ import annotations

import numpy as np

from .. import gradient_flow as gf
from .. import gru, leaky
from ..interactive import Explorer, Slider, grid
from ..plotting import OKABE_ITO, axes
from .gradients import _flow_axes, _in_range

C = OKABE_ITO
#: the length of the runs in both slider figures (steps back that are shown)
T_FLOW = 100


def _reach(norms, floor: float) -> str:
    """'after k steps' for the first k back where the norm is below ``floor``, else
    'not within T - 1 steps'."""
    below = np.nonzero(~(norms >= floor))[0]
    return f"after {below[0]} steps" if below.size else f"not within {len(norms) - 1} steps"


# ---------------------------------------------------------------------------------------
def leaky_reach_explorer(lo: float = 1e-12, hi: float = 1e6) -> Explorer:
    """||d l_t/d x_k|| of a leaky unit against t - k, with chapter 4's two upper bounds
    and the leak's lower bound ((1 - alpha) - alpha gamma sigma_max)^(t-k), drawn where
    its base is positive.

    Sliders: ``alpha`` (the leak rate; 1 is the Elman RNN) and ``rho`` (the spectral
    radius of W_xx). The network is chapter 4's ``gradient_flow.flow_problem(rho, 0.5,
    np.random.default_rng(0))`` (16 tanh units, 4 inputs, input gain 0.5), run for
    ``T_FLOW`` steps; the Elman RNN (alpha = 1) with the same weights is drawn in grey.
    """
    problems = {}

    def setup(fig):
        ax = _flow_axes(fig, lo, hi, T_FLOW)
        n = np.arange(T_FLOW)
        (elman,) = ax.plot([], [], "-", color=C["black"], lw=1, alpha=0.45, animated=True,
                           label=r"Elman RNN ($\alpha = 1$), measured")
        (meas,) = ax.plot([], [], "o-", color=C["blue"], ms=2.5, lw=1.5, animated=True,
                          label=r"leaky unit, measured")
        (prod,) = ax.plot([], [], "-.", color=C["orange"], lw=2, animated=True,
                          label=r"$\prod_j \|J_j\|$ along the run")
        (power,) = ax.plot([], [], "--", color=C["vermillion"], lw=2, animated=True,
                           label=r"$((1-\alpha) + \alpha\gamma\sigma_{\max})^{t-k}$")
        (floor,) = ax.plot([], [], ":", color=C["green"], lw=2.2, animated=True,
                           label=r"$((1-\alpha) - \alpha\gamma\sigma_{\max})^{t-k}$"
                                 r" (lower bound)")
        fig.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)

        def update(alpha, rho):
            if rho not in problems:
                problems[rho] = gf.flow_problem(rho, 0.5, np.random.default_rng(0), T=T_FLOW)
            params, U = problems[rho]
            f = leaky.gradient_flow(params, U, alpha=alpha)
            if ("elman", rho) not in problems:
                problems["elman", rho] = leaky.gradient_flow(params, U, alpha=1.0)
            ref = problems["elman", rho]
            elman.set_data(n, _in_range(ref.grad_norm, lo, hi))
            meas.set_data(n, _in_range(f.grad_norm, lo, hi))
            prod.set_data(n, _in_range(f.product_bound, lo, hi))
            power.set_data(n, _in_range(f.power_bound, lo, hi))
            eta = (1 - alpha) + alpha * f.gamma * f.sigma_max
            base = (1 - alpha) - alpha * f.gamma * f.sigma_max    # no floor when <= 0
            floor.set_data(n, _in_range(base ** n if base > 0 else np.full(T_FLOW, np.nan),
                                     lo, hi))
            keeps = (f"between {base:.3f} and {eta:.3f}" if base > 0
                     else f"at most {eta:.3f} (no floor)")
            return (f"α = {alpha:g}, ρ(W_xx) = {f.rho:.2f}: per step a gradient keeps "
                    f"{keeps} of its length\n"
                    f"gradient < 10⁻³: {_reach(f.grad_norm, 1e-3)} (Elman RNN: "
                    f"{_reach(ref.grad_norm, 1e-3)}); {T_FLOW - 1} steps back: "
                    f"×{f.grad_norm[-1]:.1e}")
        return update

    alphas = [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 1.0]
    return Explorer(setup, [
        Slider("alpha", alphas, 0.1, "α", "{:g}", static_values=[0.05, 0.1, 0.2, 0.5, 1.0]),
        Slider("rho", grid(0.5, 3.0, 0.1), 0.9, "ρ(W_xx)",
               static_values=[0.5, 0.9, 1.0, 1.3, 2.0, 3.0]),
    ], title="Gradient reaching earlier states of a leaky unit", figsize=(6.5, 4.4))


# ---------------------------------------------------------------------------------------
def gru_flow_problem(bias: float, scale: float = 1.0, T: int = T_FLOW):
    """The GRU of ``update_gate_explorer`` and the T inputs it reads.

    ``gru.init_params(16, 4, 1, np.random.default_rng(0))`` with every weight times
    ``scale`` and ``bias`` added to b_zu; inputs standard normal from the same generator.

    Returns
    -------
    params : gru.Params
    U : ndarray, shape (T, 4)
    """
    rng = np.random.default_rng(0)
    base = gru.init_params(16, 4, 1, rng)
    p = gru.Params(*(scale * a for a in base))
    return p._replace(b_zu=p.b_zu + bias), rng.standard_normal((T, 4))


def update_gate_explorer(lo: float = 1e-12, hi: float = 1e6) -> Explorer:
    """||d l_t/d x_k|| of a GRU against t - k as its update gates open or close.

    Sliders: ``bias`` (added to every update-gate bias b_zu: z_t starts near
    sigmoid(bias)) and ``scale`` (all of the GRU's weights times this). The GRU has 16
    units and 4 inputs (``gru_flow_problem``). Drawn: the measured norm, chapter 4's
    trajectory bound and the part the update gates alone carry back.
    """
    runs = {}

    def setup(fig):
        ax = _flow_axes(fig, lo, hi, T_FLOW)
        n = np.arange(T_FLOW)
        (meas,) = ax.plot([], [], "o-", color=C["blue"], ms=2.5, lw=1.5, animated=True,
                          label="GRU, measured")
        (carry,) = ax.plot([], [], "--", color=C["green"], lw=2, animated=True,
                           label=r"the gates alone: $\|(z_t \odot \cdots \odot z_{k+1})"
                                 r" \odot \partial \ell_t/\partial x_t\|$")
        (prod,) = ax.plot([], [], "-.", color=C["orange"], lw=2, animated=True,
                          label=r"$\prod_j \|J_j\|$ along the run")
        fig.legend(loc="outside lower center", ncols=2, fontsize=8, frameon=False)

        def update(bias, scale):
            if (bias, scale) not in runs:
                runs[bias, scale] = gru.gradient_flow(*gru_flow_problem(bias, scale))
            f = runs[bias, scale]
            meas.set_data(n, _in_range(f.grad_norm, lo, hi))
            carry.set_data(n, _in_range(f.carried, lo, hi))
            prod.set_data(n, _in_range(f.product_bound, lo, hi))
            z = f.update
            return (f"update gates z_t: mean {z.mean():.2f}, from {z.min():.2f} to "
                    f"{z.max():.2f} (1 − z_t plays the leak rate α)\n"
                    f"gradient < 10⁻³: {_reach(f.grad_norm, 1e-3)}; {T_FLOW - 1} steps back: "
                    f"×{f.grad_norm[-1]:.1e}")
        return update

    return Explorer(setup, [
        Slider("bias", grid(-4.0, 6.0, 0.5), 0.0, "update-gate bias b", "{:+g}",
               static_values=[-2.0, 0.0, 1.0, 2.0, 3.0, 4.0, 6.0]),
        Slider("scale", [0.5, 1.0, 2.0, 4.0, 8.0], 1.0, "weight scale", "{:g}",
               static_values=[1.0, 4.0]),
    ], title="What the GRU's update gate does to the gradient", figsize=(6.5, 4.4))


# ---------------------------------------------------------------------------------------
def plot_race(results: dict, budget: int, ax=None):
    """Training steps each unit needed to solve delayed recall, against the lag.

    Parameters
    ----------
    results : dict name -> list of tasks.Solved
        One ``Solved`` per lag, all with the same seeds and budget.
    budget : int
        The most steps a run had; a run that did not solve the task is drawn above it.

    One marker per seed (a failure at "not solved"), a line through the medians (a
    median that is a failure ends the line).
    """
    ax = axes(ax, figsize=(6.6, 4.2))
    styles = ["o", "s", "^", "D", "v", "P"]
    colors = [C["black"], C["blue"], C["orange"], C["green"], C["vermillion"], C["purple"]]
    fail = 1.45 * budget
    for i, (name, solved) in enumerate(results.items()):
        lags = np.array([s.lag for s in solved])
        offset = (i - (len(results) - 1) / 2) * 0.04           # spread the units' markers
        for s in solved:                                      # failures: one above another
            y = np.where(np.isfinite(s.steps), s.steps,
                         fail * 1.12 ** np.arange(s.steps.size))
            ax.plot(np.full(y.size, s.lag * np.exp(offset)), y, styles[i % 6],
                    color=colors[i % 6], ms=5, alpha=0.6, mec="none")
        med = np.array([s.median for s in solved])
        shown = np.where(np.isfinite(med), med, np.nan)
        ax.plot(lags * np.exp(offset), shown, "-" + styles[i % 6], color=colors[i % 6],
                lw=1.8, ms=6, label=name)
    ax.axhspan(budget, 3 * budget, color=C["black"], alpha=0.07, lw=0)
    ax.axhline(budget, color=C["black"], ls=":", lw=1)
    ax.text(0.01, budget * 1.06, f"budget: {budget} steps; above it: not solved",
            transform=ax.get_yaxis_transform(), ha="left", va="bottom", fontsize=9)
    ax.set_xscale("log")
    ax.set_yscale("log")
    all_lags = sorted({s.lag for solved in results.values() for s in solved})
    ax.set_xticks(all_lags, [str(k) for k in all_lags])
    ax.minorticks_off()
    ax.set_ylim(10, 3 * budget)
    ax.set_xlabel("lag $L$ (steps between the cue and the answer)")
    ax.set_ylabel("training steps to 95% accuracy\n(median line, one marker per seed)")
    ax.grid(alpha=0.3)
    ax.figure.legend(loc="outside lower center", ncols=3, fontsize=9, frameon=False)
    return ax
