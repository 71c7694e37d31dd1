"""Vector frames for the static face: a figure's moving artists as a small SVG.

The website shows a slider figure as a still background (axes, ticks, labels) with a
frame per slider position stacked on top (see ``interactive.Explorer``). For line plots
such a frame is a few paths, and SVG carries them exactly: sharp at any zoom and on a
classroom projector, cheap to make (no rasterising or encoding: 0.5 s for
``linear_map``'s 65 frames against 5.4 s as lossless WebP), and small once gzipped, as
a web server sends it.

Images (``imshow``, ``pcolormesh``) would be embedded as PNG inside the SVG, bigger and
slower than a WebP frame, so :func:`drawable` refuses them and the figure keeps raster
frames.

matplotlib writes coordinates with six decimals and long ids, so a frame is rewritten
(:func:`_compact`). Measured on the book's 13 line figures (2026-12), all their frames
gzipped (what a server sends; the frame budget counts this): 1208 KiB as matplotlib
writes them; 832 KiB with path coordinates in 0.1 pt (a seventh of a pixel of the
100-dpi background); 608 KiB with marker positions rounded too; 529 KiB with short ids
and each marker group's style written once, which halves the figures with many
markers (``cliff`` 91 -> 44 KiB); 508 KiB with single quotes, which a data URI need not
escape (raw text -13 %). Dropping the xlink namespace too saved 1 % and went.
"""
from __future__ import annotations

import io
import re
from urllib.parse import quote

import matplotlib as mpl
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

#: artists drawn as SVG paths; anything else (images, meshes) stays raster
VECTOR_ARTISTS = (Line2D, Patch, LineCollection, PolyCollection, Text)

#: fixed salt for matplotlib's SVG ids (clip paths, markers): same figure, same bytes
_SVG_RC = {"svg.hashsalt": "rnnfig", "svg.fonttype": "path", "svg.image_inline": True}


def drawable(artists) -> bool:
    """Whether every artist can be a vector frame (lines, patches, polygons, text)."""
    return bool(artists) and all(isinstance(a, VECTOR_ARTISTS) for a in artists)


class _Renderer(RendererSVG):
    """matplotlib's SVG renderer without the metadata block (a date would break
    determinism, and it is 600 bytes a frame)."""

    def _write_metadata(self, metadata):
        pass


def render(fig, artists) -> str:
    """The ``artists`` of ``fig`` as one SVG document the size of the figure.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Its layout must already be fixed (the Explorer freezes it after its first draw).
    artists : list of Artist
        Drawn in this order, on a transparent canvas.

    Returns
    -------
    str
        A compact SVG (no XML prolog, no metadata, 0.1-pt coordinates, single-quoted
        attributes) whose viewBox is the whole figure, so it lines up with a raster of
        the figure at any size.
    """
    w, h = fig.get_size_inches() * 72
    buf = io.StringIO()
    dpi = fig.dpi
    with mpl.rc_context(_SVG_RC):
        renderer = _Renderer(w, h, buf, image_dpi=dpi)
        fig.dpi = 72                     # SVG user units are points, as in savefig
        try:
            for artist in artists:
                artist.draw(renderer)
        finally:
            fig.dpi = dpi
        renderer.finalize()
    return _compact(buf.getvalue())


# -- making the text small ------------------------------------------------------------------
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e-?\d+)?")
_SEGMENT = re.compile(r"([MLQCz])([^MLQCz]*)")
_PATH_DATA = re.compile(r' d="([^"]*)"')
_XY = re.compile(r' ([xy])="(-?[\d.e-]+)"')
_USES = re.compile(r'<g( clip-path="[^"]*")?>((?:<use [^>]*/>)+)</g>')
_USE_STYLE = re.compile(r' style="([^"]*)"/>')
_ID = re.compile(r' id="([^"]+)"')
_REFERENCE = re.compile(r'(?:url\(#|href="#)([^")]+)')


def _num(text: str) -> str:
    """A number rounded to 0.1, without a trailing '.0' or a '-0'."""
    s = f"{float(text):.1f}"
    if s.endswith(".0"):
        s = s[:-2]
    return "0" if s == "-0" else s


def _path_data(d: str) -> str:
    """Path data with 0.1-pt numbers, no repeated line-to, and no spaces around commands."""
    out, last = [], None
    for cmd, args in _SEGMENT.findall(d):
        seg = cmd + " ".join(_num(n) for n in _NUMBER.findall(args))
        if cmd == "L" and seg == last:
            continue                     # a point repeated after rounding draws nothing
        out.append(seg)
        last = seg
    return "".join(out)


def _shared_style(m: re.Match) -> str:
    """Markers: move the style that every <use> of a group repeats onto the group."""
    clip, uses = m.group(1) or "", m.group(2)
    styles = set(_USE_STYLE.findall(uses))
    if len(styles) != 1:
        return m.group(0)
    (style,) = styles
    return f'<g{clip} style="{style}">' + _USE_STYLE.sub("/>", uses) + "</g>"


def _short_ids(svg: str) -> str:
    """Ids that something points at become short (a marker is named at every point);
    ids that nothing points at (matplotlib's group names) go."""
    referenced = set(_REFERENCE.findall(svg))
    names = {}
    for old in _ID.findall(svg):
        if old in referenced and old not in names:
            names[old] = f"i{len(names):x}"
    svg = _ID.sub(lambda m: f' id="{names[m.group(1)]}"' if m.group(1) in names else "", svg)
    return _REFERENCE.sub(lambda m: m.group(0).replace(m.group(1), names.get(m.group(1),
                                                                              m.group(1))), svg)


def _compact(svg: str) -> str:
    svg = svg[svg.index("<svg"):]                          # drop the XML prolog and doctype
    svg = re.sub(r">\s+<", "><", svg).strip()
    svg = _PATH_DATA.sub(lambda m: f' d="{_path_data(m.group(1))}"', svg)
    svg = _XY.sub(lambda m: f' {m.group(1)}="{_num(m.group(2))}"', svg)
    svg = _short_ids(_USES.sub(_shared_style, svg))
    # a double quote costs three bytes in a data URI (%22), a single quote one
    return svg if "'" in svg else svg.replace('"', "'")


def data_uri(svg: str) -> str:
    """``data:image/svg+xml,...`` with only the characters a URI needs escaped.

    Spaces, quotes and most punctuation stay as they are (browsers accept them in a
    data URI), so the text stays short and compressible.
    """
    return "data:image/svg+xml," + quote(svg, safe=" '=/:;,.()!*_-~?@$[]+")
