"""Sphinx extension loaded by _config.yml for the book build.

- It sets RNN_BOOK_STATIC=1 in the build's environment before any notebook runs. The
  kernels that myst-nb starts inherit it, and rnn_lib.interactive then gives every
  slider figure its static face only (precomputed frames, no widget state), which is
  what a page without a kernel can show. The process settings of ``process_env.py``
  (glibc's allocator thresholds, one BLAS thread) go into that environment too.
- It drops inline scripts that a page would otherwise carry twice. sphinx-thebe 0.3.1
  adds its inline ``const THEBE_JS_URL = ...`` late, and Sphinx 7.4's page writer adds
  it again under another name, so every page threw "Identifier 'THEBE_JS_URL' has
  already been declared" in the browser.
- It reads the pages in ``book_parallel_jobs`` processes (0: one per CPU). The
  jupyter-book CLI has no ``-j`` option, so the value is handed to Sphinx here, before
  the builder reads. Each process executes its own notebooks, so the kernels of two
  chapters run side by side. Sphinx only reads in parallel when more than five pages
  changed, so a rebuild after editing one chapter stays serial.
  Three extensions that jupyter-book loads do not say whether they are safe for
  parallel reading, and Sphinx's warning about that would fail a ``-W`` build. Each
  was read and keeps no per-page state in the environment; ``_READ_SAFE`` says why.
- It orders the pages so that the two processes get about the same work. Sphinx cuts
  the sorted list of pages into equal runs (chapters 1-3 in one process, 4-5 in the
  other: 68 against 108 s of notebooks, measured). ``book_read_cost`` in _config.yml
  gives each notebook's measured execution time; the notebooks are split among the
  first runs so that the longest run is as short as possible.
- It creates the notebooks' execution cache (jupyter-cache's SQLite database) in the
  main process, before the reading processes start: each of them would otherwise try
  to create it in a fresh ``_build``, and one fails.
- It keeps the theme's compiled Jinja templates between builds, in
  ``_build/.doctrees/jinja`` (Jinja's own bytecode cache, keyed on each template's
  source). Sphinx would compile its 33 templates afresh in every process: writing the
  two pages of a warm rebuild took 2.1-3.4 s that way and 1.6-2.8 s from the cache
  (three paired rebuilds, 16:00 on 2026-11-27); the pages come out byte for byte the
  same.
- It freezes the garbage collector when the build's process exits. CPython's
  shutdown runs full cycle collections over every object the build made, which took
  1.3-1.6 s of a 15 s warm rebuild (gdb, 15:55 on 2026-11-27), for objects that die
  with the process anyway. ``gc.freeze()`` in an ``atexit`` handler runs before those
  passes and leaves them nothing to walk; a process that only loads the extension and
  keeps running is not affected.
"""
import atexit
import functools
import gc
import itertools
import os

import process_env

# rnn_lib.interactive.STATIC_ENV (tests/test_book.py checks that they agree). Importing
# rnn_lib here would load matplotlib and Pillow into every build: 2 s of start-up.
STATIC_ENV = "RNN_BOOK_STATIC"


def _drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    files = context.get("script_files")
    if not files:
        return
    seen, keep = set(), []
    for js in files:
        attributes = getattr(js, "attributes", {})
        key = (getattr(js, "filename", js) or "", tuple(sorted(attributes.items())))
        if key not in seen:
            seen.add(key)
            keep.append(js)
    files[:] = keep


# Extensions that do not declare parallel_read_safe; each was read, and reading in
# parallel is safe for it:
_READ_SAFE = (
    # replaces the section-number pass, which Sphinx runs once in the main process
    # after the pages read in parallel are merged (and the book numbers no toctree);
    "sphinx_multitoc_numbering",
    # only copies MathJax into _static/ when the build finishes;
    "sphinx-mathjax-offline",
    # its read-time transforms only annotate each page's own doctree; its environment
    # attributes are set once, at builder-inited, and only for LaTeX builders.
    "sphinx_jupyterbook_latex",
)


def _read_costs(config) -> dict:
    known = config.book_read_cost
    if not isinstance(known, dict) or not all(
            isinstance(v, (int, float)) and v >= 0 for v in known.values()):
        raise ValueError("book_read_cost must map page names (e.g. 'chapters/04_bptt') to "
                         f"seconds >= 0, got {known!r}")
    return known


def _configure_parallel(app):
    _read_costs(app.config)                               # a typo fails every build
    jobs = app.config.book_parallel_jobs
    if not isinstance(jobs, int) or jobs < 0:
        raise ValueError(f"book_parallel_jobs must be an integer >= 0 (0: one per CPU), "
                         f"got {jobs!r}")
    app.parallel = jobs or os.cpu_count() or 1
    # Writing stays serial: Sphinx writes in parallel - 1 worker processes while the
    # main process resolves doctrees, so on two CPUs it gains nothing and forking the
    # worker cost ~5 s of every warm build (measured).
    app.builder.allow_parallel = False
    for name in _READ_SAFE:
        extension = app.extensions.get(name)
        if extension is not None and extension.parallel_read_safe is None:
            extension.parallel_read_safe = True


def _partition(costs: dict, capacities: list) -> list:
    """Split the pages in ``costs`` into ``len(capacities)`` groups, each at most its
    capacity, so that the largest sum of costs is as small as possible.

    Exhaustive for up to 12 pages (a book has a handful of notebooks), else the
    greedy rule "largest first, to the lightest group". Deterministic: ties keep the
    first assignment found, over pages in sorted order.
    """
    pages = sorted(costs, key=lambda d: (-costs[d], d))
    lanes = len(capacities)
    if len(pages) > 12 or lanes ** len(pages) > 100_000:
        groups = [[] for _ in capacities]
        for d in pages:
            open_ = [k for k in range(lanes) if len(groups[k]) < capacities[k]]
            if not open_:
                break
            k = min(open_, key=lambda k: sum(costs[p] for p in groups[k]))
            groups[k].append(d)
        return groups
    best, best_load = None, None
    for choice in itertools.product(range(lanes), repeat=len(pages)):
        counts = [choice.count(k) for k in range(lanes)]
        if any(c > cap for c, cap in zip(counts, capacities)):
            continue
        load = max(sum(costs[d] for d, k in zip(pages, choice) if k == lane)
                   for lane in range(lanes))
        if best_load is None or load < best_load:
            best, best_load = choice, load
    if best is None:                                      # more pages than room
        return _partition({d: costs[d] for d in pages[:sum(capacities)]}, capacities)
    return [[d for d, k in zip(pages, best) if k == lane] for lane in range(lanes)]


def _balance_reading(app, env, docnames):
    """Reorder ``docnames`` in place so that Sphinx's first chunks (one per process,
    read side by side) carry about equal notebook time; other pages fill the rest."""
    nproc = app.parallel
    if nproc < 2 or len(docnames) <= 5:                   # Sphinx reads serially then
        return
    from sphinx.util.parallel import make_chunks

    known = _read_costs(app.config)
    default = sum(known.values()) / len(known) if known else 1.0
    costs = {}
    for d in docnames:
        if d in known:
            costs[d] = float(known[d])
        elif str(env.doc2path(d)).endswith(".ipynb"):          # a new notebook: a typical cost
            costs[d] = default
    if not costs:
        return
    sizes = [len(c) for c in make_chunks(list(docnames), nproc)]
    first = sizes[:nproc]
    groups = _partition(costs, first)
    placed = {d for g in groups for d in g}
    rest = [d for d in docnames if d not in placed]       # cheap pages, in Sphinx's order
    order = []
    for group, size in zip(groups, first):
        chunk = list(group)
        while len(chunk) < size and rest:
            chunk.append(rest.pop(0))
        order += chunk
    order += rest
    docnames[:] = order


def _create_execution_cache(app, env, docnames):
    """Create myst-nb's jupyter-cache database before the reading processes start.

    jupyter-cache creates its SQLite tables when a process first finds no database
    file. Two processes reading a fresh ``_build`` both found none, and one of them
    failed the build with "table settings already exists" (seen once in the test
    suite, 2026-11-27). Made here, in the main process, the database exists before
    either starts.
    """
    config = getattr(env, "mystnb_config", None)
    if config is None or config.execution_mode != "cache" or not docnames:
        return
    from jupyter_cache import get_cache

    get_cache(config.execution_cache_path or ".jupyter_cache").db


def _cache_compiled_templates(app):
    """Keep the theme's compiled Jinja templates in ``_build/.doctrees/jinja``."""
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if environment is None:                 # a builder without HTML templates
        return
    from jinja2 import FileSystemBytecodeCache

    path = os.path.join(app.doctreedir, "jinja")
    os.makedirs(path, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(path)


@functools.cache                            # once per process, however often set up
def _freeze_at_exit():
    """Register ``gc.freeze`` to run when the interpreter exits."""
    atexit.register(gc.freeze)


def setup(app):
    os.environ[STATIC_ENV] = "1"
    process_env.apply(os.environ)
    _freeze_at_exit()
    app.add_config_value("book_parallel_jobs", 0, "")
    app.add_config_value("book_read_cost", {}, "")
    app.connect("builder-inited", _configure_parallel)
    app.connect("builder-inited", _cache_compiled_templates)
    app.connect("env-before-read-docs", _create_execution_cache)
    app.connect("env-before-read-docs", _balance_reading)
    app.connect("html-page-context", _drop_duplicate_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
