"""Static figures of chapter 5's problem types, from the runs of ``rnn_lib.problems``.

- ``plot_count_tags``: the running-count tagger (many-to-many, aligned) on a few test
  sequences: the count so far, the true tag and the RNN's tag at every step;
- ``plot_accuracy_by_length``: the encoder-decoder (seq2seq) against the word-by-word
  dictionary, by the number of words in the source;
- ``plot_scene`` and ``plot_scenes``: images of ``datasets.shape_scenes`` with their
  captions (one-to-many, the captioning example);
- ``plot_training_losses``: the training curves of several runs side by side.

The figures of the price forecast, the sentiment classifier and the wave generator
are in ``forecast``, ``sentiment`` and ``waves``. ``check_run`` is their shared check
that a figure was given the run of the right recipe.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import datasets as ds
from .._checks import as_float_array
from ..plotting import CYCLE, LINESTYLES, OKABE_ITO, axes

C = OKABE_ITO


def check_run(run, keys, recipe: str) -> dict:
    """``run.data``, or a clear error if it lacks ``keys`` (the run of another recipe)."""
    data = getattr(run, "data", None)
    missing = list(keys) if not isinstance(data, dict) else [k for k in keys if k not in data]
    if missing:
        raise ValueError(f"run.data lacks {missing}: pass the Run that problems.{recipe}() "
                         "returns")
    return data


# -- many-to-many, aligned: the running count ------------------------------------------------
def plot_count_tags(run, show=(24, 17, 15)):
    """Test sequences of ``problems.running_count``, one panel each, read left to right.

    Rows: the number of "a" seen so far, the true tag and the RNN's tag (tag 1 is
    printed and shaded); the tokens label the time axis.

    Returns
    -------
    matplotlib.figure.Figure
    """
    d = check_run(run, ("sequences", "tags", "predicted", "k"), "running_count")
    show = list(show)
    L_max = max(len(s) for s in d["sequences"])
    fig, axs = plt.subplots(len(show), 1, figsize=(7, 4.4), squeeze=False)
    axs = axs[:, 0]
    fig.subplots_adjust(hspace=0.45)       # (a fixed layout: 126 labels are slow)
    fig.suptitle(f"Tag = 1 once the count of \"a\" reaches k = {d['k']}")
    axs[-1].set_xlabel("token $u_t$ (time step $t$ runs left to right)")
    for ax, i in zip(axs, show):
        seq, tags, pred = d["sequences"][i], d["tags"][i], d["predicted"][i]
        count = np.cumsum([tok == "a" for tok in seq])
        rows = np.array([np.full(len(seq), np.nan), tags, pred])
        ax.imshow(np.ma.masked_invalid(rows), cmap="Blues", vmin=-0.3, vmax=1.3,
                  aspect="auto")
        for t in range(len(seq)):
            for r, value in enumerate([count[t], tags[t], pred[t]]):
                dark = r > 0 and value == 1
                ax.text(t, r, value, ha="center", va="center",
                        color="white" if dark else "black")
        ax.set_xlim(-0.5, L_max - 0.5)                   # the longest test sequence
        ax.set_yticks(range(3), ['"a" so far', "true tag", "RNN tag"])
        ax.set_xticks(range(len(seq)), seq)
        ax.tick_params(length=0)
    return fig


# -- seq2seq: number words -> digits ---------------------------------------------------------
def plot_accuracy_by_length(run, ax=None):
    """Exact match on the test numbers of ``problems.number_words``, by source length.

    Bars: the encoder-decoder and the word-by-word dictionary
    (``datasets.word_by_word_baseline``), each labelled "right / all".

    Returns
    -------
    matplotlib.axes.Axes
    """
    d = check_run(run, ("words", "digits", "predicted"), "number_words")
    words, truth, pred = d["words"], d["digits"], d["predicted"]
    dictionary = [ds.word_by_word_baseline(w) for w in words]
    rnn_ok = np.array([p == t for p, t in zip(pred, truth)])
    dict_ok = np.array([b == t for b, t in zip(dictionary, truth)])
    n_words = np.array([len(w) for w in words])
    sizes = np.arange(1, n_words.max() + 1)
    ax = axes(ax, figsize=(6.4, 3.2))
    for shift, ok, name, colour, hatch in [
            (-0.2, rnn_ok, "RNN encoder-decoder", C["blue"], ""),
            (0.2, dict_ok, "word by word (baseline)", C["orange"], "//")]:
        right = np.array([ok[n_words == n].sum() for n in sizes])
        total = np.array([np.sum(n_words == n) for n in sizes])
        ax.bar(sizes + shift, right / total, width=0.4, color=colour,
               hatch=hatch, edgecolor="black", label=name)
        for n, r, m in zip(sizes, right, total):          # "right / all" on top
            ax.text(n + shift, r / m + 0.02, f"{r}/{m}", ha="center", fontsize=8)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=8)
    ax.set_title("Translation accuracy by source length")
    ax.set_xlabel("number of words in the source")
    ax.set_ylabel("exact match on test numbers")
    ax.set_xticks(sizes)
    ax.set_ylim(0, 1.12)
    ax.grid(axis="y", alpha=0.3)
    return ax


# -- one-to-many: captions of shape scenes ---------------------------------------------------
def plot_scene(image, ax=None, title: str | None = None):
    """Show one ``datasets.shape_scenes`` image (clipped to [0, 1]) without ticks.

    Returns
    -------
    matplotlib.axes.Axes
    """
    image = as_float_array(image, "image", ndim=(3,))
    if image.shape[2] != 3:
        raise ValueError(f"image must have shape (size, size, 3), got {image.shape}")
    ax = axes(ax, figsize=(2.4, 2.4))
    ax.imshow(np.clip(image, 0.0, 1.0), interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_aspect("equal")
    if title is not None:
        ax.set_title(title)
    return ax


def plot_scenes(images, captions):
    """Images of ``datasets.shape_scenes`` side by side, each titled with its caption.

    Returns
    -------
    matplotlib.figure.Figure
    """
    if len(images) != len(captions):
        raise ValueError(f"got {len(images)} images and {len(captions)} captions; "
                         "they must match")
    fig, axs = plt.subplots(1, len(images), figsize=(2.5 * len(images), 2.7),
                            layout="constrained", squeeze=False)
    for ax, image, caption in zip(axs[0], images, captions):
        plot_scene(image, ax=ax)
        ax.set_title(" ".join(caption), fontsize=9)
    return fig


# -- all five side by side ---------------------------------------------------------------------
def plot_training_losses(runs, width: int = 25, ax=None):
    """Training loss of several runs (a moving average over ``width`` steps), log scale.

    ``runs``: a list of (name, Run). A dot marks the step whose parameters each run
    kept (``history["best_step"]``, moved into the averaged curve).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = axes(ax, figsize=(7, 3.8))
    for (name, run), colour, ls in zip(runs, CYCLE, LINESTYLES * 2):
        smooth = np.convolve(run.history["loss"], np.ones(width) / width, "valid")
        steps = np.arange(len(smooth)) + width // 2
        ax.plot(steps, smooth, color=colour, ls=ls, label=name)
        best = min(run.history["best_step"] - width // 2, len(smooth) - 1)
        ax.plot(steps[best], smooth[best], "o", color=colour, mec="black")
    n = " ".join(ds.number_words(len(runs)))               # 5 -> "five"
    ax.set_title(f"Training loss of the {n} models; dots: parameters kept")
    ax.legend(fontsize=8, loc="lower left")
    ax.set_xlabel("training step (one mini-batch each)")
    ax.set_ylabel("training loss (moving average)")
    ax.set_yscale("log")
    return ax
