"""Diagrams of the book, drawn with matplotlib (no copied images).

- ``draw_unrolled_rnn``: the RNN in its folded (recurrent) form and unrolled over
  time, with the same three weight matrices on every step (chapter 3);
- ``draw_conv_sharing``: a 1-D convolution, one kernel slid along the positions
  of a sequence (the article's §3: a CNN shares weights across space);
- ``plot_weight_sharing``: both, one above the other.

Each weight keeps one colour, one line style and one label everywhere it is used,
so that "the same weight" can be read without relying on colour.
"""
from __future__ import annotations

import matplotlib.pyplot as plt
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

from ._checks import as_int
from .plotting import OKABE_ITO

C = OKABE_ITO

#: weight name -> (colour, line style, label); the same on every step
WEIGHT_STYLE = {
    "W_xu": (C["blue"], "--", "$W_{xu}$"),
    "W_xx": (C["vermillion"], "-", "$W_{xx}$"),
    "W_yx": (C["green"], "-.", "$W_{yx}$"),
}
#: fill colours of the three kinds of node (light tints; the text says which is which)
NODE_FILL = {"u": "#DCEFFA", "x": "#FBE3CC", "y": "#D5F0E6"}
BOX_W, BOX_H = 0.9, 0.55


def _box(ax, x, y, text, kind, *, dashed=False, fontsize=13):
    ax.add_patch(FancyBboxPatch((x - BOX_W / 2, y - BOX_H / 2), BOX_W, BOX_H,
                                boxstyle="round,pad=0.02,rounding_size=0.12",
                                fc=NODE_FILL.get(kind, "white"), ec=C["black"], lw=1.1,
                                ls="--" if dashed else "-"))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)


def _arrow(ax, start, end, weight, *, rad=0.0, label_at=0.5, label_offset=(0.0, 0.0),
           fontsize=11, shrink=2.0):
    color, ls, label = WEIGHT_STYLE[weight]
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=12,
                                 color=color, lw=1.6, ls=ls, shrinkA=shrink, shrinkB=shrink,
                                 connectionstyle=f"arc3,rad={rad}"))
    if label_at is not None:
        lx = start[0] + label_at * (end[0] - start[0]) + label_offset[0]
        ly = start[1] + label_at * (end[1] - start[1]) + label_offset[1]
        ax.text(lx, ly, label, color=color, fontsize=fontsize, ha="center", va="center",
                bbox=dict(fc="white", ec="none", pad=0.5, alpha=0.9))


def draw_unrolled_rnn(ax=None, T: int = 4):
    """The RNN folded (left) and unrolled over time steps t = 0..T-1 (right).

    Nodes: inputs u_t (bottom), states x_t (middle), outputs y_t (top), and the
    state before the first input x_{-1}. Arrows: W_xu (input -> state), W_xx
    (state -> next state), W_yx (state -> output); every copy of a weight has the
    same colour, line style and label. Returns the Axes.
    """
    T = as_int(T, "T", minimum=1)
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 3.4), layout="constrained")
    yu, yx, yy = 0.0, 1.6, 3.2
    h2 = BOX_H / 2

    # folded form: one cell with a loop
    fx = 0.6
    _box(ax, fx, yu, "$u_t$", "u")
    _box(ax, fx, yx, "$x_t$", "x")
    _box(ax, fx, yy, "$y_t$", "y")
    _arrow(ax, (fx, yu + h2), (fx, yx - h2), "W_xu", label_offset=(-0.42, 0))
    _arrow(ax, (fx, yx + h2), (fx, yy - h2), "W_yx", label_offset=(-0.42, 0))
    # the loop leaves x_t on the right and comes back: x_t feeds x_{t+1}
    color, ls, _ = WEIGHT_STYLE["W_xx"]
    ax.add_patch(FancyArrowPatch((fx + BOX_W / 2, yx + 0.13), (fx + BOX_W / 2, yx - 0.13),
                                 arrowstyle="-|>", mutation_scale=12, color=color, lw=1.6,
                                 ls=ls, shrinkA=0, shrinkB=0,
                                 connectionstyle="arc,angleA=0,angleB=0,armA=30,armB=30,"
                                                 "rad=9"))
    color, _, label = WEIGHT_STYLE["W_xx"]
    ax.text(fx + 1.3, yx + 0.32, label, color=color, fontsize=11, ha="center",
            va="center")
    ax.text(fx + 1.3, yx - 0.36, "one step\nlater", fontsize=8.5, ha="center",
            va="center", color=C["black"])
    ax.text(fx + 0.3, yy + 0.72, "folded (recurrent)", ha="center", fontsize=11,
            fontweight="bold")

    # "unroll" arrow
    ax.annotate("", xy=(3.25, yx), xytext=(2.5, yx),
                arrowprops=dict(arrowstyle="-|>", lw=2, color="0.35", mutation_scale=16))
    ax.text(2.875, yx + 0.3, "unroll", ha="center", fontsize=10, color="0.25")

    # unrolled form
    x0, dx = 3.85, 1.75
    _box(ax, x0, yx, "$x_{-1}$", "x", dashed=True)
    ax.text(x0, yx - 0.4, "initial\nstate", ha="center", va="top", fontsize=9)
    prev = x0
    for t in range(T):
        cx = x0 + dx * (t + 1)
        _box(ax, cx, yu, f"$u_{t}$", "u")
        _box(ax, cx, yx, f"$x_{t}$", "x")
        _box(ax, cx, yy, f"$y_{t}$", "y")
        _arrow(ax, (cx, yu + h2), (cx, yx - h2), "W_xu", label_offset=(-0.4, 0))
        _arrow(ax, (cx, yx + h2), (cx, yy - h2), "W_yx", label_offset=(-0.4, 0))
        _arrow(ax, (prev + BOX_W / 2, yx), (cx - BOX_W / 2, yx), "W_xx",
               label_offset=(0, 0.27))
        ax.text(cx, yu - 0.4, f"t = {t}", ha="center", va="top", fontsize=10,
                color="0.3")
        prev = cx
    end = prev + BOX_W / 2
    _arrow(ax, (end, yx), (end + 0.7, yx), "W_xx", label_at=None)
    ax.text(end + 0.95, yx, "…", fontsize=14, va="center")
    ax.text((x0 + prev) / 2, yy + 0.72, "unrolled over time: the same three weights "
            "at every step", ha="center", fontsize=11, fontweight="bold")
    ax.set_xlim(-0.35, end + 1.3)
    ax.set_ylim(yu - 1.0, yy + 1.05)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def draw_conv_sharing(ax=None, n: int = 8, kernel=("w_1", "w_2", "w_3")):
    """A 1-D convolution c_i = w_1 u_{i-1} + w_2 u_i + w_3 u_{i+1} over n inputs.

    Every output c_i is connected to its three inputs by the same three kernel
    weights (one colour and line style per weight). Returns the Axes.
    """
    n = as_int(n, "n", minimum=3)
    if len(kernel) != 3:
        raise ValueError(f"draw a kernel of 3 weights, got {len(kernel)}")
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 2.6), layout="constrained")
    yu, yc, dx = 0.0, 1.9, 1.05
    styles = [(C["purple"], "-"), (C["orange"], "--"), (C["sky"], ":")]
    for i in range(n):
        _box(ax, i * dx, yu, f"$u_{i}$", "u")
    for i in range(1, n - 1):
        _box(ax, i * dx, yc, f"$c_{i}$", "conv")
        for k, (color, ls) in zip((-1, 0, 1), styles):
            ax.add_patch(FancyArrowPatch(((i + k) * dx, yu + BOX_H / 2),
                                         (i * dx, yc - BOX_H / 2), arrowstyle="-|>",
                                         mutation_scale=9, color=color, ls=ls, lw=1.3,
                                         shrinkA=1, shrinkB=1))
    # label the kernel once, on the first output
    for k, ((color, _), w) in enumerate(zip(styles, kernel)):
        ax.text((0.5 + 0.5 * k) * dx - 0.28 + 0.28 * k, (yu + yc) / 2 + 0.05,
                f"${w}$", color=color, fontsize=11, ha="center", va="center",
                bbox=dict(fc="white", ec="none", pad=0.4, alpha=0.9))
    ax.text((n - 1) * dx / 2, yc + 0.65, "1-D convolution: one kernel "
            f"$({', '.join(kernel)})$ at every position", ha="center", fontsize=11,
            fontweight="bold")
    ax.text((n - 1) * dx / 2, yu - 0.55,
            "$c_i = w_1 u_{i-1} + w_2 u_i + w_3 u_{i+1}$ sees only 3 inputs;\n"
            "$x_t$ above depends on all of $u_0, \\dots, u_t$",
            ha="center", va="top", fontsize=10.5, linespacing=1.6)
    ax.set_xlim(-0.6, (n - 1) * dx + 0.6)
    ax.set_ylim(yu - 1.35, yc + 0.95)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def plot_weight_sharing(fig=None, T: int = 4):
    """The unrolled RNN (top) above a 1-D convolution (bottom): sharing in time and space.

    Returns the Figure.
    """
    if fig is None:
        fig = plt.figure(figsize=(7.2, 5.6), layout="constrained")
    top, bottom = fig.subplots(2, 1, height_ratios=[1.35, 1])
    draw_unrolled_rnn(top, T=T)
    draw_conv_sharing(bottom)
    return fig


# -- chapter 5: the four problem types --------------------------------------------------
#: node kind -> (face colour, edge colour); unused nodes are grey and dashed
_PT_FILL = {"u": (NODE_FILL["u"], C["blue"]), "x": (NODE_FILL["x"], C["orange"]),
            "y": (NODE_FILL["y"], C["green"]), "off": ("#F2F2F2", "0.6")}


def _pt_node(ax, x, y, text, kind, used=True, fontsize=11):
    """One node: input u = square, state x = rounded box, output y = circle."""
    from matplotlib.patches import Circle, Rectangle
    fc, ec = _PT_FILL[kind if used else "off"]
    ls, color = ("-", C["black"]) if used else ("--", "0.55")
    s = 0.62                                             # side of a square / circle's box
    if kind == "u":
        patch = Rectangle((x - s / 2, y - s / 2), s, s, fc=fc, ec=ec, lw=1.6, ls=ls)
    elif kind == "y":
        patch = Circle((x, y), s / 2 + 0.03, fc=fc, ec=ec, lw=1.6, ls=ls)
    else:
        patch = FancyBboxPatch((x - 0.4, y - 0.28), 0.8, 0.56,
                               boxstyle="round,pad=0.02,rounding_size=0.14", fc=fc, ec=ec,
                               lw=1.6, ls=ls)
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=color)


def _pt_arrow(ax, start, end, weight, used=True, rad=0.0):
    color, ls, _ = WEIGHT_STYLE[weight]
    if not used:
        color, ls = "0.65", ":"
    ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11, color=color,
                                 lw=1.4, ls=ls, shrinkA=1, shrinkB=1,
                                 connectionstyle=f"arc3,rad={rad}"))


def _pt_chain(ax, x0, n, *, inputs, outputs, u_text=None, y_text=None, x_text=None,
              prev=None, dx=1.15, yu=0.0, yx=1.2, yy=2.4):
    """n unrolled steps from x = x0: inputs/outputs are lists of booleans (used?).

    ``prev`` is the x position of a state that feeds the first one (or None).
    Returns the x position of the last state.
    """
    h_u, h_x, h_y = 0.31, 0.28, 0.34
    for t in range(n):
        cx = x0 + t * dx
        ut = u_text[t] if u_text else (f"$u_{t}$" if inputs[t] else "0")
        yt = y_text[t] if y_text else f"$y_{t}$"
        xt = x_text[t] if x_text else f"$x_{t}$"
        small = ut[0] != "$" and len(ut) > 3               # a token such as "<bos>"
        _pt_node(ax, cx, yu, ut, "u", inputs[t], fontsize=7.5 if small else 10)
        _pt_node(ax, cx, yx, xt, "x", True, fontsize=10)
        _pt_node(ax, cx, yy, yt, "y", outputs[t], fontsize=10)
        _pt_arrow(ax, (cx, yu + h_u), (cx, yx - h_x), "W_xu", inputs[t])
        _pt_arrow(ax, (cx, yx + h_x), (cx, yy - h_y), "W_yx", outputs[t])
        if prev is not None:
            _pt_arrow(ax, (prev + 0.4, yx), (cx - 0.4, yx), "W_xx")
        prev = cx
    return prev


def problem_types_figure(ax=None, figsize=(11.0, 3.0)):
    """The four problem types of chapter 5 as unrolled RNNs, one panel each.

    (a) one-to-many (one input u_0, an output at every step: the waveform);
    (b) many-to-one (an input at every step, the output read at the last step:
    price forecast, sentiment); (c) many-to-many, aligned (an input and an output
    at every step: tagging); (d) seq2seq (an encoder reads the inputs, its context
    c starts a decoder that writes an output sequence of another length, reading
    its own previous output: number words -> digits).

    Inputs are squares, states rounded boxes and outputs circles; unused inputs
    and outputs are grey and dashed, so that nothing depends on colour alone.
    ``ax``: a sequence of 4 Axes to draw on (default: a new figure of ``figsize``
    inches with a legend row). Returns the Figure.
    """
    from matplotlib.lines import Line2D
    if ax is None:
        fig = plt.figure(figsize=figsize, layout="constrained")
        axs = fig.subplots(1, 4, width_ratios=[4, 4, 4, 7.4])
        legend = True
    else:
        axs = list(ax)
        if len(axs) != 4:
            raise ValueError(f"give 4 Axes to draw the 4 problem types on, got {len(axs)}")
        fig = axs[0].figure
        legend = False
    yu, yx, yy = 0.0, 1.2, 2.4
    n = 4
    on, off = [True] * n, [False] * n
    _pt_chain(axs[0], 0, n, inputs=[True] + off[1:], outputs=on)
    _pt_chain(axs[1], 0, n, inputs=on, outputs=off[1:] + [True])
    _pt_chain(axs[2], 0, n, inputs=on, outputs=on)
    # seq2seq: encoder of 3 words, decoder of 4 tokens ("three hundred two" -> 3 0 2 <eos>)
    last = _pt_chain(axs[3], 0, 3, inputs=[True] * 3, outputs=[False] * 3,
                     y_text=[""] * 3)
    d0 = last + 1.75
    _pt_chain(axs[3], d0, 4, inputs=[True] * 4, outputs=[True] * 4,
              u_text=["<bos>", "$y_0$", "$y_1$", "$y_2$"],
              x_text=[f"$x^{{\\rm d}}_{s}$" for s in range(4)],
              y_text=[f"$y_{s}$" for s in range(4)])
    color, _, _ = WEIGHT_STYLE["W_xx"]
    axs[3].add_patch(FancyArrowPatch((last + 0.4, yx), (d0 - 0.4, yx), arrowstyle="-|>",
                                     mutation_scale=14, color=C["black"], lw=2.2,
                                     shrinkA=1, shrinkB=1))
    axs[3].text((last + d0) / 2, yx + 0.22, "context c", ha="center", va="bottom",
                fontsize=9.5)
    axs[3].text(d0 + 1.725, yu - 0.5, "reads its previous output", ha="center",
                va="top", fontsize=8.5, color="0.3")
    axs[3].text(1.15, yu - 0.5, "encoder reads the words", ha="center", va="top",
                fontsize=8.5, color="0.3")
    titles = ["(a) one-to-many\nwaveform", "(b) many-to-one\nprice / sentiment",
              "(c) many-to-many (aligned)\ntagging",
              "(d) seq2seq: encoder, then decoder\nnumber words → digits"]
    widths = [(n - 1) * 1.15, (n - 1) * 1.15, (n - 1) * 1.15, d0 + 3 * 1.15]
    for a, title, w in zip(axs, titles, widths):
        a.set_title(title, fontsize=10.5)
        a.set_xlim(-0.6, w + 0.6)
        a.set_ylim(yu - 0.95, yy + 0.5)
        a.set_aspect("equal")
        a.axis("off")
    for a in axs[:3]:
        a.text((n - 1) * 1.15 / 2, yu - 0.5, "time step t →", ha="center", va="top",
               fontsize=8.5, color="0.3")
    if legend:
        def mark(marker, kind, used=True):
            fc, ec = _PT_FILL[kind if used else "off"]
            return Line2D([], [], ls="none", marker=marker, ms=11, mfc=fc, mec=ec, mew=1.6)
        handles = [mark("s", "u"), mark("o", "x"), mark("o", "y"), mark("s", "u", False)]
        handles[1] = Line2D([], [], ls="none", marker="s", ms=13, mfc=_PT_FILL["x"][0],
                            mec=_PT_FILL["x"][1], mew=1.6)
        handles[2] = Line2D([], [], ls="none", marker="o", ms=11, mfc=_PT_FILL["y"][0],
                            mec=_PT_FILL["y"][1], mew=1.6)
        labels = ["input $u_t$ (square)", "state $x_t$ (rounded box)",
                  "output $y_t$ (circle)", "not used (grey, dashed)"]
        for w in ("W_xu", "W_xx", "W_yx"):
            c, ls, lab = WEIGHT_STYLE[w]
            handles.append(Line2D([], [], color=c, ls=ls, lw=1.6))
            labels.append(lab)
        fig.legend(handles, labels, loc="outside lower center", ncols=7, fontsize=9,
                   frameon=False)
    return fig
