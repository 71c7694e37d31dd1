"""Slider figures: every static frame drawn, the live face reacts, the HTML is sound."""
import base64
import html
import json
import re
import warnings

import numpy as np
import pytest
from matplotlib.text import Text

from rnn_lib import svg_frames
from rnn_lib.explorers import ALL
from rnn_lib.interactive import (
    FRAME_BUDGET,
    STATIC_ENV,
    Explorer,
    Slider,
    gzip_size,
    print_frames,
)


@pytest.fixture(scope="module", params=sorted(ALL))
def explorer(request):
    """Each figure of the book, with its static frames drawn once (warnings are errors)."""
    ex = ALL[request.param]()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ex.frames()
    return request.param, ex


def test_every_static_frame_draws_without_warning_and_within_budget(explorer):
    name, ex = explorer
    frames = ex.frames()
    assert len(frames) == len(ex.static_grid()) >= 2
    if ex.frame_format == "svg":
        assert all(f.startswith(b"<svg ") and f.endswith(b"</svg>") for f in frames)
        uris = [svg_frames.data_uri(f.decode()) for f in frames]
    else:
        assert ex.frame_format == "webp"
        assert all(f[:4] == b"RIFF" and f[8:12] == b"WEBP" for f in frames)
        uris = ["data:image/webp;base64," + base64.b64encode(f).decode() for f in frames]
    assert gzip_size(uris) <= FRAME_BUDGET                 # as a server sends the page
    # Frames differ where a parameter matters: along every varied slider.
    assert len(set(frames)) == len(frames), f"{name}: two slider positions draw the same frame"


def test_every_live_position_at_the_ends_draws(explorer):
    """Extreme slider values (the ends of every live grid) draw without error."""
    _, ex = explorer
    grids = [s.grid() for s in ex.sliders]
    for corner in range(2 ** len(grids)):
        values = {s.name: g[-1] if corner >> i & 1 else g[0]
                  for i, (s, g) in enumerate(zip(ex.sliders, grids))}
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            img = ex.render(**values)
        assert np.asarray(img).std() > 0


def test_live_face_redraws_when_a_slider_moves(explorer):
    _, ex = explorer
    widget = ex.widget
    before = widget.image.value
    slider = widget.controls[0]
    options = [v for _, v in slider.options]
    slider.value = options[-1] if slider.value != options[-1] else options[0]
    assert widget.image.value != before
    bundle = ex._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle


def test_static_html_is_deterministic_and_complete(explorer, monkeypatch):
    name, ex = explorer
    monkeypatch.setenv(STATIC_ENV, "1")
    bundle = ex._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}      # no widget state on the website
    page = bundle["text/html"]
    # Same content, same bytes: a fresh copy draws the same frame, and the element
    # ids are a hash of the content (no uuid).
    fresh = ALL[name]()
    values = ex.static_grid()[-1]
    assert fresh.live_frame(**values) == ex.live_frame(**values)
    assert re.search(r'id="(rnnfig-[0-9a-f]{12})"', page)
    meta = json.loads(re.search(r'<script type="application/json">(.*?)</script>', page).group(1))
    assert len(meta["frames"]) == int(np.prod(meta["sizes"]))
    assert len(set(meta["alts"])) == len(meta["alts"])      # alt text names the values
    n_inputs = page.count('type="range"')
    assert n_inputs == len(ex.static) == len(meta["sizes"])
    for k in range(n_inputs):                               # each input has its label
        assert re.search(rf'<label for="rnnfig-\w+-s{k}">', page)
    held = [s for s in ex.sliders if s.name not in ex.static]
    assert ('<p class="rnnfig-note">' in page) == bool(held)
    # Print: a small multiple of frames spread over the grid, each captioned with its
    # values, in place of the controls (which print hides).
    picks = print_frames(len(meta["frames"]))
    cells = re.findall(r'<figure class="rnnfig-cell" data-k="(\d+)">.*?<figcaption>(.*?)'
                       r'</figcaption>', page)
    assert [int(k) for k, _ in cells] == picks and 2 <= len(picks) <= 4
    assert [html.unescape(c) for _, c in cells] == [meta["alts"][k] for k in picks]
    assert "@media print" in page
    # The status line: one per frame, shown above the image when there is one.
    assert meta["status"] == ex.statuses() and len(meta["status"]) == len(meta["frames"])
    assert ('<p class="rnnfig-status" aria-live="polite">' in page) == any(meta["status"])
    # Every book figure gives each position its sentence as text, not drawn in pixels.
    assert all(meta["status"]), name
    assert not any(isinstance(a, Text) for a in ex._animated), name


def _toy(colors=64, status=None):
    """A one-line figure; with ``status``, update returns ``status(a, b)``."""
    def setup(fig):
        ax = fig.subplots()
        (line,) = ax.plot([], [], animated=True)
        ax.set_xlim(0, 1)
        ax.set_ylim(-2, 2)

        def update(a, b):
            line.set_data([0, 1], [b, a])
            return None if status is None else status(a, b)
        return update
    return setup


def test_explorer_rejects_bad_configuration():
    with pytest.raises(ValueError, match="at least 2 values"):
        Explorer(_toy(), [Slider("a", [1.0], 1.0, "a"), Slider("b", [0, 1], 0, "b")])
    with pytest.raises(ValueError, match="slider names must differ"):
        Explorer(_toy(), [Slider("a", [0, 1], 0, "a"), Slider("a", [0, 1], 0, "a")])
    with pytest.raises(ValueError, match=r"static names \['c'\] are not sliders"):
        Explorer(_toy(), [Slider("a", [0, 1], 0, "a"), Slider("b", [0, 1], 0, "b")],
                 static=["c"])
    with pytest.raises(ValueError, match="must be on both its grid and its static grid"):
        Explorer(_toy(), [Slider("a", [0, 0.5, 1], 0.5, "a", static_values=[0, 1]),
                          Slider("b", [0, 1], 0, "b")])
    ex = Explorer(_toy(), [Slider("a", [0, 1], 0, "a"), Slider("b", [0, 1], 0, "b")])
    with pytest.raises(ValueError, match=r"unknown slider \['c'\]"):
        ex.render(c=1.0)


def test_a_slider_over_names():
    def setup(fig):
        ax = fig.subplots()
        (line,) = ax.plot([], [], animated=True)
        ax.set_xlim(0, 1)
        ax.set_ylim(-2, 2)

        def update(kind, a):
            line.set_data([0, 1], [a, a if kind == "flat" else -a])
        return update
    ex = Explorer(setup, [Slider("kind", ["flat", "down"], "down", "shape", "{}"),
                          Slider("a", [0.5, 1.0], 1.0, "a")])
    assert ex.defaults() == {"kind": "down", "a": 1.0}
    assert "shape = flat" in ex.static_html()
    with pytest.raises(ValueError, match="default 'up' is not one of"):
        Explorer(setup, [Slider("kind", ["flat", "down"], "up", "shape", "{}")])


def test_held_sliders_are_named_on_the_page(monkeypatch):
    ex = Explorer(_toy(), [Slider("a", [0, 1], 0, "a"), Slider("b", [0, 1], 1, "b")],
                  static=["a"])
    assert len(ex.static_grid()) == 2 and all(v["b"] == 1 for v in ex.static_grid())
    page = ex.static_html()
    assert "holds b = 1.00" in page


def test_static_html_of_the_same_figure_is_identical():
    assert _two(a=0).static_html() == _two(a=0).static_html()


def test_frame_budget_is_enforced(monkeypatch):
    import rnn_lib.interactive as interactive
    ex = _two(a=0)
    monkeypatch.setattr(interactive, "FRAME_BUDGET", 100)
    with pytest.raises(ValueError, match="gzipped, over the 100-byte budget of one figure"):
        ex.static_html()


def test_frame_budget_counts_bytes_as_a_server_sends_them(monkeypatch):
    """gzip, not raw: frames whose text is over the budget but whose gzip is under it
    stay SVG, and the page is made."""
    import gzip

    import rnn_lib.interactive as interactive
    assert gzip_size(["ab" * 50_000, "c"]) == len(gzip.compress(b"ab" * 50_000 + b"c", 6,
                                                                mtime=0)) < 1000
    ex = _two(a=0)
    ex.frames()
    raw, packed = sum(map(len, ex._uris)), gzip_size(ex._uris)
    assert packed < raw / 3
    monkeypatch.setattr(interactive, "FRAME_BUDGET", (raw + packed) // 2)
    ex = _two(a=0)
    assert ex.frames()[0].startswith(b"<svg ") and ex.frame_format == "svg"
    assert ex.static_html()
    monkeypatch.setattr(interactive, "FRAME_BUDGET", packed - 1)
    ex = _two(a=0)
    ex.frames()
    assert ex.frame_format == "webp"


@pytest.mark.parametrize("height", [4.1, 4.6])
def test_whole_frame_is_restored_after_an_overlay(height):
    """4.6 in x 100 dpi is 459.99999 px: the background must still cover every row."""
    def make():
        return Explorer(_toy(), [Slider("a", [0, 1], 0, "a"), Slider("b", [0, 1], 0, "b")],
                        figsize=(4, height))
    ex = make()
    ex.overlay(a=1)
    assert ex.live_frame(a=1) == make().live_frame(a=1)


def test_print_frames_spread_from_first_to_last():
    assert print_frames(2) == [0, 1] and print_frames(4) == [0, 1, 2, 3]
    assert print_frames(39) == [0, 13, 25, 38]
    assert print_frames(5) == [0, 1, 3, 4]


# -- the status line -------------------------------------------------------------------------
def _toy_status(status=lambda a, b: f"a = {a:g} and b = {b:g}: {'up' if a > b else 'flat'}"):
    """The toy figure, with an update that returns ``status(a, b)``."""
    return _toy(status=status)


def _two(setup=None, a=1, **kw):
    """The toy figure (or ``setup``) with sliders a (default ``a``) and b (default 0)."""
    return Explorer(setup or _toy(), [Slider("a", [0, 1], a, "a"), Slider("b", [0, 1], 0, "b")],
                    **kw)


def test_update_may_return_the_status_line():
    ex = _two(_toy_status())
    assert ex.status == "a = 1 and b = 0: up"           # the defaults, drawn at setup
    ex.render(a=0.0, b=1.0)
    assert ex.status == "a = 0 and b = 1: flat"
    ex.overlay(a=1.0, b=1.0)
    assert ex.status == "a = 1 and b = 1: flat"
    ex.live_frame(a=1.0)
    assert ex.status == "a = 1 and b = 0: up"
    assert ex.alt({"a": 1.0, "b": 0.0}, ex.status) == "a = 1.00, b = 0.00: a = 1 and b = 0: up"


def test_statuses_follow_the_static_grid():
    ex = _two(_toy_status(), title="Toy")
    grid = ex.static_grid()
    assert ex.statuses() == [f"a = {v['a']:g} and b = {v['b']:g}: "
                             f"{'up' if v['a'] > v['b'] else 'flat'}" for v in grid]
    assert len(ex.statuses()) == len(ex.frames()) == len(grid)
    assert ex.status == ex.statuses()[-1]               # drawn last


def test_static_html_shows_the_status_line():
    ex = _two(_toy_status(), title="Toy")
    page = ex.static_html()
    grid, statuses = ex.static_grid(), ex.statuses()
    start = grid.index(ex.defaults())
    para = re.search(r'<p class="rnnfig-status" aria-live="polite">(.*?)</p>', page)
    assert para and html.unescape(para.group(1)) == statuses[start] == "a = 1 and b = 0: up"
    meta = json.loads(re.search(r'<script type="application/json">(.*?)</script>', page).group(1))
    assert meta["status"] == statuses
    assert meta["alts"] == [ex.alt(v, st) for v, st in zip(grid, statuses)]
    assert all(alt.endswith(": " + st) for alt, st in zip(meta["alts"], statuses))
    frame_alt = re.search(r'<img class="rnnfig-frame" [^>]*alt="([^"]*)"', page).group(1)
    assert html.unescape(frame_alt) == "Toy (a = 1.00, b = 0.00): a = 1 and b = 0: up"
    # a status of two lines is one line in the alt text
    two = _two(_toy_status(lambda a, b: f"first {a:g}\nsecond {b:g}"))
    assert two.alt({"a": 1.0, "b": 0.0}, two.status) == "a = 1.00, b = 0.00: first 1 second 0"


def test_no_status_line_without_a_returned_str():
    ex = _two(_toy())
    assert ex.status == "" and ex.statuses() == ["", "", "", ""]
    page = ex.static_html()
    assert 'class="rnnfig-status"' not in page            # no empty paragraph
    meta = json.loads(re.search(r'<script type="application/json">(.*?)</script>', page).group(1))
    assert meta["status"] == ["", "", "", ""]
    assert ex.alt({"a": 0.0, "b": 0.0}, "") == "a = 0.00, b = 0.00"


def test_a_status_that_is_not_a_str_is_refused():
    with pytest.raises(TypeError, match="must return None or the status line .a str., got int"):
        _two(_toy_status(lambda a, b: 3))
    calls = []

    def status(a, b):                                     # a str at the defaults only
        calls.append((a, b))
        return "fine" if len(calls) == 1 else 3.5
    ex = _two(_toy_status(status))
    with pytest.raises(TypeError, match="got float"):
        ex.render(a=0.0)


def test_status_line_is_html_escaped():
    ex = _two(_toy_status(lambda a, b: "<b>&</b> a < b"))
    page = ex.static_html()
    assert "<b>&</b>" not in page
    assert '<p class="rnnfig-status" aria-live="polite">&lt;b&gt;&amp;&lt;/b&gt; a &lt; b</p>' \
        in page
    meta = json.loads(re.search(r'<script type="application/json">(.*?)</script>', page).group(1))
    assert meta["status"][0] == "<b>&</b> a < b"          # set as textContent by the script
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in ex.widget.status.value


def test_live_widget_shows_the_status_line():
    ex = _two(_toy_status())
    widget = ex.widget
    assert widget.status in widget.children and widget.children[0] is widget.status
    assert "a = 1 and b = 0: up" in widget.status.value
    a_slider = widget.controls[0]
    a_slider.value = 0.0
    assert "a = 0 and b = 0: flat" in widget.status.value
    assert ex.status == "a = 0 and b = 0: flat"
    widget.controls[1].value = 1.0
    assert "a = 0 and b = 1: flat" in widget.status.value


# -- SVG or WebP frames ----------------------------------------------------------------------
def test_line_figures_get_svg_frames_and_fall_back_to_webp_over_budget(monkeypatch):
    import rnn_lib.interactive as interactive
    ex = _two(a=0)
    assert ex.frame_format is None                      # not chosen before frames exist
    ex.frames()
    assert ex.frame_format == "svg"
    monkeypatch.setattr(interactive, "FRAME_BUDGET", 1)
    ex = _two(a=0)
    ex.frames()
    assert ex.frame_format == "webp"                    # SVG too big: raster instead
    ex = _two(a=0, vector=True)                         # forced: SVG, and the budget says no
    assert ex.frames()[0].startswith(b"<svg ")
    with pytest.raises(ValueError, match="over the 1-byte budget"):
        ex.static_html()


def test_vector_false_keeps_webp_and_images_are_never_vector():
    ex = _two(a=0, vector=False)
    ex.frames()
    assert ex.frame_format == "webp"

    def image(fig):
        ax = fig.subplots()
        im = ax.imshow(np.zeros((2, 2)), vmin=0, vmax=1, animated=True)

        def update(a, b):
            im.set_data(np.array([[a, b], [b, a]]))
        return update
    ex = _two(a=0, setup=image)
    ex.frames()
    assert ex.frame_format == "webp"
    with pytest.raises(ValueError, match="vector=True needs animated artists.*AxesImage"):
        _two(a=0, setup=image, vector=True)
    with pytest.raises(ValueError, match="vector must be None"):
        _two(a=0, vector="svg")


def test_svg_frames_appear_in_the_page_as_data_uris(monkeypatch):
    from urllib.parse import unquote
    monkeypatch.setenv(STATIC_ENV, "1")
    ex = _two(a=0)
    page = ex.static_html()
    meta = json.loads(re.search(r'<script type="application/json">(.*?)</script>', page).group(1))
    prefix = "data:image/svg+xml,"
    assert all(u.startswith(prefix) for u in meta["frames"])
    assert [unquote(u[len(prefix):]).encode() for u in meta["frames"]] == ex.frames()
    first = re.search(r'<img class="rnnfig-frame" src="([^"]*)"', page).group(1)
    assert html.unescape(first) == meta["frames"][0]    # a=0, b=0 is the default, row 0
    assert ex.static_html() == _two(a=0).static_html()  # same figure, same bytes
