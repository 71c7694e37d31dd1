"""Slider figures: every static frame drawn, the live face reacts, the HTML is sound."""
import html
import json
import re
import warnings

import numpy as np
import pytest

from rnn_lib.explorers import ALL
from rnn_lib.interactive import FRAME_BUDGET, STATIC_ENV, Explorer, Slider, print_frames


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
    assert all(f[:4] == b"RIFF" and f[8:12] == b"WEBP" for f in frames)
    assert sum(len(f) for f in frames) <= FRAME_BUDGET
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


def _toy(colors=64):
    def setup(fig):
        ax = fig.subplots()
        (line,) = ax.plot([], [], animated=True)
        ax.set_xlim(0, 1)
        ax.set_ylim(-2, 2)

        def update(a, b):
            line.set_data([0, 1], [b, a])
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
    def make():
        return Explorer(_toy(), [Slider("a", [0, 1], 0, "a"), Slider("b", [0, 1], 0, "b")])
    assert make().static_html() == make().static_html()


def test_frame_budget_is_enforced(monkeypatch):
    import rnn_lib.interactive as interactive
    ex = Explorer(_toy(), [Slider("a", [0, 1], 0, "a"), Slider("b", [0, 1], 0, "b")])
    monkeypatch.setattr(interactive, "FRAME_BUDGET", 100)
    with pytest.raises(ValueError, match="over the 100-byte budget of one figure"):
        ex.static_html()


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
