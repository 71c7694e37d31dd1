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


def _read_cost_from_config():
    import yaml

    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    return config["sphinx"]["config"]["book_read_cost"]


def test_read_costs_name_every_chapter_notebook():
    # a renamed notebook would otherwise fall back to a guessed cost without a word
    costs = _read_cost_from_config()
    assert sorted(costs) == sorted(f"chapters/{p.stem}" for p in NOTEBOOKS)


def _best_max_load(costs, capacities):
    # independent check: every way to put each page into a group, by recursion
    pages = list(costs)

    def go(i, loads, counts):
        if i == len(pages):
            return max(loads)
        best = float("inf")
        for k in range(len(capacities)):
            if counts[k] < capacities[k]:
                loads[k] += costs[pages[i]]
                counts[k] += 1
                best = min(best, go(i + 1, loads, counts))
                loads[k] -= costs[pages[i]]
                counts[k] -= 1
        return best
    return go(0, [0.0] * len(capacities), [0] * len(capacities))


@pytest.mark.parametrize("costs, capacities", [
    ({"a": 25, "b": 20, "c": 23, "d": 54, "e": 55}, [4, 4]),
    ({"a": 5, "b": 5, "c": 4, "d": 3, "e": 3}, [4, 4]),     # largest-first gives 11, best 10
    ({"a": 9, "b": 1, "c": 1, "d": 1}, [2, 2]),             # capacity binds: 10
    ({"a": 3, "b": 3, "c": 3}, [1, 1, 1]),
])
def test_partition_is_the_best_split_within_capacities(costs, capacities):
    groups = _build_extension()._partition(costs, capacities)
    assert sorted(d for g in groups for d in g) == sorted(costs)
    assert all(len(g) <= cap for g, cap in zip(groups, capacities))
    assert max(sum(costs[d] for d in g) for g in groups) == _best_max_load(costs, capacities)


class _Env:
    """The one method of Sphinx's environment that the ordering uses: the source file."""
    def doc2path(self, docname):
        notebook = ROOT / f"{docname}.ipynb"
        return str(notebook if notebook.exists() else ROOT / f"{docname}.md")


def test_reading_order_gives_each_process_half_the_notebooks():
    from types import SimpleNamespace

    from sphinx.util.parallel import make_chunks

    ext = _build_extension()
    costs = _read_cost_from_config()
    pages = sorted(["index", "chapters/00_introduction", "chapters/glossary",
                    "chapters/teachers"] + list(costs))
    app = SimpleNamespace(parallel=2, config=SimpleNamespace(book_read_cost=costs))
    order = list(pages)
    ext._balance_reading(app, _Env(), order)
    assert sorted(order) == pages                               # nothing lost or doubled
    chunks = make_chunks(order, 2)                              # what Sphinx does with it
    loads = [sum(costs.get(d, 0) for d in chunk) for chunk in chunks]
    assert loads[0] + loads[1] == sum(costs.values())          # the rest: no notebooks
    before = [sum(costs.get(d, 0) for d in chunk) for chunk in make_chunks(pages, 2)]
    assert max(loads[:2]) < max(before[:2])
    assert max(loads[:2]) == _best_max_load(costs, [len(chunks[0]), len(chunks[1])])


def test_reading_order_leaves_a_serial_read_alone():
    from types import SimpleNamespace

    ext = _build_extension()
    pages = sorted(_read_cost_from_config()) + ["index"]
    for app, pages in [(SimpleNamespace(parallel=1, config=None), pages),   # one process
                       (SimpleNamespace(parallel=2, config=None), pages[:5])]:  # <= 5 pages
        order = list(pages)
        ext._balance_reading(app, _Env(), order)
        assert order == pages


def test_reading_order_rejects_a_bad_cost_table():
    from types import SimpleNamespace

    ext = _build_extension()
    for bad in [{"a": -1}, {"a": "fast"}, ["chapters/04_bptt"]]:
        config = SimpleNamespace(book_read_cost=bad, book_parallel_jobs=0)
        with pytest.raises(ValueError, match="seconds >= 0"):
            ext._balance_reading(SimpleNamespace(parallel=2, config=config), _Env(),
                                 [f"p{i}" for i in range(9)])
        with pytest.raises(ValueError, match="seconds >= 0"):      # also in a serial build
            ext._configure_parallel(SimpleNamespace(config=config))


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


_EXIT_PROBE = """
import atexit, gc, sys
sys.path.insert(0, {ext!r})
# atexit runs handlers last-in first-out: this one runs after the extension's
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count()))
import book_build
if {load}:
    class App:
        def add_config_value(self, *a): pass
        def connect(self, *a): pass
    book_build.setup(App())
    book_build.setup(App())             # a second load registers nothing more
    print("frozen while running:", gc.get_freeze_count())
    print("handlers:", atexit._ncallbacks())
"""


@pytest.mark.parametrize("load", [True, False])
def test_build_process_freezes_the_heap_only_when_it_exits(load):
    """CPython's shutdown collects every object the build made; the extension freezes
    them in an atexit handler instead, and never while the process still runs."""
    import subprocess
    import sys

    code = _EXIT_PROBE.format(ext=str(ROOT / "_ext"), load=load)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    frozen = int(re.search(r"frozen at exit: (\d+)", out).group(1))
    if load:
        assert "frozen while running: 0" in out
        assert "handlers: 2" in out                 # the probe's and one freeze
        assert frozen > 1000                        # the interpreter's objects, at least
    else:
        assert frozen == 0


def test_compiled_templates_are_kept_for_the_next_build(tmp_path):
    """A warm rebuild loads the theme's templates as bytecode instead of compiling them."""
    from types import SimpleNamespace

    from jinja2 import DictLoader, Environment

    ext = _build_extension()
    sources = {"page.html": "<p>{{ title | upper }}</p>"}

    def app_with_fresh_environment():
        environment = Environment(loader=DictLoader(sources))
        builder = SimpleNamespace(templates=SimpleNamespace(environment=environment))
        return SimpleNamespace(builder=builder, doctreedir=str(tmp_path / ".doctrees"))

    first = app_with_fresh_environment()
    ext._cache_compiled_templates(first)
    assert first.builder.templates.environment.get_template("page.html").render(
        title="rnn") == "<p>RNN</p>"
    assert len(list((tmp_path / ".doctrees" / "jinja").iterdir())) == 1

    second = app_with_fresh_environment()              # the next build's process
    ext._cache_compiled_templates(second)

    def no_compiling(*args, **kwargs):
        raise AssertionError("the template was compiled again")

    second.builder.templates.environment.compile = no_compiling
    assert second.builder.templates.environment.get_template("page.html").render(
        title="bptt") == "<p>BPTT</p>"

    # a builder without HTML templates (e.g. linkcheck) is left alone
    ext._cache_compiled_templates(SimpleNamespace(builder=SimpleNamespace(),
                                                  doctreedir=str(tmp_path / "none")))
    assert not (tmp_path / "none").exists()
