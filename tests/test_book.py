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
    # after the chapters: how to run them, then the classroom pages
    assert found == CHAPTERS + ["run_it_yourself", "teachers", "glossary"]


def _build_extension():
    import importlib.util

    spec = importlib.util.spec_from_file_location("book_build", ROOT / "_ext" / "book_build.py")
    ext = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ext)
    return ext


def test_build_extension_sets_the_variable_that_rnn_lib_reads():
    # _ext/book_build.py names the variable itself, to keep rnn_lib out of Sphinx's start-up
    from rnn_lib.interactive import STATIC_ENV
    assert _build_extension().STATIC_ENV == STATIC_ENV


def test_build_extension_drops_a_script_the_page_carries_twice():
    """sphinx-thebe's inline THEBE_JS_URL, added twice, threw an error on every page."""
    from types import SimpleNamespace

    def js(filename, **attributes):
        return SimpleNamespace(filename=filename, attributes=attributes)

    thebe = dict(body="const THEBE_JS_URL = 'x'")
    files = [js("a.js"), js("", **thebe), js("b.js"), js("", **thebe), js("a.js", defer="")]
    context = {"script_files": list(files)}
    _build_extension()._drop_duplicate_scripts(None, "page", "page.html", context, None)
    assert context["script_files"] == [files[0], files[1], files[2], files[4]]


def test_build_extension_gives_the_kernels_the_process_settings(monkeypatch):
    """The build's kernels inherit the static-face switch and process_env's settings;
    a setting already in the environment is kept."""
    import os
    import sys

    ext = _build_extension()
    settings = sys.modules["process_env"].PROCESS_ENV
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "3")
    for name in [ext.STATIC_ENV] + [n for n in settings if n != "OPENBLAS_NUM_THREADS"]:
        monkeypatch.setenv(name, "")          # recorded, so the undo removes what setup sets
        monkeypatch.delenv(name)

    class App:
        def connect(self, event, handler):
            assert callable(handler)

    assert ext.setup(App())["parallel_read_safe"]
    assert os.environ[ext.STATIC_ENV] == "1"
    assert os.environ["OPENBLAS_NUM_THREADS"] == "3"
    assert all(os.environ[n] == v for n, v in settings.items() if n != "OPENBLAS_NUM_THREADS")


def test_build_extension_reads_in_one_process_per_cpu():
    """Only the extensions that were read and found safe are marked; one that says it is
    unsafe stays so (and Sphinx then reads serially); writing stays serial."""
    import os
    from types import SimpleNamespace

    ext = _build_extension()
    extensions = {name: SimpleNamespace(parallel_read_safe=None) for name in ext.READ_SAFE}
    extensions["other_undeclared"] = SimpleNamespace(parallel_read_safe=None)
    extensions["unsafe"] = SimpleNamespace(parallel_read_safe=False)
    app = SimpleNamespace(parallel=1, extensions=extensions,
                          builder=SimpleNamespace(allow_parallel=True))
    ext._read_in_parallel(app)
    assert app.parallel == (os.cpu_count() or 1) and app.builder.allow_parallel is False
    assert all(extensions[name].parallel_read_safe for name in ext.READ_SAFE)
    assert extensions["other_undeclared"].parallel_read_safe is None
    assert extensions["unsafe"].parallel_read_safe is False


def test_execution_cache_is_created_before_the_reading_processes(tmp_path):
    """Two processes that both find no jupyter-cache database both create its tables,
    and one fails; the extension makes it first, in the main process."""
    from types import SimpleNamespace

    from jupyter_cache import get_cache

    ext = _build_extension()
    path = tmp_path / ".jupyter_cache"
    env = SimpleNamespace(mystnb_config=SimpleNamespace(execution_mode="cache",
                                                        execution_cache_path=str(path)))
    ext._create_execution_cache(None, env, ["chapters/04_bptt"])
    db = path / "global.db"
    assert db.is_file()
    assert get_cache(str(path)).list_cache_records() == []      # a usable, empty cache
    env.mystnb_config.execution_mode = "off"                    # no cache: nothing made
    env.mystnb_config.execution_cache_path = str(tmp_path / "other")
    ext._create_execution_cache(None, env, ["chapters/04_bptt"])
    assert not (tmp_path / "other").exists()
