"""Sliders that work live in Jupyter and on the static website: one figure, two faces.

A notebook makes an :class:`Explorer` from a ``setup`` function and a list of
:class:`Slider` s, and displays it:

    def setup(fig):                      # called once: make axes and artists
        ax = fig.subplots()
        (line,) = ax.plot(...)
        def update(a, x0):               # called for every slider position
            line.set_ydata(...)
            return f"x* = {...}: converges"    # optional: the status line
        return update

    Explorer(setup, [Slider("a", np.linspace(-1.5, 1.5, 31), 0.5, "a"), ...])

- **Live face** (JupyterLab, Notebook, VS Code, Colab): ipywidgets sliders under an
  image of the figure; moving a slider calls ``update`` and swaps the image in place,
  so nothing stacks or flickers. Only the artists change, so a redraw is one Agg
  render and one fast JPEG encode.
- **Static face** (the built website, no kernel): ``update`` is run for every grid
  point of the static sliders when the notebook executes; the frames go into the page
  with a plain ``<input type="range">`` per slider and a few lines of JavaScript that
  swap the image. A frame is an SVG of the moving lines (``svg_frames``: sharp at any
  zoom, fast to make, small once gzipped) or, for images and for figures whose SVG
  would outgrow the budget, a lossless WebP. Element ids come from a hash of the
  content, so the output is the same on every run.

Which face an output carries: when the book is built, ``_ext/book_build.py`` sets
``RNN_BOOK_STATIC=1`` in the environment that the build's kernels inherit, and the
output carries only the static face (no widget state, no widget JavaScript). In
every other kernel it carries the live widget; ``static_html()`` gives the static
face on demand there too.

The figure's layout is computed once, at the default slider values, and then
frozen: frames keep the same axes, so that moving a slider changes the data and
nothing else. ``update`` functions therefore set fixed axis limits and show values
outside them as diverged (see ``plotting.first_divergence``).

Speed: artists that ``setup`` marks ``animated=True`` are the ones that change. The
rest of the figure (axes, ticks, labels, legends) is rendered once and kept as a
background; each frame restores it and draws only the animated artists (blitting).
A figure with no animated artist is redrawn whole every time.

The status line: ``update`` may return a sentence about the current position (the
regime, a count, an error). Both faces show it as text above the image, not in the
pixels: it stays sharp at any zoom, a screen reader announces it (``aria-live``), it
joins the frame's alt text and printed caption, and it costs no drawing. (Measured:
matplotlib 3.11 draws a 60-character line of text in ~38 ms on this machine, more
than the rest of a frame.)
"""
from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import os
from typing import Callable, NamedTuple, Sequence

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from PIL import Image

from . import svg_frames

#: environment variable that the book build sets (see _ext/book_build.py)
STATIC_ENV = "RNN_BOOK_STATIC"
#: budget for one figure's static frames, in bytes: WebP before base64 (which adds a
#: third in the page), or SVG data URIs as they stand in the page
FRAME_BUDGET = 500_000
#: room kept for the status line in both faces (two lines), so the image does not jump
STATUS_MIN_HEIGHT = "2.6em"


class Slider(NamedTuple):
    """One slider: the keyword it sets, its grid of values, default and label.

    name : str
        Keyword argument of ``update``.
    values : sequence of float
        The positions; the static face precomputes one frame per value.
    default : float
        Start position; must be one of ``values`` (the nearest is taken).
    label : str
        The symbol shown beside the slider, e.g. ``"a"`` or ``"x₀"``.
    fmt : str
        How the current value is printed.
    static_values : sequence of float, optional
        A coarser grid for the static face (to keep its frames within budget);
        default: ``values``. Must contain ``default``.
    """

    name: str
    values: Sequence[float]
    default: float
    label: str
    fmt: str = "{:.2f}"
    static_values: Sequence[float] | None = None

    def grid(self, static: bool = False) -> list:
        """The slider's positions (the static face's with ``static=True``).

        Numbers become floats; a slider over names (e.g. activation functions,
        ``fmt="{}"``) keeps them as they are.
        """
        vals = self.values if not static or self.static_values is None else self.static_values
        vals = list(vals)
        if not any(isinstance(v, str) for v in vals):
            vals = [float(v) for v in vals]
        if len(vals) < 2:
            raise ValueError(f"slider {self.name!r} needs at least 2 values, got {len(vals)}")
        return vals

    def default_index(self, static: bool = False) -> int:
        grid = self.grid(static)
        if isinstance(self.default, str):
            if self.default not in grid:
                raise ValueError(f"slider {self.name!r}: default {self.default!r} is not one of "
                                 f"{grid}")
            return grid.index(self.default)
        return int(np.argmin(np.abs(np.asarray(grid, dtype=float) - float(self.default))))

    def text(self, value) -> str:
        return f"{self.label} = {self.fmt.format(value)}"


def grid(lo: float, hi: float, step: float) -> np.ndarray:
    """Slider positions lo, lo + step, ..., hi, rounded so that 0 and round values
    (e.g. 0.9 on a 0.05 grid) are hit exactly."""
    return np.round(np.arange(lo, hi + step / 2, step), 6)


PRINT_FRAMES = 4


def print_frames(n: int) -> list[int]:
    """Indices of the frames a printed page shows: all of them, or PRINT_FRAMES spread
    evenly from the first to the last."""
    if n <= PRINT_FRAMES:
        return list(range(n))
    return sorted({round(i * (n - 1) / (PRINT_FRAMES - 1)) for i in range(PRINT_FRAMES)})


def _to_webp(rgba: Image.Image, colors: int) -> bytes:
    """Lossless WebP of an RGBA image reduced to ``colors`` colours (0: all).

    Line plots need few colours: measured on a 640x380 line plot, ~10 KiB with 64
    colours against ~25 KiB in full colour, with no visible difference.
    Encoder effort: quality=0 (the least effort of lossless WebP) at method 2. Measured
    over 75 frames of the book's figures: 32 ms a frame (quantizing included) against
    53 ms at the default quality, for 16 % more bytes.
    """
    buf = io.BytesIO()
    img = rgba
    if colors:
        img = img.quantize(colors=colors, method=Image.Quantize.FASTOCTREE).convert("RGBA")
    img.save(buf, format="WEBP", lossless=True, method=2, quality=0)
    return buf.getvalue()


def _data_uri(webp: bytes) -> str:
    return "data:image/webp;base64," + base64.b64encode(webp).decode("ascii")


def _to_jpeg(rgba: Image.Image) -> bytes:
    """The live face's image: JPEG at quality 90 without chroma subsampling.

    Measured on a 750x375 frame: 5 ms to encode against 45 ms for PNG at
    compress_level=1, at the same size (56 KiB), with no colour bleeding on thin
    coloured lines (subsampling=0). The static face stays lossless.
    """
    buf = io.BytesIO()
    rgba.convert("RGB").save(buf, format="JPEG", quality=90, subsampling=0)
    return buf.getvalue()


class Explorer:
    """A matplotlib figure driven by sliders, live in Jupyter and static on the web.

    Parameters
    ----------
    setup : callable fig -> update
        Makes the axes and artists on ``fig`` and returns ``update(**values)``,
        which changes them for one slider position (all sliders' values as keywords).
    sliders : list of Slider
    static : list of str, optional
        Names of the sliders the static face varies (default: all); the others stay
        at their defaults there and the page says so.
    title : str
        Short description, used in the alt text of every frame.
    figsize : (float, float)
        Inches.
    dpi : int
        Resolution of both faces.
    colors : int
        Colours per raster frame (0 keeps full colour, e.g. for heatmaps).
    vector : bool or None
        Frames of the static face as SVG (True) or as lossless WebP (False). None
        (default): SVG when every animated artist is a line, patch or polygon and the
        SVG frames fit in ``FRAME_BUDGET``, else WebP. ``frame_format`` says which.
    """

    def __init__(self, setup: Callable, sliders: Sequence[Slider], *,
                 static: Sequence[str] | None = None, title: str = "",
                 figsize=(6.4, 3.6), dpi: int = 100, colors: int = 64,
                 vector: bool | None = None):
        if not callable(setup):
            raise TypeError("setup must be a callable fig -> update")
        self.sliders = list(sliders)
        if not self.sliders:
            raise ValueError("give at least one Slider")
        names = [s.name for s in self.sliders]
        if len(set(names)) != len(names):
            raise ValueError(f"slider names must differ, got {names}")
        for s in self.sliders:
            if s.grid(True)[s.default_index(True)] != s.grid()[s.default_index()]:
                raise ValueError(f"slider {s.name!r}: default {s.default} must be on both "
                                 "its grid and its static grid")
        self.static = list(names if static is None else static)
        unknown = set(self.static) - set(names)
        if unknown:
            raise ValueError(f"static names {sorted(unknown)} are not sliders; sliders: {names}")
        if vector not in (None, True, False):
            raise ValueError(f"vector must be None (choose), True (SVG) or False (WebP), "
                             f"got {vector!r}")
        self.title = title
        self.vector = vector
        self.dpi = dpi
        self.colors = colors
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        FigureCanvasAgg(self.fig)
        self._update = setup(self.fig)
        if not callable(self._update):
            raise TypeError("setup(fig) must return the update(**values) function")
        #: the status line of the position drawn last ("" if update returns None)
        self.status = ""
        self._apply({})
        self.fig.canvas.draw()                             # lays out at the defaults
        self.fig.set_layout_engine("none")                 # ... and freezes the layout
        self._animated = [a for a in self.fig.findobj(lambda a: a.get_animated())
                          if a is not self.fig]
        # The whole canvas in whole pixels: fig.bbox can be 459.99999 px high, and a
        # region copied with it would leave the top row out.
        w, h = self.fig.canvas.get_width_height()
        self._background = self.fig.canvas.copy_from_bbox(Bbox.from_bounds(0, 0, w, h))
        self._background_pixels = self._pixels()           # what every frame shares
        if vector and not svg_frames.drawable(self._animated):
            raise ValueError("vector=True needs animated artists that are all lines, patches, "
                             "polygons or text; this figure has "
                             f"{sorted({type(a).__name__ for a in self._animated}) or 'none'}")
        self._widget = None
        #: "svg" or "webp": the static frames' format (known once frames() has run)
        self.frame_format = None
        self._frames = None
        self._statuses = None
        self._uris = None                                  # the frames as data URIs
        self._static_html = None

    # -- drawing ------------------------------------------------------------------
    def defaults(self) -> dict:
        return {s.name: s.grid()[s.default_index()] for s in self.sliders}

    def _pixels(self) -> Image.Image:
        w, h = self.fig.canvas.get_width_height()
        return Image.frombuffer("RGBA", (w, h), self.fig.canvas.buffer_rgba(), "raw", "RGBA",
                                0, 1).copy()

    def _apply(self, values: dict) -> None:
        full = self.defaults()
        unknown = set(values) - set(full)
        if unknown:
            raise ValueError(f"unknown slider {sorted(unknown)}; sliders: {sorted(full)}")
        full.update(values)
        status = self._update(**full)
        if status is not None and not isinstance(status, str):
            raise TypeError(f"update(**values) must return None or the status line (a str), "
                            f"got {type(status).__name__}")
        self.status = status or ""

    def render(self, **values) -> Image.Image:
        """Run ``update`` for these slider values and return the figure as RGBA pixels."""
        self._apply(values)
        if self._animated:
            self.fig.canvas.restore_region(self._background)
            for artist in self._animated:
                self.fig.draw_artist(artist)
        else:
            self.fig.canvas.draw()
        return self._pixels()

    def overlay(self, **values) -> Image.Image:
        """Only the animated artists at these values, on a transparent canvas.

        The static face stacks this over the background, which it sends once, so a
        frame holds just the lines and labels that move (measured: about a third of
        the bytes of a whole frame). Without animated artists it is the whole frame.
        """
        if not self._animated:
            return self.render(**values)
        self._apply(values)
        self.fig.canvas.get_renderer().clear()            # transparent
        for artist in self._animated:
            self.fig.draw_artist(artist)
        return self._pixels()

    def live_frame(self, **values) -> bytes:
        """The figure at these values as JPEG bytes: what the live face shows."""
        return _to_jpeg(self.render(**values))

    def alt(self, values: dict, status: str = "") -> str:
        """Alt text of a frame: the title, the slider values and the status line."""
        parts = ", ".join(s.text(values[s.name]) for s in self.sliders)
        text = f"{self.title} ({parts})" if self.title else parts
        return f"{text}: {' '.join(status.split())}" if status else text

    # -- static face ----------------------------------------------------------------
    def static_grid(self) -> list[dict]:
        """Every slider position of the static face, row-major over ``self.static``."""
        varied = [s for s in self.sliders if s.name in self.static]
        base = self.defaults()
        return [dict(base, **{s.name: v for s, v in zip(varied, combo)})
                for combo in itertools.product(*(s.grid(static=True) for s in varied))]

    def frames(self) -> list[bytes]:
        """Every frame of the static grid, in ``static_grid()`` order: SVG text (UTF-8)
        or WebP bytes, as ``frame_format`` says."""
        if self._frames is None:
            vector = None
            if self.vector is not False and svg_frames.drawable(self._animated):
                vector = self._vector_frames()
            if vector is not None:
                self.frame_format = "svg"
                self._frames, self._statuses, self._uris = vector
            else:
                frames, statuses = [], []
                for v in self.static_grid():
                    frames.append(_to_webp(self.overlay(**v), self.colors))
                    statuses.append(self.status)
                self.frame_format = "webp"
                self._frames, self._statuses = frames, statuses
                self._uris = [_data_uri(f) for f in frames]
        return self._frames

    def vector_overlay(self, **values) -> str:
        """Only the animated artists at these values, as an SVG the size of the figure."""
        self._apply(values)
        return svg_frames.render(self.fig, self._animated)

    def _vector_frames(self):
        """SVG frames, statuses and data URIs; None once the URIs outgrow the budget
        (unless ``vector=True``): the figure then falls back to WebP."""
        frames, statuses, uris, total = [], [], [], 0
        for v in self.static_grid():
            svg = self.vector_overlay(**v)
            frames.append(svg.encode())
            statuses.append(self.status)
            uris.append(svg_frames.data_uri(svg))
            total += len(uris[-1])
            if total > FRAME_BUDGET and not self.vector:
                return None
        return frames, statuses, uris

    def statuses(self) -> list[str]:
        """The status line of every frame of the static grid (see ``frames``)."""
        self.frames()
        return self._statuses

    def static_html(self) -> str:
        """The static face: frames, range inputs with labels, and a little JavaScript."""
        if self._static_html is None:
            self._static_html = self._build_static_html()
        return self._static_html

    def _build_static_html(self) -> str:
        grid = self.static_grid()
        frames = self.frames()
        statuses = self.statuses()
        uris = self._uris
        # SVG is counted as it stands in the page; WebP before base64, as before SVG
        total = sum(map(len, uris if self.frame_format == "svg" else frames))
        if total > FRAME_BUDGET:
            raise ValueError(f"static frames take {total} bytes, over the {FRAME_BUDGET}-byte "
                             f"budget of one figure; use fewer grid values or a lower dpi")
        bg_uri = _data_uri(_to_webp(self._background_pixels, self.colors)) if self._animated else ""
        uid = "rnnfig-" + hashlib.sha1("".join(uris + statuses).encode()
                                       + repr(self.sliders).encode()).hexdigest()[:12]
        varied = [s for s in self.sliders if s.name in self.static]
        held = [s for s in self.sliders if s.name not in self.static]
        start = 0
        for s in varied:                                   # row-major index of the defaults
            start = start * len(s.grid(True)) + s.default_index(True)
        w, h = self.fig.canvas.get_width_height()
        controls = []
        for k, s in enumerate(varied):
            vals = s.grid(True)
            i = s.default_index(True)
            controls.append(
                f'<div class="rnnfig-control">'
                f'<label for="{uid}-s{k}">{html.escape(s.label)}</label>'
                f'<input type="range" id="{uid}-s{k}" min="0" max="{len(vals) - 1}" step="1" '
                f'value="{i}" aria-valuetext="{html.escape(s.text(vals[i]))}">'
                f'<output for="{uid}-s{k}" id="{uid}-o{k}">{html.escape(s.text(vals[i]))}</output>'
                f'</div>')
        note = ""
        if held:
            fixed = ", ".join(s.text(s.grid()[s.default_index()]) for s in held)
            note = (f'<p class="rnnfig-note">On this page the figure holds {html.escape(fixed)}; '
                    f'run the notebook to move every slider.</p>')
        meta = {
            "sizes": [len(s.grid(True)) for s in varied],
            "texts": [[s.text(v) for v in s.grid(True)] for s in varied],
            "alts": [self.alt(v, st) for v, st in zip(grid, statuses)],
            "status": statuses,
            "frames": uris,
        }
        # Print: no dead controls; a small multiple of up to PRINT_FRAMES frames spread
        # over the grid instead (their images are filled in by the script below).
        picks = print_frames(len(grid))
        cells = "".join(
            f'<figure class="rnnfig-cell" data-k="{k}"><div class="rnnfig-stack">'
            + (f'<img class="rnnfig-pbg" alt="" width="{w}" height="{h}">' if bg_uri else "")
            + f'<img class="rnnfig-pframe" alt="" width="{w}" height="{h}"></div>'
            f'<figcaption>{html.escape(self.alt(grid[k], statuses[k]))}</figcaption></figure>'
            for k in picks)
        printed = f'<div class="rnnfig-print" aria-hidden="true">{cells}</div>'
        style = (f"#{uid}{{max-width:{w}px;margin:0 0 1em 0}}"
                 f"#{uid} img{{width:100%;height:auto;display:block}}"
                 f"#{uid} .rnnfig-stack{{position:relative}}"
                 f"#{uid} .rnnfig-stack .rnnfig-frame{{position:absolute;left:0;top:0}}"
                 f"#{uid} .rnnfig-control{{display:flex;align-items:center;gap:.6em;"
                 f"margin:.2em 0;font-family:var(--pst-font-family-monospace,monospace)}}"
                 f"#{uid} .rnnfig-control label{{min-width:2.5em;text-align:right;font-weight:600}}"
                 f"#{uid} input[type=range]{{flex:1;min-width:8em}}"
                 f"#{uid} output{{min-width:9em}}"
                 f"#{uid} .rnnfig-note{{font-size:.9em;color:#555;margin:.2em 0}}"
                 f"#{uid} .rnnfig-status{{white-space:pre-line;font-size:.95em;margin:0 0 .2em 0;"
                 f"min-height:{STATUS_MIN_HEIGHT}}}"
                 f"#{uid} .rnnfig-print{{display:none}}"
                 f"#{uid} .rnnfig-stack .rnnfig-pframe{{position:absolute;left:0;top:0}}"
                 f"@media print{{#{uid}{{max-width:100%;break-inside:avoid}}"
                 f"#{uid}>.rnnfig-stack,#{uid}>img.rnnfig-frame,#{uid} .rnnfig-control,"
                 f"#{uid} .rnnfig-status"
                 f"{{display:none}}"
                 f"#{uid} .rnnfig-print{{display:grid;grid-template-columns:1fr 1fr;gap:.3em}}"
                 f"#{uid} .rnnfig-cell{{margin:0;break-inside:avoid}}"
                 f"#{uid} figcaption{{font-size:8pt;text-align:center}}}}")
        script = (
            "(function(){var r=document.getElementById('%s');"
            "var m=JSON.parse(r.querySelector('script[type=\"application/json\"]').textContent);"
            "var ins=r.querySelectorAll('input[type=range]'),img=r.querySelector('img.rnnfig-frame');"
            "var st=r.querySelector('.rnnfig-status');"
            "function show(){var k=0;for(var j=0;j<ins.length;j++){var i=+ins[j].value;"
            "k=k*m.sizes[j]+i;var t=m.texts[j][i];"
            "r.querySelector('#'+ins[j].id.replace(/-s(\\d+)$/,'-o$1')).textContent=t;"
            "ins[j].setAttribute('aria-valuetext',t);}"
            "img.src=m.frames[k];img.alt=m.alts[k];if(st){st.textContent=m.status[k];}}"
            "for(var j=0;j<ins.length;j++){ins[j].addEventListener('input',show);}"
            "var bg=r.querySelector('img.rnnfig-bg');"
            "r.querySelectorAll('.rnnfig-cell').forEach(function(c){"
            "var k=+c.getAttribute('data-k');c.querySelector('.rnnfig-pframe').src=m.frames[k];"
            "var b=c.querySelector('.rnnfig-pbg');if(b&&bg){b.src=bg.src;}});})();" % uid)
        meta_json = json.dumps(meta, separators=(",", ":")).replace("</", "<\\/")
        frame = (f'<img class="rnnfig-frame" src="{html.escape(uris[start])}" '
                 f'alt="{html.escape(self.alt(grid[start], statuses[start]))}" '
                 f'width="{w}" height="{h}">')
        if bg_uri:                                          # moving parts over the rest
            frame = (f'<div class="rnnfig-stack"><img class="rnnfig-bg" src="{bg_uri}" alt="" '
                     f'width="{w}" height="{h}">{frame}</div>')
        status = (f'<p class="rnnfig-status" aria-live="polite">{html.escape(statuses[start])}</p>'
                  if any(statuses) else "")
        return (f'<div class="rnnfig" id="{uid}"><style>{style}</style>' + status + frame
                + "".join(controls) + note + printed
                + f'<script type="application/json">{meta_json}</script>'
                + f'<script>{script}</script></div>')

    # -- live face ------------------------------------------------------------------
    @property
    def widget(self):
        """The live face: an ipywidgets box with the image and one slider per parameter."""
        if self._widget is None:
            import ipywidgets as widgets

            image = widgets.Image(value=self.live_frame(), format="jpeg",
                                  layout=widgets.Layout(max_width="100%", height="auto"))
            status = widgets.HTML(value=self._status_html())
            controls = []
            for s in self.sliders:
                options = [(s.fmt.format(v), v) for v in s.grid()]
                controls.append(widgets.SelectionSlider(
                    options=options, value=s.grid()[s.default_index()], description=s.label,
                    continuous_update=True, style={"description_width": "initial"},
                    layout=widgets.Layout(width="min(100%, 36em)")))

            def on_change(_change):
                image.value = self.live_frame(**{s.name: c.value
                                                 for s, c in zip(self.sliders, controls)})
                status.value = self._status_html()

            for c in controls:
                c.observe(on_change, names="value")
            self._widget = widgets.VBox([status, image, *controls])
            self._widget.image, self._widget.controls = image, controls
            self._widget.status = status
        return self._widget

    def _status_html(self) -> str:
        text = html.escape(self.status).replace("\n", "<br>")
        return f'<div style="min-height:{STATUS_MIN_HEIGHT}">{text}</div>'

    def _repr_mimebundle_(self, include=None, exclude=None):
        text = f"<Explorer: {self.alt(self.defaults())}>"
        if os.environ.get(STATIC_ENV) == "1":
            return {"text/html": self.static_html(), "text/plain": text}
        bundle = self.widget._repr_mimebundle_(include=include, exclude=exclude)
        data = bundle[0] if isinstance(bundle, tuple) else bundle
        data = dict(data or {})
        data["text/plain"] = text
        return data
