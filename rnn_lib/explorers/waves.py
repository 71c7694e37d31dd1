"""Figures of chapter 5's wave generator (one-to-many).

- ``plot_test_waves``: one test wave of each kind and what the trained network
  writes from its single input;
- ``waveform_explorer``: the wave the network unrolls from one input vector, run
  for longer than it was trained on.

Both take the :class:`~rnn_lib.problems.Run` that ``problems.waveform`` returns.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import datasets as ds
from .. import problems as pr
from ..elman import forward
from ..interactive import Explorer, Slider
from ..plotting import DIVERGED, OKABE_ITO, first_divergence
from .problems import check_run

C = OKABE_ITO


def _num(v: float) -> str:
    """A short number for the status line."""
    if not np.isfinite(v):
        return "inf" if v > 0 else "nan"
    return f"{v:.3f}" if abs(v) < 1e3 else f"{v:.1e}"


def plot_test_waves(run):
    """The first test wave of each kind (solid black) and the RNN's output (dashed).

    The network reads u_0 = v (kind and frequency) and zeros afterwards
    (``problems.one_input``) and writes y_0 .. y_{T-1}, T = run.data["T"].

    Returns
    -------
    matplotlib.figure.Figure
    """
    d = check_run(run, ("inputs", "kinds", "freqs", "Y", "T"), "waveform")
    U = pr.one_input(d["inputs"], d["T"])                    # (T, n, 4)
    Y = forward(run.model, U).Y[:, :, 0]                     # (T, n)
    t = np.arange(d["T"])
    fig, axs = plt.subplots(1, 3, figsize=(8, 2.8), sharey=True, layout="constrained")
    for k, ax in enumerate(axs):
        j = np.flatnonzero(d["kinds"] == k)[0]               # first test wave of kind k
        ax.plot(t, d["Y"][j], color="black", label="target")
        ax.plot(t, Y[:, j], "--", color=C["vermillion"], lw=2, label="RNN output $y_t$")
        ax.set_title(f"{ds.WAVE_KINDS[k]}, f = {d['freqs'][j]:.3f} cycles/step",
                     fontsize=9)
        ax.set_xlabel("time step $t$")
        ax.grid(alpha=0.3)
    axs[0].set_ylabel("output $y_t$")
    axs[0].legend(loc="lower left", fontsize=8)
    return fig


def waveform_explorer(run=None, lengths=(30, 60, 90, 120),
                      freqs=(0.04, 0.055, 0.07, 0.085, 0.1), ylim: float = 1.6) -> Explorer:
    """The wave a one-to-many RNN unrolls from one input, for longer than it was trained.

    ``run`` is what ``problems.waveform()`` returns (trained on T = run.data["T"]
    steps); without it, a quick demo run (seed 0, 100 training steps). For the
    input v = (one-hot kind, scaled frequency) the network gets u_0 = v and u_t = 0
    afterwards, so from step 1 on the state follows x_t = tanh(W_xx x_{t-1} + b_x)
    alone. Top: target wave (dashed) and output y_t
    (solid); the steps beyond the trained length are shaded. Bottom: the size of the
    state's step, ||x_t - x_{t-1}||: it goes to 0 if the state settles at a fixed
    point (the wave dies out) and stays up while the state cycles.
    Sliders: ``kind``, ``freq`` (cycles per step), ``length`` (steps generated);
    the website's static face shows 3 frequencies and 3 lengths of each kind.
    Status line: the mean squared error within and beyond the trained length, and
    whether the state keeps moving. Diverging outputs (|y_t| > 1e6, or non-finite)
    are cut, and the status line says from which step (also when the output leaves
    the plot).
    """
    if run is None:
        run = pr.waveform(steps=100)
    T_train = int(check_run(run, ("T",), "waveform")["T"])
    lengths = [int(n) for n in lengths]
    T_max = max(lengths)
    kinds = list(ds.WAVE_KINDS)
    floor, top = 1e-6, 10.0

    def setup(fig):
        ax, ad = fig.subplots(2, 1, height_ratios=[2.2, 1], sharex=True)
        for a in (ax, ad):
            a.axvspan(T_train - 0.5, T_max, color=C["sky"], alpha=0.15, lw=0)
            a.grid(alpha=0.3)
        ax.text(T_train + 0.5, ylim * 0.97, "beyond the trained length", fontsize=8,
                va="top", color="0.25")
        ax.text(T_train - 1, ylim * 0.97, f"trained: t < {T_train}", fontsize=8, va="top",
                ha="right", color="0.25")
        (target,) = ax.plot([], [], color=C["black"], ls="--", lw=1.3, animated=True,
                            label="target wave")
        (out,) = ax.plot([], [], color=C["blue"], lw=1.8, animated=True,
                         label="RNN output $y_t$")
        ax.set_xlim(0, T_max)
        ax.set_ylim(-ylim, ylim)
        ax.set_ylabel("$y_t$")
        ax.legend(fontsize=8, loc="lower left", ncols=2, framealpha=0.9)

        (dline,) = ad.plot([], [], color=C["vermillion"], lw=1.4, animated=True)
        ad.set_yscale("log")
        ad.set_ylim(floor / 2, top)
        ad.set_xlabel("time step t")
        ad.set_ylabel("state step\n$\\|x_t - x_{t-1}\\|$", fontsize=8.5)
        ad.tick_params(labelsize=8)
        ad.set_title("after $t = 0$ the input is 0: $x_t = \\tanh(W_{xx} x_{t-1} + b_x)$ "
                     "must keep moving on its own", fontsize=8.5)

        def update(kind, freq, length):
            n = int(round(length))
            t = np.arange(n)
            y, X = pr.generate_wave(run.model, kind, freq, n)
            goal = ds.wave(kind, freq, t)
            t_bad = first_divergence(y, DIVERGED)
            shown = np.array(y, dtype=float)
            if t_bad is not None:
                shown[t_bad:] = np.nan
            target.set_data(t, goal)
            out.set_data(t, shown)
            with np.errstate(over="ignore", invalid="ignore"):
                step = np.linalg.norm(np.diff(X, axis=0), axis=1)        # t = 1..n-1
                step = np.where(np.isfinite(step), step, top)
                err2 = (y - goal) ** 2
                m_in = float(np.mean(err2[:T_train]))
                m_out = float(np.mean(err2[T_train:])) if n > T_train else None
            dline.set_data(t[1:], np.clip(step, floor, top))
            text = f"MSE t < {T_train}: {_num(m_in)}, "
            if m_out is None:
                text += f"t ≥ {T_train}: not generated"
            else:
                text += f"t ≥ {T_train}: {_num(m_out)}"
            if t_bad is not None:
                return text + f"\n|y_t| > {DIVERGED:.0e} from t = {t_bad}: the output diverges"
            if m_out is not None:
                with np.errstate(over="ignore", invalid="ignore"):
                    amp = float(np.std(y[T_train:]) / max(np.std(goal[T_train:]), 1e-12))
                late = float(np.median(step[T_train - 1:]))
                moving = "keeps moving" if late > 1e-3 else "settles (fixed point)"
                swing = f"{100 * amp:.0f}%" if amp <= 10 else "over 1000%"    # nan: False
                text += f"\nt ≥ {T_train}: swing {swing} of the target's, state {moving}"
            if np.any(np.abs(y) > ylim):
                first = int(np.nonzero(np.abs(y) > ylim)[0][0])
                text += (f"\n|y_t| > {ylim} from t = {first} (max "
                         f"{_num(float(np.max(np.abs(y))))}): leaves the plot")
            return text
        return update

    f_default = float(freqs[len(freqs) // 2])
    # the static face: 3 x 3 x 3 = 27 frames (the page budget), ends and defaults kept
    f_static = sorted({float(f) for f in freqs[::2]} | {f_default})
    n_static = sorted({float(lengths[0]), float(lengths[1]), float(lengths[-1])})
    return Explorer(setup, [
        Slider("kind", kinds, kinds[0], "wave", "{}"),
        Slider("freq", [float(f) for f in freqs], f_default, "f", "{:.3f}",
               static_values=f_static),
        Slider("length", [float(n) for n in lengths], float(lengths[1]), "steps",
               "{:.0f}", static_values=n_static),
    ], title="A one-to-many RNN generating a wave from one input", figsize=(6.6, 4.4),
        colors=32)
