"""Figures of chapter 5's price forecast (many-to-one regression).

- ``plot_price_data``: the synthetic price, the scaled log-returns the network reads,
  one window of inputs and its target;
- ``forecast_explorer``: one test window of 30 prices after another, with the RNN's,
  the linear AR's and the "tomorrow = today" forecasts of day 1.

Both take the :class:`~rnn_lib.problems.Run` that ``problems.price_forecast`` returns.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import problems as pr
from ..interactive import Explorer, Slider
from ..plotting import OKABE_ITO
from .problems import check_run

C = OKABE_ITO

#: the three forecasts of ``problems.price_forecast``: name -> (colour, marker)
FORECAST_STYLE = {
    "RNN": (C["blue"], "o"),
    "linear AR": (C["orange"], "s"),
    "tomorrow = today": (C["green"], "^"),
}


def plot_price_data(run, example: int = 600):
    """The price series of ``run`` and what the network reads: scaled log-returns.

    Top: the price p_t; bottom: u_t = r_t / s, the log-returns divided by their
    standard deviation s on the training days. Shaded grey: the days the test
    windows predict; orange: the window of inputs of example ``example`` (its
    first return is that of day example + 1), and a star at its target, the next
    day's return.

    Returns
    -------
    matplotlib.figure.Figure
    """
    d = check_run(run, ("prices", "scale", "window", "test_start"), "price_forecast")
    prices, s, W = d["prices"], d["scale"], d["window"]
    u = np.diff(np.log(prices)) / s          # u[j]: scaled return into day j+1
    days = np.arange(len(prices))
    first_test_day = d["test_start"] + W + 1  # first day a test window predicts
    i = int(example)
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(7, 4.8), sharex=True,
                                   layout="constrained")
    ax1.plot(days, prices, color=C["blue"], label="price $p_t$")
    ax2.plot(days[1:], u, color=C["blue"], lw=0.6, label="scaled log-return $u_t$")
    for ax in (ax1, ax2):
        ax.axvspan(first_test_day, days[-1], color="0.88", label="test days")
    ax2.axvspan(i + 1, i + W, color=C["orange"], alpha=0.5,
                label=f"one window: {W} inputs")
    ax2.plot(i + W + 1, u[i + W], "*", ms=11, color=C["vermillion"],
             label="its target, the next day")
    ax1.set_title("A synthetic daily price and what the network reads")
    ax1.set_ylabel("price (currency units)")
    ax2.set_ylabel("$u_t = r_t / s$ (std. units)")
    ax2.set_xlabel("day $t$")
    ax2.set_ylim(-4.5, 7)
    ax1.legend(loc="lower left", ncol=1, fontsize=8)
    ax2.legend(loc="upper left", ncol=3, fontsize=8)
    return fig


def forecast_windows(run, n_windows: int = 16) -> np.ndarray:
    """Indices of ``n_windows`` test windows evenly spaced through the test split."""
    n = len(run.data["next_price"])
    return np.unique(np.round(np.linspace(0, n - 1, min(n_windows, n))).astype(int))


def forecast_explorer(run=None, n_windows: int = 16) -> Explorer:
    """One test window of ``problems.price_forecast``: 30 days and three forecasts of day 1.

    ``run`` is what ``problems.price_forecast()`` returns; without it, a quick demo
    run (seed 0, 50 training steps).

    Prices are shown relative to the last day of the window ("today", day 0), in
    percent, 100 (p_d / p_0 - 1), so that one fixed axis fits every window. Left:
    the 30 days d = -29..0, the true price of day 1 and the three forecasts (RNN,
    linear AR on the 30 returns, "tomorrow = today"). Right: a close-up of day 1.
    The status line gives each forecast's absolute error in price units.
    Slider ``window``: ``n_windows`` test windows evenly spaced through the split.
    """
    if run is None:
        run = pr.price_forecast(steps=50)
    data = check_run(run, ("history_prices", "next_price", "pred_price"), "price_forecast")
    H = np.asarray(data["history_prices"], dtype=float)              # (N, window)
    truth = np.asarray(data["next_price"], dtype=float)              # (N,)
    preds = {name: np.asarray(data["pred_price"][name], dtype=float) for name in FORECAST_STYLE}
    today = H[:, -1]
    window = H.shape[1]
    days = np.arange(-window + 1, 1)
    H_rel = 100.0 * (H / today[:, None] - 1.0)                      # (N, window), in %
    truth_rel = 100.0 * (truth / today - 1.0)
    preds_rel = {k: 100.0 * (v / today - 1.0) for k, v in preds.items()}
    idx = forecast_windows(run, n_windows)
    if idx.size < 2:
        raise ValueError("the test split needs at least 2 windows")

    # Fixed limits that hold every window the slider can show.
    shown = np.concatenate([H_rel[idx].ravel(), truth_rel[idx]]
                           + [v[idx] for v in preds_rel.values()])
    lo, hi = float(shown.min()), float(shown.max())
    pad = 0.08 * (hi - lo)
    ylim = (lo - pad, hi + pad)
    day1 = np.concatenate([truth_rel[idx]] + [v[idx] for v in preds_rel.values()])
    zlim = 1.15 * max(float(np.max(np.abs(day1))), 0.1)
    names = list(FORECAST_STYLE)

    def setup(fig):
        ax, az = fig.subplots(1, 2, width_ratios=[2.3, 1])
        ax.axhline(0, color="0.5", lw=0.8, ls=":")
        ax.axvspan(0.5, 1.5, color=C["sky"], alpha=0.12, lw=0)
        (past,) = ax.plot([], [], color=C["black"], lw=1.3, marker=".", ms=4,
                          label="price, days -29..0", animated=True)
        (step,) = ax.plot([], [], color=C["black"], lw=1, ls=":", animated=True)
        (true1,) = ax.plot([], [], "*", color=C["black"], ms=11, label="true day 1",
                           animated=True)
        marks = {}
        for name in names:
            color, marker = FORECAST_STYLE[name]
            (marks[name],) = ax.plot([], [], marker, color=color, ms=7, mfc="none", mew=1.8,
                                     label=name, animated=True)
        ax.set_xlim(days[0] - 0.5, 2.5)
        ax.set_ylim(*ylim)
        ax.set_xlabel("day (0 = today)")
        ax.set_ylabel("price relative to today (%)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7.5, loc="upper left", ncols=2, framealpha=0.9)
        ax.set_title(f"the last {window} days and day 1 (shaded)", fontsize=8.5)

        # close-up of day 1: truth as a dashed line, each forecast with its error bar
        pos = np.arange(1, len(names) + 1)
        az.axhline(0, color="0.5", lw=0.8, ls=":")
        true_line = az.axhline(0, color=C["black"], lw=1.3, ls="--", animated=True,
                               label="true day 1")
        z_marks, z_errs = {}, {}
        for name in names:
            color, marker = FORECAST_STYLE[name]
            (z_marks[name],) = az.plot([], [], marker, color=color, ms=8, mfc="none",
                                       mew=2, animated=True)
            (z_errs[name],) = az.plot([], [], color=color, lw=2, alpha=0.7, animated=True)
        az.set_xticks(pos, ["RNN", "linear\nAR", "tomorrow\n= today"], fontsize=7.5)
        az.set_xlim(0.4, len(names) + 0.6)
        az.set_ylim(-zlim, zlim)
        az.set_ylabel("day 1 relative to today (%)", fontsize=8.5)
        az.tick_params(axis="y", labelsize=8)
        az.grid(alpha=0.3, axis="y")
        az.legend(fontsize=7.5, loc="upper right", framealpha=0.9)
        az.set_title("day 1, close-up\n(bar: error)", fontsize=8.5)

        def update(window):
            i = int(round(window))
            past.set_data(days, H_rel[i])
            step.set_data([0, 1], [0.0, truth_rel[i]])
            true1.set_data([1], [truth_rel[i]])
            true_line.set_ydata([truth_rel[i]] * 2)
            errs = []
            for k, name in zip(pos, names):
                p = preds_rel[name][i]
                marks[name].set_data([1], [p])
                z_marks[name].set_data([k], [p])
                z_errs[name].set_data([k, k], [truth_rel[i], p])
                errs.append(abs(preds[name][i] - truth[i]))
            err = ", ".join(f"{name} {e:.2f}" for name, e in zip(names, errs))
            return f"price today {today[i]:.2f}, on day 1 {truth[i]:.2f}\n|error|: {err}"
        return update

    return Explorer(setup, [
        Slider("window", [float(i) for i in idx], float(idx[len(idx) // 2]), "test window",
               "{:.0f}"),
    ], title="Price forecast for day 1 from the last 30 days", figsize=(7.2, 3.9), colors=32)
