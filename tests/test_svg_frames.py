"""SVG frames: they line up with the raster figure, they are compact, and they survive
the trip through a data URI."""
import re
from urllib.parse import unquote

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from rnn_lib import svg_frames


def _figure(dpi=100, marker=None):
    fig = Figure(figsize=(4, 3), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.15, 0.2, 0.8, 0.7))
    ax.set_xlim(0, 1)
    ax.set_ylim(-2, 2)
    (line,) = ax.plot([0.0, 0.25, 1.0], [1.5, -0.5, 0.3], marker=marker, animated=True)
    fig.canvas.draw()
    return fig, ax, line


def _points(svg):
    """The (x, y) pairs of the first path's data, in SVG user units (points, y down)."""
    d = re.search(r"<path d='([^']*)'", svg).group(1)
    return np.array([float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", d)]).reshape(-1, 2)


@pytest.mark.parametrize("dpi", [72, 100, 150])
def test_path_lands_where_the_raster_draws_the_line(dpi):
    """Independent of the SVG backend: matplotlib's data-to-pixel transform, scaled to
    points and flipped, gives the same vertices to within the 0.05-pt rounding."""
    fig, ax, line = _figure(dpi)
    svg = svg_frames.render(fig, [line])
    px = ax.transData.transform(np.column_stack(line.get_data()))      # pixels, y up
    height_pt = fig.get_size_inches()[1] * 72
    expected = np.column_stack([px[:, 0] * 72 / dpi, height_pt - px[:, 1] * 72 / dpi])
    np.testing.assert_allclose(_points(svg), expected, atol=0.05 + 1e-9)
    assert fig.dpi == dpi                                 # the figure is left as it was
    assert "viewBox='0 0 288 216'" in svg                 # 4 x 3 inches in points


def test_clip_rectangle_is_the_axes_box():
    fig, ax, line = _figure()
    svg = svg_frames.render(fig, [line])
    x, y, w, h = (float(v) for v in re.search(
        r"<clipPath id='\w+'><rect x='([\d.]+)' y='([\d.]+)' width='([\d.]+)' "
        r"height='([\d.]+)'", svg).groups())
    np.testing.assert_allclose([x, y, w, h], [0.15 * 288, 0.1 * 216, 0.8 * 288, 0.7 * 216],
                               atol=0.05)


def test_same_figure_same_bytes_and_no_metadata():
    (fa, _, la), (fb, _, lb) = _figure(marker="o"), _figure(marker="o")
    a, b = svg_frames.render(fa, [la]), svg_frames.render(fb, [lb])
    assert a == b
    assert a.startswith("<svg ") and "<metadata" not in a and "<?xml" not in a
    assert '"' not in a                                  # single-quoted attributes


def test_every_reference_points_at_a_defined_id():
    """Ids are shortened (a marker's id is written at every point): the references
    must follow, and ids nothing refers to are dropped."""
    fig, ax, line = _figure(marker="o")
    (other,) = ax.plot([0.5, 0.75], [0, 1], marker="s", animated=True)
    svg = svg_frames.render(fig, [line, other])
    ids = re.findall(r" id='([^']+)'", svg)
    refs = re.findall(r"(?:url\(#|href='#)([^')]+)", svg)
    assert len(ids) == len(set(ids)) == 3                 # two markers and one clip box
    assert set(refs) == set(ids) and all(len(i) <= 3 for i in ids)


def test_markers_share_one_style_and_keep_every_point():
    fig, ax, line = _figure(marker="o")
    svg = svg_frames.render(fig, [line])
    uses = re.findall(r"<use [^>]*/>", svg)
    assert len(uses) == 3 and not any("style=" in u for u in uses)
    assert re.search(r"<g clip-path='[^']*' style='[^']*fill: #1f77b4", svg)


def test_path_data_rounds_and_drops_repeated_points():
    d = "M 1.04 2.96 \nL 1.04 2.96 \nL 1.01 2.99 \nL 3 -0.04 \nz"
    assert svg_frames._path_data(d) == "M1 3L1 3L3 0z"
    assert svg_frames._path_data("M 0 0 \nC 1.26 2.5 -3.75 4 5 6 \n") == "M0 0C1.3 2.5 -3.8 4 5 6"


def test_data_uri_round_trips_and_escapes_what_a_uri_must():
    fig, ax, line = _figure(marker="s")
    svg = svg_frames.render(fig, [line])
    uri = svg_frames.data_uri(svg)
    body = uri.removeprefix("data:image/svg+xml,")
    assert unquote(body) == svg
    assert not set("<>#\"&").intersection(body)
    assert re.fullmatch(r"(?:[^%]|%[0-9A-F]{2})*", body)  # every % starts an escape


def test_drawable_accepts_lines_and_refuses_images():
    fig, ax, line = _figure()
    im = ax.imshow(np.zeros((2, 2)))
    mesh = ax.pcolormesh(np.zeros((2, 2)))
    assert svg_frames.drawable([line])
    assert not svg_frames.drawable([line, im])
    assert not svg_frames.drawable([mesh])
    assert not svg_frames.drawable([])
