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

    Explorer(setup, [Slider("a", grid(-1.5, 1.5, 0.1), 0.5, "a"), ...])

- **Live face** (JupyterLab, Notebook, VS Code, Colab): ipywidgets sliders under an
  image of the figure; moving a slider calls ``update`` and swaps the image in place.
- **Static face** (the built website, no kernel): ``update`` runs for every grid point
  of the static sliders when the notebook executes; the page gets the frames, a plain
  ``<input type="range">`` per slider and a few lines of JavaScript that swap them
  (``templates/static_face.*``). A frame is an SVG of the moving artists
  (``svg_frames``), or a lossless WebP for images and for SVG over the budget. Element
  ids are a hash of the content: same figure, same bytes.

Which face an output carries: the book build (``_ext/book_build.py``) sets
``RNN_BOOK_STATIC=1`` for its kernels, and outputs then carry only the static face (no
widget state). Every other kernel gets the live widget; ``static_html()`` gives the
static face on demand.

The layout is computed once, at the defaults, and frozen: moving a slider changes the
data and nothing else, so ``update`` sets fixed axis limits and shows values outside
them as diverged. Artists that ``setup`` marks ``animated=True`` are the ones that
change; the rest is drawn once as a background, and each frame draws only them over it.

The status line that ``update`` may return (the regime, a count, an error) is text
above the image, not pixels: sharp, read out (``aria-live``), part of each frame's alt
text and printed caption, and free to draw (matplotlib takes ~38 ms a line of text).
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import html
import io
import itertools
import json
import os
from typing import Callable, NamedTuple, Sequence

import numpy as np
from jinja2 import Environment, PackageLoader
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from PIL import Image

from . import svg_frames

#: environment variable that the book build sets (see _ext/book_build.py)
STATIC_ENV = "RNN_BOOK_STATIC"
#: budget for one figure's static frames, in bytes: their data URIs gzipped, as a web
#: server sends the page (base64 WebP gzips back to about its raw size; SVG text ~1/8)
FRAME_BUDGET = 500_000
#: room kept for the status line in both faces (two lines), so the image does not jump
STATUS_MIN_HEIGHT = "2.6em"
#: the static face's HTML, CSS and JavaScript (rnn_lib/templates/static_face.*)
_TEMPLATES = Environment(loader=PackageLoader("rnn_lib", "templates"), autoescape=True,
                         trim_blocks=True, lstrip_blocks=True)


def gzip_size(texts: Sequence[str]) -> int:
    """Bytes of ``texts`` one after the other, gzipped at level 6 (a web server's default)."""
    return len(gzip.compress("".join(texts).encode(), compresslevel=6, mtime=0))


class Slider(NamedTuple):
    """One slider: ``name`` (the keyword of ``update`` it sets), its ``values`` (the
    static face precomputes a frame for each), ``default`` (the nearest value is taken),
    ``label`` (the symbol shown beside it, e.g. ``"x₀"``), ``fmt`` (how a value is
    printed) and ``static_values``: a coarser grid for the static face, to keep its
    frames within budget (default: ``values``; must contain ``default``)."""

    name: str
    values: Sequence[float]
    default: float
    label: str
    fmt: str = "{:.2f}"
    static_values: Sequence[float] | None = None

    def grid(self, static: bool = False) -> list:
        """The slider's positions (the static face's with ``static=True``): floats, or
        names as they are (e.g. activation functions, ``fmt="{}"``)."""
        vals = list(self.values if not static or self.static_values is None
                    else self.static_values)
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
    return np.round(np.arange(lo, hi + step / 2, step), 6) + 0.0     # + 0.0: no -0.0


PRINT_FRAMES = 4


def print_frames(n: int) -> list[int]:
    """Indices of the frames a printed page shows: all of them, or PRINT_FRAMES spread
    evenly from the first to the last."""
    if n <= PRINT_FRAMES:
        return list(range(n))
    return sorted({round(i * (n - 1) / (PRINT_FRAMES - 1)) for i in range(PRINT_FRAMES)})


def _to_webp(rgba: Image.Image, colors: int) -> bytes:
    """Lossless WebP of an RGBA image reduced to ``colors`` colours (0: all), with the
    least encoder effort (line plots need few colours: ~10 KiB a frame with 64 against
    ~25 KiB in full colour, no visible difference)."""
    buf = io.BytesIO()
    img = rgba
    if colors:
        img = img.quantize(colors=colors, method=Image.Quantize.FASTOCTREE).convert("RGBA")
    img.save(buf, format="WEBP", lossless=True, method=2, quality=0)
    return buf.getvalue()


def _data_uri(webp: bytes) -> str:
    return "data:image/webp;base64," + base64.b64encode(webp).decode("ascii")


def _to_jpeg(rgba: Image.Image) -> bytes:
    """The live face's image: JPEG at quality 90 without chroma subsampling (no colour
    bleeding on thin lines; 5 ms to encode a frame against 45 ms for PNG)."""
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
        self.title, self.vector, self.colors = title, vector, colors
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
        #: "svg" or "webp": the static frames' format (known once frames() has run)
        self.frame_format = None
        self._frames = self._statuses = self._uris = self._static_html = self._widget = None

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
        """Only the animated artists at these values, on a transparent canvas (the whole
        frame when nothing is animated): the static face stacks it over the background."""
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
        or WebP bytes, as ``frame_format`` says. SVG when every animated artist can be
        drawn so and (unless ``vector=True``) the frames fit ``FRAME_BUDGET`` gzipped."""
        if self._frames is None:
            made = None
            if self.vector is not False and svg_frames.drawable(self._animated):
                made = self._make_frames(vector=True)
                if not self.vector and gzip_size(made[2]) > FRAME_BUDGET:
                    made = None
            self.frame_format = "svg" if made else "webp"
            self._frames, self._statuses, self._uris = made or self._make_frames(vector=False)
        return self._frames

    def _make_frames(self, vector: bool):
        """Frames, status lines and data URIs over the static grid, as SVG or WebP."""
        frames, statuses, uris = [], [], []
        for v in self.static_grid():
            if vector:
                self._apply(v)
                svg = svg_frames.render(self.fig, self._animated)
                frames.append(svg.encode())
                uris.append(svg_frames.data_uri(svg))
            else:
                frames.append(_to_webp(self.overlay(**v), self.colors))
                uris.append(_data_uri(frames[-1]))
            statuses.append(self.status)
        return frames, statuses, uris

    def statuses(self) -> list[str]:
        """The status line of every frame of the static grid (see ``frames``)."""
        self.frames()
        return self._statuses

    def static_html(self) -> str:
        """The static face: frames, range inputs with labels, and a little JavaScript
        (``templates/static_face.*``)."""
        if self._static_html is not None:
            return self._static_html
        grid, statuses, uris = self.static_grid(), self.statuses(), self._uris
        if (size := gzip_size(uris)) > FRAME_BUDGET:
            raise ValueError(f"static frames take {size} bytes gzipped, over the "
                             f"{FRAME_BUDGET}-byte budget of one figure; use fewer grid "
                             "values or a lower dpi")
        varied = [s for s in self.sliders if s.name in self.static]
        held = [s for s in self.sliders if s.name not in self.static]
        start = grid.index(self.defaults())                # the frame shown first
        uid = "rnnfig-" + hashlib.sha1("".join(uris + statuses).encode()
                                       + repr(self.sliders).encode()).hexdigest()[:12]
        w, h = self.fig.canvas.get_width_height()
        meta = {"sizes": [len(s.grid(True)) for s in varied],
                "texts": [[s.text(v) for v in s.grid(True)] for s in varied],
                "alts": [self.alt(v, st) for v, st in zip(grid, statuses)],
                "status": statuses, "frames": uris}
        controls = [{"label": s.label, "last": len(s.grid(True)) - 1,
                     "index": s.default_index(True),
                     "text": s.text(s.grid(True)[s.default_index(True)])} for s in varied]
        self._static_html = _TEMPLATES.get_template("static_face.html").render(
            uid=uid, width=w, height=h, status_min_height=STATUS_MIN_HEIGHT,
            status=statuses[start] if any(statuses) else None,
            background=(_data_uri(_to_webp(self._background_pixels, self.colors))
                        if self._animated else ""),
            frame=uris[start], alt=self.alt(grid[start], statuses[start]), controls=controls,
            held=", ".join(s.text(s.grid()[s.default_index()]) for s in held),
            printed=[(k, self.alt(grid[k], statuses[k])) for k in print_frames(len(grid))],
            meta=json.dumps(meta, separators=(",", ":")).replace("</", "<\\/"))
        return self._static_html

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
        return {**(data or {}), "text/plain": text}
