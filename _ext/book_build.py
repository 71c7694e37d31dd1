"""Sphinx extension loaded by _config.yml for the book build.

- It sets RNN_BOOK_STATIC=1 in the build's environment before any notebook runs. The
  kernels that myst-nb starts inherit it, and rnn_lib.interactive then gives every
  slider figure its static face only (precomputed frames, no widget state), which is
  what a page without a kernel can show.
- It drops inline scripts that a page would otherwise carry twice. sphinx-thebe 0.3.1
  adds its inline ``const THEBE_JS_URL = ...`` late, and Sphinx 7.4's page writer adds
  it again under another name, so every page threw "Identifier 'THEBE_JS_URL' has
  already been declared" in the browser.
"""
import os

from rnn_lib.interactive import STATIC_ENV


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
    app.connect("html-page-context", _drop_duplicate_scripts)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
