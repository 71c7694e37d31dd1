"""Sphinx extension loaded by _config.yml for the book build.

- Before any notebook runs, it puts ``RNN_BOOK_STATIC=1`` into the environment that the
  build's kernels inherit: ``rnn_lib.interactive`` then gives every slider figure its
  static face only (precomputed frames, no widget state), which is what a page without
  a kernel can show. The process settings of ``process_env.py`` (glibc's allocator
  thresholds, one BLAS thread) go into that environment too.
- It drops inline scripts that a page would otherwise carry twice: sphinx-thebe 0.3.1
  adds its inline ``const THEBE_JS_URL = ...`` late, and Sphinx 7.4's page writer adds
  it again under another name, so every page threw "Identifier 'THEBE_JS_URL' has
  already been declared" in the browser.
- It reads pages in one process per CPU, so two chapters' notebooks execute side by
  side (jupyter-book's CLI has no ``-j``). Side by side, 12 interleaved cold builds of
  one snapshot (2026-12-06, load 1-9 from other jobs): serial reading took a median 1.36x
  as long as this (ratios 0.90-1.59; 1.22x against parallel reading without the cost
  table below). Three extensions that jupyter-book loads do not declare whether they
  are safe for parallel reading, and Sphinx's warning would fail a ``-W`` build; each
  was read and keeps no per-page state in the environment. Pages are written serially
  (a parallel write on two CPUs is one forked worker, and the same undeclared
  extensions). The notebooks' execution cache is created before the processes start:
  in a fresh ``_build`` both would create it, and one failed.

Removed after the same measurement (benchmarks/RESULTS.md, "What we tried"): a table of
each notebook's cost to balance the two processes (1.02x without it, median of 12),
keeping compiled Jinja templates, and freezing the heap at exit.
"""
import os

import process_env

# rnn_lib.interactive.STATIC_ENV (tests/test_book.py checks that they agree). Importing
# rnn_lib here would load matplotlib and Pillow into every build: 2 s of start-up.
STATIC_ENV = "RNN_BOOK_STATIC"
# replaces the section-number pass, which runs in the main process after the merge;
# copies MathJax when the build finishes; annotates each page's own doctree only:
READ_SAFE = ("sphinx_multitoc_numbering", "sphinx-mathjax-offline", "sphinx_jupyterbook_latex")


def _read_in_parallel(app):
    app.parallel = os.cpu_count() or 1
    app.builder.allow_parallel = False                    # writing stays serial
    for name in READ_SAFE:
        extension = app.extensions.get(name)
        if extension is not None and extension.parallel_read_safe is None:
            extension.parallel_read_safe = True


def _create_execution_cache(app, env, docnames):
    config = getattr(env, "mystnb_config", None)
    if config is None or config.execution_mode != "cache" or not docnames:
        return
    from jupyter_cache import get_cache

    get_cache(config.execution_cache_path or ".jupyter_cache").db  # noqa: B018 (makes the tables)


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


def setup(app):
    os.environ[STATIC_ENV] = "1"
    process_env.apply(os.environ)
    app.connect("builder-inited", _read_in_parallel)
    app.connect("env-before-read-docs", _create_execution_cache)
    app.connect("html-page-context", _drop_duplicate_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
