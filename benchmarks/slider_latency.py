"""Live redraw latency of every slider figure of the book, and its static face's weight.

For each figure in rnn_lib.explorers.ALL: the time the live face takes to answer a
slider move (``Explorer.live_frame``: update the artists, draw, encode) over a sample of
positions of its live grid, and the number and bytes of its static frames.
``benchmarks/run.py`` (section ``sliders``) imports ``measure`` from here.

    python benchmarks/slider_latency.py [--quick] [--out benchmarks/RESULTS-sliders.md]
"""
from __future__ import annotations

import argparse
import platform
import time

import numpy as np

from rnn_lib.explorers import ALL


def positions(ex, n, rng):
    """n slider positions drawn from the live grid (each slider moved at random)."""
    grids = [s.grid() for s in ex.sliders]
    return [{s.name: g[rng.integers(len(g))] for s, g in zip(ex.sliders, grids)}
            for _ in range(n)]


def measure(make, n, rng, static=True) -> dict:
    """Time one figure: make it, n live moves, and (if ``static``) its static face.

    Returns a dict with the seconds to make the figure (``make_s``), the live move times
    (``times``, seconds), and, with ``static``, ``static_s`` (seconds for
    ``static_html``), ``frames`` (count), ``frame_bytes``, ``html_bytes`` and
    ``format`` (svg or webp).
    """
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
        frames = ex.frames()
        row.update(frames=len(frames), frame_bytes=sum(map(len, frames)), html_bytes=len(page),
                   format=ex.frame_format)
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="few positions, for CI")
    ap.add_argument("--out", default=None, help="write a Markdown table here")
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    n = 5 if args.quick else 60
    rows = []
    for name, make in ALL.items():
        r = measure(make, n, rng)
        rows.append((name, len(r["times"]), 1e3 * np.median(r["times"]),
                     1e3 * np.percentile(r["times"], 95), r["frames"], r["frame_bytes"] / 1024,
                     r["html_bytes"] / 1024, r["static_s"]))
    head = ("| figure | moves | live median (ms) | live p95 (ms) | static frames | frame KiB "
            "| HTML KiB | static build (s) |\n|---|---|---|---|---|---|---|---|")
    lines = [head] + ["| {} | {} | {:.0f} | {:.0f} | {} | {:.0f} | {:.0f} | {:.1f} |".format(*r)
                      for r in rows]
    table = "\n".join(lines)
    print(table)
    if args.out:
        with open(args.out, "w") as f:
            f.write(f"# Slider latency ({time.strftime('%Y-%m-%d')}, {platform.machine()}, "
                    f"{platform.python_version()}, {'quick' if args.quick else 'full'})\n\n")
            f.write(table + "\n")


if __name__ == "__main__":
    main()
