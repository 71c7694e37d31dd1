"""Every slider figure: live redraw latency (a slider move in a kernel) and its static
face (frames, bytes as a server sends them, time to compute)."""
from __future__ import annotations

import time

import numpy as np

from .common import kib, med, table, verdict

TITLE = "Slider figures"
#: a reader feels a redraw slower than this
TARGET_MS = 100.0


def positions(ex, n, rng):
    """n slider positions drawn from the live grid (each slider moved at random)."""
    grids = [s.grid() for s in ex.sliders]
    return [{s.name: g[rng.integers(len(g))] for s, g in zip(ex.sliders, grids)}
            for _ in range(n)]


def measure(make, n, rng, static=True) -> dict:
    """Time one figure: make it, n live moves, and (if ``static``) its static face."""
    from rnn_lib.interactive import gzip_size

    t0 = time.perf_counter()
    ex = make()
    row = {"make_s": time.perf_counter() - t0}
    ex.live_frame()                                   # warm up
    times = []
    for values in positions(ex, n, rng):
        t0 = time.perf_counter()
        ex.live_frame(**values)
        times.append(time.perf_counter() - t0)
    row["times"] = times
    if static:
        t0 = time.perf_counter()
        page = ex.static_html()
        row["static_s"] = time.perf_counter() - t0
        row.update(frames=len(ex.frames()), format=ex.frame_format, html_bytes=len(page),
                   html_gzip=gzip_size([page]))
    return row


def run(sec, ctx):
    from rnn_lib.explorers import ALL

    n = 5 if sec.quick else 60
    rows = []
    for i, (name, make) in enumerate(ALL.items()):
        static = not sec.quick or i == 0
        runs = [measure(make, n, np.random.default_rng(k), static=static)
                for k in range(sec.repeat)]
        times = [t for r in runs for t in r["times"]]
        m, p95 = 1e3 * np.median(times), 1e3 * np.percentile(times, 95)
        st = ["—"] * 5
        if static:
            r = runs[-1]
            st = [r["format"], r["frames"], kib(r["html_bytes"]), kib(r["html_gzip"]),
                  f"{med([x['static_s'] for x in runs]):.1f}"]
        rows.append([name, len(times), f"{m:.0f}", f"{p95:.0f}", verdict(m, TARGET_MS, sec.quick),
                     f"{med([x['make_s'] for x in runs]):.2f}"] + st)
    sec.add(f"Live: one slider move in a kernel (update the artists, draw, JPEG), over {n} "
            "random positions of the figure's live grid per run. Static: the website's frames "
            "(SVG for line figures, lossless WebP for images and for figures whose SVG would "
            "outgrow the budget) and the figure's HTML, raw and gzipped; `static face (s)` is "
            "the time to compute them, which the book build pays once per figure."
            + (" --quick computes the static face of the first figure only."
               if sec.quick else "")
            + "\n\n" + table(["figure", "moves", "live median (ms)", "live p95 (ms)",
                              f"≤ {TARGET_MS:.0f} ms", "set-up (s)", "frames as",
                              "static frames", "HTML KiB", "HTML gzip KiB", "static face (s)"],
                             rows))
