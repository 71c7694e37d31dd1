"""Sphinx extension loaded by _config.yml for the book build.

- It sets RNN_BOOK_STATIC=1 in the build's environment before any notebook runs. The
  kernels that myst-nb starts inherit it, and rnn_lib.interactive then gives every
  slider figure its static face only (precomputed frames, no widget state), which is
  what a page without a kernel can show.
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
"""
import os

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


def _configure_parallel(app):
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


def setup(app):
    os.environ[STATIC_ENV] = "1"
    app.add_config_value("book_parallel_jobs", 0, "")
    app.connect("builder-inited", _configure_parallel)
    app.connect("html-page-context", _drop_duplicate_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
