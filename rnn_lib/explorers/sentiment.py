"""Figures of chapter 5's sentiment classifier (many-to-one classification).

- ``sentiment_explorer``: a review read word by word, with P(positive) after every
  word and the hidden state x_0 .. x_t, from the :class:`~rnn_lib.problems.Run` that
  ``problems.sentiment`` returns;
- ``plot_negation_probe``: how often the RNN gets both reviews of a negation pair
  right, by the number of words between "not" and the sentiment word.
"""
from __future__ import annotations

import numpy as np

from .. import datasets as ds
from .. import problems as pr
from ..interactive import Explorer, Slider
from ..plotting import DIVERGING_CMAP, OKABE_ITO, axes
from .problems import check_run

C = OKABE_ITO


class _WordRow:
    """A row of words, one per column of an Axes, drawn as one cached bitmap.

    Matplotlib renders every glyph of a Text again on every frame, and a row of
    ten words cost more than the rest of the figure. Here each (word, style) is
    rendered once and the row is pasted together in NumPy and shown with one
    AxesImage, pixel for pixel.
    """

    STYLES = {
        "read": dict(color=OKABE_ITO["black"]),
        "unread": dict(color="0.6"),
        "current": dict(color=OKABE_ITO["black"], fontweight="bold",
                        bbox=dict(boxstyle="round,pad=0.25", fc="white",
                                  ec=OKABE_ITO["black"], lw=1.2)),
        "end": dict(color="0.6", fontstyle="italic"),
    }

    def __init__(self, ax, n_columns: int, y: float = 0.4, fontsize: float = 9,
                 rotation: float = 20):
        self.ax, self.n, self.y = ax, n_columns, y
        self.props = dict(fontsize=fontsize, rotation=rotation, rotation_mode="anchor")
        self._bitmaps: dict = {}
        x0, x1 = ax.get_xlim()
        y0, y1 = ax.get_ylim()
        self.image = ax.imshow(np.zeros((1, 1, 4)), extent=(x0, x1, y0, y1), aspect="auto",
                               interpolation="none", animated=True, zorder=3)

    def _bitmap(self, word: str, style: str) -> np.ndarray:
        key = (word, style)
        if key not in self._bitmaps:
            from matplotlib.backends.backend_agg import FigureCanvasAgg
            from matplotlib.figure import Figure
            dpi = self.ax.figure.dpi
            fig = Figure(figsize=(3, 1.5), dpi=dpi)
            FigureCanvasAgg(fig)
            fig.patch.set_alpha(0)
            txt = fig.text(0.5, 0.5, word, ha="center", va="center", **self.props,
                           **self.STYLES[style])
            fig.canvas.draw()
            box = txt.get_window_extent()
            if txt.get_bbox_patch() is not None:
                box = box.union([box, txt.get_bbox_patch().get_window_extent()])
            H = fig.canvas.get_width_height()[1]
            rgba = np.asarray(fig.canvas.buffer_rgba())
            pad = 6                          # the extent of rotated text is not tight
            r0, r1 = max(int(H - box.y1) - pad, 0), int(np.ceil(H - box.y0)) + pad
            c0, c1 = max(int(box.x0) - pad, 0), int(np.ceil(box.x1)) + pad
            # the centre of the text within the crop, in pixels
            cx, cy = 0.5 * fig.bbox.width - c0, H - 0.5 * fig.bbox.height - r0
            self._bitmaps[key] = (rgba[r0:r1, c0:c1].astype(float) / 255.0, cx, cy)
        return self._bitmaps[key]

    def show(self, items) -> None:
        """items: (word, style) per column, from the left; None leaves a column empty."""
        bb = self.ax.get_window_extent()
        w, h = max(int(round(bb.width)), 1), max(int(round(bb.height)), 1)
        row = np.zeros((h, w, 4))
        x0, x1 = self.ax.get_xlim()
        y0, y1 = self.ax.get_ylim()
        for j, item in enumerate(items):
            if item is None:
                continue
            img, cx, cy = self._bitmap(*item)
            left = int(round((j - x0) / (x1 - x0) * w - cx))
            top = int(round((1 - (self.y - y0) / (y1 - y0)) * h - cy))
            a0, b0 = max(top, 0), max(left, 0)
            a1, b1 = min(top + img.shape[0], h), min(left + img.shape[1], w)
            if a1 <= a0 or b1 <= b0:
                continue
            src = img[a0 - top:a1 - top, b0 - left:b1 - left]
            dst = row[a0:a1, b0:b1]
            alpha = src[..., 3:]
            dst[..., :3] = src[..., :3] * alpha + dst[..., :3] * (1 - alpha)
            dst[..., 3:] = alpha + dst[..., 3:] * (1 - alpha)
        self.image.set_data(np.round(255 * row).astype(np.uint8))   # uint8: no colour mapping


def sentiment_explorer(run=None, examples=None) -> Explorer:
    """Read a sentence word by word: P(positive) after each word and the state x_0 .. x_t.

    ``run`` is what ``problems.sentiment()`` returns; without it, a quick demo run
    (seed 0, 100 training steps). ``examples``: a list of
    sentences (token lists, or strings split at spaces; every word must be in the
    run's vocabulary); default: four reviews made from the test reviews
    (``datasets.pick_sentiment_examples``: plain, "not" far back, "A but B" and
    "B but A"). The true label is the data set's rule (``datasets.review_label``).
    Sliders: ``sentence`` and ``word`` t. Top: the words (read ones black, unread
    grey, word t boxed); middle: P(positive) after each word read so far; bottom:
    the hidden state x_0 .. x_t, one row per unit. Past a sentence's end the figure
    holds its final state and its status line says "sentence over".
    ``problems.sentence_trace`` computes what it shows.
    """
    if run is None:
        run = pr.sentiment(steps=100)
    data = check_run(run, ("vocab", "sentences", "labels"), "sentiment")
    vocab = data["vocab"]
    if examples is None:
        picks = ds.pick_sentiment_examples(data["sentences"])
        names = [name for name, _ in picks]
        sents = [list(words) for _, words in picks]
    else:
        sents = [s.split() if isinstance(s, str) else list(s) for s in examples]
        if len(sents) < 2:
            raise ValueError("give at least 2 example sentences")
        if any(len(s) == 0 for s in sents):
            raise ValueError("example sentences must not be empty")
        for s in sents:
            vocab.encode(s)                                          # clear error if unknown
        names = []
        for k, s in enumerate(sents):
            name = " ".join(s)
            name = name if len(name) <= 28 else name[:27] + "…"
            names.append(name if name not in names else f"{k + 1}: {name}")
    truth = [ds.review_label(s) for s in sents]
    traces = [pr.sentence_trace(run.model, vocab, s) for s in sents]
    L_max = max(len(s) for s in sents)
    n_x = traces[0][0].shape[1]
    label_name = {0: "negative", 1: "positive", None: "?"}

    def setup(fig):
        gs = fig.add_gridspec(3, 2, height_ratios=[0.62, 1.3, 2.1], width_ratios=[1, 0.025])
        ax_w = fig.add_subplot(gs[0, 0])
        ax_p = fig.add_subplot(gs[1, 0], sharex=ax_w)
        ax_h = fig.add_subplot(gs[2, 0], sharex=ax_w)
        cax = fig.add_subplot(gs[2, 1])
        for spare in (gs[0, 1], gs[1, 1]):
            fig.add_subplot(spare).axis("off")
        ax_w.set_xlim(-0.5, L_max - 0.5)
        ax_w.set_ylim(0, 1)
        ax_w.axis("off")
        row = _WordRow(ax_w, L_max)

        ax_p.axhline(0.5, color="0.4", ls="--", lw=1)
        ax_p.text(L_max - 0.45, 0.52, "0.5: undecided", fontsize=7, ha="right", va="bottom",
                  color="0.3")
        (pline,) = ax_p.plot([], [], color=C["vermillion"], marker="o", ms=5, lw=1.5,
                             animated=True)
        cursors = [a.axvline(0, color=C["black"], ls=":", lw=1.2, animated=True)
                   for a in (ax_p, ax_h)]
        ax_p.set_ylim(-0.06, 1.06)
        ax_p.set_yticks([0, 0.5, 1])
        ax_p.set_ylabel("P(positive)\nafter word t", fontsize=9)
        ax_p.tick_params(labelbottom=False, labelsize=8)
        ax_p.grid(alpha=0.3)

        # n_x x L_max cells; unread words are masked and show the grey background
        mesh = ax_h.pcolormesh(np.arange(L_max + 1) - 0.5, np.arange(n_x + 1) - 0.5,
                               np.zeros((n_x, L_max)), cmap=DIVERGING_CMAP, vmin=-1, vmax=1,
                               animated=True)
        ax_h.set_facecolor("0.8")
        cb = fig.colorbar(mesh, cax=cax)
        cb.set_label("$x_t$ (state unit value)", fontsize=8.5)
        cb.ax.tick_params(labelsize=7.5)
        ax_h.set_xticks(np.arange(L_max))
        ax_h.set_xlabel("word position t", fontsize=9)
        ax_h.set_ylabel("state unit i", fontsize=9)
        ax_h.tick_params(labelsize=8)
        ax_h.set_title("hidden state $x_0, \\dots, x_t$ (grey: no word read)", fontsize=9)

        def update(sentence, word):
            k = names.index(sentence)
            s, (X, p) = sents[k], traces[k]
            t = int(round(word))
            L = len(s)
            last = min(t, L - 1)
            over = t >= L
            row.show([(s[j], "current" if j == t else "read" if j < t else "unread")
                      if j < L else ("(end)", "end") if j == L else None
                      for j in range(L_max)])
            pline.set_data(np.arange(last + 1), p[:last + 1])
            for c in cursors:
                c.set_xdata([t, t])
            shown = np.full((n_x, L_max), np.nan)
            shown[:, :last + 1] = X[:last + 1].T
            mesh.set_array(np.ma.masked_invalid(shown))
            if over:
                return (f"t = {t}: sentence over ({L} words), P(positive) = {p[-1]:.2f}; "
                        f"true label: {label_name[truth[k]]}")
            return (f"t = {t}, '{s[t]}': P(positive) = {p[t]:.2f}; "
                    f"true label: {label_name[truth[k]]}")
        return update

    return Explorer(setup, [
        Slider("sentence", names, names[0], "sentence", "{}"),
        Slider("word", [float(t) for t in range(L_max)], 0.0, "word t", "{:.0f}"),
    ], title="A sentiment RNN reading a review word by word", figsize=(6.6, 5.0), colors=256)


def plot_negation_probe(gaps, both_right, trained_gap: int = 3, swap=None, ax=None):
    """Both reviews of a negation pair right, by the modifiers between "not" and the word.

    ``both_right`` (runs, len(gaps)): for each trained run (seed) the fraction of
    ``datasets.negation_pairs`` at each gap that it gets both right; bars show the
    median over the runs, dots each run. Gaps beyond ``trained_gap`` (more modifiers
    in a row than training showed) are shaded. ``swap``: optional fractions per run
    for the "A but B" / "B but A" pairs, drawn as one more group at the right.

    Returns
    -------
    matplotlib.axes.Axes
    """
    gaps = np.asarray(gaps, dtype=int)
    R = np.atleast_2d(np.asarray(both_right, dtype=float))
    if R.shape[1] != gaps.size:
        raise ValueError(f"both_right must have one column per gap ({gaps.size}), "
                         f"got shape {R.shape}")
    ax = axes(ax, figsize=(7, 3.2))
    x = np.arange(gaps.size, dtype=float)
    labels = [str(g) for g in gaps]
    groups = [R]
    if swap is not None:
        x = np.append(x, gaps.size + 0.6)
        labels.append("A but B /\nB but A")
        groups.append(np.asarray(swap, dtype=float).reshape(-1, 1))
    values = np.hstack([np.pad(g, ((0, R.shape[0] - g.shape[0]), (0, 0)),
                               constant_values=np.nan) for g in groups])
    beyond = np.flatnonzero(gaps > trained_gap)
    if beyond.size:
        ax.axvspan(beyond[0] - 0.5, gaps.size - 0.5, color="0.9", lw=0,
                   label="more modifiers than in training")
    colours = [C["blue"]] * gaps.size + [C["orange"]] * (len(x) - gaps.size)
    ax.bar(x, np.nanmedian(values, axis=0), width=0.7, color=colours, alpha=0.8,
           edgecolor="black", label="median over the runs")
    for run in values:
        ax.plot(x, run, "o", color=C["black"], ms=4, mfc="white")
    ax.plot([], [], "o", color=C["black"], ms=4, mfc="white", label="one run (seed)")
    ax.set_xticks(x, labels)
    ax.set_xlabel('modifiers between "not" and the sentiment word ("not really so very good")')
    ax.set_ylabel("pairs with both\nreviews right")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=8, loc="lower left", framealpha=0.95)
    ax.set_title("Pairs of reviews that differ in one word or in order: both right?\n"
                 "(a model that cannot tell the two apart gets 0)", fontsize=9.5)
    return ax
