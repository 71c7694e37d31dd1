"""Inside the notebooks: each executed once with nbclient as the build runs it (static
faces): kernel start-up, each cell, and the time spent inside a few library functions."""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from .build import QUICK_NOTEBOOK, quick_copy
from .common import ROOT, copy_book, table

TITLE = "Inside the notebooks (execution profile)"
#: (module, attribute, column): the functions whose time the profile adds up
WRAPPED = [("rnn_lib.interactive", "Explorer.__init__", "Explorer set-up"),
           ("rnn_lib.interactive", "Explorer.static_html", "static face (frames + HTML)"),
           ("rnn_lib.interactive", "Explorer.overlay", "static frames: drawing (raster)"),
           ("rnn_lib.interactive", "_to_webp", "static frames: WebP"),
           ("rnn_lib.svg_frames", "render", "static frames: SVG"),
           ("matplotlib.backend_bases", "FigureCanvasBase.print_figure", "inline figures (PNG)"),
           ("rnn_lib.train", "train", "rnn_lib.train.train")]
PROFILE_SETUP = r'''
import functools as _bf, importlib as _bi, time as _bt
_BENCH = {}
def _bench_wrap(module, path, key):
    owner = _bi.import_module(module)
    *outer, attr = path.split(".")
    for name in outer:
        owner = getattr(owner, name)
    orig = getattr(owner, attr, None)
    if orig is None:
        return
    @_bf.wraps(orig)
    def wrapper(*a, **k):
        t0 = _bt.perf_counter()
        try:
            return orig(*a, **k)
        finally:
            _BENCH[key] = _BENCH.get(key, 0.0) + _bt.perf_counter() - t0
    setattr(owner, attr, wrapper)
for _w in %r:
    _bench_wrap(*_w)
''' % (WRAPPED,)
PROFILE_REPORT = "import json as _bj; print(_bj.dumps(_BENCH))"


def profile_notebook(path: Path, timeout=600) -> dict:
    """Execute a notebook as the build does (static faces) and time its kernel and cells."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    n_orig = len(nb.cells)
    nb.cells = ([nbformat.v4.new_code_cell(PROFILE_SETUP)] + nb.cells
                + [nbformat.v4.new_code_cell(PROFILE_REPORT)])
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    cells = []
    with client.setup_kernel(env=dict(os.environ, RNN_BOOK_STATIC="1")):
        t_kernel = time.perf_counter() - t0
        for i, cell in enumerate(nb.cells):
            t1 = time.perf_counter()
            client.execute_cell(cell, i)
            cells.append(time.perf_counter() - t1)
    t_all = time.perf_counter() - t0
    out = nb.cells[-1].outputs
    inside = json.loads("".join(o.get("text", "") for o in out if o.get("name") == "stdout"))
    code = []
    for j in range(n_orig):
        c = nb.cells[j + 1]
        if c.cell_type == "code":
            first = next((ln for ln in c.source.splitlines() if ln.strip()
                          and not ln.lstrip().startswith("#")), "")
            code.append({"index": j, "seconds": cells[j + 1], "first": first.strip()})
    return {"kernel": t_kernel, "setup": cells[0], "cells": code, "total": t_all,
            "inside": inside}


def run(sec, ctx):
    sec.repeat = 1                                 # a profile: one execution per notebook
    work = Path(tempfile.mkdtemp(prefix="rnnbook-cells-"))
    profiles = {}
    try:
        book = quick_copy(work / "book") if sec.quick else copy_book(ROOT, work / "book")
        paths = ([book / QUICK_NOTEBOOK] if sec.quick
                 else sorted((book / "chapters").glob("*.ipynb")))
        for p in paths:
            try:
                profiles[p.name] = profile_notebook(p)
            except Exception as exc:               # report it, go on with the others
                sec.ok = False
                sec.add(f"`{p.name}` failed: `{type(exc).__name__}: {str(exc)[:300]}`")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if not profiles:
        return
    keys = [key for _, _, key in WRAPPED]
    rows, total = [], np.zeros(4 + len(keys))
    for name, p in profiles.items():
        vals = [p["total"], p["kernel"], p["setup"], sum(c["seconds"] for c in p["cells"])]
        vals += [p["inside"].get(k, 0.0) for k in keys]
        total += vals
        rows.append([f"`{name}`"] + [f"{v:.1f}" for v in vals])
    rows.append(["**all**"] + [f"**{v:.1f}**" for v in total])
    sec.add("Each notebook executed once with nbclient and the book's static faces "
            "(`RNN_BOOK_STATIC=1`), as `jupyter-book build` runs it; seconds. A first cell "
            "imports the library and wraps a few functions to time them (the right-hand "
            "columns; the static face contains the drawing, WebP and SVG columns).\n\n"
            + table(["notebook", "total", "kernel start", "imports (profiler cell)",
                     "its cells"] + keys, rows))
    slowest = sorted(((c["seconds"], name, c) for name, p in profiles.items()
                      for c in p["cells"]), key=lambda x: -x[0])[:5 if sec.quick else 15]
    rows = [[f"`{name}`", c["index"], f"{s:.1f}", f"`{c['first'][:70]}`"]
            for s, name, c in slowest]
    sec.add(f"The {len(rows)} slowest cells (index counts every cell of the notebook from 0):"
            "\n\n" + table(["notebook", "cell", "seconds", "first line"], rows))
