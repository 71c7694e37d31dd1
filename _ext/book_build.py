"""Sphinx extension loaded by _config.yml for the book build.

It sets RNN_BOOK_STATIC=1 in the build's environment before any notebook runs. The
kernels that myst-nb starts inherit it, and rnn_lib.interactive then gives every
slider figure its static face only (precomputed frames, no widget state), which is
what a page without a kernel can show.
"""
import os

from rnn_lib.interactive import STATIC_ENV


def setup(app):
    os.environ[STATIC_ENV] = "1"
    return {"parallel_read_safe": True, "parallel_write_safe": True}
