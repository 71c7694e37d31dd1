"""The book as a whole: notebooks stored clean, the build warning-free and complete."""
import json
import re

import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))
CHAPTERS = ["00_introduction", "01_first_order_systems", "02_state_space_model", "03_rnn",
            "04_bptt", "05_problem_types"]


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


@pytest.mark.build
def test_book_builds_with_no_warning_and_every_chapter_in_the_navigation(built_book):
    proc, html = built_book
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-5000:]
    # Sphinx and myst-nb report as "WARNING:" / "ERROR:"; ipykernel's own
    # "[IPKernelApp] WARNING | Kernel is running over TCP" is about the kernel's
    # transport on this machine, not the book.
    problems = re.findall(r".*\b(?:WARNING|ERROR|CRITICAL):.*", log)
    assert not problems, "\n".join(problems)
    index = (html / "index.html").read_text(encoding="utf-8")
    for name in CHAPTERS:
        page = html / "chapters" / f"{name}.html"
        assert page.exists(), f"{page} was not built"
        assert f"chapters/{name}.html" in index, f"{name} missing from the navigation"
    # Every notebook chapter executed: its figures are in the page.
    for name in CHAPTERS[1:]:
        text = (html / "chapters" / f"{name}.html").read_text(encoding="utf-8")
        assert "<img" in text or "data:image" in text, f"{name} shows no figure"


def page_bytes(html_dir, page):
    """A page's own bytes: its HTML plus the local images it references, not _static/."""
    text = page.read_text(encoding="utf-8")
    total = page.stat().st_size
    for src in set(re.findall(r'<img[^>]+src="([^"]+)"', text)):
        if src.startswith("data:") or "_static/" in src or "://" in src:
            continue
        total += (page.parent / src).resolve().stat().st_size
    return total


@pytest.mark.build
def test_every_chapter_page_stays_within_its_byte_budget(built_book):
    _, html = built_book
    for name in CHAPTERS:
        size = page_bytes(html, html / "chapters" / f"{name}.html")
        assert size <= 2_000_000, f"{name}: {size} bytes, over the 2 MB budget of a page"
