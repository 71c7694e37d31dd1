"""Slider figures of chapter 5's trained models (problem types).

Each factory takes a :class:`~rnn_lib.problems.Run` (what a recipe of
``rnn_lib.problems`` returns) and shows what the trained model does:

- ``forecast_explorer``: many-to-one regression; one test window of 30 prices
  after another, with the RNN's, the linear AR's and the "tomorrow = today"
  forecasts of day 1;
- ``sentiment_explorer``: many-to-one classification; a sentence read word by
  word, with P(positive) after every word and the hidden state x_0 .. x_t;
- ``waveform_explorer``: one-to-many; the wave the network unrolls from one input
  vector, run for longer than it was trained on.

Axis limits are fixed and computed from the data when the figure is made; values
outside them leave the plot and the status line (the sentence that ``update``
returns, shown above the figure) says so.
"""
from __future__ import annotations

import functools

import numpy as np

from .. import datasets as ds
from .. import problems as pr
from ..elman import forward
from ..interactive import Explorer, Slider
from .._checks import as_float_array
from ..plotting import DIVERGED, DIVERGING_CMAP, OKABE_ITO, axes, first_divergence
from ..sequences import one_hot

C = OKABE_ITO

#: the three forecasts of ``problems.price_forecast``: name -> (colour, marker)
FORECAST_STYLE = {
    "RNN": (C["blue"], "o"),
    "linear AR": (C["orange"], "s"),
    "tomorrow = today": (C["green"], "^"),
}


def _need(data: dict, keys, recipe: str) -> None:
    missing = [k for k in keys if k not in data]
    if missing:
        raise ValueError(f"run.data lacks {missing}: pass the Run that problems.{recipe}() "
                         "returns")


def _num(v: float) -> str:
    """A short number for the status line."""
    if not np.isfinite(v):
        return "inf" if v > 0 else "nan"
    return f"{v:.3f}" if abs(v) < 1e3 else f"{v:.1e}"


# ---------------------------------------------------------------------------------------
# many-to-one regression: tomorrow's price
# ---------------------------------------------------------------------------------------
def forecast_windows(run, n_windows: int = 16) -> np.ndarray:
    """Indices of ``n_windows`` test windows evenly spaced through the test split."""
    n = len(run.data["next_price"])
    return np.unique(np.round(np.linspace(0, n - 1, min(n_windows, n))).astype(int))


def forecast_explorer(run, n_windows: int = 16) -> Explorer:
    """One test window of ``problems.price_forecast``: 30 days and three forecasts of day 1.

    Prices are shown relative to the last day of the window ("today", day 0), in
    percent, 100 (p_d / p_0 - 1), so that one fixed axis fits every window. Left:
    the 30 days d = -29..0, the true price of day 1 and the three forecasts (RNN,
    linear AR on the 30 returns, "tomorrow = today"). Right: a close-up of day 1.
    The status line gives each forecast's absolute error in price units.
    Slider ``window``: ``n_windows`` test windows evenly spaced through the split.
    """
    data = run.data
    _need(data, ("history_prices", "next_price", "pred_price"), "price_forecast")
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
        for k, name in zip(pos, names):
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


# ---------------------------------------------------------------------------------------
# many-to-one classification: sentiment, word by word
# ---------------------------------------------------------------------------------------
def sentence_trace(model, vocab, words) -> tuple[np.ndarray, np.ndarray]:
    """States and P(positive) of a sentiment RNN reading one sentence.

    Returns X (L, n_x), X[t] = x_t after the word t, and p (L,), p[t] = P(positive)
    = softmax(W_yx x_t + b_y)[1] as if the sentence ended at word t.
    """
    U = one_hot(vocab.encode(list(words)), len(vocab))               # (L, V)
    tr = forward(model, U, output_activation="softmax")
    return tr.X, tr.Y[:, 1]


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


def sentiment_explorer(run, examples=None) -> Explorer:
    """Read a sentence word by word: P(positive) after each word and the state x_0 .. x_t.

    ``run`` is what ``problems.sentiment()`` returns. ``examples``: a list of
    sentences (token lists, or strings split at spaces; every word must be in the
    run's vocabulary); default: five test sentences (``datasets.pick_sentiment_examples``).
    Sliders: ``sentence`` and ``word`` t. Top: the words (read ones black, unread
    grey, word t boxed); middle: P(positive) after each word read so far; bottom:
    the hidden state x_0 .. x_t, one row per unit. Past a sentence's end the figure
    holds its final state and its status line says "sentence over".
    ``sentence_trace`` computes what it shows.
    """
    data = run.data
    _need(data, ("vocab", "sentences", "labels"), "sentiment")
    vocab = data["vocab"]
    if examples is None:
        picks = ds.pick_sentiment_examples(data["sentences"])
        names = [name for name, _ in picks]
        sents = [list(data["sentences"][i]) for _, i in picks]
        truth = [int(data["labels"][i]) for _, i in picks]
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
        truth = [ds.rule_label(s) for s in sents]
    traces = [sentence_trace(run.model, vocab, s) for s in sents]
    L_max = max(len(s) for s in sents)
    n_x = traces[0][0].shape[1]
    label_name = {0: "negative", 1: "positive", None: "?"}
    grey = "0.6"

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
    ], title="A sentiment RNN reading a sentence word by word", figsize=(6.6, 5.0), colors=256)


# ---------------------------------------------------------------------------------------
# one-to-many: a waveform from one input vector
# ---------------------------------------------------------------------------------------
def generate_wave(model, kind: str, freq: float, length: int):
    """Run the one-to-many RNN for ``length`` steps from v: (Y (length,), X (length, n_x))."""
    U = pr.one_input(ds.wave_input(kind, freq)[None], length)         # (length, 1, n_u)
    tr = forward(model, U)
    return tr.Y[:, 0, 0], tr.X[:, 0]


def waveform_explorer(run, lengths=(30, 60, 90, 120),
                      freqs=(0.04, 0.055, 0.07, 0.085, 0.1), ylim: float = 1.6) -> Explorer:
    """The wave a one-to-many RNN unrolls from one input, for longer than it was trained.

    ``run`` is what ``problems.waveform()`` returns (trained on T = run.data["T"]
    steps). For the input v = (one-hot kind, scaled frequency) the network gets
    u_0 = v and u_t = 0 afterwards, so from step 1 on the state follows
    x_t = tanh(W_xx x_{t-1} + b_x) alone. Top: target wave (dashed) and output y_t
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
    _need(run.data, ("T",), "waveform")
    T_train = int(run.data["T"])
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
            y, X = generate_wave(run.model, kind, freq, n)
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


def plot_scene(image, ax=None, title: str | None = None):
    """Show one ``datasets.shape_scenes`` image (clipped to [0, 1]) without ticks; returns the Axes."""
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


# ---------------------------------------------------------------------------------------
# quick demo models for the frame sweep and the benchmarks
# ---------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _demo_run(recipe: str, steps: int):
    return pr.RECIPES[recipe](steps=steps)


#: every slider figure of this module, built on quickly trained demo models
EXPLORERS = {
    "forecast": lambda: forecast_explorer(_demo_run("price_forecast", 50)),
    "sentiment_steps": lambda: sentiment_explorer(_demo_run("sentiment", 100)),
    "waveform_generation": lambda: waveform_explorer(_demo_run("waveform", 100)),
}
