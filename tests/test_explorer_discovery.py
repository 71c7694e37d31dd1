"""Every slider figure of the book is in ``explorers.ALL``, so the frame sweep
(tests/test_interactive.py) and the benchmarks cannot miss one.

``ALL`` is found by walking the package; these tests check it against the source
text (an independent reading), check that each entry can be made with no argument,
and check that the chapters make their sliders only through library functions.
"""
import inspect
import json
import re
from pathlib import Path

import pytest

from rnn_lib import explorers
from rnn_lib.explorers import ALL

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))

#: a slider figure made in a notebook cell instead of the library
INLINE = re.compile(r"\bExplorer\s*\(|\bSlider\s*\(|\binteract(?:ive)?\s*\(|ipywidgets")


def _code(path: Path) -> dict[int, str]:
    """Cell index -> source of every code cell."""
    cells = json.loads(path.read_text())["cells"]
    return {k: "".join(c["source"]) for k, c in enumerate(cells) if c["cell_type"] == "code"}


def test_all_holds_every_explorer_defined_in_the_package():
    pattern = re.compile(r"^def ([a-z]\w*)_explorer\(", re.M)
    defined = {name for path in Path(explorers.__file__).parent.glob("*.py")
               for name in pattern.findall(path.read_text())}
    assert len(defined) >= 15
    assert set(ALL) == defined


def test_each_explorer_is_made_with_no_argument():
    for name, make in ALL.items():
        needed = [p.name for p in inspect.signature(make).parameters.values()
                  if p.default is inspect.Parameter.empty
                  and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
        assert not needed, f"{name}: {make.__qualname__} needs {needed}"
        assert make.__name__ == f"{name}_explorer"


def test_every_explorer_a_chapter_shows_is_swept():
    shown = {name for path in NOTEBOOKS for code in _code(path).values()
             for name in re.findall(r"\b(\w+)_explorer\s*\(", code)}
    assert shown, "no chapter calls an explorer: is the pattern out of date?"
    assert shown <= set(ALL)


def test_the_inline_pattern_catches_a_slider_made_in_a_cell():
    assert INLINE.search("ex = Explorer(setup, [Slider('a', grid(0, 1, 0.1), 0.5)])")
    assert INLINE.search("from ipywidgets import interact")
    assert not INLINE.search("fo.cobweb_explorer()\nrx.hidden_state_explorer(n_x=8)")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_chapter_builds_a_slider_figure_inline(path):
    """A slider figure made in a cell would escape the frame sweep: make it a
    ``*_explorer`` function of rnn_lib.explorers and call that."""
    for k, code in _code(path).items():
        hit = INLINE.search(code)
        assert hit is None, f"{path.name}, cell {k}: {hit.group(0)!r}"
