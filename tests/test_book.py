"""The book's sources as a whole: notebooks stored clean, the table of contents, the build
extension. (The build itself is tested in test_site.py, next to the browser checks that
use it, so that one pytest-xdist worker builds the book once.)"""
import json
import re

import pytest

from conftest import CHAPTERS, ROOT

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs_or_widget_state(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {i} has stored outputs"
            assert cell.get("execution_count") is None, f"{path.name} cell {i} was executed"
    assert "widgets" not in nb["metadata"], f"{path.name} stores widget state"


def test_toc_lists_the_chapters_in_the_articles_order():
    toc = (ROOT / "_toc.yml").read_text()
    found = re.findall(r"file:\s*chapters/(\S+)", toc)
    assert found == CHAPTERS + ["teachers", "glossary"]      # the classroom pages last


def test_build_extension_sets_the_variable_that_rnn_lib_reads():
    # _ext/book_build.py names the variable itself, to keep rnn_lib out of Sphinx's start-up
    import importlib.util

    from rnn_lib.interactive import STATIC_ENV
    spec = importlib.util.spec_from_file_location("book_build", ROOT / "_ext" / "book_build.py")
    ext = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ext)
    assert ext.STATIC_ENV == STATIC_ENV
